"""Awaab's Law (DOMAIN_RULES.md §6): the clocks a reported hazard starts.

Emergency hazards run on clock hours (weekends and holidays included): investigate within
24 hours of the report, make safe within 24 hours of the investigation. Significant hazards run
on working days: investigate within 10 WD; then a written summary within 3 WD (not owed once all
the works are done), safety work within 5 WD (or alternative accommodation offered), and
preventative works started within 5 WD where possible — physically started within 12 weeks at the
latest. The category the investigation confirms governs the clocks after it. Every number, every
hazard in scope and the date the law applies from are policy data (``[hazards]``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from app.domain.calendar import LONDON, london_date
from app.domain.deadlines.model import MET, OPEN, Deadline
from app.domain.deadlines.timeline import Timeline, fmt
from app.domain.events import Event
from app.domain.payloads import (
    HazardInvestigatedFields,
    HazardReportedFields,
    HoldStartedFields,
    fields_of,
    typed,
)
from app.domain.policy import Policy


def fmt_instant(at: dt.datetime) -> str:
    """'Sat 7 Mar 2026 19:30' in London time."""
    local = at.astimezone(LONDON)
    return f"{fmt(local.date())} {local:%H:%M}"


def hazard_deadlines(tl: Timeline) -> list[Deadline]:
    out: list[Deadline] = []
    for report, reported in typed(tl.events, HazardReportedFields):
        policy = tl.policy_at(report)
        rules = policy.hazards
        hazard, category = reported["hazard"], reported["category"]
        if report.day < rules.in_force or not rules.in_scope(hazard, category):
            continue
        name = rules.name_of(hazard)
        answering = _answering(tl, report)
        investigation = answering("hazard_investigated")
        if category == "emergency":
            out.append(
                _hour_deadline(
                    tl,
                    kind="hazard_investigation",
                    key=f"hazard_investigation:{report.id}",
                    label=f"Investigate emergency hazard: {name}",
                    report=report,
                    start=report,
                    hours=rules.investigate_hours,
                    policy=policy,
                    met_event=investigation,
                    detail=f"Emergency hazard ({name}) reported {fmt_instant(report.at)}",
                )
            )
        else:
            out.append(
                tl.deadline(
                    kind="hazard_investigation",
                    key=f"hazard_investigation:{report.id}",
                    label=f"Investigate hazard: {name}",
                    trigger=report,
                    due=policy.calendar.add_working_days(report.day, rules.investigate_wd),
                    policy=policy,
                    met_event=investigation,
                    detail=f"Significant hazard ({name}) reported {fmt(report.day)} must be "
                    f"investigated within {rules.investigate_wd} WD",
                )
            )
        if investigation is not None:
            out += _after_investigation(tl, report, investigation, policy, name, answering)
    return out


def _answering(tl: Timeline, report: Event) -> Callable[..., Event | None]:
    """The first event of the given types that names this report in ``answers``."""

    def first(*types: str, where: Callable[[Event], bool] = lambda e: True) -> Event | None:
        for e in tl.events:
            if e.type in types and e.f.get("answers") == report.id and where(e):
                return e
        return None

    return first


def _after_investigation(
    tl: Timeline,
    report: Event,
    investigation: Event,
    policy: Policy,
    name: str,
    answering: Callable[..., Event | None],
) -> list[Deadline]:
    rules = policy.hazards
    category = fields_of(investigation, HazardInvestigatedFields)["category"]
    safe = answering(
        "hazard_made_safe",
        "alternative_accommodation",
        where=lambda e: e.type == "hazard_made_safe" or bool(e.f.get("offered")),
    )
    found = f"investigated {fmt(investigation.day)}"
    if category == "emergency":
        return [
            _hour_deadline(
                tl,
                kind="hazard_safety",
                key=f"hazard_safety:{report.id}",
                label=f"Make safe emergency hazard: {name}",
                report=report,
                start=investigation,
                hours=rules.make_safe_hours,
                policy=policy,
                met_event=safe,
                detail=f"Emergency hazard ({name}) {found} at "
                f"{fmt_instant(investigation.at)} must be made safe within "
                f"{rules.make_safe_hours} hours",
            )
        ]
    cal = policy.calendar
    works_done = answering("hazard_works_done")
    summary = answering("hazard_summary_sent")
    summary_due = cal.add_working_days(investigation.day, rules.summary_wd)
    if works_done is not None and (summary is None or works_done.at < summary.at):
        summary = works_done  # all the works done first: no summary owed from then
    started = answering("hazard_works_started", "hazard_works_done")

    def owed(**kw) -> Deadline:
        return tl.deadline(trigger=report, policy=policy, started_on=investigation.day, **kw)

    out = [
        owed(
            kind="hazard_summary",
            key=f"hazard_summary:{report.id}",
            label=f"Send the investigation summary: {name}",
            due=summary_due,
            met_event=summary,
            detail=f"Hazard ({name}) {found}: written summary owed within {rules.summary_wd} WD",
        ),
        owed(
            kind="hazard_safety",
            key=f"hazard_safety:{report.id}",
            label=f"Make safe: {name}",
            due=cal.add_working_days(investigation.day, rules.make_safe_wd),
            met_event=safe,
            detail=f"Hazard ({name}) {found}: safety work (or alternative accommodation) "
            f"owed within {rules.make_safe_wd} WD",
        ),
        owed(
            kind="hazard_works_target",
            key=f"hazard_works_target:{report.id}",
            label=f"Start preventative works: {name}",
            due=cal.add_working_days(investigation.day, rules.works_start_wd),
            met_event=started,
            detail=f"Hazard ({name}) {found}: preventative works to start within "
            f"{rules.works_start_wd} WD where possible",
        ),
        owed(
            kind="hazard_works",
            key=f"hazard_works:{report.id}",
            label=f"Works physically started: {name}",
            due=investigation.day + dt.timedelta(weeks=rules.works_start_weeks),
            met_event=started,
            detail=f"Hazard ({name}) {found}: preventative works not started within "
            f"{rules.works_start_wd} WD must physically start within "
            f"{rules.works_start_weeks} weeks",
        ),
    ]
    return out


def _hour_deadline(
    tl: Timeline,
    *,
    kind: str,
    key: str,
    label: str,
    report: Event,
    start: Event,
    hours: int,
    policy: Policy,
    met_event: Event | None,
    detail: str,
) -> Deadline:
    """A clock-hour deadline; a no-access hold on the report moves it by the time held."""
    due_at = start.at + dt.timedelta(hours=hours)
    original = due_at
    notes: list[str] = []
    for hold, end in tl.holds_on(report.id):
        wanted = hold.f.get("kind")
        if wanted is not None and wanted != kind:
            continue
        if fields_of(hold, HoldStartedFields)["reason"] != "no_access":
            notes.append(f"Hold {hold.id} ignored: hazard clocks pause only for no access")
            continue
        if kind not in policy.pausable:
            notes.append(f"Hold {hold.id} ignored: {kind.replace('_', ' ')} deadlines cannot pause")
            continue
        if hold.at < start.at or hold.at > due_at:
            continue
        if met_event is not None and hold.at > met_event.at:
            continue
        until = end.at if end is not None else (met_event.at if met_event else None)
        if until is None:
            notes.append(f"on hold since {fmt_instant(hold.at)}: no access")
            return Deadline(
                key=key,
                kind=kind,
                label=label,
                started_by=report.id,
                started_on=start.day,
                due=None,
                policy=policy.ref,
                status="on_hold",
                original_due=london_date(original),
                evidence=(report.id,),
                detail=detail,
                notes=tuple(notes),
                due_at=None,
            )
        due_at += until - hold.at
        notes.append(f"held for no access {fmt_instant(hold.at)} to {fmt_instant(until)}")
    return Deadline(
        key=key,
        kind=kind,
        label=label,
        started_by=report.id,
        started_on=start.day,
        due=london_date(due_at),
        policy=policy.ref,
        status=MET if met_event is not None else OPEN,
        met_by=met_event.id if met_event else None,
        met_on=met_event.day if met_event else None,
        original_due=london_date(original),
        evidence=(report.id,),
        detail=f"{detail} (due by {fmt_instant(due_at)})",
        notes=tuple(notes),
        due_at=due_at,
        met_at=met_event.at if met_event else None,
    )
