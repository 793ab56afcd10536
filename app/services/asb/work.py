"""ASB case work besides the plan: partner agencies, home visits, repairs raised from the
case, and closure (DOMAIN_RULES.md §4, §6)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain.calendar import london_date
from app.domain.deadlines.timeline import fmt
from app.domain.events import VISIT_REASONS, Event
from app.domain.payloads import (
    ActionDoneFields,
    ActionPlanAgreedFields,
    PartnerReplyFields,
    PartnerRequestFields,
    RepairDoneFields,
    RepairRaisedFields,
    fields_of,
    typed,
)
from app.domain.repairs import repair_target
from app.domain.vulnerabilities import norm
from app.errors import ValidationError
from app.services.asb.common import (
    at_field,
    clean,
    find_event,
    optional,
    read_events,
    record,
    when,
)
from app.services.views import CaseDetail
from app.services.workspace import Workspace

Result = tuple[str, CaseDetail]


# -- partner agencies ------------------------------------------------------------------------


def request_partner(
    ws: Workspace,
    ref: str,
    agency: str,
    ask: str,
    *,
    contact: str | None = None,
    at: dt.datetime | None = None,
) -> Result:
    """Ask a partner agency (police, social worker, ...) for something; starts a chase deadline."""
    raw: dict[str, Any] = {
        "type": "partner_request",
        "summary": f"Request to {clean(agency, 'The agency')}",
        "agency": clean(agency, "The agency"),
        "ask": clean(ask, "What was asked"),
        **at_field(at),
    }
    if optional(contact):
        raw["contact"] = optional(contact)
    ids, case = record(ws, ref, [raw], "partner_request")
    return ids[0], case


def _thread_end(events: list[Event], request: Event) -> Event:
    """The latest request to the same agency from ``request`` on (its chases)."""
    agency = norm(fields_of(request, PartnerRequestFields)["agency"])
    later = [
        e
        for e, f in typed(events[events.index(request) :], PartnerRequestFields)
        if norm(f["agency"]) == agency
    ]
    return later[-1]


def chase_partner(
    ws: Workspace,
    ref: str,
    request_id: str,
    *,
    ask: str | None = None,
    at: dt.datetime | None = None,
) -> Result:
    """Chase an unanswered request: a new request to the same agency (its own chase deadline)."""
    events, _ = read_events(ws, ref)
    original = find_event(events, request_id, "partner_request", "partner request")
    asked = fields_of(original, PartnerRequestFields)
    if any(f["answers"] == request_id for _, f in typed(events, PartnerReplyFields)):
        raise ValidationError(f"The request to {asked['agency']} was already answered.")
    return request_partner(
        ws,
        ref,
        asked["agency"],
        optional(ask) or f"Chasing: {asked['ask']}",
        contact=asked["contact"],
        at=at,
    )


def record_partner_reply(
    ws: Workspace, ref: str, request_id: str, answer: str, *, at: dt.datetime | None = None
) -> Result:
    """Record an agency's answer. It answers the latest chase of the request it is given."""
    events, _ = read_events(ws, ref)
    request = _thread_end(
        events, find_event(events, request_id, "partner_request", "partner request")
    )
    raw = {
        "type": "partner_reply",
        "summary": clean(answer, "The answer"),
        "agency": fields_of(request, PartnerRequestFields)["agency"],
        "answers": request.id,
        **at_field(at),
    }
    if when(ws, at) < request.at:
        raise ValidationError(f"The answer cannot come before the request of {fmt(request.day)}.")
    ids, case = record(ws, ref, [raw], "partner_reply")
    return ids[0], case


# -- home visits -------------------------------------------------------------------------------------


def request_home_visit(
    ws: Workspace, ref: str, reason: str, *, summary: str = "", at: dt.datetime | None = None
) -> Result:
    """A visit the resident asked for: due in 5 WD, 1 WD for harassment or domestic violence."""
    if reason not in VISIT_REASONS:
        raise ValidationError(f"The reason must be one of {', '.join(VISIT_REASONS)}.")
    raw = {
        "type": "home_visit_request",
        "summary": optional(summary) or f"Home visit requested ({reason.replace('_', ' ')})",
        "reason": reason,
        **at_field(at),
    }
    ids, case = record(ws, ref, [raw], "home_visit_request", reason=reason)
    return ids[0], case


def record_home_visit(
    ws: Workspace,
    ref: str,
    notes: str,
    *,
    by: str | None = None,
    offline: bool = False,
    at: dt.datetime | None = None,
) -> Result:
    """A home visit made, with its notes. ``offline``: the notes were written away from the
    case (on the doorstep) and are recorded now with the time of the visit."""
    raw = {
        "type": "home_visit",
        "summary": "Home visit",
        "by": by or ws.actor.username,
        "notes": clean(notes, "The visit notes"),
        "offline": bool(offline),
        **at_field(at),
    }
    ids, case = record(ws, ref, [raw], "home_visit", offline=bool(offline))
    return ids[0], case


# -- repairs -------------------------------------------------------------------------------------------


def raise_repair(
    ws: Workspace, ref: str, job: str, priority: str, *, at: dt.datetime | None = None
) -> Result:
    """Raise a repair from the case; its target comes from the policy's priorities."""
    events, policy = read_events(ws, ref)
    job = clean(job, "The repair job")
    if priority not in policy.repair_priorities:
        raise ValidationError(
            f"Priority must be one of {', '.join(policy.repair_priorities)}; got {priority!r}."
        )
    open_jobs = _open_repairs(events)
    if norm(job) in {norm(fields_of(r, RepairRaisedFields)["job"]) for r in open_jobs}:
        raise ValidationError(f"A repair '{job}' is already open on this case.")
    target = repair_target(policy, london_date(when(ws, at)), priority)
    raw = {
        "type": "repair_raised",
        "summary": f"Repair raised ({priority}): {job}",
        "job": job,
        "priority": priority,
        "target": target.isoformat(),
        **at_field(at),
    }
    ids, case = record(ws, ref, [raw], "repair_raised", priority=priority)
    return ids[0], case


def _open_repairs(events: list[Event]) -> list[Event]:
    out: list[Event] = []
    for e in events:
        if e.type == "repair_raised":
            out.append(e)
        elif e.type == "repair_done":
            job = fields_of(e, RepairDoneFields)["job"]
            out = [r for r in out if fields_of(r, RepairRaisedFields)["job"] != job]
    return out


def record_repair_done(
    ws: Workspace, ref: str, repair_id: str, *, at: dt.datetime | None = None
) -> Result:
    """The repair raised as ``repair_id`` was completed."""
    events, _ = read_events(ws, ref)
    repair = find_event(events, repair_id, "repair_raised", "repair")
    job = fields_of(repair, RepairRaisedFields)["job"]
    if repair not in _open_repairs(events):
        raise ValidationError(f"The repair '{job}' is already done.")
    if when(ws, at) < repair.at:
        raise ValidationError(
            f"The repair cannot be done before it was raised ({fmt(repair.day)})."
        )
    raw = {
        "type": "repair_done",
        "summary": f"Repair done: {job}",
        "job": job,
        **at_field(at),
    }
    ids, case = record(ws, ref, [raw], "repair_done")
    return ids[0], case


# -- closure ---------------------------------------------------------------------------------------------


def open_plan_actions(events: list[Event]) -> list[str]:
    """Actions of the current plan version not recorded as done (under it or an earlier one)."""
    plans = [e for e in events if e.type == "action_plan_agreed"]
    if not plans:
        return []
    ids = {p.id for p in plans}
    done = {f["action"] for _, f in typed(events, ActionDoneFields) if f["plan"] in ids}
    return [
        a.text
        for a in fields_of(plans[-1], ActionPlanAgreedFields)["actions"]
        if a.text not in done
    ]


def close_asb_case(
    ws: Workspace,
    ref: str,
    outcome: str,
    *,
    satisfaction: int | None = None,
    open_actions_reason: str | None = None,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Result:
    """Close the case with its outcome and the resident's satisfaction (1-5, for TP12; None
    when the resident did not answer). Closing with plan actions open needs a reason."""
    events, _ = read_events(ws, ref)
    closures = [e for e in events if e.type == "case_closed"]
    if closures and not any(e.type == "asb_report" and e.at > closures[-1].at for e in events):
        raise ValidationError(f"Case {ref} is already closed ({fmt(closures[-1].day)}).")
    if satisfaction is not None and not (
        isinstance(satisfaction, int)
        and not isinstance(satisfaction, bool)
        and 1 <= satisfaction <= 5
    ):
        raise ValidationError(
            "Satisfaction is a score from 1 (very dissatisfied) to 5 (very satisfied)."
        )
    still_open = open_plan_actions(events)
    reason = optional(open_actions_reason)
    if still_open and not reason:
        listed = "; ".join(f"'{t}'" for t in still_open)
        raise ValidationError(
            f"{len(still_open)} plan action{'s are' if len(still_open) > 1 else ' is'} still open "
            f"({listed}): give the reason for closing with them open."
        )
    raw: dict[str, Any] = {
        "type": "case_closed",
        "summary": "ASB case closed",
        "outcome": clean(outcome, "The outcome"),
        **at_field(at),
    }
    if satisfaction is not None:
        raw["satisfaction"] = satisfaction
    if still_open:
        raw["open_actions_reason"] = reason
    ids, case = record(
        ws, ref, [raw], "close_case", expected_version, rated=satisfaction is not None
    )
    return ids[0], case
