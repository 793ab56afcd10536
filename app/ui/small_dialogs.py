"""Small forms: hand a case to another officer; record an out-of-office period with cover."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
)

from app.errors import DoorstepError
from app.services.absences import add_absence, reassign_case
from app.services.officers import current_officer, list_officers
from app.services.views import CaseDetail
from app.services.workspace import Workspace
from app.ui.formats import DATE_FORMAT


class _Form(QDialog):
    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def add(self, text: str, widget) -> None:
        label = QLabel(text, self)
        label.setBuddy(widget)
        widget.setAccessibleName(text.replace("&", "").rstrip(":"))
        self.form.addRow(label, widget)

    def fail(self, exc: DoorstepError) -> None:
        self.error.setText(str(exc))
        self.error.show()

    def submit(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


def _officers(box: QComboBox, ws: Workspace, exclude: str | None = None) -> None:
    for o in list_officers(ws):
        if o.username != exclude:
            box.addItem(o.label, o.username)


class ReassignDialog(_Form):
    def __init__(self, ws: Workspace, case: CaseDetail, parent=None):
        super().__init__(f"Reassign {case.ref}", parent)
        self.ws, self.case = ws, case
        self.officer = QComboBox(self)
        _officers(self.officer, ws, exclude=case.officer)
        self.reason = QLineEdit(self)
        self.add("&To officer:", self.officer)
        self.add("&Reason:", self.reason)

    def submit(self) -> None:
        try:
            reassign_case(
                self.ws,
                self.case.ref,
                self.officer.currentData(),
                self.reason.text().strip(),
                expected_version=self.case.version,
            )
        except DoorstepError as exc:
            self.fail(exc)
            return
        self.accept()


class AbsenceDialog(_Form):
    """Out of office: who is away, when, and who covers (an officer or a team queue)."""

    def __init__(self, ws: Workspace, parent=None):
        super().__init__("Out of office", parent)
        self.ws = ws
        me = current_officer(ws)
        self.officer = QComboBox(self)
        if me is not None and not me.is_manager:
            self.officer.addItem(me.label, me.username)
        else:
            _officers(self.officer, ws)
            if me is not None:
                self.officer.setCurrentIndex(max(0, self.officer.findData(me.username)))
        today = QDate.fromString(ws.today().isoformat(), "yyyy-MM-dd")
        self.starts = QDateEdit(today, self)
        self.ends = QDateEdit(today.addDays(4), self)
        for d in (self.starts, self.ends):
            d.setCalendarPopup(True)
            d.setDisplayFormat(DATE_FORMAT)
        self.by_officer = QRadioButton("An &officer", self)
        self.by_team = QRadioButton("A &team queue", self)
        self.by_officer.setChecked(True)
        self.cover = QComboBox(self)
        _officers(self.cover, ws)
        self.team = QComboBox(self)
        for team in sorted({o.team for o in list_officers(ws) if o.team}):
            self.team.addItem(f"{team} team", team)
        self.team.setEnabled(False)
        self.by_team.toggled.connect(
            lambda on: (self.team.setEnabled(on), self.cover.setEnabled(not on))
        )
        self.note = QLineEdit(self)
        self.add("&Who is away:", self.officer)
        self.add("&From:", self.starts)
        self.add("&Until:", self.ends)
        self.form.addRow("Covered by:", self.by_officer)
        self.add("Co&ver officer:", self.cover)
        self.form.addRow("", self.by_team)
        self.add("Te&am:", self.team)
        self.add("&Note:", self.note)

    def submit(self) -> None:
        try:
            add_absence(
                self.ws,
                self.officer.currentData(),
                self.starts.date().toPython(),
                self.ends.date().toPython(),
                cover_officer=self.cover.currentData() if self.by_officer.isChecked() else None,
                cover_team=self.team.currentData() if self.by_team.isChecked() else None,
                note=self.note.text(),
            )
        except DoorstepError as exc:
            self.fail(exc)
            return
        self.accept()
