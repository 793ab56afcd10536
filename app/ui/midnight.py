"""Countdowns roll over at midnight (Europe/London) without a restart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.calendar import LONDON


def msecs_to_midnight(now: dt.datetime) -> int:
    local = now.astimezone(LONDON)
    tomorrow = (local + dt.timedelta(days=1)).date()
    midnight = dt.datetime.combine(tomorrow, dt.time(0, 0, 1), tzinfo=LONDON)
    return max(1000, int((midnight - local).total_seconds() * 1000))


class MidnightTimer(QObject):
    """Emits ``sig_new_day`` just after each London midnight, judged by the injected clock."""

    sig_new_day = Signal()

    def __init__(self, clock: Callable[[], dt.datetime], parent=None):
        super().__init__(parent)
        self._clock = clock
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.fire)
        self.schedule()

    def schedule(self) -> None:
        self._timer.start(msecs_to_midnight(self._clock()))

    def remaining_ms(self) -> int:
        return self._timer.remainingTime()

    def fire(self) -> None:
        self.sig_new_day.emit()
        self.schedule()
