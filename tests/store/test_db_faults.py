"""Database faults get one sentence (issue 10 item 13): a damaged, empty or foreign file, a
damaged schema record, a policy version that cannot be used, and an export that cannot be
written are refused without a traceback, and nothing is changed or left half-written."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.errors import DoorstepError, StorageError
from app.store.database import open_database
from tests.conftest import EXAMPLE, OWN_EXAMPLES

BUNDLE = OWN_EXAMPLES / EXAMPLE
OTHER = (
    Path(__file__).resolve().parents[1] / "fixtures/own-example/complaint-escalation-ignored.json"
)
REF = json.loads(BUNDLE.read_text())["case"]["ref"]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_sentence(err: str) -> bool:
    return err.startswith("doorstep: ") and err.count("\n") == 1 and "Traceback" not in err


@pytest.fixture
def filled(tmp_path, capsys) -> Path:
    """A database holding the worked example's case, closed (its WAL checkpointed)."""
    db = tmp_path / "cases.sqlite"
    code, _, err = run(capsys, "import", BUNDLE, "--db", db)
    assert code == 0, err
    return db


def damage(db: Path) -> None:
    """Overwrite the middle of the file (past the first page, where the schema lives)."""
    size = db.stat().st_size
    with db.open("r+b") as fh:
        fh.seek(4096 * 3)
        fh.write(b"\xde\xad\xbe\xef" * ((size - 4096 * 3) // 8))


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "call"],
        ["audit", "--all"],
        ["import", str(BUNDLE), "--merge"],
        ["inbox"],
        ["export", REF],
    ],
)
def test_a_damaged_file_is_refused_in_one_sentence(capsys, filled, argv):
    damage(filled)
    code, out, err = run(capsys, *argv, "--db", filled)
    assert code == 1 and out == ""
    assert one_sentence(err), err
    assert "integrity check" in err or "damaged" in err


def test_a_damaged_file_is_refused_when_opened(filled):
    damage(filled)
    with pytest.raises(StorageError, match="integrity check|damaged"):
        open_database(filled)


def test_open_runs_the_quick_check_once(tmp_path, monkeypatch):
    from app.store import database

    calls = []
    real = database._quick_check
    monkeypatch.setattr(
        database, "_quick_check", lambda db, conn: calls.append(1) or real(db, conn)
    )
    db = open_database(tmp_path / "c.sqlite")
    with db.read() as s:
        s.execute(database.text("SELECT 1"))
    with db.write() as s:
        s.execute(database.text("SELECT 1"))
    db.close()
    assert calls == [1]


def test_an_empty_file_is_not_turned_into_a_database(capsys, tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    for argv in (["inbox"], ["export", "X-1"], ["audit", "--all"], ["search", "x"]):
        code, _, err = run(capsys, *argv, "--db", empty)
        assert code == 1 and one_sentence(err), err
        assert f"{empty} is empty — not a Doorstep database" in err
    assert empty.stat().st_size == 0
    assert not Path(f"{empty}-wal").exists()


def test_a_command_that_creates_a_database_may_use_an_empty_file(capsys, tmp_path):
    empty = tmp_path / "new.sqlite"
    empty.touch()
    code, _, err = run(capsys, "import", BUNDLE, "--db", empty)
    assert code == 0, err


def test_another_programs_database_is_refused_untouched(capsys, tmp_path):
    other = tmp_path / "photos.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE photo (name TEXT)")
    con.execute("INSERT INTO photo VALUES ('beach.jpg')")
    con.commit()
    con.close()
    before = other.read_bytes()
    code, _, err = run(capsys, "inbox", "--db", other)
    assert code == 1 and one_sentence(err) and "not a Doorstep database" in err
    assert other.read_bytes() == before  # still in its own journal mode, not switched to WAL
    con = sqlite3.connect(other)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    con.close()
    assert not Path(f"{other}-wal").exists()


def test_our_database_is_still_put_in_wal_mode(tmp_path):
    open_database(tmp_path / "c.sqlite").close()
    con = sqlite3.connect(tmp_path / "c.sqlite")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_two_schema_versions_are_refused_in_one_sentence(capsys, filled):
    con = sqlite3.connect(filled)
    (rev,) = con.execute("SELECT version_num FROM alembic_version").fetchone()
    con.execute("INSERT INTO alembic_version VALUES (?)", (rev + "x",))
    con.commit()
    con.close()
    for argv in (["inbox"], ["import", str(BUNDLE), "--merge"]):
        code, _, err = run(capsys, *argv, "--db", filled)
        assert code == 1 and one_sentence(err), err
        assert "more than one schema version" in err
    with pytest.raises(StorageError, match="more than one schema version"):
        open_database(filled)


def _store_bad_policy(db: Path) -> None:
    """A policy version as a damaged or hand-edited database might hold it: valid TOML with a
    value no policy may have (the services refuse to store one)."""
    from app.store.models import PolicyVersion
    from app.store.policies import shipped_documents

    source = Path(__file__).resolve().parents[2] / "resources" / "policy" / "code-2024.toml"
    text = source.read_text(encoding="utf-8").replace("ack_wd = 5", "ack_wd = -5", 1)
    text = text.replace("version = 3", "version = 99", 1)
    assert "ack_wd = -5" in text and "code-2024" in shipped_documents()
    database = open_database(db)
    try:
        with database.write() as s:
            s.add(
                PolicyVersion(
                    name="code-2024",
                    version=99,
                    effective_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
                    document=text,
                    created_by="someone",
                )
            )
    finally:
        database.close()


@pytest.mark.parametrize(
    "argv",
    [
        ["inbox"],
        ["import", str(OTHER)],
        ["due", "2025-06-02", "5"],
        ["audit", "--all"],
    ],
)
def test_a_bad_policy_version_in_the_database_is_refused_clearly(capsys, filled, argv):
    _store_bad_policy(filled)
    code, _, err = run(capsys, *argv, "--db", filled)
    assert code == 1 and one_sentence(err), err
    assert "policy" in err and "code-2024 version 99" in err


def test_a_bad_policy_version_is_not_stored(ws):
    from app.services.policies import save_closure_days
    from app.store.models import PolicyVersion

    with pytest.raises(DoorstepError):
        save_closure_days(ws, "code-2024", ["1999-12-25"])  # outside the calendar
    with ws.db.read() as s:
        assert s.query(PolicyVersion).count() == 0


def test_export_to_a_missing_folder_is_one_sentence(capsys, filled, tmp_path):
    out = tmp_path / "no" / "such" / "folder" / "case.json"
    code, stdout, err = run(capsys, "export", REF, "--db", filled, "--out", out)
    assert code == 1 and stdout == "" and one_sentence(err), err
    assert "There is no folder" in err and not out.parent.exists()


def _full_disk(monkeypatch):
    real = os.fdopen

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            self.fh.write(data[:10])  # some bytes reach the disk, then it fills
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r": Full(real(fd, mode)))


def test_export_to_a_full_disk_leaves_no_file(capsys, filled, tmp_path, monkeypatch):
    out = tmp_path / "exports" / "case.json"
    out.parent.mkdir()
    _full_disk(monkeypatch)
    code, _, err = run(capsys, "export", REF, "--db", filled, "--out", out)
    assert code == 1 and one_sentence(err), err
    assert "disk is full" in err
    assert list(out.parent.iterdir()) == []  # no 0-byte or partial file, no temporary left


def test_a_full_disk_keeps_the_file_that_was_there(tmp_path, monkeypatch):
    out = tmp_path / "case.json"
    out.write_text("the earlier export")
    from app.paths import write_whole

    _full_disk(monkeypatch)
    with pytest.raises(DoorstepError, match="disk is full"):
        write_whole(out, b"{}" * 1000)
    assert out.read_text() == "the earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["case.json"]


def test_export_writes_the_whole_bundle(capsys, filled, tmp_path):
    out = tmp_path / "case.json"
    code, _, err = run(capsys, "export", REF, "--db", filled, "--out", out)
    assert code == 0, err
    assert json.loads(out.read_text(encoding="utf-8"))["case"]["ref"] == REF
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
