"""The Team tab (app/ui/team_view.py) in the main window, on the small office (Tue 24 Jun 2025):
only managers and auditors get it; counts drill down to cases, which can be reassigned and
then show as new to the receiving officer; findings, orders and the self-assessment pages."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QPushButton

from app.services.self_assessment import self_assessment
from app.ui.main_window import MainWindow
from app.ui.team_view import TeamView
from tests.services.conftest import act_as


def make_window(qtbot, ws, user="p.natarajan"):
    act_as(ws, user)
    window = MainWindow(ws)
    qtbot.addWidget(window)
    return window


def team_actions(window) -> dict[str, QAction]:
    names = {n for n, _, _ in MainWindow.TEAM_ACTIONS}
    return {a.objectName(): a for a in window.findChildren(QAction) if a.objectName() in names}


def cell(model, row, col):
    return model.data(model.index(row, col))


def test_only_managers_and_auditors_get_the_team_menu(qtbot, office):
    w = make_window(qtbot, office)
    assert w.team_menu.menuAction().isVisible()
    assert all(a.isVisible() for a in team_actions(w).values())
    officer = make_window(qtbot, office, "a.khan")
    assert not officer.team_menu.menuAction().isVisible()
    assert not any(a.isEnabled() for a in team_actions(officer).values())


def test_team_view_shows_each_officer_and_drills_down_to_cases(qtbot, office):
    w = make_window(qtbot, office)
    team_actions(w)["team_view"].trigger()
    view = w.tabs.currentWidget()
    assert isinstance(view, TeamView)
    page = view.officers
    rows = {cell(page.officers, r, 0): r for r in range(page.officers.rowCount())}
    assert set(rows) >= {"Aisha Khan", "Rhys Morgan", "Tomasz Wiśniewski"}
    khan = rows["Aisha Khan"]
    assert [cell(page.officers, khan, c) for c in (2, 3, 4, 5)] == ["2", "1", "1", "1"]
    assert cell(page.officers, khan, 8) == "1 (1 breached)"  # GEN-2, a general case
    assert "4 cases in the inboxes" in page.summary.text()
    assert len(page.chart.weeks) == 8 and "breached" in page.chart.accessibleDescription()
    # Enter on Aisha Khan's "Breached" count lists GEN-2 below.
    page.officer_table.setCurrentIndex(page.officers.index(khan, 5))
    page.officer_table.activated.emit(page.officers.index(khan, 5))
    assert [page.cases.row(r).ref for r in range(page.cases.rowCount())] == ["GEN-2"]
    assert page.cases_label.text() == "Aisha Khan: cases breached"
    page._drill(page.officers.index(khan, 7))  # her ASB cases
    assert [page.cases.row(r).ref for r in range(page.cases.rowCount())] == ["ASB-1"]
    opened = []
    view.sig_open_case.connect(opened.append)
    page.case_table.activated.emit(page.cases.index(0, 0))
    assert opened == ["ASB-1"]


def test_reassigned_cases_are_new_to_the_receiver_until_opened(qtbot, office):
    w = make_window(qtbot, office)
    page = w.open_team().officers
    khan = next(
        r for r in range(page.officers.rowCount()) if cell(page.officers, r, 0) == "Aisha Khan"
    )
    page._drill(page.officers.index(khan, 2))  # all her cases
    page.case_table.selectAll()
    assert page.selected_refs() == ["GEN-2", "ASB-1"] and page.reassign_btn.isEnabled()
    assert page.reassign(page.selected_refs(), "r.morgan", "Aisha is on leave")
    assert "Handed 2 case(s) to r.morgan" in page.cases_label.text()
    assert page.cases.rowCount() == 0  # she has none left
    morgan = make_window(qtbot, office, "r.morgan")
    refs = [cell(morgan.model, r, 0) for r in range(morgan.model.rowCount())]
    assert {"GEN-2 (new)", "ASB-1 (new)", "CMP-3"} <= set(refs)
    qtbot.waitUntil(lambda: morgan.counts.text().endswith("· 2 handed to you (new)"), timeout=3000)
    morgan.open_case("GEN-2")
    refs = [cell(morgan.model, r, 0) for r in range(morgan.model.rowCount())]
    assert "GEN-2" in refs and "ASB-1 (new)" in refs
    qtbot.waitUntil(lambda: morgan.counts.text().endswith("· 1 handed to you (new)"), timeout=3000)


def test_findings_page_runs_in_the_background_and_opens_cases(qtbot, office):
    w = make_window(qtbot, office)
    view = w.open_team("findings")
    page = view.findings
    assert view.pages.currentWidget() is page
    page.run()
    qtbot.waitUntil(lambda: page.groups is not None, timeout=20000)
    codes = [cell(page.group_model, r, 0) for r in range(page.group_model.rowCount())]
    assert "CALLBACK_LATE" in codes  # GEN-2's call back, due 17 Jun
    page.group_table.activated.emit(page.group_model.index(codes.index("CALLBACK_LATE"), 0))
    refs = [page.lines.row(r).ref for r in range(page.lines.rowCount())]
    assert "GEN-2" in refs
    opened = []
    view.sig_open_case.connect(opened.append)
    page.line_table.activated.emit(page.lines.index(refs.index("GEN-2"), 0))
    assert opened == ["GEN-2"]
    page.group_by.setCurrentIndex(1)  # by officer
    assert cell(page.group_model, 0, 0) in {"a.khan", "r.morgan", "t.wis"}


def test_findings_export_and_orders_page(qtbot, office, tmp_path):
    w = make_window(qtbot, office)
    view = w.open_team("findings")
    out = tmp_path / "findings.csv"
    view.findings.export_csv(out)
    qtbot.waitUntil(lambda: view.findings.status.text().startswith("Wrote"), timeout=20000)
    assert out.read_text(encoding="utf-8").startswith("case,officer,code,date,month")
    view.show_page("ombudsman_orders")
    assert view.orders.status.text().startswith("0 open Ombudsman order(s)")


def test_self_assessment_records_a_section_and_links_to_the_reports(qtbot, office, tmp_path):
    w = make_window(qtbot, office)
    view = w.open_team("self_assessment")
    page = view.assessment
    assert page.model.rowCount() == 9
    page.table.selectRow(5)  # section 6: complaint stages
    page.status.setCurrentIndex(page.status.findData("partly"))
    page.comment.setPlainText("Two stage 1 responses were late in May.")
    assert page.save()
    saved = self_assessment(office, 2025)[5]
    assert (saved.status, saved.comment) == ("partly", "Two stage 1 responses were late in May.")
    assert cell(page.model, 5, 2) == "Partly complies"
    team = page.findChild(QPushButton, "link_team_view")
    assert team is not None
    pack = page.findChild(QLabel, "link_weekly_complaints_pack")  # another report's, not built
    assert pack is not None and pack.text().endswith("(not available)")
    team.click()
    assert view.pages.currentWidget() is view.officers
    out = tmp_path / "sa.csv"
    page.export_csv(out)
    assert "Two stage 1 responses were late in May." in out.read_text(encoding="utf-8")


def test_an_auditor_reads_the_self_assessment_but_cannot_record_it(qtbot, office):
    from app.store.models import Officer

    with office.db.write() as s:
        s.add(Officer(username="aud", name="Ann Auditor", role="auditor"))
    w = make_window(qtbot, office, "aud")
    page = w.open_team("self_assessment").assessment
    assert page.model.rowCount() == 9
    assert not page.save_btn.isEnabled() and page.comment.isReadOnly()
    assert not w.open_team().officers.reassign_btn.isVisibleTo(w)


def test_the_team_tab_fits_a_small_screen(qtbot, office):
    w = make_window(qtbot, office)
    w.resize(1366, 768)
    view = w.open_team()
    hint = view.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768 - 120
    for name in ("findings", "ombudsman_orders", "self_assessment"):
        view.show_page(name)
        hint = view.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 768 - 120, name
