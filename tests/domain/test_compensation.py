"""The compensation matrix (policy data), the calculator's figures and words, and the ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.compensation import (
    CompensationError,
    Item,
    build_ledger,
    money,
    suggest,
    suggest_item,
    to_amount,
)
from app.domain.policy import PolicyError, parse_policy
from tests.domain.helpers import E, history, policy_doc, resolve, shipped

MATRIX = shipped().compensation


# -- the matrix in the policy file ---------------------------------------------------------------------------


def test_shipped_matrix_uses_the_ombudsman_bands():
    assert [(b.key, b.low, b.high) for b in MATRIX.bands] == [
        ("no_material_impact", 0, 100),
        ("adverse_effect", 100, 600),
        ("significant", 600, 1000),
        ("severe", 1000, 5000),
    ]
    assert [(d.max_months, d.position) for d in MATRIX.durations] == [
        (1, 0.0),
        (6, 0.1),
        (12, 0.5),
        (None, 1.0),
    ]
    assert MATRIX.vulnerability_multiplier == Decimal("1.2")
    assert set(MATRIX.heads) == {
        "distress_inconvenience",
        "time_trouble",
        "complaint_handling",
        "costs",
        "loss_of_use",
        "other",
    }
    assert shipped("hexagon-4-stage").compensation.round_to == 10  # inherited


def parse_with(change):
    doc = policy_doc()
    change(doc["compensation"])
    return parse_policy(doc, "test.toml", resolve)


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (lambda c: c["bands"][2].update(min=50), "compensation.bands[2].min", "ascending"),
        (lambda c: c["bands"][1].update(key="severe"), "compensation.bands[3].key", "twice"),
        (
            lambda c: c["durations"][1].update(max_months=1),
            "compensation.durations[1].max_months",
            "ascending",
        ),
        (
            lambda c: c["durations"][3].update(max_months=24),
            "compensation.durations[3].max_months",
            "left out",
        ),
        (
            lambda c: c["durations"][1].pop("max_months"),
            "compensation.durations[1].max_months",
            "missing",
        ),
        (
            lambda c: c["durations"][2].update(position=1.5),
            "compensation.durations[2].position",
            "between",
        ),
        (
            lambda c: c["durations"][2].update(position=0.05),
            "compensation.durations[2].position",
            "lower",
        ),
        (
            lambda c: c["vulnerability"].update(multiplier=0.5),
            "compensation.vulnerability.multiplier",
            "between",
        ),
        (
            lambda c: c["vulnerability"].update(heads=["goodwill"]),
            "compensation.vulnerability.heads[0]",
            "goodwill",
        ),
        (lambda c: c["heads"].pop("costs"), "compensation.heads.costs", "missing"),
        (
            lambda c: c["heads"]["costs"].update(method="guess"),
            "compensation.heads.costs.method",
            "matrix, actual",
        ),
        (lambda c: c.update(round_to=0), "compensation.round_to", "between"),
        (lambda c: c.update(extra=1), "compensation.extra", "not a known policy key"),
    ],
)
def test_bad_matrix_is_refused_naming_the_key(change, key, problem):
    with pytest.raises(PolicyError) as err:
        parse_with(change)
    assert err.value.key == key
    assert problem in err.value.problem


def test_extension_warning_is_policy_data():
    doc = policy_doc()
    doc["complaints"]["extension_warning_wd"] = 5
    assert parse_policy(doc, "t.toml", resolve).extension_warning_wd == 5
    assert shipped().extension_warning_wd == 3


# -- the calculator --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "months", "expected"),
    [
        ("adverse_effect", 0, 100),  # bottom of the band
        ("adverse_effect", 1, 100),
        ("adverse_effect", 2, 150),  # 10% of the way up
        ("adverse_effect", 12, 350),  # the middle
        ("adverse_effect", 13, 600),  # the top
        ("significant", 9, 800),
        ("no_material_impact", 30, 100),
    ],
)
def test_band_position_by_duration(severity, months, expected):
    s = suggest_item(MATRIX, Item("time_trouble", severity, months))
    assert s.amount == Decimal(expected)


def test_every_figure_is_explained():
    s = suggest_item(MATRIX, Item("time_trouble", "adverse_effect", 12, note="chasing repairs"))
    assert s.lines == (
        "Time and trouble: failure with an adverse effect that was not significant, which the "
        "remedies guidance puts at £100 to £600.",
        "It affected the resident for 12 months (up to a year), which places it at the middle of "
        "the band: £350.",
        "This is for chasing repairs.",
    )


def test_vulnerability_multiplies_only_the_heads_the_policy_names():
    distress = suggest_item(
        MATRIX, Item("distress_inconvenience", "adverse_effect", 12, True), "autism"
    )
    assert distress.amount == Decimal(420)
    assert (
        "includes a vulnerable person (autism)" in distress.text
        and "£350 × 1.2 = £420" in distress.text
    )
    trouble = suggest_item(MATRIX, Item("time_trouble", "adverse_effect", 12, True))
    assert trouble.amount == Decimal(350)
    assert "vulnerable" not in trouble.text


def test_rounding_is_explained():
    s = suggest_item(MATRIX, Item("distress_inconvenience", "adverse_effect", 2, True))
    # £150 x 1.2 = £180 (no rounding); 6 months in 'severe': 1000 + 400 = 1400 x 1.2 = 1680.
    assert s.amount == Decimal(180) and "Rounded" not in s.text
    odd = suggest_item(MATRIX, Item("distress_inconvenience", "significant", 3, True))
    # 600 + 40 = 640 x 1.2 = 768 -> 770
    assert odd.amount == Decimal(770)
    assert "Rounded to the nearest £10: £770." in odd.lines


def test_actual_costs_are_reimbursed_as_evidenced():
    s = suggest_item(MATRIX, Item("costs", amount=Decimal("85.50"), note="door bolts bought"))
    assert s.amount == Decimal("85.50")
    assert s.lines[0].startswith("Costs: £85.50 for door bolts bought. This reimburses")


def test_already_offered_is_taken_off():
    s = suggest_item(
        MATRIX, Item("time_trouble", "adverse_effect", 12, already_offered=Decimal(50))
    )
    assert (s.amount, s.further) == (Decimal(350), Decimal(300))
    covered = suggest_item(
        MATRIX, Item("time_trouble", "adverse_effect", 0, already_offered=Decimal(200))
    )
    assert covered.further == 0
    assert covered.lines[-1] == "The £200 already offered covers this; nothing further."


def test_total_is_explained():
    calc = suggest(
        MATRIX,
        [Item("time_trouble", "adverse_effect", 12), Item("costs", amount=Decimal(40))],
    )
    assert calc.total == Decimal(390)
    assert calc.text.endswith("In total: £350 + £40 = £390.")


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (Item("goodwill", "adverse_effect", 1), "head must be one of"),
        (Item("time_trouble", None, 1), "severity is needed"),
        (Item("time_trouble", "catastrophic", 1), "severity must be one of"),
        (Item("time_trouble", "adverse_effect", None), "months must be a whole number"),
        (Item("time_trouble", "adverse_effect", -1), "months must be a whole number"),
        (Item("costs"), "amount is needed"),
        (Item("costs", amount=Decimal(-1)), "cannot be negative"),
    ],
)
def test_answers_the_calculator_cannot_use(item, message):
    with pytest.raises(CompensationError, match=message):
        suggest_item(MATRIX, item)


def test_a_head_twice_is_refused():
    with pytest.raises(CompensationError, match="appears twice"):
        suggest(MATRIX, [Item("costs", amount=Decimal(1)), Item("costs", amount=Decimal(2))])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("£1,200", Decimal("1200.00")),
        ("12.5", Decimal("12.50")),
        (0, Decimal("0.00")),
        (7, Decimal("7.00")),
    ],
)
def test_amounts_accepted(value, expected):
    assert to_amount(value) == expected


@pytest.mark.parametrize("value", ["-5", "fifty", "", None, True, "1.234", "nan", "inf"])
def test_amounts_refused(value):
    with pytest.raises(CompensationError):
        to_amount(value)


def test_money_words():
    assert (money(1200), money(Decimal("12.5")), money(0)) == ("£1,200", "£12.50", "£0")


# -- the ledger --------------------------------------------------------------------------------------------------


def comp(*pairs):
    return [{"head": h, "amount": a} for h, a in pairs]


def test_ledger_offers_are_additional_and_orders_are_totals():
    events = history(
        E(
            "k3",
            "2025-06-18T10:00",
            "complaint_response",
            compensation=comp(("distress_inconvenience", 200)),
        ),
        E(
            "k6",
            "2025-07-23T10:00",
            "complaint_response",
            stage=2,
            compensation=comp(("distress_inconvenience", 500), ("complaint_handling", 50)),
        ),
        E("d1", "2025-07-30T10:00", "compensation_decision", accepted=False),
        E(
            "om1",
            "2025-09-01T10:00",
            "ombudsman_order",
            due="2025-09-29",
            compensation=comp(("distress_inconvenience", 1200), ("complaint_handling", 150)),
        ),
        E(
            "p1",
            "2025-09-10T10:00",
            "compensation_paid",
            compensation=comp(("distress_inconvenience", 1200)),
        ),
    )
    ledger = build_ledger(events)
    assert ledger.columns() == ["stage_1", "stage_2", "accepted", "ordered", "paid"]
    assert ledger.total_offered() == Decimal(750)
    assert ledger.total_offered("distress_inconvenience") == Decimal(700)
    assert (ledger.decision, ledger.accepted) == ("declined", None)
    assert ledger.owed("distress_inconvenience") == Decimal(1200)
    assert ledger.outstanding("distress_inconvenience") == 0
    assert ledger.outstanding("complaint_handling") == Decimal(150)
    assert ledger.cell(None, "ordered") == Decimal(1350)
    assert ledger.heads() == ["distress_inconvenience", "complaint_handling"]


def test_ledger_acceptance_makes_the_offer_owed():
    events = history(
        E("k3", "2025-06-18T10:00", "complaint_response", compensation=comp(("time_trouble", 50))),
        E("d1", "2025-06-20T10:00", "compensation_decision", accepted=True),
    )
    ledger = build_ledger(events)
    assert ledger.decision == "accepted"
    assert ledger.cell("time_trouble", "accepted") == Decimal(50)
    assert ledger.outstanding("time_trouble") == Decimal(50)
    assert not ledger.empty
    assert build_ledger([]).empty
