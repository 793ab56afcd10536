"""The ASB case review (community trigger, DOMAIN_RULES.md §4): N reports by one
household within M months qualify it for a case review. N and M are policy data
(``asb.case_review_reports``, ``asb.case_review_months``)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day if it is shorter)."""
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class ReviewTrigger:
    qualifies: bool
    threshold: int  # reports needed ...
    months: int  # ... within this many months
    window: tuple[dt.date, dt.date] | None  # the latest qualifying window (from, to)
    reports: tuple[
        dt.date, ...
    ]  # reports in that window, or in the last ``months`` if none qualifies
    recent: int  # reports in the ``months`` up to ``as_of``

    @property
    def text(self) -> str:
        if self.qualifies and self.window is not None:
            start, end = self.window
            return (
                f"{len(self.reports)} ASB reports by this household between "
                f"{start.day} {start:%b %Y} and {end.day} {end:%b %Y} (within {self.months} months): "
                "the case qualifies for an ASB case review."
            )
        return (
            f"{self.recent} of {self.threshold} ASB reports in the last {self.months} months: "
            "no case review yet."
        )


def review_trigger(
    report_days: Iterable[dt.date], threshold: int, months: int, as_of: dt.date
) -> ReviewTrigger:
    """Whether the household's reports (up to ``as_of``) ever reached ``threshold`` within
    ``months`` months: a window from the day ``months`` before a report up to that report,
    both days included. The latest qualifying window is reported."""
    days = sorted(d for d in report_days if d <= as_of)
    recent_from = months_before(as_of, months)
    recent = tuple(d for d in days if d >= recent_from)
    for end in reversed(days):
        start = months_before(end, months)
        inside = tuple(d for d in days if start <= d <= end)
        if len(inside) >= threshold:
            return ReviewTrigger(True, threshold, months, (inside[0], end), inside, len(recent))
    return ReviewTrigger(False, threshold, months, None, recent, len(recent))
