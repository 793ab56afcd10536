"""Reports › Tenant Satisfaction Measures: the eight figures for a period with the counts
behind each; choosing a figure lists the cases it counted, and Enter opens one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import DoorstepError
from app.services.policies import MAX_HOMES, homes_owned
from app.services.reports.common import period, reporting_year
from app.services.reports.tsm import Counted, Measure, TsmReport, counted_cases, tsm
from app.services.workspace import Workspace
from app.ui.records_model import Column, RecordsModel, make_table, selected_row
from app.ui.reports.common import ReportDialog, date_edit, py_date

MEASURE_COLUMNS: list[Column[Measure]] = [
    Column("Measure", lambda m: m.key, 80),
    Column("What it counts", lambda m: m.title, 380),
    Column("Figure", lambda m: m.value_text(), 80),
    Column("Counts", lambda m: m.counts_text(), 150),
]
COUNTED_COLUMNS: list[Column[Counted]] = [
    Column("Case", lambda c: c.ref, 140),
    Column("Date", lambda c: c.day.strftime("%d %b %Y"), 110),
    Column("Counted as", lambda c: "on time" if c.in_numerator else "late", 90),
    Column("What", lambda c: c.what, 300),
]


class TsmDialog(ReportDialog):
    sig_open_case = Signal(str)

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__("Tenant Satisfaction Measures", parent)
        self.ws = ws
        self.report: TsmReport | None = None
        self.resize(900, 620)
        year = reporting_year(ws.today())
        self.start = date_edit(year.start, "Period from", self)
        self.end = date_edit(year.end, "Period to", self)
        self.homes = QSpinBox(self)
        self.homes.setRange(0, MAX_HOMES)
        self.homes.setGroupSeparatorShown(True)
        self.homes.setSpecialValueText("not given")
        self.homes.setAccessibleName("Homes owned")
        self.homes.setValue(homes_owned(ws) or 0)
        form = QFormLayout()
        form.addRow("&From:", self.start)
        form.addRow("&To:", self.end)
        form.addRow("&Homes owned:", self.homes)
        self.calculate_button = QPushButton("&Calculate", self)
        self.calculate_button.setDefault(True)
        self.calculate_button.clicked.connect(self.calculate)
        self.measures = RecordsModel(MEASURE_COLUMNS, self)
        self.measure_table = make_table(self.measures, "Measures", self)
        self.measure_table.selectionModel().currentRowChanged.connect(lambda *_: self.show_cases())
        self.counted_label = QLabel("Choose a figure to see the cases it counted.", self)
        self.counted = RecordsModel(COUNTED_COLUMNS, self)
        self.counted_table = make_table(self.counted, "Cases counted", self)
        self.counted_table.activated.connect(lambda _i: self.open_selected())
        self.csv_button = QPushButton("Export C&SV…", self)
        self.csv_button.clicked.connect(lambda: self._export("csv"))
        self.pdf_button = QPushButton("Export &PDF…", self)
        self.pdf_button.clicked.connect(lambda: self._export("pdf"))
        close = QPushButton("Cl&ose", self)
        close.clicked.connect(self.close)
        for b in (self.csv_button, self.pdf_button):
            b.setEnabled(False)
        top = QHBoxLayout()
        top.addLayout(form)
        top.addWidget(self.calculate_button)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.measure_table, 2)
        layout.addWidget(self.counted_label)
        layout.addWidget(self.counted_table, 3)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def calculate(self) -> None:
        try:
            per = period(py_date(self.start), py_date(self.end))
        except DoorstepError as exc:
            self.status.setText(str(exc))
            return
        homes = self.homes.value() or None
        self.run(lambda: tsm(self.ws, per, homes), self._shown, "Counting…")

    def _shown(self, report: TsmReport) -> None:
        self.report = report
        self.measures.set_rows(report.measures)
        self.counted.set_rows([])
        self.status.setText(
            f"{report.period.start:%d %b %Y} to {report.period.end:%d %b %Y}, "
            f"{report.homes:,} homes owned."
        )
        for b in (self.csv_button, self.pdf_button):
            b.setEnabled(True)

    def show_cases(self) -> None:
        m: Measure | None = selected_row(self.measure_table)
        if m is None or self.report is None:
            return
        per = self.report.period
        self.counted_label.setText(f"Cases counted for {m.key} ({m.counts_text()}):")
        self.run(lambda: counted_cases(self.ws, per, m.key), self._counted, "Finding the cases…")

    def _counted(self, rows: list[Counted]) -> None:
        self.counted.set_rows(rows)
        self.status.setText(f"{len(rows):,} counted; Enter opens the case.")

    def open_selected(self) -> None:
        row: Counted | None = selected_row(self.counted_table)
        if row is not None:
            self.sig_open_case.emit(row.ref)

    def _export(self, kind: str) -> None:
        if self.report is None:
            return
        pattern = "CSV (*.csv)" if kind == "csv" else "PDF (*.pdf)"
        path = self.ask_path("Export the measures", f"tsm.{kind}", pattern)
        if path is not None:
            self.export(path, kind)

    def export(self, path: Path, kind: str) -> None:
        from app.letters.organisation import get_organisation
        from app.letters.reports_pdf import tsm_pdf
        from app.services.reports.complaints_pack import csv_text, write_text

        report = self.report
        if report is None:
            return
        org = get_organisation(self.ws)

        def work() -> str:
            if kind == "pdf":
                try:
                    path.write_bytes(tsm_pdf(report, org))
                except OSError as exc:
                    raise DoorstepError(f"Could not write {path}: {exc.strerror or exc}.") from exc
            else:
                rows = [("measure", "title", "value", "numerator", "denominator")]
                rows += [
                    (
                        m.key,
                        m.title,
                        "" if m.value is None else f"{m.value:.1f}",
                        str(m.numerator),
                        str(m.denominator),
                    )
                    for m in report.measures
                ]
                write_text(path, csv_text(rows))
            return f"Wrote {path}"

        self.run(work, self.status.setText, "Writing…")
