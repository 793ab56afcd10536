"""Starting the desktop app: choose the database (first-run set-up or the demo), then who is
working (app/ui/sign_in.py: sign in, a demo person, or setting up a database with nobody yet)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from app.errors import DoorstepError
from app.paths import default_database, demo_database, resources_dir

_IMPORTED = time.perf_counter()
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


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


def seconds_since_start() -> float:
    """Seconds since this process started (Linux reads /proc, so the interpreter's and a bundle's
    own start count too; elsewhere, since Doorstep's desktop code was loaded)."""
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(stat[19]) / os.sysconf("SC_CLK_TCK")
        return float(Path("/proc/uptime").read_text().split()[0]) - started
    except (OSError, ValueError, IndexError, AttributeError):
        return time.perf_counter() - _IMPORTED


def app_icon():
    """The application icon at every size drawn from resources/icons/doorstep.svg."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(resources_dir() / "icons" / f"doorstep-{size}.png"))
    return icon


def quit_when_loaded(app, window, timeout_ms: int = 60_000) -> None:
    """`gui --quit-after-load`: once the window is up and the inbox has its first rows, print the
    start-up time to stderr and exit 0; exit 1 if the inbox loaded empty or shows nothing within
    the timeout (the inbox query runs as the window is built, so the first check usually ends it)."""
    from PySide6.QtCore import QTimer

    model = window.model

    def check(first: bool = False) -> None:
        if model.rowCount() == 0:
            if first and not model.canFetchMore():
                print("doorstep: the inbox loaded empty: no open cases", file=sys.stderr)
                app.exit(1)
            return
        print(
            f"doorstep: window open, inbox showing {model.rowCount()} cases, "
            f"{seconds_since_start():.2f} s after start",
            file=sys.stderr,
        )
        app.exit(0)

    def give_up() -> None:
        print(f"doorstep: the inbox showed no cases within {timeout_ms // 1000} s", file=sys.stderr)
        app.exit(1)

    model.rowsInserted.connect(lambda *_: check())
    model.modelReset.connect(lambda: check())
    QTimer.singleShot(timeout_ms, give_up)
    QTimer.singleShot(0, lambda: check(first=True))


# What the progress dialog says while a file is opened with work to do first (opening_work).
OPENING_WORK = {
    "check": "Checking {name} for damage first (weekly, and after a change outside Doorstep).",
    "upgrade": "Upgrading {name} for this version of Doorstep; a copy is kept as it was.",
}
A_FEW_SECONDS = "A large caseload takes a few seconds."


def open_checked(target: str, user: str | None):
    """The workspace for ``target``, acting as ``user``. When opening it first runs SQLite's
    integrity check or upgrades it (seconds at 100,000 cases, ten after a restart), the file is
    opened off the UI thread behind a progress dialog saying which, so the officer sees why
    they wait instead of nothing at all."""
    from app.services.workspace import Actor, open_workspace, opening_work

    actor = Actor.local(user)
    work = opening_work(target)
    if not work:
        return open_workspace(target, actor=actor)
    from app.ui.background import run_with_progress

    name = Path(target).name
    label = "\n".join([*(OPENING_WORK[w].format(name=name) for w in work), A_FEW_SECONDS])
    return run_with_progress(
        None,
        "Doorstep",
        label,
        lambda _progress: open_workspace(target, actor=actor),
        cancellable=False,
    )


def _open_window(target: str, user: str | None, windows: list, interactive: bool = True) -> None:
    from PySide6.QtCore import QTimer

    from app.ui.main_window import MainWindow
    from app.ui.sign_in import settle_person

    ws = open_checked(target, user)
    try:
        if not settle_person(ws, user, interactive=interactive):  # they cancelled the sign-in
            ws.close()
            return
        window = MainWindow(ws)
    except BaseException:
        ws.close()
        raise
    window.show()
    windows.append(window)
    # At most one verified copy a day, old ones pruned: once the window is up and its first
    # count has had its turn (copying 1 GB beside the first paint slowed the start).
    QTimer.singleShot(BACKUP_AFTER_MS, window, lambda: _daily_backup(ws))


BACKUP_AFTER_MS = 5000


def _daily_backup(ws) -> None:
    from app.services.backups import scheduled_backup_in_background

    scheduled_backup_in_background(ws)


def run_gui(db: str | None = None, user: str | None = None, quit_after_load: bool = False) -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.services.setup import is_first_run, read_profile
    from app.ui.appearance import restore_font_size
    from app.ui.help.crash import install_crash_reporter

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Doorstep")
    app.setOrganizationName("Doorstep")
    app.setDesktopFileName("doorstep")  # Wayland matches the window to doorstep.desktop
    app.setWindowIcon(app_icon())
    install_crash_reporter(app)  # from here on, an unexpected error shows a report
    restore_font_size()
    demo: Path | None = None
    windows: list = []
    try:
        if db is None and is_first_run() and not quit_after_load:  # the check asks nothing
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
            from app.demo.database import create_demo_database, remove_demo_database
            from app.ui.background import run_with_progress

            made = run_with_progress(  # ~8-16 s: off the UI thread, with progress and Cancel
                None,
                "Doorstep",
                "Creating the demo database (invented cases to explore)…",
                lambda progress: create_demo_database(Path(target), progress=progress),
            )
            if made is None:  # cancelled: nothing half-made is left behind
                remove_demo_database(Path(target))
                return 0
        _open_window(target, user, windows, interactive=not quit_after_load)
        if demo is not None:
            _open_window(str(demo), None, windows)
        if not windows:  # nobody signed in
            return 0
    except DoorstepError as exc:
        if quit_after_load:  # a headless check: no dialog to block on
            print(f"doorstep: {exc}", file=sys.stderr)
        else:
            QMessageBox.critical(None, "Doorstep", str(exc))
        for window in windows:
            window.ws.close()
        return 1
    if quit_after_load:
        quit_when_loaded(app, windows[0])
    try:
        return app.exec()
    finally:
        from app.ui.background import wait_for_jobs

        wait_for_jobs()  # a count or search still running ends before the windows go
        for window in windows:
            window.ws.close()
