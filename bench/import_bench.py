"""Bulk import: cases a second and bytes written, against the floor of a raw executemany of
the same rows into the same schema (issue 12 item 1).

    .venv/bin/python bench/import_bench.py 10000 [100000]

Bundles are made like bench/big_db.py's (10 contacts a case, mixed directions, some call
backs), written to a JSON-lines file, then imported with ``services.bulk.import_sources``
into a fresh database. The floor inserts the rows the import stored (read back from it) into
another fresh database with sqlite3 ``executemany``, one transaction a batch, synchronous=FULL,
the per-row triggers set aside and the search indexes filled once a batch, the ordering indexes
built once at the end, as the import does: the cost of the writing alone, without parsing,
deriving or the trail (in one process; the import plans batches in two worker processes).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.big_db import FIRST, LAST, OFFICERS, TODAY, WEIGHTS, WORDS  # noqa: E402


def bundles(n: int, per_case: int = 10, seed: int = 17):
    rng = random.Random(seed)
    for i in range(n):
        officer = OFFICERS[i % len(OFFICERS)]
        opened = TODAY - dt.timedelta(days=rng.randrange(1, 200))
        t = dt.datetime.combine(opened, dt.time(9), dt.UTC)
        events = []
        for j in range(per_case):
            t += dt.timedelta(hours=rng.randrange(2, 60))
            inbound = rng.random() < 0.4
            raw = {
                "id": f"e{j}",
                "at": t.isoformat(),
                "type": "contact",
                "channel": rng.choice(("phone", "email", "letter", "visit")),
                "direction": "in" if inbound else "out",
                "by": "resident" if inbound else officer,
                "summary": " ".join(rng.choices(WORDS, WEIGHTS, k=rng.randrange(6, 14))),
            }
            if inbound and rng.random() < 0.15:
                raw["callback_requested"] = True
            events.append(raw)
        yield {
            "format": "doorstep-case/1",
            "case": {
                "ref": f"IMP-{i:06d}",
                "kind": "general",
                "opened": opened.isoformat(),
                "officer": officer,
                "resident": {"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}"},
            },
            "events": events,
        }


def write_jsonl(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for doc in bundles(n):
            fh.write(json.dumps(doc) + "\n")


def _written() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("write_bytes:"):
            return int(line.split()[1])
    return 0


TABLES = ("officers", "residents", "cases", "case_events", "deadlines", "audit_log")


def floor(source: Path, target: Path, batch: int = 500) -> float:
    """Seconds to insert the rows ``source`` holds into an empty ``target`` of the same schema,
    with executemany in transactions of ``batch`` cases, the per-row triggers set aside and the
    search indexes filled once a batch, as the import does (app/store/bulk_insert.py)."""
    from app.store.bulk_insert import SET_ASIDE
    from app.store.database import open_database

    open_database(target).close()
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target, isolation_level=None)
    dst.execute("PRAGMA journal_mode=WAL")
    dst.execute("PRAGMA synchronous=FULL")
    dst.execute("PRAGMA foreign_keys=ON")
    rows = {t: src.execute(f"SELECT * FROM {t}").fetchall() for t in TABLES}  # noqa: S608
    cols = {t: len(src.execute(f"SELECT * FROM {t} LIMIT 1").description) for t in TABLES}  # noqa: S608
    src.close()
    n_cases = len(rows["cases"])
    per = {t: max(1, len(rows[t]) // max(1, n_cases)) for t in TABLES}
    started = time.perf_counter()
    dst.execute("BEGIN IMMEDIATE")
    dst.executemany(
        f"INSERT INTO officers VALUES ({','.join('?' * cols['officers'])})", rows["officers"]
    )
    dst.execute("COMMIT")
    ordering = [
        (name, sql)
        for name, sql in dst.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND tbl_name IN ('residents', 'vulnerabilities', 'cases', 'case_events', 'deadlines')"
        ).fetchall()
        if not sql.upper().startswith("CREATE UNIQUE")
    ]
    for (
        name,
        _,
    ) in ordering:  # built once at the end, as the import does (app/store/bulk_indexes.py)
        dst.execute(f'DROP INDEX "{name}"')
    names = ", ".join(f"'{n}'" for n in SET_ASIDE)
    triggers = dst.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})"  # noqa: S608
    ).fetchall()
    for start in range(0, n_cases, batch):
        dst.execute("BEGIN IMMEDIATE")
        events = dst.execute("SELECT coalesce(max(rowid), 0) FROM case_events").fetchone()[0]
        cases = dst.execute("SELECT coalesce(max(rowid), 0) FROM cases").fetchone()[0]
        for name, _ in triggers:
            dst.execute(f"DROP TRIGGER {name}")
        for t in ("residents", "cases", "case_events", "deadlines", "audit_log"):
            part = rows[t][start * per[t] : (start + batch) * per[t]]
            if start + batch >= n_cases:
                part = rows[t][start * per[t] :]
            dst.executemany(f"INSERT INTO {t} VALUES ({','.join('?' * cols[t])})", part)  # noqa: S608
        dst.execute(
            "INSERT INTO event_fts(rowid, summary) SELECT rowid, summary FROM case_events "
            "WHERE rowid > ?",
            (events,),
        )
        dst.execute(
            "INSERT INTO case_fts(rowid, ref, resident) SELECT c.rowid, c.ref, r.name "
            "FROM cases c JOIN residents r ON r.id = c.resident_id WHERE c.rowid > ?",
            (cases,),
        )
        for _, sql in triggers:
            dst.execute(sql)
        dst.execute("COMMIT")
    dst.execute("BEGIN IMMEDIATE")
    for _, sql in ordering:
        dst.execute(sql)
    dst.execute("COMMIT")
    dst.execute("ANALYZE")
    took = time.perf_counter() - started
    dst.close()
    return took


def _out() -> Path:
    """bench/out (git ignores it): big temporary files stay out of the work tree."""
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    return out


def measure(n: int) -> list[str]:
    from app.services.bulk import import_sources, sources_in
    from app.services.workspace import Actor, open_workspace

    with tempfile.TemporaryDirectory(dir=_out()) as tmp:
        tmp_path = Path(tmp)
        jsonl = tmp_path / "cases.jsonl"
        write_jsonl(jsonl, n)
        db = tmp_path / "import.sqlite"
        ws = open_workspace(db, actor=Actor("bench", "bench"))
        before = _written()
        started = time.perf_counter()
        outcome = import_sources(ws, sources_in(jsonl))
        took = time.perf_counter() - started
        written = _written() - before
        ws.close()
        assert outcome.cases == n and not outcome.refused
        raw = floor(db, tmp_path / "floor.sqlite")
        kept = Path(__file__).resolve().parent / "out" / f"imported-{n}.sqlite"
        if not kept.exists():  # bench/audit_bench.py reads it
            kept.parent.mkdir(exist_ok=True)
            with sqlite3.connect(db) as src, sqlite3.connect(kept) as dst:
                src.backup(dst)
        size = jsonl.stat().st_size
        return [
            f"import {n:,} bundles ({size / 1e6:.0f} MB of JSON lines, 10 events each): "
            f"{n / took:,.0f} cases/s ({took:.1f} s), {written / 1e6:,.0f} MB written; "
            f"raw executemany of the same rows {n / raw:,.0f} cases/s ({raw:.1f} s); "
            f"ratio {took / raw:.2f}x"
        ]


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["10000"]:
        for line in measure(int(arg)):
            print(line, flush=True)
