"""Use cases on one case: open it, record what happened, read it back."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, func, inspect, select, update
from sqlalchemy.orm import Session

from app.domain.bundle import CASE_KINDS
from app.domain.calendar import london_date
from app.domain.deadlines.model import missed, urgency
from app.domain.events import (
    BundleError,
    Event,
    build_event,
    check_references,
    people_named,
    unprintable,
)
from app.domain.trail import days_late
from app.errors import ConflictError, NotFound, ValidationError
from app.services.access import check_case
from app.services.convert import event_from_row
from app.services.late_entries import late_recordings
from app.services.recompute import case_history, policy_history, recompute
from app.services.sync import outbox
from app.services.views import (
    CaseDetail,
    DeadlineView,
    EventView,
    LateEntry,
    PartnerView,
    RepairView,
)
from app.services.workspace import Workspace
from app.store import syncseq
from app.store.base import new_id, table_of
from app.store.fastwrite import insert_many
from app.store.models import (
    AuditLog,
    Case,
    CaseEvent,
    DeadlineRow,
    Officer,
    Resident,
    Vulnerability,
)
from app.store.policies import PolicyRegistry
from app.store.trail import append_entry

# An event recorded in another database (sync): its id → (recorded at, by whom, on which device).
Recorded = dict[str, tuple[dt.datetime, str, str]]

FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def log_action(
    session: Session, ws: Workspace, action: str, entity: str, entity_id: str, **detail
) -> None:
    """Attribute a write (who, when, which device) in the chained trail, inside the caller's
    transaction. ``detail`` says what changed (ids, field names, counts): never resident details."""
    append_entry(
        session,
        AuditLog(
            at=ws.now(),
            actor=ws.actor.username,
            device=ws.actor.device,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
        ),
    )


def get_or_create_officer(
    session: Session, ws: Workspace, username: str, created: list[str] | None = None
) -> Officer:
    """The officer USERNAME, added when new. An upsert (INSERT … ON CONFLICT DO NOTHING, then
    SELECT): when two commands add the same new officer at once, the second waits for the first
    and uses its row instead of failing on the unique username."""
    known = session.info.setdefault("officers", {})  # found in this session
    officer = known.get(username)
    if officer is None or not inspect(officer).persistent:  # (gone with a rolled-back savepoint)
        officer = session.scalar(select(Officer).where(Officer.username == username))
    if officer is not None:
        known[username] = officer
        return officer
    # Only the dialect in use is imported: PostgreSQL's costs a desktop start ~50 ms.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    table = table_of(Officer)
    added = session.execute(
        insert(table)
        .values(
            id=new_id(),
            username=username,
            name=username,
            updated_by=ws.actor.username,
            device=ws.actor.device,
        )
        .on_conflict_do_nothing(index_elements=["username"])
        .returning(table.c.id)
    ).first()
    if added is not None and created is not None:
        created.append(username)
    return session.scalars(select(Officer).where(Officer.username == username)).one()


def find_case(session: Session, ref: str) -> Case:
    """The case REF, if the acting person may see it (and change it, in a write)."""
    case = session.scalar(select(Case).where(Case.ref == ref))
    if case is None:
        raise NotFound(f"There is no case {ref!r}.")
    check_case(session, ref, case.officer_id, write=bool(session.info.get("writing")))
    return case


def check_policy(ws: Workspace, name: str | None) -> None:
    known_policy(ws.registry, name)


def known_policy(registry: PolicyRegistry, name: str | None) -> None:
    """Refuse a policy the registry does not hold (None is the default)."""
    if name is not None and name not in registry.names():
        raise ValidationError(
            f"Unknown policy {name!r}; known policies: {', '.join(registry.names())}."
        )


def create_case(
    ws: Workspace,
    *,
    ref: str,
    kind: str,
    officer: str,
    resident_name: str,
    opened: dt.date | None = None,
    address: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    vulnerabilities: list[str] | None = None,
    policy: str | None = None,
) -> CaseDetail:
    ref = ref.strip()
    if not ref:
        raise ValidationError("A case needs a reference.")
    bad = unprintable(ref)
    if bad is not None:  # the same rule as a bundle's ref (app/domain/bundle.py)
        raise ValidationError(f"A case reference may hold only printable characters, not {bad}.")
    if kind not in CASE_KINDS:
        raise ValidationError(f"Case kind must be one of {', '.join(CASE_KINDS)}.")
    if not resident_name.strip():
        raise ValidationError("A case needs the resident's name.")
    check_policy(ws, policy)
    opened = opened or ws.today()
    with ws.db.write() as s:
        if s.scalar(select(Case.id).where(Case.ref == ref)) is not None:
            raise ConflictError(f"A case {ref!r} already exists.")
        resident = Resident(
            name=resident_name.strip(),
            address=address,
            phone=phone,
            email=email,
            listed_vulnerabilities=True,
            updated_by=ws.actor.username,
            device=ws.actor.device,
        )
        resident.vulnerabilities = [
            Vulnerability(position=i, description=v.strip())
            for i, v in enumerate(vulnerabilities or [])
            if v.strip()
        ]
        case = Case(
            ref=ref,
            kind=kind,
            opened=opened,
            officer=get_or_create_officer(s, ws, officer),
            resident=resident,
            policy_name=policy,
            updated_by=ws.actor.username,
            device=ws.actor.device,
        )
        s.add(case)
        s.flush()
        # A new case for someone the person may not work for is refused like any other write.
        check_case(s, ref, case.officer_id, write=True)
        recompute(s, case, ws.registry)
        if outbox.recording(s):  # a laptop: the server opens it too when it syncs
            from app.services.sync.docs import case_facts

            outbox.record_case(s, ws, case_facts(case))
        log_action(s, ws, "create_case", "case", ref, kind=kind)
    return get_case(ws, ref)


def create_from_facts(
    s: Session, ws: Workspace, facts: dict, ref: str | None = None, derive: bool = True
) -> Case:
    """A case with the ids and facts another database gave it (``docs.case_facts``); with
    ``derive=False`` its deadlines wait for ``derive_cases`` (its events are on their way)."""
    if facts.get("kind") not in CASE_KINDS:
        raise ValidationError(f"unknown case kind {str(facts.get('kind'))[:20]!r}")
    r = facts["resident"]
    resident = Resident(
        id=uuid.UUID(r["id"]),
        name=str(r["name"]),
        address=r.get("address"),
        phone=r.get("phone"),
        email=r.get("email"),
        listed_vulnerabilities=bool(r.get("listed_vulnerabilities", True)),
        extra=dict(r.get("extra") or {}),
        updated_by=ws.actor.username,
        device=ws.actor.device,
    )
    resident.vulnerabilities = [
        Vulnerability(position=i, description=str(v))
        for i, v in enumerate(r.get("vulnerabilities") or [])
    ]
    case = Case(
        id=uuid.UUID(facts["id"]),
        ref=ref or facts["ref"],
        kind=facts["kind"],
        opened=dt.date.fromisoformat(facts["opened"]),
        officer=get_or_create_officer(s, ws, str(facts["officer"])),
        resident=resident,
        policy_name=facts.get("policy"),
        extra=dict(facts.get("extra") or {}),
        updated_by=ws.actor.username,
        device=ws.actor.device,
    )
    s.add(case)
    s.flush()
    if derive:
        recompute(s, case, ws.registry)
    return case


# -- the one way events are appended -----------------------------------------------------------
# Every writer of a case's history (forms, complaints, ASB, visits, contacts, letters, hand-overs,
# imports and merges) comes through ``append_events``: the version check, the id generator, the
# event rows, the recomputation and the case's stamp live here and nowhere else
# (tests/services/test_append_path.py holds the other modules to that).


def check_version(case: Case, expected_version: int | None) -> None:
    """Refuse a write made against a case that has changed since it was read."""
    if expected_version is not None and case.version != expected_version:
        raise ConflictError(
            f"Case {case.ref} was changed by {case.updated_by} since you opened it. "
            "Reload the case; your entry has not been saved and is still in the form."
        )


def new_local_ids(
    session: Session, case: Case, n: int = 1, also_taken: Iterable[str] = ()
) -> list[str]:
    """``n`` new event ids, unused on the case and not in ``also_taken`` (an action that records
    an event referring to another it records in the same step reserves the first one's id)."""
    taken = set(also_taken) | set(
        session.scalars(select(CaseEvent.local_id).where(CaseEvent.case_id == case.id)).all()
    )
    out: list[str] = []
    while len(out) < n:
        candidate = f"ev-{_next_stamp()}"
        if candidate not in taken and candidate not in out:
            out.append(candidate)
    return out


_last_stamp = 0


def _next_stamp() -> int:
    """Nanoseconds since the epoch, strictly increasing within the process: ids made later
    sort later (events at the same instant are read in id order, DOMAIN_RULES.md §9, so entries
    recorded within one clock tick keep the order they were entered in)."""
    global _last_stamp
    _last_stamp = max(time.time_ns(), _last_stamp + 1)
    return _last_stamp


def new_local_id(session: Session, case: Case) -> str:
    return new_local_ids(session, case, 1)[0]


def _add_rows(
    session: Session,
    ws: Workspace,
    case: Case,
    raws: list[dict[str, Any]],
    origin: str,
    recorded: Recorded | None = None,
) -> list[str]:
    """Validate and store the event rows (the only place a ``CaseEvent`` is made, through
    ``append_many``).

    Each is attributed to the acting person, now, from this device. ``origin`` is "entered"
    (recorded here: a form, a command, a merge) or "imported" (arrived with the import that
    created the case, first recorded elsewhere)."""
    existing = {
        local: etype
        for local, etype in session.execute(
            select(CaseEvent.local_id, CaseEvent.type).where(CaseEvent.case_id == case.id)
        )
    }
    seq = (
        session.scalar(
            select(func.coalesce(func.max(CaseEvent.seq), -1)).where(CaseEvent.case_id == case.id)
        )
        + 1
    )
    events = []
    for i, raw in enumerate(raws):
        try:
            event = build_event(raw, seq=seq + i)
        except BundleError as exc:
            raise ValidationError(str(exc)) from exc
        if event.id in existing:
            raise ValidationError(
                f"event {event.id!r}: field 'id': the case already has an event with this id"
            )
        events.append(event)
    try:
        check_references(events, existing)
    except BundleError as exc:
        raise ValidationError(str(exc)) from exc
    for e in events:
        for username in sorted(people_named(e)):
            get_or_create_officer(session, ws, username)
    append_many(session, ws, [(case.id, e) for e in events], origin, recorded)
    return [e.id for e in events]


def append_many(
    session: Session,
    ws: Workspace,
    events: list[tuple[Any, Event]],
    origin: str = "entered",
    recorded: Recorded | None = None,
) -> None:
    """Store validated events, of one case or of many (``(case id, event)`` pairs), in one
    bulk INSERT (executemany), each attributed to the acting person, now, from this device —
    or, for an event in ``recorded`` (one that came from another database through sync), to
    who recorded it there, when and on which device. ``_add_rows`` stores a case's events
    through it; the bulk import (services/bulk.py) a whole batch's.

    On the team's database each event gets the next change number and so does its case
    (app/store/syncseq.py); on a laptop that syncs, each event entered here also goes into the
    outbox, in this same transaction (app/services/sync/outbox.py)."""
    if not events:
        return
    session.flush()  # the cases they belong to first
    rows = event_rows(events, ws.now(), ws.actor.username, ws.actor.device, origin, recorded)
    case_ids = list(dict.fromkeys(case_id for case_id, _ in events))
    if syncseq.numbering(session):
        last = syncseq.take(session, len(rows) + len(case_ids))
        first = last - len(rows) - len(case_ids) + 1
        for i, row in enumerate(rows):
            row["sync_seq"] = first + i
        # each case after its events: a pull that sees the case sees them all
        session.execute(
            update(table_of(Case)).where(table_of(Case).c.id == bindparam("cid")),
            [{"cid": cid, "sync_seq": first + len(rows) + i} for i, cid in enumerate(case_ids)],
        )
    insert_many(session, table_of(CaseEvent), rows)
    if outbox.recording(session):
        outbox.record_events(session, ws, events, origin)


def event_rows(
    events: Iterable[tuple[Any, Event]],
    now: dt.datetime,
    username: str,
    device: str,
    origin: str = "entered",
    recorded: Recorded | None = None,
) -> list[dict[str, Any]]:
    """The stored rows (``case_events``) of validated events, ``(case id, event)`` pairs, each
    recorded by ``username`` on ``device`` at ``now`` unless ``recorded`` says otherwise: the one
    place an entry's row is made (``append_many`` here, a bulk import's batch planner)."""
    recorded = recorded or {}
    rows = []
    for case_id, e in events:
        at, by, dev = recorded.get(e.id) or (now, username, device)
        rows.append(
            {
                "case_id": case_id,
                "local_id": e.id,
                "seq": e.seq,
                "type": e.type,
                "at": e.at,
                "summary": e.summary,
                "data": dict(e.data),
                "actor": e.by,
                "recorded_at": at,
                "recorded_by": by,
                "device": dev,
                "origin": origin,
                "sync_seq": None,
            }
        )
    return rows


def append_events(
    session: Session,
    ws: Workspace,
    case: Case | str,
    events: list[dict[str, Any]],
    expected_version: int | None = None,
    *,
    at: dt.datetime | None = None,
    origin: str = "entered",
    refuse_future: bool = True,
    recorded: Recorded | None = None,
    derive: bool = True,
) -> tuple[Case, list[str]]:
    """Append events to a case (a row or its ref) inside the caller's transaction: check the
    version, give each event without one an id and a time (``at``, else now), store them,
    recompute the case's deadlines and stamp the case with who changed it. Returns the case
    and the events' ids.

    Each event is an event object as in a case bundle. With ``expected_version``, a case
    changed since it was read is refused. ``refuse_future`` refuses an event more than a few
    minutes ahead of the clock (a bundle's events are taken as they come).
    """
    if isinstance(case, str):
        case = find_case(session, case)
    check_version(case, expected_version)
    default_at = (at or ws.now()).isoformat()
    raws = [dict(event) for event in events]
    missing = [raw for raw in raws if not raw.get("id")]
    if missing:
        given = {str(raw["id"]) for raw in raws if raw.get("id")}
        new = new_local_ids(session, case, len(missing), given)
        for raw, local_id in zip(missing, new, strict=True):
            raw["id"] = local_id
    for raw in raws:
        raw.setdefault("at", default_at)
        if not refuse_future:
            continue
        try:
            when = build_event(raw).at
        except BundleError as exc:
            raise ValidationError(str(exc)) from exc
        if when > ws.now() + FUTURE_TOLERANCE:
            raise ValidationError("The date and time given are in the future; nothing was saved.")
    local_ids = _add_rows(session, ws, case, raws, origin, recorded)
    if derive:  # else the caller derives each case once, after all its entries (derive_cases)
        recompute(session, case, ws.registry)
    case.updated_by = ws.actor.username
    case.device = ws.actor.device
    case.updated_at = ws.now()
    return case, local_ids


def derive_cases(session: Session, ws: Workspace, cases: Iterable[Case]) -> None:
    """Derive the deadlines of cases whose events were appended with ``derive=False`` (a sync
    batch derives each case it touched once, not once per entry)."""
    for case in cases:
        recompute(session, case, ws.registry)


def record_event(
    ws: Workspace, ref: str, event: dict[str, Any], expected_version: int | None = None
) -> tuple[str, CaseDetail]:
    """Append one event to a case and recompute its deadlines, in one transaction.

    ``event`` is an event object as in a case bundle; ``id`` and ``at`` default to
    a new id and now. With ``expected_version``, a case changed since it was read is refused.
    """
    with ws.db.write() as s:
        _, (local_id,) = append_events(s, ws, ref, [event], expected_version)
        log_action(
            s,
            ws,
            "record_event",
            "case",
            ref,
            event=local_id,
            type=event.get("type"),
            fields=sorted(k for k in event if k not in ("id", "type")),
        )
    return local_id, get_case(ws, ref)


def _deadline_view(
    row: DeadlineRow, ws: Workspace, cal, today: dt.date, risk_wd: int
) -> DeadlineView:
    wd_left = cal.working_days_between(today, row.due) if row.status == "open" and row.due else None
    return DeadlineView(
        key=row.key,
        kind=row.kind,
        label=row.label,
        started_by=row.started_by,
        due=row.due,
        status=row.status,
        met_by=row.met_by,
        met_on=row.met_on,
        policy=row.policy,
        wd_left=wd_left,
        breached=missed(
            row.status, row.due, row.met_on, row.closed_on, today, row.due_at, row.met_at
        ),
        detail=row.detail,
        holds=tuple(row.holds or ()),
        urgency=urgency(wd_left, risk_wd),
    )


def record_read(ws: Workspace, ref: str, what: str) -> None:
    """When the policy says so, the trail records who read a case (never what was in it)."""
    if not ws.registry.get().log_case_reads:
        return
    with ws.db.write() as s:
        log_action(s, ws, f"case_{what}", "case", ref)


def get_case(ws: Workspace, ref: str, as_of: dt.date | None = None) -> CaseDetail:
    detail = _read_case(ws, ref, as_of)
    record_read(ws, ref, "opened")
    return detail


def _read_case(ws: Workspace, ref: str, as_of: dt.date | None) -> CaseDetail:
    today = as_of or ws.today()
    with ws.db.read() as s:
        case = find_case(s, ref)
        history = policy_history(ws.registry, case)
        cal = history.current.calendar
        stored = case_history(s, case)
        late = late_recordings(stored, history.current.late_entry_days)
        names = _names(s, {r.by for r in late.values()})
        events = []
        for row in reversed(stored):
            e = event_from_row(row)
            rec = late.get(row.local_id)
            events.append(
                EventView(
                    id=e.id,
                    at=e.at,
                    type=e.type,
                    summary=e.summary,
                    by=e.by,
                    fields=dict(e.data),
                    recorded_by=row.recorded_by,
                    recorded_at=row.recorded_at,
                    late=None
                    if rec is None
                    else LateEntry(
                        rec.at,
                        rec.by,
                        names.get(rec.by, rec.by),
                        rec.device,
                        days_late(e.at, rec.at),
                    ),
                )
            )
        rows = list(s.scalars(select(DeadlineRow).where(DeadlineRow.case_id == case.id)))
        deadlines = sorted(
            (_deadline_view(r, ws, cal, today, history.current.at_risk_wd) for r in rows),
            key=lambda d: (d.status != "open", d.due or dt.date.max, d.key),
        )
        r = case.resident
        return CaseDetail(
            ref=case.ref,
            kind=case.kind,
            status=case.status,
            opened=case.opened,
            officer=case.officer.username,
            officer_name=case.officer.name,
            resident_name=r.name,
            address=r.address,
            phone=r.phone,
            email=r.email,
            vulnerabilities=tuple(v.description for v in r.vulnerabilities),
            risk_tier=case.risk_tier,
            policy=history.current.ref,
            version=case.version,
            events=tuple(events),
            deadlines=tuple(deadlines),
            repairs=_repairs(events, rows, cal, today),
            partners=_partners(events, rows),
            corrected={e.fields["corrects"]: e.id for e in events if e.fields.get("corrects")},
        )


def _names(s: Session, usernames: set[str]) -> dict[str, str]:
    if not usernames:
        return {}
    rows = s.execute(select(Officer.username, Officer.name).where(Officer.username.in_(usernames)))
    return {u: n or u for u, n in rows}


def _repairs(
    events: list[EventView], rows: list[DeadlineRow], cal, today: dt.date
) -> tuple[RepairView, ...]:
    by_start = {r.started_by: r for r in rows if r.kind == "repair"}
    out = []
    for e in reversed(events):  # oldest first
        if e.type != "repair_raised":
            continue
        d = by_start.get(e.id)
        done = d.met_on if d is not None and d.status == "met" else None
        target = dt.date.fromisoformat(e.fields["target"])
        out.append(
            RepairView(
                job=e.fields["job"],
                priority=e.fields["priority"],
                raised_on=london_date(e.at),
                target=target,
                done_on=done,
                wd_left=cal.working_days_between(today, d.due)
                if d is not None and d.status == "open" and d.due
                else None,
            )
        )
    return tuple(out)


def _partners(events: list[EventView], rows: list[DeadlineRow]) -> tuple[PartnerView, ...]:
    by_start = {r.started_by: r for r in rows if r.kind == "partner_chase"}
    by_id = {e.id: e for e in events}
    out = []
    for e in reversed(events):
        if e.type != "partner_request":
            continue
        d = by_start.get(e.id)
        answered = chased = None
        if d is not None and d.status == "met" and d.met_by in by_id:
            met = by_id[d.met_by]
            if met.type == "partner_reply":
                answered = d.met_on
            else:
                chased = d.met_on
        out.append(
            PartnerView(
                id=e.id,
                agency=e.fields["agency"],
                ask=e.fields["ask"],
                asked_on=london_date(e.at),
                answered_on=answered,
                chased_on=chased,
                chase_due=d.due if d is not None and d.status == "open" else None,
            )
        )
    return tuple(out)
