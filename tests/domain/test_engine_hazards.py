"""Awaab's Law clocks (DOMAIN_RULES.md §6, codes HAZARD_* in §8).

March 2026: Mon 2 Mar + 10 WD = Mon 16 Mar; Thu 12 Mar + 3 WD = Tue 17; + 5 WD = Thu 19 Mar.
British Summer Time starts at 01:00 on Sun 29 Mar 2026.
"""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.deadlines import MET, ON_HOLD, OPEN
from app.domain.policy_schema import PolicyError
from tests.domain.helpers import D, E, deadline, deadlines, findings, variant

AS_OF = "2026-09-01"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def report(at: str, category: str = "significant", hazard: str = "damp_mould", eid: str = "hz1"):
    return E(eid, at, "hazard_reported", hazard=hazard, category=category)


def investigated(at: str, category: str = "significant", eid: str = "hi1"):
    return E(eid, at, "hazard_investigated", answers="hz1", category=category)


def step(eid: str, at: str, etype: str, **fields):
    return E(eid, at, etype, answers="hz1", **fields)


def hazard_findings(raws, **kw):
    kw.setdefault("as_of", AS_OF)
    return [f for f in findings(raws, **kw) if f[0].startswith("HAZARD_")]


# -- emergency hazards: clock hours, weekends included ------------------------------------------------


def test_an_emergency_reported_on_friday_evening_is_due_on_saturday_evening():
    result = deadlines([report("2026-03-06T18:30", "emergency", "fire")])
    d = deadline(result, "hazard_investigation:hz1")
    assert d.due_at == utc("2026-03-07T18:30")
    assert d.due == D("2026-03-07")  # a Saturday: clock hours, not working days
    assert d.status == OPEN


def test_an_emergency_investigated_half_an_hour_late_is_late_the_same_day():
    raws = [
        report("2026-03-06T18:30", "emergency", "fire"),
        investigated("2026-03-07T19:00", "emergency"),
        step("ms1", "2026-03-07T20:00", "hazard_made_safe"),
    ]
    assert hazard_findings(raws) == [("HAZARD_INVESTIGATION_LATE", "2026-03-07", ["hz1"])]


def test_an_emergency_handled_within_the_hours_has_no_finding():
    raws = [
        report("2026-03-06T18:30", "emergency", "fire"),
        investigated("2026-03-07T18:00", "emergency"),
        step("ms1", "2026-03-08T17:59", "hazard_made_safe"),
    ]
    assert hazard_findings(raws) == []
    assert deadline(deadlines(raws), "hazard_safety:hz1").status == MET


def test_an_emergency_made_safe_after_24_hours_from_the_investigation():
    raws = [
        report("2026-03-06T18:30", "emergency", "fire"),
        investigated("2026-03-07T18:00", "emergency"),
        step("ms1", "2026-03-08T18:01", "hazard_made_safe"),
    ]
    assert hazard_findings(raws) == [("HAZARD_SAFETY_LATE", "2026-03-08", ["hz1"])]


def test_the_hour_clock_counts_elapsed_hours_across_the_change_to_summer_time():
    # 20:00 GMT on Sat 28 Mar; 24 hours later it is 21:00 BST on Sun 29 Mar.
    d = deadline(
        deadlines([report("2026-03-28T20:00", "emergency", "fire")]), "hazard_investigation:hz1"
    )
    assert d.due_at == utc("2026-03-29T20:00")


def test_an_open_emergency_is_breached_the_day_after_it_fell_due():
    raws = [report("2026-03-06T18:30", "emergency", "fire")]
    assert hazard_findings(raws, as_of="2026-03-07") == []
    assert hazard_findings(raws, as_of="2026-03-08") == [
        ("HAZARD_INVESTIGATION_LATE", "2026-03-07", ["hz1"])
    ]


def test_a_no_access_hold_moves_an_hour_clock_by_the_time_held():
    raws = [
        report("2026-03-06T18:30", "emergency", "fire"),
        E("h1", "2026-03-06T20:00", "hold_started", deadline="hz1", reason="no_access"),
        E("h2", "2026-03-06T23:00", "hold_ended", deadline="hz1"),
    ]
    d = deadline(deadlines(raws), "hazard_investigation:hz1")
    assert d.due_at == utc("2026-03-07T21:30")


def test_an_open_no_access_hold_holds_the_hour_clock():
    raws = [
        report("2026-03-06T18:30", "emergency", "fire"),
        E("h1", "2026-03-06T20:00", "hold_started", deadline="hz1", reason="no_access"),
    ]
    assert deadline(deadlines(raws), "hazard_investigation:hz1").status == ON_HOLD
    assert hazard_findings(raws) == []


def test_a_hold_for_any_other_reason_does_not_pause_a_hazard():
    raws = [
        report("2026-03-06T18:30", "emergency", "fire"),
        E("h1", "2026-03-06T20:00", "hold_started", deadline="hz1", reason="awaiting_resident"),
    ]
    d = deadline(deadlines(raws), "hazard_investigation:hz1")
    assert d.due_at == utc("2026-03-07T18:30")
    assert any("only for no access" in n for n in d.notes)


# -- significant hazards: working days ------------------------------------------------------------------

COMPLIANT = [
    report("2026-03-02T10:00"),
    investigated("2026-03-12T10:00"),
    step("su1", "2026-03-16T10:00", "hazard_summary_sent", channel="letter"),
    step("ms1", "2026-03-18T10:00", "hazard_made_safe"),
    step("ws1", "2026-03-19T10:00", "hazard_works_started"),
]


def test_damp_and_mould_handled_in_time_has_no_finding():
    assert hazard_findings(COMPLIANT) == []


def test_damp_and_mould_investigated_on_working_day_12_is_late():
    raws = [report("2026-03-02T10:00"), investigated("2026-03-18T10:00")]
    assert deadline(deadlines(raws), "hazard_investigation:hz1").due == D("2026-03-16")
    assert ("HAZARD_INVESTIGATION_LATE", "2026-03-16", ["hz1"]) in hazard_findings(raws)


def test_no_written_summary_within_3_working_days():
    raws = [c for c in COMPLIANT if c["id"] != "su1"]
    assert hazard_findings(raws) == [("HAZARD_SUMMARY_LATE", "2026-03-17", ["hz1"])]


def test_no_summary_is_owed_once_all_the_works_are_done():
    raws = [
        report("2026-03-02T10:00"),
        investigated("2026-03-12T10:00"),
        step("ms1", "2026-03-13T09:00", "hazard_made_safe"),
        step("wd1", "2026-03-13T10:00", "hazard_works_done"),
    ]
    assert hazard_findings(raws) == []


def test_not_made_safe_within_5_working_days():
    raws = [c for c in COMPLIANT if c["id"] != "ms1"]
    assert hazard_findings(raws) == [("HAZARD_SAFETY_LATE", "2026-03-19", ["hz1"])]


def test_alternative_accommodation_offered_in_time_meets_the_safety_clock():
    raws = [c for c in COMPLIANT if c["id"] != "ms1"]
    raws.append(step("aa1", "2026-03-19T16:00", "alternative_accommodation", offered=True))
    assert hazard_findings(raws) == []


def test_alternative_accommodation_not_offered_does_not():
    raws = [c for c in COMPLIANT if c["id"] != "ms1"]
    raws.append(step("aa1", "2026-03-19T16:00", "alternative_accommodation", offered=False))
    assert hazard_findings(raws) == [("HAZARD_SAFETY_LATE", "2026-03-19", ["hz1"])]


def test_works_started_after_5_working_days_but_within_12_weeks_is_no_breach():
    raws = [*COMPLIANT[:4], step("ws1", "2026-05-20T10:00", "hazard_works_started")]
    result = deadlines(raws)
    assert deadline(result, "hazard_works_target:hz1").late  # shown late against the target
    assert hazard_findings(raws) == []


def test_works_not_physically_started_within_12_weeks():
    raws = COMPLIANT[:4]
    # investigated Thu 12 Mar + 12 weeks = Thu 4 Jun
    assert hazard_findings(raws) == [("HAZARD_WORKS_LATE", "2026-06-04", ["hz1"])]


def test_the_investigation_can_change_the_category():
    raws = [
        report("2026-03-02T10:00"),
        investigated("2026-03-03T10:00", "emergency"),
        step("ms1", "2026-03-04T11:00", "hazard_made_safe"),
    ]
    d = deadline(deadlines(raws), "hazard_safety:hz1")
    assert d.due_at == utc("2026-03-04T10:00")
    assert hazard_findings(raws) == [("HAZARD_SAFETY_LATE", "2026-03-04", ["hz1"])]


def test_a_no_access_hold_pauses_a_working_day_clock():
    raws = [
        report("2026-03-02T10:00"),
        E("h1", "2026-03-04T10:00", "hold_started", deadline="hz1", reason="no_access"),
        E("h2", "2026-03-06T10:00", "hold_ended", deadline="hz1"),
    ]
    # 8 WD remained on Wed 4 Mar; counted again from Fri 6 Mar: due Wed 18 Mar
    assert deadline(deadlines(raws), "hazard_investigation:hz1").due == D("2026-03-18")


# -- scope is policy data --------------------------------------------------------------------------------


def test_reports_before_the_law_applied_start_no_clock():
    raws = [report("2025-10-01T10:00")]
    assert not [d for d in deadlines(raws).deadlines if d.kind.startswith("hazard")]


def test_a_hazard_outside_phase_1_starts_no_significant_clock():
    raws = [report("2026-03-02T10:00", hazard="excess_cold")]
    assert not [d for d in deadlines(raws).deadlines if d.kind.startswith("hazard")]


def test_a_later_phase_is_only_a_policy_change():
    phase_2 = variant(
        9,
        **{
            "hazards.types.excess_cold.categories": ["emergency", "significant"],
            "hazards.types.overcrowding_risk": {
                "name": "Overcrowding",
                "categories": ["significant"],
            },
        },
    )
    for hazard in ("excess_cold", "overcrowding_risk"):
        raws = [report("2026-03-02T10:00", hazard=hazard)]
        result = deadlines(raws, policy=phase_2)
        assert deadline(result, "hazard_investigation:hz1").due == D("2026-03-16")
        assert hazard_findings(raws, policy=phase_2) == [
            ("HAZARD_INVESTIGATION_LATE", "2026-03-16", ["hz1"])
        ]


def test_timescales_are_policy_data():
    quicker = variant(10, **{"hazards.significant.investigate_wd": 5})
    result = deadlines([report("2026-03-02T10:00")], policy=quicker)
    assert deadline(result, "hazard_investigation:hz1").due == D("2026-03-09")


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("hazards.types.fire.categories", ["urgent"], "hazards.types.fire.categories[0]"),
        ("hazards.emergency.investigate_hours", 0, "hazards.emergency.investigate_hours"),
        ("hazards.in_force", "next year", "hazards.in_force"),
    ],
)
def test_a_bad_hazard_policy_is_refused_naming_the_key(path, value, words):
    with pytest.raises(PolicyError, match=words.replace("[", r"\[").replace("]", r"\]")):
        variant(11, **{path: value})
