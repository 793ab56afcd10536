"""`audit --all` streamed: cases a second and memory growth, against a hand-written floor
(issue 12 item 3).

    .venv/bin/python bench/audit_bench.py 10000

The database is made with the bulk import (bench/import_bench.py's bundles, 10 events a
case) and cached under bench/out/. The floor reads the same cases and events with plain
sqlite3 and runs the same domain audit on them, no ORM: what the loader costs on top of it.
Memory: the process's peak resident size (ru_maxrss) before and after the pass.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

OUT = Path(__file__).resolve().parent / "out"
AS_OF = dt.date(2026, 11, 23)


def database(n: int) -> Path:
    from app.services.bulk import import_sources, sources_in
    from app.services.workspace import Actor, open_workspace
    from bench.import_bench import write_jsonl

    OUT.mkdir(exist_ok=True)
    path = OUT / f"imported-{n}.sqlite"
    if path.exists():
        return path
    jsonl = OUT / f"imported-{n}.jsonl"
    write_jsonl(jsonl, n)
    tmp = path.with_suffix(".building")
    ws = open_workspace(tmp, actor=Actor("bench", "bench"))
    import_sources(ws, sources_in(jsonl))
    ws.close()
    jsonl.unlink()
    tmp.rename(path)
    return path


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor(path: Path) -> tuple[int, float]:
    """Plain sqlite3: one query for the cases, one for every event in case order, each event
    made as the app makes a stored one (``stored_event``), the same domain audit on each case."""
    from app.domain.audit import audit
    from app.domain.bundle import CaseInfo, Resident
    from app.domain.events import stored_event
    from app.store.policies import PolicyRegistry

    history = PolicyRegistry().history()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    started = time.perf_counter()
    cases = conn.execute(
        "SELECT c.id, c.ref, c.kind, c.opened, o.username, r.name FROM cases c "
        "JOIN officers o ON o.id = c.officer_id JOIN residents r ON r.id = c.resident_id "
        "ORDER BY c.id"
    )
    events = conn.cursor().execute(
        "SELECT case_id, local_id, type, at, seq, data FROM case_events ORDER BY case_id, at, seq"
    )
    row = events.fetchone()
    n = 0
    for case_id, ref, kind, opened, officer, name in cases:
        evs = []
        while row is not None and row[0] == case_id:
            at = dt.datetime.fromisoformat(row[3]).replace(tzinfo=dt.UTC)
            evs.append(stored_event(row[1], at, row[2], json.loads(row[5]), row[4]))
            row = events.fetchone()
        info = CaseInfo(ref, kind, dt.date.fromisoformat(opened), officer, Resident(name))
        audit(info, evs, history, AS_OF)
        n += 1
    return n, time.perf_counter() - started


def measure(n: int) -> list[str]:
    from app.services.auditing import iter_audit
    from app.services.workspace import Actor, open_workspace

    path = database(n)
    ws = open_workspace(path, actor=Actor("bench", "bench"))
    before = _rss_mb()
    started = time.perf_counter()
    count = 0
    half_rss = 0.0
    for count, _ in enumerate(iter_audit(ws, AS_OF), start=1):
        if count == n // 2:
            half_rss = _rss_mb()
    took = time.perf_counter() - started
    after = _rss_mb()
    ws.close()
    hand, raw = floor(path)
    assert hand == count == n
    return [
        f"audit --all over {n:,} cases (10 events each): {n / took:,.0f} cases/s ({took:.1f} s); "
        f"peak memory {before:.0f} MB before, {half_rss:.0f} MB half-way, {after:.0f} MB after; "
        f"plain sqlite3 + the same audit {n / raw:,.0f} cases/s; ratio {took / raw:.2f}x"
    ]


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["10000"]:
        for line in measure(int(arg)):
            print(line, flush=True)
