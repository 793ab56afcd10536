"""Screenshots of the ASB panel and its dialogs on a demo-like case, into docs/screenshots/.

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python scripts/asb_screenshots.py

The case (invented people) is recorded through the ASB services into a temporary
database, as of Tue 24 Jun 2025.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.services.asb import asb_view  # noqa: E402
from app.services.workspace import Actor, open_workspace  # noqa: E402
from app.ui.asb import (  # noqa: E402
    ActionPlanEditor,
    AsbPanel,
    RiskAssessmentDialog,
    dialogs,  # noqa: E402
)
from app.ui.asb.plan_model import EditRow  # noqa: E402
from tests.ui.asb_case import REF, showcase_case  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
NOW = dt.datetime(2025, 6, 24, 10, 0, tzinfo=dt.UTC)


def shoot(widget: QWidget, name: str) -> None:
    widget.show()
    for _ in range(5):
        QApplication.processEvents()
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(path.relative_to(ROOT))


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Doorstep")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ws = open_workspace(Path(tmp) / "cases.sqlite", Actor("k.mensah", "laptop"), lambda: NOW)
        try:
            case = showcase_case(ws)
            panel = AsbPanel(ws)
            panel.resize(1280, 640)
            panel.load(case)
            for i, name in (
                (0, "risk"),
                (2, "plan"),
                (3, "partners"),
                (1, "vulnerabilities"),
                (4, "visits"),
                (5, "repairs"),
            ):
                panel.tabs.setCurrentIndex(i)
                if name == "plan":
                    panel.tables["actions"].selectRow(1)
                shoot(panel, f"asb_panel_{name}")
            view = asb_view(ws, REF)

            risk = RiskAssessmentDialog(ws, view)
            for key, combo in risk.answers.items():
                combo.setCurrentIndex(
                    1
                    if key
                    in (
                        "threats_of_violence",
                        "hate_motive",
                        "vulnerable_household",
                        "children_present",
                    )
                    else 2
                )
            risk.answers["perpetrator_nearby"].setCurrentIndex(0)
            shoot(risk, "asb_risk_dialog")

            editor = ActionPlanEditor(ws, view)
            editor.model.add_row(
                2,
                EditRow(
                    "Offer mediation with block B families",
                    "a.khan",
                    dt.date(2025, 7, 4),
                    notes="Only if Ms Okonjo agrees",
                ),
            )
            editor.model.add_row(
                5, EditRow("Case review meeting with partners", "k.mensah", dt.date(2025, 7, 1))
            )
            editor.table.setCurrentIndex(editor.model.index(2, 0))
            shoot(editor, "asb_plan_editor")
            editor.show_message(
                "The action plan of ASB-2025-0142 changed since you opened it: version 3 was "
                "agreed by a.khan on Tue 24 Jun 2025 while you were editing version 2. Nothing "
                "was saved; your rows are still in the editor."
            )
            editor.rebase.setVisible(True)
            shoot(editor, "asb_plan_editor_conflict")
            editor.stack.setClean()
            editor.close()

            for cls, name in (
                (dialogs.ReportDialog, "asb_report_dialog"),
                (dialogs.VulnerabilityDialog, "asb_vulnerability_dialog"),
                (dialogs.PartnerRequestDialog, "asb_partner_dialog"),
                (dialogs.VisitDialog, "asb_visit_dialog"),
                (dialogs.RepairDialog, "asb_repair_dialog"),
                (dialogs.ClosureDialog, "asb_closure_dialog"),
            ):
                dialog = cls(ws, view)
                shoot(dialog, name)
                dialog.close()
        finally:
            ws.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
