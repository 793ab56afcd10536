"""`check_due`: whether opening a file runs SQLite's integrity check first, so the desktop app
can open it behind a progress dialog (app/ui/app.py `open_checked`)."""

from __future__ import annotations

import pytest

from app.services.workspace import check_due, open_workspace
from app.store import integrity


@pytest.fixture(autouse=True)
def own_records(monkeypatch, tmp_path):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "data"))


def test_a_file_is_due_until_checked_and_then_only_after_a_change_outside_doorstep(tmp_path):
    path = tmp_path / "c.sqlite"
    assert not check_due(path)  # a new file: nothing to check, it is made
    open_workspace(path).close()
    assert not check_due(path)  # checked at creation, closed cleanly
    assert not check_due(str(path))
    (tmp_path / "data" / integrity.STAMPS).unlink()  # another user, or a week later
    assert check_due(path)
    open_workspace(path).close()
    assert not check_due(path)
    with path.open("ab") as fh:  # changed by another program
        fh.write(b"\0" * 4096)
    assert check_due(path)


def test_a_server_is_never_due():
    assert not check_due("postgresql+psycopg://doorstep@localhost/doorstep")
