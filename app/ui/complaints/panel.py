"""The complaint panel of the case view: stage track, next action, checklist, money, history.

Everything is reachable by keyboard: the complaint picker, the next-action button
(Enter), the Actions menu (Alt+A), the tabs (Ctrl+Tab) and every dialog's fields.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.deadlines.timeline import fmt
from app.errors import DoorstepError
from app.services.cases import get_case
from app.services.complaints import pending_offers
from app.services.complaints.reading import list_complaints
from app.services.complaints.views import ComplaintView
from app.services.people import display_name, named
from app.services.views import CaseDetail
from app.services.workspace import Workspace
from app.ui.complaints import dialogs as dlg
from app.ui.complaints import ombudsman_dialog as omb
from app.ui.complaints.compensation_dialog import CompensationDialog
from app.ui.complaints.models import (
    ChecklistModel,
    FindingsModel,
    HistoryModel,
    LedgerModel,
    TrackedModel,
)
from app.ui.complaints.respond_dialog import RespondDialog
from app.ui.complaints.stage_track import StageTrack
from app.ui.countdown import countdown_colour

WARN_STYLE = "background: #fef7e0; color: #7a4a00; padding: 6px; border-radius: 4px;"
PROMPT_STYLE = "background: #e8f0fe; color: #174ea6; padding: 6px; border-radius: 4px;"

# action key -> (menu text, needs the view's permission key)
ACTIONS = (
    ("acknowledge", "Ac&knowledge…"),
    ("extend", "Agree an &extension…"),
    ("respond", "&Respond…"),
    ("escalate", "Record an escalation &request…"),
    ("refuse_escalation", "Refuse the escalation in &writing…"),
    ("refuse", "Refuse to accept the complaint…"),
    ("close", "&Close the complaint…"),
    ("reopen", "Re&open…"),
    ("assign", "Assign a &handler…"),
    ("points", "Points of complain&t…"),
    ("remedy_done", "Remedy action &done…"),
    ("compensation", "Com&pensation…"),
    ("ombudsman_enquiry", "Ombudsman en&quiry or determination…"),
    ("ombudsman_order", "Ombudsman &order…"),
    ("ombudsman_compliance", "Evidence of compliance with an order…"),
)


def _table(parent: QWidget, name: str, model) -> QTableView:
    view = QTableView(parent)
    view.setAccessibleName(name)
    view.setModel(model)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setWordWrap(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return view


class ComplaintPanel(QWidget):
    sig_changed = Signal(str)  # the case ref, after the panel recorded something

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.setAccessibleName("Complaints")
        self.case: CaseDetail | None = None
        self.views: list[ComplaintView] = []
        self.view: ComplaintView | None = None
        self.prompts: list[str] = []
        self.active_dialog = None

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        picker_label = QLabel("Complai&nt:", self)
        self.picker = QComboBox(self)
        self.picker.setAccessibleName("Complaint")
        self.picker.setMinimumWidth(380)
        picker_label.setBuddy(self.picker)
        self.picker.currentIndexChanged.connect(self._picked)
        self.log_button = QPushButton("Log a com&plaint…", self)
        self.log_button.setAccessibleName("Log a complaint")
        self.log_button.clicked.connect(self.open_receive)
        self.status = QLabel("", self)
        self.status.setAccessibleName("Complaint status")
        top.addWidget(picker_label)
        top.addWidget(self.picker, 1)
        top.addWidget(self.log_button)
        layout.addLayout(top)
        layout.addWidget(self.status)

        prompt_row = QHBoxLayout()
        self.prompt = QLabel("", self)
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet(PROMPT_STYLE)
        self.prompt.setAccessibleName("Dissatisfaction prompt")
        self.offer_button = QPushButton("&Offer a formal complaint…", self)
        self.offer_button.setAccessibleName("Offer a formal complaint")
        self.offer_button.clicked.connect(self.open_offer)
        prompt_row.addWidget(self.prompt, 1)
        prompt_row.addWidget(self.offer_button)
        layout.addLayout(prompt_row)

        self.track = StageTrack(self, names=lambda u: display_name(ws, u))
        layout.addWidget(self.track)

        act = QHBoxLayout()
        self.next_button = QPushButton("", self)
        self.next_button.setAccessibleName("Next action")
        self.next_button.setMinimumHeight(34)
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.do_next)
        self.actions_button = QToolButton(self)
        self.actions_button.setText("&Actions")
        self.actions_button.setAccessibleName("More complaint actions")
        self.actions_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self)
        self.menu_actions: dict[str, QAction] = {}
        for key, text in ACTIONS:
            action = QAction(text, self)
            action.triggered.connect(lambda _=False, k=key: self.open_action(k))
            self.menu.addAction(action)
            self.menu_actions[key] = action
        self.actions_button.setMenu(self.menu)
        act.addWidget(self.next_button, 1)
        act.addWidget(self.actions_button)
        layout.addLayout(act)

        self.warning = QLabel("", self)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARN_STYLE)
        self.warning.setAccessibleName("Extension warning")
        layout.addWidget(self.warning)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Complaint details")
        self.checklist_model = ChecklistModel(self)
        self.ledger_model = LedgerModel(self)
        self.tracked_model = TrackedModel(self)
        self.findings_model = FindingsModel(self, names=lambda text: named(ws, text))
        self.history_model = HistoryModel(self, names=lambda u: display_name(ws, u))
        checklist_page = QWidget(self)
        cl = QVBoxLayout(checklist_page)
        self.checklist_caption = QLabel("", checklist_page)
        cl.addWidget(self.checklist_caption)
        self.checklist_table = _table(checklist_page, "Response checklist", self.checklist_model)
        cl.addWidget(self.checklist_table)
        money_page = QWidget(self)
        ml = QVBoxLayout(money_page)
        self.money_caption = QLabel("", money_page)
        self.money_caption.setAccessibleName("Compensation summary")
        ml.addWidget(self.money_caption)
        self.ledger_table = _table(money_page, "Compensation by head and stage", self.ledger_model)
        self.ledger_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        ml.addWidget(self.ledger_table)
        self.calc_button = QPushButton("Compensation editor and calc&ulator…", money_page)
        self.calc_button.setAccessibleName("Compensation editor and calculator")
        self.calc_button.clicked.connect(lambda: self.open_action("compensation"))
        ml.addWidget(self.calc_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.tracked_table = _table(
            self, "Promises: remedy actions and Ombudsman orders", self.tracked_model
        )
        self.findings_table = _table(self, "Audit findings", self.findings_model)
        self.history_table = _table(self, "Complaint history", self.history_model)
        self.tabs.addTab(checklist_page, "Chec&klist")
        self.tabs.addTab(money_page, "Compensation")
        self.tabs.addTab(self.tracked_table, "Promises")
        self.tabs.addTab(self.findings_table, "Findings")
        self.tabs.addTab(self.history_table, "History")
        layout.addWidget(self.tabs, 1)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setAccessibleName("Error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)

        # F5 is the window's View › Refresh, which reloads this panel with its case.
        self._show(None)

    # -- loading ----------------------------------------------------------------------------
    def load(self, case: CaseDetail) -> None:
        """(Re)show the panel for this case."""
        self.case = case
        self.refresh()

    def refresh(self) -> None:
        if self.case is None:
            return
        keep = self.view.id if self.view is not None else None
        try:
            self.views = list_complaints(self.ws, self.case.ref)
            self.prompts = pending_offers(self.ws, self.case.ref)
        except DoorstepError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        self.picker.blockSignals(True)
        self.picker.clear()
        for v in self.views:
            self.picker.addItem(f"{fmt(v.received_on)} — {v.summary[:70]} ({v.status})", v.id)
        index = next((i for i, v in enumerate(self.views) if v.id == keep), len(self.views) - 1)
        self.picker.setCurrentIndex(index)
        self.picker.blockSignals(False)
        self._show_prompt()
        self._show(self.views[index] if self.views else None)

    def _picked(self, index: int) -> None:
        if 0 <= index < len(self.views):
            self._show(self.views[index])

    def _show_prompt(self) -> None:
        if not self.prompts or self.case is None:
            self.prompt.hide()
            self.offer_button.hide()
            return
        first = next(e for e in self.case.events if e.id == self.prompts[0])
        self.prompt.setText(
            f"Dissatisfaction expressed {fmt(first.at.date())} (“{first.summary}”): offer a formal "
            "complaint and record the answer."
        )
        self.prompt.show()
        self.offer_button.show()

    def _show(self, view: ComplaintView | None) -> None:
        self.view = view
        has = view is not None
        for w in (self.track, self.next_button, self.actions_button, self.tabs, self.picker):
            w.setVisible(has)
        if view is None:
            self.status.setText("No complaint on this case.")
            self.warning.hide()
            return
        about = (
            f" · about {display_name(self.ws, view.about_officer)}" if view.about_officer else ""
        )
        self.status.setText(
            f"{view.stage_label} of {view.procedure} · {view.status}{about} · received "
            f"{fmt(view.received_on)} by {view.channel.replace('_', ' ')}"
        )
        self.track.set_stages(view.stages)
        chain = [self.offer_button, *self.track.step_labels, self.next_button]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)
        nxt = view.next_action
        when = f" — due {fmt(nxt.due)} ({nxt.countdown})" if nxt.due else ""
        self.next_button.setText(f"{nxt.label}{when}")
        self.next_button.setAccessibleName(f"Next action: {nxt.label}{when}")
        if nxt.due:
            colour = countdown_colour(nxt.urgency).name()
            self.next_button.setStyleSheet(f"QPushButton {{ font-weight: bold; color: {colour}; }}")
        else:
            self.next_button.setStyleSheet("QPushButton { font-weight: bold; }")
        allowed = set(view.allowed) | {"ombudsman_enquiry", "ombudsman_order"}
        if view.orders:
            allowed.add("ombudsman_compliance")
        for key, action in self.menu_actions.items():
            action.setEnabled(key in allowed)
        self.warning.setText(view.extension_warning or "")
        self.warning.setVisible(bool(view.extension_warning))
        self.checklist_caption.setText(view.checklist_for)
        self.checklist_model.set_rows(view.checklist)
        self.ledger_model.set_view(view.compensation)
        self.money_caption.setText(view.compensation.summary())
        self.tracked_model.set_rows([*view.remedies, *view.orders])
        self.findings_model.set_rows(view.findings)
        self.tabs.setTabText(3, f"Findings ({len(view.findings)})")
        self.history_model.set_rows(view.history)

    # -- actions ----------------------------------------------------------------------------
    def do_next(self) -> None:
        if self.view is None:
            return
        key = {
            "answer_escalation": "acknowledge",
            "comply": "ombudsman_compliance",
        }.get(self.view.next_action.action, self.view.next_action.action)
        self.open_action(key)

    def open_action(self, key: str):
        view = self.view
        if view is None:
            return None
        factories = {
            "acknowledge": dlg.acknowledge_dialog,
            "extend": dlg.extend_dialog,
            "escalate": dlg.escalate_dialog,
            "refuse_escalation": dlg.refuse_escalation_dialog,
            "refuse": dlg.refuse_dialog,
            "close": dlg.close_dialog,
            "reopen": dlg.reopen_dialog,
            "assign": dlg.assign_dialog,
            "points": dlg.points_dialog,
            "remedy_done": dlg.remedy_done_dialog,
            "ombudsman_enquiry": omb.enquiry_dialog,
            "ombudsman_order": omb.order_dialog,
            "ombudsman_compliance": omb.compliance_dialog,
        }
        if key == "respond":
            dialog = RespondDialog(self.ws, view, self)
        elif key == "compensation":
            dialog = CompensationDialog(
                self.ws, view, self, vulnerabilities=self.case.vulnerabilities if self.case else ()
            )
            dialog.sig_changed.connect(self._recorded)
            self.active_dialog = dialog
            dialog.open()
            return dialog
        elif key in factories:
            dialog = factories[key](self.ws, view, self)
        else:
            return None
        return self._open(dialog)

    def open_receive(self):
        if self.case is None:
            return None
        return self._open(dlg.receive_dialog(self.ws, self.case.ref, self._version(), self))

    def open_offer(self):
        if self.case is None or not self.prompts:
            return None
        e = next(x for x in self.case.events if x.id == self.prompts[0])
        contact = (e.id, fmt(e.at.date()), e.summary)
        return self._open(
            dlg.receive_dialog(self.ws, self.case.ref, self._version(), self, contact)
        )

    def _version(self) -> int:
        if self.view is not None:
            return self.view.version
        return self.case.version if self.case is not None else 0

    def _open(self, dialog):
        self.active_dialog = dialog
        dialog.accepted.connect(self._recorded)
        dialog.open()
        return dialog

    def _recorded(self) -> None:
        if self.case is None:
            return
        try:
            self.case = get_case(self.ws, self.case.ref)
        except DoorstepError as exc:
            self.error.setText(str(exc))
            return
        self.refresh()
        self.sig_changed.emit(self.case.ref)
