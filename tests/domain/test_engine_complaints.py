"""Complaint deadlines and rules (DOMAIN_RULES.md §2, §8).

Dates are in June-August 2025 (no bank holiday before Mon 25 Aug):
Mon 2 Jun + 5 WD = Mon 9 Jun; Wed 4 Jun + 10 WD = Wed 18 Jun; Wed 18 Jun + 10 WD = Wed 2 Jul.
"""

from __future__ import annotations

import pytest

from app.domain.deadlines import MET, OPEN
from tests.domain.helpers import (
    D,
    E,
    deadline,
    deadlines,
    findings,
    make_case,
    out,
    shipped,
)

COMPLAINT = make_case(kind="complaint")
HEXAGON = make_case(kind="complaint", policy="hexagon-4-stage")


def received(at="2025-06-02T10:00", eid="k1", **fields):
    return E(eid, at, "complaint_received", **fields)


def ack(at, eid="k2", **fields):
    return E(eid, at, "complaint_ack", **fields)


def response(at, eid="k3", **fields):
    return E(eid, at, "complaint_response", **fields)


def extension(at, new_due, eid="x1", **fields):
    return E(eid, at, "extension_notice", new_due=new_due, **fields)


def audit_of(*raws, policy=None, case=COMPLAINT, as_of="2025-09-01"):
    return findings(list(raws), case=case, policy=policy, as_of=as_of)


# -- stage 1: acknowledgement and response ----------------------------------------------------


def test_stage_1_by_the_book():
    assert audit_of(received(), ack("2025-06-04T10:00"), response("2025-06-18T10:00")) == []


def test_stage_1_deadlines():
    result = deadlines(
        [received(), ack("2025-06-04T10:00"), response("2025-06-18T10:00")], case=COMPLAINT
    )
    a = deadline(result, "complaint_ack:k1:1")
    assert (a.due, a.status, a.met_by, a.policy) == (D("2025-06-09"), MET, "k2", "code-2024@3")
    r = deadline(result, "complaint_response:k1:1")
    assert (r.due, r.started_on, r.status, r.met_by) == (
        D("2025-06-18"),
        D("2025-06-04"),
        MET,
        "k3",
    )
    assert r.stage == 1 and r.complaint == "k1"


def test_ack_late():
    found = audit_of(received(), ack("2025-06-10T10:00"), response("2025-06-18T10:00"))
    assert found == [("COMPLAINT_ACK_LATE", "2025-06-09", ["k1"])]


def test_ack_on_the_due_date_is_in_time():
    assert audit_of(received(), ack("2025-06-09T16:00"), response("2025-06-23T10:00")) == []


def test_ack_never_sent():
    # Response clock runs from the date the ack was due: 9 Jun + 10 WD = 23 Jun.
    found = audit_of(received(), response("2025-06-23T10:00"))
    assert found == [("COMPLAINT_ACK_LATE", "2025-06-09", ["k1"])]


def test_ack_not_a_finding_until_its_due_date_has_passed():
    raws = [received()]
    assert audit_of(*raws, as_of="2025-06-09") == []
    assert audit_of(*raws, as_of="2025-06-10") == [("COMPLAINT_ACK_LATE", "2025-06-09", ["k1"])]


def test_late_ack_never_buys_time():
    # Ack due 9 Jun, sent 11 Jun: the response is due 10 WD after 9 Jun (23 Jun), not 25 Jun.
    raws = [received(), ack("2025-06-11T10:00"), response("2025-06-24T10:00")]
    assert audit_of(*raws) == [
        ("COMPLAINT_ACK_LATE", "2025-06-09", ["k1"]),
        ("COMPLAINT_RESPONSE_LATE", "2025-06-23", ["k1"]),
        ("EXTENSION_NOT_NOTIFIED", "2025-06-23", ["k1"]),
    ]
    r = deadline(deadlines(raws, case=COMPLAINT), "complaint_response:k1:1")
    assert r.started_on == D("2025-06-09")
    assert r.due == D("2025-06-23")


def test_late_ack_response_on_the_due_date_is_in_time():
    raws = [received(), ack("2025-06-11T10:00"), response("2025-06-23T10:00")]
    assert audit_of(*raws) == [("COMPLAINT_ACK_LATE", "2025-06-09", ["k1"])]


def test_early_ack_starts_the_response_clock_early():
    # Acknowledged on the day of receipt: response due 16 Jun.
    raws = [received(), ack("2025-06-02T15:00"), response("2025-06-17T10:00")]
    assert audit_of(*raws) == [
        ("COMPLAINT_RESPONSE_LATE", "2025-06-16", ["k1"]),
        ("EXTENSION_NOT_NOTIFIED", "2025-06-16", ["k1"]),
    ]


def test_response_late_without_extension():
    raws = [received(), ack("2025-06-04T10:00"), response("2025-06-19T10:00")]
    assert audit_of(*raws) == [
        ("COMPLAINT_RESPONSE_LATE", "2025-06-18", ["k1"]),
        ("EXTENSION_NOT_NOTIFIED", "2025-06-18", ["k1"]),
    ]


def test_response_never_sent():
    raws = [received(), ack("2025-06-04T10:00")]
    assert audit_of(*raws, as_of="2025-06-18") == []
    assert audit_of(*raws, as_of="2025-06-19") == [
        ("COMPLAINT_RESPONSE_LATE", "2025-06-18", ["k1"]),
        ("EXTENSION_NOT_NOTIFIED", "2025-06-18", ["k1"]),
    ]


# -- extensions ----------------------------------------------------------------------------------


def test_extension_within_the_maximum_moves_the_due_date():
    raws = [
        received(),
        ack("2025-06-04T10:00"),
        extension("2025-06-16T10:00", "2025-07-02"),  # 18 Jun + 10 WD = 2 Jul: the maximum
        response("2025-07-02T10:00"),
    ]
    assert audit_of(*raws) == []
    r = deadline(deadlines(raws, case=COMPLAINT), "complaint_response:k1:1")
    assert (r.due, r.original_due) == (D("2025-07-02"), D("2025-06-18"))


def test_response_late_after_an_extension_is_late_but_was_notified():
    raws = [
        received(),
        ack("2025-06-04T10:00"),
        extension("2025-06-16T10:00", "2025-06-25"),
        response("2025-06-26T10:00"),
    ]
    assert audit_of(*raws) == [("COMPLAINT_RESPONSE_LATE", "2025-06-25", ["k1"])]


def test_extension_notified_after_the_due_date_does_not_count():
    raws = [
        received(),
        ack("2025-06-04T10:00"),
        extension("2025-06-19T10:00", "2025-07-02"),
        response("2025-07-01T10:00"),
    ]
    assert audit_of(*raws) == [
        ("COMPLAINT_RESPONSE_LATE", "2025-06-18", ["k1"]),
        ("EXTENSION_NOT_NOTIFIED", "2025-06-18", ["k1"]),
    ]
    r = deadline(deadlines(raws, case=COMPLAINT), "complaint_response:k1:1")
    assert r.due == D("2025-06-18")
    assert any("does not count" in n for n in r.notes)


def test_extension_too_long():
    raws = [
        received(),
        ack("2025-06-04T10:00"),
        extension("2025-06-16T10:00", "2025-07-09"),  # 15 WD: over the 10 WD maximum
        response("2025-07-01T10:00"),
    ]
    assert audit_of(*raws) == [("EXTENSION_TOO_LONG", "2025-06-16", ["x1"])]


def test_extension_too_long_only_extends_to_the_maximum():
    raws = [
        received(),
        ack("2025-06-04T10:00"),
        extension("2025-06-16T10:00", "2025-07-09"),
        response("2025-07-08T10:00"),
    ]
    assert audit_of(*raws) == [
        ("EXTENSION_TOO_LONG", "2025-06-16", ["x1"]),
        ("COMPLAINT_RESPONSE_LATE", "2025-07-02", ["k1"]),
    ]
    r = deadline(deadlines(raws, case=COMPLAINT), "complaint_response:k1:1")
    assert r.due == D("2025-07-02")


def test_second_extension_counts_if_notified_before_the_extended_date():
    raws = [
        received(),
        ack("2025-06-04T10:00"),
        extension("2025-06-16T10:00", "2025-06-25"),
        extension("2025-06-24T10:00", "2025-07-02", eid="x2"),
        response("2025-07-02T10:00"),
    ]
    assert audit_of(*raws) == []


# -- stage 2: escalation -----------------------------------------------------------------------------

STAGE_1 = [received(), ack("2025-06-04T10:00"), response("2025-06-18T10:00")]


def escalation(at="2025-06-23T10:00", eid="e1", **fields):
    return E(eid, at, "escalation_request", **fields)


def stage2_ack(at, eid="k5", by="d.osei"):
    return E(eid, at, "complaint_ack", stage=2, by=by)


def stage2_response(at, eid="k6", by="d.osei"):
    return E(eid, at, "complaint_response", stage=2, by=by)


def test_two_stages_by_the_book():
    raws = [
        *STAGE_1,
        escalation(),
        stage2_ack("2025-06-25T10:00"),
        stage2_response("2025-07-23T10:00"),
    ]
    assert audit_of(*raws) == []


def test_stage_2_counted_20_wd_from_the_acknowledgement():
    # Request Mon 23 Jun, ack Wed 25 Jun: due Wed 23 Jul (from the request it would be 21 Jul).
    raws = [
        *STAGE_1,
        escalation(),
        stage2_ack("2025-06-25T10:00"),
        stage2_response("2025-07-22T10:00"),
    ]
    r = deadline(deadlines(raws, case=COMPLAINT), "complaint_response:k1:2")
    assert r.due == D("2025-07-23")
    assert r.started_on == D("2025-06-25")
    a = deadline(deadlines(raws, case=COMPLAINT), "complaint_ack:k1:2")
    assert (a.kind, a.due, a.met_by) == ("escalation_ack", D("2025-06-30"), "k5")


def test_stage_2_response_late():
    raws = [
        *STAGE_1,
        escalation(),
        stage2_ack("2025-06-25T10:00"),
        stage2_response("2025-07-24T10:00"),
    ]
    assert audit_of(*raws) == [
        ("COMPLAINT_RESPONSE_LATE", "2025-07-23", ["e1"]),
        ("EXTENSION_NOT_NOTIFIED", "2025-07-23", ["e1"]),
    ]


def test_stage_2_extension_up_to_20_wd():
    # 23 Jul + 20 WD = 20 Aug.
    raws = [
        *STAGE_1,
        escalation(),
        stage2_ack("2025-06-25T10:00"),
        extension("2025-07-21T10:00", "2025-08-20", eid="x2", stage=2),
        stage2_response("2025-08-20T10:00"),
    ]
    assert audit_of(*raws) == []
    too_long = [*raws[:-2], extension("2025-07-21T10:00", "2025-08-21", eid="x2", stage=2)]
    assert audit_of(*too_long, stage2_response("2025-08-20T10:00")) == [
        ("EXTENSION_TOO_LONG", "2025-07-21", ["x2"])
    ]


def test_escalation_ignored():
    raws = [*STAGE_1, escalation()]
    # Neither acknowledged nor refused by Mon 30 Jun; the stage 2 clock runs from then
    # (30 Jun + 20 WD = 28 Jul). Not also a stage 2 COMPLAINT_ACK_LATE.
    assert audit_of(*raws) == [
        ("ESCALATION_IGNORED", "2025-06-30", ["e1"]),
        ("COMPLAINT_RESPONSE_LATE", "2025-07-28", ["e1"]),
        ("EXTENSION_NOT_NOTIFIED", "2025-07-28", ["e1"]),
    ]
    assert audit_of(*raws, as_of="2025-06-30") == []


def test_escalation_acknowledged_late():
    raws = [
        *STAGE_1,
        escalation(),
        stage2_ack("2025-07-02T10:00"),
        stage2_response("2025-07-28T10:00"),
    ]
    assert audit_of(*raws) == [("ESCALATION_IGNORED", "2025-06-30", ["e1"])]


def test_escalation_refused_in_writing_in_time_stops_the_stage_2_clock():
    raws = [*STAGE_1, escalation(), E("e2", "2025-06-26T10:00", "escalation_refused")]
    assert audit_of(*raws) == []
    result = deadlines(raws, case=COMPLAINT)
    keys = {d.key for d in result.deadlines}
    assert "complaint_response:k1:2" not in keys
    a = deadline(result, "complaint_ack:k1:2")
    assert (a.status, a.met_by) == (MET, "e2")


def test_escalation_refused_late():
    raws = [*STAGE_1, escalation(), E("e2", "2025-07-02T10:00", "escalation_refused")]
    assert audit_of(*raws) == [("ESCALATION_IGNORED", "2025-06-30", ["e1"])]


def test_repeated_escalation_request_does_not_restart_the_clock():
    raws = [
        *STAGE_1,
        escalation(),
        escalation("2025-07-07T10:00", eid="e3"),
        stage2_ack("2025-07-08T10:00"),
        stage2_response("2025-07-28T10:00"),
    ]
    assert audit_of(*raws) == [("ESCALATION_IGNORED", "2025-06-30", ["e1"])]


# -- conflict of interest --------------------------------------------------------------------------


def test_complaint_about_an_officer_acknowledged_by_that_officer():
    raws = [
        received(about_officer="r.price"),
        ack("2025-06-04T10:00", by="r.price"),
        response("2025-06-18T10:00"),
    ]
    assert audit_of(*raws) == [("CONFLICT_OF_INTEREST", "2025-06-04", ["k2"])]


def test_complaint_about_an_officer_decided_by_that_officer():
    raws = [
        received(about_officer="r.price"),
        ack("2025-06-04T10:00"),
        response("2025-06-18T10:00", by="r.price"),
    ]
    assert audit_of(*raws) == [("CONFLICT_OF_INTEREST", "2025-06-18", ["k3"])]


def test_complaint_about_an_officer_handled_by_that_officer_in_a_call():
    raws = [
        received(about_officer="r.price"),
        ack("2025-06-04T10:00"),
        E(
            "c1",
            "2025-06-05T14:00",
            "contact",
            channel="phone",
            direction="out",
            by="r.price",
            topic="complaint",
        ),
        response("2025-06-18T10:00"),
    ]
    assert audit_of(*raws) == [("CONFLICT_OF_INTEREST", "2025-06-05", ["c1"])]


def test_complaint_about_an_officer_handled_by_others():
    raws = [
        received(about_officer="r.price"),
        ack("2025-06-04T10:00"),
        E(
            "c1",
            "2025-06-05T14:00",
            "contact",
            channel="phone",
            direction="out",
            by="h.ward",
            topic="complaint",
        ),
        # The officer may still work the case itself, outside the complaint.
        E("c2", "2025-06-06T14:00", "contact", channel="phone", direction="out", by="r.price"),
        response("2025-06-18T10:00"),
    ]
    assert audit_of(*raws) == []


def test_stage_2_decided_by_the_stage_1_handler():
    raws = [
        *STAGE_1,
        escalation(),
        stage2_ack("2025-06-25T10:00"),
        stage2_response("2025-07-23T10:00", by="s.hughes"),  # stage 1 was s.hughes too
    ]
    assert audit_of(*raws) == [("CONFLICT_OF_INTEREST", "2025-07-23", ["k6"])]


# -- the older four-stage policy -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hexagon():
    return shipped("hexagon-4-stage")


def test_hexagon_stage_1_response_15_wd_from_receipt(hexagon):
    # Mon 2 Jun + 15 WD = Mon 23 Jun; no acknowledgement timescale.
    raws = [received(), response("2025-06-23T10:00")]
    assert audit_of(*raws, policy=hexagon, case=HEXAGON) == []
    result = deadlines(raws, case=HEXAGON, policy=hexagon)
    assert [d.key for d in result.deadlines] == ["complaint_response:k1:1"]
    r = result.deadlines[0]
    assert (r.due, r.started_on, r.policy) == (
        D("2025-06-23"),
        D("2025-06-02"),
        "hexagon-4-stage@1",
    )


def test_hexagon_stage_1_late(hexagon):
    raws = [received(), response("2025-06-24T10:00")]
    assert audit_of(*raws, policy=hexagon, case=HEXAGON) == [
        ("COMPLAINT_RESPONSE_LATE", "2025-06-23", ["k1"]),
        ("EXTENSION_NOT_NOTIFIED", "2025-06-23", ["k1"]),
    ]


def test_hexagon_initial_stage_has_no_timescale(hexagon):
    raws = [received(stage=0)]
    assert deadlines(raws, case=HEXAGON, policy=hexagon).deadlines == ()
    assert audit_of(*raws, policy=hexagon, case=HEXAGON) == []


def test_hexagon_stage_2_from_the_request_and_stage_3_without_timescale(hexagon):
    raws = [
        received(),
        response("2025-06-23T10:00"),
        escalation("2025-06-30T10:00", stage=2),
        stage2_response("2025-07-21T10:00"),  # 30 Jun + 15 WD = 21 Jul
        escalation("2025-07-28T10:00", eid="e3", stage=3),
    ]
    assert audit_of(*raws, policy=hexagon, case=HEXAGON) == []
    result = deadlines(raws, case=HEXAGON, policy=hexagon)
    assert deadline(result, "complaint_response:k1:2").due == D("2025-07-21")
    assert not [d for d in result.deadlines if d.stage == 3]


# -- holds and closure never stop a complaint clock -----------------------------------------------------


@pytest.mark.parametrize("kind", [None, "complaint_response"])
def test_hold_on_a_complaint_deadline_is_ignored(kind):
    hold = E("h1", "2025-06-10T10:00", "hold_started", deadline="k1")
    if kind:
        hold["kind"] = kind
    raws = [
        received(),
        ack("2025-06-04T10:00"),
        hold,
        E("h2", "2025-06-20T10:00", "hold_ended", deadline="k1"),
        response("2025-06-24T10:00"),
    ]
    assert audit_of(*raws) == [
        ("COMPLAINT_RESPONSE_LATE", "2025-06-18", ["k1"]),
        ("EXTENSION_NOT_NOTIFIED", "2025-06-18", ["k1"]),
    ]
    r = deadline(deadlines(raws, case=COMPLAINT), "complaint_response:k1:1")
    assert r.holds == ()
    assert r.due == D("2025-06-18")
    assert any("ignored" in n for n in r.notes)


def test_open_hold_on_a_complaint_does_not_pause_it():
    raws = [
        received(),
        ack("2025-06-04T10:00"),
        E("h1", "2025-06-10T10:00", "hold_started", deadline="k1"),
    ]
    r = deadline(deadlines(raws, case=COMPLAINT), "complaint_response:k1:1")
    assert (r.status, r.due) == (OPEN, D("2025-06-18"))
    assert ("COMPLAINT_RESPONSE_LATE", "2025-06-18", ["k1"]) in audit_of(*raws)


def test_case_closure_does_not_end_a_complaint():
    raws = [received(), ack("2025-06-04T10:00"), E("z1", "2025-06-05T10:00", "case_closed")]
    assert audit_of(*raws) == [
        ("COMPLAINT_RESPONSE_LATE", "2025-06-18", ["k1"]),
        ("EXTENSION_NOT_NOTIFIED", "2025-06-18", ["k1"]),
    ]
    assert deadline(deadlines(raws, case=COMPLAINT), "complaint_response:k1:1").status == OPEN


# -- several complaints -----------------------------------------------------------------------------------


def test_events_belong_to_the_latest_complaint_unless_named():
    raws = [
        received(),
        received("2025-06-03T10:00", eid="k9"),
        ack("2025-06-04T10:00", complaint="k1"),
        ack("2025-06-04T11:00", eid="k10"),  # belongs to k9, the latest
        response("2025-06-18T10:00", complaint="k1"),
        response("2025-06-18T11:00", eid="k11"),
    ]
    assert audit_of(*raws) == []
    result = deadlines(raws, case=COMPLAINT)
    assert deadline(result, "complaint_ack:k1:1").met_by == "k2"
    assert deadline(result, "complaint_ack:k9:1").met_by == "k10"
    assert deadline(result, "complaint_response:k9:1").met_by == "k11"


def test_unnamed_ack_does_not_meet_an_older_complaint():
    raws = [received(), received("2025-06-03T10:00", eid="k9"), ack("2025-06-04T10:00")]
    found = audit_of(*raws, as_of="2025-06-10")
    assert ("COMPLAINT_ACK_LATE", "2025-06-09", ["k1"]) in found
    assert not [f for f in found if f[2] == ["k9"]]


# -- a complete compliant history -------------------------------------------------------------------------


def test_two_stage_complaint_with_in_time_extensions_is_clean():
    raws = [
        E(
            "c1",
            "2025-05-30T10:00",
            "contact",
            channel="phone",
            direction="in",
            dissatisfaction=True,
        ),
        E("o1", "2025-05-30T10:30", "complaint_offered", accepted=True),
        received(about_officer="r.price"),
        ack("2025-06-04T10:00", by="s.hughes"),
        extension("2025-06-16T10:00", "2025-06-30", reason="Awaiting the contractor's report"),
        response(
            "2025-06-27T10:00",
            by="s.hughes",
            compensation=[{"head": "time_trouble", "amount": 50}],
        ),
        escalation("2025-07-07T10:00"),
        stage2_ack("2025-07-09T10:00"),  # stage 2 due 9 Jul + 20 WD = 6 Aug
        out("c2", "2025-07-21T10:00", "email", topic="complaint", by="d.osei"),
        # 6 Aug + 20 WD = 4 Sep (Mon 25 Aug excluded); 27 Aug is inside it.
        extension("2025-08-04T10:00", "2025-08-27", eid="x2", stage=2),
        stage2_response("2025-08-26T10:00"),
    ]
    case = make_case(kind="complaint", opened="2025-05-30")
    assert audit_of(*raws, case=case) == []
    result = deadlines(raws, case=case, as_of="2025-09-01")
    s2 = deadline(result, "complaint_response:k1:2")
    assert (s2.original_due, s2.due, s2.status) == (D("2025-08-06"), D("2025-08-27"), MET)
    s1 = deadline(result, "complaint_response:k1:1")
    assert (s1.original_due, s1.due) == (D("2025-06-18"), D("2025-06-30"))
    assert result.open() == []


def test_extension_notified_on_the_due_date_counts():
    # The engine's reading of "notified before the due date it extends": a notice sent on
    # the due date itself is in time, like any other action on its due date.
    raws = [
        received(),
        ack("2025-06-04T10:00"),
        extension("2025-06-18T10:00", "2025-06-25"),
        response("2025-06-25T10:00"),
    ]
    assert audit_of(*raws) == []
