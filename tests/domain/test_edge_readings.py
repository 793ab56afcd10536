"""DOMAIN_RULES.md §9: the edge readings the audit and the deadline engine share.

Dates are in June-July 2025 (no bank holiday): Mon 2 Jun + 1 WD = Tue 3 Jun,
+ 5 WD = Mon 9 Jun, + 10 WD = Mon 16 Jun.
"""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.domain.bundle import parse_bundle
from app.domain.deadlines import CLOSED, MET, derive
from app.domain.events import BundleError, answers
from tests.domain.helpers import (
    D,
    E,
    deadline,
    deadlines,
    findings,
    history,
    inbound,
    make_case,
    out,
    shipped,
)

COMPLAINT = make_case(kind="complaint")
ASB = make_case(kind="asb")


def codes(raws, case=COMPLAINT, as_of="2025-09-01"):
    return [code for code, _, _ in findings(raws, case=case, as_of=as_of)]


# -- Order: X answers T ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x_at", "t_at", "expected"),
    [
        ("2025-06-02T11:00", "2025-06-02T10:00", True),  # later
        ("2025-06-02T10:00", "2025-06-02T10:00", True),  # the same instant
        ("2025-06-02", "2025-06-02T15:00", True),  # bare date, same London day
        ("2025-06-02T15:00", "2025-06-02", True),
        ("2025-06-02", "2025-06-02", True),
        ("2025-06-02T00:59", "2025-06-02T11:30", False),  # timed, earlier the same day
        ("2025-06-01", "2025-06-02T10:00", False),  # bare date, the day before
    ],
)
def test_answers_by_time(x_at, t_at, expected):
    t, x = history(E("t", t_at, "partner_request"), E("x", x_at, "partner_request"))
    assert answers(x, t) is expected


def test_answers_by_name_whatever_the_time():
    t, x = history(
        E("t", "2025-06-02T15:00", "partner_request"),
        E("x", "2025-06-02T10:00", "partner_reply", answers="t"),
    )
    assert answers(x, t)


def test_bare_date_is_kept_through_export():
    """A bare date stays a bare date, so an exported and re-imported bundle is read the same."""
    from app.domain.bundle import bundle_to_dict

    doc = {
        "format": "doorstep-case/1",
        "case": {
            "ref": "T-1",
            "kind": "general",
            "opened": "2025-06-02",
            "officer": "k.mensah",
            "resident": {"name": "Ms T"},
        },
        "events": [E("a", "2025-06-02", "complaint_received")],
    }
    bundle = parse_bundle(doc)
    assert bundle.events[0].bare
    assert bundle_to_dict(bundle)["events"][0]["at"] == "2025-06-02"
    assert parse_bundle(bundle_to_dict(bundle)).events[0].bare


def _escalation(request_at, refusal_at, refusal_first):
    request = E("q", request_at, "escalation_request", stage=2)
    refusal = E("n", refusal_at, "escalation_refused", stage=2)
    pair = [refusal, request] if refusal_first else [request, refusal]
    return [
        E("k1", "2025-06-02T10:00", "complaint_received"),
        E("k2", "2025-06-03T10:00", "complaint_ack"),
        E("k3", "2025-06-10T10:00", "complaint_response"),
        *pair,
    ]


@pytest.mark.parametrize("refusal_first", [False, True])
@pytest.mark.parametrize(
    ("request_at", "refusal_at"),
    [("2025-06-12T10:00", "2025-06-12T10:00"), ("2025-06-12", "2025-06-12")],
)
def test_escalation_refused_at_the_same_moment_whatever_the_file_order(
    request_at, refusal_at, refusal_first
):
    """Issue 10: with the refusal first in the file the audit gave three false findings."""
    assert codes(_escalation(request_at, refusal_at, refusal_first)) == []


@pytest.mark.parametrize("first", ["report", "assessment"])
def test_bare_dated_risk_assessment_answers_a_report_timed_later_that_day(first):
    report = E("r1", "2025-06-02T15:00", "asb_report", risk_hint="threat")
    assessment = E("ra", "2025-06-02", "risk_assessment", tier="high")
    raws = [report, assessment] if first == "report" else [assessment, report]
    d = deadline(deadlines(raws, case=ASB), "risk_assessment:r1")
    assert (d.status, d.met_by, d.met_on) == (MET, "ra", D("2025-06-02"))
    assert "RISK_ASSESSMENT_LATE" not in codes(raws, case=ASB)


def test_bare_dated_acknowledgement_answers_a_complaint_timed_later_that_day():
    raws = [
        E("k1", "2025-06-02T15:00", "complaint_received"),
        E("k2", "2025-06-02", "complaint_ack"),
        E("k3", "2025-06-10T10:00", "complaint_response"),
    ]
    d = deadline(deadlines(raws, case=COMPLAINT), "complaint_ack:k1:1")
    assert (d.status, d.met_by) == (MET, "k2")
    assert codes(raws) == []


def test_bare_dated_callback_answers_a_request_timed_later_that_day():
    raws = [
        inbound("c1", "2025-06-02T15:00", callback_requested=True),
        out("c2", "2025-06-02"),
    ]
    d = deadline(deadlines(raws), "callback:c1")
    assert (d.status, d.met_by) == (MET, "c2")
    assert "CALLBACK_LATE" not in codes(raws, case=make_case())


def test_timed_reply_earlier_the_same_day_does_not_answer():
    """An email sent at 00:59 does not answer one received at 11:30 the same day."""
    raws = [
        inbound("m1", "2025-06-02T11:30", channel="email"),
        out("m0", "2025-06-02T00:59", channel="email"),
    ]
    d = deadline(deadlines(raws, as_of="2025-07-01"), "reply:m1")
    assert d.status != MET
    assert "REPLY_LATE" in codes(raws, case=make_case(), as_of="2025-07-01")


def test_partner_reply_naming_the_request_answers_it_even_timed_earlier():
    """Issue 10: the same rule already worked for residents' replies."""
    raws = [
        E("p1", "2025-06-02T15:00", "partner_request"),
        E("p2", "2025-06-02T10:00", "partner_reply", answers="p1"),
    ]
    d = deadline(deadlines(raws, case=ASB), "partner_chase:p1")
    assert (d.status, d.met_by) == (MET, "p2")
    assert "PARTNER_REQUEST_UNCHASED" not in codes(raws, case=make_case())


def test_resident_reply_naming_the_message_answers_it_even_timed_earlier():
    raws = [
        inbound("m1", "2025-06-02T15:00", channel="email"),
        out("m2", "2025-06-02T10:00", channel="email", answers="m1"),
    ]
    assert deadline(deadlines(raws), "reply:m1").status == MET


# -- unlabelled complaint events ---------------------------------------------------------------

A_THEN_B = [
    E("a", "2025-06-02T10:00", "complaint_received"),
    E("b", "2025-06-03T10:00", "complaint_received"),
    E("b-ack", "2025-06-03T11:00", "complaint_ack", complaint="b"),
]


def test_unlabelled_events_skip_a_later_complaint_closed_as_withdrawn():
    """Issue 10: A's acknowledgement and response were credited to B, giving A three findings."""
    raws = [
        *A_THEN_B,
        E("b-end", "2025-06-04T10:00", "complaint_closed", complaint="b", outcome="Withdrawn"),
        E("ack", "2025-06-05T10:00", "complaint_ack"),
        E("resp", "2025-06-12T10:00", "complaint_response"),
    ]
    assert codes(raws) == []
    result = deadlines(raws, case=COMPLAINT)
    assert deadline(result, "complaint_ack:a:1").met_by == "ack"
    assert deadline(result, "complaint_response:a:1").met_by == "resp"


def test_unlabelled_events_skip_a_later_complaint_finally_answered():
    raws = [
        *A_THEN_B,
        E("b-r1", "2025-06-04T10:00", "complaint_response", complaint="b"),
        E("b-q", "2025-06-04T12:00", "escalation_request", stage=2, complaint="b"),
        E("b-ack2", "2025-06-05T09:00", "complaint_ack", stage=2, complaint="b", by="t.okoro"),
        E("b-r2", "2025-06-05T10:00", "complaint_response", stage=2, complaint="b", by="t.okoro"),
        E("ack", "2025-06-05T11:00", "complaint_ack"),
        E("resp", "2025-06-12T10:00", "complaint_response"),
    ]
    assert codes(raws) == []
    result = deadlines(raws, case=COMPLAINT)
    assert deadline(result, "complaint_response:a:1").met_by == "resp"


def test_unlabelled_event_joins_the_most_recent_complaint_that_owes_it():
    """Both A and B owe an acknowledgement: the most recent earlier one (B) gets it."""
    raws = [
        E("a", "2025-06-02T10:00", "complaint_received"),
        E("b", "2025-06-03T10:00", "complaint_received"),
        E("ack", "2025-06-04T10:00", "complaint_ack"),
    ]
    result = deadlines(raws, case=COMPLAINT)
    assert deadline(result, "complaint_ack:b:1").met_by == "ack"
    assert deadline(result, "complaint_ack:a:1").met_by is None


def test_unlabelled_escalation_request_joins_the_complaint_that_was_answered():
    """An escalation request is owed only after a response: B has none yet, A has one."""
    raws = [
        E("a", "2025-06-02T10:00", "complaint_received"),
        E("a-ack", "2025-06-03T10:00", "complaint_ack", complaint="a"),
        E("a-r", "2025-06-05T10:00", "complaint_response", complaint="a"),
        E("b", "2025-06-06T10:00", "complaint_received"),
        E("q", "2025-06-09T10:00", "escalation_request", stage=2),
    ]
    result = deadlines(raws, case=COMPLAINT)
    assert deadline(result, "complaint_ack:a:2").started_by == "q"
    assert all(d.key != "complaint_ack:b:2" for d in result.deadlines)


def test_unlabelled_event_nobody_owes_joins_the_latest_open_complaint():
    raws = [
        E("a", "2025-06-02T10:00", "complaint_received"),
        E("b", "2025-06-03T10:00", "complaint_received"),
        E("b-end", "2025-06-04T10:00", "complaint_closed", outcome="Withdrawn"),
    ]
    result = deadlines(raws, case=COMPLAINT)
    # a closure is not a kind of event a complaint owes: it goes to the latest open one (B)
    assert deadline(result, "complaint_ack:b:1").status == CLOSED
    assert deadline(result, "complaint_ack:a:1").status != CLOSED


# -- the calendar's end ------------------------------------------------------------------------

LATE_LETTER = {
    "format": "doorstep-case/1",
    "case": {
        "ref": "GEN-2100-0001",
        "kind": "general",
        "opened": "2100-12-20",
        "officer": "k.mensah",
        "resident": {"name": "Ms T"},
    },
    "events": [inbound("m1", "2100-12-29T10:00", channel="letter")],
}


def test_deadline_past_the_calendar_is_one_sentence_naming_case_and_event():
    bundle = parse_bundle(LATE_LETTER)
    with pytest.raises(BundleError) as caught:
        derive(bundle.case, bundle.events, shipped())
    message = str(caught.value)
    assert "GEN-2100-0001" in message and "'m1'" in message and "2100" in message
    assert message.count(". ") == 0 and "\n" not in message


@pytest.mark.parametrize("command", ["import", "audit"])
def test_import_and_audit_past_the_calendar_exit_1_with_one_sentence(command, capsys, tmp_path):
    """Issue 10: both printed a traceback."""
    path = tmp_path / "late.json"
    path.write_text(json.dumps(LATE_LETTER))
    if command == "import":
        argv = ["--db", str(tmp_path / "d.db"), "import", str(path)]
    else:
        argv = ["audit", "--as-of", "2100-12-31", str(path)]
    code = main(argv)
    stdout, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err and err.count("\n") == 1
    assert "GEN-2100-0001" in err and "'m1'" in err


# -- the other §9 readings the engine follows (kept by these tests) ----------------------------


def test_only_what_was_known_on_the_as_of_date():
    raws = [
        E("k1", "2025-06-02T10:00", "complaint_received"),
        E("k2", "2025-06-10T10:00", "complaint_ack"),  # due Mon 9 Jun: a day late
    ]
    assert codes(raws, as_of="2025-06-09") == []  # not a finding before its due date passed
    assert codes(raws, as_of="2025-06-10") == ["COMPLAINT_ACK_LATE"]
    # Events after the as-of date do not exist: the ack of 10 Jun is unknown on 9 Jun.
    d = deadline(deadlines(raws, case=COMPLAINT, as_of="2025-06-09"), "complaint_ack:k1:1")
    assert d.met_by is None


def test_findings_without_a_deadline_are_dated_the_offending_event_one_each():
    raws = [
        E("k1", "2025-06-02T10:00", "complaint_received", about_officer="k.mensah"),
        E("k2", "2025-06-04T10:00", "complaint_ack", by="k.mensah"),
        E("x1", "2025-06-05T10:00", "extension_notice", new_due="2025-08-29"),
        E("k3", "2025-06-06T10:00", "complaint_response", by="k.mensah"),
    ]
    assert findings(raws, case=COMPLAINT, as_of="2025-06-03") == []
    assert findings(raws, case=COMPLAINT, as_of="2025-06-05") == [
        ("CONFLICT_OF_INTEREST", "2025-06-04", ["k2"]),
        ("EXTENSION_TOO_LONG", "2025-06-05", ["x1"]),
    ]
    assert findings(raws, case=COMPLAINT, as_of="2025-09-01") == [
        ("CONFLICT_OF_INTEREST", "2025-06-04", ["k2"]),
        ("EXTENSION_TOO_LONG", "2025-06-05", ["x1"]),
        ("CONFLICT_OF_INTEREST", "2025-06-06", ["k3"]),
    ]


def test_every_report_owes_its_own_risk_assessment():
    raws = [
        E("r1", "2025-06-02T10:00", "asb_report"),
        E("ra", "2025-06-03T10:00", "risk_assessment"),
        E("r2", "2025-06-16T10:00", "asb_report", risk_hint="threat"),  # due Tue 17 Jun
    ]
    result = deadlines(raws, case=ASB, as_of="2025-06-30")
    assert deadline(result, "risk_assessment:r1").met_by == "ra"
    assert deadline(result, "risk_assessment:r2").met_by is None
    late = [
        f for f in findings(raws, case=ASB, as_of="2025-06-30") if f[0] == "RISK_ASSESSMENT_LATE"
    ]
    assert late == [("RISK_ASSESSMENT_LATE", "2025-06-17", ["r2"])]


def _plan(eid, at, *actions):
    return E(
        eid,
        at,
        "action_plan_agreed",
        actions=[{"text": t, "owner": "k.mensah", "due": due} for t, due in actions],
    )


def test_a_newer_plan_supersedes_the_open_actions_of_the_older_one():
    raws = [
        E("r1", "2025-06-02T10:00", "asb_report"),
        _plan("p1", "2025-06-02T11:00", ("Fit door bolts", "2025-06-06"), ("Write", "2025-06-04")),
        E("d1", "2025-06-03T10:00", "action_done", plan="p1", action="Write"),
        _plan("p2", "2025-06-04T10:00", ("Visit", "2025-06-13")),
    ]
    result = deadlines(raws, case=ASB, as_of="2025-06-20")
    bolts, write, visit = (
        deadline(result, k) for k in ("plan_action:p1:0", "plan_action:p1:1", "plan_action:p2:0")
    )
    assert (bolts.status, bolts.closed_on) == (CLOSED, D("2025-06-04"))
    assert (write.status, write.met_by) == (MET, "d1")  # action_done.plan names the plan
    overdue = [f for f in findings(raws, case=ASB, as_of="2025-06-20") if f[0] == "ACTION_OVERDUE"]
    assert overdue == [("ACTION_OVERDUE", "2025-06-13", ["p2"])]
    assert visit.met_by is None


def test_closure_ends_what_is_not_yet_due_and_keeps_what_was_missed():
    raws = [
        E("r1", "2025-06-02T10:00", "asb_report", risk_hint="threat"),  # assessment due 3 Jun
        E("x1", "2025-06-05T10:00", "case_closed"),
    ]
    assert codes(raws, case=ASB) == ["RISK_ASSESSMENT_LATE"]
    plan = deadline(deadlines(raws, case=ASB), "action_plan:r1")  # due 10 Jun: ended by closure
    assert (plan.status, plan.closed_on) == (CLOSED, D("2025-06-05"))


def test_a_response_without_an_acknowledgement_also_acknowledges():
    raws = [
        E("k1", "2025-06-02T10:00", "complaint_received"),
        E("k3", "2025-06-05T10:00", "complaint_response"),
    ]
    assert codes(raws) == []


def test_a_callback_requested_during_an_outbound_contact_is_owed():
    raws = [out("c1", "2025-06-02T10:00", callback_requested=True)]
    assert findings(raws, as_of="2025-06-20") == [("CALLBACK_LATE", "2025-06-09", ["c1"])]


def test_an_extension_notice_after_the_response_is_no_extension():
    raws = [
        E("k1", "2025-06-02T10:00", "complaint_received"),
        E("k2", "2025-06-04T10:00", "complaint_ack"),  # response due Wed 18 Jun
        E("k3", "2025-06-09T10:00", "complaint_response"),
        E("x1", "2025-06-10T10:00", "extension_notice", new_due="2025-09-30"),
    ]
    d = deadline(deadlines(raws, case=COMPLAINT), "complaint_response:k1:1")
    assert d.due == D("2025-06-18")
    assert codes(raws) == []  # nor is it too long: it extends nothing


def test_an_extension_notice_that_does_not_move_the_due_date_later_is_no_extension():
    raws = [
        E("k1", "2025-06-02T10:00", "complaint_received"),
        E("k2", "2025-06-04T10:00", "complaint_ack"),  # response due Wed 18 Jun
        E("x1", "2025-06-05T10:00", "extension_notice", new_due="2025-06-12"),
        E("k3", "2025-06-17T10:00", "complaint_response"),
    ]
    assert deadline(deadlines(raws, case=COMPLAINT), "complaint_response:k1:1").due == D(
        "2025-06-18"
    )
    assert codes(raws) == []


def test_partner_agency_names_compare_without_case():
    raws = [
        E("p1", "2025-06-02T10:00", "partner_request", agency="Police"),
        E("p2", "2025-06-10T10:00", "partner_request", agency=" police"),  # the chase
    ]
    assert deadline(deadlines(raws, case=ASB), "partner_chase:p1").met_by == "p2"


def test_a_late_vulnerability_plan_is_still_a_finding():
    case = make_case(kind="asb", vulnerabilities=["autism (son)"])  # plan due Mon 9 Jun
    raws = [E("v1", "2025-06-20T10:00", "vulnerability_plan", member="son", vulnerability="autism")]
    found = findings(raws, case=case, as_of="2025-09-01")
    assert ("VULNERABILITY_NOT_ASSESSED", "2025-06-09", []) in found


def test_a_bare_date_survives_the_database(capsys, tmp_path):
    """Imported, audited from the database and exported, a bare date is still read as one."""
    doc = {
        "format": "doorstep-case/1",
        "case": {
            "ref": "ASB-2025-0001",
            "kind": "asb",
            "opened": "2025-06-02",
            "officer": "k.mensah",
            "resident": {"name": "Ms T"},
        },
        "events": [
            E("r1", "2025-06-02T15:00", "asb_report", risk_hint="threat"),
            E("ra", "2025-06-02", "risk_assessment", tier="high"),
        ],
    }
    path, db = tmp_path / "case.json", str(tmp_path / "d.db")
    path.write_text(json.dumps(doc))
    assert main(["--db", db, "import", str(path)]) == 0
    capsys.readouterr()
    main(["--db", db, "--json", "audit", "--all", "--as-of", "2025-06-04"])
    stored = json.loads(capsys.readouterr().out)[0]["findings"]
    assert "RISK_ASSESSMENT_LATE" not in [f["code"] for f in stored]
    assert main(["--db", db, "export", "ASB-2025-0001"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert {e["id"]: e["at"] for e in exported["events"]}["ra"] == "2025-06-02"


@pytest.mark.parametrize(
    ("check_at", "nosp_at"),
    [("2025-06-02T15:00", "2025-06-02"), ("2025-06-02", "2025-06-02T10:00")],
)
def test_an_account_check_the_same_day_as_a_bare_dated_notice_came_before_it(check_at, nosp_at):
    case = make_case(kind="arrears")
    raws = [
        E("a1", check_at, "arrears_check"),
        E("n1", nosp_at, "nosp_served", approved_by="h.head"),
    ]
    assert "POSSESSION_UNSAFEGUARDED" not in codes(raws, case=case)


def test_an_account_check_later_the_same_day_did_not_come_before_the_notice():
    case = make_case(kind="arrears")
    raws = [
        E("a1", "2025-06-02T15:00", "arrears_check"),
        E("n1", "2025-06-02T10:00", "nosp_served", approved_by="h.head"),
    ]
    assert codes(raws, case=case) == ["POSSESSION_UNSAFEGUARDED"]
