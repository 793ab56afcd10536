"""Frozen views the services hand to the UI and the command line (no ORM objects escape)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class InboxRow(NamedTuple):
    """One inbox line. Immutable like the other views; a NamedTuple because the inbox
    builds thousands of them and a frozen dataclass costs five times as much to make."""

    ref: str
    resident: str
    kind: str
    risk_tier: str | None
    status: str
    next_kind: str | None
    next_label: str | None
    due: dt.date | None
    wd_left: int | None  # working days from as_of to due; negative = overdue
    officer: str
    officer_name: str
    open_deadlines: int
    version: int
    covering_for: str | None = None  # shown because the acting user covers this absent officer
    urgency: str = "none"  # overdue | today | at_risk | ok | none (deadlines.model.urgency)


@dataclass(frozen=True)
class EventView:
    id: str
    at: dt.datetime
    type: str
    summary: str
    by: str | None
    fields: dict[str, Any]
    recorded_by: str
    recorded_at: dt.datetime
    late: LateEntry | None = None  # recorded more than the policy's late_entry_days after `at`


@dataclass(frozen=True)
class LateEntry:
    """When, by whom (username and name) and from which device a late entry was first recorded."""

    recorded_at: dt.datetime
    recorded_by: str
    recorded_by_name: str
    device: str
    days: int


@dataclass(frozen=True)
class DeadlineView:
    key: str
    kind: str
    label: str
    started_by: str | None
    due: dt.date | None
    status: str
    met_by: str | None
    met_on: dt.date | None
    policy: str
    wd_left: int | None
    breached: bool
    detail: str
    holds: tuple[dict[str, Any], ...] = ()
    urgency: str = "none"  # overdue | today | at_risk | ok | none (deadlines.model.urgency)


@dataclass(frozen=True)
class RepairView:
    job: str
    priority: str
    raised_on: dt.date
    target: dt.date
    done_on: dt.date | None
    wd_left: int | None  # to the target while open


@dataclass(frozen=True)
class PartnerView:
    id: str
    agency: str
    ask: str
    asked_on: dt.date
    answered_on: dt.date | None
    chased_on: dt.date | None
    chase_due: dt.date | None


@dataclass(frozen=True)
class CaseDetail:
    ref: str
    kind: str
    status: str
    opened: dt.date
    officer: str
    officer_name: str
    resident_name: str
    address: str | None
    phone: str | None
    email: str | None
    vulnerabilities: tuple[str, ...]
    risk_tier: str | None
    policy: str
    version: int
    events: tuple[EventView, ...] = field(default=())
    deadlines: tuple[DeadlineView, ...] = field(default=())
    repairs: tuple[RepairView, ...] = field(default=())
    partners: tuple[PartnerView, ...] = field(default=())
    corrected: dict[str, str] = field(
        default_factory=dict
    )  # entry id -> id of the entry correcting it


@dataclass(frozen=True)
class ImportResult:
    ref: str
    created: bool
    events_added: int
    officers_created: tuple[str, ...]


def countdown_text(wd_left: int | None) -> str:
    """'due today', '1 WD left', '3 WD overdue' — readable without colour."""
    if wd_left is None:
        return "nothing due"
    if wd_left == 0:
        return "due today"
    if wd_left > 0:
        return f"{wd_left} WD left"
    return f"{-wd_left} WD overdue"
