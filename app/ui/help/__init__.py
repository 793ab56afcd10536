"""The Help menu (guide, keyboard shortcuts, about) and the crash reporter's dialog."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu


def add_help_menu(window: QMainWindow, menu: QMenu, add_action: Callable) -> dict[str, QAction]:
    """Fill ``menu`` (the main window's Help menu) through the window's own action helper,
    so the actions are the window's too. Each opens its dialog and returns it. The dialogs'
    modules load when first asked for (the shortcuts list reads a case view): not at start-up."""
    return {
        "guide": add_action(menu, "&Guide", lambda: _guide(window), "F1"),
        "shortcuts": add_action(menu, "&Keyboard shortcuts", lambda: _shortcuts(window)),
        "about": add_action(menu, "&About Doorstep", lambda: _about(window)),
    }


def _guide(window: QMainWindow):
    from app.ui.help.guide import open_guide

    return open_guide(window)


def _shortcuts(window: QMainWindow):
    from app.ui.help.shortcuts import open_shortcuts

    return open_shortcuts(window)


def _about(window: QMainWindow):
    from app.ui.help.about import open_about

    return open_about(window, window.ws)
