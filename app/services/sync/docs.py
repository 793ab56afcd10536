"""The JSON forms that travel between a laptop and the team server.

A case travels as its facts (``case_facts``) and its events; an event as the stored fields it
was built from (``event_raw``: the same dict ``convert.event_from_row`` reads) with who recorded
it, when and on which device. Deadlines never travel: each side derives them from the events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.errors import ValidationError
from app.store.models import Case, CaseEvent


def instant(text: Any) -> dt.datetime:
    """A time as it travels (ISO 8601; one without an offset is UTC), or one sentence."""
    try:
        at = dt.datetime.fromisoformat(str(text))
    except ValueError as exc:
        raise ValidationError(f"not a time: {str(text)[:40]!r}") from exc
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def event_raw(row: CaseEvent) -> dict[str, Any]:
    return {"id": row.local_id, "at": row.at.isoformat(), "type": row.type, **(row.data or {})}


def event_doc(row: CaseEvent) -> dict[str, Any]:
    return {
        "event": event_raw(row),
        "recorded": {
            "at": row.recorded_at.isoformat(),
            "by": row.recorded_by,
            "device": row.device or "",
        },
        "origin": row.origin or "entered",
    }


def case_facts(case: Case) -> dict[str, Any]:
    r = case.resident
    return {
        "id": str(case.id),
        "ref": case.ref,
        "kind": case.kind,
        "opened": case.opened.isoformat(),
        "officer": case.officer.username,
        "policy": case.policy_name,
        "extra": dict(case.extra or {}),
        "resident": {
            "id": str(r.id),
            "name": r.name,
            "address": r.address,
            "phone": r.phone,
            "email": r.email,
            "listed_vulnerabilities": r.listed_vulnerabilities,
            "vulnerabilities": [v.description for v in r.vulnerabilities],
            "extra": dict(r.extra or {}),
        },
    }
