"""Bundles carrying every hazard and possession event round-trip through import and export,
and the audit of the imported case reports Awaab's Law failures (issue 17)."""

from __future__ import annotations

import datetime as dt

from app.services.auditing import audit_case
from app.services.bundles import export_bundle, import_bundle
from tests.services.test_bundles import assert_same_bundle


def hazard_bundle() -> dict:
    def ev(eid, at, etype, **fields):
        return {"id": eid, "at": at, "type": etype, "summary": etype.replace("_", " "), **fields}

    return {
        "format": "doorstep-case/1",
        "case": {
            "ref": "HZ-0001",
            "kind": "arrears",
            "opened": "2026-03-02",
            "officer": "k.mensah",
            "resident": {"name": "Ms Invented Example"},
        },
        "events": [
            ev("hz1", "2026-03-02T10:00:00+00:00", "hazard_reported", hazard="damp_mould",
               category="significant", channel="phone", by="resident", location="Bathroom"),
            ev("hi1", "2026-03-18T10:00:00+00:00", "hazard_investigated", answers="hz1",
               by="k.mensah", category="significant", finding="Black mould on two walls"),
            ev("hs1", "2026-03-19T10:00:00+00:00", "hazard_summary_sent", answers="hz1",
               channel="letter"),
            ev("ms1", "2026-03-20T10:00:00+00:00", "hazard_made_safe", answers="hz1", by="k.mensah"),
            ev("aa1", "2026-03-20T11:00:00+00:00", "alternative_accommodation", answers="hz1",
               offered=True, accepted=False),
            ev("ws1", "2026-03-23T10:00:00+00:00", "hazard_works_started", answers="hz1",
               job="Extractor fan"),
            ev("wd1", "2026-03-25T10:00:00+00:00", "hazard_works_done", answers="hz1",
               job="Extractor fan"),
            ev("ac1", "2026-04-01T10:00:00+00:00", "arrears_check", by="k.mensah",
               result="Payments posted; evidence considered"),
            ev("pa1", "2026-04-02T10:00:00+00:00", "possession_approved", by="h.ward",
               answers="ac1"),
            ev("n1", "2026-04-03T10:00:00+00:00", "nosp_served", by="k.mensah",
               approved_by="h.ward"),
        ],
    }  # fmt: skip


def test_every_new_event_type_round_trips(ws):
    doc = hazard_bundle()
    result = import_bundle(ws, doc)
    assert result.events_added == len(doc["events"])
    assert_same_bundle(doc, export_bundle(ws, "HZ-0001"))


def test_the_audit_of_an_imported_case_reports_the_late_investigation(ws):
    import_bundle(ws, hazard_bundle())
    codes = [f.code for f in audit_case(ws, "HZ-0001", dt.date(2026, 9, 1)).findings]
    assert codes == ["HAZARD_INVESTIGATION_LATE"]
