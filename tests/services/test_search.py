"""Full-text search: refs, resident names and history, best first, safe from FTS syntax."""

from __future__ import annotations

from app.services.bundles import import_bundle
from app.services.search import MARK_END, MARK_START, search


def test_search_finds_refs_names_and_history(ws, example_doc, seed001_doc):
    import_bundle(ws, example_doc)
    import_bundle(ws, seed001_doc)
    by_ref = search(ws, "EX-ASB-0001")
    assert (by_ref[0].ref, by_ref[0].where) == ("EX-ASB-0001", "case")
    by_name = search(ws, "whitfield")
    assert by_name[0].ref == "HX-0001" and f"{MARK_START}Whitfield{MARK_END}" in by_name[0].snippet
    hits = search(ws, "call back")
    assert {h.event_id for h in hits if h.ref == "HX-0001"} >= {"c1", "c3", "c4"}
    assert all(h.where == "entry" for h in hits)
    assert "[call] [back]" in hits[0].snippet_text().lower()


def test_new_entries_are_searchable_at_once(ws, example_doc):
    from app.services.cases import record_event

    import_bundle(ws, example_doc)
    record_event(
        ws,
        "EX-ASB-0001",
        {
            "type": "contact",
            "channel": "phone",
            "direction": "in",
            "by": "resident",
            "summary": "Trampoline noise every evening",
        },
    )
    assert [h.ref for h in search(ws, "trampoline")] == ["EX-ASB-0001"]


def test_query_syntax_is_never_interpreted(ws, example_doc):
    import_bundle(ws, example_doc)
    for text in ['"', "NOT", "music OR", "*", "summary:music", "a AND (", "';--"]:
        search(ws, text)  # no error
    assert search(ws, "") == []
    assert search(ws, "   ") == []


def test_a_page_says_how_many_matches_there_are_and_which_entry_each_is(office):
    from app.services.search import count_matches, search_page
    from tests.services.conftest import resident_calls

    for i in range(60):
        resident_calls(office, "GEN-2", f"Marmalade jar number {i}", call_back=False)
    first = search_page(office, "marmalade", per_page=25)
    assert (first.total, first.offset, len(first.hits), first.has_more) == (60, 0, 25, True)
    assert first.summary() == "1–25 of 60 matches, best first."
    last = search_page(office, "marmalade", page=2, per_page=25)
    assert (len(last.hits), last.has_more) == (10, False)
    assert last.summary() == "51–60 of 60 matches, best first."
    seen = {h.event_id for p in range(3) for h in search_page(office, "marmalade", p, 25).hits}
    assert len(seen) == 60  # every match reachable, none twice
    hit = first.hits[0]
    assert hit.entry_type == "contact" and hit.entry_at is not None and hit.entry_at.tzinfo
    assert count_matches(office, "GEN-2") == (1, 1)  # the case, and the call that names it
    assert search_page(office, "no such words").summary() == "No matches."
