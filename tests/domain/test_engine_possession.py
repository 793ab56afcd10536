"""Possession approval requests and monthly arrears reviews (DOMAIN_RULES.md §5b, issue 17).

June 2025: Mon 2 Jun + 5 WD = Mon 9 Jun.
"""

from __future__ import annotations

from app.domain.deadlines import MET, OPEN
from tests.domain.helpers import D, E, deadline, deadlines, findings, make_case, variant

ARREARS = make_case(kind="arrears")


def test_a_request_for_proceedings_owes_the_approvers_decision():
    raws = [E("pr1", "2025-06-02T10:00", "possession_requested", reason="Arrears over £900")]
    d = deadline(deadlines(raws, case=ARREARS), "possession_approval:pr1")
    assert (d.status, d.due) == (OPEN, D("2025-06-09"))


def test_a_refusal_is_a_decision_too():
    raws = [
        E("pr1", "2025-06-02T10:00", "possession_requested"),
        E("rf1", "2025-06-04T10:00", "possession_refused", answers="pr1"),
    ]
    assert deadline(deadlines(raws, case=ARREARS), "possession_approval:pr1").status == MET


def test_an_approval_answering_the_request_counts_for_the_notice():
    raws = [
        E("v1", "2025-06-02T09:00", "vulnerability_plan"),
        E("ac1", "2025-06-02T10:00", "arrears_check", result="Checked", balance=900),
        E("pr1", "2025-06-02T11:00", "possession_requested"),
        E("pa1", "2025-06-03T10:00", "possession_approved", by="h.ward", answers="pr1"),
        E("n1", "2025-06-05T10:00", "nosp_served", by="k.mensah"),
    ]
    assert findings(raws, case=make_case(kind="arrears", vulnerabilities=["deaf"])) == []


def test_a_balance_near_the_trigger_is_reviewed_monthly():
    raws = [E("ac1", "2025-06-02T10:00", "arrears_check", result="Checked", balance=420)]
    d = deadline(deadlines(raws, case=ARREARS), "arrears_review:ac1")
    assert d.due == D("2025-07-02")


def test_the_next_check_meets_the_review_and_starts_the_next():
    raws = [
        E("ac1", "2025-06-02T10:00", "arrears_check", result="Checked", balance=420),
        E("ac2", "2025-06-30T10:00", "arrears_check", result="Checked", balance=450),
    ]
    result = deadlines(raws, case=ARREARS)
    assert deadline(result, "arrears_review:ac2").due == D("2025-07-30")
    assert not [d for d in result.deadlines if d.key == "arrears_review:ac1"]


def test_a_balance_well_below_the_trigger_needs_no_review():
    raws = [E("ac1", "2025-06-02T10:00", "arrears_check", result="Checked", balance=100)]
    assert not [d for d in deadlines(raws, case=ARREARS).deadlines if d.kind == "arrears_review"]


def test_the_trigger_and_margin_are_policy_data():
    policy = variant(12, **{"possession.nosp_trigger": 200, "possession.review_margin_percent": 50})
    raws = [E("ac1", "2025-06-02T10:00", "arrears_check", result="Checked", balance=100)]
    result = deadlines(raws, case=ARREARS, policy=policy)
    assert [d.kind for d in result.deadlines if d.kind == "arrears_review"] == ["arrears_review"]
