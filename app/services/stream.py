"""Every stored case with its history, a batch at a time: the one loader for whole-database
passes (``auditing.iter_audit``, ``findings.iter_findings``).

Keyset pagination on the case reference (unique and indexed), so every batch costs the same
however far in, and memory stays flat: a batch is read in its own short read transaction
(two queries: the cases with their officer and resident, then all their events in order) and
handed over once that transaction has ended. On SQLite both are read on the session's own
connection without the ORM (the rows as stored, converted here): a whole-database audit spent
more time making objects than auditing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict, namedtuple
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.domain.bundle import CaseInfo
from app.domain.bundle import Resident as ResidentInfo
from app.services.access import Do, require
from app.services.convert import case_info, case_info_from_row
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


def _sqlite_events(s, ids: list[str]) -> dict:
    """The same rows read on the session's own SQLite connection (its read transaction)
    without SQLAlchemy's per-value result processing, which cost more than the query: instants
    made aware (UTC) and the JSON fields decoded here; case ids stay hex."""
    marks = ",".join("?" * len(ids))
    sql = (
        f"SELECT {', '.join(_NAMES)} FROM {CaseEvent.__tablename__} WHERE case_id IN ({marks}) "
        "ORDER BY case_id, at, seq"
    )
    raw = s.connection().connection.driver_connection
    events: dict = defaultdict(list)
    utc, parse, loads, make = dt.UTC, dt.datetime.fromisoformat, json.loads, StoredRow._make
    case, at, recorded, data = (_NAMES.index("case_id"), *_AT, _DATA)
    for r in raw.execute(sql, ids):
        r = list(r)
        r[at] = parse(r[at]).replace(tzinfo=utc)
        r[recorded] = parse(r[recorded]).replace(tzinfo=utc)
        r[data] = loads(r[data]) if r[data] is not None else {}
        events[r[case]].append(make(r))
    return events


@dataclass(frozen=True)
class CaseHistory:
    info: CaseInfo  # the case as the domain reads it: its resident and officer's username
    policy_name: str | None  # None: the registry's default
    rows: list  # its events in storage order (instant, then recording): rows with the
    # columns of ``CaseEvent`` as attributes, read-only

    @property
    def ref(self) -> str:
        return self.info.ref


def iter_case_histories(
    ws: Workspace, batch: int = BATCH, action: Do = Do.OVERSIGHT
) -> Iterator[list[CaseHistory]]:
    """Batches of cases in reference order, each case with its events; the acting person must
    be allowed ``action`` (checked in every batch's transaction)."""
    last: str | None = None
    while True:
        with ws.db.read() as s:
            require(s, action)
            if ws.db.is_sqlite:
                out = _sqlite_batch(s, last, batch)
            else:
                out = _batch(s, last, batch)
        if not out:
            return
        last = out[-1].ref
        yield out


def _batch(s, last: str | None, batch: int) -> list[CaseHistory]:
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
    events = _events(s, cases) if cases else {}
    return [CaseHistory(case_info_from_row(c), c.policy_name, events.get(c.id, [])) for c in cases]


_CASES = (
    "SELECT c.id, c.ref, c.kind, c.opened, c.policy_name, c.extra, o.username, r.id, r.name, "
    "r.address, r.phone, r.email, r.listed_vulnerabilities, r.extra "
    "FROM cases c JOIN officers o ON o.id = c.officer_id JOIN residents r ON r.id = c.resident_id "
    "WHERE c.ref > ? ORDER BY c.ref LIMIT ?"
)


def _json(text: str | None):
    return json.loads(text) if text is not None else None


def _sqlite_batch(s, last: str | None, batch: int) -> list[CaseHistory]:
    """The same batch read on the session's own SQLite connection: what ``case_info_from_row``
    makes of the ORM's rows (a test compares them), without the ORM's per-object work."""
    raw = s.connection().connection.driver_connection
    found = raw.execute(_CASES, ["" if last is None else last, batch]).fetchall()
    if not found:
        return []
    listed = [r[7] for r in found if r[12]]
    vulnerabilities: dict = defaultdict(list)
    if listed:
        marks = ",".join("?" * len(listed))
        for resident, description in raw.execute(
            f"SELECT resident_id, description FROM vulnerabilities WHERE resident_id IN ({marks}) "
            "ORDER BY resident_id, position",
            listed,
        ):
            vulnerabilities[resident].append(description)
    ids = [r[0] for r in found]
    events = _sqlite_events(s, ids)
    out = []
    for (
        cid,
        ref,
        kind,
        opened,
        policy,
        extra,
        officer,
        rid,
        name,
        address,
        phone,
        email,
        lst,
        rx,
    ) in found:
        vulns = tuple(vulnerabilities.get(rid, ())) if lst else None
        info = case_info(
            ref,
            kind,
            dt.date.fromisoformat(opened),
            officer,
            policy,
            _json(extra),
            ResidentInfo(name, address, phone, email, vulns, _json(rx)),
        )
        out.append(CaseHistory(info, policy, events.get(cid, [])))
    return out
