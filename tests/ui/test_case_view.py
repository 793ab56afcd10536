"""The case view and its dialogs, driven by the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services.cases import get_case
from app.ui.case_view import CaseView
from app.ui.contact_dialog import ContactDialog
from tests.services.conftest import act_as


def test_case_view_shows_deadlines_history_and_vulnerabilities(qtbot, office):
    view = CaseView(office, "ASB-1")
    qtbot.addWidget(view)
    assert "Resident ASB-1" in view.title.text()
    assert view.vulns.text() == "No household vulnerabilities recorded."
    model = view.deadlines_filter
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == ["Call back"]
    assert model.data(model.index(0, 2)) == "due today"
    assert view.timeline.rowCount() == 1


def show_active(qtbot, widget):
    """Shortcuts (Ctrl+Return) only reach an active window."""
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=2000)


def test_log_contact_dialog_by_keyboard(qtbot, office):
    act_as(office, "a.khan")
    dialog = ContactDialog(office, get_case(office, "ASB-1"))
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    qtbot.keyClick(dialog.channel, Qt.Key.Key_Down)  # Phone -> Email
    qtbot.keyClick(dialog.channel, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.direction
    qtbot.keyClick(dialog.direction, Qt.Key.Key_Down)  # to the resident
    dialog.summary.setFocus()
    qtbot.keyClicks(dialog.summary, "Sent the diary sheets and explained next steps")
    qtbot.keyClick(dialog.summary, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.answers
    qtbot.keyClick(dialog.answers, Qt.Key.Key_Down)  # answers the inbound call
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == ContactDialog.DialogCode.Accepted
    entry = get_case(office, "ASB-1").events[0]
    assert (entry.fields["channel"], entry.fields["direction"], entry.by) == (
        "email",
        "out",
        "a.khan",
    )
    assert entry.summary == "Sent the diary sheets and explained next steps"
    assert entry.fields["answers"] == get_case(office, "ASB-1").events[1].id


def test_refused_contact_keeps_what_was_typed(qtbot, office):
    dialog = ContactDialog(office, get_case(office, "ASB-1"))
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # empty summary
    assert dialog.result() != ContactDialog.DialogCode.Accepted
    assert "summary" in dialog.error.text() and dialog.error.isVisibleTo(dialog)


def _answer_prompt(qtbot, key):
    def press():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        qtbot.keyClick(box, key, Qt.KeyboardModifier.AltModifier)

    QTimer.singleShot(50, press)


def test_dissatisfaction_prompt_offers_a_complaint_and_accepting_starts_it(qtbot, office):
    view = CaseView(office, "GEN-2")
    qtbot.addWidget(view)
    dialog = ContactDialog(office, view.case)
    dialog.summary.setPlainText("Unhappy nobody has called back")
    dialog.dissatisfied.setChecked(True)
    dialog.save()
    assert dialog.result_contact.offer_complaint
    _answer_prompt(qtbot, Qt.Key.Key_A)  # "Resident &accepted"
    view.offer_complaint(dialog.result_contact.id)
    kinds = [d.kind for d in view.case.deadlines if d.status == "open"]
    assert "complaint_ack" in kinds and "dissatisfaction_offer" not in kinds
    labels = [
        view.deadlines_filter.data(view.deadlines_filter.index(r, 0))
        for r in range(view.deadlines_filter.rowCount())
    ]
    assert "Acknowledge stage 1 complaint" in labels


def test_asking_later_leaves_the_offer_deadline_running(qtbot, office):
    view = CaseView(office, "GEN-2")
    qtbot.addWidget(view)
    dialog = ContactDialog(office, view.case)
    dialog.summary.setPlainText("Not happy")
    dialog.dissatisfied.setChecked(True)
    dialog.save()
    _answer_prompt(qtbot, Qt.Key.Key_L)  # "Ask &later"
    view.offer_complaint(dialog.result_contact.id)
    view.reload()
    assert any(
        d.kind == "dissatisfaction_offer" and d.status == "open" for d in view.case.deadlines
    )


def test_attachment_refusal_is_shown_and_nothing_is_attached(qtbot, office, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, title, text: shown.append((title, text))
    )
    view = CaseView(office, "ASB-1")
    qtbot.addWidget(view)
    big = tmp_path / "video.mp4"
    with big.open("wb") as fh:
        fh.truncate(office.registry.get().attachments_max_mb * (1 << 20) + 10)
    view.attach_file(str(big))
    assert shown == [("Attach a file", "video.mp4 is larger than the 25 MB limit for attachments.")]
    assert view.attachments.rowCount() == 0
    ok = tmp_path / "note.txt"
    ok.write_text("hello")
    view.attach_file(str(ok))
    assert view.attachments.rowCount() == 1


def test_log_contact_suggests_the_direction_or_asks_for_it(qtbot, office):
    from app.services.contacts import log_contact

    act_as(office, "a.khan")
    case = get_case(office, "ASB-1")  # the resident asked for a call back
    dialog = ContactDialog(office, case)
    qtbot.addWidget(dialog)
    assert dialog.direction.currentData() == "out"  # phone, a call back owed: to the resident
    dialog.channel.setCurrentIndex(dialog.channel.findData("portal"))
    assert dialog.direction.currentData() == "in"
    log_contact(
        office,
        "ASB-1",
        channel="phone",
        direction="out",
        summary="Called back",
        answers=case.events[0].id,
    )
    dialog = ContactDialog(office, get_case(office, "ASB-1"))
    qtbot.addWidget(dialog)
    assert dialog.direction.currentData() is None  # nothing to go on: no silent default
    dialog.summary.setPlainText("Rang about the diary sheets")
    dialog.save()
    assert dialog.result() != ContactDialog.DialogCode.Accepted
    assert dialog.error.text() == "Choose the direction: from the resident or to the resident."
    dialog.direction.setCurrentIndex(dialog.direction.findData("in"))
    dialog.save()
    assert dialog.result() == ContactDialog.DialogCode.Accepted


def test_attach_button_asks_for_the_file(qtbot, office, tmp_path, monkeypatch):
    """Pressing Attach file… asks which file (the button's checked flag is not a path)."""
    from PySide6.QtWidgets import QFileDialog

    note = tmp_path / "letter.txt"
    note.write_text("scan")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(note), ""))
    view = CaseView(office, "ASB-1")
    qtbot.addWidget(view)
    view.attach_btn.click()
    assert [a.filename for a in view.attachments.rows] == ["letter.txt"]
