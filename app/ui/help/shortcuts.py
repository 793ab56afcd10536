"""Keyboard shortcuts, read from a live main window so the list cannot drift from the app.

The menus give each action's shortcut and its Alt-key path; every QAction and QShortcut
registered on the window's widgets gives its keys; buttons, check boxes, labels with a
buddy and tab titles give their Alt+letter mnemonics. A case tab's shortcuts come from
the cases open now, or, when none is, from a case view built (and never shown) for the
case selected in the inbox.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.case_view import CaseView
from app.ui.fit import fit_window
from app.ui.mnemonics import mnemonic
from app.ui.records_model import Column, RecordsModel, make_table

NO_DESCRIPTION = "(no description)"


@dataclass(frozen=True)
class Shortcut:
    keys: str  # "Ctrl+L"; "Alt+L" for a mnemonic; "" for a menu item without one
    does: str
    where: str
    menu_keys: str = ""  # how to reach a menu item from the keyboard: "Alt+V, S"
    clashes: str = ""  # other things the same keys do in a place showing at the same time


def clean(text: str) -> str:
    """A caption without its mnemonic marker, trailing ellipsis or a count in brackets
    ("Show &done and missed (3, 1 missed)" → "Show done and missed")."""
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()
    return re.sub(r"\s*\([^()]*\d[^()]*\)$", "", text.rstrip("…")).rstrip("…").strip()


WINDOW_WIDE = ("Menu bar", "Main window")


def _together(a: str, b: str) -> bool:
    """Whether two places can show at once: one holds the other, or either is window-wide.
    (Sibling tabs cannot: a hidden widget's keys do nothing.)"""
    if a in WINDOW_WIDE or b in WINDOW_WIDE or a.endswith(" menu") or b.endswith(" menu"):
        return True
    return a == b or a.startswith(b + " › ") or b.startswith(a + " › ")


def mark_clashes(rows: list[Shortcut]) -> list[Shortcut]:
    """Note, on each row, what else its keys do where both can be reached at once."""
    out = []
    for row in rows:
        same_menu_key = [
            f"{o.does} ({o.where}, same menu letter)"
            for o in rows
            if o is not row and row.menu_keys and o.menu_keys == row.menu_keys
        ]
        others = same_menu_key + [
            f"{o.does} ({o.where})"
            for o in rows
            if o is not row and row.keys and o.keys == row.keys and _together(row.where, o.where)
        ]
        out.append(replace(row, clashes="; ".join(others)))
    return out


def key_text(sequences) -> str:
    native = QKeySequence.SequenceFormat.NativeText
    return ", ".join(s.toString(native) for s in sequences if not s.isEmpty())


def where(widget: QWidget | None, window: QWidget | None) -> str:
    """Where a widget sits, by the tabs that hold it: "Inbox", "Case › Complaints"."""
    parts: list[str] = []
    w = widget
    while w is not None and w is not window:
        if isinstance(w, CaseView):
            parts.append("Case")
        else:
            stack = w.parentWidget()
            tabs = stack.parentWidget() if isinstance(stack, QStackedWidget) else None
            if isinstance(tabs, QTabWidget) and tabs.indexOf(w) >= 0:
                parts.append(clean(tabs.tabText(tabs.indexOf(w))))
        w = w.parentWidget()
    parts.reverse()
    return " › ".join(parts) if parts else "Main window"


def _menu_rows(window: QMainWindow, listed: set[int]) -> list[Shortcut]:
    rows = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None:
            continue
        title = clean(top.text())
        m = mnemonic(top.text())
        rows.append(Shortcut(f"Alt+{m}" if m else "", f"Open the {title} menu", "Menu bar"))
        for action in menu.actions():
            if action.isSeparator() or action.menu() is not None:
                continue
            listed.add(id(action))
            item = mnemonic(action.text())
            via = f"Alt+{m}, {item}" if m and item else ""
            rows.append(
                Shortcut(key_text(action.shortcuts()), clean(action.text()), f"{title} menu", via)
            )
    return rows


def _widget_rows(root: QWidget, window: QWidget | None, listed: set[int]) -> list[Shortcut]:
    rows = []
    for action in root.findChildren(QAction):
        keys = key_text(action.shortcuts())
        if id(action) in listed or not keys:
            continue
        owner = action.parent() if isinstance(action.parent(), QWidget) else None
        rows.append(Shortcut(keys, clean(action.text()) or NO_DESCRIPTION, where(owner, window)))
    for shortcut in root.findChildren(QShortcut):
        keys = key_text(shortcut.keys())
        if keys:
            does = shortcut.whatsThis() or NO_DESCRIPTION
            owner = shortcut.parent() if isinstance(shortcut.parent(), QWidget) else None
            rows.append(Shortcut(keys, does, where(owner, window)))
    for button in root.findChildren(QAbstractButton):
        m = mnemonic(button.text())
        if m:
            rows.append(Shortcut(f"Alt+{m}", clean(button.text()), where(button, window)))
    for label in root.findChildren(QLabel):
        m = mnemonic(label.text())
        if m and label.buddy() is not None:
            rows.append(
                Shortcut(
                    f"Alt+{m}", f"Go to {clean(label.text()).rstrip(':')}", where(label, window)
                )
            )
    for tabs in root.findChildren(QTabWidget):
        for i in range(tabs.count()):
            m = mnemonic(tabs.tabText(i))
            if m:
                rows.append(
                    Shortcut(
                        f"Alt+{m}", f"Show the {clean(tabs.tabText(i))} tab", where(tabs, window)
                    )
                )
    return rows


def _probe_ref(window) -> str | None:
    """The case selected in the inbox, else its first case."""
    model = getattr(window, "model", None)
    table = getattr(window, "table", None)
    if model is None or model.rowCount() == 0:
        return None
    row = table.currentIndex().row() if table is not None else -1
    return model.row(row if row >= 0 else 0).ref


def collect_shortcuts(window: QMainWindow) -> list[Shortcut]:
    """Every shortcut and mnemonic the window answers to, menus first, without repeats."""
    listed: set[int] = set()
    rows = _menu_rows(window, listed)
    rows += _widget_rows(window, window, listed)
    ref = None if window.findChildren(CaseView) else _probe_ref(window)
    if ref is not None and hasattr(window, "new_case_view"):
        probe = window.new_case_view(ref)
        try:
            rows += _widget_rows(probe, None, listed)
        finally:
            probe.deleteLater()
    seen = set()
    out = []
    for row in rows:
        key = (row.keys, row.does, row.where)
        if key not in seen and (row.keys or row.menu_keys):
            seen.add(key)
            out.append(row)
    return mark_clashes(out)


COLUMNS = [
    Column("Keys", lambda s: s.keys or "—", 120),
    Column("Does", lambda s: s.does, 260),
    Column("Where", lambda s: s.where, 190),
    Column("From the menu", lambda s: s.menu_keys, 110),
    Column("Same keys also", lambda s: s.clashes, 300),
]


class ShortcutsDialog(QDialog):
    def __init__(self, shortcuts: list[Shortcut], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcuts")
        fit_window(self, 1080, 600, "shortcuts")
        intro = QLabel(
            "Every key Doorstep's window answers to, read from the window itself. A case "
            "tab's keys work when that case's tab is showing; dialogs show theirs on their "
            "buttons (underlined letters: hold Alt).",
            self,
        )
        intro.setWordWrap(True)
        self.filter = QLineEdit(self)
        self.filter.setAccessibleName("Filter shortcuts")
        self.filter.setPlaceholderText("type part of a key, an action or a place")
        filter_label = QLabel("&Filter:", self)
        filter_label.setBuddy(self.filter)
        self.model = RecordsModel(COLUMNS, self, titled=True)
        self.model.set_rows(shortcuts)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = make_table(self.model, "Keyboard shortcuts", self)
        self.table.setModel(self.proxy)
        for i, col in enumerate(COLUMNS):
            self.table.setColumnWidth(i, col.width)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the collected order
        table_label = QLabel("&Shortcuts:", self)
        table_label.setBuddy(self.table)

        row = QHBoxLayout()
        row.addWidget(filter_label)
        row.addWidget(self.filter, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("&Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(table_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.proxy.rowCount():
            self.table.setCurrentIndex(self.proxy.index(0, 0))

    def rows_shown(self) -> list[Shortcut]:
        return [
            self.model.row(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
            for r in range(self.proxy.rowCount())
        ]


def open_shortcuts(window: QMainWindow) -> ShortcutsDialog:
    dialog = ShortcutsDialog(collect_shortcuts(window), window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
