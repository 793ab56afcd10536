"""The first-run wizard: a few questions before the main window opens on a fresh profile.

It only collects answers: each page checks its own with the set-up service, and Finish
calls ``complete_setup`` (and, if asked, makes the separate demo database) off the UI
thread. Cancel before Finish writes nothing at all.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.demo.database import make_demo
from app.errors import DoorstepError
from app.services import setup
from app.services.policies import MAX_HOMES, check_homes, shipped_policy_choices
from app.ui.background import Job
from app.ui.fit import fit_window
from app.ui.forms import ERROR_STYLE, pick_image

NOTE_STYLE = "color: palette(placeholder-text);"
ENCRYPT_NOTE = (
    "The key is kept in this computer's keyring. Export it afterwards with "
    "`doorstep key export --out FILE` and keep it somewhere safe: without it nobody, "
    "not even an administrator, can read these cases again."
)


def _note(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setMinimumWidth(420)
    label.setStyleSheet(NOTE_STYLE)
    return label


class _Page(QWizardPage):
    """A page with a form and an error line; ``check()`` raises what the service refuses."""

    def __init__(self, title: str, subtitle: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.outer = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.outer.addLayout(self.form)
        self.error = QLabel("", self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setAccessibleName("Error")

    def finish_layout(self) -> None:
        self.outer.addStretch(1)
        self.outer.addWidget(self.error)

    def row(self, label: str, widget: QWidget, name: str) -> QWidget:
        widget.setObjectName(name)
        widget.setAccessibleName(label.replace("&", ""))
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        self.form.addRow(caption, widget)
        return widget

    def check(self) -> None:  # pragma: no cover - every page overrides it
        raise NotImplementedError

    def validatePage(self) -> bool:
        try:
            self.check()
        except DoorstepError as exc:
            self.error.setText(str(exc))
            return False
        self.error.setText("")
        return True

    def choices(self) -> setup.SetupChoices:
        wizard = self.wizard()
        assert isinstance(wizard, FirstRunWizard)
        return wizard.choices()


class OrganisationPage(_Page):
    def __init__(self, parent=None):
        super().__init__(
            "Your organisation",
            "These details head every letter. A manager can change them later in Settings.",
            parent,
        )
        self.name = self.row("Organisation &name", QLineEdit(self), "org_name")
        self.address = QPlainTextEdit(self)
        self.address.setTabChangesFocus(True)
        self.address.setPlaceholderText("One line each, e.g.\nLarkspur House\n14 Fernbank Road")
        self.address.setFixedHeight(84)
        self.row("&Address", self.address, "org_address")
        self.phone = self.row("&Phone", QLineEdit(self), "org_phone")
        self.email = self.row("&Email", QLineEdit(self), "org_email")
        self.form.addRow("", _note("Residents need a phone number or an email address.", self))
        self.logo = QLineEdit(self)
        self.logo.setPlaceholderText("none: the initials are drawn")
        browse = QPushButton("&Browse…", self)
        browse.setAccessibleName("Choose a logo")
        browse.clicked.connect(self.browse)
        box = QWidget(self)
        lay = QHBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.logo, 1)
        lay.addWidget(browse)
        self.logo.setObjectName("org_logo")
        self.logo.setAccessibleName("Logo (PNG or JPEG)")
        caption = QLabel("&Logo (PNG or JPEG)", self)
        caption.setBuddy(self.logo)
        self.form.addRow(caption, box)
        self.finish_layout()

    def browse(self) -> None:
        path = pick_image(self, "Logo")
        if path:
            self.logo.setText(path)

    def check(self) -> None:
        setup.check_organisation(self.choices())


class PolicyPage(_Page):
    def __init__(self, parent=None):
        super().__init__(
            "Homes and policy",
            "How many homes you own, and the complaints procedure your timescales follow.",
            parent,
        )
        self.homes = QSpinBox(self)
        self.homes.setRange(0, MAX_HOMES)
        self.homes.setGroupSeparatorShown(True)
        self.homes.setSpecialValueText("—")
        self.row("Number of &homes owned", self.homes, "homes")
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        label = QLabel("Policy", self)
        self.outer.addSpacing(8)
        self.outer.addWidget(label)
        for choice in shipped_policy_choices():
            button = QRadioButton(choice.title, self)
            button.setObjectName(f"policy:{choice.name}")
            button.setAccessibleDescription(choice.description)
            self.group.addButton(button)
            self.buttons[choice.name] = button
            self.outer.addWidget(button)
            desc = _note(choice.description, self)
            desc.setContentsMargins(24, 0, 0, 4)
            self.outer.addWidget(desc)
        (self.buttons.get("code-2024") or next(iter(self.buttons.values()))).setChecked(True)
        self.finish_layout()

    def policy(self) -> str:
        for name, button in self.buttons.items():
            if button.isChecked():
                return name
        return ""

    def check(self) -> None:
        check_homes(self.homes.value())


class StoragePage(_Page):
    def __init__(self, parent=None):
        super().__init__(
            "Where the cases are kept",
            "On this laptop alone (no sign-in: Doorstep acts as you, the one officer), or on "
            "your team's PostgreSQL server (you sign in with the account its admin gave you).",
            parent,
        )
        self.local = QRadioButton("This &laptop alone (a database file in your data folder)", self)
        self.server = QRadioButton("A &team server (PostgreSQL)", self)
        self.local.setChecked(True)
        self.encrypt = QCheckBox("&Encrypt this laptop's database", self)
        self.encrypt.setObjectName("encrypt")
        self.encrypt.setAccessibleName("Encrypt this laptop's database")
        self.encrypt.setAccessibleDescription(ENCRYPT_NOTE)
        encrypt_note = _note(ENCRYPT_NOTE, self)
        encrypt_note.setContentsMargins(24, 0, 0, 4)
        self.outer.insertWidget(0, self.server)
        self.outer.insertWidget(0, encrypt_note)
        self.outer.insertWidget(0, self.encrypt)
        self.outer.insertWidget(0, self.local)
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("postgresql+psycopg://a.khan@db.example.org/doorstep")
        self.row("Server &address", self.url, "server_url")
        self.form.addRow(
            "",
            _note(
                "Leave the password out of the address: Doorstep reads it from PGPASSWORD or "
                "your pgpass file, so it is never stored in plain text.",
                self,
            ),
        )
        self.test_button = QPushButton("Test &connection", self)
        self.test_button.clicked.connect(self.test_connection)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Connection test result")
        self.form.addRow(self.test_button, self.status)
        self.job: Job | None = None
        self.local.toggled.connect(self._toggle)
        self._toggle()
        self.finish_layout()

    def _toggle(self) -> None:
        on = self.server.isChecked()
        self.encrypt.setEnabled(not on)
        self.url.setEnabled(on)
        self.test_button.setEnabled(on and self.job is None)

    def storage(self) -> str:
        return setup.SERVER if self.server.isChecked() else setup.SQLITE

    def test_connection(self) -> None:
        url = self.url.text()
        self.status.setText("Connecting…")
        self.test_button.setEnabled(False)
        self.job = Job(lambda _progress: setup.test_server(url), self)
        self.job.sig_done.connect(self._tested)
        self.job.sig_failed.connect(self._tested)
        self.job.start()

    def _tested(self, message: str) -> None:
        self.job = None
        self.status.setText(message)
        self._toggle()

    def encrypted(self) -> bool:
        return self.local.isChecked() and self.encrypt.isChecked()

    def check(self) -> None:
        if self.storage() == setup.SERVER:
            setup.check_server_url(self.url.text())
        setup.check_encryption(self.choices())


class PersonPage(_Page):
    def __init__(self, parent=None):
        super().__init__(
            "You",
            "Your name and job title sign your letters; the audit trail records what you do.",
            parent,
        )
        self.full_name = self.row("Your &full name", QLineEdit(self), "full_name")
        self.job_title = self.row("Your job &title", QLineEdit(self), "job_title")
        self.job_title.setPlaceholderText("e.g. Tenancy sustainment officer")
        self.role = QComboBox(self)
        self.role.addItem("Officer", "officer")
        self.role.addItem("Manager (may change the organisation's settings)", "manager")
        self.row("&Role", self.role, "role")
        self.username = self.row("&Username", QLineEdit(self), "username")
        self.form.addRow("", _note("Made from your name; change it if you like.", self))
        self._typed_username = False
        self.full_name.textEdited.connect(self._suggest)
        self.username.textEdited.connect(self._typed)
        self.finish_layout()

    def _suggest(self, text: str) -> None:
        if not self._typed_username:
            self.username.setText(setup.derive_username(text))

    def _typed(self, _text: str) -> None:
        self._typed_username = True

    def check(self) -> None:
        setup.check_person(self.choices())


class FinishPage(_Page):
    def __init__(self, parent=None):
        super().__init__(
            "Ready",
            "Finish creates your database and opens Doorstep. Nothing is written before then.",
            parent,
        )
        self.demo = QCheckBox("Also open a &demo database to explore", self)
        self.demo.setAccessibleName("Also open a demo database to explore")
        self.outer.addWidget(self.demo)
        self.outer.addWidget(
            _note(
                "The demo is a separate file of invented cases, opened in its own window marked "
                "DEMO; your own database never holds demo data.",
                self,
            )
        )
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Summary")
        self.outer.addSpacing(8)
        self.outer.addWidget(self.summary)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Progress")
        self.progress.setVisible(False)
        self.status = QLabel("", self)
        self.status.setAccessibleName("Status")
        self.outer.addWidget(self.progress)
        self.outer.addWidget(self.status)
        self.finish_layout()

    def initializePage(self) -> None:
        c = self.choices()
        where = (
            ("an encrypted" if c.encrypt else "a") + " database file on this laptop"
            if c.storage == setup.SQLITE
            else f"the team server {c.server_url}"
        )
        self.summary.setText(
            f"{c.org_name}, {c.homes:,} homes. Policy: {c.policy}. Cases kept in {where}. "
            f"You: {c.full_name} ({c.job_title}, {c.role}), username "
            f"{c.username or setup.derive_username(c.full_name)}."
        )

    def check(self) -> None:
        setup.validate(self.choices())


class FirstRunWizard(QWizard):
    """Collects the answers; on Finish the set-up runs off the UI thread, then it accepts."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Welcome to Doorstep")
        self.setAccessibleName("First-run set-up")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.org = OrganisationPage(self)
        self.policy = PolicyPage(self)
        self.storage = StoragePage(self)
        self.person = PersonPage(self)
        self.finish = FinishPage(self)
        for page in (self.org, self.policy, self.storage, self.person, self.finish):
            self.addPage(page)
        self.profile: setup.Profile | None = None
        self.demo_path: Path | None = None
        self.demo_error = ""
        self.job: Job | None = None
        fit_window(self, 720, 600, "first_run")

    def choices(self) -> setup.SetupChoices:
        return setup.SetupChoices(
            org_name=self.org.name.text(),
            org_address=tuple(self.org.address.toPlainText().splitlines()),
            org_phone=self.org.phone.text(),
            org_email=self.org.email.text(),
            org_logo=self.org.logo.text(),
            homes=self.policy.homes.value(),
            policy=self.policy.policy(),
            storage=self.storage.storage(),
            server_url=self.storage.url.text() if self.storage.server.isChecked() else "",
            full_name=self.person.full_name.text(),
            job_title=self.person.job_title.text(),
            role=self.person.role.currentData(),
            username=self.person.username.text(),
            encrypt=self.storage.encrypted(),
        )

    # -- Finish: the work runs in a thread; the wizard closes when it is done -----------------
    def accept(self) -> None:
        if self.profile is not None:
            super().accept()
            return
        if self.job is not None:
            return
        choices = self.choices()
        demo = self.finish.demo.isChecked()

        def work(progress):
            profile = setup.complete_setup(replace(choices))
            demo_path, demo_error = None, ""
            if demo:  # optional: the set-up above stands even if the demo cannot be made
                try:
                    demo_path = make_demo(progress)
                except DoorstepError as exc:
                    demo_error = f"The demo database could not be made: {exc}"
            return profile, demo_path, demo_error

        self._busy(True)
        self.finish.status.setText(
            "Creating your database…" + (" then the demo database…" if demo else "")
        )
        self.job = Job(work, self)
        self.job.sig_progress.connect(self._progress)
        self.job.sig_done.connect(self._done)
        self.job.sig_failed.connect(self._failed)
        self.job.start()

    def _busy(self, busy: bool) -> None:
        self.finish.progress.setVisible(busy)
        self.finish.progress.setRange(0, 0)
        for which in (
            QWizard.WizardButton.FinishButton,
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.CancelButton,
        ):
            self.button(which).setEnabled(not busy)
        self.finish.demo.setEnabled(not busy)

    def _progress(self, done: int, total: int) -> None:
        self.finish.progress.setRange(0, total)
        self.finish.progress.setValue(done)
        self.finish.status.setText(f"Demo database: {done} of {total} invented cases")

    def _done(self, result) -> None:
        self.job = None
        self.profile, self.demo_path, self.demo_error = result
        self.finish.status.setText("Done.")
        self.accept()

    def _failed(self, message: str) -> None:
        self.job = None
        self._busy(False)
        self.finish.status.setText("")
        self.finish.error.setText(message)

    def reject(self) -> None:
        if self.job is not None:  # the set-up is being written: let it finish
            return
        super().reject()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.job is not None:
            return
        super().keyPressEvent(event)
