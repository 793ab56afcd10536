"""The `doorstep` entry point: the command line, able to open the desktop app.

It sits above both app/cli and app/ui, so the command line never imports Qt and
headless commands start fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

NO_DISPLAY = (
    "doorstep: no display was found (DISPLAY and WAYLAND_DISPLAY are not set), so the desktop app "
    "cannot open; run it in a desktop session or through `xvfb-run doorstep`, or use a command "
    "that needs no display (see `doorstep --help`)."
)


def display_missing(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> bool:
    """True when Qt would find no screen to open on (decided without importing Qt, which aborts).

    Only X11/Wayland systems need a display server; a platform plugin chosen in
    QT_QPA_PLATFORM other than xcb or wayland (offscreen, minimal, vnc, eglfs, …) needs none.
    """
    if platform in ("win32", "cygwin", "darwin"):
        return False
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return False
    chosen = [p.split(":")[0].strip() for p in environ.get("QT_QPA_PLATFORM", "").split(";")]
    return not any(p and p != "xcb" and not p.startswith("wayland") for p in chosen)


def launch_gui(db: str | None, user: str | None, quit_after_load: bool = False) -> int:
    if display_missing():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    from app.ui.app import run_gui

    if quit_after_load:
        return run_gui(db, user, quit_after_load=True)
    return run_gui(db, user)


def main(argv: Sequence[str] | None = None) -> int:
    from app.cli import main as cli_main

    return cli_main(argv, launch_gui=launch_gui)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
