"""Qt table model of the inbox: a page at a time from the inbox service, sorted and filtered in the query.

Each page is asked for by the key of the last row shown (keyset paging), so a page deep in
100,000 cases costs what the first one does. After a write, ``refresh_rows(refs)`` re-reads
just those cases' rows in place; the rest of the model is not touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QTableView

from app.services.inbox import InboxQuery, page_key
from app.services.views import InboxRow
from app.ui.countdown import countdown_colour, countdown_icon, countdown_text
from app.ui.formats import day

# (query, key of the last row shown or None for the first page, limit) -> rows; with
# ``from_end=True``: the last ``limit`` rows before that key (None: of the whole inbox)
Fetch = Callable[..., list[InboxRow]]

KIND_NAMES = {
    "asb": "ASB",
    "complaint": "Complaint",
    "general": "General",
    "repair": "Repair",
    "arrears": "Arrears",
}
COLUMNS = ("Case", "Resident", "Kind", "Risk", "Next deadline", "Due", "Countdown", "Officer")
SORT_KEYS = ("ref", "resident", "kind", "risk", "next", "due", "due", "officer")
PAGE = 200
Index = QModelIndex | QPersistentModelIndex


class InboxModel(QAbstractTableModel):
    """Read-only and lazily fetched; ``sort()`` and ``set_query()`` re-run the service query."""

    sig_reloaded = Signal()
    sig_rows_refreshed = Signal(object)  # the refs re-read after a write

    def __init__(self, fetch: Fetch, parent=None):
        super().__init__(parent)
        self._fetch = fetch
        self._rows: list[InboxRow] = []
        self._after: tuple | None = None  # page key of the last row fetched
        self._exhausted = False
        # After a jump to the end the rows shown are a window: those before it come a page at a
        # time as the officer scrolls up (fetch_before), as keyset pages from the end.
        self._before: tuple | None = None  # page key of the first row shown
        self._at_start = True  # no row comes before the first shown
        self.query = InboxQuery()
        self.new_refs: frozenset[str] = frozenset()  # handed to the officer, not yet opened

    def set_new(self, refs: frozenset[str]) -> None:
        """Mark these cases new (handed to the officer and not yet opened)."""
        if refs != self.new_refs:
            self.new_refs = refs
            if self._rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))

    # -- loading -----------------------------------------------------------------
    def set_query(self, query: InboxQuery) -> None:
        self.query = query
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._after = None
        self._exhausted = False
        self._before, self._at_start = None, True
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())
        self.sig_reloaded.emit()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._exhausted:
            return
        page = self._fetch(self.query, self._after, PAGE)
        if len(page) < PAGE:
            self._exhausted = True
        if not page:
            return
        # kept apart from the rows: a refreshed row may have moved on, the page boundary not
        self._after = page_key(page[-1], self.query.sort)
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def jump_to_end(self) -> None:
        """Show the inbox's last page at once (Ctrl+End), however long the inbox: keyset paging
        from the end; the rows before it load as the officer scrolls up."""
        page = self._fetch(self.query, None, PAGE, from_end=True)
        self.beginResetModel()
        self._rows = list(page)
        self._exhausted = True
        self._after = page_key(page[-1], self.query.sort) if page else None
        self._before = page_key(page[0], self.query.sort) if page else None
        self._at_start = len(page) < PAGE
        self.endResetModel()
        self.sig_reloaded.emit()

    @property
    def at_start(self) -> bool:
        return self._at_start

    def fetch_before(self) -> int:
        """Put the page before the first row shown above it; how many rows came."""
        if self._at_start or self._before is None:
            return 0
        page = self._fetch(self.query, self._before, PAGE, from_end=True)
        if len(page) < PAGE:
            self._at_start = True
        if not page:
            return 0
        self._before = page_key(page[0], self.query.sort)
        self.beginInsertRows(QModelIndex(), 0, len(page) - 1)
        self._rows[0:0] = page
        self.endInsertRows()
        return len(page)

    def refresh_rows(self, refs: Iterable[str]) -> None:
        """Re-read the rows of these cases (a write changed them) and update them in place;
        a case that no longer matches the filters leaves. Nothing else is re-read or reset."""
        shown = {r.ref for r in self._rows} & set(refs)
        if not shown:
            return
        fresh = {
            r.ref: r
            for r in self._fetch(self.query.with_(refs=tuple(sorted(shown))), None, len(shown))
        }
        for i in reversed(range(len(self._rows))):
            ref = self._rows[i].ref
            if ref not in shown:
                continue
            if ref in fresh:
                self._rows[i] = fresh[ref]
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
            else:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
        self.sig_rows_refreshed.emit(frozenset(shown))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS[column]
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self.query.sort, self.query.descending):
            self.set_query(self.query.with_(sort=key, descending=descending))

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
        if col == 0 and r.ref in self.new_refs:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return (
                    f"{r.ref} (new)"
                    if role == Qt.ItemDataRole.DisplayRole
                    else (f"{COLUMNS[0]}: {r.ref}, new: handed to you")
                )
            if role == Qt.ItemDataRole.FontRole:
                bold = QFont()
                bold.setBold(True)
                return bold
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Handed to you: new until you open it"
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if col == 6:
            if role == Qt.ItemDataRole.DecorationRole:
                return countdown_icon(r.urgency)
            if role == Qt.ItemDataRole.ForegroundRole:
                return countdown_colour(r.urgency)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col in (4, 6) and r.next_label:
                return f"{r.next_label}: {countdown_text(r.wd_left)}"
            if col == 7 and r.covering_for:
                return f"{r.covering_for} is away: you are covering this case"
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
            return KIND_NAMES.get(r.kind, r.kind) + (" (closed)" if r.status == "closed" else "")
        if col == 3:
            return (r.risk_tier or "").capitalize()
        if col == 4:
            return r.next_label or "Nothing due"
        if col == 5:
            return day(r.due)
        if col == 6:
            return countdown_text(r.wd_left)
        name = r.officer_name or r.officer
        return f"covering for {name}" if r.covering_for else name


class InboxJumps(QObject):
    """Ctrl+End and Ctrl+Home on an inbox table: the last page and back to the first, each one
    keyset query however long the inbox; after Ctrl+End, scrolling to the top brings the page
    before (the view keeps its place)."""

    def __init__(self, table: QTableView, model: InboxModel):
        super().__init__(table)
        self.table, self.model = table, model
        table.installEventFilter(self)
        table.verticalScrollBar().valueChanged.connect(self._scrolled)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.KeyPress and event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier
        ):
            if event.key() == Qt.Key.Key_End:
                self.to_end()
                return True
            if event.key() == Qt.Key.Key_Home:
                self.to_start()
                return True
        return False

    def _select(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row, 0)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)

    def to_end(self) -> None:
        self.model.jump_to_end()
        self._select(self.model.rowCount() - 1)

    def to_start(self) -> None:
        if not self.model.at_start:
            self.model.reload()
        self._select(0)

    def _scrolled(self, value: int) -> None:
        bar = self.table.verticalScrollBar()
        if value != bar.minimum() or self.model.at_start:
            return
        top = self.table.indexAt(self.table.viewport().rect().topLeft()).row()
        added = self.model.fetch_before()
        if added:
            self.table.scrollTo(
                self.model.index(max(top, 0) + added, 0), QAbstractItemView.ScrollHint.PositionAtTop
            )
