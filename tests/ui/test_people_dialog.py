"""File › People… for admins: add a person, change a role, set a new password (lifting a
lockout), disable an account — each a service that checks the admin's role again."""

from __future__ import annotations

import pytest

from app.errors import PermissionDenied
from app.services import accounts
from app.services.workspace import Actor, open_workspace
from app.ui.main_window import MainWindow
from app.ui.people_dialog import AddPersonDialog, NewPasswordDialog, PeopleDialog

PASSWORD = "correct horse battery"


@pytest.fixture
def admin(tmp_path, clock):
    ws = open_workspace(tmp_path / "team.sqlite", actor=Actor("setup", "t"), clock=clock)
    accounts.add_person(ws, "boss", "admin", PASSWORD, full_name="Bo Ss")
    accounts.add_person(ws, "a.khan", "officer", PASSWORD, full_name="Aisha Khan", team="North")
    yield ws
    ws.close()


def row_of(dialog: PeopleDialog, username: str):
    for i, p in enumerate(dialog.model.rows):
        if p.username == username:
            dialog.table.selectRow(i)
            return p
    raise AssertionError(username)


def test_an_admin_manages_people_in_the_app(qtbot, admin, monkeypatch):
    window = MainWindow(admin)
    qtbot.addWidget(window)
    assert window.people_action.isVisible()
    dialog = PeopleDialog(admin)
    qtbot.addWidget(dialog)
    assert [p.username for p in dialog.model.rows] == ["a.khan", "boss"]

    def fill_add(self):
        self.username.setText("g.oduya")
        self.full_name.setText("Grace Oduya")
        self.role.setCurrentIndex(self.role.findData("manager"))
        self.password.setText("another good passphrase")
        self.again.setText("another good passphrase")
        self.accept()
        return self.result()

    monkeypatch.setattr(AddPersonDialog, "exec", fill_add)
    dialog.add()
    assert row_of(dialog, "g.oduya").role == "manager"

    row_of(dialog, "a.khan")
    dialog.role.setCurrentIndex(dialog.role.findData("auditor"))
    dialog.change_role()
    assert row_of(dialog, "a.khan").role == "auditor"

    laptop = open_workspace(admin.db.path, actor=Actor("a.khan", "t"))
    for _ in range(accounts.MAX_FAILURES):  # a.khan locks herself out
        with pytest.raises(accounts.SignInFailed):
            accounts.sign_in(laptop, "a.khan", "wrong password!")
    laptop.close()
    dialog.load()
    assert "locked until" in dialog.model.data(dialog.model.index(0, 4))

    def fill_new(self):
        self.password.setText("a fresh passphrase 2")
        self.again.setText("a fresh passphrase 2")
        self.accept()
        return self.result()

    monkeypatch.setattr(NewPasswordDialog, "exec", fill_new)
    row_of(dialog, "a.khan")
    dialog.reset()
    assert row_of(dialog, "a.khan").locked_until is None

    row_of(dialog, "boss")
    dialog.disable()  # the last admin cannot go
    assert "last admin" in dialog.status.text()
    row_of(dialog, "a.khan")
    dialog.disable()
    assert not row_of(dialog, "a.khan").active


def test_people_are_an_admins_step_only(qtbot, admin, clock):
    officer = open_workspace(admin.db.path, actor=Actor("a.khan", "t"), clock=clock)
    try:
        accounts.sign_in(officer, "a.khan", PASSWORD)
        window = MainWindow(officer)
        qtbot.addWidget(window)
        assert not window.people_action.isVisible()
        with pytest.raises(PermissionDenied, match="Only an admin"):
            PeopleDialog(officer)
    finally:
        officer.close()
