"""One read-only table model for small in-memory lists of frozen views, and a view to show it.

Every table says what it shows with ``Column`` specs: the cell's text, its tooltip,
icon and colour (a rule of the column's own, or the colour of a status word), and
the column's starting width. The case view, the timeline, search, the ASB panel,
the complaint panel and the letter lists all use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

T = TypeVar("T")
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
class Column(Generic[T]):
    title: str
    text: Callable[[T], str]
    width: int | None = None  # starting width in pixels (``make_table``); None: Qt's own
    status: bool = False  # colour the cell by its status word (``STATUS_COLOURS``)
    decoration: Callable[[T], Any] | None = None
    foreground: Callable[[T], Any] | None = None
    tooltip: Callable[[T], str] | None = None


class RecordsModel(QAbstractTableModel, Generic[T]):
    """A read-only table of ``rows`` (frozen views), one ``Column`` spec per column.

    ``titled``: a screen reader hears the column's title before the text ("Due: Mon 2 Jun
    2025"). ``tooltip_over``: a column without its own tooltip shows its text as one only
    when it is longer than this many characters (None: always).
    """

    def __init__(
        self,
        columns: Sequence[Column[T]],
        parent=None,
        *,
        titled: bool = False,
        tooltip_over: int | None = None,
    ):
        super().__init__(parent)
        self.columns = list(columns)
        self.titled = titled
        self.tooltip_over = tooltip_over
        self._rows: list[T] = []

    @property
    def rows(self) -> list[T]:
        return self._rows

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, i: int) -> T:
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
        item = self._rows[index.row()]
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(item)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{col.title}: {col.text(item)}" if self.titled else col.text(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col.tooltip:
                return col.tooltip(item)
            text = col.text(item)
            return text if self.tooltip_over is None or len(text) > self.tooltip_over else None
        if role == Qt.ItemDataRole.DecorationRole and col.decoration:
            return col.decoration(item)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col.foreground:
                return col.foreground(item)
            if col.status:
                colour = STATUS_COLOURS.get(col.text(item).split(" (")[0])
                return QColor(colour) if colour else None
        return None


def make_table(model: RecordsModel, name: str, parent: QWidget | None = None) -> QTableView:
    """A keyboard-operable, row-selecting view of ``model``, its columns at their widths."""
    view = QTableView(parent)
    view.setObjectName(name.lower().replace(" ", "_"))
    view.setAccessibleName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move within it
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for i, col in enumerate(model.columns):
        if col.width is not None:
            view.setColumnWidth(i, col.width)
    return view


def selected_row(view: QTableView) -> Any | None:
    index = view.currentIndex()
    if not index.isValid():
        return None
    model = view.model()
    assert isinstance(model, RecordsModel)
    return model.row(index.row())
