"""Every inbox sort key, both directions, on SQLite's fast path, through SQLAlchemy, and on
PostgreSQL: the same order everywhere (sorting by risk once failed on SQLite with
``KeyError: 'risk_tier_1'``: the CASE literals of the risk ordering are bound parameters)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import case, literal, select

from app.services.cases import create_case, record_event
from app.services.inbox import SORTS, SQLITE, InboxQuery, _page, list_inbox
from app.services.workspace import Actor, Workspace
from app.store.database import open_database
from app.store.fastread import CompiledRead
from app.store.models import Officer
from tests.pg import needs_pg

# ref, officer, kind, risk tier (None: not assessed), callback requested at (due 5 WD later)
CASES = [
    ("ASB-1", "b.jones", "asb", "medium", "2025-06-17T09:00"),
    ("ASB-2", "a.khan", "asb", "high", "2025-06-19T09:00"),
    ("GEN-3", "a.khan", "general", None, "2025-06-10T09:00"),
    ("ASB-4", "b.jones", "asb", "low", "2025-06-23T09:00"),
    ("REP-5", "a.khan", "repair", None, "2025-06-18T09:00"),
]
# (sort, expected ascending order); descending is the exact reverse: every key ends in a tie-break
EXPECTED = {
    "ref": ["ASB-1", "ASB-2", "ASB-4", "GEN-3", "REP-5"],
    "resident": ["ASB-1", "ASB-2", "ASB-4", "GEN-3", "REP-5"],
    "kind": ["ASB-1", "ASB-2", "ASB-4", "GEN-3", "REP-5"],
    "risk": ["ASB-2", "ASB-1", "ASB-4", "GEN-3", "REP-5"],
    "next": ["GEN-3", "ASB-1", "REP-5", "ASB-2", "ASB-4"],
    "due": ["GEN-3", "ASB-1", "REP-5", "ASB-2", "ASB-4"],
    "officer": ["GEN-3", "REP-5", "ASB-2", "ASB-1", "ASB-4"],
}


def fill(ws: Workspace) -> Workspace:
    with ws.db.write() as s:
        s.add(Officer(username="a.khan", name="Aisha Khan", role="officer"))
        s.add(Officer(username="b.jones", name="Bethan Jones", role="officer"))
    for ref, officer, kind, tier, at in CASES:
        create_case(
            ws,
            ref=ref,
            kind=kind,
            officer=officer,
            resident_name=f"Resident {ref}",
            opened=dt.date(2025, 6, 2),
        )
        raw = {"type": "contact", "channel": "phone", "direction": "in", "by": "resident"}
        record_event(ws, ref, {**raw, "callback_requested": True, "summary": "", "at": at})
        if tier is not None:
            record_event(
                ws, ref, {"type": "risk_assessment", "tier": tier, "by": officer, "at": at}
            )
    return ws


@pytest.fixture
def filled(ws):
    return fill(ws)


def test_the_sorts_cover_every_key():
    assert set(EXPECTED) == set(SORTS)


@pytest.mark.parametrize("sort", sorted(SORTS))
@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_on_sqlite(filled, sort, descending):
    expected = EXPECTED[sort][::-1] if descending else EXPECTED[sort]
    q = InboxQuery(sort=sort, descending=descending)
    assert [r.ref for r in list_inbox(filled, q)] == expected
    assert [r.ref for r in list_inbox(filled, q, limit=2, offset=1)] == expected[1:3]
    # the compiled fast path and SQLAlchemy's own execute agree row for row
    shape = (False, None, 0, "any", None, False)
    stmt = _page(shape, sort, descending, False, False)
    fast = CompiledRead(stmt, SQLITE).run(filled.db, {"today": dt.date(2025, 6, 24)})
    with filled.db.connect() as conn:
        slow = conn.execute(stmt).all()
    assert [r[0] for r in fast] == [r[0] for r in slow] == expected


def test_literals_inside_a_compiled_read_are_passed_as_written(filled):
    """The fix itself: a statement's own literals need no value from the caller."""
    stmt = select(case((literal(1) == 1, "yes"), else_="no"), literal(dt.date(2025, 6, 24)))
    assert CompiledRead(stmt, SQLITE).run(filled.db, {}) == [("yes", "2025-06-24")]


@needs_pg[0]
@needs_pg[1]
def test_every_sort_on_postgresql(pg_url, clock):
    ws = Workspace(open_database(pg_url), Actor("tester", "pg"), clock)
    try:
        fill(ws)
        for sort in SORTS:
            for descending in (False, True):
                expected = EXPECTED[sort][::-1] if descending else EXPECTED[sort]
                rows = list_inbox(ws, InboxQuery(sort=sort, descending=descending))
                assert [r.ref for r in rows] == expected, (sort, descending)
    finally:
        ws.close()
