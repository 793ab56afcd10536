"""Complaint use cases (DOMAIN_RULES.md §2): one function per action, each one transaction.

Every action checks the complaint rules inside its transaction (conflict of
interest, the 12-month rule, the extension maximum and "before the old due date",
the response checklist, no escalation past the final stage, dates in order) and
refuses a stale edit (``expected_version``) before anything is written. Each
returns the id of the event it recorded; read the result with ``list_complaints``.

``by`` defaults to the signed-in officer. ``complaint`` names the complaint (the
id of its ``complaint_received``); None means the case's latest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from app.domain import complaint_rules as rules
from app.domain.complaint_response import (
    ResponseDraft,
    check_response,
    decision_summary,
    response_fields,
)
from app.domain.complaint_rules import RuleBroken
from app.domain.deadlines.timeline import fmt
from app.errors import NotFound, PermissionDenied, ValidationError
from app.services.complaints.intake import (
    offer_complaint,
    pending_offers,
    receive_complaint,
    state_points,
)
from app.services.complaints.tx import Context, Instant, OnRecorded, record_one
from app.services.officers import MANAGER_ROLES


def _by(ctx: Context, by: str | None) -> str:
    return (by or ctx.ws.actor.username).strip()


def _complaint_field(ctx: Context, complaint: str | None) -> dict[str, Any]:
    return {"complaint": ctx.complaint(complaint).id}


def _text(value: str | None) -> str:
    return (value or "").strip()


def _in_writing(
    event: dict[str, Any],
    who: str,
    complaint_id: str,
    letter: str | None,
    more: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An event for a step done in writing: who did it, the complaint, and the letter it went in."""
    raw = {**event, "by": who, "complaint": complaint_id, **(more or {})}
    if letter:
        raw["letter"] = letter
    return raw


# -- acknowledge, extend, respond -------------------------------------------------------------------------------


def acknowledge(
    ws,
    ref: str,
    complaint: str | None = None,
    *,
    at: Instant = None,
    by: str | None = None,
    letter: str | None = None,
    on_recorded: OnRecorded | None = None,
    summary: str = "",
    expected_version: int | None = None,
) -> str:
    def build(ctx: Context) -> dict[str, Any]:
        state = ctx.complaint(complaint)
        who = _by(ctx, by)
        stage = rules.check_ack(state, ctx.day, who)
        event = {
            "type": "complaint_ack",
            "summary": _text(summary) or f"{stage.label} acknowledged in writing",
            "stage": stage.number,
        }
        return _in_writing(event, who, state.id, letter)

    return record_one(ws, ref, "acknowledge_complaint", at, expected_version, build, on_recorded)


def agree_extension(
    ws,
    ref: str,
    complaint: str | None = None,
    *,
    new_due: dt.date,
    reason: str,
    at: Instant = None,
    by: str | None = None,
    letter: str | None = None,
    on_recorded: OnRecorded | None = None,
    expected_version: int | None = None,
) -> str:
    """Record the extension letter: before the current due date, within the stage's maximum."""

    def build(ctx: Context) -> dict[str, Any]:
        state = ctx.complaint(complaint)
        who = _by(ctx, by)
        stage = rules.check_extension(state, ctx.day, new_due, reason, who)
        omb = rules.ombudsman_line(state.policy)
        event = {
            "type": "extension_notice",
            "summary": f"Extension letter: {stage.label.lower()} response now due {fmt(new_due)} "
            f"because {reason.strip()}. Ombudsman's details given ({omb}).",
            "stage": stage.number,
            "new_due": new_due.isoformat(),
            "reason": reason.strip(),
        }
        return _in_writing(event, who, state.id, letter)

    return record_one(ws, ref, "agree_extension", at, expected_version, build, on_recorded)


def respond(
    ws,
    ref: str,
    complaint: str | None = None,
    *,
    draft: ResponseDraft,
    at: Instant = None,
    by: str | None = None,
    letter: str | None = None,
    on_recorded: OnRecorded | None = None,
    summary: str = "",
    expected_version: int | None = None,
) -> str:
    """Mark the stage's response sent. Refused while its checklist is incomplete."""

    def build(ctx: Context) -> dict[str, Any]:
        state = ctx.complaint(complaint)
        who = _by(ctx, by)
        clean = _validated_compensation(draft)
        stage = check_response(state, clean, ctx.day, who)
        event = {
            "type": "complaint_response",
            "summary": _text(summary) or f"{stage.label} response sent ({decision_summary(clean)})",
            "stage": stage.number,
        }
        return _in_writing(event, who, state.id, letter, response_fields(clean))

    return record_one(ws, ref, "respond_to_complaint", at, expected_version, build, on_recorded)


def _validated_compensation(draft: ResponseDraft) -> ResponseDraft:
    from dataclasses import replace

    from app.services.complaints.compensation import parse_items

    return replace(draft, compensation=tuple(parse_items(draft.compensation)))


# -- escalate, refuse ---------------------------------------------------------------------------------------------


def request_escalation(
    ws,
    ref: str,
    complaint: str | None = None,
    *,
    summary: str = "",
    at: Instant = None,
    expected_version: int | None = None,
) -> str:
    """The resident asks to escalate: the next stage's acknowledgement clock starts at once."""

    def build(ctx: Context) -> dict[str, Any]:
        state = ctx.complaint(complaint)
        stage = rules.check_escalation(state, ctx.day)
        label = state.policy.stage(stage).label
        return {
            "type": "escalation_request",
            "summary": _text(summary) or f"Resident asked to escalate to {label}",
            "stage": stage,
            "complaint": state.id,
        }

    return record_one(ws, ref, "request_escalation", at, expected_version, build)


def refuse_escalation(
    ws,
    ref: str,
    complaint: str | None = None,
    *,
    reason: str,
    at: Instant = None,
    by: str | None = None,
    letter: str | None = None,
    on_recorded: OnRecorded | None = None,
    expected_version: int | None = None,
) -> str:
    """Refuse an escalation in writing with reasons and the Ombudsman's details."""

    def build(ctx: Context) -> dict[str, Any]:
        state = ctx.complaint(complaint)
        who = _by(ctx, by)
        stage = rules.check_escalation_refusal(state, ctx.day, reason, who)
        event = {
            "type": "escalation_refused",
            "summary": f"Escalation to {stage.label} refused in writing: {reason.strip()}. "
            f"Told of the right to go to the Ombudsman ({rules.ombudsman_line(state.policy)}).",
            "stage": stage.number,
            "reason": reason.strip(),
        }
        return _in_writing(event, who, state.id, letter)

    return record_one(ws, ref, "refuse_escalation", at, expected_version, build, on_recorded)


def refuse_complaint(
    ws,
    ref: str,
    complaint: str | None = None,
    *,
    reason: str,
    at: Instant = None,
    by: str | None = None,
    letter: str | None = None,
    on_recorded: OnRecorded | None = None,
    expected_version: int | None = None,
) -> str:
    """Refuse to accept a complaint (e.g. a matter over 12 months old), in writing with reasons."""

    def build(ctx: Context) -> dict[str, Any]:
        state = ctx.complaint(complaint)
        who = _by(ctx, by)
        rules.check_refusal(state, ctx.day, reason, who)
        event = {
            "type": "complaint_refused",
            "summary": f"Complaint not accepted, in writing: {reason.strip()}. "
            f"Told of the right to go to the Ombudsman ({rules.ombudsman_line(state.policy)}).",
            "reason": reason.strip(),
        }
        return _in_writing(event, who, state.id, letter)

    return record_one(ws, ref, "refuse_complaint", at, expected_version, build, on_recorded)


# -- close, reopen, assign, remedy done ------------------------------------------------------------------------------


def close_complaint(
    ws,
    ref: str,
    complaint: str | None = None,
    *,
    outcome: str,
    lessons: str,
    withdrawn: bool = False,
    at: Instant = None,
    expected_version: int | None = None,
) -> str:
    def build(ctx: Context) -> dict[str, Any]:
        state = ctx.complaint(complaint)
        rules.check_close(state, ctx.day, outcome, lessons, withdrawn)
        text = outcome.strip()
        if withdrawn and not text.lower().startswith("withdrawn"):
            text = f"Withdrawn by the resident: {text}"
        return {
            "type": "complaint_closed",
            "summary": f"Complaint closed: {text}",
            "outcome": text,
            "lessons": lessons.strip(),
            "complaint": state.id,
        }

    return record_one(ws, ref, "close_complaint", at, expected_version, build)


def reopen_complaint(
    ws,
    ref: str,
    complaint: str | None = None,
    *,
    reason: str,
    at: Instant = None,
    expected_version: int | None = None,
) -> str:
    """Reopen a closed complaint: a new response is owed at its stage, counted from today."""

    def build(ctx: Context) -> dict[str, Any]:
        state = ctx.complaint(complaint)
        rules.check_reopen(state, ctx.day, reason)
        return {
            "type": "complaint_reopened",
            "summary": f"Complaint reopened: {reason.strip()}",
            "reason": reason.strip(),
            "complaint": state.id,
        }

    return record_one(ws, ref, "reopen_complaint", at, expected_version, build)


def assign_handler(
    ws,
    ref: str,
    complaint: str | None = None,
    *,
    handler: str,
    stage: int | None = None,
    reason: str = "",
    at: Instant = None,
    expected_version: int | None = None,
) -> str:
    """A manager assigns who handles a stage (never the officer complained about or an earlier decider)."""

    def build(ctx: Context) -> dict[str, Any]:
        role = ctx.actor_role()
        if role not in MANAGER_ROLES:
            raise PermissionDenied(
                f"Only a manager can assign who handles a complaint; {ctx.ws.actor.username} is "
                f"{'an officer' if role else 'not a known officer'}. Ask your manager."
            )
        state = ctx.complaint(complaint)
        who = handler.strip()
        number = rules.check_assign(state, who, stage)
        raw = {
            "type": "complaint_assigned",
            "summary": f"Stage {number} assigned to {who}"
            + (f": {reason.strip()}" if reason.strip() else ""),
            "handler": who,
            "stage": number,
            "complaint": state.id,
        }
        if reason.strip():
            raw["reason"] = reason.strip()
        return raw

    return record_one(ws, ref, "assign_complaint", at, expected_version, build)


def complete_remedy_action(
    ws,
    ref: str,
    response_id: str,
    action: str,
    *,
    notes: str = "",
    at: Instant = None,
    expected_version: int | None = None,
) -> str:
    """Record that an action promised in a response was done."""

    def build(ctx: Context) -> dict[str, Any]:
        response = ctx.event(response_id)
        if response.type != "complaint_response":
            raise ValidationError(f"{response_id!r} is not a complaint response.")
        promised = [
            str(i.get("text", ""))
            for i in response.f.get("outstanding") or ()
            if isinstance(i, dict)
        ]
        if action not in promised:
            raise NotFound(f"The response of {fmt(response.day)} promised no action {action!r}.")
        done = [e for e in ctx.events if e.type == "action_done" and e.f["plan"] == response_id]
        if any(e.f["action"] == action for e in done):
            raise ValidationError(f"{action!r} is already recorded as done.")
        rules.check_after(ctx.day, response.day, "date done", "the response that promised it")
        raw = {
            "type": "action_done",
            "summary": f"Done: {action}",
            "plan": response_id,
            "action": action,
        }
        if notes.strip():
            raw["notes"] = notes.strip()
        return raw

    return record_one(ws, ref, "complete_remedy_action", at, expected_version, build)


def officers_conflicted(states: Iterable, complaint_id: str) -> set[str]:
    """Usernames who may not handle or decide the complaint's current stage (for pickers)."""
    for s in states:
        if s.id == complaint_id:
            out = s.deciders(before_stage=s.current.number)
            if s.about_officer:
                out.add(s.about_officer)
            return out
    return set()


__all__ = [
    "RuleBroken",
    "acknowledge",
    "agree_extension",
    "assign_handler",
    "close_complaint",
    "complete_remedy_action",
    "offer_complaint",
    "officers_conflicted",
    "pending_offers",
    "receive_complaint",
    "refuse_complaint",
    "refuse_escalation",
    "reopen_complaint",
    "request_escalation",
    "respond",
    "state_points",
]
