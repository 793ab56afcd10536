"""Ctrl+End shows the inbox's last page at once (one keyset query from the end, however long the
inbox), scrolling up from there brings the pages before, and Ctrl+Home goes back to the start."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView

from app.services.inbox import page_key
from app.ui.inbox_model import PAGE, InboxJumps, InboxModel
from tests.ui.test_main_window import _row


def _inbox(n: int):
    rows = [_row(i, i - 3) for i in range(n)]
    keys = [page_key(r, "due") for r in rows]
    calls = []

    def fetch(_query, after, limit, from_end=False):
        calls.append((after, limit, from_end))
        if not from_end:
            start = 0 if after is None else keys.index(after) + 1
            return rows[start : start + limit]
        end = len(rows) if after is None else keys.index(after)
        return rows[max(0, end - limit) : end]

    return rows, calls, fetch


def test_the_last_page_and_the_pages_before_it(qtbot):
    rows, calls, fetch = _inbox(PAGE * 2 + 7)
    model = InboxModel(fetch)
    model.reload()
    model.jump_to_end()
    assert [model.row(i) for i in range(model.rowCount())] == rows[-PAGE:]
    assert calls[-1] == (None, PAGE, True) and not model.canFetchMore(QModelIndex())
    assert model.fetch_before() == PAGE and not model.at_start
    assert model.fetch_before() == 7 and model.at_start
    assert model.fetch_before() == 0
    assert [model.row(i) for i in range(model.rowCount())] == rows  # in order, nothing twice


def test_ctrl_end_and_ctrl_home_on_the_table(qtbot):
    rows, calls, fetch = _inbox(PAGE * 3)
    model = InboxModel(fetch)
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    InboxJumps(table, model)
    table.resize(600, 300)
    table.show()
    model.reload()
    qtbot.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert table.currentIndex().row() == model.rowCount() - 1
    assert model.row(table.currentIndex().row()) == rows[-1]
    shown = model.row(table.indexAt(table.viewport().rect().topLeft()).row())
    table.verticalScrollBar().setValue(table.verticalScrollBar().minimum())  # scrolled to the top
    assert model.rowCount() == 2 * PAGE  # the page before came
    top = model.row(table.indexAt(table.viewport().rect().topLeft()).row())
    assert rows.index(top) <= rows.index(shown)  # the view kept (about) its place
    qtbot.keyClick(table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    assert model.row(table.currentIndex().row()) == rows[0] and model.at_start
