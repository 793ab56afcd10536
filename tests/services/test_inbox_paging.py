"""Keyset paging gives exactly the OFFSET pages for every sort and filter, the last page read
backwards is the list's tail, and the quick filter through the search index finds the cases the
old ``LIKE '%x%'`` found (issue 12 item 2). SQLite here; PostgreSQL in test_inbox_paging_postgres.py.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest

from app.demo.generator import OFFICERS, generate_bundles
from app.services.bundles import import_bundle
from app.services.inbox import SORTS, InboxQuery, list_inbox, page_key
from app.services.workspace import Actor, open_workspace
from app.store.models import Officer, Team

TODAY = dt.date(2025, 6, 24)
PAGE = 7
FILTERS = [
    {},
    {"kinds": ("asb", "complaint")},
    {"status": "open"},
    {"due": "breached"},
    {"due": "at_risk"},
    {"scope": "team"},
]


def populate(ws, n_cases: int = 60) -> None:
    """The demo's officers and generated cases, as `doorstep demo` makes them."""
    with ws.db.write() as s:
        teams: dict[str, Team] = {}
        for o in OFFICERS:
            team = teams.get(o["team"]) or teams.setdefault(o["team"], Team(name=o["team"]))
            s.add(Officer(username=o["username"], name=o["name"], role=o["role"], team=team))
    manager = next(o["username"] for o in OFFICERS if o["role"] == "manager")
    ws.actor = Actor(manager, "test")
    for doc in generate_bundles(TODAY, n_cases=n_cases, seed=7):
        import_bundle(ws, doc)
    ws.forget()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    ws = open_workspace(
        tmp_path_factory.mktemp("paging") / "cases.sqlite",
        actor=Actor("tester", "test"),
        clock=lambda: dt.datetime(2025, 6, 24, 9, 0, tzinfo=dt.UTC),
    )
    populate(ws)
    yield ws
    ws.close()


def walk(ws, q: InboxQuery) -> list[str]:
    """Every row, a keyset page at a time."""
    out, after = [], None
    while True:
        page = list_inbox(ws, q, as_of=TODAY, limit=PAGE, after=after)
        out += [r.ref for r in page]
        if len(page) < PAGE:
            return out
        after = page_key(page[-1], q.sort)


def offset_pages(ws, q: InboxQuery) -> list[str]:
    out, offset = [], 0
    while True:
        page = list_inbox(ws, q, as_of=TODAY, limit=PAGE, offset=offset)
        out += [r.ref for r in page]
        if len(page) < PAGE:
            return out
        offset += PAGE


def check_paging(ws, filters: dict) -> None:
    for sort in SORTS:
        for descending in (False, True):
            q = InboxQuery(sort=sort, descending=descending, **filters)
            whole = [r.ref for r in list_inbox(ws, q, as_of=TODAY)]
            assert walk(ws, q) == offset_pages(ws, q) == whole, (sort, descending, filters)
            last = [r.ref for r in list_inbox(ws, q, as_of=TODAY, limit=PAGE, from_end=True)]
            assert last == whole[-PAGE:], (sort, descending, filters)


@pytest.mark.parametrize("filters", FILTERS)
def test_keyset_pages_are_the_offset_pages(demo, filters):
    assert len(list_inbox(demo, as_of=TODAY)) > 3 * PAGE
    check_paging(demo, filters)


def test_keyset_pages_with_the_quick_filter(demo):
    name = list_inbox(demo, as_of=TODAY)[0].resident.split()[-1]
    check_paging(demo, {"text": name})


def test_a_page_key_of_the_wrong_length_is_refused(demo):
    from app.errors import ValidationError

    with pytest.raises(ValidationError, match="page key"):
        list_inbox(demo, InboxQuery(sort="resident"), limit=5, after=("x",))


def fold(text: str) -> str:
    """Lower case without accents: the search index finds "José" when "jose" is typed."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def like(rows, typed: str) -> set[str]:
    """What the old ``lower(ref) LIKE '%x%' OR lower(name) LIKE '%x%'`` found (accents aside)."""
    t = fold(typed)
    return {r.ref for r in rows if t in fold(r.ref) or t in fold(r.resident)}


def starts_a_word(text: str, typed: str) -> bool:
    text, typed = fold(text), fold(typed)
    return any(
        re.match(r"\w", text[i:]) and (i == 0 or not text[i - 1].isalnum())
        for i in [m.start() for m in re.finditer(re.escape(typed), text)]
    )


def test_the_quick_filter_finds_what_like_found_from_the_start_of_a_word(demo):
    rows = list_inbox(demo, as_of=TODAY)
    typed: set[str] = set()
    for r in rows:
        parts = r.resident.split()
        typed |= {r.ref, r.ref[:6], r.ref.split("-")[0], r.resident, *parts}
        typed |= {p[:3] for p in parts if len(p) >= 3}
    assert len(typed) > 50
    for t in sorted(typed):
        found = {r.ref for r in list_inbox(demo, InboxQuery(text=t), as_of=TODAY)}
        before = like(rows, t)
        assert found <= before, t
        # all it no longer finds are matches inside a word ("ann" in "Joanne")
        for ref in before - found:
            row = next(r for r in rows if r.ref == ref)
            assert not starts_a_word(row.ref, t) and not starts_a_word(row.resident, t), (t, ref)


@pytest.mark.parametrize(
    "sort, index",
    [
        ("resident", "ix_residents_name"),
        ("officer", "ix_officers_name"),
        ("kind", "ix_cases_kind_inbox"),
        ("risk", "ix_cases_risk_inbox"),
        ("next", "ix_cases_next_inbox"),
        ("due", "ix_cases_inbox"),
    ],
)
def test_each_sort_reads_its_index_in_order(demo, sort, index):
    """The first page walks the sort's index instead of sorting every case in the inbox."""
    from app.services.inbox import _fast_page

    shape = (False, None, 0, "any", None, False, None, True, False)
    read = _fast_page(shape, sort, False, False, True, False)
    values = [50 if n == "limit" else 0 for n in read.names]
    with demo.db.engine.connect() as conn:
        plan = " | ".join(
            r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + read.sql, tuple(values))
        )
    assert index in plan and "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
