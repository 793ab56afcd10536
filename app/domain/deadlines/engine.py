"""The deadline engine: one derivation from a case's events, used by the inbox,
letters, reports and the audit alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.bundle import CaseInfo
from app.domain.calendar import LAST_YEAR, CalendarRangeError
from app.domain.deadlines import casework, complaints, contact, hazards, other
from app.domain.deadlines.model import OPEN, Deadline, Finding
from app.domain.deadlines.timeline import Timeline
from app.domain.events import BundleError, Event
from app.domain.policy import Policy, PolicyHistory


class BeyondCalendar(BundleError):
    """A deadline falls after the calendar's last year (DOMAIN_RULES.md §9, calendar's end)."""

    def __init__(self, case_ref: str, event: Event | None):
        what = (
            f"event {event.id!r} ({event.type.replace('_', ' ')} of {event.day.isoformat()})"
            if event is not None
            else "its opening date"
        )
        super().__init__(
            f"Case {case_ref}: a deadline from {what} falls after {LAST_YEAR}, "
            "the last year the working-day calendar covers"
        )
        self.event_id = event.id if event is not None else None


@dataclass(frozen=True)
class CaseDeadlines:
    deadlines: tuple[Deadline, ...]
    rule_findings: tuple[Finding, ...]  # breaches that are not missed deadlines
    policy: str  # name@version in force now

    def open(self) -> list[Deadline]:
        return sorted(
            (d for d in self.deadlines if d.status == OPEN and d.due is not None),
            key=lambda d: (d.due, d.key),
        )

    def next_due(self) -> Deadline | None:
        pending = self.open()
        return pending[0] if pending else None


def derive(
    case: CaseInfo,
    events: Iterable[Event],
    policies: PolicyHistory | Policy,
    as_of: dt.date | None = None,
) -> CaseDeadlines:
    """Every deadline of the case. With ``as_of``, events after that London date are not known yet."""
    if isinstance(policies, Policy):
        policies = PolicyHistory.single(policies)
    events = list(events)
    if as_of is not None:
        events = [e for e in events if e.day <= as_of]
    tl = Timeline(case, events, policies)
    try:
        deadlines, findings = _rules(tl)
    except CalendarRangeError:
        raise BeyondCalendar(case.ref, tl.reading) from None
    return CaseDeadlines(tuple(deadlines), tuple(findings), policies.current.ref)


def _rules(tl: Timeline) -> tuple[list[Deadline], list[Finding]]:
    deadlines: list[Deadline] = []
    deadlines += contact.contact_deadlines(tl)
    complaint_deadlines, findings = complaints.complaint_rules(tl)
    deadlines += complaint_deadlines
    assessments = casework.risk_assessments(tl)
    deadlines += assessments
    deadlines += casework.action_plan(tl, assessments)
    deadlines += casework.plan_actions(tl)
    deadlines += casework.update_contacts(tl)
    deadlines += casework.partner_chases(tl)
    deadlines += casework.home_visits(tl)
    deadlines += casework.vulnerability_plan(tl)
    deadlines += other.repairs(tl)
    deadlines += other.decisions(tl)
    deadlines += other.ombudsman_orders(tl)
    deadlines += hazards.hazard_deadlines(tl)
    deadlines += other.possession_approvals(tl)
    deadlines += other.arrears_reviews(tl)
    findings += other.possession_safeguards(tl)
    return deadlines, findings
