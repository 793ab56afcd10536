"""The team's change numbers: every change to a case gets the next number from ``sync_head``.

The number is taken by updating the one ``sync_head`` row, which PostgreSQL keeps locked until
the transaction ends (SQLite runs one writer at a time anyway): a transaction that took a number
commits before the next one can take its own, so numbers are committed in order and a laptop's
pull cursor ("everything after N") never skips a change committed late — which a plain sequence
could (DESIGN.md: sync). A laptop's own copy (``session.info["replica"]``) numbers nothing: its
changes are numbered when the server stores them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

from app.store.models import Case

TAKE = text("UPDATE sync_head SET seq = seq + :n WHERE id = 1 RETURNING seq")


def take(session: Session, n: int = 1) -> int:
    """Reserve ``n`` numbers; returns the last (the first is ``last - n + 1``)."""
    last = session.execute(TAKE, {"n": n}).scalar()
    if last is None:  # a database made before migration 0014 cannot be written by this version
        raise RuntimeError("sync_head is missing: the database was not migrated")
    return int(last)


def numbering(session: Session) -> bool:
    return not session.info.get("replica", False)


def _number_changed_cases(session: Session, _context: Any, _instances: Any) -> None:
    if not numbering(session):
        return
    changed = [
        obj
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, Case) and (obj in session.new or session.is_modified(obj))
    ]
    if not changed:
        return
    last = take(session, len(changed))
    for i, case in enumerate(changed):
        case.sync_seq = last - len(changed) + 1 + i


def install(maker: sessionmaker) -> None:
    """Number every case a session of ``maker`` adds or changes, at each flush."""
    event.listen(maker, "before_flush", _number_changed_cases)
