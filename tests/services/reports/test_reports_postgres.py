"""The measures, the weekly pack and a spot check on PostgreSQL (server-side cursors, JSON data,
the spot-check tables of migration 0008) give the SQLite answers."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.bundles import import_bundle
from app.services.reports.common import reporting_year
from app.services.reports.complaints_pack import complaints_pack
from app.services.reports.spotcheck import draw_spot_check, record_item
from app.services.reports.tsm import tsm
from app.services.workspace import Actor, open_workspace
from app.store.models import Officer
from tests.pg import needs_pg
from tests.services.reports import histories
from tests.services.reports.conftest import as_manager
from tests.services.reports.test_complaints_pack import pack_cases

pytestmark = needs_pg


@pytest.fixture
def pg_ws(pg_url, clock):
    clock.set("2026-04-10T10:00:00+00:00")
    ws = open_workspace(pg_url, actor=Actor("tester", "test-device"), clock=clock)
    with ws.db.write() as s:
        for username, role in [
            ("a.khan", "officer"),
            ("r.morgan", "officer"),
            ("p.natarajan", "manager"),
        ]:
            s.add(Officer(username=username, name=username, role=role))
    histories.load(ws)
    for doc in pack_cases():
        import_bundle(ws, doc)
    yield as_manager(ws)
    ws.close()


def test_the_reports_agree_with_sqlite_on_postgresql(pg_ws):
    doc = tsm(pg_ws, reporting_year(dt.date(2025, 6, 1)), homes=1000).to_dict()["measures"]
    assert doc["CH02(1)"]["numerator"] == 2 + 2  # the hand-made two, and P3 and P4 of the pack
    assert doc["NM01(1)"] == {"value": 2.0, "numerator": 2, "denominator": 1000}
    assert doc["RP02(2)"] == {"value": 50.0, "numerator": 1, "denominator": 2}
    pack = complaints_pack(pg_ws, dt.date(2025, 6, 18))
    assert [(e.ref, e.new_due) for e in pack.extensions] == [("P3", dt.date(2025, 6, 30))]
    assert [o.ref for o in pack.orders] == ["P3"]
    check = draw_spot_check(pg_ws, 100, seed=9)
    again = draw_spot_check(pg_ws, 100, seed=9)
    assert [i.ref for i in check.items] == [i.ref for i in again.items]
    item = check.items[0]
    done = record_item(
        pg_ws,
        item.id,
        item.version,
        {
            "balanced_investigation": "pass",
            "report_writing": "pass",
            "professional_letters": "pass",
        },
    )
    assert done.completed_by == "p.natarajan"
