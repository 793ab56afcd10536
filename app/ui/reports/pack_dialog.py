"""Reports › Weekly complaints pack: choose a day of the week, see the summary and every line,
open a case with Enter, and save the pack as one PDF plus a CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.errors import DoorstepError
from app.services.reports.complaints_pack import (
    CSV_HEADER,
    ComplaintsPack,
    complaints_pack,
    csv_text,
    pack_rows,
    write_text,
)
from app.services.workspace import Workspace
from app.ui.records_model import Column, RecordsModel, make_table, selected_row
from app.ui.reports.common import ReportDialog, date_edit, py_date

SUMMARY_COLUMNS: list[Column[tuple[str, str]]] = [
    Column("This week", lambda r: r[0], 260),
    Column("", lambda r: r[1], 300),
]
LINE_WIDTHS = (80, 130, 110, 50, 90, 90, 70, 70, 260)


def _cell(i: int) -> Callable[[tuple[str, ...]], str]:
    return lambda r: r[i]


LINE_COLUMNS: list[Column[tuple[str, ...]]] = [
    Column(title.replace("_", " ").capitalize(), _cell(i), LINE_WIDTHS[i])
    for i, title in enumerate(CSV_HEADER)
]


class PackDialog(ReportDialog):
    sig_open_case = Signal(str)

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__("Weekly complaints pack", parent)
        self.ws = ws
        self.pack: ComplaintsPack | None = None
        self.resize(960, 620)
        self.week = date_edit(ws.today(), "A day in the week", self)
        label = QLabel("&Week of:", self)
        label.setBuddy(self.week)
        self.produce_button = QPushButton("&Produce", self)
        self.produce_button.setDefault(True)
        self.produce_button.clicked.connect(self.produce)
        self.summary = RecordsModel(SUMMARY_COLUMNS, self)
        self.summary_table = make_table(self.summary, "Summary", self)
        self.lines = RecordsModel(LINE_COLUMNS, self, tooltip_over=40)
        self.lines_table = make_table(self.lines, "Every line of the pack", self)
        self.lines_table.activated.connect(lambda _i: self.open_selected())
        self.save_button = QPushButton("&Save PDF and CSV…", self)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self._save)
        close = QPushButton("Cl&ose", self)
        close.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(label)
        top.addWidget(self.week)
        top.addWidget(self.produce_button)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary_table, 2)
        layout.addWidget(self.lines_table, 4)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def produce(self) -> None:
        day = py_date(self.week)
        self.run(lambda: complaints_pack(self.ws, day), self._shown, "Reading the week…")

    def _shown(self, pack: ComplaintsPack) -> None:
        self.pack = pack
        self.summary.set_rows(pack.summary())
        self.lines.set_rows(pack_rows(pack)[1:])
        self.save_button.setEnabled(True)
        self.status.setText(
            f"Week {pack.week.start:%d %b} – {pack.week.end:%d %b %Y}, as at "
            f"{pack.as_at:%d %b %Y}. Enter on a line opens its case."
        )

    def open_selected(self) -> None:
        row = selected_row(self.lines_table)
        if row is not None:
            self.sig_open_case.emit(row[1])

    def _save(self) -> None:
        if self.pack is None:
            return
        name = f"complaints-pack-{self.pack.week.start.isoformat()}.pdf"
        path = self.ask_path("Save the pack", name, "PDF (*.pdf)")
        if path is not None:
            self.save(path)

    def save(self, pdf: Path) -> None:
        """The PDF at ``pdf`` and the CSV beside it (same name, .csv)."""
        from app.letters.organisation import get_organisation
        from app.letters.reports_pdf import pack_pdf

        pack = self.pack
        if pack is None:
            return
        sheet = pdf.with_suffix(".csv")
        org = get_organisation(self.ws)

        def work() -> str:
            write_text(sheet, csv_text(pack_rows(pack)))
            try:
                pdf.write_bytes(pack_pdf(pack, org))
            except OSError as exc:
                raise DoorstepError(f"Could not write {pdf}: {exc.strerror or exc}.") from exc
            return f"Wrote {pdf} and {sheet.name}"

        self.run(work, self.status.setText, "Writing the PDF and the CSV…")
