"""Working-day calendar (DOMAIN_RULES.md §1)."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from dateutil.easter import easter
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import (
    CalendarRangeError,
    WorkingCalendar,
    calendar_for,
    london_date,
)

D = dt.date.fromisoformat
ENG = calendar_for("ENG")
SCT = calendar_for("SCT")
WLS = calendar_for("WLS")


# -- reference vectors of DOMAIN_RULES.md §1 ------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "wd"),
    [
        ("2023-11-06", "2023-11-28", 16),
        ("2024-09-15", "2025-02-13", 106),
        ("2025-01-21", "2025-01-29", 6),
    ],
)
def test_reference_vectors(a, b, wd):
    assert ENG.working_days_between(D(a), D(b)) == wd
    assert ENG.working_days_between(D(b), D(a)) == -wd


def test_five_working_days_after_friday_19_december_2025_is_tuesday_30_december():
    assert ENG.add_working_days(D("2025-12-19"), 5) == D("2025-12-30")


def test_reference_vector_counts_forward_to_the_same_day():
    # 16 WD after Mon 6 Nov 2023 is Tue 28 Nov 2023 (day 0 is the trigger itself).
    assert ENG.add_working_days(D("2023-11-06"), 16) == D("2023-11-28")
    assert ENG.add_working_days(D("2025-01-21"), 6) == D("2025-01-29")


# -- Christmas and New Year, with substitute days ---------------------------------------


@pytest.mark.parametrize(
    ("not_working", "working"),
    [
        # 2019: Wed 25 / Thu 26 Dec; Wed 1 Jan 2020.
        (["2019-12-25", "2019-12-26", "2020-01-01"], ["2019-12-24", "2019-12-27", "2020-01-02"]),
        # 2020: Fri 25, Sat 26 Dec -> Boxing Day substitute Mon 28 Dec.
        (["2020-12-25", "2020-12-28", "2021-01-01"], ["2020-12-24", "2020-12-29", "2021-01-04"]),
        # 2021: Sat 25, Sun 26 Dec -> Mon 27 and Tue 28; Sat 1 Jan 2022 -> Mon 3 Jan.
        (["2021-12-27", "2021-12-28", "2022-01-03"], ["2021-12-24", "2021-12-29", "2022-01-04"]),
        # 2022: Sun 25 Dec -> Tue 27; Boxing Day Mon 26; Sun 1 Jan 2023 -> Mon 2 Jan.
        (["2022-12-26", "2022-12-27", "2023-01-02"], ["2022-12-23", "2022-12-28", "2023-01-03"]),
        # 2026: Fri 25, Sat 26 Dec -> Mon 28 Dec.
        (["2026-12-25", "2026-12-28", "2027-01-01"], ["2026-12-24", "2026-12-29", "2027-01-04"]),
        # 2027: Sat 25, Sun 26 Dec -> Mon 27 and Tue 28; Sat 1 Jan 2028 -> Mon 3 Jan.
        (["2027-12-27", "2027-12-28", "2028-01-03"], ["2027-12-24", "2027-12-29", "2028-01-04"]),
    ],
)
def test_christmas_and_new_year(not_working, working):
    for day in not_working:
        assert not ENG.is_working_day(D(day)), day
        assert ENG.holiday_name(D(day)), day
    for day in working:
        assert ENG.is_working_day(D(day)), day
        assert ENG.holiday_name(D(day)) is None, day


def test_christmas_2021_substitutes_push_a_five_day_count():
    # Thu 23 Dec 2021 + 5 WD: Fri 24, (25-28 off), Wed 29, Thu 30, Fri 31, (Mon 3 Jan off), Tue 4.
    assert ENG.add_working_days(D("2021-12-23"), 5) == D("2022-01-04")
    assert ENG.working_days_between(D("2021-12-23"), D("2022-01-04")) == 5


# -- Easter -----------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2001, 2008, 2011, 2019, 2024, 2025, 2038, 2057, 2099])
def test_good_friday_and_easter_monday_in_england(year):
    sunday = easter(year)
    good_friday = sunday - dt.timedelta(days=2)
    easter_monday = sunday + dt.timedelta(days=1)
    assert not ENG.is_working_day(good_friday)
    assert not ENG.is_working_day(easter_monday)
    assert ENG.is_working_day(good_friday - dt.timedelta(days=1))  # Maundy Thursday
    assert ENG.is_working_day(easter_monday + dt.timedelta(days=1))
    # Thursday + 1 WD jumps the whole weekend to Tuesday.
    assert ENG.add_working_days(good_friday - dt.timedelta(days=1), 1) == (
        easter_monday + dt.timedelta(days=1)
    )


def test_every_easter_of_the_calendar_is_observed():
    for year in range(2000, 2101):
        sunday = easter(year)
        assert not ENG.is_working_day(sunday - dt.timedelta(days=2)), year
        assert not ENG.is_working_day(sunday + dt.timedelta(days=1)), year


def test_easter_2025_example_dates():
    assert ENG.holiday_name(D("2025-04-18")) == "Good Friday"
    assert ENG.holiday_name(D("2025-04-21")) == "Easter Monday"
    # 4 Apr 2025 + 10 WD = 22 Apr (Easter excluded): the worked example's chase deadline.
    assert ENG.add_working_days(D("2025-04-04"), 10) == D("2025-04-22")


# -- one-off holidays and the August bank holiday -----------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        "2022-09-19",  # State funeral of Queen Elizabeth II
        "2023-05-08",  # Coronation of King Charles III
        "2022-06-02",  # Spring bank holiday moved for the Platinum Jubilee
        "2022-06-03",  # Platinum Jubilee
        "2011-04-29",  # Royal wedding
        "2012-06-05",  # Diamond Jubilee
        "2020-05-08",  # Early May bank holiday moved to VE day
    ],
)
def test_one_off_holidays(day):
    assert not ENG.is_working_day(D(day))
    assert ENG.holiday_name(D(day))


def test_usual_may_day_was_worked_when_it_moved():
    assert ENG.is_working_day(D("2020-05-04"))
    assert ENG.is_working_day(D("2022-05-30"))


def test_one_off_holiday_shifts_a_count():
    # Fri 16 Sep 2022 + 1 WD skips Mon 19 Sep (state funeral).
    assert ENG.add_working_days(D("2022-09-16"), 1) == D("2022-09-20")
    # Fri 5 May 2023 + 1 WD skips Mon 8 May (coronation).
    assert ENG.add_working_days(D("2023-05-05"), 1) == D("2023-05-09")


def test_late_summer_bank_holiday_in_england_is_the_last_monday_of_august():
    assert not ENG.is_working_day(D("2025-08-25"))
    assert ENG.is_working_day(D("2025-08-04"))


# -- regions ------------------------------------------------------------------------------


def test_scotland_has_2_january_and_no_easter_monday():
    assert not SCT.is_working_day(D("2025-01-02"))
    assert ENG.is_working_day(D("2025-01-02"))
    assert not SCT.is_working_day(D("2025-04-18"))  # Good Friday
    assert SCT.is_working_day(D("2025-04-21"))  # Easter Monday is worked
    assert not ENG.is_working_day(D("2025-04-21"))


def test_scotland_st_andrews_day_and_its_substitute():
    assert not SCT.is_working_day(D("2027-11-30"))  # Tuesday
    assert not SCT.is_working_day(D("2024-12-02"))  # 30 Nov 2024 is a Saturday
    assert not SCT.is_working_day(D("2025-12-01"))  # 30 Nov 2025 is a Sunday
    for day in ("2027-11-30", "2024-12-02", "2025-12-01"):
        assert ENG.is_working_day(D(day)), day


def test_scotland_new_year_substitutes_2022():
    # Sat 1 and Sun 2 Jan 2022 -> Mon 3 and Tue 4 Jan in Scotland; only Mon 3 in England.
    assert not SCT.is_working_day(D("2022-01-03"))
    assert not SCT.is_working_day(D("2022-01-04"))
    assert ENG.is_working_day(D("2022-01-04"))


def test_scotland_summer_bank_holiday_is_early_august():
    assert not SCT.is_working_day(D("2025-08-04"))
    assert SCT.is_working_day(D("2025-08-25"))


def test_scotland_counts_differ_from_england():
    # Wed 31 Dec 2025 + 2 WD: England Fri 2 Jan 2026; Scotland skips 1 and 2 Jan -> Tue 6 Jan.
    assert ENG.add_working_days(D("2025-12-31"), 2) == D("2026-01-05")
    assert SCT.add_working_days(D("2025-12-31"), 2) == D("2026-01-06")


def test_wales_is_england():
    assert set(WLS.holidays) == set(ENG.holidays)
    day = D("2020-01-01")
    while day <= D("2030-12-31"):
        assert WLS.is_working_day(day) == ENG.is_working_day(day), day
        day += dt.timedelta(days=1)


def test_unknown_region_is_refused():
    with pytest.raises(ValueError, match="region"):
        WorkingCalendar("FRA")


def test_calendar_for_is_shared():
    assert calendar_for("ENG") is calendar_for("ENG")
    closures = (D("2025-12-24"),)
    assert calendar_for("ENG", closures) is calendar_for("ENG", closures)
    assert calendar_for("ENG", closures) is not calendar_for("ENG")


# -- closure days --------------------------------------------------------------------------


def test_closure_days_remove_working_days():
    closures = (D("2025-12-24"), D("2025-12-29"))
    cal = WorkingCalendar("ENG", closures)
    assert ENG.is_working_day(D("2025-12-24"))
    assert not cal.is_working_day(D("2025-12-24"))
    assert cal.holiday_name(D("2025-12-24")) == "Organisation closure day"
    # Fri 19 Dec + 5 WD: 22, 23, (24 closed), (25, 26 holidays), (29 closed), 30, 31, 2 Jan.
    assert cal.add_working_days(D("2025-12-19"), 5) == D("2026-01-02")
    assert ENG.add_working_days(D("2025-12-19"), 5) == D("2025-12-30")
    assert cal.working_days_between(D("2025-12-19"), D("2026-01-02")) == 5


def test_closure_day_on_a_weekend_changes_nothing():
    cal = WorkingCalendar("ENG", (D("2025-06-07"),))
    assert cal.add_working_days(D("2025-06-06"), 1) == D("2025-06-09")


# -- zero and negative n, symmetry ---------------------------------------------------------


def test_zero_working_days_is_the_start_day_itself():
    assert ENG.add_working_days(D("2025-06-04"), 0) == D("2025-06-04")
    assert ENG.add_working_days(D("2025-06-07"), 0) == D("2025-06-07")  # even a Saturday
    assert ENG.working_days_between(D("2025-06-04"), D("2025-06-04")) == 0


def test_negative_n_counts_backwards():
    assert ENG.add_working_days(D("2025-06-09"), -1) == D("2025-06-06")  # Mon -> Fri
    assert ENG.add_working_days(D("2025-06-07"), -1) == D("2025-06-06")  # Sat -> Fri
    assert ENG.add_working_days(D("2025-04-22"), -1) == D("2025-04-17")  # over Easter
    assert ENG.add_working_days(D("2025-12-30"), -5) == D("2025-12-19")
    assert ENG.add_working_days(D("2026-01-02"), -3) == D("2025-12-29")  # over 1 Jan


def test_next_working_day():
    assert ENG.next_working_day(D("2025-06-06")) == D("2025-06-09")
    assert ENG.next_working_day(D("2025-06-04")) == D("2025-06-05")
    assert ENG.next_working_day(D("2025-12-24")) == D("2025-12-29")


def test_weekend_days_are_not_working_days():
    assert not ENG.is_working_day(D("2025-06-07"))
    assert not ENG.is_working_day(D("2025-06-08"))
    assert ENG.working_days_between(D("2025-06-06"), D("2025-06-08")) == 0
    assert ENG.working_days_between(D("2025-06-06"), D("2025-06-09")) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [("2023-11-06", "2023-11-28"), ("2025-06-07", "2025-06-15"), ("2021-12-24", "2022-01-10")],
)
def test_between_is_antisymmetric(a, b):
    assert ENG.working_days_between(D(b), D(a)) == -ENG.working_days_between(D(a), D(b))


def test_london_date_of_instants():
    late_summer_evening = dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC)  # 00:30 BST
    assert london_date(late_summer_evening) == D("2025-07-01")
    winter = dt.datetime(2025, 1, 31, 23, 30, tzinfo=dt.UTC)  # GMT
    assert london_date(winter) == D("2025-01-31")
    assert london_date(dt.datetime(2025, 6, 30, 23, 30)) == D("2025-07-01")  # naive = UTC


# -- range ------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["1999-12-31", "2101-01-01"])
def test_dates_outside_the_calendar_are_refused(day):
    with pytest.raises(CalendarRangeError):
        ENG.is_working_day(D(day))
    with pytest.raises(CalendarRangeError):
        ENG.add_working_days(D(day), 1)
    with pytest.raises(CalendarRangeError):
        ENG.add_working_days(D(day), 0)
    with pytest.raises(CalendarRangeError):
        ENG.working_days_between(D("2025-01-01"), D(day))


def test_counting_off_either_end_of_the_calendar_is_refused():
    with pytest.raises(CalendarRangeError):
        ENG.add_working_days(D("2100-12-20"), 30)
    with pytest.raises(CalendarRangeError):
        ENG.add_working_days(D("2000-01-10"), -5)
    assert ENG.add_working_days(D("2000-01-10"), -4) == D("2000-01-04")  # 3 Jan 2000 is a holiday
    assert ENG.is_working_day(D("2000-01-04"))
    assert not ENG.is_working_day(D("2000-01-03"))  # New Year substitute


def test_range_error_is_a_value_error():
    assert issubclass(CalendarRangeError, ValueError)


# -- properties ---------------------------------------------------------------------------------

# An independent reference: the holidays library asked directly, and a day-by-day loop.
NAIVE_HOLIDAYS = set(holidays.country_holidays("GB", subdiv="ENG", years=range(2000, 2102)))


def naive_is_working(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in NAIVE_HOLIDAYS


def naive_add(start: dt.date, n: int) -> dt.date:
    day = start
    step = dt.timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if naive_is_working(day):
            remaining -= 1
    return day


def naive_between(a: dt.date, b: dt.date) -> int:
    if b < a:
        return -naive_between(b, a)
    count = 0
    day = a
    while day < b:
        day += dt.timedelta(days=1)
        if naive_is_working(day):
            count += 1
    return count


dates = st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2099, 12, 31))
counts = st.integers(min_value=0, max_value=200)
PROPS = settings(max_examples=300, deadline=None)


@PROPS
@given(dates, counts)
def test_between_inverts_add(d, n):
    assert ENG.working_days_between(d, ENG.add_working_days(d, n)) == n


@PROPS
@given(dates, st.integers(min_value=1, max_value=200))
def test_result_is_a_working_day(d, n):
    result = ENG.add_working_days(d, n)
    assert result > d
    assert result.weekday() < 5
    assert ENG.holiday_name(result) is None
    assert ENG.is_working_day(result)


@PROPS
@given(dates, counts, counts)
def test_monotonic_in_n(d, n1, n2):
    lo, hi = sorted((n1, n2))
    assert ENG.add_working_days(d, lo) <= ENG.add_working_days(d, hi)
    if lo < hi:
        assert ENG.add_working_days(d, lo) < ENG.add_working_days(d, hi)


@PROPS
@given(dates, dates, counts)
def test_monotonic_in_the_start_date(d1, d2, n):
    a, b = sorted((d1, d2))
    assert ENG.add_working_days(a, n) <= ENG.add_working_days(b, n)


@PROPS
@given(dates, st.integers(min_value=-60, max_value=60))
def test_agrees_with_a_naive_day_by_day_loop(d, n):
    if n == 0:
        assert ENG.add_working_days(d, 0) == d
    else:
        assert ENG.add_working_days(d, n) == naive_add(d, n)
    assert ENG.is_working_day(d) == naive_is_working(d)


@PROPS
@given(dates, st.integers(min_value=-90, max_value=90))
def test_between_agrees_with_a_naive_count(d, offset):
    other = d + dt.timedelta(days=offset)
    assert ENG.working_days_between(d, other) == naive_between(d, other)


@PROPS
@given(dates, dates)
def test_between_is_antisymmetric_everywhere(a, b):
    assert ENG.working_days_between(b, a) == -ENG.working_days_between(a, b)


@PROPS
@given(dates, st.integers(min_value=1, max_value=200))
def test_negative_n_inverts_from_a_working_day(d, n):
    start = ENG.add_working_days(d, 1)  # a working day
    back = ENG.add_working_days(start, -n)
    assert ENG.is_working_day(back)
    assert ENG.working_days_between(back, start) == n
    assert ENG.add_working_days(back, n) == start
