"""The case bundle (``doorstep-case/1``): parse a document into a case and its events, and back.

Parsing validates everything before anything is stored, so an import is all or
nothing. Keys this version does not know are kept and written back on export.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.domain.calendar import LONDON
from app.domain.events import BundleError, Event, build_event, check_references

FORMAT = "doorstep-case/1"
CASE_KINDS = ("asb", "complaint", "general", "repair", "arrears")
CASE_KEYS = ("ref", "kind", "opened", "officer", "resident", "policy")
RESIDENT_KEYS = ("name", "address", "phone", "email", "vulnerabilities")


@dataclass(frozen=True)
class Resident:
    name: str
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    vulnerabilities: tuple[str, ...] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseInfo:
    ref: str
    kind: str
    opened: dt.date
    officer: str
    resident: Resident
    policy: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Bundle:
    case: CaseInfo
    events: tuple[Event, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)


def _text(value: Any, where: str, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise BundleError(f"case field {where!r} must be text, got {value!r}")
    return value


def parse_case(raw: Any) -> CaseInfo:
    if not isinstance(raw, dict):
        raise BundleError("'case' must be an object")
    for key in ("ref", "kind", "opened", "officer", "resident"):
        if key not in raw:
            raise BundleError(f"case field {key!r} is missing")
    ref = _text(raw["ref"], "ref")
    kind = raw["kind"]
    if kind not in CASE_KINDS:
        raise BundleError(f"case field 'kind' must be one of {', '.join(CASE_KINDS)}; got {kind!r}")
    try:
        opened = dt.date.fromisoformat(str(raw["opened"]))
    except ValueError:
        raise BundleError(f"case field 'opened' is not a valid date: {raw['opened']!r}") from None
    officer = _text(raw["officer"], "officer")
    res = raw["resident"]
    if not isinstance(res, dict):
        raise BundleError("case field 'resident' must be an object")
    vulns = res.get("vulnerabilities")
    if vulns is not None and (
        not isinstance(vulns, list) or not all(isinstance(v, str) and v.strip() for v in vulns)
    ):
        raise BundleError("case field 'resident.vulnerabilities' must be a list of texts")
    resident = Resident(
        name=_text(res.get("name"), "resident.name"),
        address=_text(res.get("address"), "resident.address", False),
        phone=_text(res.get("phone"), "resident.phone", False),
        email=_text(res.get("email"), "resident.email", False),
        vulnerabilities=tuple(vulns) if vulns is not None else None,
        extra={k: v for k, v in res.items() if k not in RESIDENT_KEYS},
    )
    policy = _text(raw.get("policy"), "policy", False)
    return CaseInfo(
        ref=ref.strip(),
        kind=kind,
        opened=opened,
        officer=officer.strip(),
        resident=resident,
        policy=policy,
        extra={k: v for k, v in raw.items() if k not in CASE_KEYS},
    )


def parse_bundle(doc: Any, known_events: Mapping[str, str] | None = None) -> Bundle:
    """Validate a bundle document (already decoded JSON). Raises ``BundleError``."""
    if not isinstance(doc, dict):
        raise BundleError("a case bundle must be a JSON object")
    if doc.get("format") != FORMAT:
        raise BundleError(f"'format' must be {FORMAT!r}, got {doc.get('format')!r}")
    if "case" not in doc:
        raise BundleError("'case' is missing")
    case = parse_case(doc["case"])
    raw_events = doc.get("events")
    if not isinstance(raw_events, list):
        raise BundleError("'events' must be a list")
    events: list[Event] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_events):
        event = build_event(raw, seq=i)
        if event.id in seen:
            raise BundleError("duplicate event id", event.id, "id")
        seen.add(event.id)
        events.append(event)
    check_references(events, known_events)
    extra = {k: v for k, v in doc.items() if k not in ("format", "case", "events")}
    return Bundle(case=case, events=tuple(events), extra=extra)


def loads_bundle(text: str | bytes, source: str = "bundle") -> Bundle:
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BundleError(f"{source} is not valid JSON ({exc})") from None
    return parse_bundle(doc)


def format_instant(at: dt.datetime) -> str:
    """ISO 8601 with the Europe/London offset of that instant."""
    return at.astimezone(LONDON).isoformat()


def event_to_dict(event: Event) -> dict[str, Any]:
    out: dict[str, Any] = {"id": event.id, "at": format_instant(event.at), "type": event.type}
    out.update(event.data)
    return out


def case_to_dict(case: CaseInfo) -> dict[str, Any]:
    r = case.resident
    resident: dict[str, Any] = {"name": r.name}
    for key in ("address", "phone", "email"):
        value = getattr(r, key)
        if value is not None:
            resident[key] = value
    if r.vulnerabilities is not None:
        resident["vulnerabilities"] = list(r.vulnerabilities)
    resident.update(r.extra)
    out: dict[str, Any] = {
        "ref": case.ref,
        "kind": case.kind,
        "opened": case.opened.isoformat(),
        "officer": case.officer,
        "resident": resident,
    }
    if case.policy is not None:
        out["policy"] = case.policy
    out.update(case.extra)
    return out


def bundle_to_dict(bundle: Bundle) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": FORMAT, "case": case_to_dict(bundle.case)}
    doc["events"] = [event_to_dict(e) for e in sorted(bundle.events, key=lambda e: (e.at, e.seq))]
    doc.update(bundle.extra)
    return doc
