"""`doorstep audit --all` over complaints recorded through the services: every complaint code
with its evidence ids when the seed 001 timeline is replayed, none when it is handled by the book."""

from __future__ import annotations

import json

from app.cli import main
from tests.services.test_complaints_seed001 import replay_as_it_happened, replay_by_the_book


def audit_all(capsys, tmp_path):
    code = main(
        [
            "audit",
            "--all",
            "--db",
            str(tmp_path / "cases.sqlite"),
            "--as-of",
            "2025-06-24",
            "--json",
        ]
    )
    out, err = capsys.readouterr()
    assert err == ""
    return code, json.loads(out)


def test_replayed_failures_are_reported_with_their_evidence(capsys, tmp_path, ws):
    ids = replay_as_it_happened(ws)
    code, (report,) = audit_all(capsys, tmp_path)
    assert code == 1 and report["case"] == "HX-0001"
    found = {(f["code"], f["date"], tuple(f["events"])) for f in report["findings"]}
    assert {
        ("DISSATISFACTION_NOT_OFFERED", "2024-07-23", (ids["c13"],)),
        ("COMPLAINT_ACK_LATE", "2024-08-05", (ids["k1"],)),
        ("CONFLICT_OF_INTEREST", "2024-08-08", (ids["c17"],)),
        ("COMPLAINT_RESPONSE_LATE", "2024-08-19", (ids["k1"],)),
        ("EXTENSION_NOT_NOTIFIED", "2024-08-19", (ids["k1"],)),
        ("ESCALATION_IGNORED", "2024-09-20", (ids["e1"],)),
        ("COMPLAINT_RESPONSE_LATE", "2024-10-18", (ids["e1"],)),
    } <= found


def test_by_the_book_audits_clean(capsys, tmp_path, ws):
    replay_by_the_book(ws)
    code, (report,) = audit_all(capsys, tmp_path)
    assert (code, report["findings"]) == (0, [])
