"""Who is working, in the app: sign in (with the lockout shown), a demo person, a database with
nobody set up, and never a silent fallback to a manager."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.errors import PermissionDenied
from app.services import accounts
from app.services.access import sign_in_mode
from app.services.inbox import list_inbox
from app.services.workspace import Actor, open_workspace
from app.ui.main_window import MainWindow
from app.ui.sign_in import (
    DemoPersonDialog,
    SetUpPeopleDialog,
    SignInDialog,
    settle_person,
)

PASSWORD = "correct horse battery"


@pytest.fixture
def team_db(tmp_path, clock):
    """A database with sign-in: an admin and an officer."""
    path = tmp_path / "team.sqlite"
    ws = open_workspace(path, actor=Actor("setup", "t"), clock=clock)
    accounts.add_person(ws, "boss", "admin", PASSWORD, full_name="Bo Ss")
    accounts.add_person(ws, "a.khan", "officer", PASSWORD, full_name="Aisha Khan", team="North")
    ws.close()
    return path


def fresh(path, clock, user="root"):
    return open_workspace(path, actor=Actor(user, "t"), clock=clock)


def test_a_database_with_passwords_acts_as_nobody_until_someone_signs_in(qtbot, team_db, clock):
    ws = fresh(team_db, clock)
    with pytest.raises(PermissionDenied, match="Sign in first"):
        list_inbox(ws)
    dialog = SignInDialog(ws, "a.khan")
    qtbot.addWidget(dialog)
    dialog.password.setText("wrong password!")
    dialog.accept()
    # the same words as for an unknown name (the dialog must not confirm who has an account)
    assert dialog.error.text() == accounts.WRONG
    assert dialog.password.text() == ""  # never kept after a try
    dialog.password.setText(PASSWORD)
    dialog.accept()
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    assert ws.actor.username == "a.khan" and ws.signed_in == "a.khan"
    window = MainWindow(ws)
    qtbot.addWidget(window)
    scopes = [window.filters.scope.itemData(i) for i in range(window.filters.scope.count())]
    assert "all" not in scopes  # an officer is never offered every case
    ws.close()


def test_the_lockout_shows_its_unlock_time(qtbot, team_db, clock):
    ws = fresh(team_db, clock)
    dialog = SignInDialog(ws, "a.khan")
    qtbot.addWidget(dialog)
    for _ in range(accounts.MAX_FAILURES):
        dialog.password.setText("not the password")
        dialog.accept()
    assert "locked until" in dialog.error.text()
    dialog.password.setText(PASSWORD)  # even the right password waits for the lock to end
    dialog.accept()
    assert dialog.result() != SignInDialog.DialogCode.Accepted
    assert "locked until" in dialog.error.text()
    ws.close()


def test_the_demo_asks_who_you_are_and_applies_their_role(qtbot, office, monkeypatch):
    from app.services.workspace import Actor as A

    office.actor = A("root", "t")  # the OS login is not a person here: no fallback to a manager
    with pytest.raises(PermissionDenied):
        list_inbox(office)
    dialog = DemoPersonDialog(office, "t.wis")
    qtbot.addWidget(dialog)
    assert dialog.person.currentData() == "t.wis"
    dialog.accept()
    assert office.actor.username == "t.wis"
    assert [r.ref for r in list_inbox(office)] == ["REP-4"]  # only the South team's case


def test_a_database_with_nobody_set_up_is_a_choice_not_a_default(qtbot, tmp_path, clock):
    ws = fresh(tmp_path / "new.sqlite", clock)
    dialog = SetUpPeopleDialog(ws)
    qtbot.addWidget(dialog)
    dialog.accept()  # no name given
    assert dialog.result() != SetUpPeopleDialog.DialogCode.Accepted and dialog.error.text()
    dialog.full_name.setText("Grace Oduya")
    dialog.username.setText("g.oduya")
    dialog.accept()
    assert dialog.result() == SetUpPeopleDialog.DialogCode.Accepted
    with ws.db.read() as s:
        assert sign_in_mode(s) == "solo"
    ws.close()
    again = fresh(tmp_path / "new.sqlite", clock, user="someone-else")
    assert settle_person(again, None, interactive=False)  # solo: nothing to ask
    assert again.actor.username == "g.oduya"
    again.close()


def test_protecting_a_new_database_makes_its_first_admin(qtbot, tmp_path, clock):
    ws = fresh(tmp_path / "new.sqlite", clock)
    dialog = SetUpPeopleDialog(ws)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.protect, Qt.MouseButton.LeftButton)
    dialog.full_name.setText("Bo Ss")
    dialog.username.setText("boss")
    dialog.password.setText(PASSWORD)
    dialog.again.setText(PASSWORD + "x")
    dialog.accept()
    assert "differ" in dialog.error.text()
    dialog.again.setText(PASSWORD)
    dialog.accept()
    assert dialog.result() == SetUpPeopleDialog.DialogCode.Accepted
    assert ws.signed_in == "boss"
    ws.close()
    again = fresh(tmp_path / "new.sqlite", clock)
    with pytest.raises(Exception, match="--user"):
        settle_person(again, None, interactive=False)  # never guessed
    again.close()


def test_the_signed_in_person_changes_their_password(qtbot, team_db, clock):
    from app.ui.sign_in import ChangePasswordDialog

    ws = fresh(team_db, clock)
    accounts.sign_in(ws, "a.khan", PASSWORD)
    window = MainWindow(ws)
    qtbot.addWidget(window)
    assert window.password_action.isVisible()  # shown only where sign-in is on
    dialog = ChangePasswordDialog(ws)
    qtbot.addWidget(dialog)
    dialog.current.setText("not my password")
    dialog.new.setText("a brand new passphrase")
    dialog.again.setText("a brand new passphrase")
    dialog.accept()
    assert "wrong" in dialog.error.text() and dialog.current.text() == ""
    dialog.current.setText(PASSWORD)
    dialog.new.setText("a brand new passphrase")
    dialog.again.setText("a brand new passphrase")
    dialog.accept()
    assert dialog.result() == ChangePasswordDialog.DialogCode.Accepted
    ws.close()
    again = fresh(team_db, clock)
    accounts.sign_in(again, "a.khan", "a brand new passphrase")
    again.close()


def test_no_password_to_change_on_a_lone_laptop_or_the_demo(qtbot, office):
    window = MainWindow(office)  # the office fixture is the demo's kind: no passwords
    qtbot.addWidget(window)
    assert not window.password_action.isVisible()
