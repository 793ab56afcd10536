"""The benchmark groups. Each yields printable lines: `name: value unit (detail)`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import platform
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    return f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, {dt.date.today()}"


def _timeit(fn: Callable[[], object], repeat: int) -> float:
    """Best-of-3 seconds per call."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, (time.perf_counter() - t) / repeat)
    return best


def calendar(quick: bool) -> Iterator[str]:
    from app.domain.calendar import calendar_for

    cal = calendar_for()
    holidays = set(cal.holidays)
    rng = random.Random(1)
    pairs = []
    for _ in range(2000 if quick else 20000):
        a = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(0, 3000))
        pairs.append((a, a + dt.timedelta(days=rng.randrange(0, 400))))

    def naive(a: dt.date, b: dt.date) -> int:
        n, d = 0, a
        while d < b:
            d += dt.timedelta(days=1)
            if d.weekday() < 5 and d not in holidays:
                n += 1
        return n

    assert all(cal.working_days_between(a, b) == naive(a, b) for a, b in pairs[:200])
    t0 = time.perf_counter()
    for a, b in pairs:
        cal.working_days_between(a, b)
    fast = (time.perf_counter() - t0) / len(pairs)
    t0 = time.perf_counter()
    for a, b in pairs:
        naive(a, b)
    slow = (time.perf_counter() - t0) / len(pairs)
    yield f"working_days_between: {1 / fast:,.0f} calls/s (naive day loop {1 / slow:,.0f} calls/s; ratio {slow / fast:.0f}x faster; spans 0-400 days)"
    t0 = time.perf_counter()
    for a, _ in pairs:
        cal.add_working_days(a, 20)
    per = (time.perf_counter() - t0) / len(pairs)
    yield f"add_working_days: {1 / per:,.0f} calls/s"


def _templates():
    from app.domain.bundle import parse_bundle

    docs = [json.loads((ROOT / "resources" / "demo" / "seed-001.json").read_text())]
    example = ROOT.parent / "shared" / "examples" / "asb-with-complaint.json"
    if example.exists():
        docs.append(json.loads(example.read_text()))
    try:
        from app.services.demo.generator import generate_bundles

        docs += generate_bundles(dt.date(2026, 11, 23), n_cases=200, seed=7)
    except ImportError:
        pass
    return [parse_bundle(d) for d in docs]


def derivation(quick: bool) -> Iterator[str]:
    from app.domain.deadlines import derive
    from app.store.policies import PolicyRegistry

    history = PolicyRegistry().history()
    templates = _templates()
    n = 5_000 if quick else 100_000
    rng = random.Random(2)
    cases = []
    for i in range(n):
        b = templates[i % len(templates)]
        shift = dt.timedelta(days=rng.randrange(-300, 300))
        events = [dataclasses.replace(e, at=e.at + shift) for e in b.events]
        case = dataclasses.replace(b.case, opened=b.case.opened + shift)
        cases.append((case, events))
    total_events = sum(len(e) for _, e in cases)
    t0 = time.perf_counter()
    deadlines = 0
    for case, events in cases:
        deadlines += len(derive(case, events, history).deadlines)
    secs = time.perf_counter() - t0
    yield (
        f"deadline derivation: {n / secs:,.0f} cases/s ({n:,} synthetic cases, {total_events:,} events, "
        f"{deadlines:,} deadlines in {secs:.1f} s; {len(templates)} history templates shifted in time)"
    )


GROUPS: dict[str, Callable[[bool], Iterator[str]]] = {
    "calendar": calendar,
    "derivation": derivation,
}
