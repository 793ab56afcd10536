"""What the reports share: the reporting period, batch reading and rounding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Select
from sqlalchemy.orm import Session

from app.domain.calendar import LONDON
from app.errors import ValidationError

BATCH = 1000  # rows fetched at a time: memory stays flat however many cases there are


@dataclass(frozen=True)
class Period:
    """Inclusive Europe/London dates."""

    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """UTC instants from the first moment of ``start`` to the first moment after ``end``
        (London time), for a query on stored UTC timestamps."""
        lo = dt.datetime.combine(self.start, dt.time(), tzinfo=LONDON).astimezone(dt.UTC)
        after = self.end + dt.timedelta(days=1)
        hi = dt.datetime.combine(after, dt.time(), tzinfo=LONDON).astimezone(dt.UTC)
        return lo, hi


def period(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise ValidationError(
            f"The period ends ({end.isoformat()}) before it starts ({start.isoformat()}); "
            "give the start first."
        )
    return Period(start, end)


def reporting_year(day: dt.date) -> Period:
    """The regulator's reporting year (1 April – 31 March) that contains ``day``."""
    first = day.year if day >= dt.date(day.year, 4, 1) else day.year - 1
    return Period(dt.date(first, 4, 1), dt.date(first + 1, 3, 31))


def week_of(day: dt.date) -> Period:
    """Monday to Sunday of the week containing ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return Period(monday, monday + dt.timedelta(days=6))


def one_decimal(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def stream(session: Session, stmt: Select) -> Iterator:
    """The rows of ``stmt``, fetched ``BATCH`` at a time (a server-side cursor on PostgreSQL)."""
    result = session.execute(stmt.execution_options(yield_per=BATCH))
    for part in result.partitions():
        yield from part
