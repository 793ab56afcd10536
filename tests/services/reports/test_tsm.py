"""CH01, CH02, NM01 and RP02 on hand-made histories with known answers (tests/…/histories.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import PermissionDenied, ValidationError
from app.services.policies import save_homes_owned
from app.services.reports.common import period, reporting_year
from app.services.reports.tsm import counted_cases, tsm
from tests.services.conftest import act_as
from tests.services.reports import histories
from tests.services.reports.conftest import as_manager

YEAR = reporting_year(dt.date(2025, 6, 1))


@pytest.fixture
def loaded(manager_ws):
    histories.load(manager_ws)
    return as_manager(manager_ws)


def test_the_reporting_year_runs_april_to_march():
    assert reporting_year(dt.date(2026, 3, 31)) == period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert reporting_year(dt.date(2026, 4, 1)).start == dt.date(2026, 4, 1)


def test_every_measure_on_the_hand_made_histories(loaded):
    report = tsm(loaded, YEAR, homes=1000)
    got = {
        k: (v["numerator"], v["denominator"], v["value"])
        for k, v in report.to_dict()["measures"].items()
    }
    assert got == {
        "CH01(1)": (3, 1000, 3.0),
        "CH01(2)": (1, 1000, 1.0),
        "CH02(1)": (2, 3, 66.7),
        "CH02(2)": (0, 1, 0.0),
        "NM01(1)": (2, 1000, 2.0),
        "NM01(2)": (1, 1000, 1.0),
        "RP02(1)": (1, 1, 100.0),
        "RP02(2)": (1, 2, 50.0),
    }
    assert report.to_dict()["from"] == "2025-04-01" and report.to_dict()["homes"] == 1000


def test_each_edge_is_counted_the_way_the_rules_say(loaded):
    ch02 = {c.ref: c.in_numerator for c in counted_cases(loaded, YEAR, "CH02(1)")}
    # received in 2024-25, answered in 2025-26: counted when answered; an extension within the
    # limit is on time; one beyond the limit does not make a late response on time
    assert ch02 == {"C1": True, "C2": True, "C4": False}
    ch01 = [c.ref for c in counted_cases(loaded, YEAR, "CH01(1)")]
    assert ch01 == ["C2", "C4", "C3"]  # by date received; C1 was received the year before
    nm01 = counted_cases(loaded, YEAR, "NM01(1)")
    # A1's second report while open is the same case; A2's report after closure is a new one
    assert [(c.ref, c.day) for c in nm01] == [
        ("A1", dt.date(2025, 5, 10)),
        ("A2", dt.date(2025, 5, 20)),
    ]
    emergency = counted_cases(loaded, YEAR, "RP02(2)")
    assert [(c.day, c.in_numerator) for c in emergency] == [
        (dt.date(2025, 9, 2), True),  # done on its target day: within target
        (dt.date(2025, 9, 12), False),
    ]


def test_the_next_year_counts_what_came_after(loaded):
    next_year = tsm(loaded, reporting_year(dt.date(2026, 4, 1)), homes=500)
    assert next_year.measure("CH02(1)").numerator == 1  # C3 answered 8 Apr 2026 (within 10 WD)
    assert next_year.measure("CH01(1)").numerator == 0
    assert next_year.measure("NM01(2)").numerator == 1  # A3
    assert next_year.measure("NM01(2)").value == 2.0  # per 1,000 of 500 homes
    assert next_year.measure("RP02(1)").denominator == 1  # the fence


def test_an_empty_database_gives_zeros_with_the_counts(manager_ws):
    ws = as_manager(manager_ws)
    doc = tsm(ws, YEAR, homes=4200).to_dict()["measures"]
    assert doc["CH01(1)"] == {"value": 0.0, "numerator": 0, "denominator": 4200}
    assert doc["CH02(2)"] == {"value": None, "numerator": 0, "denominator": 0}
    assert doc["RP02(2)"] == {"value": None, "numerator": 0, "denominator": 0}


def test_homes_come_from_the_organisation_setting(manager_ws):
    ws = as_manager(manager_ws)
    with pytest.raises(ValidationError, match="number of homes owned"):
        tsm(ws, YEAR)
    save_homes_owned(ws, 2500)
    assert tsm(ws, YEAR).homes == 2500


@pytest.mark.parametrize("homes", [0, -5])
def test_homes_must_be_above_nought(manager_ws, homes):
    with pytest.raises(ValidationError, match="above nought|whole number"):
        tsm(as_manager(manager_ws), YEAR, homes=homes)


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValidationError, match="before it starts"):
        period(dt.date(2026, 3, 31), dt.date(2025, 4, 1))


def test_an_officer_may_not_run_the_measures(loaded):
    act_as(loaded, "a.khan")
    with pytest.raises(PermissionDenied, match="Only a manager"):
        tsm(loaded, YEAR, homes=1000)
    act_as(loaded, "aud")
    assert tsm(loaded, YEAR, homes=1000).measure("CH01(1)").numerator == 3
