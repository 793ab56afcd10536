"""A batch of new cases made ready to store without the database: each bundle parsed, checked
against the policies and derived, and its rows — resident, vulnerabilities, case, entries,
deadlines — built and converted for the driver. ``services/bulk.py`` writes them.

Planning needs only the policies, the acting person and the time, so a bulk import plans the
next batches in worker processes while this one writes the last (``Planner``): about two thirds
of an import's work is here, one third in SQLite and the trail (docs/benchmarks.md). The same
functions run in this process for a small import, on PostgreSQL, on a laptop that records its
own entries for sync, and for a laptop's first pull: one path, wherever it runs.

Two columns are left for the writer, which knows them only inside its transaction: a case's
officer (a username here, an id there) and every row's change number (``LATE``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import multiprocessing
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import Dialect

from app.domain.bundle import Bundle, parse_bundle
from app.domain.calendar import CalendarRangeError
from app.domain.deadlines import CaseDeadlines, derive
from app.domain.events import BundleError, Event, people_named
from app.errors import DoorstepError, ValidationError
from app.services.cases import Recorded, event_rows, known_policy
from app.services.recompute import deadline_values, summary_values
from app.store.base import new_id, table_of
from app.store.fastwrite import Row, statement
from app.store.models import Case, CaseEvent, DeadlineRow, Resident, Vulnerability
from app.store.policies import PolicyRegistry

LATE = ("officer_id", "sync_seq")
# In the order they are inserted (each row's foreign keys first).
TABLES: tuple[Table, ...] = tuple(
    table_of(m) for m in (Resident, Vulnerability, Case, CaseEvent, DeadlineRow)
)


@dataclass
class Ready:
    """A bundle checked and derived, waiting for its batch's transaction."""

    where: str
    bundle: Bundle
    events: list[Event]  # in the order storage reads them back (instant, then recording)
    result: CaseDeadlines
    history: Any


@dataclass(frozen=True)
class Source:
    """One bundle to import: where it came from, and its document — as JSON ``text`` still to
    be parsed where the batch is planned, or parsed (``doc``) — or why it could not be read."""

    where: str  # "cases/a.json", "cases.jsonl line 7"
    doc: Any = None
    problem: str | None = None
    text: str | None = None
    one_line: bool = False  # a line of a JSON-lines file: its faults are named by column

    def document(self) -> Any:
        """The parsed document (``ValidationError`` for a problem or text that is not JSON)."""
        if self.problem is not None:
            raise ValidationError(self.problem)
        if self.text is None:
            return self.doc
        try:
            return json.loads(self.text)
        except json.JSONDecodeError as exc:
            at = (
                f"column {exc.colno}" if self.one_line else f"line {exc.lineno}, column {exc.colno}"
            )
            raise ValidationError(f"not valid JSON ({at}: {exc.msg})") from None


@dataclass
class Refused:
    """A bundle that cannot be imported, and why; ``unknown_ref``: it refers to an event it
    does not hold (a merge may find it stored)."""

    where: str
    message: str
    unknown_ref: bool = False


@dataclass
class Planned:
    """One new case's rows, converted for the driver: by table and keys, in ``TABLES`` order.
    ``ready`` is kept when planned in this process (an entry's outbox record needs its events)."""

    where: str
    ref: str
    case_id: Any
    events: int
    officers: frozenset[str]  # its officer and every person its entries name
    rows: dict[tuple[str, tuple[str, ...]], list[Row]]
    ready: Ready | None = None


@dataclass(frozen=True)
class Context:
    """What planning needs from the workspace: the policies and who is recording."""

    registry: PolicyRegistry
    username: str
    device: str


def ready(registry: PolicyRegistry, bundle: Bundle, where: str) -> Ready:
    """A parsed bundle checked against the policies and derived."""
    known_policy(registry, bundle.case.policy)
    history = registry.history(bundle.case.policy or registry.default)
    try:
        result = derive(bundle.case, bundle.events, history)
    except (BundleError, CalendarRangeError) as exc:  # past the calendar's last year
        raise ValidationError(str(exc)) from None
    stored = sorted(bundle.events, key=lambda e: (e.at, e.seq))  # as ``case_history`` reads them
    return Ready(where, bundle, stored, result, history)


def prepare(registry: PolicyRegistry, src: Source) -> Ready:
    """A source read, parsed, checked and derived (``ValidationError`` says why not)."""
    doc = src.document()
    try:
        bundle = parse_bundle(doc, known_events=None)
    except BundleError as exc:
        raise ValidationError(str(exc)) from exc
    return ready(registry, bundle, src.where)


def refusal(exc: Exception) -> str:
    msg = str(exc)
    return msg if msg.endswith(".") else f"{msg}."


def plan(
    r: Ready,
    now: dt.datetime,
    ctx: Context,
    dialect: Dialect,
    ids: tuple[Any, Any] | None = None,
    recorded: Recorded | None = None,
    origins: Mapping[str, str] | None = None,
) -> Planned:
    """The rows of one new case. ``ids`` (resident, case), ``recorded`` and ``origins`` (by
    entry id) are what another database gave it (a laptop's pull); else new ids, entries
    recorded now by the acting person and "imported"."""
    info, res = r.bundle.case, r.bundle.case.resident
    resident_id, case_id = ids or (new_id(), new_id())
    who = {"updated_by": ctx.username, "device": ctx.device}
    extra = dict(info.extra)
    if r.bundle.extra:
        extra["__bundle__"] = dict(r.bundle.extra)
    pairs = [(case_id, e) for e in r.bundle.events]
    if origins is None:
        entries = event_rows(pairs, now, ctx.username, ctx.device, "imported", recorded)
    else:  # each entry with the origin it had there
        entries = []
        for pair in pairs:
            entries += event_rows(
                [pair], now, ctx.username, ctx.device, origins[pair[1].id], recorded
            )
    rows: dict[Table, list[dict[str, Any]]] = {
        TABLES[0]: [
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
        ],
        TABLES[1]: [
            {"resident_id": resident_id, "position": i, "description": v}
            for i, v in enumerate(res.vulnerabilities or ())
        ],
        TABLES[2]: [
            {
                "id": case_id,
                "ref": info.ref,
                "kind": info.kind,
                "opened": info.opened,
                "officer_id": info.officer,  # a username until the writer knows its id
                "resident_id": resident_id,
                "policy_name": info.policy,
                "extra": extra,
                "sync_seq": None,
                **who,
                **summary_values(r.result, r.events, r.history),
            }
        ],
        TABLES[3]: entries,
        TABLES[4]: [deadline_values(case_id, d) for d in r.result.deadlines],
    }
    converted: dict[tuple[str, tuple[str, ...]], list[Row]] = {}
    for table, given in rows.items():
        if given:
            keys = tuple(given[0].keys())
            converted[table.name, keys] = statement(table, keys, dialect, LATE).convert(given)
    officers = {info.officer}
    for e in r.bundle.events:
        officers |= people_named(e)
    return Planned(
        r.where, info.ref, case_id, len(r.bundle.events), frozenset(officers), converted, r
    )


def plan_batch(
    sources: Iterable[Source], now: dt.datetime, ctx: Context, dialect: Dialect
) -> list[Planned | Refused]:
    """Each source planned, or refused with one sentence saying why."""
    out: list[Planned | Refused] = []
    for src in sources:
        try:
            out.append(plan(prepare(ctx.registry, src), now, ctx, dialect))
        except ValidationError as exc:
            unknown = "refers to unknown event" in str(exc)  # a fault of a readable bundle
            out.append(Refused(src.where, refusal(exc), unknown))
        except DoorstepError as exc:
            out.append(Refused(src.where, refusal(exc)))
    return out


# -- planning in worker processes ----------------------------------------------------------

_worker: Context | None = None
_dialect: Dialect | None = None


def _start(ctx: Context) -> None:
    global _worker, _dialect
    _worker, _dialect = ctx, SQLiteDialect_pysqlite()


def _plan_there(sources: list[Source], now: dt.datetime) -> list[Planned | Refused]:
    assert _worker is not None and _dialect is not None
    out = plan_batch(sources, now, _worker, _dialect)
    for p in out:
        if isinstance(p, Planned):
            p.ready = None  # an Event's read-only mappings do not cross processes
    return out


class Planner:
    """Plans batches in ``workers`` processes (spawned, so it works the same in the desktop
    bundle and beside Qt's threads), at most ``ahead`` batches waiting; ``submit`` returns a
    future of ``plan_batch``'s list. Without workers, or when they cannot start or die, the
    batch is planned here: an import never fails for want of a worker."""

    def __init__(self, ctx: Context, dialect: Dialect, workers: int) -> None:
        self.ctx, self.dialect = ctx, dialect
        self.pool: ProcessPoolExecutor | None = None
        if workers > 0:
            try:
                self.pool = ProcessPoolExecutor(
                    workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start,
                    initargs=(ctx,),
                )
            except (OSError, ValueError, NotImplementedError):
                self.pool = None

    def submit(self, sources: list[Source], now: dt.datetime) -> Future:
        pool = self.pool
        if pool is not None:
            try:
                future = pool.submit(_plan_there, sources, now)
                future.pool = pool  # type: ignore[attr-defined]
                return future
            except (RuntimeError, OSError):  # the pool broke (a worker was killed): plan here
                self.close()
        done: Future = Future()
        done.set_result(plan_batch(sources, now, self.ctx, self.dialect))
        return done

    def result(self, future: Future, sources: list[Source], now: dt.datetime) -> tuple[list, bool]:
        """The batch's plan, and whether a worker made it (else it was planned here: no
        workers, or its worker stopped — checked twice a second, never waited for blindly)."""
        pool = getattr(future, "pool", None)
        try:
            while True:
                try:
                    return future.result(timeout=0.5), pool is not None
                except TimeoutError:
                    if pool is None or not _working(pool):
                        raise BrokenProcessPool("a worker process stopped") from None
        except Exception:  # noqa: BLE001 - a worker killed or out of memory: nothing is lost
            self.close()
            return plan_batch(sources, now, self.ctx, self.dialect), False

    def close(self) -> None:
        """Stop the workers: a working pool finishes what it holds; what is left of a broken
        one is terminated (its batches are planned here)."""
        pool, self.pool = self.pool, None
        if pool is None:
            return
        processes = list(_processes(pool))
        if _working(pool):
            with contextlib.suppress(RuntimeError, OSError):
                pool.shutdown(wait=True, cancel_futures=True)
            return
        for process in processes:
            with contextlib.suppress(OSError, ValueError):
                process.terminate()
        with contextlib.suppress(RuntimeError, OSError):
            pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(OSError, ValueError, AssertionError):
                process.join(timeout=5)


def _processes(pool: ProcessPoolExecutor) -> list[Any]:
    """The pool's worker processes (CPython keeps them in ``_processes``, by pid)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _working(pool: ProcessPoolExecutor) -> bool:
    """Whether the pool can still finish its work: not marked broken, every worker alive."""
    if getattr(pool, "_broken", False):
        return False
    return all(process.is_alive() for process in _processes(pool))


def workers_for(dialect_name: str, replica: bool, asked: int | None) -> int:
    """Worker processes for an import: ``asked``, else one per core but never more than two
    (this process writes meanwhile, and a third would wait for it); none but on SQLite, and
    none on a laptop that records its entries for sync (their outbox records need the parsed
    entries in this process)."""
    if dialect_name != "sqlite" or replica:
        return 0
    if asked is not None:
        return asked
    cores = os.cpu_count() or 1
    return 0 if cores < 2 else 2
