"""Screenshots of the Help menu's dialogs on the demo database (docs/screenshots/help-*.png).

Runs offscreen: ``.venv/bin/python scripts/help_screenshots.py``. The data directory is a
temporary folder, so nothing of the user's is read or shown.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
DATA = Path(tempfile.mkdtemp(prefix="doorstep-help-")) / "doorstep"
os.environ["DOORSTEP_DATA_DIR"] = str(DATA)

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.demo.database import create_demo_database  # noqa: E402
from app.services.workspace import Actor, open_workspace  # noqa: E402
from app.ui.help.about import AboutDialog  # noqa: E402
from app.ui.help.guide import GuideDialog  # noqa: E402
from app.ui.help.shortcuts import ShortcutsDialog  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    db = create_demo_database(DATA / "demo.sqlite")
    ws = open_workspace(db, actor=Actor("p.natarajan", "screenshots"))
    window = MainWindow(ws)
    window.show()
    settle(app)
    shots = []
    window.help_actions["guide"].trigger()
    guide = window.findChild(GuideDialog)
    guide.select_slug("run-a-complaint")
    shots.append((guide, "help-guide.png"))
    window.help_actions["shortcuts"].trigger()
    shots.append((window.findChild(ShortcutsDialog), "help-shortcuts.png"))
    window.help_actions["about"].trigger()
    shots.append((window.findChild(AboutDialog), "help-about.png"))
    for dialog, name in shots:
        dialog.show()
        settle(app)
        path = SHOTS / name
        dialog.grab().save(str(path))
        size = dialog.frameGeometry().size()
        print(f"{path.relative_to(ROOT)}: {size.width()}×{size.height()}")
        dialog.close()
    window.close()
    ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
