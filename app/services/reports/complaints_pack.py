"""The weekly complaints meeting pack (DOMAIN_RULES.md §7; CLI.md ``report complaints``).

``--week DATE`` means the week Monday–Sunday containing DATE. The pack is judged as at the end
of that week, or today while the week is still running (``as_at``):

* open complaints — every complaint stage still owing an acknowledgement or a response now,
  with the working days from ``as_at`` to its due date (negative: overdue);
* breaches this week — acknowledgement and response deadlines due in the week and missed by
  ``as_at`` (sent late, closed late, or still unsent after the due date);
* extensions this week, new complaints this week (received, or escalated to a new stage), and
  compensation offered (in a response) and paid this week — by the day the event happened;
* lessons learnt captured this week (in a response or a closure);
* Ombudsman orders still open, by due date, with whether evidence of compliance was sent.

Read in batches; no resident details (case refs and officers only).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import and_, select

from app.domain.calendar import london_date
from app.domain.deadlines.model import missed
from app.errors import StorageError
from app.services.access import Do, require
from app.services.reports.common import Period, stream, week_of
from app.services.workspace import Workspace
from app.store.models import Case, CaseEvent, DeadlineRow, Officer

COMPLAINT_KINDS = ("complaint_ack", "escalation_ack", "complaint_response")
WEEK_TYPES = (
    "complaint_received",
    "escalation_request",
    "extension_notice",
    "complaint_response",
    "compensation_paid",
    "complaint_closed",
)


@dataclass(frozen=True)
class OpenComplaint:
    ref: str
    officer: str
    stage: int | None
    owed: str  # the deadline's label, e.g. "Stage 1 response"
    due: dt.date | None
    days_left: int | None


@dataclass(frozen=True)
class Breach:
    ref: str
    officer: str
    stage: int | None
    owed: str
    due: dt.date
    outcome: str  # "sent 12 Jun 2025 (3 WD late)" / "not sent"


@dataclass(frozen=True)
class WeekEvent:
    """Something that happened this week: an extension, a new complaint, money, a lesson."""

    ref: str
    officer: str
    day: dt.date
    stage: int | None
    detail: str
    amount: Decimal | None = None
    new_due: dt.date | None = None


@dataclass(frozen=True)
class OrderDue:
    ref: str
    officer: str
    due: dt.date
    days_left: int
    text: str
    evidence: str


@dataclass(frozen=True)
class ComplaintsPack:
    week: Period
    as_at: dt.date
    open: tuple[OpenComplaint, ...]
    breaches: tuple[Breach, ...]
    extensions: tuple[WeekEvent, ...]
    new: tuple[WeekEvent, ...]
    offered: tuple[WeekEvent, ...]
    paid: tuple[WeekEvent, ...]
    lessons: tuple[WeekEvent, ...]
    orders: tuple[OrderDue, ...]

    @property
    def offered_total(self) -> Decimal:
        return sum((e.amount or Decimal(0) for e in self.offered), Decimal(0))

    @property
    def paid_total(self) -> Decimal:
        return sum((e.amount or Decimal(0) for e in self.paid), Decimal(0))

    def open_by_stage(self) -> dict[int | None, int]:
        out: dict[int | None, int] = {}
        for c in self.open:
            out[c.stage] = out.get(c.stage, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))

    def summary(self) -> list[tuple[str, str]]:
        by_stage = ", ".join(f"stage {k}: {v}" for k, v in self.open_by_stage().items())
        return [
            ("Open complaints", f"{len(self.open)}" + (f" ({by_stage})" if by_stage else "")),
            ("Overdue now", str(sum(1 for c in self.open if (c.days_left or 0) < 0))),
            ("Breaches this week", str(len(self.breaches))),
            ("Extensions this week", str(len(self.extensions))),
            ("New complaints and escalations", str(len(self.new))),
            ("Compensation offered", money(self.offered_total)),
            ("Compensation paid", money(self.paid_total)),
            ("Lessons learnt captured", str(len(self.lessons))),
            ("Ombudsman orders open", str(len(self.orders))),
        ]


def money(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def complaints_pack(ws: Workspace, day: dt.date) -> ComplaintsPack:
    """The pack for the week containing ``day``."""
    week = week_of(day)
    as_at = min(week.end, ws.today())
    if as_at < week.start:  # a week still to come: judged on its first day
        as_at = week.start
    calendar = ws.registry.get().calendar
    left = calendar.countdown_from(as_at)
    with ws.db.read() as s:
        require(s, Do.REPORTS)
        open_, breaches = _deadlines(s, week, as_at, left, calendar)
        events = _week_events(s, week)
        orders = _orders(s, left)
    return ComplaintsPack(
        week=week,
        as_at=as_at,
        open=tuple(open_),
        breaches=tuple(breaches),
        extensions=tuple(events["extension"]),
        new=tuple(events["new"]),
        offered=tuple(events["offered"]),
        paid=tuple(events["paid"]),
        lessons=tuple(events["lessons"]),
        orders=tuple(orders),
    )


def _deadlines(s, week: Period, as_at: dt.date, left, calendar):
    stmt = (
        select(
            Case.ref,
            Officer.username,
            DeadlineRow.kind,
            DeadlineRow.complaint,
            DeadlineRow.stage,
            DeadlineRow.label,
            DeadlineRow.status,
            DeadlineRow.due,
            DeadlineRow.met_on,
            DeadlineRow.closed_on,
        )
        .join(Case, Case.id == DeadlineRow.case_id)
        .join(Officer, Officer.id == Case.officer_id)
        .where(DeadlineRow.kind.in_(COMPLAINT_KINDS))
        .where(
            (DeadlineRow.status == "open")
            | and_(DeadlineRow.due >= week.start, DeadlineRow.due <= week.end)
        )
        .order_by(DeadlineRow.due, Case.ref)
    )
    open_: dict[tuple[str, str | None], OpenComplaint] = {}
    breaches: list[Breach] = []
    for ref, officer, _kind, complaint, stage, label, status, due, met_on, closed_on in stream(
        s, stmt
    ):
        if status == "open":
            key = (ref, complaint)
            if key not in open_:  # the earliest thing it owes
                days = left(due) if due is not None else None
                open_[key] = OpenComplaint(ref, officer, stage, label, due, days)
        if due is not None and due in week and missed(status, due, met_on, closed_on, as_at):
            if met_on is not None:
                late = calendar.working_days_between(due, met_on)
                outcome = f"sent {met_on.isoformat()} ({late} WD late)"
            elif closed_on is not None:
                outcome = f"closed {closed_on.isoformat()} without it"
            else:
                outcome = "not sent"
            breaches.append(Breach(ref, officer, stage, label, due, outcome))
    return list(open_.values()), breaches


def _amount(items: Iterable | None) -> Decimal:
    total = Decimal(0)
    for item in items or ():
        if isinstance(item, dict) and "amount" in item:
            total += Decimal(str(item["amount"]))
    return total


def _week_events(s, week: Period) -> dict[str, list[WeekEvent]]:
    lo, hi = week.utc_bounds()
    stmt = (
        select(Case.ref, Officer.username, CaseEvent.type, CaseEvent.at, CaseEvent.data)
        .join(Case, Case.id == CaseEvent.case_id)
        .join(Officer, Officer.id == Case.officer_id)
        .where(CaseEvent.type.in_(WEEK_TYPES), CaseEvent.at >= lo, CaseEvent.at < hi)
        .order_by(CaseEvent.at, Case.ref, CaseEvent.seq)
    )
    out: dict[str, list[WeekEvent]] = {
        k: [] for k in ("extension", "new", "offered", "paid", "lessons")
    }
    for ref, officer, etype, at, data in stream(s, stmt):
        data = data or {}
        day = london_date(at)
        stage = data.get("stage") if isinstance(data.get("stage"), int) else None
        if etype == "complaint_received":
            out["new"].append(
                WeekEvent(ref, officer, day, stage, f"received ({data.get('channel', '')})")
            )
        elif etype == "escalation_request":
            out["new"].append(WeekEvent(ref, officer, day, stage, f"escalated to stage {stage}"))
        elif etype == "extension_notice":
            new_due = _date(data.get("new_due"))
            reason = str(data.get("reason") or "")
            out["extension"].append(WeekEvent(ref, officer, day, stage, reason, new_due=new_due))
        elif etype == "compensation_paid":
            amount = _amount(data.get("compensation"))
            detail = str(data.get("reference") or "paid")
            out["paid"].append(WeekEvent(ref, officer, day, None, detail, amount=amount))
        if etype == "complaint_response" and data.get("compensation"):
            amount = _amount(data.get("compensation"))
            heads = ", ".join(
                str(i.get("head", "")).replace("_", " ")
                for i in data["compensation"]
                if isinstance(i, dict)
            )
            out["offered"].append(WeekEvent(ref, officer, day, stage, heads, amount=amount))
        if etype in ("complaint_response", "complaint_closed") and data.get("lessons"):
            out["lessons"].append(WeekEvent(ref, officer, day, stage, str(data["lessons"])))
    return out


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _orders(s, left) -> list[OrderDue]:
    """Open Ombudsman orders; compliance recorded without the evidence sent shows as such."""
    complied = {
        (case_id, (data or {}).get("order"))
        for case_id, data in stream(
            s, select(CaseEvent.case_id, CaseEvent.data).where(CaseEvent.type == "order_complied")
        )
    }
    order = CaseEvent
    stmt = (
        select(Case.id, Case.ref, Officer.username, DeadlineRow.due, order.local_id, order.data)
        .join(Case, Case.id == DeadlineRow.case_id)
        .join(Officer, Officer.id == Case.officer_id)
        .join(
            order,
            and_(order.case_id == DeadlineRow.case_id, order.local_id == DeadlineRow.started_by),
        )
        .where(DeadlineRow.kind == "ombudsman_order", DeadlineRow.status == "open")
        .order_by(DeadlineRow.due, Case.ref)
    )
    out = []
    for case_id, ref, officer, due, local_id, data in stream(s, stmt):
        if due is None:
            continue
        text = str((data or {}).get("text") or "")
        if (case_id, local_id) in complied:
            evidence = "complied; evidence not yet sent"
        else:
            evidence = "no compliance recorded"
        out.append(OrderDue(ref, officer, due, left(due), text, evidence))
    return out


CSV_HEADER = ("section", "case", "officer", "stage", "date", "due", "days_left", "amount", "detail")


def pack_rows(pack: ComplaintsPack) -> list[tuple[str, ...]]:
    """The pack as CSV rows (header first): one row per line of every section."""

    def d(x: dt.date | None) -> str:
        return x.isoformat() if x else ""

    def n(x) -> str:
        return "" if x is None else str(x)

    rows: list[tuple[str, ...]] = [CSV_HEADER]
    for c in pack.open:
        rows.append(
            ("open", c.ref, c.officer, n(c.stage), "", d(c.due), n(c.days_left), "", c.owed)
        )
    for b in pack.breaches:
        rows.append(
            ("breach", b.ref, b.officer, n(b.stage), "", d(b.due), "", "", f"{b.owed}: {b.outcome}")
        )
    for e in pack.extensions:
        rows.append(
            ("extension", e.ref, e.officer, n(e.stage), d(e.day), d(e.new_due), "", "", e.detail)
        )
    for e in pack.new:
        rows.append(("new", e.ref, e.officer, n(e.stage), d(e.day), "", "", "", e.detail))
    for e in pack.offered:
        rows.append(
            ("offered", e.ref, e.officer, n(e.stage), d(e.day), "", "", f"{e.amount:.2f}", e.detail)
        )
    for e in pack.paid:
        rows.append(("paid", e.ref, e.officer, "", d(e.day), "", "", f"{e.amount:.2f}", e.detail))
    for e in pack.lessons:
        rows.append(("lesson", e.ref, e.officer, n(e.stage), d(e.day), "", "", "", e.detail))
    for o in pack.orders:
        rows.append(
            (
                "order",
                o.ref,
                o.officer,
                "",
                "",
                d(o.due),
                str(o.days_left),
                "",
                f"{o.text} ({o.evidence})",
            )
        )
    return rows


def csv_text(rows: Iterable[Iterable[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow([_safe(c) for c in row])
    return buf.getvalue()


def _safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@") and not _number(cell) else cell


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def write_text(path: Path, text: str) -> Path:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StorageError(f"Could not write {path}: {exc.strerror or exc}.") from exc
    return path
