"""A case history in order, with the lookups every deadline rule needs.

Rules build deadlines through ``Timeline.deadline``: it finds the event that met
the deadline, applies holds (when the policy lets that kind pause), and closes
case-work deadlines when the case is closed first.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

from app.domain.bundle import CaseInfo
from app.domain.deadlines.model import CLOSED, MET, ON_HOLD, OPEN, Deadline, Hold
from app.domain.events import Event, answers, earlier, ordered
from app.domain.payloads import HoldEndedFields, HoldStartedFields, fields_of
from app.domain.policy import Policy, PolicyHistory

# Case-work deadlines that end when the case is closed. Promises made to the
# resident about a message, a complaint, a decision or a repair outlive closure.
ENDS_AT_CLOSURE = frozenset(
    {
        "risk_assessment",
        "action_plan",
        "plan_action",
        "update_contact",
        "partner_chase",
        "vulnerability_plan",
        "home_visit",
    }
)

# Awaab's Law clocks pause only while the resident gives no access (DOMAIN_RULES.md §6).
NO_ACCESS_ONLY = frozenset(
    {
        "hazard_investigation",
        "hazard_summary",
        "hazard_safety",
        "hazard_works_target",
        "hazard_works",
    }
)


@lru_cache(maxsize=8192)
def fmt(day: dt.date | None) -> str:
    """'Mon 3 Mar 2025'."""
    if day is None:
        return "-"
    return f"{day:%a} {day.day} {day:%b %Y}"


class Timeline:
    def __init__(self, case: CaseInfo, events: Sequence[Event], policies: PolicyHistory):
        self.case = case
        self.events: list[Event] = ordered(events)
        self.index: dict[str, int] = {e.id: i for i, e in enumerate(self.events)}
        self.by_id: dict[str, Event] = {e.id: e for e in self.events}
        self._day_start: dict[dt.date, int] = {}
        self._named: dict[str, list[Event]] = {}  # event id -> the events naming it in `answers`
        for i, e in enumerate(self.events):
            self._day_start.setdefault(e.day, i)
            ref = e.f.get("answers")  # every type: several carry "answers", most do not
            if isinstance(ref, str):
                self._named.setdefault(ref, []).append(e)
        self._of_type: dict[str, list[int]] = {}  # type -> its events' indices, in order
        for i, e in enumerate(self.events):
            self._of_type.setdefault(e.type, []).append(i)
        self._candidates: dict[object, list[int]] = {}  # see ``_indices``
        self.policies = policies
        self.reading: Event | None = None  # the event whose deadlines are being worked out
        self._holds: dict[str, list[tuple[Event, Event | None]]] = self._pair_holds()

    # -- lookups -----------------------------------------------------------------
    def policy_at(self, event: Event | None) -> Policy:
        """The policy in force at ``event`` (every rule asks this first for the event it reads)."""
        self.reading = event
        if event is None:
            instant = dt.datetime.combine(self.case.opened, dt.time(9), dt.UTC)
            return self.policies.at(instant)
        return self.policies.at(event.at)

    def of_type(self, *types: str) -> list[Event]:
        return [e for e in self.events if e.type in types]

    def after(self, event: Event | None) -> Iterator[Event]:
        """The events read after ``event`` (the one reading order, ``events.ordered``)."""
        start = 0 if event is None else self.index[event.id] + 1
        yield from self.events[start:]

    def answering(self, event: Event | None) -> Iterator[Event]:
        """The events that answer ``event`` (DOMAIN_RULES.md §9, ``events.answers``), in order."""
        if event is None:
            yield from self.events
            return
        start = self._day_start[event.day]  # nothing earlier that day can answer it unless named
        for x in self._named.get(event.id, ()):
            if self.index[x.id] < start:
                yield x
        for x in self.events[start:]:
            if answers(x, event):
                yield x

    def first_after(
        self,
        event: Event | None,
        pred: Callable[[Event], bool],
        types: tuple[str, ...] | None = None,
        key: str | None = None,
    ) -> Event | None:
        """The first event that answers ``event`` and matches ``pred``.

        ``types``: the only event types ``pred`` can match (it is still asked); ``key``: a
        name for ``pred`` that does not depend on ``event``, so the events matching it are
        listed once per timeline. With either, the answer is the same as reading every later
        event, but found by bisection, so deriving a long history stays n·log n.
        """
        if types is None and key is None:
            for e in self.answering(event):
                if pred(e):
                    return e
            return None
        indices = self._indices(types, key, pred)
        if event is None:
            return next((x for i in indices if pred(x := self.events[i])), None)
        start = self._day_start[event.day]  # nothing earlier that day can answer it unless named
        for x in self._named.get(event.id, ()):
            if self.index[x.id] < start and pred(x):
                return x
        for n in range(bisect_left(indices, start), len(indices)):
            x = self.events[indices[n]]
            if answers(x, event) and (key is not None or pred(x)):
                return x
        return None

    def _indices(self, types: tuple[str, ...] | None, key: str | None, pred) -> list[int]:
        """Indices (in order) of the events of ``types`` (all when None), and with ``key``
        only those matching ``pred``; worked out once per timeline."""
        name = (types, key)
        found = self._candidates.get(name)
        if found is None:
            if types is None:
                found = list(range(len(self.events)))
            else:
                found = sorted(i for t in set(types) for i in self._of_type.get(t, ()))
            if key is not None:
                found = [i for i in found if pred(self.events[i])]
            self._candidates[name] = found
        return found

    def before(self, a: Event, b: Event) -> bool:
        """``a`` is read before ``b`` (for sequences; what answers what is ``answers``)."""
        return self.index[a.id] < self.index[b.id]

    def closure_after(self, event: Event | None) -> Event | None:
        return self.first_after(event, lambda e: e.type == "case_closed", types=("case_closed",))

    # -- holds -------------------------------------------------------------------
    def holds_on(self, event_id: str) -> list[tuple[Event, Event | None]]:
        """The holds placed on the deadlines ``event_id`` starts, each with its end (or None)."""
        return self._holds.get(event_id, [])

    def _pair_holds(self) -> dict[str, list[tuple[Event, Event | None]]]:
        pairs: dict[str, list[tuple[Event, Event | None]]] = {}
        ends: dict[str, list[int]] = {}  # deadline -> indices of the hold_ended naming it
        for i in self._of_type.get("hold_ended", ()):
            ends.setdefault(fields_of(self.events[i], HoldEndedFields)["deadline"], []).append(i)
        for i in self._of_type.get("hold_started", ()):
            e = self.events[i]
            target = fields_of(e, HoldStartedFields)["deadline"]
            start = self._day_start[e.day]
            end = next(  # one naming it in ``answers`` though read earlier that day comes first
                (
                    x
                    for x in self._named.get(e.id, ())
                    if self.index[x.id] < start and _ends_hold(x, target)
                ),
                None,
            )
            later = ends.get(target, [])
            for j in later[bisect_left(later, start) :] if end is None else ():
                if answers(self.events[j], e):
                    end = self.events[j]
                    break
            pairs.setdefault(target, []).append((e, end))
        return pairs

    def _apply_holds(
        self, trigger: Event | None, kind: str, due: dt.date, policy: Policy, stop: dt.date | None
    ) -> tuple[dt.date | None, tuple[Hold, ...], tuple[str, ...]]:
        if trigger is None or trigger.id not in self._holds:
            return due, (), ()
        cal = policy.calendar
        holds: list[Hold] = []
        notes: list[str] = []
        current: dt.date | None = due
        for start, end in self._holds[trigger.id]:
            hold = fields_of(start, HoldStartedFields)
            wanted = hold["kind"]
            if wanted is not None and wanted != kind:
                continue
            if kind in NO_ACCESS_ONLY and hold["reason"] != "no_access":
                notes.append(f"Hold {start.id} ignored: hazard clocks pause only for no access")
                continue
            if kind not in policy.pausable:
                notes.append(
                    f"Hold {start.id} ignored: {kind.replace('_', ' ')} deadlines cannot pause"
                )
                continue
            if current is None:
                break
            s = start.day
            if (stop is not None and s > stop) or s > current:
                continue  # after the deadline was met or had already passed
            remaining = cal.working_days_between(s, current)
            if end is None and stop is None:
                holds.append(Hold(hold["reason"], s, None, start.id))
                current = None
                continue
            # Met or closed while still on hold: the hold ran until then.
            until = end.day if end is not None else stop
            new_due = cal.add_working_days(until, remaining)
            holds.append(
                Hold(
                    hold["reason"],
                    s,
                    until,
                    start.id,
                    end.id if end is not None else None,
                    cal.working_days_between(current, new_due),
                )
            )
            current = new_due
        return current, tuple(holds), tuple(notes)

    # -- the deadline builder ----------------------------------------------------
    def deadline(
        self,
        *,
        kind: str,
        key: str,
        label: str,
        trigger: Event | None,
        due: dt.date,
        policy: Policy,
        met: Callable[[Event], bool] | None = None,
        met_types: tuple[str, ...] | None = None,
        met_key: str | None = None,
        met_event: Event | None = None,
        started_on: dt.date | None = None,
        stage: int | None = None,
        complaint: str | None = None,
        evidence: tuple[str, ...] | None = None,
        detail: str = "",
    ) -> Deadline:
        """One deadline started by ``trigger``, met by the first later event matching ``met``
        (``met_types``, ``met_key``: as ``first_after``'s ``types`` and ``key``)."""
        if met_event is None and met is not None:
            met_event = self.first_after(trigger, met, met_types, met_key)
        closure = self.closure_after(trigger) if kind in ENDS_AT_CLOSURE else None
        if closure is not None and met_event is not None and not earlier(closure, met_event):
            closure = None  # met, unless the case had certainly closed first
        stop = met_event.day if met_event else (closure.day if closure else None)
        effective_due, holds, notes = self._apply_holds(trigger, kind, due, policy, stop)
        status = OPEN
        if met_event is not None:
            status = MET
        elif closure is not None:
            status = CLOSED
        elif effective_due is None:
            status = ON_HOLD
        if status == CLOSED and closure is not None:
            notes = (*notes, f"case closed {fmt(closure.day)}")
        if effective_due is None and status != ON_HOLD:
            effective_due = due  # met or closed while on hold: keep the last known due date
        return Deadline(
            key=key,
            kind=kind,
            label=label,
            started_by=trigger.id if trigger else None,
            started_on=started_on or (trigger.day if trigger else self.case.opened),
            due=effective_due,
            policy=policy.ref,
            status=status,
            met_by=met_event.id if met_event else None,
            met_on=met_event.day if met_event else None,
            closed_on=closure.day if closure and status == CLOSED else None,
            stage=stage,
            complaint=complaint,
            original_due=due,
            holds=holds,
            evidence=evidence if evidence is not None else ((trigger.id,) if trigger else ()),
            detail=detail,
            notes=notes,
        )


def _ends_hold(e: Event, deadline: str) -> bool:
    """Whether ``e`` ends the hold on ``deadline``."""
    return e.type == "hold_ended" and fields_of(e, HoldEndedFields)["deadline"] == deadline
