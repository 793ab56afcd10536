"""The Letters tab, the editor and the approval queue, driven by keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit
from sqlalchemy import select

from app.letters import letters as L
from app.letters.issue import issued_file
from app.services.cases import get_case
from app.store.models import Officer
from app.ui.letters import LettersPanel
from app.ui.letters.batch import BatchDialog
from app.ui.letters.editor import LetterEditor
from app.ui.letters.organisation_dialog import OrganisationDialog
from app.ui.letters.queue import ApprovalQueueDialog
from tests.services.complaint_helpers import make_manager
from tests.services.conftest import act_as
from tests.services.letter_helpers import complaint_case, flat, pdf_text


@pytest.fixture
def case(ws, clock):
    complaint_case(ws, clock)
    return get_case(ws, "CMP-7")


@pytest.fixture
def panel(qtbot, ws, case):
    p = LettersPanel(ws)
    qtbot.addWidget(p)
    p.resize(1000, 500)
    p.show()
    p.load(case)
    return p


def settle(qtbot, editor: LetterEditor) -> None:
    editor.refresh()
    editor.preview.wait(10000)
    qtbot.waitUntil(
        lambda: bool(editor.preview.pages) or editor.preview.message.isVisible(), timeout=10000
    )


def press(qtbot, button) -> None:
    """Tab to a button and press Space (the offscreen platform has no Alt mnemonics)."""
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)


def tick_by_keyboard(qtbot, editor: LetterEditor) -> None:
    view = editor.checklist_view
    view.setFocus()
    for row, item in enumerate(editor.checklist.items):
        if not item.auto and not item.done:
            view.setCurrentIndex(editor.checklist.index(row, 0))
            qtbot.keyClick(view, Qt.Key.Key_Space)


def test_new_letter_by_keyboard_then_finalise_and_issue(qtbot, panel, ws):
    panel.new_button.setFocus()
    qtbot.keyClick(panel.new_button, Qt.Key.Key_Space)
    picker = panel.picker
    assert picker.isVisible() and picker.chosen().name == "complaint_ack_stage1"
    qtbot.keyClick(picker.table, Qt.Key.Key_Down)  # stage 2: not possible now, and it says why
    qtbot.keyClick(picker.table, Qt.Key.Key_Return)
    assert "cannot be written now: no escalation request" in picker.error.text()
    qtbot.keyClick(picker.table, Qt.Key.Key_Up)
    qtbot.keyClick(picker.table, Qt.Key.Key_Return)
    editor = panel.editor
    assert editor is not None and editor.isVisible()
    assert [panel.model.row(0).title, panel.model.row(0).status_text] == [
        "Complaint acknowledgement (stage 1)",
        "Draft",
    ]

    # edit a section by keyboard: pick it in the list, Enter goes to its text
    qtbot.keyClick(editor.sections_view, Qt.Key.Key_Down)
    assert editor.section_title.text() == "What you have told us"
    assert "Summarise the complaint" in editor.guidance.toPlainText()
    qtbot.keyClick(editor.sections_view, Qt.Key.Key_Return)
    assert editor.focusWidget() is editor.text
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClick(editor.text, Qt.Key.Key_Return)
    qtbot.keyClick(editor.text, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.text, "> You said: <b>Smith & Sons</b> never came back.")
    settle(qtbot, editor)
    assert not editor.finalise_button.isEnabled()
    tick_by_keyboard(qtbot, editor)
    settle(qtbot, editor)
    assert editor.finalise_button.isEnabled()
    press(qtbot, editor.finalise_button)
    assert editor.view.status == "finalised" and editor.issue_button.isEnabled(), (
        editor.error.text()
    )

    def confirm():
        box = QApplication.activeModalWidget()
        qtbot.keyClick(box, Qt.Key.Key_Y, Qt.KeyboardModifier.AltModifier)

    QTimer.singleShot(200, confirm)
    press(qtbot, editor.issue_button)
    assert editor.view.status == "issued", editor.error.text()
    assert "stored on the case" in editor.banner.text()
    text = flat(pdf_text(issued_file(ws, editor.view.id).read_bytes()))
    assert "You said: <b>Smith & Sons</b> never came back." in text
    assert panel.model.row(0).status_text.startswith("Issued")
    ack = next(d for d in get_case(ws, "CMP-7").deadlines if d.kind == "complaint_ack")
    assert ack.status == "met"


def test_a_gap_is_drawn_as_a_placeholder_listed_and_blocks_finalising(qtbot, panel, ws):
    editor = panel.create("complaint_ack_stage1")
    editor.text.setFocus()
    qtbot.keyClicks(editor.text, " {org.fax}")
    settle(qtbot, editor)
    qtbot.waitUntil(lambda: bool(editor.preview.pages), timeout=10000)  # the draft is drawn
    assert "{org.fax} is not a merge field" in editor.preview.message.text()
    assert "[TO FILL: {org.fax} is not a merge field]" in editor.refresh().text()
    assert "{org.fax} is not a merge field" in editor.problems.text()
    assert not editor.finalise_button.isEnabled()


def test_response_details_and_approval_queue(qtbot, panel, ws):
    make_manager(ws, "p.natarajan")
    editor = panel.create("response_stage1")
    editor.middle.setCurrentIndex(1)
    points = editor.details.tables["points"]
    model = editor.details.models["points"]
    model.setData(model.index(0, 1), "upheld")
    points.setCurrentIndex(model.index(0, 2))
    points.setFocus()
    qtbot.keyClick(points, Qt.Key.Key_F2)  # edit the reasons cell by keyboard
    cell = [e for e in points.viewport().findChildren(QLineEdit) if e.isVisible()][-1]
    qtbot.keyClicks(cell, "No follow-up after the third visit.")
    qtbot.keyClick(cell, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: model.values()[0]["reasons"] != ""
    )  # the delegate commits on a queued call
    model.setData(model.index(1, 1), "not_upheld")
    model.setData(model.index(1, 2), "Both calls were returned the same day.")
    assert [r["reasons"] for r in model.values()] == [
        "No follow-up after the third visit.",
        "Both calls were returned the same day.",
    ]
    settle(qtbot, editor)
    tick_by_keyboard(qtbot, editor)
    settle(qtbot, editor)
    assert [i.label for i in editor.checklist.items if not i.done] == []
    editor.finalise()
    assert (
        editor.view.summary.status_text == "Awaiting approval"
        and not editor.issue_button.isEnabled()
    )
    editor.close()

    act_as(ws, "p.natarajan")
    queue = ApprovalQueueDialog(ws)
    qtbot.addWidget(queue)
    queue.show()
    assert queue.model.rowCount() == 1 and "1 letter waiting" in queue.caption.text()
    qtbot.keyClick(queue.table, Qt.Key.Key_Return)
    review = queue.editor
    assert review.approve_button.isVisible() and review.text.isReadOnly()
    review.return_letter("Say what the plumber found.")
    assert review.view.status == "draft" and "Say what the plumber found." in review.banner.text()
    review.close()
    assert queue.model.rowCount() == 0


def test_batch_makes_drafts_in_a_worker_thread(qtbot, ws, clock, tmp_path):
    complaint_case(ws, clock, ref="CMP-8")
    complaint_case(ws, clock, ref="CMP-9")
    dialog = BatchDialog(ws, folder=tmp_path / "out")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.template.currentData() == "complaint_ack_stage1"
    assert [dialog.model.rows[i].ref for i in range(dialog.model.rowCount())] == ["CMP-8", "CMP-9"]
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(1, 0))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)  # untick CMP-9
    press(qtbot, dialog.start_button)
    qtbot.waitUntil(lambda: not dialog.running, timeout=20000)
    assert [i.ref for i in dialog.results] == ["CMP-8"] and dialog.results[0].path.exists()
    assert dialog.status.text().startswith(
        "1 of 1 draft saved (1 ready to check, 0 with details to fill) in"
    )
    assert dialog.report.toPlainText() == "CMP-8: draft saved, ready to check"
    assert [x.status for x in L.list_letters(ws, "CMP-8")] == ["draft"]
    assert L.list_letters(ws, "CMP-9") == []


def test_batch_says_per_case_what_is_missing_instead_of_nothing_saved(qtbot, ws, clock, tmp_path):
    complaint_case(ws, clock, ref="CMP-8")
    complaint_case(ws, clock, ref="CMP-9", address=None)
    dialog = BatchDialog(ws, folder=tmp_path / "out")
    qtbot.addWidget(dialog)
    dialog.show()
    press(qtbot, dialog.start_button)
    qtbot.waitUntil(lambda: not dialog.running, timeout=20000)
    assert all(i.path is not None and i.path.exists() for i in dialog.results)
    assert dialog.status.text().startswith(
        "2 of 2 drafts saved (1 ready to check, 1 with details to fill) in"
    )
    lines = dialog.report.toPlainText().splitlines()
    assert dialog.report.isVisible() and lines[0] == "CMP-8: draft saved, ready to check"
    assert lines[1].startswith(
        "CMP-9: draft saved; to fill: address: {resident.address} is missing"
    )


def test_organisation_details_head_the_next_letter(qtbot, ws, case):
    make_manager(ws, "tester")
    dialog = OrganisationDialog(ws)
    qtbot.addWidget(dialog)
    dialog.show()
    name = dialog.fields["name"]
    name.selectAll()
    qtbot.keyClicks(name, "Fernhill Housing Trust")
    qtbot.keyClick(dialog.ok, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    v = L.create_letter(ws, "CMP-7", "complaint_ack_stage1")
    assert "Fernhill Housing Trust" in flat(pdf_text(v.pdf()))


def test_an_officer_cannot_change_the_organisation(qtbot, ws, case):
    dialog = OrganisationDialog(ws)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert "Only a manager or an admin can change the organisation's details" in dialog.error.text()


def test_a_managers_own_letter_is_not_offered_to_her_for_approval(qtbot, ws, clock):
    from tests.services.test_letters import _response

    make_manager(ws, "p.natarajan")
    make_manager(ws, "m.lee")
    with ws.db.write() as s:
        for o in s.scalars(select(Officer)):
            o.name = {"p.natarajan": "Priya Natarajan", "m.lee": "Morgan Lee"}.get(
                o.username, o.name
            )
    act_as(ws, "p.natarajan")
    v = L.finalise_letter(ws, _response(ws, clock).id)
    queue = ApprovalQueueDialog(ws)
    qtbot.addWidget(queue)
    queue.show()
    assert queue.model.rowCount() == 0
    assert "1 letter you wrote or finalised waits for another manager's approval" in (
        queue.caption.text()
    )
    editor = LetterEditor(ws, v.id)
    qtbot.addWidget(editor)
    editor.show()
    assert not editor.approve_button.isVisible() and not editor.return_button.isVisible()
    assert "another manager approves it: Morgan Lee." in editor.banner.text()
