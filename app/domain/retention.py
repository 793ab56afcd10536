"""How long a closed case is kept: the policy's years after closure per case kind."""

from __future__ import annotations

import datetime as dt


def retention_ends(closed_on: dt.date, years: int) -> dt.date:
    """The day a case closed on ``closed_on`` becomes due for deletion (29 February closes
    its years on 28 February when the end year is not a leap year)."""
    try:
        return closed_on.replace(year=closed_on.year + years)
    except ValueError:
        return closed_on.replace(year=closed_on.year + years, day=28)


def is_due(closed_on: dt.date, years: int, as_of: dt.date) -> bool:
    return retention_ends(closed_on, years) <= as_of
