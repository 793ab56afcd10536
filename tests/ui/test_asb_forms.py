"""The risk form and the action-plan editor, driven by keyboard (pytest-qt)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog

from app.services import asb
from app.services.cases import get_case
from app.ui.asb import ActionPlanEditor, RiskAssessmentDialog
from app.ui.asb.plan_model import EditRow
from tests.ui.asb_case import REF, answers, reported_case
from tests.ui.keyboard import activate, alt, focused, press, shown, type_text

D = dt.date.fromisoformat
TODAY = D("2025-06-24")


# -- the risk form ------------------------------------------------------------------------------


def test_risk_form_by_keyboard_shows_the_tier_live_and_records_it(qtbot, ws):
    reported_case(ws)
    dialog = shown(qtbot, RiskAssessmentDialog(ws, asb.asb_view(ws, REF)))
    combos = list(dialog.answers.values())
    combos[0].setFocus()
    assert dialog.tier.text() == "No verdict yet — 9 questions still to answer"  # not "low"
    assert dialog.reasons.text() == ""
    # Threats yes, intimidation no, hate no, repeat no, vulnerable yes, health yes,
    # children yes, afraid yes, perpetrator nearby no.
    for i, letter in enumerate("YNNNYYYYN"):
        assert focused() is combos[i]
        press(qtbot, letter)
        if i == 1:  # threats yes: a floor, never a verdict
            assert dialog.tier.text() == "At least high risk so far — 7 questions still to answer"
        press(qtbot, Qt.Key.Key_Tab)
    assert dialog.tier.text() == "High risk — action within 1 WD of the report"
    assert "threats of violence" in dialog.reasons.text()
    assert "Provisional" not in dialog.reasons.text()
    alt(qtbot, Qt.Key.Key_R)
    assert dialog.result() == QDialog.DialogCode.Accepted
    view = asb.asb_view(ws, REF)
    (entry,) = view.tiers
    assert (entry.tier, entry.score) == ("high", 6 + 3 + 2 + 2 + 2)
    assert [a.answer for a in entry.answers] == [
        True,
        False,
        False,
        False,
        True,
        True,
        True,
        True,
        False,
    ]


def test_risk_form_refuses_a_tier_with_unanswered_questions(qtbot, ws):
    reported_case(ws)
    dialog = shown(qtbot, RiskAssessmentDialog(ws, asb.asb_view(ws, REF)))
    combos = list(dialog.answers.values())
    combos[0].setFocus()
    press(qtbot, "Y")
    alt(qtbot, Qt.Key.Key_R)
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert "Not answered: Serious intimidation or harassment" in dialog.error.text()
    assert combos[0].currentText() == "Yes"  # the answers given are kept
    assert asb.asb_view(ws, REF).tiers == ()


# -- the action-plan editor ---------------------------------------------------------------------


@pytest.fixture
def assessed(ws):
    reported_case(ws)
    asb.assess_risk(ws, REF, answers(ws, "serious_intimidation"))
    return asb.asb_view(ws, REF)


def texts(editor):
    return [r.text for r in editor.model.rows]


def test_plan_editor_by_keyboard(qtbot, ws, assessed):
    editor = shown(qtbot, ActionPlanEditor(ws, assessed))
    assert editor.every.value() == 10  # high risk default
    editor.table.setFocus()
    press(qtbot, Qt.Key.Key_Insert)  # a row, editing its action at once
    type_text(qtbot, "Warning letter to block B")
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Right)  # owner: a combo of officers, the resident, agencies
    press(qtbot, Qt.Key.Key_F2)
    owner = focused()
    (owner.lineEdit() if isinstance(owner, QComboBox) else owner).selectAll()
    type_text(qtbot, "Police")
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Right)  # due: a date, Up adds a day
    press(qtbot, Qt.Key.Key_F2)
    press(qtbot, Qt.Key.Key_Up)
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Right)  # notes: typing starts editing
    type_text(qtbot, "Hand delivered")
    press(qtbot, Qt.Key.Key_Return)
    (row,) = editor.model.rows
    assert row == EditRow(
        "Warning letter to block B",
        "police",
        TODAY + dt.timedelta(days=8),
        "open",
        "Hand delivered",
    )

    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # second row, below
    type_text(qtbot, "Keep a diary")
    press(qtbot, Qt.Key.Key_Return)
    assert texts(editor) == ["Warning letter to block B", "Keep a diary"]
    press(qtbot, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)  # reorder
    assert texts(editor) == ["Keep a diary", "Warning letter to block B"]
    assert editor.table.currentIndex().row() == 0
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the move
    assert texts(editor) == ["Warning letter to block B", "Keep a diary"]
    press(
        qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert texts(editor) == ["Keep a diary", "Warning letter to block B"]
    press(qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert texts(editor) == ["Warning letter to block B"]
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the removal
    assert texts(editor) == ["Keep a diary", "Warning letter to block B"]
    assert editor.model.rows[0].owner == "tester"  # new rows start with the officer

    alt(qtbot, Qt.Key.Key_G)  # agree
    assert editor.result() == QDialog.DialogCode.Accepted, editor.message.text()
    plan = asb.asb_view(ws, REF).current_plan
    assert [(a.text, a.owner, a.notes) for a in plan.actions] == [
        ("Keep a diary", "tester", ""),
        ("Warning letter to block B", "police", "Hand delivered"),
    ]
    assert (plan.number, plan.agreed_on, plan.update_every_wd) == (1, TODAY, 10)


def test_a_stale_plan_edit_keeps_the_rows_and_says_why(qtbot, ws, assessed):
    mine = shown(qtbot, ActionPlanEditor(ws, assessed))
    theirs = ActionPlanEditor(ws, assessed)  # another window, opened on the same version
    qtbot.addWidget(theirs)
    theirs.model.add_row(0, EditRow("Their action", "resident", D("2025-07-01")))
    theirs.agree_plan()
    assert theirs.result() == QDialog.DialogCode.Accepted

    activate(qtbot, mine)
    mine.table.setFocus()
    press(qtbot, Qt.Key.Key_Insert)
    type_text(qtbot, "My action")
    press(qtbot, Qt.Key.Key_Return)
    alt(qtbot, Qt.Key.Key_G)
    assert mine.isVisible()
    assert "version 1 was agreed by tester" in mine.message.text()
    assert "your rows are still in the editor" in mine.message.text()
    assert texts(mine) == ["My action"]  # nothing lost
    assert mine.rebase.isVisible()
    assert asb.asb_view(ws, REF).plan_version == 1
    alt(qtbot, Qt.Key.Key_K)  # keep my rows over version 1
    assert "Version 1 has: Their action" in mine.message.text()
    alt(qtbot, Qt.Key.Key_G)
    assert mine.result() == QDialog.DialogCode.Accepted
    view = asb.asb_view(ws, REF)
    assert [p.number for p in view.plans] == [1, 2]
    assert [a.text for a in view.current_plan.actions] == ["My action"]


def test_bad_rows_are_refused_with_the_message_and_kept(qtbot, ws, assessed):
    editor = shown(qtbot, ActionPlanEditor(ws, assessed))
    editor.model.add_row(0, EditRow("Early action", "tester", D("2025-04-01")))
    editor.model.add_row(1, EditRow("Unknown owner", "j.nobody", D("2025-07-01")))
    editor.table.setFocus()
    alt(qtbot, Qt.Key.Key_G)
    assert editor.isVisible()
    message = editor.message.text()
    assert (
        "Row 1 ('Early action'): due Tue 1 Apr 2025 is before the ASB report of Mon 7 Apr 2025"
        in message
    )
    assert "Row 2 ('Unknown owner'): owner 'j.nobody' is not an officer" in message
    assert texts(editor) == ["Early action", "Unknown owner"]
    assert get_case(ws, REF).deadlines  # the case is unchanged: still no plan
    assert asb.asb_view(ws, REF).plans == ()


def test_editor_starts_from_the_agreed_version_and_done_rows_stay_done(qtbot, ws, assessed):
    asb.agree_plan(
        ws,
        REF,
        [
            r.to_plan_row()
            for r in (
                EditRow("Letter", "tester", D("2025-06-27")),
                EditRow("Diary", "resident", D("2025-06-30")),
            )
        ],
    )
    view = asb.asb_view(ws, REF)
    asb.mark_action_done(ws, REF, view.current_plan.id, "Letter")
    editor = shown(qtbot, ActionPlanEditor(ws, asb.asb_view(ws, REF)))
    assert texts(editor) == ["Letter", "Diary"]
    done = editor.model.index(0, 3)
    assert editor.model.data(done) == "done Tue 24 Jun 2025"
    assert not editor.model.flags(done) & Qt.ItemFlag.ItemIsEditable
    assert "Editing from version 1" in editor.basis.text()
    assert "Written confirmation: not recorded yet" in editor.basis.text()
