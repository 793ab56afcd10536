"""`opening_work`: what opening a file does first when that takes a while (SQLite's integrity
check; a backup and a schema upgrade), so the desktop app can open it behind a progress dialog
saying which (app/ui/app.py `open_checked`) and the command line can say so on a terminal."""

from __future__ import annotations

import shutil

import pytest

from app.services.workspace import open_workspace, opening_work
from app.store import integrity
from tests.store.test_upgrades import OLD_FILE


@pytest.fixture(autouse=True)
def own_records(monkeypatch, tmp_path):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "data"))


def test_a_check_is_due_until_done_and_again_after_a_change_outside_doorstep(tmp_path):
    path = tmp_path / "c.sqlite"
    assert opening_work(path) == ()  # a new file: nothing to check, it is made
    open_workspace(path).close()
    assert opening_work(path) == ()  # checked at creation, closed cleanly
    assert opening_work(str(path)) == ()
    (tmp_path / "data" / integrity.STAMPS).unlink()  # another user, or a week later
    assert opening_work(path) == ("check",)
    open_workspace(path).close()
    assert opening_work(path) == ()
    with path.open("ab") as fh:  # changed by another program
        fh.write(b"\0" * 4096)
    assert opening_work(path) == ("check",)


def test_a_file_an_older_release_wrote_is_checked_and_upgraded_once(tmp_path):
    path = tmp_path / "doorstep.sqlite"
    shutil.copyfile(OLD_FILE, path)  # copied in: never checked here either
    assert opening_work(path) == ("check", "upgrade")
    open_workspace(path).close()
    assert opening_work(path) == ()


def test_a_server_is_never_due():
    assert opening_work("postgresql+psycopg://doorstep@localhost/doorstep") == ()
