"""Letters can always be started: gaps are placeholders in a draft and block only finalising;
promised dates are never past; batch letters say per case what is missing; a manager's own
letter goes to another approver (issue 13 item 5)."""

from __future__ import annotations

import pytest

from app.errors import PermissionDenied, ValidationError
from app.letters import letters as L
from app.letters.batch import generate, report
from app.store.models import Officer
from tests.services.conftest import act_as
from tests.services.letter_helpers import asb_case, complaint_case, flat, pdf_text, tick_all


def test_a_draft_without_points_opens_with_the_gap_shown_and_listed(ws, clock):
    complaint_case(ws, clock)
    v = L.create_letter(ws, "CMP-7", "response_stage1")
    v = L.save_letter(ws, v.id, inputs={"points": []}, expected_version=v.version)
    gap = "no points of complaint are entered"
    assert any(gap in p for p in v.problems)
    fields = next(i for i in v.checklist if i.key == "fields")
    assert not fields.done and gap in fields.problem
    text = flat(pdf_text(v.pdf()))  # the draft renders: no exception, the gap printed in place
    assert "[TO FILL: no points of complaint are entered" in text
    with pytest.raises(ValidationError, match="no points of complaint are entered"):
        L.finalise_letter(ws, tick_all(ws, v).id)


def test_a_promised_date_already_past_is_a_gap_until_a_date_is_agreed(ws, clock):
    asb_case(ws, clock)  # reported Mon 16 June; the assessment was due Tue 17 June; today 20 June
    v = L.create_letter(ws, "ASB-9", "asb_acknowledgement")
    [problem] = [p for p in v.problems if "asb.assess_by" in p]
    assert "works out to Tuesday 17 June 2025, which is before the letter's date" in problem
    text = v.text()
    assert "17 June 2025" not in text
    assert "contact you by [TO FILL: the date the risk assessment is due]" in flat(text)
    v = L.save_letter(ws, v.id, inputs={"promise.agreed": "2025-06-19"}, expected_version=v.version)
    assert any("asb.assess_by" in p for p in v.problems)  # an agreed date in the past: still a gap
    v = L.save_letter(ws, v.id, inputs={"promise.agreed": "2025-06-24"}, expected_version=v.version)
    assert not any("asb.assess_by" in p for p in v.problems)
    assert "contact you by Tuesday 24 June 2025" in flat(v.text())


def test_a_date_still_ahead_is_promised_as_worked_out(ws, clock):
    asb_case(ws, clock)
    clock.set("2025-06-16T12:00:00+00:00")  # the day of the report: the due date is ahead
    v = L.create_letter(ws, "ASB-9", "asb_acknowledgement")
    assert not any("asb.assess_by" in p for p in v.problems)
    assert "contact you by Tuesday 17 June 2025" in flat(v.text())


def test_batch_reports_per_case_what_each_draft_still_needs(ws, clock, tmp_path):
    complaint_case(ws, clock, ref="CMP-7")
    complaint_case(ws, clock, ref="CMP-8", address=None)
    items = generate(ws, "extension_notice", ["CMP-7", "CMP-8", "NOPE-1"], tmp_path)
    made = [i for i in items if i.path is not None]
    assert [i.ref for i in made] == ["CMP-7", "CMP-8"] and all(i.path.exists() for i in made)
    assert all(any("extension.new_due" in g for g in i.gaps) for i in made)
    assert any("resident.address" in g for g in made[1].gaps)
    assert not any("resident.address" in g for g in made[0].gaps)
    text = report(items, 3)
    head, *lines = text.splitlines()
    assert head == "2 of 3 drafts saved (0 ready to check, 2 with details to fill); 1 not made."
    assert lines[0].startswith("CMP-7: draft saved; to fill: ")
    assert "{resident.address} is missing" in lines[1]
    assert lines[2].startswith("NOPE-1: not made — There is no case 'NOPE-1'")


def test_a_managers_own_letter_goes_to_another_approver(ws, clock):
    from tests.services.test_letters import _response

    with ws.db.write() as s:
        s.add(Officer(username="p.natarajan", name="Priya Natarajan", role="manager"))
        s.add(Officer(username="m.lee", name="Morgan Lee", role="admin"))
    act_as(ws, "p.natarajan")
    v = L.finalise_letter(ws, _response(ws, clock).id)  # she wrote and finalised it
    assert v.summary.status_text == "Awaiting approval"
    assert L.approval_queue(ws) == []  # never offered her own letter ...
    [own] = L.approval_queue(ws, own=True)  # ... it waits for someone else
    assert L.other_approvers(ws, own) == ["Morgan Lee"]
    with pytest.raises(PermissionDenied, match="another manager must approve it"):
        L.approve_letter(ws, v.id)
    act_as(ws, "m.lee")
    assert [q.id for q in L.approval_queue(ws)] == [v.id]
    assert L.approval_queue(ws, own=True) == []
    assert L.approve_letter(ws, v.id).status == "approved"
