"""Bulk import of many case bundles (`doorstep import DIR│FILE.jsonl`, `import-csv`): the fast
path for a whole caseload.

Each batch of bundles is planned first, outside any transaction (``services/bulk_plan.py``:
parsing, the policy, every deadline, every row converted for the driver) — on SQLite, for more
than one batch, in worker processes while this process writes the batch before, so the write
lock is held only for the inserts. Then one write transaction per batch: the officers the batch
names are resolved at once (one SELECT, one INSERT of the new ones), residents, cases, entries,
deadlines and trail entries go in as bulk INSERTs inside one SAVEPOINT. Should the database
refuse that (a ref created meanwhile by another writer), the savepoint is rolled back and the
batch is imported bundle by bundle, each in its own savepoint through
``bundles.import_new_case``: a bundle is all or nothing either way. Committing every batch
keeps another writer's wait short; ``ANALYZE`` runs once at the end.

Progress and refusals name sources (files, line numbers), refs and counts, never resident details.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from app.domain.calendar import CalendarRangeError
from app.domain.events import BundleError
from app.errors import DoorstepError, ValidationError
from app.services.access import Do, require
from app.services.bulk_plan import (
    LATE,
    TABLES,
    Context,
    Planned,
    Planner,
    Ready,
    Refused,
    Source,
    plan,
    prepare,
    refusal,
    workers_for,
)
from app.services.bundles import import_bundle, import_new_case
from app.services.cases import Recorded
from app.services.sync import outbox
from app.services.views import ImportResult
from app.services.workspace import Workspace
from app.store import bulk_indexes, syncseq
from app.store.base import new_id, table_of, utcnow
from app.store.bulk_insert import triggers_set_aside
from app.store.fastwrite import Row, statement
from app.store.models import Case, Officer
from app.store.trail import append_entries

__all__ = ["BATCH", "BulkOutcome", "Given", "Source", "import_sources", "insert_new"]


@dataclass
class Given:
    """What another database gave new cases: ids by ref (resident, case), and for each event id
    its recording (when, by whom, on which device) and origin."""

    ids: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    recorded: dict[str, Recorded] = field(default_factory=dict)  # by ref, then event id
    origins: dict[str, dict[str, str]] = field(default_factory=dict)  # by ref, then event id


BATCH = 500  # bundles per transaction: well under a second of writing on a laptop
AHEAD = 4  # batches planned ahead of the one being written, at most
AUTO_FROM = 2  # workers start with the third batch: starting them costs about a second
FEW = 5_000  # cases stored before a large import for its indexes to be built at the end
EXISTS = "Case {ref} already exists; use --merge to add its new events."


@dataclass
class BulkOutcome:
    imported: list[tuple[str, ImportResult]] = field(default_factory=list)  # (where, result)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (where, one sentence)
    officers_created: list[str] = field(default_factory=list)
    seconds: float = 0.0
    batches_by_workers: int = 0  # batches planned in worker processes

    @property
    def cases(self) -> int:
        return sum(1 for _, r in self.imported if r.created)


def sources_in(path: Path) -> Iterator[Source]:
    """The bundles of a folder (every ``*.json`` in it, by name) or of a JSON-lines file (one
    bundle a line; blank lines are skipped), read one at a time; each is parsed where its batch
    is planned (a worker process, for a large import)."""
    if path.is_dir():
        for file in sorted(p for p in path.iterdir() if p.suffix.lower() == ".json"):
            try:
                yield Source(str(file), text=file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                yield Source(str(file), problem=f"cannot be read ({exc.__class__.__name__})")
        return
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"{path}: cannot be read ({exc.__class__.__name__}).") from None
    with fh:
        try:
            for n, line in enumerate(fh, start=1):
                if line.strip():
                    yield Source(f"{path} line {n}", text=line, one_line=True)
        except UnicodeDecodeError:
            raise ValidationError(f"{path}: is not UTF-8 text.") from None


def _batches(sources: Iterable[Source], size: int) -> Iterator[list[Source]]:
    pending: list[Source] = []
    for src in sources:
        pending.append(src)
        if len(pending) >= size:
            yield pending
            pending = []
    if pending:
        yield pending


def import_sources(
    ws: Workspace,
    sources: Iterable[Source],
    merge: bool = False,
    batch: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
    exists: str = EXISTS,
    workers: int | None = None,
) -> BulkOutcome:
    """Import every bundle of ``sources``, each all or nothing, a batch per transaction.
    ``progress(done, refused)`` is called after every batch. A bundle whose case exists is
    refused (``exists``, formatted with its ``ref``), or with ``merge`` has its new events
    added (through ``import_bundle``). ``workers``: processes planning batches ahead (None:
    as many as suit this database and machine, from the third batch on)."""
    started = time.perf_counter()
    out = BulkOutcome()
    with ws.db.read() as s:
        require(s, Do.IMPORT)  # refuse before reading anything more
        dialect = s.connection().dialect
        stored = s.scalar(select(func.count()).select_from(Case)) or 0
    aside = False
    ctx = Context(ws.registry, ws.actor.username, ws.actor.device)
    replica = bool(ws.db.session_info.get("replica"))
    planner: Planner | None = None
    waiting: deque[tuple[Any, list[Source], Any]] = deque()
    local = Planner(ctx, dialect, 0)

    def write_oldest() -> None:
        future, srcs, now = waiting.popleft()
        results, by_worker = (planner or local).result(future, srcs, now)
        out.batches_by_workers += by_worker
        _batch(ws, srcs, results, merge, out, exists)
        if progress is not None:
            progress(len(out.imported), len(out.refused))

    try:
        for i, srcs in enumerate(_batches(sources, batch)):
            if planner is None and i == (1 if workers is not None else AUTO_FROM):
                n = workers_for(dialect.name, replica, workers)
                if n > 0:  # more batches to come: plan them ahead
                    planner = Planner(ctx, dialect, n)
                if dialect.name == "sqlite" and stored < FEW:  # a first load: index at the end
                    with ws.db.write() as s:
                        aside = bulk_indexes.set_aside(s.connection()) > 0
            now = ws.now()
            waiting.append(((planner or local).submit(srcs, now), srcs, now))
            while len(waiting) > (AHEAD if planner is not None else 0):
                write_oldest()
        while waiting:
            write_oldest()
    finally:
        if planner is not None:
            planner.close()
        if aside:
            with ws.db.write() as s:
                bulk_indexes.restore(s.connection())
    if out.imported:
        analyze(ws)
    out.officers_created = sorted(set(out.officers_created))
    out.seconds = time.perf_counter() - started
    return out


def analyze(ws: Workspace) -> None:
    """Refresh the query planner's statistics after a large change."""
    with ws.db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def _batch(
    ws: Workspace,
    sources: list[Source],
    results: list[Planned | Refused],
    merge: bool,
    out: BulkOutcome,
    exists: str,
) -> None:
    planned: list[Planned] = []
    later: list[Source] = []  # merges: the ordinary path, one transaction each
    docs = {src.where: src for src in sources}
    for r in results:
        if isinstance(r, Refused):
            if merge and r.unknown_ref:  # may refer to entries stored: checked when merging
                later.append(docs[r.where])
            else:
                out.refused.append((r.where, r.message))
        else:
            planned.append(r)
    if planned:
        with ws.db.write() as s:
            require(s, Do.IMPORT)
            existing = _stored_refs(s, [p.ref for p in planned])
            fresh: list[Planned] = []
            seen: set[str] = set()
            for p in planned:
                if p.ref in existing or p.ref in seen:
                    if merge and p.ref in existing:
                        later.append(docs[p.where])
                    else:
                        out.refused.append((p.where, exists.format(ref=p.ref)))
                    continue
                seen.add(p.ref)
                fresh.append(p)
            savepoint = s.begin_nested()
            try:
                created = write(s, ws, fresh)
                savepoint.commit()
            except IntegrityError:
                savepoint.rollback()  # another writer got there first: one bundle at a time
                created = None
            if created is not None:
                out.officers_created += created
                for p in fresh:
                    out.imported.append((p.where, ImportResult(p.ref, True, p.events, ())))
            else:
                _one_by_one(s, ws, [docs[p.where] for p in fresh], out, exists)
    for src in later:
        try:
            result = import_bundle(ws, src.document(), merge=True)
        except (DoorstepError, BundleError) as exc:
            out.refused.append((src.where, refusal(exc)))
            continue
        out.imported.append((src.where, result))
        out.officers_created += result.officers_created


def _stored_refs(s, refs: list[str]) -> set[str]:
    """Which of ``refs`` are stored (on PostgreSQL another writer may still add one before
    the batch commits: the unique ref then refuses the bulk insert)."""
    return set(s.scalars(select(Case.ref).where(Case.ref.in_(refs))))


def _one_by_one(s, ws: Workspace, sources: list[Source], out: BulkOutcome, exists: str) -> None:
    for src in sources:
        savepoint = s.begin_nested()
        try:
            bundle = prepare(ws.registry, src).bundle
            if s.scalar(select(Case.id).where(Case.ref == bundle.case.ref)) is not None:
                raise ValidationError(exists.format(ref=bundle.case.ref))
            result = import_new_case(s, ws, bundle)
            savepoint.commit()
        except (DoorstepError, BundleError, CalendarRangeError, IntegrityError) as exc:
            savepoint.rollback()
            out.refused.append((src.where, refusal(exc)))
            continue
        out.imported.append((src.where, result))
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
    ready: list[Ready],
    given: Given | None = None,
    action: str = "import_bundle",
) -> list[str]:
    """Insert new cases in bulk; returns the usernames of officers added. ``given`` (a laptop's
    pull) keeps the ids, recordings and origins the team database gave the cases and events."""
    ctx = Context(ws.registry, ws.actor.username, ws.actor.device)
    dialect, now = s.connection().dialect, ws.now()
    planned = [
        plan(r, now, ctx, dialect)
        if given is None
        else plan(
            r,
            now,
            ctx,
            dialect,
            given.ids[r.bundle.case.ref],
            given.recorded[r.bundle.case.ref],
            given.origins[r.bundle.case.ref],
        )
        for r in ready
    ]
    return write(s, ws, planned, action)


def write(s, ws: Workspace, planned: list[Planned], action: str = "import_bundle") -> list[str]:
    """Store planned cases inside the caller's transaction (the caller rolls back its savepoint
    if this raises); returns the usernames of officers added."""
    if not planned:
        return []
    created: list[str] = []
    officer_ids = officers_for(s, ws, set().union(*(p.officers for p in planned)), created)
    dialect = s.connection().dialect
    groups: dict[tuple[str, tuple[str, ...]], list[Row]] = {}
    for p in planned:
        for key, rows in p.rows.items():
            groups.setdefault(key, []).extend(rows)
    tables = {t.name: t for t in TABLES}
    statements = {key: statement(tables[key[0]], key[1], dialect, LATE) for key in groups}
    case_rows = [(key, rows) for key, rows in groups.items() if key[0] == "cases"]
    for key, rows in case_rows:
        statements[key].settle(rows, "officer_id", officer_ids.__getitem__)
    event_rows = [(key, rows) for key, rows in groups.items() if key[0] == "case_events"]
    # Planned with no change number (cases.event_rows, bulk_plan.plan): a database that numbers
    # its changes gives them here, each case after its entries, so a pull that sees it sees them.
    if syncseq.numbering(s):
        total = sum(len(rows) for _, rows in (*event_rows, *case_rows))
        numbers = count(syncseq.take(s, total) - total + 1)
        for key, rows in (*event_rows, *case_rows):
            statements[key].settle(rows, "sync_seq", lambda _: next(numbers))
    now = ws.now()
    trail = [
        {
            "at": now,
            "actor": ws.actor.username,
            "device": ws.actor.device,
            "action": action,
            "entity": "case",
            "entity_id": p.ref,
            "detail": {"events": p.events},
        }
        for p in planned
    ]
    with triggers_set_aside(s):  # callers roll back their savepoint if this raises
        for table in TABLES:
            for key, rows in groups.items():
                if key[0] == table.name:
                    statements[key].execute(s, rows)
        if outbox.recording(s):  # a laptop's own import: its entries go to the team too
            pairs = []
            for p in planned:
                assert p.ready is not None  # planned here: see import_sources
                pairs += [(p.case_id, e) for e in p.ready.bundle.events]
            outbox.record_events(s, ws, pairs, "imported")
        append_entries(s, trail)
    s.flush()
    return created
