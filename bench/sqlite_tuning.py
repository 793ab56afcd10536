"""SQLite settings measured, not guessed (issue 12 item 6): page cache size, mmap_size and
temp_store, each on a fresh connection over the same database and the same work.

    .venv/bin/python bench/sqlite_tuning.py [N]

The work: the whole-database read the audit makes (every case's events in case order), the
inbox's all-cases page sorted by resident (a sort SQLite does in a temporary b-tree), and a
write: 2,000 cases' events inserted in transactions of 500 with synchronous=FULL. Median of
three runs each. The database is bench/audit_bench.py's (N cases, 10 events each).
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SETTINGS = {
    "default (2 MB cache, no mmap, temp on disk)": [],
    "cache 64 MB": ["PRAGMA cache_size=-65536"],
    "mmap 256 MB": ["PRAGMA mmap_size=268435456"],
    "temp_store=MEMORY": ["PRAGMA temp_store=MEMORY"],
    "cache 64 MB + temp_store=MEMORY": ["PRAGMA cache_size=-65536", "PRAGMA temp_store=MEMORY"],
}
READ = "SELECT case_id, local_id, type, at, seq, data FROM case_events ORDER BY case_id, at, seq"
SORT = (
    "SELECT c.ref, r.name FROM cases c JOIN residents r ON r.id = c.resident_id "
    "WHERE c.in_inbox = 1 ORDER BY lower(r.name), c.ref LIMIT 50"
)


def _conn(path: Path, pragmas: list[str]) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for p in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", *pragmas]:
        conn.execute(p)
    return conn


def _median(fn, n: int = 3) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _out() -> Path:
    """bench/out (git ignores it): big temporary files stay out of the work tree."""
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    return out


def measure(n: int) -> list[str]:
    import tempfile

    from bench.audit_bench import database

    source = database(n)
    out = []
    with tempfile.TemporaryDirectory(dir=_out()) as tmp:
        for name, pragmas in SETTINGS.items():
            path = Path(tmp) / "tuning.sqlite"
            with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
                src.backup(dst)  # a consistent copy, whatever the source's WAL holds

            def read(path=path, pragmas=pragmas):
                with _conn(path, pragmas) as c:
                    c.execute(READ).fetchall()

            def sort(path=path, pragmas=pragmas):
                with _conn(path, pragmas) as c:
                    c.execute(SORT).fetchall()

            case_ids = [r[0] for r in sqlite3.connect(path).execute("SELECT id FROM cases")]

            def write(path=path, pragmas=pragmas, case_ids=case_ids):
                c = _conn(path, pragmas)
                for start in range(0, 2000, 500):
                    c.execute("BEGIN IMMEDIATE")
                    c.executemany(
                        "INSERT INTO case_events (id, case_id, local_id, seq, type, at, summary, "
                        "data, actor, recorded_at, recorded_by, device) "
                        "VALUES (?,?,?,0,'contact','2026-01-01 09:00:00.000000','tuning "
                        "words here','{}','x','2026-01-01 09:00:00.000000','bench','bench')",
                        [
                            (uuid.uuid4().hex, case_ids[i % len(case_ids)], uuid.uuid4().hex)
                            for i in range(start * 10, (start + 500) * 10)
                        ],
                    )
                    c.execute("COMMIT")
                c.close()

            r, s, w = _median(read), _median(sort), _median(write)
            out.append(
                f"sqlite {name}: whole-history read {r * 1000:.0f} ms, inbox sorted by resident "
                f"{s * 1000:.1f} ms, 20,000 events written {w * 1000:.0f} ms"
            )
            path.unlink()
    return out


if __name__ == "__main__":
    for line in measure(int(sys.argv[1]) if len(sys.argv) > 1 else 10000):
        print(line, flush=True)
