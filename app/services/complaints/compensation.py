"""Compensation: the calculator from the case's policy matrix, and recording decisions and payments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.domain.compensation import (
    COMPENSATION_HEADS,
    Calculation,
    CompensationError,
    Item,
    suggest,
    to_amount,
)
from app.domain.complaint_rules import check_after
from app.errors import ValidationError
from app.services.complaints.tx import Context, Instant, read_states, record_one


def parse_items(items: Iterable[Any]) -> list[tuple[str, Decimal]]:
    """(head, amount) pairs from (head, amount) tuples or {head, amount} objects.

    A negative, non-numeric or fractional-pence amount or an unknown head is refused
    with a message naming it; a head given twice is refused too.
    """
    out: list[tuple[str, Decimal]] = []
    for item in items:
        head, amount = (item["head"], item["amount"]) if isinstance(item, dict) else item
        if head not in COMPENSATION_HEADS:
            raise ValidationError(
                f"Compensation head must be one of {', '.join(COMPENSATION_HEADS)}; got {head!r}."
            )
        try:
            value = to_amount(amount, "amount", head)
        except CompensationError as exc:
            raise ValidationError(f"Compensation for {exc}. Nothing was saved.") from exc
        if head in {h for h, _ in out}:
            raise ValidationError(
                f"Compensation head {head!r} is given twice; give one amount per head."
            )
        out.append((head, value))
    return out


def _json(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def items_json(items: Sequence[tuple[str, Decimal]]) -> list[dict[str, Any]]:
    return [{"head": h, "amount": _json(a)} for h, a in items]


@dataclass(frozen=True)
class CalculatorInput:
    """The officer's answers for one head (what the calculator dialog collects)."""

    head: str
    severity: str | None = None
    months: int | None = None
    vulnerable: bool | None = None  # None: from the case's recorded vulnerabilities
    amount: Any = None  # evidenced amount for costs / loss of use / other
    note: str = ""


def suggest_compensation(
    ws, ref: str, inputs: Sequence[CalculatorInput], complaint: str | None = None
) -> Calculation:
    """Suggested amounts from the case's policy matrix, every figure explained.

    What the complaint has already offered per head is taken off ("a further £…");
    a household with recorded vulnerabilities gets the policy's multiplier where it applies.
    """
    info, _, history, states, _ = read_states(ws, ref)
    policy = history.current
    if policy.compensation is None:
        raise ValidationError(f"Policy {policy.ref} has no compensation matrix.")
    offered: dict[str, Decimal] = {}
    if states:
        state = next((s for s in states if s.id == complaint), None) if complaint else states[-1]
        if state is None:
            raise ValidationError(f"Case {ref} has no complaint {complaint!r}.")
        for head in COMPENSATION_HEADS:
            offered[head] = state.ledger.total_offered(head)
    vulns = tuple(info.resident.vulnerabilities or ())
    items = []
    for i in inputs:
        amount = None
        if i.amount not in (None, ""):
            try:
                amount = to_amount(i.amount, "amount", i.head)
            except CompensationError as exc:
                raise ValidationError(str(exc)) from exc
        items.append(
            Item(
                head=i.head,
                severity=i.severity,
                months=i.months,
                vulnerable=bool(vulns) if i.vulnerable is None else i.vulnerable,
                amount=amount,
                already_offered=offered.get(i.head, Decimal(0)),
                note=i.note,
            )
        )
    try:
        return suggest(policy.compensation, items, "; ".join(vulns))
    except CompensationError as exc:
        raise ValidationError(f"{exc}.") from exc


def record_compensation_decision(
    ws,
    ref: str,
    complaint: str | None = None,
    *,
    accepted: bool,
    at: Instant = None,
    summary: str = "",
    expected_version: int | None = None,
) -> str:
    """The resident accepts or declines what has been offered."""

    def build(ctx: Context) -> dict[str, Any]:
        state = ctx.complaint(complaint)
        total = state.ledger.total_offered()
        if total <= 0:
            raise ValidationError("No compensation has been offered on this complaint yet.")
        offers = [
            e for e in state.events if e.type == "complaint_response" and e.f.get("compensation")
        ]
        check_after(ctx.day, offers[-1].day, "decision", "the latest offer")
        word = "accepted" if accepted else "declined"
        return {
            "type": "compensation_decision",
            "summary": summary.strip() or f"Resident {word} the compensation offered",
            "accepted": accepted,
            "complaint": state.id,
        }

    return record_one(ws, ref, "compensation_decision", at, expected_version, build)


def record_compensation_paid(
    ws,
    ref: str,
    complaint: str | None = None,
    *,
    items: Iterable[Any],
    reference: str = "",
    at: Instant = None,
    expected_version: int | None = None,
) -> str:
    """A payment, itemised by head (amounts ≥ 0, whole pence)."""

    def build(ctx: Context) -> dict[str, Any]:
        state = ctx.complaint(complaint)
        parsed = [(h, a) for h, a in parse_items(items) if a > 0]
        if not parsed:
            raise ValidationError("Give the amount paid for at least one head.")
        check_after(ctx.day, state.received.day, "payment", "the complaint was received")
        total = sum((a for _, a in parsed), Decimal(0))
        raw: dict[str, Any] = {
            "type": "compensation_paid",
            "summary": f"Compensation paid: £{total:,.2f}",
            "compensation": items_json(parsed),
            "complaint": state.id,
        }
        if reference.strip():
            raw["reference"] = reference.strip()
        return raw

    return record_one(ws, ref, "compensation_paid", at, expected_version, build)


__all__ = [
    "CalculatorInput",
    "parse_items",
    "record_compensation_decision",
    "record_compensation_paid",
    "suggest_compensation",
]


def compensation_matrix(ws, ref: str):
    """The case's policy matrix (bands, durations, heads) for the calculator's form."""
    _, _, history, _, _ = read_states(ws, ref)
    matrix = history.current.compensation
    if matrix is None:
        raise ValidationError(f"Policy {history.current.ref} has no compensation matrix.")
    return matrix
