"""Bulk import of many case bundles (`doorstep import DIR│FILE.jsonl`, `import-csv`): the fast
path for a whole caseload.

Each batch of bundles is checked and derived first, outside any transaction (parsing, the
policy, every deadline), so the write lock is held only for the inserts. Then one write
transaction per batch: the officers the batch names are resolved at once (one SELECT, one
INSERT of the new ones), residents, cases, events (``cases.append_many``, the one append path),
deadlines and trail entries go in as bulk INSERTs inside one SAVEPOINT. Should the database
refuse that (a ref created meanwhile by another writer), the savepoint is rolled back and the
batch is imported bundle by bundle, each in its own savepoint through
``bundles.import_new_case``: a bundle is all or nothing either way. Committing every batch
keeps another writer's wait short; ``ANALYZE`` runs once at the end.

Progress and refusals name sources (files, line numbers), refs and counts, never resident details.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from app.domain.bundle import Bundle, parse_bundle
from app.domain.calendar import CalendarRangeError
from app.domain.deadlines import CaseDeadlines, derive
from app.domain.events import BundleError, Event, people_named
from app.errors import DoorstepError, ValidationError
from app.services.access import Do, require
from app.services.bundles import import_bundle, import_new_case
from app.services.cases import Recorded, append_many, check_policy
from app.services.recompute import deadline_values, summary_values
from app.services.views import ImportResult
from app.services.workspace import Workspace
from app.store import syncseq
from app.store.base import new_id, table_of, utcnow
from app.store.bulk_insert import triggers_set_aside
from app.store.fastwrite import insert_many
from app.store.models import AuditLog, Case, DeadlineRow, Officer, Resident, Vulnerability
from app.store.trail import append_entries


@dataclass
class Given:
    """What another database gave new cases: ids by ref (resident, case), and for each event id
    its recording (when, by whom, on which device) and origin."""

    ids: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    recorded: dict[str, Recorded] = field(default_factory=dict)  # by ref, then event id
    origins: dict[str, dict[str, str]] = field(default_factory=dict)  # by ref, then event id


BATCH = 500  # bundles per transaction: well under a second of writing on a laptop
EXISTS = "Case {ref} already exists; use --merge to add its new events."


@dataclass(frozen=True)
class Source:
    """One bundle to import: where it came from, and its document (or why it could not be read)."""

    where: str  # "cases/a.json", "cases.jsonl line 7"
    doc: Any = None
    problem: str | None = None


@dataclass
class BulkOutcome:
    imported: list[tuple[str, ImportResult]] = field(default_factory=list)  # (where, result)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (where, one sentence)
    officers_created: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def cases(self) -> int:
        return sum(1 for _, r in self.imported if r.created)


def sources_in(path: Path) -> Iterator[Source]:
    """The bundles of a folder (every ``*.json`` in it, by name) or of a JSON-lines file (one
    bundle a line; blank lines are skipped), read one at a time."""
    if path.is_dir():
        for file in sorted(p for p in path.iterdir() if p.suffix.lower() == ".json"):
            try:
                yield Source(str(file), json.loads(file.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                yield Source(str(file), problem=f"cannot be read ({exc.__class__.__name__})")
            except json.JSONDecodeError as exc:
                yield Source(
                    str(file),
                    problem=f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                )
        return
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"{path}: cannot be read ({exc.__class__.__name__}).") from None
    with fh:
        try:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                where = f"{path} line {n}"
                try:
                    yield Source(where, json.loads(line))
                except json.JSONDecodeError as exc:
                    yield Source(where, problem=f"not valid JSON (column {exc.colno}: {exc.msg})")
        except UnicodeDecodeError:
            raise ValidationError(f"{path}: is not UTF-8 text.") from None


@dataclass
class _Ready:
    """A bundle checked and derived, waiting for its batch's transaction."""

    where: str
    bundle: Bundle
    events: list[Event]  # in the order storage reads them back (instant, then recording)
    result: CaseDeadlines
    history: Any


def _prepare(ws: Workspace, src: Source) -> _Ready:
    if src.problem is not None:
        raise ValidationError(src.problem)
    try:
        bundle = parse_bundle(src.doc, known_events=None)
    except BundleError as exc:
        raise ValidationError(str(exc)) from exc
    return ready(ws, bundle, src.where)


def ready(ws: Workspace, bundle: Bundle, where: str) -> _Ready:
    """A parsed bundle checked against the policies and derived, for ``insert_new``."""
    check_policy(ws, bundle.case.policy)
    history = ws.registry.history(bundle.case.policy or ws.registry.default)
    try:
        result = derive(bundle.case, bundle.events, history)
    except (BundleError, CalendarRangeError) as exc:  # past the calendar's last year
        raise ValidationError(str(exc)) from None
    stored = sorted(bundle.events, key=lambda e: (e.at, e.seq))  # as ``case_history`` reads them
    return _Ready(where, bundle, stored, result, history)


def import_sources(
    ws: Workspace,
    sources: Iterable[Source],
    merge: bool = False,
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
    exists: str = EXISTS,
) -> BulkOutcome:
    """Import every bundle of ``sources``, each all or nothing, a batch per transaction.
    ``progress(done, refused)`` is called after every batch. A bundle whose case exists is
    refused (``exists``, formatted with its ``ref``), or with ``merge`` has its new events
    added (through ``import_bundle``)."""
    started = time.perf_counter()
    out = BulkOutcome()
    with ws.db.read() as s:
        require(s, Do.IMPORT)  # refuse before reading anything more
    pending: list[Source] = []
    for src in sources:
        pending.append(src)
        if len(pending) >= batch:
            _batch(ws, pending, merge, out, exists)
            pending = []
            if progress is not None:
                progress(len(out.imported), len(out.refused))
    if pending:
        _batch(ws, pending, merge, out, exists)
        if progress is not None:
            progress(len(out.imported), len(out.refused))
    if out.imported:
        analyze(ws)
    out.officers_created = sorted(set(out.officers_created))
    out.seconds = time.perf_counter() - started
    return out


def analyze(ws: Workspace) -> None:
    """Refresh the query planner's statistics after a large change."""
    with ws.db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def _refusal(exc: Exception) -> str:
    msg = str(exc)
    return msg if msg.endswith(".") else f"{msg}."


def _batch(
    ws: Workspace, sources: list[Source], merge: bool, out: BulkOutcome, exists: str
) -> None:
    ready: list[_Ready] = []
    later: list[Source] = []  # merges: the ordinary path, one transaction each
    for src in sources:
        try:
            ready.append(_prepare(ws, src))
        except ValidationError as exc:
            if merge and src.problem is None and "refers to unknown event" in str(exc):
                later.append(src)  # may refer to events stored earlier: checked when merging
            else:
                out.refused.append((src.where, _refusal(exc)))
        except DoorstepError as exc:
            out.refused.append((src.where, _refusal(exc)))
    if ready:
        with ws.db.write() as s:
            require(s, Do.IMPORT)
            refs = [r.bundle.case.ref for r in ready]
            existing = _stored_refs(s, refs)
            fresh: list[_Ready] = []
            seen: set[str] = set()
            for r in ready:
                ref = r.bundle.case.ref
                if ref in existing or ref in seen:
                    if merge and ref in existing:
                        later.append(Source(r.where, _doc_of(sources, r.where)))
                    else:
                        out.refused.append(
                            (
                                r.where,
                                exists.format(ref=ref),
                            )
                        )
                    continue
                seen.add(ref)
                fresh.append(r)
            savepoint = s.begin_nested()
            try:
                created = insert_new(s, ws, fresh)
                savepoint.commit()
            except IntegrityError:
                savepoint.rollback()  # another writer got there first: one bundle at a time
                created = None
            if created is not None:
                out.officers_created += created
                for r in fresh:
                    out.imported.append((r.where, _result(r, True, [])))
            else:
                _one_by_one(s, ws, fresh, out, exists)
    for src in later:
        try:
            result = import_bundle(ws, src.doc, merge=True)
        except (DoorstepError, BundleError) as exc:
            out.refused.append((src.where, _refusal(exc)))
            continue
        out.imported.append((src.where, result))
        out.officers_created += result.officers_created


def _stored_refs(s, refs: list[str]) -> set[str]:
    """Which of ``refs`` are stored (on PostgreSQL another writer may still add one before
    the batch commits: the unique ref then refuses the bulk insert)."""
    return set(s.scalars(select(Case.ref).where(Case.ref.in_(refs))))


def _doc_of(sources: list[Source], where: str) -> Any:
    return next(src.doc for src in sources if src.where == where)


def _result(r: _Ready, created: bool, officers: list[str]) -> ImportResult:
    return ImportResult(r.bundle.case.ref, created, len(r.bundle.events), tuple(officers))


def _one_by_one(s, ws: Workspace, ready: list[_Ready], out: BulkOutcome, exists: str) -> None:
    for r in ready:
        savepoint = s.begin_nested()
        try:
            if s.scalar(select(Case.id).where(Case.ref == r.bundle.case.ref)) is not None:
                raise ValidationError(exists.format(ref=r.bundle.case.ref))
            result = import_new_case(s, ws, r.bundle)
            savepoint.commit()
        except (DoorstepError, BundleError, CalendarRangeError, IntegrityError) as exc:
            savepoint.rollback()
            out.refused.append((r.where, _refusal(exc)))
            continue
        out.imported.append((r.where, result))
        out.officers_created += result.officers_created


def officers_for(s, ws: Workspace, usernames: set[str], created: list[str]) -> dict[str, Any]:
    """Officer ids by username for a whole batch, adding the new ones (one SELECT, one INSERT
    that skips a username another writer added meanwhile, one SELECT)."""
    ids = dict(
        s.execute(select(Officer.username, Officer.id).where(Officer.username.in_(usernames))).all()
    )
    missing = sorted(usernames - ids.keys())
    if missing:
        dialect = s.get_bind().dialect.name
        upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        now = utcnow()
        s.execute(
            upsert(table_of(Officer)).on_conflict_do_nothing(index_elements=["username"]),
            [
                {
                    "id": new_id(),
                    "username": u,
                    "name": u,
                    "email": "",
                    "role": "officer",
                    "active": True,
                    "failed_logins": 0,
                    "created_at": now,
                    "updated_at": now,
                    "updated_by": ws.actor.username,
                    "device": ws.actor.device,
                    "version": 1,
                }
                for u in missing
            ],
        )
        added = dict(
            s.execute(
                select(Officer.username, Officer.id).where(Officer.username.in_(missing))
            ).all()
        )
        created += sorted(added)
        ids |= added
    return ids


def insert_new(
    s,
    ws: Workspace,
    ready: list[_Ready],
    given: Given | None = None,
    action: str = "import_bundle",
) -> list[str]:
    """Insert new cases in bulk; returns the usernames of officers added. ``given`` (a laptop's
    pull) keeps the ids, recordings and origins the team database gave the cases and events."""
    if not ready:
        return []
    names: set[str] = set()
    for r in ready:
        names.add(r.bundle.case.officer)
        for e in r.bundle.events:
            names |= people_named(e)
    created: list[str] = []
    officer_ids = officers_for(s, ws, names, created)
    who = {"updated_by": ws.actor.username, "device": ws.actor.device}
    residents, vulnerabilities, cases, events, deadlines, trail = [], [], [], [], [], []
    now = ws.now()
    for r in ready:
        info, res = r.bundle.case, r.bundle.case.resident
        resident_id, case_id = given.ids[info.ref] if given else (new_id(), new_id())
        residents.append(
            {
                "id": resident_id,
                "name": res.name,
                "address": res.address,
                "phone": res.phone,
                "email": res.email,
                "listed_vulnerabilities": res.vulnerabilities is not None,
                "extra": dict(res.extra),
                **who,
            }
        )
        vulnerabilities += [
            {"resident_id": resident_id, "position": i, "description": v}
            for i, v in enumerate(res.vulnerabilities or ())
        ]
        extra = dict(info.extra)
        if r.bundle.extra:
            extra["__bundle__"] = dict(r.bundle.extra)
        cases.append(
            {
                "id": case_id,
                "ref": info.ref,
                "kind": info.kind,
                "opened": info.opened,
                "officer_id": officer_ids[info.officer],
                "resident_id": resident_id,
                "policy_name": info.policy,
                "extra": extra,
                **who,
                **summary_values(r.result, r.events, r.history),
            }
        )
        events += [(case_id, e) for e in r.bundle.events]
        deadlines += [deadline_values(case_id, d) for d in r.result.deadlines]
        trail.append(
            AuditLog(
                at=now,
                actor=ws.actor.username,
                device=ws.actor.device,
                action=action,
                entity="case",
                entity_id=info.ref,
                detail={"events": len(r.bundle.events)},
            )
        )
    with triggers_set_aside(s):  # callers roll back their savepoint if this raises
        insert_many(s, table_of(Resident), residents)
        insert_many(s, table_of(Vulnerability), vulnerabilities)
        if syncseq.numbering(s):  # each case numbered for the laptops, even one with no events
            last = syncseq.take(s, len(cases))
            for i, row in enumerate(cases):
                row["sync_seq"] = last - len(cases) + 1 + i
        insert_many(s, table_of(Case), cases)
        if given is None:
            append_many(s, ws, events, origin="imported")
        else:  # ids are unique within a case only: each case's events with their own recordings
            for r, row in zip(ready, cases, strict=True):
                key = r.bundle.case.ref
                for origin in dict.fromkeys(given.origins[key].values()):
                    group = [e for e in r.bundle.events if given.origins[key][e.id] == origin]
                    append_many(s, ws, [(row["id"], e) for e in group], origin, given.recorded[key])
        insert_many(s, table_of(DeadlineRow), deadlines)
        append_entries(s, trail)
    s.flush()
    return created
