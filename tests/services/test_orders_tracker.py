"""The Ombudsman orders tracker (app/services/complaints/orders.py): every order not yet
evidenced, across cases, with its due date and evidence status."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import PermissionDenied
from app.services.bundles import import_bundle
from app.services.complaints.ombudsman import record_compliance, record_order
from app.services.complaints.orders import NO_EVIDENCE, NOT_SENT, open_orders
from tests.services.conftest import act_as

D = dt.date.fromisoformat


@pytest.fixture
def seed(ws, seed001_doc, clock):
    import_bundle(ws, seed001_doc)  # HX-0001: the order of 24 Jun 2025, due 22 Jul 2025
    clock.set("2025-07-01T12:00:00+00:00")
    return ws


def test_an_open_order_shows_its_due_date_and_that_no_evidence_is_recorded(seed):
    (order,) = open_orders(seed)
    assert (order.ref, order.officer, order.order_id) == ("HX-0001", "r.price", "om1")
    assert (order.made_on, order.due, order.wd_left) == (D("2025-06-24"), D("2025-07-22"), 15)
    assert order.text.startswith("Within 4 weeks: written apology")
    assert (order.evidence, order.evidence_entries, order.overdue) == (NO_EVIDENCE, 0, False)
    (late,) = open_orders(seed, as_of=D("2025-07-23"))
    assert late.overdue and late.wd_left == -1


def test_evidence_recorded_then_sent_moves_the_order_off_the_tracker(seed):
    record_compliance(seed, "HX-0001", "om1", evidence="Apology letter sent 30 Jun")
    (order,) = open_orders(seed)
    assert (order.evidence, order.evidence_entries) == (NOT_SENT, 1)
    record_compliance(
        seed,
        "HX-0001",
        "om1",
        evidence="Evidence sent to the Ombudsman",
        evidence_sent=D("2025-07-01"),
    )
    assert open_orders(seed) == []


def test_orders_across_cases_are_soonest_due_first(seed):
    second = record_order(seed, "HX-0001", text="Review the ASB policy", due=D("2025-07-08"))
    assert [(o.order_id, o.due) for o in open_orders(seed)] == [
        (second, D("2025-07-08")),
        ("om1", D("2025-07-22")),
    ]


def test_officers_may_not_see_the_tracker(office):
    assert open_orders(office) == []  # the manager: no orders in the office
    act_as(office, "a.khan")
    with pytest.raises(PermissionDenied):
        open_orders(office)
