"""Accessibility of the main window and every dialog: every control has a name a screen reader
can say, the text is readable against its background (WCAG 4.5:1), and colour is never the only
signal."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from app.ui.contrast import TEXT_MINIMUM, contrast
from app.ui.countdown import COLOURS, countdown_icon, countdown_text
from app.ui.fit import simulate_screen
from app.ui.main_window import MainWindow
from tests.services.conftest import act_as
from tests.ui import test_fits_screen as fits
from tests.ui.keyboard import shown

CONTROLS = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)


def test_contrast_is_computed_as_wcag_defines_it():
    assert round(contrast(QColor("black"), QColor("white")), 1) == 21.0
    assert round(contrast(QColor("#777777"), QColor("white")), 2) == 4.48


def test_text_and_countdown_colours_are_readable_on_the_window(qtbot, office):
    window = shown(qtbot, MainWindow(act_as(office, "a.khan")))
    palette = window.table.palette()
    base = palette.color(QPalette.ColorRole.Base)
    alternate = palette.color(QPalette.ColorRole.AlternateBase)
    assert contrast(palette.color(QPalette.ColorRole.Text), base) >= TEXT_MINIMUM
    assert (
        contrast(
            palette.color(QPalette.ColorRole.WindowText), palette.color(QPalette.ColorRole.Window)
        )
        >= TEXT_MINIMUM
    )
    for name, colour in COLOURS.items():
        for background in (base, alternate):
            assert contrast(colour, background) >= TEXT_MINIMUM, (
                name,
                colour.name(),
                background.name(),
            )
    # The demo badge: white on amber.
    assert contrast(QColor("white"), QColor("#b45309")) >= TEXT_MINIMUM


def test_colour_is_never_the_only_signal():
    """Each urgency has its own words and its own icon shape, not just its own colour."""
    days = {"overdue": -2, "today": 0, "at_risk": 2, "ok": 9}
    words = {countdown_text(d) for d in days.values()}
    shapes = {countdown_icon(u).pixmap(16, 16).toImage().bits().tobytes() for u in days}
    assert len(words) == len(days) and len(shapes) == len(days)


def _named(widget: QWidget, buddied: set[int]) -> bool:
    if widget.accessibleName().strip():
        return True
    if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
        return True
    return id(widget) in buddied


def unnamed_controls(window: QWidget) -> list[str]:
    buddied = {id(label.buddy()) for label in window.findChildren(QLabel) if label.buddy()}
    out = []
    for w in window.findChildren(QWidget):
        if not isinstance(w, CONTROLS) or not w.isVisibleTo(window):
            continue
        if w.objectName().startswith("qt_") or "qt_" in (w.parentWidget().objectName() or ""):
            continue  # Qt's own parts (a spin box's line edit, a scroll area's corner)
        if isinstance(w.parentWidget(), (QAbstractSpinBox, QComboBox)) or isinstance(
            w, QHeaderView
        ):
            continue  # parts of another control; a table's header is named by the table
        if not _named(w, buddied):
            out.append(f"{type(w).__name__} in {type(w.parentWidget()).__name__}")
    return out


def test_every_control_of_the_inbox_and_a_case_has_a_name(qtbot, office):
    window = shown(qtbot, MainWindow(act_as(office, "a.khan")))
    assert unnamed_controls(window) == []
    view = window.open_case("ASB-1")
    for i in range(view.tabs.count()):
        view.tabs.setCurrentIndex(i)
        QApplication.processEvents()
        assert unnamed_controls(window) == [], view.tabs.tabText(i)


@pytest.fixture
def everything(ws, clock, monkeypatch):
    fits.no_disk_browsing(monkeypatch)
    simulate_screen(fits.SCREENS["1366x768"])
    yield fits.seed_everything(ws, clock)
    simulate_screen(None)


def test_every_control_of_every_window_and_dialog_has_a_name(qtbot, everything):
    """The windows test_fits_screen opens (every menu item, every case tab's buttons, the
    complaint actions, the windows built directly): none has a control without a name."""
    window = fits.open_main(qtbot, everything)
    tabs: dict[str, list[str]] = {}
    sweep = fits.sweep_everything(
        everything,
        window,
        also=unnamed_controls,
        on_tab=lambda w, label: tabs.setdefault(label, unnamed_controls(w)),
    )
    assert {k: v for k, v in tabs.items() if v} == {}
    assert len(sweep.classes) > 40  # the sweep opened the dialogs it checks
    assert {k: v for k, v in sweep.found.items() if v} == {}
