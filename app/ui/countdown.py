"""How a countdown looks: text, an icon whose shape carries the meaning, and a colour."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap, QPolygonF

from app.services.views import countdown_text

__all__ = ["AT_RISK_WD", "countdown_colour", "countdown_icon", "countdown_text", "urgency"]

AT_RISK_WD = 2

COLOURS = {
    "overdue": QColor("#b3261e"),
    "today": QColor("#b45309"),
    "at_risk": QColor("#a16207"),
    "ok": QColor("#1b6e3a"),
    "none": QColor("#5f6368"),
}


def urgency(wd_left: int | None) -> str:
    if wd_left is None:
        return "none"
    if wd_left < 0:
        return "overdue"
    if wd_left == 0:
        return "today"
    if wd_left <= AT_RISK_WD:
        return "at_risk"
    return "ok"


def countdown_colour(wd_left: int | None) -> QColor:
    return COLOURS[urgency(wd_left)]


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


def countdown_icon(wd_left: int | None) -> QIcon:
    return _icon(urgency(wd_left))
