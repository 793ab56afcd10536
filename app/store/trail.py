"""Adding entries to the chained audit trail and reading it back for checking.

An entry's number and hash are assigned inside the writing transaction while the one-row
``trail_head`` is locked (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a write transaction
is already ``BEGIN IMMEDIATE``), so two writers queue and the chain cannot fork.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.trail import GENESIS, TrailEntry, entry_hash, plain_json
from app.store.base import new_id, table_of
from app.store.fastwrite import insert_many
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


def append_entries(session: Session, entries: list[dict[str, Any]]) -> None:
    """Number, chain and store many entries (a bulk import's: dicts of ``at``, ``actor``,
    ``device``, ``action``, ``entity``, ``entity_id``, ``detail``) with the head locked once,
    in one bulk INSERT: the same chain as appending them one by one, without an ORM object
    for each."""
    if not entries:
        return
    head = _locked_head(session)
    seq, prev = head.seq, head.hash
    rows = []
    for given in entries:
        seq += 1
        row = {**given, "id": new_id(), "seq": seq, "prev_hash": prev}
        row["device"] = row["device"] or ""
        row["detail"] = plain_json(row["detail"] or {})
        row["hash"] = prev = entry_hash(row, prev)
        rows.append(row)
    head.seq, head.hash = seq, prev
    session.flush()  # the head row first (a database that never had one)
    insert_many(session, table_of(AuditLog), rows)


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
