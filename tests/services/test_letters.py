"""Letters on a case: drafting, the checklist, the quality check, issuing through the complaint rules."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.errors import ConflictError, PermissionDenied, ValidationError
from app.letters import letters as L
from app.letters.issue import issue_letter, issued_file
from app.services import complaints as svc
from app.services.attachments import list_attachments
from app.services.cases import get_case
from app.services.complaints.reading import get_complaint
from app.store.models import Letter
from tests.services.complaint_helpers import make_manager
from tests.services.conftest import act_as
from tests.services.letter_helpers import asb_case, complaint_case, flat, pdf_text, tick_all


def _ready(ws, template, ref="CMP-7", **inputs):
    v = L.create_letter(ws, ref, template)
    if inputs:
        v = L.save_letter(ws, v.id, inputs=inputs, expected_version=v.version)
    v = tick_all(ws, v)
    return v


def test_templates_available_depend_on_where_the_complaint_stands(ws, clock):
    complaint_case(ws, clock)
    choices = {c.name: c for c in L.available_templates(ws, "CMP-7")}
    assert choices["complaint_ack_stage1"].available
    assert choices["response_stage1"].available and choices["response_stage1"].approval
    assert choices["escalation_refusal"].reason == "no escalation request is waiting for an answer"
    assert choices["asb_action_plan"].reason == "no action plan has been agreed on this case yet"
    with pytest.raises(
        ValidationError, match="cannot be written for CMP-7 now: no escalation request"
    ):
        L.create_letter(ws, "CMP-7", "complaint_ack_stage2")


def test_acknowledgement_issued_meets_the_ack_deadline_and_is_stored_with_its_hash(ws, clock):
    complaint_case(ws, clock)
    v = L.create_letter(ws, "CMP-7", "complaint_ack_stage1")
    assert not v.complete
    unticked = [i.label for i in v.checklist if not i.done]
    assert "Plain English, warm, no jargon and no blame" in unticked
    with pytest.raises(
        ValidationError, match="cannot be finalised until its checklist is complete"
    ):
        L.finalise_letter(ws, v.id, v.version)
    v = L.finalise_letter(ws, v.id, tick_all(ws, v).version)
    assert v.status == "finalised" and not v.summary.approval_required
    result = issue_letter(ws, v.id, v.version)

    case = get_case(ws, "CMP-7")
    event = next(e for e in case.events if e.id == result.event_id)
    assert event.type == "complaint_ack" and event.fields["letter"] == v.id
    ack = next(d for d in case.deadlines if d.kind == "complaint_ack")
    assert (ack.status, ack.met_by, ack.met_on) == ("met", result.event_id, dt.date(2025, 6, 3))
    response = next(d for d in case.deadlines if d.kind == "complaint_response")
    text = flat(pdf_text(issued_file(ws, v.id).read_bytes()))
    assert "Ms Jolanta Wiśniewska" in text and "Our reference: CMP-7/1" in text
    # the date the letter promised is the date the engine now holds
    assert f"by {response.due:%A} {response.due.day} {response.due:%B %Y}" in text
    assert "DRAFT" not in text
    files = list_attachments(ws, "CMP-7")
    assert [(f.filename, f.event_id, f.sha256) for f in files] == [
        ("CMP-7-1 Complaint acknowledgement (stage 1).pdf", result.event_id, result.sha256)
    ]
    summary = L.list_letters(ws, "CMP-7")[0]
    assert (summary.status, summary.event_id) == ("issued", result.event_id)
    with pytest.raises(ValidationError, match="already issued"):
        issue_letter(ws, v.id)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        L.save_letter(ws, v.id, sections={"opening": "x"})


def _response(ws, clock, **overrides):
    complaint_case(ws, clock)
    make_manager(ws, "p.natarajan")
    inputs = {
        "points": [
            {
                "point": "Repair not completed",
                "decision": "upheld",
                "reasons": "Three visits in May did not find the leak; our records show no follow-up.",
            },
            {
                "point": "Calls not returned",
                "decision": "partly_upheld",
                "reasons": "Two of your four calls were returned the same week.",
            },
        ],
        "outstanding": [{"text": "Replace the waste pipe under the bath", "due": "2025-06-20"}],
        "compensation": [
            {
                "head": "distress_inconvenience",
                "amount": "250",
                "reason": "Four weeks of water coming through the ceiling.",
            },
            {"head": "time_trouble", "amount": "50.50", "reason": "You called us four times."},
        ],
        **overrides,
    }
    return _ready(ws, "response_stage1", **inputs)


def test_response_needs_a_managers_approval_and_records_its_checklist_data(ws, clock):
    v = _response(
        ws,
        clock,
    )
    assert [i.key for i in v.checklist if not i.done] == []
    v = L.finalise_letter(ws, v.id, v.version)
    assert v.summary.status_text == "Awaiting approval"
    assert [q.id for q in L.approval_queue(ws)] == [v.id]
    with pytest.raises(ValidationError, match="needs a manager's approval"):
        issue_letter(ws, v.id)
    with pytest.raises(PermissionDenied, match="Only a manager or an admin can approve"):
        L.approve_letter(ws, v.id)
    act_as(ws, "p.natarajan")
    with pytest.raises(ValidationError, match="Say what needs changing"):
        L.return_letter(ws, v.id, "  ")
    v = L.return_letter(ws, v.id, "Say which dates the visits were.", v.version)
    assert v.status == "draft" and v.returned_comments == "Say which dates the visits were."
    act_as(ws, "tester")
    v = L.finalise_letter(ws, v.id, v.version)
    act_as(ws, "p.natarajan")
    v = L.approve_letter(ws, v.id, expected_version=v.version)
    assert [r.action for r in v.reviews] == ["finalised", "returned", "finalised", "approved"]
    with ws.db.read() as s:
        row = s.scalar(select(Letter))
        assert (row.approved_by, row.status) == ("p.natarajan", "approved")
    assert L.approval_queue(ws) == []
    act_as(ws, "tester")
    result = issue_letter(ws, v.id, v.version)

    event = next(e for e in get_case(ws, "CMP-7").events if e.id == result.event_id)
    assert event.type == "complaint_response"
    assert [p["decision"] for p in event.fields["points"]] == ["upheld", "partly_upheld"]
    assert event.fields["compensation"] == [
        {"head": "distress_inconvenience", "amount": 250},
        {"head": "time_trouble", "amount": 50.5},
    ]
    assert event.fields["apology"] is True and "0300 111 3000" in event.fields["escalation"]
    view = get_complaint(ws, "CMP-7")
    assert view.compensation.total_offered == 300.5
    assert (
        next(d for d in get_case(ws, "CMP-7").deadlines if d.kind == "complaint_response").status
        == "met"
    )
    text = flat(pdf_text(issued_file(ws, v.id).read_bytes()))
    for expected in (
        "£250",
        "£50.50",
        "£300.50",
        "Four weeks of water coming through the ceiling.",
        "Our decision: Partly upheld",
        "Replace the waste pipe under the bath — by 20 June 2025",
        "If you are not satisfied with this response you can ask us to escalate your complaint "
        "to Stage 2",
        "contact the Housing Ombudsman Service at any time",
        "PO Box 152, Liverpool, L33 7WQ; 0300 111 3000",
    ):
        assert expected in text


def test_a_response_with_an_undecided_point_or_an_unexplained_amount_cannot_be_finalised(ws, clock):
    v = _response(
        ws,
        clock,
        points=[{"point": "Repair not completed", "decision": "upheld", "reasons": ""}],
        compensation=[{"head": "costs", "amount": "80", "reason": ""}],
    )
    problems = {i.key: i.problem for i in v.checklist if not i.done}
    assert (
        "'Repair not completed' needs the reasons for the decision" in problems["response.points"]
    )
    assert "'Calls not returned' has no decision" in problems["response.points"]
    assert problems["money"] == "costs has no reason"
    with pytest.raises(ValidationError, match="needs the reasons"):
        L.finalise_letter(ws, v.id, v.version)


def test_an_upheld_point_needs_the_apology_section(ws, clock):
    v = _response(ws, clock)
    v = L.save_letter(ws, v.id, sections={"apology": ""}, expected_version=v.version)
    item = next(i for i in v.checklist if i.key == "response.apology")
    assert not item.done and item.problem == "a point is upheld: the response must apologise"


def test_typed_markup_prints_literally(ws, clock):
    complaint_case(ws, clock)
    v = L.create_letter(ws, "CMP-7", "apology")
    v = L.save_letter(
        ws,
        v.id,
        sections={
            "what_went_wrong": '- We sent <b>Smith & Sons</b> without telling you.\n- We said "soon" & meant <i>never</i>',
            "impact": "It left you <font size=40>worried</font>.",
            "putting_right": "We will call on 1 July.",
        },
        expected_version=v.version,
    )
    text = flat(pdf_text(v.pdf()))
    assert "We sent <b>Smith & Sons</b> without telling you." in text
    assert 'We said "soon" & meant <i>never</i>' in text
    assert "It left you <font size=40>worried</font>." in text


def test_missing_and_unknown_fields_are_all_reported_and_block_the_final_letter(ws, clock):
    complaint_case(ws, clock, address=None)
    v = L.create_letter(ws, "CMP-7", "complaint_ack_stage1")
    v = L.save_letter(
        ws,
        v.id,
        sections={"support": "Call {org.fax} or {officer.name}."},
        expected_version=v.version,
    )
    assert v.problems == (
        "address: {resident.address} is missing (the resident has no postal address recorded)",
        "If you need anything from us: {org.fax} is not a merge field",
    )
    # The draft renders anyway, each gap a visible placeholder where it is ...
    text = v.text()
    assert "[TO FILL: the resident has no postal address recorded]" in text
    assert "Call [TO FILL: {org.fax} is not a merge field] or" in text
    assert v.pdf()[:5] == b"%PDF-"
    # ... but the final letter is never produced with a gap, and finalising is refused.
    with pytest.raises(
        ValueError, match="cannot be produced: address: .resident.address. is missing"
    ):
        v.pdf(draft=False)
    with pytest.raises(ValidationError, match="Every merge field has a value"):
        L.finalise_letter(ws, tick_all(ws, v).id)


def test_extension_letter_moves_the_response_date_within_the_maximum(ws, clock):
    complaint_case(ws, clock)
    svc.acknowledge(ws, "CMP-7", at=dt.date(2025, 6, 3))
    clock.set("2025-06-12T09:00:00+00:00")
    v = _ready(
        ws,
        "extension_notice",
        **{
            "extension.new_due": "2025-08-29",
            "extension.reason": "We are waiting for the plumber's report.",
        },
    )
    item = next(i for i in v.checklist if i.key == "window")
    assert item.problem == "the latest date the policy allows is Tue 1 Jul 2025"
    v = L.save_letter(
        ws, v.id, inputs={"extension.new_due": "2025-06-27"}, expected_version=v.version
    )
    v = L.finalise_letter(ws, v.id, v.version)
    issue_letter(ws, v.id, v.version)
    response = next(d for d in get_case(ws, "CMP-7").deadlines if d.kind == "complaint_response")
    assert response.due == dt.date(2025, 6, 27)
    text = flat(pdf_text(issued_file(ws, v.id).read_bytes()))
    assert "by Friday 27 June 2025" in text and "We are waiting for the plumber's report." in text
    assert "0300 111 3000" in text


def test_refusing_an_escalation_answers_it_in_writing(ws, clock):
    complaint_case(ws, clock)
    svc.acknowledge(ws, "CMP-7", at=dt.date(2025, 6, 3))
    clock.set("2025-06-13T09:00:00+00:00")
    svc.respond(ws, "CMP-7", at=dt.date(2025, 6, 10), by="r.morgan", draft=_complete_draft())
    svc.request_escalation(
        ws, "CMP-7", at=dt.date(2025, 6, 12), summary="I want the £80 I spent on buckets back"
    )
    v = _ready(
        ws,
        "escalation_refusal",
        **{"refusal.reason": "The buckets are a new complaint; we logged it."},
    )
    text = flat(pdf_text(v.pdf()))
    assert "I want the £80 I spent on buckets back" in text and "12 June 2025" in text
    v = L.finalise_letter(ws, v.id, v.version)
    result = issue_letter(ws, v.id, v.version)
    case = get_case(ws, "CMP-7")
    assert next(e for e in case.events if e.id == result.event_id).type == "escalation_refused"
    assert next(d for d in case.deadlines if d.kind == "escalation_ack").met_by == result.event_id


def _complete_draft():
    from tests.services.complaint_helpers import draft

    return draft(
        points=(
            ("Repair not completed", "upheld", "No follow-up"),
            ("Calls not returned", "not_upheld", "Calls were returned"),
        )
    )


@pytest.mark.parametrize(
    "template", ["asb_acknowledgement", "asb_action_plan", "asb_home_visit", "case_closure"]
)
def test_asb_letters_are_contacts_by_letter_that_meet_the_update_schedule(ws, clock, template):
    from app.services.cases import record_event

    asb_case(ws, clock)
    if template == "case_closure":
        record_event(
            ws,
            "ASB-9",
            {
                "type": "case_closed",
                "at": "2025-06-20T09:00:00+01:00",
                "outcome": "Visitors banned by the neighbour's landlord; no incidents since",
            },
        )
    extra = (
        {"visit.when": "Tuesday 24 June 2025 at 10am, at your home"}
        if template == "asb_home_visit"
        # the assessment was due 17 June: the acknowledgement promises the date agreed instead
        else {"promise.agreed": "2025-06-23"}
        if template == "asb_acknowledgement"
        else {}
    )
    v = _ready(ws, template, ref="ASB-9", **extra)
    assert v.large_print  # the resident is partially sighted
    v = L.finalise_letter(ws, v.id, v.version)
    result = issue_letter(ws, v.id, v.version)
    case = get_case(ws, "ASB-9")
    e = next(x for x in case.events if x.id == result.event_id)
    assert (
        e.type,
        e.fields["channel"],
        e.fields["direction"],
        e.fields["template"],
        e.fields["letter"],
    ) == ("contact", "letter", "out", template, v.id)
    if template != "case_closure":
        gap = next(
            d for d in case.deadlines if d.kind == "update_contact" and d.met_by == result.event_id
        )
        assert gap.status == "met"
    text = flat(pdf_text(issued_file(ws, v.id).read_bytes()))
    assert "Mr Tomasz Nowak" in text
    expected = {
        "asb_acknowledgement": "Neighbour's visitors shout threats at him on the stairs most nights",
        "asb_action_plan": "Fit a door viewer",
        "asb_home_visit": "Tuesday 24 June 2025 at 10am, at your home",
        "case_closure": "Visitors banned by the neighbour's landlord; no incidents since",
    }[template]
    assert expected in text


def test_a_failed_issue_leaves_no_event_no_attachment_and_deletes_its_file(ws, clock):
    complaint_case(ws, clock)
    v = L.finalise_letter(
        ws,
        *(lambda x: (x.id, x.version))(
            tick_all(ws, L.create_letter(ws, "CMP-7", "complaint_ack_stage1"))
        ),
    )
    svc.acknowledge(
        ws, "CMP-7", at=dt.date(2025, 6, 3)
    )  # someone acknowledged it another way meanwhile
    before = len(get_case(ws, "CMP-7").events)
    with pytest.raises(ValidationError, match="already been acknowledged"):
        issue_letter(ws, v.id, v.version)
    assert len(get_case(ws, "CMP-7").events) == before
    assert list_attachments(ws, "CMP-7") == []
    assert L.get_letter(ws, v.id).status == "finalised"
    store = ws.db.path.parent / "attachments"
    assert not store.exists() or [p for p in store.rglob("*") if p.is_file()] == []


def test_a_stale_edit_is_refused(ws, clock):
    complaint_case(ws, clock)
    v = L.create_letter(ws, "CMP-7", "complaint_ack_stage1")
    L.save_letter(
        ws,
        v.id,
        sections={"opening": "Dear {resident.name},\n\nThank you."},
        expected_version=v.version,
    )
    with pytest.raises(ConflictError, match="changed by tester since you opened it"):
        L.save_letter(ws, v.id, sections={"opening": "Mine"}, expected_version=v.version)
    assert L.get_letter(ws, v.id).sections["opening"].endswith("Thank you.")


def test_one_open_letter_per_template_and_discarding_keeps_it_listed(ws, clock):
    complaint_case(ws, clock)
    v = L.create_letter(ws, "CMP-7", "apology")
    with pytest.raises(ValidationError, match="already has a apology|already has an? apology"):
        L.create_letter(ws, "CMP-7", "apology")
    L.discard_letter(ws, v.id, v.version)
    again = L.create_letter(ws, "CMP-7", "apology")
    assert [(x.number, x.status) for x in L.list_letters(ws, "CMP-7")] == [
        (2, "draft"),
        (1, "discarded"),
    ]
    assert again.context.reference == "CMP-7/2"


def test_batch_candidates_and_cancelling_between_letters(ws, clock, tmp_path):
    from app.letters.batch import candidates, generate

    for ref in ("CMP-1", "CMP-2", "CMP-3"):
        complaint_case(ws, clock, ref=ref)
    svc.acknowledge(ws, "CMP-2", at=dt.date(2025, 6, 3))
    assert [c.ref for c in candidates(ws, "complaint_ack_stage1")] == ["CMP-1", "CMP-3"]
    calls = []
    done = generate(
        ws,
        "complaint_ack_stage1",
        ["CMP-1", "CMP-3"],
        tmp_path,
        progress=lambda n, total, item: calls.append((n, total, item.ref)),
        cancelled=lambda: len(calls) >= 1,
    )
    assert [i.ref for i in done] == ["CMP-1"] and calls == [(1, 2, "CMP-1")]
    assert "DRAFT" in pdf_text(done[0].path.read_bytes())
    assert [c.draft is not None for c in candidates(ws, "complaint_ack_stage1")] == [True, False]
    again = generate(ws, "complaint_ack_stage1", ["CMP-1"], tmp_path)
    assert again[0].letter_id == done[0].letter_id  # the open draft is reused, not duplicated


def test_organisation_and_approval_settings_are_a_managers(ws, clock):
    from app.letters.document import Organisation
    from app.letters.organisation import (
        approval_required,
        get_organisation,
        save_approval_policy,
        save_organisation,
    )

    complaint_case(ws, clock)
    org = Organisation(
        "Fernhill Housing Trust",
        ("1 Mill Lane", "Leeds LS1 1AA"),
        "0113 496 0000",
        "help@fernhill.example.org",
        "fernhill.example.org",
    )
    with pytest.raises(PermissionDenied):
        save_organisation(ws, org)
    make_manager(ws, "tester")
    with pytest.raises(ValidationError, match="not an email address"):
        save_organisation(ws, Organisation("X", ("1 Lane",), "", "nope", ""))
    save_organisation(ws, org)
    assert get_organisation(ws).name == "Fernhill Housing Trust"
    text = flat(pdf_text(L.create_letter(ws, "CMP-7", "complaint_ack_stage1").pdf()))
    assert "Fernhill Housing Trust" in text and "0113 496 0000" in text and "Larkspur" not in text
    save_approval_policy(ws, {"complaint_ack_stage1": True})
    assert approval_required(ws, "complaint_ack_stage1") and approval_required(
        ws, "response_stage1"
    )


def test_a_stage_2_letter_names_the_assigned_reviewer_never_a_default(ws, clock):
    complaint_case(ws, clock)
    svc.acknowledge(ws, "CMP-7", at=dt.date(2025, 6, 3))
    clock.set("2025-06-13T09:00:00+00:00")
    svc.respond(ws, "CMP-7", at=dt.date(2025, 6, 10), by="r.morgan", draft=_complete_draft())
    svc.request_escalation(ws, "CMP-7", at=dt.date(2025, 6, 12), summary="Still leaking")
    v = L.create_letter(ws, "CMP-7", "complaint_ack_stage2")
    assert v.problems == (
        "What happens next: {complaint.handler} is missing (nobody is assigned to stage 2: a "
        "manager assigns a handler who did not decide an earlier stage)",
    )
    make_manager(ws, "tester")
    svc.assign_handler(ws, "CMP-7", handler="p.natarajan", reason="Stage 2 review")
    text = flat(pdf_text(L.get_letter(ws, v.id).pdf()))
    assert (
        "p.natarajan, who was not involved in the first response, will review your complaint"
        in text
    )


def test_every_step_is_stamped_with_the_workspace_clock(ws, clock):
    complaint_case(ws, clock)
    v = tick_all(ws, L.create_letter(ws, "CMP-7", "complaint_ack_stage1"))
    v = L.finalise_letter(ws, v.id, v.version)  # same instant as the save before it
    assert v.summary.updated_at == clock.now
    issue_letter(ws, v.id, v.version)
    with ws.db.read() as s:
        row = s.scalar(select(Letter))
        assert row.updated_at == row.issued_at == clock.now
