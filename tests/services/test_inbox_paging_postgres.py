"""Keyset paging and the quick filter on PostgreSQL (the tsvector index of migration 0006)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services.inbox import InboxQuery, list_inbox
from app.services.workspace import Actor, open_workspace
from tests.pg import fresh_database, needs_pg
from tests.services.test_inbox_paging import FILTERS, TODAY, check_paging, like, populate

pytestmark = needs_pg


@pytest.fixture(scope="module")
def demo():
    with fresh_database() as url:
        ws = open_workspace(
            url,
            actor=Actor("tester", "pg"),
            clock=lambda: dt.datetime(2025, 6, 24, 9, 0, tzinfo=dt.UTC),
        )
        try:
            populate(ws, n_cases=40)
            yield ws
        finally:
            ws.close()


@pytest.mark.parametrize("filters", FILTERS)
def test_keyset_pages_are_the_offset_pages(demo, filters):
    check_paging(demo, filters)


def test_the_quick_filter_uses_the_index_and_finds_names_and_refs(demo):
    rows = list_inbox(demo, as_of=TODAY)
    row = rows[0]
    surname = row.resident.split()[-1]
    found = {r.ref for r in list_inbox(demo, InboxQuery(text=surname[:3]), as_of=TODAY)}
    assert row.ref in found and found <= like(rows, surname[:3])
    assert [r.ref for r in list_inbox(demo, InboxQuery(text=row.ref), as_of=TODAY)] == [row.ref]
    check_paging(demo, {"text": surname})
