"""One dialog per step of the hazards, requests and possession services; each calls one service."""

from __future__ import annotations

from app.domain.events import CHANNELS
from app.services import hazards, possession, requests
from app.services.hazards import CATEGORY_WORDS, STEP_WORDS, HazardView
from app.services.possession import Safeguards
from app.services.requests import RequestView
from app.services.workspace import Workspace
from app.ui.asb.forms import AsbForm, combo_value, london_now, value
from app.ui.forms import from_qdatetime


def words(key: str) -> str:
    return key.replace("_", " ")


CHANNEL_ITEMS = [(words(c), c) for c in CHANNELS]


class ReportHazardDialog(AsbForm):
    ok_text = "&Record hazard"

    def __init__(self, ws: Workspace, ref: str, parent=None):
        super().__init__(ws, f"Report a hazard — {ref}", parent)
        self.ref = ref
        self.set_intro(
            "Awaab's Law: the clocks start when we become aware. An emergency must be "
            "investigated within hours (weekends included); damp and mould within working days."
        )
        self.choices = hazards.hazard_choices(ws, ref)
        self.hazard = self.combo("&Hazard:", [(c.name, c.key) for c in self.choices])
        self.category = self.combo("&Category:", [])
        self.hazard.currentIndexChanged.connect(self._categories)
        self._categories()
        self.at = self.when("We became a&ware at:", london_now(ws))
        self.channel = self.combo("C&hannel:", CHANNEL_ITEMS)
        self.location = self.line("&Location:", placeholder="e.g. back bedroom, ceiling")
        self.summary = self.text("&What was reported:", "What, where, who is affected")

    def _categories(self) -> None:
        key = self.hazard.currentData()
        choice = next((c for c in self.choices if c.key == key), None)
        self.category.clear()
        for c in choice.categories if choice else ():
            self.category.addItem(CATEGORY_WORDS[c], c)

    def submit(self):
        return hazards.report_hazard(
            self.ws,
            self.ref,
            hazard=combo_value(self.hazard),
            category=combo_value(self.category),
            channel=combo_value(self.channel),
            summary=value(self.summary),
            location=value(self.location),
            at=from_qdatetime(self.at.dateTime()),
        )


class HazardStepDialog(AsbForm):
    """Investigation, summary, made safe, works, alternative accommodation."""

    ok_text = "&Record step"

    def __init__(self, ws: Workspace, ref: str, hazard: HazardView, parent=None):
        super().__init__(ws, f"{hazard.name} — {ref}", parent)
        self.ref, self.hazard_id = ref, hazard.id
        steps = list(STEP_WORDS) if not hazard.investigated else list(STEP_WORDS)[1:]
        self.step = self.combo("&Step:", [(STEP_WORDS[s].capitalize(), s) for s in steps])
        self.at = self.when("Done a&t:", london_now(ws))
        self.category = self.combo(
            "Investigation &found:", [(w, c) for c, w in CATEGORY_WORDS.items()]
        )
        self.finding = self.text("&Finding:", "What the inspection found, cause, severity")
        self.channel = self.combo("Summary sent &by:", CHANNEL_ITEMS, current="letter")
        self.job = self.line("&Works:", placeholder="e.g. extractor fan fitted, mould wash")
        self.offered = self.check("Alternative accommodation &offered")
        self.accepted_by_resident = self.check("Accepted by the &resident")
        self.summary = self.text("&Notes:", "Optional", lines=2)
        self.step.currentIndexChanged.connect(self._fields)
        self._fields()

    def _fields(self) -> None:
        step = self.step.currentData()
        shown = {
            "hazard_investigated": (self.category, self.finding),
            "hazard_summary_sent": (self.channel,),
            "hazard_works_started": (self.job,),
            "hazard_works_done": (self.job,),
            "alternative_accommodation": (self.offered, self.accepted_by_resident),
        }.get(step, ())
        for w in (
            self.category,
            self.finding,
            self.channel,
            self.job,
            self.offered,
            self.accepted_by_resident,
        ):
            w.setVisible(w in shown)
            label = self.form.labelForField(w)
            if label is not None:
                label.setVisible(w in shown)

    def submit(self):
        step = self.step.currentData()
        fields: dict = {}
        if step == "hazard_investigated":
            fields = {"category": combo_value(self.category), "finding": value(self.finding)}
        elif step == "hazard_summary_sent":
            fields = {"channel": combo_value(self.channel)}
        elif step in ("hazard_works_started", "hazard_works_done"):
            fields = {"job": value(self.job)}
        elif step == "alternative_accommodation":
            fields = {
                "offered": self.offered.isChecked(),
                "accepted": self.accepted_by_resident.isChecked(),
            }
        return hazards.record_step(
            self.ws,
            self.ref,
            self.hazard_id,
            step,
            summary=value(self.summary),
            at=from_qdatetime(self.at.dateTime()),
            **fields,
        )


class RequestDialog(AsbForm):
    ok_text = "&Record request"

    def __init__(self, ws: Workspace, ref: str, parent=None):
        super().__init__(ws, f"A request that needs a decision — {ref}", parent)
        self.ref = ref
        self.set_intro("The decision, with its reasons, is owed in writing by the policy's date.")
        self.subject = self.combo(
            "&Request for:", [(w.capitalize(), s) for s, w in requests.subject_choices()]
        )
        self.channel = self.combo("C&hannel:", CHANNEL_ITEMS)
        self.at = self.when("Asked a&t:", london_now(ws))
        self.summary = self.text("&What was asked:", "In the resident's words if you can")

    def submit(self):
        return requests.log_request(
            self.ws,
            self.ref,
            subject=combo_value(self.subject),
            channel=combo_value(self.channel),
            summary=value(self.summary),
            at=from_qdatetime(self.at.dateTime()),
        )


class DecisionDialog(AsbForm):
    ok_text = "&Record decision"

    def __init__(self, ws: Workspace, ref: str, request: RequestView, parent=None):
        super().__init__(ws, f"Decide the {request.words} — {ref}", parent)
        self.ref, self.request_id = ref, request.id
        self.set_intro(f"Asked on {request.made_on:%d %b %Y}: {request.summary}")
        self.decision = self.line("&Decision:", placeholder="e.g. Transfer agreed: band B")
        self.reasons = self.text("R&easons:", "Why: the resident is owed the reasons in writing")
        self.at = self.when("Decided a&t:", london_now(ws))

    def submit(self):
        return requests.decide_request(
            self.ws,
            self.ref,
            self.request_id,
            decision=value(self.decision),
            reasons=value(self.reasons),
            at=from_qdatetime(self.at.dateTime()),
        )


class AccountCheckDialog(AsbForm):
    ok_text = "&Record check"

    def __init__(self, ws: Workspace, ref: str, parent=None):
        super().__init__(ws, f"Rent account check — {ref}", parent)
        self.ref = ref
        self.set_intro("Check the account before any notice: seed 003's landlord did not.")
        self.balance = self.line("&Arrears (£):", placeholder="e.g. 412.50")
        self.posted = self.check("Every &payment is posted to the account")
        self.evidence = self.check("The resident's own &evidence has been considered")
        self.note = self.text("&Notes:", "Optional: what the resident showed, what changed", 2)

    def submit(self):
        return possession.record_account_check(
            self.ws,
            self.ref,
            balance=value(self.balance),
            payments_posted=self.posted.isChecked(),
            evidence_considered=self.evidence.isChecked(),
            note=value(self.note),
        )


class PreActionDialog(AsbForm):
    ok_text = "&Record steps"

    def __init__(self, ws: Workspace, ref: str, state: Safeguards, parent=None):
        super().__init__(ws, f"Pre-action steps — {ref}", parent)
        self.ref = ref
        self.set_intro("Tick the steps taken. A notice needs every one of them.")
        self.boxes = [(step, self.add_check(step, done)) for step, done in state.pre_action]

    def submit(self):
        return possession.record_pre_action(
            self.ws, self.ref, [step for step, box in self.boxes if box.isChecked()]
        )


class PossessionRequestDialog(AsbForm):
    ok_text = "&Ask for approval"

    def __init__(self, ws: Workspace, ref: str, state: Safeguards, parent=None):
        super().__init__(ws, f"Possession proceedings — {ref}", parent)
        self.ref = ref
        self.set_intro(f"The request goes to a {state.approver_role}'s inbox for a decision.")
        self.reason = self.text("&Why:", "Arrears, what has been tried, the resident's situation")

    def submit(self):
        return possession.request_possession(self.ws, self.ref, value(self.reason))


class PossessionDecisionDialog(AsbForm):
    ok_text = "&Record decision"

    def __init__(self, ws: Workspace, ref: str, parent=None):
        super().__init__(ws, f"Decide on possession proceedings — {ref}", parent)
        self.ref = ref
        self.outcome = self.combo("&Decision:", [("Approve", True), ("Refuse", False)])
        self.reasons = self.text("R&easons:", "What you checked; any conditions")

    def submit(self):
        return possession.decide_possession(
            self.ws, self.ref, approve=bool(combo_value(self.outcome)), reasons=value(self.reasons)
        )
