"""Requests that need a decision through the services (seed 000's failures, issue 17)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import ValidationError
from app.services.inbox import list_inbox
from app.services.requests import decide_request, log_request, requests_on
from tests.services.conftest import act_as


def test_a_request_is_owed_a_decision_and_shows_in_the_inbox(office):
    ws = act_as(office, "a.khan")
    rid, _ = log_request(ws, "GEN-2", subject="policy_copy", channel="email",
                         summary="Please send me your ASB policy")  # fmt: skip
    (view,) = requests_on(ws, "GEN-2")
    assert view.id == rid and view.words == "request for a copy of a policy"
    assert view.due == dt.date(2025, 7, 8)  # Tue 24 Jun + 10 WD
    assert any(d.kind == "decision" for d in ws_deadlines(ws, "GEN-2"))
    decide_request(ws, "GEN-2", rid, decision="Policy sent by email",
                   reasons="Published document")  # fmt: skip
    (view,) = requests_on(ws, "GEN-2")
    assert view.status == "met" and view.decision == "Policy sent by email"
    assert {r.ref for r in list_inbox(ws)} >= {"GEN-2"}


def test_a_decision_needs_reasons_and_is_made_once(office):
    ws = act_as(office, "a.khan")
    rid, _ = log_request(ws, "GEN-2", subject="transfer", channel="phone",
                         summary="Wants a move on harassment grounds")  # fmt: skip
    with pytest.raises(ValidationError, match="reasons"):
        decide_request(ws, "GEN-2", rid, decision="Refused", reasons=" ")
    decide_request(ws, "GEN-2", rid, decision="Refused", reasons="No evidence yet")
    with pytest.raises(ValidationError, match="already decided"):
        decide_request(ws, "GEN-2", rid, decision="Agreed", reasons="New evidence")


def test_an_unknown_subject_is_refused(office):
    ws = act_as(office, "a.khan")
    with pytest.raises(ValidationError, match="what the request is for"):
        log_request(ws, "GEN-2", subject="pony", channel="phone", summary="x")


def ws_deadlines(ws, ref):
    from app.services.cases import get_case

    return get_case(ws, ref).deadlines
