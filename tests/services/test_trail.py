"""verify_trail over real writes: any changed, removed or inserted entry is found and named."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import select

from app.services.bundles import import_bundle
from app.services.cases import create_case, record_event
from app.services.trail import verify_trail
from app.services.workspace import Actor, Workspace
from app.store.database import open_database
from app.store.models import AuditLog
from tests.pg import skip_without_pg

CALL = {"type": "contact", "channel": "phone", "direction": "in", "by": "resident", "summary": "x"}


@pytest.fixture
def written(ws, clock, example_doc):
    """Five trail entries, each a minute apart."""
    import_bundle(ws, example_doc)
    create_case(ws, ref="GEN-1", kind="general", officer="a.khan", resident_name="Ms B")
    for minute in ("01", "02", "03"):
        clock.set(f"2025-06-24T10:{minute}:00+00:00")
        record_event(ws, "GEN-1", dict(CALL))
    return ws


def tamper(ws: Workspace, *sql: str) -> None:
    """Edit the file the way someone with their own SQLite tool could: drop the guards first."""
    conn = sqlite3.connect(ws.db.path)
    for trigger in ("audit_log_no_update", "audit_log_no_delete", "audit_log_no_replace"):
        conn.execute(f"DROP TRIGGER {trigger}")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_every_write_is_in_the_chain_and_verifies(written):
    check = verify_trail(written)
    assert check.ok and check.entries == 5
    with written.db.read() as s:
        rows = s.scalars(select(AuditLog).order_by(AuditLog.seq)).all()
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert [r.action for r in rows] == ["import_bundle", "create_case"] + ["record_event"] * 3
    assert all(r.prev_hash == p.hash for p, r in zip(rows, rows[1:], strict=False))
    # what changed, never who the resident is
    assert rows[2].detail["fields"] == ["by", "channel", "direction", "summary"]
    assert "Ms B" not in str([r.detail for r in rows])


def test_a_changed_entry_is_found(written):
    tamper(written, "UPDATE audit_log SET actor = 'someone.else' WHERE seq = 3")
    check = verify_trail(written)
    assert not check.ok and check.broken.seq == 3
    assert check.problem == (
        "Trail entry 3 (2025-06-24 10:01:00 UTC, record_event) was changed after it was recorded."
    )


def test_a_deleted_entry_is_found(written):
    tamper(written, "DELETE FROM audit_log WHERE seq = 2")
    check = verify_trail(written)
    assert check.broken.seq == 3 and "entry 2 were removed" in check.problem
    assert "10:01:00 UTC, record_event" in check.problem


def test_a_deleted_last_entry_is_found(written):
    tamper(written, "DELETE FROM audit_log WHERE seq = 5")
    assert "entries 5 to 5 were removed after entry 4" in verify_trail(written).problem


def test_an_inserted_entry_is_found(written):
    tamper(
        written,
        "INSERT INTO audit_log (id, at, actor, device, action, entity, entity_id, detail) "
        "VALUES ('cccccccccccccccccccccccccccccccc', '2025-06-24 09:30:00.000000', 'forger', '', "
        "'close_case', 'case', 'GEN-1', '{}')",
    )
    check = verify_trail(written)
    assert not check.ok
    assert "an entry with no number (2025-06-24 09:30:00 UTC, close_case)" in check.problem


def test_a_renumbered_insertion_is_found(written):
    tamper(
        written,  # make room for a forged entry 3 linked to entry 2, then add it
        "UPDATE audit_log SET seq = -seq WHERE seq >= 3",
        "UPDATE audit_log SET seq = 1 - seq WHERE seq < 0",
        "INSERT INTO audit_log (id, at, actor, device, action, entity, entity_id, detail, seq, "
        "prev_hash, hash) SELECT 'cccccccccccccccccccccccccccccccc', at, 'forger', device, "
        "'close_case', entity, entity_id, detail, 3, hash, hash FROM audit_log WHERE seq = 2",
    )
    check = verify_trail(written)
    assert check.broken.seq == 3 and "close_case" in check.problem


@pytest.mark.postgres
@skip_without_pg
def test_concurrent_writers_on_postgresql_do_not_fork_the_chain(pg_url):
    setup = Workspace(open_database(pg_url), Actor("setup", "pg"))
    for ref in ("A-1", "B-1"):
        create_case(setup, ref=ref, kind="general", officer="a.khan", resident_name="Ms C")
    errors: list[BaseException] = []

    def officer(ref: str, name: str) -> None:
        ws = Workspace(open_database(pg_url), Actor(name, "pg"))
        try:
            for _ in range(15):
                record_event(ws, ref, dict(CALL))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            ws.close()

    workers = [
        threading.Thread(target=officer, args=("A-1", "a.khan")),
        threading.Thread(target=officer, args=("B-1", "r.morgan")),
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert errors == []
    check = verify_trail(setup)
    setup.close()
    assert check.ok and check.entries == 2 + 30
