"""Driving widgets by keyboard in pytest-qt tests, as a person would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

ANIMATED_CLICK_MS = 150  # a button's mnemonic animates its click before it fires


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
    """A button's Alt mnemonic: the button animates its click, so give it time."""
    qtbot.keyClick(focused(), key, Qt.KeyboardModifier.AltModifier)
    qtbot.wait(ANIMATED_CLICK_MS)
