"""The integrity check at open runs unless the file is known good (app/store/integrity.py):
checked within the last week and changed since only by sessions that closed cleanly."""

from __future__ import annotations

import time

import pytest

from app.errors import StorageError
from app.store import database, integrity
from app.store.database import open_database


@pytest.fixture
def checks(monkeypatch, tmp_path):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "data"))
    calls = []
    real = database._quick_check
    monkeypatch.setattr(
        database, "_quick_check", lambda db, conn: calls.append(1) or real(db, conn)
    )
    return calls


def session(path, write: bool = True):
    db = open_database(path)
    if write:
        with db.write() as s:
            s.execute(database.text("CREATE TABLE IF NOT EXISTS scratch (n INTEGER)"))
            s.execute(database.text("INSERT INTO scratch VALUES (1)"))
    db.close()


def test_a_file_closed_cleanly_is_not_checked_again(checks, tmp_path):
    path = tmp_path / "c.sqlite"
    session(path)
    session(path)
    session(path, write=False)
    assert checks == [1]


def test_a_file_changed_outside_doorstep_is_checked_and_refused(checks, tmp_path):
    path = tmp_path / "c.sqlite"
    session(path)
    assert not integrity.needs_check(path)
    size = path.stat().st_size
    with path.open("r+b") as fh:  # damage past the schema page
        fh.seek(4096 * 3)
        fh.write(b"\xde\xad\xbe\xef" * ((size - 4096 * 3) // 8))
    assert integrity.needs_check(path)  # the record no longer vouches for it
    with pytest.raises(StorageError, match="integrity check|damaged"):
        open_database(path)  # refused by the check, or by the first read if it hits the damage


def test_a_leftover_write_ahead_log_means_a_check(checks, tmp_path):
    path = tmp_path / "c.sqlite"
    session(path)
    (tmp_path / "c.sqlite-wal").write_bytes(b"")  # an empty log is a clean close
    session(path, write=False)
    assert checks == [1]
    db = open_database(path)  # a crash: the process dies with the log still there
    with db.write() as s:
        s.execute(database.text("INSERT INTO scratch VALUES (2)"))
    other = open_database(path)  # another process opens it meanwhile
    assert checks == [1, 1]
    other.engine.dispose()
    db.engine.dispose()


def test_a_week_old_check_is_run_again(checks, tmp_path, monkeypatch):
    path = tmp_path / "c.sqlite"
    session(path)
    later = time.time() + (integrity.RECHECK_DAYS + 1) * 86400
    monkeypatch.setattr(integrity.time, "time", lambda: later)
    session(path, write=False)
    assert checks == [1, 1]


def test_an_unwritable_data_folder_means_a_check_every_time(checks, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(blocker / "data"))
    path = tmp_path / "c.sqlite"
    session(path)
    session(path)
    assert checks == [1, 1]
