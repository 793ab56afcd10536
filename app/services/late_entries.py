"""Late entries on stored events: what the case view, the export and the audit say about them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.domain.trail import Recording, days_late, first_recording, is_late
from app.store.models import CaseEvent


def recording_of(row: CaseEvent) -> Recording | None:
    """The first recording known for a stored event (None when it was first recorded elsewhere
    at a time nobody told us: imported with its case, or stored before schema 0003)."""
    stored = Recording(row.recorded_at, row.recorded_by, row.device or "")
    return first_recording(row.data or {}, stored, imported=row.origin != "entered")


def late_recordings(rows: Iterable[CaseEvent], late_entry_days: int) -> dict[str, Recording]:
    """The late entries among ``rows``, by event id, with their first recording."""
    out = {}
    for row in rows:
        rec = recording_of(row)
        if rec is not None and is_late(row.at, rec.at, late_entry_days):
            out[row.local_id] = rec
    return out


def late_evidence(rows: Iterable[CaseEvent], late_entry_days: int) -> dict[str, tuple[str, int]]:
    """For the audit: event id -> (a name for the entry, days after its time it was recorded)."""
    rows = list(rows)
    late = late_recordings(rows, late_entry_days)
    return {
        r.local_id: (f"the {r.type.replace('_', ' ')} entry", days_late(r.at, late[r.local_id].at))
        for r in rows
        if r.local_id in late
    }


def export_recording(row: CaseEvent) -> Mapping[str, Any] | None:
    """The ``recorded`` key an exported event carries: this database's recording of an event
    entered here. A bundle's own ``recorded`` stays in the event's data and is exported as it
    came; events imported with their case were recorded elsewhere and get none."""
    if "recorded" in (row.data or {}) or row.origin != "entered":
        return None
    return {"at": row.recorded_at.isoformat(), "by": row.recorded_by, "device": row.device or ""}
