"""Who is working: sign in (a database with passwords), choose a demo person (the demo), or set a
database with no people up (work alone as a named officer, or protect it with sign-in).

Never a silent fallback: the app acts as someone only after they proved it, chose it on the demo,
or chose to work alone. The services enforce the roles (app/services/access.py)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QLineEdit, QRadioButton

from app.errors import DoorstepError, ValidationError
from app.services import accounts
from app.services.officers import list_officers
from app.services.workspace import Workspace
from app.ui.forms import FormDialog


def _remembered_key(ws: Workspace) -> str:
    return f"last_user/{ws.db.label}"


def _password_field(parent) -> QLineEdit:
    field = QLineEdit(parent)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


class SignInDialog(FormDialog):
    """Name and password. A wrong password says how many tries are left; a locked account says
    until when."""

    def __init__(self, ws: Workspace, username: str = "", parent=None):
        super().__init__(f"Sign in — {ws.db.label}", parent, ok_text="&Sign in", min_width=420)
        self.ws = ws
        self.username = QLineEdit(username, self)
        self.password = _password_field(self)
        self.add_field("&Username:", self.username)
        self.add_field("&Password:", self.password)
        (self.password if username else self.username).setFocus()

    def submit(self) -> None:
        try:
            accounts.sign_in(self.ws, self.username.text(), self.password.text())
        finally:
            self.password.clear()


class DemoPersonDialog(FormDialog):
    """The demo holds invented people: choose whose work to see (their role applies)."""

    def __init__(self, ws: Workspace, remembered: str | None = None, parent=None):
        super().__init__(
            "Demo — who are you today?", parent, ok_text="&Work as them", min_width=440
        )
        self.ws = ws
        self.set_intro(
            "This is the demo database: its people and cases are invented. Choose who to work "
            "as; Doorstep shows and allows exactly what their role may do."
        )
        self.person = QComboBox(self)
        for o in list_officers(ws):
            team = f", {o.team}" if o.team else ""
            self.person.addItem(f"{o.name} — {o.role}{team}", o.username)
        if remembered:
            self.person.setCurrentIndex(max(0, self.person.findData(remembered)))
        self.add_field("&Person:", self.person)

    def submit(self) -> None:
        accounts.choose_demo_person(self.ws, self.person.currentData())


class SetUpPeopleDialog(FormDialog):
    """A database with nobody set up: work alone as a named officer, or protect it with sign-in
    (its first admin)."""

    def __init__(self, ws: Workspace, parent=None):
        super().__init__("Who works in this database?", parent, ok_text="&Start", min_width=480)
        self.ws = ws
        self.set_intro(f"{ws.db.label} has no people set up yet. Choose how it is used:")
        self.alone = QRadioButton("&Alone on this laptop, without sign-in", self)
        self.protect = QRadioButton("&Protected by sign-in (you become its first admin)", self)
        self.alone.setChecked(True)
        self.full_name = QLineEdit(self)
        self.username = QLineEdit(self)
        self.password = _password_field(self)
        self.again = _password_field(self)
        self.form.addRow(self.alone)
        self.form.addRow(self.protect)
        self.add_field("Your &name:", self.full_name)
        self.add_field("&Username:", self.username)
        self.add_field("Pass&word:", self.password)
        self.add_field("&Repeat it:", self.again)
        self.protect.toggled.connect(self._toggle)
        self._toggle(False)

    def _toggle(self, protected: bool) -> None:
        self.password.setEnabled(protected)
        self.again.setEnabled(protected)

    def submit(self) -> None:
        username, name = self.username.text().strip(), self.full_name.text().strip()
        if self.alone.isChecked():
            accounts.choose_solo(self.ws, username, name)
            return
        if self.password.text() != self.again.text():
            raise ValidationError("The two passwords differ.")
        accounts.add_person(self.ws, username, "admin", self.password.text(), full_name=name)


class ChangePasswordDialog(FormDialog):
    """The signed-in person changes their own password (proving the current one)."""

    def __init__(self, ws: Workspace, parent=None):
        super().__init__(
            f"Change password — {ws.actor.username}", parent, ok_text="&Change", min_width=420
        )
        self.ws = ws
        self.current = _password_field(self)
        self.new = _password_field(self)
        self.again = _password_field(self)
        self.add_field("C&urrent password:", self.current)
        self.add_field("&New password:", self.new)
        self.add_field("&Repeat it:", self.again)

    def submit(self) -> None:
        try:
            if self.new.text() != self.again.text():
                raise ValidationError("The two new passwords differ; nothing was changed.")
            accounts.change_password(self.ws, self.current.text(), self.new.text())
        finally:
            for field in (self.current, self.new, self.again):
                field.clear()


def settle_person(ws: Workspace, user: str | None, parent=None, interactive: bool = True) -> bool:
    """Establish who is working before the main window opens; False when they cancelled.

    Raises DoorstepError when it cannot be done without asking and asking is not allowed."""
    mode = accounts.enter(ws)
    if mode in ("solo", "replica"):  # a lone laptop's officer; an enrolled laptop's own person
        return True
    settings = QSettings()
    remembered = settings.value(_remembered_key(ws)) or None
    if mode == "demo" and user:
        accounts.choose_demo_person(ws, user)
        return True
    if mode == "open" and user and not interactive:  # as the command line does: named, not chosen
        return True
    if not interactive:
        raise ValidationError(
            "Say who is working with --user NAME: this database needs sign-in or a choice of person."
            if mode != "open"
            else "This database has no people set up: open it in the app to choose how it is used."
        )
    if mode == "passwords":
        dialog = SignInDialog(ws, user or remembered or "", parent)
    elif mode == "demo":
        dialog = DemoPersonDialog(ws, remembered, parent)
    else:
        dialog = SetUpPeopleDialog(ws, parent)
    if dialog.exec() != FormDialog.DialogCode.Accepted:
        return False
    settings.setValue(_remembered_key(ws), ws.actor.username)
    return True


def switch_person(ws: Workspace, parent=None) -> bool:
    """File › Sign in as someone else: the same checks as at start-up."""
    mode = accounts.sign_in_mode_of(ws)
    if mode == "passwords":
        dialog = SignInDialog(ws, "", parent)
    elif mode == "demo":
        dialog = DemoPersonDialog(ws, ws.actor.username, parent)
    else:
        raise DoorstepError("This database is used by one person: there is nobody to switch to.")
    if dialog.exec() != FormDialog.DialogCode.Accepted:
        return False
    QSettings().setValue(_remembered_key(ws), ws.actor.username)
    return True
