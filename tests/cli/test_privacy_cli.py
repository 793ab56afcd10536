"""`doorstep sar` and `doorstep retention`: exit codes, refusals, no resident details printed."""

from __future__ import annotations

import json
import zipfile

from app.cli import main
from tests.services.letter_helpers import complaint_case
from tests.services.privacy_helpers import close_case, people


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _office(ws, clock):
    complaint_case(ws, clock)  # CMP-7, Ms Jolanta Wiśniewska
    close_case(ws, "CMP-7", "2018-05-01T12:00:00+00:00")
    people(ws)
    clock.set("2025-06-24T10:00:00+00:00")
    return str(ws.db.path)


def test_sar_writes_the_zip_and_refuses_to_overwrite_it(ws, clock, tmp_path, capsys):
    db = _office(ws, clock)
    out = tmp_path / "sar.zip"
    code, text, err = run(capsys, "sar", "CMP-7", "--out", str(out), "--db", db, "--user", "m.lee")
    assert (code, err) == (0, "")
    assert "CMP-7" in text and "Jolanta" not in text and "Wi" not in text
    with zipfile.ZipFile(out) as zf:
        assert "CMP-7/case.json" in zf.namelist()
    code, text, err = run(capsys, "sar", "CMP-7", "--out", str(out), "--db", db, "--user", "m.lee")
    assert code == 2 and "already exists" in err and err.count("\n") == 1


def test_sar_by_an_officer_exits_3_and_an_unknown_name_exits_1(ws, clock, tmp_path, capsys):
    db = _office(ws, clock)
    out = tmp_path / "sar.zip"
    code, _, err = run(capsys, "sar", "CMP-7", "--out", str(out), "--db", db, "--user", "o.ade")
    assert code == 3 and "manager" in err and not out.exists()
    code, _, err = run(
        capsys, "sar", "Nobody Here", "--out", str(out), "--db", db, "--user", "m.lee"
    )
    assert code == 1 and err.startswith("doorstep: ") and "Traceback" not in err


def test_retention_lists_then_deletes_with_a_reason(ws, clock, capsys):
    db = _office(ws, clock)
    code, text, err = run(capsys, "retention", "--json", "--db", db, "--user", "m.lee")
    assert code == 0
    listed = json.loads(text)
    assert [(d["ref"], d["closed_on"], d["due_on"]) for d in listed["due"]] == [
        ("CMP-7", "2018-05-01", "2024-05-01")
    ]
    code, text, _ = run(capsys, "retention", "--as-of", "2024-04-30", "--db", db, "--user", "m.lee")
    assert code == 0 and "No closed case" in text
    code, _, err = run(capsys, "retention", "--delete", "CMP-7", "--db", db, "--user", "m.lee")
    assert code == 2 and "--reason" in err
    code, text, err = run(
        capsys,
        "retention",
        "--delete",
        "CMP-7",
        "--reason",
        "six years passed",
        "--db",
        db,
        "--user",
        "m.lee",
    )
    assert (code, err) == (0, "") and "Deleted 1 case(s): CMP-7" in text
    code, text, _ = run(capsys, "verify-trail", "--db", db, "--user", "m.lee")
    assert code == 0 and "verified" in text
    code, _, err = run(capsys, "export", "CMP-7", "--db", db, "--user", "m.lee")
    assert code == 1 and "no case" in err.lower()


def test_retention_by_an_officer_exits_3(ws, clock, capsys):
    db = _office(ws, clock)
    code, _, err = run(capsys, "retention", "--db", db, "--user", "o.ade")
    assert code == 3 and "manager" in err
