"""Contrast between two colours as WCAG 2 defines it (1:1 to 21:1; text wants 4.5:1)."""

from __future__ import annotations

from PySide6.QtGui import QColor

TEXT_MINIMUM = 4.5  # WCAG 2 AA for ordinary text


def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: QColor) -> float:
    r, g, b = (_channel(x) for x in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
