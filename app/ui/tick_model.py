"""A table of rows each with a tick in its first column (Space toggles it): the cases a batch
of letters is for, the cases a retention deletion removes. Subclasses name their COLUMNS and say
what each row shows (``cells``); ``chosen()`` gives the refs of the ticked rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt


class TickModel(QAbstractTableModel):
    COLUMNS: tuple[str, ...] = ()
    TICKED_AT_FIRST = False

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Any] = []
        self.ticked: list[bool] = []

    def cells(self, row: Any) -> tuple[str, ...]:  # pragma: no cover - every subclass says
        raise NotImplementedError

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows, self.ticked = list(rows), [self.TICKED_AT_FIRST] * len(rows)
        self.endResetModel()

    def chosen(self) -> list[str]:
        return [r.ref for r, on in zip(self.rows, self.ticked, strict=True) if on]

    def tick_all(self, on: bool) -> None:
        self.ticked = [on] * len(self.rows)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section]
        return None

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            return Qt.CheckState.Checked if self.ticked[index.row()] else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.cells(self.rows[index.row()])[index.column()]
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            self.ticked[index.row()] = Qt.CheckState(value) == Qt.CheckState.Checked
            self.dataChanged.emit(index, index)
            return True
        return False
