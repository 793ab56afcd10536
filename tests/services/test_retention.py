"""Retention: closed cases past the policy's years are listed, and a manager's confirmed deletion
removes their content through the one audited path, leaving a trail entry without it."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app.domain.policy import PolicyError, parse_policy
from app.domain.retention import retention_ends
from app.errors import NotFound, PermissionDenied, ValidationError
from app.services.attachments import add_attachment, blob_path
from app.services.cases import create_case
from app.services.retention import delete_cases, retention_due
from app.services.search import search
from app.services.trail import verify_trail
from app.store.models import (
    AuditLog,
    Case,
    CaseEvent,
    DeadlineRow,
    Resident,
    SpotCheck,
    SpotCheckItem,
    Vulnerability,
)
from app.store.policies import shipped_documents
from tests.services.conftest import resident_calls
from tests.services.privacy_helpers import act_as, close_case, people

SECRET = "Rumbling pipes at number forty"  # a summary that must leave with its case


def _case(ws, ref, kind, opened, closed=None, name=None):
    create_case(
        ws,
        ref=ref,
        kind=kind,
        officer="a.khan",
        resident_name=name or f"Resident of {ref}",
        vulnerabilities=["hard of hearing"],
        opened=opened,
    )
    resident_calls(ws, ref, f"{SECRET} ({ref})", f"{opened.isoformat()}T10:00:00+00:00")
    if closed is not None:
        close_case(ws, ref, f"{closed.isoformat()}T12:00:00+00:00")


@pytest.fixture
def archive(ws, clock, tmp_path):
    """Clock Tue 24 Jun 2025. general keeps 2 years, asb 6."""
    _case(ws, "GEN-OLD", "general", dt.date(2021, 3, 1), closed=dt.date(2022, 1, 10))
    _case(ws, "GEN-EDGE", "general", dt.date(2023, 3, 1), closed=dt.date(2023, 6, 24))
    _case(ws, "GEN-NEW", "general", dt.date(2023, 3, 1), closed=dt.date(2023, 6, 26))
    _case(ws, "ASB-OLD", "asb", dt.date(2021, 3, 1), closed=dt.date(2022, 1, 10))
    _case(ws, "GEN-OPEN", "general", dt.date(2019, 3, 1))
    photo = tmp_path / "letterbox.jpg"
    photo.write_bytes(b"a photo only GEN-OLD has" * 50)
    add_attachment(ws, "GEN-OLD", photo)
    people(ws)
    return act_as(ws, "m.lee")


def test_the_policy_gives_years_per_kind_and_refuses_a_bad_value():
    doc = dict(shipped_documents()["code-2024"][1])
    policy = parse_policy(doc, "code-2024.toml")
    assert dict(policy.retention_years) == {
        "asb": 6,
        "complaint": 6,
        "general": 2,
        "repair": 6,
        "arrears": 6,
    }
    with pytest.raises(PolicyError, match="retention.general: must be between 1 and 100"):
        parse_policy({**doc, "retention": {**doc["retention"], "general": 0}}, "x.toml")
    with pytest.raises(PolicyError, match="retention.arrears: is missing"):
        parse_policy(
            {**doc, "retention": {k: v for k, v in doc["retention"].items() if k != "arrears"}},
            "x.toml",
        )
    assert retention_ends(dt.date(2024, 2, 29), 2) == dt.date(2026, 2, 28)


def test_only_closed_cases_past_their_time_are_listed(archive):
    listed = retention_due(archive)
    assert [(d.ref, d.kind, d.closed_on, d.due_on) for d in listed.due] == [
        ("GEN-OLD", "general", dt.date(2022, 1, 10), dt.date(2024, 1, 10)),
        ("GEN-EDGE", "general", dt.date(2023, 6, 24), dt.date(2025, 6, 24)),
    ]
    later = retention_due(archive, as_of=dt.date(2028, 1, 10))
    assert [d.ref for d in later.due] == ["GEN-OLD", "GEN-EDGE", "GEN-NEW", "ASB-OLD"]


def test_an_officer_may_neither_list_nor_delete(archive):
    act_as(archive, "o.ade")
    with pytest.raises(PermissionDenied, match="manager"):
        retention_due(archive)
    with pytest.raises(PermissionDenied, match="manager"):
        delete_cases(archive, ["GEN-OLD"], "retention period over")


def test_deleting_removes_the_content_and_leaves_a_trail_entry_without_it(archive):
    ws = archive
    with ws.db.read() as s:
        case = s.scalar(select(Case).where(Case.ref == "GEN-OLD"))
        case_id, resident_id = case.id, case.resident_id
        sha = s.scalar(text("SELECT sha256 FROM attachments")).strip()
    assert blob_path(ws, sha).is_file()
    assert {h.ref for h in search(ws, "rumbling pipes")} >= {"GEN-OLD"}

    result = delete_cases(ws, ["GEN-OLD"], "Retention period over (policy code-2024)")
    assert result.deleted == ("GEN-OLD",) and result.files == 1

    with ws.db.read() as s:
        for model, column in (
            (CaseEvent, CaseEvent.case_id),
            (DeadlineRow, DeadlineRow.case_id),
            (Case, Case.id),
        ):
            assert s.scalar(select(func.count()).select_from(model).where(column == case_id)) == 0
        assert s.get(Resident, resident_id) is None
        assert (
            s.scalar(
                select(func.count())
                .select_from(Vulnerability)
                .where(Vulnerability.resident_id == resident_id)
            )
            == 0
        )
        assert s.scalar(text("SELECT count(*) FROM attachments")) == 0
        assert s.scalar(text("SELECT count(*) FROM retention_delete")) == 0
        entry = s.scalars(select(AuditLog).order_by(AuditLog.seq.desc())).first()
        assert (entry.action, entry.entity, entry.entity_id) == ("case_deleted", "case", "GEN-OLD")
        assert entry.detail["kind"] == "general"
        assert entry.detail["reason"] == "Retention period over (policy code-2024)"
        dumped = json.dumps(entry.detail).casefold()
        assert "rumbling" not in dumped and "resident of" not in dumped and "hearing" not in dumped
    assert not blob_path(ws, sha).exists()
    assert "GEN-OLD" not in {h.ref for h in search(ws, "rumbling pipes")}
    assert "GEN-OLD" not in {h.ref for h in search(ws, "GEN-OLD")}
    assert {h.ref for h in search(ws, "rumbling pipes")} >= {"ASB-OLD", "GEN-NEW"}
    assert verify_trail(ws).ok
    assert [d.ref for d in retention_due(ws).due] == ["GEN-EDGE"]


def test_ordinary_deletes_are_still_refused_even_with_a_marker_on_an_open_case(archive):
    ws = archive
    delete_cases(ws, ["GEN-OLD"], "retention period over")
    conn = sqlite3.connect(ws.db.path)
    try:
        before = conn.execute("SELECT count(*) FROM case_events").fetchone()
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM case_events")
        conn.rollback()
        open_id = conn.execute("SELECT id FROM cases WHERE ref = 'GEN-OPEN'").fetchone()[0]
        conn.execute("INSERT INTO retention_delete(case_id) VALUES (?)", (open_id,))
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM case_events WHERE case_id = ?", (open_id,))
        conn.rollback()
        assert conn.execute("SELECT count(*) FROM case_events").fetchone() == before
    finally:
        conn.close()
    with ws.db.engine.connect() as c, pytest.raises(DBAPIError, match="append-only"):
        c.exec_driver_sql("DELETE FROM case_events")  # through Doorstep's own connection too


def test_a_case_not_due_or_unknown_is_refused_and_nothing_is_deleted(archive):
    ws = archive
    with pytest.raises(ValidationError, match="GEN-NEW is not closed past its retention"):
        delete_cases(ws, ["GEN-OLD", "GEN-NEW"], "retention period over")
    with pytest.raises(ValidationError, match="GEN-OPEN"):
        delete_cases(ws, ["GEN-OPEN"], "retention period over")
    with pytest.raises(NotFound, match="NOPE-1"):
        delete_cases(ws, ["GEN-OLD", "NOPE-1"], "retention period over")
    with pytest.raises(ValidationError, match="reason"):
        delete_cases(ws, ["GEN-OLD"], "   ")
    assert [d.ref for d in retention_due(ws).due] == ["GEN-OLD", "GEN-EDGE"]


def test_a_file_another_case_still_uses_is_kept(archive, tmp_path):
    ws = archive
    act_as(ws, "m.lee")
    shared = tmp_path / "shared.pdf"
    shared.write_bytes(b"%PDF a leaflet both cases were sent" * 20)
    add_attachment(ws, "GEN-OLD", shared)
    add_attachment(ws, "GEN-EDGE", shared)
    result = delete_cases(ws, ["GEN-OLD"], "retention period over")
    assert result.files == 1  # the photo only GEN-OLD had; the leaflet stays for GEN-EDGE
    with ws.db.read() as s:
        sha = s.scalar(text("SELECT sha256 FROM attachments")).strip()
    assert blob_path(ws, sha).is_file()
    assert delete_cases(ws, ["GEN-EDGE"], "retention period over").files == 1
    assert not blob_path(ws, sha).exists()


def test_a_case_handed_over_from_the_team_view_can_still_be_deleted(archive):
    """The hand-over's "new to you" mark (case_handovers) goes with its case."""
    from app.services.team import reassign_cases
    from app.store.models import CaseHandover

    reassign_cases(archive, ["GEN-EDGE"], "o.ade")
    with archive.db.read() as s:
        assert s.scalar(select(func.count()).select_from(CaseHandover)) == 1
    assert delete_cases(archive, ["GEN-EDGE"], "Retention period over").deleted == ("GEN-EDGE",)
    with archive.db.read() as s:
        assert s.scalar(select(func.count()).select_from(CaseHandover)) == 0


def test_a_spot_checked_case_goes_with_its_checklist(archive):
    """A case sampled while it was live keeps no checklist row (with the manager's comments)
    behind it, and the row does not stop the deletion."""
    ws = archive
    with ws.db.write() as s:
        case = s.scalar(select(Case).where(Case.ref == "GEN-OLD"))
        check = SpotCheck(
            drawn_by="m.lee", as_of=dt.date(2021, 6, 1), percent=10, seed=1, population=1
        )
        s.add(check)
        s.flush()
        s.add(
            SpotCheckItem(
                spot_check_id=check.id,
                position=0,
                case_id=case.id,
                case_ref="GEN-OLD",
                officer="a.khan",
                auto={},
                quality={},
                comments=SECRET,
            )
        )
    assert delete_cases(ws, ["GEN-OLD"], "Retention period over").deleted == ("GEN-OLD",)
    with ws.db.read() as s:
        assert s.scalar(select(func.count()).select_from(SpotCheckItem)) == 0
        assert s.scalar(select(func.count()).select_from(SpotCheck)) == 1
