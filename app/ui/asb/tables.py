"""A read-only Qt table model over a list of frozen view rows, with a column spec per table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

Index = QModelIndex | QPersistentModelIndex

# Status words the views use and how they look; the word itself carries the meaning.
STATUS_COLOURS = {
    "overdue": "#b3261e",
    "missed": "#b3261e",
    "done late": "#b45309",
    "chased late": "#b45309",
    "awaiting": "#5f6368",
    "done": "#1b6e3a",
    "answered": "#1b6e3a",
    "chased": "#1b6e3a",
}


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    width: int = 120
    status: bool = False  # colour the cell by its status word


class RowsModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(parent)
        self.columns = tuple(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, i: int) -> Any:
        return self._rows[i]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        col = self.columns[index.column()]
        text = col.text(self._rows[index.row()])
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return text if len(text) > 30 else None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{col.title}: {text}"
        if role == Qt.ItemDataRole.ForegroundRole and col.status:
            colour = STATUS_COLOURS.get(text.split(" (")[0])
            return QColor(colour) if colour else None
        return None


def make_table(model: RowsModel, name: str, parent: QWidget | None = None) -> QTableView:
    """A keyboard-operable, row-selecting view of ``model``."""
    view = QTableView(parent)
    view.setObjectName(name.lower().replace(" ", "_"))
    view.setAccessibleName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for i, col in enumerate(model.columns):
        view.setColumnWidth(i, col.width)
    return view


def selected_row(view: QTableView) -> Any | None:
    index = view.currentIndex()
    if not index.isValid():
        return None
    model = view.model()
    assert isinstance(model, RowsModel)
    return model.row(index.row())
