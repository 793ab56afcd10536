"""Contact standards (DOMAIN_RULES.md §5, §8): replies, callbacks, the complaint offer,
holds on a reply, and a policy change part-way through a case.

Dates are in June 2025: Mon 2 Jun + 3 WD = Thu 5; + 5 WD = Mon 9; + 10 WD = Mon 16 Jun.
"""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.deadlines import MET, ON_HOLD, OPEN
from app.domain.policy import PolicyHistory
from tests.domain.helpers import (
    D,
    E,
    deadline,
    deadlines,
    findings,
    inbound,
    make_case,
    out,
    shipped,
    variant,
)

# -- callbacks ---------------------------------------------------------------------------------------

CALLBACK = inbound("c1", "2025-06-02T10:00", "phone", callback_requested=True)


def test_callback_returned_in_time():
    assert findings([CALLBACK, out("c2", "2025-06-09T16:00", "phone")]) == []


def test_callback_late():
    assert findings([CALLBACK, out("c2", "2025-06-10T09:00", "phone")]) == [
        ("CALLBACK_LATE", "2025-06-09", ["c1"])
    ]


def test_callback_never_returned():
    assert findings([CALLBACK], as_of="2025-06-09") == []
    assert findings([CALLBACK], as_of="2025-06-10") == [("CALLBACK_LATE", "2025-06-09", ["c1"])]


def test_an_email_is_not_a_callback():
    raws = [
        CALLBACK,
        out("c2", "2025-06-03T10:00", "email"),
        out("c3", "2025-06-10T10:00", "phone"),
    ]
    assert findings(raws) == [("CALLBACK_LATE", "2025-06-09", ["c1"])]


@pytest.mark.parametrize(
    "answer",
    [
        out("c2", "2025-06-05T10:00", "visit"),
        out("c2", "2025-06-05T10:00", "in_person"),
        E("c2", "2025-06-05T10:00", "home_visit"),
    ],
)
def test_a_visit_or_meeting_returns_a_callback(answer):
    assert findings([CALLBACK, answer]) == []


def test_an_inbound_call_does_not_return_a_callback():
    raws = [CALLBACK, inbound("c2", "2025-06-04T10:00", "phone"), out("c3", "2025-06-10T10:00")]
    assert findings(raws) == [("CALLBACK_LATE", "2025-06-09", ["c1"])]


# -- replies -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "due"),
    [
        (inbound("c1", "2025-06-02T10:00", "email"), "2025-06-09"),
        (inbound("c1", "2025-06-02T10:00", "email", topic="general"), "2025-06-09"),
        (inbound("c1", "2025-06-02T10:00", "email", topic="complaint"), "2025-06-09"),
        (inbound("c1", "2025-06-02T10:00", "email", topic="repair"), "2025-06-05"),
        (inbound("c1", "2025-06-02T10:00", "letter"), "2025-06-16"),
    ],
    ids=["email", "general-email", "complaint-email", "repair-email", "letter"],
)
def test_reply_timescales(message, due):
    assert deadline(deadlines([message]), "reply:c1").due == D(due)
    assert findings([message, out("c2", f"{due}T16:00", "email")]) == []
    late = (D(due) + dt.timedelta(days=1)).isoformat()
    assert findings([message, out("c2", f"{late}T09:00", "email")]) == [("REPLY_LATE", due, ["c1"])]


def test_reply_never_sent():
    message = inbound("c1", "2025-06-02T10:00", "email")
    assert findings([message], as_of="2025-06-09") == []
    assert findings([message], as_of="2025-06-10") == [("REPLY_LATE", "2025-06-09", ["c1"])]


def test_same_day_reply_meets_it():
    raws = [inbound("c1", "2025-06-02T10:00", "email"), out("c2", "2025-06-02T16:00", "email")]
    assert findings(raws) == []
    d = deadline(deadlines(raws), "reply:c1")
    assert (d.status, d.met_by, d.met_on) == (MET, "c2", D("2025-06-02"))


def test_same_day_late_evening_reply_in_summer_time():
    # 23:30 BST is still the same London date though it is 22:30 UTC.
    raws = [
        inbound("c1", "2025-06-02T10:00+01:00", "email"),
        out("c2", "2025-06-02T23:30+01:00", "email"),
    ]
    assert deadline(deadlines(raws), "reply:c1").met_on == D("2025-06-02")


def test_contact_before_the_message_does_not_answer_it():
    raws = [out("c0", "2025-06-02T09:00", "email"), inbound("c1", "2025-06-02T13:00", "email")]
    assert findings(raws) == [("REPLY_LATE", "2025-06-09", ["c1"])]


@pytest.mark.parametrize(
    "answer",
    [
        out("c2", "2025-06-04T10:00", "phone"),
        out("c2", "2025-06-04T10:00", "letter"),
        E("c2", "2025-06-04T10:00", "home_visit"),
    ],
)
def test_any_later_contact_meets_a_reply(answer):
    assert findings([inbound("c1", "2025-06-02T10:00", "email"), answer]) == []


def test_phone_and_portal_messages_owe_no_written_reply():
    raws = [inbound("c1", "2025-06-02T10:00", "phone"), inbound("c2", "2025-06-02T11:00", "portal")]
    assert deadlines(raws).deadlines == ()
    assert findings(raws) == []


def test_each_message_owes_its_own_reply():
    raws = [
        inbound("c1", "2025-06-02T10:00", "email"),
        out("c2", "2025-06-03T10:00", "email"),
        inbound("c3", "2025-06-04T10:00", "email", topic="repair"),
        out("c4", "2025-06-10T10:00", "email"),
    ]
    assert findings(raws) == [("REPLY_LATE", "2025-06-09", ["c3"])]


# -- dissatisfaction -> offer a complaint ------------------------------------------------------------------

UNHAPPY = inbound("c1", "2025-06-02T10:00", "phone", dissatisfaction=True)


def test_complaint_offered_in_time():
    assert (
        findings([UNHAPPY, E("o1", "2025-06-09T10:00", "complaint_offered", accepted=False)]) == []
    )


def test_complaint_offered_late():
    raws = [UNHAPPY, E("o1", "2025-06-10T10:00", "complaint_offered", accepted=False)]
    assert findings(raws) == [("DISSATISFACTION_NOT_OFFERED", "2025-06-09", ["c1"])]


def test_complaint_never_offered():
    assert findings([UNHAPPY]) == [("DISSATISFACTION_NOT_OFFERED", "2025-06-09", ["c1"])]


def test_dissatisfaction_in_an_outbound_call_counts_too():
    raws = [out("c1", "2025-06-02T10:00", "phone", dissatisfaction=True)]
    assert findings(raws) == [("DISSATISFACTION_NOT_OFFERED", "2025-06-09", ["c1"])]


def test_a_recorded_complaint_meets_the_offer():
    raws = [
        UNHAPPY,
        E("k1", "2025-06-03T10:00", "complaint_received", channel="phone"),
        E("k2", "2025-06-04T10:00", "complaint_ack", by="s.hughes"),
        E("k3", "2025-06-18T10:00", "complaint_response", by="s.hughes"),
    ]
    assert findings(raws) == []


# -- holds on a reply --------------------------------------------------------------------------------------

EMAIL = inbound("c1", "2025-06-02T10:00", "email")
HOLD = [
    E(
        "h1",
        "2025-06-03T10:00",
        "hold_started",
        deadline="c1",
        kind="reply",
        reason="awaiting_partner",
    ),
    E("h2", "2025-06-05T10:00", "hold_ended", deadline="c1"),
]


def test_hold_pushes_a_reply_by_the_working_days_on_hold():
    # Due Mon 9 Jun; on hold 3-5 Jun (Wed 4 and Thu 5 do not count): due Wed 11 Jun.
    result = deadlines([EMAIL, *HOLD])
    d = deadline(result, "reply:c1")
    assert (d.due, d.original_due, d.status) == (D("2025-06-11"), D("2025-06-09"), OPEN)
    assert len(d.holds) == 1
    hold = d.holds[0]
    assert (hold.reason, hold.started, hold.ended, hold.working_days) == (
        "awaiting_partner",
        D("2025-06-03"),
        D("2025-06-05"),
        2,
    )
    assert (hold.started_by, hold.ended_by) == ("h1", "h2")
    assert findings([EMAIL, *HOLD, out("c2", "2025-06-11T10:00", "email")]) == []
    assert findings([EMAIL, *HOLD, out("c2", "2025-06-12T10:00", "email")]) == [
        ("REPLY_LATE", "2025-06-11", ["c1"])
    ]


def test_open_hold_shows_on_hold_and_no_finding():
    raws = [EMAIL, HOLD[0]]
    d = deadline(deadlines(raws), "reply:c1")
    assert d.status == ON_HOLD
    assert d.due is None
    assert d.holds[0].ended is None
    assert findings(raws) == []
    assert deadlines(raws).open() == []


def test_hold_for_another_kind_does_not_pause_the_reply():
    raws = [
        inbound("c1", "2025-06-02T10:00", "email", callback_requested=True),
        E("h1", "2025-06-03T10:00", "hold_started", deadline="c1", kind="callback", reason="other"),
    ]
    d = deadline(deadlines(raws), "reply:c1")
    assert (d.status, d.due, d.holds) == (OPEN, D("2025-06-09"), ())
    # A callback cannot pause: the hold is ignored and noted.
    cb = deadline(deadlines(raws), "callback:c1")
    assert (cb.status, cb.due) == (OPEN, D("2025-06-09"))
    assert any("ignored" in n for n in cb.notes)


def test_hold_after_the_due_date_does_not_rescue_it():
    raws = [
        EMAIL,
        E("h1", "2025-06-10T10:00", "hold_started", deadline="c1", reason="awaiting_resident"),
        E("h2", "2025-06-20T10:00", "hold_ended", deadline="c1"),
    ]
    assert findings(raws) == [("REPLY_LATE", "2025-06-09", ["c1"])]


def test_holds_are_not_in_a_policy_that_does_not_allow_them():
    policy = variant(4, **{"holds.pausable": ["repair"]})
    d = deadline(deadlines([EMAIL, *HOLD], policy=policy), "reply:c1")
    assert (d.due, d.holds) == (D("2025-06-09"), ())


# -- a policy change applies to deadlines started after it ---------------------------------------------------


@pytest.fixture(scope="module")
def history():
    return PolicyHistory(
        [
            (dt.datetime(2000, 1, 1, tzinfo=dt.UTC), shipped()),
            (dt.datetime(2025, 6, 10, tzinfo=dt.UTC), variant(4, **{"contact.callback_wd": 3})),
        ]
    )


TWO_CALLBACKS = [
    inbound("c1", "2025-06-05T10:00", "phone", callback_requested=True),
    inbound("c2", "2025-06-11T10:00", "phone", callback_requested=True),
]


def test_policy_change_applies_only_to_deadlines_started_after_it(history):
    result = deadlines(TWO_CALLBACKS, policy=history)
    first = deadline(result, "callback:c1")
    second = deadline(result, "callback:c2")
    # Started under version 3 (5 WD): keeps it though version 4 took effect on 10 Jun.
    assert (first.due, first.policy) == (D("2025-06-12"), "code-2024@3")
    # Started under version 4 (3 WD): 11 Jun + 3 WD = Mon 16 Jun.
    assert (second.due, second.policy) == (D("2025-06-16"), "code-2024@4")
    assert result.policy == "code-2024@4"


def test_policy_change_in_the_audit(history):
    assert findings(TWO_CALLBACKS, policy=history) == [
        ("CALLBACK_LATE", "2025-06-12", ["c1"]),
        ("CALLBACK_LATE", "2025-06-16", ["c2"]),
    ]
    # Returned on Mon 16 Jun: late for the first (due 12 Jun), on time for the second.
    raws = [*TWO_CALLBACKS, out("c3", "2025-06-16T10:00", "phone")]
    assert findings(raws, policy=history) == [("CALLBACK_LATE", "2025-06-12", ["c1"])]
    # Under version 3 alone the second would have been due 18 Jun.
    assert deadline(deadlines(TWO_CALLBACKS), "callback:c2").due == D("2025-06-18")


# -- a complete compliant general case ---------------------------------------------------------------------------


def test_general_case_with_requests_and_replies_is_clean():
    case = make_case(kind="general", opened="2025-06-02")
    raws = [
        inbound("c1", "2025-06-02T10:00", "email", summary="Asks about a move"),
        out("c2", "2025-06-04T10:00", "email", answers="c1"),
        inbound("c3", "2025-06-05T09:00", "phone", callback_requested=True),
        E("q1", "2025-06-05T09:10", "request_made", subject="transfer", channel="phone"),
        out("c4", "2025-06-06T14:00", "phone"),
        E("q3", "2025-06-09T10:00", "request_made", subject="policy_copy", channel="email"),
        inbound("c5", "2025-06-10T10:00", "letter"),
        E(
            "rp1",
            "2025-06-11T10:00",
            "repair_raised",
            job="Door entry phone",
            priority="urgent",
            target="2025-06-18",
        ),
        inbound("c7", "2025-06-12T10:00", "email", topic="repair"),
        out("c8", "2025-06-13T10:00", "email", answers="c7"),
        E(
            "pr1",
            "2025-06-16T10:00",
            "partner_request",
            agency="occupational therapist",
            ask="Medical needs",
        ),
        E("rd1", "2025-06-17T10:00", "repair_done", job="Door entry phone"),
        E(
            "q4",
            "2025-06-20T10:00",
            "request_decided",
            answers="q3",
            decision="Copy sent",
            reasons="Requested",
        ),
        out("c6", "2025-06-20T11:00", "letter", answers="c5"),
        E(
            "pp1",
            "2025-06-25T10:00",
            "partner_reply",
            agency="occupational therapist",
            answers="pr1",
        ),
        E(
            "q2",
            "2025-06-30T10:00",
            "request_decided",
            answers="q1",
            decision="Band B",
            reasons="Medical evidence",
        ),
    ]
    assert findings(raws, case=case) == []
    result = deadlines(raws, case=case, as_of="2025-09-01")
    assert result.open() == []
    kinds = sorted({d.kind for d in result.deadlines})
    assert kinds == ["callback", "decision", "partner_chase", "repair", "reply"]
    assert all(d.status == MET for d in result.deadlines)


# -- London dates --------------------------------------------------------------------------------------------------


def test_deadlines_count_from_the_london_date():
    # 23:30 UTC on Wed 4 Jun is 00:30 on Thu 5 Jun in London: due Thu 12 Jun, not Wed 11 Jun.
    raws = [inbound("c1", "2025-06-04T23:30:00Z", "email")]
    d = deadline(deadlines(raws), "reply:c1")
    assert (d.started_on, d.due) == (D("2025-06-05"), D("2025-06-12"))


def test_winter_instants_are_gmt():
    raws = [inbound("c1", "2025-01-08T23:30:00Z", "email")]  # still Wed 8 Jan in London
    assert deadline(deadlines(raws), "reply:c1").due == D("2025-01-15")


def test_reply_naming_the_message_earlier_the_same_day_counts():
    raws = [
        inbound("c1", "2025-06-02T13:00", "email"),
        out("c2", "2025-06-02", "email", answers="c1"),  # bare date: 09:00 London
    ]
    assert findings(raws) == []
