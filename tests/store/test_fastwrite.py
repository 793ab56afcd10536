"""``store.fastwrite.insert_many``: on SQLite, rows stored exactly as SQLAlchemy's own bulk
INSERT stores them (same text for ids, instants and JSON), defaults filled as the columns
declare them, and driver errors raised as SQLAlchemy's."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from app.services.cases import create_case
from app.store.base import table_of
from app.store.fastwrite import insert_many
from app.store.models import Case, CaseEvent


def _row(case_id, local_id: str) -> dict:
    at = dt.datetime(2025, 3, 4, 10, 30, 15, 120, tzinfo=dt.UTC)
    return {
        "case_id": case_id,
        "local_id": local_id,
        "seq": 3,
        "type": "contact",
        "at": at,
        "summary": "Rang about the fence — “urgent”",
        "data": {"channel": "phone", "direction": "in", "by": "resident", "n": [1, 2.5, None]},
        "actor": "resident",
        "recorded_at": (at + dt.timedelta(days=2)).astimezone(dt.timezone(dt.timedelta(hours=1))),
        "recorded_by": "tester",
        "device": "dev",
        "origin": "imported",
        "sync_seq": None,
    }


def test_rows_are_stored_as_sqlalchemy_stores_them(ws):
    create_case(ws, ref="FW-1", kind="general", officer="a.khan", resident_name="R One")
    with ws.db.write() as s:
        case_id = s.scalar(select(Case.id).where(Case.ref == "FW-1"))
        table = table_of(CaseEvent)
        s.execute(table.insert(), [_row(case_id, "orm")])
        insert_many(s, table, [_row(case_id, "fast")])
    conn = sqlite3.connect(ws.db.path)
    columns = [c.name for c in table_of(CaseEvent).c if c.name != "id"]
    stored = {
        r[0]: r[1:]
        for r in conn.execute(
            f"SELECT local_id, {', '.join(columns)}, length(id), typeof(id) FROM case_events "
            "WHERE local_id IN ('orm', 'fast')"
        )
    }
    conn.close()
    orm, fast = stored["orm"], stored["fast"]
    keep = [i for i, c in enumerate(columns) if c != "local_id"]
    assert [orm[i] for i in keep] == [fast[i] for i in keep]
    assert fast[-2:] == orm[-2:] == (32, "text")  # the id filled in by the column's default
    with ws.db.read() as s:
        back = s.scalars(select(CaseEvent).where(CaseEvent.local_id == "fast")).one()
        assert back.at == _row(case_id, "x")["at"] and back.data["n"] == [1, 2.5, None]
        assert isinstance(back.id, uuid.UUID) and back.id.version == 7


def test_a_duplicate_is_refused_as_sqlalchemy_refuses_it_and_nothing_else_is_kept(ws):
    create_case(ws, ref="FW-2", kind="general", officer="a.khan", resident_name="R Two")
    with pytest.raises(IntegrityError), ws.db.write() as s:
        case_id = s.scalar(select(Case.id).where(Case.ref == "FW-2"))
        insert_many(s, table_of(CaseEvent), [_row(case_id, "one"), _row(case_id, "one")])
    with ws.db.read() as s:
        assert s.scalar(text("SELECT count(*) FROM case_events WHERE local_id = 'one'")) == 0


def test_nothing_to_insert_does_nothing(ws):
    with ws.db.write() as s:
        insert_many(s, table_of(CaseEvent), [])
