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
    find_case,
    get_case,
    record_event,
)
from app.services.complaints.intake import offer_complaint
from app.services.views import CaseDetail
from app.services.workspace import Workspace
from app.store.models import CaseEvent


@dataclass(frozen=True)
class LoggedContact:
    id: str
    case: CaseDetail
    offer_complaint: bool  # the resident expressed dissatisfaction: ask them now


# Channels that only ever go one way: the landlord writes letters and makes visits; the
# resident writes through the portal.
ONE_WAY = {"letter": "out", "visit": "out", "portal": "in"}


def suggested_direction(channel: str, events) -> str | None:
    """The direction a new contact most likely has, or None when the officer must choose.

    From the channel where it only goes one way; otherwise from the case's last contact: a
    resident's message still waiting for a reply (a call back asked for) suggests a reply to
    them. Anything else is a real choice, never a silent "from the resident"."""
    if channel in ONE_WAY:
        return ONE_WAY[channel]
    contacts = [e for e in events if e.type == "contact"]
    if not contacts:
        return None
    last = max(contacts, key=lambda e: e.at)
    replied = any(e.fields.get("answers") == last.id for e in contacts)
    if (
        last.fields.get("direction") == "in"
        and last.fields.get("callback_requested")
        and not replied
    ):
        return "out"
    return None


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
        raise ValidationError(
            "Choose the direction: from the resident (in) or to the resident (out)."
        )
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
        covering = {
            c.officer_id: c.username for c in covered_officers(s, ws.actor.username, ws.today())
        }
        if case.officer_id in covering:
            event["covering_for"] = covering[case.officer_id]
        if corrects:
            original = s.scalar(
                select(CaseEvent).where(
                    CaseEvent.case_id == case.id, CaseEvent.local_id == corrects
                )
            )
            if original is None:
                raise NotFound(f"There is no entry {corrects!r} on case {ref} to correct.")
    local_id, detail = record_event(ws, ref, event, expected_version=expected_version)
    return LoggedContact(local_id, detail, dissatisfaction and not corrects)


def record_complaint_offer(ws: Workspace, ref: str, contact_id: str, accepted: bool) -> CaseDetail:
    """The resident's answer to the offer of a formal complaint; accepted starts the complaint.

    The complaint rules (and the offer and complaint in one transaction) live in the
    complaint intake service; this is the contact log's door to it.
    """
    offer_complaint(ws, ref, contact_id, accepted=accepted)
    return get_case(ws, ref)
