"""Deriving a long history is n·log n, not quadratic (issue 12 item 7), and reads the same.

``Timeline.first_after`` finds a deadline's answer by bisection over the events of the types
(or the predicate) the rule names, instead of reading every later event. These tests compare
it with the plain reading of every later event, and count the work on a long case.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.bundle import CaseInfo, Resident
from app.domain.deadlines import derive
from app.domain.deadlines import timeline as timeline_module
from app.domain.deadlines.timeline import Timeline
from app.domain.events import build_event
from tests.domain.helpers import shipped
from tests.domain.test_order_property import DEMO, STABLE, TODAY, crowded_history, reading


def long_case(n: int, seed: int = 5):
    """One case of ``n`` contacts: most messages in, a third asking for a call back, some unhappy."""
    rng = random.Random(seed)
    t = dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC)
    events = []
    for j in range(n):
        t += dt.timedelta(minutes=rng.randrange(5, 600))
        inbound = rng.random() < 0.6
        raw = {
            "id": f"e{j}",
            "at": t.isoformat(),
            "type": "contact",
            "channel": rng.choice(("phone", "email", "letter", "visit")),
            "direction": "in" if inbound else "out",
            "by": "resident" if inbound else "o1",
        }
        if inbound and rng.random() < 0.3:
            raw["callback_requested"] = True
        if inbound and rng.random() < 0.05:
            raw["dissatisfaction"] = True  # an offer is never recorded: read to the end before
        events.append(build_event(raw, seq=j))
    return CaseInfo("LONG-1", "general", dt.date(2025, 1, 6), "o1", Resident("A")), events


def plain_first_after(self, event, pred, types=None, key=None):
    """The reading before the fix: every event answering ``event``, in order."""
    for e in self.answering(event):
        if pred(e):
            return e
    return None


@pytest.fixture
def plain(monkeypatch):
    def use():
        monkeypatch.setattr(Timeline, "first_after", plain_first_after)

    return use


def everything(result):
    return (result.deadlines, result.rule_findings, result.policy)


def test_a_long_case_derives_the_same_as_reading_every_later_event(plain):
    info, events = long_case(1500)
    fast = everything(derive(info, events, shipped()))
    plain()
    assert everything(derive(info, events, shipped())) == fast


@STABLE
@given(doc=crowded_history())
def test_crowded_histories_derive_the_same_as_reading_every_later_event(doc):
    fast = reading(doc)
    saved = Timeline.first_after
    Timeline.first_after = plain_first_after
    try:
        assert reading(doc) == fast
    finally:
        Timeline.first_after = saved


@STABLE
@given(index=st.integers(0, len(DEMO) - 1))
def test_demo_histories_derive_the_same_as_reading_every_later_event(index):
    doc = DEMO[index]
    fast = reading(doc, TODAY)
    saved = Timeline.first_after
    Timeline.first_after = plain_first_after
    try:
        assert reading(doc, TODAY) == fast
    finally:
        Timeline.first_after = saved


def test_work_grows_linearly_with_a_case_s_events(monkeypatch):
    """Counting calls of the one ordering rule: doubling the events about doubles them
    (quadratic before: 917,676 at 8,000 events)."""
    calls = 0
    real = timeline_module.answers

    def counted(x, t):
        nonlocal calls
        calls += 1
        return real(x, t)

    monkeypatch.setattr(timeline_module, "answers", counted)
    counts = []
    for n in (2000, 4000):
        calls = 0
        info, events = long_case(n)
        derive(info, events, shipped())
        counts.append(calls)
    assert counts[1] < 2.5 * counts[0]
    assert counts[1] < 3 * 4000
