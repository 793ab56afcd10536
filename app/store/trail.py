"""Adding entries to the chained audit trail and reading it back for checking.

An entry's number and hash are assigned inside the writing transaction while the one-row
``trail_head`` is locked (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a write transaction
is already ``BEGIN IMMEDIATE``), so two writers queue and the chain cannot fork.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.trail import GENESIS, TrailEntry, entry_hash, plain_json
from app.store.base import new_id, table_of
from app.store.models import AuditLog, TrailHead

HEAD_ID = 1


def _locked_head(session: Session) -> TrailHead:
    head = session.scalars(
        select(TrailHead)
        .where(TrailHead.id == HEAD_ID)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if head is None:  # a database whose head row was never made (or was removed)
        head = TrailHead(id=HEAD_ID, seq=0, hash=GENESIS)
        session.add(head)
    return head


def append_entry(session: Session, entry: AuditLog) -> AuditLog:
    """Number, chain and add ``entry`` (its fields already set) in the caller's transaction."""
    _chain(_locked_head(session), entry)
    session.add(entry)
    return entry


def append_entries(session: Session, entries: list[AuditLog]) -> None:
    """Number, chain and store many entries (a bulk import's) with the head locked once, in
    one bulk INSERT: the same chain as appending them one by one."""
    if not entries:
        return
    head = _locked_head(session)
    for entry in entries:
        _chain(head, entry)
    session.flush()  # the head row first (a database that never had one)
    columns = ("id", "at", "actor", "device", "action", "entity", "entity_id", "detail")
    session.execute(
        table_of(AuditLog).insert(),
        [
            {c: getattr(e, c) for c in columns}
            | {"seq": e.seq, "prev_hash": e.prev_hash, "hash": e.hash}
            for e in entries
        ],
    )


def _chain(head: TrailHead, entry: AuditLog) -> None:
    if entry.id is None:
        entry.id = new_id()
    entry.detail = plain_json(entry.detail or {})
    entry.seq = head.seq + 1
    entry.prev_hash = head.hash
    entry.hash = entry_hash(
        {
            "seq": entry.seq,
            "id": entry.id,
            "at": entry.at,
            "actor": entry.actor,
            "device": entry.device or "",
            "action": entry.action,
            "entity": entry.entity,
            "entity_id": entry.entity_id,
            "detail": entry.detail,
        },
        entry.prev_hash,
    )
    entry.device = entry.device or ""
    head.seq, head.hash = entry.seq, entry.hash


def read_head(session: Session) -> tuple[int | None, str | None]:
    head = session.get(TrailHead, HEAD_ID)
    return (None, None) if head is None else (head.seq, head.hash)


def read_entries(session: Session) -> Iterator[TrailEntry]:
    """Every entry, unnumbered ones first, then by number (streamed)."""
    rows = session.execute(
        select(AuditLog)
        .order_by(AuditLog.seq.is_not(None), AuditLog.seq, AuditLog.at)
        .execution_options(yield_per=2000)
    ).scalars()
    for r in rows:
        yield TrailEntry(
            seq=r.seq,
            id=str(r.id),
            at=r.at,
            actor=r.actor,
            device=r.device or "",
            action=r.action,
            entity=r.entity,
            entity_id=r.entity_id,
            detail=r.detail or {},
            prev_hash=r.prev_hash,
            hash=r.hash,
        )
