"""The ASB panel's dialogs besides the risk form and the plan editor: a report, a
vulnerability with its adjustments, partner requests and answers, home visits,
repairs, marking an action done, and closing the case. Each calls one service."""

from __future__ import annotations

from app.domain.events import CHANNELS, INCIDENT_TYPES, VISIT_REASONS
from app.services import asb
from app.services.asb.views import AsbView, PartnerView, PlanActionView, RepairView
from app.services.workspace import Workspace
from app.ui.asb.forms import AsbForm, combo_value, london_now, value
from app.ui.formats import day
from app.ui.forms import from_qdatetime

MEMBERS = ("resident", "son", "daughter", "partner", "child", "parent", "other adult")
VULNERABILITIES = (
    "autism",
    "learning disability",
    "physical disability",
    "mental health",
    "older age",
    "language (needs an interpreter)",
    "young children",
    "victim of violence",
)


def words(key: str) -> str:
    return key.replace("_", " ")


class ReportDialog(AsbForm):
    ok_text = "&Record report"

    def __init__(self, ws: Workspace, view: AsbView, parent=None):
        super().__init__(ws, f"ASB report — {view.ref}", parent)
        self.ref = view.ref
        self.at = self.when("Reported a&t:", london_now(ws))
        self.incident = self.combo(
            "&Incident type:", [(words(t).capitalize(), t) for t in INCIDENT_TYPES]
        )
        self.summary = self.text("&What happened:", "Who, what, where; injuries; children present")
        self.reporter = self.line(
            "Reported &by:", placeholder="the resident (or e.g. support worker)"
        )
        self.channel = self.combo("&Channel:", [(words(c), c) for c in CHANNELS])
        self.perpetrator = self.line("&Perpetrator (if known):")
        self.police_ref = self.line("Police re&ference:")
        self.hate = self.check("&Hate incident (counted separately in NM01)")

    def submit(self):
        return asb.report_asb(
            self.ws,
            self.ref,
            incident_type=combo_value(self.incident),
            summary=value(self.summary),
            channel=combo_value(self.channel),
            reporter=value(self.reporter),
            perpetrator=value(self.perpetrator),
            police_ref=value(self.police_ref),
            hate_incident=self.hate.isChecked(),
            at=from_qdatetime(self.at.dateTime()),
        )


class VulnerabilityDialog(AsbForm):
    ok_text = "&Record"

    def __init__(self, ws: Workspace, view: AsbView, parent=None):
        super().__init__(ws, f"Vulnerability and adjustments — {view.ref}", parent)
        self.ref = view.ref
        self.set_intro(
            "Record who in the household is vulnerable and the adjustments agreed. "
            "A vulnerability without adjustments is flagged until they are recorded."
        )
        self.member = self.combo("Household &member:", [(m, m) for m in MEMBERS], editable=True)
        self.vulnerability = self.combo(
            "&Vulnerability:", [(v, v) for v in VULNERABILITIES], editable=True
        )
        self.adjustments = self.text("&Adjustments agreed:", "e.g. no unannounced visits")
        self.channel = self.combo(
            "&Preferred contact:", [("no preference", None), *((words(c), c) for c in CHANNELS)]
        )
        self.times = self.line("Contact &times:", placeholder="e.g. after 4pm, not school runs")
        self.interpreter = self.line("&Interpreter (language):")
        self.communication = self.line(
            "Communication &style:", placeholder="e.g. plain words, in writing first"
        )

    def submit(self):
        return asb.record_vulnerability(
            self.ws,
            self.ref,
            member=str(combo_value(self.member) or ""),
            vulnerability=str(combo_value(self.vulnerability) or ""),
            adjustments=value(self.adjustments),
            preferred_channel=combo_value(self.channel),
            contact_times=value(self.times),
            interpreter=value(self.interpreter),
            communication=value(self.communication),
        )


class PartnerRequestDialog(AsbForm):
    ok_text = "&Send request"

    def __init__(self, ws: Workspace, view: AsbView, parent=None):
        super().__init__(ws, f"Request to a partner agency — {view.ref}", parent)
        self.ref = view.ref
        agencies = [(o.value, o.value) for o in view.owners if o.kind in ("police", "agency")]
        self.set_intro("Without an answer the request must be chased (the case shows when).")
        self.agency = self.combo("&Agency:", agencies, editable=True)
        self.ask = self.text("&What was asked:", "e.g. police disclosure about the 12 Sep incident")
        self.contact = self.line("&Contact:", placeholder="name, email or phone at the agency")
        self.at = self.when("Asked a&t:", london_now(ws))

    def submit(self):
        return asb.request_partner(
            self.ws,
            self.ref,
            str(combo_value(self.agency) or ""),
            value(self.ask),
            contact=value(self.contact),
            at=from_qdatetime(self.at.dateTime()),
        )


class PartnerReplyDialog(AsbForm):
    ok_text = "&Record answer"

    def __init__(self, ws: Workspace, ref: str, request: PartnerView, parent=None):
        super().__init__(ws, f"Answer from {request.agency} — {ref}", parent)
        self.ref, self.request = ref, request
        self.set_intro(f"Asked on {day(request.on)}: {request.ask}")
        self.answer = self.text("Their &answer:")
        self.at = self.when("Answered a&t:", london_now(ws))

    def submit(self):
        return asb.record_partner_reply(
            self.ws,
            self.ref,
            self.request.id,
            value(self.answer),
            at=from_qdatetime(self.at.dateTime()),
        )


class VisitRequestDialog(AsbForm):
    ok_text = "&Record request"

    def __init__(self, ws: Workspace, view: AsbView, parent=None):
        super().__init__(ws, f"Home visit requested — {view.ref}", parent)
        self.ref = view.ref
        self.reason = self.combo(
            "Rea&son:",
            [(f"{words(r)} (visit within {view.visit_wd[r]} WD)", r) for r in VISIT_REASONS],
        )
        self.summary = self.line("&Note:")
        self.at = self.when("Requested a&t:", london_now(ws))

    def submit(self):
        return asb.request_home_visit(
            self.ws,
            self.ref,
            combo_value(self.reason),
            summary=value(self.summary),
            at=from_qdatetime(self.at.dateTime()),
        )


class VisitDialog(AsbForm):
    ok_text = "&Record visit"

    def __init__(self, ws: Workspace, view: AsbView, parent=None):
        super().__init__(ws, f"Home visit — {view.ref}", parent)
        self.ref = view.ref
        officers = [(o.label, o.value) for o in view.owners if o.kind == "officer"]
        self.at = self.when("&Visited at:", london_now(ws))
        self.by = self.combo("Visited &by:", officers, current=ws.actor.username)
        self.notes = self.text("&Notes:", "What was seen and agreed", lines=5)
        self.offline = self.check("Notes written &offline (on the doorstep), recorded now")

    def submit(self):
        return asb.record_home_visit(
            self.ws,
            self.ref,
            value(self.notes),
            by=combo_value(self.by) or None,
            offline=self.offline.isChecked(),
            at=from_qdatetime(self.at.dateTime()),
        )


class RepairDialog(AsbForm):
    ok_text = "&Raise repair"

    def __init__(self, ws: Workspace, view: AsbView, parent=None):
        super().__init__(ws, f"Repair from the case — {view.ref}", parent)
        self.ref = view.ref
        self.set_intro("The target date comes from the policy's repair priorities.")
        self.job = self.line("&Job:", placeholder="e.g. security bolts to front and back doors")
        self.priority = self.combo(
            "&Priority:",
            [(f"{words(p)} (target {wd} WD)", p) for p, wd in view.repair_priorities.items()],
            current="urgent",
        )
        self.at = self.when("Raised a&t:", london_now(ws))

    def submit(self):
        return asb.raise_repair(
            self.ws,
            self.ref,
            value(self.job),
            combo_value(self.priority),
            at=from_qdatetime(self.at.dateTime()),
        )


class RepairDoneDialog(AsbForm):
    ok_text = "&Record done"

    def __init__(self, ws: Workspace, ref: str, repair: RepairView, parent=None):
        super().__init__(ws, f"Repair done — {ref}", parent)
        self.ref, self.repair = ref, repair
        self.set_intro(f"{repair.job} ({repair.priority}), target {day(repair.target)}.")
        self.at = self.when("&Done at:", london_now(ws))

    def submit(self):
        return asb.record_repair_done(
            self.ws, self.ref, self.repair.id, at=from_qdatetime(self.at.dateTime())
        )


class ActionDoneDialog(AsbForm):
    ok_text = "&Mark done"

    def __init__(self, ws: Workspace, ref: str, plan_id: str, action: PlanActionView, parent=None):
        super().__init__(ws, f"Action done — {ref}", parent)
        self.ref, self.plan_id, self.action = ref, plan_id, action
        self.set_intro(f"{action.text} (owner {action.owner}, due {day(action.due)})")
        self.notes = self.line("&Notes:")
        self.at = self.when("&Done at:", london_now(ws))

    def submit(self):
        return asb.mark_action_done(
            self.ws,
            self.ref,
            self.plan_id,
            self.action.text,
            notes=value(self.notes),
            at=from_qdatetime(self.at.dateTime()),
        )


SATISFACTION = (
    ("not asked / declined to answer", None),
    ("5 — very satisfied", 5),
    ("4 — fairly satisfied", 4),
    ("3 — neither", 3),
    ("2 — fairly dissatisfied", 2),
    ("1 — very dissatisfied", 1),
)


class ClosureDialog(AsbForm):
    ok_text = "&Close case"

    def __init__(self, ws: Workspace, view: AsbView, parent=None):
        super().__init__(ws, f"Close the ASB case — {view.ref}", parent)
        self.ref = view.ref
        plan = view.current_plan
        still_open = plan.open_actions if plan else ()
        self.outcome = self.text("&Outcome:", "What was done and how it ended")
        self.satisfaction = self.combo("Resident's &satisfaction (TP12):", list(SATISFACTION))
        self.reason = self.text(
            "&Reason actions are open:", "Why the case closes with these actions open", lines=2
        )
        self.reason.setEnabled(bool(still_open))
        if still_open:
            listed = "; ".join(a.text for a in still_open)
            self.set_intro(f"Plan actions still open: {listed}. Give the reason to close anyway.")
        self.at = self.when("Closed a&t:", london_now(ws))

    def submit(self):
        return asb.close_asb_case(
            self.ws,
            self.ref,
            value(self.outcome),
            satisfaction=combo_value(self.satisfaction),
            open_actions_reason=value(self.reason) if self.reason.isEnabled() else None,
            at=from_qdatetime(self.at.dateTime()),
        )
