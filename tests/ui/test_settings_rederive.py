"""Settings: a manager's policy change re-derives the cases' stored deadlines in a worker with
progress, and the inbox shows the moved dates (issue 10 items 5 and 7)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from app.services.cases import create_case
from app.services.inbox import count_inbox, list_inbox
from app.ui.forms import to_qdate
from app.ui.settings_dialog import SettingsDialog
from tests.services.conftest import act_as, resident_calls


def _left():
    return Qt.MouseButton.LeftButton


def test_a_closure_day_updates_the_deadlines_in_a_worker(qtbot, office):
    act_as(office, "p.natarajan")
    create_case(office, ref="NEW-9", kind="general", officer="a.khan", resident_name="R N")
    resident_calls(office, "NEW-9", "Call back please")  # now: call back by Tue 1 Jul
    dialog = SettingsDialog(office)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.progress.isVisible()
    dialog.closures.day.setDate(to_qdate(dt.date(2025, 6, 26)))
    qtbot.mouseClick(dialog.closures.add_button, _left())
    with qtbot.waitSignal(dialog.sig_deadlines_changed, timeout=20000) as done:
        qtbot.mouseClick(dialog.closures.save_button, _left())
        assert dialog.progress.isVisible() and dialog.progress_stop.isVisible()
    assert done.args[0].changed == ("NEW-9",)
    assert dialog.progress_text.text() == "Deadlines changed on 1 case (of 1 looked at)."
    assert not dialog.progress.isVisible()
    (row,) = [r for r in list_inbox(office) if r.ref == "NEW-9"]
    assert row.due == dt.date(2025, 7, 2)


def test_the_at_risk_threshold_is_set_in_the_policy_tab(qtbot, office):
    act_as(office, "p.natarajan")
    dialog = SettingsDialog(office)
    qtbot.addWidget(dialog)
    assert dialog.policy.at_risk.value() == 2
    assert count_inbox(office).at_risk == 2
    dialog.policy.at_risk.setValue(4)
    with qtbot.waitSignal(dialog.sig_deadlines_changed, timeout=20000):
        qtbot.mouseClick(dialog.policy.save_button, _left())
    assert "deadlines are at risk ≤ 4 WD" in dialog.policy.status.text()
    c = count_inbox(office)
    assert (c.at_risk, c.at_risk_words) == (3, "≤ 4 WD")
    assert office.registry.get().at_risk_wd == 4
