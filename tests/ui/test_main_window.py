"""The first window: the inbox table model fetches lazily and shows countdowns readable without colour."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt

from app.domain.deadlines import urgency
from app.services.cases import create_case, record_event
from app.services.inbox import page_key
from app.services.views import InboxRow
from app.ui.inbox_model import PAGE, InboxModel
from app.ui.main_window import MainWindow


def _row(i: int, wd_left: int | None) -> InboxRow:
    return InboxRow(
        ref=f"C-{i:05d}",
        resident="R",
        kind="asb",
        risk_tier="high",
        status="open",
        next_kind="callback",
        next_label="Call back",
        due=dt.date(2025, 7, 1),
        wd_left=wd_left,
        officer="a.khan",
        officer_name="Aisha Khan",
        open_deadlines=1,
        version=1,
        urgency=urgency(wd_left, at_risk_wd=2),  # the service judges it (deadlines.model)
    )


def test_model_fetches_a_page_at_a_time(qtbot):
    calls = []
    rows = [_row(i, i - 3) for i in range(PAGE * 2 + 7)]

    keys = [page_key(r, "due") for r in rows]

    def fetch(_query, after, limit):  # asked for by the key of the last row shown
        calls.append((after, limit))
        start = 0 if after is None else keys.index(after) + 1
        return rows[start : start + limit]

    model = InboxModel(fetch)
    model.reload()
    assert model.rowCount() == PAGE and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == len(rows) and not model.canFetchMore(QModelIndex())
    assert calls == [(None, PAGE), (keys[PAGE - 1], PAGE), (keys[PAGE * 2 - 1], PAGE)]


def test_countdown_reads_without_colour(qtbot):
    model = InboxModel(
        lambda _q, after, n: [] if after else [_row(0, -3), _row(1, 0), _row(2, 2), _row(3, None)]
    )
    model.reload()
    texts = [model.data(model.index(r, 6)) for r in range(4)]
    assert texts == ["3 WD overdue", "due today", "2 WD left", "nothing due"]
    icons = [model.data(model.index(r, 6), Qt.ItemDataRole.DecorationRole) for r in range(4)]
    assert all(not i.isNull() for i in icons)
    assert (
        icons[0].cacheKey() != icons[1].cacheKey() != icons[3].cacheKey()
    )  # shape carries the meaning
    assert model.data(model.index(0, 0), Qt.ItemDataRole.AccessibleTextRole) == "Case: C-00000"


def test_main_window_shows_the_inbox_of_the_database(qtbot, ws):
    create_case(
        ws,
        ref="GEN-7",
        kind="general",
        officer="a.khan",
        resident_name="Łucja Nowak",
        opened=dt.date(2025, 6, 23),
    )
    record_event(
        ws,
        "GEN-7",
        {
            "type": "contact",
            "channel": "phone",
            "direction": "in",
            "by": "resident",
            "callback_requested": True,
            "at": "2025-06-23T09:00:00+01:00",
        },
    )
    window = MainWindow(ws)
    qtbot.addWidget(window)
    model = window.table.model()
    assert model.rowCount() == 1
    assert [model.data(model.index(0, c)) for c in range(3)] == ["GEN-7", "Łucja Nowak", "General"]
    assert "DEMO" not in window.windowTitle()
    assert window.table.accessibleName() == "Case inbox"


def test_the_window_reads_the_inbox_once_when_it_opens(qtbot, ws, monkeypatch):
    """Enabling sorting used to sort by the first column over all cases, then by due, then
    the filters' query ran: three reads of the inbox before the window showed."""
    import app.ui.main_window as main_window

    reads = []
    real = main_window.list_inbox

    def counted(*args, **kwargs):
        reads.append(kwargs.get("offset", args[3] if len(args) > 3 else None))
        return real(*args, **kwargs)

    monkeypatch.setattr(main_window, "list_inbox", counted)
    window = MainWindow(ws)
    qtbot.addWidget(window)
    assert len(reads) == 1
