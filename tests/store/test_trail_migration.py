"""Migration 0003 chains the entries an older database already holds, in the order written."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from app.services.trail import verify_trail
from app.services.workspace import Actor, Workspace
from app.store.database import _alembic_config, open_database
from tests.pg import skip_without_pg
from tests.store.test_upgrades import OLD_FILE


def test_an_older_databases_entries_are_chained_in_order(tmp_path, clock):
    path = tmp_path / "old.sqlite"
    shutil.copy(OLD_FILE, path)
    ws = Workspace(open_database(path), Actor("tester", "laptop"), clock)
    try:
        check = verify_trail(ws)
        with ws.db.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT seq, at FROM audit_log ORDER BY seq").fetchall()
            origins = conn.exec_driver_sql("SELECT DISTINCT origin FROM case_events").fetchall()
        assert check.ok and check.entries == len(rows) > 0
        assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
        assert [r[1] for r in rows] == sorted(r[1] for r in rows)
        assert origins == [(None,)]  # unknown for events stored before 0003
    finally:
        ws.close()


@pytest.mark.postgres
@skip_without_pg
def test_entries_on_a_postgresql_server_at_0002_are_chained(pg_url):
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0002")
        base = dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC)
        for i in (3, 1, 2):  # written out of order: chained by time
            conn.execute(
                text(
                    "INSERT INTO audit_log (id, at, actor, device, action, entity, entity_id, "
                    "detail) VALUES (:id, :at, 'a.khan', 'pc', :action, 'case', 'X', :detail)"
                ),
                {
                    "id": uuid.uuid4(),
                    "at": base + dt.timedelta(hours=i),
                    "action": f"step_{i}",
                    "detail": json.dumps({"n": i}),
                },
            )
    engine.dispose()
    ws = Workspace(open_database(pg_url), Actor("tester", "pg"))
    try:
        assert verify_trail(ws).entries == 3 and verify_trail(ws).ok
        with ws.db.engine.connect() as conn:
            order = conn.exec_driver_sql("SELECT action FROM audit_log ORDER BY seq").fetchall()
        assert [r[0] for r in order] == ["step_1", "step_2", "step_3"]
    finally:
        ws.close()
