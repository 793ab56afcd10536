"""Logging contacts: every call, email, letter and visit, in seconds.

A contact that expresses dissatisfaction must be followed by the offer of a formal
complaint (the offer deadline runs until it is recorded); an accepted offer starts
a complaint with its acknowledgement deadline. Entries are never edited: a
correction is a new entry pointing at the one it corrects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.domain.events import CHANNELS, DIRECTIONS, RESIDENT, TOPICS
from app.errors import NotFound, ValidationError
from app.services.absences import covered_officers
from app.services.cases import (
    add_events,
    find_case,
    get_case,
    log_action,
    new_local_id,
    record_event,
)
from app.services.recompute import recompute
from app.services.views import CaseDetail
from app.services.workspace import Workspace
from app.store.models import CaseEvent


@dataclass(frozen=True)
class LoggedContact:
    id: str
    case: CaseDetail
    offer_complaint: bool  # the resident expressed dissatisfaction: ask them now


def log_contact(
    ws: Workspace,
    ref: str,
    *,
    channel: str,
    direction: str,
    summary: str,
    dissatisfaction: bool = False,
    callback_requested: bool = False,
    answers: str | None = None,
    topic: str | None = None,
    at: dt.datetime | None = None,
    corrects: str | None = None,
    expected_version: int | None = None,
) -> LoggedContact:
    if channel not in CHANNELS:
        raise ValidationError(f"Channel must be one of {', '.join(CHANNELS)}.")
    if direction not in DIRECTIONS:
        raise ValidationError("Direction must be in or out.")
    if topic is not None and topic not in TOPICS:
        raise ValidationError(f"Topic must be one of {', '.join(TOPICS)}.")
    if not summary.strip():
        raise ValidationError("Write a short summary of the contact.")
    event: dict = {
        "type": "contact",
        "channel": channel,
        "direction": direction,
        "by": RESIDENT if direction == "in" else ws.actor.username,
        "summary": summary.strip(),
        "at": (at or ws.now()).isoformat(),
    }
    if dissatisfaction:
        event["dissatisfaction"] = True
    if callback_requested:
        event["callback_requested"] = True
    if answers:
        event["answers"] = answers
    if topic:
        event["topic"] = topic
    if corrects:
        event["corrects"] = corrects
    with ws.db.read() as s:
        case = find_case(s, ref)
        covering = {c.officer_id: c.username for c in covered_officers(s, ws.actor.username, ws.today())}
        if case.officer_id in covering:
            event["covering_for"] = covering[case.officer_id]
        if corrects:
            original = s.scalar(
                select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.local_id == corrects)
            )
            if original is None:
                raise NotFound(f"There is no entry {corrects!r} on case {ref} to correct.")
    local_id, detail = record_event(ws, ref, event, expected_version=expected_version)
    return LoggedContact(local_id, detail, dissatisfaction and not corrects)


def record_complaint_offer(ws: Workspace, ref: str, contact_id: str, accepted: bool) -> CaseDetail:
    """The resident's answer to the offer of a formal complaint; accepted starts the complaint."""
    with ws.db.write() as s:
        case = find_case(s, ref)
        contact = s.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.local_id == contact_id))
        if contact is None:
            raise NotFound(f"There is no contact {contact_id!r} on case {ref}.")
        now = ws.now()
        offer_id = new_local_id(s, case)
        events = [
            {
                "id": offer_id,
                "type": "complaint_offered",
                "at": now.isoformat(),
                "accepted": accepted,
                "answers": contact_id,
                "summary": "Formal complaint offered: " + ("accepted" if accepted else "declined"),
            }
        ]
        if accepted:
            policy = ws.registry.history(case.policy_name).current
            received_id = new_local_id(s, case)
            while received_id == offer_id:
                received_id = new_local_id(s, case)
            events.append(
                {
                    "id": received_id,
                    "type": "complaint_received",
                    "at": (now + dt.timedelta(seconds=1)).isoformat(),
                    "channel": contact.data.get("channel", "phone"),
                    "stage": policy.first_stage,
                    "summary": f"Complaint: {contact.summary}"[:500],
                }
            )
        add_events(s, ws, case, events)
        recompute(s, case, ws.registry)
        log_action(s, ws, "complaint_offer", "case", ref, accepted=accepted)
    return get_case(ws, ref)
