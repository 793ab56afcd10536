"""File › People… (admins): who can sign in, their roles and state; add someone, change a
role, disable an account, set a new password (which lifts a lockout). Every step is a service
that checks the admin's role again."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import DoorstepError, ValidationError
from app.services import accounts
from app.services.access import ROLES
from app.services.workspace import Workspace
from app.ui.fit import fit_window
from app.ui.forms import ERROR_STYLE, FormDialog
from app.ui.records_model import Column, RecordsModel, make_table
from app.ui.sign_in import _password_field


def _state(p: accounts.PersonRow) -> str:
    if not p.active:
        return "disabled"
    if p.locked_until is not None:
        return f"locked until {p.locked_until:%H:%M} UTC"
    return "can sign in" if p.can_sign_in else "no sign-in"


COLUMNS = (
    Column("Username", lambda p: p.username, 140),
    Column("Name", lambda p: p.name, 200),
    Column("Role", lambda p: p.role, 90),
    Column("Team", lambda p: p.team or "", 100),
    Column("State", _state),
)


def _roles(parent: QWidget, current: str = "officer") -> QComboBox:
    box = QComboBox(parent)
    for role in ROLES:
        box.addItem(role, role)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


class AddPersonDialog(FormDialog):
    def __init__(self, ws: Workspace, parent=None):
        super().__init__("Add a person", parent, ok_text="&Add", min_width=460)
        self.ws = ws
        self.username = QLineEdit(self)
        self.full_name = QLineEdit(self)
        self.role = _roles(self)
        self.team = QLineEdit(self)
        self.password = _password_field(self)
        self.again = _password_field(self)
        self.add_field("&Username:", self.username)
        self.add_field("Full &name:", self.full_name)
        self.add_field("&Role:", self.role)
        self.add_field("&Team:", self.team)
        self.add_field("&Password:", self.password)
        self.add_field("R&epeat it:", self.again)

    def submit(self) -> None:
        if self.password.text() != self.again.text():
            raise ValidationError("The two passwords differ.")
        accounts.add_person(
            self.ws,
            self.username.text(),
            self.role.currentData(),
            self.password.text(),
            full_name=self.full_name.text(),
            team=self.team.text().strip() or None,
        )


class NewPasswordDialog(FormDialog):
    def __init__(self, ws: Workspace, username: str, parent=None):
        super().__init__(f"New password — {username}", parent, ok_text="&Set", min_width=420)
        self.ws, self.username = ws, username
        self.password = _password_field(self)
        self.again = _password_field(self)
        self.add_field("&New password:", self.password)
        self.add_field("&Repeat it:", self.again)

    def submit(self) -> None:
        if self.password.text() != self.again.text():
            raise ValidationError("The two passwords differ.")
        accounts.reset_password(self.ws, self.username, self.password.text())


class PeopleDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle("People")
        self.setAccessibleName("People")
        self.model: RecordsModel[accounts.PersonRow] = RecordsModel(COLUMNS, self)
        self.table = make_table(self.model, "People", self)
        self.role = _roles(self)
        self.role.setAccessibleName("New role")
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add…", self)
        self.role_button = QPushButton("Make &them", self)
        self.disable_button = QPushButton("&Disable", self)
        self.reset_button = QPushButton("New &password…", self)
        self.add_button.clicked.connect(self.add)
        self.role_button.clicked.connect(self.change_role)
        self.disable_button.clicked.connect(self.disable)
        self.reset_button.clicked.connect(self.reset)
        for w in (self.add_button, self.role_button, self.role, self.disable_button):
            buttons.addWidget(w)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        lay.addWidget(self.status)
        lay.addWidget(close)
        fit_window(self, 760, 440, "people")
        self.load()

    def load(self) -> None:
        self.model.set_rows(accounts.list_people(self.ws))
        if self.model.rowCount():
            self.table.selectRow(0)

    def selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()).username if rows else None

    def say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(text)

    def _do(self, call, done: str) -> None:
        try:
            call()
        except DoorstepError as exc:
            self.say(str(exc), error=True)
            return
        self.load()
        self.say(done)

    def add(self) -> None:
        if AddPersonDialog(self.ws, self).exec() == QDialog.DialogCode.Accepted:
            self.load()
            self.say("Added: they can sign in now.")

    def change_role(self) -> None:
        who, role = self.selected(), self.role.currentData()
        if who:
            self._do(lambda: accounts.set_role(self.ws, who, role), f"{who} is now {role}.")

    def disable(self) -> None:
        who = self.selected()
        if who:
            self._do(lambda: accounts.disable_person(self.ws, who), f"{who} can no longer sign in.")

    def reset(self) -> None:
        who = self.selected()
        if who and NewPasswordDialog(self.ws, who, self).exec() == QDialog.DialogCode.Accepted:
            self.load()
            self.say(f"New password set for {who}; any lockout is lifted.")
