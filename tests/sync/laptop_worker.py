"""A laptop as a separate process, for the sync fault harness (tests/sync/test_fault_harness.py).

    python -m tests.sync.laptop_worker --db FILE --user NAME [--server URL] --seed N
        [--skew-hours H] [--offline-days D] --steps N [--sync-every K] [--stop-file F] [--final]

It opens its SQLite file (enrolling it first when it is not: the password from
DOORSTEP_PASSWORD), with a clock of real time + H hours (and, with --offline-days, D days behind
at the first step, catching up to now by the last: a laptop away for D days). It then does a
seeded series of officer actions through the services — contacts and requests logged on its
cases, a case handed over now and then (some of them cases another laptop hands over too, from
the same base), a new case opened — and syncs every K actions (``client.Offline`` is carried
on from). After each action commits, what it recorded is appended to FILE.journal (one JSON
line, flushed and fsynced): a SIGKILL at any moment loses no journalled entry, and the next
start carries on (the outbox keeps what was not sent). Each summary is unique (the run's random
id and the step), so a duplicate can be told from two entries.

--final: no actions; sync until the outbox is empty and a sync has gone through (bounded).
--stop-file: stop before the next step once the file exists. Prints one summary line (JSON).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import select

from app.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services.absences import reassign_case
from app.services.cases import create_case
from app.services.contacts import log_contact
from app.services.requests import log_request
from app.services.sync import client
from app.services.workspace import Actor, open_workspace
from app.store.models import Case, Officer

OFFICERS = ("amira", "ben")
CHANNELS = ("phone", "email", "letter", "visit")
SUBJECTS = ("transfer", "medical_assessment", "rehousing_advice")
MARK = "fh:"  # every summary this worker writes starts with it


class Clock:
    def __init__(self, skew_hours: float, behind_days: float):
        self.skew = dt.timedelta(hours=skew_hours)
        self.behind = dt.timedelta(days=behind_days)

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.skew - self.behind


class Journal:
    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def write(self, **entry) -> None:
        os.write(self.fd, (json.dumps(entry) + "\n").encode())
        os.fsync(self.fd)

    def close(self) -> None:
        os.close(self.fd)


def read_journal(path: Path) -> list[dict]:
    """The journal's complete lines (a line cut short by a SIGKILL is not an entry)."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text().split("\n"):
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def contested(ref: str) -> bool:
    """Cases both their officer's laptop and the manager's hand over (conflicts from one base)."""
    return ref.startswith("H-") and int(ref[2:]) % 7 == 0


class Laptop:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.rng = random.Random(args.seed)
        self.run = uuid.uuid4().hex[:8]
        self.clock = Clock(args.skew_hours, args.offline_days)
        self.ws = open_workspace(Path(args.db), Actor(args.user, f"laptop-{args.user}"), self.clock)
        if client.enrolment(self.ws) is None:
            client.enrol(
                self.ws, args.server, args.user, os.environ["DOORSTEP_PASSWORD"], args.user
            )
        elif args.server:
            client.move_server(self.ws, args.server)
        self.journal = Journal(Path(args.db + ".journal"))
        self.stats = {"actions": 0, "refused": 0, "syncs": 0, "offline": 0, "run": self.run}
        with self.ws.db.read() as s:
            self.role = s.scalar(select(Officer.role).where(Officer.username == args.user))

    def my_cases(self) -> list[tuple[str, str]]:
        with self.ws.db.read() as s:
            q = select(Case.ref, Officer.username).join(Officer, Case.officer_id == Officer.id)
            return sorted(s.execute(q).all())

    def summary(self, step: int, what: str) -> str:
        return f"{MARK}{self.args.user}:{self.run}:{step}:{what}"

    def act(self, step: int) -> None:
        cases = self.my_cases()
        if self.role != "manager":  # an officer works on their own cases (not one they handed on)
            cases = [c for c in cases if c[1] == self.args.user]
        if not cases:
            return
        roll = self.rng.random()
        ref, owner = self.rng.choice(cases)
        if self.role == "manager" and roll < 0.12:
            picks = [c for c in cases if contested(c[0])] or cases
            ref, owner = self.rng.choice(picks)
            self.hand_over(ref, [o for o in (*OFFICERS, "mo") if o != owner])
        elif self.role != "manager" and roll < 0.04 and owner == self.args.user:
            picks = [c for c in cases if contested(c[0]) and c[1] == self.args.user] or [
                (ref, owner)
            ]
            ref, owner = self.rng.choice(picks)
            self.hand_over(ref, [o for o in OFFICERS if o != owner])
        elif roll < 0.06:
            new = f"N-{self.args.user}-{self.run}-{step}"
            create_case(
                self.ws,
                ref=new,
                kind="complaint",
                officer=self.args.user if self.role != "manager" else self.rng.choice(OFFICERS),
                resident_name=f"New resident {step}",
            )
            self.journal.write(k="case", ref=new)
        elif roll < 0.25:
            text = self.summary(step, "request")
            event_id, _ = log_request(
                self.ws, ref, subject=self.rng.choice(SUBJECTS), channel="phone", summary=text
            )
            self.journal.write(k="event", ref=ref, id=event_id, summary=text)
        else:
            text = self.summary(step, "contact")
            logged = log_contact(
                self.ws,
                ref,
                channel=self.rng.choice(CHANNELS),
                direction=self.rng.choice(("in", "out")),
                summary=text,
            )
            self.journal.write(k="event", ref=ref, id=logged.id, summary=text)
        self.stats["actions"] += 1

    def hand_over(self, ref: str, to: list[str]) -> None:
        target = self.rng.choice(to)
        event_id = reassign_case(self.ws, ref, target, f"{MARK}{self.run} hand-over")
        self.journal.write(k="assign", ref=ref, id=event_id, to=target)

    def sync(self, tries: int = 1) -> bool:
        """Sync, trying again at once up to ``tries`` times while the server cannot be reached."""
        for attempt in range(tries):
            if attempt:
                time.sleep(0.05 * attempt)  # a short back-off, as the app's retries have
            self.stats["syncs"] += 1
            try:
                # plain HTTP on loopback: a transport without certificates (the default client
                # loads the system's CA bundle on every sync, ~40 ms)
                report = client.sync(self.ws, transport=httpx.HTTPTransport(verify=False))
            except client.Offline:
                self.stats["offline"] += 1
                continue
            return report.pending == 0 and report.deferred == 0
        return False

    def work(self) -> None:
        args = self.args
        stop = Path(args.stop_file) if args.stop_file else None
        steps = max(args.steps, 1)
        behind = args.offline_days
        for step in range(args.steps):
            if stop is not None and stop.exists():
                break
            if behind:  # away for `behind` days: the clock catches up step by step
                self.clock.behind = dt.timedelta(days=behind * (1 - step / steps))
            try:
                self.act(step)
            except (ValidationError, ConflictError, NotFound, PermissionDenied) as exc:
                self.stats["refused"] += 1
                print(f"refused: {type(exc).__name__}: {exc}", file=sys.stderr)
            if (step + 1) % args.sync_every == 0:
                self.sync(tries=args.tries)

    def final(self, rounds: int = 30) -> bool:
        for _ in range(rounds):
            if self.sync():
                return True
            time.sleep(0.2)
        return False

    def close(self) -> None:
        self.journal.close()
        self.ws.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="laptop_worker")
    p.add_argument("--db", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--server")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--skew-hours", type=float, default=0.0)
    p.add_argument("--offline-days", type=float, default=0.0)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--sync-every", type=int, default=2)
    p.add_argument("--tries", type=int, default=1, help="syncs in a row while offline")
    p.add_argument("--stop-file")
    p.add_argument("--final", action="store_true")
    args = p.parse_args(argv)
    laptop = Laptop(args)
    try:
        if args.final:
            laptop.stats["clean"] = laptop.final()
        else:
            laptop.work()
        with laptop.ws.db.read() as s:
            from app.services.sync.outbox import pending

            laptop.stats["pending"] = pending(s)
    finally:
        laptop.close()
    print(json.dumps(laptop.stats), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
