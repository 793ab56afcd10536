"""Long work runs off the UI thread with progress and cancel (app/ui/background.py)."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QWidget

from app.errors import DoorstepError, ValidationError
from app.ui.background import Job, run_with_progress


def test_a_job_runs_in_another_thread_and_its_progress_reaches_the_ui_thread(qtbot):
    owner = QWidget()
    qtbot.addWidget(owner)
    ran_in, seen = [], []

    def work(progress):
        ran_in.append(threading.get_ident())
        for i in range(1, 6):
            progress(i, 5)
        return "done"

    job = Job(work, owner)
    job.sig_progress.connect(lambda done, total: seen.append((done, total, threading.get_ident())))
    with qtbot.waitSignal(job.sig_done, timeout=5000) as blocker:
        job.start()
    assert blocker.args == ["done"]
    assert ran_in[0] != threading.get_ident()  # the work ran elsewhere ...
    assert [(d, t) for d, t, _ in seen] == [(i, 5) for i in range(1, 6)]
    assert {ident for *_, ident in seen} == {threading.get_ident()}  # ... news came back here


def test_a_job_can_be_cancelled_between_steps(qtbot):
    owner = QWidget()
    qtbot.addWidget(owner)
    steps, started = [], threading.Event()

    def work(progress):
        for i in range(1000):
            started.set()
            progress(i, 1000)
            steps.append(i)
            time.sleep(0.005)
        return "finished"

    job = Job(work, owner)
    done = []
    job.sig_done.connect(done.append)
    job.start()
    assert started.wait(5)
    with qtbot.waitSignal(job.sig_cancelled, timeout=5000):
        job.cancel()
    assert done == [] and len(steps) < 1000 and not job.running


def test_the_ui_keeps_turning_while_work_runs_under_a_progress_dialog(qtbot):
    ticks = []
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)

    def work(progress):
        for i in range(20):
            progress(i, 20)
            time.sleep(0.01)
        return 42

    assert run_with_progress(None, "Test", "Working…", work) == 42
    timer.stop()
    assert len(ticks) >= 5  # the event loop ran while the work did


def test_a_failure_comes_back_as_one_sentence(qtbot):
    def work(_progress):
        raise ValidationError("That file is empty.")

    with pytest.raises(DoorstepError, match="That file is empty."):
        run_with_progress(None, "Test", "Working…", work)


def test_cancel_on_the_progress_dialog_stops_the_work_and_returns_none(qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

    steps = []

    def press_cancel():
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)]
        assert len(shown) == 1 and shown[0].isVisible(), shown
        shown[0].findChild(QPushButton).click()  # the Cancel button, as a person presses it

    def work(progress):
        for i in range(500):
            progress(i, 500)
            steps.append(i)
            time.sleep(0.01)
        return "finished"

    QTimer.singleShot(600, press_cancel)  # the dialog shows after 300 ms
    assert run_with_progress(None, "Test", "Working…", work) is None
    assert 0 < len(steps) < 500


def test_attaching_a_file_reports_its_hashing_progress(tmp_path, office):
    from app.services.attachments import add_attachment

    big = tmp_path / "scan.pdf"
    big.write_bytes(b"%PDF-" + b"x" * (3 << 20))
    seen = []
    add_attachment(office, "GEN-2", big, progress=lambda done, total: seen.append((done, total)))
    assert len(seen) > 1 and seen[-1] == (big.stat().st_size, big.stat().st_size)


def test_wait_for_jobs_stops_running_work_before_the_app_ends(qtbot):
    """`gui --quit-after-load` ended while the inbox count still ran: Qt aborted the process
    ("QThread: Destroyed while thread is still running"). The app now waits for its jobs."""
    import time

    from PySide6.QtCore import QObject

    from app.ui.background import Job, wait_for_jobs

    owner = QObject()
    started = []

    def work(progress):
        started.append(1)
        for i in range(10_000):
            progress(i, 10_000)
            time.sleep(0.001)

    job = Job(work, owner)
    job.start()
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    assert job.running
    wait_for_jobs()
    assert not job.running


def test_work_that_reports_no_progress_shows_its_dialog_after_300_ms(qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    seen = []

    def look():
        seen.extend(
            w.labelText()
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QProgressDialog) and w.isVisible()
        )

    QTimer.singleShot(700, look)
    assert run_with_progress(None, "Test", "Checking…", lambda _p: time.sleep(1) or 7) == 7
    assert seen == ["Checking…"]  # Qt's own default would wait 4 s
