"""Every stored case with its history, a batch at a time: the one loader for whole-database
passes (``auditing.iter_audit``, ``findings.iter_findings``).

Keyset pagination on the case reference (unique and indexed), so every batch costs the same
however far in, and memory stays flat: a batch is read in its own short read transaction
(two queries: the cases with their officer and resident, then all their events in order) and
handed over once that transaction has ended.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict, namedtuple
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.services.access import Do, require
from app.services.workspace import Workspace
from app.store.models import Case, CaseEvent, Resident

BATCH = 500


_TABLE = CaseEvent.__table__
_COLUMNS = tuple(c for c in _TABLE.c if c.name != "id")  # no uuid made per event
_NAMES = tuple(c.name for c in _COLUMNS)
StoredRow = namedtuple("StoredRow", _NAMES)  # type: ignore[misc]  # a CaseEvent's columns
_AT = (_NAMES.index("at"), _NAMES.index("recorded_at"))
_DATA = _NAMES.index("data")


def _events(s, cases) -> dict:
    events: dict = defaultdict(list)
    for e in s.execute(
        select(*_COLUMNS)
        .where(_TABLE.c.case_id.in_([c.id for c in cases]))
        .order_by(_TABLE.c.case_id, _TABLE.c.at, _TABLE.c.seq)
    ):
        events[e.case_id].append(e)
    return events


def _sqlite_events(s, cases) -> dict:
    """The same rows read on the session's own SQLite connection (its read transaction)
    without SQLAlchemy's per-value result processing, which cost more than the query: instants
    made aware (UTC) and the JSON fields decoded here; case ids stay hex."""
    marks = ",".join("?" * len(cases))
    sql = (
        f"SELECT {', '.join(_NAMES)} FROM {CaseEvent.__tablename__} WHERE case_id IN ({marks}) "
        "ORDER BY case_id, at, seq"
    )
    raw = s.connection().connection.driver_connection
    events: dict = defaultdict(list)
    utc, parse, loads, make = dt.UTC, dt.datetime.fromisoformat, json.loads, StoredRow._make
    case, at, recorded, data = (_NAMES.index("case_id"), *_AT, _DATA)
    for r in raw.execute(sql, [c.id.hex for c in cases]):
        r = list(r)
        r[at] = parse(r[at]).replace(tzinfo=utc)
        r[recorded] = parse(r[recorded]).replace(tzinfo=utc)
        r[data] = loads(r[data]) if r[data] is not None else {}
        events[r[case]].append(make(r))
    return events


@dataclass(frozen=True)
class CaseHistory:
    case: Case  # officer, resident and vulnerabilities loaded
    rows: list  # its events in storage order (instant, then recording): rows with the
    # columns of ``CaseEvent`` as attributes, read-only


def iter_case_histories(
    ws: Workspace, batch: int = BATCH, action: Do = Do.OVERSIGHT
) -> Iterator[list[CaseHistory]]:
    """Batches of cases in reference order, each case with its events; the acting person must
    be allowed ``action`` (checked in every batch's transaction)."""
    last: str | None = None
    while True:
        with ws.db.read() as s:
            require(s, action)
            q = (
                select(Case)
                .options(
                    joinedload(Case.officer),
                    joinedload(Case.resident).selectinload(Resident.vulnerabilities),
                )
                .order_by(Case.ref)
                .limit(batch)
            )
            if last is not None:
                q = q.where(Case.ref > last)
            cases = s.scalars(q).all()
            if not cases:
                return
            if ws.db.is_sqlite:
                events = _sqlite_events(s, cases)
                out = [CaseHistory(c, events.get(c.id.hex, [])) for c in cases]
            else:
                events = _events(s, cases)
                out = [CaseHistory(c, events.get(c.id, [])) for c in cases]
            last = cases[-1].ref
        yield out
