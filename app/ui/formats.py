"""How the UI writes dates and times, so that every view says them alike."""

from __future__ import annotations

import datetime as dt

from app.domain.calendar import LONDON
from app.domain.deadlines.timeline import fmt

# Qt date editors show the same 'Mon 2 Jun 2025' as the tables.
DATE_FORMAT = "ddd d MMM yyyy"
DATETIME_FORMAT = "ddd d MMM yyyy HH:mm"


def day(d: dt.date | None) -> str:
    """'Mon 2 Jun 2025'; '' for none (the domain's ``fmt`` writes '-')."""
    return fmt(d) if d else ""


def day_time(at: dt.datetime) -> str:
    """'Mon 2 Jun 2025 14:05', in London time."""
    local = at.astimezone(LONDON)
    return f"{day(local.date())} {local:%H:%M}"
