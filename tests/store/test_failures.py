"""A read-only database, a full disk and a killed process lose nothing already saved."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import event as sa_event

from app.errors import StorageError
from app.services.bundles import import_bundle
from app.services.cases import get_case, record_event
from app.services.workspace import Actor, Workspace
from app.store.database import open_database

ROOT = Path(__file__).resolve().parents[2]
CONTACT = {
    "type": "contact",
    "channel": "phone",
    "direction": "out",
    "by": "k.mensah",
    "summary": "Called",
}


def _counts(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT count(*) FROM case_events").fetchone()[0],
            conn.execute("SELECT count(*) FROM deadlines").fetchone()[0],
        )
    finally:
        conn.close()


def test_read_only_database_refuses_a_write_with_a_clear_message(ws, example_doc, clock):
    import_bundle(ws, example_doc)
    path = ws.db.path
    ws.close()
    before = _counts(path)
    ro = Workspace(open_database(f"sqlite:///file:{path}?mode=ro&uri=true"), Actor("t", "d"), clock)
    assert get_case(ro, "EX-ASB-0001").ref == "EX-ASB-0001"  # reading still works
    with pytest.raises(StorageError, match="read-only"):
        record_event(ro, "EX-ASB-0001", {**CONTACT, "at": "2025-06-24T09:00:00+01:00"})
    ro.close()
    assert _counts(path) == before


def test_full_disk_rolls_the_whole_transaction_back(ws, example_doc):
    import_bundle(ws, example_doc)
    path = ws.db.path
    before = _counts(path)
    with ws.db.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    ws.db.engine.dispose()

    @sa_event.listens_for(ws.db.engine, "connect")
    def _cap(dbapi_conn, _record):  # the disk has room for only a few more pages
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + 2}")

    huge = {**CONTACT, "at": "2025-06-24T09:00:00+01:00", "summary": "x" * 200_000}
    with pytest.raises(StorageError, match="disk is full"):
        record_event(ws, "EX-ASB-0001", huge)
    ws.db.engine.dispose()
    assert _counts(path) == before
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


WRITER = textwrap.dedent(
    """
    import sys, datetime as dt
    sys.path.insert(0, {root!r})
    from app.services.workspace import Actor, open_workspace
    from app.services.cases import record_event
    ws = open_workspace({db!r}, actor=Actor("writer", "child"))
    start = dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC)
    for i in range(100000):
        at = (start + dt.timedelta(minutes=i)).isoformat()
        local, _ = record_event(ws, "EX-ASB-0001", {{"type": "contact", "channel": "phone",
            "direction": "out", "by": "k.mensah", "summary": f"burst {{i}}", "at": at, "id": f"b{{i}}"}})
        print(local, flush=True)
    """
)


def test_sigkill_during_a_burst_of_writes_keeps_every_committed_event(ws, example_doc):
    import_bundle(ws, example_doc)
    path = ws.db.path
    ws.close()
    script = WRITER.format(root=str(ROOT), db=str(path))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    committed = []
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while len(committed) < 25 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        committed.append(line.strip())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert len(committed) >= 25, "the writer did not get going"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored = {r[0] for r in conn.execute("SELECT local_id FROM case_events")}
    conn.close()
    assert set(committed) <= stored
    db = open_database(path)  # opens cleanly, and the engine's view is consistent
    db.close()


class _Lost(Exception):
    """Stands in for psycopg's error when the server's connection drops."""

    def __init__(self, message: str, sqlstate: str | None = None):
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("message", "sqlstate", "committing", "expected"),
    [
        ("terminating connection due to administrator command", "57P01", False, "nothing"),
        ("terminating connection due to administrator command", "57P01", True, "nothing"),
        ("server closed the connection unexpectedly", None, False, "nothing"),
        ("server closed the connection unexpectedly", None, True, "may or may not"),
        ("duplicate key value violates unique constraint", "23505", True, None),
    ],
)
def test_a_write_cut_off_by_the_team_server_says_whether_it_was_saved(
    message, sqlstate, committing, expected
):
    """Only a COMMIT that may have reached the server before the connection dropped is in doubt;
    a server that ended the session itself (57P0x) rolled the transaction back."""
    from sqlalchemy.exc import OperationalError

    from app.store.database import _write_interrupted

    err = _write_interrupted(OperationalError("COMMIT", {}, _Lost(message, sqlstate)), committing)
    if expected is None:
        assert err is None
        return
    assert expected in str(err) and "\n" not in str(err) and "COMMIT" not in str(err)
