"""Thousands of rows in one transaction (the bulk import, a laptop's first pull): the per-row
triggers set aside for the block, their work done once for the whole block.

Measured on a 10,000-case import (docs/benchmarks.md): the triggers that add each entry and
each case to the search indexes (``event_fts_insert``, ``case_fts_insert``, migration 0002) and
the guards that refuse a REPLACE of an entry or of a trail entry (``*_no_replace``, migration
0003) made every INSERT cost in proportion to the rows already stored: a batch of 5,000 entries
took 0.1 s on an empty database and 1.6 s from 4,000 cases on; with the triggers set aside it
stays at 0.06 s.

Inside ``triggers_set_aside`` those triggers are dropped; at the end of the block every entry
and case inserted within it is added to its search index by one statement, and each trigger is
put back with its own SQL. Nothing is lost by it: it all happens inside the caller's write
transaction (SQLite's schema changes are transactional), so no other connection can write
meanwhile or see the triggers missing, and the block only INSERTs, which the unique keys still
guard. A block that raises leaves the triggers to the caller's rollback — the caller must roll
back (a savepoint or the whole transaction) when the block raises, as ``services/bulk.py`` and
``services/sync/replica.py`` do. On PostgreSQL (rules of its own, no FTS table) it does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session

SEARCH = "event_fts_insert"
CASE_SEARCH = "case_fts_insert"
SET_ASIDE = (SEARCH, CASE_SEARCH, "case_events_no_replace", "audit_log_no_replace")


@contextmanager
def triggers_set_aside(session: Session) -> Iterator[None]:
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    session.flush()
    names = ", ".join(f"'{n}'" for n in SET_ASIDE)
    found: dict[str, str] = dict(
        session.execute(  # type: ignore[arg-type]
            text(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})"
            )
        ).all()
    )
    before = session.execute(text("SELECT coalesce(max(rowid), 0) FROM case_events")).scalar()
    cases_before = session.execute(text("SELECT coalesce(max(rowid), 0) FROM cases")).scalar()
    for name in found:
        session.execute(text(f"DROP TRIGGER {name}"))
    yield
    session.flush()
    # SQLite gives a new row one more than the largest rowid in its table, and the block only
    # inserts: the block's rows are exactly those after the largest when it began.
    if SEARCH in found:
        session.execute(
            text(
                "INSERT INTO event_fts(rowid, summary) "
                "SELECT rowid, summary FROM case_events WHERE rowid > :before"
            ),
            {"before": before},
        )
    if CASE_SEARCH in found:
        session.execute(
            text(
                "INSERT INTO case_fts(rowid, ref, resident) SELECT c.rowid, c.ref, r.name "
                "FROM cases c JOIN residents r ON r.id = c.resident_id WHERE c.rowid > :before"
            ),
            {"before": cases_before},
        )
    for sql in found.values():
        session.execute(text(sql))
