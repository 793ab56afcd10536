"""The `doorstep` entry point: the command line, able to open the desktop app.

It sits above both app/cli and app/ui, so the command line never imports Qt and
headless commands start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def launch_gui(db: str | None, user: str | None, quit_after_load: bool = False) -> int:
    from app.ui.app import run_gui

    return run_gui(db, user, quit_after_load=quit_after_load)


def main(argv: Sequence[str] | None = None) -> int:
    from app.cli import main as cli_main

    return cli_main(argv, launch_gui=launch_gui)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
