"""The response dialog: decisions on each point, remedy, outstanding actions, how to escalate.

Its checklist updates as the officer types; "Mark response sent" stays disabled
until every item is done (and the service refuses an incomplete response anyway).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.compensation import COMPENSATION_HEADS, HEAD_WORDS
from app.domain.complaint_response import OutstandingAction, PointDecision, ResponseDraft
from app.domain.complaint_rules import DECISION_WORDS
from app.errors import DoorstepError
from app.services import complaints as svc
from app.services.complaints.reading import response_checklist
from app.services.complaints.views import ComplaintView
from app.ui.complaints.dialogs import conflict_note
from app.ui.complaints.forms import ActionDialog
from app.ui.complaints.models import ChecklistModel
from app.ui.fit import fit_window
from app.ui.forms import date_edit, from_qdate


class RespondDialog(ActionDialog):
    def __init__(self, ws, view: ComplaintView, parent: QWidget | None = None):
        super().__init__(
            f"Respond — {view.stage_label}",
            f"The {view.stage_label.lower()} response states a decision with reasons on each "
            "point, the remedy, anything outstanding with dates, and how to escalate. It cannot "
            "be marked sent until the checklist below is complete.",
            "Mark response &sent",
            parent,
        )
        self.ws, self.view = ws, view
        fit_window(self, 820, 760, "respond")
        self.when(value=ws.now())
        self.line("by", "&Decided by", ws.actor.username, note=conflict_note(view))
        self.point_rows: list[tuple[QLineEdit, QComboBox, QLineEdit]] = []
        self.action_rows: list[tuple[QLineEdit, QDateEdit]] = []
        self.amounts: dict[str, QLineEdit] = {}

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName("Response details")
        inner = QWidget(scroll)
        box = QVBoxLayout(inner)
        box.addWidget(self._points_group(inner))
        self.form = QFormLayout()
        box.addLayout(self.form)
        self.apology = self.check(
            "apology", "The response &apologises for the failures found", False
        )
        self.remedy = self.text(
            "remedy", "&Remedy", note="Compensation, actions to put right, or why nothing is due."
        )
        box.addWidget(self._money_group(inner))
        box.addWidget(self._actions_group(inner))
        self.form = QFormLayout()
        box.addLayout(self.form)
        self.escalation = self.text(
            "escalation", "How to &escalate", view.escalation_text, height=80
        )
        self.lessons = self.line(
            "lessons", "&Lessons learnt", placeholder="optional now; required at closure"
        )
        scroll.setWidget(inner)
        self.body.insertWidget(2, scroll, 1)

        self.checklist_model = ChecklistModel(self)
        self.checklist_view = QTableView(self)
        self.checklist_view.setAccessibleName("Response checklist")
        self.checklist_view.setModel(self.checklist_model)
        self.checklist_view.setTabKeyNavigation(False)
        self.checklist_view.verticalHeader().setVisible(False)
        self.checklist_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.checklist_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.checklist_view.horizontalHeader().setStretchLastSection(True)
        self.checklist_view.setWordWrap(True)
        self.checklist_view.setFixedHeight(190)
        self.body.insertWidget(self.body.indexOf(self.error), self.checklist_view)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh_checklist)
        for w in (self.apology, self.remedy, self.escalation):
            _on_change(w, self._timer.start)
        self.submit = self._submit
        self.refresh_checklist()

    # -- sections ----------------------------------------------------------------------------
    def _points_group(self, parent) -> QGroupBox:
        group = QGroupBox("Decision on each point of complaint", parent)
        self.points_grid = QGridLayout(group)
        for col, title in enumerate(("Point", "Decision", "Reasons")):
            self.points_grid.addWidget(QLabel(f"<b>{title}</b>", group), 0, col)
        for point in self.view.points or ("",):
            self.add_point(point)
        add = QPushButton("Add &point", group)
        add.setAccessibleName("Add point")
        add.clicked.connect(lambda: self.add_point(""))
        self.points_grid.addWidget(add, 99, 0)
        self.points_grid.setColumnStretch(0, 2)
        self.points_grid.setColumnStretch(2, 3)
        return group

    def add_point(self, text: str) -> None:
        n = len(self.point_rows) + 1
        point = QLineEdit(text)
        point.setAccessibleName(f"Point {n}")
        point.setToolTip(text)
        point.setCursorPosition(0)
        decision = QComboBox()
        decision.setAccessibleName(f"Decision on point {n}")
        decision.addItem("— choose —", "")
        for key, word in DECISION_WORDS.items():
            decision.addItem(word, key)
        reasons = QLineEdit()
        reasons.setAccessibleName(f"Reasons for point {n}")
        reasons.setPlaceholderText("why this decision")
        for col, w in enumerate((point, decision, reasons)):
            self.points_grid.addWidget(w, n, col)
            _on_change(w, self._start_timer)
        self.point_rows.append((point, decision, reasons))

    def _money_group(self, parent) -> QGroupBox:
        group = QGroupBox(
            "Compensation offered at this stage (in addition to earlier offers)", parent
        )
        grid = QGridLayout(group)
        for i, head in enumerate(COMPENSATION_HEADS):
            label = QLabel(HEAD_WORDS[head], group)
            edit = QLineEdit(group)
            edit.setPlaceholderText("£0")
            edit.setAccessibleName(f"{HEAD_WORDS[head]} amount")
            label.setBuddy(edit)
            grid.addWidget(label, i // 2, (i % 2) * 2)
            grid.addWidget(edit, i // 2, (i % 2) * 2 + 1)
            self.amounts[head] = edit
        calc = QPushButton("Compensation &calculator…", group)
        calc.setAccessibleName("Compensation calculator")
        calc.clicked.connect(self.open_calculator)
        grid.addWidget(calc, 3, 0, 1, 2)
        self.calculator = None
        return group

    def _actions_group(self, parent) -> QGroupBox:
        group = QGroupBox(
            "Outstanding actions to put things right (each tracked to its date)", parent
        )
        self.actions_grid = QGridLayout(group)
        add = QPushButton("Add &outstanding action", group)
        add.setAccessibleName("Add outstanding action")
        add.clicked.connect(self.add_action)
        self.actions_grid.addWidget(add, 99, 0)
        self.actions_grid.setColumnStretch(0, 1)
        return group

    def add_action(self, text: str = "", due: dt.date | None = None) -> None:
        n = len(self.action_rows) + 1
        edit = QLineEdit(text or "")
        edit.setAccessibleName(f"Outstanding action {n}")
        date = date_edit(None, due or self.ws.today() + dt.timedelta(days=14))
        date.setAccessibleName(f"Outstanding action {n} due date")
        self.actions_grid.addWidget(edit, n, 0)
        self.actions_grid.addWidget(date, n, 1)
        _on_change(edit, self._start_timer)
        _on_change(date, self._start_timer)
        self.action_rows.append((edit, date))
        edit.setFocus()

    def open_calculator(self) -> None:
        from app.ui.complaints.compensation_dialog import CompensationDialog

        dlg = CompensationDialog(self.ws, self.view, self, for_response=True)
        self.calculator = dlg
        dlg.sig_use.connect(self.use_amounts)
        dlg.open()

    def use_amounts(self, amounts: dict) -> None:
        for head, amount in amounts.items():
            self.amounts[head].setText(f"{amount}")
        if amounts and not self.remedy.toPlainText().strip() and self.calculator is not None:
            self.remedy.setPlainText(self.calculator.explanation.toPlainText())

    # -- the draft and its checklist ------------------------------------------------------------
    def _start_timer(self, *_args) -> None:
        self._timer.start()

    def draft(self) -> ResponseDraft:
        points = tuple(
            PointDecision(p.text(), d.currentData() or "", r.text())
            for p, d, r in self.point_rows
            if p.text().strip() or r.text().strip() or d.currentData()
        )
        actions = tuple(
            OutstandingAction(e.text(), from_qdate(d.date()))
            for e, d in self.action_rows
            if e.text().strip()
        )
        money = tuple((h, e.text().strip()) for h, e in self.amounts.items() if e.text().strip())
        return ResponseDraft(
            points=points,
            apology=self.apology.isChecked(),
            remedy=self.remedy.toPlainText(),
            outstanding=actions,
            escalation=self.escalation.toPlainText(),
            compensation=money,  # validated (≥ 0, whole pence) by the service
            lessons=self.lessons.text(),
        )

    def refresh_checklist(self) -> None:
        try:
            items = response_checklist(
                self.ws, self.view.case_ref, self.view.id, self.draft(), self.value("at").date()
            )
        except DoorstepError as exc:
            self.show_error(str(exc))
            return
        self.checklist_model.set_rows(items)
        complete = all(i.done for i in items)
        self.ok.setEnabled(complete)
        missing = sum(1 for i in items if not i.done)
        self.ok.setToolTip("" if complete else f"{missing} checklist item(s) missing")

    def _submit(self):
        return svc.respond(
            self.ws,
            self.view.case_ref,
            self.view.id,
            draft=self.draft(),
            at=self.value("at"),
            by=self.value("by"),
            expected_version=self.view.version,
        )


def _on_change(widget, slot) -> None:
    for name in ("textChanged", "currentIndexChanged", "toggled", "dateChanged"):
        signal = getattr(widget, name, None)
        if signal is not None:
            signal.connect(slot)
            return
