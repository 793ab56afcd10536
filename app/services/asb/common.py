"""What the ASB services share: input clean-up, reading a case's events inside a
transaction, the people and agencies who may own actions, and the household's
ASB reports for the case review trigger."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators

from app.domain.calendar import LONDON, london_date
from app.domain.case_review import review_trigger
from app.domain.events import Event
from app.domain.payloads import PartnerRequestFields, typed
from app.domain.policy import Policy
from app.domain.vulnerabilities import norm
from app.errors import ValidationError
from app.services.asb.views import CaseReviewStatus
from app.services.cases import append_events, find_case, get_case, log_action
from app.services.convert import events_from_rows
from app.services.recompute import case_history, policy_history
from app.services.views import CaseDetail
from app.services.workspace import Workspace, put_setting
from app.store.models import Case, CaseEvent, Officer, Resident, Setting

AGENCIES_SETTING = "partner_agencies"
DEFAULT_AGENCIES = (
    "police",
    "social worker",
    "support worker",
    "youth worker",
    "environmental health",
    "children's services",
    "adult social care",
    "mental health team",
    "victim support",
    "local authority ASB team",
)


# -- input -------------------------------------------------------------------------------


def clean(value: str | None, what: str) -> str:
    """Required text with its whitespace tidied."""
    text = " ".join((value or "").split())
    if not text:
        raise ValidationError(f"{what} cannot be empty.")
    return text


def optional(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return text or None


def when(ws: Workspace, at: dt.datetime | None) -> dt.datetime:
    """The instant something happened: ``at`` (naive = London time), or now."""
    if at is None:
        return ws.now()
    return at if at.tzinfo is not None else at.replace(tzinfo=LONDON)


def at_field(at: dt.datetime | None) -> dict[str, str]:
    """``{"at": ...}`` for an event that happened at ``at`` (naive = London time); {} for now."""
    if at is None:
        return {}
    return {"at": (at if at.tzinfo is not None else at.replace(tzinfo=LONDON)).isoformat()}


def record(
    ws: Workspace,
    ref: str,
    raws: list[dict[str, Any]],
    action: str,
    expected_version: int | None = None,
    **detail: Any,
) -> tuple[list[str], CaseDetail]:
    """Append events in one transaction, attributed as ``action`` (no resident details)."""
    with ws.db.write() as s:
        _, ids = append_events(s, ws, ref, raws, expected_version)
        log_action(s, ws, action, "case", ref, events=ids, **detail)
    return ids, get_case(ws, ref)


def read_events(ws: Workspace, ref: str) -> tuple[list[Event], Policy]:
    """The case's events in order and its policy now, read in one transaction."""
    with ws.db.read() as s:
        case = find_case(s, ref)
        return case_events(s, case), case_policy(ws, case)


def find_event(events: list[Event], event_id: str, etype: str, what: str) -> Event:
    for e in events:
        if e.id == event_id and e.type == etype:
            return e
    raise ValidationError(f"This case has no {what} {event_id!r}.")


# -- reading inside a transaction ------------------------------------------------------------


def case_events(s: Session, case: Case) -> list[Event]:
    return events_from_rows(case_history(s, case))


def case_policy(ws: Workspace, case: Case) -> Policy:
    return policy_history(ws.registry, case).current


def recorded_by(s: Session, case: Case, local_id: str) -> str:
    who = s.scalar(
        select(CaseEvent.recorded_by).where(
            CaseEvent.case_id == case.id, CaseEvent.local_id == local_id
        )
    )
    return who or "someone"


def officer_names(s: Session) -> dict[str, str]:
    """Active officers: username -> name."""
    rows = s.execute(
        select(Officer.username, Officer.name)
        .where(Officer.active.is_(True))
        .order_by(Officer.username)
    )
    return {u: n for u, n in rows}


def known_agencies(s: Session, events: list[Event] = ()) -> tuple[str, ...]:
    """The organisation's agency list (setting ``partner_agencies``) plus agencies this case asked."""
    row = s.get(Setting, AGENCIES_SETTING)
    names = (
        list(row.value)
        if row is not None and isinstance(row.value, list)
        else list(DEFAULT_AGENCIES)
    )
    for _, request in typed(events, PartnerRequestFields):
        names.append(request["agency"])
    out: list[str] = []
    for name in names:
        if isinstance(name, str) and name.strip() and norm(name) not in {norm(n) for n in out}:
            out.append(" ".join(name.split()))
    return tuple(out)


def set_known_agencies(ws: Workspace, names: list[str]) -> tuple[str, ...]:
    """Replace the organisation's list of partner agencies (organisation data, not policy)."""
    cleaned: list[str] = []
    for name in names:
        text = optional(name)
        if text and norm(text) not in {norm(n) for n in cleaned}:
            cleaned.append(text)
    if not cleaned:
        raise ValidationError("Name at least one partner agency.")
    with ws.db.write() as s:
        put_setting(s, AGENCIES_SETTING, cleaned)
        log_action(s, ws, "set_partner_agencies", "setting", AGENCIES_SETTING, count=len(cleaned))
    return tuple(cleaned)


# -- the case review trigger -------------------------------------------------------------


# The indexed expression of migration 0009, written out (not bound) so the index matches.
NAME_KEY = func.replace(func.lower(Resident.name), literal_column("' '"), literal_column("''"))


def household_cases(s: Session, case: Case) -> list[tuple[uuid.UUID, str]]:
    """Cases (id, ref) of the same resident (same name and address, ignoring case and spacing).

    The name goes through the index on ``replace(lower(name), ' ', '')`` (migration 0009);
    only the few candidates' names and addresses are read, in the same query.
    """
    r = case.resident
    candidates = s.execute(
        select(Case.id, Case.ref, Resident.name, Resident.address)
        .join(Resident, Case.resident_id == Resident.id)
        .where(NAME_KEY.operate(operators.eq, norm(r.name).replace(" ", "")))
    ).all()
    same = [
        (cid, ref)
        for cid, ref, name, address in candidates
        if norm(name) == norm(r.name) and norm(address) == norm(r.address)
    ]
    return same or [(case.id, case.ref)]


def household_review(
    s: Session, ws: Workspace, ref: str, as_of: dt.date | None = None
) -> CaseReviewStatus:
    """Whether the household's ASB reports (across its cases) qualify for a case review."""
    case = find_case(s, ref)
    policy = case_policy(ws, case)
    cases = dict(household_cases(s, case))
    rows = s.execute(
        select(CaseEvent.case_id, CaseEvent.at).where(
            CaseEvent.case_id.in_(list(cases)), CaseEvent.type == "asb_report"
        )
    ).all()
    reports = sorted((london_date(at), cases[cid]) for cid, at in rows)
    trigger = review_trigger(
        (d for d, _ in reports),
        policy.case_review_reports,
        policy.case_review_months,
        as_of or ws.today(),
    )
    inside = set(trigger.reports)
    return CaseReviewStatus(
        qualifies=trigger.qualifies,
        text=trigger.text,
        reports=tuple((r, d) for d, r in reports if d in inside),
        officer=case.officer.username,
        managers=_managers(s, case.officer),
    )


def _managers(s: Session, officer: Officer) -> tuple[str, ...]:
    """The officer's team managers, or every manager when the officer has no team."""
    q = select(Officer.username).where(Officer.role == "manager", Officer.active.is_(True))
    if officer.team_id is not None:
        q = q.where(Officer.team_id == officer.team_id)
    return tuple(u for u in s.scalars(q.order_by(Officer.username)) if u != officer.username)
