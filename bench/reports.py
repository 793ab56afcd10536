"""Report benchmarks: `report tsm` and the weekly complaints pack at 10,000 and 100,000 cases.

    .venv/bin/python bench/reports.py            # 10,000 and 100,000 cases
    .venv/bin/python bench/reports.py --quick    # 2,000 and 10,000 cases

The database holds every kind of case (complaints at both stages with extensions, ASB with
repeat and hate reports, repairs of every priority, Ombudsman orders): the demo generator's
histories (bench/figures.py ``_templates``), shifted in time and derived by the real deadline
engine, bulk-inserted like bench/big_db.py and cached under bench/out/. Each figure prints the
time, cases/s and the peak memory the report allocated (tracemalloc, a second run), so flat
memory shows as the same peak at both sizes. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import sqlite3
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from app.domain.deadlines import derive  # noqa: E402
from app.store.database import open_database  # noqa: E402
from app.store.models import NOTHING_DUE  # noqa: E402
from app.store.policies import PolicyRegistry  # noqa: E402
from bench.big_db import OFFICERS, OUT, _uid, deadline_row, event_row  # noqa: E402
from bench.figures import _templates, machine  # noqa: E402

NOW = "2026-11-23 09:00:00.000000"


def _ts(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def build(n_cases: int, seed: int = 5) -> Path:
    """A database of ``n_cases`` mixed cases (cached)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"reports-{n_cases}.sqlite"
    if path.exists():
        return path
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    open_database(tmp).close()  # the real schema
    history = PolicyRegistry().history()
    templates = _templates()
    rng = random.Random(seed)
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA synchronous=OFF")
    officer_ids = {}
    for name in OFFICERS:
        officer_ids[name] = _uid()
        conn.execute(
            "INSERT INTO officers (id, username, name, email, role, active, team_id, created_at, "
            "updated_at, updated_by, device, version) VALUES (?,?,?,?,?,1,NULL,?,?,'bench','bench',1)",
            (officer_ids[name], name, name.title(), "", "officer", NOW, NOW),
        )
    cases, residents, events_rows, deadline_rows = [], [], [], []

    def flush() -> None:
        conn.executemany(
            "INSERT INTO residents (id, name, address, phone, email, listed_vulnerabilities, extra, "
            "created_at, updated_at, updated_by, device, version) "
            "VALUES (?,?,NULL,NULL,NULL,1,'{}',?,?,'bench','bench',1)",
            residents,
        )
        conn.executemany(
            "INSERT INTO cases (id, ref, kind, opened, status, closed_on, officer_id, resident_id, "
            "policy_name, extra, risk_tier, next_due, next_kind, next_label, open_deadlines, "
            "in_inbox, sort_due, event_count, last_event_at, created_at, updated_at, updated_by, "
            "device, version) VALUES (?,?,?,?,?,?,?,?,NULL,'{}',NULL,?,NULL,NULL,?,1,?,?,?,?,?,"
            "'bench','bench',1)",
            cases,
        )
        conn.executemany(
            "INSERT INTO case_events (id, case_id, local_id, seq, type, at, summary, data, actor, "
            "recorded_at, recorded_by, device) VALUES (?,?,?,?,?,?,?,?,?,?,'bench','bench')",
            events_rows,
        )
        conn.executemany(
            "INSERT INTO deadlines (id, case_id, key, kind, label, started_by, started_on, due, "
            "original_due, policy, status, met_by, met_on, closed_on, stage, complaint, detail, "
            "holds, evidence, computed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'[]','[]',?)",
            deadline_rows,
        )
        conn.commit()
        for b in (cases, residents, events_rows, deadline_rows):
            b.clear()

    started = time.perf_counter()
    for i in range(n_cases):
        b = templates[i % len(templates)]
        shift = dt.timedelta(days=rng.randrange(-500, 1))
        events = [dataclasses.replace(e, at=e.at + shift) for e in b.events]
        info = dataclasses.replace(b.case, opened=b.case.opened + shift, ref=f"RPT-{i:06d}")
        result = derive(info, events, history)
        nxt = result.next_due()
        case_id, res_id = _uid(), _uid()
        officer = OFFICERS[i % len(OFFICERS)]
        closed = next((e for e in reversed(events) if e.type == "case_closed"), None)
        residents.append((res_id, f"Resident {i}", NOW, NOW))
        cases.append(
            (
                case_id,
                info.ref,
                info.kind,
                info.opened.isoformat(),
                "closed" if closed else "open",
                closed.day.isoformat() if closed else None,
                officer_ids[officer],
                res_id,
                nxt.due.isoformat() if nxt else None,
                len(result.open()),
                (nxt.due if nxt else NOTHING_DUE).isoformat(),
                len(events),
                _ts(events[-1].at) if events else None,
                NOW,
                NOW,
            )
        )
        events_rows.extend(event_row(case_id, e, NOW) for e in events)
        for d in result.deadlines:
            deadline_rows.append(deadline_row(case_id, d, NOW))
        if len(cases) >= 2000:
            flush()
            print(
                f"  … {i + 1:,} cases ({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    flush()
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    tmp.rename(path)
    return path


def _measure(fn) -> tuple[float, float, object]:
    """Seconds (best of two plain runs) and peak MiB allocated (a third run under tracemalloc)."""
    best, result = float("inf"), None
    for _ in range(2):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 2**20, result


def figures(n_cases: int) -> list[str]:
    from app.services.reports.common import Period
    from app.services.reports.complaints_pack import complaints_pack
    from app.services.reports.tsm import tsm
    from app.services.workspace import Actor, open_workspace

    path = build(n_cases)
    clock = lambda: dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)  # noqa: E731
    ws = open_workspace(path, actor=Actor("bench", "bench"), clock=clock, create=False)
    try:
        with ws.db.read() as s:
            events = s.execute(text("SELECT count(*) FROM case_events")).scalar()
        year = Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
        secs, peak, report = _measure(lambda: tsm(ws, year, homes=n_cases // 2))
        ch01 = report.measure("CH01(1)").numerator
        out = [
            f"report tsm, {n_cases:,} cases ({events:,} events): {secs:.2f} s — "
            f"{n_cases / secs:,.0f} cases/s, peak {peak:.1f} MiB allocated "
            f"({ch01:,} stage 1 complaints received in the year)"
        ]
        secs, peak, pack = _measure(lambda: complaints_pack(ws, dt.date(2026, 3, 18)))
        out.append(
            f"weekly complaints pack, {n_cases:,} cases: {secs:.2f} s — {n_cases / secs:,.0f} cases/s, "
            f"peak {peak:.1f} MiB allocated ({len(pack.open):,} open complaints, "
            f"{len(pack.new):,} new this week)"
        )
        from app.letters.organisation import get_organisation
        from app.letters.reports_pdf import pack_pdf

        org = get_organisation(ws)
        t = time.perf_counter()
        pdf = pack_pdf(pack, org)
        out.append(
            f"weekly pack PDF, {n_cases:,} cases: {time.perf_counter() - t:.2f} s, "
            f"{len(pdf) / 1024:,.0f} KiB"
        )
        return out
    finally:
        ws.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2,000 and 10,000 cases")
    args = parser.parse_args(argv)
    print(f"# doorstep report bench on {machine()}", flush=True)
    for n in (2_000, 10_000) if args.quick else (10_000, 100_000):
        for line in figures(n):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
