"""What each table of the ASB panel shows: columns over the frozen ASB views."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.asb.views import AdjustmentView, VulnerabilityView
from app.ui.formats import day
from app.ui.records_model import Column


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


TIERS = (
    Column("Assessed", lambda t: day(t.on), 130),
    Column("Tier", lambda t: t.tier.capitalize(), 80),
    Column("Score", lambda t: "" if t.score is None else str(t.score), 60),
    Column("By", lambda t: t.by or "", 100),
    Column("Reasons", lambda t: t.reasons, 500),
)

REPORTS = (
    Column("Reported", lambda r: day(r.on), 130),
    Column("Type", lambda r: (r.incident_type or r.risk_hint).replace("_", " "), 110),
    Column("Hate", lambda r: _yes(r.hate_incident), 50),
    Column("By", lambda r: r.reporter, 120),
    Column("Perpetrator", lambda r: r.perpetrator or "", 130),
    Column("Police ref", lambda r: r.police_ref or "", 110),
    Column(
        "Assessment",
        lambda r: (
            f"done {day(r.assessed_on)}" + (" (late)" if r.assessment_late else "")
            if r.assessed_on
            else (f"due {day(r.assessment_due)}" + (" (overdue)" if r.assessment_late else ""))
        ),
        190,
        status=True,
    ),
    Column("What happened", lambda r: r.summary, 300),
)


@dataclass(frozen=True)
class VulnerabilityRow:
    """One row per vulnerability and adjustment (or one unassessed row)."""

    vulnerability: VulnerabilityView
    adjustment: AdjustmentView | None


def vulnerability_rows(items) -> list[VulnerabilityRow]:
    rows = []
    for v in items:
        rows += [VulnerabilityRow(v, a) for a in v.adjustments] or [VulnerabilityRow(v, None)]
    return rows


def _contact(a: AdjustmentView | None) -> str:
    if a is None:
        return ""
    parts = [
        a.preferred_channel and f"by {a.preferred_channel.replace('_', ' ')}",
        a.contact_times,
        a.interpreter and f"interpreter: {a.interpreter}",
        a.communication,
    ]
    return "; ".join(p for p in parts if p)


ADJUSTMENTS = (
    Column("Member", lambda r: r.vulnerability.member, 100),
    Column("Vulnerability", lambda r: r.vulnerability.vulnerability, 220),
    Column(
        "Adjustments",
        lambda r: r.adjustment.adjustments if r.adjustment else "none recorded (overdue)",
        320,
        status=True,
    ),
    Column("Agreed", lambda r: day(r.adjustment.on) if r.adjustment else "", 130),
    Column("Contact plan", lambda r: _contact(r.adjustment), 300),
)

ACTIONS = (
    Column("#", lambda a: str(a.number), 36),
    Column("Action", lambda a: a.text, 300),
    Column("Owner", lambda a: a.owner_label, 190),
    Column("Due", lambda a: day(a.due), 130),
    Column(
        "Status",
        lambda a: f"{a.status} ({day(a.done_on)})" if a.done_on else a.status,
        160,
        status=True,
    ),
    Column("Notes", lambda a: a.notes, 200),
)

PARTNERS = (
    Column("Asked", lambda p: day(p.on), 130),
    Column("Agency", lambda p: p.agency, 140),
    Column("What was asked", lambda p: p.ask, 300),
    Column("Chase by", lambda p: day(p.chase_due), 130),
    Column("Status", lambda p: p.status, 110, status=True),
    Column("Answer", lambda p: "; ".join(f"{day(r.on)}: {r.summary}" for r in p.replies), 300),
)

VISIT_REQUESTS = (
    Column("Requested", lambda r: day(r.on), 130),
    Column("Reason", lambda r: r.reason.replace("_", " "), 140),
    Column("Due", lambda r: day(r.due), 130),
    Column("Visited", lambda r: day(r.visited_on), 130),
    Column("Status", lambda r: r.status, 110, status=True),
)

VISITS = (
    Column("Visited", lambda v: day(v.on), 130),
    Column("By", lambda v: v.by or "", 100),
    Column(
        "Offline notes", lambda v: f"yes, recorded {day(v.recorded_on)}" if v.offline else "", 200
    ),
    Column("Notes", lambda v: v.notes, 400),
)

REPAIRS = (
    Column("Raised", lambda r: day(r.raised), 130),
    Column("Job", lambda r: r.job, 300),
    Column("Priority", lambda r: r.priority.replace("_", " "), 90),
    Column("Target", lambda r: day(r.target), 130),
    Column("Done", lambda r: day(r.done_on), 130),
    Column("Status", lambda r: r.status, 100, status=True),
)
