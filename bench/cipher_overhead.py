"""What encryption at rest (SQLCipher) costs: the same synthetic database plain and encrypted.

    .venv/bin/python bench/cipher_overhead.py           # 10,000 cases / 100,000 entries
    .venv/bin/python bench/cipher_overhead.py --full    # 100,000 cases / 1,000,000 entries

Prints ratios encrypted/plain (opening, an inbox page, a two-word search, converting the file).
The encrypted copy is made beside the cached plain one under bench/out/ and removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.services.inbox import InboxQuery, list_inbox  # noqa: E402
from app.services.search import search  # noqa: E402
from app.services.workspace import Actor, open_workspace  # noqa: E402
from app.store import cipher  # noqa: E402
from bench.big_db import TODAY, build  # noqa: E402


def _median(fn, n: int) -> float:
    fn()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return sorted(times)[n // 2]


def measure(path: Path, key: bytes | None) -> tuple[float, float, float]:
    open_workspace(path, actor=Actor("officer07", "bench")).close()  # imports, first connection
    t = time.perf_counter()
    ws = open_workspace(path, actor=Actor("officer07", "bench"))
    opened = time.perf_counter() - t
    try:
        assert ws.db.encrypted == (key is not None)
        q = InboxQuery(officer="officer07")
        inbox = _median(lambda: list_inbox(ws, q, as_of=TODAY, limit=50), 30)
        found = _median(lambda: search(ws, "boiler leak", limit=50), 15)
    finally:
        ws.close()
    return opened, inbox, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    plain = build(100_000, 1_000_000) if args.full else build(10_000, 100_000)
    key = os.urandom(32)
    os.environ[cipher.KEY_ENV] = key.hex()  # this process only
    locked = plain.with_name(plain.stem + "-encrypted.sqlite")
    locked.unlink(missing_ok=True)
    try:
        t = time.perf_counter()
        cipher.copy_database(plain, locked, None, key)
        convert = time.perf_counter() - t
        p, e = measure(plain, None), measure(locked, key)
        size = plain.stat().st_size / (1 << 20)
        print(f"database {size:.0f} MB: sqlcipher_export into an encrypted copy {convert:.1f} s")
        for name, a, b in zip(
            ("open again (key check, migrations check)", "inbox page", "search"), p, e, strict=True
        ):
            print(f"{name}: plain {a * 1000:.2f} ms, encrypted {b * 1000:.2f} ms ({b / a:.2f}x)")
    finally:
        for f in cipher_companions(locked):
            f.unlink(missing_ok=True)
    return 0


def cipher_companions(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


if __name__ == "__main__":
    sys.exit(main())
