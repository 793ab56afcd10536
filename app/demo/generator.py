"""Invented case bundles for the demo database (pure Python, no database).

``generate_bundles(today, n_cases, seed)`` returns ``doorstep-case/1`` documents
(CASE_BUNDLE.md) for the six invented ``OFFICERS``: open and closed cases of every
kind, with histories relative to ``today`` so that, under the default policy, most
cases are on time, a good number have a deadline due in the next 0-2 working days
and some are deliberately breached. The output depends only on the arguments.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

from app.demo import histories
from app.demo.asb import asb
from app.demo.hazards import hazard
from app.demo.residents import OFFICERS, TEAM, make_resident
from app.demo.story import Story
from app.demo.texts import OUTCOMES
from app.domain.calendar import LONDON, calendar_for

__all__ = ["OFFICERS", "DemoCase", "generate_bundles", "generate_cases"]

FORMAT = "doorstep-case/1"
KINDS = [
    ("asb", 34),
    ("complaint", 26),
    ("general", 16),
    ("repair", 14),
    ("arrears", 10),
    ("hazard", 6),
]
CASE_KIND = {"hazard": "repair"}  # a hazard is reported on a repairs case
SCENARIOS = [("ontime", 44), ("closed", 22), ("at_risk", 19), ("breach", 15)]
OFFICER_SHARES = [(o["username"], 10 if o["role"] == "manager" else 18) for o in OFFICERS]
BUILDERS = {
    "asb": asb,
    "complaint": histories.complaint,
    "general": histories.general,
    "repair": histories.repair,
    "arrears": histories.arrears,
    "hazard": hazard,
}
PREFIX = {"asb": "ASB", "complaint": "CMP", "general": "GEN", "repair": "REP", "arrears": "ARR"}
LATEST_TODAY_MINUTE = 9 * 60  # an event on ``today`` must not be later than 09:00


@dataclass(frozen=True)
class DemoCase:
    """A generated bundle with the state it was built to be in on ``today``."""

    bundle: dict
    scenario: str  # "ontime", "at_risk", "breach" or "closed"
    variant: str  # which promise is at risk or breached, or the history's shape
    dropped: int = 0  # events dropped for falling after today (0 unless a builder is wrong)


def generate_bundles(today: dt.date, n_cases: int = 200, seed: int = 2026) -> list[dict]:
    """Invented case bundles (doorstep-case/1 dicts) for a demo database, deterministic for (today, n_cases, seed)."""
    return [c.bundle for c in generate_cases(today, n_cases, seed)]


def generate_cases(today: dt.date, n_cases: int = 200, seed: int = 2026) -> list[DemoCase]:
    """Like ``generate_bundles``, with each case's intended state (for tests and reports)."""
    if n_cases < 0:
        raise ValueError(f"n_cases must be 0 or more, got {n_cases}")
    cal = calendar_for()
    rng = random.Random(seed)
    kinds = _allot(rng, n_cases, KINDS)
    officers = _allot(rng, n_cases, OFFICER_SHARES)
    scenarios: list[str] = [""] * n_cases
    for kind, _ in KINDS:
        mine = [i for i, k in enumerate(kinds) if k == kind]
        for i, scenario in zip(mine, _allot(rng, len(mine), SCENARIOS), strict=True):
            scenarios[i] = scenario
    taken: set[str] = set()  # resident names and phone numbers
    turns: Counter[tuple[str, str]] = Counter()
    built: list[DemoCase] = []
    for i in range(n_cases):
        kind, officer, scenario = kinds[i], officers[i], scenarios[i]
        resident = make_resident(rng, i, TEAM[officer], taken)
        case_rng = random.Random(rng.getrandbits(64))
        story_today = today
        if scenario == "closed":
            back = case_rng.randint(1, 60) if case_rng.random() < 0.7 else case_rng.randint(61, 300)
            story_today = cal.add_working_days(today, -back)
        story = Story(
            case_rng, cal, story_today, officer, resident, scenario, turns[kind, scenario]
        )
        turns[kind, scenario] += 1
        variant = BUILDERS[kind](story)
        if scenario == "closed":
            _close(story, kind)
        events, dropped = _finish(story.events, today)
        case = {
            "ref": "",  # numbered below, in order of opening
            "kind": CASE_KIND.get(kind, kind),
            "opened": events[0]["at"][:10],
            "officer": officer,
            "resident": resident,
        }
        bundle = {"format": FORMAT, "case": case, "events": events}
        built.append(DemoCase(bundle, scenario, variant, dropped))

    built.sort(key=lambda c: c.bundle["case"]["opened"])  # stable within a day
    numbers: Counter[tuple[str, str]] = Counter()
    for c in built:
        case = c.bundle["case"]
        key = (PREFIX[case["kind"]], case["opened"][:4])
        numbers[key] += 1
        case["ref"] = f"{key[0]}-{key[1]}-{numbers[key]:04d}"
    return built


def _allot(rng: random.Random, n: int, shares: list[tuple[str, int]]) -> list[str]:
    """``n`` names in proportion to ``shares`` (each at least once when ``n`` allows), shuffled."""
    total = sum(w for _, w in shares)
    counts = [n * w // total for _, w in shares]
    if n >= len(shares):
        counts = [max(1, c) for c in counts]
    i = 0
    while sum(counts) < n:
        counts[i % len(counts)] += 1
        i += 1
    while sum(counts) > n:
        j = counts.index(max(counts))
        counts[j] -= 1
    names = [name for (name, _), c in zip(shares, counts, strict=True) for _ in range(c)]
    rng.shuffle(names)
    return names


def _close(story: Story, kind: str) -> None:
    rng = story.rng
    day = story.today
    latest = max((e["_min"] for e in story.events if e["_day"] == day), default=9 * 60)
    fields: dict = {"outcome": rng.choice(OUTCOMES[CASE_KIND.get(kind, kind)])}
    if rng.random() < 0.65:
        fields["satisfaction"] = rng.choice([1, 2, 3, 4, 4, 5, 5, 5])
    summary = (
        "Closure call; satisfaction survey done" if "satisfaction" in fields else "Case closed"
    )
    story.add(
        day, "case_closed", summary, minute=max(latest + 15, 5 * rng.randint(120, 196)), **fields
    )


def _finish(events: list[dict], today: dt.date) -> tuple[list[dict], int]:
    """Order the events, name them e1, e2, ... and turn references into ids."""
    ordered = sorted(events, key=lambda e: (e["_day"], e["_min"]))
    kept: list[dict] = []
    seen: set[int] = set()
    for e in ordered:
        future = e["_day"] > today or (e["_day"] == today and e["_min"] > LATEST_TODAY_MINUTE)
        refs = [v for v in e.values() if isinstance(v, dict) and "_day" in v]
        if future or any(id(r) not in seen for r in refs):
            continue
        seen.add(id(e))
        kept.append(e)
    for n, e in enumerate(kept, 1):
        e["_id"] = f"e{n}"
    return [_event_json(e) for e in kept], len(events) - len(kept)


def _event_json(e: dict) -> dict:
    day, minute = e["_day"], e["_min"]
    at = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=LONDON)
    out = {"id": e["_id"], "at": at.isoformat(), "type": e["type"], "summary": e["summary"]}
    for key, value in e.items():
        if not key.startswith("_") and key not in out:
            out[key] = _plain(value)
    return out


def _plain(value):
    if isinstance(value, dict):
        if "_day" in value:
            return value["_id"]
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
