"""Complaint lifecycle in the engine: refusal, closure, reopening, assignment, remedies, orders.

Dates as in test_engine_complaints: Mon 2 Jun 2025 + 5 WD = Mon 9 Jun; ack Wed 4 Jun
+ 10 WD = Wed 18 Jun.
"""

from __future__ import annotations

from app.domain.deadlines import CLOSED, MET, OPEN
from tests.domain.helpers import D, E, deadline, deadlines, findings, make_case

COMPLAINT = make_case(kind="complaint")


def received(at="2025-06-02T10:00", eid="k1", **fields):
    return E(eid, at, "complaint_received", **fields)


def ack(at="2025-06-04T10:00", eid="k2", **fields):
    return E(eid, at, "complaint_ack", **fields)


def response(at="2025-06-18T10:00", eid="k3", **fields):
    return E(eid, at, "complaint_response", **fields)


def refused(at, eid="r1", **fields):
    return E(eid, at, "complaint_refused", **fields)


def closed(at, eid="z1", **fields):
    return E(eid, at, "complaint_closed", **fields)


def audit_of(*raws, as_of="2025-09-01"):
    return findings(list(raws), case=COMPLAINT, as_of=as_of)


def result(*raws, as_of=None):
    return deadlines(list(raws), case=COMPLAINT, as_of=as_of)


# -- refusal to accept ----------------------------------------------------------------------------------


def test_refusal_before_acknowledging_answers_the_ack_and_ends_the_stage():
    raws = [received(matter_date="2023-01-10"), refused("2025-06-05T10:00")]
    assert audit_of(*raws) == []
    r = result(*raws)
    a = deadline(r, "complaint_ack:k1:1")
    assert (a.status, a.met_by) == (MET, "r1")
    assert "complaint_response:k1:1" not in {d.key for d in r.deadlines}


def test_late_refusal_is_a_late_acknowledgement():
    assert audit_of(received(), refused("2025-06-10T10:00")) == [
        ("COMPLAINT_ACK_LATE", "2025-06-09", ["k1"])
    ]


def test_refusal_after_acknowledging_is_the_stages_decision():
    raws = [received(), ack(), refused("2025-06-12T10:00")]
    assert audit_of(*raws) == []
    d = deadline(result(*raws), "complaint_response:k1:1")
    assert (d.status, d.met_by) == (MET, "r1")


def test_refusal_by_the_officer_complained_about_is_a_conflict():
    raws = [received(about_officer="r.price"), refused("2025-06-05T10:00", by="r.price")]
    assert audit_of(*raws) == [("CONFLICT_OF_INTEREST", "2025-06-05", ["r1"])]


# -- closure and reopening ------------------------------------------------------------------------------------


def test_closing_before_the_due_date_ends_the_open_deadlines_without_a_finding():
    raws = [received(), ack(), closed("2025-06-10T10:00")]
    assert audit_of(*raws) == []
    d = deadline(result(*raws), "complaint_response:k1:1")
    assert (d.status, d.closed_on) == (CLOSED, D("2025-06-10"))
    assert d.notes[-1] == "complaint closed Tue 10 Jun 2025"


def test_closing_after_the_due_date_does_not_hide_the_lateness():
    raws = [received(), closed("2025-06-11T10:00")]
    assert audit_of(*raws) == [("COMPLAINT_ACK_LATE", "2025-06-09", ["k1"])]


def test_events_after_the_closure_do_not_meet_the_closed_stage():
    raws = [received(), ack(), closed("2025-06-10T10:00"), response("2025-06-12T10:00")]
    d = deadline(result(*raws), "complaint_response:k1:1")
    assert d.status == CLOSED and d.met_by is None


def test_closure_never_stops_an_escalation_request():
    raws = [
        received(),
        ack(),
        response(),
        E("e1", "2025-06-23T10:00", "escalation_request", stage=2),
        closed("2025-06-24T10:00"),
    ]
    a = deadline(result(*raws), "complaint_ack:k1:2")
    assert a.status == OPEN
    assert ("ESCALATION_IGNORED", "2025-06-30", ["e1"]) in audit_of(*raws)
    # Acknowledged after the closure, in time: met.
    raws.append(E("k5", "2025-06-26T10:00", "complaint_ack", stage=2, by="d.osei"))
    a = deadline(result(*raws), "complaint_ack:k1:2")
    assert (a.status, a.met_by) == (MET, "k5")


def test_reopening_owes_a_new_response_from_the_reopening_date():
    raws = [
        received(),
        ack(),
        response(),
        closed("2025-06-19T10:00"),
        E("o1", "2025-06-23T10:00", "complaint_reopened"),
    ]
    r = result(*raws)
    d = deadline(r, "complaint_response:k1:1:o1")
    # Mon 23 Jun + 10 WD = Mon 7 Jul.
    assert (d.label, d.due, d.started_on, d.status) == (
        "Stage 1 response (reopened)",
        D("2025-07-07"),
        D("2025-06-23"),
        OPEN,
    )
    assert deadline(r, "complaint_response:k1:1").met_by == "k3"  # the first response still counts
    raws.append(response("2025-07-04T10:00", eid="k4"))
    assert deadline(result(*raws), "complaint_response:k1:1:o1").met_by == "k4"
    assert audit_of(*raws) == []


def test_reopened_response_late():
    raws = [
        received(),
        ack(),
        response(),
        closed("2025-06-19T10:00"),
        E("o1", "2025-06-23T10:00", "complaint_reopened"),
    ]
    assert audit_of(*raws, as_of="2025-07-08") == [
        ("COMPLAINT_RESPONSE_LATE", "2025-07-07", ["o1"]),
        ("EXTENSION_NOT_NOTIFIED", "2025-07-07", ["o1"]),
    ]


def test_reopening_an_open_complaint_changes_nothing():
    raws = [received(), ack(), response(), E("o1", "2025-06-23T10:00", "complaint_reopened")]
    assert not [d for d in result(*raws).deadlines if d.key.endswith(":o1")]


# -- assignment -------------------------------------------------------------------------------------------------


def test_assigned_to_the_officer_complained_about_at_receipt():
    raws = [received(about_officer="r.price", handler="r.price"), ack(), response()]
    assert audit_of(*raws) == [("CONFLICT_OF_INTEREST", "2025-06-02", ["k1"])]


def test_reassigned_to_the_officer_complained_about():
    raws = [
        received(about_officer="r.price", handler="s.hughes"),
        E("a1", "2025-06-03T10:00", "complaint_assigned", handler="r.price", stage=1),
        ack(),
        response(),
    ]
    found = audit_of(*raws)
    assert found == [("CONFLICT_OF_INTEREST", "2025-06-03", ["a1"])]


def test_stage_2_assigned_to_the_stage_1_decider():
    raws = [
        received(),
        ack(),
        response(by="s.hughes"),
        E("e1", "2025-06-23T10:00", "escalation_request", stage=2),
        E("a2", "2025-06-24T10:00", "complaint_assigned", handler="s.hughes", stage=2),
        E("k5", "2025-06-25T10:00", "complaint_ack", stage=2, by="d.osei"),
        E("k6", "2025-07-23T10:00", "complaint_response", stage=2, by="d.osei"),
    ]
    assert audit_of(*raws) == [("CONFLICT_OF_INTEREST", "2025-06-24", ["a2"])]


def test_escalation_refused_by_the_stage_1_decider():
    raws = [
        received(),
        ack(),
        response(by="s.hughes"),
        E("e1", "2025-06-23T10:00", "escalation_request", stage=2),
        E("e2", "2025-06-24T10:00", "escalation_refused", stage=2, by="s.hughes"),
    ]
    assert audit_of(*raws) == [("CONFLICT_OF_INTEREST", "2025-06-24", ["e2"])]


def test_compliant_assignments_are_clean():
    raws = [
        received(about_officer="r.price", handler="s.hughes"),
        ack(by="s.hughes"),
        response(by="s.hughes"),
        E("e1", "2025-06-23T10:00", "escalation_request", stage=2),
        E("a2", "2025-06-23T11:00", "complaint_assigned", handler="d.osei", stage=2),
        E("k5", "2025-06-25T10:00", "complaint_ack", stage=2, by="d.osei"),
        E("k6", "2025-07-23T10:00", "complaint_response", stage=2, by="d.osei"),
    ]
    assert audit_of(*raws) == []


# -- remedy actions ------------------------------------------------------------------------------------------------


def remedy_response(**fields):
    return response(
        outstanding=[
            {"text": "Fit door bolts", "due": "2025-06-25"},
            {"text": "Refresher training", "due": "2025-07-31"},
        ],
        **fields,
    )


def test_outstanding_actions_become_deadlines():
    r = result(received(), ack(), remedy_response())
    bolts = deadline(r, "remedy_action:k3:0")
    assert (bolts.kind, bolts.label, bolts.due, bolts.status, bolts.complaint, bolts.stage) == (
        "remedy_action",
        "Put right: Fit door bolts",
        D("2025-06-25"),
        OPEN,
        "k1",
        1,
    )
    assert deadline(r, "remedy_action:k3:1").due == D("2025-07-31")


def test_remedy_action_done_by_an_action_done_naming_the_response():
    raws = [
        received(),
        ack(),
        remedy_response(),
        E("d1", "2025-06-24T10:00", "action_done", plan="k3", action="Fit door bolts"),
        E("d2", "2025-07-30T10:00", "action_done", plan="k3", action="Refresher training"),
    ]
    assert audit_of(*raws) == []
    assert deadline(result(*raws), "remedy_action:k3:0").met_by == "d1"


def test_remedy_action_missed_is_action_overdue_and_outlives_closure():
    raws = [
        received(),
        ack(),
        remedy_response(),
        closed("2025-06-20T10:00", lessons="Bolts ordered late"),
        E("z2", "2025-06-20T11:00", "case_closed"),
        E("d2", "2025-07-30T10:00", "action_done", plan="k3", action="Refresher training"),
    ]
    assert audit_of(*raws) == [("ACTION_OVERDUE", "2025-06-25", ["k3"])]
    assert deadline(result(*raws), "remedy_action:k3:0").status == OPEN


def test_malformed_outstanding_items_are_not_deadlines():
    raws = [
        received(),
        ack(),
        response(outstanding=[{"text": "No date"}, "text only", {"due": "x"}]),
    ]
    assert not [d for d in result(*raws).deadlines if d.kind == "remedy_action"]


# -- Ombudsman orders -----------------------------------------------------------------------------------------------


def order(**fields):
    return E("om1", "2025-06-24T10:00", "ombudsman_order", due="2025-07-22", **fields)


def test_order_met_when_evidence_is_sent_by_its_due_date():
    raws = [
        received(),
        order(),
        E(
            "oc1",
            "2025-07-25T10:00",
            "order_complied",
            order="om1",
            evidence_sent="2025-07-21",
        ),
    ]
    d = deadline(result(*raws), "ombudsman_order:om1")
    assert (d.status, d.met_by, d.met_on, d.late) == (MET, "oc1", D("2025-07-21"), False)


def test_order_evidence_sent_late_is_late():
    raws = [
        order(),
        E("oc1", "2025-07-25T10:00", "order_complied", order="om1", evidence_sent="2025-07-24"),
    ]
    d = deadline(result(*raws), "ombudsman_order:om1")
    assert d.late and d.breached(D("2025-08-01"))


def test_compliance_without_evidence_sent_leaves_the_order_open():
    raws = [order(), E("oc1", "2025-07-01T10:00", "order_complied", order="om1")]
    d = deadline(result(*raws), "ombudsman_order:om1")
    assert d.status == OPEN


def test_refusal_at_stage_2_by_the_stage_1_decider_is_a_conflict():
    raws = [
        received(),
        ack(),
        response(by="s.hughes"),
        E("e1", "2025-06-23T10:00", "escalation_request", stage=2),
        refused("2025-06-24T10:00", by="s.hughes"),
    ]
    assert audit_of(*raws) == [("CONFLICT_OF_INTEREST", "2025-06-24", ["r1"])]
    raws[-1] = refused("2025-06-24T10:00", by="d.osei")
    assert audit_of(*raws) == []
