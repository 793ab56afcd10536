"""Bulk import with batches planned in worker processes (services/bulk_plan.py): what they plan
is stored exactly as what this process plans, and a worker that dies loses nothing."""

from __future__ import annotations

import os
import pickle
import signal

from sqlalchemy import select

from app.services import bulk_plan
from app.services.bulk import Source, import_sources
from app.services.search import search
from app.services.trail import verify_trail
from app.store.models import Case
from app.store.policies import load_registry
from tests.services import test_bulk_import as base

DOCS, stored = base.DOCS, base.stored
other = base.other  # the fixture: a second, empty workspace
SOURCES = [Source(f"b{i}", d) for i, d in enumerate(DOCS)]


def _spy(monkeypatch, kill: bool = False) -> list[bool]:
    """Record, for each batch submitted, whether a worker process planned it; with ``kill``,
    kill every worker right after the first batch is handed to them."""
    seen: list[bool] = []
    submit = bulk_plan.Planner.submit

    def spying(self, sources, now):
        future = submit(self, sources, now)
        seen.append(self.pool is not None)
        if kill and self.pool is not None and seen.count(True) == 1:
            for pid in list(self.pool._processes):
                os.kill(pid, signal.SIGKILL)
        return future

    monkeypatch.setattr(bulk_plan.Planner, "submit", spying)
    return seen


def test_batches_planned_by_workers_are_stored_as_batches_planned_here(ws, other, monkeypatch):
    seen = _spy(monkeypatch)
    there = import_sources(ws, SOURCES, batch=4, workers=2)
    assert seen.count(True) >= 4  # the first batch here, the rest by the workers
    assert there.batches_by_workers == seen.count(True)
    here = import_sources(other, SOURCES, batch=4, workers=0)
    assert there.cases == here.cases == len(DOCS) and not there.refused
    assert [w for w, _ in there.imported] == [w for w, _ in here.imported]  # in source order
    assert stored(ws) == stored(other)
    assert verify_trail(ws).ok
    name = DOCS[5]["case"]["resident"]["name"]
    assert DOCS[5]["case"]["ref"] in {h.ref for h in search(ws, name)}


def test_a_killed_worker_loses_nothing_the_batch_is_planned_here(ws, other, monkeypatch):
    seen = _spy(monkeypatch, kill=True)
    outcome = import_sources(ws, SOURCES, batch=4, workers=2)
    assert True in seen and not outcome.refused and outcome.cases == len(DOCS)
    assert outcome.batches_by_workers < seen.count(True)  # the killed workers' batches: here
    import_sources(other, SOURCES, batch=4, workers=0)
    assert stored(ws) == stored(other)
    assert verify_trail(ws).ok


def test_refusals_from_workers_name_their_source(ws, monkeypatch):
    bad = [Source("broken", problem="not valid JSON (column 3: Expecting value)")]
    wrong = dict(DOCS[0], case=dict(DOCS[0]["case"], kind="telepathy"))
    sources = [*SOURCES[:5], *bad, Source("wrong", wrong), *SOURCES[5:10]]
    seen = _spy(monkeypatch)
    outcome = import_sources(ws, sources, batch=3, workers=1)
    assert seen.count(True) >= 3
    refused = dict(outcome.refused)
    assert set(refused) == {"broken", "wrong"} and "telepathy" in refused["wrong"]
    with ws.db.read() as s:
        assert s.scalar(select(Case.id).where(Case.ref == DOCS[4]["case"]["ref"])) is not None


def test_the_policies_cross_to_a_worker_without_their_built_histories(ws):
    with ws.db.read() as s:
        registry = load_registry(s)
    before = registry.history(registry.default)
    copy = pickle.loads(pickle.dumps(registry))
    assert copy.names() == registry.names() and copy.default == registry.default
    assert repr(copy.history(copy.default).versions) == repr(before.versions)
