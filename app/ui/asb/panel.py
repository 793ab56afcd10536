"""The ASB panel of the case view: tier history, vulnerabilities, the agreed plan and its
versions, partner requests, visits, repairs and the case review alert, with a
dialog for every action. ``sig_changed(ref)`` after it recorded something."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import DoorstepError
from app.services.asb import asb_view, chase_partner
from app.services.asb.views import OPEN_STATUSES, AsbView, PlanVersion, tier_summary
from app.services.cases import get_case
from app.services.people import display_name
from app.services.views import CaseDetail
from app.services.workspace import Workspace
from app.ui.asb import dialogs
from app.ui.asb.columns import (
    ACTIONS,
    ADJUSTMENTS,
    PARTNERS,
    REPAIRS,
    REPORTS,
    TIERS,
    VISIT_REQUESTS,
    VISITS,
    vulnerability_rows,
)
from app.ui.asb.plan_editor import ActionPlanEditor
from app.ui.asb.risk_dialog import RiskAssessmentDialog
from app.ui.formats import day
from app.ui.records_model import RecordsModel, make_table, selected_row

ALERT_STYLE = "background: #fff4e5; color: #7a3e00; border: 1px solid #b45309; padding: 6px;"


class AsbPanel(QWidget):
    sig_changed = Signal(str)

    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.view: AsbView | None = None
        self.setAccessibleName("Anti-social behaviour")
        layout = QVBoxLayout(self)

        self.summary = QLabel(self)
        self.summary.setObjectName("tier_summary")
        self.summary.setAccessibleName("Risk summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.alert = QLabel(self)
        self.alert.setObjectName("case_review_alert")
        self.alert.setAccessibleName("Case review alert")
        self.alert.setWordWrap(True)
        self.alert.setStyleSheet(ALERT_STYLE)
        self.alert.setVisible(False)
        layout.addWidget(self.alert)
        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setAccessibleName("Panel status")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        layout.addWidget(self.status)

        bar = QHBoxLayout()
        self.report_button = self._button(bar, "Report &ASB…", self.report)
        self.assess_button = self._button(bar, "Assess ris&k…", self.assess)
        self.close_button = self._button(bar, "Cl&ose case…", self.close_case)
        bar.addStretch(1)
        layout.addLayout(bar)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("ASB sections")
        layout.addWidget(self.tabs, 1)
        self.models: dict[str, RecordsModel] = {}
        self.tables: dict[str, QTableView] = {}

        risk = self._tab("Risk")
        risk.layout().addWidget(QLabel("Tier history (every assessment is kept):", risk))
        risk.layout().addWidget(self._table("tiers", TIERS, "Tier history", risk))
        risk.layout().addWidget(QLabel("Reports:", risk))
        risk.layout().addWidget(self._table("reports", REPORTS, "ASB reports", risk))

        vuln = self._tab("Vulnerabilities")
        vuln.layout().addWidget(
            self._table("vulnerabilities", ADJUSTMENTS, "Vulnerabilities", vuln)
        )
        self._row_buttons(vuln, [("Record vul&nerability…", self.vulnerability)])

        plan = self._tab("Action plan")
        top = QHBoxLayout()
        self.versions = QComboBox(plan)
        self.versions.setAccessibleName("Plan version")
        self.versions.currentIndexChanged.connect(self._show_version)
        version_label = QLabel("Versio&n:", plan)
        version_label.setBuddy(self.versions)
        top.addWidget(version_label)
        top.addWidget(self.versions)
        self.plan_terms = QLabel(plan)
        self.plan_terms.setObjectName("plan_terms")
        self.plan_terms.setWordWrap(True)
        top.addWidget(self.plan_terms, 1)
        plan.layout().addLayout(top)
        plan.layout().addWidget(self._table("actions", ACTIONS, "Plan actions", plan))
        self._row_buttons(plan, [("Edit &plan…", self.edit_plan), ("Mark &done…", self.mark_done)])

        partners = self._tab("Partners")
        partners.layout().addWidget(self._table("partners", PARTNERS, "Partner requests", partners))
        self._row_buttons(
            partners,
            [
                ("&New request…", self.partner_request),
                ("Record ans&wer…", self.partner_reply),
                ("Chase &up", self.chase),
            ],
        )

        visits = self._tab("Visits")
        visits.layout().addWidget(QLabel("Requested visits:", visits))
        visits.layout().addWidget(
            self._table("visit_requests", VISIT_REQUESTS, "Visit requests", visits)
        )
        visits.layout().addWidget(QLabel("Visits made:", visits))
        visits.layout().addWidget(self._table("visits", VISITS, "Home visits", visits))
        self._row_buttons(
            visits, [("Visit re&quest…", self.visit_request), ("Recor&d visit…", self.visit)]
        )

        repairs = self._tab("Repairs")
        repairs.layout().addWidget(self._table("repairs", REPAIRS, "Repairs", repairs))
        self._row_buttons(
            repairs, [("Raise re&pair…", self.repair), ("Repair &done…", self.repair_done)]
        )

    # -- building ------------------------------------------------------------------------------
    def _button(self, layout, text: str, slot: Callable[[], None]) -> QPushButton:
        b = QPushButton(text, self)
        b.setAccessibleName(text.replace("&", "").rstrip("…"))
        b.clicked.connect(slot)
        layout.addWidget(b)
        return b

    def _tab(self, title: str) -> QWidget:
        page = QWidget(self.tabs)
        page.setAccessibleName(title)
        QVBoxLayout(page)
        self.tabs.addTab(page, title)
        return page

    def _table(self, key: str, columns, name: str, parent: QWidget) -> QTableView:
        # A screen reader hears each cell with its column; only long cells get a tooltip.
        # People by name: a "By" column holds a username (the resident and partners as they are).
        columns = tuple(
            replace(c, text=lambda row, get=c.text: display_name(self.ws, get(row)))
            if c.title == "By"
            else c
            for c in columns
        )
        self.models[key] = RecordsModel(columns, self, titled=True, tooltip_over=30)
        self.tables[key] = make_table(self.models[key], name, parent)
        return self.tables[key]

    def _row_buttons(self, page: QWidget, buttons) -> None:
        bar = QHBoxLayout()
        for text, slot in buttons:
            self._button(bar, text, slot)
        bar.addStretch(1)
        page.layout().addLayout(bar)

    # -- showing ----------------------------------------------------------------------------------
    def load(self, case: CaseDetail) -> None:
        try:
            self.view = asb_view(self.ws, case.ref, case)
        except DoorstepError as exc:
            self.say(str(exc))
            return
        v = self.view
        self.summary.setText(tier_summary(v))
        self.alert.setText(f"Case review: {v.review.text} {_alerted(v)}")
        self.alert.setVisible(v.review.qualifies)
        self.models["tiers"].set_rows(v.tiers[::-1])
        self.models["reports"].set_rows(v.reports[::-1])
        self.models["vulnerabilities"].set_rows(vulnerability_rows(v.vulnerabilities))
        self.models["partners"].set_rows(v.partners[::-1])
        self.models["visit_requests"].set_rows(v.visit_requests[::-1])
        self.models["visits"].set_rows(v.visits[::-1])
        self.models["repairs"].set_rows(v.repairs[::-1])
        self.versions.blockSignals(True)
        self.versions.clear()
        for p in reversed(v.plans):
            current = " (current)" if p is v.current_plan else ""
            self.versions.addItem(f"{p.number}: agreed {day(p.agreed_on)}{current}", p.number)
        self.versions.blockSignals(False)
        self._show_version()
        self._label_tabs(v)
        closed = v.status == "closed"
        self.close_button.setEnabled(not closed)
        self.assess_button.setEnabled(bool(v.reports))

    def _show_version(self) -> None:
        v = self.view
        number = self.versions.currentData()
        plan = next((p for p in v.plans if p.number == number), None) if v else None
        self.models["actions"].set_rows(plan.actions if plan else ())
        self.plan_terms.setText(
            _terms(plan, display_name(self.ws, plan.recorded_by))
            if plan
            else "No action plan agreed yet."
        )

    def _label_tabs(self, v: AsbView) -> None:
        flags = {
            "Vulnerabilities": sum(not x.assessed for x in v.vulnerabilities),
            "Action plan": len(v.current_plan.open_actions) if v.current_plan else 0,
            "Partners": sum(p.status == "overdue" for p in v.partners),
            "Visits": sum(r.status == "overdue" for r in v.visit_requests),
            "Repairs": sum(r.status in OPEN_STATUSES for r in v.repairs),
        }
        words = {
            "Vulnerabilities": "without adjustments",
            "Action plan": "open",
            "Partners": "overdue",
            "Visits": "overdue",
            "Repairs": "open",
        }
        for i in range(self.tabs.count()):
            page = self.tabs.widget(i)
            title = page.accessibleName()
            n = flags.get(title, 0)
            self.tabs.setTabText(i, f"{title} ({n} {words[title]})" if n else title)

    def say(self, message: str) -> None:
        self.status.setText(message)
        self.status.setVisible(bool(message))

    # -- acting ----------------------------------------------------------------------------------------
    def _after(self, done: bool, message: str = "") -> None:
        if not done or self.view is None:
            return
        ref = self.view.ref
        self.load(get_case(self.ws, ref))
        self.say(message)
        self.sig_changed.emit(ref)

    def _run(self, dialog: QDialog, message: str) -> None:
        self._after(dialog.exec() == QDialog.DialogCode.Accepted, message)

    def report(self) -> None:
        if self.view:
            d = dialogs.ReportDialog(self.ws, self.view, self)
            if d.exec() == QDialog.DialogCode.Accepted:
                _, _, review = d.result_value
                extra = f" {review.text}" if review.qualifies else ""
                self._after(True, "Report recorded." + extra)

    def assess(self) -> None:
        if self.view:
            self._run(RiskAssessmentDialog(self.ws, self.view, self), "Risk assessment recorded.")

    def vulnerability(self) -> None:
        if self.view:
            self._run(
                dialogs.VulnerabilityDialog(self.ws, self.view, self), "Vulnerability recorded."
            )

    def edit_plan(self) -> None:
        if self.view:
            editor = ActionPlanEditor(self.ws, self.view, self)
            self._run(editor, "Plan agreed: a new version is the one the resident is told.")

    def mark_done(self) -> None:
        action = selected_row(self.tables["actions"])
        plan = self.view.current_plan if self.view else None
        if action is None or plan is None or action not in plan.actions:
            self.say("Choose an action of the current plan first.")
            return
        self._run(
            dialogs.ActionDoneDialog(self.ws, self.view.ref, plan.id, action, self),
            "Action marked done.",
        )

    def partner_request(self) -> None:
        if self.view:
            self._run(dialogs.PartnerRequestDialog(self.ws, self.view, self), "Request recorded.")

    def partner_reply(self) -> None:
        request = selected_row(self.tables["partners"])
        if request is None:
            self.say("Choose the request that was answered first.")
            return
        self._run(
            dialogs.PartnerReplyDialog(self.ws, self.view.ref, request, self), "Answer recorded."
        )

    def chase(self) -> None:
        request = selected_row(self.tables["partners"])
        if request is None:
            self.say("Choose the request to chase first.")
            return
        try:
            chase_partner(self.ws, self.view.ref, request.id)
        except DoorstepError as exc:
            self.say(str(exc))
            return
        self._after(True, f"Chased {request.agency}.")

    def visit_request(self) -> None:
        if self.view:
            self._run(
                dialogs.VisitRequestDialog(self.ws, self.view, self), "Visit request recorded."
            )

    def visit(self) -> None:
        if self.view:
            self._run(dialogs.VisitDialog(self.ws, self.view, self), "Visit recorded.")

    def repair(self) -> None:
        if self.view:
            self._run(dialogs.RepairDialog(self.ws, self.view, self), "Repair raised.")

    def repair_done(self) -> None:
        repair = selected_row(self.tables["repairs"])
        if repair is None:
            self.say("Choose the repair that was done first.")
            return
        self._run(
            dialogs.RepairDoneDialog(self.ws, self.view.ref, repair, self),
            "Repair recorded as done.",
        )

    def close_case(self) -> None:
        if self.view:
            self._run(dialogs.ClosureDialog(self.ws, self.view, self), "Case closed.")


def _alerted(v: AsbView) -> str:
    names = {o.value: o.label.removesuffix(" (officer)") for o in v.owners if o.kind == "officer"}
    who = [f"{names.get(v.review.officer, v.review.officer)} (case officer)"]
    who += [f"{names.get(m, m)} (manager)" for m in v.review.managers]
    return f"Alerted: {', '.join(who)}."


def _terms(plan: PlanVersion, recorded_by: str) -> str:
    letter = "written confirmation sent" if plan.letter else "written confirmation not recorded yet"
    supersedes = f"; replaces version {plan.number - 1}" if plan.supersedes else ""
    return (
        f"Agreed with the resident on {day(plan.agreed_on)} (recorded by {recorded_by}); "
        f"updates every {plan.update_every_wd} WD{supersedes}; {letter}."
    )
