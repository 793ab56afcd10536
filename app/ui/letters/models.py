"""Qt models for the letter editor: the checklist, the editable tables of inputs, and their delegates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDateEdit, QStyledItemDelegate, QWidget

from app.letters.checks import CheckItem
from app.ui.formats import DATE_FORMAT

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole
MISSING = QColor("#b3261e")
DONE = QColor("#1b6e3a")


class ChecklistModel(QAbstractTableModel):
    """Each item of a letter's checklist. The officer ticks their own items (Space); the app's are shown."""

    sig_ticked = Signal(str, bool)  # check key, ticked

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[CheckItem] = []
        self.editable = True

    def set_items(self, items: Sequence[CheckItem], editable: bool) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.editable = editable
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1

    def headerData(self, section, orientation, role=DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY:
            return "Checklist"
        return None

    def flags(self, index: Index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        item = self.items[index.row()]
        if not item.auto and self.editable:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = DISPLAY):
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role == DISPLAY:
            if item.auto:
                mark = "✓" if item.done else "✗"
                return f"{mark} {item.label}" + (
                    f" — {item.problem}" if item.problem and not item.done else ""
                )
            return item.label
        if role == Qt.ItemDataRole.CheckStateRole and not item.auto:
            return Qt.CheckState.Checked if item.done else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and item.auto:
            return DONE if item.done else MISSING
        if role == Qt.ItemDataRole.ToolTipRole:
            who = "checked by Doorstep" if item.auto else "tick it when it is true (Space)"
            return f"{item.label} ({who})" + (f": {item.problem}" if item.problem else "")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            state = "done" if item.done else "not done"
            return f"{item.label}: {state}" + (
                f", {item.problem}" if item.problem and not item.done else ""
            )
        return None

    def setData(self, index: Index, value: Any, role: int = EDIT) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        item = self.items[index.row()]
        if item.auto or not self.editable:
            return False
        ticked = Qt.CheckState(value) == Qt.CheckState.Checked
        self.sig_ticked.emit(item.key, ticked)
        return True


class RowsModel(QAbstractTableModel):
    """An editable table of dict rows (points, actions, compensation lines)."""

    sig_edited = Signal()

    def __init__(
        self,
        columns: Sequence[tuple[str, str]],
        parent=None,
        words: dict[str, dict[str, str]] | None = None,
    ):
        super().__init__(parent)
        self.columns = list(columns)  # (key, title)
        self.rows: list[dict[str, str]] = []
        self.words = words or {}  # key -> stored value -> what is shown
        self.editable = True

    def set_rows(self, rows: Sequence[dict[str, Any]], editable: bool = True) -> None:
        self.beginResetModel()
        self.rows = [{k: str(r.get(k, "") or "") for k, _ in self.columns} for r in rows]
        self.editable = editable
        self.endResetModel()

    def values(self) -> list[dict[str, str]]:
        return [dict(r) for r in self.rows]

    def add_row(self) -> int:
        n = len(self.rows)
        self.beginInsertRows(QModelIndex(), n, n)
        self.rows.append({k: "" for k, _ in self.columns})
        self.endInsertRows()
        self.sig_edited.emit()
        return n

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()
            self.sig_edited.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY:
            return self.columns[section][1]
        return None

    def flags(self, index: Index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if self.editable else base

    def data(self, index: Index, role: int = DISPLAY):
        if not index.isValid():
            return None
        key, title = self.columns[index.column()]
        value = self.rows[index.row()][key]
        if role == EDIT:
            return value
        if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return self.words.get(key, {}).get(value, value)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{title}: {self.words.get(key, {}).get(value, value) or 'empty'}"
        return None

    def setData(self, index: Index, value: Any, role: int = EDIT) -> bool:
        if role != EDIT or not index.isValid() or not self.editable:
            return False
        key = self.columns[index.column()][0]
        self.rows[index.row()][key] = str(value or "")
        self.dataChanged.emit(index, index)
        self.sig_edited.emit()
        return True


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box for a column with fixed choices (decision, compensation head)."""

    def __init__(self, choices: Sequence[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.choices = list(choices)  # (stored value, words)

    def createEditor(self, parent: QWidget, option, index):  # noqa: N802
        combo = QComboBox(parent)
        combo.setAccessibleName(
            str(index.model().headerData(index.column(), Qt.Orientation.Horizontal))
        )
        for value, words in self.choices:
            combo.addItem(words, value)
        return combo

    def setEditorData(self, editor: QComboBox, index):  # noqa: N802
        i = editor.findData(index.data(EDIT))
        editor.setCurrentIndex(max(i, 0))

    def setModelData(self, editor: QComboBox, model, index):  # noqa: N802
        model.setData(index, editor.currentData(), EDIT)


class DateDelegate(QStyledItemDelegate):
    """A date editor for an ISO date column (an action's due date)."""

    def createEditor(self, parent: QWidget, option, index):  # noqa: N802
        edit = QDateEdit(parent)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setAccessibleName("Due date")
        return edit

    def setEditorData(self, editor: QDateEdit, index):  # noqa: N802
        text = index.data(EDIT) or ""
        try:
            d = dt.date.fromisoformat(text)
        except ValueError:
            d = dt.date.today()
        editor.setDate(QDate(d.year, d.month, d.day))

    def setModelData(self, editor: QDateEdit, model, index):  # noqa: N802
        q = editor.date()
        model.setData(index, dt.date(q.year(), q.month(), q.day()).isoformat(), EDIT)
