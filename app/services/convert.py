"""Mapping between stored rows and the domain's case and events."""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.bundle import CaseInfo, Resident
from app.domain.events import Event, stored_event
from app.store.models import Case, CaseEvent


def event_from_row(row: CaseEvent) -> Event:
    """A stored event as the domain reads it (checked when it was stored: ``stored_event``)."""
    return stored_event(row.local_id, row.at, row.type, row.data or {}, row.seq)


def events_from_rows(rows: Iterable[CaseEvent]) -> list[Event]:
    return [event_from_row(r) for r in rows]


def case_info_from_row(case: Case) -> CaseInfo:
    r = case.resident
    vulns = tuple(v.description for v in r.vulnerabilities) if r.listed_vulnerabilities else None
    extra = dict(case.extra or {})
    extra.pop("__bundle__", None)
    return CaseInfo(
        ref=case.ref,
        kind=case.kind,
        opened=case.opened,
        officer=case.officer.username,
        resident=Resident(
            name=r.name,
            address=r.address,
            phone=r.phone,
            email=r.email,
            vulnerabilities=vulns,
            extra=dict(r.extra or {}),
        ),
        policy=case.policy_name,
        extra=extra,
    )
