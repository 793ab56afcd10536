"""A day by keyboard only (key presses, no mouse, no calls into the widgets' slots): open the
next due case from the inbox, log an outbound call with a call back, start a complaint from the
resident's dissatisfaction, draft a letter and get back to the inbox — where the list has kept
its place. And the keys that get you about: Tab leaves tables, Ctrl+W and Escape land on the
inbox list."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMessageBox

from app.ui.case_view import CaseView
from app.ui.contact_dialog import ContactDialog
from app.ui.main_window import MainWindow
from tests.services.conftest import act_as
from tests.ui.keyboard import activate, alt, focused, press, shown, type_text

CTRL = Qt.KeyboardModifier.ControlModifier


def _window(qtbot, office, who="a.khan") -> MainWindow:
    act_as(office, who)
    return shown(qtbot, MainWindow(office))


def when_modal(qtbot, kind, then):
    """Run ``then(dialog)`` once a modal dialog of ``kind`` is up (it blocks the caller)."""

    def check():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(30, check)
            return
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
        then(dialog)

    QTimer.singleShot(30, check)


def test_a_day_by_keyboard(qtbot, office):
    w = _window(qtbot, office)
    assert focused() is w.table
    # The inbox lists the soonest due first: Home onto it, Enter opens it.
    press(qtbot, Qt.Key.Key_Home)
    first = w.model.row(w.table.currentIndex().row()).ref
    press(qtbot, Qt.Key.Key_Return)
    case = w.tabs.currentWidget()
    assert isinstance(case, CaseView) and case.ref == first == "GEN-2"
    assert focused() is case.log_btn

    # An outbound call: the resident wants a call back and is unhappy.
    def log_call(dialog: ContactDialog):
        alt(qtbot, Qt.Key.Key_R)  # Direction
        while dialog.direction.currentData() != "out":
            press(qtbot, Qt.Key.Key_Down)
        alt(qtbot, Qt.Key.Key_S)  # Summary
        type_text(qtbot, "Rang back; unhappy nobody came")
        alt(qtbot, Qt.Key.Key_B)  # Call back requested
        alt(qtbot, Qt.Key.Key_D)  # Resident expressed dissatisfaction
        when_modal(qtbot, QMessageBox, lambda box: alt(qtbot, Qt.Key.Key_A))  # accepted
        qtbot.keyClick(focused(), Qt.Key.Key_Return, CTRL)  # save

    when_modal(qtbot, ContactDialog, log_call)
    qtbot.keyClick(focused(), Qt.Key.Key_L, CTRL)
    logged = [e for e in case.case.events if e.summary == "Rang back; unhappy nobody came"]
    assert logged, [(e.type, e.summary) for e in case.case.events]
    assert logged[0].fields.get("direction", "out") == "out", logged[0].fields
    open_kinds = {d.kind for d in case.case.deadlines if d.status == "open"}
    assert "complaint_ack" in open_kinds  # the complaint started from the dissatisfaction
    assert any(d.label == "Call back" and d.status == "open" for d in case.case.deadlines)

    # Ctrl+Tab walks the case's tabs (Tab itself never gets stuck in a table).
    tables = [v for v in case.findChildren(QAbstractItemView) if v.isVisible()]
    assert tables and not [v.accessibleName() for v in tables if v.tabKeyNavigation()]
    case.tabs.setFocus()
    start = case.tabs.currentIndex()
    qtbot.keyClick(case.tabs, Qt.Key.Key_Tab, CTRL)
    assert case.tabs.currentIndex() == (start + 1) % case.tabs.count()

    # Escape goes back to the inbox list, on the same case, the list where it was.
    activate(qtbot, w)  # the dialogs have closed: the window is active again
    w.tabs.setCurrentWidget(case)
    case.log_btn.setFocus()
    press(qtbot, Qt.Key.Key_Escape)
    assert w.tabs.currentIndex() == 0 and focused() is w.table
    assert w.model.row(w.table.currentIndex().row()).ref == first
    # Close case tab (Ctrl+W or Ctrl+F4, as the platform has it) lands on the inbox list too.
    w.tabs.setCurrentWidget(case)
    case.log_btn.setFocus()
    (close,) = [a for a in w.actions() if a.text() == "&Close case tab"]
    keys = close.shortcut()[0]
    qtbot.keyClick(focused(), keys.key(), keys.keyboardModifiers())
    qtbot.waitUntil(lambda: w.tabs.count() == 1)
    assert focused() is w.table
    assert w.model.row(w.table.currentIndex().row()).ref == first


def test_the_inbox_keeps_its_place_when_a_case_changes(qtbot, office):
    w = _window(qtbot, office, "p.natarajan")
    w.table.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)
    chosen = w.model.row(w.table.currentIndex().row()).ref
    w.model.reload()  # what a case's change does to the inbox
    assert w.model.row(w.table.currentIndex().row()).ref == chosen
    qtbot.keyClick(w.table, Qt.Key.Key_1, CTRL)
    assert focused() is w.table
