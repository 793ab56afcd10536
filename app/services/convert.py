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
    return case_info(
        case.ref,
        case.kind,
        case.opened,
        case.officer.username,
        case.policy_name,
        case.extra,
        Resident(r.name, r.address, r.phone, r.email, vulns, r.extra),
    )


def case_info(ref, kind, opened, officer, policy, extra, resident: Resident) -> CaseInfo:
    """A stored case as the domain reads it, from its stored values (the ORM's or the driver's):
    the case's extras without the bundle's own, the resident's as a plain dict."""
    extra = dict(extra or {})
    extra.pop("__bundle__", None)
    resident = Resident(
        resident.name,
        resident.address,
        resident.phone,
        resident.email,
        resident.vulnerabilities,
        dict(resident.extra or {}),
    )
    return CaseInfo(ref, kind, opened, officer, resident, policy, extra)
