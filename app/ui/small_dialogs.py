"""Small forms: hand a case to another officer; record an out-of-office period with cover."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox, QLineEdit, QRadioButton

from app.services.absences import add_absence, reassign_case
from app.services.officers import current_officer, list_officers
from app.services.views import CaseDetail
from app.services.workspace import Workspace
from app.ui.forms import FormDialog, date_edit


def _officers(box: QComboBox, ws: Workspace, exclude: str | None = None) -> None:
    for o in list_officers(ws):
        if o.username != exclude:
            box.addItem(o.label, o.username)


class ReassignDialog(FormDialog):
    def __init__(self, ws: Workspace, case: CaseDetail, parent=None):
        super().__init__(f"Reassign {case.ref}", parent, min_width=460)
        self.ws, self.case = ws, case
        self.officer = QComboBox(self)
        _officers(self.officer, ws, exclude=case.officer)
        self.reason = QLineEdit(self)
        self.add_field("&To officer:", self.officer)
        self.add_field("&Reason:", self.reason)

    def submit(self) -> None:
        reassign_case(
            self.ws,
            self.case.ref,
            self.officer.currentData(),
            self.reason.text().strip(),
            expected_version=self.case.version,
        )


class AbsenceDialog(FormDialog):
    """Out of office: who is away, when, and who covers (an officer or a team queue)."""

    def __init__(self, ws: Workspace, parent=None):
        super().__init__("Out of office", parent, min_width=460)
        self.ws = ws
        me = current_officer(ws)
        self.officer = QComboBox(self)
        if me is not None and not me.is_manager:
            self.officer.addItem(me.label, me.username)
        else:
            _officers(self.officer, ws)
            if me is not None:
                self.officer.setCurrentIndex(max(0, self.officer.findData(me.username)))
        self.starts = date_edit(self, ws.today())
        self.ends = date_edit(self, ws.today() + dt.timedelta(days=4))
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
        self.add_field("&Who is away:", self.officer)
        self.add_field("&From:", self.starts)
        self.add_field("&Until:", self.ends)
        self.form.addRow("Covered by:", self.by_officer)
        self.add_field("Co&ver officer:", self.cover)
        self.form.addRow("", self.by_team)
        self.add_field("Te&am:", self.team)
        self.add_field("&Note:", self.note)

    def submit(self) -> None:
        add_absence(
            self.ws,
            self.officer.currentData(),
            self.starts.date().toPython(),
            self.ends.date().toPython(),
            cover_officer=self.cover.currentData() if self.by_officer.isChecked() else None,
            cover_team=self.team.currentData() if self.by_team.isChecked() else None,
            note=self.note.text(),
        )
