"""The issue's "done when", by keyboard: find what is due, open a case, log a call with a
call back, see the countdown appear — with two cases open, so shortcuts must not clash."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.ui.case_view import CaseView
from app.ui.contact_dialog import ContactDialog
from app.ui.main_window import MainWindow
from tests.services.conftest import act_as


def test_find_open_log_a_call_with_call_back_and_see_the_countdown(qtbot, office):
    act_as(office, "r.morgan")
    w = MainWindow(office)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    # Find what is due: my cases, soonest first; open the first with Enter.
    w.table.setFocus()
    w.table.selectRow(0)
    qtbot.keyClick(w.table, Qt.Key.Key_Return)
    first = w.tabs.currentWidget()
    assert isinstance(first, CaseView) and first.ref == "CMP-3"
    # A second case open too: Ctrl+L must still reach the case in front.
    w.tabs.setCurrentIndex(0)
    w.open_case("GEN-2")
    w.tabs.setCurrentWidget(first)
    first.log_btn.setFocus()

    def fill():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ContactDialog)
        # The last entry is the resident's call still waiting for its call back, so the form
        # suggests a call to them; this one is the resident ringing again: say so.
        assert dialog.direction.currentData() == "out"
        dialog.direction.setFocus()
        qtbot.keyClicks(dialog.direction, "F")  # From the resident
        assert dialog.direction.currentData() == "in"
        dialog.summary.setFocus()
        qtbot.keyClicks(dialog.summary, "Resident rang about the complaint; wants a call back")
        dialog.callback.setFocus()
        qtbot.keyClick(dialog.callback, Qt.Key.Key_Space)
        qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    QTimer.singleShot(100, fill)
    qtbot.keyClick(first.log_btn, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    shown = [
        (
            first.deadlines_filter.data(first.deadlines_filter.index(r, 0)),
            first.deadlines_filter.data(first.deadlines_filter.index(r, 2)),
        )
        for r in range(first.deadlines_filter.rowCount())
    ]
    assert shown == [
        ("Call back", "2 WD left"),
        ("Call back", "5 WD left"),
    ]  # the old one and the new one
    assert first.case.events[0].summary == "Resident rang about the complaint; wants a call back"
