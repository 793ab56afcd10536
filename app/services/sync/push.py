"""The server's side of a push: apply each change from a laptop once.

Each change is applied in a savepoint of one transaction per pushed batch and recorded in
``sync_applied`` in that same savepoint, so a change delivered twice (a retry after a dropped
connection, a duplicate delivery) is applied once and answered the same way. What cannot be
applied as it stands — a change of assignment made from a stale base, an entry for a case that is
no longer its author's, a case reference already taken — is held in the conflict queue for a
person to decide: nothing is silently overwritten or dropped. A change whose case or earlier
entry has not arrived yet (batches reordered) is deferred: the laptop keeps it and sends it again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.domain.calendar import CalendarRangeError
from app.errors import DoorstepError, PermissionDenied, ValidationError
from app.services.absences import hand_over
from app.services.access import check_case
from app.services.cases import append_events, create_from_facts, derive_cases, log_action
from app.services.sync.devices import DeviceView
from app.services.sync.docs import event_raw, instant
from app.services.sync.outbox import KINDS
from app.services.workspace import Workspace
from app.store.base import table_of
from app.store.models import Case, CaseEvent, Officer, SyncApplied, SyncConflict

APPLIED, DUPLICATE, HELD, DEFERRED = "applied", "duplicate", "held", "deferred"
MAX_BATCH = 1000
# A change still waiting for its case or an earlier entry after this many tries goes to the
# conflict queue (the case was deleted, or is one its author may no longer see): never stuck.
GIVE_UP_AFTER = 5


class Deferred(Exception):
    """Not yet: what the change needs has not arrived. The laptop sends it again later."""


class Held(Exception):
    def __init__(self, fact: str, theirs: dict[str, Any], ours: dict[str, Any], message: str):
        super().__init__(message)
        self.fact, self.theirs, self.ours, self.message = fact, theirs, ours, message


def check_shape(change: Any) -> dict[str, Any]:
    """One sentence for a change that is not one (the laptop's software is broken or hostile)."""
    if not isinstance(change, dict):
        raise ValidationError("a change must be an object")
    for key in ("id", "kind", "ref", "payload", "author", "made_at"):
        if key not in change:
            raise ValidationError(f"a change lacks {key!r}")
    try:
        uuid.UUID(str(change["id"]))
    except ValueError as exc:
        raise ValidationError("a change's id must be a UUID") from exc
    if change["kind"] not in KINDS:
        raise ValidationError(f"unknown kind of change {str(change['kind'])[:20]!r}")
    if not isinstance(change["payload"], dict):
        raise ValidationError("a change's payload must be an object")
    if not isinstance(change["ref"], str) or not isinstance(change["author"], str):
        raise ValidationError("a change's ref and author must be text")
    instant(change["made_at"])
    return change


def apply_changes(ws: Workspace, device: DeviceView, changes: list[Any]) -> list[dict[str, Any]]:
    """Apply a laptop's changes in order, in one transaction; one result per change. Each case
    touched is derived once at the end; should that fail (a change whose deadlines cannot be
    worked out), the batch is applied again deriving after each change, so that the one change
    is held and the rest applied."""
    if len(changes) > MAX_BATCH:
        raise ValidationError(f"at most {MAX_BATCH} changes a push")
    checked = [check_shape(raw) for raw in changes]
    try:
        return _apply_all(ws, device, checked, derive_each=False)
    except (ValidationError, CalendarRangeError):
        return _apply_all(ws, device, checked, derive_each=True)


def _apply_all(
    ws: Workspace, device: DeviceView, changes: list[dict], derive_each: bool
) -> list[dict[str, Any]]:
    with ws.db.write() as s:
        s.info["derive_each"] = derive_each
        touched: dict[Any, Case] = {}
        s.info["touched"] = touched
        s.info["cases"] = {}  # by ref, as found in this batch
        s.info["done"] = {
            row.change_id: (row.status, row.message)
            for row in s.scalars(
                select(SyncApplied).where(
                    SyncApplied.change_id.in_({str(c["id"]) for c in changes})
                )
            )
        }
        results = [_apply_one(s, ws, device, change) for change in changes]
        derive_cases(s, ws, touched.values())
        answered = [r for r in results if r["status"] in (APPLIED, HELD)]
        if answered:  # every change dealt with, remembered in the same transaction
            s.execute(
                table_of(SyncApplied).insert(),
                [
                    {
                        "change_id": r["id"],
                        "device_id": device.id,
                        "status": r["status"],
                        "message": r["message"],
                        "applied_at": ws.now(),
                    }
                    for r in answered
                ],
            )
    return results


def _touch(s: Session, case: Case) -> bool:
    """Note a case to derive at the end of the batch; True when it is derived per change."""
    touched = s.info.get("touched")
    if touched is None:  # outside a push (a decision taken on the server): derive now
        return True
    touched[case.id] = case
    return bool(s.info.get("derive_each"))


def _apply_one(s: Session, ws: Workspace, device: DeviceView, change: dict) -> dict[str, Any]:
    try:
        return _apply_checked(s, ws, device, change)
    finally:
        if s.info.pop("widened", False):  # a case read past the row security: not any more
            s.info["cases"].clear()
            ws.db.rescope(s)


def _apply_checked(s: Session, ws: Workspace, device: DeviceView, change: dict) -> dict[str, Any]:
    cid = str(change["id"])
    done = s.info["done"]
    if cid in done:
        return {"id": cid, "status": DUPLICATE, "was": done[cid][0], "message": done[cid][1]}
    try:
        with s.begin_nested():
            if change["author"] != device.username:
                raise Held(
                    "author",
                    {"person": device.username},
                    {"person": str(change["author"])},
                    "made by someone other than the laptop's person",
                )
            _APPLY[change["kind"]](s, ws, change)
        done[cid] = (APPLIED, "")
        return {"id": cid, "status": APPLIED, "message": ""}
    except Deferred as exc:
        s.info["cases"].clear()  # a savepoint rolled back: look cases up afresh
        if int(change.get("attempts") or 0) < GIVE_UP_AFTER:
            return {"id": cid, "status": DEFERRED, "message": str(exc)}
        held = Held("missing", {}, {"ref": str(change["ref"])[:60]}, str(exc))
    except Held as exc:
        s.info["cases"].clear()
        held = exc
    except (DoorstepError, ValueError, KeyError, TypeError) as exc:
        # anything else the server cannot store (a malformed payload, a deadline past the
        # calendar): held for a person to see, never a batch that fails for ever
        s.info["cases"].clear()
        held = Held("entry", {}, {"ref": str(change["ref"])[:60]}, f"cannot be stored: {exc}")
    with s.begin_nested():
        _hold(s, ws, change, held)
    done[cid] = (HELD, held.message)
    return {"id": cid, "status": HELD, "message": held.message}


def _hold(s: Session, ws: Workspace, change: dict, held: Held) -> None:
    s.add(
        SyncConflict(
            change_id=str(change["id"]),
            ref=str(change["ref"])[:60],
            fact=held.fact,
            author=str(change["author"])[:80],
            device=ws.actor.device,
            made_at=instant(change["made_at"]),
            held_at=ws.now(),
            theirs=held.theirs,
            ours=held.ours,
            change=change,
        )
    )
    log_action(s, ws, "sync_held", "case", str(change["ref"])[:60], fact=held.fact)


def _case(s: Session, ws: Workspace, ref: str) -> Case:
    found = s.info.setdefault("cases", {})
    case = found.get(ref) or s.scalar(select(Case).where(Case.ref == ref))
    if case is not None:
        found[ref] = case
        return case
    if s.get_bind().dialect.name == "postgresql" and s.scalar(
        text("SELECT doorstep_case_exists(:ref)"), {"ref": ref}
    ):  # there, but row security hides it from the author: read it past the wall for the
        # checks that decide (was it theirs when the change was made?); the scope is put back
        # after this change (``_apply_one``)
        ws.db.see_all(s)
        s.info["widened"] = True
        case = s.scalar(select(Case).where(Case.ref == ref))
        if case is not None:
            return case
    raise Deferred(f"case {ref} has not arrived yet")


def _handovers(s: Session, case: Case) -> list[CaseEvent]:
    return list(
        s.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.type == "case_reassigned")
            .order_by(CaseEvent.seq)
        )
    )


def holder_after(s: Session, case: Case, base_event: str) -> str | None:
    """Who held the case just after the hand-over ``base_event`` ("" — before any), as this
    database knows its history; None when that hand-over is not here."""
    handovers = _handovers(s, case)
    if not base_event:
        return handovers[0].data.get("from_officer") if handovers else case.officer.username
    for h in handovers:
        if h.local_id == base_event:
            return h.data.get("to_officer")
    return None


def _recorded(payload: dict, event_id: str) -> dict[str, tuple[dt.datetime, str, str]]:
    rec = payload.get("recorded") or {}
    return {
        event_id: (
            instant(rec.get("at")),
            str(rec.get("by", ""))[:80],
            str(rec.get("device", ""))[:120],
        )
    }


def _summary(raw: dict) -> dict[str, Any]:
    return {"type": raw.get("type"), "at": raw.get("at"), "summary": raw.get("summary", "")}


def apply_event(s: Session, ws: Workspace, change: dict, force: bool = False) -> None:
    """An entry is an event: merged whatever the case's state, never a conflict — so long as
    its author may write the case, or held it when they made the entry (its base: the last
    hand-over their laptop knew of), before it was handed away."""
    payload = change["payload"]
    raw = dict(payload.get("event") or {})
    event_id = str(raw.get("id", ""))
    if not event_id:
        raise Held("entry", {}, _summary(raw), "an entry without an id")
    case = _case(s, ws, str(change["ref"]))
    if not force:
        try:
            check_case(s, case.ref, case.officer_id, write=True)
        except PermissionDenied:
            base = payload.get("base_event")
            if base is None or holder_after(s, case, str(base)) != change["author"]:
                raise Held(
                    "access",
                    {"officer": case.officer.username},
                    _summary(raw),
                    f"case {case.ref} is no longer {change['author']}'s",
                ) from None
    stored = s.scalar(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.local_id == event_id)
    )
    if stored is not None:
        if event_raw(stored) == raw:
            return  # already here (it came another way): the same entry, once
        raise Held("entry id", _summary(event_raw(stored)), _summary(raw), "an entry id clash")
    widened = bool(s.info.get("widened"))
    try:
        append_events(
            s,
            ws,
            case,
            [raw],
            origin=str(payload.get("origin") or "entered"),
            refuse_future=False,
            recorded=_recorded(payload, event_id),
            derive=widened or _touch(s, case),  # derived now while the case can be read
        )
    except ValidationError as exc:
        if "unknown event" in str(exc):
            raise Deferred(str(exc)) from None
        raise Held("entry", {}, _summary(raw), str(exc)) from None


def _held_handover(s: Session, ref: str, event_id: str) -> bool:
    """Whether the hand-over ``event_id`` of case ``ref`` is waiting in the conflict queue."""
    return any(
        (c.change.get("payload") or {}).get("event", {}).get("id") == event_id
        for c in s.scalars(
            select(SyncConflict).where(SyncConflict.ref == ref, SyncConflict.status == "open")
        )
    )


def apply_assignment(s: Session, ws: Workspace, change: dict, force: bool = False) -> None:
    """A hand-over is a change of a mutable fact: applied only from the state it was made
    from (its base: the last hand-over the laptop knew of); made from another, it is held."""
    payload = change["payload"]
    raw = dict(payload.get("event") or {})
    case = _case(s, ws, str(change["ref"]))
    to = str(payload.get("to_officer", ""))
    handovers = _handovers(s, case)
    last = handovers[-1] if handovers else None
    base = payload.get("base_event")
    if base is None:  # a laptop of before base ids: the number of hand-overs it knew of
        base_known = change.get("base") == len(handovers)
        waiting = isinstance(change.get("base"), int) and change["base"] > len(handovers)
    else:
        base_known = str(base) == (last.local_id if last else "")
        waiting = bool(base) and all(h.local_id != base for h in handovers)
    if not force and not base_known:
        if waiting:
            if base is not None and _held_handover(s, case.ref, str(base)):
                raise Held(
                    "assignment",
                    {"officer": case.officer.username},
                    {"officer": to, "by": change["author"], "at": str(change["made_at"])},
                    f"case {case.ref}: made after a hand-over that is itself held for review",
                )
            raise Deferred(f"case {case.ref}: an earlier hand-over has not arrived yet")
        theirs = {"officer": case.officer.username}
        if last is not None:
            theirs |= {"by": last.recorded_by, "at": last.recorded_at.isoformat()}
        raise Held(
            "assignment",
            theirs,
            {"officer": to, "by": change["author"], "at": str(change["made_at"])},
            f"case {case.ref} was handed over again since this laptop last synced",
        )
    target = s.scalar(select(Officer).where(Officer.username == to))
    if target is None:
        raise Held(
            "assignment", {"officer": case.officer.username}, {"officer": to}, f"no officer {to!r}"
        )
    if target.id == case.officer_id:
        raise Held(
            "assignment", {"officer": case.officer.username}, {"officer": to}, "already with them"
        )
    event_id = str(raw.get("id", ""))
    try:
        hand_over(s, ws, case, target, raw, recorded=_recorded(payload, event_id))
    except PermissionDenied as exc:
        raise Held(
            "access", {"officer": case.officer.username}, {"officer": to}, str(exc)
        ) from None
    except ValidationError as exc:
        raise Held(
            "assignment", {"officer": case.officer.username}, {"officer": to}, str(exc)
        ) from None


def apply_case(
    s: Session, ws: Workspace, change: dict, force: bool = False, ref: str | None = None
) -> None:
    facts = change["payload"].get("case") or {}
    ref = ref or str(facts.get("ref", ""))
    existing = s.scalar(select(Case).where(Case.ref == ref))
    if existing is not None:
        if str(existing.id) == str(facts.get("id")):
            return
        raise Held(
            "case reference",
            {
                "ref": ref,
                "officer": existing.officer.username,
                "opened": existing.opened.isoformat(),
            },
            {"ref": ref, "officer": facts.get("officer"), "opened": facts.get("opened")},
            f"another case is already called {ref}",
        )
    try:
        case = create_from_facts(s, ws, facts, ref, derive=False)
        check_case(s, ref, case.officer_id, write=True)
        _touch(s, case)
    except (ValidationError, ValueError, KeyError) as exc:
        raise Held("case", {}, {"ref": ref}, f"the case cannot be opened: {exc}") from None
    except PermissionDenied as exc:
        raise Held("access", {}, {"ref": ref, "officer": facts.get("officer")}, str(exc)) from None
    log_action(s, ws, "create_case", "case", ref, kind=case.kind, synced=True)


def apply_decision(s: Session, ws: Workspace, change: dict, force: bool = False) -> None:
    from app.services.sync.conflicts import decide_in

    p = change["payload"]
    try:
        decide_in(
            s,
            ws,
            str(p.get("conflict", "")),
            str(p.get("choice", "")),
            str(p.get("note", "")),
            p.get("new_ref"),
        )
    except DoorstepError as exc:
        raise Held("decision", {}, {"conflict": p.get("conflict")}, str(exc)) from None


_APPLY = {
    "event": apply_event,
    "assign": apply_assignment,
    "case": apply_case,
    "decide": apply_decision,
}
