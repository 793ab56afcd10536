"""Rent arrears and possession safeguards (DOMAIN_RULES.md §5b; seed 003).

Seed 003's landlord served a Notice of Seeking Possession on a vulnerable resident without
checking her account. Here a NOSP can only be recorded through :func:`serve_nosp`, which refuses
until the account has been checked, a vulnerable household has a risk / equality impact
assessment, the policy's pre-action steps are all recorded and the role the policy names has
approved proceedings. The approval itself is refused to anyone without that role and to the
person who asked for it. A history imported from elsewhere is never trusted: the audit flags a
notice without its safeguards (``POSSESSION_UNSAFEGUARDED``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from app.domain.bundle import CaseInfo
from app.domain.deadlines.other import pre_action_done
from app.domain.events import Event
from app.domain.policy import Policy
from app.errors import PermissionDenied, ValidationError
from app.services.access import acting, visible_officer_ids
from app.services.cases import find_case, record_event
from app.services.convert import case_info_from_row, events_from_rows
from app.services.recompute import case_history, policy_history
from app.services.views import CaseDetail
from app.services.workspace import Workspace
from app.store.models import Case, DeadlineRow, Officer, Resident


@dataclass(frozen=True)
class Safeguards:
    """Where a case stands before a NOSP: what is done and what is still missing."""

    account_checked: bool
    vulnerable: bool
    assessed: bool
    pre_action: tuple[tuple[str, bool], ...]  # (step, done)
    request: str | None  # the open or latest request for proceedings
    approved_by: str | None
    refused: bool
    approver_role: str
    missing: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class ReviewItem:
    ref: str
    resident: str
    officer: str
    due: dt.date | None
    detail: str


def _state(ws: Workspace, ref: str) -> tuple[CaseInfo, list[Event], Policy]:
    with ws.db.read() as s:
        case = find_case(s, ref)
        events = events_from_rows(case_history(s, case))
        policy = policy_history(ws.registry, case).current
        info = case_info_from_row(case)
    return info, events, policy


def safeguards(ws: Workspace, ref: str) -> Safeguards:
    case, events, policy = _state(ws, ref)
    rules = policy.possession
    vulnerable = bool(case.resident.vulnerabilities)
    checked = any(e.type == "arrears_check" for e in events)
    assessed = any(e.type in ("vulnerability_plan", "risk_assessment") for e in events)
    ticked: set[str] = set()
    for e in events:
        if e.type == "pre_action_checked":
            ticked.update(e.f["items"])
    requests = [e for e in events if e.type == "possession_requested"]
    request = requests[-1] if requests else None
    decision = None
    if request is not None:
        decision = next(
            (
                e
                for e in events
                if e.type in ("possession_approved", "possession_refused")
                and e.f["answers"] == request.id
            ),
            None,
        )
    approved_by = decision.f["by"] if decision and decision.type == "possession_approved" else None
    missing = []
    if policy.require_account_check and not checked:
        missing.append("the rent account has not been checked")
    if policy.require_vulnerability_assessment and vulnerable and not assessed:
        missing.append("there is no risk / equality impact assessment for a vulnerable household")
    if rules.require_pre_action and not pre_action_done(events, rules.pre_action):
        missing.append("the pre-action steps are not all recorded")
    if policy.require_approval and approved_by is None:
        missing.append(f"proceedings have not been approved by a {rules.approver_role}")
    return Safeguards(
        account_checked=checked,
        vulnerable=vulnerable,
        assessed=assessed,
        pre_action=tuple((step, step in ticked) for step in rules.pre_action),
        request=request.id if request else None,
        approved_by=approved_by,
        refused=bool(decision and decision.type == "possession_refused"),
        approver_role=rules.approver_role,
        missing=tuple(missing),
    )


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value).replace("£", "").replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(f"Give the arrears in pounds, e.g. 412.50 (not {value!r}).") from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("10000000"):
        raise ValidationError(f"Give the arrears in pounds, e.g. 412.50 (not {value!r}).")
    return amount.quantize(Decimal("0.01"))


def record_account_check(
    ws: Workspace,
    ref: str,
    *,
    balance,
    payments_posted: bool,
    evidence_considered: bool,
    note: str = "",
    expected_version: int | None = None,
) -> tuple[str, CaseDetail]:
    """The account checked: every payment posted and the resident's own evidence considered."""
    if not (payments_posted and evidence_considered):
        raise ValidationError(
            "The check is complete only when every payment is posted and the resident's "
            "evidence has been considered; finish both first."
        )
    amount = _money(balance)
    result = "Payments posted; the resident's evidence considered"
    if note.strip():
        result += f". {note.strip()}"
    event = {
        "type": "arrears_check",
        "by": ws.actor.username,
        "result": result,
        "balance": str(amount),
        "summary": f"Rent account checked: arrears £{amount:,.2f}",
        "at": ws.now().isoformat(),
    }
    return record_event(ws, ref, event, expected_version=expected_version)


def record_pre_action(
    ws: Workspace, ref: str, steps: list[str], expected_version: int | None = None
) -> tuple[str, CaseDetail]:
    """Pre-action steps taken (from the policy's checklist)."""
    _, _, policy = _state(ws, ref)
    known = policy.possession.pre_action
    unknown = [s for s in steps if s not in known]
    if unknown or not steps:
        raise ValidationError("Tick the pre-action steps taken, from the policy's checklist.")
    event = {
        "type": "pre_action_checked",
        "by": ws.actor.username,
        "items": list(steps),
        "summary": f"Pre-action steps recorded ({len(steps)} of {len(known)})",
        "at": ws.now().isoformat(),
    }
    return record_event(ws, ref, event, expected_version=expected_version)


def request_possession(
    ws: Workspace, ref: str, reason: str, expected_version: int | None = None
) -> tuple[str, CaseDetail]:
    """Ask the approver for proceedings: the request waits in their inbox."""
    state = safeguards(ws, ref)
    if state.request is not None and state.approved_by is None and not state.refused:
        raise ValidationError("Proceedings are already waiting for a decision on this case.")
    if not reason.strip():
        raise ValidationError("Say why proceedings are needed (arrears, what has been tried).")
    event = {
        "type": "possession_requested",
        "by": ws.actor.username,
        "reason": reason.strip(),
        "summary": "Approval for possession proceedings requested",
        "at": ws.now().isoformat(),
    }
    return record_event(ws, ref, event, expected_version=expected_version)


def decide_possession(
    ws: Workspace,
    ref: str,
    *,
    approve: bool,
    reasons: str,
    expected_version: int | None = None,
) -> tuple[str, CaseDetail]:
    """The approver's decision on the open request; refused to anyone else."""
    state = safeguards(ws, ref)
    if state.request is None or state.approved_by is not None or state.refused:
        raise ValidationError("There is no request for proceedings waiting on this case.")
    with ws.db.read() as s:
        me = acting(s)
        requester = next(
            e.f["by"]
            for e in events_from_rows(case_history(s, find_case(s, ref)))
            if e.id == state.request
        )
    if me.role not in (state.approver_role, "admin"):
        raise PermissionDenied(
            f"Only a {state.approver_role} may decide on possession proceedings "
            f"(you are signed in as {me.role or 'no role'})."
        )
    if me.username == requester:
        raise PermissionDenied("You asked for these proceedings: another approver must decide.")
    if not reasons.strip():
        raise ValidationError("Give the reasons for the decision.")
    event = {
        "type": "possession_approved" if approve else "possession_refused",
        "by": me.username,
        "answers": state.request,
        "summary": ("Possession proceedings approved" if approve else "Proceedings refused")
        + f": {reasons.strip()}",
        "at": ws.now().isoformat(),
    }
    if not approve:
        event["reasons"] = reasons.strip()
    return record_event(ws, ref, event, expected_version=expected_version)


def serve_nosp(
    ws: Workspace, ref: str, expected_version: int | None = None
) -> tuple[str, CaseDetail]:
    """Record the notice, only once every safeguard the policy asks for is in place."""
    state = safeguards(ws, ref)
    if state.missing:
        raise ValidationError(
            "A Notice of Seeking Possession cannot be served yet: " + "; ".join(state.missing) + "."
        )
    event = {
        "type": "nosp_served",
        "by": ws.actor.username,
        "summary": "Notice of Seeking Possession served",
        "at": ws.now().isoformat(),
    }
    if state.approved_by:
        event["approved_by"] = state.approved_by
    return record_event(ws, ref, event, expected_version=expected_version)


def review_list(ws: Workspace) -> list[ReviewItem]:
    """Arrears cases near the NOSP trigger whose monthly review is open, soonest first."""
    with ws.db.read() as s:
        visible = visible_officer_ids(s)
        query = (
            select(Case.ref, Resident.name, Officer.name, Officer.username, DeadlineRow)
            .join(DeadlineRow, DeadlineRow.case_id == Case.id)
            .join(Resident, Resident.id == Case.resident_id)
            .join(Officer, Officer.id == Case.officer_id, isouter=True)
            .where(DeadlineRow.kind == "arrears_review", DeadlineRow.status == "open")
            .order_by(DeadlineRow.due, Case.ref)
        )
        if visible is not None:
            query = query.where(Case.officer_id.in_(visible))
        return [
            ReviewItem(ref, resident, name or username or "", row.due, row.detail)
            for ref, resident, name, username, row in s.execute(query)
        ]
