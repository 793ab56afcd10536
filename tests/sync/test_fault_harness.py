"""The sync fault harness (issue 15): PostgreSQL, the sync service and three laptops — real
processes on loopback — with at least 1,000 faults injected, then a clean sync and a count of
what was lost and what was duplicated (both must be 0; the counts are printed: run with -s).

Faults: connections dropped before and after the server commits, duplicate delivery, pushes
held and delivered after a later one and batches delivered second half first
(tests/sync/faultproxy.py), laptops SIGKILLed mid-sync and restarted, the service SIGKILLed
mid-batch and restarted, clocks skewed by hours (+3 h, -5 h, -2 h), and one laptop away for 30
days with 2,000 changes waiting before it first reaches the server. Every loop is bounded."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from app.services import accounts
from app.services.cases import create_case
from app.services.sync import client
from app.services.workspace import Actor, open_workspace
from app.store.models import Case, CaseEvent, Officer, OutboxChange, SyncConflict
from tests.pg import fresh_database, needs_pg
from tests.sync.faultproxy import FaultPlan, FaultProxy
from tests.sync.laptop_worker import MARK, read_journal
from tests.sync.report import HARNESS

pytestmark = [*needs_pg, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long team passphrase 42"
PEOPLE = {
    "admin1": "admin",
    "amira": "officer",
    "ben": "officer",
    "cara": "officer",
    "mo": "manager",
}
LAPTOPS = {  # person: clock skew in hours
    "amira": 3.0,
    "mo": -5.0,
    "ben": -2.0,
}
AWAY = "ben"  # away for 30 days with 2,000 changes before it first reaches the server
CASES = 240
DEADLINE = 240.0  # seconds of faults at most (~150 s here), then the clean sync


def free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """`doorstep server run` as a process of its own, killed and started again at will."""

    def __init__(self, url: str, port: int, log: Path):
        self.url, self.port, self.log = url, port, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "app", "server", "run", "--db", self.url]
                + ["--port", str(self.port)],
                cwd=ROOT,
                stdout=out,
                stderr=out,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the sync service exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/v1/health", timeout=1).is_success:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("the sync service did not start within 60 s")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Worker:
    name: str
    db: Path
    log: Path
    proc: subprocess.Popen | None = None
    runs: list[dict] = field(default_factory=list)

    def start(self, server: str, seed: int, steps: int, *extra: str) -> None:
        env = {**os.environ, "DOORSTEP_PASSWORD": PASSWORD}
        with open(self.log, "ab") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.sync.laptop_worker", "--db", str(self.db)]
                + ["--user", self.name, "--server", server, "--seed", str(seed)]
                + ["--skew-hours", str(LAPTOPS[self.name]), "--steps", str(steps), *extra],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=err,
            )

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def finish(self, timeout: float) -> dict:
        """Wait for the run to end by itself (bounded); its summary line."""
        assert self.proc is not None
        out, _ = self.proc.communicate(timeout=timeout)
        if self.proc.returncode != 0:
            raise AssertionError(
                f"laptop {self.name} failed ({self.proc.returncode}): "
                f"{self.log.read_text()[-3000:]}"
            )
        stats = json.loads(out.decode().strip().splitlines()[-1])
        self.runs.append(stats)
        self.proc = None
        return stats

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.communicate(timeout=30)
        self.proc = None


def make_team(url: str) -> None:
    clock = lambda: dt.datetime.now(dt.UTC) - dt.timedelta(days=40)  # noqa: E731
    ws = open_workspace(url, Actor("setup", "harness"), clock=clock)
    try:
        for username, role in PEOPLE.items():
            accounts.add_person(ws, username, role, PASSWORD, full_name=username.title())
        officers = [p for p, role in PEOPLE.items() if role == "officer"]
        for i in range(CASES):
            create_case(
                ws,
                ref=f"H-{i + 1:03d}",
                kind="complaint",
                officer=officers[i % len(officers)],
                resident_name=f"Resident {i + 1}",
            )
    finally:
        ws.close()


def outbox_size(db: Path) -> int:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with Session(engine) as s:
            return int(s.scalar(select(func.count()).select_from(OutboxChange)) or 0)
    finally:
        engine.dispose()


@dataclass
class Holdings:
    events: dict[str, dict[str, str]]  # ref -> event id -> summary
    officer: dict[str, str]  # ref -> officer
    conflicts: list[SyncConflict]
    pending: int


def holdings(url: str) -> Holdings:
    engine = create_engine(url)
    try:
        with Session(engine) as s:
            events: dict[str, dict[str, str]] = {}
            officer: dict[str, str] = {}
            for ref, who in s.execute(
                select(Case.ref, Officer.username).join(Officer, Case.officer_id == Officer.id)
            ):
                events[ref], officer[ref] = {}, who
            rows = s.execute(
                select(Case.ref, CaseEvent.local_id, CaseEvent.summary).join(
                    Case, CaseEvent.case_id == Case.id
                )
            )
            duplicate_ids = 0
            for ref, local_id, summary in rows:
                duplicate_ids += local_id in events[ref]
                events[ref][local_id] = summary
            assert duplicate_ids == 0
            conflicts = list(s.scalars(select(SyncConflict)))
            s.expunge_all()
            pending = int(s.scalar(select(func.count()).select_from(OutboxChange)) or 0)
            return Holdings(events, officer, conflicts, pending)
    finally:
        engine.dispose()


def duplicated(h: Holdings) -> int:
    """Harness entries stored more than once, under any id."""
    seen = Counter(
        summary for evs in h.events.values() for summary in evs.values() if summary.startswith(MARK)
    )
    return sum(n - 1 for n in seen.values() if n > 1)


def held_ids(conflicts: list[SyncConflict]) -> set[tuple[str, str]]:
    out = set()
    for c in conflicts:
        payload = c.change.get("payload") or {}
        if "event" in payload:
            out.add((c.ref, str(payload["event"].get("id"))))
        if "case" in payload:
            out.add((c.ref, "case"))
    return out


def run_harness(tmp: Path, url: str, faults_wanted: int, away_changes: int) -> dict:
    rng = random.Random(15)
    begun = time.monotonic()
    make_team(url)
    timings = {"team": time.monotonic() - begun}
    port = free_port()
    service = Service(url, port, tmp / "service.log")
    service.start()
    proxy = FaultProxy(port, FaultPlan(seed=1015))
    for name in LAPTOPS:
        proxy.listen(name)
    workers = {n: Worker(n, tmp / f"{n}.sqlite", tmp / f"{n}.log") for n in LAPTOPS}
    stop_file = tmp / "stop"
    midway: Counter[str] = Counter()  # kills that cut a request off: service mid-push, laptop
    try:
        # enrol each laptop and bring its cases, faults off
        proxy.plan.enabled = False
        for name, w in workers.items():
            ws = open_workspace(w.db, Actor(name, name))
            try:
                client.enrol(ws, proxy.url(name), name, PASSWORD, name)
                client.sync(ws)
            finally:
                ws.close()
        proxy.plan.enabled = True
        timings["enrol"] = time.monotonic() - begun

        # the away laptop works offline (pointed nowhere) for "30 days", clock catching up
        nowhere = f"http://127.0.0.1:{free_port()}"
        workers[AWAY].start(nowhere, 1, away_changes, "--offline-days", "30", "--sync-every", "100")
        seeds = iter(range(100, 10_000))

        def online(name: str) -> None:
            """A run of the laptop against its proxy port until the stop file appears."""
            workers[name].start(
                proxy.url(name),
                next(seeds),
                100_000,
                *("--stop-file", str(stop_file), "--sync-every", "1", "--tries", "4"),
            )

        for name in LAPTOPS:
            if name != AWAY:
                online(name)
        away_pending = None
        started = time.monotonic()
        next_service_kill = started + 10
        next_laptop_kill = started + 6
        next_report = started + 15
        while time.monotonic() - started < DEADLINE:
            for name, w in workers.items():
                if w.proc is not None and w.proc.poll() is not None:
                    w.finish(10)
                    if name == AWAY and away_pending is None:
                        timings["away offline"] = time.monotonic() - begun
                        away_pending = outbox_size(w.db)
                        assert away_pending >= away_changes
                    online(name)
            reachable = [n for n in LAPTOPS if n != AWAY or away_pending is not None]
            now = time.monotonic()
            if now >= next_service_kill:
                if proxy.wait_for(lambda p: p.pushing > 0, 5):
                    time.sleep(rng.uniform(0.0, 0.03))
                    midway["service"] += proxy.pushing > 0
                    service.kill()
                    proxy.count("service_killed")
                    service.start()
                next_service_kill = time.monotonic() + rng.uniform(25, 35)
            elif now >= next_laptop_kill:
                name = rng.choice(reachable)
                w = workers[name]
                if w.running() and proxy.wait_for(lambda p, n=name: p.in_flight[n] > 0, 5):
                    time.sleep(rng.uniform(0.0, 0.03))
                    midway["laptop"] += proxy.in_flight[name] > 0
                    w.kill()
                    proxy.count("laptop_killed")
                    online(name)
                next_laptop_kill = time.monotonic() + rng.uniform(10, 15)
            if (
                proxy.faults() >= faults_wanted
                and away_pending is not None
                and outbox_size(workers[AWAY].db) < away_pending
                and proxy.counts["service_killed"] >= 3
                and proxy.counts["laptop_killed"] >= 3
                and midway["service"]
                and midway["laptop"]
            ):
                break
            if now >= next_report:  # progress, shown with -s
                print(
                    f"  {now - started:4.0f} s: faults={proxy.faults()} away_pending="
                    f"{outbox_size(workers[AWAY].db)} kills={dict(midway)}",
                    file=sys.stderr,
                )
                next_report = now + 15
            time.sleep(0.2)
        timings["faults"] = time.monotonic() - begun
        stop_file.touch()
        for w in workers.values():
            if w.proc is not None:
                w.finish(120)
        fault_counts = dict(proxy.counts)

        # everything syncs cleanly: faults off, whatever was held delivered, two rounds
        proxy.plan.enabled = False
        proxy.flush()
        for _ in range(2):
            for name, w in workers.items():
                w.start(proxy.url(name), 0, 0, "--final")
                stats = w.finish(300)
                assert stats["clean"] and stats["pending"] == 0, (name, stats)

        timings["clean"] = time.monotonic() - begun
        server = holdings(url)
        laptops = {n: holdings(f"sqlite:///{w.db}") for n, w in workers.items()}
        held = held_ids(server.conflicts)
        on_server = {(ref, i) for ref, evs in server.events.items() for i in evs}
        lost, assignments_unaccounted, journalled = [], [], 0
        for name, w in workers.items():
            for entry in read_journal(Path(f"{w.db}.journal")):
                journalled += 1
                if entry["k"] == "case":
                    if entry["ref"] not in server.events and (entry["ref"], "case") not in held:
                        lost.append((name, entry))
                    continue
                key = (entry["ref"], entry["id"])
                if key not in on_server and key not in held:
                    (assignments_unaccounted if entry["k"] == "assign" else lost).append(
                        (name, entry)
                    )
        dups = duplicated(server) + sum(duplicated(h) for h in laptops.values())
        differ, queues_differ = [], []
        for name, h in laptops.items():
            mine = {
                ref
                for ref, who in server.officer.items()
                if PEOPLE[name] == "manager" or who == name
            }
            if set(h.events) != mine:
                differ.append((name, "cases", sorted(set(h.events) ^ mine)[:5]))
            for ref, evs in h.events.items():
                if ref in server.events and set(evs) != set(server.events[ref]):
                    only_here = sorted(set(evs) - set(server.events[ref]))[:5]
                    only_there = sorted(set(server.events[ref]) - set(evs))[:5]
                    differ.append(
                        (name, ref, {"laptop only": only_here, "server only": only_there})
                    )
            assert h.pending == 0, name
            queue = {c.change_id for c in h.conflicts if c.status == "open"}
            theirs = {
                c.change_id
                for c in server.conflicts
                if c.status == "open" and (PEOPLE[name] == "manager" or c.author == name)
            }
            if queue != theirs:
                queues_differ.append((name, len(queue), len(theirs)))
        faults = sum(n for k, n in fault_counts.items() if k != "upstream_down")
        kinds = " ".join(f"{k}={n}" for k, n in sorted(fault_counts.items()))
        held_by = Counter(f"{c.fact}: {c.change['kind']}" for c in server.conflicts)
        kinds_held = ", ".join(f"{k}={n}" for k, n in sorted(held_by.items()))
        line = (
            f"sync harness: faults={faults} ({kinds}) lost={len(lost)} "
            f"duplicated={dups} conflicts={len(server.conflicts)} ({kinds_held}) "
            f"journalled={journalled} away_pending={away_pending} "
            f"requests={dict(proxy.requests)} "
            f"seconds={ {k: round(v) for k, v in timings.items()} }"
        )
        print("\n" + line)
        HARNESS.append(line)  # shown again in the run's summary (tests/sync/conftest.py)
        return {
            "faults": faults,
            "counts": fault_counts,
            "lost": lost,
            "duplicated": dups,
            "differ": differ,
            "assignments_unaccounted": assignments_unaccounted,
            "away_pending": away_pending,
            "server_errors": list(proxy.server_errors),
            "midway": dict(midway),
            "queues_differ": queues_differ,
            "journalled": journalled,
            "conflicts": len(server.conflicts),
        }
    finally:
        for w in workers.values():
            if w.running():
                w.kill()
        proxy.close()
        service.stop()


def test_nothing_lost_nothing_duplicated_under_a_thousand_faults(tmp_path):
    with fresh_database() as url:
        out = run_harness(tmp_path, url, faults_wanted=1000, away_changes=2000)
    assert out["faults"] >= 1000, out["counts"]
    assert out["away_pending"] >= 2000
    for kind in ("drop_before", "drop_after", "duplicate", "held", "reversed"):
        assert out["counts"].get(kind, 0) > 0, kind
    assert out["counts"]["service_killed"] >= 3 and out["counts"]["laptop_killed"] >= 3
    assert out["midway"]["service"] >= 1 and out["midway"]["laptop"] >= 1  # cut off mid-request
    assert out["queues_differ"] == []  # each laptop's review queue is the server's, for its person
    assert out["lost"] == [] and out["duplicated"] == 0
    assert out["assignments_unaccounted"] == []  # each took effect or is in the queue
    assert out["differ"] == []  # every laptop holds exactly the server's events and cases
    assert out["server_errors"] == []
    assert out["journalled"] > 2000
