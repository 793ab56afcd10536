"""The app on an enrolled laptop: the sync indicator (offline, waiting, synced), Sync now off the
UI thread, the teammate's changes showing where the officer is, the conflicts badge and the
review dialog — against the real sync service on loopback (tests/sync/conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services.absences import reassign_case
from app.services.contacts import log_contact
from app.services.sync import client, conflicts, devices
from app.services.sync.client import SyncStatus
from app.services.workspace import Actor
from app.ui.contact_dialog import ContactDialog
from app.ui.fit import keep_inside, simulate_screen
from app.ui.main_window import MainWindow
from app.ui.sync_status import indicator_text
from tests.sync.conftest import free_port
from tests.ui import test_fits_screen as fits

SYNC_WAIT_MS = 20000


def at_the_office(team, username: str):
    """The team database, with USERNAME signed in at an office PC."""
    team.actor = Actor(username, "office-pc")
    team.signed_in = username
    team.forget()
    return team


def open_window(qtbot, ws) -> MainWindow:
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    if window.sync.enrolled:  # the sync as the app opens
        qtbot.waitUntil(lambda: window.sync.finished >= 1, timeout=SYNC_WAIT_MS)
    return window


def settled(qtbot, window: MainWindow) -> None:
    """Wait for the sync that is running (the one as the app opens, or Sync now) to end."""
    qtbot.waitUntil(lambda: not window.sync.running, timeout=SYNC_WAIT_MS)
    QApplication.processEvents()


def words(window: MainWindow) -> str:
    return window.sync.indicator.words.text()


def log_in_app(qtbot, window: MainWindow, ref: str, summary: str) -> None:
    """Log a contact as the officer does: the case's Log contact button, the form, Save."""
    view = window.open_case(ref)

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ContactDialog), dialog
        dialog.direction.setCurrentIndex(dialog.direction.findData("in"))
        dialog.summary.setPlainText(summary)
        dialog.save()

    QTimer.singleShot(100, fill)
    view.log_btn.click()


def test_offline_work_waits_then_syncs_and_the_teammates_change_shows(qtbot, team, server, laptop):
    amira = laptop("amira")
    client.sync(amira)  # the laptop holds her cases; now the network goes
    client.move_server(amira, f"http://127.0.0.1:{free_port()}")  # nothing listens there
    window = open_window(qtbot, amira)
    assert window.sync.indicator.isVisible()
    settled(qtbot, window)  # the sync as the app opens could not reach the server
    assert window.sync.indicator.state == "offline"
    assert words(window) == "Offline — 0 changes waiting, last synced 10:00"  # 09:00 UTC = BST
    assert window.sync.sync_action.isVisible()

    log_in_app(qtbot, window, "T-001", "Rang from the car park, no signal at the flat")
    qtbot.waitUntil(lambda: "1 change waiting" in words(window), timeout=5000)
    assert words(window) == "Offline — 1 change waiting, last synced 10:00"
    assert window.sync.indicator.words.toolTip().count("127.0.0.1") == 1  # the server's address

    # Meanwhile Mo logs a contact on the team server; the laptop is back on the network.
    log_contact(
        at_the_office(team, "mo"),
        "T-001",
        channel="email",
        direction="out",
        summary="Wrote to confirm",
    )
    client.move_server(amira, server.url)
    view = window.open_case("T-001")
    before = {e.id for e in view.case.events}
    window.sync.sync_action.trigger()  # File › Sync now
    assert window.sync.running  # off the UI thread: the window answers meanwhile
    settled(qtbot, window)
    assert window.sync.indicator.state == "synced"
    assert words(window) == "Synced 10:00"
    assert "sent 1 change" in window.statusBar().currentMessage()
    # the teammate's entry shows in the open case, which stayed open where it was
    assert window.tabs.currentWidget() is view
    summaries = {e.summary for e in view.case.events if e.id not in before}
    assert "Wrote to confirm" in summaries


def test_a_conflicting_reassignment_shows_in_the_badge_and_is_decided(qtbot, team, laptop):
    amira, mo = laptop("amira"), laptop("mo")
    client.sync(amira)
    client.sync(mo)
    reassign_case(mo, "T-001", "ben", "Ben covers the patch")
    reassign_case(amira, "T-001", "mo", "Going on leave")  # offline, from the same base
    client.sync(mo)
    assert client.sync(amira).held == ["T-001"]

    window = open_window(qtbot, mo)
    settled(qtbot, window)  # the sync as the app opens brings the held change to Mo
    badge = window.sync.indicator.badge
    assert badge.isVisible() and badge.text() == "1 conflict"

    dialog = window.review_conflicts()
    qtbot.waitExposed(dialog)
    assert dialog.list.count() == 1
    assert dialog.theirs.text() == "Mo Reid handed T-001 to Ben Okafor at 10:00."
    assert dialog.ours.text().startswith("Amira Khan's laptop handed it to Mo Reid at 10:00")
    assert dialog.outcomes.text() == (
        "Keep: T-001 stays with Ben Okafor. Apply: it goes to Mo Reid."
    )
    assert not dialog.new_ref.isVisible()  # only a taken case reference asks for one
    for size in ("1366x768", "1024x768"):  # filled in, it still fits an officer's laptop
        simulate_screen(fits.SCREENS[size])
        try:
            keep_inside(dialog)
            QApplication.processEvents()
            assert fits.problems(dialog) == [], size
            assert fits.mnemonic_clashes(dialog) == [], size
        finally:
            simulate_screen(None)
    dialog.note.setText("Agreed with Ben")
    dialog.apply_btn.click()
    assert "sent to the team server with the next sync" in dialog.message.text()
    assert dialog.list.count() == 0 and not dialog.apply_btn.isEnabled()
    dialog.reject()
    qtbot.waitUntil(lambda: not badge.isVisible(), timeout=2000)
    assert words(window).endswith("· 1 waiting")  # the decision waits for the next sync

    window.sync.sync_now()
    settled(qtbot, window)
    assert words(window) == "Synced 10:00"
    detail = conflicts.open_conflicts(mo)
    assert detail == []
    from app.services.cases import get_case

    assert get_case(at_the_office(team, "mo"), "T-001").officer == "mo"


def test_a_taken_case_reference_needs_a_new_one_to_apply(qtbot, team, laptop):
    from app.services.cases import create_case, get_case

    amira = laptop("amira")
    client.sync(amira)
    create_case(amira, ref="T-100", kind="asb", officer="amira", resident_name="Offline Opened")
    create_case(team, ref="T-100", kind="asb", officer="ben", resident_name="Opened In Office")
    client.sync(amira)
    window = open_window(qtbot, amira)
    settled(qtbot, window)
    dialog = window.review_conflicts()
    qtbot.waitExposed(dialog)
    assert dialog.new_ref.isVisible()
    assert dialog.theirs.text().startswith("Another case is already called T-100: Ben Okafor's")
    dialog.apply_btn.click()
    assert dialog.message.text() == "Give the held case a new reference to open it under."
    assert dialog.list.count() == 1
    dialog.new_ref.setText("T-101")
    dialog.apply_btn.click()
    assert dialog.list.count() == 0
    dialog.reject()
    window.sync.sync_now()
    settled(qtbot, window)
    assert get_case(at_the_office(team, "admin1"), "T-101").officer == "amira"


def test_a_withdrawn_laptop_gets_one_clear_dialog(qtbot, team, laptop, monkeypatch):
    amira = laptop("amira")
    client.sync(amira)
    devices.revoke(team, "amira")
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: said.append(text))
    window = open_window(qtbot, amira)
    settled(qtbot, window)
    assert window.sync.indicator.state == "failed"
    assert words(window).startswith("Sync failed: this laptop may no longer sync")
    assert len(said) == 1 and "enrol it again" in said[0]
    assert not window.sync.sync_now(manual=False)  # no more background syncs
    assert window.sync.sync_now(manual=True)  # the officer may still try
    settled(qtbot, window)
    assert len(said) == 1  # told once


def test_the_indicator_is_hidden_on_a_database_that_is_not_enrolled(qtbot, team):
    window = open_window(qtbot, team)
    assert not window.sync.indicator.isVisible()
    assert not window.sync.sync_action.isVisible()
    assert not window.sync.review_action.isVisible()  # nothing held on the team database
    assert not window.sync.running and not window.sync.timer.isActive()


def test_background_sync_every_few_minutes_from_the_setting(qtbot, laptop):
    from app.ui.settings_dialog import SettingsDialog

    amira = laptop("amira")
    window = open_window(qtbot, amira)
    assert window.sync.timer.interval() == 5 * 60_000  # the default
    assert window.sync.indicator.state == "synced"
    window.sync.timer.timeout.emit()  # the timer fires: a sync starts unless one runs
    assert window.sync.running
    assert not window.sync.sync_now(manual=False)  # skipped while one runs
    settled(qtbot, window)

    dialog = SettingsDialog(amira, window)  # File › Settings…, the Sync tab (a laptop's only)
    qtbot.addWidget(dialog)
    assert dialog.sync is not None
    dialog.sync.minutes.setValue(2)
    dialog.sync.save_button.click()
    assert dialog.sync.status.text() == "This laptop syncs every 2 minutes."
    qtbot.waitUntil(lambda: window.sync.timer.interval() == 2 * 60_000, timeout=3000)
    assert client.status(amira).pending == 0  # the laptop's own setting is not sent


NOW = dt.datetime(2025, 6, 24, 13, 32, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("status", "problem", "running", "expected"),
    [
        (SyncStatus(True, "s", NOW, "", 2, 0), None, None, ("synced", "Synced 14:32 · 2 waiting")),
        (
            SyncStatus(True, "s", NOW, "The team server cannot be reached.", 5, 0),
            None,
            None,
            ("offline", "Offline — 5 changes waiting, last synced 14:32"),
        ),
        (
            SyncStatus(True, "s", NOW, "", 0, 0),
            ("failed", "the server answered 500"),
            None,
            ("failed", "Sync failed: the server answered 500"),
        ),
        (
            SyncStatus(True, "s", None, "", 3, 0),
            None,
            None,
            ("never", "Not synced yet · 3 waiting"),
        ),
        (
            SyncStatus(True, "s", NOW, "", 0, 0),
            None,
            "Sent 4 changes",
            ("syncing", "Syncing… Sent 4 changes"),
        ),
        (
            SyncStatus(True, "s", NOW - dt.timedelta(days=1), "", 0, 0),
            None,
            None,
            ("synced", "Synced Mon 23 Jun 2025 14:32"),
        ),
    ],
)
def test_the_indicator_words(status, problem, running, expected):
    assert indicator_text(status, NOW.date(), problem, running) == expected


def test_a_visit_saved_offline_waits_and_reaches_the_team(qtbot, team, server, laptop):
    """Visit mode works the same offline: the visit is saved on the laptop and sent later."""
    from app.services.cases import get_case
    from app.ui.visit_mode import VisitModeDialog

    amira = laptop("amira")
    client.sync(amira)
    client.move_server(amira, f"http://127.0.0.1:{free_port()}")
    window = open_window(qtbot, amira)
    dialog = VisitModeDialog(amira, "T-002", parent=window)
    qtbot.addWidget(dialog)
    dialog.notes.setPlainText("Visited the flat: no signal on the estate, damp in the hall")
    dialog.save_btn.click()
    assert dialog.saved
    qtbot.waitUntil(lambda: "1 change waiting" in words(window), timeout=5000)
    client.move_server(amira, server.url)
    window.sync.sync_now()
    settled(qtbot, window)
    assert words(window) == "Synced 10:00"
    visit = f"visit-{dialog.draft.id}"
    assert visit in {e.id for e in get_case(at_the_office(team, "admin1"), "T-002").events}


def test_a_case_handed_away_closes_its_tab_and_the_inbox_keeps_its_place(
    qtbot, team, server, laptop
):
    amira = laptop("amira")
    client.sync(amira)
    window = open_window(qtbot, amira)
    window.open_case("T-001")
    kept = window.open_case("T-002")
    row = next(r for r in range(window.model.rowCount()) if window.model.row(r).ref == "T-002")
    window.table.selectRow(row)
    reassign_case(at_the_office(team, "mo"), "T-001", "ben", "Ben covers the patch")
    log_contact(team, "T-002", channel="email", direction="out", summary="Sent the form")
    window.sync.sync_now()
    settled(qtbot, window)
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert tabs == ["Inbox", "T-002"]  # T-001 left this laptop; T-002 stayed open
    assert window.tabs.currentWidget() is kept
    assert "Sent the form" in {e.summary for e in kept.case.events}
    assert "T-001" in window.statusBar().currentMessage()
    refs = [window.model.row(r).ref for r in range(window.model.rowCount())]
    assert refs == ["T-002"]
    assert window.model.row(window.table.currentIndex().row()).ref == "T-002"


def test_a_closed_window_leaves_no_hook_on_the_database(qtbot, team):
    before = len(team.db.after_write)
    window = open_window(qtbot, team)
    assert len(team.db.after_write) == before + 1  # the indicator hears of every write
    window.close()
    assert len(team.db.after_write) == before
    log_contact(at_the_office(team, "mo"), "T-002", channel="phone", direction="in", summary="Rang")


def test_closing_the_window_mid_sync_stops_it_between_pages(qtbot, laptop):
    amira = laptop("amira")
    window = open_window(qtbot, amira)
    assert window.sync.sync_now()
    window.close()  # waits for the sync to stop at its next batch or page
    assert not window.sync.running or window.sync.job.thread_.isFinished()
    assert not window.sync.sync_now()  # nothing starts once the window has gone
    assert window.sync.stopped and not window.sync.timer.isActive()


def test_the_app_opens_an_enrolled_laptop_as_its_person_without_asking_who(
    qtbot, team, laptop, monkeypatch
):
    """Enrolment signed the person in once: opening the app on the laptop works as them (it
    asked "who works in this database?" as if nobody were set up)."""
    from app.ui.app import _open_window
    from app.ui.forms import FormDialog

    amira = laptop("amira")
    path = amira.db.path
    amira.close()
    asked: list[str] = []
    monkeypatch.setattr(FormDialog, "exec", lambda self: asked.append(type(self).__name__) or 0)
    windows: list = []
    _open_window(str(path), None, windows)
    assert asked == [] and len(windows) == 1
    window = windows[0]
    qtbot.addWidget(window)
    try:
        assert window.ws.actor.username == "amira"
        assert window.sync.enrolled
        settled(qtbot, window)
    finally:
        window.close()
        window.ws.close()
