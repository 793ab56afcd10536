"""File › Privacy… as a manager: export a subject access zip off the UI thread, tick and delete
expired cases after a confirmation that names how many and asks why; hidden for an officer."""

from __future__ import annotations

import datetime as dt
import zipfile

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.services.cases import create_case, record_event
from app.ui.main_window import MainWindow
from app.ui.privacy_dialog import ConfirmDelete, PrivacyDialog
from tests.services.privacy_helpers import act_as
from tests.ui.keyboard import press, shown, type_text

WAIT = 10_000


def _closed(ws, ref: str, kind: str, closed: str) -> None:
    create_case(
        ws,
        ref=ref,
        kind=kind,
        officer="a.khan",
        resident_name=f"Resident {ref}",
        opened=dt.date(2020, 1, 6),
    )
    record_event(
        ws, ref, {"type": "case_closed", "at": closed, "outcome": "resolved", "summary": "Done"}
    )


def test_manager_exports_and_deletes(qtbot, office, tmp_path, monkeypatch):
    ws = office  # the manager, p.natarajan; clock Tue 24 Jun 2025
    _closed(ws, "GEN-OLD", "general", "2022-02-01T12:00:00+00:00")
    _closed(ws, "GEN-OLD2", "general", "2022-03-01T12:00:00+00:00")
    _closed(ws, "ASB-KEEP", "asb", "2022-02-01T12:00:00+00:00")
    window = MainWindow(ws)
    qtbot.addWidget(window)
    assert window.privacy_action.isVisible()

    dialog = window.open_privacy()
    qtbot.addWidget(dialog)
    assert dialog.width() <= 1366 and dialog.height() <= 768 - 60
    qtbot.waitUntil(lambda: dialog.due_model.rowCount() == 2, timeout=WAIT)
    assert [r.ref for r in dialog.due_model.rows] == ["GEN-OLD", "GEN-OLD2"]  # not ASB-KEEP

    # Subject access, typed and exported by keyboard
    out = tmp_path / "resident.zip"
    monkeypatch.setattr(dialog, "choose_file", lambda: out)
    dialog.tabs.setCurrentIndex(0)
    dialog.activateWindow()
    dialog.subject.setFocus()
    type_text(qtbot, "resident asb-1")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.sar_status.text().startswith("Wrote"), timeout=WAIT)
    assert "ASB-1" in dialog.sar_status.text()
    with zipfile.ZipFile(out) as zf:
        assert "ASB-1/case.json" in zf.namelist()

    # Retention: tick one with Space, confirm with a reason
    dialog.tabs.setCurrentIndex(1)
    dialog.due_table.setFocus()
    dialog.due_table.setCurrentIndex(dialog.due_model.index(0, 0))
    press(qtbot, Qt.Key.Key_Space)
    assert dialog.due_model.chosen() == ["GEN-OLD"]
    assert dialog.delete_button.isEnabled() and "(1)" in dialog.delete_button.text()
    asked = []
    monkeypatch.setattr(dialog, "ask_reason", lambda refs: asked.append(refs) or "two years over")
    with qtbot.waitSignal(dialog.sig_deleted, timeout=WAIT) as deleted:
        dialog.delete_button.click()
    assert asked == [["GEN-OLD"]] and deleted.args[0].deleted == ("GEN-OLD",)
    qtbot.waitUntil(lambda: [r.ref for r in dialog.due_model.rows] == ["GEN-OLD2"], timeout=WAIT)
    assert "Deleted 1 case(s): GEN-OLD" in dialog.retention_status.text()
    dialog.reject()


def test_the_confirmation_names_the_count_and_needs_a_reason(qtbot):
    confirm = ConfirmDelete(["GEN-OLD", "GEN-OLD2"])
    shown(qtbot, confirm)
    assert "Delete 2 cases permanently (GEN-OLD, GEN-OLD2)" in confirm.message.text()
    assert not confirm.delete_button.isEnabled()
    confirm.reason.setFocus()
    type_text(qtbot, "retention over")
    assert confirm.delete_button.isEnabled()
    confirm.delete_button.click()
    assert confirm.result() == QDialog.DialogCode.Accepted


def test_hidden_for_an_officer_and_the_dialog_still_refuses(qtbot, office):
    ws = act_as(office, "a.khan")
    window = MainWindow(ws)
    qtbot.addWidget(window)
    assert not window.privacy_action.isVisible()
    dialog = PrivacyDialog(ws)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "manager" in dialog.due_label.text(), timeout=WAIT)
    assert dialog.due_model.rowCount() == 0
