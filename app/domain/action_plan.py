"""The ASB action plan (DOMAIN_RULES.md §4): rows, owners, checks and the update schedule.

A plan is agreed with the victim after the risk assessment: actions with an owner
(an officer, the resident, the police or another agency) and a due date, plus how
often the resident is updated. Re-agreeing makes a new version; the agreed
version is what the resident is told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.deadlines.timeline import fmt
from app.domain.events import RESIDENT
from app.domain.policy import Policy
from app.domain.vulnerabilities import norm

STATUSES = ("open", "done")
OWNER_KINDS = ("officer", "resident", "police", "agency")
MAX_UPDATE_WD = 250


@dataclass(frozen=True)
class PlanRow:
    text: str
    owner: str
    due: dt.date | None
    status: str = "open"
    notes: str = ""

    def to_action(self) -> dict[str, Any]:
        """The row as an ``action_plan_agreed`` action (status and notes are kept as extra keys)."""
        action: dict[str, Any] = {
            "text": " ".join(self.text.split()),
            "owner": self.owner.strip(),
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
        }
        if self.notes.strip():
            action["notes"] = self.notes.strip()
        return action


def owner_kind(owner: str, officers: Collection[str], agencies: Iterable[str]) -> str | None:
    """'officer', 'resident', 'police' or 'agency'; None for an owner nobody knows."""
    key = norm(owner)
    if not key:
        return None
    if owner.strip() in officers:
        return "officer"
    if key == RESIDENT:
        return "resident"
    if key == "police" or key.startswith("police "):
        return "police"
    if any(key == norm(a) for a in agencies):
        return "agency"
    return None


def plan_problems(
    rows: Sequence[PlanRow],
    *,
    report_day: dt.date | None,
    agreed_on: dt.date,
    today: dt.date,
    update_every_wd: int,
    officers: Collection[str],
    agencies: Iterable[str],
) -> list[str]:
    """Everything wrong with a plan, each a sentence naming the row; empty when it can be agreed."""
    agencies = list(agencies)
    problems: list[str] = []
    if report_day is None:
        problems.append("The case has no ASB report: record the report before agreeing a plan.")
    if not rows:
        problems.append("An action plan needs at least one action.")
    if agreed_on > today:
        problems.append(f"The plan cannot be agreed on a future date ({fmt(agreed_on)}).")
    if report_day is not None and agreed_on < report_day:
        problems.append(
            f"The plan cannot be agreed on {fmt(agreed_on)}, before the ASB report of {fmt(report_day)}."
        )
    if not 1 <= update_every_wd <= MAX_UPDATE_WD:
        problems.append(
            f"Updates must be every 1 to {MAX_UPDATE_WD} working days, got {update_every_wd}."
        )
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        text = " ".join(row.text.split())
        where = f"Row {n} ('{text}')" if text else f"Row {n}"
        if not text:
            problems.append(f"{where}: describe the action.")
        elif norm(text) in seen:
            problems.append(f"{where}: the same action is listed twice; word each action once.")
        seen.add(norm(text))
        if not row.owner.strip():
            problems.append(f"{where}: choose who owns the action.")
        elif owner_kind(row.owner, officers, agencies) is None:
            problems.append(
                f"{where}: owner '{row.owner.strip()}' is not an officer, the resident, the police "
                "or a known agency."
            )
        if row.due is None:
            problems.append(f"{where}: give a due date.")
        elif report_day is not None and row.due < report_day:
            problems.append(
                f"{where}: due {fmt(row.due)} is before the ASB report of {fmt(report_day)}."
            )
        if row.status not in STATUSES:
            problems.append(f"{where}: status must be open or done, got '{row.status}'.")
    return problems


def default_update_wd(policy: Policy, tier: str | None) -> int:
    """The tier's update schedule (high risk: every 10 WD by default); low when unassessed."""
    return policy.tiers[tier or "low"].update_every_wd
