"""Qt table model of the inbox: rows come from the inbox service, a page at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.services.views import InboxRow
from app.ui.countdown import countdown_colour, countdown_icon, countdown_text

Fetch = Callable[[int, int], list[InboxRow]]  # (offset, limit) -> rows

KIND_NAMES = {"asb": "ASB", "complaint": "Complaint", "general": "General", "repair": "Repair", "arrears": "Arrears"}
COLUMNS = ("Case", "Resident", "Kind", "Risk", "Next deadline", "Due", "Countdown", "Officer")
PAGE = 200
Index = QModelIndex | QPersistentModelIndex


class InboxModel(QAbstractTableModel):
    """Read-only, lazily fetched: ``fetchMore`` asks the service for the next page."""

    def __init__(self, fetch: Fetch, parent=None):
        super().__init__(parent)
        self._fetch = fetch
        self._rows: list[InboxRow] = []
        self._exhausted = False

    # -- loading -----------------------------------------------------------------
    def reload(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return
        page = self._fetch(len(self._rows), PAGE)
        if len(page) < PAGE:
            self._exhausted = True
        if not page:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    # -- model API ---------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def row(self, i: int) -> InboxRow:
        return self._rows[i]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if col == 6:
            if role == Qt.ItemDataRole.DecorationRole:
                return countdown_icon(r.wd_left)
            if role == Qt.ItemDataRole.ForegroundRole:
                return countdown_colour(r.wd_left)
        if role == Qt.ItemDataRole.ToolTipRole and col in (4, 6) and r.next_label:
            return f"{r.next_label}: {countdown_text(r.wd_left)}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{COLUMNS[col]}: {self._display(r, col)}"
        return None

    @staticmethod
    def _display(r: InboxRow, col: int) -> str:
        if col == 0:
            return r.ref
        if col == 1:
            return r.resident
        if col == 2:
            return KIND_NAMES.get(r.kind, r.kind)
        if col == 3:
            return (r.risk_tier or "").capitalize()
        if col == 4:
            return r.next_label or "Nothing due"
        if col == 5:
            return _date(r.due)
        if col == 6:
            return countdown_text(r.wd_left)
        return r.officer_name or r.officer


def _date(d: dt.date | None) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}" if d else ""
