"""Screenshots of sync in the app (docs/screenshots/sync-indicator.png, conflicts.png): a team
database behind the real sync service on loopback, two enrolled laptops whose offline
hand-overs of T-001 conflict, and Mo Reid's laptop in the app. Invented people and cases only.

    PYTHONPATH=. onscreen 1366x768 OUT.png 25 -- \\
        .venv/bin/python scripts/sync_screenshots.py indicator|conflicts

(indicator: the laptop offline with a change waiting and the conflicts badge; conflicts: the
Review conflicts dialog.) It closes itself after 40 seconds.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path


def main(what: str) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.services.absences import reassign_case
    from app.services.contacts import log_contact
    from app.services.sync import client
    from app.services.workspace import Actor, open_workspace
    from app.ui.main_window import MainWindow
    from tests.sync.conftest import PASSWORD, Clock, Server, make_team

    tmp = Path(tempfile.mkdtemp())
    clock = Clock(dt.datetime(2025, 6, 24, 9, 0, tzinfo=dt.UTC))
    make_team(tmp / "team.sqlite", clock)
    server_ws = open_workspace(tmp / "team.sqlite", Actor("sync-service", "server"), clock)
    with Server(server_ws) as server:

        def laptop(username: str):
            ws = open_workspace(tmp / f"{username}.sqlite", Actor(username, username), clock)
            client.enrol(ws, server.url, username, PASSWORD, f"{username}-laptop")
            client.sync(ws)
            return ws

        amira, mo = laptop("amira"), laptop("mo")
        reassign_case(mo, "T-001", "ben", "Ben covers the patch")
        clock.at += dt.timedelta(minutes=7)
        reassign_case(amira, "T-001", "mo", "Going on leave")
        clock.at += dt.timedelta(minutes=20)
        client.sync(mo)
        client.sync(amira)
        clock.at += dt.timedelta(minutes=5)
        app = QApplication([])
        window = MainWindow(mo)
        window.show()

        def later() -> None:
            if what == "indicator":  # the network goes; a call is logged; a sync tries
                client.move_server(mo, "http://127.0.0.1:9")
                log_contact(mo, "T-002", channel="phone", direction="in", summary="Rang")
                window.sync.sync_now()
            else:
                window.review_conflicts().note.setText("Agreed with Ben on the phone")

        QTimer.singleShot(2500, later)
        QTimer.singleShot(40000, app.quit)
        app.exec()
        window.sync.stop()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "indicator")
