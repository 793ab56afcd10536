"""The one deliberate way to delete case events (migration 0005): the retention marker names a
closed case inside the deleting transaction. Without it, or for an open case, DELETE is refused,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.services.bundles import import_bundle
from app.services.cases import create_case, record_event
from app.services.retention import delete_cases, retention_due
from app.services.trail import verify_trail
from app.services.workspace import Actor, Workspace
from app.store.database import open_database
from tests.pg import skip_without_pg
from tests.services.privacy_helpers import act_as, people

CONTACT = {
    "type": "contact",
    "at": "2025-06-20T10:00:00+01:00",
    "channel": "phone",
    "direction": "in",
    "by": "resident",
    "summary": "Called",
}


def _workspace(target, clock):
    ws = Workspace(open_database(target), Actor("tester", "laptop"), clock)
    return ws


def _check(ws, example_doc):
    import_bundle(ws, example_doc)  # a closed ASB case
    closed_ref = example_doc["case"]["ref"]
    create_case(ws, ref="OPEN-1", kind="general", officer="k.mensah", resident_name="R")
    record_event(ws, "OPEN-1", CONTACT)
    with ws.db.engine.connect() as conn:

        def case_id(ref):
            return conn.execute(text("SELECT id FROM cases WHERE ref = :r"), {"r": ref}).scalar()

        def events():
            return conn.execute(text("SELECT count(*) FROM case_events")).scalar()

        closed, open_ = case_id(closed_ref), case_id("OPEN-1")
        before = events()
        # a marker on an open case does not open the door
        conn.execute(text("INSERT INTO retention_delete(case_id) VALUES (:c)"), {"c": open_})
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text("DELETE FROM case_events WHERE case_id = :c"), {"c": open_})
        conn.rollback()
        with pytest.raises(DBAPIError, match="append-only"):  # closed, but no marker
            conn.execute(text("DELETE FROM case_events WHERE case_id = :c"), {"c": closed})
        conn.rollback()
        with pytest.raises(DBAPIError, match="append-only"):  # a marker for one case only
            conn.execute(text("INSERT INTO retention_delete(case_id) VALUES (:c)"), {"c": closed})
            conn.execute(text("DELETE FROM case_events"))
        conn.rollback()
        conn.execute(text("INSERT INTO retention_delete(case_id) VALUES (:c)"), {"c": closed})
        conn.execute(text("DELETE FROM case_events WHERE case_id = :c"), {"c": closed})
        assert events() == 1  # only the open case's contact is left
        conn.rollback()
        assert events() == before
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text("UPDATE case_events SET summary = 'x'"))
        conn.rollback()


def test_sqlite(tmp_path, clock, example_doc):
    ws = _workspace(tmp_path / "cases.sqlite", clock)
    try:
        _check(ws, example_doc)
    finally:
        ws.close()


@pytest.mark.postgres
@skip_without_pg
def test_postgresql(pg_url, clock, example_doc):
    ws = _workspace(pg_url, clock)
    try:
        _check(ws, example_doc)
        with ws.db.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text("TRUNCATE case_events CASCADE"))
        # the service's path works there too, and the trail still verifies
        people(ws)
        act_as(ws, "m.lee")
        clock.set("2032-01-01T10:00:00+00:00")
        ref = example_doc["case"]["ref"]
        assert [d.ref for d in retention_due(ws).due] == [ref]
        assert delete_cases(ws, [ref], "retention period over").deleted == (ref,)
        assert retention_due(ws).due == () and verify_trail(ws).ok
    finally:
        ws.close()
