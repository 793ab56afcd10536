"""`doorstep` commands exactly as CLI.md specifies, including exit codes and edge rules."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from tests.conftest import EXAMPLE, OWN_EXAMPLES
from tests.conftest import EXAMPLE_AUDIT as EXAMPLE_AUDIT_FILE

EXAMPLE_AUDIT = ["audit", "--as-of", "2025-09-01", "--json"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["due", "2025-12-19", "5"], "2025-12-30"),
        (["due", "2025-12-19", "0"], "2025-12-19"),
        (["due", "2024-07-29", "5"], "2024-08-05"),
        (["wd", "2023-11-06", "2023-11-28"], "16"),
        (["wd", "2024-09-15", "2025-02-13"], "106"),
        (["wd", "2025-01-21", "2025-01-29"], "6"),
        (["wd", "2025-02-13", "2024-09-15"], "-106"),
        (["due", "2025-12-19", "5", "--policy", "hexagon-4-stage"], "2025-12-30"),
    ],
)
def test_due_and_wd(capsys, argv, expected):
    code, out, err = run(capsys, *argv)
    assert (code, out.strip(), err) == (0, expected, "")


@pytest.mark.parametrize(
    "argv",
    [
        ["due", "2025-12-19", "-1"],
        ["due", "2025-12-19", "1.5"],
        ["due", "2025-02-30", "1"],
        ["due", "2025-12-19", "5", "--policy", "nope"],
        ["wd", "2025-01-01"],
        ["teleport"],
        ["audit"],
    ],
)
def test_wrong_arguments_exit_2_with_one_sentence(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("doorstep: ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_audit_of_the_worked_example(capsys, examples_dir):
    code, out, _ = run(capsys, *EXAMPLE_AUDIT, str(examples_dir / EXAMPLE))
    expected = json.loads((examples_dir / EXAMPLE_AUDIT_FILE).read_text())
    got = json.loads(out)
    assert code == 1
    assert (got["case"], got["as_of"], got["policy"]) == (
        "EX-ASB-0001",
        "2025-09-01",
        "code-2024@3",
    )
    assert [(f["code"], f["date"], f["events"]) for f in got["findings"]] == [
        (f["code"], f["date"], f["events"]) for f in expected["findings"]
    ]


def test_audit_of_a_compliant_case_exits_0(capsys, tmp_path):
    doc = json.loads((OWN_EXAMPLES / EXAMPLE).read_text())
    doc["events"] = [e for e in doc["events"] if e["id"] in ("c1",)]
    doc["case"]["resident"].pop("vulnerabilities")
    path = tmp_path / "quiet.json"
    path.write_text(json.dumps(doc))
    code, out, _ = run(capsys, "audit", str(path), "--as-of", "2025-09-01")
    assert code == 0
    assert "0 findings" in out


def test_several_bundles_give_a_list(capsys):
    path = str(OWN_EXAMPLES / EXAMPLE)
    code, out, _ = run(capsys, *EXAMPLE_AUDIT, path, path)
    assert code == 1 and isinstance(json.loads(out), list) and len(json.loads(out)) == 2


def test_seed_001_audit_reports_the_ombudsmans_complaint_failures(capsys):
    code, out, _ = run(
        capsys, "audit", "resources/demo/seed-001.json", "--as-of", "2025-06-24", "--json"
    )
    found = {(f["code"], f["date"], tuple(f["events"])) for f in json.loads(out)["findings"]}
    assert code == 1
    assert {
        ("COMPLAINT_ACK_LATE", "2024-08-05", ("k1",)),
        ("COMPLAINT_RESPONSE_LATE", "2024-08-19", ("k1",)),
        ("ESCALATION_IGNORED", "2024-09-20", ("e1",)),
        ("COMPLAINT_RESPONSE_LATE", "2024-10-18", ("e1",)),
    } <= found


def test_import_export_inbox_and_audit_all_against_a_database(capsys, tmp_path):
    db = str(tmp_path / "cases.sqlite")
    example = str(OWN_EXAMPLES / EXAMPLE)
    code, out, _ = run(capsys, "import", example, "resources/demo/seed-001.json", "--db", db)
    assert code == 0 and "Imported HX-0001" in out
    code, _, err = run(capsys, "--db", db, "import", example)
    assert code == 1 and "already exists" in err
    code, out, _ = run(capsys, "export", "HX-0001", "--db", db)
    assert code == 0 and json.loads(out)["case"]["ref"] == "HX-0001"
    code, out, _ = run(capsys, "inbox", "--db", db, "--as-of", "2025-07-01", "--json")
    rows = json.loads(out)
    assert code == 0
    assert [(r["case"], r["deadline"], r["due"], r["wd_left"]) for r in rows] == [
        ("HX-0001", "ombudsman_order", "2025-07-22", 15)
    ]
    code, out, _ = run(capsys, "audit", "--all", "--db", db, "--as-of", "2025-06-24", "--json")
    assert code == 1 and [d["case"] for d in json.loads(out)] == ["EX-ASB-0001", "HX-0001"]


def test_rejected_bundles_exit_1_and_name_the_problem(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    code, _, err = run(capsys, "import", str(bad), "--db", str(tmp_path / "c.sqlite"))
    assert code == 1 and "not valid JSON" in err and "Traceback" not in err
    code, _, err = run(capsys, "audit", str(bad))
    assert code == 1 and "not valid JSON" in err


def test_export_of_unknown_case_and_not_a_database(capsys, tmp_path):
    db = tmp_path / "c.sqlite"
    run(capsys, "import", "resources/demo/seed-001.json", "--db", str(db))
    code, _, err = run(capsys, "export", "NOPE", "--db", str(db))
    assert code == 1 and "no case 'NOPE'" in err
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    code, _, err = run(capsys, "inbox", "--db", str(text))
    assert code == 1 and "not an SQLite file" in err


def test_search_prints_best_first(capsys, tmp_path):
    db = str(tmp_path / "c.sqlite")
    run(capsys, "import", "resources/demo/seed-001.json", "--db", db)
    code, out, _ = run(capsys, "search", "call", "back", "--db", db, "--json")
    hits = json.loads(out)
    assert code == 0 and hits and all(h["case"] == "HX-0001" for h in hits)
    assert "[call] [back]" in hits[0]["snippet"].lower()
    code, out, _ = run(capsys, "search", "nothing-matches-this", "--db", db)
    assert (code, out.strip()) == (0, "No matches.")
