"""The ASB case view reads a fixed number of statements, however many same-named residents
there are, and finds the household's cases through the normalised-name index (issue 12 item 5)."""

from __future__ import annotations

import contextlib
import datetime as dt

from sqlalchemy import event

from app.services import asb
from app.services.cases import create_case


@contextlib.contextmanager
def statements(ws):
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(ws.db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(ws.db.engine, "before_cursor_execute", record)


def asb_case(ws, ref: str, name: str, address: str) -> None:
    create_case(
        ws,
        ref=ref,
        kind="asb",
        officer="k.mensah",
        resident_name=name,
        address=address,
        opened=dt.date(2025, 6, 2),
    )


def reports(ws, ref: str, n: int) -> None:
    for i in range(n):
        asb.report_asb(
            ws,
            ref,
            incident_type="noise",
            summary=f"Music at night ({i})",
            at=dt.datetime(2025, 6, 2 + i, 22, 0),
        )


def view_statements(ws, ref: str) -> list[tuple[str, object]]:
    ws.forget()
    with statements(ws) as seen:
        view = asb.asb_view(ws, ref)
    assert view is not None
    return seen


def test_the_asb_view_does_not_read_once_per_same_named_resident(ws):
    asb_case(ws, "ASB-1", "Ms Ada Obi", "4 Elm Row")
    reports(ws, "ASB-1", 5)
    asb_case(ws, "ASB-2", "Ms  Ada OBI", "9 Oak Lane")  # same name, another household
    few = len(view_statements(ws, "ASB-1"))
    for i in range(3, 15):
        asb_case(ws, f"ASB-{i}", "ms ada obi", f"{i} Birch Close")
    assert len(view_statements(ws, "ASB-1")) == few


def test_the_household_is_found_through_the_normalised_name_index(ws):
    asb_case(ws, "ASB-1", "Ms Ada Obi", "4 Elm Row")
    asb_case(ws, "ASB-2", "MS ADA  OBI", "4 elm row")  # the same household, typed differently
    asb_case(ws, "ASB-3", "Ms Ada Obi", "7 Elm Row")  # the same name elsewhere
    reports(ws, "ASB-1", 2)
    reports(ws, "ASB-2", 1)
    seen = view_statements(ws, "ASB-1")
    lookup = [(sql, p) for sql, p in seen if "replace(lower(residents.name)" in sql]
    assert lookup, "the household lookup ran"
    sql, params = lookup[0]
    with ws.db.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
    assert any("ix_residents_name_key" in str(row) for row in plan), plan
    review = asb.case_review_status(ws, "ASB-1")
    assert sorted({r for r, _ in review.reports}) == ["ASB-1", "ASB-2"]
