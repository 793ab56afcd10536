"""The manager's approval queue: finalised letters that need a quality check before they are sent."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.calendar import LONDON
from app.errors import DoorstepError
from app.letters import letters as svc
from app.services.people import display_name
from app.services.workspace import Workspace
from app.ui.fit import fit_window
from app.ui.letters.editor import LetterEditor
from app.ui.letters.panel import _table
from app.ui.records_model import Column, RecordsModel


class ApprovalQueueDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.editor: LetterEditor | None = None
        self.setWindowTitle("Letters waiting for approval")
        self.setAccessibleName("Approval queue")
        fit_window(self, 960, 460, "approval_queue")
        self.model = RecordsModel[svc.LetterSummary](
            [
                Column("Case", lambda s: s.case_ref),
                Column("Letter", lambda s: f"{s.title} ({s.case_ref}/{s.number})"),
                Column("Written by", lambda s: display_name(self.ws, s.created_by)),
                Column(
                    "Finalised", lambda s: f"{s.updated_at.astimezone(LONDON):%a %d %b %Y %H:%M}"
                ),
            ],
            self,
        )
        self.table = _table("Letters waiting for approval", self.model, self)
        self.table.activated.connect(lambda _i: self.review())
        self.caption = QLabel("", self)
        self.caption.setWordWrap(True)
        self.caption.setAccessibleName("Queue summary")
        review = QPushButton("&Review…", self)
        review.setAccessibleName("Review the selected letter")
        review.clicked.connect(self.review)
        close = QPushButton("&Close", self)
        close.setAccessibleName("Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(review)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()
        self.table.setFocus()

    def refresh(self) -> None:
        try:
            rows = svc.approval_queue(self.ws)
            own = svc.approval_queue(self.ws, own=True)
        except DoorstepError as exc:
            self.caption.setText(str(exc))
            return
        self.model.set_rows(rows)
        n = len(rows)
        self.caption.setText(
            f"{n} letter{'s' if n != 1 else ''} waiting for a quality check. Open one to read it with its "
            "checklist and preview, then approve it or return it to the officer with comments."
            if n
            else "No letters are waiting for your approval."
        )
        if own:  # never offered here: a quality check needs a second pair of eyes
            self.caption.setText(
                self.caption.text()
                + f" {len(own)} letter{'s' if len(own) != 1 else ''} you wrote or finalised "
                + ("wait" if len(own) != 1 else "waits")
                + " for another manager's approval and "
                + ("are" if len(own) != 1 else "is")
                + " not listed."
            )
        if rows:
            self.table.selectRow(0)

    def review(self) -> LetterEditor | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        self.editor = LetterEditor(self.ws, self.model.row(rows[0].row()).id, self)
        self.editor.finished.connect(lambda _r: self.refresh())
        self.editor.open()
        return self.editor
