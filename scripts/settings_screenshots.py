"""Screenshots of the first-run wizard and the Settings dialog (docs/screenshots/).

Run offscreen: ``QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/settings_screenshots.py``.
Everything happens in a temporary data folder; the organisation and people are invented.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget, QWizard  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"


def settle(widget: QWidget) -> None:
    widget.show()
    for _ in range(5):
        QApplication.processEvents()


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="doorstep-shots-"))
    os.environ["DOORSTEP_DATA_DIR"] = str(tmp / "data")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Doorstep-screenshots")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "qs"))

    from app.services.workspace import Actor, open_workspace
    from app.ui.first_run import FirstRunWizard
    from app.ui.settings_dialog import SettingsDialog

    wizard = FirstRunWizard()
    settle(wizard)
    wizard.org.name.setText("Larkspur Homes")
    wizard.org.address.setPlainText("Larkspur House\n14 Fernbank Road\nLondon SE6 4ZZ")
    wizard.org.phone.setText("020 7946 0999")
    wizard.org.email.setText("housing@larkspur-homes.example.org")
    wizard.next()
    wizard.policy.homes.setValue(4200)
    settle(wizard)
    first = wizard.grab()
    wizard.next()
    wizard.storage.server.setChecked(True)
    wizard.storage.url.setText("postgresql+psycopg://a.khan@db.larkspur.example.org/doorstep")
    settle(wizard)
    # two pages side by side: homes and policy, then where the cases are kept
    from PySide6.QtGui import QColor, QPainter, QPixmap

    second = wizard.grab()
    out = QPixmap(first.width() + second.width() + 16, max(first.height(), second.height()))
    out.fill(QColor("#d0d0d0"))
    painter = QPainter(out)
    painter.drawPixmap(0, 0, first)
    painter.drawPixmap(first.width() + 16, 0, second)
    painter.end()
    out.save(str(SHOTS / "first-run-wizard.png"))

    wizard.storage.local.setChecked(True)
    wizard.next()
    wizard.person.full_name.setText("Priya Natarajan")
    wizard.person.username.setText("p.natarajan")
    wizard.person.job_title.setText("Housing manager")
    wizard.person.role.setCurrentIndex(wizard.person.role.findData("manager"))
    wizard.next()
    wizard.accept()
    while wizard.profile is None and wizard.finish.error.text() == "":
        app.processEvents()
    if wizard.profile is None:
        print(wizard.finish.error.text())
        return 1
    wizard.done(QWizard.DialogCode.Accepted)

    ws = open_workspace(wizard.profile.target, actor=Actor("p.natarajan", "shots"))
    dialog = SettingsDialog(ws)
    dialog.resize(900, 640)
    dialog.tabs.setCurrentWidget(dialog.policy)
    settle(dialog)
    policy_tab = dialog.grab()
    dialog.tabs.setCurrentWidget(dialog.closures)
    import datetime as dt

    from app.ui.forms import to_qdate

    for d in (dt.date(2026, 12, 29), dt.date(2026, 12, 30), dt.date(2026, 12, 31)):
        dialog.closures.day.setDate(to_qdate(d))
        dialog.closures.add_day()
    dialog.closures.save()
    settle(dialog)
    closures_tab = dialog.grab()
    out = QPixmap(policy_tab.width() + closures_tab.width() + 16, policy_tab.height())
    out.fill(QColor("#d0d0d0"))
    painter = QPainter(out)
    painter.drawPixmap(0, 0, policy_tab)
    painter.drawPixmap(policy_tab.width() + 16, 0, closures_tab)
    painter.end()
    out.save(str(SHOTS / "settings.png"))
    ws.close()
    print(f"wrote {SHOTS / 'first-run-wizard.png'} and {SHOTS / 'settings.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
