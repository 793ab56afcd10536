"""The letter's details: what the template needs besides its text (decisions, actions, money, dates).

Each input the template names gets its own group: the response's decisions on each
point, the actions still to do, the compensation lines (with the calculator), the
extension's new date and reason, a refusal's reason, a visit's appointment.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.compensation import COMPENSATION_HEADS, HEAD_WORDS
from app.domain.complaint_rules import DECISION_WORDS
from app.ui.formats import DATE_FORMAT
from app.ui.letters.models import ChoiceDelegate, DateDelegate, RowsModel

DECISIONS = [("", "Not yet decided"), *DECISION_WORDS.items()]


def _table(model: RowsModel, name: str, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setAccessibleName(name)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    view.setWordWrap(True)
    view.setMinimumHeight(110)
    view.setEditTriggers(
        QTableView.EditTrigger.DoubleClicked
        | QTableView.EditTrigger.EditKeyPressed
        | QTableView.EditTrigger.AnyKeyPressed
        | QTableView.EditTrigger.SelectedClicked
    )
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return view


class DetailsForm(QWidget):
    """Editors for a template's inputs; ``values()`` gives them as the service stores them."""

    sig_edited = Signal()
    sig_calculator = Signal()

    def __init__(self, inputs: tuple[str, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Letter details")
        self.inputs = inputs
        self.models: dict[str, RowsModel] = {}
        self.tables: dict[str, QTableView] = {}
        self.lines: dict[str, QLineEdit] = {}
        self.new_due: QDateEdit | None = None
        self.agreed: QDateEdit | None = None
        self.editable = True
        layout = QVBoxLayout(self)
        if not inputs:
            layout.addWidget(QLabel("This letter needs nothing besides its text.", self))
        if "extension" in inputs:
            box = QGroupBox("Extension", self)
            form = QFormLayout(box)
            self.new_due = QDateEdit(box)
            self.new_due.setCalendarPopup(True)
            self.new_due.setDisplayFormat(DATE_FORMAT)
            self.new_due.setAccessibleName("New response date")
            self.new_due.setSpecialValueText("not set")
            self.new_due.setMinimumDate(QDate(2000, 1, 1))
            self.new_due.dateChanged.connect(lambda _d: self.sig_edited.emit())
            label = QLabel("&New response date", box)
            label.setBuddy(self.new_due)
            form.addRow(label, self.new_due)
            self._line(form, box, "extension.reason", "Reason (sa&ved to the case)")
            layout.addWidget(box)
        if "promise" in inputs:
            box = QGroupBox("Date agreed with the resident", self)
            form = QFormLayout(box)
            self.agreed = self._date_edit(box, "Date agreed with the resident")
            label = QLabel("&Agreed date (only if the promised date has passed)", box)
            label.setBuddy(self.agreed)
            label.setWordWrap(True)
            form.addRow(label, self.agreed)
            layout.addWidget(box)
        if "refusal" in inputs:
            box = QGroupBox("Refusal", self)
            form = QFormLayout(box)
            self._line(form, box, "refusal.reason", "Reason (sa&ved to the case)")
            layout.addWidget(box)
        if "visit" in inputs:
            box = QGroupBox("Visit", self)
            form = QFormLayout(box)
            self._line(
                form,
                box,
                "visit.when",
                "Appoi&ntment",
                "e.g. Tuesday 1 July 2025 at 10am, at your home",
            )
            layout.addWidget(box)
        if "works" in inputs:
            box = QGroupBox("Works", self)
            form = QFormLayout(box)
            self._line(
                form,
                box,
                "works.schedule",
                "&Works and dates",
                "e.g. 16 March: new extractor fan; 17 March: clear vents, treat walls",
            )
            layout.addWidget(box)
        if "points" in inputs:
            self._rows(
                layout,
                "points",
                "Decision on each point",
                [("point", "Point of complaint"), ("decision", "Decision"), ("reasons", "Reasons")],
                {"decision": dict(DECISIONS)},
                {"decision": ChoiceDelegate(DECISIONS, self)},
                "Add a point",
                (220, 120),
            )
        if "outstanding" in inputs:
            self._rows(
                layout,
                "outstanding",
                "Actions still to do (each with a date)",
                [("text", "Action"), ("due", "By")],
                {},
                {"due": DateDelegate(self)},
                "Add an action",
                (360,),
            )
        if "compensation" in inputs:
            heads = [(h, HEAD_WORDS[h]) for h in COMPENSATION_HEADS]
            box = self._rows(
                layout,
                "compensation",
                "Compensation (each amount with its reason)",
                [("head", "Head"), ("amount", "Amount (£)"), ("reason", "Why")],
                {"head": dict(heads)},
                {"head": ChoiceDelegate(heads, self)},
                "Add a line",
                (190, 90),
            )
            calc = QPushButton("Calculator…", box)
            calc.setAccessibleName("Compensation calculator")
            calc.clicked.connect(self.sig_calculator.emit)
            self.calc_button = calc
            box.layout().itemAt(box.layout().count() - 1).layout().insertWidget(2, calc)
        layout.addStretch(1)

    def _line(
        self, form: QFormLayout, parent: QWidget, key: str, label: str, placeholder: str = ""
    ) -> None:
        edit = QLineEdit(parent)
        edit.setAccessibleName(label.replace("&", ""))
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(lambda _t: self.sig_edited.emit())
        caption = QLabel(label, parent)
        caption.setBuddy(edit)
        form.addRow(caption, edit)
        self.lines[key] = edit

    def _rows(self, layout, key, title, columns, words, delegates, add_text, widths) -> QGroupBox:
        box = QGroupBox(title, self)
        inner = QVBoxLayout(box)
        model = RowsModel(columns, self, words)
        model.sig_edited.connect(self.sig_edited.emit)
        view = _table(model, title, box)
        for i, (col, _t) in enumerate(columns):
            if col in delegates:
                view.setItemDelegateForColumn(i, delegates[col])
        for i, w in enumerate(widths):
            view.setColumnWidth(i, w)
        inner.addWidget(view)
        buttons = QHBoxLayout()
        add = QPushButton(add_text, box)
        add.setAccessibleName(add_text.replace("&", ""))
        remove = QPushButton("Remove", box)
        remove.setAccessibleName(f"Remove the selected row of {title}")
        add.clicked.connect(lambda: self._add(key))
        remove.clicked.connect(lambda: self._remove(key))
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        inner.addLayout(buttons)
        layout.addWidget(box)
        self.models[key], self.tables[key] = model, view
        return box

    def _add(self, key: str) -> None:
        row = self.models[key].add_row()
        view = self.tables[key]
        view.setFocus()
        view.setCurrentIndex(self.models[key].index(row, 0))

    def _remove(self, key: str) -> None:
        index = self.tables[key].currentIndex()
        if index.isValid():
            self.models[key].remove_row(index.row())

    def _date_edit(self, parent: QWidget, name: str) -> QDateEdit:
        edit = QDateEdit(parent)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setAccessibleName(name)
        edit.setSpecialValueText("not set")
        edit.setMinimumDate(QDate(2000, 1, 1))
        edit.dateChanged.connect(lambda _d: self.sig_edited.emit())
        return edit

    def _dates(self) -> dict[str, QDateEdit]:
        pairs = (("extension.new_due", self.new_due), ("promise.agreed", self.agreed))
        return {key: edit for key, edit in pairs if edit is not None}

    # -- values ----------------------------------------------------------------------------------
    def set_values(self, inputs: dict[str, Any], editable: bool) -> None:
        self.editable = editable
        for key, model in self.models.items():
            model.set_rows(inputs.get(key) or [], editable)
        for key, edit in self.lines.items():
            edit.setText(str(inputs.get(key) or ""))
            edit.setReadOnly(not editable)
        for key, date_edit in self._dates().items():
            date_edit.blockSignals(True)
            try:
                d = dt.date.fromisoformat(str(inputs.get(key) or ""))
                date_edit.setDate(QDate(d.year, d.month, d.day))
            except ValueError:
                date_edit.setDate(date_edit.minimumDate())
            date_edit.setReadOnly(not editable)
            date_edit.blockSignals(False)
        if hasattr(self, "calc_button"):
            self.calc_button.setEnabled(editable)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {key: model.values() for key, model in self.models.items()}
        for key, edit in self.lines.items():
            out[key] = edit.text()
        for key, date_edit in self._dates().items():
            q = date_edit.date()
            out[key] = (
                ""
                if q == date_edit.minimumDate()
                else dt.date(q.year(), q.month(), q.day()).isoformat()
            )
        return out

    def use_compensation(self, lines: dict[str, tuple[str, str]]) -> None:
        """Lines from the calculator: head -> (amount, reason); replaces those heads' lines."""
        model = self.models["compensation"]
        rows = [r for r in model.values() if r["head"] not in lines]
        rows += [{"head": h, "amount": a, "reason": why} for h, (a, why) in lines.items()]
        model.set_rows(rows, self.editable)
        self.sig_edited.emit()
