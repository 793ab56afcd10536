"""A case's letter numbers REF/n are given once (issue 10 item 4): a unique (case, number)
index in the database, and a letter that lost the race for a number is numbered again."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.errors import ConflictError
from app.letters import letters as L
from app.services.workspace import Actor, Workspace
from app.store.database import open_database
from app.store.models import Case, Letter
from tests.pg import skip_without_pg
from tests.services.letter_helpers import complaint_case


def _numbers(ws) -> list[int]:
    with ws.db.read() as s:
        return sorted(s.scalars(select(Letter.number)).all())


def test_the_database_refuses_a_second_letter_with_the_same_number(ws, clock):
    complaint_case(ws, clock)
    first = L.create_letter(ws, "CMP-7", "apology")
    assert first.summary.number == 1 and _numbers(ws) == [1]
    with pytest.raises(IntegrityError), ws.db.write() as s:
        case = s.scalar(select(Case).where(Case.ref == "CMP-7"))
        s.add(Letter(case_id=case.id, template="apology", number=1, content={"number": 1}))
        s.flush()
    assert _numbers(ws) == [1]


def test_a_letter_that_lost_its_number_is_numbered_again(ws, clock, monkeypatch):
    complaint_case(ws, clock)
    L.create_letter(ws, "CMP-7", "apology")
    real = L.next_number
    calls = []

    def stale(s, case):  # the first read misses the letter just written by someone else
        calls.append(1)
        return 1 if len(calls) == 1 else real(s, case)

    monkeypatch.setattr(L, "next_number", stale)
    second = L.create_letter(ws, "CMP-7", "complaint_ack_stage1")
    assert second.summary.number == 2 and second.context.reference == "CMP-7/2"
    assert len(calls) == 2 and _numbers(ws) == [1, 2]


def test_a_number_that_can_never_be_had_is_one_sentence(ws, clock, monkeypatch):
    complaint_case(ws, clock)
    L.create_letter(ws, "CMP-7", "apology")
    monkeypatch.setattr(L, "next_number", lambda s, case: 1)
    with pytest.raises(ConflictError, match="letter number was taken"):
        L.create_letter(ws, "CMP-7", "complaint_ack_stage1")
    assert _numbers(ws) == [1]


@pytest.mark.postgres
@skip_without_pg
def test_two_writers_on_postgresql_never_share_a_number(pg_url, clock, monkeypatch):
    setup = Workspace(open_database(pg_url), Actor("tester", "pg"), clock)
    complaint_case(setup, clock)
    real = L.next_number
    both_read = threading.Barrier(2, timeout=30)
    first_read: set[int] = set()

    def read_together(s, case):  # both writers read the next number before either writes
        number = real(s, case)
        me = threading.get_ident()
        if me not in first_read:
            first_read.add(me)
            both_read.wait()
        return number

    monkeypatch.setattr(L, "next_number", read_together)
    made: list[int] = []
    errors: list[BaseException] = []

    def officer(template: str) -> None:
        ws = Workspace(open_database(pg_url), Actor("tester", "pg"), clock)
        try:
            made.append(L.create_letter(ws, "CMP-7", template).summary.number)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            ws.close()

    workers = [
        threading.Thread(target=officer, args=(t,)) for t in ("apology", "complaint_ack_stage1")
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert errors == []
    assert sorted(made) == [1, 2] and _numbers(setup) == [1, 2]
    setup.close()
