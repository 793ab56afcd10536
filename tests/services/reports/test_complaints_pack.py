"""The weekly complaints pack on hand-made complaints (week Mon 16 – Sun 22 Jun 2025, judged on
Thu 19 Jun 2025 while the week is still running)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.errors import PermissionDenied
from app.letters.document import Organisation
from app.letters.reports_pdf import pack_pdf
from app.services.bundles import import_bundle
from app.services.reports.complaints_pack import complaints_pack, csv_text, pack_rows
from tests.services.conftest import act_as
from tests.services.letter_helpers import pdf_text
from tests.services.reports.conftest import as_manager
from tests.services.reports.histories import ack, bundle, extension, received, response

ORG = Organisation(
    "Hexagon Housing", ("130-154 Hexagon House", "London SE1 1AA"), "0300 123", "", ""
)


def pack_cases() -> list[dict]:
    paid = {
        "at": "2025-06-19T09:30",
        "type": "compensation_paid",
        "compensation": [{"head": "distress_inconvenience", "amount": 150}],
        "reference": "BACS 4471",
    }
    offer = response("2025-06-18")
    offer["compensation"] = [
        {"head": "distress_inconvenience", "amount": 100},
        {"head": "complaint_handling", "amount": 50},
    ]
    offer["lessons"] = "Check the repair log before replying"
    order = {
        "at": "2025-06-17",
        "type": "ombudsman_order",
        "due": "2025-07-10",
        "text": "Apologise in writing",
    }
    return [
        # response due Tue 17 Jun, never sent: a breach this week, and overdue
        bundle("P1", "complaint", "2025-06-02", [received("2025-06-02"), ack("2025-06-03")]),
        # new this week, acknowledgement due Mon 23 Jun
        bundle("P2", "complaint", "2025-06-16", [received("2025-06-16")], officer="r.morgan"),
        # extended this week (before its due date), answered with compensation and a lesson
        bundle(
            "P3",
            "complaint",
            "2025-06-04",
            [
                received("2025-06-04"),
                ack("2025-06-05"),
                extension("2025-06-17", "2025-06-30"),
                offer,
                paid,
                order,
            ],
        ),
        # acknowledged and answered last week: nothing this week
        bundle(
            "P4",
            "complaint",
            "2025-06-10",
            [
                received("2025-06-10"),
                ack("2025-06-11"),
                response("2025-06-12"),
            ],
        ),
    ]


@pytest.fixture
def pack_ws(manager_ws, clock):
    clock.set("2025-06-19T15:00:00+00:00")
    for doc in pack_cases():
        import_bundle(manager_ws, doc)
    return as_manager(manager_ws)


def test_the_pack_lists_what_the_meeting_needs(pack_ws):
    pack = complaints_pack(pack_ws, dt.date(2025, 6, 18))
    assert (pack.week.start, pack.week.end, pack.as_at) == (
        dt.date(2025, 6, 16),
        dt.date(2025, 6, 22),
        dt.date(2025, 6, 19),
    )
    assert [(c.ref, c.stage, c.due, c.days_left) for c in pack.open] == [
        ("P1", 1, dt.date(2025, 6, 17), -2),
        ("P2", 1, dt.date(2025, 6, 23), 2),
    ]
    assert [(b.ref, b.due, b.outcome) for b in pack.breaches] == [
        ("P1", dt.date(2025, 6, 17), "not sent")
    ]
    assert [(e.ref, e.new_due) for e in pack.extensions] == [("P3", dt.date(2025, 6, 30))]
    assert [(e.ref, e.day) for e in pack.new] == [("P2", dt.date(2025, 6, 16))]
    assert pack.offered_total == Decimal("150") and pack.paid_total == Decimal("150")
    assert [e.detail for e in pack.lessons] == ["Check the repair log before replying"]
    assert [(o.ref, o.due, o.text) for o in pack.orders] == [
        ("P3", dt.date(2025, 7, 10), "Apologise in writing")
    ]
    assert dict(pack.summary())["Open complaints"] == "2 (stage 1: 2)"


def test_a_finished_week_is_judged_at_its_end(pack_ws):
    pack = complaints_pack(pack_ws, dt.date(2025, 6, 9))  # week of 9 Jun, before P1 was due
    assert pack.as_at == dt.date(2025, 6, 15)
    assert pack.breaches == ()
    assert [e.ref for e in pack.new] == ["P4"]


def test_the_csv_and_the_pdf_carry_every_section(pack_ws):
    pack = complaints_pack(pack_ws, dt.date(2025, 6, 18))
    rows = pack_rows(pack)
    assert rows[0][0] == "section"
    assert sorted({r[0] for r in rows[1:]}) == [
        "breach",
        "extension",
        "lesson",
        "new",
        "offered",
        "open",
        "order",
        "paid",
    ]
    assert "paid,P3,a.khan,,2025-06-19,,,150.00,BACS 4471" in csv_text(rows)
    assert "offered,P3,a.khan,1,2025-06-18,,,150.00" in csv_text(rows)
    text = pdf_text(pack_pdf(pack, ORG))
    for words in (
        "Weekly complaints pack",
        "Hexagon Housing",
        "Breaches this week (1)",
        "Apologise in writing",
        "£150.00",
        "Page 1 of",
    ):
        assert words in text


def test_a_csv_cell_never_runs_as_a_formula():
    assert csv_text([("=HYPERLINK(1)", "-2", "+x")]) == "'=HYPERLINK(1),-2,'+x\n"


def test_officers_may_not_produce_the_pack(pack_ws):
    act_as(pack_ws, "a.khan")
    with pytest.raises(PermissionDenied):
        complaints_pack(pack_ws, dt.date(2025, 6, 18))
