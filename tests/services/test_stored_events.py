"""Stored events are read back without re-checking them (``domain.events.stored_event``):
the same ``Event`` the checking path (``build_event``) makes, for every event the demo generator
and the worked examples store — bare dates, amounts, plans and references included."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from app.demo.generator import generate_bundles
from app.domain.events import BundleError, build_event, stored_event
from app.services.bundles import import_bundle
from app.services.convert import case_info_from_row, event_from_row
from app.services.recompute import case_history
from app.services.stream import iter_case_histories
from app.store.models import Case, CaseEvent
from tests.conftest import EXAMPLE, OWN_EXAMPLES
from tests.domain.helpers import load_json


def checked(row: CaseEvent):
    """What reading a row meant before: the row made into a bundle event and checked again."""
    raw = {"id": row.local_id, "at": row.at.isoformat(), "type": row.type, **row.data}
    return build_event(raw, seq=row.seq)


def differences(a, b) -> list:
    """Fields where two events differ (events compare by identity)."""
    return [
        (f.name, getattr(a, f.name), getattr(b, f.name))
        for f in dataclasses.fields(a)
        if getattr(a, f.name) != getattr(b, f.name)
        or type(getattr(a, f.name)) is not type(getattr(b, f.name))
    ]


def test_every_stored_event_reads_back_as_the_checking_path_makes_it(ws):
    example = load_json(OWN_EXAMPLES / EXAMPLE)
    bare = copy.deepcopy(example)  # the same case with every entry given as a bare date
    bare["case"]["ref"] += "-BARE"
    for e in bare["events"]:
        e["at"] = e["at"][:10]
    docs = [example, bare, *generate_bundles(dt.date(2025, 6, 24), 80, 7)]
    for doc in docs:
        import_bundle(ws, doc)
    with ws.db.read() as s:
        rows = s.scalars(select(CaseEvent)).all()
        assert len(rows) > 1000
        kinds = set()
        for row in rows:
            fast = event_from_row(row)
            slow = checked(row)
            assert differences(fast, slow) == [], row.local_id
            kinds.add(row.type)
            if fast.bare:
                kinds.add("bare date")
    assert {
        "contact",
        "complaint_received",
        "asb_report",
        "action_plan_agreed",
        "complaint_response",
        "bare date",
    } <= kinds


def test_a_stored_event_of_an_unknown_type_or_missing_a_required_field_is_refused():
    at = dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC)
    with pytest.raises(BundleError, match="unknown event type"):
        stored_event("e1", at, "no_such_type", {})
    with pytest.raises(BundleError, match="is missing"):
        stored_event("e1", at, "contact", {"summary": "no channel or direction"})


def test_the_whole_database_stream_reads_cases_as_the_orm_does(ws):
    """On SQLite the stream reads cases without the ORM: the same ``CaseInfo`` (resident,
    listed vulnerabilities or none, extras without the bundle's own) and policy as
    ``case_info_from_row`` makes of the ORM's objects, every case once, in reference order."""
    example = load_json(OWN_EXAMPLES / EXAMPLE)
    listed = copy.deepcopy(example)
    listed["case"]["ref"] += "-V"
    listed["case"]["resident"]["vulnerabilities"] = ["hearing loss", "mobility"]
    listed["case"]["resident"]["extra_note"] = {"kept": True}
    listed["bundle_note"] = "kept apart"
    docs = [example, listed, *generate_bundles(dt.date(2025, 6, 24), 30, 3)]
    for doc in docs:
        import_bundle(ws, doc)
    streamed = [h for batch in iter_case_histories(ws, batch=7) for h in batch]
    with ws.db.read() as s:
        cases = {c.ref: c for c in s.scalars(select(Case))}
        assert [h.ref for h in streamed] == sorted(cases)
        for h in streamed:
            assert h.info == case_info_from_row(cases[h.ref]), h.ref
            assert h.policy_name == cases[h.ref].policy_name
            assert [r.local_id for r in h.rows] == [
                r.local_id for r in case_history(s, cases[h.ref])
            ]
    vulnerable = next(h for h in streamed if h.ref == listed["case"]["ref"])
    assert vulnerable.info.resident.vulnerabilities == ("hearing loss", "mobility")
    assert vulnerable.info.resident.extra and "__bundle__" not in vulnerable.info.extra
