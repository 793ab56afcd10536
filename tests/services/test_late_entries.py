"""Late entries: the back-dated acknowledgement merged into seed 001 shows it was recorded late,
in the case view, the export, a re-import elsewhere and the audit."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from app.services.auditing import audit_case, audit_document
from app.services.bundles import export_bundle, import_bundle
from app.services.cases import get_case, record_event
from app.services.workspace import Actor, Workspace
from app.store.database import open_database
from app.store.policies import PolicyRegistry

AS_OF = dt.date(2025, 6, 24)
BACKDATED_ACK = {
    "id": "k1a",
    "at": "2024-07-30T10:00:00+01:00",
    "type": "complaint_ack",
    "summary": "Stage 1 complaint acknowledged.",
    "stage": 1,
    "by": "m.fleming",
}


def merge(ws, seed001_doc, *events) -> None:
    doc = copy.deepcopy(seed001_doc)
    doc["events"] = [copy.deepcopy(e) for e in events]
    assert import_bundle(ws, doc, merge=True).events_added == len(events)


def codes(ws) -> list[str]:
    return [f.code for f in audit_case(ws, "HX-0001", AS_OF).findings]


def test_a_backdated_acknowledgement_is_shown_as_a_late_entry(ws, seed001_doc):
    import_bundle(ws, seed001_doc)
    assert "COMPLAINT_ACK_LATE" in codes(ws)
    merge(ws, seed001_doc, BACKDATED_ACK)
    assert "COMPLAINT_ACK_LATE" not in codes(ws)  # the finding it removes...

    case = get_case(ws, "HX-0001")
    ack = next(e for e in case.events if e.id == "k1a")
    assert ack.late is not None  # ...leaves a visible trace
    assert ack.late.recorded_at == dt.datetime(2025, 6, 24, 10, tzinfo=dt.UTC)
    assert (ack.late.recorded_by, ack.late.device, ack.late.days) == ("tester", "test-device", 329)
    # the events that came with the case's own import were recorded elsewhere: not judged
    assert [e.id for e in case.events if e.late is not None] == ["k1a"]

    exported = {e["id"]: e for e in export_bundle(ws, "HX-0001")["events"]}
    assert exported["k1a"]["recorded"] == {
        "at": "2025-06-24T10:00:00+00:00",
        "by": "tester",
        "device": "test-device",
    }
    assert "recorded" not in exported["k1"]  # imported with the case: its export is unchanged


def test_an_entry_recorded_in_time_is_not_late(ws, seed001_doc, clock):
    import_bundle(ws, seed001_doc)
    clock.set("2025-06-24T10:00:00+00:00")
    record_event(
        ws,
        "HX-0001",
        {
            "type": "contact",
            "channel": "phone",
            "direction": "out",
            "by": "r.price",
            "at": "2025-06-22T10:00:00+01:00",
        },
    )
    case = get_case(ws, "HX-0001")
    assert case.events[0].late is None  # two days (the policy's number) is not late
    made_here = [e for e in export_bundle(ws, "HX-0001")["events"] if "recorded" in e]
    assert len(made_here) == 1 and made_here[0]["recorded"]["by"] == "tester"


def test_the_bundles_recording_travels_and_the_import_is_recorded_as_the_importer(
    ws, tmp_path, clock, seed001_doc
):
    import_bundle(ws, seed001_doc)
    merge(ws, seed001_doc, BACKDATED_ACK)
    exported = export_bundle(ws, "HX-0001")

    clock.set("2025-07-01T12:00:00+00:00")
    other = Workspace(open_database(tmp_path / "other.sqlite"), Actor("importer", "pc-2"), clock)
    try:
        import_bundle(other, exported)
        again = {e["id"]: e for e in export_bundle(other, "HX-0001")["events"]}
        # the bundle's value is kept as it came, not replaced by this import
        assert again["k1a"]["recorded"]["by"] == "tester"
        assert again["k1a"]["recorded"]["at"] == "2025-06-24T10:00:00+00:00"
        ack = next(e for e in get_case(other, "HX-0001").events if e.id == "k1a")
        assert ack.recorded_by == "importer"  # this database's own recording: the import
        assert ack.late is not None and ack.late.recorded_by == "tester"
        from sqlalchemy import select

        from app.store.models import AuditLog

        with other.db.read() as s:
            entry = s.scalars(select(AuditLog)).one()
        assert (entry.actor, entry.device, entry.action) == ("importer", "pc-2", "import_bundle")
    finally:
        other.close()


def test_findings_whose_evidence_includes_a_late_entry_say_when_it_was_recorded(ws, seed001_doc):
    import_bundle(ws, seed001_doc)
    late_call = {
        "id": "c99",
        "at": "2025-05-01T10:00:00+01:00",
        "type": "contact",
        "summary": "Resident asked for a call back.",
        "channel": "phone",
        "direction": "in",
        "by": "resident",
        "callback_requested": True,
    }
    merge(ws, seed001_doc, late_call)
    finding = next(f for f in audit_case(ws, "HX-0001", AS_OF).findings if f.events == ("c99",))
    assert finding.code == "CALLBACK_LATE"
    assert finding.detail.endswith("; the contact entry c99 was recorded 54 days later.")
    # the same from the exported bundle, audited without storing it
    report = audit_document(export_bundle(ws, "HX-0001"), PolicyRegistry(), AS_OF)
    assert any(
        f.detail.endswith("the contact entry c99 was recorded 54 days later.")
        for f in report.findings
    )


@pytest.mark.parametrize("days, late", [(340, False), (300, True)])
def test_the_number_of_days_is_the_policys(ws, seed001_doc, days, late):
    from app.store.models import PolicyVersion

    import_bundle(ws, seed001_doc)
    merge(ws, seed001_doc, BACKDATED_ACK)
    policy = ws.registry.get()
    from app.paths import resources_dir

    text = (resources_dir() / "policy" / f"{policy.name}.toml").read_text(encoding="utf-8")
    text = text.replace("late_entry_days = 2", f"late_entry_days = {days}").replace(
        "version = 3", "version = 4"
    )
    with ws.db.write() as s:
        s.add(
            PolicyVersion(
                name=policy.name,
                version=4,
                effective_from=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
                document=text,
                created_by="manager",
            )
        )
    ws.policies_changed()
    ack = next(e for e in get_case(ws, "HX-0001").events if e.id == "k1a")
    assert (ack.late is not None) is late
