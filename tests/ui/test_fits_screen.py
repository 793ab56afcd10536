"""Every window and dialog fits an officer's laptop: at 1366×768 and at 1024×768 (less a 40 px
task bar) each opens inside the screen's available area and every button it shows can be seen.

The screen is simulated through the one helper every window sizes itself with (app/ui/fit.py).
The windows are found by driving the app: every menu item of the main window and every push
button of a case's tabs is pressed, and whatever window that opens is checked and closed. A
few need a state the sweep cannot reach (a draft letter, the first run, signing in): they are
built directly. Every QDialog class in app/ui must have been seen, so a new dialog is checked
the day it is added.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

import pytest
from PySide6.QtCore import QRect, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QStatusBar,
    QTabWidget,
    QToolButton,
    QWidget,
)

import app.ui
from app.services import accounts
from app.services import complaints as complaint_svc
from app.services.cases import create_case
from app.services.hazards import report_hazard
from app.services.requests import log_request
from app.ui.case_view import CaseView
from app.ui.fit import FRAME_H, FRAME_W, available_geometry, simulate_screen
from app.ui.help.shortcuts import _widget_rows, clean, mark_clashes
from app.ui.main_window import MainWindow
from app.ui.mnemonics import mnemonic
from tests.services.complaint_helpers import seed_case
from tests.services.conftest import act_as
from tests.ui import asb_case

TASK_BAR = 40
SCREENS = {
    "1366x768": QRect(0, 0, 1366, 768 - TASK_BAR),
    "1024x768": QRect(0, 0, 1024, 768 - TASK_BAR),
}
CMP = "CMP-7"
ARR = "ARR-8"
NOT_PRESSED = {"&Quit", "Discard", "D&iscard"}  # nothing to see, and it ends what is open


def all_dialog_classes() -> set[type]:
    for info in pkgutil.walk_packages(app.ui.__path__, "app.ui."):
        importlib.import_module(info.name)
    found, todo = set(), [QDialog]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("app.ui."):
                found.add(sub)
    return found


def _in_scroll_area(widget: QWidget, window: QWidget) -> bool:
    w = widget.parentWidget()
    while w is not None and w is not window:
        if isinstance(w, QAbstractScrollArea):
            return True
        w = w.parentWidget()
    return False


def problems(window: QWidget) -> list[str]:
    """What of the window lies outside the available screen area, or is cut off inside it."""
    area = available_geometry(window)
    name = f"{type(window).__name__} {window.windowTitle()!r}"
    out = []
    frame = window.frameGeometry()
    if frame == window.geometry():  # no frame (offscreen): allow for a window manager's
        frame = frame.adjusted(-FRAME_W // 2, -FRAME_H, FRAME_W // 2, 0)
    if not area.contains(frame):
        out.append(f"{name}: window {window.geometry().getRect()} is outside {area.getRect()}")
    shown = [
        w
        for w in window.findChildren(QAbstractButton) + window.findChildren(QStatusBar)
        if w.isVisible() and w.width() > 0 and w.window() is window
    ]
    for w in shown:
        if _in_scroll_area(w, window):
            continue  # reachable by scrolling (and Tab scrolls to it)
        rect = QRect(w.mapToGlobal(w.rect().topLeft()), w.size())
        label = (w.text() if isinstance(w, QAbstractButton) else "") or type(w).__name__
        if not area.contains(rect):
            out.append(f"{name}: {label!r} at {rect.getRect()} is off the screen")
        elif w.visibleRegion().boundingRect().size() != w.size():
            out.append(f"{name}: {label!r} is cut off ({w.visibleRegion().boundingRect()})")
    return out


def mnemonic_clashes(window: QWidget) -> list[str]:
    """Alt keys that two things showing at once answer to (Qt then does neither)."""
    rows = [r for r in _widget_rows(window, window, set()) if r.keys.startswith("Alt+")]
    showing = _showing_mnemonics(window)
    rows = [r for r in rows if (r.keys, r.does) in showing]
    return sorted({f"{r.keys}: {r.does} / {r.clashes}" for r in mark_clashes(rows) if r.clashes})


def _showing_mnemonics(window: QWidget) -> set[tuple[str, str]]:
    """(keys, does) of the buttons, buddied labels and tabs visible in the window now."""
    out = set()
    for b in window.findChildren(QAbstractButton):
        m = mnemonic(b.text())
        if m and b.isVisible():
            out.add((f"Alt+{m}", clean(b.text())))
    for label in window.findChildren(QLabel):
        m = mnemonic(label.text())
        if m and label.buddy() is not None and label.isVisible():
            out.add((f"Alt+{m}", f"Go to {clean(label.text()).rstrip(':')}"))
    for tabs in window.findChildren(QTabWidget):
        for i in range(tabs.count()):
            m = mnemonic(tabs.tabText(i))
            if m and tabs.isVisible():
                out.add((f"Alt+{m}", f"Show the {clean(tabs.tabText(i))} tab"))
    return out


class Sweep:
    """Checks and closes every new top-level window that appears while something runs,
    including modal dialogs (the timer fires inside their event loop)."""

    def __init__(self, known: list[QWidget], also=None):
        self.known = set(map(id, known))
        self.also = also  # another check of each window: window -> problems found
        self.found: dict[str, list[str]] = {}
        self.seen: dict[str, list[str]] = {}
        self.classes: set[type] = set()
        self.clashes: dict[str, list[str]] = {}
        self.timer = QTimer()
        self.timer.setInterval(30)
        self.timer.timeout.connect(self.sweep)

    def run(self, trigger) -> None:
        self.timer.start()
        try:
            trigger()
            for _ in range(3):
                QApplication.processEvents()
                self.sweep()
        finally:
            self.timer.stop()

    def sweep(self) -> None:
        for w in QApplication.topLevelWidgets():
            if id(w) in self.known or not w.isVisible() or w.inherits("QTipLabel"):
                continue
            if isinstance(w, QMenu):  # Qt places popups on the real screen, not the simulated one
                w.close()
                continue
            QApplication.processEvents()
            self.classes.add(type(w))
            self.seen.setdefault(type(w).__name__, []).extend(problems(w))
            self.clashes.setdefault(type(w).__name__, []).extend(mnemonic_clashes(w))
            if self.also is not None:
                self.found.setdefault(type(w).__name__, []).extend(self.also(w))
            if isinstance(w, QDialog):
                w.reject()
            w.close()

    def press_all(self, root: QWidget) -> None:
        """Press every button showing, on every page of every tab widget inside ``root``."""
        for tabs in root.findChildren(QTabWidget):
            for i in range(tabs.count()):
                if tabs.isVisible() and tabs.isTabEnabled(i):
                    tabs.setCurrentIndex(i)
                    QApplication.processEvents()
                    self.press_showing(tabs.widget(i))
        self.press_showing(root)

    def press_showing(self, root: QWidget) -> None:
        for b in root.findChildren(QAbstractButton):
            try:
                if not isinstance(b, QPushButton | QToolButton) or b.text() in NOT_PRESSED:
                    continue
                if b.isVisible() and b.isEnabled() and b.window() is root.window():
                    self.run(b.click)
            except RuntimeError:  # a reload after the last press rebuilt the panel's buttons
                continue


def no_disk_browsing(monkeypatch) -> None:
    """A file dialog would browse the disk: show it, but on an empty folder; a question is
    answered No."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)


@pytest.fixture(params=list(SCREENS))
def screen(request, monkeypatch):
    simulate_screen(SCREENS[request.param])
    no_disk_browsing(monkeypatch)
    yield SCREENS[request.param]
    simulate_screen(None)


@pytest.fixture
def cases(ws, clock):
    return seed_everything(ws, clock)


def seed_everything(ws, clock):
    """An ASB case with a plan, partners and visits, a stage 1 complaint and an arrears case
    with a hazard and a request; the admin acting."""
    asb_case.showcase_case(ws)
    clock.set("2025-06-03T09:00:00+00:00")
    seed_case(ws, ref=CMP, opened="2025-06-02", kind="complaint")
    complaint_svc.receive_complaint(
        ws,
        CMP,
        at=dt.datetime.fromisoformat("2025-06-02T10:00:00+01:00"),
        channel="email",
        summary="Leak not repaired after three visits",
        points=["Repair not completed", "Calls not returned"],
    )
    # An arrears case with a hazard and a request: the Hazards and decisions tab's step,
    # decision, pre-action and possession dialogs.
    create_case(ws, ref=ARR, kind="arrears", officer="a.khan", resident_name="Ms Invented",
                opened=dt.date(2025, 6, 2))  # fmt: skip
    report_hazard(ws, ARR, hazard="damp_mould", category="significant", channel="phone",
                  summary="Black mould in the bedroom", location="Bedroom")  # fmt: skip
    log_request(ws, ARR, subject="transfer", channel="email",
                summary="Wants a move on medical grounds")  # fmt: skip
    # An admin, so that every menu item shows (People…, Privacy…).
    accounts.add_person(ws, "boss", "admin", "correct horse battery", full_name="Bo Ss")
    return act_as(ws, "boss")


def open_main(qtbot, ws) -> MainWindow:
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_main_window_and_every_dialog_fit(qtbot, cases, screen):
    window = open_main(qtbot, cases)
    assert problems(window) == []
    sweep = sweep_everything(cases, window)
    bad = {name: found for name, found in sweep.seen.items() if found}
    assert bad == {}
    clashing = {name: found for name, found in sweep.clashes.items() if found}
    assert clashing == {}, "\n".join(f"{k}: {v}" for k, v in clashing.items())
    missing = {c.__name__ for c in all_dialog_classes() - sweep.classes} - BUILT_ELSEWHERE
    assert not missing, f"never opened (add them to direct_builds): {sorted(missing)}"


def sweep_everything(ws, window: MainWindow, also=None, on_tab=None) -> Sweep:
    """Open every window and dialog the app has, from ``window``: each menu item, each button
    of each case tab, the complaint actions and the windows built directly. ``also`` checks
    each window opened; ``on_tab(window, label)`` runs on each case tab shown."""
    sweep = Sweep([window], also)
    for top in window.menuBar().actions():
        for action in top.menu().actions():
            if action.isSeparator() or not action.isVisible() or action.text() == "&Quit":
                continue
            if action.shortcut().toString() == "Ctrl+W":
                continue
            sweep.run(action.trigger)
    for ref in (asb_case.REF, CMP, ARR):
        view = window.open_case(ref)
        assert isinstance(view, CaseView)
        for i in range(view.tabs.count()):
            view.tabs.setCurrentIndex(i)
            QApplication.processEvents()
            assert problems(window) == [], view.tabs.tabText(i)
            if on_tab is not None:
                on_tab(window, f"{ref} {view.tabs.tabText(i)}")
            sweep.press_all(view.tabs.widget(i))
        view.tabs.setCurrentIndex(0)
        sweep.press_all(view)
        if hasattr(view.panels[0], "open_action"):  # the complaint panel's actions menu
            complaint = next(p for p in view.panels if hasattr(p, "open_action"))
            from app.ui.complaints.panel import ACTIONS

            for key, _text in ACTIONS:
                sweep.run(lambda k=key, p=complaint: p.open_action(k))
    kept = []  # a window without a parent lives as long as someone holds it
    for build in direct_builds(ws, window):
        sweep.run(lambda b=build: (kept.append(b()), kept[-1].show()))
    return sweep


# Bases no window is made of directly.
BUILT_ELSEWHERE = {
    "FormDialog",
    "AsbForm",
    "ReportDialog",  # app/ui/reports' base (the ASB one of that name is built directly)
}


def direct_builds(ws, window):
    """Windows the sweep cannot reach from a button (they need a row chosen, a letter, a
    manager, the first run or a sign-in): built as the app builds them."""
    from app.letters import letters as letter_svc
    from app.services.asb import asb_view
    from app.ui.asb import dialogs as asb_dialogs
    from app.ui.conflicts_dialog import ConflictsDialog
    from app.ui.contact_dialog import ComplaintOfferDialog
    from app.ui.first_run import FirstRunWizard
    from app.ui.help.crash import CrashDialog
    from app.ui.letters.editor import LetterEditor
    from app.ui.people_dialog import AddPersonDialog, NewPasswordDialog, PeopleDialog
    from app.ui.privacy_dialog import ConfirmDelete, PrivacyDialog
    from app.ui.reports.arrears_dialog import ArrearsReviewDialog
    from app.ui.sign_in import (
        ChangePasswordDialog,
        DemoPersonDialog,
        SetUpPeopleDialog,
        SignInDialog,
    )

    choice = next(c for c in letter_svc.available_templates(ws, CMP) if c.available)
    letter = letter_svc.create_letter(ws, CMP, choice.name)
    asb = asb_view(ws, asb_case.REF)
    plan = asb.current_plan
    refs = [f"ASB-2019-{n:04d}" for n in range(1, 40)]
    return [
        lambda: LetterEditor(ws, letter.id, window),
        lambda: FirstRunWizard(),
        lambda: CrashDialog("Traceback (most recent call last):\n  ...\n" * 40, None, window),
        lambda: SignInDialog(ws, "", window),
        lambda: DemoPersonDialog(ws, None, window),
        lambda: SetUpPeopleDialog(ws, window),
        lambda: ChangePasswordDialog(ws, window),
        lambda: PeopleDialog(ws, window),
        lambda: AddPersonDialog(ws, window),
        lambda: NewPasswordDialog(ws, "k.mensah", window),
        lambda: PrivacyDialog(ws, window),
        lambda: ArrearsReviewDialog(ws, window),
        lambda: ConfirmDelete(refs, window),
        lambda: ConflictsDialog(ws, window),
        lambda: ComplaintOfferDialog("an expression of dissatisfaction " * 3, window),
        lambda: asb_dialogs.ReportDialog(ws, asb, window),
        lambda: asb_dialogs.ActionDoneDialog(ws, asb.ref, plan.id, plan.actions[0], window),
        lambda: asb_dialogs.RepairDoneDialog(ws, asb.ref, asb.repairs[0], window),
        lambda: asb_dialogs.PartnerReplyDialog(ws, asb.ref, asb.partners[0], window),
    ]


@pytest.mark.parametrize("points", [14])
def test_windows_still_fit_with_a_larger_system_font(qtbot, cases, points, monkeypatch):
    """Text follows the system font: at 14 pt the main window, a case and the letter editor
    still fit a 1366×768 screen with every button on it."""
    simulate_screen(SCREENS["1366x768"])
    font = QApplication.font()
    bigger = QFont(font)
    bigger.setPointSize(points)
    QApplication.setFont(bigger)
    try:
        window = open_main(qtbot, cases)
        for ref in (asb_case.REF, CMP):
            view = window.open_case(ref)
            for i in range(view.tabs.count()):
                view.tabs.setCurrentIndex(i)
                QApplication.processEvents()
                assert problems(window) == [], view.tabs.tabText(i)
        sweep = Sweep([window])
        kept = []
        for build in direct_builds(cases, window)[:1]:
            sweep.run(lambda b=build: (kept.append(b()), kept[-1].show()))
        assert {n: f for n, f in sweep.seen.items() if f} == {}
    finally:
        QApplication.setFont(font)
        simulate_screen(None)
