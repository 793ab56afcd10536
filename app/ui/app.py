"""Starting the desktop app: choose the database (demo on first run) and who is working."""

from __future__ import annotations

import sys
from pathlib import Path

from app.errors import DoorstepError
from app.paths import default_database, demo_database


def choose_database(db: str | None, profile=None) -> tuple[str, bool]:
    """The database to open and whether the demo must be created first: ``--db``, else the
    profile's (config.toml), else the user's database, else the demo."""
    if db:
        return db, False
    if profile is not None:
        return profile.target, False
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


def _open_window(target: str, user: str | None, windows: list) -> None:
    from PySide6.QtCore import QSettings

    from app.services.workspace import Actor, open_workspace
    from app.ui.main_window import MainWindow

    ws = open_workspace(target, actor=Actor.local(user))
    try:
        settings = QSettings()
        key = f"last_user/{ws.db.label}"
        username = choose_user(ws, settings.value(key))
        ws.actor = Actor(username, ws.actor.device)
        settings.setValue(key, username)
        from app.services.backups import scheduled_backup_in_background

        scheduled_backup_in_background(ws)  # at most one verified copy a day, old ones pruned
        window = MainWindow(ws)
    except BaseException:
        ws.close()
        raise
    window.show()
    windows.append(window)


def run_gui(db: str | None = None, user: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.services.setup import is_first_run, read_profile
    from app.ui.appearance import restore_font_size
    from app.ui.help.crash import install_crash_reporter

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Doorstep")
    app.setOrganizationName("Doorstep")
    install_crash_reporter(app)  # from here on, an unexpected error shows a report
    restore_font_size()
    demo: Path | None = None
    windows: list = []
    try:
        if db is None and is_first_run():
            from app.ui.first_run import FirstRunWizard

            wizard = FirstRunWizard()
            if wizard.exec() != FirstRunWizard.DialogCode.Accepted or wizard.profile is None:
                return 0  # cancelled: nothing was written
            demo = wizard.demo_path
            if wizard.demo_error:
                QMessageBox.warning(None, "Doorstep", wizard.demo_error)
        profile = read_profile() if db is None else None
        if profile is not None and user is None:
            user = profile.username
        target, make_demo = choose_database(db, profile)
        if make_demo:
            from app.services.demo_db import create_demo_database

            create_demo_database(Path(target))
        _open_window(target, user, windows)
        if demo is not None:
            _open_window(str(demo), None, windows)
    except DoorstepError as exc:
        QMessageBox.critical(None, "Doorstep", str(exc))
        for window in windows:
            window.ws.close()
        return 1
    try:
        return app.exec()
    finally:
        for window in windows:
            window.ws.close()
