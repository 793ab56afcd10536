"""Tenant Satisfaction Measures (DOMAIN_RULES.md §7; CLI.md ``report tsm``).

Which date puts a case or complaint in the period (Europe/London dates, both ends included):

* CH01(1)/(2) — a stage 1 complaint on the day it was received (``complaint_received`` at
  stage 1); a stage 2 complaint on the day the escalation request was received
  (``escalation_request`` for stage 2, counted once per complaint; a complaint received straight
  at stage 2 counts on its receipt). Per 1,000 homes owned.
* CH02(1)/(2) — a complaint stage on the day its response was sent (the stored response
  deadline met in the period; a written refusal after the acknowledgement is the stage's
  answer). On time when sent on or before the due date, which an extension notified in time
  moves up to the policy's limit (never beyond). A response to a reopened complaint is not a
  new complaint and is not counted. Percentage of those answered in the period.
* NM01(1)/(2) — an ASB case on the day its first ASB report was received: further reports on the
  case while it is open are the same case; a report after the case was closed opens a new one.
  NM01(2) counts those of them whose reports (up to the period's end) include a hate incident.
  Per 1,000 homes owned.
* RP02(1)/(2) — a repair on the day it was completed (``repair_done``, the stored repair deadline
  met in the period); within target when completed on or before its target date (days on hold
  for no access do not count, as in the case). RP02(2) is the emergency priority, RP02(1) every
  other priority. Percentage of those completed in the period.

Figures are read in batches (flat memory); ``counted_cases`` lists what one measure counted.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, select

from app.domain.calendar import london_date
from app.errors import ValidationError
from app.services.access import Do, require
from app.services.policies import check_homes, homes_owned
from app.services.reports.common import Period, one_decimal, stream
from app.services.workspace import Workspace
from app.store.models import Case, CaseEvent, DeadlineRow

KEYS = ("CH01(1)", "CH01(2)", "CH02(1)", "CH02(2)", "NM01(1)", "NM01(2)", "RP02(1)", "RP02(2)")
PER_1000 = frozenset({"CH01(1)", "CH01(2)", "NM01(1)", "NM01(2)"})
TITLES = {
    "CH01(1)": "Stage 1 complaints received per 1,000 homes",
    "CH01(2)": "Stage 2 complaints received per 1,000 homes",
    "CH02(1)": "Stage 1 complaints answered within the Code's timescales",
    "CH02(2)": "Stage 2 complaints answered within the Code's timescales",
    "NM01(1)": "Anti-social behaviour cases opened per 1,000 homes",
    "NM01(2)": "ASB cases involving hate incidents opened per 1,000 homes",
    "RP02(1)": "Non-emergency repairs completed within target",
    "RP02(2)": "Emergency repairs completed within target",
}
EMERGENCY = "emergency"  # the policy's emergency repair priority (resources/policy: [repairs])
EVENT_TYPES = ("complaint_received", "escalation_request", "asb_report", "case_closed")


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    numerator: int
    denominator: int
    value: float | None  # per 1,000 homes or a percentage, one decimal; None: nothing to divide

    @property
    def unit(self) -> str:
        return "per 1,000 homes" if self.key in PER_1000 else "%"

    def counts_text(self) -> str:
        if self.key in PER_1000:
            return f"{self.numerator:,} of {self.denominator:,} homes"
        return f"{self.numerator:,} of {self.denominator:,}"

    def value_text(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.value:.1f}" + ("%" if self.key not in PER_1000 else "")


@dataclass(frozen=True)
class TsmReport:
    period: Period
    homes: int
    measures: tuple[Measure, ...]

    def measure(self, key: str) -> Measure:
        return next(m for m in self.measures if m.key == key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "homes": self.homes,
            "measures": {
                m.key: {"value": m.value, "numerator": m.numerator, "denominator": m.denominator}
                for m in self.measures
            },
        }


@dataclass(frozen=True)
class Counted:
    """One thing a measure counted: the case, the date that put it in the period, and whether
    it is in the numerator (on time / within target; always for CH01 and NM01)."""

    ref: str
    day: dt.date
    what: str
    in_numerator: bool


@dataclass
class _Tally:
    num: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEYS, 0))
    den: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEYS, 0))
    collect: str | None = None
    items: list[Counted] = field(default_factory=list)

    def add(self, key: str, ref: str, day: dt.date, what: str, on_time: bool = True) -> None:
        self.den[key] += 1
        if on_time:
            self.num[key] += 1
        if key == self.collect:
            self.items.append(Counted(ref, day, what, on_time))


def resolve_homes(ws: Workspace, homes: Any | None) -> int:
    """The homes given, else the organisation's setting; refuses ≤ 0 with one sentence."""
    if homes is None:
        stored = homes_owned(ws)
        if stored is None:
            raise ValidationError(
                "Give the number of homes owned (--homes N), or set it in Settings › Homes owned."
            )
        return stored
    if isinstance(homes, int) and not isinstance(homes, bool) and homes <= 0:
        raise ValidationError(f"Homes owned must be a whole number above nought; got {homes}.")
    return check_homes(homes)


def tsm(
    ws: Workspace,
    per: Period,
    homes: Any | None = None,
    progress: Callable[[int], None] | None = None,
) -> TsmReport:
    """The eight measures for ``per``; ``homes`` defaults to the organisation's setting."""
    n_homes = resolve_homes(ws, homes)
    tally = _run(ws, per, progress=progress)
    return TsmReport(per, n_homes, tuple(_measure(k, tally, n_homes) for k in KEYS))


def counted_cases(ws: Workspace, per: Period, key: str) -> list[Counted]:
    """What ``key`` counted in ``per`` (its denominator, for CH02 and RP02), by date."""
    if key not in KEYS:
        raise ValidationError(f"Unknown measure {key!r}; known: {', '.join(KEYS)}.")
    tally = _run(ws, per, collect=key)
    return sorted(tally.items, key=lambda c: (c.day, c.ref))


def _measure(key: str, t: _Tally, homes: int) -> Measure:
    value: float | None
    if key in PER_1000:
        num, den = t.den[key], homes
        value = one_decimal(Decimal(num) * 1000 / Decimal(den))
    else:
        num, den = t.num[key], t.den[key]
        value = one_decimal(Decimal(num) * 100 / Decimal(den)) if den else None
    return Measure(key, TITLES[key], num, den, value)


def _run(
    ws: Workspace,
    per: Period,
    collect: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> _Tally:
    tally = _Tally(collect=collect)
    with ws.db.read() as s:
        require(s, Do.REPORTS)
        _events(s, per, tally, progress)
        _answered(s, per, tally)
        _repairs(s, per, tally)
    return tally


def _events(s, per: Period, tally: _Tally, progress) -> None:
    """CH01 and NM01: every case's complaint receipts, escalations, ASB reports and closures up
    to the period's end, case by case in recorded order."""
    _, upper = per.utc_bounds()
    stmt = (
        select(CaseEvent.case_id, Case.ref, CaseEvent.type, CaseEvent.at, CaseEvent.local_id)
        .add_columns(CaseEvent.data)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.type.in_(EVENT_TYPES), CaseEvent.at < upper)
        .order_by(CaseEvent.case_id, CaseEvent.at, CaseEvent.seq)
    )
    groups = itertools.groupby(stream(s, stmt), key=lambda r: r[0])
    for done, (_, rows) in enumerate(groups, start=1):
        _case(list(rows), per, tally)
        if progress is not None and done % 1000 == 0:
            progress(done)


def _case(rows: list, per: Period, tally: _Tally) -> None:
    latest: str | None = None  # the complaint received last (events without one belong to it)
    stages_seen: set[tuple[Any, Any]] = set()
    asb_open: tuple[dt.date, str] | None = None  # the open ASB case: opened on, by which report
    asb_hate = False

    def finish_asb() -> None:
        if asb_open is not None and asb_open[0] in per:
            day = asb_open[0]
            tally.add("NM01(1)", ref, day, f"ASB case opened by report {asb_open[1]}")
            if asb_hate:
                tally.add("NM01(2)", ref, day, f"ASB case opened by report {asb_open[1]}")

    for _case_id, ref, etype, at, local_id, data in rows:
        day = london_date(at)
        data = data or {}
        if etype == "complaint_received":
            latest = local_id
            stage = data.get("stage")
            stages_seen.add((local_id, stage))
            if stage in (1, 2) and day in per:
                tally.add(f"CH01({stage})", ref, day, f"stage {stage} complaint {local_id}")
        elif etype == "escalation_request":
            target = data.get("complaint") or latest
            stage = data.get("stage")
            if (target, stage) in stages_seen:
                continue  # a repeated request to the same stage is the same stage
            stages_seen.add((target, stage))
            if stage in (1, 2) and day in per:
                tally.add(f"CH01({stage})", ref, day, f"escalation {local_id} to stage {stage}")
        elif etype == "asb_report":
            if asb_open is None:
                asb_open, asb_hate = (day, local_id), False
            if data.get("hate_incident") is True:
                asb_hate = True
        elif etype == "case_closed":
            finish_asb()
            asb_open = None
    finish_asb()


def _answered(s, per: Period, tally: _Tally) -> None:
    """CH02: complaint stages whose response was sent in the period."""
    stmt = (
        select(Case.ref, DeadlineRow.key, DeadlineRow.stage, DeadlineRow.met_on, DeadlineRow.due)
        .join(Case, Case.id == DeadlineRow.case_id)
        .where(
            DeadlineRow.kind == "complaint_response",
            DeadlineRow.status == "met",
            DeadlineRow.met_on >= per.start,
            DeadlineRow.met_on <= per.end,
            DeadlineRow.stage.in_((1, 2)),
        )
    )
    for ref, key, stage, met_on, due in stream(s, stmt):
        if key.count(":") > 2:  # complaint_response:<complaint>:<stage>:<reopening>
            continue
        on_time = due is None or met_on <= due
        what = f"stage {stage} response of {met_on.isoformat()}, due {_iso(due)}"
        tally.add(f"CH02({stage})", ref, met_on, what, on_time)


def _repairs(s, per: Period, tally: _Tally) -> None:
    """RP02: repairs completed in the period, by the priority they were raised with."""
    raised = CaseEvent
    stmt = (
        select(Case.ref, DeadlineRow.met_on, DeadlineRow.due, raised.data)
        .join(Case, Case.id == DeadlineRow.case_id)
        .join(
            raised,
            and_(raised.case_id == DeadlineRow.case_id, raised.local_id == DeadlineRow.started_by),
        )
        .where(
            DeadlineRow.kind == "repair",
            DeadlineRow.status == "met",
            DeadlineRow.met_on >= per.start,
            DeadlineRow.met_on <= per.end,
        )
    )
    for ref, met_on, due, data in stream(s, stmt):
        priority = str((data or {}).get("priority", "")).strip().lower()
        key = "RP02(2)" if priority == EMERGENCY else "RP02(1)"
        on_time = due is None or met_on <= due
        what = f"{priority or 'repair'} repair done {met_on.isoformat()}, target {_iso(due)}"
        tally.add(key, ref, met_on, what, on_time)


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else "none"
