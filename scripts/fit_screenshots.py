"""Show one window of the app as an officer sees it, for a screenshot on a real screen.

    /work/shared/tools/onscreen 1366x768 OUT.png 12 -- \\
        .venv/bin/python scripts/fit_screenshots.py WHAT --db DEMO.sqlite --user p.natarajan

WHAT is one of: letter (a draft in the letter editor), hazards (a case's Hazards and decisions
tab with a hazard), team (the Team view), tsm (the Tenant Satisfaction Measures dialog, calculated),
search (the search dialog with a query). The main window opens as ``doorstep gui`` opens it;
the chosen window is opened from it a moment later. Run it on a copy of a demo database: the
letter is a new draft written into it. Nothing is printed but the window's name.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services.workspace import Actor, open_workspace  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.sign_in import settle_person  # noqa: E402

SHOWS = ("letter", "hazards", "team", "tsm", "search")


def _inbox_refs(window: MainWindow) -> list[str]:
    return [window.model.row(i).ref for i in range(window.model.rowCount())]


def show_letter(window: MainWindow) -> None:
    from app.letters import letters as letter_svc
    from app.ui.letters.panel import LettersPanel

    for ref in _inbox_refs(window):
        choices = [c for c in letter_svc.available_templates(window.ws, ref) if c.available]
        ack = [c for c in choices if c.name == "complaint_ack_stage1"]
        if ack:
            break
    else:
        raise SystemExit("no case in the inbox can have a complaint acknowledgement")
    view = window.open_case(ref)
    panel = next(p for p in view.panels if isinstance(p, LettersPanel))
    view.tabs.setCurrentIndex(view.panels.index(panel) + 1)
    panel.create(ack[0].name)


def show_hazards(window: MainWindow) -> None:
    from app.services.hazards import hazards_on
    from app.ui.safety.panel import SafetyPanel

    ref = next(r for r in _inbox_refs(window) if hazards_on(window.ws, r))
    view = window.open_case(ref)
    panel = next(p for p in view.panels if isinstance(p, SafetyPanel))
    view.tabs.setCurrentIndex(view.panels.index(panel) + 1)


def show_search(window: MainWindow) -> None:
    from app.ui.search_dialog import SearchDialog

    def type_query() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SearchDialog):
            QTimer.singleShot(100, type_query)
            return
        dialog.query.setText("leak")

    QTimer.singleShot(100, type_query)
    window.open_search()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("show", choices=SHOWS)
    parser.add_argument("--db", required=True)
    parser.add_argument("--user", required=True)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Doorstep")
    app.setOrganizationName("Doorstep")
    ws = open_workspace(args.db, actor=Actor.local(args.user))
    if not settle_person(ws, args.user, interactive=False):
        return 1
    window = MainWindow(ws)
    window.show()
    shows = {
        "letter": show_letter,
        "hazards": show_hazards,
        "team": lambda w: w.open_team(),
        "tsm": lambda w: w.open_tsm().calculate(),  # the year's figures, not an empty table
        "search": show_search,
    }
    QTimer.singleShot(1500, lambda: shows[args.show](window))
    try:
        return app.exec()
    finally:
        ws.close()


if __name__ == "__main__":
    sys.exit(main())
