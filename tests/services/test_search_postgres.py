"""Full-text search on PostgreSQL (migration 0006): ts_rank ranking with cases first, ts_headline
snippets with the same markers as SQLite, the last word as a prefix, no query syntax ever
interpreted, and an officer never finding another team's case."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text

from app.services.bundles import import_bundle
from app.services.cases import create_case
from app.services.search import MARK_END, MARK_START, search
from app.services.workspace import Actor, open_workspace
from tests.pg import fresh_database, needs_pg
from tests.services.conftest import act_as, resident_calls

pytestmark = needs_pg


@pytest.fixture
def ws(clock):
    """A workspace on a fresh PostgreSQL database (the office fixture builds on it)."""
    with fresh_database() as url:
        workspace = open_workspace(url, actor=Actor("tester", "pg"), clock=clock)
        try:
            yield workspace
        finally:
            workspace.close()


def contact(ws, ref: str, summary: str, at: str = "2025-06-20T09:00") -> None:
    resident_calls(ws, ref, summary, at, call_back=False)


def test_cases_rank_first_then_entries_by_relevance_with_snippets(ws):
    create_case(
        ws,
        ref="ASB-1",
        kind="asb",
        officer="a.khan",
        resident_name="Ann Drummer",
        opened=dt.date(2025, 6, 2),
    )
    create_case(
        ws,
        ref="GEN-2",
        kind="general",
        officer="a.khan",
        resident_name="Bo Smith",
        opened=dt.date(2025, 6, 2),
    )
    contact(ws, "GEN-2", "Drum practice at night; drums again, drumming every evening")
    contact(ws, "ASB-1", "Letter sent about the parking", at="2025-06-21T09:00")
    contact(
        ws,
        "GEN-2",
        "Neighbour mentioned a drum once, then talked about bins",
        at="2025-06-22T09:00",
    )

    hits = search(ws, "drum")
    assert [(h.where, h.ref) for h in hits] == [
        ("case", "ASB-1"),  # the resident's name, as a prefix: Drummer
        ("entry", "GEN-2"),  # three forms of "drum" (English stemming) ...
        ("entry", "GEN-2"),  # ... rank above a single mention, although it is newer
    ]
    assert hits[0].snippet == f"ASB-1 — Ann {MARK_START}Drummer{MARK_END}"
    assert hits[1].snippet_text().startswith("[Drum] practice at night; [drums] again")
    assert "a [drum] once" in hits[2].snippet_text()
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)  # lower is better, as SQLite

    by_ref = search(ws, "gen-2")  # "GEN-2" is the words gen and 2, as on SQLite
    assert (by_ref[0].ref, by_ref[0].where) == ("GEN-2", "case")
    assert by_ref[0].snippet == f"{MARK_START}GEN{MARK_END}-{MARK_START}2{MARK_END} — Bo Smith"
    assert [(h.where, h.ref) for h in search(ws, "parking letters")] == [("entry", "ASB-1")]
    create_case(
        ws,
        ref="CMP-3",
        kind="complaint",
        officer="a.khan",
        resident_name="Cy Smith-Jones",
        opened=dt.date(2025, 6, 2),
    )
    assert search(ws, "jones")[0].snippet == f"CMP-3 — Cy Smith-{MARK_START}Jones{MARK_END}"


def test_worked_example_and_new_entries_are_found_at_once(ws, example_doc, seed001_doc):
    import_bundle(ws, example_doc)
    import_bundle(ws, seed001_doc)
    by_name = search(ws, "whitfield")
    assert by_name[0].ref == "HX-0001" and f"{MARK_START}Whitfield{MARK_END}" in by_name[0].snippet
    hits = search(ws, "call back")
    assert all(h.where == "entry" for h in hits)
    assert {("HX-0001", "c1"), ("HX-0001", "c3"), ("HX-0001", "c4")} <= {
        (h.ref, h.event_id) for h in hits
    }
    assert "[call] [back]" in hits[0].snippet_text().lower()
    assert search(ws, "trampoline") == []
    contact(ws, "EX-ASB-0001", "Trampoline noise every evening")
    assert [h.ref for h in search(ws, "trampol")] == ["EX-ASB-0001"]  # prefix of the last word
    # a resident's new name is searchable at once (the trigger keeps cases.search_tsv)
    with ws.db.write() as s:
        s.execute(
            text(
                "UPDATE residents SET name = 'Mrs Featherstonehaugh' WHERE name LIKE '%Whitfield%'"
            )
        )
    assert search(ws, "whitfield") == []
    assert [h.ref for h in search(ws, "featherstonehaugh")] == ["HX-0001"]


NASTY = [
    "'); DROP TABLE cases; --",
    "a & b | !c",
    '"unclosed',
    ":*",
    "call:* & !back",
    "<->",
    "the",  # only a stop word: nothing to look for
    "\\",
    "' OR 1=1 --",
    "x' :*",
    "(music",
    "music)",
    "%_",
    "",
    "   ",
]


def test_query_syntax_is_never_interpreted(ws, example_doc):
    import_bundle(ws, example_doc)
    for query in NASTY:
        assert isinstance(search(ws, query), list), query
    assert {"cases", "case_events"} <= set(inspect(ws.db.engine).get_table_names())
    assert search(ws, "") == [] and search(ws, "the") == []
    # operators are read as plain words: "music & !noise" finds entries about music AND noise
    plain = {(h.ref, h.event_id) for h in search(ws, "music noise")}
    assert {(h.ref, h.event_id) for h in search(ws, "music & !noise")} == plain


def test_an_officer_never_finds_another_teams_case(office):
    ws = office
    contact(ws, "REP-4", "Tomasz: call back about the boiler")
    everyone = {h.ref for h in search(ws, "call back")}
    assert everyone == {"ASB-1", "GEN-2", "CMP-3", "REP-4"}  # the manager sees all
    act_as(ws, "a.khan")  # North team: not t.wis's REP-4
    assert {h.ref for h in search(ws, "call back")} == {"ASB-1", "GEN-2", "CMP-3"}
    assert search(ws, "boiler") == []
    assert search(ws, "rep 4") == []  # REP-4's reference and resident name are hidden too
    assert [h.ref for h in search(ws, "call back", limit=2)] != []  # the filter sits in the query
    assert len(search(ws, "call back", limit=2)) == 2


def test_pages_count_every_match_an_officer_may_see(office):
    from app.services.search import count_matches, search_page

    for i in range(30):
        contact(office, "GEN-2", f"Marmalade jar {i}")
    contact(office, "REP-4", "Marmalade on the south stairs")  # another team's case
    page = search_page(office, "marmalade", page=1, per_page=20)
    assert (page.total, page.offset, len(page.hits), page.has_more) == (31, 20, 11, False)
    assert page.hits[0].entry_type == "contact" and page.hits[0].entry_at.tzinfo is not None
    act_as(office, "a.khan")
    assert count_matches(office, "marmalade") == (0, 30)
    assert count_matches(office, "marma") == (0, 30)  # the last word as a prefix, as search
