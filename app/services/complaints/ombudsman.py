"""The Housing Ombudsman's enquiries, determinations and orders, and evidence of compliance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from app.domain.calendar import london_date
from app.domain.complaint_rules import check_after
from app.domain.deadlines.timeline import fmt
from app.errors import ValidationError
from app.services.complaints.compensation import items_json, parse_items
from app.services.complaints.tx import Context, Instant, record_one, to_instant

STAGES = ("enquiry", "investigation", "determination")


def order_due(report_date: dt.date, weeks: int) -> dt.date:
    """'Within N weeks of the date of this report' (calendar weeks)."""
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
        raise ValidationError(f"Weeks must be a whole number of 1 or more; got {weeks!r}.")
    return report_date + dt.timedelta(weeks=weeks)


def record_enquiry(
    ws,
    ref: str,
    *,
    reference: str,
    stage: str,
    due: dt.date | None = None,
    summary: str = "",
    at: Instant = None,
    expected_version: int | None = None,
) -> str:
    """An Ombudsman enquiry, investigation or determination about the case's complaint."""

    def build(ctx: Context) -> dict[str, Any]:
        if stage not in STAGES:
            raise ValidationError(f"Stage must be one of {', '.join(STAGES)}; got {stage!r}.")
        if not reference.strip():
            raise ValidationError("Give the Ombudsman's reference.")
        ctx.complaint(None)  # there is a complaint to be about
        if due is not None:
            check_after(due, ctx.day, "due", "the enquiry")
        raw: dict[str, Any] = {
            "type": "ombudsman_enquiry",
            "summary": summary.strip() or f"Housing Ombudsman {stage} {reference.strip()}",
            "reference": reference.strip(),
            "stage": stage,
        }
        if due is not None:
            raw["due"] = due.isoformat()
        return raw

    return record_one(ws, ref, "ombudsman_enquiry", at, expected_version, build)


def record_order(
    ws,
    ref: str,
    *,
    text: str,
    due: dt.date | None = None,
    weeks: int | None = None,
    compensation: Iterable[Any] = (),
    enquiry: str | None = None,
    summary: str = "",
    at: Instant = None,
    expected_version: int | None = None,
) -> str:
    """An order with its due date, given as a date or as "within N weeks of the report"."""
    if (due is None) == (weeks is None):
        raise ValidationError("Give the order's due date, or the number of weeks from the report.")
    when = london_date(to_instant(ws, at))
    due_date = due if due is not None else order_due(when, weeks)  # type: ignore[arg-type]

    def build(ctx: Context) -> dict[str, Any]:
        if not text.strip():
            raise ValidationError("Give the text of the order.")
        check_after(due_date, ctx.day, "due", "the order")
        raw: dict[str, Any] = {
            "type": "ombudsman_order",
            "summary": summary.strip() or f"Ombudsman order: comply by {fmt(due_date)}",
            "due": due_date.isoformat(),
            "text": text.strip(),
        }
        items = [(h, a) for h, a in parse_items(compensation) if a > 0]
        if items:
            raw["compensation"] = items_json(items)
        if enquiry:
            e = ctx.event(enquiry)
            if e.type != "ombudsman_enquiry":
                raise ValidationError(f"{enquiry!r} is not an Ombudsman enquiry.")
            raw["enquiry"] = enquiry
        else:
            ctx.complaint(None)
        return raw

    return record_one(ws, ref, "ombudsman_order", at, expected_version, build)


def record_compliance(
    ws,
    ref: str,
    order: str,
    *,
    evidence: str,
    evidence_sent: dt.date | None = None,
    at: Instant = None,
    expected_version: int | None = None,
) -> str:
    """Evidence of compliance with an order, and the date it was sent to the Ombudsman."""

    def build(ctx: Context) -> dict[str, Any]:
        o = ctx.event(order)
        if o.type != "ombudsman_order":
            raise ValidationError(f"{order!r} is not an Ombudsman order.")
        if not evidence.strip():
            raise ValidationError("Describe the evidence of compliance.")
        check_after(ctx.day, o.day, "compliance", "the order")
        raw: dict[str, Any] = {
            "type": "order_complied",
            "summary": f"Evidence of compliance with the order of {fmt(o.day)}",
            "order": order,
            "evidence": evidence.strip(),
        }
        if evidence_sent is not None:
            check_after(evidence_sent, o.day, "evidence sent", "the order")
            if evidence_sent > ctx.day:
                raise ValidationError(
                    f"The evidence cannot have been sent on {fmt(evidence_sent)}, after the date "
                    f"recorded ({fmt(ctx.day)})."
                )
            raw["evidence_sent"] = evidence_sent.isoformat()
        return raw

    return record_one(ws, ref, "order_complied", at, expected_version, build)
