"""Reports › (managers and auditors): the measures with the cases behind each figure, the weekly
pack saved as PDF plus CSV, and a spot check drawn and completed — all off the UI thread."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt

from app.services.bundles import import_bundle
from app.ui.main_window import MainWindow
from app.ui.reports.pack_dialog import PackDialog
from app.ui.reports.spotcheck_dialog import SpotCheckDialog
from app.ui.reports.tsm_dialog import TsmDialog
from tests.services.conftest import act_as
from tests.services.reports import histories
from tests.services.reports.conftest import as_manager, manager_ws  # noqa: F401
from tests.services.reports.test_complaints_pack import pack_cases

WAIT = 15_000


def _idle(dialog):
    return dialog.job is None or not dialog.job.running


def test_the_reports_menu_is_for_managers_only(qtbot, office):
    window = MainWindow(office)
    qtbot.addWidget(window)
    assert window.reports_menu.menuAction().isVisible() is True
    act_as(office, "a.khan")
    other = MainWindow(office)
    qtbot.addWidget(other)
    assert other.reports_menu.menuAction().isVisible() is False


def test_each_figure_opens_the_cases_it_counted(qtbot, manager_ws, tmp_path):  # noqa: F811
    histories.load(manager_ws)
    ws = as_manager(manager_ws)
    dialog = TsmDialog(ws)
    qtbot.addWidget(dialog)
    dialog.start.setDate(QDate(2025, 4, 1))
    dialog.end.setDate(QDate(2026, 3, 31))
    dialog.homes.setValue(1000)
    qtbot.mouseClick(dialog.calculate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.measures.rowCount() == 8, timeout=WAIT)
    assert dialog.measures.row(2).value_text() == "66.7%"
    dialog.measure_table.setFocus()
    dialog.measure_table.setCurrentIndex(dialog.measures.index(0, 0))  # CH01(1)
    qtbot.waitUntil(lambda: dialog.counted.rowCount() == 3, timeout=WAIT)
    assert [r.ref for r in dialog.counted.rows] == ["C2", "C4", "C3"]
    dialog.counted_table.setCurrentIndex(dialog.counted.index(0, 0))
    with qtbot.waitSignal(dialog.sig_open_case, timeout=WAIT) as opened:
        dialog.open_selected()
    assert opened.args == ["C2"]
    dialog.export(tmp_path / "tsm.csv", "csv")
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Wrote"), timeout=WAIT)
    assert "CH02(1),Stage 1 complaints answered" in (tmp_path / "tsm.csv").read_text()


def test_a_back_to_front_period_is_one_sentence(qtbot, manager_ws):  # noqa: F811
    dialog = TsmDialog(as_manager(manager_ws))
    qtbot.addWidget(dialog)
    dialog.start.setDate(QDate(2026, 3, 31))
    dialog.end.setDate(QDate(2025, 4, 1))
    dialog.homes.setValue(1000)
    dialog.calculate()
    assert "before it starts" in dialog.status.text()


def test_the_weekly_pack_is_produced_and_saved(qtbot, manager_ws, clock, tmp_path):  # noqa: F811
    clock.set("2025-06-19T15:00:00+00:00")
    for doc in pack_cases():
        import_bundle(manager_ws, doc)
    dialog = PackDialog(as_manager(manager_ws))
    qtbot.addWidget(dialog)
    assert dialog.week.date() == QDate(2025, 6, 19)
    qtbot.mouseClick(dialog.produce_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.summary.rowCount() > 0, timeout=WAIT)
    assert dict(dialog.summary.rows)["Breaches this week"] == "1"
    sections = [r[0] for r in dialog.lines.rows]
    assert sections.count("open") == 2 and "order" in sections
    dialog.save(tmp_path / "pack.pdf")
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Wrote"), timeout=WAIT)
    assert (tmp_path / "pack.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "pack.csv").read_text().startswith("section,case,officer")


def test_a_spot_check_is_drawn_and_completed(qtbot, manager_ws):  # noqa: F811
    for i in range(3):
        doc = histories.bundle(f"AK-{i}", "asb", "2026-03-02", [histories.asb("2026-03-02")])
        import_bundle(manager_ws, doc)
    dialog = SpotCheckDialog(as_manager(manager_ws))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: _idle(dialog), timeout=WAIT)
    dialog.percent.setValue(100)
    dialog.seed.setText("4")
    qtbot.mouseClick(dialog.draw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.items.rowCount() == 3, timeout=WAIT)
    assert "seed 4" in dialog.earlier.currentText()
    dialog.item_table.setCurrentIndex(dialog.items.index(0, 0))
    assert "Risk assessment in time: fail" in dialog.record_notes.text()
    for key, result in (
        ("balanced_investigation", "pass"),
        ("report_writing", "fail"),
        ("professional_letters", "n/a"),
    ):
        box = dialog.quality[key]
        box.setCurrentIndex(box.findData(result))
    dialog.actions_edit.setPlainText("Record the risk assessment within a day")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Saved"), timeout=WAIT)
    assert dialog.items.row(0).completed_by == "p.natarajan"
    result = dialog.results.row(0)
    assert (result.officer, result.quality_fails, result.drawn) == (
        "a.khan",
        1,
        dt.date(2026, 4, 10),
    )
