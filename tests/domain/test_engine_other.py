"""Repairs, requests needing a decision, possession safeguards, Ombudsman orders and holds
(DOMAIN_RULES.md §1, §3, §5a, §5b, §6, §8).

Dates are in June 2025: Mon 2 Jun + 5 WD = Mon 9; + 10 WD = Mon 16; + 20 WD = Mon 30 Jun.
"""

from __future__ import annotations

import pytest

from app.domain.deadlines import CLOSED, MET, ON_HOLD, OPEN
from tests.domain.helpers import (
    D,
    E,
    deadline,
    deadlines,
    findings,
    make_case,
    out,
    variant,
)

# -- repairs -------------------------------------------------------------------------------------------

REPAIR = E(
    "rp1",
    "2025-06-02T10:00",
    "repair_raised",
    job="Door bolts",
    priority="urgent",
    target="2025-06-09",
)


def done(at, job="Door bolts", eid="rd1"):
    return E(eid, at, "repair_done", job=job)


def test_repair_done_by_its_target():
    assert findings([REPAIR, done("2025-06-09T16:00")]) == []


def test_repair_overdue():
    assert findings([REPAIR, done("2025-06-10T09:00")]) == [
        ("REPAIR_OVERDUE", "2025-06-09", ["rp1"])
    ]


def test_repair_never_done():
    assert findings([REPAIR], as_of="2025-06-09") == []
    assert findings([REPAIR], as_of="2025-06-10") == [("REPAIR_OVERDUE", "2025-06-09", ["rp1"])]


def test_another_job_done_does_not_count():
    raws = [REPAIR, done("2025-06-05T10:00", job="Window latch")]
    assert findings(raws) == [("REPAIR_OVERDUE", "2025-06-09", ["rp1"])]


def test_case_closure_does_not_end_a_repair():
    raws = [REPAIR, E("x1", "2025-06-04T10:00", "case_closed")]
    assert findings(raws) == [("REPAIR_OVERDUE", "2025-06-09", ["rp1"])]
    assert deadline(deadlines(raws), "repair:rp1").status == OPEN


# -- holds on a repair -----------------------------------------------------------------------------------

HOLD_START = E("h1", "2025-06-04T10:00", "hold_started", deadline="rp1", reason="no_access")
HOLD_END = E("h2", "2025-06-11T10:00", "hold_ended", deadline="rp1")


def test_hold_pushes_the_target_by_the_working_days_on_hold():
    # Target Mon 9 Jun; on hold Wed 4 - Wed 11 Jun: 5 WD (5, 6, 9, 10, 11) -> Mon 16 Jun.
    d = deadline(deadlines([REPAIR, HOLD_START, HOLD_END]), "repair:rp1")
    assert (d.due, d.original_due) == (D("2025-06-16"), D("2025-06-09"))
    assert [(h.reason, h.started, h.ended, h.working_days) for h in d.holds] == [
        ("no_access", D("2025-06-04"), D("2025-06-11"), 5)
    ]
    assert findings([REPAIR, HOLD_START, HOLD_END, done("2025-06-16T10:00")]) == []
    assert findings([REPAIR, HOLD_START, HOLD_END, done("2025-06-17T10:00")]) == [
        ("REPAIR_OVERDUE", "2025-06-16", ["rp1"])
    ]


def test_two_holds_add_up():
    raws = [
        REPAIR,
        HOLD_START,
        HOLD_END,
        E("h3", "2025-06-13T10:00", "hold_started", deadline="rp1", reason="awaiting_resident"),
        E("h4", "2025-06-17T10:00", "hold_ended", deadline="rp1"),
    ]
    # After the first hold: due 16 Jun. Second hold 13-17 Jun (16, 17 on hold): due 18 Jun.
    d = deadline(deadlines(raws), "repair:rp1")
    assert d.due == D("2025-06-18")
    assert [h.working_days for h in d.holds] == [5, 2]


def test_open_hold_on_a_repair():
    raws = [REPAIR, HOLD_START]
    d = deadline(deadlines(raws), "repair:rp1")
    assert (d.status, d.due) == (ON_HOLD, None)
    assert not d.breached(D("2025-09-01"))
    assert findings(raws) == []


def test_done_while_on_hold_is_not_late():
    # Never formally resumed, but done on 20 Jun while still on hold: the working days on
    # hold (5 Jun onwards) do not count, so it was done inside its target.
    raws = [REPAIR, HOLD_START, done("2025-06-20T10:00")]
    assert findings(raws) == []
    d = deadline(deadlines(raws), "repair:rp1")
    assert d.status == MET
    assert not d.late
    # The hold shows how long it ran: until the repair was done.
    assert [(h.started, h.ended, h.started_by, h.ended_by) for h in d.holds] == [
        (D("2025-06-04"), D("2025-06-20"), "h1", None)
    ]
    # And before it was done, the repair was simply on hold.
    assert findings(raws, as_of="2025-06-19") == []


def test_done_while_on_hold_keeps_earlier_holds():
    raws = [
        REPAIR,
        HOLD_START,
        HOLD_END,  # due 16 Jun after this hold
        E("h3", "2025-06-13T10:00", "hold_started", deadline="rp1", reason="awaiting_resident"),
        done("2025-06-25T10:00"),
    ]
    assert findings(raws) == []


def test_hold_ended_before_it_was_done_then_late():
    raws = [REPAIR, HOLD_START, HOLD_END, done("2025-06-20T10:00")]
    assert findings(raws) == [("REPAIR_OVERDUE", "2025-06-16", ["rp1"])]


# -- decisions --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "due"),
    [
        ("transfer", "2025-06-30"),
        ("medical_assessment", "2025-06-30"),
        ("rehousing_advice", "2025-06-30"),
        ("other", "2025-06-30"),
        ("policy_copy", "2025-06-16"),
        ("information", "2025-06-16"),
    ],
)
def test_decision_timescales(subject, due):
    request = E("q1", "2025-06-02T10:00", "request_made", subject=subject, channel="phone")
    decided = E("q2", f"{due}T16:00", "request_decided", answers="q1")
    assert findings([request, decided]) == []
    late_day = D(due).replace(day=D(due).day + 1) if D(due).day < 30 else D("2025-07-01")
    late = E("q2", f"{late_day.isoformat()}T09:00", "request_decided", answers="q1")
    assert findings([request, late]) == [("DECISION_OVERDUE", due, ["q1"])]


def test_decision_never_made():
    request = E("q1", "2025-06-02T10:00", "request_made", subject="transfer", channel="phone")
    assert findings([request], as_of="2025-06-30") == []
    assert findings([request], as_of="2025-07-01") == [("DECISION_OVERDUE", "2025-06-30", ["q1"])]


def test_decision_on_another_request_does_not_count():
    raws = [
        E("q1", "2025-06-02T10:00", "request_made", subject="policy_copy", channel="email"),
        E("q2", "2025-06-03T10:00", "request_made", subject="transfer", channel="phone"),
        E("q3", "2025-06-05T10:00", "request_decided", answers="q2"),
    ]
    assert findings(raws) == [("DECISION_OVERDUE", "2025-06-16", ["q1"])]


def test_hold_on_a_decision():
    raws = [
        E("q1", "2025-06-02T10:00", "request_made", subject="policy_copy", channel="email"),
        E("h1", "2025-06-06T10:00", "hold_started", deadline="q1", reason="awaiting_resident"),
        E("h2", "2025-06-13T10:00", "hold_ended", deadline="q1"),
    ]
    # Due 16 Jun; 5 WD on hold (9-13 Jun): due 23 Jun.
    assert deadline(deadlines(raws), "decision:q1").due == D("2025-06-23")


# -- possession safeguards --------------------------------------------------------------------------------

ARREARS_VULNERABLE = make_case(kind="arrears", vulnerabilities=["mental health"])
SAFEGUARDED = [
    E("v1", "2025-06-02T10:00", "vulnerability_plan", adjustments="Support worker copied in"),
    E("ac1", "2025-06-03T10:00", "arrears_check", result="Payments posted; evidence considered"),
    E("n1", "2025-06-05T10:00", "nosp_served", by="k.mensah", approved_by="h.ward"),
]


def test_nosp_with_every_safeguard():
    assert findings(SAFEGUARDED, case=ARREARS_VULNERABLE) == []


def test_nosp_without_the_account_check():
    raws = [SAFEGUARDED[0], SAFEGUARDED[2]]
    assert findings(raws, case=ARREARS_VULNERABLE) == [
        ("POSSESSION_UNSAFEGUARDED", "2025-06-05", ["n1"])
    ]


def test_nosp_without_approval():
    raws = [*SAFEGUARDED[:2], E("n1", "2025-06-05T10:00", "nosp_served", by="k.mensah")]
    assert findings(raws, case=ARREARS_VULNERABLE) == [
        ("POSSESSION_UNSAFEGUARDED", "2025-06-05", ["n1"])
    ]


def test_an_approval_recorded_before_the_notice_counts():
    raws = [
        *SAFEGUARDED[:2],
        E("pa1", "2025-06-04T10:00", "possession_approved", by="h.ward", answers="ac1"),
        E("n1", "2025-06-05T10:00", "nosp_served", by="k.mensah"),
    ]
    assert findings(raws, case=ARREARS_VULNERABLE) == []


def test_nosp_without_the_vulnerability_assessment():
    # The plan comes after the notice (still in time for its own 5 WD deadline).
    raws = [SAFEGUARDED[1], SAFEGUARDED[2], E("v1", "2025-06-06T10:00", "vulnerability_plan")]
    assert findings(raws, case=ARREARS_VULNERABLE) == [
        ("POSSESSION_UNSAFEGUARDED", "2025-06-05", ["n1"])
    ]


def test_account_checked_after_the_notice_is_too_late():
    raws = [
        SAFEGUARDED[0],
        SAFEGUARDED[2],
        E("ac1", "2025-06-06T10:00", "arrears_check", result="ok"),
    ]
    found = findings(raws, case=ARREARS_VULNERABLE)
    assert found == [("POSSESSION_UNSAFEGUARDED", "2025-06-05", ["n1"])]
    assert "account check" in _details(raws, ARREARS_VULNERABLE)[0]


def test_non_vulnerable_resident_needs_no_vulnerability_assessment():
    case = make_case(kind="arrears")
    assert findings(SAFEGUARDED[1:], case=case) == []


def test_policy_can_drop_the_approval_requirement():
    policy = variant(4, **{"possession.require_approval": False})
    raws = [*SAFEGUARDED[:2], E("n1", "2025-06-05T10:00", "nosp_served", by="k.mensah")]
    assert findings(raws, case=ARREARS_VULNERABLE, policy=policy) == []


def _details(raws, case):
    from app.domain.audit import audit
    from tests.domain.helpers import history, shipped

    return [f.detail for f in audit(case, history(*raws), shipped(), D("2025-09-01"))]


# -- Ombudsman orders ---------------------------------------------------------------------------------------


def test_ombudsman_order_is_a_deadline_without_an_audit_code():
    raws = [E("om1", "2025-06-02T10:00", "ombudsman_order", due="2025-06-30", text="Apologise")]
    d = deadline(deadlines(raws), "ombudsman_order:om1")
    assert (d.due, d.status) == (D("2025-06-30"), OPEN)
    assert findings(raws) == []


def test_ombudsman_order_outlives_closure():
    raws = [
        E("om1", "2025-06-02T10:00", "ombudsman_order", due="2025-06-30", text="Apologise"),
        E("x1", "2025-06-03T10:00", "case_closed"),
    ]
    result = deadlines(raws)
    assert deadline(result, "ombudsman_order:om1").status == OPEN
    assert result.next_due().key == "ombudsman_order:om1"


# -- next due and open ------------------------------------------------------------------------------------


def test_open_and_next_due_are_in_due_order():
    raws = [
        E("q1", "2025-06-02T10:00", "request_made", subject="transfer", channel="phone"),
        REPAIR,
        E("c1", "2025-06-03T10:00", "contact", channel="email", direction="in"),
        E("q9", "2025-06-03T11:00", "request_made", subject="information", channel="email"),
        out("c2", "2025-06-04T10:00", "email"),
    ]
    result = deadlines(raws)
    assert [(d.key, d.due) for d in result.open()] == [
        ("repair:rp1", D("2025-06-09")),
        ("decision:q9", D("2025-06-17")),
        ("decision:q1", D("2025-06-30")),
    ]
    assert result.next_due().key == "repair:rp1"
    assert deadline(result, "reply:c1").status == MET


def test_nothing_owed():
    result = deadlines([])
    assert result.deadlines == ()
    assert result.next_due() is None
    assert result.policy == "code-2024@3"


def test_closed_status_of_case_work_after_closure():
    raws = [
        E("r1", "2025-06-02T10:00", "asb_report", risk_hint="none"),
        E("x1", "2025-06-03T10:00", "case_closed"),
    ]
    d = deadline(deadlines(raws, case=make_case(kind="asb")), "risk_assessment:r1")
    assert (d.status, d.closed_on, d.late) == (CLOSED, D("2025-06-03"), False)
