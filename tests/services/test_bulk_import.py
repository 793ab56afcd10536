"""Bulk import (services/bulk.py): a folder or JSON-lines file of bundles, in batches, each
bundle all or nothing, stored exactly as one-at-a-time imports store it."""

from __future__ import annotations

import copy
import datetime as dt
import json
import sqlite3

import pytest
from sqlalchemy import select, text

from app.demo.generator import generate_bundles
from app.services.bulk import Source, import_sources, sources_in
from app.services.bundles import export_bundle, import_bundle
from app.services.cases import record_event
from app.services.search import search
from app.services.trail import verify_trail
from app.services.workspace import Actor, open_workspace
from app.store.models import AuditLog, Case, CaseEvent, DeadlineRow, Officer
from tests.pg import needs_pg
from tests.services.test_bundles import assert_same_bundle

TODAY = dt.date(2025, 6, 24)
DOCS = generate_bundles(TODAY, 24, seed=7)


def stored(ws) -> dict:
    """Everything an import decides, by case ref, without ids or timestamps."""
    out = {}
    with ws.db.read() as s:
        for case in s.scalars(select(Case)):
            deadlines = sorted(
                (d.key, d.kind, d.status, str(d.due), d.met_by, d.detail, str(d.holds))
                for d in s.scalars(select(DeadlineRow).where(DeadlineRow.case_id == case.id))
            )
            events = sorted(
                (e.local_id, e.seq, e.type, e.at, e.summary, json.dumps(e.data, sort_keys=True))
                for e in s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))
            )
            summary = tuple(
                getattr(case, c)
                for c in (
                    "kind opened status closed_on policy_name extra risk_tier next_due next_kind "
                    "next_label open_deadlines in_inbox sort_due event_count last_event_at"
                ).split()
            )
            out[case.ref] = (case.officer.username, summary, deadlines, events)
    return out


@pytest.fixture
def other(tmp_path, clock):
    w = open_workspace(tmp_path / "one-by-one.sqlite", actor=Actor("tester", "dev"), clock=clock)
    yield w
    w.close()


def test_a_batch_stores_exactly_what_one_at_a_time_imports_store(ws, other):
    outcome = import_sources(ws, [Source(f"b{i}", d) for i, d in enumerate(DOCS)], batch=5)
    assert outcome.cases == len(DOCS) and not outcome.refused
    for doc in DOCS:
        import_bundle(other, doc)
    assert stored(ws) == stored(other)
    for doc in DOCS[:3]:
        assert_same_bundle(doc, export_bundle(ws, doc["case"]["ref"]))
    assert verify_trail(ws).ok
    with ws.db.read() as s:
        assert s.scalar(select(AuditLog.seq).order_by(AuditLog.seq.desc()).limit(1)) >= len(DOCS)
        officers = set(s.scalars(select(Officer.username)))
    assert {d["case"]["officer"] for d in DOCS} <= officers
    assert set(outcome.officers_created) <= officers


def test_a_folder_is_read_by_name_and_a_bad_file_refused_alone(ws, tmp_path):
    folder = tmp_path / "bundles"
    folder.mkdir()
    for i, doc in enumerate(DOCS[:6]):
        (folder / f"{i:03d}.json").write_text(json.dumps(doc))
    (folder / "002.json").write_text("{not json")
    (folder / "notes.txt").write_text("ignored")
    sources = list(sources_in(folder))
    assert [s.where.rsplit("/", 1)[1] for s in sources] == [f"{i:03d}.json" for i in range(6)]
    outcome = import_sources(ws, sources, batch=4)
    assert [w.rsplit("/", 1)[1] for w, _ in outcome.refused] == ["002.json"]
    assert "not valid JSON" in outcome.refused[0][1]
    with ws.db.read() as s:
        refs = set(s.scalars(select(Case.ref)))
    assert refs == {d["case"]["ref"] for i, d in enumerate(DOCS[:6]) if i != 2}


def test_a_jsonl_bad_line_is_named_by_its_number_and_skipped(ws, tmp_path):
    bad = copy.deepcopy(DOCS[1])
    bad["events"][0]["type"] = "telepathy"
    lines = [json.dumps(DOCS[0]), json.dumps(bad), "", "[1, 2", json.dumps(DOCS[2])]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n")
    outcome = import_sources(ws, sources_in(path))
    refused = dict(outcome.refused)
    assert set(refused) == {f"{path} line 2", f"{path} line 4"}
    assert "telepathy" in refused[f"{path} line 2"]
    assert [r.ref for _, r in outcome.imported] == [DOCS[0]["case"]["ref"], DOCS[2]["case"]["ref"]]


def test_each_bundle_is_all_or_nothing_when_the_batch_meets_a_ref_stored_meanwhile(ws, monkeypatch):
    """Another writer stores one of the batch's refs after the batch was checked: the bulk
    insert is refused, the savepoint rolled back, and the batch goes in bundle by bundle."""
    import app.services.bulk as bulk

    taken = DOCS[3]
    import_bundle(ws, taken)
    monkeypatch.setattr(bulk, "_stored_refs", lambda s, refs: set())  # checked before it came
    outcome = import_sources(ws, [Source(f"b{i}", d) for i, d in enumerate(DOCS[:6])])
    assert [w for w, _ in outcome.refused] == ["b3"]
    assert "already exists" in outcome.refused[0][1]
    with ws.db.read() as s:
        assert set(s.scalars(select(Case.ref))) == {d["case"]["ref"] for d in DOCS[:6]}
        counts = {ref: n for ref, n in s.execute(select(Case.ref, Case.event_count)).all()}
    assert all(counts[d["case"]["ref"]] == len(d["events"]) for d in DOCS[:6])


def test_an_existing_case_is_refused_or_merged(ws):
    import_bundle(ws, DOCS[0])
    outcome = import_sources(ws, [Source("again", DOCS[0]), Source("new", DOCS[1])])
    assert [w for w, _ in outcome.refused] == ["again"]
    more = copy.deepcopy(DOCS[0])
    more["events"].append(
        {
            "id": "zz-new",
            "at": "2025-06-20T10:00",
            "type": "contact",
            "channel": "phone",
            "direction": "out",
            "by": more["case"]["officer"],
        }
    )
    outcome = import_sources(ws, [Source("merge", more)], merge=True)
    assert not outcome.refused
    assert [(r.created, r.events_added) for _, r in outcome.imported] == [(False, 1)]


def test_progress_is_reported_after_every_batch(ws):
    seen = []
    import_sources(
        ws,
        [Source(f"b{i}", d) for i, d in enumerate(DOCS[:7])],
        batch=3,
        progress=lambda done, refused: seen.append((done, refused)),
    )
    assert seen == [(3, 0), (6, 0), (7, 0)]


@needs_pg[0]
@needs_pg[1]
def test_a_batch_stores_the_same_on_postgresql(pg_url, ws):
    """The bulk inserts, the officers' upsert and the chained trail on the team server."""
    pg = open_workspace(pg_url, actor=Actor("tester", "test-device"))
    try:
        outcome = import_sources(pg, [Source(f"b{i}", d) for i, d in enumerate(DOCS[:8])], batch=3)
        assert outcome.cases == 8 and not outcome.refused
        again = import_sources(pg, [Source("again", DOCS[0])])
        assert [w for w, _ in again.refused] == ["again"]
        assert verify_trail(pg).ok
        for doc in DOCS[:8]:
            import_bundle(ws, doc)
        assert stored(pg) == stored(ws)
    finally:
        pg.close()


# -- the per-row triggers set aside for a batch (app/store/bulk_insert.py) -------------------------

SET_ASIDE = {
    "event_fts_insert",
    "case_fts_insert",
    "case_events_no_replace",
    "audit_log_no_replace",
}


def _triggers(ws) -> set[str]:
    with ws.db.read() as s:
        return set(s.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))


def _found(ws, query: str) -> set[tuple[str, str, str | None]]:
    return {(h.ref, h.where, h.event_id) for h in search(ws, query, limit=500)}


def test_a_batch_is_searchable_and_the_triggers_are_back_afterwards(ws, clock):
    import_sources(ws, [Source(f"b{i}", d) for i, d in enumerate(DOCS)], batch=7)
    assert _triggers(ws) >= SET_ASIDE
    doc = DOCS[5]
    entry = next(e for e in doc["events"] if len(e.get("summary", "").split()) >= 3)
    words = " ".join(entry["summary"].split()[:3])
    assert (doc["case"]["ref"], "entry", entry["id"]) in _found(ws, words)
    surname = doc["case"]["resident"]["name"].split()[-1]
    assert (doc["case"]["ref"], "case", None) in _found(ws, surname)
    # every entry and case is in the search index once, as the triggers would have put them
    with ws.db.read() as s:
        assert s.scalar(text("SELECT count(*) FROM event_fts")) == s.scalar(
            text("SELECT count(*) FROM case_events")
        )
        assert s.scalar(text("SELECT count(*) FROM case_fts")) == len(DOCS)
    # the guards are back: a REPLACE of an entry is refused from any connection
    raw = sqlite3.connect(ws.db.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("REPLACE INTO case_events SELECT * FROM case_events LIMIT 1")
    raw.close()
    # and an entry recorded afterwards is indexed by its trigger again
    record_event(
        ws,
        doc["case"]["ref"],
        {
            "type": "contact",
            "channel": "phone",
            "direction": "out",
            "by": doc["case"]["officer"],
            "summary": "zanzibar quokka follow-up",
        },
    )
    assert {ref for ref, _, _ in _found(ws, "zanzibar quokka")} == {doc["case"]["ref"]}


def test_a_batch_refused_midway_leaves_the_triggers_and_indexes_whole(ws, monkeypatch):
    """The bulk insert fails on a ref stored meanwhile: the savepoint's rollback puts the
    dropped triggers back, and the bundles then imported one by one are indexed by them."""
    import app.services.bulk as bulk

    import_bundle(ws, DOCS[3])
    monkeypatch.setattr(bulk, "_stored_refs", lambda s, refs: set())
    import_sources(ws, [Source(f"b{i}", d) for i, d in enumerate(DOCS[:6])])
    assert _triggers(ws) >= SET_ASIDE
    with ws.db.read() as s:
        assert s.scalar(text("SELECT count(*) FROM event_fts")) == s.scalar(
            text("SELECT count(*) FROM case_events")
        )
        assert s.scalar(text("SELECT count(*) FROM case_fts")) == 6
