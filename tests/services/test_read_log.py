"""Reading a case is recorded in the trail when the policy says so — who, when, which case, and
never what was read."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.errors import PermissionDenied
from app.services.bundles import export_bundle, import_bundle
from app.services.cases import get_case
from app.services.policies import save_read_logging
from app.store.models import AuditLog, Officer
from tests.services.conftest import act_as


def reads(ws) -> list[tuple[str, str, str]]:
    with ws.db.read() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action.like("case_%ed"))).all()
        return [(r.action, r.entity_id, r.actor) for r in rows if r.action != "case_reassigned"]


def turn_on_read_log(ws) -> None:
    with ws.db.write() as s:
        s.add(Officer(username="boss", name="B. Oss", role="manager"))
    act_as(ws, "boss")
    assert save_read_logging(ws, "code-2024", True).log_case_reads
    act_as(ws, "tester")


def test_reads_are_not_logged_by_the_shipped_policy(ws, example_doc):
    import_bundle(ws, example_doc)
    get_case(ws, "EX-ASB-0001")
    export_bundle(ws, "EX-ASB-0001")
    assert reads(ws) == []


def test_a_policy_that_says_so_records_each_opening_and_export(ws, example_doc):
    import_bundle(ws, example_doc)
    turn_on_read_log(ws)
    get_case(ws, "EX-ASB-0001")
    export_bundle(ws, "EX-ASB-0001")
    assert reads(ws) == [
        ("case_opened", "EX-ASB-0001", "tester"),
        ("case_exported", "EX-ASB-0001", "tester"),
    ]
    with ws.db.read() as s:
        details = [r.detail for r in s.scalars(select(AuditLog)) if r.action.startswith("case_o")]
    resident = example_doc["case"]["resident"]["name"]
    assert resident not in json.dumps(details)


def test_only_a_manager_changes_whether_reads_are_recorded(office):
    act_as(office, "a.khan")
    with pytest.raises(PermissionDenied):
        save_read_logging(office, "code-2024", True)
    assert not office.registry.get().log_case_reads
