"""Appearance: the font size, remembered per user with QSettings and applied to the running app.

Doorstep follows the system's light or dark palette; it never sets a palette of its own.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

FONT_KEY = "appearance/font_size"
MIN_POINTS, MAX_POINTS = 8, 24


def remembered_font_size() -> int | None:
    value = QSettings().value(FONT_KEY)
    try:
        points = int(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    return points if points is not None and MIN_POINTS <= points <= MAX_POINTS else None


def apply_font_size(points: int, remember: bool = True) -> None:
    """Set the application font's size now (open windows follow) and remember it."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    points = max(MIN_POINTS, min(MAX_POINTS, int(points)))
    font = app.font()
    font.setPointSize(points)
    app.setFont(font)
    if remember:
        QSettings().setValue(FONT_KEY, points)


def restore_font_size() -> None:
    points = remembered_font_size()
    if points is not None:
        apply_font_size(points, remember=False)


def current_font_size() -> int:
    app = QApplication.instance()
    size = app.font().pointSize() if isinstance(app, QApplication) else -1
    return size if size > 0 else 10
