"""The inbox window: sorting and filtering by query, counts, cover, and the midnight rollover."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from app.services.absences import add_absence
from app.ui.main_window import MainWindow
from app.ui.midnight import msecs_to_midnight
from tests.services.conftest import act_as


def shown(window) -> list[tuple[str, str]]:
    m = window.model
    return [(m.data(m.index(r, 0)), m.data(m.index(r, 6))) for r in range(m.rowCount())]


def make_window(qtbot, ws, user="p.natarajan"):
    act_as(ws, user)
    window = MainWindow(ws)
    qtbot.addWidget(window)
    return window


def test_manager_sees_everyone_soonest_first_with_counts(qtbot, office):
    w = make_window(qtbot, office)
    assert w.filters.scope.currentData() == "all"
    assert shown(w) == [
        ("GEN-2", "5 WD overdue"),
        ("ASB-1", "due today"),
        ("CMP-3", "2 WD left"),
        ("REP-4", "4 WD left"),
    ]
    expected = "4 cases · 1 due today · 2 at risk (≤ 2 WD) · 1 breached"
    qtbot.waitUntil(lambda: w.counts.text() == expected, timeout=3000)  # counted off the UI thread


def test_clicking_a_header_sorts_in_the_query(qtbot, office):
    w = make_window(qtbot, office)
    w.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [r for r, _ in shown(w)] == ["REP-4", "GEN-2", "CMP-3", "ASB-1"]
    assert (w.model.query.sort, w.model.query.descending) == ("ref", True)
    w.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert [r for r, _ in shown(w)] == ["ASB-1", "CMP-3", "GEN-2", "REP-4"]


def test_filter_bar_by_keyboard(qtbot, office):
    w = make_window(qtbot, office)
    w.filters.due.setFocus()
    qtbot.keyClick(w.filters.due, Qt.Key.Key_Down)  # "Due today"
    assert [r for r, _ in shown(w)] == ["ASB-1"]
    qtbot.keyClick(w.filters.due, Qt.Key.Key_Down)  # "At risk"
    assert [r for r, _ in shown(w)] == ["ASB-1", "CMP-3"]
    qtbot.keyClick(w.filters.due, Qt.Key.Key_Home)
    qtbot.keyClicks(w.filters.text, "rep-4")
    qtbot.waitUntil(lambda: [r for r, _ in shown(w)] == ["REP-4"], timeout=2000)
    qtbot.waitUntil(lambda: w.counts.text().startswith("1 case ·"), timeout=3000)


def test_officer_scopes_and_cover_routing(qtbot, office):
    act_as(office, "a.khan")
    add_absence(
        office, "a.khan", dt.date(2025, 6, 23), dt.date(2025, 6, 27), cover_officer="r.morgan"
    )
    w = make_window(qtbot, office, "r.morgan")
    assert [w.filters.scope.itemData(i) for i in range(w.filters.scope.count())] == [
        "mine",
        "team",
        "covering",
    ]
    m = w.model
    officers = {m.data(m.index(r, 0)): m.data(m.index(r, 7)) for r in range(m.rowCount())}
    assert officers == {
        "GEN-2": "covering for Aisha Khan",
        "ASB-1": "covering for Aisha Khan",
        "CMP-3": "Rhys Morgan",
    }


def test_countdowns_roll_over_at_midnight_without_a_restart(qtbot, office, clock):
    clock.set("2025-06-24T22:59:00+00:00")  # 23:59 in London (BST)
    w = make_window(qtbot, office)
    assert dict(shown(w))["ASB-1"] == "due today"
    assert 60_000 <= w.midnight.remaining_ms() <= 62_000
    clock.set("2025-06-24T23:00:05+00:00")  # 00:00:05 on Wednesday in London
    w.midnight.fire()
    assert dict(shown(w))["ASB-1"] == "1 WD overdue"
    assert dict(shown(w))["REP-4"] == "3 WD left"


def test_msecs_to_midnight_uses_london_time():
    winter = dt.datetime(2025, 1, 6, 23, 30, tzinfo=dt.UTC)  # 23:30 GMT
    summer = dt.datetime(2025, 6, 24, 22, 30, tzinfo=dt.UTC)  # 23:30 BST
    assert msecs_to_midnight(winter) == msecs_to_midnight(summer) == 30 * 60_000 + 1000


def test_closed_cases_still_owing_are_their_own_section_not_above_live_cases(qtbot, office):
    from app.services.cases import record_event

    record_event(  # GEN-2 (the most overdue call back) closes, its call back still owed
        office,
        "GEN-2",
        {"type": "case_closed", "at": "2025-06-23T09:00:00+01:00", "outcome": "Resolved"},
    )
    window = MainWindow(office)
    qtbot.addWidget(window)
    window.show()
    refs = [window.model.data(window.model.index(r, 0)) for r in range(window.model.rowCount())]
    assert "GEN-2" not in refs and refs  # the live cases only, soonest first
    # counted with the status bar's counts, off the UI thread (a read of every closed case)
    qtbot.waitUntil(window.filters.owing.isVisible, timeout=3000)
    assert window.filters.owing.text() == "1 closed, still owing"
    window.filters.owing.click()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.model.data(window.model.index(0, 0)) == "GEN-2"
    assert not window.filters.owing.isVisible()
