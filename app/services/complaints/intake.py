"""Logging a complaint: received from any contact, or from the dissatisfaction prompt.

The 12-month rule and the conflict of interest are checked at receipt: a matter
older than the policy window needs the reason it is accepted (or the complaint is
recorded and refused in writing), and it is never assigned to the officer it is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from app.domain import complaint_rules as rules
from app.domain.events import CHANNELS, Event
from app.domain.payloads import ComplaintOfferedFields, ContactFields, fields_of
from app.errors import ValidationError
from app.services.complaints.tx import Context, Instant, complaint_action, read_states, record_one


def _text(value: str | None) -> str:
    return (value or "").strip()


def clean_points(points: Sequence[str]) -> list[str]:
    """The points as given, trimmed, blanks left out; two with the same text are refused."""
    clean = [p.strip() for p in points if p and p.strip()]
    if len(set(clean)) != len(clean):
        raise ValidationError("Two complaint points have the same text; merge or reword them.")
    return clean


def state_points(
    ws,
    ref: str,
    complaint: str | None = None,
    *,
    points: Sequence[str],
    at: Instant = None,
    expected_version: int | None = None,
) -> str:
    """Add or restate a complaint's points after intake (a ``complaint_points`` event; the
    latest list stands, so letters and the response checklist read it). Returns its id."""

    def build(ctx: Context) -> dict[str, Any]:
        state = ctx.complaint(complaint)
        clean = clean_points(points)
        if not clean:
            raise ValidationError("List at least one point of complaint, one a line.")
        if state.closed is not None:
            raise ValidationError("This complaint is closed; reopen it before changing its points.")
        if tuple(clean) == state.points:
            raise ValidationError("These are already the complaint's points; nothing was changed.")
        n = len(clean)
        how = "restated" if state.points else "added"
        return {
            "type": "complaint_points",
            "summary": f"Points of complaint {how}: {n} point{'s' if n != 1 else ''}",
            "complaint": state.id,
            "points": clean,
            "by": ctx.ws.actor.username,
        }

    return record_one(ws, ref, "state_complaint_points", at, expected_version, build)


# -- receipt -----------------------------------------------------------------------------------------------


def receive_complaint(
    ws,
    ref: str,
    *,
    summary: str,
    channel: str,
    at: Instant = None,
    points: Sequence[str] = (),
    about_officer: str | None = None,
    handler: str | None = None,
    matter_date: dt.date | None = None,
    late_reason: str | None = None,
    expected_version: int | None = None,
) -> str:
    """Log a complaint received (from any contact). Returns the complaint's id."""

    def build(ctx: Context) -> dict[str, Any]:
        return _receipt(
            ctx, summary, channel, points, about_officer, handler, matter_date, late_reason
        )

    return record_one(ws, ref, "receive_complaint", at, expected_version, build)


def _receipt(ctx, summary, channel, points, about_officer, handler, matter_date, late_reason):
    if channel not in CHANNELS:
        raise ValidationError(f"Channel must be one of {', '.join(CHANNELS)}; got {channel!r}.")
    if not _text(summary):
        raise ValidationError("Say what the complaint is about (the summary is empty).")
    policy = ctx.policies.at(ctx.at)
    about = _text(about_officer) or None
    handler = _text(handler) or None
    rules.check_receipt(
        policy, ctx.day, matter_date, late_reason, about, handler, policy.first_stage
    )
    raw: dict[str, Any] = {
        "type": "complaint_received",
        "summary": summary.strip(),
        "channel": channel,
        "stage": policy.first_stage,
    }
    clean = clean_points(points)
    if clean:
        raw["points"] = clean
    if about:
        raw["about_officer"] = about
    if handler:
        raw["handler"] = handler
    if matter_date is not None:
        raw["matter_date"] = matter_date.isoformat()
    if _text(late_reason):
        raw["late_reason"] = late_reason.strip()
    return raw


def offer_complaint(
    ws,
    ref: str,
    contact_id: str,
    *,
    accepted: bool,
    at: Instant = None,
    summary: str = "",
    channel: str | None = None,
    points: Sequence[str] = (),
    about_officer: str | None = None,
    handler: str | None = None,
    matter_date: dt.date | None = None,
    late_reason: str | None = None,
    expected_version: int | None = None,
) -> list[str]:
    """Answer the dissatisfaction prompt: record the offer and, if accepted, the complaint itself."""

    def build(ctx: Context) -> list[dict[str, Any]]:
        contact = ctx.event(contact_id)
        if contact.type != "contact":
            raise ValidationError(f"{contact_id!r} is not a contact entry.")
        rules.check_after(ctx.day, contact.day, "offer", "the contact it answers")
        word = "accepted" if accepted else "declined"
        out = [
            {
                "type": "complaint_offered",
                "summary": f"Offered a formal complaint; the resident {word}",
                "accepted": accepted,
                "answers": contact_id,
            }
        ]
        if accepted:
            text = _text(summary) or contact.summary or "Complaint from the resident's contact"
            out.append(
                _receipt(
                    ctx,
                    text,
                    channel or fields_of(contact, ContactFields)["channel"],
                    points,
                    about_officer,
                    handler,
                    matter_date,
                    late_reason,
                )
            )
        return out

    return complaint_action(ws, ref, "offer_complaint", at, expected_version, build)


def pending_offers(ws, ref: str) -> list[str]:
    """Contacts expressing dissatisfaction with no complaint offered or received since (the prompt)."""
    _, events, _, _, _ = read_states(ws, ref)
    pending = []
    for i, e in enumerate(events):
        if e.type == "contact" and fields_of(e, ContactFields)["dissatisfaction"]:
            answered = any(_settles(x, e.id) for x in events[i + 1 :])
            if not answered:
                pending.append(e.id)
    return pending


def _settles(x: Event, contact_id: str) -> bool:
    """A complaint received, or an offer answering the contact (or answering none in particular)."""
    if x.type == "complaint_received":
        return True
    if x.type != "complaint_offered":
        return False
    return fields_of(x, ComplaintOfferedFields)["answers"] in (None, contact_id)
