"""Reports over complaints: the lessons learnt recorded when complaints were closed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.domain.calendar import LONDON, london_date
from app.errors import ValidationError
from app.services.access import visible_officer_ids
from app.services.workspace import Workspace
from app.store.models import Case, CaseEvent


@dataclass(frozen=True)
class LessonRow:
    case_ref: str
    complaint: str | None  # the complaint's id (None: the case's latest complaint at the time)
    closed_on: dt.date
    outcome: str
    lessons: str


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=LONDON).astimezone(dt.UTC)


def lessons_learnt(ws: Workspace, start: dt.date, end: dt.date) -> list[LessonRow]:
    """Complaints closed from ``start`` to ``end`` (London dates, inclusive) with their lessons."""
    if end < start:
        raise ValidationError(f"The period ends ({end}) before it starts ({start}).")
    q = (
        select(Case.ref, CaseEvent.at, CaseEvent.data)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(
            CaseEvent.type == "complaint_closed",
            CaseEvent.at >= _start(start),
            CaseEvent.at < _start(end + dt.timedelta(days=1)),
        )
        .order_by(CaseEvent.at, Case.ref)
    )
    with ws.db.read() as s:
        visible = visible_officer_ids(s)  # an officer sees lessons from the cases they may see
        if visible is not None:
            q = q.where(Case.officer_id.in_(visible))
        rows = s.execute(q).all()
    return [
        LessonRow(
            case_ref=ref,
            complaint=data.get("complaint"),
            closed_on=london_date(at),
            outcome=data.get("outcome", ""),
            lessons=data.get("lessons") or "",
        )
        for ref, at, data in rows
    ]
