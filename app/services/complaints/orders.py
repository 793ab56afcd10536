"""The Ombudsman orders tracker: every order across all cases that is not yet met (evidence of
compliance not yet sent to the Ombudsman), with its due date and evidence status.

Orders are met by the deadline engine (app/domain/deadlines/other.py): an order's deadline row
stays open until an ``order_complied`` entry gives the date the evidence was sent. The tracker
reads those rows (one query), then the order and compliance entries of just those cases.
Oversight only (``Do.OVERSIGHT``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from app.services.access import Do, require
from app.services.workspace import Workspace
from app.store.models import Case, CaseEvent, DeadlineRow, Officer

NO_EVIDENCE = "no evidence recorded"
NOT_SENT = "evidence recorded, not yet sent to the Ombudsman"


@dataclass(frozen=True)
class OrderLine:
    ref: str
    officer: str  # username holding the case
    officer_name: str
    order_id: str  # the order's entry id in the case history
    made_on: dt.date
    due: dt.date | None
    text: str
    evidence: str  # NO_EVIDENCE or NOT_SENT
    evidence_entries: int  # compliance entries recorded so far
    wd_left: int | None  # working days from as_of to due; negative = overdue
    case_status: str

    @property
    def overdue(self) -> bool:
        return self.wd_left is not None and self.wd_left < 0


def open_orders(ws: Workspace, as_of: dt.date | None = None) -> list[OrderLine]:
    """Every Ombudsman order not yet evidenced as complied with, soonest due first."""
    today = as_of or ws.today()
    cal = ws.registry.get().calendar
    with ws.db.read() as s:
        require(s, Do.OVERSIGHT)
        rows = s.execute(
            select(
                DeadlineRow.case_id,
                DeadlineRow.key,
                DeadlineRow.started_on,
                DeadlineRow.due,
                Case.ref,
                Case.status,
                Officer.username,
                Officer.name,
            )
            .join(Case, Case.id == DeadlineRow.case_id)
            .join(Officer, Officer.id == Case.officer_id)
            .where(DeadlineRow.status == "open", DeadlineRow.kind == "ombudsman_order")
        ).all()
        case_ids = list({r.case_id for r in rows})
        texts: dict[tuple, str] = {}
        evidence: dict[tuple, int] = defaultdict(int)
        for i in range(0, len(case_ids), 500):
            for cid, local_id, type_, data in s.execute(
                select(CaseEvent.case_id, CaseEvent.local_id, CaseEvent.type, CaseEvent.data).where(
                    CaseEvent.case_id.in_(case_ids[i : i + 500]),
                    CaseEvent.type.in_(("ombudsman_order", "order_complied")),
                )
            ):
                if type_ == "ombudsman_order":
                    texts[cid, local_id] = str(data.get("text", ""))
                else:
                    evidence[cid, data.get("order")] += 1
    out = []
    for r in rows:
        order_id = r.key.split(":", 1)[1]
        n = evidence.get((r.case_id, order_id), 0)
        out.append(
            OrderLine(
                ref=r.ref,
                officer=r.username,
                officer_name=r.name or r.username,
                order_id=order_id,
                made_on=r.started_on,
                due=r.due,
                text=texts.get((r.case_id, order_id), ""),
                evidence=NOT_SENT if n else NO_EVIDENCE,
                evidence_entries=n,
                wd_left=cal.working_days_between(today, r.due) if r.due else None,
                case_status=r.status,
            )
        )
    out.sort(key=lambda o: (o.due or dt.date.max, o.ref, o.order_id))
    return out
