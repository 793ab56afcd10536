"""What the integrity check at open (``PRAGMA quick_check``, app/store/database.py) costs.

    .venv/bin/python bench/open_check.py           # 10,000 cases / 100,000 entries
    .venv/bin/python bench/open_check.py --full    # 100,000 cases / 1,000,000 entries

Prints the median time to open the synthetic database with and without the check, their
ratio, and the check's rate in MB a second (it reads every page once, so it grows with the file).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.store import database  # noqa: E402
from bench.big_db import build  # noqa: E402


def _open_time(path: Path, n: int) -> float:
    times = []
    for _ in range(n + 1):
        start = time.perf_counter()
        database.open_database(path).close()
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    path = build(100_000, 1_000_000) if args.full else build(10_000, 100_000)
    mb = path.stat().st_size / 1e6
    checked = _open_time(path, args.repeat)
    real = database._quick_check
    database._quick_check = lambda db, conn: None
    try:
        unchecked = _open_time(path, args.repeat)
    finally:
        database._quick_check = real
    cost = max(checked - unchecked, 1e-9)
    print(f"# {path.name}: {mb:,.0f} MB")
    print(
        f"open with quick_check: {checked * 1000:,.0f} ms; without: {unchecked * 1000:,.0f} ms "
        f"({checked / unchecked:.1f}x); the check reads {mb / cost:,.0f} MB/s"
    )


if __name__ == "__main__":
    main()
