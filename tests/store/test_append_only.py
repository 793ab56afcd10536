"""History and the audit trail cannot be changed, removed or replaced with raw SQL, on SQLite
(through Doorstep's connections and through any other) and on PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.services.bundles import import_bundle
from app.services.search import search
from app.services.trail import verify_trail
from app.services.workspace import Actor, Workspace
from app.store.database import open_database
from app.store.models import CaseEvent
from tests.pg import skip_without_pg

SQLITE_ATTEMPTS = [
    "UPDATE case_events SET summary = 'rewritten'",
    "DELETE FROM case_events",
    "INSERT OR REPLACE INTO case_events SELECT * FROM case_events LIMIT 1",
    "REPLACE INTO case_events SELECT * FROM case_events LIMIT 1",
    # same case and local id, a new UUID and a new summary: REPLACE would drop the old row
    "INSERT OR REPLACE INTO case_events (id, case_id, local_id, seq, type, at, summary, data, "
    "actor, recorded_at, recorded_by, device) SELECT 'ffffffffffffffffffffffffffffffff', "
    "case_id, local_id, seq, type, at, 'rewritten', data, actor, recorded_at, recorded_by, "
    "device FROM case_events LIMIT 1",
    # an existing rowid
    "INSERT OR REPLACE INTO case_events (rowid, id, case_id, local_id, seq, type, at, summary, "
    "data, actor, recorded_at, recorded_by, device) SELECT rowid, 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', "
    "case_id, 'new-local', seq, type, at, 'rewritten', data, actor, recorded_at, recorded_by, "
    "device FROM case_events LIMIT 1",
    "UPDATE audit_log SET actor = 'someone.else'",
    "DELETE FROM audit_log",
    "INSERT OR REPLACE INTO audit_log SELECT * FROM audit_log LIMIT 1",
    "REPLACE INTO audit_log SELECT * FROM audit_log LIMIT 1",
    # a new entry claiming an existing number
    "REPLACE INTO audit_log (id, at, actor, device, action, entity, entity_id, detail, seq, "
    "prev_hash, hash) SELECT 'dddddddddddddddddddddddddddddddd', at, 'forger', device, action, "
    "entity, entity_id, detail, seq, prev_hash, hash FROM audit_log LIMIT 1",
]


def snapshot(run) -> tuple:
    """Every stored event and trail entry; ``run`` executes one SQL text."""
    events = run("SELECT * FROM case_events ORDER BY id").fetchall()
    trail = run("SELECT * FROM audit_log ORDER BY seq").fetchall()
    return events, trail


@pytest.fixture
def stored(tmp_path, clock, example_doc):
    path = tmp_path / "cases.sqlite"
    ws = Workspace(open_database(path), Actor("tester", "laptop"), clock)
    import_bundle(ws, example_doc)
    yield ws, path
    ws.close()


@pytest.mark.parametrize("sql", SQLITE_ATTEMPTS)
def test_raw_sql_from_another_program_is_refused_on_sqlite(stored, sql):
    ws, path = stored
    conn = sqlite3.connect(path)  # not Doorstep's connection: recursive_triggers is off here
    before = snapshot(conn.execute)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute(sql)
    conn.rollback()
    assert snapshot(conn.execute) == before
    assert conn.execute("INSERT INTO event_fts(event_fts) VALUES('integrity-check')")
    conn.close()
    assert verify_trail(ws).ok
    assert {h.event_id for h in search(ws, "loud music")} >= {"r1"}  # search still in step


@pytest.mark.parametrize("sql", SQLITE_ATTEMPTS)
def test_raw_sql_through_doorsteps_own_connection_is_refused(stored, sql):
    ws, path = stored
    with ws.db.engine.connect() as conn:
        before = snapshot(conn.exec_driver_sql)
    with pytest.raises(DBAPIError, match="append-only"), ws.db.engine.begin() as conn:
        conn.exec_driver_sql(sql)
    with ws.db.engine.connect() as conn:
        assert snapshot(conn.exec_driver_sql) == before
        assert conn.exec_driver_sql("PRAGMA recursive_triggers").scalar() == 1


def test_the_search_index_keeps_every_event_after_refused_replaces(stored):
    ws, path = stored
    conn = sqlite3.connect(path)
    n = conn.execute("SELECT count(*) FROM case_events").fetchone()[0]
    for sql in SQLITE_ATTEMPTS[2:6]:
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute(sql)
    assert conn.execute("SELECT count(*) FROM event_fts").fetchone()[0] == n
    assert (
        conn.execute("SELECT count(*) FROM event_fts WHERE event_fts MATCH 'rewritten'").fetchone()[
            0
        ]
        == 0
    )
    conn.close()


# --- PostgreSQL ----------------------------------------------------------------------------------

# The ORM's columns: case_events.search_tsv (migration 0006) is generated, so not inserted.
EVENT_COLUMNS = ", ".join(c.name for c in CaseEvent.__table__.columns)
PG_ATTEMPTS = [
    "UPDATE case_events SET summary = 'rewritten'",
    "DELETE FROM case_events",
    "TRUNCATE case_events CASCADE",
    f"INSERT INTO case_events ({EVENT_COLUMNS}) SELECT {EVENT_COLUMNS} FROM case_events LIMIT 1 "
    "ON CONFLICT (id) DO UPDATE SET summary = 'rewritten'",
    "UPDATE audit_log SET actor = 'someone.else'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
    "INSERT INTO audit_log SELECT * FROM audit_log LIMIT 1 "
    "ON CONFLICT (id) DO UPDATE SET actor = 'forger'",
]


@pytest.mark.postgres
@skip_without_pg
@pytest.mark.parametrize("sql", PG_ATTEMPTS)
def test_raw_sql_is_refused_on_postgresql(pg_url, clock, example_doc, sql):
    ws = Workspace(open_database(pg_url), Actor("tester", "pg"), clock)
    try:
        import_bundle(ws, example_doc)
        with ws.db.engine.connect() as conn:
            before = snapshot(conn.exec_driver_sql)
        with pytest.raises(DBAPIError, match="append-only"), ws.db.engine.begin() as conn:
            conn.execute(text(sql))
        with ws.db.engine.connect() as conn:
            assert snapshot(conn.exec_driver_sql) == before
        assert verify_trail(ws).ok
    finally:
        ws.close()
