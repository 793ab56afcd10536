"""Upgrades with real files: a database written by an older Doorstep opens in this one after a
backup and a migration, and an older Doorstep refuses a database this one wrote, untouched.

``tests/fixtures/databases/doorstep-0001.sqlite`` was written by the release whose schema ended at
revision 0001 (commit dc49c46): it holds the worked example and the seed 001 reconstruction,
imported with that release's own ``doorstep import``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.errors import StorageError
from app.services.bundles import export_bundle
from app.services.workspace import Actor, open_workspace
from app.store.database import head_revision, open_database
from tests.conftest import EXAMPLE, OWN_EXAMPLES, ROOT
from tests.services.test_bundles import assert_same_bundle

OLD_FILE = (
    Path(__file__).resolve().parent.parent / "fixtures" / "databases" / "doorstep-0001.sqlite"
)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def revision_of(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def old_copy(tmp_path) -> Path:
    target = tmp_path / "doorstep.sqlite"
    shutil.copyfile(OLD_FILE, target)
    return target


def test_the_fixture_really_is_an_older_schema():
    assert revision_of(OLD_FILE) == "0001"
    assert head_revision() != "0001"


def test_an_older_database_is_backed_up_then_migrated_and_keeps_every_case(old_copy, clock):
    before = dump(old_copy)
    ws = open_workspace(old_copy, actor=Actor("tester", "test-device"), clock=clock)
    try:
        backup = ws.db.backup_path
        example = export_bundle(ws, "EX-ASB-0001")
        seed = export_bundle(ws, "HX-0001")
    finally:
        ws.close()
    assert revision_of(old_copy) == head_revision()
    # The backup holds the database as the older release left it: every table, row and index.
    assert backup is not None and backup.exists() and dump(backup) == before
    assert revision_of(backup) == "0001"
    assert_same_bundle(json.loads((OWN_EXAMPLES / EXAMPLE).read_text()), example)
    assert seed["case"]["ref"] == "HX-0001" and len(seed["events"]) == 39


def test_a_migrated_database_answers_search_and_the_inbox(old_copy, capsys):
    from app.cli import main

    # Search indexes arrived with revision 0002: the migration must fill them for old cases.
    assert main(["search", "EX-ASB-0001", "--db", str(old_copy), "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert any(h["case"] == "EX-ASB-0001" for h in hits)
    assert main(["inbox", "--db", str(old_copy), "--as-of", "2025-07-01", "--json"]) == 0
    assert [r["case"] for r in json.loads(capsys.readouterr().out)] == ["HX-0001"]


def test_an_older_release_refuses_a_newer_database_and_leaves_it_untouched(tmp_path, monkeypatch):
    current = tmp_path / "current.sqlite"
    open_database(current).close()
    before = digest(current)
    # The older release: the same code with only the migrations it shipped (up to 0001).
    older = tmp_path / "older-db"
    shutil.copytree(ROOT / "db", older, ignore=shutil.ignore_patterns("__pycache__"))
    for script in (older / "versions").glob("*.py"):
        if not script.name.startswith("0001_"):
            script.unlink()
    monkeypatch.setattr("app.store.database.migrations_dir", lambda: older)
    assert head_revision() == "0001"
    with pytest.raises(StorageError, match="newer version of Doorstep"):
        open_database(current)
    assert digest(current) == before
    assert not list(tmp_path.glob("current.backup-*"))


def test_upgrade_due_tells_an_older_file_from_a_current_new_or_foreign_one(old_copy, tmp_path):
    from app.store.database import upgrade_due

    assert upgrade_due(old_copy)
    open_database(old_copy).close()
    assert not upgrade_due(old_copy)  # upgraded
    assert not upgrade_due(tmp_path / "missing.sqlite")
    foreign = tmp_path / "other.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (t TEXT)")
    conn.commit()
    conn.close()
    assert not upgrade_due(foreign)  # not ours: opening refuses it in its own words
    newer = tmp_path / "newer.sqlite"
    shutil.copyfile(old_copy, newer)
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    assert not upgrade_due(newer)  # a newer release's file is refused, never upgraded
