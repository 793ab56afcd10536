"""Hazards under Awaab's Law: report one from any contact or case, then record each step.

Every step is one case event (``hazard_*``, ``alternative_accommodation``) recorded through
``record_event``, so the acting person's right to change the case is checked there and the
deadlines are re-derived in the same transaction. The clocks themselves are the engine's
(``app.domain.deadlines.hazards``); this module checks that a step makes sense for the hazard it
names and presents each hazard with its next clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.domain.calendar import LONDON
from app.domain.deadlines import OPEN, derive
from app.domain.events import CHANNELS, RESIDENT, Event
from app.domain.hazards import CATEGORIES
from app.domain.policy import Policy
from app.errors import NotFound, ValidationError
from app.services.cases import find_case, record_event
from app.services.convert import case_info_from_row, events_from_rows
from app.services.recompute import case_history, policy_history
from app.services.views import CaseDetail
from app.services.workspace import Workspace

STEP_WORDS = {
    "hazard_investigated": "investigated",
    "hazard_summary_sent": "written summary sent",
    "hazard_made_safe": "made safe",
    "hazard_works_started": "works started",
    "hazard_works_done": "works done",
    "alternative_accommodation": "alternative accommodation",
}
CATEGORY_WORDS = {"emergency": "Emergency", "significant": "Significant"}


@dataclass(frozen=True)
class HazardChoice:
    key: str
    name: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class HazardClock:
    label: str
    due: dt.date | None
    due_at: dt.datetime | None  # clock-hour deadlines (emergencies)
    status: str
    late: bool

    def left_text(self, now: dt.datetime, today: dt.date, calendar) -> str:
        """'5 h left', '2 h overdue', '3 WD left', 'due today'."""
        if self.status != OPEN:
            return self.status.replace("_", " ")
        if self.due_at is not None:
            hours = (self.due_at - now).total_seconds() / 3600
            if hours >= 0:
                return f"{int(hours)} h {int((hours % 1) * 60):02d} min left"
            return f"{int(-hours)} h overdue"
        if self.due is None:
            return "on hold"
        if self.due == today:
            return "due today"
        wd = calendar.working_days_between(today, self.due)
        return f"{wd} WD left" if self.due > today else f"{-wd} WD overdue"


@dataclass(frozen=True)
class HazardView:
    id: str
    hazard: str
    name: str
    category: str
    location: str | None
    reported_at: dt.datetime
    steps: tuple[tuple[str, dt.date, str], ...]  # (event id, date, words)
    clocks: tuple[HazardClock, ...]  # open first, soonest first
    investigated: bool
    made_safe: bool
    works_started: bool
    works_done: bool

    @property
    def next_clock(self) -> HazardClock | None:
        open_ = [c for c in self.clocks if c.status == OPEN]
        return open_[0] if open_ else None


def hazard_choices(ws: Workspace, ref: str | None = None) -> list[HazardChoice]:
    """The hazards the policy in force puts in scope (the case's policy, given a case)."""
    with ws.db.read() as s:
        if ref is not None:
            policy = policy_history(ws.registry, find_case(s, ref)).current
        else:
            policy = ws.registry.history(ws.registry.default).current
    return [
        HazardChoice(t.key, t.name, tuple(c for c in CATEGORIES if c in t.categories))
        for t in sorted(policy.hazards.types.values(), key=lambda t: t.name)
    ]


def report_hazard(
    ws: Workspace,
    ref: str,
    *,
    hazard: str,
    category: str,
    channel: str,
    summary: str,
    location: str | None = None,
    reported_by: str = RESIDENT,
    at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> tuple[str, CaseDetail]:
    """Record that the landlord became aware of a hazard: its clocks start at ``at``."""
    choices = {c.key: c for c in hazard_choices(ws, ref)}
    if hazard not in choices:
        raise ValidationError(
            f"{hazard!r} is not a hazard the policy names; choose one of the list "
            "(a policy change adds hazards)."
        )
    if category not in choices[hazard].categories:
        allowed = " or ".join(choices[hazard].categories)
        raise ValidationError(
            f"{choices[hazard].name} can be reported as {allowed} under the policy in force, "
            f"not {category}."
        )
    if channel not in CHANNELS:
        raise ValidationError(f"Channel must be one of {', '.join(CHANNELS)}.")
    if not summary.strip():
        raise ValidationError("Describe the hazard in a few words (what, where, who is affected).")
    event = {
        "type": "hazard_reported",
        "hazard": hazard,
        "category": category,
        "channel": channel,
        "by": reported_by,
        "summary": summary.strip(),
        "at": (at or ws.now()).isoformat(),
    }
    if location and location.strip():
        event["location"] = location.strip()
    return record_event(ws, ref, event, expected_version=expected_version)


def record_step(
    ws: Workspace,
    ref: str,
    report_id: str,
    step: str,
    *,
    summary: str = "",
    at: dt.datetime | None = None,
    expected_version: int | None = None,
    **fields,
) -> tuple[str, CaseDetail]:
    """One step on a reported hazard (``step`` is an event type of ``STEP_WORDS``)."""
    if step not in STEP_WORDS:
        raise ValidationError(f"Unknown hazard step {step!r}.")
    view = _hazard(ws, ref, report_id)
    when = at or ws.now()
    if when < view.reported_at:
        raise ValidationError("A step on a hazard cannot be dated before the hazard was reported.")
    _check_order(view, step, fields)
    event = {
        "type": step,
        "answers": report_id,
        "summary": summary.strip() or f"{view.name}: {STEP_WORDS[step]}",
        "at": when.isoformat(),
        **{k: v for k, v in fields.items() if v is not None},
    }
    if step in ("hazard_investigated", "hazard_made_safe"):
        event.setdefault("by", ws.actor.username)
    return record_event(ws, ref, event, expected_version=expected_version)


def _check_order(view: HazardView, step: str, fields: dict) -> None:
    if step == "hazard_investigated":
        if view.investigated:
            raise ValidationError(f"The {view.name.lower()} report was already investigated.")
        if fields.get("category") not in CATEGORIES:
            raise ValidationError(
                "Say whether the investigation found it emergency or significant."
            )
        if not str(fields.get("finding") or "").strip():
            raise ValidationError("Write what the investigation found.")
        return
    if not view.investigated and step != "alternative_accommodation":
        raise ValidationError("Record the investigation first: the later clocks run from it.")
    if step == "hazard_made_safe" and view.made_safe:
        raise ValidationError("This hazard is already recorded as made safe.")
    if (
        step in ("hazard_works_started", "hazard_works_done")
        and not str(fields.get("job") or "").strip()
    ):
        raise ValidationError("Name the works (e.g. 'Extractor fan fitted, mould wash').")
    if step == "hazard_works_done" and view.works_done:
        raise ValidationError("The works on this hazard are already recorded as done.")
    if step == "hazard_summary_sent" and fields.get("channel") not in CHANNELS:
        raise ValidationError(f"Channel must be one of {', '.join(CHANNELS)}.")


def hazards_on(ws: Workspace, ref: str) -> list[HazardView]:
    """Every hazard reported on the case, with the steps taken and its clocks."""
    with ws.db.read() as s:
        case = find_case(s, ref)
        events = events_from_rows(case_history(s, case))
        policies = policy_history(ws.registry, case)
        result = derive(case_info_from_row(case), events, policies)
    reports = [e for e in events if e.type == "hazard_reported"]
    return [_view(r, events, result.deadlines, policies.at(r.at)) for r in reports]


def _view(report: Event, events: list[Event], deadlines, policy: Policy) -> HazardView:
    steps = [e for e in events if e.type in STEP_WORDS and e.f.get("answers") == report.id]
    clocks = [d for d in deadlines if d.started_by == report.id and d.kind.startswith("hazard_")]
    clocks.sort(key=lambda d: (d.status != OPEN, d.due or dt.date.max, d.key))
    types = {s.type for s in steps}
    return HazardView(
        id=report.id,
        hazard=report.f["hazard"],
        name=policy.hazards.name_of(report.f["hazard"]),
        category=CATEGORY_WORDS[report.f["category"]],
        location=report.f.get("location"),
        reported_at=report.at,
        steps=tuple((e.id, e.at.astimezone(LONDON).date(), STEP_WORDS[e.type]) for e in steps),
        clocks=tuple(HazardClock(d.label, d.due, d.due_at, d.status, d.late) for d in clocks),
        investigated="hazard_investigated" in types,
        made_safe="hazard_made_safe" in types
        or any(s.type == "alternative_accommodation" and s.f.get("offered") for s in steps),
        works_started=bool(types & {"hazard_works_started", "hazard_works_done"}),
        works_done="hazard_works_done" in types,
    )


def _hazard(ws: Workspace, ref: str, report_id: str) -> HazardView:
    for view in hazards_on(ws, ref):
        if view.id == report_id:
            return view
    raise NotFound(f"There is no hazard report {report_id!r} on case {ref}.")
