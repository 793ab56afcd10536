"""The complaint panel driven by keyboard: next action, dialogs, refusals shown in place, the menu."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from app.services import complaints as svc
from app.services.bundles import import_bundle
from app.services.cases import get_case
from app.services.complaints.reading import get_complaint
from app.ui.complaints import ComplaintPanel
from app.ui.complaints.compensation_dialog import CompensationDialog
from app.ui.complaints.respond_dialog import RespondDialog
from tests.services.complaint_helpers import D, at, contact, seed_case

REF = "CMP-7"


@pytest.fixture
def panel(qtbot, ws):
    p = ComplaintPanel(ws)
    qtbot.addWidget(p)
    p.resize(1100, 800)
    p.show()
    return p


@pytest.fixture
def complaint_case(ws, clock):
    clock.set("2025-06-03T09:00:00+00:00")
    seed_case(ws, ref=REF, opened="2025-06-02", kind="complaint")
    svc.receive_complaint(
        ws,
        REF,
        at=at("2025-06-02T10:00:00+01:00"),
        channel="email",
        summary="Leak not repaired after three visits",
        about_officer="r.price",
        points=["Repair not completed", "Calls not returned"],
    )
    return REF


def field(dialog, name):
    return dialog.fields[name]


def retype(qtbot, widget, text):
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


def test_seed_001_panel_shows_the_stage_track_money_and_findings(panel, ws, seed001_doc):
    import_bundle(ws, seed001_doc)
    panel.load(get_case(ws, "HX-0001"))
    texts = [label.text() for label in panel.track.step_labels]
    assert (
        "✗ No acknowledgement (response sent Fri 30 Aug 2024 without one); due Mon 5 Aug 2024"
        in texts
    )
    assert "⚠ Acknowledged Wed 29 Jan 2025 (late: due Fri 20 Sep 2024)" in texts
    assert any("it does not count" in t for t in texts)
    assert panel.next_button.text() == (
        "Send the Ombudsman evidence of compliance — due Tue 22 Jul 2025 (20 WD left)"
    )
    assert panel.tabs.tabText(3) == "Findings (7)"
    ledger = panel.ledger_model
    assert [ledger.data(ledger.index(2, c)) for c in range(ledger.columnCount())] == [
        "Total",
        "£200",
        "£550",
        "–",
        "£1,350",
        "–",
        "£1,350",
    ]
    assert panel.money_caption.text() == "£750 offered; £1,350 owed, £1,350 still to pay."
    assert panel.findings_model.data(panel.findings_model.index(1, 1)) == "CONFLICT_OF_INTEREST"
    assert panel.findings_model.data(panel.findings_model.index(1, 2)) == "c17"


def test_acknowledge_by_keyboard(qtbot, panel, ws, complaint_case):
    panel.load(get_case(ws, REF))
    assert (
        panel.next_button.text()
        == "Acknowledge the stage 1 complaint — due Mon 9 Jun 2025 (4 WD left)"
    )
    panel.next_button.setFocus()
    qtbot.keyClick(panel.next_button, Qt.Key.Key_Space)
    dialog = panel.active_dialog
    assert (
        dialog.windowTitle() == "Acknowledge — Stage 1"
        and "Cannot be: r.price" in dialog.intro.text()
    )
    by = field(dialog, "by")
    # The officer complained about: refused in the dialog, nothing saved, the entry kept.
    retype(qtbot, by, "r.price")
    qtbot.keyClick(by, Qt.Key.Key_Return)
    assert dialog.isVisible() and "conflict of interest" in dialog.error.text()
    assert by.text() == "r.price"
    assert get_complaint(ws, REF).next_action.action == "acknowledge"
    retype(qtbot, by, "s.hughes")
    with qtbot.waitSignal(panel.sig_changed, timeout=2000) as changed:
        qtbot.keyClick(by, Qt.Key.Key_Return)
    assert changed.args == [REF]
    assert not dialog.isVisible()
    assert panel.next_button.text().startswith("Send the stage 1 response — due Tue 17 Jun 2025")


def test_stale_edit_is_refused_in_the_dialog(qtbot, panel, ws, complaint_case):
    panel.load(get_case(ws, REF))
    qtbot.keyClick(panel.next_button, Qt.Key.Key_Space)
    dialog = panel.active_dialog
    # Another window acknowledges first.
    svc.acknowledge(ws, REF, by="d.osei", at=at("2025-06-03T09:30:00+01:00"))
    retype(qtbot, field(dialog, "by"), "s.hughes")
    qtbot.keyClick(field(dialog, "by"), Qt.Key.Key_Return)
    assert dialog.isVisible() and "changed by tester since you opened it" in dialog.error.text()
    assert [h.by for h in get_complaint(ws, REF).history if h.what.startswith("Acknowledged")] == [
        "d.osei"
    ]


def test_respond_dialog_checklist_gates_the_send_button(qtbot, panel, ws, complaint_case, clock):
    svc.acknowledge(ws, REF, by="s.hughes", at=at("2025-06-03T09:30:00+01:00"))
    clock.set("2025-06-10T09:00:00+00:00")
    panel.load(get_case(ws, REF))
    qtbot.keyClick(panel.next_button, Qt.Key.Key_Return)
    dialog = panel.active_dialog
    assert isinstance(dialog, RespondDialog)
    assert not dialog.ok.isEnabled()
    (p1, d1, r1), (p2, d2, r2) = dialog.point_rows
    assert (p1.text(), p2.text()) == ("Repair not completed", "Calls not returned")
    for decision, reasons, why in (
        (d1, r1, "Three visits, no fix"),
        (d2, r2, "Calls were returned"),
    ):
        decision.setFocus()
        qtbot.keyClick(decision, Qt.Key.Key_Down)
        reasons.setFocus()
        qtbot.keyClicks(reasons, why)
    qtbot.keyClick(d2, Qt.Key.Key_Down)
    qtbot.keyClick(d2, Qt.Key.Key_Down)  # Not upheld
    assert (d1.currentData(), d2.currentData()) == ("upheld", "not_upheld")
    dialog.remedy.setFocus()
    qtbot.keyClicks(dialog.remedy, "£50 for time and trouble")
    qtbot.keyClicks(dialog.amounts["time_trouble"], "50")
    dialog.refresh_checklist()
    missing = [i.key for i in dialog.checklist_model._rows if not i.done]
    assert missing == ["apology"] and not dialog.ok.isEnabled()
    dialog.apology.setFocus()
    qtbot.keyClick(dialog.apology, Qt.Key.Key_Space)
    qtbot.waitUntil(dialog.ok.isEnabled, timeout=2000)
    retype(qtbot, field(dialog, "by"), "s.hughes")
    with qtbot.waitSignal(panel.sig_changed, timeout=2000):
        qtbot.keyClick(field(dialog, "by"), Qt.Key.Key_Return)
    view = get_complaint(ws, REF)
    assert view.stages[0].decided_by == "s.hughes"
    assert view.compensation.total_offered == 50
    assert panel.checklist_caption.text() == "Stage 1 response sent Tue 10 Jun 2025"


def test_extension_warning_and_the_extend_dialog(qtbot, panel, ws, complaint_case, clock):
    svc.acknowledge(ws, REF, by="s.hughes", at=at("2025-06-03T09:30:00+01:00"))
    clock.set("2025-06-13T09:00:00+00:00")  # response due Tue 17 Jun: 2 WD left
    panel.load(get_case(ws, REF))
    assert panel.warning.isVisible()
    assert panel.warning.text().startswith(
        "Stage 1 response due Tue 17 Jun 2025 (2 WD left). If it cannot be sent by then, an "
        "extension letter is needed by Tue 17 Jun 2025"
    )
    dialog = panel.open_action("extend")
    assert field(dialog, "new_due").maximumDate().toString("yyyy-MM-dd") == "2025-07-01"
    new_due = field(dialog, "new_due")
    new_due.setFocus()
    new_due.setDate(new_due.maximumDate())
    field(dialog, "reason").setFocus()
    qtbot.keyClicks(field(dialog, "reason"), "Waiting for the contractor's report")
    retype(qtbot, field(dialog, "by"), "s.hughes")
    with qtbot.waitSignal(panel.sig_changed, timeout=2000):
        qtbot.keyClick(field(dialog, "by"), Qt.Key.Key_Return)
    assert not panel.warning.isVisible()
    assert "Extended Fri 13 Jun 2025 to Tue 1 Jul 2025" in [
        lbl.text()[2:] for lbl in panel.track.step_labels
    ]
    assert panel.next_button.text().endswith("due Tue 1 Jul 2025 (12 WD left)")


def test_empty_reason_refused_in_the_extend_dialog(qtbot, panel, ws, complaint_case, clock):
    svc.acknowledge(ws, REF, by="s.hughes", at=at("2025-06-03T09:30:00+01:00"))
    clock.set("2025-06-13T09:00:00+00:00")
    panel.load(get_case(ws, REF))
    dialog = panel.open_action("extend")
    by = field(dialog, "by")
    retype(qtbot, by, "s.hughes")
    qtbot.keyClick(by, Qt.Key.Key_Return)
    assert dialog.isVisible() and "Give the reason for the extension" in dialog.error.text()


def test_dissatisfaction_prompt_offers_a_complaint(qtbot, panel, ws, clock):
    seed_case(ws, ref=REF, opened="2025-06-02", kind="general")
    contact(
        ws,
        "2025-06-02T09:00:00+01:00",
        "resident",
        "Fed up with the noise",
        ref=REF,
        direction="in",
        dissatisfaction=True,
    )
    panel.load(get_case(ws, REF))
    assert panel.prompt.isVisible() and "Fed up with the noise" in panel.prompt.text()
    assert panel.status.text() == "No complaint on this case."
    panel.offer_button.setFocus()
    qtbot.keyClick(panel.offer_button, Qt.Key.Key_Space)
    dialog = panel.active_dialog
    assert dialog.windowTitle() == "Offer a formal complaint"
    points = field(dialog, "points")
    points.setFocus()
    qtbot.keyClicks(points, "Noise from the flat above")
    with qtbot.waitSignal(panel.sig_changed, timeout=2000):
        qtbot.keyClick(dialog.ok, Qt.Key.Key_Space)
    assert not panel.prompt.isVisible()
    view = get_complaint(ws, REF)
    assert view.points == ("Noise from the flat above",) and view.summary == "Fed up with the noise"


def test_twelve_month_rule_in_the_log_dialog(qtbot, panel, ws):
    seed_case(ws, ref=REF, opened="2025-06-02", kind="general")
    panel.load(get_case(ws, REF))
    qtbot.keyClick(panel.log_button, Qt.Key.Key_Space)
    dialog = panel.active_dialog
    qtbot.keyClicks(field(dialog, "summary"), "Damp since 2022")
    field(dialog, "has_matter").setFocus()
    qtbot.keyClick(field(dialog, "has_matter"), Qt.Key.Key_Space)
    field(dialog, "matter_date").setDate(field(dialog, "matter_date").date().addYears(-3))
    qtbot.keyClick(dialog.ok, Qt.Key.Key_Space)
    assert "more than 12 months" in dialog.error.text() and dialog.isVisible()
    late = field(dialog, "late_reason")
    late.setFocus()
    qtbot.keyClicks(late, "The damp is continuing")
    with qtbot.waitSignal(panel.sig_changed, timeout=2000):
        qtbot.keyClick(late, Qt.Key.Key_Return)
    assert get_complaint(ws, REF).late_reason == "The damp is continuing"


def test_compensation_calculator_by_keyboard(qtbot, panel, ws, seed001_doc):
    import_bundle(ws, seed001_doc)
    panel.load(get_case(ws, "HX-0001"))
    panel.tabs.setCurrentIndex(1)
    panel.calc_button.setFocus()
    qtbot.keyClick(panel.calc_button, Qt.Key.Key_Space)
    dialog = panel.active_dialog
    assert isinstance(dialog, CompensationDialog) and dialog.vulnerable.isChecked()
    row = dialog.rows["distress_inconvenience"]
    row["use"].setFocus()
    qtbot.keyClick(row["use"], Qt.Key.Key_Space)
    row["severity"].setFocus()
    qtbot.keyClick(row["severity"], Qt.Key.Key_Down)
    qtbot.keyClick(row["severity"], Qt.Key.Key_Down)  # significant
    retype(qtbot, row["months"], "17")
    dialog.suggest_button.setFocus()
    qtbot.keyClick(dialog.suggest_button, Qt.Key.Key_Space)
    text = dialog.explanation.toPlainText()
    assert "£1,000 × 1.2 = £1,200" in text and "so this is a further £500" in text
    qtbot.keyClick(dialog.copy_button, Qt.Key.Key_Space)
    assert QApplication.clipboard().text() == text


def test_calculator_refuses_a_negative_cost(qtbot, panel, ws, complaint_case):
    panel.load(get_case(ws, REF))
    dialog = panel.open_action("compensation")
    row = dialog.rows["costs"]
    row["use"].setFocus()
    qtbot.keyClick(row["use"], Qt.Key.Key_Space)
    qtbot.keyClicks(row["amount"], "-20")
    qtbot.keyClick(dialog.suggest_button, Qt.Key.Key_Space)
    assert "cannot be negative" in dialog.error.text() and dialog.explanation.toPlainText() == ""


def test_actions_menu_by_keyboard(qtbot, panel, ws, complaint_case):
    panel.load(get_case(ws, REF))
    enabled = {k for k, a in panel.menu_actions.items() if a.isEnabled()}
    assert {
        "acknowledge",
        "respond",
        "refuse",
        "escalate",
        "close",
        "assign",
        "compensation",
    } <= enabled
    assert not {"reopen", "refuse_escalation", "ombudsman_compliance"} & enabled
    chosen = []

    def pick():
        menu = QApplication.activePopupWidget()
        chosen.append(menu)
        # Down to "Respond…" (third entry), then Enter.
        for _ in range(3):
            qtbot.keyClick(menu, Qt.Key.Key_Down)
        qtbot.keyClick(menu, Qt.Key.Key_Return)

    QTimer.singleShot(200, pick)
    panel.actions_button.setFocus()
    qtbot.keyClick(panel.actions_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: isinstance(panel.active_dialog, RespondDialog), timeout=3000)
    assert chosen and chosen[0] is panel.menu


def test_closed_complaint_offers_reopen(qtbot, panel, ws, complaint_case, clock):
    from tests.services.complaint_helpers import draft

    svc.respond(
        ws,
        REF,
        by="s.hughes",
        at=at("2025-06-03T09:30:00+01:00"),
        draft=draft(
            points=(("Repair not completed", "upheld", "r"), ("Calls not returned", "upheld", "r"))
        ),
    )
    svc.close_complaint(
        ws,
        REF,
        outcome="Upheld",
        lessons="Trace leaks on the first visit",
        at=at("2025-06-03T09:40:00+01:00"),
    )
    panel.load(get_case(ws, REF))
    assert panel.next_button.text() == "Closed — reopen if the resident asks"
    qtbot.keyClick(panel.next_button, Qt.Key.Key_Space)
    dialog = panel.active_dialog
    reason = field(dialog, "reason")
    reason.setFocus()
    qtbot.keyClicks(reason, "Leak is back")
    with qtbot.waitSignal(panel.sig_changed, timeout=2000):
        qtbot.keyClick(dialog.ok, Qt.Key.Key_Space)
    assert panel.next_button.text().startswith("Send the stage 1 response — due Tue 17 Jun 2025")


def test_every_dialog_field_has_an_accessible_name_and_a_tab_stop(qtbot, panel, ws, complaint_case):
    panel.load(get_case(ws, REF))
    for key in (
        "acknowledge",
        "respond",
        "escalate",
        "refuse",
        "close",
        "assign",
        "compensation",
        "ombudsman_enquiry",
        "ombudsman_order",
    ):
        dialog = panel.open_action(key)
        qtbot.waitExposed(dialog)
        for w in dialog.findChildren(QLineEdit):
            if w.isVisible() and w.parent() is not None and "qt_spinbox" not in w.objectName():
                assert w.accessibleName(), (key, w.objectName())
        focusables = []
        w = dialog.focusWidget() or dialog
        for _ in range(400):
            focusables.append(w)
            w = w.nextInFocusChain()
        assert any(
            isinstance(x, QPushButton) and x.text() in ("Cancel", "Close") for x in focusables
        ), key
        dialog.reject()


def test_order_dialog_due_within_weeks(qtbot, panel, ws, complaint_case):
    panel.load(get_case(ws, REF))
    dialog = panel.open_action("ombudsman_order")
    text = field(dialog, "text")
    text.setFocus()
    qtbot.keyClicks(text, "Apologise in writing and pay £300")
    qtbot.keyClicks(field(dialog, "distress_inconvenience"), "300")
    with qtbot.waitSignal(panel.sig_changed, timeout=2000):
        qtbot.keyClick(dialog.ok, Qt.Key.Key_Space)
    (order,) = get_complaint(ws, REF).orders
    assert order.due == D("2025-07-01")  # 3 Jun + 4 weeks
    assert panel.tracked_model.data(panel.tracked_model.index(0, 2)) == "20 WD left"
    assert dt.date(2025, 7, 1) == order.due


def test_tab_walks_the_panel_in_reading_order(qtbot, panel, ws, complaint_case):
    panel.load(get_case(ws, REF))
    panel.picker.setFocus()
    names = []
    for _ in range(9):
        w = QApplication.focusWidget()
        names.append(w.accessibleName())
        qtbot.keyClick(w, Qt.Key.Key_Tab)
    assert names == [
        "Complaint",
        "Log a complaint",
        "Stage 1: Received Mon 2 Jun 2025",
        "Stage 1: Acknowledgement due Mon 9 Jun 2025",
        "Stage 1: Response due Mon 23 Jun 2025",
        "Next action: Acknowledge the stage 1 complaint — due Mon 9 Jun 2025 (4 WD left)",
        "More complaint actions",
        "",  # the tab bar: Ctrl+Tab or arrows switch the tabs
        "Response checklist",
    ]


def test_remedy_dialog_with_nothing_open_says_so_instead_of_crashing(
    qtbot, panel, ws, complaint_case
):
    from app.services.complaints.reading import list_complaints
    from app.ui.complaints.dialogs import remedy_done_dialog

    (view,) = list_complaints(ws, REF)
    assert [r for r in view.remedies if r.status == "open"] == []
    dialog = remedy_done_dialog(ws, view, panel)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()  # OK with no action to choose
    assert dialog.isVisible()
    assert "no open remedy action" in dialog.error.text()


def test_points_of_complaint_added_from_the_actions_menu(qtbot, panel, ws, clock):
    clock.set("2025-06-03T09:00:00+00:00")
    seed_case(ws, ref=REF, opened="2025-06-02", kind="complaint")
    svc.receive_complaint(
        ws, REF, at=at("2025-06-02T10:00:00+01:00"), channel="phone", summary="Leak not fixed"
    )
    panel.load(get_case(ws, REF))
    action = panel.menu_actions["points"]
    assert action.isEnabled() and action.text().replace("&", "") == "Points of complaint…"
    action.trigger()
    dialog = panel.active_dialog
    assert dialog.windowTitle() == "Points of complaint"
    points = field(dialog, "points")
    assert points.toPlainText() == ""
    qtbot.keyClick(dialog.ok, Qt.Key.Key_Space)  # nothing listed: refused in place
    assert dialog.isVisible() and "at least one point" in dialog.error.text()
    points.setFocus()
    qtbot.keyClicks(points, "Leak not fixed")
    qtbot.keyClick(points, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(points, "Calls not returned")
    with qtbot.waitSignal(panel.sig_changed, timeout=2000):
        qtbot.keyClick(dialog.ok, Qt.Key.Key_Space)
    assert get_complaint(ws, REF).points == ("Leak not fixed", "Calls not returned")
    assert any(h.what == "Points restated" for h in get_complaint(ws, REF).history)
    panel.menu_actions["points"].trigger()  # opens with the current list to restate
    assert field(panel.active_dialog, "points").toPlainText() == (
        "Leak not fixed\nCalls not returned"
    )
