"""The action plan being edited: an editable table model whose every change (cell edit,
add, remove, move) is a command on a QUndoStack, so the session can undo and redo."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QUndoCommand, QUndoStack

from app.domain.action_plan import STATUSES, PlanRow
from app.services.asb.views import OwnerChoice, PlanVersion
from app.ui.formats import day

Index = QModelIndex | QPersistentModelIndex
TEXT, OWNER, DUE, STATUS, NOTES = range(5)
COLUMNS = ("Action", "Owner", "Due", "Status", "Notes")
FIELDS = ("text", "owner", "due", "status", "notes")


@dataclass(frozen=True)
class EditRow:
    text: str = ""
    owner: str = ""
    due: dt.date | None = None
    status: str = "open"
    notes: str = ""
    done_on: dt.date | None = None  # done under an agreed version: its status is fixed

    def to_plan_row(self) -> PlanRow:
        return PlanRow(self.text, self.owner, self.due, self.status, self.notes)


def rows_from(plan: PlanVersion | None) -> list[EditRow]:
    """The agreed version's actions as the editor's starting rows."""
    if plan is None:
        return []
    return [
        EditRow(
            a.text,
            a.owner,
            a.due,
            "done" if a.done_on else "open",
            a.notes,
            done_on=a.done_on,
        )
        for a in plan.actions
    ]


class PlanTableModel(QAbstractTableModel):
    def __init__(self, stack: QUndoStack, owners: tuple[OwnerChoice, ...], parent=None):
        super().__init__(parent)
        self.stack = stack
        self.owners = owners
        self._labels = {o.value.casefold(): o.label for o in owners}
        self._rows: list[EditRow] = []

    # -- reading ---------------------------------------------------------------------------
    @property
    def rows(self) -> list[EditRow]:
        return list(self._rows)

    def plan_rows(self) -> list[PlanRow]:
        return [r.to_plan_row() for r in self._rows]

    def owner_label(self, owner: str) -> str:
        return self._labels.get(owner.strip().casefold(), owner)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            return base
        if index.column() == STATUS and self._rows[index.row()].done_on:
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.EditRole:
            return getattr(r, FIELDS[col])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = self._display(r, col)
            return (
                text
                if role == Qt.ItemDataRole.DisplayRole
                else f"{COLUMNS[col]}: {text or 'empty'}"
            )
        if role == Qt.ItemDataRole.ForegroundRole and col == STATUS and r.status == "done":
            return QColor("#1b6e3a")
        if role == Qt.ItemDataRole.ToolTipRole and col == STATUS and r.done_on:
            return "Recorded as done; it stays done in the new version"
        return None

    def _display(self, r: EditRow, col: int) -> str:
        if col == OWNER:
            return self.owner_label(r.owner) if r.owner else ""
        if col == DUE:
            return day(r.due)
        if col == STATUS:
            return f"done {day(r.done_on)}" if r.done_on else r.status
        return getattr(r, FIELDS[col])

    # -- editing: every change is an undoable command ----------------------------------------
    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        col = index.column()
        if col in (TEXT, OWNER):
            value = " ".join(str(value or "").split())
        elif col == NOTES:
            value = str(value or "").strip()
        if not _acceptable(col, value):
            return False
        if getattr(self._rows[index.row()], FIELDS[col]) == value:
            return False
        self.stack.push(SetCell(self, index.row(), col, value))
        return True

    def add_row(self, at: int, row: EditRow) -> None:
        self.stack.push(InsertRow(self, at, row))

    def remove_row(self, at: int) -> None:
        if 0 <= at < len(self._rows):
            self.stack.push(RemoveRow(self, at))

    def move_row(self, at: int, delta: int) -> bool:
        to = at + delta
        if not (0 <= at < len(self._rows) and 0 <= to < len(self._rows)):
            return False
        self.stack.push(MoveRow(self, at, to))
        return True

    def reset_rows(self, rows: list[EditRow]) -> None:
        """Start over from ``rows`` (not undoable: a new editing session)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
        self.stack.clear()

    # -- raw operations the commands perform ---------------------------------------------------
    def _set(self, row: int, col: int, value) -> None:
        self._rows[row] = replace(self._rows[row], **{FIELDS[col]: value})
        index = self.index(row, col)
        self.dataChanged.emit(index, index)

    def _insert(self, at: int, row: EditRow) -> None:
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.insert(at, row)
        self.endInsertRows()

    def _remove(self, at: int) -> EditRow:
        self.beginRemoveRows(QModelIndex(), at, at)
        row = self._rows.pop(at)
        self.endRemoveRows()
        return row

    def _move(self, at: int, to: int) -> None:
        dest = to + 1 if to > at else to  # Qt's destination is the row it goes before
        self.beginMoveRows(QModelIndex(), at, at, QModelIndex(), dest)
        self._rows.insert(to, self._rows.pop(at))
        self.endMoveRows()


def _acceptable(col: int, value) -> bool:
    if col == STATUS:
        return value in STATUSES
    if col == DUE:
        return value is None or isinstance(value, dt.date)
    return True


class SetCell(QUndoCommand):
    def __init__(self, model: PlanTableModel, row: int, col: int, value):
        super().__init__(f"Change {COLUMNS[col].lower()} of row {row + 1}")
        self.model, self.row, self.col, self.new = model, row, col, value
        self.old = getattr(model.rows[row], FIELDS[col])

    def redo(self) -> None:
        self.model._set(self.row, self.col, self.new)

    def undo(self) -> None:
        self.model._set(self.row, self.col, self.old)


class InsertRow(QUndoCommand):
    def __init__(self, model: PlanTableModel, at: int, row: EditRow):
        super().__init__(f"Add row {at + 1}")
        self.model, self.at, self.row = model, at, row

    def redo(self) -> None:
        self.model._insert(self.at, self.row)

    def undo(self) -> None:
        self.model._remove(self.at)


class RemoveRow(QUndoCommand):
    def __init__(self, model: PlanTableModel, at: int):
        super().__init__(f"Remove row {at + 1}")
        self.model, self.at = model, at
        self.row = model.rows[at]

    def redo(self) -> None:
        self.model._remove(self.at)

    def undo(self) -> None:
        self.model._insert(self.at, self.row)


class MoveRow(QUndoCommand):
    def __init__(self, model: PlanTableModel, at: int, to: int):
        super().__init__(f"Move row {at + 1} to {to + 1}")
        self.model, self.at, self.to = model, at, to

    def redo(self) -> None:
        self.model._move(self.at, self.to)

    def undo(self) -> None:
        self.model._move(self.to, self.at)
