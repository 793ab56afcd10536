"""Complaint services: each action's rules enforced in the service, bad input refused whole."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services import complaints as svc
from app.services.cases import get_case
from app.services.complaints.compensation import (
    CalculatorInput,
    record_compensation_decision,
    record_compensation_paid,
    suggest_compensation,
)
from app.services.complaints.ombudsman import order_due, record_compliance, record_order
from app.services.complaints.reading import get_complaint, list_complaints
from app.services.inbox import list_inbox
from app.store.models import AuditLog, CaseEvent, Setting
from tests.services.complaint_helpers import D, at, contact, draft, make_manager, seed_case
from tests.services.conftest import act_as

REF = "CMP-1"


@pytest.fixture
def case(ws):
    seed_case(ws, ref=REF, opened="2025-06-02", kind="complaint")
    return REF


def received(ws, **fields):
    fields.setdefault("at", at("2025-06-02T10:00:00+01:00"))
    fields.setdefault("channel", "email")
    fields.setdefault("summary", "No call back for three weeks")
    return svc.receive_complaint(ws, REF, **fields)


def count_events(ws) -> int:
    with ws.db.read() as s:
        return s.scalar(select(func.count(CaseEvent.id)))


def stage_1_done(ws):
    received(ws)
    svc.acknowledge(ws, REF, by="s.hughes", at=at("2025-06-04T10:00:00+01:00"))
    return svc.respond(ws, REF, by="s.hughes", at=at("2025-06-18T10:00:00+01:00"), draft=draft())


# -- countdowns in the case view and the inbox ---------------------------------------------------------------


def test_receipt_starts_the_ack_countdown_in_the_inbox_and_the_case_view(ws, case, clock):
    clock.set("2025-06-03T09:00:00+00:00")
    cid = received(ws)
    view = get_complaint(ws, REF)
    assert view.id == cid and (view.stage, view.stage_label, view.status) == (1, "Stage 1", "open")
    nxt = view.next_action
    assert (nxt.action, nxt.due, nxt.wd_left, nxt.countdown) == (
        "acknowledge",
        D("2025-06-09"),
        4,
        "4 WD left",
    )
    (row,) = list_inbox(ws)
    assert (row.ref, row.next_label, row.due, row.wd_left) == (
        REF,
        "Acknowledge stage 1 complaint",
        D("2025-06-09"),
        4,
    )
    deadline = next(d for d in get_case(ws, REF).deadlines if d.kind == "complaint_ack")
    assert deadline.wd_left == 4


def test_ack_moves_the_countdown_to_the_response(ws, case, clock):
    clock.set("2025-06-05T09:00:00+00:00")
    received(ws)
    svc.acknowledge(ws, REF, by="s.hughes", at=at("2025-06-04T10:00:00+01:00"))
    nxt = get_complaint(ws, REF).next_action
    assert (nxt.action, nxt.due, nxt.wd_left) == ("respond", D("2025-06-18"), 9)
    assert "extend" in get_complaint(ws, REF).allowed


def test_several_complaints_on_one_case(ws, case):
    first = received(ws)
    second = received(ws, at=at("2025-06-03T10:00:00+01:00"), summary="Repair not done")
    svc.acknowledge(ws, REF, first, by="s.hughes", at=at("2025-06-04T10:00:00+01:00"))
    views = list_complaints(ws, REF)
    assert [v.id for v in views] == [first, second]
    assert views[0].stages[0].steps[1].state == "done"
    assert views[1].next_action.action == "acknowledge"
    with pytest.raises(NotFound):
        get_complaint(ws, REF, "nope")


# -- receipt ---------------------------------------------------------------------------------------------------


def test_twelve_month_rule_asks_for_a_reason_or_the_refusal(ws, case):
    with pytest.raises(ValidationError, match="more than 12 months"):
        received(ws, matter_date=D("2024-05-01"))
    assert count_events(ws) == 0
    cid = received(ws, matter_date=D("2024-05-01"), late_reason="The repair is still outstanding")
    view = get_complaint(ws, REF, cid)
    assert (view.matter_date, view.late_reason) == (
        D("2024-05-01"),
        "The repair is still outstanding",
    )


def test_old_matter_refused_in_writing(ws, case):
    received(
        ws, summary="Noise in 2022", matter_date=D("2022-03-01"), late_reason="Logged, to refuse"
    )
    svc.refuse_complaint(
        ws,
        REF,
        reason="The matter is over 12 months old",
        by="s.hughes",
        at=at("2025-06-03T10:00:00+01:00"),
    )
    view = get_complaint(ws, REF)
    assert view.stages[0].steps[1].label == "Refused" and view.stages[0].steps[1].state == "done"
    assert view.next_action.action == "close"
    refusal = next(h for h in view.history if h.what == "Complaint refused")
    assert "Housing Ombudsman Service" in refusal.summary and "0300 111 3000" in refusal.summary


def test_offer_from_the_dissatisfaction_prompt_is_one_transaction(ws, case):
    cid = contact(
        ws,
        "2025-06-02T09:00:00+01:00",
        "resident",
        "Unhappy nobody called back",
        ref=REF,
        direction="in",
        dissatisfaction=True,
    )
    assert svc.pending_offers(ws, REF) == [cid]
    # An accepted offer with a bad receipt saves neither the offer nor the receipt.
    with pytest.raises(PermissionDenied):
        svc.offer_complaint(ws, REF, cid, accepted=True, about_officer="a.b", handler="a.b")
    assert count_events(ws) == 1 and svc.pending_offers(ws, REF) == [cid]
    offered, complaint = svc.offer_complaint(
        ws, REF, cid, accepted=True, at=at("2025-06-02T09:30:00+01:00")
    )
    assert svc.pending_offers(ws, REF) == []
    view = get_complaint(ws, REF)
    assert (
        view.id == complaint
        and view.channel == "phone"
        and view.summary == "Unhappy nobody called back"
    )


def test_declined_offer_answers_the_prompt(ws, case):
    cid = contact(
        ws,
        "2025-06-02T09:00:00+01:00",
        "resident",
        "Fed up",
        ref=REF,
        direction="in",
        dissatisfaction=True,
    )
    (offer,) = svc.offer_complaint(ws, REF, cid, accepted=False, at=at("2025-06-02T09:30:00+01:00"))
    assert svc.pending_offers(ws, REF) == []
    assert list_complaints(ws, REF) == []
    with pytest.raises(ValidationError, match="not a contact"):
        received(ws)
        svc.offer_complaint(ws, REF, offer, accepted=False)


def test_bad_receipts(ws, case):
    with pytest.raises(ValidationError, match="Channel"):
        received(ws, channel="pigeon")
    with pytest.raises(ValidationError, match="summary is empty"):
        received(ws, summary=" ")
    with pytest.raises(ValidationError, match="future"):
        received(ws, at=dt.datetime(2031, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(ValidationError, match="same text"):
        received(ws, points=["Noise", "Noise "])
    with pytest.raises(NotFound):
        svc.receive_complaint(ws, "NOPE", channel="email", summary="x")
    assert count_events(ws) == 0


# -- conflict of interest ---------------------------------------------------------------------------------------


def test_officer_complained_about_cannot_act_on_it(ws, case):
    received(ws, about_officer="r.price")
    with pytest.raises(PermissionDenied, match=r"about r\.price.*conflict of interest"):
        svc.acknowledge(ws, REF, by="r.price")
    svc.acknowledge(ws, REF, by="s.hughes", at=at("2025-06-04T10:00:00+01:00"))
    with pytest.raises(PermissionDenied, match="cannot decide"):
        svc.respond(ws, REF, by="r.price", draft=draft())
    with pytest.raises(PermissionDenied):
        svc.agree_extension(
            ws,
            REF,
            by="r.price",
            new_due=D("2025-06-25"),
            reason="x",
            at=at("2025-06-10T10:00:00+01:00"),
        )
    assert get_complaint(ws, REF).conflicted == {"r.price"}


def test_only_a_manager_assigns_and_never_to_a_conflicted_officer(ws, case):
    received(ws, about_officer="r.price", handler="s.hughes")
    with pytest.raises(PermissionDenied, match="Only a manager"):
        svc.assign_handler(ws, REF, handler="d.osei")
    make_manager(ws)
    with pytest.raises(PermissionDenied, match="conflict of interest"):
        svc.assign_handler(ws, REF, handler="r.price")
    svc.assign_handler(ws, REF, handler="d.osei", reason="s.hughes on leave")
    assert get_complaint(ws, REF).handler == "d.osei"
    with ws.db.read() as s:
        actions = s.scalars(select(AuditLog.action).where(AuditLog.entity_id == REF)).all()
    assert "assign_complaint" in actions and all("Whitfield" not in str(a) for a in actions)


def test_stage_2_handler_is_not_the_stage_1_handler(ws, case):
    stage_1_done(ws)
    svc.request_escalation(ws, REF, at=at("2025-06-23T10:00:00+01:00"))
    make_manager(ws)
    with pytest.raises(PermissionDenied, match="s.hughes decided an earlier stage"):
        svc.assign_handler(ws, REF, handler="s.hughes")
    with pytest.raises(PermissionDenied):
        svc.refuse_escalation(ws, REF, reason="Resolved", by="s.hughes")
    svc.assign_handler(ws, REF, handler="d.osei")
    assert get_complaint(ws, REF).stages[1].handler == "d.osei"


# -- extension ----------------------------------------------------------------------------------------------------


def test_extension_within_the_maximum_before_the_due_date(ws, case, clock):
    received(ws)
    svc.acknowledge(ws, REF, by="s.hughes", at=at("2025-06-04T10:00:00+01:00"))
    clock.set("2025-06-13T09:00:00+00:00")
    view = get_complaint(ws, REF)
    assert view.extension_warning.startswith("Stage 1 response due Wed 18 Jun 2025 (3 WD left)")
    assert view.latest_extension == D("2025-07-02")
    with pytest.raises(ValidationError, match="latest allowed is Wed 2 Jul 2025"):
        svc.agree_extension(ws, REF, new_due=D("2025-07-03"), reason="Awaiting a report")
    svc.agree_extension(ws, REF, new_due=D("2025-07-02"), reason="Awaiting a report")
    view = get_complaint(ws, REF)
    assert view.next_action.due == D("2025-07-02") and view.extension_warning is None
    ext = next(h for h in view.history if h.what.startswith("Extension letter"))
    assert "PO Box 152" in ext.summary


def test_extension_after_the_due_date_is_refused(ws, case, clock):
    received(ws)
    svc.acknowledge(ws, REF, by="s.hughes", at=at("2025-06-04T10:00:00+01:00"))
    clock.set("2025-06-19T09:00:00+00:00")
    assert "too late to extend" in get_complaint(ws, REF).extension_warning
    with pytest.raises(ValidationError, match="had to be sent by then"):
        svc.agree_extension(ws, REF, new_due=D("2025-06-25"), reason="x")
    assert "extend" not in get_complaint(ws, REF).allowed


# -- response --------------------------------------------------------------------------------------------------------


def test_incomplete_response_is_refused_whole(ws, case):
    received(ws, points=["No call back", "Rude officer"])
    before = count_events(ws)
    with pytest.raises(ValidationError, match="'Rude officer' has no decision"):
        svc.respond(ws, REF, by="s.hughes", draft=draft(points=(("No call back", "upheld", "r"),)))
    with pytest.raises(ValidationError, match="how to escalate"):
        svc.respond(
            ws,
            REF,
            by="s.hughes",
            draft=draft(
                points=(("No call back", "upheld", "r"), ("Rude officer", "not_upheld", "r")),
                escalation="",
            ),
        )
    assert count_events(ws) == before


def test_response_dated_before_receipt_is_refused(ws, case):
    received(ws)
    with pytest.raises(ValidationError, match="before the complaint was received"):
        svc.respond(ws, REF, by="s.hughes", at=at("2025-06-01T10:00:00+01:00"), draft=draft())


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (-5, "cannot be negative"),
        ("fifty", "must be an amount"),
        ("1.234", "whole pence"),
        (None, "must be an amount"),
    ],
)
def test_bad_amounts_are_refused(ws, case, amount, message):
    received(ws)
    with pytest.raises(ValidationError, match=message):
        svc.respond(ws, REF, by="s.hughes", draft=draft(compensation=[("time_trouble", amount)]))
    with pytest.raises(ValidationError, match=message):
        record_compensation_paid(ws, REF, items=[("time_trouble", amount)])
    assert count_events(ws) == 1


def test_response_records_the_checklist_and_remedy_actions(ws, case, clock):
    received(ws, points=["No call back"])
    svc.acknowledge(ws, REF, by="s.hughes", at=at("2025-06-04T10:00:00+01:00"))
    rid = svc.respond(
        ws,
        REF,
        by="s.hughes",
        at=at("2025-06-18T10:00:00+01:00"),
        draft=draft(
            points=(("No call back", "upheld", "Calls were not returned"),),
            compensation=[("time_trouble", "£50")],
            outstanding=[("Fit door bolts", D("2025-06-30"))],
            lessons="Shared inbox for callbacks",
        ),
    )
    view = get_complaint(ws, REF)
    (remedy,) = view.remedies
    assert (remedy.text, remedy.due, remedy.status, remedy.source) == (
        "Fit door bolts",
        D("2025-06-30"),
        "open",
        rid,
    )
    assert "remedy_done" in view.allowed
    assert view.compensation.rows[0].cells[0] == Decimal(50)
    assert view.lessons == ("Shared inbox for callbacks",)
    with pytest.raises(NotFound):
        svc.complete_remedy_action(ws, REF, rid, "Fit a new kitchen")
    svc.complete_remedy_action(ws, REF, rid, "Fit door bolts", at=at("2025-06-20T10:00:00+01:00"))
    with pytest.raises(ValidationError, match="already recorded"):
        svc.complete_remedy_action(ws, REF, rid, "Fit door bolts")
    (remedy,) = get_complaint(ws, REF).remedies
    assert (remedy.status, remedy.done_on) == ("met", D("2025-06-20"))


# -- escalation, closure, reopening ------------------------------------------------------------------------------------


def test_escalation_starts_the_stage_2_ack_clock_at_once(ws, case, clock):
    stage_1_done(ws)
    clock.set("2025-06-23T12:00:00+00:00")
    svc.request_escalation(ws, REF, summary="Not happy with the outcome")
    view = get_complaint(ws, REF)
    assert (view.next_action.action, view.next_action.due) == ("answer_escalation", D("2025-06-30"))
    assert {"acknowledge", "refuse_escalation"} <= view.allowed and "close" not in view.allowed
    with pytest.raises(ValidationError, match="closing does not stop that clock"):
        svc.close_complaint(ws, REF, outcome="x", lessons="y", withdrawn=True)


def test_escalation_of_a_closed_stage_2_complaint_is_refused(ws, case, clock):
    stage_1_done(ws)
    svc.request_escalation(ws, REF, at=at("2025-06-23T10:00:00+01:00"))
    svc.acknowledge(ws, REF, by="d.osei", at=at("2025-06-24T09:00:00+01:00"))
    clock.set("2025-07-10T12:00:00+00:00")
    svc.respond(ws, REF, by="d.osei", draft=draft(escalation="Final response: Housing Ombudsman …"))
    svc.close_complaint(ws, REF, outcome="Upheld", lessons="Callbacks logged")
    before = count_events(ws)
    with pytest.raises(ValidationError, match="Stage 2 is the final stage.*Ombudsman"):
        svc.request_escalation(ws, REF)
    assert count_events(ws) == before
    view = get_complaint(ws, REF)
    assert view.status == "closed" and "escalate" not in view.allowed and "reopen" in view.allowed


def test_close_and_reopen(ws, case, clock):
    stage_1_done(ws)
    clock.set("2025-06-20T12:00:00+00:00")
    with pytest.raises(ValidationError, match="lessons learnt"):
        svc.close_complaint(ws, REF, outcome="Upheld", lessons=" ")
    svc.close_complaint(ws, REF, outcome="Upheld", lessons="Callbacks logged")
    with pytest.raises(ValidationError, match="closed on"):
        svc.acknowledge(ws, REF, by="s.hughes")
    with pytest.raises(ValidationError, match="reason"):
        svc.reopen_complaint(ws, REF, reason="")
    clock.set("2025-06-23T12:00:00+00:00")
    svc.reopen_complaint(ws, REF, reason="The promised call never happened")
    view = get_complaint(ws, REF)
    assert view.status == "open"
    assert (view.next_action.action, view.next_action.due) == ("respond", D("2025-07-07"))
    assert view.stages[-1].label == "Stage 1 (reopened)"


def test_withdrawn_complaint_can_close_before_a_response(ws, case):
    received(ws)
    svc.close_complaint(
        ws,
        REF,
        outcome="Resolved by phone",
        lessons="None: resolved at first contact",
        withdrawn=True,
        at=at("2025-06-03T10:00:00+01:00"),
    )
    view = get_complaint(ws, REF)
    closure = next(h for h in view.history if h.what == "Closed")
    assert closure.summary == "Complaint closed: Withdrawn by the resident: Resolved by phone"
    assert all(
        d.status != "open" for d in get_case(ws, REF).deadlines if d.kind.startswith("complaint")
    )


# -- optimistic concurrency ---------------------------------------------------------------------------------------------


def test_stale_edit_from_another_window_is_refused_and_nothing_overwritten(ws, case):
    received(ws)
    seen = get_complaint(ws, REF).version
    svc.acknowledge(
        ws, REF, by="s.hughes", at=at("2025-06-04T10:00:00+01:00"), expected_version=seen
    )
    before = count_events(ws)
    with pytest.raises(ConflictError, match="changed by tester since you opened it"):
        svc.respond(ws, REF, by="d.osei", draft=draft(), expected_version=seen)
    assert count_events(ws) == before
    assert get_complaint(ws, REF).version == seen + 1


# -- compensation and the Ombudsman -------------------------------------------------------------------------------------------


def test_compensation_decision_and_payment(ws, case):
    with pytest.raises(NotFound):
        record_compensation_decision(ws, REF, accepted=True)
    received(ws)
    with pytest.raises(ValidationError, match="No compensation"):
        record_compensation_decision(ws, REF, accepted=True)
    svc.respond(
        ws,
        REF,
        by="s.hughes",
        at=at("2025-06-10T10:00:00+01:00"),
        draft=draft(compensation=[("time_trouble", 75)]),
    )
    record_compensation_decision(ws, REF, accepted=True, at=at("2025-06-12T10:00:00+01:00"))
    record_compensation_paid(
        ws, REF, items=[{"head": "time_trouble", "amount": "75"}], reference="BACS 1234"
    )
    comp = get_complaint(ws, REF).compensation
    assert comp.rows[0].cells == (Decimal(75), Decimal(75), 0, Decimal(75))
    assert (comp.decision, comp.owed, comp.outstanding) == ("accepted", Decimal(75), 0)
    assert comp.summary() == "£75 offered; accepted Thu 12 Jun 2025; £75 owed, £0 still to pay."
    with pytest.raises(ValidationError, match="given twice"):
        record_compensation_paid(ws, REF, items=[("costs", 1), ("costs", 2)])
    with pytest.raises(ValidationError, match="head must be one of"):
        record_compensation_paid(ws, REF, items=[("goodwill", 1)])


def test_calculator_for_a_household_without_vulnerabilities(ws):
    from app.services.cases import create_case

    create_case(
        ws,
        ref="GEN-2",
        kind="general",
        officer="a.khan",
        resident_name="Mr B",
        opened=D("2025-06-02"),
    )
    calc = suggest_compensation(
        ws, "GEN-2", [CalculatorInput("distress_inconvenience", "adverse_effect", 12)]
    )
    assert calc.total == Decimal(350) and "vulnerable" not in calc.text
    forced = suggest_compensation(
        ws,
        "GEN-2",
        [CalculatorInput("distress_inconvenience", "adverse_effect", 12, vulnerable=True)],
    )
    assert forced.total == Decimal(420)
    with pytest.raises(ValidationError, match="severity must be one of"):
        suggest_compensation(ws, "GEN-2", [CalculatorInput("time_trouble", "awful", 1)])
    with pytest.raises(ValidationError, match="cannot be negative"):
        suggest_compensation(ws, "GEN-2", [CalculatorInput("costs", amount="-3")])


def test_ombudsman_order_within_weeks_and_its_evidence(ws, case, clock):
    received(ws)
    assert order_due(D("2025-06-24"), 4) == D("2025-07-22")
    with pytest.raises(ValidationError, match="due date, or the number of weeks"):
        record_order(ws, REF, text="Apologise")
    oid = record_order(
        ws, REF, text="Apologise in writing", weeks=4, compensation=[("time_trouble", 100)]
    )
    with pytest.raises(ValidationError, match="after the date recorded"):
        record_compliance(ws, REF, oid, evidence="Letter", evidence_sent=D("2025-06-30"))
    with pytest.raises(ValidationError, match="not an Ombudsman order"):
        record_compliance(ws, REF, get_complaint(ws, REF).id, evidence="Letter")
    clock.set("2025-07-01T12:00:00+00:00")
    record_compliance(ws, REF, oid, evidence="Apology letter of 30 Jun")
    (order,) = get_complaint(ws, REF).orders
    assert (order.status, order.due, order.wd_left) == ("open", D("2025-07-22"), 15)
    record_compliance(
        ws, REF, oid, evidence="Sent the letter to the Ombudsman", evidence_sent=D("2025-07-01")
    )
    (order,) = get_complaint(ws, REF).orders
    assert (order.status, order.done_on) == ("met", D("2025-07-01"))
    assert get_complaint(ws, REF).compensation.rows[0].cells[-2] == Decimal(100)


# -- the older four-stage procedure, chosen per organisation -----------------------------------------------------------------


def test_organisation_can_choose_the_four_stage_procedure(ws, case):
    with ws.db.write() as s:
        s.add(Setting(key="default_policy", value="hexagon-4-stage"))
    ws.policies_changed()
    received(ws)  # opens at the initial stage (0), no timescale
    view = get_complaint(ws, REF)
    assert (view.stage, view.stage_label, view.policy) == (0, "Initial stage", "hexagon-4-stage@1")
    assert (view.next_action.action, view.next_action.due) == ("respond", None)
    svc.respond(ws, REF, by="s.hughes", at=at("2025-06-03T10:00:00+01:00"), draft=draft())
    for stage, when, by in [
        (1, "2025-06-05", "m.fleming"),
        (2, "2025-06-12", "d.osei"),
        (3, "2025-06-19", "p.board"),
    ]:
        assert svc.request_escalation(ws, REF, at=at(f"{when}T10:00:00+01:00"))
        assert get_complaint(ws, REF).stage == stage
        svc.respond(ws, REF, by=by, at=at(f"{when}T15:00:00+01:00"), draft=draft())
    with pytest.raises(ValidationError, match=r"Stage 3 \(Board panel\) is the final stage"):
        svc.request_escalation(ws, REF)
    view = get_complaint(ws, REF)
    assert [s.label for s in view.stages] == [
        "Initial stage",
        "Stage 1",
        "Stage 2",
        "Stage 3 (Board panel)",
    ]
    s1 = view.stages[1]
    # Stage 1: 15 WD from receipt of the request, no acknowledgement timescale.
    assert [(st.label, st.due) for st in s1.steps] == [
        ("Escalation requested", None),
        ("Response", D("2025-06-26")),
    ]


def test_lessons_learnt_are_reportable(ws, case):
    from app.services.complaints.reports import lessons_learnt

    stage_1_done(ws)
    svc.close_complaint(
        ws, REF, outcome="Upheld", lessons="Log every callback", at=at("2025-06-20T10:00:00+01:00")
    )
    (row,) = lessons_learnt(ws, D("2025-06-01"), D("2025-06-30"))
    assert (row.case_ref, row.closed_on, row.outcome, row.lessons) == (
        REF,
        D("2025-06-20"),
        "Upheld",
        "Log every callback",
    )
    assert row.complaint == get_complaint(ws, REF).id
    assert lessons_learnt(ws, D("2025-06-21"), D("2025-06-30")) == []
    with pytest.raises(ValidationError, match="ends"):
        lessons_learnt(ws, D("2025-06-30"), D("2025-06-01"))
    # Roles apply: an officer of another team never reads this case's lessons.
    from app.services.workspace import put_setting
    from app.store.models import Officer

    with ws.db.write() as s:
        s.add(Officer(username="elsewhere", name="Else Where", role="officer"))
        put_setting(s, "demo", True)
    act_as(ws, "elsewhere")
    assert lessons_learnt(ws, D("2025-06-01"), D("2025-06-30")) == []


def test_a_concurrent_writer_between_read_and_write_is_a_conflict(ws, case, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    import app.services.complaints.tx as tx

    def stale(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'cases' expected to update 1 row(s)")

    monkeypatch.setattr(tx, "_run", stale)
    with pytest.raises(ConflictError, match="changed by someone else while this was being saved"):
        received(ws)
