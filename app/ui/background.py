"""Run one piece of long work (a server check, making a database, a search, hashing an
attachment, a report) off the UI thread, with progress and cancel.

``Job(fn)`` calls ``fn(progress)`` in its own QThread; ``progress(done, total)`` may be
called from there. The result, a ``DoorstepError``'s message, each progress step, or the
news that it was cancelled comes back to the UI thread as a signal. ``cancel()`` is
cooperative: the next ``progress`` call raises ``JobCancelled`` inside the work, which
unwinds it (each service step is its own transaction, so nothing is left half-done).

``run_with_progress`` runs a Job under a progress dialog with a Cancel button, the UI's
event loop turning meanwhile, and returns the result (None when cancelled).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.errors import DoorstepError


class JobCancelled(Exception):
    """Raised inside the work by ``progress`` once the job has been cancelled."""


class _Worker(QObject):
    sig_progress = Signal(int, int)
    sig_done = Signal(object)
    sig_failed = Signal(str)
    sig_cancelled = Signal()

    def __init__(self, fn: Callable[[Callable[[int, int], None]], Any]):
        super().__init__()
        self.fn = fn
        self.stop = threading.Event()

    def progress(self, done: int, total: int) -> None:
        if self.stop.is_set():
            raise JobCancelled
        self.sig_progress.emit(done, total)

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except JobCancelled:
            self.sig_cancelled.emit()
        except DoorstepError as exc:
            self.sig_failed.emit(str(exc))
        except Exception as exc:  # an unexpected failure still ends the job with a sentence
            self.sig_failed.emit(
                f"That did not work ({exc.__class__.__name__}); nothing was saved."
            )
        else:
            self.sig_done.emit(result)


class Job(QObject):
    """One background call; connect to the signals, then ``start()``."""

    sig_progress = Signal(int, int)
    sig_done = Signal(object)
    sig_failed = Signal(str)
    sig_cancelled = Signal()

    def __init__(self, fn: Callable[[Callable[[int, int], None]], Any], parent: QObject):
        super().__init__(parent)
        self.thread_ = QThread(self)
        self.worker = _Worker(fn)
        self.worker.moveToThread(self.thread_)
        self.thread_.started.connect(self.worker.run)
        # bound slots of this object run on the UI thread (queued), never in the worker's
        self.worker.sig_progress.connect(self._progress)
        self.worker.sig_done.connect(self._done)
        self.worker.sig_failed.connect(self._failed)
        self.worker.sig_cancelled.connect(self._cancelled)

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        self.sig_progress.emit(done, total)

    @Slot(object)
    def _done(self, result: object) -> None:
        self._stop()
        self.sig_done.emit(result)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._stop()
        self.sig_failed.emit(message)

    @Slot()
    def _cancelled(self) -> None:
        self._stop()
        self.sig_cancelled.emit()

    def cancel(self) -> None:
        """Ask the work to stop at its next progress step (it ends with ``sig_cancelled``)."""
        self.worker.stop.set()

    @property
    def cancelling(self) -> bool:
        return self.worker.stop.is_set()

    def _stop(self) -> None:
        self.thread_.quit()
        self.thread_.wait()

    def start(self) -> None:
        _live.add(self)
        self.thread_.start()

    @property
    def running(self) -> bool:
        return self.thread_.isRunning()


_live: weakref.WeakSet[Job] = weakref.WeakSet()


def wait_for_jobs() -> None:
    """Before the application ends: ask every running job to stop and wait for its thread (Qt
    aborts the process when a QThread is destroyed still running)."""
    for job in list(_live):
        try:
            if job.running:
                job.cancel()
                job.thread_.quit()
                job.thread_.wait()
        except RuntimeError:  # its Qt object is already gone
            pass


def run_with_progress(
    parent: QWidget | None,
    title: str,
    label: str,
    fn: Callable[[Callable[[int, int], None]], Any],
    cancellable: bool = True,
) -> Any:
    """Run ``fn(progress)`` off the UI thread under a progress dialog; the UI keeps painting
    and answering. Returns the result, or None when cancelled; a ``DoorstepError`` (or an
    unexpected failure, as one sentence) is raised again here as a ``DoorstepError``."""
    dialog = QProgressDialog(label, "Cancel" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setAccessibleName(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)  # quick work shows no dialog at all
    # Starts the 300 ms: otherwise work that never reports progress (an integrity check) showed
    # its dialog only after Qt's default 4 s.
    dialog.setValue(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    owner = parent if parent is not None else dialog
    job = Job(fn, owner)
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def progressed(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))

    def cancel() -> None:
        dialog.setLabelText("Cancelling…")
        job.cancel()

    def finish(**what: Any) -> None:
        outcome.update(what)
        loop.quit()

    job.sig_progress.connect(progressed)
    job.sig_done.connect(lambda result: finish(result=result))
    job.sig_failed.connect(lambda message: finish(error=message))
    job.sig_cancelled.connect(lambda: finish(cancelled=True))
    dialog.canceled.connect(cancel)
    job.start()
    loop.exec()
    dialog.close()
    dialog.deleteLater()
    job.deleteLater()
    if "error" in outcome:
        raise DoorstepError(outcome["error"])
    return outcome.get("result")
