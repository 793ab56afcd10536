"""Closing File › Privacy… while its work runs waits for the work and then closes: it never
hangs (the wait used to block the very thread that had to end the work's thread)."""

from __future__ import annotations

import threading
import time

import pytest

from app.ui.privacy_dialog import PrivacyDialog
from tests.services.privacy_helpers import act_as


@pytest.mark.timeout(60)
def test_closing_while_the_work_runs_waits_for_it_and_closes(qtbot, office):
    dialog = PrivacyDialog(act_as(office, "p.natarajan"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)  # the retention list loaded
    ended = threading.Event()
    dialog._run(lambda _p: (time.sleep(0.3), ended.set()), lambda _r: None, dialog.due_label)
    assert dialog.busy
    result: list[bool] = []
    # without the fix this wait never returns; a watchdog fails the test instead of hanging
    watchdog = threading.Timer(20, lambda: result.append(False) or dialog.job.thread_.quit())
    watchdog.start()
    try:
        dialog.reject()
    finally:
        watchdog.cancel()
    assert result == [] and ended.is_set()
