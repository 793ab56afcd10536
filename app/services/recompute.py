"""Recomputing a case's deadlines inside the transaction that changed its history."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from app.domain.calendar import LONDON
from app.domain.deadlines import CaseDeadlines, Deadline, derive
from app.domain.events import BundleError, Event
from app.domain.policy import PolicyHistory
from app.errors import ValidationError
from app.services.convert import case_info_from_row, events_from_rows
from app.store.models import NOTHING_DUE, Case, CaseEvent, DeadlineRow, Resident
from app.store.policies import PolicyRegistry


def _row(case: Case, d: Deadline) -> DeadlineRow:
    return DeadlineRow(**deadline_values(case.id, d))


def deadline_values(case_id, d: Deadline) -> dict[str, Any]:
    """A deadline's stored columns (one row of ``deadlines``), for one case or a bulk insert."""
    return dict(
        case_id=case_id,
        key=d.key,
        kind=d.kind,
        label=stored_label(d.label),
        started_by=d.started_by,
        started_on=d.started_on,
        due=d.due,
        original_due=d.original_due,
        policy=d.policy,
        status=d.status,
        met_by=d.met_by,
        met_on=d.met_on,
        closed_on=d.closed_on,
        due_at=d.due_at,
        met_at=d.met_at,
        stage=d.stage,
        complaint=d.complaint,
        detail=d.detail,
        holds=[
            {
                "reason": h.reason,
                "started": h.started.isoformat(),
                "ended": h.ended.isoformat() if h.ended else None,
                "started_by": h.started_by,
                "ended_by": h.ended_by,
                "working_days": h.working_days,
            }
            for h in d.holds
        ],
        evidence=list(d.evidence),
    )


def case_history(session: Session, case: Case) -> list[CaseEvent]:
    return list(
        session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.at, CaseEvent.seq)
        )
    )


LABEL_LENGTH = 200  # deadlines.label and cases.next_label (app/store/models.py)


def stored_label(label: str) -> str:
    """A deadline's label as its column can hold it: one built from a person's text (an
    action, a repair job) may be longer, which PostgreSQL would refuse mid-import."""
    return label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1] + "…"


def policy_history(registry: PolicyRegistry, case: Case) -> PolicyHistory:
    return registry.history(case.policy_name or registry.default)


def _risk_tier(events: list[Event], history: PolicyHistory) -> str | None:
    tier = None
    for e in events:
        if e.type == "risk_assessment":
            tier = e.f["tier"]
        elif e.type == "asb_report" and tier is None:
            tier = history.at(e.at).hint_tiers[e.f["risk_hint"]]
    return tier


# What a stored deadline row says; two derivations that agree on these agree for every reader.
_COMPARED = (
    "key",
    "kind",
    "label",
    "started_by",
    "started_on",
    "due",
    "original_due",
    "policy",
    "status",
    "met_by",
    "met_on",
    "closed_on",
    "stage",
    "complaint",
    "detail",
    "holds",
    "evidence",
)


def _said(rows: Iterable[DeadlineRow]) -> list[list]:
    return sorted(([getattr(r, f) for f in _COMPARED] for r in rows), key=lambda r: r[0])


def rederive(session: Session, ids: list[uuid.UUID], registry: PolicyRegistry) -> list[str]:
    """Re-derive the deadlines of the cases ``ids`` under the policies as they are now and store
    them only where they differ from the stored rows (a policy change that does not touch a
    case writes nothing to it). Reads the cases, their histories and stored rows in three
    queries. Returns the refs of the cases whose stored deadlines changed."""
    cases = session.scalars(
        select(Case)
        .where(Case.id.in_(ids))
        .options(
            selectinload(Case.officer),
            selectinload(Case.resident).selectinload(Resident.vulnerabilities),
        )
    ).all()
    histories: dict[uuid.UUID, list[CaseEvent]] = {c.id: [] for c in cases}
    for row in session.scalars(
        select(CaseEvent).where(CaseEvent.case_id.in_(ids)).order_by(CaseEvent.at, CaseEvent.seq)
    ):
        histories[row.case_id].append(row)
    stored: dict[uuid.UUID, list[DeadlineRow]] = {c.id: [] for c in cases}
    for d in session.scalars(select(DeadlineRow).where(DeadlineRow.case_id.in_(ids))):
        stored[d.case_id].append(d)
    changed: list[Case] = []
    fresh: list[DeadlineRow] = []
    for case in cases:
        events = events_from_rows(histories[case.id])
        history = policy_history(registry, case)
        result = _derive(case, events, history)
        rows = [_row(case, d) for d in result.deadlines]
        if _said(stored[case.id]) == _said(rows) and case.risk_tier == _risk_tier(events, history):
            continue
        _summarise(case, histories[case.id], events, history, result)
        changed.append(case)
        fresh += rows
    if changed:  # one delete and one insert for the batch
        for case in changed:
            for old in stored[case.id]:
                session.expunge(old)
        session.execute(
            delete(DeadlineRow)
            .where(DeadlineRow.case_id.in_([c.id for c in changed]))
            .execution_options(synchronize_session=False)
        )
        session.add_all(fresh)
    return [c.ref for c in changed]


def _derive(case: Case, events: list[Event], history: PolicyHistory) -> CaseDeadlines:
    try:
        return derive(case_info_from_row(case), events, history)
    except BundleError as exc:  # a deadline past the calendar's last year: nothing is saved
        raise ValidationError(str(exc)) from None


def _timed_label(d: Deadline) -> str:
    """A clock-hour deadline (an emergency hazard) names its hour: the inbox shows the day."""
    if d.due_at is None:
        return d.label
    return f"{d.label} (by {d.due_at.astimezone(LONDON):%H:%M})"


def recompute(session: Session, case: Case, registry: PolicyRegistry) -> CaseDeadlines:
    """Derive the case's deadlines from all its events and store them with the case summary."""
    rows = case_history(session, case)
    events = events_from_rows(rows)
    history = policy_history(registry, case)
    result = _derive(case, events, history)
    session.execute(delete(DeadlineRow).where(DeadlineRow.case_id == case.id))
    session.add_all(_row(case, d) for d in result.deadlines)
    _summarise(case, rows, events, history, result)
    return result


def _summarise(
    case: Case,
    rows: list[CaseEvent],
    events: list[Event],
    history: PolicyHistory,
    result: CaseDeadlines,
) -> None:
    """The case's summary columns (what the inbox lists and sorts by) from a derivation."""
    nxt = result.next_due()
    case.next_due = nxt.due if nxt else None
    case.next_kind = nxt.kind if nxt else None
    case.next_label = stored_label(_timed_label(nxt)) if nxt else None
    case.open_deadlines = len(result.open())
    case.event_count = len(rows)
    case.last_event_at = rows[-1].at if rows else None
    case.risk_tier = _risk_tier(events, history)
    closures = [e for e in events if e.type == "case_closed"]
    reopened = closures and any(e.type == "asb_report" and e.at > closures[-1].at for e in events)
    if closures and not reopened:
        case.status, case.closed_on = "closed", closures[-1].day
    else:
        case.status, case.closed_on = "open", None
    case.in_inbox = case.status == "open" or case.open_deadlines > 0
    case.sort_due = case.next_due or NOTHING_DUE


def summary_values(
    result: CaseDeadlines, events: list[Event], history: PolicyHistory
) -> dict[str, Any]:
    """The summary columns of a case not stored yet (the bulk import's), its events in the
    order storage reads them back (instant, then recording): the same as ``_summarise``."""
    row = SimpleNamespace()
    _summarise(row, events, events, history, result)  # type: ignore[arg-type]
    return vars(row)
