"""How a countdown looks: text, an icon whose shape carries the meaning, and a colour.

How pressing a deadline is (``urgency``: overdue, today, at_risk, ok, none) is decided by the
deadline engine with the case's policy's at-risk threshold; the views carry it, this only draws it.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap, QPolygonF

from app.services.views import countdown_text

__all__ = ["countdown_colour", "countdown_icon", "countdown_text"]

COLOURS = {
    "overdue": QColor("#b3261e"),
    "today": QColor("#b45309"),
    "at_risk": QColor("#a16207"),
    "ok": QColor("#1b6e3a"),
    "none": QColor("#5f6368"),
}


def countdown_colour(urgency: str) -> QColor:
    return COLOURS[urgency]


@lru_cache(maxsize=8)
def _icon(kind: str) -> QIcon:
    size = 16
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = COLOURS[kind]
    p.setPen(QPen(colour.darker(130), 1))
    p.setBrush(QBrush(colour))
    if kind == "overdue":  # octagon-ish stop sign with "!"
        p.drawEllipse(QRectF(1, 1, 14, 14))
        mark = "!"
    elif kind in ("today", "at_risk"):  # warning triangle
        p.drawPolygon(QPolygonF([QPointF(8, 1), QPointF(15, 14.5), QPointF(1, 14.5)]))
        mark = "!" if kind == "today" else ""
    elif kind == "ok":  # circle with a tick-like dot
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(colour, 2))
        p.drawEllipse(QRectF(2, 2, 12, 12))
        mark = ""
    else:
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawLine(4, 8, 12, 8)
        mark = ""
    if mark:
        font = QFont()
        font.setBold(True)
        font.setPixelSize(11)
        p.setFont(font)
        p.setPen(QPen(QColor("white")))
        p.drawText(QRectF(0, 2, size, size - 1), Qt.AlignmentFlag.AlignCenter, mark)
    p.end()
    return QIcon(pm)


def countdown_icon(urgency: str) -> QIcon:
    return _icon(urgency)
