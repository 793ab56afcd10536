"""Arrears and possession safeguards through the services (seed 003's failure, issue 17)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.possession import PRE_ACTION
from app.errors import PermissionDenied, ValidationError
from app.services.auditing import audit_case
from app.services.bundles import export_bundle, import_bundle
from app.services.cases import create_case, record_event
from app.services.possession import (
    decide_possession,
    record_account_check,
    record_pre_action,
    request_possession,
    review_list,
    safeguards,
    serve_nosp,
)
from tests.services.conftest import act_as


@pytest.fixture
def arrears(office):
    create_case(
        office, ref="ARR-1", kind="arrears", officer="a.khan", resident_name="Ms Invented",
        opened=dt.date(2025, 6, 2), vulnerabilities=["mental health"],
    )  # fmt: skip
    return act_as(office, "a.khan")


def test_a_notice_is_refused_until_every_safeguard_is_in_place(arrears):
    with pytest.raises(ValidationError) as info:
        serve_nosp(arrears, "ARR-1")
    message = str(info.value)
    for words in ("account has not been checked", "equality impact", "pre-action", "approved"):
        assert words in message
    record_account_check(arrears, "ARR-1", balance="£612.40", payments_posted=True,
                         evidence_considered=True)  # fmt: skip
    record_event(arrears, "ARR-1", {"type": "vulnerability_plan",
                                    "adjustments": "Support worker copied in"})  # fmt: skip
    record_pre_action(arrears, "ARR-1", list(PRE_ACTION))
    request_possession(arrears, "ARR-1", "Arrears over trigger; plan broken twice")
    with pytest.raises(ValidationError, match="approved by a manager"):
        serve_nosp(arrears, "ARR-1")
    act_as(arrears, "p.natarajan")
    decide_possession(arrears, "ARR-1", approve=True, reasons="Safeguards in place")
    act_as(arrears, "a.khan")
    assert safeguards(arrears, "ARR-1").ready
    serve_nosp(arrears, "ARR-1")
    codes = [f.code for f in audit_case(arrears, "ARR-1").findings]
    assert "POSSESSION_UNSAFEGUARDED" not in codes  # (its vulnerability plan came late)


def test_only_the_policys_approver_role_may_approve(arrears):
    request_possession(arrears, "ARR-1", "Arrears over trigger")
    act_as(arrears, "r.morgan")  # an officer of the same team
    with pytest.raises(PermissionDenied, match="Only a manager"):
        decide_possession(arrears, "ARR-1", approve=True, reasons="ok")


def test_the_requester_cannot_approve_their_own_request(arrears):
    act_as(arrears, "p.natarajan")
    request_possession(arrears, "ARR-1", "Arrears over trigger")
    with pytest.raises(PermissionDenied, match="another approver"):
        decide_possession(arrears, "ARR-1", approve=True, reasons="ok")


def test_a_refusal_ends_the_request(arrears):
    request_possession(arrears, "ARR-1", "Arrears over trigger")
    act_as(arrears, "p.natarajan")
    decide_possession(arrears, "ARR-1", approve=False, reasons="Repayment plan first")
    state = safeguards(arrears, "ARR-1")
    assert state.refused and state.approved_by is None


def test_an_incomplete_account_check_is_refused(arrears):
    with pytest.raises(ValidationError, match="every payment is posted"):
        record_account_check(arrears, "ARR-1", balance=10, payments_posted=True,
                             evidence_considered=False)  # fmt: skip
    with pytest.raises(ValidationError, match="in pounds"):
        record_account_check(arrears, "ARR-1", balance="lots", payments_posted=True,
                             evidence_considered=True)  # fmt: skip


def test_cases_near_the_trigger_are_on_the_monthly_review_list(arrears):
    record_account_check(arrears, "ARR-1", balance=450, payments_posted=True,
                         evidence_considered=True)  # fmt: skip
    (item,) = review_list(arrears)
    assert item.ref == "ARR-1" and item.due == dt.date(2025, 7, 24)


def test_an_imported_notice_without_safeguards_is_flagged(arrears):
    act_as(arrears, "p.natarajan")
    doc = export_bundle(arrears, "ARR-1")
    doc["case"]["ref"] = "ARR-2"
    doc["events"].append({"id": "n1", "at": "2025-06-20T10:00:00+00:00", "type": "nosp_served",
                          "by": "a.khan", "summary": "NOSP"})  # fmt: skip
    import_bundle(arrears, doc)
    codes = [f.code for f in audit_case(arrears, "ARR-2").findings]
    assert "POSSESSION_UNSAFEGUARDED" in codes
