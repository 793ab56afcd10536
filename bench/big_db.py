"""A large synthetic database for the inbox, search and case-view benchmarks.

Built with the real schema (migrations, so the search triggers index every row)
and the real deadline engine, but with bulk inserts instead of one service call per event, so 1,000,000 entries take
minutes rather than hours. Cached under bench/out/ by size.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain.bundle import CaseInfo, Resident  # noqa: E402
from app.domain.deadlines import derive  # noqa: E402
from app.domain.events import build_event  # noqa: E402
from app.store.database import open_database  # noqa: E402
from app.store.models import NOTHING_DUE  # noqa: E402
from app.store.policies import PolicyRegistry  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
TODAY = dt.date(2026, 11, 23)
OFFICERS = [f"officer{i:02d}" for i in range(20)]
DOMAIN = (
    "the and to a of resident called said about her his their with was for on from door noise music "
    "shouting bolts window broken lift stairwell parking car damaged threatened neighbour dog barking smoke "
    "cannabis party visitors night children football graffiti bins rubbish leak damp mould heating boiler "
    "repair rent arrears payment letter transfer medical assessment police social worker support diary "
    "sheets cctv camera mediation warning tenancy visit emailed wrote update agreed action plan risk "
    "complaint"
).split()


def _vocabulary(size: int = 4000, seed: int = 3) -> list[str]:
    """Real domain words first, then invented ones: ranks follow a Zipf curve like real notes."""
    rng = random.Random(seed)
    syllables = "ba be bo ca ce co da de do fa fe fo ga ge go la le lo ma me mo na ne no pa pe po ra re ro sa se so ta te to".split()
    words = list(DOMAIN)
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(syllables) for _ in range(rng.randrange(2, 5)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


WORDS = _vocabulary()
WEIGHTS = [1 / (rank + 1) ** 1.07 for rank in range(len(WORDS))]
FIRST = "Amina Ben Carys Dev Eilidh Femi Grace Hana Idris Jas Kofi Lena Maya Niall Ola Priya Rhys Sian Tom Zoe".split()
LAST = (
    "Khan Jones Morgan Okafor Patel Smith Nowak Evans Reid Shah Clarke Ali Wood Hughes Bell".split()
)


def _uid() -> str:
    return uuid.uuid4().hex


def build(n_cases: int, n_events: int, seed: int = 11) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"big-{n_cases}-{n_events}.sqlite"
    if path.exists():
        return path
    tmp = path.with_suffix(".building")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    open_database(tmp).close()  # the real schema
    rng = random.Random(seed)
    history = PolicyRegistry().history()
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA journal_mode=WAL")
    now = "2026-11-23 09:00:00.000000"
    officer_ids = {}
    for name in OFFICERS:
        officer_ids[name] = _uid()
        conn.execute(
            "INSERT INTO officers (id, username, name, email, role, active, team_id, created_at, updated_at, "
            "updated_by, device, version) VALUES (?,?,?,?,?,1,NULL,?,?,'bench','bench',1)",
            (officer_ids[name], name, name.title(), "", "officer", now, now),
        )
    per_case = max(1, n_events // n_cases)
    started = time.perf_counter()
    batch_cases, batch_res, batch_events, batch_deadlines = [], [], [], []

    def flush():
        conn.executemany(
            "INSERT INTO residents (id, name, address, phone, email, listed_vulnerabilities, "
            "extra, created_at, updated_at, updated_by, device, version) "
            "VALUES (?,?,NULL,NULL,NULL,1,'{}',?,?,'bench','bench',1)",
            batch_res,
        )
        conn.executemany(
            "INSERT INTO cases (id, ref, kind, opened, status, closed_on, officer_id, resident_id, "
            "policy_name, extra, risk_tier, next_due, next_kind, next_label, open_deadlines, "
            "in_inbox, sort_due, event_count, last_event_at, created_at, updated_at, updated_by, "
            "device, version) VALUES (?,?,?,?,'open',NULL,?,?,NULL,'{}',?,?,?,?,?,1,?,?,?,?,?,"
            "'bench','bench',1)",
            batch_cases,
        )
        conn.executemany(
            "INSERT INTO case_events (id, case_id, local_id, seq, type, at, summary, data, actor, "
            "recorded_at, recorded_by, device) VALUES (?,?,?,?,?,?,?,?,?,?,'bench','bench')",
            batch_events,
        )
        conn.executemany(
            "INSERT INTO deadlines (id, case_id, key, kind, label, started_by, started_on, due, "
            "original_due, policy, status, met_by, met_on, closed_on, stage, complaint, detail, "
            "holds, evidence, computed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'[]','[]',?)",
            batch_deadlines,
        )
        conn.commit()
        for b in (batch_cases, batch_res, batch_events, batch_deadlines):
            b.clear()

    for i in range(n_cases):
        case_id, res_id = _uid(), _uid()
        officer = OFFICERS[i % len(OFFICERS)]
        opened = TODAY - dt.timedelta(days=rng.randrange(1, 200))
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        ref = f"BIG-{i:06d}"
        n = per_case if i else 500  # the first case is the 500-event case
        events = []
        t = dt.datetime.combine(opened, dt.time(9), dt.UTC)
        for j in range(n):
            t += dt.timedelta(hours=rng.randrange(2, 60))
            inbound = rng.random() < 0.4
            raw = {
                "id": f"e{j}",
                "at": t.isoformat(),
                "type": "contact",
                "channel": rng.choice(("phone", "email", "letter", "visit")),
                "direction": "in" if inbound else "out",
                "by": "resident" if inbound else officer,
                "summary": " ".join(
                    rng.choices(WORDS, WEIGHTS, k=rng.randrange(6, 14))
                ).capitalize(),
            }
            if inbound and rng.random() < 0.15:
                raw["callback_requested"] = True
            events.append(build_event(raw, seq=j))
        info = CaseInfo(ref, "general", opened, officer, Resident(name))
        result = derive(info, events, history)
        nxt = result.next_due()
        batch_res.append((res_id, name, now, now))
        batch_cases.append(
            (
                case_id,
                ref,
                "general",
                opened.isoformat(),
                officer_ids[officer],
                res_id,
                None,
                nxt.due.isoformat() if nxt else None,
                nxt.kind if nxt else None,
                nxt.label if nxt else None,
                len(result.open()),
                (nxt.due if nxt else NOTHING_DUE).isoformat(),
                n,
                events[-1].at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                now,
                now,
            )
        )
        batch_events.extend(event_row(case_id, e, now) for e in events)
        for d in result.deadlines:
            batch_deadlines.append(deadline_row(case_id, d, now))
        if len(batch_cases) >= 2000:
            flush()
            print(
                f"  … {i + 1:,} cases ({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    flush()
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("ANALYZE")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    tmp.rename(path)
    return path


if __name__ == "__main__":
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    events = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    print(build(cases, events))


def event_row(case_id: str, e, now: str) -> tuple:
    """A case event as a row of ``case_events`` (the columns the INSERT names)."""
    return (
        _uid(),
        case_id,
        e.id,
        e.seq,
        e.type,
        e.at.strftime("%Y-%m-%d %H:%M:%S.%f"),
        e.summary,
        json.dumps(dict(e.data)),
        e.by,
        now,
    )


def deadline_row(case_id: str, d, now: str) -> tuple:
    """A derived deadline as a row of ``deadlines`` (the columns the INSERT names)."""
    return (
        _uid(),
        case_id,
        d.key,
        d.kind,
        d.label,
        d.started_by,
        d.started_on.isoformat(),
        d.due.isoformat() if d.due else None,
        d.original_due.isoformat() if d.original_due else None,
        d.policy,
        d.status,
        d.met_by,
        d.met_on.isoformat() if d.met_on else None,
        d.closed_on.isoformat() if d.closed_on else None,
        d.stage,
        d.complaint,
        d.detail,
        now,
    )
