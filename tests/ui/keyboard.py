"""Driving widgets by keyboard in pytest-qt tests, as a person would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication

CLICK_TIMEOUT_MS = 5000


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    with qtbot.waitExposed(widget):
        widget.show()
    activate(qtbot, widget)
    return widget


def activate(qtbot, widget):
    with qtbot.waitActive(widget):
        widget.activateWindow()


def focused():
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)
    QApplication.processEvents()  # the delegate commits an edit in a queued call


def type_text(qtbot, text):
    """Type as a person does: each key goes to whatever has the focus then (typing on a
    cell opens its editor with the first key; the rest go to the editor)."""
    for ch in text:
        press(qtbot, ch)


def alt(qtbot, key):
    """An Alt mnemonic. A button animates its click (pressed now, clicked on a timer), so
    wait until no button of the window is held down; a label's mnemonic just moves focus."""
    window = focused().window()
    qtbot.keyClick(focused(), key, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not _held_down(window), timeout=CLICK_TIMEOUT_MS)
    QApplication.processEvents()


def _held_down(window) -> bool:
    try:
        return any(b.isDown() for b in window.findChildren(QAbstractButton))
    except RuntimeError:  # the window was deleted by what the click did
        return False
