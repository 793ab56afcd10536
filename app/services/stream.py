"""Every stored case with its history, a batch at a time: the one loader for whole-database
passes (``auditing.iter_audit``, ``findings.iter_findings``).

Keyset pagination on the case reference (unique and indexed), so every batch costs the same
however far in, and memory stays flat: a batch is read in its own short read transaction
(two queries: the cases with their officer and resident, then all their events in order) and
handed over once that transaction has ended.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.services.access import Do, require
from app.services.workspace import Workspace
from app.store.models import Case, CaseEvent, Resident

BATCH = 500


@dataclass(frozen=True)
class CaseHistory:
    case: Case  # officer, resident and vulnerabilities loaded
    rows: list  # its events in storage order (instant, then recording): rows with the
    # columns of ``CaseEvent`` as attributes, read-only


def iter_case_histories(
    ws: Workspace, batch: int = BATCH, action: Do = Do.OVERSIGHT
) -> Iterator[list[CaseHistory]]:
    """Batches of cases in reference order, each case with its events; the acting person must
    be allowed ``action`` (checked in every batch's transaction)."""
    last: str | None = None
    while True:
        with ws.db.read() as s:
            require(s, action)
            q = (
                select(Case)
                .options(
                    selectinload(Case.officer),
                    selectinload(Case.resident).selectinload(Resident.vulnerabilities),
                )
                .order_by(Case.ref)
                .limit(batch)
            )
            if last is not None:
                q = q.where(Case.ref > last)
            cases = s.scalars(q).all()
            if not cases:
                return
            events: dict = defaultdict(list)
            table = CaseEvent.__table__  # plain rows (the same attributes): no identity map
            for e in s.execute(
                select(*(c for c in table.c if c.name != "id"))  # no uuid made per event
                .where(table.c.case_id.in_([c.id for c in cases]))
                .order_by(table.c.case_id, table.c.at, table.c.seq)
            ):
                events[e.case_id].append(e)
            out = [CaseHistory(c, events.get(c.id, [])) for c in cases]
            last = cases[-1].ref
        yield out
