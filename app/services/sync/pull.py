"""The server's side of a pull: the changes after a laptop's cursor, for the cases its person may
see, a page at a time.

Cases are taken in order of their change number (app/store/syncseq.py: numbers are committed in
order, so "after N" never skips a change committed late) with their events numbered after the
cursor — every event when the cursor is 0. The last page also carries the team's people, the open
conflicts the person sees, and — when the laptop's list of cases differs from what the person may
see now (a case handed away, cover ended) — that list, so the laptop gives up the rest."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.errors import ValidationError
from app.services.access import Do, acting, visible_officer_ids
from app.services.sync.conflicts import docs_for
from app.services.sync.docs import case_facts, event_doc
from app.services.workspace import Workspace
from app.store.models import Case, CaseEvent, Officer, Resident

MAX_PAGE = 2000


def digest(refs: Iterable[str]) -> str:
    """A laptop and the server compare their lists of cases by this hash."""
    return hashlib.sha256("\n".join(sorted(refs)).encode()).hexdigest()


def _visible(s: Session):
    q = select(Case.ref)
    officers = visible_officer_ids(s)
    if officers is not None:
        q = q.where(Case.officer_id.in_(officers))
    return q


def case_docs(s: Session, cases: list[Case], after: int) -> list[dict[str, Any]]:
    """Each case's facts with its events numbered after ``after`` (every event when 0)."""
    by_case: dict[Any, list[CaseEvent]] = defaultdict(list)
    if cases:
        q = select(CaseEvent).where(CaseEvent.case_id.in_([c.id for c in cases]))
        if after > 0:
            q = q.where(CaseEvent.sync_seq > after)
        for row in s.scalars(q.order_by(CaseEvent.case_id, CaseEvent.seq)):
            by_case[row.case_id].append(row)
    return [
        {
            **case_facts(c),
            "seq": c.sync_seq,
            "event_count": c.event_count,
            "full": after == 0,
            "events": [event_doc(r) for r in by_case[c.id]],
        }
        for c in cases
    ]


def _load(s: Session, q) -> list[Case]:
    return list(
        s.scalars(
            q.options(
                selectinload(Case.officer),
                selectinload(Case.resident).selectinload(Resident.vulnerabilities),
            )
        )
    )


def pull(ws: Workspace, cursor: int, limit: int = 500, have: str | None = None) -> dict[str, Any]:
    if cursor < 0 or not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"cursor ≥ 0 and 1 ≤ limit ≤ {MAX_PAGE}")
    with ws.db.read() as s:
        officers = visible_officer_ids(s)
        q = select(Case).where(Case.sync_seq > cursor).order_by(Case.sync_seq).limit(limit + 1)
        if officers is not None:
            q = q.where(Case.officer_id.in_(officers))
        cases = _load(s, q)
        more = len(cases) > limit
        cases = cases[:limit]
        out: dict[str, Any] = {
            "cases": case_docs(s, cases, cursor),
            "cursor": cases[-1].sync_seq if cases else cursor,
            "more": more,
        }
        if not more:
            out |= _last_page(s, have)
        return out


def _last_page(s: Session, have: str | None) -> dict[str, Any]:
    person = acting(s)
    refs = list(s.scalars(_visible(s)))
    people = [
        {
            "username": o.username,
            "name": o.name,
            "job_title": o.job_title,
            "role": o.role,
            "active": o.active,
        }
        for o in s.scalars(select(Officer).order_by(Officer.username))
    ]
    return {
        "people": people,
        "conflicts": docs_for(s, person.username, person.may(Do.REASSIGN_ANY)),
        "visible": None if have == digest(refs) else sorted(refs),
    }


def full_cases(ws: Workspace, refs: list[str]) -> list[dict[str, Any]]:
    """Whole cases by ref (a laptop that lacks a case, or whose copy disagrees), those the
    person may see."""
    if len(refs) > MAX_PAGE:
        raise ValidationError(f"at most {MAX_PAGE} cases at once")
    with ws.db.read() as s:
        officers = visible_officer_ids(s)
        q = select(Case).where(Case.ref.in_(refs)).order_by(Case.sync_seq)
        if officers is not None:
            q = q.where(or_(Case.officer_id.in_(officers)))
        return case_docs(s, _load(s, q), 0)
