"""A day by keyboard only (key presses, no mouse, no calls into the widgets' slots): open the
next due case from the inbox, log an outbound call with a call back, start a complaint from the
resident's dissatisfaction, state its points, draft and finalise the acknowledgement letter
(ticking its checklist with Space) and get back to the inbox — where the list has kept
its place. And the keys that get you about: Tab leaves tables, Ctrl+W and Escape land on the
inbox list."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog, QMenu, QMessageBox
from sqlalchemy import select

from app.letters.letters import list_letters
from app.store.models import Case
from app.ui.case_view import CaseView
from app.ui.contact_dialog import ContactDialog
from app.ui.letters.editor import LetterEditor
from app.ui.letters.panel import LettersPanel, TemplatePicker
from app.ui.main_window import MainWindow
from app.ui.mnemonics import mnemonic
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
    with office.db.write() as s:  # a letter goes to an address
        s.scalars(select(Case).where(Case.ref == "GEN-2")).one().resident.address = "1 High St"
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

    # The complaint's points, from its Actions menu (Alt+A, then the item's own letter).
    activate(qtbot, w)
    case.log_btn.setFocus()
    alt(qtbot, Qt.Key.Key_C)  # the Complaints tab
    assert case.tabs.tabText(case.tabs.currentIndex()) == "&Complaints"

    def state_points(dialog):
        alt(qtbot, Qt.Key.Key_P)  # Points of complaint
        type_text(qtbot, "Nobody came to fix the leak")
        alt(qtbot, Qt.Key.Key_R)  # Record points

    when_modal(qtbot, QDialog, state_points)
    _menu_item(qtbot, Qt.Key.Key_A, "Points of complain&t…")
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)

    # The acknowledgement letter: Letters tab, New letter, the template, tick, finalise.
    activate(qtbot, w)
    alt(qtbot, Qt.Key.Key_E)  # the Letters tab
    letters = case.tabs.currentWidget().widget()
    assert isinstance(letters, LettersPanel)
    picked = {}

    def pick(picker: TemplatePicker):
        press(qtbot, Qt.Key.Key_Home)
        while picker.chosen().title != "Complaint acknowledgement (stage 1)":
            before = picker.chosen()
            press(qtbot, Qt.Key.Key_Down)
            assert picker.chosen() is not before, "the template is not in the list"
        picked["editor"] = True
        when_modal(qtbot, LetterEditor, write)
        press(qtbot, Qt.Key.Key_Return)

    def write(editor: LetterEditor):
        alt(qtbot, Qt.Key.Key_H)  # the checklist
        assert focused() is editor.checklist_view
        press(qtbot, Qt.Key.Key_Home)
        for _ in range(editor.checklist.rowCount()):
            press(qtbot, Qt.Key.Key_Space)
            press(qtbot, Qt.Key.Key_Down)
        picked["checks"] = dict(editor.edits().get("checks", {}))
        alt(qtbot, Qt.Key.Key_F)  # Finalise
        picked["status"] = editor.view.status
        picked["problems"] = editor.problems.text() + editor.error.text()
        alt(qtbot, Qt.Key.Key_C)  # Close

    when_modal(qtbot, TemplatePicker, pick)
    alt(qtbot, Qt.Key.Key_N)  # New letter…
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert picked.get("status") == "finalised", picked
    (ack,) = [s for s in list_letters(office, case.ref) if "acknowledgement" in s.title.lower()]
    assert ack.status == "finalised", ack.status_text

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


def _menu_item(qtbot, key, text):
    """Open a menu button by its Alt key and choose ``text`` by its underlined letter."""

    def choose():
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(30, choose)
            return
        (action,) = [a for a in menu.actions() if a.text() == text]
        qtbot.keyClick(menu, mnemonic(text).lower())

    QTimer.singleShot(30, choose)
    alt(qtbot, key)


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
