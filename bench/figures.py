"""The benchmark groups. Each yields printable lines: `name: value unit (detail)`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import platform
import random
import sys
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
        from app.demo.generator import generate_bundles

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


# -- issue 4: inbox, search, case view, cold start (on the large synthetic database) --------
def _median(fn: Callable[[], object], n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


INBOX_RAW = """
SELECT c.ref, r.name, c.kind, c.risk_tier, c.status, c.next_kind, c.next_label, c.next_due,
       o.username, o.name, c.open_deadlines, c.version, c.officer_id
FROM cases c JOIN residents r ON r.id = c.resident_id JOIN officers o ON o.id = c.officer_id
WHERE c.in_inbox = 1 AND c.officer_id = (SELECT id FROM officers WHERE username = ?)
ORDER BY c.sort_due, c.ref LIMIT 50
"""


def _big(quick: bool) -> Path:
    from bench.big_db import build

    return build(10_000, 100_000) if quick else build(100_000, 1_000_000)


def inbox(quick: bool) -> Iterator[str]:
    import sqlite3

    from app.services.inbox import InboxQuery, breached_count, list_inbox
    from app.services.workspace import Actor, open_workspace
    from bench.big_db import TODAY

    path = _big(quick)
    ws = open_workspace(path, actor=Actor("officer07", "bench"))
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    q = InboxQuery(officer="officer07")
    rows = list_inbox(ws, q, as_of=TODAY, limit=50)
    assert [r.ref for r in rows] == [r[0] for r in raw.execute(INBOX_RAW, ("officer07",))]
    service = _median(lambda: list_inbox(ws, q, as_of=TODAY, limit=50), 50)
    hand = _median(lambda: raw.execute(INBOX_RAW, ("officer07",)).fetchall(), 50)
    n_cases = raw.execute("SELECT count(*) FROM cases").fetchone()[0]
    yield (
        f"inbox first page (50 rows, one officer, {n_cases:,} cases): {service * 1000:.2f} ms; "
        f"hand-written SQLite {hand * 1000:.2f} ms; ratio {service / hand:.2f}x"
    )
    cutoff = TODAY.isoformat()
    expected = raw.execute(
        "SELECT count(*) FROM cases WHERE in_inbox = 1 AND sort_due < ?", (cutoff,)
    ).fetchone()[0]
    assert breached_count(ws, as_of=TODAY) == expected
    service = _median(lambda: breached_count(ws, as_of=TODAY), 50)
    hand = _median(
        lambda: raw.execute(
            "SELECT count(*) FROM cases WHERE in_inbox = 1 AND sort_due < ?", (cutoff,)
        ).fetchone(),
        50,
    )
    yield (
        f"breached count ({expected:,} of {n_cases:,}): {service * 1000:.2f} ms; hand-written SQLite "
        f"{hand * 1000:.2f} ms; ratio {service / hand:.2f}x"
    )
    ws.close()
    raw.close()


def search(quick: bool) -> Iterator[str]:
    from app.services.search import search as run
    from app.services.workspace import Actor, open_workspace
    from bench.big_db import WORDS

    path = _big(quick)
    ws = open_workspace(path, actor=Actor("bench", "bench"))
    import sqlite3

    rng = random.Random(5)
    # Two words that occur together in a real entry (not the 10 commonest, measured on their own below).
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    top = set(WORDS[:10])
    queries = []
    while len(queries) < 40:
        rowid = rng.randrange(1, raw.execute("SELECT max(rowid) FROM case_events").fetchone()[0])
        row = raw.execute("SELECT summary FROM case_events WHERE rowid = ?", (rowid,)).fetchone()
        words = [w for w in (row[0].lower().split() if row else []) if w not in top]
        if len(words) >= 2:
            queries.append(" ".join(rng.sample(words, 2)))
    raw.close()
    run(ws, queries[0])
    times = []
    hits = 0
    for text in queries:
        t = time.perf_counter()
        hits += len(run(ws, text))
        times.append(time.perf_counter() - t)
    times.sort()
    yield (
        f"search, two words, first 50 hits: median {times[len(times) // 2] * 1000:.1f} ms, "
        f"90th percentile {times[int(len(times) * 0.9)] * 1000:.1f} ms ({len(queries)} queries, "
        f"{hits / len(queries):.0f} hits each on average)"
    )
    common = f"{WORDS[0]} {WORDS[1]}"
    t = _median(lambda: run(ws, common), 5)
    yield f"search, two very common words ('{common}'): median {t * 1000:.1f} ms (recent matches ranked)"
    ws.close()


def case_view(quick: bool) -> Iterator[str]:
    from app.services.cases import get_case
    from app.services.workspace import Actor, open_workspace

    ws = open_workspace(_big(quick), actor=Actor("bench", "bench"))
    case = get_case(ws, "BIG-000000")
    assert len(case.events) == 500
    t = _median(lambda: get_case(ws, "BIG-000000"), 10)
    yield f"open a case with {len(case.events)} events ({len(case.deadlines)} deadlines): {t * 1000:.0f} ms"
    ws.close()


def cold_start(quick: bool) -> Iterator[str]:
    """Process start to a populated inbox on the demo database (median of 5), with the script
    the 100,000-case group uses (it closes cleanly; the one here aborted at exit with the count
    worker still running)."""
    import tempfile

    from app.demo.database import create_demo_database
    from bench.bulk_figures import COLD_START, _median_shown

    runs = 3 if quick else 5
    with tempfile.TemporaryDirectory() as tmp:
        db = create_demo_database(Path(tmp) / "demo.sqlite")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
        script = [sys.executable, "-c", COLD_START, str(db), "p.natarajan"]
        _median_shown(script, 1, env)  # the first open of a new file runs its integrity check
        shown = _median_shown(script, runs, env)
    yield (
        f"cold start to a populated inbox on the demo database: {shown:.2f} s "
        f"(median of {runs}, process start to the first inbox page on screen)"
    )


GROUPS.update({"inbox": inbox, "search": search, "case_view": case_view, "cold_start": cold_start})


# -- issue 7: letters --------------------------------------------------------------------------
def letters(quick: bool) -> Iterator[str]:
    """100 stage 1 responses (five points, two compensation heads, two actions) rendered to PDF."""
    import tempfile

    from app.letters import letters as L
    from app.letters.pdf import register_fonts, render_pdf
    from app.services import complaints as svc
    from app.services.cases import create_case
    from app.services.workspace import Actor, open_workspace

    now = dt.datetime(2025, 6, 10, 9, 0, tzinfo=dt.UTC)
    with tempfile.TemporaryDirectory() as tmp:
        ws = open_workspace(
            Path(tmp) / "letters.sqlite", actor=Actor("bench", "bench"), clock=lambda: now
        )
        n = 20 if quick else 100
        views = []
        for i in range(n):
            ref = f"BENCH-{i:03d}"
            create_case(
                ws,
                ref=ref,
                kind="complaint",
                officer="bench",
                resident_name=f"Resident Łucja {i}",
                address=f"Flat {i}, 5 Elm Road\nLondon SE6 1AA",
            )
            points = [f"Point {p} of the complaint about the repair" for p in range(5)]
            svc.receive_complaint(
                ws,
                ref,
                at=dt.date(2025, 6, 2),
                channel="email",
                summary="Leak not repaired after three visits",
                points=points,
            )
            v = L.create_letter(ws, ref, "response_stage1")
            inputs = {
                "points": [
                    {
                        "point": p,
                        "decision": "upheld",
                        "reasons": "Our records show no follow-up. " * 6,
                    }
                    for p in points
                ],
                "outstanding": [
                    {"text": "Replace the waste pipe", "due": "2025-06-20"},
                    {"text": "Redecorate the ceiling", "due": "2025-07-04"},
                ],
                "compensation": [
                    {
                        "head": "distress_inconvenience",
                        "amount": "250",
                        "reason": "Four weeks of leaks.",
                    },
                    {"head": "time_trouble", "amount": "50", "reason": "Four calls to chase us."},
                ],
            }
            views.append(L.save_letter(ws, v.id, inputs=inputs))
        register_fonts()
        render_pdf(views[0].document(draft=False))  # warm up: font subsetting tables
        t0 = time.perf_counter()
        pages = 0
        for v in views:
            data = render_pdf(v.document(draft=False))
            pages += data.count(b"/Type /Page\n")
        render = (time.perf_counter() - t0) / n
        t0 = time.perf_counter()
        for v in views:
            L.get_letter(ws, v.id).pdf()
        full = (time.perf_counter() - t0) / n
        ws.close()
    yield (
        f"response letters to PDF: {1 / render:,.0f} letters/s ({render * 1000:.1f} ms a letter, "
        f"{pages / n:.1f} pages each, {n} letters; target under 50 ms); with reading the case and "
        f"merging: {full * 1000:.1f} ms a letter ({render / 0.05:.2f}x the 50 ms budget for rendering)"
    )


GROUPS["letters"] = letters


def _bulk_groups() -> None:
    from bench.bulk_figures import GROUPS as BULK

    GROUPS.update(BULK)


_bulk_groups()
