"""The case inbox: open cases ordered by what is due next, with a working-day countdown."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.errors import NotFound
from app.services.views import InboxRow
from app.services.workspace import Workspace
from app.store.models import Case, Officer, Resident


def list_inbox(
    ws: Workspace,
    officer: str | None = None,
    as_of: dt.date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[InboxRow]:
    """Cases that are open or still owe something, soonest deadline first, then by reference.

    A closed case stays in the inbox while a promise on it is open (an Ombudsman
    order, an unanswered email): closing the case does not discharge those.
    """
    today = as_of or ws.today()
    cal = ws.registry.get().calendar
    q = (
        select(
            Case.ref,
            Resident.name,
            Case.kind,
            Case.risk_tier,
            Case.status,
            Case.next_kind,
            Case.next_label,
            Case.next_due,
            Officer.username,
            Officer.name,
            Case.open_deadlines,
            Case.version,
        )
        .join(Resident, Case.resident_id == Resident.id)
        .join(Officer, Case.officer_id == Officer.id)
        .where(Case.in_inbox.is_(True))
        .order_by(Case.sort_due, Case.ref)
    )
    with ws.db.read() as s:
        if officer is not None:
            officer_id = s.scalar(select(Officer.id).where(Officer.username == officer))
            if officer_id is None:
                raise NotFound(f"There is no officer {officer!r}.")
            q = q.where(Case.officer_id == officer_id)
        if limit is not None:
            q = q.limit(limit).offset(offset)
        rows = s.execute(q).all()
    return [
        InboxRow(
            ref=r[0],
            resident=r[1],
            kind=r[2],
            risk_tier=r[3],
            status=r[4],
            next_kind=r[5],
            next_label=r[6],
            due=r[7],
            wd_left=cal.working_days_between(today, r[7]) if r[7] is not None else None,
            officer=r[8],
            officer_name=r[9],
            open_deadlines=r[10],
            version=r[11],
        )
        for r in rows
    ]
