"""store/bulk_indexes.py: a large import sets the ordering indexes aside and makes them again
at the end, when it fails, or — killed — at the next open of the database."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import text

from app.services import bulk
from app.services.bulk import Source, import_sources
from app.services.workspace import Actor, open_workspace
from app.store import bulk_indexes
from tests.services.test_bulk_import import DOCS


def _indexes(ws) -> dict[str, str]:
    with ws.db.read() as s:
        return dict(
            s.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            ).all()
        )


def _record(ws):
    with ws.db.read() as s:
        return s.execute(
            text("SELECT value FROM settings WHERE key = :k"), {"k": bulk_indexes.KEY}
        ).scalar()


def test_an_import_into_an_empty_database_builds_the_indexes_at_the_end(ws, monkeypatch):
    before = _indexes(ws)
    dropped = []
    real = bulk_indexes.set_aside
    monkeypatch.setattr(
        bulk_indexes, "set_aside", lambda conn: dropped.append(real(conn)) or dropped[-1]
    )
    outcome = import_sources(
        ws, [Source(f"b{i}", d) for i, d in enumerate(DOCS[:8])], batch=2, workers=0
    )
    assert outcome.cases == 8 and dropped and dropped[0] >= 10  # the ordering indexes only
    assert _indexes(ws) == before and _record(ws) is None
    unique = [n for n, sql in before.items() if "UNIQUE" in sql.upper()]
    assert all(n in _indexes(ws) for n in unique)


def test_an_import_that_fails_midway_makes_them_again(ws, monkeypatch):
    before = _indexes(ws)
    calls = []
    real = bulk._batch

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "_batch", failing)
    with pytest.raises(KeyboardInterrupt):
        import_sources(
            ws, [Source(f"b{i}", d) for i, d in enumerate(DOCS[:10])], batch=2, workers=0
        )
    assert _indexes(ws) == before and _record(ws) is None
    with ws.db.read() as s:
        assert s.scalar(text("SELECT count(*) FROM cases")) == 4  # the batches written are kept


def _set_aside_by(ws, pid: int) -> None:
    with ws.db.write() as s:
        assert bulk_indexes.set_aside(s.connection()) > 0
        record = json.loads(_record_in(s))
        record["pid"] = pid
        s.execute(
            text("UPDATE settings SET value = :v WHERE key = :k"),
            {"v": json.dumps(record), "k": bulk_indexes.KEY},
        )


def _record_in(s):
    return s.execute(
        text("SELECT value FROM settings WHERE key = :k"), {"k": bulk_indexes.KEY}
    ).scalar()


def test_indexes_left_aside_by_a_killed_import_are_made_again_when_the_database_opens(tmp_path):
    path = tmp_path / "killed.sqlite"
    ws = open_workspace(path, actor=Actor("tester", "dev"))
    before = _indexes(ws)
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    _set_aside_by(ws, int(gone.stdout))  # a process that has ended
    assert len(_indexes(ws)) < len(before)
    ws.close()
    again = open_workspace(path, actor=Actor("tester", "dev"))
    try:
        assert _indexes(again) == before and _record(again) is None
    finally:
        again.close()


def test_an_import_still_running_keeps_its_indexes_aside_when_another_opens(tmp_path):
    import os

    path = tmp_path / "running.sqlite"
    ws = open_workspace(path, actor=Actor("tester", "dev"))
    before = _indexes(ws)
    _set_aside_by(ws, os.getpid())  # this process: still running
    other = open_workspace(path, actor=Actor("tester", "dev"))
    try:
        assert len(_indexes(other)) < len(before) and _record(other) is not None
    finally:
        other.close()
    with ws.db.write() as s:
        assert bulk_indexes.restore(s.connection()) > 0
    assert _indexes(ws) == before
    ws.close()
