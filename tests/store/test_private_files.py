"""Files Doorstep keeps are its owner's alone (0600 files, 0700 folders) whatever the umask."""

from __future__ import annotations

import os
import stat

import pytest

from app.paths import make_private, private_dir
from app.store.database import open_database


@pytest.fixture(autouse=True)
def permissive_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_database_its_wal_and_shm_and_its_new_folder_are_owner_only(tmp_path):
    path = tmp_path / "data" / "doorstep" / "cases.sqlite"
    db = open_database(path)
    with db.engine.begin() as conn:  # a write, so the -wal and -shm exist
        conn.exec_driver_sql("INSERT INTO settings (key, value) VALUES ('x', '1')")
    for p in (path, path.with_name("cases.sqlite-wal"), path.with_name("cases.sqlite-shm")):
        assert p.exists() and mode(p) == 0o600, p
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
    db.close()


def test_a_database_in_an_existing_folder_leaves_the_folder_alone(tmp_path):
    folder = tmp_path / "common"
    folder.mkdir(mode=0o755)
    open_database(folder / "cases.sqlite").close()
    assert mode(folder) == 0o755
    assert mode(folder / "cases.sqlite") == 0o600


def test_an_older_world_readable_database_is_tightened_when_opened(tmp_path):
    path = tmp_path / "cases.sqlite"
    open_database(path).close()
    path.chmod(0o644)
    open_database(path).close()
    assert mode(path) == 0o600


def test_a_backup_made_before_migrating_is_owner_only(tmp_path):
    import shutil

    from tests.store.test_upgrades import OLD_FILE

    path = tmp_path / "old.sqlite"
    shutil.copy(OLD_FILE, path)
    path.chmod(0o644)
    db = open_database(path)
    assert db.backup_path is not None and mode(db.backup_path) == 0o600
    db.close()


def test_helpers(tmp_path):
    folder = private_dir(tmp_path / "a" / "b")
    assert mode(folder) == 0o700 and mode(tmp_path / "a") == 0o700
    f = folder / "f"
    f.write_text("x")
    assert mode(f) == 0o644
    make_private(f, folder / "missing")
    assert mode(f) == 0o600
