"""The rules each complaint action is checked against, on the complaint's state (pure domain)."""

from __future__ import annotations

import pytest

from app.domain import complaint_rules as rules
from app.domain.complaint_record import complaint_states
from app.domain.complaint_response import (
    OutstandingAction,
    PointDecision,
    ResponseDraft,
    check_response,
    checklist,
)
from app.domain.complaint_rules import RuleBroken
from tests.domain.helpers import D, E, history, make_case, shipped

CASE = make_case(kind="complaint")
POLICY = shipped()


def state(*raws, policy=POLICY, case=CASE):
    (s,) = complaint_states(case, history(*raws), policy)
    return s


def received(**fields):
    return E("k1", "2025-06-02T10:00", "complaint_received", **fields)


ACK = E("k2", "2025-06-04T10:00", "complaint_ack", by="s.hughes")
RESPONSE = E("k3", "2025-06-18T10:00", "complaint_response", by="s.hughes")
ESCALATION = E("e1", "2025-06-23T10:00", "escalation_request", stage=2)


def broken(rule, fn, *args):
    with pytest.raises(RuleBroken) as err:
        fn(*args)
    assert err.value.rule == rule, str(err.value)
    return err.value


# -- the record ---------------------------------------------------------------------------------------------------


def test_state_of_a_two_stage_complaint():
    s = state(received(about_officer="r.price", handler="s.hughes"), ACK, RESPONSE, ESCALATION)
    assert [x.number for x in s.stages] == [1, 2]
    assert s.current.how == "escalation" and s.pending_escalation is s.current
    assert s.deciders() == {"s.hughes"}
    assert s.stages[0].handler == "s.hughes" and s.current.handler is None
    assert s.status == "open"


def test_escalation_after_closure_reopens_the_record():
    s = state(
        received(), ACK, RESPONSE, E("z1", "2025-06-20T10:00", "complaint_closed"), ESCALATION
    )
    assert s.closed is None and s.current.number == 2


# -- receipt: 12-month rule and conflict -------------------------------------------------------------------------


def test_matter_older_than_the_window_needs_a_reason():
    err = broken(
        "twelve_months",
        rules.check_receipt,
        POLICY,
        D("2025-06-02"),
        D("2024-06-01"),
        None,
        None,
        None,
        1,
    )
    assert "more than 12 months" in str(err) and "refuse it in writing" in str(err)
    # On the boundary (exactly 12 months) and with a reason: accepted.
    rules.check_receipt(POLICY, D("2025-06-02"), D("2024-06-02"), None, None, None, 1)
    rules.check_receipt(POLICY, D("2025-06-02"), D("2023-01-01"), "Still continuing", None, None, 1)


def test_matter_after_receipt_is_out_of_order():
    broken(
        "dates", rules.check_receipt, POLICY, D("2025-06-02"), D("2025-06-03"), None, None, None, 1
    )


def test_receipt_assigned_to_the_officer_complained_about():
    err = broken(
        "conflict",
        rules.check_receipt,
        POLICY,
        D("2025-06-02"),
        None,
        None,
        "r.price",
        "r.price",
        1,
    )
    assert err.permission and "conflict of interest" in str(err)


def test_receipt_at_a_stage_the_policy_lacks():
    broken("lifecycle", rules.check_receipt, POLICY, D("2025-06-02"), None, None, None, None, 0)


def test_months_before_clamps_to_month_end():
    assert rules.months_before(D("2025-03-31"), 1) == D("2025-02-28")
    assert rules.months_before(D("2025-06-02"), 12) == D("2024-06-02")
    assert rules.months_before(D("2025-01-15"), 13) == D("2023-12-15")


# -- acknowledge ----------------------------------------------------------------------------------------------------


def test_ack_by_the_officer_complained_about_is_refused():
    s = state(received(about_officer="r.price"))
    err = broken("conflict", rules.check_ack, s, D("2025-06-03"), "r.price")
    assert "r.price cannot acknowledge it" in str(err)
    assert rules.check_ack(s, D("2025-06-03"), "s.hughes").number == 1


def test_ack_twice_or_before_receipt():
    broken("lifecycle", rules.check_ack, state(received(), ACK), D("2025-06-05"), "s.hughes")
    broken("dates", rules.check_ack, state(received()), D("2025-06-01"), "s.hughes")


# -- extension ------------------------------------------------------------------------------------------------------


def test_extension_window_and_maximum():
    s = state(received(), ACK)
    win = rules.extension_window(s)
    assert (win.due, win.original_due, win.latest, win.max_wd) == (
        D("2025-06-18"),
        D("2025-06-18"),
        D("2025-07-02"),
        10,
    )
    rules.check_extension(s, D("2025-06-18"), D("2025-07-02"), "Awaiting a report", "s.hughes")
    err = broken(
        "extension_max", rules.check_extension, s, D("2025-06-16"), D("2025-07-03"), "x", None
    )
    assert "latest allowed is Wed 2 Jul 2025" in str(err)
    broken("extension_max", rules.check_extension, s, D("2025-06-16"), D("2025-06-18"), "x", None)


def test_extension_after_the_old_due_date_is_refused():
    s = state(received(), ACK)
    err = broken(
        "extension_before_due",
        rules.check_extension,
        s,
        D("2025-06-19"),
        D("2025-07-01"),
        "x",
        None,
    )
    assert "due on Wed 18 Jun 2025" in str(err)


def test_extension_needs_a_reason_and_an_unconflicted_officer():
    s = state(received(about_officer="r.price"), ACK)
    broken(
        "extension_before_due",
        rules.check_extension,
        s,
        D("2025-06-16"),
        D("2025-06-25"),
        " ",
        None,
    )
    broken("conflict", rules.check_extension, s, D("2025-06-16"), D("2025-06-25"), "x", "r.price")


def test_second_extension_counts_from_the_extended_date_within_the_same_maximum():
    s = state(
        received(),
        ACK,
        E("x1", "2025-06-16T10:00", "extension_notice", new_due="2025-06-25"),
    )
    win = rules.extension_window(s)
    assert (win.due, win.latest) == (D("2025-06-25"), D("2025-07-02"))


def test_no_extension_after_the_response():
    broken(
        "lifecycle",
        rules.check_extension,
        state(received(), ACK, RESPONSE),
        D("2025-06-18"),
        D("2025-06-25"),
        "x",
        None,
    )


def test_extension_warning_from_n_working_days_ahead():
    s = state(received(), ACK)  # response due Wed 18 Jun; warning 3 WD ahead
    assert rules.extension_warning(s, D("2025-06-12")) is None  # 4 WD left
    text = rules.extension_warning(s, D("2025-06-13"))
    assert text == (
        "Stage 1 response due Wed 18 Jun 2025 (3 WD left). If it cannot be sent by then, an "
        "extension letter is needed by Wed 18 Jun 2025; the latest new date allowed is Wed 2 Jul 2025."
    )
    assert "(today)" in rules.extension_warning(s, D("2025-06-18"))
    assert "too late to extend" in rules.extension_warning(s, D("2025-06-19"))
    assert rules.extension_warning(state(received(), ACK, RESPONSE), D("2025-06-17")) is None


# -- response checklist ------------------------------------------------------------------------------------------------


def full_draft(**changes):
    base = dict(
        points=(PointDecision("No call back", "upheld", "Calls were not returned"),),
        apology=True,
        remedy="£50 for time and trouble",
        outstanding=(OutstandingAction("Fit door bolts", D("2025-06-30")),),
        escalation="Ask us to escalate to stage 2 …",
    )
    base.update(changes)
    return ResponseDraft(**base)


def test_complete_checklist():
    s = state(received(points=["No call back"]), ACK)
    items = checklist(s, full_draft(), D("2025-06-18"))
    assert [(i.key, i.done) for i in items] == [
        ("points", True),
        ("apology", True),
        ("remedy", True),
        ("outstanding", True),
        ("escalation", True),
    ]
    assert check_response(s, full_draft(), D("2025-06-18"), "s.hughes").number == 1


@pytest.mark.parametrize(
    ("changes", "key", "problem"),
    [
        ({"points": ()}, "points", "'No call back' has no decision"),
        (
            {"points": (PointDecision("Other", "upheld", "r"),)},
            "points",
            "'No call back' has no decision",
        ),
        ({"points": (PointDecision("No call back", "maybe", "r"),)}, "points", "needs a decision"),
        (
            {"points": (PointDecision("No call back", "upheld", " "),)},
            "points",
            "needs the reasons",
        ),
        ({"apology": False}, "apology", "must apologise"),
        ({"remedy": ""}, "remedy", "why nothing is due"),
        (
            {"outstanding": (OutstandingAction("Bolts", None),)},
            "outstanding",
            "'Bolts' has no date",
        ),
        (
            {"outstanding": (OutstandingAction("Bolts", D("2025-06-01")),)},
            "outstanding",
            "before the response",
        ),
        ({"outstanding": (OutstandingAction(" ", D("2025-07-01")),)}, "outstanding", "has no text"),
        ({"escalation": ""}, "escalation", "how to escalate"),
    ],
)
def test_incomplete_checklist_cannot_be_sent(changes, key, problem):
    s = state(received(points=["No call back"]), ACK)
    draft = full_draft(**changes)
    item = next(i for i in checklist(s, draft, D("2025-06-18")) if i.key == key)
    assert not item.done and problem in item.problem
    err = broken("checklist", check_response, s, draft, D("2025-06-18"), "s.hughes")
    assert "cannot be marked sent while incomplete" in str(err)


def test_a_complaint_without_recorded_points_still_needs_one_decided():
    s = state(received(), ACK)
    (item,) = [i for i in checklist(s, full_draft(points=()), D("2025-06-18")) if i.key == "points"]
    assert item.problem == "no complaint point is decided"
    assert all(i.done for i in checklist(s, full_draft(), D("2025-06-18")))


def test_no_apology_needed_when_nothing_is_upheld():
    s = state(received(points=["No call back"]), ACK)
    draft = full_draft(
        points=(PointDecision("No call back", "not_upheld", "We called on 3 Jun"),), apology=False
    )
    assert all(i.done for i in checklist(s, draft, D("2025-06-18")))


def test_response_before_receipt_or_ack_is_refused():
    s = state(received(), ACK)
    broken("dates", check_response, s, full_draft(), D("2025-06-01"), "s.hughes")
    broken("dates", check_response, s, full_draft(), D("2025-06-03"), "s.hughes")


def test_stage_2_decided_by_the_stage_1_decider_is_refused():
    s = state(received(), ACK, RESPONSE, ESCALATION)
    err = broken("new_handler", check_response, s, full_draft(), D("2025-06-30"), "s.hughes")
    assert err.permission and "s.hughes decided an earlier stage" in str(err)


def test_second_response_at_the_same_stage_is_refused():
    broken(
        "lifecycle",
        check_response,
        state(received(), ACK, RESPONSE),
        full_draft(),
        D("2025-06-20"),
        "d.osei",
    )


# -- escalate, refuse, close, reopen, assign ------------------------------------------------------------------------------


def test_escalation_opens_the_next_stage_and_not_past_the_last():
    s = state(received(), ACK, RESPONSE)
    assert rules.check_escalation(s, D("2025-06-20")) == 2
    final = state(
        received(),
        ACK,
        RESPONSE,
        ESCALATION,
        E("k5", "2025-06-25T10:00", "complaint_ack", stage=2, by="d.osei"),
        E("k6", "2025-07-20T10:00", "complaint_response", stage=2, by="d.osei"),
        E("z1", "2025-07-21T10:00", "complaint_closed"),
    )
    err = broken("final_stage", rules.check_escalation, final, D("2025-07-22"))
    assert "Stage 2 is the final stage" in str(err) and "closed on Mon 21 Jul 2025" in str(err)
    assert "0300 111 3000" in str(err)


def test_no_escalation_from_the_final_stage_even_before_it_is_answered():
    s = state(received(), ACK, RESPONSE, ESCALATION)
    broken("final_stage", rules.check_escalation, s, D("2025-06-24"))


def test_hexagon_escalates_through_four_stages():
    hexagon = shipped("hexagon-4-stage")
    case = make_case(kind="complaint", policy="hexagon-4-stage")
    s = state(
        received(stage=0),
        E("k3", "2025-06-04T10:00", "complaint_response", stage=0, by="a"),
        policy=hexagon,
        case=case,
    )
    assert rules.check_escalation(s, D("2025-06-05")) == 1
    waiting = state(
        received(stage=0),
        E("e1", "2025-06-05T10:00", "escalation_request", stage=1),
        policy=hexagon,
        case=case,
    )
    broken("escalation", rules.check_escalation, waiting, D("2025-06-06"))


def test_refusing_an_escalation_needs_a_request_and_reasons():
    broken(
        "escalation",
        rules.check_escalation_refusal,
        state(received(), ACK, RESPONSE),
        D("2025-06-20"),
        "x",
        "d.osei",
    )
    s = state(received(), ACK, RESPONSE, ESCALATION)
    broken("escalation", rules.check_escalation_refusal, s, D("2025-06-24"), "", "d.osei")
    broken("new_handler", rules.check_escalation_refusal, s, D("2025-06-24"), "x", "s.hughes")
    assert rules.check_escalation_refusal(s, D("2025-06-24"), "Resolved", "d.osei").number == 2


def test_refusal_to_accept():
    s = state(received(about_officer="r.price"))
    broken("conflict", rules.check_refusal, s, D("2025-06-03"), "Over 12 months old", "r.price")
    broken("twelve_months", rules.check_refusal, s, D("2025-06-03"), " ", "s.hughes")
    rules.check_refusal(s, D("2025-06-03"), "Over 12 months old", "s.hughes")
    broken(
        "lifecycle",
        rules.check_refusal,
        state(received(), ACK, RESPONSE),
        D("2025-06-19"),
        "x",
        "a",
    )


def test_close_rules():
    answered = state(received(), ACK, RESPONSE)
    rules.check_close(answered, D("2025-06-19"), "Upheld", "Return calls within 5 WD", False)
    broken("lessons", rules.check_close, answered, D("2025-06-19"), "Upheld", " ", False)
    broken("dates", rules.check_close, answered, D("2025-06-17"), "Upheld", "x", False)
    unanswered = state(received(), ACK)
    broken("lifecycle", rules.check_close, unanswered, D("2025-06-10"), "x", "y", False)
    rules.check_close(unanswered, D("2025-06-10"), "Resident withdrew it", "None", True)
    waiting = state(received(), ACK, RESPONSE, ESCALATION)
    err = broken("escalation", rules.check_close, waiting, D("2025-06-24"), "x", "y", True)
    assert "closing does not stop that clock" in str(err)


def test_reopen_rules():
    broken("lifecycle", rules.check_reopen, state(received(), ACK), D("2025-06-10"), "x")
    closed = state(received(), ACK, RESPONSE, E("z1", "2025-06-20T10:00", "complaint_closed"))
    broken("lifecycle", rules.check_reopen, closed, D("2025-06-23"), " ")
    broken("dates", rules.check_reopen, closed, D("2025-06-19"), "x")
    rules.check_reopen(closed, D("2025-06-23"), "Remedy not delivered")
    broken("lifecycle", rules.check_ack, closed, D("2025-06-23"), "a")


def test_assign_rules():
    s = state(received(about_officer="r.price"), ACK, RESPONSE, ESCALATION)
    broken("conflict", rules.check_assign, s, "r.price")
    broken("new_handler", rules.check_assign, s, "s.hughes")
    assert rules.check_assign(s, "d.osei") == 2
    broken("lifecycle", rules.check_assign, s, "d.osei", 7)


def test_escalation_text_names_the_next_stage_or_the_ombudsman():
    assert "escalate your complaint to Stage 2" in rules.escalation_text(POLICY, 1)
    final = rules.escalation_text(POLICY, 2)
    assert final.startswith("This is our final response") and "PO Box 152" in final
    hexagon = shipped("hexagon-4-stage")
    assert "within 30 days" in rules.escalation_text(hexagon, 1)
