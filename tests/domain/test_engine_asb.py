"""ASB case work (DOMAIN_RULES.md §4, §8): risk assessment, action plan, plan actions,
the update schedule, partner agencies, home visits, vulnerabilities and closure.

Dates are in June 2025: Mon 2 Jun + 1 WD = Tue 3; + 3 WD = Thu 5; + 5 WD = Mon 9 Jun.
"""

from __future__ import annotations

import pytest

from app.domain.deadlines import CLOSED, MET
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

ASB = make_case(kind="asb")

ACTIONS = [{"text": "Letter to neighbour", "owner": "k.mensah", "due": "2025-06-06"}]

# A high-risk report handled by the book, closed on 20 Jun.
BY_THE_BOOK = [
    E("r1", "2025-06-02T10:00", "asb_report", risk_hint="threat"),
    E("ra1", "2025-06-02T15:00", "risk_assessment", tier="high"),
    E("p1", "2025-06-03T10:00", "action_plan_agreed", actions=ACTIONS, update_every_wd=10),
    out("c1", "2025-06-03T11:00", "email", summary="Written confirmation of the plan"),
    E("d1", "2025-06-05T10:00", "action_done", plan="p1", action="Letter to neighbour"),
    out("c2", "2025-06-13T10:00", "phone"),
    E("x1", "2025-06-20T10:00", "case_closed"),
]


def edit(base=BY_THE_BOOK, drop=(), add=(), **changes):
    """A copy of ``base`` without ``drop``, with fields changed by id, plus ``add``."""
    out_ = []
    for raw in base:
        if raw["id"] in drop:
            continue
        raw = dict(raw)
        raw.update(changes.get(raw["id"], {}))
        out_.append(raw)
    return [*out_, *add]


def audit_of(raws, case=ASB, **kw):
    return findings(raws, case=case, **kw)


def test_by_the_book():
    assert audit_of(BY_THE_BOOK) == []


def test_by_the_book_deadlines():
    result = deadlines(BY_THE_BOOK, case=ASB)
    ra = deadline(result, "risk_assessment:r1")
    assert (ra.due, ra.status, ra.met_by) == (D("2025-06-03"), MET, "ra1")
    plan = deadline(result, "action_plan:r1")
    assert (plan.due, plan.status, plan.met_by) == (D("2025-06-09"), MET, "p1")
    assert deadline(result, "plan_action:p1:0").due == D("2025-06-06")
    gaps = sorted((d for d in result.deadlines if d.kind == "update_contact"), key=lambda d: d.due)
    assert [(d.started_by, d.due, d.status) for d in gaps] == [
        ("r1", D("2025-06-16"), MET),
        ("c1", D("2025-06-17"), MET),
        ("c2", D("2025-06-27"), CLOSED),
    ]


# -- risk assessment -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hint", "due"),
    [
        ("threat", "2025-06-03"),
        ("intimidation", "2025-06-03"),
        ("harassment", "2025-06-03"),
        ("hate", "2025-06-03"),
        ("nuisance", "2025-06-05"),
        ("none", "2025-06-09"),
    ],
)
def test_risk_assessment_due_by_the_tier_the_hint_implies(hint, due):
    on_time = edit(r1={"risk_hint": hint}, ra1={"at": f"{due}T16:00"})
    assert audit_of(on_time) == []
    late_day = D(due).replace(day=D(due).day + 1).isoformat()
    late = edit(r1={"risk_hint": hint}, ra1={"at": f"{late_day}T09:00"})
    assert audit_of(late) == [("RISK_ASSESSMENT_LATE", due, ["r1"])]


def test_risk_assessment_never_done():
    raws = edit(drop=("ra1",))
    # The plan was agreed within 5 WD of the date the assessment was due (3 Jun -> 10 Jun).
    assert audit_of(raws) == [("RISK_ASSESSMENT_LATE", "2025-06-03", ["r1"])]
    assert deadline(deadlines(raws, case=ASB), "risk_assessment:r1").status == CLOSED


def test_every_report_gets_a_risk_assessment():
    raws = edit(add=[E("r2", "2025-06-10T10:00", "asb_report", risk_hint="nuisance")])
    assert audit_of(raws) == [("RISK_ASSESSMENT_LATE", "2025-06-13", ["r2"])]
    handled = edit(
        add=[
            E("r2", "2025-06-10T10:00", "asb_report", risk_hint="nuisance"),
            E("ra2", "2025-06-11T10:00", "risk_assessment", tier="medium"),
        ]
    )
    assert audit_of(handled) == []


def test_hate_incident_with_a_none_hint_is_judged_by_its_hint():
    raws = edit(r1={"risk_hint": "none", "hate_incident": True}, ra1={"at": "2025-06-09T10:00"})
    assert audit_of(raws) == []


# -- action plan ---------------------------------------------------------------------------------------------


def test_no_action_plan_after_an_assessment():
    raws = edit(drop=("p1", "d1"))
    # Assessed Mon 2 Jun (before it was due): plan due 2 Jun + 5 WD = Mon 9 Jun.
    assert audit_of(raws) == [("NO_ACTION_PLAN", "2025-06-09", ["ra1"])]


LATER_ACTIONS = [{"text": "Letter to neighbour", "owner": "k.mensah", "due": "2025-06-13"}]


def test_action_plan_agreed_late():
    raws = edit(
        p1={"at": "2025-06-10T10:00", "actions": LATER_ACTIONS},
        d1={"at": "2025-06-12T10:00"},
    )
    assert audit_of(raws) == [("NO_ACTION_PLAN", "2025-06-09", ["ra1"])]
    on_time = edit(
        p1={"at": "2025-06-09T10:00", "actions": LATER_ACTIONS},
        d1={"at": "2025-06-12T10:00"},
    )
    assert audit_of(on_time) == []


def test_unassessed_case_still_owes_an_action_plan():
    raws = edit(drop=("ra1", "p1", "d1"))
    # Assessment due Tue 3 Jun, never done: plan due 3 Jun + 5 WD = Tue 10 Jun.
    assert audit_of(raws) == [
        ("RISK_ASSESSMENT_LATE", "2025-06-03", ["r1"]),
        ("NO_ACTION_PLAN", "2025-06-10", ["r1"]),
    ]


def test_plan_due_from_the_earlier_of_assessment_and_its_due_date():
    # Assessed late on Thu 5 Jun (due Tue 3 Jun): the plan is due 10 Jun, not 12 Jun.
    base = edit(ra1={"at": "2025-06-05T10:00"}, d1={"at": "2025-06-12T10:00"})
    on_time = edit(base, p1={"at": "2025-06-10T10:00", "actions": LATER_ACTIONS})
    assert audit_of(on_time) == [("RISK_ASSESSMENT_LATE", "2025-06-03", ["r1"])]
    late = edit(base, p1={"at": "2025-06-11T10:00", "actions": LATER_ACTIONS})
    assert audit_of(late) == [
        ("RISK_ASSESSMENT_LATE", "2025-06-03", ["r1"]),
        ("NO_ACTION_PLAN", "2025-06-10", ["ra1"]),
    ]


# -- plan actions -----------------------------------------------------------------------------------------------


def test_action_done_late():
    assert audit_of(edit(d1={"at": "2025-06-09T10:00"})) == [
        ("ACTION_OVERDUE", "2025-06-06", ["p1"])
    ]


def test_action_never_done():
    assert audit_of(edit(drop=("d1",))) == [("ACTION_OVERDUE", "2025-06-06", ["p1"])]


def test_action_done_for_another_action_does_not_count():
    raws = edit(d1={"action": "Something else"})
    assert audit_of(raws) == [("ACTION_OVERDUE", "2025-06-06", ["p1"])]


def test_newer_plan_supersedes_open_actions():
    raws = edit(
        drop=("d1",),
        add=[
            E(
                "p2",
                "2025-06-05T10:00",
                "action_plan_agreed",
                actions=[{"text": "Warning letter", "owner": "k.mensah", "due": "2025-06-12"}],
                update_every_wd=10,
            ),
            E("d2", "2025-06-11T10:00", "action_done", plan="p2", action="Warning letter"),
        ],
    )
    assert audit_of(raws) == []
    old = deadline(deadlines(raws, case=ASB), "plan_action:p1:0")
    assert old.status == CLOSED
    assert any("superseded" in n.lower() for n in old.notes)


# -- the update schedule ----------------------------------------------------------------------------------------------


def test_contact_gap():
    # Agreed every 10 WD: after the email of Tue 3 Jun the next contact was due Tue 17 Jun.
    assert audit_of(edit(c2={"at": "2025-06-18T10:00"})) == [("CONTACT_GAP", "2025-06-17", ["c2"])]
    assert audit_of(edit(c2={"at": "2025-06-17T16:00"})) == []


def test_open_contact_gap_names_the_last_contact():
    raws = edit(drop=("c2", "x1"))
    assert audit_of(raws, as_of="2025-06-17") == []
    assert audit_of(raws, as_of="2025-06-18") == [("CONTACT_GAP", "2025-06-17", ["c1"])]


def test_each_overlong_interval_is_one_gap():
    raws = edit(
        c2={"at": "2025-06-18T10:00"},
        x1={"at": "2025-07-10T10:00"},
        add=[out("c3", "2025-07-03T10:00", "visit")],  # 18 Jun + 10 WD = 2 Jul
    )
    assert audit_of(raws) == [
        ("CONTACT_GAP", "2025-06-17", ["c2"]),
        ("CONTACT_GAP", "2025-07-02", ["c3"]),
    ]


def test_closing_late_is_a_gap_too():
    # After the call of 13 Jun the next update was due 27 Jun; the case closed on 30 Jun.
    assert audit_of(edit(x1={"at": "2025-06-30T10:00"})) == [("CONTACT_GAP", "2025-06-27", ["x1"])]


def test_agreed_plan_interval_governs():
    raws = edit(p1={"update_every_wd": 5})  # after c1 (3 Jun): due 10 Jun; c2 on 13 Jun
    assert audit_of(raws) == [("CONTACT_GAP", "2025-06-10", ["c2"])]


def test_inbound_contact_is_not_an_update():
    raws = edit(
        c2={"at": "2025-06-18T10:00"},
        add=[E("c9", "2025-06-16T10:00", "contact", channel="phone", direction="in")],
    )
    assert audit_of(raws) == [("CONTACT_GAP", "2025-06-17", ["c2"])]


def test_letters_and_visits_are_updates():
    raws = edit(
        c2={"at": "2025-06-18T10:00"},
        add=[E("hv", "2025-06-16T10:00", "home_visit")],
    )
    assert audit_of(raws) == []


NO_PLAN = [
    E("r1", "2025-06-02T10:00", "asb_report", risk_hint="nuisance"),
    E("ra1", "2025-06-03T10:00", "risk_assessment", tier="low"),
    out("c1", "2025-06-30T10:00", "phone"),
    E("x1", "2025-07-01T10:00", "case_closed"),
]


def test_assessed_tier_governs_the_update_schedule():
    """§9: the assessment governs from the day it is made; the gap already running stays due at
    the earlier of its old date and that day plus the new interval. The report's medium hint gave
    15 WD (23 Jun); assessed low on 3 Jun gives 3 Jun + 20 WD = 1 Jul, so 23 Jun stands."""
    assert audit_of(NO_PLAN) == [
        ("NO_ACTION_PLAN", "2025-06-10", ["ra1"]),
        ("CONTACT_GAP", "2025-06-23", ["c1"]),
    ]
    high = edit(NO_PLAN, ra1={"tier": "high"})  # 3 Jun + 10 WD = 17 Jun: earlier, so it binds
    assert ("CONTACT_GAP", "2025-06-17", ["c1"]) in audit_of(high)
    # Once the low tier is in force, the next gap runs 20 WD: a contact on 30 Jun, then 28 Jul.
    later = edit(NO_PLAN, drop=("x1",), add=[out("c2", "2025-07-28T10:00", "phone")])
    assert ("CONTACT_GAP", "2025-07-28", ["c2"]) not in audit_of(later)


def test_hint_tier_governs_before_assessment():
    raws = edit(NO_PLAN, drop=("ra1",))
    assert audit_of(raws) == [
        ("RISK_ASSESSMENT_LATE", "2025-06-05", ["r1"]),
        ("NO_ACTION_PLAN", "2025-06-12", ["r1"]),
        ("CONTACT_GAP", "2025-06-23", ["c1"]),
    ]


# -- partner agencies ----------------------------------------------------------------------------------------------------

PARTNER = edit(
    add=[E("pr1", "2025-06-04T10:00", "partner_request", agency="Police", ask="Incident log")]
)


def test_partner_request_unchased():
    # 4 Jun + 10 WD = 18 Jun; the case closed on 20 Jun without an answer or a chase.
    assert audit_of(PARTNER) == [("PARTNER_REQUEST_UNCHASED", "2025-06-18", ["pr1"])]


def test_partner_reply_stops_it():
    raws = edit(
        PARTNER, add=[E("pp1", "2025-06-18T16:00", "partner_reply", agency="Police", answers="pr1")]
    )
    assert audit_of(raws) == []


def test_partner_reply_too_late():
    raws = edit(
        PARTNER, add=[E("pp1", "2025-06-19T10:00", "partner_reply", agency="Police", answers="pr1")]
    )
    assert audit_of(raws) == [("PARTNER_REQUEST_UNCHASED", "2025-06-18", ["pr1"])]


def test_chase_stops_it():
    raws = edit(
        PARTNER,
        add=[E("pr2", "2025-06-18T10:00", "partner_request", agency="police ", ask="Chasing")],
    )
    # The chase starts its own 10 WD (due 2 Jul); the case closed before then.
    assert audit_of(raws) == []
    assert deadline(deadlines(raws, case=ASB), "partner_chase:pr1").met_by == "pr2"


def test_request_to_another_agency_is_not_a_chase():
    raws = edit(
        PARTNER,
        add=[E("pr2", "2025-06-18T10:00", "partner_request", agency="social worker", ask="Info")],
    )
    assert audit_of(raws) == [("PARTNER_REQUEST_UNCHASED", "2025-06-18", ["pr1"])]


def test_unchased_chase():
    raws = edit(
        PARTNER,
        x1={"at": "2025-07-08T10:00"},
        add=[
            E("pr2", "2025-06-18T10:00", "partner_request", agency="Police", ask="Chasing"),
            out("c3", "2025-06-26T10:00", "phone"),
        ],
    )
    assert audit_of(raws) == [("PARTNER_REQUEST_UNCHASED", "2025-07-02", ["pr2"])]


# -- home visits ----------------------------------------------------------------------------------------------------------

GENERAL = make_case(kind="general")


@pytest.mark.parametrize(
    ("reason", "due"),
    [("harassment", "2025-06-03"), ("domestic_violence", "2025-06-03"), ("other", "2025-06-09")],
)
def test_home_visit_timescale(reason, due):
    request = E("h1", "2025-06-02T10:00", "home_visit_request", reason=reason)
    visit_on_time = E("hv", f"{due}T15:00", "home_visit")
    assert audit_of([request, visit_on_time], case=GENERAL) == []
    late_day = D(due).replace(day=D(due).day + 1).isoformat()
    visit_late = E("hv", f"{late_day}T09:00", "home_visit")
    assert audit_of([request, visit_late], case=GENERAL) == [("HOME_VISIT_LATE", due, ["h1"])]


def test_home_visit_never_made():
    request = E("h1", "2025-06-02T10:00", "home_visit_request", reason="other")
    assert audit_of([request], case=GENERAL) == [("HOME_VISIT_LATE", "2025-06-09", ["h1"])]


def test_high_risk_visit_is_a_policy_option_off_by_default():
    assert audit_of(BY_THE_BOOK) == []
    policy = variant(4, **{"asb.high_risk_visit": True})
    # Assessed high on Mon 2 Jun: visit within 5 WD (9 Jun); the case closed 20 Jun without one.
    assert audit_of(BY_THE_BOOK, policy=policy) == [("HOME_VISIT_LATE", "2025-06-09", ["ra1"])]
    visited = edit(add=[E("hv", "2025-06-09T10:00", "home_visit")])
    assert audit_of(visited, policy=policy) == []


# -- vulnerabilities ----------------------------------------------------------------------------------------------------------

VULNERABLE = make_case(kind="general", vulnerabilities=["autism (son)"])


def test_vulnerability_not_assessed():
    late = [E("v1", "2025-06-10T10:00", "vulnerability_plan")]
    assert audit_of(late, case=VULNERABLE) == [("VULNERABILITY_NOT_ASSESSED", "2025-06-09", [])]
    assert audit_of([], case=VULNERABLE) == [("VULNERABILITY_NOT_ASSESSED", "2025-06-09", [])]


def test_vulnerability_assessed_in_time():
    assert audit_of([E("v1", "2025-06-09T10:00", "vulnerability_plan")], case=VULNERABLE) == []


def test_no_vulnerabilities_no_plan_owed():
    assert audit_of([], case=make_case(vulnerabilities=[])) == []
    assert audit_of([], case=make_case(vulnerabilities=None)) == []


# -- closure -------------------------------------------------------------------------------------------------------------------


def test_closure_ends_case_work_but_not_a_complaint():
    raws = [
        E("r1", "2025-06-02T10:00", "asb_report", risk_hint="none"),
        E("k1", "2025-06-02T11:00", "complaint_received", channel="email", stage=1),
        E("k2", "2025-06-03T10:00", "complaint_ack", stage=1, by="s.hughes"),
        E("pr1", "2025-06-03T11:00", "partner_request"),
        E("h1", "2025-06-03T12:00", "home_visit_request"),
        E("x1", "2025-06-04T10:00", "case_closed"),
    ]
    case = make_case(kind="asb", vulnerabilities=["mental health"])
    assert audit_of(raws, case=case) == [
        ("COMPLAINT_RESPONSE_LATE", "2025-06-17", ["k1"]),
        ("EXTENSION_NOT_NOTIFIED", "2025-06-17", ["k1"]),
    ]
    result = deadlines(raws, case=case)
    closed = {d.kind for d in result.deadlines if d.status == CLOSED}
    assert {
        "risk_assessment",
        "action_plan",
        "partner_chase",
        "home_visit",
        "vulnerability_plan",
        "update_contact",
    } <= closed
    assert deadline(result, "complaint_response:k1:1").status == "open"


def test_closure_after_the_due_date_is_still_a_finding():
    raws = [
        E("r1", "2025-06-02T10:00", "asb_report", risk_hint="threat"),
        out("c1", "2025-06-02T11:00", "phone"),
        E("x1", "2025-06-04T10:00", "case_closed"),
    ]
    assert audit_of(raws) == [("RISK_ASSESSMENT_LATE", "2025-06-03", ["r1"])]


def test_new_report_after_closure_makes_the_case_live_again():
    raws = [
        *BY_THE_BOOK,
        E("r2", "2025-07-01T10:00", "asb_report", risk_hint="nuisance"),
        E("ra2", "2025-07-02T10:00", "risk_assessment", tier="medium"),
    ]
    # The schedule then in force is the agreed plan's 10 WD: due 15 Jul, nobody called.
    assert audit_of(raws) == [("CONTACT_GAP", "2025-07-15", ["r2"])]


# -- a complete compliant ASB case ------------------------------------------------------------------------------------------------


def test_complete_asb_case_is_clean():
    case = make_case(kind="asb", opened="2025-06-02", vulnerabilities=["chronic anxiety"])
    raws = [
        E(
            "r1",
            "2025-06-02T10:00",
            "asb_report",
            risk_hint="harassment",
            summary="Threats on the stairs",
        ),
        E(
            "v1",
            "2025-06-02T12:00",
            "vulnerability_plan",
            adjustments="Email first; no unannounced visits",
        ),
        E("ra1", "2025-06-03T09:30", "risk_assessment", tier="high"),
        E(
            "p1",
            "2025-06-04T10:00",
            "action_plan_agreed",
            actions=[
                {"text": "Warning letter", "owner": "k.mensah", "due": "2025-06-06"},
                {"text": "Diary sheets returned", "owner": "resident", "due": "2025-06-20"},
            ],
            update_every_wd=5,
        ),
        out("c1", "2025-06-04T11:00", "letter", summary="Plan confirmed in writing"),
        E("d1", "2025-06-06T10:00", "action_done", plan="p1", action="Warning letter"),
        E("pr1", "2025-06-06T11:00", "partner_request", agency="police", ask="Incident log"),
        E("h1", "2025-06-09T09:00", "home_visit_request", reason="harassment"),
        E("hv", "2025-06-10T14:00", "home_visit"),
        E(
            "c2",
            "2025-06-12T18:00",
            "contact",
            channel="phone",
            direction="in",
            callback_requested=True,
        ),
        out("c3", "2025-06-13T10:00", "phone"),
        E("c4", "2025-06-16T09:00", "contact", channel="email", direction="in"),
        out("c5", "2025-06-17T10:00", "email", answers="c4"),
        E("pp1", "2025-06-19T10:00", "partner_reply", agency="police", answers="pr1"),
        E("d2", "2025-06-20T10:00", "action_done", plan="p1", action="Diary sheets returned"),
        out("c6", "2025-06-24T10:00", "phone"),
        E("x1", "2025-06-27T10:00", "case_closed", outcome="Perpetrator moved out", satisfaction=4),
    ]
    assert audit_of(raws, case=case) == []
    result = deadlines(raws, case=case, as_of="2025-09-01")
    assert result.open() == []
    assert all(not d.breached(D("2025-09-01")) for d in result.deadlines)


# -- regressions ---------------------------------------------------------------------------------------------------------------


def test_superseded_action_stays_superseded_when_the_case_closes_later():
    # The p1 action was open when p2 replaced it on 5 Jun; closing the case on 20 Jun
    # must not turn it into an ACTION_OVERDUE dated 6 Jun after the fact.
    raws = edit(
        drop=("d1",),
        add=[
            E(
                "p2",
                "2025-06-05T10:00",
                "action_plan_agreed",
                actions=[{"text": "Warning letter", "owner": "k.mensah", "due": "2025-06-12"}],
                update_every_wd=10,
            ),
            E("d2", "2025-06-11T10:00", "action_done", plan="p2", action="Warning letter"),
        ],
    )
    for as_of in ("2025-06-19", "2025-06-20", "2025-09-01"):
        assert audit_of(raws, as_of=as_of) == [], as_of


def test_plan_action_on_hold_when_the_case_closes_is_not_overdue():
    raws = edit(
        drop=("d1",),
        add=[E("h1", "2025-06-04T10:00", "hold_started", deadline="p1", reason="awaiting_partner")],
    )
    assert audit_of(raws) == []
    d = deadline(deadlines(raws, case=ASB), "plan_action:p1:0")
    assert d.status == CLOSED
    assert not d.late


def test_plan_action_hold_pushes_its_due_date():
    raws = edit(
        d1={"at": "2025-06-10T10:00"},
        add=[
            E("h1", "2025-06-04T10:00", "hold_started", deadline="p1", reason="awaiting_partner"),
            E("h2", "2025-06-06T10:00", "hold_ended", deadline="p1"),
        ],
    )
    # Due Fri 6 Jun; 5 and 6 Jun on hold: due Tue 10 Jun.
    assert deadline(deadlines(raws, case=ASB), "plan_action:p1:0").due == D("2025-06-10")
    assert audit_of(raws) == []


def test_a_shorter_schedule_agreed_mid_gap_binds_from_that_day_not_before():
    """Report (high hint, 10 WD: due 16 Jun), assessed low (20 WD) the next day: §9 keeps the
    running gap at the earlier date, 16 Jun. A plan with 5 WD updates agreed on 10 Jun makes it
    10 Jun + 5 WD = 17 Jun, later than 16 Jun, so 16 Jun still stands; agreed on 4 Jun it makes it
    11 Jun, earlier, so it binds from that day (not from the last contact)."""
    case = make_case(kind="asb", opened="2025-06-02")

    def history(plan_day: str, contact_day: str):
        return [
            E("r1", "2025-06-02T09:00", "asb_report", risk_hint="threat"),
            out("c1", "2025-06-02T10:00"),
            E("ra1", "2025-06-03T09:00", "risk_assessment", tier="low"),
            E(
                "p1",
                f"{plan_day}T09:00",
                "action_plan_agreed",
                actions=[{"text": "Diary sheets", "owner": "resident", "due": "2025-07-31"}],
                update_every_wd=5,
            ),
            out("c2", f"{contact_day}T11:00"),
        ]

    def gaps(raws):
        as_of = raws[-1]["at"][:10]  # the day of the contact: the gap after it is not due yet
        return [f for f in findings(raws, case=case, as_of=as_of) if f[0] == "CONTACT_GAP"]

    assert gaps(history("2025-06-10", "2025-06-16")) == []
    assert gaps(history("2025-06-10", "2025-06-17")) == [("CONTACT_GAP", "2025-06-16", ["c2"])]
    assert gaps(history("2025-06-04", "2025-06-11")) == []
    assert gaps(history("2025-06-04", "2025-06-12")) == [("CONTACT_GAP", "2025-06-11", ["c2"])]
