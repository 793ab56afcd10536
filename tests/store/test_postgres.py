"""The same migrations and services on PostgreSQL (the team server)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.services.bundles import export_bundle, import_bundle
from app.services.inbox import InboxQuery, breached_count, count_inbox, list_inbox
from app.services.search import search
from app.services.workspace import Actor, Workspace
from app.store.database import open_database
from tests.pg import needs_pg

pytestmark = needs_pg


def test_migrations_and_services_run_on_postgresql(pg_url, clock, example_doc, seed001_doc):
    from tests.services.test_bundles import assert_same_bundle

    ws = Workspace(open_database(pg_url), Actor("tester", "pg"), clock)
    try:
        import_bundle(ws, example_doc)
        import_bundle(ws, seed001_doc)
        assert_same_bundle(seed001_doc, export_bundle(ws, "HX-0001"))
        assert [r.ref for r in list_inbox(ws)] == ["HX-0001"]
        assert count_inbox(ws).total == 1
        assert [
            r.ref for r in list_inbox(ws, InboxQuery(kinds=("asb", "complaint"), sort="resident"))
        ] == ["HX-0001"]
        assert breached_count(ws, as_of=dt.date(2025, 8, 1)) == 1
        hits = search(ws, "call back")  # PostgreSQL full-text search: English stemming
        assert {(h.ref, h.event_id) for h in hits} == {
            ("HX-0001", "c1"),
            ("HX-0001", "c3"),
            ("HX-0001", "c4"),
            ("EX-ASB-0001", "c3"),
            ("EX-ASB-0001", "c5"),  # "called me back"
            ("EX-ASB-0001", "c6"),  # "Called resident back"
            ("EX-ASB-0001", "k1"),
        }
        assert search(ws, "whitfield")[0].where == "case"
        with ws.db.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text("UPDATE case_events SET summary = 'x'"))
    finally:
        ws.close()
    open_database(pg_url).close()  # re-opening an up-to-date database is a no-op
