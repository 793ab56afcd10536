"""A case's history, newest first, filterable by kind of entry."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.domain.events import EVENT_GROUPS as GROUPS
from app.domain.events import TYPE_LABELS
from app.services.views import EventView
from app.ui.formats import day_time
from app.ui.records_model import Column, RecordsModel

CHANNEL_WORDS = {
    "phone": "Call",
    "email": "Email",
    "letter": "Letter",
    "visit": "Visit",
    "portal": "Portal message",
    "in_person": "In person",
}


def entry_label(e: EventView) -> str:
    if e.type == "contact":
        word = CHANNEL_WORDS.get(e.fields.get("channel", ""), "Contact")
        return f"{word} {'from resident' if e.fields.get('direction') == 'in' else 'to resident'}"
    return TYPE_LABELS.get(e.type, e.type.replace("_", " ").capitalize())


def when(e: EventView) -> str:
    return day_time(e.at)


def flags(e: EventView, corrected: dict[str, str], names=lambda u: u) -> str:
    out = []
    if e.fields.get("dissatisfaction"):
        out.append("dissatisfied")
    if e.fields.get("callback_requested"):
        out.append("call back requested")
    if e.fields.get("corrects"):
        out.append(f"corrects {e.fields['corrects']}")
    if e.id in corrected:
        out.append(f"corrected by {corrected[e.id]}")
    if e.fields.get("covering_for"):
        out.append(f"logged covering for {names(e.fields['covering_for'])}")
    if e.late is not None:
        out.append(late_note(e))
    return ", ".join(out)


def late_note(e: EventView) -> str:
    assert e.late is not None
    return f"late entry, recorded {day_time(e.late.recorded_at)} by {e.late.recorded_by_name}"


HIGHLIGHT = QColor("#fff3bf")  # an entry opened from a search (it is also selected)


class TimelineModel(RecordsModel[EventView]):
    def __init__(self, parent=None, names=None):
        self.corrected: dict[str, str] = {}
        self.highlight: str | None = None  # an entry opened from a search
        # username -> the person's name (app.services.people.display_name), never a bare login
        self.names = names or (lambda username: username or "")
        super().__init__(
            [
                Column("When", when),
                Column(
                    "Entry",
                    lambda e: ("Late entry: " if e.late else "") + entry_label(e),
                    tooltip=lambda e: late_note(e) if e.late else entry_label(e),
                ),
                Column("By", lambda e: self.names(e.by)),
                Column("Summary", lambda e: e.summary, tooltip=lambda e: e.summary),
                Column("Notes", lambda e: flags(e, self.corrected, self.names)),
                Column("Id", lambda e: e.id),
            ],
            parent,
        )

    def set_highlight(self, entry_id: str | None) -> None:
        """Mark one entry (the one a search opened) until another is marked."""
        self.highlight = entry_id
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1)
            )

    def set_events(self, events, corrected: dict[str, str]) -> None:
        self.corrected = dict(corrected)
        self.set_rows(events)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.BackgroundRole
            and index.isValid()
            and self.highlight is not None
            and self.rows[index.row()].id == self.highlight
        ):
            return QBrush(HIGHLIGHT)
        if (
            role == Qt.ItemDataRole.FontRole
            and index.isValid()
            and self.rows[index.row()].id in self.corrected
        ):
            font = QFont()
            font.setStrikeOut(True)
            return font
        return super().data(index, role)


class TimelineFilter(QSortFilterProxyModel):
    """Small in-memory list: a proxy filters it by group."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.types: frozenset[str] | None = None

    def set_group(self, name: str | None) -> None:
        self.types = GROUPS.get(name) if name else None
        self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        if self.types is None:
            return True
        return self.sourceModel().row(source_row).type in self.types
