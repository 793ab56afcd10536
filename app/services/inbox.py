"""The case inbox: cases ordered by what is due next, with a working-day countdown.

Filtering and sorting happen in the query (the Qt model fetches a page at a
time), so they are right over 100,000 cases, not just over the rows loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import Select, and_, case, false, func, or_, select

from app.domain.bundle import CASE_KINDS
from app.errors import NotFound, ValidationError
from app.services.absences import covered_officers
from app.services.views import InboxRow
from app.services.workspace import Workspace
from app.store.models import Case, Officer, Resident

SCOPES = ("mine", "team", "covering", "all")
STATUSES = ("open", "closed", "any")
DUE_FILTERS = ("today", "at_risk", "breached")
AT_RISK_WD = 2
RISK_ORDER = case((Case.risk_tier == "high", 0), (Case.risk_tier == "medium", 1), (Case.risk_tier == "low", 2), else_=3)
SORTS = {
    "ref": (Case.ref,),
    "resident": (Resident.name, Case.ref),
    "kind": (Case.kind, Case.sort_due, Case.ref),
    "risk": (RISK_ORDER, Case.sort_due, Case.ref),
    "next": (Case.next_label, Case.sort_due, Case.ref),
    "due": (Case.sort_due, Case.ref),
    "officer": (Officer.name, Case.sort_due, Case.ref),
}


@dataclass(frozen=True)
class InboxQuery:
    scope: str = "all"
    kinds: tuple[str, ...] = ()
    status: str = "any"
    due: str | None = None
    text: str = ""
    sort: str = "due"
    descending: bool = False
    officer: str | None = None  # one officer's cases (as `doorstep inbox --officer`)

    def check(self) -> None:
        if self.scope not in SCOPES:
            raise ValidationError(f"Inbox scope must be one of {', '.join(SCOPES)}.")
        if self.status not in STATUSES:
            raise ValidationError(f"Status must be one of {', '.join(STATUSES)}.")
        if self.due is not None and self.due not in DUE_FILTERS:
            raise ValidationError(f"Due filter must be one of {', '.join(DUE_FILTERS)}.")
        if self.sort not in SORTS:
            raise ValidationError(f"Sort must be one of {', '.join(SORTS)}.")
        unknown = set(self.kinds) - set(CASE_KINDS)
        if unknown:
            raise ValidationError(f"Unknown case kind {sorted(unknown)[0]!r}.")

    def with_(self, **changes) -> InboxQuery:
        return replace(self, **changes)


@dataclass(frozen=True)
class InboxCounts:
    total: int
    due_today: int
    at_risk: int
    breached: int


def _base(ws: Workspace, s, q: InboxQuery, today: dt.date) -> tuple[Select, dict]:
    """The filtered query (without columns' order) and the officers covered through absences."""
    covering = {c.officer_id: c for c in covered_officers(s, ws.actor.username, today)}
    stmt = (
        select(Case.id)
        .join(Resident, Case.resident_id == Resident.id)
        .join(Officer, Case.officer_id == Officer.id)
        .where(Case.in_inbox.is_(True))
    )
    if q.officer is not None:
        officer_id = s.scalar(select(Officer.id).where(Officer.username == q.officer))
        if officer_id is None:
            raise NotFound(f"There is no officer {q.officer!r}.")
        stmt = stmt.where(Case.officer_id == officer_id)
    if q.scope != "all":
        me = s.scalar(select(Officer).where(Officer.username == ws.actor.username))
        mine = [me.id] if me is not None else []
        if q.scope == "mine":
            ids = mine + list(covering)
        elif q.scope == "covering":
            ids = list(covering)
        else:  # team: everyone in my team, and whoever my team queue covers
            team_ids = (
                list(s.scalars(select(Officer.id).where(Officer.team_id == me.team_id)))
                if me is not None and me.team_id is not None
                else mine
            )
            ids = team_ids + [c.officer_id for c in covering.values() if c.via_team]
        stmt = stmt.where(Case.officer_id == ids[0]) if len(ids) == 1 else (
            stmt.where(Case.officer_id.in_(ids)) if ids else stmt.where(false())
        )
    if q.kinds:
        stmt = stmt.where(Case.kind.in_(q.kinds))
    if q.status == "open":
        stmt = stmt.where(Case.status == "open")
    elif q.status == "closed":
        stmt = stmt.where(Case.status == "closed")
    if q.due is not None:
        stmt = stmt.where(_due_condition(ws, q.due, today))
    text = q.text.strip().lower()
    if text:
        like = f"%{text.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(func.lower(Case.ref).like(like), func.lower(Resident.name).like(like)))
    return stmt, covering


def _due_condition(ws: Workspace, due: str, today: dt.date):
    if due == "today":
        return Case.next_due == today
    if due == "breached":
        return Case.next_due < today
    limit = ws.registry.get().calendar.add_working_days(today, AT_RISK_WD)
    return and_(Case.next_due >= today, Case.next_due <= limit)


def list_inbox(
    ws: Workspace,
    query: InboxQuery | None = None,
    as_of: dt.date | None = None,
    limit: int | None = None,
    offset: int = 0,
    officer: str | None = None,
) -> list[InboxRow]:
    """Cases that are open or still owe something: by default soonest deadline first.

    A closed case stays in the inbox while a promise on it is open (an Ombudsman
    order, an unanswered email): closing the case does not discharge those.
    """
    q = query or InboxQuery()
    if officer is not None:
        q = q.with_(officer=officer)
    q.check()
    today = as_of or ws.today()
    cal = ws.registry.get().calendar
    with ws.db.read() as s:
        stmt, covering = _base(ws, s, q, today)
        order = [c.desc() if q.descending else c.asc() for c in SORTS[q.sort]]
        stmt = stmt.with_only_columns(
            Case.ref, Resident.name, Case.kind, Case.risk_tier, Case.status, Case.next_kind,
            Case.next_label, Case.next_due, Officer.username, Officer.name, Case.open_deadlines,
            Case.version, Case.officer_id,
        ).order_by(*order)
        if limit is not None:
            stmt = stmt.limit(limit).offset(offset)
        rows = s.execute(stmt).all()
    return [
        InboxRow(
            ref=r[0], resident=r[1], kind=r[2], risk_tier=r[3], status=r[4], next_kind=r[5],
            next_label=r[6], due=r[7],
            wd_left=cal.working_days_between(today, r[7]) if r[7] is not None else None,
            officer=r[8], officer_name=r[9], open_deadlines=r[10], version=r[11],
            covering_for=covering[r[12]].name if r[12] in covering else None,
        )
        for r in rows
    ]


def count_inbox(ws: Workspace, query: InboxQuery | None = None, as_of: dt.date | None = None) -> InboxCounts:
    """How many cases the query shows, and how many are due today, at risk or breached."""
    q = query or InboxQuery()
    q.check()
    today = as_of or ws.today()
    limit = ws.registry.get().calendar.add_working_days(today, AT_RISK_WD)
    with ws.db.read() as s:
        stmt, _ = _base(ws, s, q, today)
        stmt = stmt.with_only_columns(
            func.count(),
            func.coalesce(func.sum(case((Case.next_due == today, 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(Case.next_due >= today, Case.next_due <= limit), 1), else_=0)), 0),
            func.coalesce(func.sum(case((Case.next_due < today, 1), else_=0)), 0),
        )
        total, due_today, at_risk, breached = s.execute(stmt).one()
    return InboxCounts(int(total), int(due_today), int(at_risk), int(breached))
