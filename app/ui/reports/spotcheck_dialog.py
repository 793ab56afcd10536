"""Reports › Spot checks: draw a sample (percentage, optional seed to draw one again), work
through its checklist case by case — the record's answers are filled in, the quality checks,
comments and actions for the officer are the manager's — and see each officer's results."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.reports.spotcheck import (
    AUTO_CHECKS,
    QUALITY_CHECKS,
    QUALITY_RESULTS,
    ItemView,
    OfficerResult,
    SpotCheckView,
    default_percent,
    draw_spot_check,
    list_spot_checks,
    officer_results,
    record_item,
)
from app.services.workspace import Workspace
from app.ui.records_model import Column, RecordsModel, make_table, selected_row
from app.ui.reports.common import ReportDialog


def _auto(item: ItemView, key: str) -> str:
    return item.auto.get(key, {}).get("result", "")


def _auto_of(key: str) -> Callable[[ItemView], str]:
    return lambda item: _auto(item, key)


def _note_of(key: str) -> Callable[[ItemView], str]:
    return lambda item: _note(item, key)


def _actions(result: OfficerResult) -> str:
    return "; ".join(f"{ref}: {text}" for ref, text in result.actions)


def _note(item: ItemView, key: str) -> str:
    return f"{AUTO_CHECKS[key]}: {item.auto.get(key, {}).get('note', '')}"


ITEM_COLUMNS: list[Column[ItemView]] = [
    Column("Case", lambda i: i.ref, 120),
    Column("Officer", lambda i: i.officer, 95),
    *[
        Column(title, _auto_of(k), width, tooltip=_note_of(k))
        for k, title, width in (
            ("risk_assessment", "Risk assessed", 100),
            ("action_plan", "Plan", 60),
            ("regular_contact", "Contact", 70),
            ("letters", "Letters", 65),
        )
    ],
    Column("Checked", lambda i: "done" if i.completed_by else "to do", 70),
]
RESULT_COLUMNS: list[Column[OfficerResult]] = [
    Column("Officer", lambda r: r.officer, 120),
    Column("Drawn", lambda r: r.drawn.strftime("%d %b %Y"), 100),
    Column("Cases", lambda r: str(r.checked), 60),
    Column("Checked", lambda r: str(r.completed), 70),
    Column("Record fails", lambda r: str(r.auto_fails), 90),
    Column("Quality passes", lambda r: str(r.quality_passes), 100),
    Column("Quality fails", lambda r: str(r.quality_fails), 90),
    Column("Actions for the officer", lambda r: _actions(r)),
]


class SpotCheckDialog(ReportDialog):
    sig_open_case = Signal(str)

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__("Spot checks", parent)
        self.ws = ws
        self.check: SpotCheckView | None = None
        self.checks: list[SpotCheckView] = []
        self.resize(1000, 640)
        tabs = QTabWidget(self)
        tabs.setAccessibleName("Spot check tabs")
        tabs.addTab(self._sample_tab(), "&Sample")
        tabs.addTab(self._results_tab(), "&Results per officer")
        close = QPushButton("Cl&ose", self)
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addLayout(bottom)
        self.reload()

    # -- the sample ------------------------------------------------------------------
    def _sample_tab(self) -> QWidget:
        page = QWidget(self)
        self.percent = QSpinBox(page)
        self.percent.setRange(1, 100)
        self.percent.setValue(default_percent(self.ws))
        self.percent.setSuffix(" %")
        self.percent.setAccessibleName("Percentage of each officer's live cases")
        self.seed = QLineEdit(page)
        self.seed.setPlaceholderText("new")
        self.seed.setAccessibleName("Seed (to draw a sample again)")
        self.draw_button = QPushButton("&Draw sample", page)
        self.draw_button.clicked.connect(self.draw)
        self.earlier = QComboBox(page)
        self.earlier.setAccessibleName("Spot checks drawn")
        self.earlier.currentIndexChanged.connect(self._choose)
        top = QHBoxLayout()
        for text, widget in (("&Percent:", self.percent), ("S&eed:", self.seed)):
            label = QLabel(text, page)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget)
        top.addWidget(self.draw_button)
        label = QLabel("S&hown:", page)
        label.setBuddy(self.earlier)
        top.addWidget(label)
        top.addWidget(self.earlier, 1)
        self.items = RecordsModel(ITEM_COLUMNS, page)
        self.item_table = make_table(self.items, "Sampled cases", page)
        self.item_table.selectionModel().currentRowChanged.connect(lambda *_: self._show_item())
        self.item_table.activated.connect(lambda _i: self.open_selected())
        form_box = QGroupBox("Checklist for the chosen case", page)
        form = QFormLayout(form_box)
        self.record_notes = QLabel("", form_box)
        self.record_notes.setWordWrap(True)
        self.record_notes.setAccessibleName("What the record shows")
        form.addRow("From the record:", self.record_notes)
        self.quality: dict[str, QComboBox] = {}
        for key, title in QUALITY_CHECKS.items():
            box = QComboBox(form_box)
            box.addItem("—", "")
            for result in QUALITY_RESULTS:
                box.addItem(result, result)
            box.setAccessibleName(title)
            self.quality[key] = box
            form.addRow(f"{title}:", box)
        self.comments = QPlainTextEdit(form_box)
        self.comments.setAccessibleName("Comments")
        self.comments.setTabChangesFocus(True)
        self.comments.setFixedHeight(60)
        self.actions_edit = QPlainTextEdit(form_box)
        self.actions_edit.setAccessibleName("Actions for the officer")
        self.actions_edit.setTabChangesFocus(True)
        self.actions_edit.setFixedHeight(60)
        form.addRow("&Comments:", self.comments)
        form.addRow("&Actions for the officer:", self.actions_edit)
        self.save_button = QPushButton("Sa&ve checklist", form_box)
        self.save_button.clicked.connect(self.save_item)
        self.save_button.setEnabled(False)
        form.addRow("", self.save_button)
        body = QHBoxLayout()
        body.addWidget(self.item_table, 3)
        body.addWidget(form_box, 2)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addLayout(body)
        return page

    def _results_tab(self) -> QWidget:
        page = QWidget(self)
        self.results = RecordsModel(RESULT_COLUMNS, page, tooltip_over=40)
        self.result_table = make_table(self.results, "Results per officer", page)
        layout = QVBoxLayout(page)
        layout.addWidget(self.result_table)
        return page

    # -- actions ---------------------------------------------------------------------
    def reload(self, select: SpotCheckView | None = None, message: str = "") -> None:
        def work():
            return list_spot_checks(self.ws), officer_results(self.ws)

        self.run(work, lambda got: self._loaded(got[0], got[1], select, message), "Loading…")

    def _loaded(
        self,
        checks: list[SpotCheckView],
        results: list[OfficerResult],
        select: SpotCheckView | None,
        message: str = "",
    ) -> None:
        self.checks = checks
        self.results.set_rows(results)
        self.earlier.blockSignals(True)
        self.earlier.clear()
        for c in checks:
            self.earlier.addItem(
                f"{c.as_of:%d %b %Y} · {len(c.items)} of {c.population} cases · "
                f"{c.percent}% · seed {c.seed}",
                str(c.id),
            )
        self.earlier.blockSignals(False)
        index = 0
        if select is not None:
            index = next((i for i, c in enumerate(checks) if c.id == select.id), 0)
        self.earlier.setCurrentIndex(index)
        self._choose(index)
        self.status.setText(message or (f"{len(checks)} spot check(s) recorded." if checks else ""))

    def _choose(self, index: int) -> None:
        self.check = self.checks[index] if 0 <= index < len(self.checks) else None
        self.items.set_rows(self.check.items if self.check else [])
        self._show_item()

    def draw(self) -> None:
        percent = self.percent.value()
        seed = self.seed.text().strip() or None

        def work():
            return draw_spot_check(self.ws, percent, seed)

        def drawn(check: SpotCheckView) -> None:
            self.reload(
                select=check,
                message=f"Drew {len(check.items)} of {check.population} live cases "
                f"(seed {check.seed}, recorded).",
            )

        self.run(work, drawn, "Drawing the sample…")

    def _show_item(self) -> None:
        item: ItemView | None = selected_row(self.item_table)
        self.save_button.setEnabled(item is not None)
        if item is None:
            self.record_notes.setText("Choose a sampled case.")
            return
        self.record_notes.setText(
            "\n".join(
                f"{AUTO_CHECKS[k]}: {v.get('result')} ({v.get('note')})"
                for k, v in item.auto.items()
                if k in AUTO_CHECKS
            )
        )
        for key, box in self.quality.items():
            box.setCurrentIndex(max(0, box.findData(item.quality.get(key, ""))))
        self.comments.setPlainText(item.comments)
        self.actions_edit.setPlainText(item.actions)

    def save_item(self) -> None:
        item: ItemView | None = selected_row(self.item_table)
        if item is None or self.check is None:
            return
        quality = {k: box.currentData() for k, box in self.quality.items() if box.currentData()}
        comments, actions = self.comments.toPlainText(), self.actions_edit.toPlainText()
        check = self.check

        def work():
            return record_item(self.ws, item.id, item.version, quality, comments, actions)

        def saved(_item: ItemView) -> None:
            self.reload(select=check, message=f"Saved the checklist for {item.ref}.")

        self.run(work, saved, "Saving…")

    def open_selected(self) -> None:
        item: ItemView | None = selected_row(self.item_table)
        if item is not None:
            self.sig_open_case.emit(item.ref)
