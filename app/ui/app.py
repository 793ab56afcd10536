"""Starting the desktop app: choose the database (demo on first run) and who is working."""

from __future__ import annotations

import sys
from pathlib import Path

from app.errors import DoorstepError
from app.paths import default_database, demo_database


def choose_database(db: str | None) -> tuple[str, bool]:
    """The database to open and whether the demo must be created first."""
    if db:
        return db, False
    real = default_database()
    if real.exists():
        return str(real), False
    demo = demo_database()
    return str(demo), not demo.exists()


def choose_user(ws, remembered: str | None) -> str:
    """The acting officer: the OS/--as user if they are an officer, else the last one used here,
    else (typically the demo) the first manager."""
    from app.services.officers import list_officers

    officers = list_officers(ws)
    names = {o.username for o in officers}
    if ws.actor.username in names:
        return ws.actor.username
    if remembered in names:
        return remembered
    managers = [o.username for o in officers if o.is_manager]
    if managers:
        return managers[0]
    return officers[0].username if officers else ws.actor.username


def run_gui(db: str | None = None, user: str | None = None) -> int:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.services.workspace import Actor, open_workspace
    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Doorstep")
    app.setOrganizationName("Doorstep")
    target, make_demo = choose_database(db)
    try:
        if make_demo:
            from app.services.demo_db import create_demo_database

            create_demo_database(Path(target))
        ws = open_workspace(target, actor=Actor.local(user))
        settings = QSettings()
        key = f"last_user/{ws.db.label}"
        username = choose_user(ws, settings.value(key))
        ws.actor = Actor(username, ws.actor.device)
        settings.setValue(key, username)
    except DoorstepError as exc:
        QMessageBox.critical(None, "Doorstep", str(exc))
        return 1
    from app.services.backups import scheduled_backup_in_background

    scheduled_backup_in_background(ws)  # at most one verified copy a day, old ones pruned
    window = MainWindow(ws)
    window.show()
    try:
        return app.exec()
    finally:
        ws.close()
