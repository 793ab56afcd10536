"""The Letters tab of the case view: the case's letters, and a new one from the template library."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.calendar import LONDON
from app.errors import DoorstepError
from app.letters import letters as svc
from app.letters.issue import issued_file
from app.services.views import CaseDetail
from app.services.workspace import Workspace
from app.ui.fit import fit_window
from app.ui.letters.editor import LetterEditor
from app.ui.records_model import Column, RecordsModel

GROUP_WORDS = {"complaint": "Complaints", "asb": "Anti-social behaviour", "general": "General"}


def _table(name: str, model, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setAccessibleName(name)
    view.setTabKeyNavigation(False)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(True)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class TemplatePicker(QDialog):
    """Every template; those this case cannot have now say why (Enter takes the selected one)."""

    def __init__(self, choices: list[svc.TemplateChoice], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("New letter")
        self.setAccessibleName("New letter")
        fit_window(self, 900, 520, "template_picker")
        self.choices = choices
        self.model = RecordsModel[svc.TemplateChoice](
            [
                Column("Letter", lambda c: c.title),
                Column("For", lambda c: GROUP_WORDS.get(c.group, c.group)),
                Column(
                    "Can be written now?", lambda c: "yes" if c.available else f"no: {c.reason}"
                ),
                Column(
                    "What it does",
                    lambda c: c.purpose + (" A manager approves it." if c.approval else ""),
                ),
            ],
            self,
        )
        self.model.set_rows(choices)
        self.table = _table("Letter templates", self.model, self)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(2, 250)
        self.table.activated.connect(lambda _i: self.accept())
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Write this letter")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Choose a letter. Each starts from a template written to be clear and kind, with "
            "guidance for every section.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        first = next((i for i, c in enumerate(choices) if c.available), 0)
        self.table.selectRow(first)
        self.table.setFocus()

    def chosen(self) -> svc.TemplateChoice | None:
        rows = self.table.selectionModel().selectedRows()
        return self.choices[rows[0].row()] if rows else None

    def accept(self) -> None:
        c = self.chosen()
        if c is None:
            return
        if not c.available:
            self.error.setText(f"{c.title} cannot be written now: {c.reason}.")
            return
        super().accept()


class LettersPanel(QWidget):
    sig_changed = Signal(str)  # the case ref, after a letter was issued or changed

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.setAccessibleName("Letters")
        self.case: CaseDetail | None = None
        self.editor: LetterEditor | None = None
        self.picker: TemplatePicker | None = None
        self.model = RecordsModel[svc.LetterSummary](
            [
                Column("No.", lambda s: f"{s.case_ref}/{s.number}"),
                Column("Letter", lambda s: s.title),
                Column("Status", lambda s: s.status_text),
                Column(
                    "Last change", lambda s: f"{s.updated_at.astimezone(LONDON):%d %b %Y %H:%M}"
                ),
                Column("Written by", lambda s: s.created_by),
            ],
            self,
        )
        self.table = _table("Letters on this case", self.model, self)
        self.table.activated.connect(lambda _i: self.open_selected())
        self.new_button = QPushButton("&New letter…", self)
        self.new_button.clicked.connect(self.new_letter)
        self.open_button = QPushButton("&Open", self)
        self.open_button.clicked.connect(self.open_selected)
        self.pdf_button = QPushButton("Open issued &PDF", self)
        self.pdf_button.clicked.connect(self.open_pdf)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Error")
        top = QHBoxLayout()
        for b in (self.new_button, self.open_button, self.pdf_button):
            b.setAccessibleName(b.text().replace("&", "").replace("…", ""))
            top.addWidget(b)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)

    def load(self, case: CaseDetail) -> None:
        self.case = case
        self.refresh()

    def refresh(self) -> None:
        if self.case is None:
            return
        try:
            self.model.set_rows(svc.list_letters(self.ws, self.case.ref))
        except DoorstepError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        if self.model.rows and not self.table.selectionModel().selectedRows():
            self.table.selectRow(0)

    def selected(self) -> svc.LetterSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def new_letter(self) -> TemplatePicker | None:
        """Open the template picker; choosing a template writes the draft and opens the editor."""
        if self.case is None:
            return None
        try:
            choices = svc.available_templates(self.ws, self.case.ref)
        except DoorstepError as exc:
            self.error.setText(str(exc))
            return None
        self.picker = TemplatePicker(choices, self)
        self.picker.accepted.connect(lambda: self.create(self.picker.chosen().name))
        self.picker.open()
        return self.picker

    def create(self, template: str) -> LetterEditor | None:
        try:
            view = svc.create_letter(self.ws, self.case.ref, template)
        except DoorstepError as exc:
            self.error.setText(str(exc))
            return None
        self.refresh()
        return self.open_letter(view.id)

    def open_selected(self) -> LetterEditor | None:
        s = self.selected()
        return self.open_letter(s.id) if s is not None else None

    def open_letter(self, letter_id: str) -> LetterEditor | None:
        try:
            self.editor = LetterEditor(self.ws, letter_id, self)
        except DoorstepError as exc:
            self.error.setText(str(exc))
            return None
        self.editor.sig_changed.connect(lambda _ref: self.refresh())
        self.editor.sig_issued.connect(self._issued)
        self.editor.finished.connect(lambda _r: self.refresh())
        self.editor.open()
        return self.editor

    def open_pdf(self) -> None:
        s = self.selected()
        if s is None or s.status != "issued":
            self.error.setText("Select an issued letter to open its PDF.")
            return
        try:
            stored = issued_file(self.ws, s.id)
        except DoorstepError as exc:
            self.error.setText(str(exc))
            return
        folder = Path(tempfile.gettempdir()) / "doorstep-open" / stored.name[:12]
        folder.mkdir(parents=True, exist_ok=True)
        named = folder / f"{s.case_ref.replace('/', '-')}-{s.number} {s.title}.pdf"
        if not named.exists():
            shutil.copyfile(stored, named)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(named)))

    def _issued(self, ref: str) -> None:
        self.refresh()
        self.sig_changed.emit(ref)
