"""Search: runs off the UI thread, says how many matches there are, pages through them, names
each entry by its date and kind, and opening one goes to that entry (issue 13 items 4, 6)."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from app.services import search as search_service
from app.ui.main_window import MainWindow
from app.ui.search_dialog import SearchDialog
from tests.services.conftest import act_as, resident_calls


def wait_for(qtbot, dialog: SearchDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.searching and not dialog._debounce.isActive(), timeout=10000)


def test_search_pages_through_every_match_off_the_ui_thread(qtbot, office, monkeypatch):
    for i in range(60):
        resident_calls(office, "GEN-2", f"Marmalade jar number {i}", call_back=False)
    threads = []
    real = search_service.search_page

    def watched(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr("app.ui.search_dialog.search_page", watched)
    dialog = SearchDialog(office)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.query, "marmalade")
    wait_for(qtbot, dialog)
    assert threads and threading.get_ident() not in threads  # never on the UI thread
    assert dialog.status.text() == "1–50 of 60 matches, best first."
    assert dialog.next.isEnabled() and not dialog.previous.isEnabled()
    found = dialog.model.data(dialog.model.index(0, 2))
    assert found.endswith(" · contact") and found[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri")
    assert "entry e" not in found
    dialog.next.click()
    wait_for(qtbot, dialog)
    assert dialog.status.text() == "51–60 of 60 matches, best first."
    assert dialog.model.rowCount() == 10 and not dialog.next.isEnabled()
    dialog.previous.click()
    wait_for(qtbot, dialog)
    assert dialog.model.rowCount() == 50


def test_opening_an_entry_hit_goes_to_that_entry_highlighted(qtbot, office):
    act_as(office, "a.khan")
    for i in range(30):
        resident_calls(office, "GEN-2", f"Routine note {i}", call_back=False)
    wanted = resident_calls(office, "GEN-2", "Quince jam left on the stairs", call_back=False)
    for i in range(30):
        resident_calls(office, "GEN-2", f"Another note {i}", call_back=False)
    window = MainWindow(office)
    qtbot.addWidget(window)
    window.show()
    dialog = SearchDialog(office, window)
    dialog.sig_open_case.connect(window.open_case)
    qtbot.keyClicks(dialog.query, "quince")
    wait_for(qtbot, dialog)
    assert dialog.model.row(0).event_id == wanted
    dialog.results.setFocus()
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    view = window.tabs.currentWidget()
    assert view.ref == "GEN-2"
    assert view.selected_entry().id == wanted
    assert view.timeline.highlight == wanted
    row = [i for i, e in enumerate(view.timeline.rows) if e.id == wanted][0]
    assert view.timeline.data(view.timeline.index(row, 0), Qt.ItemDataRole.BackgroundRole)
    assert view.timeline.data(view.timeline.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert view.show_entry("e99999") is False
