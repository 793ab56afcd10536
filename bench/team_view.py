"""The manager's team view at 10,000 and 100,000 cases: how long it takes to open (the officer
counts by kind, covers and the weekly trend), the case review alerts and the orders tracker,
and the streamed findings-across-cases export (time, cases/s, peak memory) at 10,000.

    python -m bench.team_view [--quick] [--no-findings]

Uses bench/big_db.py's synthetic databases (built once, cached under bench/out/), with case
kinds spread over complaint, ASB and other cases and ASB reports added to 5% of the cases, so
the counts and the case review query have work to do. Prints medians; compare the team view
with the 300 ms target.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sqlite3
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.big_db import TODAY, build  # noqa: E402

TARGET_MS = 300
SIZES = {10_000: 50_000, 100_000: 300_000}


def _median(fn, n: int) -> tuple[float, float]:
    """(first run, median of the next n) in seconds."""
    t = time.perf_counter()
    fn()
    first = time.perf_counter() - t
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return first, times[len(times) // 2]


def prepared(n_cases: int) -> Path:
    """A copy of the synthetic database with kinds and ASB reports spread over it."""
    src = build(n_cases, SIZES[n_cases])
    path = src.with_name(f"team-{n_cases}.sqlite")
    if path.exists():
        return path
    shutil.copy(src, path)
    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE cases SET kind = CASE CAST(substr(ref, 5) AS INTEGER) % 4 "
        "WHEN 0 THEN 'complaint' WHEN 1 THEN 'asb' WHEN 2 THEN 'repair' ELSE 'general' END"
    )
    rows = conn.execute(
        "SELECT id, ref FROM cases WHERE CAST(substr(ref, 5) AS INTEGER) % 20 = 1"
    ).fetchall()
    events = []
    for i, (case_id, _ref) in enumerate(rows):
        for j in range(1 + i % 3):  # one, two or three reports in the last months
            day = TODAY.toordinal() - 20 - 40 * j - i % 30
            at = f"{TODAY.fromordinal(day).isoformat()} 09:00:00.000000"
            events.append(
                (
                    uuid.uuid4().hex,
                    case_id,
                    f"asb{j}",
                    1000 + j,
                    "asb_report",
                    at,
                    "ASB report",
                    '{"channel": "phone", "by": "resident", "risk_hint": "nuisance", "hate_incident": false}',
                    "resident",
                    at,
                )
            )
    conn.executemany(
        "INSERT INTO case_events (id, case_id, local_id, seq, type, at, summary, data, actor, "
        "recorded_at, recorded_by, device) VALUES (?,?,?,?,?,?,?,?,?,?,'bench','bench')",
        events,
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    return path


def team(n_cases: int, findings: bool) -> None:
    from app.services.complaints.orders import open_orders
    from app.services.findings import export_findings_csv
    from app.services.team import case_review_alerts, team_overview
    from app.services.workspace import Actor, open_workspace

    path = prepared(n_cases)
    ws = open_workspace(path, actor=Actor("bench-manager", "bench"))
    try:
        overview = team_overview(ws, TODAY)
        first, median = _median(lambda: team_overview(ws, TODAY), 10)
        t = overview.totals
        print(
            f"{n_cases:,} cases: team view {median * 1000:.0f} ms median ({first * 1000:.0f} ms "
            f"first) — {TARGET_MS} ms target, {median * 1000 / TARGET_MS:.2f}× of it; "
            f"{len(overview.officers)} officers, {t.open:,} in the inbox, {t.breached:,} breached"
        )
        alerts = case_review_alerts(ws, TODAY)
        first, median = _median(lambda: case_review_alerts(ws, TODAY), 5)
        print(
            f"{n_cases:,} cases: case review alerts {median * 1000:.0f} ms median "
            f"({len(alerts):,} households qualify)"
        )
        first, median = _median(lambda: open_orders(ws, TODAY), 5)
        print(f"{n_cases:,} cases: orders tracker {median * 1000:.1f} ms median")
        if findings:
            out = path.with_name(f"team-{n_cases}-findings.csv")
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t0 = time.perf_counter()
            result = export_findings_csv(ws, out, TODAY)
            took = time.perf_counter() - t0
            grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
            print(
                f"{n_cases:,} cases: findings across all cases to CSV {took:.1f} s, "
                f"{result.audited / took:,.0f} cases/s, peak memory grew {grew / 1024:.1f} MiB "
                f"({result.findings:,} findings in {result.cases:,} cases)"
            )
    finally:
        ws.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 cases only")
    parser.add_argument("--no-findings", action="store_true", help="skip the findings export")
    args = parser.parse_args(argv)
    for n in (10_000,) if args.quick else (10_000, 100_000):
        team(n, findings=not args.no_findings and n == 10_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
