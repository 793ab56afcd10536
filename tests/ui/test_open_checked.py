"""Opening a file whose integrity check is due (seconds at 100,000 cases, ten from disk after a
restart) or that an older release wrote (a backup, then the upgrade): the work runs off the UI
thread behind a progress dialog that says why the officer waits; a file known good opens at
once, with no dialog."""

from __future__ import annotations

import shutil
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from app.errors import DoorstepError
from app.services.workspace import open_workspace
from app.store import database, integrity
from app.ui.app import open_checked
from tests.store.test_upgrades import OLD_FILE, revision_of


@pytest.fixture
def slow_check(monkeypatch, tmp_path):
    """A known-good file whose check is made due, and a check that takes 0.8 s as a large one does."""
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "c.sqlite"
    open_workspace(path).close()
    calls = []
    real = database._quick_check

    def slow(db, conn):
        calls.append(1)
        time.sleep(0.8)
        real(db, conn)

    monkeypatch.setattr(database, "_quick_check", slow)
    return path, calls


def _watch(seen: list):
    """Every 50 ms in the UI thread: note the progress dialogs showing (proves it keeps running)."""
    timer = QTimer()
    timer.setInterval(50)

    def tick():
        seen.append(
            [
                w.labelText()
                for w in QApplication.topLevelWidgets()
                if isinstance(w, QProgressDialog) and w.isVisible()
            ]
        )

    timer.timeout.connect(tick)
    timer.start()
    return timer


def test_a_due_check_runs_behind_a_progress_dialog_and_the_ui_keeps_running(qtbot, slow_check):
    path, calls = slow_check
    (path.parent / "data" / integrity.STAMPS).unlink()  # due: never checked for this user
    seen: list = []
    timer = _watch(seen)
    ws = open_checked(str(path), "a.officer")
    timer.stop()
    try:
        assert calls == [1] and ws.db.checked
        assert ws.actor.username == "a.officer"
        assert len(seen) >= 8  # the UI thread ticked all through the 0.8 s check
        labels = [text for shown in seen for text in shown]
        assert labels and all(
            text.startswith(f"Checking {path.name} for damage first") for text in labels
        )
    finally:
        ws.close()
    assert not integrity.needs_check(path)  # checked and closed cleanly: next time at once


def test_a_file_known_good_opens_at_once_without_a_dialog(qtbot, slow_check):
    path, calls = slow_check
    seen: list = []
    timer = _watch(seen)
    ws = open_checked(str(path), "a.officer")
    timer.stop()
    ws.close()
    assert calls == [] and seen == []


def test_a_damaged_file_is_still_refused_in_one_sentence(qtbot, slow_check, monkeypatch):
    path, _calls = slow_check
    (path.parent / "data" / integrity.STAMPS).unlink()

    def damaged(db, conn):
        raise database.StorageError(f"{db.label} fails SQLite's integrity check (page 3).")

    monkeypatch.setattr(database, "_quick_check", damaged)
    with pytest.raises(DoorstepError, match="fails SQLite's integrity check"):
        open_checked(str(path), "a.officer")


def test_an_upgrade_runs_behind_the_dialog_saying_so(qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "doorstep.sqlite"
    shutil.copyfile(OLD_FILE, path)
    real = database.backup_sqlite

    def slow_copy(*args):
        time.sleep(0.8)  # a large file's copy before the upgrade
        return real(*args)

    monkeypatch.setattr(database, "backup_sqlite", slow_copy)
    seen: list = []
    timer = _watch(seen)
    ws = open_checked(str(path), "a.officer")
    timer.stop()
    try:
        assert ws.db.backup_path is not None and revision_of(path) == database.head_revision()
    finally:
        ws.close()
    labels = {text for shown in seen for text in shown}
    assert len(labels) == 1, labels
    label = labels.pop()
    assert "Checking doorstep.sqlite for damage first" in label  # copied in: checked as well
    assert "Upgrading doorstep.sqlite for this version of Doorstep" in label
