"""Reports › Arrears review: the month's review list of arrears cases near the NOSP trigger
(DOMAIN_RULES.md §5b; seed 003's landlord now reviews them monthly). Each row opens its case."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout

from app.services.possession import ReviewItem, review_list
from app.services.workspace import Workspace
from app.ui.fit import fit_window
from app.ui.formats import day
from app.ui.records_model import Column, RecordsModel, make_table, selected_row
from app.ui.reports.common import ReportDialog


class ArrearsReviewDialog(ReportDialog):
    sig_open_case = Signal(str)

    def __init__(self, ws: Workspace, parent=None):
        super().__init__("Arrears review", parent)
        self.ws = ws
        intro = QLabel(
            "Arrears cases whose balance at the last account check is near the NOSP trigger, "
            "soonest review first. Enter or double-click opens the case.",
            self,
        )
        intro.setWordWrap(True)
        self.items = RecordsModel[ReviewItem](
            [
                Column("Case", lambda r: r.ref),
                Column("Resident", lambda r: r.resident),
                Column("Officer", lambda r: r.officer),
                Column("Review by", lambda r: day(r.due)),
                Column("Why", lambda r: r.detail),
            ],
            self,
            titled=True,
            tooltip_over=40,
        )
        self.table = make_table(self.items, "Cases to review", self)
        self.table.activated.connect(lambda _i: self.open_selected())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        fit_window(self, 900, 520, key="arrears_review")
        self.run(lambda: review_list(ws), self.show_items, "Reading the arrears cases…")

    def show_items(self, items: list[ReviewItem]) -> None:
        self.items.set_rows(items)
        self.status.setText(
            f"{len(items)} case{'s' if len(items) != 1 else ''} to review"
            if items
            else "No arrears case is near the NOSP trigger."
        )

    def open_selected(self) -> None:
        row = selected_row(self.table)
        if row is not None:
            self.sig_open_case.emit(row.ref)
