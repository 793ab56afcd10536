"""The app's side of sync on an enrolled laptop (app/services/sync/client.py): a status-bar
indicator (last synced, changes waiting, offline), File › Sync now, a sync in the background
every few minutes (setting ``sync_every_minutes``, default 5) and right after the app opens,
and the conflicts badge.

A sync runs off the UI thread (app/ui/background.py Job) and says what it is doing in the
indicator. Being offline is normal on a laptop: the indicator says so calmly and the next sync
tries again. A laptop whose device token was withdrawn gets one clear dialog and no more
background syncs. On a database that is not enrolled (the team server, a lone laptop) there is
no indicator; the conflicts badge still shows on the team database when changes are held."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStyle,
    QWidget,
)

from app.domain.calendar import LONDON
from app.errors import DoorstepError, PermissionDenied
from app.services.sync import client, conflicts
from app.services.sync.client import SyncReport, SyncStatus
from app.services.sync.schedule import every_minutes
from app.services.workspace import Workspace
from app.ui.background import Job
from app.ui.formats import day_time

SYNC_SHORTCUT = "Ctrl+Shift+S"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def when(at: dt.datetime | None, today: dt.date) -> str:
    """'14:32' today, 'Mon 23 Jun 2025 14:32' another day (London time)."""
    if at is None:
        return "never"
    local = at.astimezone(LONDON)
    return f"{local:%H:%M}" if local.date() == today else day_time(at)


def indicator_text(
    status: SyncStatus, today: dt.date, problem: tuple[str, str] | None, running: str | None
) -> tuple[str, str]:
    """(state, words) for the indicator: state is one of syncing, offline, failed, synced,
    never. ``problem`` is the last sync's outcome when it did not finish: ("offline" or
    "failed", its sentence); without one, a failure remembered in the database counts (the
    last sync before the app opened was offline)."""
    waiting = status.pending
    if running is not None:
        return "syncing", f"Syncing… {running}".rstrip()
    kind = problem[0] if problem else ("offline" if status.last_error else None)
    if kind == "offline":
        return (
            "offline",
            f"Offline — {_plural(waiting, 'change')} waiting, "
            f"last synced {when(status.last_synced, today)}",
        )
    if kind is not None and problem is not None:
        return "failed", f"Sync failed: {problem[1]}"
    if status.last_synced is None:
        return "never", f"Not synced yet · {waiting} waiting"
    tail = f" · {waiting} waiting" if waiting else ""
    return "synced", f"Synced {when(status.last_synced, today)}{tail}"


ICONS = {
    "syncing": QStyle.StandardPixmap.SP_BrowserReload,
    "offline": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "failed": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "synced": QStyle.StandardPixmap.SP_DialogApplyButton,
    "never": QStyle.StandardPixmap.SP_MessageBoxInformation,
}


class SyncIndicator(QWidget):
    """Icon and words in the status bar, and the conflicts badge beside them."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        self.icon = QLabel(self)
        self.icon.setAccessibleName("Sync state icon")
        self.words = QLabel(self)
        self.words.setObjectName("sync_state")
        self.words.setAccessibleName("Sync status")
        self.words.setMinimumWidth(120)  # a long sentence is cut, never widens the window
        self.words.setMaximumWidth(460)
        self.badge = QPushButton(self)
        self.badge.setObjectName("conflicts_badge")
        self.badge.setFlat(True)
        self.badge.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
        self.badge.setToolTip("Changes the team server held for a person to decide: review them")
        self.badge.setVisible(False)
        lay.addWidget(self.icon)
        lay.addWidget(self.words)
        lay.addWidget(self.badge)
        self.state = ""

    def show_state(self, state: str, words: str, tooltip: str) -> None:
        self.state = state
        self.icon.setPixmap(self.style().standardIcon(ICONS[state]).pixmap(16, 16))
        self.words.setText(words)
        self.words.setToolTip(f"{words}\n{tooltip}")
        self.icon.setToolTip(self.words.toolTip())

    def show_conflicts(self, count: int) -> None:
        self.badge.setText(_plural(count, "conflict"))
        self.badge.setAccessibleName(f"{_plural(count, 'conflict')} to review")
        self.badge.setVisible(count > 0)


class _Bridge(QObject):
    """Carries news from a worker thread (or any thread's write) to the UI thread."""

    sig_progress = Signal(str)
    sig_wrote = Signal()


class SyncController(QObject):
    """Runs syncs for a main window: on demand, every few minutes and once as the app opens."""

    sig_synced = Signal(object)  # a SyncReport, after a sync that finished
    sig_review = Signal()  # the badge or File › Review conflicts… was chosen

    def __init__(self, ws: Workspace, window: QMainWindow):
        super().__init__(window)
        self.ws = ws
        self.window = window
        self.enrolled = client.enrolment(ws) is not None
        self.job: Job | None = None
        self.problem: tuple[str, str] | None = None
        self.running_text: str | None = None
        self.withdrawn = False
        self.finished = 0  # syncs ended (any outcome), since the window opened
        self.stopped = False
        self.indicator = SyncIndicator(window)
        self.indicator.badge.clicked.connect(self.sig_review)
        self.indicator.setVisible(self.enrolled)
        self.indicator.words.setVisible(self.enrolled)
        self.indicator.icon.setVisible(self.enrolled)
        self._bridge = _Bridge()
        self._bridge.sig_progress.connect(self._progressed)
        self._soon = QTimer(self)  # writes come in bursts: one re-read after them
        self._soon.setSingleShot(True)
        self._soon.setInterval(150)
        self._soon.timeout.connect(self.update)
        self._bridge.sig_wrote.connect(self._soon.start)
        bridge = self._bridge

        def wrote() -> None:  # after any commit, on whichever thread made it
            with contextlib.suppress(RuntimeError):  # the window went: never fail a write
                bridge.sig_wrote.emit()

        self._wrote: Callable[[], None] = wrote
        ws.db.after_write.append(wrote)
        self.destroyed.connect(lambda *_: _forget(ws, wrote))
        self.sync_action: QAction | None = None
        self.review_action: QAction | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: self.sync_now(manual=False))
        if self.enrolled:
            self.timer.start(every_minutes(ws) * 60_000)
            QTimer.singleShot(0, lambda: self.sync_now(manual=False))  # right after opening
        self.update()

    def add_menu_items(self, menu: QMenu, action: Callable[..., QAction]) -> None:
        """File › Sync now (an enrolled laptop) and File › Review conflicts… (when enrolled, or
        while changes are held on this database). ``action(menu, text, slot, shortcut)`` is
        the window's own helper."""
        self.sync_action = action(
            menu, "&Sync now", lambda: self.sync_now(manual=True), SYNC_SHORTCUT
        )
        self.sync_action.setObjectName("sync_now")
        self.sync_action.setVisible(self.enrolled)
        self.sync_action.setEnabled(self.enrolled)
        self.review_action = action(menu, "Review &conflicts…", self.sig_review.emit)
        self.review_action.setObjectName("review_conflicts")
        self.update()

    # -- the indicator ---------------------------------------------------------------
    def update(self) -> None:
        try:
            if self.enrolled:
                status = client.status(self.ws)
                state, words = indicator_text(
                    status, self.ws.today(), self.problem, self.running_text
                )
                tip = (
                    f"Team server: {status.server} · syncs every {every_minutes(self.ws)} "
                    f"minutes; File › Sync now ({SYNC_SHORTCUT}) syncs at once"
                )
                self.indicator.show_state(state, words, tip)
                every = every_minutes(self.ws) * 60_000  # the setting may have changed
                if self.timer.isActive() and self.timer.interval() != every:
                    self.timer.start(every)
                count = status.conflicts
            else:
                count = conflicts.open_count(self.ws)
        except DoorstepError:
            count = 0
        except RuntimeError:  # the window went while a write's news was on its way
            return
        self.indicator.show_conflicts(count)
        if self.review_action is not None:
            self.review_action.setVisible(self.enrolled or count > 0)

    def _progressed(self, text: str) -> None:
        if self.running:
            self.running_text = text
            self.update()

    # -- syncing ---------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.job is not None

    def sync_now(self, manual: bool = True) -> bool:
        """Start a sync off the UI thread; False when one is running already (or the laptop is
        not enrolled, or its token was withdrawn)."""
        if not self.enrolled or self.running or self.stopped or (self.withdrawn and not manual):
            return False
        ws, bridge = self.ws, self._bridge
        job: Job

        def work(_progress) -> tuple[str, object]:
            try:  # a window closing stops it between batches and pages (each one is kept)
                report = client.sync(
                    ws, progress=bridge.sig_progress.emit, stop=lambda: job.cancelling
                )
                return "done", report
            except client.Offline as exc:
                return "offline", str(exc)
            except PermissionDenied as exc:
                return "withdrawn", str(exc)

        job = Job(work, self)
        job.sig_done.connect(lambda outcome: self._finished(job, manual, *outcome))
        job.sig_failed.connect(lambda message: self._finished(job, manual, "failed", message))
        job.sig_cancelled.connect(lambda: self._finished(job, manual, "cancelled", ""))
        self.job = job
        self.running_text = "starting"
        self.update()
        job.start()
        return True

    def _finished(self, job: Job, manual: bool, outcome: str, result: object) -> None:
        job.deleteLater()
        self.job = None
        self.running_text = None
        self.finished += 1
        if self.stopped:  # the window has gone meanwhile: nothing to show
            return
        if outcome == "done":
            assert isinstance(result, SyncReport)
            self.problem = None
            self.withdrawn = False
            self.update()
            if manual:
                self.window.statusBar().showMessage(summary(result), 10000)
            self.sig_synced.emit(result)
            return
        if outcome == "offline":
            self.problem = ("offline", str(result))
        elif outcome == "withdrawn":
            self.problem = ("failed", "this laptop may no longer sync (its access was withdrawn)")
            self.update()
            if not self.withdrawn:
                self.withdrawn = True
                QMessageBox.warning(
                    self.window,
                    "Sync",
                    f"The team server refused this laptop: {result}\n\nIts changes are kept "
                    "here. Ask a manager or an administrator to enrol it again "
                    "(doorstep device enrol).",
                )
            return
        elif outcome == "failed":
            self.problem = ("failed", str(result))
        self.update()

    def stop(self) -> None:
        """Before the window goes: no more syncs; one running ends at its next step."""
        self.stopped = True
        self.timer.stop()
        _forget(self.ws, self._wrote)
        job = self.job
        if job is not None:
            job.cancel()
            job.thread_.quit()
            job.thread_.wait()


def _forget(ws: Workspace, callback: Callable[[], None]) -> None:
    if callback in ws.db.after_write:
        ws.db.after_write.remove(callback)


def summary(report: SyncReport) -> str:
    """One sentence on what a sync moved, for the status bar."""
    parts = [f"sent {_plural(report.pushed, 'change')}"]
    parts.append(f"received {_plural(report.pulled_cases, 'case')}")
    if report.pulled_events:
        parts.append(_plural(report.pulled_events, "entry").replace("entrys", "entries"))
    if report.dropped:
        parts.append(f"{_plural(len(report.dropped), 'case')} left this laptop")
    if report.held:
        parts.append(f"{_plural(len(report.held), 'change')} held for review")
    if report.pending:
        parts.append(f"{report.pending} still waiting")
    text = ", ".join(parts)
    return f"Synced: {text}."
