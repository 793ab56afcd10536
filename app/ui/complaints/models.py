"""Qt table models over the frozen complaint views: history, compensation, tracked promises, checklist.

Each is a ``RecordsModel`` whose cells a screen reader hears with their column title.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from app.domain.compensation import money
from app.domain.complaint_response import ChecklistItem
from app.services.complaints.views import CompensationView, HistoryLine, TrackedView
from app.ui.countdown import countdown_colour, countdown_icon
from app.ui.formats import day, day_time
from app.ui.records_model import Column, Index, RecordsModel

DISPLAY = Qt.ItemDataRole.DisplayRole
LATE = QColor("#b3261e")
DONE = QColor("#1b6e3a")


class HistoryModel(RecordsModel[HistoryLine]):
    def __init__(self, parent=None, names=None):
        # username -> the person's name (app.services.people.display_name)
        self.names = names or (lambda username: username or "")
        super().__init__(
            [
                Column("When", lambda h: day_time(h.at)),
                Column("What", lambda h: h.what),
                Column("By", lambda h: self.names(h.by)),
                Column("Details", lambda h: h.summary),
            ],
            parent,
            titled=True,
        )


def _countdown(item: TrackedView) -> str:
    return item.countdown + (" — late" if item.late and item.status != "met" else "")


def _countdown_colour(item: TrackedView) -> QColor:
    if item.status == "met":
        return LATE if item.late else DONE
    return countdown_colour(item.urgency)


class TrackedModel(RecordsModel[TrackedView]):
    """Remedy actions and Ombudsman orders: what was promised, by when, the countdown."""

    def __init__(self, parent=None):
        super().__init__(
            [
                Column("Promise", lambda t: t.text),
                Column("Due", lambda t: day(t.due)),
                Column(
                    "Countdown",
                    _countdown,
                    decoration=lambda t: countdown_icon(t.urgency) if t.status == "open" else None,
                    foreground=_countdown_colour,
                ),
            ],
            parent,
            titled=True,
        )


class LedgerModel(RecordsModel[Any]):
    """Compensation by head (rows) and by stage (columns), with a total row (``None``)."""

    def __init__(self, parent=None):
        super().__init__([Column("Head", lambda r: r.label)], parent, titled=True)

    def set_view(self, view: CompensationView) -> None:
        self.beginResetModel()
        stages = [
            Column(title, lambda r, i=i: _cell((view.totals if r is None else r.cells)[i]))
            for i, title in enumerate(view.columns)
        ]
        self.columns = [
            Column("Head", lambda r: "Total" if r is None else r.label),
            *stages,
            Column(
                "Still to pay", lambda r: money(view.outstanding if r is None else r.outstanding)
            ),
        ]
        rows: list[Any] = list(view.rows)
        if rows:
            rows.append(None)  # the total row
        self._rows = rows
        self.endResetModel()

    def data(self, index: Index, role: int = DISPLAY):
        if index.isValid():
            if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.FontRole and self._rows[index.row()] is None:
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)


def _cell(amount: Decimal) -> str:
    return money(amount) if amount else "–"


class ChecklistModel(RecordsModel[ChecklistItem]):
    def __init__(self, parent=None):
        super().__init__(
            [
                Column(
                    "",
                    lambda c: "Done" if c.done else "Missing",
                    foreground=lambda c: DONE if c.done else LATE,
                ),
                Column("Response checklist", lambda c: c.label),
                Column("What is missing", lambda c: c.problem),
            ],
            parent,
            titled=True,
        )


class FindingsModel(RecordsModel[Any]):
    """The audit's findings about this complaint, with their evidence."""

    def __init__(self, parent=None, names=None):
        self.names = names or (lambda text: text)  # login names in the text -> people's names
        super().__init__(
            [
                Column("Date", lambda f: day(f.date)),
                Column("Finding", lambda f: f.code, foreground=lambda f: LATE),
                Column("Evidence", lambda f: ", ".join(f.events)),
                Column("Details", lambda f: self.names(f.detail)),
            ],
            parent,
            titled=True,
        )
