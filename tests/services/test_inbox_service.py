"""The inbox query: soonest deadline first, per officer, countdown in working days."""

from __future__ import annotations

import datetime as dt

from app.services.bundles import import_bundle
from app.services.cases import create_case
from app.services.inbox import list_inbox
from tests.services.conftest import resident_calls


def test_inbox_orders_by_next_due_and_filters_by_officer(ws):
    for ref, officer, at in [
        ("A-1", "a.khan", "2025-06-20T09:00"),
        ("B-1", "b.jones", "2025-06-23T09:00"),
        ("C-1", "a.khan", "2025-06-10T09:00"),
    ]:
        create_case(
            ws,
            ref=ref,
            kind="general",
            officer=officer,
            resident_name="R",
            opened=dt.date(2025, 6, 1),
        )
        resident_calls(ws, ref, at=at)
    create_case(ws, ref="D-1", kind="general", officer="a.khan", resident_name="R")  # nothing due
    rows = list_inbox(ws, as_of=dt.date(2025, 6, 24))
    assert [r.ref for r in rows] == ["C-1", "A-1", "B-1", "D-1"]
    assert [r.wd_left for r in rows] == [-5, 3, 4, None]  # due 17 Jun, 27 Jun, 30 Jun
    assert [r.ref for r in list_inbox(ws, officer="a.khan", as_of=dt.date(2025, 6, 24))] == [
        "C-1",
        "A-1",
        "D-1",
    ]
    assert [r.ref for r in list_inbox(ws, limit=2, offset=1)] == ["A-1", "B-1"]


def test_closed_case_leaves_the_inbox_unless_it_still_owes_something(ws, example_doc, seed001_doc):
    import_bundle(ws, example_doc)  # closed, everything discharged
    import_bundle(ws, seed001_doc)  # closed, Ombudsman order still open
    rows = list_inbox(ws, as_of=dt.date(2025, 7, 1))
    assert [(r.ref, r.status, r.next_kind, r.due) for r in rows] == [
        ("HX-0001", "closed", "ombudsman_order", dt.date(2025, 7, 22))
    ]
