"""Out-of-office periods and cover: nothing waits in the inbox of an officer who is away."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.errors import ConflictError, NotFound, ValidationError
from app.services.access import Do, acting, require
from app.services.cases import (
    Recorded,
    append_events,
    check_version,
    find_case,
    log_action,
)
from app.services.officers import officer_row
from app.services.sync import outbox
from app.services.workspace import Workspace
from app.store.models import Absence, Case, CaseEvent, CaseHandover, Officer, Team


@dataclass(frozen=True)
class AbsenceView:
    id: str
    officer: str
    officer_name: str
    starts: dt.date
    ends: dt.date
    cover_officer: str | None
    cover_team: str | None
    note: str
    version: int

    def active_on(self, day: dt.date) -> bool:
        return self.starts <= day <= self.ends

    @property
    def cover_label(self) -> str:
        return self.cover_officer or f"{self.cover_team} team queue"


@dataclass(frozen=True)
class Covered:
    """An officer whose work the acting user covers today."""

    officer_id: uuid.UUID
    username: str
    name: str
    via_team: bool


def _view(a: Absence) -> AbsenceView:
    return AbsenceView(
        id=str(a.id),
        officer=a.officer.username,
        officer_name=a.officer.name,
        starts=a.starts,
        ends=a.ends,
        cover_officer=a.cover_officer.username if a.cover_officer else None,
        cover_team=a.cover_team.name if a.cover_team else None,
        note=a.note,
        version=a.version,
    )


def _active(day: dt.date):
    return (Absence.starts <= day) & (Absence.ends >= day) & Absence.cancelled.is_(False)


def covered_officers(session: Session, username: str, day: dt.date) -> list[Covered]:
    """Officers away on ``day`` whose cover is ``username`` or ``username``'s team."""
    me = session.scalar(select(Officer).where(Officer.username == username))
    if me is None:
        return []
    conds = [Absence.cover_officer_id == me.id]
    if me.team_id is not None:
        conds.append(Absence.cover_team_id == me.team_id)
    rows = session.execute(
        select(Absence, Officer)
        .join(Officer, Absence.officer_id == Officer.id)
        .where(_active(day), or_(*conds))
    ).all()
    out: dict[uuid.UUID, Covered] = {}
    for absence, officer in rows:
        if officer.id == me.id:
            continue
        out.setdefault(
            officer.id,
            Covered(officer.id, officer.username, officer.name, absence.cover_officer_id is None),
        )
    return list(out.values())


def away_today(session: Session, day: dt.date) -> dict[uuid.UUID, str]:
    """officer id -> cover label, for everyone away on ``day``."""
    out = {}
    for a in session.scalars(select(Absence).where(_active(day))):
        out[a.officer_id] = (
            a.cover_officer.name if a.cover_officer else f"{a.cover_team.name} team queue"
        )
    return out


def _check_may_manage(session: Session, ws: Workspace, officer: Officer) -> None:
    if officer.username == acting(session).username:
        return
    require(session, Do.MANAGE_COVER)


def add_absence(
    ws: Workspace,
    officer: str,
    starts: dt.date,
    ends: dt.date,
    cover_officer: str | None = None,
    cover_team: str | None = None,
    note: str = "",
) -> AbsenceView:
    if ends < starts:
        raise ValidationError("The absence ends before it starts.")
    if (cover_officer is None) == (cover_team is None):
        raise ValidationError("Name one cover: an officer or a team queue.")
    with ws.db.write() as s:
        who = officer_row(s, officer)
        _check_may_manage(s, ws, who)
        absence = Absence(
            officer=who,
            starts=starts,
            ends=ends,
            note=note.strip(),
            updated_by=ws.actor.username,
            device=ws.actor.device,
        )
        if cover_officer is not None:
            cover = officer_row(s, cover_officer)
            if cover.id == who.id:
                raise ValidationError("An officer cannot cover their own absence.")
            clash = s.scalar(
                select(Absence).where(
                    Absence.officer_id == cover.id,
                    Absence.cancelled.is_(False),
                    Absence.starts <= ends,
                    Absence.ends >= starts,
                )
            )
            if clash is not None:
                raise ValidationError(
                    f"{cover.name or cover.username} is away from {clash.starts:%d %b} to {clash.ends:%d %b}; "
                    "choose another cover."
                )
            absence.cover_officer = cover
        else:
            team = s.scalar(select(Team).where(Team.name == cover_team))
            if team is None:
                raise NotFound(f"There is no team {cover_team!r}.")
            absence.cover_team = team
        s.add(absence)
        s.flush()
        log_action(
            s,
            ws,
            "add_absence",
            "officer",
            who.username,
            starts=starts.isoformat(),
            ends=ends.isoformat(),
        )
        return _view(absence)


def cancel_absence(ws: Workspace, absence_id: str, expected_version: int | None = None) -> None:
    with ws.db.write() as s:
        absence = s.get(Absence, uuid.UUID(absence_id))
        if absence is None or absence.cancelled:
            raise NotFound("That absence no longer exists.")
        _check_may_manage(s, ws, absence.officer)
        if expected_version is not None and absence.version != expected_version:
            raise ConflictError(
                "This absence was changed since you opened it; reload and try again."
            )
        absence.cancelled = True
        absence.updated_by = ws.actor.username
        log_action(s, ws, "cancel_absence", "officer", absence.officer.username)


def list_absences(
    ws: Workspace, officer: str | None = None, from_day: dt.date | None = None
) -> list[AbsenceView]:
    day = from_day or ws.today()
    with ws.db.read() as s:
        q = (
            select(Absence)
            .where(Absence.cancelled.is_(False), Absence.ends >= day)
            .order_by(Absence.starts)
        )
        if officer is not None:
            q = q.where(Absence.officer_id == officer_row(s, officer).id)
        return [_view(a) for a in s.scalars(q)]


def reassign_case(
    ws: Workspace, ref: str, to_officer: str, reason: str = "", expected_version: int | None = None
) -> str:
    """Hand a case to another officer; the handover is an event in its history."""
    with ws.db.write() as s:
        case = find_case(s, ref)
        check_version(case, expected_version)
        target = officer_row(s, to_officer)
        if target.id == case.officer_id:
            raise ValidationError(f"Case {ref} is already with {target.name or target.username}.")
        raw = {
            "type": "case_reassigned",
            "at": ws.now().isoformat(),
            "from_officer": case.officer.username,
            "to_officer": target.username,
            "summary": f"Case handed to {target.name or target.username}"
            + (f": {reason}" if reason else ""),
        }
        if reason:
            raw["reason"] = reason
        base = handovers(s, case)
        event_id = hand_over(s, ws, case, target, raw, expected_version)
        if outbox.recording(s):  # a laptop: the server judges it against the base it knew
            outbox.mark_assignment(s, ws, ref, event_id, base, raw["from_officer"], target.username)
        return event_id


def handovers(s: Session, case: Case) -> int:
    """How many times the case has been handed over: the base a change of assignment is made
    from (app/services/sync)."""
    return int(
        s.scalar(
            select(func.count())
            .select_from(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.type == "case_reassigned")
        )
        or 0
    )


def hand_over(
    s: Session,
    ws: Workspace,
    case: Case,
    target: Officer,
    raw: dict,
    expected_version: int | None = None,
    recorded: Recorded | None = None,
) -> str:
    """Record the ``case_reassigned`` event ``raw`` and give the case to ``target``, inside the
    caller's transaction, if the acting person may (their own case, or a manager's step)."""
    if case.officer_id != acting(s).officer_id:  # an officer hands over only their own
        require(s, Do.REASSIGN_ANY)
    # Derived (in append_events) before the case leaves the officer: on a team server the
    # row-level security policies stop them reading its history once it is someone else's.
    _, (event_id,) = append_events(
        s, ws, case, [raw], expected_version, refuse_future=recorded is None, recorded=recorded
    )
    ws.db.widen_scope(s, target.id)  # the checked hand-over may write the new owner
    case.officer = target
    case.updated_by = ws.actor.username
    if target.username != ws.actor.username:  # new to them until they open it (services/team)
        s.add(
            CaseHandover(
                case_id=case.id,
                officer_id=target.id,
                handed_at=ws.now(),
                handed_by=ws.actor.username,
            )
        )
    log_action(s, ws, "reassign_case", "case", case.ref, to=target.username)
    return event_id
