"""Visit mode: a plain form for a home visit that keeps every word on the laptop as it is typed."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
)

from app.errors import DoorstepError
from app.services.visits import VisitDraft, new_draft, save_draft, save_visit
from app.services.workspace import Workspace
from app.ui.fit import fit_window


class VisitModeDialog(QDialog):
    def __init__(self, ws: Workspace, ref: str, draft: VisitDraft | None = None, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.saved = False
        self.draft = draft or new_draft(ws, ref)
        self.setWindowTitle(f"Home visit — {ref}")
        fit_window(self, 720, 560, "visit")
        intro = QLabel(
            "Notes are kept on this laptop as you type, so nothing is lost without a network. "
            "<b>Save visit</b> records the visit on the case.",
            self,
        )
        intro.setWordWrap(True)
        self.notes = QPlainTextEdit(self)
        self.notes.setAccessibleName("Visit notes")
        self.notes.setTabChangesFocus(True)
        font = QFont(self.notes.font())
        font.setPointSize(font.pointSize() + 2)
        self.notes.setFont(font)
        self.notes.setPlainText(self.draft.notes)
        self.dissatisfied = QCheckBox("Resident expressed &dissatisfaction", self)
        self.dissatisfied.setChecked(self.draft.dissatisfaction)
        self.callback = QCheckBox("Resident asked for a call &back", self)
        self.callback.setChecked(self.draft.callback_requested)
        self.status = QLabel(self)
        self.status.setAccessibleName("Draft status")
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        buttons = QDialogButtonBox(self)
        self.save_btn = buttons.addButton("&Save visit", QDialogButtonBox.ButtonRole.AcceptRole)
        self.later_btn = buttons.addButton("Keep as &draft", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_btn.clicked.connect(self.save)
        self.later_btn.clicked.connect(self.keep)
        layout = QVBoxLayout(self)
        for w in (
            intro,
            self.notes,
            self.dissatisfied,
            self.callback,
            self.status,
            self.error,
            buttons,
        ):
            layout.addWidget(w)
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(800)
        self._autosave.timeout.connect(self.write_draft)
        self.notes.textChanged.connect(self._autosave.start)
        self.dissatisfied.toggled.connect(lambda _c: self._autosave.start())
        self.callback.toggled.connect(lambda _c: self._autosave.start())
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)
        self.notes.setFocus()

    def _collect(self) -> None:
        self.draft.notes = self.notes.toPlainText()
        self.draft.dissatisfaction = self.dissatisfied.isChecked()
        self.draft.callback_requested = self.callback.isChecked()

    def write_draft(self) -> None:
        self._collect()
        try:
            save_draft(self.draft, self.ws.db.cipher_key)
        except OSError as exc:
            self.status.setText(f"Could not keep the draft on this laptop: {exc.strerror}")
            return
        self.status.setText("Draft kept on this laptop.")

    def keep(self) -> None:
        self.write_draft()
        self.reject()

    def save(self) -> None:
        self._collect()
        try:
            save_visit(self.ws, self.draft)
        except DoorstepError as exc:
            self.error.setText(f"{exc} The notes are kept as a draft on this laptop.")
            self.error.show()
            return
        self.saved = True
        self.accept()

    def closeEvent(self, event) -> None:  # closing the window never loses notes
        self.write_draft()
        super().closeEvent(event)
