"""The ASB panel on a demo-like case: what it shows, and its dialogs driven by keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from app.services import asb
from app.services.cases import create_case, get_case
from app.ui.asb import ActionPlanEditor, AsbPanel
from app.ui.asb.dialogs import ClosureDialog, ReportDialog
from tests.ui.asb_case import REF, reported_case, showcase_case
from tests.ui.keyboard import activate, alt, press, shown, type_text

TABS = ["Risk", "Vulnerabilities", "Action plan", "Partners", "Visits", "Repairs"]


def rows(panel: AsbPanel, key: str) -> int:
    return panel.models[key].rowCount()


def cell(panel: AsbPanel, key: str, row: int, column: str) -> str:
    model = panel.models[key]
    col = [c.title for c in model.columns].index(column)
    return model.data(model.index(row, col))


@pytest.fixture
def panel(qtbot, ws):
    p = AsbPanel(ws)
    p.resize(1280, 640)
    return shown(qtbot, p)


def test_panel_shows_the_case(panel, ws):
    panel.load(showcase_case(ws))
    assert [panel.tabs.tabText(i) for i in range(panel.tabs.count())] == [
        "Risk",
        "Vulnerabilities",
        "Action plan (3 open)",
        "Partners (1 overdue)",
        "Visits",
        "Repairs (1 open)",
    ]
    assert panel.summary.text() == (
        "High risk (assessed Mon 16 Jun 2025): action within 1 WD of a report; "
        "updates every 5 WD (agreed)."
    )
    assert panel.alert.isVisible()
    assert (
        "3 ASB reports by this household between 7 Apr 2025 and 16 Jun 2025" in panel.alert.text()
    )
    assert "Alerted: Kofi Mensah (case officer), Sam Hughes (manager)." in panel.alert.text()
    assert [rows(panel, k) for k in ("tiers", "reports", "vulnerabilities", "partners")] == [
        3,
        3,
        2,
        4,
    ]
    assert [rows(panel, k) for k in ("visit_requests", "visits", "repairs", "actions")] == [
        2,
        2,
        2,
        5,
    ]
    assert cell(panel, "tiers", 0, "Score") == "22"  # newest first; the history is kept
    assert cell(panel, "reports", 0, "Hate") == "yes"
    assert cell(panel, "partners", 0, "Status") == "overdue"
    assert cell(panel, "repairs", 0, "Status") == "overdue"
    assert cell(panel, "visits", 1, "Offline notes") == "yes, recorded Tue 24 Jun 2025"
    assert cell(panel, "actions", 4, "Owner") == "Police"
    assert "replaces version 1; written confirmation not recorded yet" in panel.plan_terms.text()
    assert not panel.status.isVisible()


def test_plan_versions_are_browsed_by_keyboard(qtbot, panel, ws):
    panel.load(showcase_case(ws))
    panel.tabs.setCurrentIndex(TABS.index("Action plan"))
    panel.versions.setFocus()
    assert panel.versions.currentText() == "2: agreed Tue 13 May 2025 (current)"
    press(qtbot, Qt.Key.Key_Down)
    assert panel.versions.currentText() == "1: agreed Tue 8 Apr 2025"
    statuses = [cell(panel, "actions", r, "Status") for r in range(rows(panel, "actions"))]
    assert statuses == [
        "done (Thu 10 Apr 2025)",
        "done (Tue 8 Apr 2025)",
        "done (Fri 25 Apr 2025)",
        "done (Thu 24 Apr 2025)",
    ]


def test_chasing_a_partner_by_keyboard(qtbot, panel, ws):
    panel.load(showcase_case(ws))
    panel.tabs.setCurrentIndex(TABS.index("Partners"))
    table = panel.tables["partners"]
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))  # the overdue social worker request
    with qtbot.waitSignal(panel.sig_changed) as changed:
        alt(qtbot, Qt.Key.Key_U)  # Chase up
    assert changed.args == [REF]
    assert rows(panel, "partners") == 5
    assert cell(panel, "partners", 1, "Status") == "chased late"
    assert panel.status.text() == "Chased social worker."
    assert cell(panel, "partners", 0, "Status") == "awaiting"  # the chase has its own 10 WD
    assert panel.tabs.tabText(TABS.index("Partners")) == "Partners"  # nothing overdue now


def drive_modal(qtbot, steps):
    """Run ``steps(dialog)`` on the modal dialog the panel is about to open. A failing step
    closes the dialog (so the panel's exec() returns) and is raised by ``check()``."""
    seen, errors = [], []

    def act():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, act)
            return
        seen.append(dialog)
        try:
            activate(qtbot, dialog)
            qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()))
            steps(dialog)
        except BaseException as exc:  # noqa: BLE001 - re-raised by check()
            errors.append(exc)
            dialog.done(QDialog.DialogCode.Rejected)

    def check():
        if errors:
            raise errors[0]
        assert seen, "the panel opened no dialog"
        return seen[0]

    QTimer.singleShot(0, act)
    return check


def test_editing_the_plan_from_the_panel_by_keyboard(qtbot, panel, ws):
    panel.load(showcase_case(ws))
    panel.tabs.setCurrentIndex(TABS.index("Action plan"))
    panel.tables["actions"].setFocus()

    def edit(editor):
        assert isinstance(editor, ActionPlanEditor)
        editor.table.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.table)
        editor.table.setCurrentIndex(editor.model.index(4, 0))
        press(qtbot, Qt.Key.Key_Insert)
        assert editor.model.rowCount() == 6, "Insert adds a row"
        type_text(qtbot, "Case review meeting")
        press(qtbot, Qt.Key.Key_Return)
        assert [r.text for r in editor.model.rows][5] == "Case review meeting", editor.model.rows
        alt(qtbot, Qt.Key.Key_G)

    with qtbot.waitSignal(panel.sig_changed, timeout=5000, raising=False):
        check = drive_modal(qtbot, edit)
        alt(qtbot, Qt.Key.Key_P)  # Edit plan
    assert check().result() == QDialog.DialogCode.Accepted
    assert panel.versions.count() == 3
    assert panel.versions.currentText().startswith("3: agreed Tue 24 Jun 2025 (current)")
    assert cell(panel, "actions", 5, "Action") == "Case review meeting"
    assert panel.status.text() == "Plan agreed: a new version is the one the resident is told."


def test_a_third_report_from_the_panel_raises_the_case_review_alert(qtbot, panel, ws):
    reported_case(ws)
    asb.report_asb(ws, REF, incident_type="noise", summary="Music at 3am")
    panel.load(get_case(ws, REF))
    assert not panel.alert.isVisible()

    def report(dialog):
        assert isinstance(dialog, ReportDialog)
        dialog.incident.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.incident)
        press(qtbot, "T")  # threat
        alt(qtbot, Qt.Key.Key_W)  # what happened
        type_text(qtbot, "Threatened with a knife")
        alt(qtbot, Qt.Key.Key_H)  # hate incident
        alt(qtbot, Qt.Key.Key_R)  # record

    with qtbot.waitSignal(panel.sig_changed, timeout=5000, raising=False):
        check = drive_modal(qtbot, report)
        alt(qtbot, Qt.Key.Key_A)  # Report ASB
    assert check().result() == QDialog.DialogCode.Accepted
    assert panel.alert.isVisible()
    assert "qualifies for an ASB case review" in panel.status.text()
    latest = asb.asb_view(ws, REF).reports[-1]
    assert (latest.incident_type, latest.hate_incident, latest.summary) == (
        "threat",
        True,
        "Threatened with a knife",
    )


def test_closing_with_open_actions_asks_for_a_reason(qtbot, ws):
    showcase_case(ws)
    dialog = shown(qtbot, ClosureDialog(ws, asb.asb_view(ws, REF)))
    assert "Plan actions still open: Injunction evidence pack to legal" in dialog.intro.text()
    alt(qtbot, Qt.Key.Key_O)
    type_text(qtbot, "Perpetrators evicted")
    alt(qtbot, Qt.Key.Key_S)
    press(qtbot, "4")
    alt(qtbot, Qt.Key.Key_C)
    assert dialog.isVisible()
    assert "3 plan actions are still open" in dialog.error.text()
    alt(qtbot, Qt.Key.Key_R)
    type_text(qtbot, "Not needed after the eviction")
    alt(qtbot, Qt.Key.Key_C)
    assert dialog.result() == QDialog.DialogCode.Accepted
    (closure,) = asb.asb_view(ws, REF).closures
    assert (closure.satisfaction, closure.open_actions_reason) == (
        4,
        "Not needed after the eviction",
    )


def test_a_case_without_a_report_offers_the_report_first(panel, ws):
    case = create_case(ws, ref="ASB-NEW", kind="asb", officer="k.mensah", resident_name="Mr E")
    panel.load(case)
    assert panel.summary.text() == "No ASB report recorded yet."
    assert panel.report_button.isEnabled() and not panel.assess_button.isEnabled()
    assert not panel.alert.isVisible()
    assert panel.plan_terms.text() == "No action plan agreed yet."
    assert [rows(panel, k) for k in panel.models] == [0] * len(panel.models)
