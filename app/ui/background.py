"""Run one piece of long work (a server check, making a database) off the UI thread.

``Job(fn)`` calls ``fn(progress)`` in its own QThread; ``progress(done, total)`` may be
called from there. The result, a ``DoorstepError``'s message, or each progress step comes
back to the UI thread as a signal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from app.errors import DoorstepError


class _Worker(QObject):
    sig_progress = Signal(int, int)
    sig_done = Signal(object)
    sig_failed = Signal(str)

    def __init__(self, fn: Callable[[Callable[[int, int], None]], Any]):
        super().__init__()
        self.fn = fn

    def run(self) -> None:
        try:
            result = self.fn(lambda done, total: self.sig_progress.emit(done, total))
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

    def _stop(self) -> None:
        self.thread_.quit()
        self.thread_.wait()

    def start(self) -> None:
        self.thread_.start()

    @property
    def running(self) -> bool:
        return self.thread_.isRunning()
