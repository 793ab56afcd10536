"""ASB case work rules outside the engine: the case review trigger, action plan
checks, repair targets, and re-agreed plans carrying done actions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.action_plan import PlanRow, default_update_wd, owner_kind, plan_problems
from app.domain.case_review import months_before, review_trigger
from app.domain.deadlines import MET
from app.domain.repairs import repair_target
from tests.domain.helpers import D, E, deadline, deadlines, findings, make_case, out, shipped

# -- the case review trigger ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2025-08-31", 6, "2025-02-28"),
        ("2024-08-31", 6, "2024-02-29"),
        ("2025-03-15", 6, "2024-09-15"),
        ("2025-01-10", 1, "2024-12-10"),
        ("2025-07-01", 12, "2024-07-01"),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(D(day), months) == D(expected)


def trigger(*days, as_of="2025-12-31"):
    return review_trigger([D(d) for d in days], 3, 6, D(as_of))


def test_three_reports_in_six_months_qualify():
    t = trigger("2025-01-15", "2025-03-01", "2025-07-15")
    assert t.qualifies
    assert t.window == (D("2025-01-15"), D("2025-07-15"))
    assert "3 ASB reports by this household between 15 Jan 2025 and 15 Jul 2025" in t.text
    assert "qualifies for an ASB case review" in t.text


def test_the_window_is_six_calendar_months_both_ends_included():
    assert not trigger("2025-01-14", "2025-03-01", "2025-07-15").qualifies
    assert trigger("2025-01-15", "2025-03-01", "2025-07-15").qualifies


def test_two_reports_do_not_qualify_and_the_text_says_how_many():
    t = trigger("2025-11-01", "2025-12-01")
    assert not t.qualifies
    assert t.text == "2 of 3 ASB reports in the last 6 months: no case review yet."


def test_reports_after_as_of_are_not_known_yet():
    assert not trigger("2025-01-15", "2025-03-01", "2025-07-15", as_of="2025-07-14").qualifies


def test_the_latest_qualifying_window_is_reported():
    t = trigger("2024-01-01", "2024-02-01", "2024-03-01", "2025-01-01", "2025-02-01", "2025-02-02")
    assert t.window == (D("2025-01-01"), D("2025-02-02"))
    assert len(t.reports) == 3


@given(st.lists(st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31)), max_size=12))
def test_trigger_agrees_with_a_brute_force_count(days):
    as_of = dt.date(2027, 1, 1)
    expected = any(sum(1 for d in days if months_before(end, 6) <= d <= end) >= 3 for end in days)
    assert review_trigger(days, 3, 6, as_of).qualifies == expected


# -- action plan checks -------------------------------------------------------------------------------

OFFICERS = {"k.mensah", "r.price"}
AGENCIES = ["social worker", "Environmental Health"]


def problems(rows, **kw):
    args = dict(
        report_day=D("2025-06-02"),
        agreed_on=D("2025-06-03"),
        today=D("2025-06-24"),
        update_every_wd=10,
        officers=OFFICERS,
        agencies=AGENCIES,
    )
    args.update(kw)
    return plan_problems(rows, **args)


def test_owner_kinds():
    assert owner_kind("k.mensah", OFFICERS, AGENCIES) == "officer"
    assert owner_kind("Resident", OFFICERS, AGENCIES) == "resident"
    assert owner_kind("police", OFFICERS, AGENCIES) == "police"
    assert owner_kind("Police (SNT Catford)", OFFICERS, AGENCIES) == "police"
    assert owner_kind(" environmental  health", OFFICERS, AGENCIES) == "agency"
    assert owner_kind("j.nobody", OFFICERS, AGENCIES) is None
    assert owner_kind("", OFFICERS, AGENCIES) is None


def test_a_good_plan_has_no_problems():
    rows = [
        PlanRow("Warning letter", "k.mensah", D("2025-06-06")),
        PlanRow("Diary sheets", "resident", D("2025-06-20"), notes="Weekly"),
        PlanRow("Noise monitoring", "environmental health", D("2025-06-02"), status="done"),
    ]
    assert problems(rows) == []


def test_bad_rows_are_named():
    rows = [
        PlanRow("Warning letter", "k.mensah", D("2025-05-30")),
        PlanRow("Diary", "j.nobody", D("2025-06-20")),
        PlanRow("  ", "k.mensah", D("2025-06-20")),
        PlanRow("warning  LETTER", "k.mensah", None),
        PlanRow("Call", "", D("2025-06-20"), status="maybe"),
    ]
    assert problems(rows) == [
        "Row 1 ('Warning letter'): due Fri 30 May 2025 is before the ASB report of Mon 2 Jun 2025.",
        "Row 2 ('Diary'): owner 'j.nobody' is not an officer, the resident, the police or a known agency.",
        "Row 3: describe the action.",
        "Row 4 ('warning LETTER'): the same action is listed twice; word each action once.",
        "Row 4 ('warning LETTER'): give a due date.",
        "Row 5 ('Call'): choose who owns the action.",
        "Row 5 ('Call'): status must be open or done, got 'maybe'.",
    ]


def test_plan_level_problems():
    row = [PlanRow("Warning letter", "k.mensah", D("2025-06-06"))]
    assert problems([]) == ["An action plan needs at least one action."]
    assert problems(row, report_day=None) == [
        "The case has no ASB report: record the report before agreeing a plan."
    ]
    assert problems(row, agreed_on=D("2025-06-25")) == [
        "The plan cannot be agreed on a future date (Wed 25 Jun 2025)."
    ]
    assert problems(row, agreed_on=D("2025-06-01")) == [
        "The plan cannot be agreed on Sun 1 Jun 2025, before the ASB report of Mon 2 Jun 2025."
    ]
    assert problems(row, update_every_wd=0) == [
        "Updates must be every 1 to 250 working days, got 0."
    ]


def test_rows_become_plan_actions_with_status_and_notes_kept():
    row = PlanRow(" Warning   letter ", " k.mensah", D("2025-06-06"), "done", " sent ")
    assert row.to_action() == {
        "text": "Warning letter",
        "owner": "k.mensah",
        "due": "2025-06-06",
        "status": "done",
        "notes": "sent",
    }
    assert "notes" not in PlanRow("A", "resident", D("2025-06-06")).to_action()


def test_update_schedule_defaults_from_the_tier():
    policy = shipped()
    assert [default_update_wd(policy, t) for t in ("high", "medium", "low", None)] == [
        10,
        15,
        20,
        20,
    ]


# -- repair targets -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("priority", "target"),
    [
        ("emergency", "2023-10-13"),
        ("urgent", "2023-10-19"),
        ("damp_mould", "2023-10-26"),
        ("routine", "2023-11-09"),
    ],
)
def test_repair_target_from_policy_priorities(priority, target):
    # Seed 001: door bolts raised Thu 12 Oct 2023 as urgent, target 19 Oct.
    assert repair_target(shipped(), D("2023-10-12"), priority) == D(target)


def test_unknown_priority():
    with pytest.raises(
        ValueError, match="the priorities are emergency, urgent, routine, damp_mould"
    ):
        repair_target(shipped(), D("2023-10-12"), "whenever")


# -- re-agreed plans carry done actions ---------------------------------------------------------------

ASB = make_case(kind="asb")
V1 = [
    {"text": "Warning letter", "owner": "k.mensah", "due": "2025-06-06"},
    {"text": "Diary sheets", "owner": "resident", "due": "2025-06-13"},
]
V2 = [
    {"text": "Warning letter", "owner": "k.mensah", "due": "2025-06-06", "status": "done"},
    {"text": "Diary sheets", "owner": "resident", "due": "2025-06-20"},
    {"text": "Mediation", "owner": "k.mensah", "due": "2025-06-20"},
]
REAGREED = [
    E("r1", "2025-06-02T10:00", "asb_report", risk_hint="threat"),
    E("ra1", "2025-06-02T15:00", "risk_assessment", tier="high"),
    E("p1", "2025-06-03T10:00", "action_plan_agreed", actions=V1, update_every_wd=10),
    out("c1", "2025-06-03T11:00", "letter"),
    E("d1", "2025-06-05T10:00", "action_done", plan="p1", action="Warning letter"),
    E(
        "p2",
        "2025-06-10T10:00",
        "action_plan_agreed",
        actions=V2,
        update_every_wd=10,
        supersedes="p1",
    ),
    out("c2", "2025-06-10T11:00", "letter"),
    E("d2", "2025-06-19T10:00", "action_done", plan="p2", action="Diary sheets"),
    E("d3", "2025-06-20T10:00", "action_done", plan="p2", action="Mediation"),
    out("c3", "2025-06-20T11:00", "phone"),
    E("x1", "2025-06-23T10:00", "case_closed"),
]


def test_a_done_action_carried_into_a_new_version_stays_done():
    assert findings(REAGREED, case=ASB) == []
    carried = deadline(deadlines(REAGREED, case=ASB), "plan_action:p2:0")
    assert (carried.status, carried.met_by, carried.met_on) == (MET, "d1", D("2025-06-05"))


def test_an_action_done_only_in_a_later_version_is_not_back_dated():
    # "Mediation" is new in v2: a done record under v1 of another action does not meet it.
    raws = [e for e in REAGREED if e["id"] != "d3"]
    assert findings(raws, case=ASB) == [("ACTION_OVERDUE", "2025-06-20", ["p2"])]
