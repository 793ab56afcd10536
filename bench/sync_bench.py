"""Sync figures (issue 15): push throughput and the first full pull, each against a plain bulk
copy of the same rows.

    python -m bench.sync_bench [--pg URL] [--changes 10000] [--cases 20000] [--events 5]

The team database is PostgreSQL when ``--pg`` gives a server URL whose role may create
databases (a fresh database is made there and dropped afterwards), else a SQLite file; the sync
service runs as ``doorstep server run`` in its own process on 127.0.0.1, and the laptop talks to
it over loopback HTTP through the real client (app/services/sync/client.py).

* Caseload: ``--cases`` cases of one officer (``--events`` contacts each), imported through the
  bulk import (bench/import_bench.py's bundles); its time is not a figure here.
* Pull: a freshly enrolled laptop's first sync (every page, deadlines derived on the laptop)
  vs a plain copy of the same rows (officers, residents, cases, events) read from the team
  database and written with executemany into a fresh SQLite file of the same schema.
* Push: ``--changes`` entries logged on the laptop (they wait in its outbox), pushed in the
  client's batches vs an executemany INSERT of the same event rows (read back from the team
  database) into a copy of ``case_events`` in the same database.

Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
from sqlalchemy import MetaData, create_engine, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.import_bench import bundles  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a long bench passphrase 42"
OFFICER = "amira"


def free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def team_database(pg: str | None, tmp: Path):
    """The URL of a fresh team database: a new PostgreSQL database, or a SQLite file."""
    if not pg:
        yield str(tmp / "team.sqlite")
        return
    name = f"doorstep_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build_team(url: str, tmp: Path, cases: int, per_case: int) -> None:
    from app.services import accounts
    from app.services.bulk import import_sources, sources_in
    from app.services.workspace import Actor, open_workspace

    jsonl = tmp / "caseload.jsonl"
    with jsonl.open("w", encoding="utf-8") as fh:
        for doc in bundles(cases, per_case=per_case):
            doc["case"]["officer"] = OFFICER
            for e in doc["events"]:
                if e["by"] != "resident":
                    e["by"] = OFFICER
            fh.write(json.dumps(doc) + "\n")
    ws = open_workspace(url, Actor("bench", "bench"))
    try:
        accounts.add_person(ws, "admin1", "admin", PASSWORD)
        accounts.add_person(ws, OFFICER, "officer", PASSWORD, full_name="Amira Khan")
        outcome = import_sources(ws, sources_in(jsonl))
        assert outcome.cases == cases and not outcome.refused, outcome.refused[:3]
    finally:
        ws.close()


class Service:
    def __init__(self, url: str, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        out = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app", "server", "run", "--db", url, "--port", str(self.port)],
            cwd=ROOT,
            stdout=out,
            stderr=out,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1).is_success:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"the sync service did not start: {log.read_text()[-1000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=20)


def engine_for(url: str):
    return create_engine(url if "://" in url else f"sqlite:///{url}")


COPIED = ("officers", "residents", "cases", "case_events")


def copy_floor(url: str, target: Path) -> tuple[float, int]:
    """Seconds to read the caseload's rows from the team database and write them into a fresh
    SQLite file of the same schema (SQLAlchemy Core executemany, one transaction)."""
    from app.store.database import open_database
    from app.store.models import Base

    open_database(target).close()
    src, dst = engine_for(url), create_engine(f"sqlite:///{target}")
    rows = 0
    try:
        started = time.perf_counter()
        with src.connect() as read, dst.begin() as write:
            for name in COPIED:
                table = Base.metadata.tables[name]
                batch = [dict(r._mapping) for r in read.execute(select(table))]
                if name == "officers":  # the laptop's own database already names nobody
                    write.execute(table.delete())
                if batch:
                    write.execute(insert(table), batch)
                rows += len(batch)
        return time.perf_counter() - started, rows
    finally:
        src.dispose()
        dst.dispose()


def push_floor(url: str, after: int) -> tuple[float, int]:
    """Seconds to insert the event rows the push stored (change number after ``after``) again,
    with executemany, into a copy of ``case_events`` in the same database."""
    from app.store.models import Base

    engine = engine_for(url)
    events = Base.metadata.tables["case_events"]
    try:
        with engine.begin() as conn:
            rows = [
                dict(r._mapping)
                for r in conn.execute(select(events).where(events.c.sync_seq > after))
            ]
            if engine.dialect.name == "postgresql":
                conn.execute(text("CREATE TABLE bench_copy (LIKE case_events INCLUDING INDEXES)"))
            else:
                conn.execute(text("CREATE TABLE bench_copy AS SELECT * FROM case_events WHERE 0"))
                conn.execute(
                    text("CREATE UNIQUE INDEX bench_copy_local ON bench_copy (case_id, local_id)")
                )
        copy = events.to_metadata(MetaData(), name="bench_copy")
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(insert(copy), rows)
        took = time.perf_counter() - started
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE bench_copy"))
        return took, len(rows)
    finally:
        engine.dispose()


def make_pending(ws, n: int) -> None:
    """``n`` contacts logged on the laptop, ten a case, a transaction per 100 (into the outbox)."""
    from app.services.cases import append_events
    from app.store.models import Case

    with ws.db.read() as s:
        refs = list(s.scalars(select(Case.ref).order_by(Case.ref).limit(max(1, n // 10))))
    now = ws.now()
    made = 0
    for start in range(0, len(refs), 10):
        with ws.db.write() as s:
            for ref in refs[start : start + 10]:
                k = min(10, n - made)
                append_events(
                    s,
                    ws,
                    ref,
                    [
                        {
                            "type": "contact",
                            "channel": "phone",
                            "direction": "out",
                            "by": OFFICER,
                            "summary": f"Rang back about the repair ({made + i})",
                            "at": (now - dt.timedelta(seconds=n - made - i)).isoformat(),
                        }
                        for i in range(k)
                    ],
                )
                made += k
    assert made == n, made


def measure(pg: str | None, n_changes: int, n_cases: int, per_case: int) -> list[str]:
    from app.services.sync import client
    from app.services.workspace import Actor, open_workspace

    out = []
    with tempfile.TemporaryDirectory(prefix="doorstep-sync-bench-") as tmp_name:
        tmp = Path(tmp_name)
        with team_database(pg, tmp) as url:
            kind = "PostgreSQL" if pg else "SQLite"
            started = time.perf_counter()
            build_team(url, tmp, n_cases, per_case)
            out.append(
                f"team database: {kind}, {n_cases:,} cases of one officer, "
                f"{n_cases * per_case:,} entries (built in {time.perf_counter() - started:.0f} s)"
            )
            service = Service(url, tmp / "service.log")
            try:
                laptop = open_workspace(tmp / "laptop.sqlite", Actor(OFFICER, "bench-laptop"))
                client.enrol(laptop, service.url, OFFICER, PASSWORD, "bench-laptop")
                started = time.perf_counter()
                report = client.sync(laptop)
                pull_s = time.perf_counter() - started
                floor_s, rows = copy_floor(url, tmp / "floor.sqlite")
                out.append(
                    f"first full pull: {report.pulled_cases:,} cases, {report.pulled_events:,} "
                    f"entries in {pull_s:.1f} s ({report.pulled_cases / pull_s:,.0f} cases/s) — "
                    f"{pull_s / floor_s:.1f}× a plain copy of the same {rows:,} rows into a "
                    f"fresh SQLite file ({floor_s:.2f} s)"
                )
                make_pending(laptop, n_changes)
                seq_engine = engine_for(url)
                with seq_engine.connect() as conn:
                    before = conn.execute(text("SELECT seq FROM sync_head")).scalar()
                seq_engine.dispose()
                conn = client._connect(laptop)
                push_report = client.SyncReport()
                started = time.perf_counter()
                try:
                    client.push(laptop, conn, push_report, lambda _t: None)
                finally:
                    conn.close()
                push_s = time.perf_counter() - started
                laptop.close()
                copy_s, copied = push_floor(url, before)
                out.append(
                    f"push: {push_report.pushed:,} changes in {push_s:.1f} s "
                    f"({push_report.pushed / push_s:,.0f} changes/s, batches of "
                    f"{client.PUSH_BATCH}) — {push_s / copy_s:.1f}× an executemany INSERT of the "
                    f"same {copied:,} event rows into the same database ({copy_s:.2f} s, "
                    f"{copied / copy_s:,.0f} rows/s)"
                )
            finally:
                service.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="sync_bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--pg", help="a PostgreSQL server URL whose role may create databases")
    p.add_argument("--changes", type=int, default=10_000, help="pending changes to push")
    p.add_argument("--cases", type=int, default=20_000, help="cases in the caseload pulled")
    p.add_argument("--events", type=int, default=5, help="entries a case")
    args = p.parse_args(argv)
    if args.cases * 10 < args.changes:
        p.error("--changes can be at most ten times --cases (ten entries a case)")
    print(
        f"sync bench — {dt.date.today()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    for line in measure(args.pg, args.changes, args.cases, args.events):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
