"""One complaint action = one transaction: read the case's complaints, check the rules, append, recompute.

The state the rules are checked against is read inside the same write
transaction that records the new events, so two windows cannot both pass a
check that only one of them should; a stale ``expected_version`` is refused first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.domain.bundle import CaseInfo
from app.domain.calendar import LONDON, london_date
from app.domain.compensation import CompensationError
from app.domain.complaint_record import ComplaintState, complaint_state, complaint_states
from app.domain.complaint_rules import RuleBroken
from app.domain.events import Event
from app.domain.policy import PolicyHistory
from app.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.cases import (
    FUTURE_TOLERANCE,
    append_events,
    check_version,
    find_case,
    log_action,
)
from app.services.convert import case_info_from_row, events_from_rows
from app.services.officers import role_of
from app.services.recompute import case_history, policy_history
from app.services.workspace import Workspace
from app.store.models import Case

Instant = dt.datetime | dt.date | None


@dataclass
class Context:
    """What an action's rule check may read, inside the write transaction."""

    session: Session
    ws: Workspace
    case: Case
    info: CaseInfo
    events: list[Event]
    policies: PolicyHistory
    states: list[ComplaintState]
    at: dt.datetime  # the instant the action happened (UTC)

    @property
    def day(self) -> dt.date:
        return london_date(self.at)

    def complaint(self, complaint_id: str | None) -> ComplaintState:
        """The named complaint, or the case's latest when None."""
        if not self.states:
            raise NotFound(f"Case {self.case.ref} has no complaint.")
        if complaint_id is None:
            return self.states[-1]
        found = complaint_state(self.states, complaint_id)
        if found is None:
            raise NotFound(f"Case {self.case.ref} has no complaint {complaint_id!r}.")
        return found

    def event(self, event_id: str) -> Event:
        for e in self.events:
            if e.id == event_id:
                return e
        raise NotFound(f"Case {self.case.ref} has no entry {event_id!r}.")

    def actor_role(self) -> str | None:
        return role_of(self.session, self.ws.actor.username)


def to_instant(ws: Workspace, at: Instant) -> dt.datetime:
    """An aware UTC instant: now when None; a date means 09:00 London; naive means London time."""
    if at is None:
        return ws.now().astimezone(dt.UTC)
    if isinstance(at, dt.datetime):
        local = at if at.tzinfo is not None else at.replace(tzinfo=LONDON)
        return local.astimezone(dt.UTC)
    return dt.datetime(at.year, at.month, at.day, 9, 0, tzinfo=LONDON).astimezone(dt.UTC)


def translate(exc: Exception) -> Exception:
    if isinstance(exc, RuleBroken):
        return PermissionDenied(str(exc)) if exc.permission else ValidationError(str(exc))
    return ValidationError(str(exc))


def complaint_action(
    ws: Workspace,
    ref: str,
    action: str,
    at: Instant,
    expected_version: int | None,
    build: Callable[[Context], list[dict[str, Any]]],
    after: Callable[[Session, list[str]], None] | None = None,
) -> list[str]:
    """Run one complaint action in one transaction; returns the ids of the events it recorded.

    ``build`` checks the rules against the context and returns the events to record
    (as bundle objects without ``id``/``at``, unless it sets them). ``after`` runs in
    the same transaction once they are recorded (an issued letter is stored with its
    event this way). Nothing is saved when either raises.
    """
    instant = to_instant(ws, at)
    if instant > ws.now() + FUTURE_TOLERANCE:
        raise ValidationError("The date and time given are in the future; nothing was saved.")
    try:
        return _run(ws, ref, action, instant, expected_version, build, after)
    except StaleDataError as exc:  # another writer changed the case between our read and write
        raise ConflictError(
            f"Case {ref} was changed by someone else while this was being saved. Reload the "
            "case; your entry has not been saved."
        ) from exc


# Called with the write session and the recorded event's id, inside the action's transaction
# (``app.letters.issue`` stores the issued letter with its event this way).
OnRecorded = Callable[[Session, str], None]


def record_one(
    ws: Workspace,
    ref: str,
    action: str,
    at: Instant,
    expected_version: int | None,
    build: Callable[[Context], dict[str, Any]],
    on_recorded: OnRecorded | None = None,
) -> str:
    """``complaint_action`` for an action that records one event; returns that event's id."""

    def after(session: Session, ids: list[str]) -> None:
        assert on_recorded is not None
        on_recorded(session, ids[0])

    return complaint_action(
        ws,
        ref,
        action,
        at,
        expected_version,
        lambda ctx: [build(ctx)],
        None if on_recorded is None else after,
    )[0]


def _run(ws, ref, action, instant, expected_version, build, after=None) -> list[str]:
    with ws.db.write() as s:
        case = find_case(s, ref)
        check_version(case, expected_version)  # a stale form is refused before any rule
        info = case_info_from_row(case)
        events = events_from_rows(case_history(s, case))
        history = policy_history(ws.registry, case)
        ctx = Context(
            s, ws, case, info, events, history, complaint_states(info, events, history), instant
        )
        try:
            raws = build(ctx)
        except (RuleBroken, CompensationError) as exc:
            raise translate(exc) from exc
        _, local_ids = append_events(s, ws, case, raws, expected_version, at=instant)
        log_action(s, ws, action, "case", ref, events=local_ids, types=[r["type"] for r in raws])
        if after is not None:
            after(s, local_ids)
    return local_ids


def read_states(ws: Workspace, ref: str, as_of: dt.date | None = None):
    """(case info, events, policy history, complaint states, case version) in one read."""
    with ws.db.read() as s:
        case = find_case(s, ref)
        info = case_info_from_row(case)
        events = events_from_rows(case_history(s, case))
        history = policy_history(ws.registry, case)
        states = complaint_states(info, events, history, as_of=as_of)
        return info, events, history, states, case.version
