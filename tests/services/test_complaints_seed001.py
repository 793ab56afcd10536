"""Seed 001 worked example: the complaint timeline replayed through the complaint services.

Replayed as it happened, the services refuse what the rules forbid (the officer
complained about acting on the complaint, an extension notified 3 months late)
and the audit finds the failures the Ombudsman found. Replayed by the book, the
same complaint produces no finding at all. The compensation lands in the heads
and stages of the determination: £200 at stage 1, £500 + £50 at stage 2 (£750
offered), ordered £1,350 = £1,200 ASB handling (incl. £700 offered) + £150
complaint handling (incl. £50 offered).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.calendar import london_date
from app.errors import PermissionDenied, ValidationError
from app.services import complaints as svc
from app.services.auditing import audit_case
from app.services.complaints.compensation import (
    CalculatorInput,
    record_compensation_decision,
    suggest_compensation,
)
from app.services.complaints.ombudsman import record_compliance, record_enquiry, record_order
from app.services.complaints.reading import get_complaint
from tests.domain.helpers import SEED_001, load_bundle, shipped
from tests.services.complaint_helpers import REF, D, at, contact, draft, seed_case

COMPLAINT_CODES = {
    "DISSATISFACTION_NOT_OFFERED",
    "COMPLAINT_ACK_LATE",
    "COMPLAINT_RESPONSE_LATE",
    "EXTENSION_NOT_NOTIFIED",
    "EXTENSION_TOO_LONG",
    "ESCALATION_IGNORED",
    "CONFLICT_OF_INTEREST",
}
AS_OF = D("2025-06-24")


def replay_as_it_happened(ws) -> dict[str, str]:
    """The seed's complaint events through the services; returns seed id -> stored id."""
    ids: dict[str, str] = {}
    seed_case(ws)
    ids["c13"] = contact(
        ws,
        "2024-07-16T10:00:00+01:00",
        "t.okafor",
        "Resident expressed significant dissatisfaction with how the case has been handled.",
        dissatisfaction=True,
    )
    ids["k1"] = svc.receive_complaint(
        ws,
        REF,
        at=at("2024-07-29T09:30:00+01:00"),
        channel="email",
        summary="Formal complaint about the handling of her ASB reports and the lack of contact.",
        about_officer="r.price",
    )
    ids["c16"] = contact(
        ws,
        "2024-08-08T10:00:00+01:00",
        "h.ward",
        "Housing manager: the complaints team will log the complaint.",
        channel="email",
        topic="complaint",
    )
    # The officer complained about cannot acknowledge it through the complaint process ...
    with pytest.raises(PermissionDenied, match="about r.price"):
        svc.acknowledge(ws, REF, by="r.price", at=at("2024-08-08T13:00:00+01:00"))
    # ... but a call logged in the contact log is recorded, and the audit flags it.
    ids["c17"] = contact(
        ws,
        "2024-08-08T14:00:00+01:00",
        "r.price",
        "Former case officer called about 'your complaint regarding the lack of contact from me'.",
        topic="complaint",
    )
    ids["k2"] = svc.respond(
        ws,
        REF,
        at=at("2024-08-30T16:00:00+01:00"),
        by="m.fleming",
        draft=draft(compensation=[("distress_inconvenience", 200)]),
    )
    ids["e1"] = svc.request_escalation(
        ws, REF, at=at("2024-09-15T20:14:00+01:00"), summary="Disputes dates; £200 'an insult'."
    )
    ids["c19"] = contact(
        ws,
        "2024-09-23T10:05:00+01:00",
        "resident",
        "Resident asked for an update on her escalation request.",
        channel="email",
        direction="in",
        topic="complaint",
    )
    # Closing does not stop an escalation request's clock.
    with pytest.raises(ValidationError, match="escalate"):
        svc.close_complaint(
            ws, REF, outcome="Resolved", lessons="None", at=at("2024-10-01T10:00:00+01:00")
        )
    ids["k3"] = svc.acknowledge(ws, REF, by="d.osei", at=at("2025-01-29T11:00:00+00:00"))
    # The extension agreed on 29 Jan 2025 came 3 months after the response was due.
    with pytest.raises(ValidationError, match="had to be sent by then"):
        svc.agree_extension(
            ws,
            REF,
            new_due=D("2025-02-13"),
            reason="Visit agreed with the resident",
            by="d.osei",
            at=at("2025-01-29T11:30:00+00:00"),
        )
    # The stage 1 decider cannot decide stage 2.
    with pytest.raises(PermissionDenied, match="m.fleming decided an earlier stage"):
        svc.respond(ws, REF, at=at("2025-02-13T15:00:00+00:00"), by="m.fleming", draft=draft())
    ids["k4"] = svc.respond(
        ws,
        REF,
        at=at("2025-02-13T16:00:00+00:00"),
        by="d.osei",
        draft=draft(
            points=(
                ("Handling of the ASB reports", "upheld", "Handled poorly, too little oversight"),
                ("Escalation not actioned", "upheld", "We failed to escalate in September"),
            ),
            compensation=[("distress_inconvenience", 500), ("complaint_handling", 50)],
            escalation="This is our final response; you can refer it to the Housing Ombudsman.",
        ),
    )
    record_compensation_decision(ws, REF, accepted=False, at=at("2025-02-23T10:00:00+00:00"))
    ids["om0"] = record_enquiry(
        ws,
        REF,
        reference="202427054",
        stage="determination",
        at=at("2025-06-24T09:55:00+01:00"),
    )
    ids["om1"] = record_order(
        ws,
        REF,
        at=at("2025-06-24T10:00:00+01:00"),
        weeks=4,
        enquiry=ids["om0"],
        text="Written apology; pay £1,350; evidence of compliance by the same date.",
        compensation=[("distress_inconvenience", 1200), ("complaint_handling", 150)],
    )
    return ids


def complaint_findings(ws, as_of=AS_OF):
    report = audit_case(ws, REF, as_of)
    return [
        (f.code, f.date.isoformat(), list(f.events))
        for f in report.findings
        if f.code in COMPLAINT_CODES
    ]


def test_replay_finds_what_the_ombudsman_found(ws):
    ids = replay_as_it_happened(ws)
    seed = load_bundle(SEED_001)
    from app.domain.audit import audit

    expected = [
        (f.code, f.date.isoformat(), [ids[e] for e in f.events])
        for f in audit(seed.case, seed.events, shipped(), AS_OF)
        if f.code in COMPLAINT_CODES
    ]
    assert complaint_findings(ws) == expected
    assert [(c, d) for c, d, _ in expected] == [
        ("DISSATISFACTION_NOT_OFFERED", "2024-07-23"),
        ("COMPLAINT_ACK_LATE", "2024-08-05"),
        ("CONFLICT_OF_INTEREST", "2024-08-08"),
        ("COMPLAINT_RESPONSE_LATE", "2024-08-19"),
        ("EXTENSION_NOT_NOTIFIED", "2024-08-19"),
        ("ESCALATION_IGNORED", "2024-09-20"),
        ("COMPLAINT_RESPONSE_LATE", "2024-10-18"),
        ("EXTENSION_NOT_NOTIFIED", "2024-10-18"),
    ]


def test_replay_stage_track_shows_the_delays(ws):
    ids = replay_as_it_happened(ws)
    view = get_complaint(ws, REF, as_of=AS_OF)
    s1, s2 = view.stages
    assert [(st.label, st.state) for st in s1.steps] == [
        ("Received", "done"),
        ("Acknowledged", "missed"),
        ("Response", "late"),
    ]
    assert [(st.label, st.state, st.day) for st in s2.steps] == [
        ("Escalation requested", "done", D("2024-09-15")),
        ("Acknowledged", "late", D("2025-01-29")),
        ("Response", "late", D("2025-02-13")),
    ]
    assert s2.decided_by == "d.osei" and s1.decided_by == "m.fleming"
    codes = {f.code for f in view.findings}
    assert {"COMPLAINT_ACK_LATE", "ESCALATION_IGNORED", "CONFLICT_OF_INTEREST"} <= codes
    assert ids["e1"] in {e for f in view.findings for e in f.events}
    # The order is the next thing owed: 4 weeks from the report, 20 WD left on the day.
    assert (view.next_action.action, view.next_action.due) == ("comply", D("2025-07-22"))
    (order,) = view.orders
    assert (order.due, order.status, order.wd_left) == (D("2025-07-22"), "open", 20)


def test_compensation_lands_in_the_right_heads_and_stages(ws):
    replay_as_it_happened(ws)
    comp = get_complaint(ws, REF, as_of=AS_OF).compensation
    assert comp.columns == ("Stage 1 offer", "Stage 2 offer", "Accepted", "Ombudsman order", "Paid")
    rows = {r.head: r.cells for r in comp.rows}
    assert rows == {
        "distress_inconvenience": (Decimal(200), Decimal(500), 0, Decimal(1200), 0),
        "complaint_handling": (0, Decimal(50), 0, Decimal(150), 0),
    }
    assert comp.total_offered == Decimal(750)
    assert comp.totals == (Decimal(200), Decimal(550), 0, Decimal(1350), 0)
    assert comp.decision == "declined" and comp.decided_on == D("2025-02-23")
    assert (comp.owed, comp.outstanding) == (Decimal(1350), Decimal(1350))


def test_calculator_reproduces_the_order_and_explains_it(ws):
    replay_as_it_happened(ws)
    calc = suggest_compensation(
        ws,
        REF,
        [
            # Sep 2023 report to the Feb 2025 stage 2 response: 17 months.
            CalculatorInput("distress_inconvenience", severity="significant", months=17),
            # Escalation ignored from Sep 2024 to the Feb 2025 response: 5 months.
            CalculatorInput("complaint_handling", severity="adverse_effect", months=5),
        ],
    )
    asb, handling = calc.items
    assert (asb.amount, asb.further) == (Decimal(1200), Decimal(500))
    assert (handling.amount, handling.further) == (Decimal(150), Decimal(100))
    assert calc.total == Decimal(1350)
    assert asb.lines == (
        "Distress and inconvenience: significant failure with a significant impact, which the "
        "remedies guidance puts at £600 to £1,000.",
        "It affected the resident for 17 months (over a year), which places it at the top of "
        "the band: £1,000.",
        "The household includes a vulnerable person (autism and neurodiverse conditions (son, "
        "under 18); victim of serious violence (son)), so the impact was greater: £1,000 × 1.2 = "
        "£1,200.",
        "£700 has already been offered, so this is a further £500.",
    )
    assert "£50 has already been offered, so this is a further £100." in handling.lines
    assert "In total: £1,200 + £150 = £1,350." in calc.text


def test_order_met_when_evidence_is_sent_in_time(ws, clock):
    ids = replay_as_it_happened(ws)
    clock.set("2025-07-21T12:00:00+00:00")
    record_compliance(
        ws,
        REF,
        ids["om1"],
        evidence="Apology letter of 1 Jul and payment of £1,350 on 3 Jul",
        evidence_sent=D("2025-07-21"),
    )
    (order,) = get_complaint(ws, REF).orders
    assert (order.status, order.done_on, order.late) == ("met", D("2025-07-21"), False)


# -- the same complaint handled by the book ---------------------------------------------------------------------


def replay_by_the_book(ws) -> dict[str, str]:
    ids: dict[str, str] = {}
    seed_case(ws)
    from app.services.cases import record_event

    record_event(
        ws,
        REF,
        {
            "type": "vulnerability_plan",
            "at": "2024-07-16T09:00:00+01:00",
            "adjustments": "Son autistic: contact by email first; no unannounced visits",
        },
    )
    ids["c13"] = contact(
        ws,
        "2024-07-16T10:00:00+01:00",
        "t.okafor",
        "Resident expressed significant dissatisfaction with how the case has been handled.",
        dissatisfaction=True,
    )
    offered = svc.offer_complaint(
        ws,
        REF,
        ids["c13"],
        accepted=True,
        at=at("2024-07-16T10:30:00+01:00"),
        summary="Complaint about the handling of her ASB reports and the lack of contact.",
        about_officer="r.price",
        handler="s.hughes",
        points=["Handling of the ASB reports", "Lack of contact from the housing officer"],
        matter_date=D("2023-09-18"),
        late_reason="The ASB case is still open: the matter is continuing",
    )
    ids["k1"] = offered[1]
    svc.acknowledge(ws, REF, by="s.hughes", at=at("2024-07-18T10:00:00+01:00"))
    svc.agree_extension(
        ws,
        REF,
        new_due=D("2024-08-12"),
        reason="Waiting for the police disclosure",
        by="s.hughes",
        at=at("2024-07-31T10:00:00+01:00"),
    )
    points = (
        ("Handling of the ASB reports", "upheld", "The ASB policy was not followed"),
        ("Lack of contact from the housing officer", "upheld", "Calls were not returned"),
    )
    ids["k2"] = svc.respond(
        ws,
        REF,
        by="s.hughes",
        at=at("2024-08-09T15:00:00+01:00"),
        draft=draft(points=points, compensation=[("distress_inconvenience", 200)]),
    )
    ids["e1"] = svc.request_escalation(ws, REF, at=at("2024-08-20T09:00:00+01:00"))
    svc.acknowledge(ws, REF, by="d.osei", at=at("2024-08-22T10:00:00+01:00"))
    svc.respond(
        ws,
        REF,
        by="d.osei",
        at=at("2024-09-19T15:00:00+01:00"),
        draft=draft(
            points=points,
            compensation=[("distress_inconvenience", 500), ("complaint_handling", 50)],
            escalation="This is our final response; you can refer it to the Housing Ombudsman.",
        ),
    )
    svc.close_complaint(
        ws,
        REF,
        outcome="Upheld at stage 2; £750 offered",
        lessons="Monitor absent officers' inboxes; risk-assess ASB reports within 1 WD",
        at=at("2024-10-01T10:00:00+01:00"),
    )
    return ids


def test_by_the_book_produces_no_finding(ws):
    replay_by_the_book(ws)
    assert audit_case(ws, REF, AS_OF).findings == ()
    view = get_complaint(ws, REF, as_of=AS_OF)
    assert view.status == "closed" and view.compensation.total_offered == Decimal(750)
    assert view.lessons == (
        "Monitor absent officers' inboxes; risk-assess ASB reports within 1 WD",
    )
    assert all(st.state in ("done", "info") for s in view.stages for st in s.steps)


def test_by_the_book_dates_are_london_dates(ws):
    ids = replay_by_the_book(ws)
    view = get_complaint(ws, REF, as_of=AS_OF)
    assert view.id == ids["k1"]
    assert view.received_on == london_date(at("2024-07-16T10:30:00+01:00"))


def test_imported_seed_bundle_gives_the_same_complaint_view(ws, seed001_doc):
    from app.services.bundles import import_bundle

    import_bundle(ws, seed001_doc)
    view = get_complaint(ws, REF, as_of=AS_OF)
    assert [e.id for e in view.enquiries] == ["om0", "omd"]
    assert [o.source for o in view.orders] == ["om1"]
    assert view.compensation.totals == (Decimal(200), Decimal(550), 0, Decimal(1350), 0)
    assert view.about_officer == "r.price" and view.conflicted == {"r.price", "m.fleming"}
    codes = [(f.code, f.date.isoformat(), f.events) for f in view.findings]
    assert codes == [
        ("COMPLAINT_ACK_LATE", "2024-08-05", ("k1",)),
        ("CONFLICT_OF_INTEREST", "2024-08-08", ("c17",)),
        ("COMPLAINT_RESPONSE_LATE", "2024-08-19", ("k1",)),
        ("EXTENSION_NOT_NOTIFIED", "2024-08-19", ("k1",)),
        ("ESCALATION_IGNORED", "2024-09-20", ("e1",)),
        ("COMPLAINT_RESPONSE_LATE", "2024-10-18", ("e1",)),
        ("EXTENSION_NOT_NOTIFIED", "2024-10-18", ("e1",)),
    ]
