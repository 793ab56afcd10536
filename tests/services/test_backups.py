"""Verified backups: made, refused when damaged, restored atomically, pruned, once a day."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat

import pytest

from app.errors import ValidationError
from app.services.backups import (
    PostgresBackup,
    backup,
    backups_dir,
    prune_backups,
    restore,
    scheduled_backup,
    verify_backup,
)
from app.services.cases import create_case, find_case
from app.services.workspace import Actor, Workspace, open_workspace, put_setting
from app.store.database import head_revision, open_database


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def refs(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT ref FROM cases ORDER BY ref")]
    finally:
        conn.close()


def add_case(ws, ref: str) -> None:
    create_case(ws, ref=ref, kind="general", officer="a.khan", resident_name="Ms D")


def test_a_backup_verifies_and_only_its_owner_can_read_it(ws, umask_022):
    add_case(ws, "GEN-1")
    out = backup(ws)
    assert out.parent == backups_dir(ws.db.path) == ws.db.path.parent / "backups"
    assert out.name == "cases-20250624T100000Z.sqlite"
    assert verify_backup(out) == head_revision()
    assert refs(out) == ["GEN-1"]
    assert mode(out) == 0o600 and mode(out.parent) == 0o700
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no partial left


def test_a_backup_to_a_named_file_refuses_to_overwrite(ws, tmp_path):
    target = tmp_path / "copy.sqlite"
    assert backup(ws, target) == target
    with pytest.raises(ValidationError, match="already exists"):
        backup(ws, target)
    with pytest.raises(ValidationError, match="over the database itself"):
        backup(ws, ws.db.path)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p: p.write_text("not a database\n"), "not an SQLite file"),
        (lambda p: p.write_bytes(p.read_bytes()[:8192]), "damaged"),
        (lambda p: _scramble(p), "damaged"),
        (lambda p: _foreign(p), "not a Doorstep database"),
        (lambda p: _newer(p), "newer Doorstep"),
    ],
)
def test_restore_refuses_a_copy_that_does_not_verify_and_changes_nothing(
    ws, tmp_path, damage, message
):
    add_case(ws, "GEN-1")
    copy = backup(ws, tmp_path / "copy.sqlite")
    damage(copy)
    ws.close()
    before = ws.db.path.read_bytes()
    with pytest.raises(ValidationError, match=message):
        restore(ws.db.path, copy)
    assert ws.db.path.read_bytes() == before
    assert not (ws.db.path.parent / "backups").exists()  # nothing kept: nothing was replaced


def _scramble(path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for i in range(page * 2 + 100, min(len(data), page * 6), 7):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def _foreign(path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()


def _newer(path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()


def test_restore_round_trips_and_keeps_the_replaced_database(tmp_path, clock, umask_022):
    path = tmp_path / "cases.sqlite"
    ws = Workspace(open_database(path), Actor("tester", "laptop"), clock)
    add_case(ws, "GEN-1")
    copy = backup(ws)
    add_case(ws, "GEN-2")  # made after the backup: gone after restoring it
    ws.close()
    kept = restore(path, copy, now=dt.datetime(2025, 6, 25, 8, tzinfo=dt.UTC))
    assert refs(path) == ["GEN-1"]
    assert kept.name == "cases-20250625T080000Z-before-restore.sqlite"
    assert refs(kept) == ["GEN-1", "GEN-2"] and verify_backup(kept)
    assert mode(path) == 0o600 and mode(kept) == 0o600
    assert not path.with_name("cases.sqlite-wal").exists() or refs(path) == ["GEN-1"]
    ws = Workspace(open_database(path), Actor("tester", "laptop"), clock)
    with ws.db.read() as s:
        assert find_case(s, "GEN-1").ref == "GEN-1"
    ws.close()


def test_restore_into_a_new_place(tmp_path, ws):
    copy = backup(ws)
    target = tmp_path / "elsewhere" / "new.sqlite"
    assert restore(target, copy) is None
    assert verify_backup(target) == head_revision()


def test_postgresql_is_backed_up_with_pg_dump():
    with pytest.raises(PostgresBackup, match="pg_dump"):
        restore("postgresql+psycopg://u:p@127.0.0.1/db", "x.sqlite")


def test_pruning_keeps_recent_copies_the_newest_and_other_files(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    names = [
        "cases-20250601T090000Z.sqlite",  # 23 days old: removed
        "cases-20250609T090000Z.sqlite",  # 15 days: removed
        "cases-20250611T090000Z.sqlite",  # 13 days: kept
        "cases-20250624T090000Z.sqlite",  # today: kept
        "cases-20250501T090000Z-before-restore.sqlite",  # old: removed
        "notes.txt",  # not ours: kept
        "cases.sqlite",  # not a backup name: kept
    ]
    for n in names:
        (folder / n).write_text("x")
    now = dt.datetime(2025, 6, 24, 10, tzinfo=dt.UTC)
    removed = prune_backups(folder, 14, now)
    assert sorted(p.name for p in removed) == sorted([names[0], names[1], names[4]])
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [names[2], names[3], names[5], names[6]]
    )
    # the newest copy stays even when every copy is old
    assert prune_backups(folder, 1, now + dt.timedelta(days=60)) != []
    assert [p.name for p in folder.iterdir() if p.name.startswith("cases-")] == [names[3]]
    with pytest.raises(ValidationError):
        prune_backups(folder, 0, now)


def test_pruning_removes_a_copy_cut_short_a_day_ago(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    stale, fresh = folder / ".cases-1.sqlite.partial", folder / ".cases-2.sqlite.partial"
    for p in (stale, fresh):
        p.write_text("x")
    now = dt.datetime.now(dt.UTC)
    os.utime(stale, (now.timestamp() - 2 * 86400,) * 2)
    assert prune_backups(folder, 14, now) == [stale]
    assert fresh.exists()


def test_the_scheduled_backup_makes_one_a_day_and_prunes_by_the_setting(ws, clock):
    first = scheduled_backup(ws)
    assert first is not None and verify_backup(first)
    clock.set("2025-06-24T16:00:00+00:00")
    assert scheduled_backup(ws) is None  # one a day
    with ws.db.write() as s:
        put_setting(s, "backup_keep_days", 3)
    clock.set("2025-06-26T09:00:00+00:00")
    second = scheduled_backup(ws)
    assert second is not None
    clock.set("2025-06-29T09:00:00+00:00")
    third = scheduled_backup(ws)
    left = sorted(p.name for p in backups_dir(ws.db.path).iterdir())
    assert left == sorted([second.name, third.name])  # the first is more than 3 days old


def test_a_team_database_gets_no_scheduled_backup():
    """PostgreSQL has no file to copy: scheduled_backup does nothing rather than fail."""

    class Db:
        is_sqlite = False
        path = None

    class Ws:
        db = Db()

    assert scheduled_backup(Ws()) is None


def test_backup_of_a_file_opened_read_only_is_allowed(tmp_path, clock):
    path = tmp_path / "cases.sqlite"
    open_workspace(path, clock=clock).close()
    ws = open_workspace(path, clock=clock, create=False)
    assert verify_backup(backup(ws)) == head_revision()
    ws.close()
