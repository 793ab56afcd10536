"""Requests that need a decision (DOMAIN_RULES.md §5a): log one from any contact, decide it.

A transfer or management move, a medical assessment, re-housing advice, a copy of a policy,
information: each gets a decision deadline from the policy (``[decisions]``) and appears in the
inbox until a decision with its reasons is recorded (``DECISION_OVERDUE`` otherwise). Both steps
are case events recorded through ``record_event`` (the right to change the case is checked there).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.calendar import london_date
from app.domain.deadlines import derive
from app.domain.deadlines.other import SUBJECT_WORDS
from app.domain.events import CHANNELS
from app.domain.policy import REQUEST_SUBJECTS
from app.errors import NotFound, ValidationError
from app.services.cases import find_case, record_event
from app.services.convert import case_info_from_row, events_from_rows
from app.services.recompute import case_history, policy_history
from app.services.views import CaseDetail
from app.services.workspace import Workspace


@dataclass(frozen=True)
class RequestView:
    id: str
    subject: str
    words: str  # "transfer request"
    made_on: dt.date
    summary: str
    due: dt.date | None
    status: str  # open, met, on_hold
    decided_on: dt.date | None
    decision: str | None
    reasons: str | None
    late: bool


def subject_choices() -> list[tuple[str, str]]:
    """(subject, words) for a request form."""
    return [(s, SUBJECT_WORDS[s]) for s in REQUEST_SUBJECTS]


def log_request(
    ws: Workspace,
    ref: str,
    *,
    subject: str,
    channel: str,
    summary: str,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> tuple[str, CaseDetail]:
    """The resident asked for something that needs a decision: its deadline starts now."""
    if subject not in REQUEST_SUBJECTS:
        raise ValidationError(f"Choose what the request is for: {', '.join(REQUEST_SUBJECTS)}.")
    if channel not in CHANNELS:
        raise ValidationError(f"Channel must be one of {', '.join(CHANNELS)}.")
    if not summary.strip():
        raise ValidationError("Write what the resident asked for, in their words if you can.")
    event = {
        "type": "request_made",
        "subject": subject,
        "channel": channel,
        "summary": summary.strip(),
        "at": (at or ws.now()).isoformat(),
    }
    return record_event(ws, ref, event, expected_version=expected_version)


def decide_request(
    ws: Workspace,
    ref: str,
    request_id: str,
    *,
    decision: str,
    reasons: str,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> tuple[str, CaseDetail]:
    """Record the decision and its reasons (the decision letter is issued from the Letters tab)."""
    view = _request(ws, ref, request_id)
    if view.decided_on is not None:
        raise ValidationError(
            f"The {view.words} was already decided on {view.decided_on:%d %b %Y}."
        )
    if not decision.strip():
        raise ValidationError("Write the decision (for example 'Transfer agreed: band B').")
    if not reasons.strip():
        raise ValidationError("Give the reasons for the decision: the resident is owed them.")
    when = at or ws.now()
    if london_date(when) < view.made_on:
        raise ValidationError("A decision cannot be dated before the request was made.")
    event = {
        "type": "request_decided",
        "answers": request_id,
        "decision": decision.strip(),
        "reasons": reasons.strip(),
        "summary": f"Decided: {decision.strip()}",
        "at": when.isoformat(),
    }
    return record_event(ws, ref, event, expected_version=expected_version)


def requests_on(ws: Workspace, ref: str) -> list[RequestView]:
    with ws.db.read() as s:
        case = find_case(s, ref)
        events = events_from_rows(case_history(s, case))
        result = derive(case_info_from_row(case), events, policy_history(ws.registry, case))
    deadlines = {d.started_by: d for d in result.deadlines if d.kind == "decision"}
    decided = {e.f["answers"]: e for e in events if e.type == "request_decided"}
    out = []
    for r in (e for e in events if e.type == "request_made"):
        d, answer = deadlines.get(r.id), decided.get(r.id)
        out.append(
            RequestView(
                id=r.id,
                subject=r.f["subject"],
                words=SUBJECT_WORDS[r.f["subject"]],
                made_on=r.day,
                summary=r.summary,
                due=d.due if d else None,
                status=d.status if d else "open",
                decided_on=answer.day if answer else None,
                decision=answer.f["decision"] if answer else None,
                reasons=answer.f["reasons"] if answer else None,
                late=bool(d and d.late),
            )
        )
    return out


def _request(ws: Workspace, ref: str, request_id: str) -> RequestView:
    for view in requests_on(ws, ref):
        if view.id == request_id:
            return view
    raise NotFound(f"There is no request {request_id!r} on case {ref}.")
