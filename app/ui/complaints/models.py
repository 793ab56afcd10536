"""Qt table models over the frozen complaint views: history, compensation, tracked promises, checklist."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.domain.compensation import money
from app.domain.complaint_response import ChecklistItem
from app.services.complaint_views import CompensationView, HistoryLine, TrackedView
from app.ui.countdown import countdown_colour, countdown_icon
from app.ui.formats import day, day_time

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
LATE = QColor("#b3261e")
DONE = QColor("#1b6e3a")


class _Rows(QAbstractTableModel):
    """A read-only table of rows with fixed columns; subclasses say what each cell shows."""

    columns: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
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

    def headerData(self, section: int, orientation, role=DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY:
            return self.columns[section]
        return None

    def data(self, index: Index, role: int = DISPLAY):
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        text = self.text(item, index.column())
        if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.columns[index.column()]}: {text}"
        return self.extra(item, index.column(), role)

    def text(self, item: Any, col: int) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def extra(self, item: Any, col: int, role: int):
        return None


class HistoryModel(_Rows):
    columns = ("When", "What", "By", "Details")

    def text(self, item: HistoryLine, col: int) -> str:
        if col == 0:
            return day_time(item.at)
        if col == 1:
            return item.what
        if col == 2:
            return item.by or ""
        return item.summary


class TrackedModel(_Rows):
    """Remedy actions and Ombudsman orders: what was promised, by when, the countdown."""

    columns = ("Promise", "Due", "Countdown")

    def text(self, item: TrackedView, col: int) -> str:
        if col == 0:
            return item.text
        if col == 1:
            return day(item.due)
        return item.countdown + (" — late" if item.late and item.status != "met" else "")

    def extra(self, item: TrackedView, col: int, role: int):
        if col != 2:
            return None
        if role == Qt.ItemDataRole.DecorationRole and item.status == "open":
            return countdown_icon(item.wd_left)
        if role == Qt.ItemDataRole.ForegroundRole:
            if item.status == "met":
                return LATE if item.late else DONE
            return countdown_colour(item.wd_left)
        return None


class LedgerModel(_Rows):
    """Compensation by head (rows) and by stage (columns), with a total row."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._view: CompensationView | None = None
        self.columns = ("Head",)

    def set_view(self, view: CompensationView) -> None:
        self.beginResetModel()
        self._view = view
        self.columns = ("Head", *view.columns, "Still to pay")
        rows: list[Any] = list(view.rows)
        if rows:
            rows.append(None)  # the total row
        self._rows = rows
        self.endResetModel()

    def text(self, item, col: int) -> str:
        view = self._view
        assert view is not None
        if item is None:
            if col == 0:
                return "Total"
            if col == len(self.columns) - 1:
                return money(view.outstanding)
            return _cell(view.totals[col - 1])
        if col == 0:
            return item.label
        if col == len(self.columns) - 1:
            return money(item.outstanding)
        return _cell(item.cells[col - 1])

    def extra(self, item, col: int, role: int):
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and item is None:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None


def _cell(amount: Decimal) -> str:
    return money(amount) if amount else "–"


class ChecklistModel(_Rows):
    columns = ("", "Response checklist", "What is missing")

    def text(self, item: ChecklistItem, col: int) -> str:
        if col == 0:
            return "Done" if item.done else "Missing"
        if col == 1:
            return item.label
        return item.problem

    def extra(self, item: ChecklistItem, col: int, role: int):
        if col == 0 and role == Qt.ItemDataRole.ForegroundRole:
            return DONE if item.done else LATE
        return None


class FindingsModel(_Rows):
    """The audit's findings about this complaint, with their evidence."""

    columns = ("Date", "Finding", "Evidence", "Details")

    def text(self, item, col: int) -> str:
        if col == 0:
            return day(item.date)
        if col == 1:
            return item.code
        if col == 2:
            return ", ".join(item.events)
        return item.detail

    def extra(self, item, col: int, role: int):
        if col == 1 and role == Qt.ItemDataRole.ForegroundRole:
            return LATE
        return None
