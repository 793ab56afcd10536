"""The engine's verdicts as SQL, for reports that count stored deadline rows in the database.

``is_missed_clause`` is ``app.domain.deadlines.model.missed`` written over ``deadlines`` rows;
tests/test_one_verdict.py runs both on every combination of status and dates and checks they
agree, so a report's count and the engine's verdict cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement

from app.domain.deadlines.model import CLOSED, MET, OPEN
from app.store.models import DeadlineRow


def is_missed_clause(today: Any) -> ColumnElement[bool]:
    """Met late, closed late, or still open past its due date on ``today`` (a date or a bound
    parameter)."""
    due = DeadlineRow.due
    return and_(
        due.is_not(None),
        or_(
            and_(DeadlineRow.status == MET, _timed(), DeadlineRow.met_at > DeadlineRow.due_at),
            and_(
                DeadlineRow.status == MET,
                ~_timed(),
                DeadlineRow.met_on.is_not(None),
                DeadlineRow.met_on > due,
            ),
            and_(
                DeadlineRow.status == CLOSED,
                DeadlineRow.closed_on.is_not(None),
                DeadlineRow.closed_on > due,
            ),
            and_(DeadlineRow.status == OPEN, due < today),
        ),
    )


def _timed() -> ColumnElement[bool]:
    """A clock-hour row (an emergency hazard), judged to the minute."""
    return and_(DeadlineRow.due_at.is_not(None), DeadlineRow.met_at.is_not(None))


def met_in_time_clause() -> ColumnElement[bool]:
    """Met on or before its due date (the complement of ``missed`` among met deadlines)."""
    return and_(
        DeadlineRow.status == MET,
        DeadlineRow.due.is_not(None),
        or_(
            and_(_timed(), DeadlineRow.met_at <= DeadlineRow.due_at),
            and_(~_timed(), DeadlineRow.met_on <= DeadlineRow.due),
        ),
    )
