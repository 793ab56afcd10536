"""The laptop's side of a pull: bring its copy of the team's cases up to date.

Each page is applied in one transaction together with the new cursor, so a laptop killed
mid-pull resumes from the last page it kept, and applying a page twice changes nothing (events
are added by id, once). Deadlines are derived here from the merged events, never copied. A case
whose copy disagrees with the server's (its events counted differently) is fetched whole; a case
the person may no longer see is given up — unless changes made to it here have not reached the
server yet."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.bundle import Bundle, CaseInfo
from app.domain.bundle import Resident as ResidentInfo
from app.domain.events import build_event
from app.errors import DoorstepError
from app.services.bulk import Given, insert_new
from app.services.bulk_plan import ready
from app.services.cases import (
    append_events,
    create_from_facts,
    derive_cases,
    get_or_create_officer,
)
from app.services.retention import remove_case_rows
from app.services.sync.docs import instant
from app.services.sync.outbox import REFETCH
from app.services.sync.pull import digest
from app.services.workspace import Workspace, put_setting
from app.store.models import (
    Case,
    CaseEvent,
    OutboxChange,
    Setting,
    SyncConflict,
    SyncDrop,
)


@dataclass
class Applied:
    cases: int = 0
    events: int = 0
    refetch: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    changed_refs: set[str] = field(default_factory=set)
    failed: list[str] = field(default_factory=list)  # "REF: why", cases left out this time


def cursor_of(ws: Workspace) -> int:
    return int(ws.setting("sync_cursor", 0) or 0)


def local_digest(ws: Workspace) -> str:
    with ws.db.read() as s:
        return digest(s.scalars(select(Case.ref)))


def _pending_refs(s: Session) -> set[str]:
    return set(s.scalars(select(OutboxChange.ref).distinct()))


def _update_facts(s: Session, ws: Workspace, case: Case, facts: dict[str, Any]) -> None:
    officer = get_or_create_officer(s, ws, facts["officer"])
    if case.officer_id != officer.id:
        case.officer = officer
    case.policy_name = facts.get("policy")
    case.extra = dict(facts.get("extra") or {})
    r, res = case.resident, facts["resident"]
    for key in ("name", "address", "phone", "email"):
        if getattr(r, key) != res.get(key):
            setattr(r, key, res.get(key))


def _add_events(s: Session, ws: Workspace, case: Case, docs: list[dict[str, Any]]) -> int:
    have = set(s.scalars(select(CaseEvent.local_id).where(CaseEvent.case_id == case.id)))
    new = [d for d in docs if d["event"]["id"] not in have]
    if not new:
        return 0
    # stored in the order the engine reads them, so references resolve
    new.sort(key=lambda d: (build_event(d["event"]).at, d["event"]["id"]))
    for origin in dict.fromkeys(d.get("origin", "entered") for d in new):
        group = [d for d in new if d.get("origin", "entered") == origin]
        recorded = {
            d["event"]["id"]: (
                instant(d["recorded"]["at"]),
                d["recorded"]["by"],
                d["recorded"].get("device", ""),
            )
            for d in group
        }
        append_events(
            s,
            ws,
            case,
            [d["event"] for d in group],
            origin=origin,
            refuse_future=False,
            recorded=recorded,
            derive=False,
        )
    return len(new)


def _count(s: Session, case: Case) -> int:
    return int(
        s.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id))
        or 0
    )


def apply_cases(s: Session, ws: Workspace, docs: list[dict[str, Any]], out: Applied) -> None:
    """Merge pulled cases into this copy, each in a savepoint and derived once (deadlines are
    worked out here from the merged events, never copied); new ones go in in bulk."""
    pending = _pending_refs(s)
    fresh: list[dict[str, Any]] = []  # new here: the bulk import's path, derived before inserting
    held = {c.ref: c for c in s.scalars(select(Case).where(Case.ref.in_([d["ref"] for d in docs])))}
    for doc in docs:
        ref = doc["ref"]
        case = held.get(ref)
        if case is not None and str(case.id) != doc["id"]:
            if ref in pending:
                continue  # this laptop's own case of that ref is still on its way
            remove_case_rows(s, case, SyncDrop)
            case = None
        if case is None:
            if doc.get("full"):
                fresh.append(doc)
            else:
                out.refetch.append(ref)
            continue
        try:
            with s.begin_nested():
                case = _merge(s, ws, case, doc, pending, out)
                derive_cases(s, ws, [case])
        except (DoorstepError, ValueError, KeyError, TypeError) as exc:
            _could_not(ref, doc, exc, out)
    _insert_fresh(s, ws, fresh, out)


def _merge(
    s: Session, ws: Workspace, case: Case, doc: dict[str, Any], pending: set[str], out: Applied
) -> Case:
    ref = doc["ref"]
    _update_facts(s, ws, case, doc)
    out.events += _add_events(s, ws, case, doc["events"])
    if _count(s, case) != doc["event_count"] and ref not in pending:
        if doc.get("full"):  # the server's whole case differs from this copy: take it
            remove_case_rows(s, case, SyncDrop)
            s.flush()
            case = create_from_facts(s, ws, doc, derive=False)
            _add_events(s, ws, case, doc["events"])
        else:
            out.refetch.append(ref)
    out.cases += 1
    out.changed_refs.add(ref)
    return case


def _could_not(ref: str, doc: dict[str, Any], exc: Exception, out: Applied) -> None:
    """A case this copy could not take as it came: fetched whole next (a delta), or left out
    and reported (a whole case) — the server still has it, and the next sync tries again."""
    if not doc.get("full"):
        out.refetch.append(ref)
    else:
        out.failed.append(f"{ref}: {exc}")


def _bundle(doc: dict[str, Any]) -> Bundle:
    r = doc["resident"]
    extra = dict(doc.get("extra") or {})
    bundle_extra = extra.pop("__bundle__", {})
    vulnerabilities = tuple(r.get("vulnerabilities") or ())
    info = CaseInfo(
        ref=doc["ref"],
        kind=doc["kind"],
        opened=dt.date.fromisoformat(doc["opened"]),
        officer=doc["officer"],
        resident=ResidentInfo(
            name=r["name"],
            address=r.get("address"),
            phone=r.get("phone"),
            email=r.get("email"),
            vulnerabilities=vulnerabilities if r.get("listed_vulnerabilities", True) else None,
            extra=dict(r.get("extra") or {}),
        ),
        policy=doc.get("policy"),
        extra=extra,
    )
    events = tuple(build_event(d["event"], seq=i) for i, d in enumerate(doc["events"]))
    return Bundle(case=info, events=events, extra=bundle_extra)


def _insert_fresh(s: Session, ws: Workspace, docs: list[dict[str, Any]], out: Applied) -> None:
    """Cases new to this copy, inserted in bulk with the ids and recordings the server gave."""
    if not docs:
        return
    given = Given()
    prepared = []
    for doc in docs:
        ref = doc["ref"]
        try:
            ids = (uuid.UUID(doc["resident"]["id"]), uuid.UUID(doc["id"]))
            recorded = {
                d["event"]["id"]: (
                    instant(d["recorded"]["at"]),
                    d["recorded"]["by"],
                    d["recorded"].get("device", ""),
                )
                for d in doc["events"]
            }
            prepared.append(ready(ws.registry, _bundle(doc), ref))
        except (DoorstepError, ValueError, KeyError, TypeError) as exc:
            _could_not(ref, doc, exc, out)
            continue
        given.ids[ref], given.recorded[ref] = ids, recorded
        given.origins[ref] = {d["event"]["id"]: d.get("origin", "entered") for d in doc["events"]}
    try:
        with s.begin_nested():
            insert_new(s, ws, prepared, given, action="sync_pulled")
        done = prepared
    except (DoorstepError, IntegrityError):  # one of them refused: each on its own
        done = []
        for one in prepared:
            try:
                with s.begin_nested():
                    insert_new(s, ws, [one], given, action="sync_pulled")
                done.append(one)
            except (DoorstepError, IntegrityError) as exc:
                out.failed.append(f"{one.where}: {exc}")
    for one in done:
        out.cases += 1
        out.events += len(one.bundle.events)
        out.changed_refs.add(one.where)


def _people(s: Session, ws: Workspace, people: list[dict[str, Any]]) -> None:
    for p in people:
        officer = get_or_create_officer(s, ws, p["username"])
        for key in ("name", "job_title", "role", "active"):
            if getattr(officer, key) != p[key]:
                setattr(officer, key, p[key])


def _conflicts(s: Session, docs: list[dict[str, Any]]) -> None:
    """The server's open conflicts for this person replace the copy here (a decision made here
    stays until it has been sent)."""
    waiting = {
        str(row.payload.get("conflict"))
        for row in s.scalars(select(OutboxChange).where(OutboxChange.kind == "decide"))
    }
    keep = set()
    for row in s.scalars(select(SyncConflict)):
        if row.status == "sent" and row.change_id in waiting:
            keep.add(row.change_id)  # decided here; the decision is still on its way
        else:
            s.delete(row)
    s.flush()
    for d in docs:
        if d["change_id"] in keep:
            continue
        s.add(
            SyncConflict(
                change_id=d["change_id"],
                ref=d["ref"],
                fact=d["fact"],
                author=d["author"],
                device=d["device"],
                made_at=instant(d["made_at"]),
                held_at=instant(d["held_at"]),
                theirs=d["theirs"],
                ours=d["ours"],
                change=d["change"],
                status=d["status"],
                decided_by=d.get("decided_by"),
                note=d.get("note") or "",
            )
        )


def _give_up(s: Session, visible: list[str], out: Applied) -> None:
    allowed, pending = set(visible), _pending_refs(s)
    have = set(s.scalars(select(Case.ref)))  # compared here: a manager may see 100,000 refs
    for ref in sorted(have - allowed - pending):
        case = s.scalars(select(Case).where(Case.ref == ref)).one()
        out.dropped.append(ref)
        remove_case_rows(s, case, SyncDrop)
    asked = set(out.refetch)
    out.refetch.extend(r for r in visible if r not in have and r not in asked)


def apply_page(ws: Workspace, page: dict[str, Any], out: Applied) -> None:
    """One pulled page, and the cursor after it, in one transaction."""
    with ws.db.write() as s:
        s.info["syncing"] = True
        if "people" in page:
            _people(s, ws, page["people"])
        apply_cases(s, ws, page["cases"], out)
        if page.get("conflicts") is not None:
            _conflicts(s, page["conflicts"])
        if page.get("visible") is not None:
            _give_up(s, page["visible"], out)
        put_setting(s, "sync_cursor", int(page["cursor"]))


def apply_whole(
    ws: Workspace, docs: list[dict[str, Any]], out: Applied, asked: Sequence[str] = ()
) -> None:
    """Whole cases fetched by ref (the cursor does not move); the refs ``asked`` for leave the
    list of those owed a fetch, in the same transaction."""
    with ws.db.write() as s:
        s.info["syncing"] = True
        apply_cases(s, ws, docs, out)
        owed = s.get(Setting, REFETCH)
        if owed is not None and asked:
            owed.value = [r for r in owed.value if r not in set(asked)]
