"""Import and export of case bundles (CASE_BUNDLE.md): all or nothing per bundle."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.domain.bundle import Bundle, bundle_to_dict, parse_bundle
from app.domain.calendar import CalendarRangeError
from app.domain.events import BundleError, people_named
from app.errors import ConflictError, ValidationError
from app.services.access import Do, require
from app.services.cases import (
    append_events,
    check_policy,
    find_case,
    get_or_create_officer,
    log_action,
    record_read,
)
from app.services.convert import case_info_from_row, events_from_rows
from app.services.late_entries import export_recording
from app.services.recompute import case_history
from app.services.views import ImportResult
from app.services.workspace import Workspace
from app.store.models import Case, CaseEvent, Resident, Vulnerability


def _event_dict(e) -> dict[str, Any]:
    return {"id": e.id, "at": e.at.isoformat(), "type": e.type, **e.data}


def import_bundle(ws: Workspace, doc: Any, merge: bool = False) -> ImportResult:
    """Import one bundle document in one transaction; nothing is stored if any part is bad."""
    try:
        return _import(ws, doc, merge)
    except CalendarRangeError as exc:  # a deadline the events start falls past the calendar
        raise ValidationError(f"{exc}; nothing was imported.") from None


def _import(ws: Workspace, doc: Any, merge: bool) -> ImportResult:
    try:
        bundle = parse_bundle(doc, known_events=None)
    except BundleError as exc:
        if merge and "refers to unknown event" in str(exc):
            bundle = None  # references may point at events already stored; checked below
        else:
            raise ValidationError(str(exc)) from exc
    if bundle is None:
        return _merge_with_references(ws, doc)
    check_policy(ws, bundle.case.policy)
    with ws.db.write() as s:
        require(s, Do.IMPORT)  # a bundle names its own officers and events: a manager's step
        existing = s.scalar(select(Case).where(Case.ref == bundle.case.ref))
        if existing is not None:
            if not merge:
                raise ConflictError(
                    f"Case {bundle.case.ref} already exists; use --merge to add its new events."
                )
            return _merge(s, ws, existing, bundle)
        return import_new_case(s, ws, bundle)


def import_new_case(s, ws: Workspace, bundle: Bundle) -> ImportResult:
    """Create the case of a parsed bundle inside the caller's transaction (its ref must be new).

    ``import_bundle`` and batch imports (``services/csv_import.py``) share this one path,
    so a case gets the same officers, events and deadlines whichever way it arrives.
    """
    require(s, Do.IMPORT)  # every bulk path (bundles, import-csv) comes through here
    created: list[str] = []
    case = _create_from_bundle(s, ws, bundle, created)
    for e in bundle.events:
        for username in sorted(people_named(e)):
            get_or_create_officer(s, ws, username, created)
    append_events(
        s,
        ws,
        case,
        [_event_dict(e) for e in bundle.events],
        origin="imported",
        refuse_future=False,
    )
    log_action(s, ws, "import_bundle", "case", case.ref, events=len(bundle.events))
    return ImportResult(case.ref, True, len(bundle.events), tuple(created))


def _create_from_bundle(s, ws: Workspace, bundle: Bundle, created: list[str]) -> Case:
    info = bundle.case
    r = info.resident
    resident = Resident(
        name=r.name,
        address=r.address,
        phone=r.phone,
        email=r.email,
        listed_vulnerabilities=r.vulnerabilities is not None,
        extra=dict(r.extra),
        updated_by=ws.actor.username,
        device=ws.actor.device,
    )
    resident.vulnerabilities = [
        Vulnerability(position=i, description=v) for i, v in enumerate(r.vulnerabilities or ())
    ]
    extra = dict(info.extra)
    if bundle.extra:
        extra["__bundle__"] = dict(bundle.extra)
    case = Case(
        ref=info.ref,
        kind=info.kind,
        opened=info.opened,
        officer=get_or_create_officer(s, ws, info.officer, created),
        resident=resident,
        policy_name=info.policy,
        extra=extra,
        updated_by=ws.actor.username,
        device=ws.actor.device,
    )
    s.add(case)
    s.flush()
    return case


def _merge(s, ws: Workspace, case: Case, bundle: Bundle) -> ImportResult:
    known = set(s.scalars(select(CaseEvent.local_id).where(CaseEvent.case_id == case.id)))
    new = [_event_dict(e) for e in bundle.events if e.id not in known]
    created: list[str] = []
    for e in bundle.events:
        if e.id not in known:
            for username in sorted(people_named(e)):
                get_or_create_officer(s, ws, username, created)
    if new:
        append_events(s, ws, case, new, refuse_future=False)
    log_action(s, ws, "merge_bundle", "case", case.ref, events=len(new))
    return ImportResult(case.ref, False, len(new), tuple(created))


def _merge_with_references(ws: Workspace, doc: dict) -> ImportResult:
    """A merge whose new events refer to events stored earlier: validate against the stored ones."""
    ref = doc.get("case", {}).get("ref") if isinstance(doc.get("case"), dict) else None
    with ws.db.write() as s:
        require(s, Do.IMPORT)
        case = find_case(s, str(ref))
        known = dict(
            s.execute(
                select(CaseEvent.local_id, CaseEvent.type).where(CaseEvent.case_id == case.id)
            ).all()
        )
        try:
            bundle = parse_bundle(doc, known_events=known)
        except BundleError as exc:
            raise ValidationError(str(exc)) from exc
        return _merge(s, ws, case, bundle)


def export_bundle(ws: Workspace, ref: str) -> dict[str, Any]:
    """The case as a bundle. An event entered here carries ``recorded`` (when, by whom, from
    which device this database recorded it), so a late entry stays visible wherever it goes."""
    with ws.db.read() as s:
        case = find_case(s, ref)
        info = case_info_from_row(case)
        rows = case_history(s, case)
        events = events_from_rows(rows)
        recorded = {r.local_id: rec for r in rows if (rec := export_recording(r)) is not None}
        extra = dict((case.extra or {}).get("__bundle__", {}))
    record_read(ws, ref, "exported")
    doc = bundle_to_dict(Bundle(case=info, events=tuple(events), extra=extra))
    for event in doc["events"]:
        if event["id"] in recorded:
            event["recorded"] = dict(recorded[event["id"]])
    return doc
