"""The first window needs only the inbox (issue 12 item 4: a populated inbox under a second at
100,000 cases). A case view with its panels, the letters package and ReportLab, the reports,
the team view, settings, search, help and the sync and people dialogs load when the officer
first asks for them, and open from the first window as before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.ui.main_window import MainWindow
from tests.ui.keyboard import shown

ROOT = Path(__file__).resolve().parents[2]

# What the first window must not import: each is loaded by the action that needs it.
LATER = (
    "reportlab",
    "alembic",  # an up-to-date database opens without it (app.store.database)
    "mako",
    "holidays",  # the shipped table in resources/calendar serves the working days
    "sqlalchemy.dialects.postgresql",  # a laptop's SQLite file needs only SQLite's dialect
    "app.letters",
    "app.ui.case_view",
    "app.ui.panels",
    "app.ui.asb",
    "app.ui.complaints",
    "app.ui.safety",
    "app.ui.letters",
    "app.ui.contact_dialog",
    "app.ui.reports",
    "app.ui.team_view",
    "app.ui.settings_dialog",
    "app.ui.search_dialog",
    "app.ui.small_dialogs",
    "app.ui.people_dialog",
    "app.ui.privacy_dialog",
    "app.ui.conflicts_dialog",
    "app.ui.visit_mode",
    "app.ui.help.shortcuts",
    "app.ui.help.guide",
    "app.ui.help.about",
)

PROBE = r"""
import json, sys
from PySide6.QtWidgets import QApplication
from app.services.workspace import Actor, open_workspace
from app.ui.main_window import MainWindow
app = QApplication([])
ws = open_workspace(sys.argv[1], actor=Actor("p.natarajan", "test"))
window = MainWindow(ws)
window.show()
app.processEvents()
rows = window.model.rowCount()
modules = sorted(sys.modules)
window.close()
ws.close()
print(json.dumps({"rows": rows, "modules": modules}))
"""


def _loaded(modules: list[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def test_the_first_window_shows_the_inbox_without_what_it_does_not_need(office):
    path = office.db.path
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["rows"] == 4  # the office's four open cases, shown to its manager
    assert [m for m in LATER if _loaded(report["modules"], m)] == []
    assert "app.ui.inbox_model" in report["modules"]  # (the probe did look at the right list)


def test_what_loads_later_opens_from_the_first_window(qtbot, office):
    """A case with its panels, a letter in the editor, a report, the team view, settings and
    the keyboard shortcuts, each opened from a freshly started window (the manager's)."""
    from app.ui.case_view import CaseView
    from app.ui.help.shortcuts import ShortcutsDialog
    from app.ui.letters.panel import LettersPanel
    from app.ui.reports.tsm_dialog import TsmDialog
    from app.ui.settings_dialog import SettingsDialog
    from app.ui.team_view import TeamView

    window = shown(qtbot, MainWindow(office))
    window.show_inbox()
    window.table.selectRow(0)
    first = window.model.row(0).ref
    window._open_index(window.table.currentIndex())
    view = window.tabs.currentWidget()
    assert isinstance(view, CaseView) and view.ref == first
    titles = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert {"&Complaints", "L&etters", "Ha&zards and decisions"} <= set(titles)
    (letters,) = [p for p in view.panels if isinstance(p, LettersPanel)]
    picker = letters.new_letter()
    assert picker is not None and picker.isVisible()
    picker.close()
    window.refresh()  # reaches the open case tab (the case view's module is loaded by then)
    assert window.open_case(first) is view  # the same tab, not a second one

    def action(menu_text: str):
        (found,) = [a for a in window.actions() if a.text() == menu_text]
        return found

    action("&Tenant Satisfaction Measures…").trigger()
    assert any(isinstance(w, TsmDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
    action("&Team view").trigger()
    assert isinstance(window.tabs.currentWidget(), TeamView)
    action("Se&ttings…").trigger()
    assert window.findChild(SettingsDialog) is not None
    action("&Keyboard shortcuts").trigger()
    assert window.findChild(ShortcutsDialog) is not None


def test_the_daily_backup_starts_after_the_window_is_up(qtbot, office, monkeypatch):
    """Copying the database (1 GB at 100,000 cases) waits until the window has shown its rows."""
    import app.services.backups as backups
    from app.ui import app as app_start

    started = []
    windows: list = []
    monkeypatch.setattr(app_start, "BACKUP_AFTER_MS", 50, raising=False)
    monkeypatch.setattr(
        backups,
        "scheduled_backup_in_background",
        lambda ws: started.append(
            [w.isVisible() and w.model.rowCount() for w in windows] + [ws.db.path]
        ),
    )
    app_start._open_window(str(office.db.path), "p.natarajan", windows, interactive=False)
    try:
        (window,) = windows
        assert window.isVisible() and started == []  # not before the window
        qtbot.waitUntil(lambda: started != [], timeout=5000)
        assert started == [[4, office.db.path]]  # once, after the rows were on screen
    finally:
        for w in windows:
            w.close()
            w.ws.close()
