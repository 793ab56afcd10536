"""The inbox and the ASB case view at 100,000 cases (issue 12 items 2 and 5): deep pages
(at row 50,000 and the last page), the counts, the first page sorted by each column, the
quick filter, the ASB case and `inbox --json` for every case — for the manager's all-cases
view and for one officer. Each figure is printed with the floor measured in the same run
(the same rows read by hand-written SQL on a plain sqlite3 connection) and the ratio to it.

    python -m bench.paging [--cases 100000] [--runs 15]

Uses bench/big_db.py's synthetic database (built once, cached under bench/out/), migrated to
the current schema, with one ASB case of 10 entries whose resident shares a name with about
330 others (the household lookup's hard case). Medians of --runs after one warm-up run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.big_db import OUT, TODAY, build  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EVENTS = {10_000: 50_000, 100_000: 300_000}
ASB_REF = "ASB-BENCH-1"
PAGE = 50


def median(fn, runs: int) -> float:
    fn()  # warm-up: statement caches, pages in the OS cache
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def line(what: str, took: float, floor: float) -> str:
    return (
        f"{what:<46} {took * 1000:8.1f} ms   floor {floor * 1000:7.1f} ms   "
        f"{took / floor if floor else float('inf'):5.2f}×"
    )


def prepared(n_cases: int) -> Path:
    """A migrated, analysed copy of the synthetic database with one 10-entry ASB case."""
    from app.services import asb
    from app.services.cases import create_case
    from app.services.workspace import Actor, open_workspace
    from app.store.database import open_database

    path = OUT / f"paging-{n_cases}.sqlite"
    if not path.exists():
        shutil.copy(build(n_cases, EVENTS[n_cases]), path)
    open_database(path).close()  # migrate to this schema (indexes of 0011_paging)
    ws = open_workspace(path, actor=Actor("bench-manager", "bench"))
    try:
        with sqlite3.connect(path) as conn:
            known = conn.execute("SELECT 1 FROM cases WHERE ref = ?", (ASB_REF,)).fetchone()
            name = conn.execute("SELECT name FROM residents LIMIT 1").fetchone()[0]
        if not known:
            create_case(
                ws,
                ref=ASB_REF,
                kind="asb",
                officer="officer03",
                resident_name=name,
                address="1 Bench Row",
                opened=TODAY - dt.timedelta(days=60),
            )
            for i in range(10):
                asb.report_asb(
                    ws,
                    ASB_REF,
                    incident_type="noise",
                    summary=f"Music at night ({i})",
                    at=dt.datetime(2026, 10, 1 + i, 22, 0, tzinfo=dt.UTC),
                )
    finally:
        ws.close()
    with sqlite3.connect(path) as conn:
        conn.execute("ANALYZE")
    return path


def inbox_groups(path: Path, runs: int) -> list[str]:
    from app.services.inbox import (
        SORTS,
        InboxQuery,
        _base,
        _fast_page,
        _who,
        count_inbox,
        list_inbox,
        page_key,
    )
    from app.services.workspace import Actor, open_workspace

    out: list[str] = []
    raw = sqlite3.connect(path)
    ws = open_workspace(path, actor=Actor("bench-manager", "bench"))
    officer_id = raw.execute("SELECT id FROM officers WHERE username = 'officer03'").fetchone()[0]
    cols = (
        "c.ref, r.name, c.kind, c.risk_tier, c.status, c.next_kind, c.next_label, c.next_due, "
        "o.username, o.name, c.open_deadlines, c.version"
    )
    joins = "FROM cases c JOIN residents r ON r.id = c.resident_id JOIN officers o ON o.id = c.officer_id"

    def one_view(who, base, where, args) -> None:
        total = count_inbox(ws, base, TODAY).total
        at = min(50_000, total // 2)
        mid = list_inbox(ws, base, as_of=TODAY, limit=1, offset=at)[0]
        key = page_key(mid, "due")
        deep = f"SELECT {cols} {joins} WHERE {where} AND (c.sort_due, c.ref) > (?, ?) ORDER BY c.sort_due, c.ref LIMIT {PAGE}"
        kargs = (*args, key[0].isoformat(), key[1])
        out.append(
            line(
                f"{who}: page at row {at:,} by key",
                median(lambda: list_inbox(ws, base, as_of=TODAY, limit=PAGE, after=key), runs),
                median(lambda: raw.execute(deep, kargs).fetchall(), runs),
            )
        )
        out.append(
            line(
                f"{who}: same page by OFFSET (before)",
                median(lambda: list_inbox(ws, base, as_of=TODAY, limit=PAGE, offset=at), 3),
                median(lambda: raw.execute(deep, kargs).fetchall(), runs),
            )
        )
        last = (
            f"SELECT {cols} {joins} WHERE {where} ORDER BY c.sort_due DESC, c.ref DESC LIMIT {PAGE}"
        )
        out.append(
            line(
                f"{who}: last page",
                median(lambda: list_inbox(ws, base, as_of=TODAY, limit=PAGE, from_end=True), runs),
                median(lambda: raw.execute(last, args).fetchall(), runs),
            )
        )
        counts = (
            f"SELECT count(*), sum(c.next_due = ?), sum(c.next_due BETWEEN ? AND ?), "
            f"sum(c.next_due < ?) FROM cases c WHERE {where}"
        )
        t = TODAY.isoformat()
        cargs = (t, t, (TODAY + dt.timedelta(days=4)).isoformat(), t, *args)
        out.append(
            line(
                f"{who}: counts (worker thread)",
                median(lambda: count_inbox(ws, base, TODAY), max(3, runs // 3)),
                median(lambda: raw.execute(counts, cargs).fetchall(), max(3, runs // 3)),
            )
        )
        for sort in SORTS:
            q = base.with_(sort=sort)
            shape, params = _base(ws, q, TODAY, _who(ws, TODAY))
            read = _fast_page(shape, sort, False, False, True, False)
            values = [params.get(n, PAGE if n == "limit" else 0) for n in read.names]
            from app.store.fastread import to_driver

            values = [to_driver(v) for v in values]
            values = [read.fixed.get(n, v) for n, v in zip(read.names, values, strict=True)]
            out.append(
                line(
                    f"{who}: first page sorted by {sort}",
                    median(lambda q=q: list_inbox(ws, q, as_of=TODAY, limit=PAGE), runs),
                    median(lambda r=read, v=values: raw.execute(r.sql, v).fetchall(), runs),
                )
            )
        for typed in ("smith", "amina sm", "big-0500"):
            q = base.with_(text=typed)
            from app.services.inbox import text_query

            fts = f"SELECT {cols} {joins} WHERE {where} AND c.rowid IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?) ORDER BY c.sort_due, c.ref LIMIT {PAGE}"
            fargs = (*args, text_query(typed))
            out.append(
                line(
                    f"{who}: quick filter {typed!r}",
                    median(lambda q=q: list_inbox(ws, q, as_of=TODAY, limit=PAGE), runs),
                    median(lambda a=fargs, f=fts: raw.execute(f, a).fetchall(), runs),
                )
            )

    try:
        for view in (
            ("manager, all cases", InboxQuery(), "c.in_inbox = 1", ()),
            (
                "one officer",
                InboxQuery(officer="officer03"),
                "c.officer_id = ? AND c.in_inbox = 1",
                (officer_id,),
            ),
        ):
            one_view(*view)
    finally:
        ws.close()
        raw.close()
    return out


def asb_group(path: Path, runs: int) -> list[str]:
    from app.services.asb import asb_view
    from app.services.workspace import Actor, open_workspace

    raw = sqlite3.connect(path)
    ws = open_workspace(path, actor=Actor("bench-manager", "bench"))
    try:
        cid, name = raw.execute(
            "SELECT c.id, r.name FROM cases c JOIN residents r ON r.id = c.resident_id WHERE c.ref = ?",
            (ASB_REF,),
        ).fetchone()
        key = name.lower().replace(" ", "")

        def floor():  # the case, its entries and deadlines, the household's cases and reports
            raw.execute("SELECT * FROM cases WHERE id = ?", (cid,)).fetchall()
            raw.execute(
                "SELECT * FROM case_events WHERE case_id = ? ORDER BY seq", (cid,)
            ).fetchall()
            raw.execute("SELECT * FROM deadlines WHERE case_id = ?", (cid,)).fetchall()
            ids = raw.execute(
                "SELECT c.id FROM cases c JOIN residents r ON r.id = c.resident_id "
                "WHERE replace(lower(r.name), ' ', '') = ?",
                (key,),
            ).fetchall()
            raw.execute(
                f"SELECT case_id, at FROM case_events WHERE type = 'asb_report' AND case_id IN "
                f"({','.join('?' * len(ids))})",
                [i[0] for i in ids],
            ).fetchall()

        same = raw.execute(
            "SELECT count(*) FROM residents WHERE replace(lower(name), ' ', '') = ?", (key,)
        ).fetchone()[0]
        return [
            line(
                f"ASB case, 10 entries ({same} same-named residents)",
                median(lambda: asb_view(ws, ASB_REF), runs),
                median(floor, runs),
            )
        ]
    finally:
        ws.close()
        raw.close()


PLAIN = """
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute(
    "SELECT c.ref, r.name, c.kind, c.risk_tier, o.username, c.status, c.next_kind, c.next_label, "
    "c.next_due FROM cases c JOIN residents r ON r.id = c.resident_id "
    "JOIN officers o ON o.id = c.officer_id WHERE c.in_inbox = 1 ORDER BY c.sort_due, c.ref")
keys = ("case", "resident", "kind", "risk", "officer", "status", "deadline", "owed", "due")
json.dump([dict(zip(keys, r)) for r in rows], sys.stdout, indent=1, ensure_ascii=False)
"""


def run_child(argv: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak memory (MiB) of one child process."""
    t = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{argv} failed ({proc.returncode})")
    return time.perf_counter() - t, usage.ru_maxrss / 1024


def json_group(path: Path, runs: int) -> list[str]:
    ours = [
        sys.executable,
        "-m",
        "app",
        "inbox",
        "--json",
        "--db",
        str(path),
        "--as-of",
        TODAY.isoformat(),
    ]
    plain = [sys.executable, "-c", PLAIN, str(path)]
    a, b = [], []
    for _ in range(runs):  # alternated, so both see the same machine
        a.append(run_child(ours))
        b.append(run_child(plain))
    (ta, ma), (tb, mb) = (sorted(x)[len(x) // 2] for x in (a, b))
    ma, mb = sorted(m for _, m in a)[len(a) // 2], sorted(m for _, m in b)[len(b) // 2]
    _, one = run_child([*ours, "--limit", "1"])  # the app's own footprint: imports, schema check
    return [
        f"{'inbox --json --limit 1 (peak memory)':<46} {one:8.0f} MiB  (what streaming adds: "
        f"{ma - one:+.0f} MiB)",
        line("inbox --json, every case (time)", ta, tb),
        f"{'inbox --json, every case (peak memory)':<46} {ma:8.0f} MiB  plain sqlite3+json {mb:5.0f} MiB   {ma / mb:5.2f}×",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, choices=sorted(EVENTS))
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json-runs", type=int, default=3)
    args = parser.parse_args(argv)
    path = prepared(args.cases)
    print(f"{args.cases:,} cases, median of {args.runs} runs, floor = hand-written SQL, same run")
    for text in inbox_groups(path, args.runs) + asb_group(path, args.runs):
        print(text, flush=True)
    for text in json_group(path, args.json_runs):
        print(text, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
