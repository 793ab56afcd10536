"""The "Hazards and decisions" tab: a hazard reported and worked, a request decided, and the
possession safeguards that keep Serve NOSP disabled until every one is in place."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.domain.possession import PRE_ACTION
from app.services.cases import create_case, get_case
from app.services.possession import record_account_check, record_pre_action
from app.services.workspace import put_setting
from app.store.models import Officer
from app.ui.records_model import selected_row
from app.ui.safety import dialogs
from app.ui.safety.panel import SafetyPanel
from tests.services.conftest import act_as
from tests.ui.keyboard import alt, shown
from tests.ui.test_asb_panel import drive_modal


@pytest.fixture
def home(ws, clock):
    clock.set("2026-03-06T18:30:00+00:00")
    with ws.db.write() as s:
        s.add(Officer(username="a.khan", name="Aisha Khan", role="officer"))
        s.add(Officer(username="p.natarajan", name="Priya Natarajan", role="manager"))
    create_case(ws, ref="ARR-7", kind="arrears", officer="a.khan", resident_name="Ms Invented",
                opened=dt.date(2026, 3, 2))  # fmt: skip
    with ws.db.write() as s:
        put_setting(s, "demo", True)
    return act_as(ws, "a.khan")


@pytest.fixture
def panel(qtbot, home):
    p = SafetyPanel(home)
    p.resize(1200, 600)
    shown(qtbot, p)
    p.load(get_case(home, "ARR-7"))
    return p


def test_a_hazard_reported_from_the_tab_shows_its_hour_clock(qtbot, panel, home):
    def fill(dialog: dialogs.ReportHazardDialog):
        dialog.hazard.setCurrentIndex(dialog.hazard.findData("fire"))
        assert [dialog.category.itemData(i) for i in range(dialog.category.count())] == [
            "emergency"
        ]
        dialog.summary.setPlainText("Sparking socket in the kitchen")
        dialog.location.setText("Kitchen")
        dialog.accept()

    check = drive_modal(qtbot, fill)
    with qtbot.waitSignal(panel.sig_changed):
        alt(qtbot, Qt.Key.Key_D)  # Report hazar&d…
    check()
    panel.load(get_case(home, "ARR-7"))
    assert panel.tabs.tabText(0) == "Hazards (1 open)"
    model = panel.hazards
    assert model.data(model.index(0, 0)) == "Fire"
    assert model.data(model.index(0, 4)).startswith("Investigate emergency hazard: Fire: 24 h")
    # The hazard's name and when it was reported are shown whole, not elided ("Fi…").
    metrics = panel.hazards_view.fontMetrics()
    for column in (0, 3):
        text = model.data(model.index(0, column))
        assert panel.hazards_view.columnWidth(column) > metrics.horizontalAdvance(text) + 8, text
    # Chosen already: Record step works from the keyboard without picking the row first.
    assert selected_row(panel.hazards_view) is model.rows[0]


def test_serve_nosp_stays_disabled_until_the_safeguards_are_in_place(panel, home):
    arrears = panel.tabs.indexOf(panel.arrears_page)
    assert panel.tabs.isTabVisible(arrears)
    assert not panel.serve_button.isEnabled()
    assert "rent account has not been checked" in panel.serve_button.toolTip()
    record_account_check(home, "ARR-7", balance=700, payments_posted=True,
                         evidence_considered=True)  # fmt: skip
    record_pre_action(home, "ARR-7", list(PRE_ACTION))
    panel.load(get_case(home, "ARR-7"))
    assert "✔ Rent account checked" in panel.checklist.text()
    assert not panel.serve_button.isEnabled()
    assert panel.serve_button.toolTip() == (
        "Still missing: proceedings have not been approved by a manager"
    )


def test_the_arrears_tab_is_hidden_on_other_cases(qtbot, home):
    create_case(home, ref="GEN-7", kind="general", officer="a.khan", resident_name="Mr Invented")
    p = SafetyPanel(home)
    shown(qtbot, p)
    p.load(get_case(home, "GEN-7"))
    assert not p.tabs.isTabVisible(p.tabs.indexOf(p.arrears_page))


def test_a_hazard_raised_in_a_contact_opens_its_form_with_the_contacts_words(qtbot, home):
    from app.services.hazards import hazards_on
    from app.ui.case_view import CaseView
    from app.ui.contact_dialog import ContactDialog

    view = CaseView(home, "ARR-7")
    qtbot.addWidget(view)

    def contact(dialog: ContactDialog):
        dialog.channel.setCurrentIndex(dialog.channel.findData("phone"))
        dialog.direction.setCurrentIndex(dialog.direction.findData("in"))
        dialog.summary.setPlainText("Mould all over the bedroom wall, the baby sleeps there")
        dialog.hazard.setChecked(True)
        dialog.save()

    def hazard(dialog: dialogs.ReportHazardDialog):
        assert dialog.summary.toPlainText().startswith("Mould all over the bedroom wall")
        dialog.hazard.setCurrentIndex(dialog.hazard.findData("damp_mould"))
        dialog.category.setCurrentIndex(dialog.category.findData("significant"))
        dialog.accept()

    handled: list[str] = []
    tries = [0]

    def act():  # answers each modal form as it opens; gives up after ~5 s
        tries[0] += 1
        d = QApplication.activeModalWidget()
        if isinstance(d, ContactDialog) and not handled:
            handled.append("contact")
            contact(d)
        elif isinstance(d, dialogs.ReportHazardDialog):
            handled.append("hazard")
            hazard(d)
            return
        if tries[0] < 250:
            QTimer.singleShot(20, act)

    QTimer.singleShot(0, act)
    view.log_contact()
    assert handled == ["contact", "hazard"]
    (found,) = hazards_on(home, "ARR-7")
    assert found.hazard == "damp_mould" and found.category == "Significant"


def test_the_arrears_review_lists_cases_near_the_trigger_and_opens_them(qtbot, home):
    from app.ui.reports.arrears_dialog import ArrearsReviewDialog

    record_account_check(home, "ARR-7", balance=450, payments_posted=True,
                         evidence_considered=True)  # fmt: skip
    act_as(home, "p.natarajan")
    dialog = ArrearsReviewDialog(home)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.items.rowCount() == 1, timeout=5000)
    assert dialog.status.text() == "1 case to review"
    dialog.table.setCurrentIndex(dialog.items.index(0, 0))
    with qtbot.waitSignal(dialog.sig_open_case) as opened:
        dialog.open_selected()
    assert opened.args == ["ARR-7"]
