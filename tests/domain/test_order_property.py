"""DOMAIN_RULES.md §9 (Order): the file order of a bundle's events never changes a result.

Shuffling the events of a bundle must give the same audit and the same deadlines: over the
worked example, over the demo generator's histories, and over small made-up histories
crowded onto a few days (same instants, bare dates, unlabelled complaint events, refusals,
replies naming what they answer). The runs are derandomised so CI sees the same examples.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.demo.generator import generate_bundles
from app.domain.audit import audit
from app.domain.bundle import parse_bundle
from app.domain.deadlines import derive
from tests.conftest import EXAMPLE, EXAMPLE_AUDIT, OWN_EXAMPLES
from tests.domain.helpers import DEFAULTS, OFFICER, load_json, shipped

STABLE = settings(
    derandomize=True,
    deadline=None,
    max_examples=120,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
AS_OF = dt.date(2025, 9, 1)


def reading(doc: dict[str, Any], as_of: dt.date = AS_OF):
    """Everything order could change: the audit (with its words) and every deadline."""
    bundle = parse_bundle(doc)
    policy = shipped()
    found = [f.to_dict() for f in audit(bundle.case, bundle.events, policy, as_of)]
    result = derive(bundle.case, bundle.events, policy, as_of=as_of)
    lines = sorted(
        (d.key, d.status, str(d.due), str(d.met_on), d.met_by or "", str(d.closed_on), d.detail)
        for d in result.deadlines
    )
    return found, lines, sorted((f.code, str(f.date), f.events) for f in result.rule_findings)


def shuffled(doc: dict[str, Any], order: list[int]) -> dict[str, Any]:
    return {**doc, "events": [doc["events"][i] for i in order]}


def orders(n: int):
    return st.permutations(list(range(n)))


# -- the worked example --------------------------------------------------------------------------

EXAMPLE_DOC = load_json(OWN_EXAMPLES / EXAMPLE)
EXPECTED = [
    (f["code"], f["date"], f["events"]) for f in load_json(OWN_EXAMPLES / EXAMPLE_AUDIT)["findings"]
]


@STABLE
@given(order=orders(len(EXAMPLE_DOC["events"])))
def test_worked_example_audit_does_not_depend_on_event_order(order):
    doc = shuffled(EXAMPLE_DOC, order)
    found, _, _ = reading(doc)
    assert [(f["code"], f["date"], f["events"]) for f in found] == EXPECTED


def test_worked_example_reversed_reads_the_same():
    doc = shuffled(EXAMPLE_DOC, list(reversed(range(len(EXAMPLE_DOC["events"])))))
    assert reading(doc) == reading(EXAMPLE_DOC)


# -- the demo generator's histories ------------------------------------------------------------

TODAY = dt.date(2025, 8, 29)
DEMO = generate_bundles(TODAY, n_cases=24, seed=7)


@STABLE
@given(data=st.data())
def test_demo_histories_read_the_same_in_any_order(data):
    doc = DEMO[data.draw(st.integers(0, len(DEMO) - 1), label="case")]
    order = data.draw(orders(len(doc["events"])), label="order")
    assert reading(shuffled(doc, order), TODAY) == reading(doc, TODAY)


# -- crowded made-up histories -------------------------------------------------------------------

DAYS = [dt.date(2025, 6, d) for d in (2, 3, 4, 10, 20)] + [dt.date(2025, 7, 8)]
TIMES = [None, "09:00", "10:00", "15:00"]  # None: a bare date
TYPES = [
    "complaint_received",
    "complaint_ack",
    "complaint_response",
    "extension_notice",
    "escalation_request",
    "escalation_refused",
    "complaint_closed",
    "complaint_reopened",
    "contact_in",
    "contact_out",
    "asb_report",
    "risk_assessment",
    "partner_request",
    "partner_reply",
    "action_plan_agreed",
    "case_closed",
    "home_visit_request",
    "home_visit",
    "complaint_refused",
    "complaint_assigned",
    "request_made",
    "request_decided",
    "action_done",
    "hold_started",
    "hold_ended",
]
COMPLAINT_TYPES = {
    "complaint_refused",
    "complaint_assigned",
    "complaint_ack",
    "complaint_response",
    "extension_notice",
    "escalation_request",
    "escalation_refused",
    "complaint_closed",
    "complaint_reopened",
}


@st.composite
def crowded_history(draw) -> dict[str, Any]:
    n = draw(st.integers(2, 12), label="events")
    kinds = [draw(st.sampled_from(TYPES)) for _ in range(n)]
    if "complaint_received" not in kinds and any(k in COMPLAINT_TYPES for k in kinds):
        kinds[0] = "complaint_received"
    complaints = [f"e{i}" for i, k in enumerate(kinds) if k == "complaint_received"]
    requests = [f"e{i}" for i, k in enumerate(kinds) if k == "partner_request"]
    messages = [f"e{i}" for i, k in enumerate(kinds) if k == "contact_in"]
    asked = [f"e{i}" for i, k in enumerate(kinds) if k == "request_made"]
    plans = [f"e{i}" for i, k in enumerate(kinds) if k == "action_plan_agreed"]
    held = [f"e{i}" for i, k in enumerate(kinds) if k in ("partner_request", "contact_in")]
    fallback = {"request_decided": asked, "action_done": plans, "hold_started": held}
    fallback["hold_ended"] = held
    events = []
    for i, kind in enumerate(kinds):
        day = draw(st.sampled_from(DAYS))
        time = draw(st.sampled_from(TIMES))
        at = day.isoformat() if time is None else f"{day.isoformat()}T{time}"
        raw: dict[str, Any] = {"id": f"e{i}", "at": at}
        stage = draw(st.sampled_from([1, 2]))
        if kind in ("contact_in", "contact_out"):
            inbound = kind == "contact_in"
            raw.update(
                type="contact",
                channel=draw(st.sampled_from(["phone", "email", "letter"])),
                direction="in" if inbound else "out",
                by="resident" if inbound else OFFICER,
                callback_requested=inbound and draw(st.booleans()),
                dissatisfaction=inbound and draw(st.booleans()),
            )
            if not inbound and messages and draw(st.booleans()):
                raw["answers"] = draw(st.sampled_from(messages))
        elif kind in fallback and not fallback[kind]:
            raw.update(type="home_visit", **DEFAULTS["home_visit"])
        elif kind == "request_decided":
            raw.update(type=kind, **DEFAULTS[kind], answers=draw(st.sampled_from(asked)))
        elif kind == "action_done":
            raw.update(type=kind, plan=draw(st.sampled_from(plans)), action="Visit")
        elif kind in ("hold_started", "hold_ended"):
            raw.update(type=kind, **DEFAULTS.get(kind, {}), deadline=draw(st.sampled_from(held)))
        elif kind == "partner_reply" and not requests:
            raw.update(type="partner_request", **DEFAULTS["partner_request"])
        elif kind == "partner_reply":
            raw.update(type=kind, **DEFAULTS[kind], answers=draw(st.sampled_from(requests)))
            raw["agency"] = draw(st.sampled_from(["police", "Police"]))
        elif kind == "action_plan_agreed":
            due = draw(st.sampled_from(DAYS)).isoformat()
            raw.update(
                type=kind,
                update_every_wd=5,
                actions=[{"text": "Visit", "owner": OFFICER, "due": due}],
            )
        else:
            raw.update(type=kind, **DEFAULTS.get(kind, {}))
            if kind == "escalation_request" or kind == "escalation_refused":
                raw["stage"] = 2
            elif "stage" in raw and kind != "complaint_received":
                raw["stage"] = stage
            if kind == "risk_assessment":
                raw["tier"] = draw(st.sampled_from(["high", "medium", "low"]))
            if kind == "asb_report":
                raw["risk_hint"] = draw(st.sampled_from(["threat", "nuisance", "none"]))
            if kind == "extension_notice":
                raw["new_due"] = draw(st.sampled_from(DAYS)).isoformat()
            if kind in COMPLAINT_TYPES and draw(st.booleans()):
                raw["complaint"] = draw(st.sampled_from(complaints))
        events.append(raw)
    return {
        "format": "doorstep-case/1",
        "case": {
            "ref": "T-0001",
            "kind": "asb",
            "opened": "2025-06-02",
            "officer": OFFICER,
            "resident": {"name": "Ms T"},
        },
        "events": events,
    }


@STABLE
@given(data=st.data())
def test_crowded_histories_read_the_same_in_any_order(data):
    doc = data.draw(crowded_history(), label="history")
    order = data.draw(orders(len(doc["events"])), label="order")
    assert reading(shuffled(doc, order)) == reading(doc)


@pytest.mark.parametrize("as_of", [dt.date(2025, 6, 3), dt.date(2025, 6, 20)])
def test_the_order_rule_holds_on_any_as_of_date(as_of):
    """Only what was known: events after the as-of date do not exist, in any order."""
    doc = DEMO[0]
    back = shuffled(doc, list(reversed(range(len(doc["events"])))))
    assert reading(back, as_of) == reading(doc, as_of)
