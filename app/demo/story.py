"""The scaffolding the demo histories are built on: a ``Story`` of events under
construction, and helpers that lay episodes along the working-day calendar.

A builder gets a ``Story`` and a scenario and returns the variant it chose:

* ``closed``  - a finished history; the story's ``today`` is the day it closes;
* ``ontime``  - every promise kept; anything still running has 3+ working days left;
* ``at_risk`` - one promise due within the next 0-2 working days, the rest on time;
* ``breach``  - one promise deliberately missed (it may drag a second one with it).

Dates are placed with the working-day calendar so that every deadline of the
default policy (code-2024: DOMAIN_RULES.md §2, §4, §5, §5a, §5b, §8) lands exactly
where the scenario needs it. Nothing happens after the working day before
``today``, except a few resident emails that arrive early on ``today``.
"""

from __future__ import annotations

import datetime as dt
import random

from app.demo.residents import MANAGER, TEAM, USERNAMES, adjustments_for
from app.domain.calendar import WorkingCalendar
from app.domain.events import RESIDENT

# Timescales of the default policy (resources/policy/code-2024.toml) the histories aim at.
HINT_TIER = {
    "threat": "high",
    "intimidation": "high",
    "harassment": "high",
    "hate": "high",
    "nuisance": "medium",
    "none": "low",
}
TIER_WD = {"high": 1, "medium": 3, "low": 5}
DECISION_WD = {
    "transfer": 20,
    "medical_assessment": 20,
    "rehousing_advice": 20,
    "policy_copy": 10,
    "information": 10,
}


class Story:
    """One case's events under construction. Event dicts keep their day and minute
    privately and hold other events (not ids) in reference fields until finished."""

    def __init__(
        self,
        rng: random.Random,
        cal: WorkingCalendar,
        today: dt.date,
        officer: str,
        resident: dict,
        scenario: str = "ontime",
        turn: int | None = None,
    ):
        self.rng, self.cal, self.today = rng, cal, today
        self.officer, self.resident = officer, resident
        self.scenario = scenario  # "ontime", "at_risk", "breach" or "closed"
        self.closing = scenario == "closed"
        self.vulnerable = bool(resident["vulnerabilities"])
        self.events: list[dict] = []
        self.used: set[str] = set()  # one-off episodes and job names already used
        self.interval = 10  # ASB update schedule, working days
        self.turn = turn  # this case's number among its kind and scenario (None: pick at random)
        self.balance = 0.0  # rent arrears, pounds

    # -- dates -------------------------------------------------------------------
    def wd(self, day: dt.date, n: int) -> dt.date:
        return self.cal.add_working_days(day, n)

    def back(self, n: int) -> dt.date:
        """The n-th working day before today (n >= 1)."""
        return self.cal.add_working_days(self.today, -n)

    def due_in(self, left: int) -> dt.date:
        """The working day with ``left`` working days to go (0: today)."""
        return self.today if left == 0 else self.cal.add_working_days(self.today, left)

    def pick(self, options: list[str]) -> str:
        """The shape of this case's history: taken in turn, so every one of them gets used."""
        if self.turn is None:
            return self.rng.choice(options)
        return options[self.turn % len(options)]

    def due(self, ahead: tuple[int, int] = (3, 8), overdue: tuple[int, int] = (1, 8)) -> dt.date:
        """When the open promise a case is built around falls due: in 0-2 working days
        (at_risk), ``overdue`` working days ago (breach), else ``ahead`` working days ahead."""
        if self.scenario == "at_risk":
            working = self.cal.is_working_day(self.today)
            return self.due_in(self.rng.choice((0, 1, 2) if working else (1, 2)))
        if self.scenario == "breach":
            return self.back(self.rng.randint(*overdue))
        return self.due_in(self.rng.randint(*ahead))

    def opened_by(self, latest: dt.date, lo: int = 12, hi: int = 120) -> dt.date:
        """An opening day by age in calendar days (1 in 10 much older), no later than ``latest``."""
        days = self.rng.randint(lo, hi) if self.rng.random() < 0.9 else self.rng.randint(121, 700)
        if self.closing:
            days = self.rng.randint(25, 200)
        day = self.cal.on_or_next_working_day(self.today - dt.timedelta(days=days))
        return min(day, latest)

    # -- people and words --------------------------------------------------------
    def colleague(self, *exclude: str) -> str:
        skip = {self.officer, MANAGER, *exclude}
        pool = [u for u in USERNAMES if TEAM[u] == TEAM[self.officer] and u not in skip]
        return self.rng.choice(pool or [u for u in USERNAMES if u not in skip])

    def fill(self, text: str) -> str:
        return text.replace("{n}", str(self.rng.randint(2, 60)))

    def early(self) -> int:
        """A minute of the day early enough for a same-day answer (08:00-14:00)."""
        return 5 * self.rng.randint(96, 168)

    # -- events ------------------------------------------------------------------
    def add(
        self,
        day: dt.date,
        etype: str,
        summary: str,
        *,
        after: dict | None = None,
        minute: int | None = None,
        resident: bool = False,
        **fields,
    ) -> dict:
        if minute is None:
            if after is not None and after["_day"] == day:
                minute = after["_min"] + 5 * self.rng.randint(1, 10)
            elif resident:
                minute = 5 * self.rng.randint(90, 258)  # 07:30-21:30
            else:
                minute = 5 * self.rng.randint(108, 203)  # 09:00-16:55
        event = {
            "_day": day,
            "_min": min(minute, 23 * 60 + 55),
            "type": etype,
            "summary": summary,
            **fields,
        }
        self.events.append(event)
        return event

    def contact(
        self,
        day: dt.date,
        direction: str,
        channel: str,
        summary: str,
        *,
        after: dict | None = None,
        minute: int | None = None,
        by: str | None = None,
        **extra,
    ) -> dict:
        fields = {
            "channel": channel,
            "direction": direction,
            "by": by or (RESIDENT if direction == "in" else self.officer),
            "dissatisfaction": False,
            "callback_requested": False,
            **extra,
        }
        return self.add(
            day,
            "contact",
            summary,
            after=after,
            minute=minute,
            resident=direction == "in",
            **fields,
        )

    def vuln_plan(self, day: dt.date, after: dict | None = None) -> None:
        if self.vulnerable:
            self.add(
                day,
                "vulnerability_plan",
                "Vulnerability and contact plan agreed with resident",
                after=after,
                adjustments=adjustments_for(self.resident["vulnerabilities"]),
            )


def run_loop(s: Story, t: dt.date, limit: dt.date, episodes: list, gap: tuple[int, int]) -> dt.date:
    """Lay self-contained episodes after ``t`` up to ``limit``; returns the last contact day.

    ``episodes`` is [(weight, fn)], the first a one-event update that always fits;
    ``fn(s, start, limit)`` adds its events and returns its last contact day, or None
    (adding nothing) when it would not finish by ``limit``.
    """
    weights = [w for w, _ in episodes]
    while True:
        start = s.wd(t, s.rng.randint(*gap))
        if start > limit:
            return t
        fn = s.rng.choices([f for _, f in episodes], weights)[0]
        end = fn(s, start, limit)
        t = end if end is not None else episodes[0][1](s, start, limit)


def bridge(s: Story, t: dt.date, target: dt.date, most: int, update) -> dt.date:
    """Contacts after ``t`` no more than ``most`` working days apart, the last on ``target``."""
    while s.cal.working_days_between(t, target) > most:
        t = s.wd(t, s.rng.randint(max(2, most - 5), most))
        update(s, t, target)
    if t < target:
        update(s, target, target)
        t = target
    return t


def compensation(rng: random.Random, late: bool = False) -> list[dict]:
    if rng.random() > 0.45 and not late:
        return []
    items = [{"head": "distress_inconvenience", "amount": 25 * rng.randint(2, 12)}]
    if rng.random() < 0.4:
        items.append({"head": "time_trouble", "amount": 25 * rng.randint(1, 3)})
    if late:
        items.append({"head": "complaint_handling", "amount": 25 * rng.randint(1, 3)})
    if rng.random() < 0.15:
        items.append({"head": "costs", "amount": rng.choice([12.5, 34.99, 48.2])})
    return items


def response_summary(stage: int, comp: list[dict]) -> str:
    if comp:
        total = sum(c["amount"] for c in comp)
        return f"Stage {stage} response: upheld in part; apology and £{total:,.2f} offered"
    return f"Stage {stage} response: not upheld; reasons and next steps explained"
