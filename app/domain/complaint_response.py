"""A complaint response and its checklist: it cannot be marked sent while anything is missing.

DOMAIN_RULES.md §2: a response states the decision on each point with reasons,
the remedy (apology, compensation, actions with dates), anything still
outstanding, and how to escalate / go to the Ombudsman.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.domain.complaint_record import ComplaintState, StageState
from app.domain.complaint_rules import (
    DECISION_WORDS,
    DECISIONS,
    RuleBroken,
    check_after,
    check_new_decider,
    check_open,
    check_person,
)
from app.domain.deadlines.timeline import fmt
from app.domain.events import Event
from app.domain.payloads import ComplaintResponseFields, fields_of


@dataclass(frozen=True)
class PointDecision:
    point: str
    decision: str  # upheld | partly_upheld | not_upheld
    reasons: str


@dataclass(frozen=True)
class OutstandingAction:
    text: str
    due: dt.date | None


@dataclass(frozen=True)
class ResponseDraft:
    points: tuple[PointDecision, ...] = ()
    apology: bool = False
    remedy: str = ""
    outstanding: tuple[OutstandingAction, ...] = ()
    escalation: str = ""  # how to escalate / go to the Ombudsman, as the letter says
    compensation: tuple[tuple[str, Decimal], ...] = ()  # (head, amount) offered at this stage
    lessons: str = ""


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    problem: str = ""  # what is missing, when not done


def checklist(
    state: ComplaintState, draft: ResponseDraft, day: dt.date
) -> tuple[ChecklistItem, ...]:
    """The response checklist, item by item, with what is missing."""
    items: list[ChecklistItem] = []
    wanted = list(state.points)
    given = {p.point.strip(): p for p in draft.points if p.point.strip()}
    problems = []
    if not given and not wanted:
        problems.append("no complaint point is decided")
    for point in wanted:
        if point.strip() not in given:
            problems.append(f"'{point}' has no decision")
    for p in draft.points:
        name = p.point.strip() or "a point without text"
        if p.decision not in DECISIONS:
            problems.append(f"'{name}' needs a decision (upheld, partly upheld or not upheld)")
        if not p.reasons.strip():
            problems.append(f"'{name}' needs the reasons for the decision")
    items.append(
        ChecklistItem(
            "points",
            "Each complaint point decided, with reasons",
            not problems,
            "; ".join(problems),
        )
    )
    failures = [p for p in draft.points if p.decision in ("upheld", "partly_upheld")]
    apology_ok = draft.apology or not failures
    items.append(
        ChecklistItem(
            "apology",
            "Apology given where a failure is found",
            apology_ok,
            "" if apology_ok else "a point is upheld: the response must apologise",
        )
    )
    items.append(
        ChecklistItem(
            "remedy",
            "Remedy stated (compensation, actions to put right, or why none is due)",
            bool(draft.remedy.strip()),
            "" if draft.remedy.strip() else "say what puts things right, or why nothing is due",
        )
    )
    bad = []
    for a in draft.outstanding:
        name = a.text.strip() or "an action without text"
        if not a.text.strip():
            bad.append("an outstanding action has no text")
        if a.due is None:
            bad.append(f"'{name}' has no date")
        elif a.due < day:
            bad.append(f"'{name}' is dated {fmt(a.due)}, before the response")
    texts = [a.text.strip() for a in draft.outstanding]
    if len(set(texts)) != len(texts):
        bad.append("two outstanding actions have the same text")
    items.append(
        ChecklistItem(
            "outstanding", "Anything outstanding listed with a date", not bad, "; ".join(bad)
        )
    )
    items.append(
        ChecklistItem(
            "escalation",
            "How to escalate / go to the Ombudsman explained",
            bool(draft.escalation.strip()),
            "" if draft.escalation.strip() else "tell the resident how to escalate",
        )
    )
    return tuple(items)


def check_response(
    state: ComplaintState, draft: ResponseDraft, day: dt.date, by: str
) -> StageState:
    check_open(state, "respond to")
    s = state.current
    if s.decided:
        when = s.response or s.refusal
        raise RuleBroken(
            "lifecycle",
            f"{s.label} was already answered on {fmt(when.day) if when else '-'}; "
            "a new response needs an escalation or a reopening.",
        )
    check_after(day, state.received.day, "response", "the complaint was received")
    check_after(day, s.opened.day, "response", "the stage began")
    if s.ack is not None:
        check_after(day, s.ack.day, "response", "the acknowledgement")
    check_person(state, by, "decide")
    check_new_decider(state, s.number, by, "decide")
    missing = [i for i in checklist(state, draft, day) if not i.done]
    if missing:
        listed = "; ".join(f"{i.label.lower()}: {i.problem}" for i in missing)
        raise RuleBroken(
            "checklist", f"The response cannot be marked sent while incomplete — {listed}."
        )
    return s


def response_fields(draft: ResponseDraft) -> dict[str, Any]:
    """The event fields a complete draft is recorded with."""
    out: dict[str, Any] = {
        "points": [
            {"point": p.point.strip(), "decision": p.decision, "reasons": p.reasons.strip()}
            for p in draft.points
        ],
        "apology": draft.apology,
        "remedy": draft.remedy.strip(),
        "escalation": draft.escalation.strip(),
    }
    if draft.outstanding:
        out["outstanding"] = [
            {"text": a.text.strip(), "due": a.due.isoformat()}
            for a in draft.outstanding
            if a.due is not None
        ]
    if draft.compensation:
        out["compensation"] = [
            {"head": head, "amount": _json_amount(amount)} for head, amount in draft.compensation
        ]
    if draft.lessons.strip():
        out["lessons"] = draft.lessons.strip()
    return out


def _json_amount(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def decision_summary(draft: ResponseDraft) -> str:
    """'2 points: 1 upheld, 1 not upheld' for the history line."""
    counts: dict[str, int] = {}
    for p in draft.points:
        counts[p.decision] = counts.get(p.decision, 0) + 1
    parts = [f"{n} {DECISION_WORDS.get(k, k).lower()}" for k, n in counts.items()]
    return f"{len(draft.points)} point{'s' if len(draft.points) != 1 else ''}: {', '.join(parts)}"


def draft_from_event(e: Event) -> ResponseDraft:
    """The draft a recorded response was sent with (for showing its checklist)."""
    f = fields_of(e, ComplaintResponseFields)
    points = []
    for p in f["points"] or ():
        if isinstance(p, dict):
            points.append(
                PointDecision(
                    str(p.get("point", "")), str(p.get("decision", "")), str(p.get("reasons", ""))
                )
            )
    outstanding = []
    for item in f["outstanding"] or ():
        if isinstance(item, dict):
            try:
                due = dt.date.fromisoformat(str(item.get("due")))
            except ValueError:
                due = None
            outstanding.append(OutstandingAction(str(item.get("text", "")), due))
    return ResponseDraft(
        points=tuple(points),
        apology=bool(f["apology"]),
        remedy=f["remedy"] or "",
        outstanding=tuple(outstanding),
        escalation=f["escalation"] or "",
        compensation=tuple((c.head, c.amount) for c in f["compensation"] or ()),
        lessons=f["lessons"] or "",
    )
