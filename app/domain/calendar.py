"""Working-day calendar: bank holidays, closure days and working-day arithmetic.

A working day is Monday to Friday that is neither a bank holiday of the policy's
region nor an organisation closure day. Counting starts the day after the
trigger: the day something arrives is day 0 (DOMAIN_RULES.md §1).

All arithmetic goes through a precomputed, sorted list of working-day ordinals
covering 2000-2100, so each call is a bisect rather than a day-by-day loop.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from app.paths import resources_dir

LONDON = ZoneInfo("Europe/London")
FIRST_YEAR = 2000
LAST_YEAR = 2100

# Policy region code -> holidays subdivision of GB. Wales shares England's bank holidays.
REGIONS: dict[str, str] = {"ENG": "ENG", "WLS": "WLS", "SCT": "SCT", "NIR": "NIR"}


class CalendarRangeError(ValueError):
    """A date outside the years the calendar covers."""


def london_date(instant: dt.datetime) -> dt.date:
    """The Europe/London calendar date of an instant (naive values are taken as UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(LONDON).date()


def today_london(now: dt.datetime | None = None) -> dt.date:
    return london_date(now or dt.datetime.now(dt.UTC))


class WorkingCalendar:
    """Working-day arithmetic for one region and set of closure days."""

    def __init__(self, region: str = "ENG", closure_days: Iterable[dt.date] = ()):
        if region not in REGIONS:
            raise ValueError(
                f"unknown calendar region {region!r}; expected one of {sorted(REGIONS)}"
            )
        self.region = region
        self.closure_days = frozenset(closure_days)
        self.holidays: dict[dt.date, str] = bank_holidays(region)
        skip = {d.toordinal() for d in set(self.holidays) | self.closure_days}
        start = dt.date(FIRST_YEAR, 1, 1).toordinal()
        end = dt.date(LAST_YEAR, 12, 31).toordinal()
        self._min = start
        self._max = end
        # (ordinals compared with ordinals: no date made per day, 2.5x faster — it is built
        # before the first inbox page shows)
        self._ords: list[int] = [
            o for o in range(start, end + 1) if (o % 7) not in (6, 0) and o not in skip
        ]
        # date.toordinal() % 7: Monday=1 ... Saturday=6, Sunday=0.

    # -- helpers -----------------------------------------------------------------
    def _ord(self, day: dt.date) -> int:
        o = day.toordinal()
        if o < self._min or o > self._max:
            raise CalendarRangeError(
                f"{day.isoformat()} is outside the working-day calendar ({FIRST_YEAR}-{LAST_YEAR})"
            )
        return o

    def _count_upto(self, o: int) -> int:
        """Number of working days on or before ordinal ``o``."""
        return bisect.bisect_right(self._ords, o)

    # -- public API --------------------------------------------------------------
    def is_working_day(self, day: dt.date) -> bool:
        o = self._ord(day)
        i = bisect.bisect_left(self._ords, o)
        return i < len(self._ords) and self._ords[i] == o

    def holiday_name(self, day: dt.date) -> str | None:
        if day in self.closure_days:
            return "Organisation closure day"
        return self.holidays.get(day)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days strictly after ``a`` up to and including ``b``; negative when b < a."""
        return self._count_upto(self._ord(b)) - self._count_upto(self._ord(a))

    def countdown_from(self, today: dt.date):
        """``f(due) -> working days from today to due`` (negative when overdue), for many dates at once."""
        base = self._count_upto(self._ord(today))
        ords = self._ords

        def left(due: dt.date) -> int:
            return bisect.bisect_right(ords, self._ord(due)) - base

        return left

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The date ``n`` working days after ``start`` (day 0 is ``start`` itself).

        ``n == 0`` returns ``start`` unchanged; a negative ``n`` counts backwards.
        """
        if n == 0:
            self._ord(start)
            return start
        o = self._ord(start)
        if n > 0:
            idx = self._count_upto(o) + n - 1
        else:
            idx = bisect.bisect_left(self._ords, o) + n
        if idx < 0 or idx >= len(self._ords):
            raise CalendarRangeError(
                f"{n} working days from {start.isoformat()} falls outside the calendar"
            )
        return dt.date.fromordinal(self._ords[idx])

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def on_or_next_working_day(self, day: dt.date) -> dt.date:
        return day if self.is_working_day(day) else self.next_working_day(day)


def holidays_file() -> Path:
    return resources_dir() / "calendar" / "bank-holidays.json"


@lru_cache(maxsize=8)
def bank_holidays(region: str) -> dict[dt.date, str]:
    """The region's bank holidays, FIRST_YEAR to LAST_YEAR, from the table shipped in
    resources/calendar (made from the ``holidays`` package by ``write_holidays_file``; a test
    checks they still agree). Reading the one region's dates takes a millisecond, where the
    package imports every country it knows (about 0.3 s) before answering for one."""
    doc = json.loads(holidays_file().read_text(encoding="utf-8"))
    return {dt.date.fromisoformat(d): name for d, name in doc["regions"][REGIONS[region]].items()}


def holidays_from_package(region: str) -> dict[dt.date, str]:
    """The region's bank holidays as the ``holidays`` package gives them."""
    import holidays

    bank = holidays.country_holidays(
        "GB", subdiv=REGIONS[region], years=range(FIRST_YEAR, LAST_YEAR + 1)
    )
    return {d: str(name) for d, name in sorted(bank.items())}


def write_holidays_file(path: Path | None = None) -> Path:
    """Regenerate the shipped table (after upgrading ``holidays``)."""
    import holidays

    path = path or holidays_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    regions = {
        code: {d.isoformat(): name for d, name in holidays_from_package(code).items()}
        for code in sorted(set(REGIONS.values()))
    }
    doc = {"source": f"holidays {holidays.__version__}, GB", "regions": regions}
    path.write_text(json.dumps(doc, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@lru_cache(maxsize=16)
def calendar_for(region: str = "ENG", closure_days: tuple[dt.date, ...] = ()) -> WorkingCalendar:
    """Shared calendars: building one takes ~100 ms, so each combination is built once."""
    return WorkingCalendar(region, closure_days)


if __name__ == "__main__":  # python -m app.domain.calendar: regenerate the shipped table
    print(write_holidays_file())
