"""Frozen views of a case's complaints for the case view and reports (no ORM objects)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from app.domain.compensation import money
from app.domain.complaint_response import ChecklistItem
from app.domain.deadlines import MET
from app.domain.deadlines.timeline import fmt
from app.services.views import countdown_text

COMPLAINT_CODES = frozenset(
    {
        "COMPLAINT_ACK_LATE",
        "COMPLAINT_RESPONSE_LATE",
        "EXTENSION_NOT_NOTIFIED",
        "EXTENSION_TOO_LONG",
        "ESCALATION_IGNORED",
        "CONFLICT_OF_INTEREST",
        "ACTION_OVERDUE",
    }
)
TYPE_WORDS = {
    "complaint_received": "Complaint received",
    "complaint_points": "Points restated",
    "complaint_ack": "Acknowledged",
    "extension_notice": "Extension letter",
    "complaint_response": "Response sent",
    "escalation_request": "Escalation requested",
    "escalation_refused": "Escalation refused",
    "complaint_refused": "Complaint refused",
    "complaint_closed": "Closed",
    "complaint_reopened": "Reopened",
    "complaint_assigned": "Assigned",
    "compensation_decision": "Compensation decision",
    "compensation_paid": "Compensation paid",
    "ombudsman_enquiry": "Ombudsman",
    "ombudsman_order": "Ombudsman order",
    "order_complied": "Compliance evidence",
    "action_done": "Remedy action done",
    "contact": "Contact",
}


@dataclass(frozen=True)
class Step:
    """One mark on the stage track."""

    label: str  # Received, Acknowledged, Extended, Response, Refused
    day: dt.date | None  # when it happened (None: not yet)
    due: dt.date | None
    state: str  # done | late | due | overdue | missed | info
    text: str  # the whole step in words, readable without colour


@dataclass(frozen=True)
class StageView:
    number: int
    label: str
    how: str  # receipt | escalation | reopen
    opened_on: dt.date
    handler: str | None
    final: bool
    steps: tuple[Step, ...]
    decided_by: str | None


@dataclass(frozen=True)
class NextAction:
    action: str  # acknowledge | answer_escalation | respond | close | reopen | comply | none
    label: str
    due: dt.date | None
    wd_left: int | None
    urgency: str = "none"  # overdue | today | at_risk | ok | none (deadlines.model.urgency)

    @property
    def countdown(self) -> str:
        return countdown_text(self.wd_left) if self.due else ""


@dataclass(frozen=True)
class MoneyRow:
    head: str
    label: str
    cells: tuple[Decimal, ...]  # one per column of CompensationView.columns
    owed: Decimal
    outstanding: Decimal


@dataclass(frozen=True)
class CompensationView:
    columns: tuple[str, ...]  # "Stage 1 offer", …, "Accepted", "Ombudsman order", "Paid"
    rows: tuple[MoneyRow, ...]
    totals: tuple[Decimal, ...]
    total_offered: Decimal
    owed: Decimal
    outstanding: Decimal
    decision: str | None  # accepted | declined
    decided_on: dt.date | None

    def summary(self) -> str:
        if not self.rows:
            return "No compensation offered."
        parts = [f"{money(self.total_offered)} offered"]
        if self.decision:
            parts.append(f"{self.decision} {fmt(self.decided_on)}")
        if self.owed:
            parts.append(f"{money(self.owed)} owed, {money(self.outstanding)} still to pay")
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class TrackedView:
    """A remedy action or an Ombudsman order with its countdown."""

    key: str
    source: str  # event id that made the promise
    text: str
    due: dt.date | None
    status: str
    done_on: dt.date | None
    wd_left: int | None
    late: bool
    urgency: str = "none"  # overdue | today | at_risk | ok | none (deadlines.model.urgency)

    @property
    def countdown(self) -> str:
        if self.status == MET:
            return f"done {fmt(self.done_on)}" + (" (late)" if self.late else "")
        return countdown_text(self.wd_left)


@dataclass(frozen=True)
class FindingView:
    code: str
    date: dt.date
    events: tuple[str, ...]
    detail: str


@dataclass(frozen=True)
class HistoryLine:
    id: str
    at: dt.datetime
    what: str
    summary: str
    by: str | None


@dataclass(frozen=True)
class ComplaintView:
    id: str
    case_ref: str
    summary: str
    received_on: dt.date
    channel: str
    about_officer: str | None
    handler: str | None
    points: tuple[str, ...]
    matter_date: dt.date | None
    late_reason: str | None
    policy: str
    procedure: str
    status: str  # open | closed
    stage: int
    stage_label: str
    final_stage: bool
    stages: tuple[StageView, ...]
    next_action: NextAction
    extension_warning: str | None
    allowed: frozenset[str]
    compensation: CompensationView
    remedies: tuple[TrackedView, ...]
    orders: tuple[TrackedView, ...]
    enquiries: tuple[HistoryLine, ...]
    lessons: tuple[str, ...]
    findings: tuple[FindingView, ...]
    history: tuple[HistoryLine, ...]  # newest first
    conflicted: frozenset[str]  # who may not handle or decide the current stage
    escalation_text: str  # the default "how to escalate" wording for a response now
    checklist: tuple[ChecklistItem, ...]  # the current stage's response: as sent, or still to do
    checklist_for: str  # what the checklist is of, in words
    latest_extension: dt.date | None  # the furthest new due date the stage's maximum allows
    version: int  # the case's version: pass it back as expected_version
