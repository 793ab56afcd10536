"""Compensation: the policy's matrix, a calculator that explains every figure, and the ledger.

The matrix (``[compensation]`` in a policy file) holds the Ombudsman's remedies
guidance bands by severity, where in a band a failure of a given duration sits,
a multiplier for a vulnerable household, and guidance per head. The calculator
turns an officer's answers (severity, how long, vulnerable or not, costs) into a
suggested amount per head with sentences the officer can paste into a letter.

The ledger itemises what a complaint's history says about money, by head and by
stage: offered at each stage (each offer is *in addition* to earlier ones, as in
seed 001's "a further £550, total £750"), accepted or declined, ordered by the
Ombudsman (an order's amounts are totals that include what was offered), and paid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from app.domain.policy_schema import Table

COMPENSATION_HEADS = (
    "distress_inconvenience",
    "time_trouble",
    "complaint_handling",
    "costs",
    "loss_of_use",
    "other",
)
# What each head is called where no policy matrix gives it a label of its own.
HEAD_WORDS = {
    "distress_inconvenience": "Distress and inconvenience",
    "time_trouble": "Time and trouble",
    "complaint_handling": "Complaint handling",
    "costs": "Costs",
    "loss_of_use": "Loss of use",
    "other": "Other",
}
METHODS = ("matrix", "actual")
ZERO = Decimal("0")
PENNY = Decimal("0.01")


@dataclass(frozen=True)
class Band:
    """A severity band of the Ombudsman's remedies guidance."""

    key: str
    label: str
    low: float
    high: float


@dataclass(frozen=True)
class DurationBand:
    key: str
    label: str
    max_months: int | None  # None: any longer duration
    position: float  # 0 = the severity band's minimum, 1 = its maximum


@dataclass(frozen=True)
class HeadGuidance:
    head: str
    label: str
    method: str  # matrix: severity x duration; actual: the amount evidenced
    guidance: str


@dataclass(frozen=True)
class CompensationMatrix:
    bands: tuple[Band, ...]
    durations: tuple[DurationBand, ...]
    vulnerability_multiplier: Decimal
    vulnerability_heads: frozenset[str]
    heads: Mapping[str, HeadGuidance]
    round_to: int
    source: str

    def band(self, key: str) -> Band:
        for b in self.bands:
            if b.key == key:
                return b
        raise CompensationError(
            "severity", f"must be one of {', '.join(b.key for b in self.bands)}; got {key!r}"
        )

    def duration(self, months: int) -> DurationBand:
        for d in self.durations:
            if d.max_months is None or months <= d.max_months:
                return d
        return self.durations[-1]  # pragma: no cover - the parser requires an open-ended last band

    def label(self, head: str) -> str:
        return self.heads[head].label if head in self.heads else head.replace("_", " ")


class CompensationError(ValueError):
    """An answer the calculator cannot use; names the field."""

    def __init__(self, field_name: str, problem: str, head: str | None = None):
        self.field_name = field_name
        self.head = head
        where = f"{head.replace('_', ' ')}: " if head else ""
        super().__init__(f"{where}{field_name.replace('_', ' ')} {problem}")


# -- reading the matrix from a policy document -----------------------------------------------------


def parse_matrix(t: Table) -> tuple[tuple[Band, ...], CompensationMatrix]:
    """Validate ``[compensation]``; returns the bands (also kept on Policy) and the matrix."""
    bands: list[Band] = []
    for b in t.tables("bands"):
        band = Band(b.text("key"), b.text("label"), b.number("min"), b.number("max"))
        if band.high < band.low:
            b.fail("max", f"must not be below min ({band.low:g}), got {band.high:g}")
        if bands and band.low < bands[-1].low:
            b.fail(
                "min", f"bands must be in ascending order; {band.low:g} follows {bands[-1].low:g}"
            )
        if band.key in {x.key for x in bands}:
            b.fail("key", f"is used twice: {band.key!r}")
        bands.append(band)
        b.done()
    durations: list[DurationBand] = []
    tables = t.tables("durations")
    for i, d in enumerate(tables):
        last = i == len(tables) - 1
        max_months = d.whole("max_months", required=not last, low=0, high=1200)
        if last and max_months is not None:
            d.fail("max_months", "must be left out on the last duration band (it takes any longer)")
        if durations and max_months is not None and max_months <= (durations[-1].max_months or 0):
            d.fail("max_months", "duration bands must be in ascending order of max_months")
        position = d.number("position", high=1.0)
        if durations and position < durations[-1].position:
            d.fail("position", "must not be lower than the previous duration band's position")
        durations.append(DurationBand(d.text("key"), d.text("label"), max_months, position))
        d.done()
    v = t.table("vulnerability")
    multiplier = Decimal(str(v.number("multiplier", low=1.0, high=3.0)))
    v_heads = v.texts("heads")
    for i, h in enumerate(v_heads):
        if h not in COMPENSATION_HEADS:
            v.fail(f"heads[{i}]", f"must be one of {', '.join(COMPENSATION_HEADS)}; got {h!r}")
    v.done()
    h_table = t.table("heads")
    heads: dict[str, HeadGuidance] = {}
    for head in COMPENSATION_HEADS:
        h = h_table.table(head)
        heads[head] = HeadGuidance(
            head, h.text("label"), h.text("method", choices=METHODS), h.text("guidance")
        )
        h.done()
    h_table.done()
    round_to = t.whole("round_to", low=1, high=1000)
    source = t.text("source")
    t.done()
    matrix = CompensationMatrix(
        bands=tuple(bands),
        durations=tuple(durations),
        vulnerability_multiplier=multiplier,
        vulnerability_heads=frozenset(v_heads),
        heads=MappingProxyType(heads),
        round_to=round_to,
        source=source,
    )
    return tuple(bands), matrix


# -- the calculator -----------------------------------------------------------------------------------


def money(amount: Decimal | float | int) -> str:
    """'£1,200' or '£12.50'."""
    value = Decimal(str(amount)).quantize(PENNY)
    if value == value.to_integral_value():
        return f"£{int(value):,}"
    return f"£{value:,.2f}"


def to_amount(value: Any, field_name: str = "amount", head: str | None = None) -> Decimal:
    """A non-negative amount in whole pence from a number or text ('£1,200.50' accepted)."""
    if isinstance(value, bool) or value is None:
        raise CompensationError(field_name, f"must be an amount in pounds, got {value!r}", head)
    text = str(value).strip().replace(",", "").removeprefix("£").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CompensationError(
            field_name, f"must be an amount in pounds, got {value!r}", head
        ) from None
    if not amount.is_finite():
        raise CompensationError(field_name, f"must be an amount in pounds, got {value!r}", head)
    if amount < 0:
        raise CompensationError(field_name, f"cannot be negative, got {value!r}", head)
    if amount != amount.quantize(PENNY):
        raise CompensationError(field_name, f"must be whole pence, got {value!r}", head)
    return amount.quantize(PENNY)


@dataclass(frozen=True)
class Item:
    """The officer's answers for one head."""

    head: str
    severity: str | None = None  # band key, for matrix heads
    months: int | None = None  # how long the failure affected the resident
    vulnerable: bool = False
    amount: Decimal | None = None  # the evidenced amount, for actual heads
    already_offered: Decimal = ZERO
    note: str = ""  # what the amount is for, in the officer's words


@dataclass(frozen=True)
class Suggestion:
    head: str
    label: str
    amount: Decimal
    further: Decimal  # amount less what was already offered (never below zero)
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True)
class Calculation:
    items: tuple[Suggestion, ...]
    total: Decimal
    further: Decimal
    source: str
    lines: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        """The whole explanation, one paragraph per head, ready to paste into a letter."""
        return "\n\n".join([*(s.text for s in self.items), *self.lines])


def _where(position: float) -> str:
    if position <= 0:
        return "the bottom of the band"
    if position >= 1:
        return "the top of the band"
    if position == 0.5:
        return "the middle of the band"
    return f"{position:.0%} of the way up the band"


def _round(amount: Decimal, step: int) -> Decimal:
    units = (amount / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return (units * step).quantize(PENNY)


def _months(n: int) -> str:
    return f"{n} month{'' if n == 1 else 's'}"


def suggest_item(matrix: CompensationMatrix, item: Item, vulnerable_reason: str = "") -> Suggestion:
    if item.head not in COMPENSATION_HEADS:
        raise CompensationError(
            "head", f"must be one of {', '.join(COMPENSATION_HEADS)}; got {item.head!r}"
        )
    guide = matrix.heads[item.head]
    label = guide.label
    offered = to_amount(item.already_offered, "already_offered", item.head)
    lines: list[str] = []
    if guide.method == "actual":
        if item.amount is None:
            raise CompensationError("amount", "is needed: give the amount evidenced", item.head)
        amount = to_amount(item.amount, "amount", item.head)
        what = f" for {item.note.strip()}" if item.note.strip() else ""
        lines.append(f"{label}: {money(amount)}{what}. {guide.guidance}")
    else:
        if not item.severity:
            raise CompensationError(
                "severity", "is needed: choose how serious the failure was", item.head
            )
        band = matrix.band(item.severity)
        if item.months is None or isinstance(item.months, bool) or item.months < 0:
            raise CompensationError(
                "months",
                f"must be a whole number of months, 0 or more; got {item.months!r}",
                item.head,
            )
        dur = matrix.duration(item.months)
        low, high = Decimal(str(band.low)), Decimal(str(band.high))
        base = low + (high - low) * Decimal(str(dur.position))
        lines.append(
            f"{label}: {band.label.lower()}, which the remedies guidance puts at "
            f"{money(low)} to {money(high)}."
        )
        lines.append(
            f"It affected the resident for {_months(item.months)} ({dur.label}), "
            f"which places it at {_where(dur.position)}: {money(base)}."
        )
        amount = base
        if item.vulnerable and item.head in matrix.vulnerability_heads:
            amount = base * matrix.vulnerability_multiplier
            why = f" ({vulnerable_reason})" if vulnerable_reason else ""
            lines.append(
                f"The household includes a vulnerable person{why}, so the impact was greater: "
                f"{money(base)} × {matrix.vulnerability_multiplier.normalize()} = {money(amount)}."
            )
        rounded = _round(amount, matrix.round_to)
        if rounded != amount.quantize(PENNY):
            lines.append(f"Rounded to the nearest {money(matrix.round_to)}: {money(rounded)}.")
        amount = rounded
        if item.note.strip():
            lines.append(f"This is for {item.note.strip()}.")
    further = max(amount - offered, ZERO)
    if offered > 0:
        if further > 0:
            lines.append(
                f"{money(offered)} has already been offered, so this is a further {money(further)}."
            )
        else:
            lines.append(f"The {money(offered)} already offered covers this; nothing further.")
    return Suggestion(item.head, label, amount, further, tuple(lines))


def suggest(
    matrix: CompensationMatrix, items: Iterable[Item], vulnerable_reason: str = ""
) -> Calculation:
    """A suggestion per head and the total, every figure explained."""
    out = [suggest_item(matrix, i, vulnerable_reason) for i in items]
    heads = [s.head for s in out]
    if len(set(heads)) != len(heads):
        raise CompensationError("head", "appears twice: give one line per head")
    total = sum((s.amount for s in out), ZERO)
    further = sum((s.further for s in out), ZERO)
    lines: list[str] = []
    if len(out) > 1:
        parts = " + ".join(money(s.amount) for s in out)
        lines.append(f"In total: {parts} = {money(total)}.")
        if further != total:
            lines.append(f"Of this, {money(further)} is in addition to what was already offered.")
    return Calculation(tuple(out), total, further, matrix.source, tuple(lines))


# -- the ledger ---------------------------------------------------------------------------------------

ColumnKey = str  # "stage_<n>", "accepted", "ordered", "paid"


def _add(into: dict[str, Decimal], items: Iterable[Any]) -> None:
    for c in items or ():
        into[c.head] = into.get(c.head, ZERO) + c.amount


@dataclass(frozen=True)
class Ledger:
    """A complaint's compensation by head and by stage."""

    offered: Mapping[int, Mapping[str, Decimal]]  # stage -> head -> amount offered at that stage
    accepted: Mapping[str, Decimal] | None  # what the resident accepted (None: no acceptance)
    decision: str | None  # "accepted" | "declined" | None
    decided_on: Any  # date of the latest decision
    ordered: Mapping[str, Decimal]  # the Ombudsman's order(s), totals per head
    paid: Mapping[str, Decimal]

    def total_offered(self, head: str | None = None) -> Decimal:
        return sum(
            (
                amt
                for stage in self.offered.values()
                for h, amt in stage.items()
                if head in (None, h)
            ),
            ZERO,
        )

    def owed(self, head: str) -> Decimal:
        """What is owed for a head: the order, else an accepted offer."""
        accepted = (self.accepted or {}).get(head, ZERO)
        return max(self.ordered.get(head, ZERO), accepted)

    def outstanding(self, head: str) -> Decimal:
        return max(self.owed(head) - self.paid.get(head, ZERO), ZERO)

    def heads(self) -> list[str]:
        used = set(self.ordered) | set(self.paid) | set(self.accepted or {})
        for stage in self.offered.values():
            used |= set(stage)
        return [h for h in COMPENSATION_HEADS if h in used]

    def columns(self) -> list[ColumnKey]:
        cols = [f"stage_{n}" for n in sorted(self.offered)]
        return [*cols, "accepted", "ordered", "paid"]

    def cell(self, head: str | None, column: ColumnKey) -> Decimal:
        """One figure of the table (``head`` None: the column's total)."""
        if column.startswith("stage_"):
            source: Mapping[str, Decimal] = self.offered.get(int(column[6:]), {})
        else:
            source = {"accepted": self.accepted or {}, "ordered": self.ordered, "paid": self.paid}[
                column
            ]
        if head is None:
            return sum(source.values(), ZERO)
        return source.get(head, ZERO)

    @property
    def empty(self) -> bool:
        return not self.heads()


def build_ledger(events: Iterable[Any]) -> Ledger:
    """From a complaint's events in order (responses, decisions, payments) and its Ombudsman orders."""
    # imported here: payloads -> events -> policy -> this module at import time
    from app.domain.payloads import (
        CompensationDecisionFields,
        CompensationPaidFields,
        ComplaintResponseFields,
        OmbudsmanOrderFields,
        fields_of,
    )

    offered: dict[int, dict[str, Decimal]] = {}
    accepted: dict[str, Decimal] | None = None
    decision = decided_on = None
    ordered: dict[str, Decimal] = {}
    paid: dict[str, Decimal] = {}
    for e in events:
        if e.type == "complaint_response":
            response = fields_of(e, ComplaintResponseFields)
            if response["compensation"]:
                _add(offered.setdefault(response["stage"], {}), response["compensation"])
        elif e.type == "compensation_decision":
            decided_on = e.day
            if fields_of(e, CompensationDecisionFields)["accepted"]:
                decision = "accepted"
                accepted = {}
                for stage in offered.values():
                    for h, amt in stage.items():
                        accepted[h] = accepted.get(h, ZERO) + amt
            else:
                decision, accepted = "declined", None
        elif e.type == "ombudsman_order":
            order = fields_of(e, OmbudsmanOrderFields)
            if order["compensation"]:
                ordered = {}  # a later order restates the total
                _add(ordered, order["compensation"])
        elif e.type == "compensation_paid":
            _add(paid, fields_of(e, CompensationPaidFields)["compensation"])
    return Ledger(
        offered=MappingProxyType({k: MappingProxyType(v) for k, v in offered.items()}),
        accepted=MappingProxyType(accepted) if accepted is not None else None,
        decision=decision,
        decided_on=decided_on,
        ordered=MappingProxyType(ordered),
        paid=MappingProxyType(paid),
    )
