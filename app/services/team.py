"""The manager's team view (DOMAIN_RULES.md §7): each officer's position, the weekly trend of
breaches and on-time rates, case review alerts across the team, and handing cases over.

Only those who run oversight reports (managers, admins, auditors: ``Do.OVERSIGHT``) see the
team; officers are refused here, not just in the window. The counts come from a handful of
aggregate queries (one GROUP BY over the cases, one over the deadlines of the trend's weeks),
never from a loop over cases, so the view opens quickly at 100,000 cases (bench/team_view.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, func, select, update

from app.domain.calendar import london_date
from app.domain.case_review import months_before, review_trigger
from app.errors import ValidationError
from app.services.absences import reassign_case
from app.services.access import Do, acting, require
from app.services.inbox import (
    at_risk_condition,
    at_risk_words,
    breached_condition,
    due_today_condition,
    risk_limits,
)
from app.services.workspace import Workspace
from app.store.models import (
    Absence,
    Case,
    CaseEvent,
    CaseHandover,
    DeadlineRow,
    Officer,
    Resident,
    Team,
)
from app.store.verdicts import is_missed_clause, met_in_time_clause

KIND_GROUPS = ("complaint", "asb", "other")
TREND_WEEKS = 8


def kind_group(kind: str) -> str:
    """complaint, asb, or other (general, repair, arrears)."""
    return kind if kind in ("complaint", "asb") else "other"


def kinds_of(group: str) -> tuple[str, ...]:
    """The case kinds a group stands for (to filter the inbox by)."""
    if group not in KIND_GROUPS:
        raise ValidationError(f"Kind must be one of {', '.join(KIND_GROUPS)}.")
    return (group,) if group != "other" else ("general", "repair", "arrears")


@dataclass(frozen=True)
class Counts:
    open: int = 0  # cases in the inbox: open, or closed but still owing something
    due_today: int = 0
    at_risk: int = 0  # due within the case's policy's at_risk_wd, today included (as the inbox)
    breached: int = 0  # next deadline already passed

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.open + other.open,
            self.due_today + other.due_today,
            self.at_risk + other.at_risk,
            self.breached + other.breached,
        )


@dataclass(frozen=True)
class OfficerLine:
    username: str
    name: str
    team: str | None
    role: str
    total: Counts
    by_kind: tuple[tuple[str, Counts], ...]  # in KIND_GROUPS order
    away: str | None = None  # "away today, covered by …" when absent
    covering: tuple[str, ...] = ()  # names of the absent officers this person covers today

    def kind(self, group: str) -> Counts:
        return dict(self.by_kind).get(group, Counts())

    @property
    def label(self) -> str:
        return self.name or self.username


@dataclass(frozen=True)
class WeekTrend:
    week_start: dt.date  # a Monday
    on_time: int  # deadlines due that week met on or before their due date
    breached: int  # due that week and met late, closed late, or still open past due

    @property
    def decided(self) -> int:
        return self.on_time + self.breached

    @property
    def on_time_rate(self) -> float | None:
        """Share met on time of those decided, or None when none was due."""
        return self.on_time / self.decided if self.decided else None


@dataclass(frozen=True)
class TeamOverview:
    as_of: dt.date
    officers: tuple[OfficerLine, ...]
    totals: Counts
    trend: tuple[WeekTrend, ...]
    at_risk_words: str = ""  # what "at risk" means, from the policies (inbox.at_risk_words)


def _counts_by_officer(
    s, today: dt.date, risk_groups: tuple | None, risk_params: dict
) -> dict[uuid.UUID, dict]:
    """One GROUP BY over the inbox's cases: counts per officer and case kind (at risk by each
    case's policy, as the inbox counts it)."""
    rows = s.execute(
        select(
            Case.officer_id,
            Case.kind,
            func.count(),
            func.sum(case((due_today_condition(), 1), else_=0)),
            func.sum(case((at_risk_condition(risk_groups), 1), else_=0)),
            func.sum(case((breached_condition(), 1), else_=0)),
        )
        .where(Case.in_inbox.is_(True))
        .group_by(Case.officer_id, Case.kind),
        {"today": today, **risk_params},
    ).all()
    out: dict[uuid.UUID, dict[str, Counts]] = defaultdict(dict)
    for officer_id, kind, n, today_n, risk_n, breached_n in rows:
        group = kind_group(kind)
        c = Counts(int(n), int(today_n or 0), int(risk_n or 0), int(breached_n or 0))
        out[officer_id][group] = out[officer_id].get(group, Counts()) + c
    return out


def _absences_today(s, today: dt.date) -> tuple[dict[uuid.UUID, str], dict[uuid.UUID, list[str]]]:
    """Who is away today (with their cover) and whom each cover officer covers."""
    away: dict[uuid.UUID, str] = {}
    covering: dict[uuid.UUID, list[str]] = defaultdict(list)
    rows = s.execute(
        select(Absence.officer_id, Absence.cover_officer_id, Team.name, Absence.ends)
        .outerjoin(Team, Team.id == Absence.cover_team_id)
        .where(Absence.starts <= today, Absence.ends >= today, Absence.cancelled.is_(False))
    ).all()
    names = dict(s.execute(select(Officer.id, Officer.name)).all())
    for officer_id, cover_id, team_name, ends in rows:
        who = names.get(cover_id) if cover_id else f"{team_name} team queue"
        away[officer_id] = f"away until {ends.day} {ends:%b}, covered by {who}"
        if cover_id is not None:
            covering[cover_id].append(names.get(officer_id) or "")
    return away, covering


def _trend(s, today: dt.date, weeks: int) -> tuple[WeekTrend, ...]:
    """Deadlines due in each of the last ``weeks`` weeks (Monday to Sunday, this week included):
    how many were met on time and how many breached (met late, closed late, or still open past
    their due date today). One query, grouped by due date."""
    monday = today - dt.timedelta(days=today.weekday())
    first = monday - dt.timedelta(weeks=weeks - 1)
    last = monday + dt.timedelta(days=6)
    due = DeadlineRow.due
    rows = s.execute(
        select(
            due,
            func.sum(case((met_in_time_clause(), 1), else_=0)),
            func.sum(case((is_missed_clause(today), 1), else_=0)),  # the engine's missed()
        )
        .where(due >= first, due <= last)  # ix_deadlines_due_trend covers the query
        .group_by(due)
    ).all()
    on_time: dict[dt.date, int] = defaultdict(int)
    breached: dict[dt.date, int] = defaultdict(int)
    for day, ok, late in rows:
        monday = day - dt.timedelta(days=day.weekday())
        on_time[monday] += int(ok or 0)
        breached[monday] += int(late or 0)
    mondays = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    return tuple(WeekTrend(m, on_time[m], breached[m]) for m in mondays)


def team_overview(
    ws: Workspace, as_of: dt.date | None = None, weeks: int = TREND_WEEKS
) -> TeamOverview:
    """Each officer's cases (in the inbox, due today, at risk, breached), by kind, with who is
    away and who covers them, and the weekly trend of breaches and on-time rates."""
    if not 1 <= weeks <= 104:
        raise ValidationError("Show between 1 and 104 weeks of trend.")
    today = as_of or ws.today()
    risk_groups, risk_params = risk_limits(ws, today)
    with ws.db.read() as s:
        require(s, Do.OVERSIGHT)
        counts = _counts_by_officer(s, today, risk_groups, risk_params)
        away, covering = _absences_today(s, today)
        officers = s.execute(
            select(Officer.id, Officer.username, Officer.name, Officer.role, Team.name)
            .outerjoin(Team, Team.id == Officer.team_id)
            .where(Officer.active.is_(True) | Officer.id.in_(list(counts)))
            .order_by(Officer.name, Officer.username)
        ).all()
        trend = _trend(s, today, weeks)
    lines = []
    totals = Counts()
    for oid, username, name, role, team in officers:
        mine = counts.get(oid, {})
        if not mine and role in ("admin", "auditor"):
            continue  # people who hold no cases are not part of the caseload
        total = sum(mine.values(), Counts())
        totals += total
        lines.append(
            OfficerLine(
                username=username,
                name=name,
                team=team,
                role=role,
                total=total,
                by_kind=tuple((g, mine.get(g, Counts())) for g in KIND_GROUPS),
                away=away.get(oid),
                covering=tuple(sorted(covering.get(oid, ()))),
            )
        )
    return TeamOverview(today, tuple(lines), totals, trend, at_risk_words(ws))


# -- case review alerts across the team --------------------------------------------------------


@dataclass(frozen=True)
class ReviewAlert:
    """A household whose ASB reports qualify for a case review (community trigger)."""

    refs: tuple[str, ...]  # its cases with reports in the window, newest report's case first
    officers: tuple[str, ...]  # usernames holding those cases
    reports: int
    first: dt.date
    last: dt.date
    text: str


def _household(name: str, address: str | None) -> tuple[str, str]:
    return (" ".join(name.lower().split()), " ".join((address or "").lower().split()))


def case_review_alerts(ws: Workspace, as_of: dt.date | None = None) -> list[ReviewAlert]:
    """Households across the team with enough ASB reports inside the policy's window for an ASB
    case review (three in six months by default): one query over recent ASB reports (an index
    on event type and time), grouped by household as the case view does (name and address)."""
    today = as_of or ws.today()
    policy = ws.registry.get()
    since = months_before(today, policy.case_review_months)
    start = dt.datetime.combine(since - dt.timedelta(days=1), dt.time(0), dt.UTC)
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(23, 59), dt.UTC)
    with ws.db.read() as s:
        require(s, Do.OVERSIGHT)
        reported = s.execute(
            select(CaseEvent.case_id, CaseEvent.at).where(
                CaseEvent.type == "asb_report", CaseEvent.at >= start, CaseEvent.at <= end
            )
        ).all()
        ids = list({cid for cid, _ in reported})
        cases: dict = {}
        for i in range(0, len(ids), 500):  # each case once, however many reports it has
            for cid, ref, username, name, address in s.execute(
                select(Case.id, Case.ref, Officer.username, Resident.name, Resident.address)
                .join(Officer, Officer.id == Case.officer_id)
                .join(Resident, Resident.id == Case.resident_id)
                .where(Case.id.in_(ids[i : i + 500]))
            ):
                cases[cid] = (ref, username, _household(name, address))
    households: dict[tuple[str, str], list[tuple[dt.date, str, str]]] = defaultdict(list)
    for cid, at in reported:
        day = london_date(at)
        if since <= day <= today and cid in cases:
            ref, username, household = cases[cid]
            households[household].append((day, ref, username))
    alerts = []
    for reports in households.values():
        if len(reports) < policy.case_review_reports:
            continue
        trigger = review_trigger(
            (d for d, _, _ in reports), policy.case_review_reports, policy.case_review_months, today
        )
        if not trigger.qualifies or trigger.window is None:
            continue
        reports.sort(reverse=True)
        refs = tuple(dict.fromkeys(r for _, r, _ in reports))
        officers = tuple(dict.fromkeys(u for _, _, u in reports))
        alerts.append(
            ReviewAlert(
                refs,
                officers,
                len(trigger.reports),
                trigger.window[0],
                trigger.window[1],
                trigger.text,
            )
        )
    alerts.sort(key=lambda a: (a.last, a.refs), reverse=True)
    return alerts


# -- handing cases over ------------------------------------------------------------------------


@dataclass(frozen=True)
class Handover:
    moved: tuple[str, ...]
    to_officer: str


def reassign_cases(
    ws: Workspace, refs: Iterable[str], to_officer: str, reason: str = ""
) -> Handover:
    """Hand one or many cases to ``to_officer``: one ``case_reassigned`` event on each case
    (app/services/absences.py), and each marked new for the officer until they open it.

    Everything that would refuse is checked before the first case moves."""
    refs = tuple(dict.fromkeys(r.strip() for r in refs if r.strip()))
    if not refs:
        raise ValidationError("Choose at least one case to reassign.")
    with ws.db.read() as s:
        require(s, Do.REASSIGN_ANY)
        target = s.scalar(select(Officer).where(Officer.username == to_officer))
        if target is None:
            raise ValidationError(f"There is no officer {to_officer!r}.")
        if not target.active:
            raise ValidationError(f"{target.name or target.username}'s account is disabled.")
        found: dict[str, uuid.UUID] = {
            ref: oid
            for ref, oid in s.execute(select(Case.ref, Case.officer_id).where(Case.ref.in_(refs)))
        }
    missing = [r for r in refs if r not in found]
    if missing:
        raise ValidationError(f"There is no case {missing[0]}.")
    already = [r for r in refs if found[r] == target.id]
    if already:
        raise ValidationError(f"Case {already[0]} is already with {target.name or to_officer}.")
    for ref in refs:
        reassign_case(ws, ref, to_officer, reason)
    return Handover(refs, to_officer)


def new_cases(ws: Workspace) -> frozenset[str]:
    """Refs of the cases handed to the acting officer that they have not opened since."""
    with ws.db.read() as s:
        me = acting(s).officer_id
        if me is None:
            return frozenset()
        return frozenset(
            s.scalars(
                select(Case.ref)
                .join(CaseHandover, CaseHandover.case_id == Case.id)
                .where(
                    CaseHandover.officer_id == me,
                    CaseHandover.seen_at.is_(None),
                    Case.officer_id == me,
                )
            )
        )


def mark_seen(ws: Workspace, ref: str) -> bool:
    """The acting officer opened ``ref``: it is no longer new to them. True if it was."""
    with ws.db.read() as s:
        me = acting(s).officer_id
        if me is None:
            return False
        pending = s.scalar(
            select(func.count())
            .select_from(CaseHandover)
            .join(Case, Case.id == CaseHandover.case_id)
            .where(Case.ref == ref, CaseHandover.officer_id == me, CaseHandover.seen_at.is_(None))
        )
    if not pending:
        return False
    with ws.db.write() as s:
        case_id = s.scalar(select(Case.id).where(Case.ref == ref))
        s.execute(
            update(CaseHandover)
            .where(
                CaseHandover.case_id == case_id,
                CaseHandover.officer_id == me,
                CaseHandover.seen_at.is_(None),
            )
            .values(seen_at=ws.now())
        )
    return True
