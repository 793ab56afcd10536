"""The ASB action plan: agree and re-agree versions (stale edits refused), mark actions done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from app.domain.action_plan import PlanRow, default_update_wd, plan_problems
from app.domain.calendar import LONDON
from app.domain.deadlines.timeline import fmt
from app.domain.events import Event
from app.domain.payloads import (
    ActionDoneFields,
    ActionPlanAgreedFields,
    AsbReportFields,
    RiskAssessmentFields,
    fields_of,
    typed,
)
from app.errors import ConflictError, ValidationError
from app.services.asb.common import (
    at_field,
    case_events,
    case_policy,
    find_event,
    known_agencies,
    officer_names,
    optional,
    read_events,
    record,
    recorded_by,
)
from app.services.cases import append_events, find_case, get_case, log_action, new_local_id
from app.services.views import CaseDetail
from app.services.workspace import Workspace
from app.store.models import Case


def agree_plan(
    ws: Workspace,
    ref: str,
    rows: Sequence[PlanRow],
    *,
    agreed_on: dt.date | None = None,
    update_every_wd: int | None = None,
    expected_version: int | None = None,
    summary: str = "",
) -> tuple[str, CaseDetail]:
    """Agree (or re-agree) the action plan with the resident: a new plan version.

    ``expected_version`` is the number of plan versions the editor started from (0
    for none); if a version was agreed since (another window), nothing is saved and
    ConflictError says so. ``update_every_wd`` defaults to the assessed tier's
    schedule (high risk: every 10 WD). Rows marked done that were not done before
    are recorded as done with the plan. The plan event's ``letter`` (the written
    confirmation) is left to the letters feature.
    """
    agreed_on = agreed_on or ws.today()
    with ws.db.write() as s:
        case = find_case(s, ref)
        events = case_events(s, case)
        plans = [e for e in events if e.type == "action_plan_agreed"]
        if expected_version is not None and expected_version != len(plans):
            raise ConflictError(_stale_message(s, case, plans, expected_version))
        policy = case_policy(ws, case)
        # Actions are checked against the case's first report: a re-agreed plan carries
        # actions due (and done) before later reports.
        report = next((e for e in events if e.type == "asb_report"), None)
        tiers = [f["tier"] for _, f in typed(events, RiskAssessmentFields)]
        hint = fields_of(report, AsbReportFields)["risk_hint"] if report else None
        tier = tiers[-1] if tiers else (policy.hint_tiers[hint] if hint is not None else None)
        every = update_every_wd if update_every_wd is not None else default_update_wd(policy, tier)
        problems = plan_problems(
            rows,
            report_day=report.day if report else None,
            agreed_on=agreed_on,
            today=ws.today(),
            update_every_wd=every,
            officers=set(officer_names(s)),
            agencies=known_agencies(s, events),
        )
        if problems:
            raise ValidationError("The plan was not agreed:\n" + "\n".join(problems))
        plan_ids = {p.id for p in plans}
        done_before = {
            f["action"] for _, f in typed(events, ActionDoneFields) if f["plan"] in plan_ids
        }
        at = (
            ws.now()
            if agreed_on == ws.today()
            else dt.datetime.combine(agreed_on, dt.time(12), LONDON)
        )
        actions, newly_done = [], []
        for row in rows:
            action = row.to_action()
            if action["text"] in done_before:
                action["status"] = "done"  # done under an earlier version; the engine knows
            elif row.status == "done":
                newly_done.append(action["text"])
            actions.append(action)
        number = len(plans) + 1
        plan_id = new_local_id(s, case)  # the actions done under it name it
        raw: dict[str, Any] = {
            "id": plan_id,
            "type": "action_plan_agreed",
            "summary": summary.strip()
            or f"Action plan version {number} agreed with the resident on {fmt(agreed_on)}",
            "actions": actions,
            "update_every_wd": every,
            "agreed_on": agreed_on.isoformat(),
            "at": at.isoformat(),
        }
        if plans:
            raw["supersedes"] = plans[-1].id
        done = [
            {
                "type": "action_done",
                "summary": f"Done: {text}",
                "plan": plan_id,
                "action": text,
                "at": at.isoformat(),
            }
            for text in newly_done
        ]
        _, ids = append_events(s, ws, ref, [raw, *done])
        log_action(s, ws, "agree_action_plan", "case", ref, events=ids, version=number)
    return plan_id, get_case(ws, ref)


def _stale_message(s: Session, case: Case, plans: list[Event], expected: int) -> str:
    latest = plans[-1] if plans else None
    who = recorded_by(s, case, latest.id) if latest else "someone"
    when = f" on {fmt(latest.day)}" if latest else ""
    return (
        f"The action plan of {case.ref} changed since you opened it: version {len(plans)} was "
        f"agreed by {who}{when} while you were editing version {expected}. Nothing was saved; "
        "your rows are still in the editor."
    )


def mark_action_done(
    ws: Workspace,
    ref: str,
    plan_id: str,
    action: str,
    *,
    notes: str | None = None,
    at: dt.datetime | None = None,
) -> tuple[str, CaseDetail]:
    """Record that an action of the current plan version was done."""
    events, _ = read_events(ws, ref)
    plan = find_event(events, plan_id, "action_plan_agreed", "action plan")
    latest = [e for e in events if e.type == "action_plan_agreed"][-1]
    if latest.id != plan.id:
        raise ValidationError(
            "That plan version has been replaced; mark actions done on the current plan."
        )
    if action not in {a.text for a in fields_of(plan, ActionPlanAgreedFields)["actions"]}:
        raise ValidationError(f"The plan has no action {action!r}.")
    earlier = {p.id for p in events if p.type == "action_plan_agreed"}
    if any(
        f["plan"] in earlier and f["action"] == action for _, f in typed(events, ActionDoneFields)
    ):
        raise ValidationError(f"'{action}' is already recorded as done.")
    raw: dict[str, Any] = {
        "type": "action_done",
        "summary": f"Done: {action}",
        "plan": plan_id,
        "action": action,
        **at_field(at),
    }
    if optional(notes):
        raw["notes"] = optional(notes)
    ids, case = record(ws, ref, [raw], "action_done")
    return ids[0], case
