"""What the deadline engine produces: deadlines, holds and findings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

# Deadline kinds and the finding each one raises when it is missed.
FINDING_FOR_KIND: dict[str, str | None] = {
    "complaint_ack": "COMPLAINT_ACK_LATE",
    "escalation_ack": "ESCALATION_IGNORED",
    "complaint_response": "COMPLAINT_RESPONSE_LATE",
    "dissatisfaction_offer": "DISSATISFACTION_NOT_OFFERED",
    "callback": "CALLBACK_LATE",
    "reply": "REPLY_LATE",
    "risk_assessment": "RISK_ASSESSMENT_LATE",
    "action_plan": "NO_ACTION_PLAN",
    "plan_action": "ACTION_OVERDUE",
    "remedy_action": "ACTION_OVERDUE",  # an action a complaint response promised, not done in time
    "update_contact": "CONTACT_GAP",
    "partner_chase": "PARTNER_REQUEST_UNCHASED",
    "vulnerability_plan": "VULNERABILITY_NOT_ASSESSED",
    "repair": "REPAIR_OVERDUE",
    "home_visit": "HOME_VISIT_LATE",
    "decision": "DECISION_OVERDUE",
    "possession_approval": None,  # the approver's decision: shown in their inbox, no audit code
    "arrears_review": None,  # the monthly review of a case near the NOSP trigger
    "hazard_investigation": "HAZARD_INVESTIGATION_LATE",
    "hazard_summary": "HAZARD_SUMMARY_LATE",
    "hazard_safety": "HAZARD_SAFETY_LATE",
    "hazard_works_target": None,  # start within 5 WD where possible; the breach is at 12 weeks
    "hazard_works": "HAZARD_WORKS_LATE",
    "ombudsman_order": None,  # compliance is evidenced to the Ombudsman; no audit code of its own
}

FINDING_CODES = (
    "DISSATISFACTION_NOT_OFFERED",
    "COMPLAINT_ACK_LATE",
    "COMPLAINT_RESPONSE_LATE",
    "EXTENSION_NOT_NOTIFIED",
    "EXTENSION_TOO_LONG",
    "ESCALATION_IGNORED",
    "CONFLICT_OF_INTEREST",
    "RISK_ASSESSMENT_LATE",
    "NO_ACTION_PLAN",
    "ACTION_OVERDUE",
    "CONTACT_GAP",
    "CALLBACK_LATE",
    "REPLY_LATE",
    "PARTNER_REQUEST_UNCHASED",
    "VULNERABILITY_NOT_ASSESSED",
    "REPAIR_OVERDUE",
    "HOME_VISIT_LATE",
    "DECISION_OVERDUE",
    "POSSESSION_UNSAFEGUARDED",
    "HAZARD_INVESTIGATION_LATE",
    "HAZARD_SUMMARY_LATE",
    "HAZARD_SAFETY_LATE",
    "HAZARD_WORKS_LATE",
)

OPEN, MET, ON_HOLD, CLOSED = "open", "met", "on_hold", "closed"


def missed(
    status: str,
    due: dt.date | None,
    met_on: dt.date | None,
    closed_on: dt.date | None,
    as_of: dt.date | None,
    due_at: dt.datetime | None = None,
    met_at: dt.datetime | None = None,
) -> bool:
    """Met late, closed late, or (judged on ``as_of``, if given) still open past its due date.
    A clock-hour deadline (``due_at``: an emergency hazard) met at ``met_at`` is judged to the
    minute.

    The one rule for "breached", used by the engine's deadlines and by stored deadline rows.
    """
    if due is None:
        return False
    if status == MET and due_at is not None and met_at is not None:
        return met_at > due_at
    if status == MET and met_on is not None:
        return met_on > due
    if status == CLOSED and closed_on is not None:
        return closed_on > due
    return as_of is not None and status == OPEN and due < as_of


def urgency(wd_left: int | None, at_risk_wd: int) -> str:
    """How pressing an open deadline is, from the working days left to it: ``overdue``,
    ``today``, ``at_risk`` (due within the policy's ``at_risk_wd``), ``ok``, or ``none``.

    The one rule for "at risk": the inbox's at-risk filter and count select the same
    deadlines (due from today up to ``at_risk_wd`` working days ahead).
    """
    if wd_left is None:
        return "none"
    if wd_left < 0:
        return "overdue"
    if wd_left == 0:
        return "today"
    return "at_risk" if wd_left <= at_risk_wd else "ok"


@dataclass(frozen=True)
class Hold:
    reason: str
    started: dt.date
    ended: dt.date | None
    started_by: str  # event id of hold_started
    ended_by: str | None = None
    working_days: int = 0  # working days the hold added to the due date


@dataclass(frozen=True)
class Deadline:
    """A promise the landlord owes on a case, derived from its events.

    ``key`` is stable for the same history (kind + starting event), so stored rows
    can be compared across recomputations. ``due`` is None only while on hold.
    """

    key: str
    kind: str
    label: str
    started_by: str | None
    started_on: dt.date
    due: dt.date | None
    policy: str  # name@version that produced it
    status: str = OPEN
    met_by: str | None = None
    met_on: dt.date | None = None
    closed_on: dt.date | None = None
    stage: int | None = None
    complaint: str | None = None
    original_due: dt.date | None = None  # before extensions and holds
    holds: tuple[Hold, ...] = ()
    evidence: tuple[str, ...] = ()  # event ids reported with a finding
    detail: str = ""  # how it was missed, in words, filled in when late
    notes: tuple[str, ...] = ()
    # Clock-hour deadlines (emergency hazards): the due and met instants, UTC. ``due`` is then
    # the London date of ``due_at`` and lateness is judged to the minute.
    due_at: dt.datetime | None = None
    met_at: dt.datetime | None = None

    @property
    def finding_code(self) -> str | None:
        return FINDING_FOR_KIND.get(self.kind)

    @property
    def late(self) -> bool:
        """Met or closed after its due date (or, on an hour clock, its due instant)."""
        return missed(
            self.status, self.due, self.met_on, self.closed_on, None, self.due_at, self.met_at
        )

    def breached(self, as_of: dt.date) -> bool:
        """Missed, judged on ``as_of``: met late, closed late, or still open past its due date."""
        return missed(
            self.status, self.due, self.met_on, self.closed_on, as_of, self.due_at, self.met_at
        )

    def working_days_left(self, as_of: dt.date, calendar) -> int | None:
        if self.due is None or self.status != OPEN:
            return None
        return calendar.working_days_between(as_of, self.due)

    def with_(self, **changes) -> Deadline:
        return replace(self, **changes)


@dataclass(frozen=True, order=True)
class Finding:
    date: dt.date
    code: str
    events: tuple[str, ...] = field(default=())
    detail: str = field(default="", compare=False)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "date": self.date.isoformat(),
            "events": list(self.events),
            "detail": self.detail,
        }
