"""A laptop's outbox: every local change as an immutable record, written in the same transaction
as the change, kept until the server has dealt with it.

Case events are append-only with ids unique in their case, so they merge as a set; a change to a
mutable fact (who the case is assigned to) carries the base it was made from, so that two
changes from the same base are a conflict for a person rather than a silent overwrite."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.base import new_id
from app.store.models import Case, CaseEvent, OutboxChange

KINDS = ("case", "event", "assign", "decide")
# The setting listing the cases a laptop must fetch whole: a change of its to them was held, so its
# copy went ahead of the server's (app/services/sync/client.py sets it, replica.py clears it).
REFETCH = "sync_refetch"


def uuid7() -> str:
    """A change's id: a UUID version 7 (ids made later sort later)."""
    return str(new_id())


def recording(session: Session) -> bool:
    """True in a laptop's own write (not in applying what it pulled)."""
    return bool(session.info.get("replica")) and not session.info.get("syncing")


def _add(session: Session, ws, kind: str, ref: str, payload: dict[str, Any], base=None) -> str:
    change_id = uuid7()
    session.add(
        OutboxChange(
            change_id=change_id,
            kind=kind,
            ref=ref,
            base=base,
            payload=payload,
            author=ws.actor.username,
            device=ws.actor.device,
            made_at=ws.now(),
        )
    )
    return change_id


def event_payload(raw: dict[str, Any], recorded: dict[str, Any], origin: str) -> dict[str, Any]:
    return {"event": raw, "recorded": recorded, "origin": origin}


def record_events(session: Session, ws, events: list[tuple[Any, Any]], origin: str) -> None:
    """Outbox records for events just stored (``(case id, Event)`` pairs)."""
    refs: dict[Any, str] = {
        cid: ref
        for cid, ref in session.execute(
            select(Case.id, Case.ref).where(Case.id.in_({cid for cid, _ in events}))
        )
    }
    recorded = {"at": ws.now().isoformat(), "by": ws.actor.username, "device": ws.actor.device}
    these = {e.id for _, e in events}
    bases = {cid: last_handover(session, cid, these) for cid in refs}
    for case_id, e in events:
        raw = {"id": e.id, "at": e.at.isoformat(), "type": e.type, **e.data}
        payload = event_payload(raw, recorded, origin)
        payload["base_event"] = bases[case_id]
        _add(session, ws, "event", refs[case_id], payload)
    session.flush()


def last_handover(
    session: Session, case_id: Any, leave_out: frozenset[str] | set[str] = frozenset()
) -> str:
    """The id of the case's last hand-over (``case_reassigned``) as stored here, "" for none:
    the base an entry or a hand-over is made from (its author held the case after it)."""
    q = (
        select(CaseEvent.local_id)
        .where(CaseEvent.case_id == case_id, CaseEvent.type == "case_reassigned")
        .order_by(CaseEvent.seq.desc())
    )
    if leave_out:
        q = q.where(CaseEvent.local_id.not_in(leave_out))
    return session.scalars(q.limit(1)).first() or ""


def record_case(session: Session, ws, doc: dict[str, Any]) -> None:
    """An outbox record for a case opened on this laptop (its facts, as ``docs.case_facts``)."""
    _add(session, ws, "case", doc["ref"], {"case": doc})
    session.flush()


def mark_assignment(
    session: Session, ws, ref: str, event_id: str, base: int, from_officer: str, to_officer: str
) -> None:
    """Make the outbox record of a ``case_reassigned`` event just stored a change of the case's
    assignment made from ``base`` (the number of hand-overs the laptop knew of)."""
    row = session.scalars(
        select(OutboxChange)
        .where(OutboxChange.ref == ref, OutboxChange.kind == "event")
        .order_by(OutboxChange.position.desc())
    ).first()
    if row is None or row.payload["event"]["id"] != event_id:
        raise RuntimeError("the hand-over's outbox record is missing")
    row.kind = "assign"
    row.base = base
    row.payload = {**row.payload, "from_officer": from_officer, "to_officer": to_officer}


def record_decision(
    session: Session, ws, change_id: str, ref: str, choice: str, note: str, new_ref: str | None
) -> None:
    payload = {"conflict": change_id, "choice": choice, "note": note}
    if new_ref:
        payload["new_ref"] = new_ref
    _add(session, ws, "decide", ref, payload)
    session.flush()


def pending(session: Session) -> int:
    from sqlalchemy import func

    return int(session.scalar(select(func.count()).select_from(OutboxChange)) or 0)
