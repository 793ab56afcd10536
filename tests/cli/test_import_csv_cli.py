"""`doorstep import-csv FILE --map MAP.toml [--dry-run]`: exit codes, reports, dry run."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "resources" / "import" / "example-export.csv")
EXAMPLE_MAP = str(ROOT / "resources" / "import" / "example-mapping.toml")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_the_example_imports_then_its_refs_are_taken(capsys, tmp_path):
    db = tmp_path / "cases.sqlite"
    code, out, err = run(capsys, "import-csv", EXAMPLE, "--map", EXAMPLE_MAP, "--db", db)
    assert (code, err) == (0, "")
    assert "Read " in out and "CSV, UTF-8, 9 rows." in out
    assert "Imported 9 cases (asb 3, complaint 2, general 1, repair 2, arrears 1)." in out
    assert "officers created: j.bright, p.shah, s.patel" in out
    assert "open contacts: 6 (3 owed a reply, 3 owed a callback)" in out
    assert "Refused no rows." in out
    code, out, err = run(capsys, "import-csv", EXAMPLE, "--map", EXAMPLE_MAP, "--db", db)
    assert code == 1
    assert "Imported 0 cases" in out
    assert "line 2: case 'HX/ASB/0101' is already in the database." in out
    # no resident detail in a report
    assert "Okafor" not in out and "example.org" not in out and "01632" not in out


def test_dry_run_reports_and_writes_nothing(capsys, tmp_path):
    db = tmp_path / "cases.sqlite"
    code, *_ = run(capsys, "import-csv", EXAMPLE, "--map", EXAMPLE_MAP, "--db", db)
    assert code == 0
    export = tmp_path / "more.csv"
    lines = Path(EXAMPLE).read_text(encoding="utf-8").splitlines()
    export.write_text(
        "\n".join(
            [
                lines[0],
                lines[1].replace("HX/ASB/0101", "HX/ASB/0901"),
                lines[2],  # already imported
                lines[3].replace("HX/CMP/0201", "HX/CMP/0902").replace("20/05/2025", "20.05.2025"),
                lines[4].replace("HX/CMP/0202", "HX/CMP/0903").replace("Priya Shah", "Pat New"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    before = dump(db)
    code, out, err = run(
        capsys, "import-csv", export, "--map", EXAMPLE_MAP, "--db", db, "--dry-run"
    )
    assert dump(db) == before
    assert code == 1 and err == ""
    assert "Would create 1 case (asb 1)." in out
    assert "line 3: case 'HX/ASB/0102' is already in the database." in out
    assert (
        "line 4: 'Date Opened' has '20.05.2025', which is not a date in the format %d/%m/%Y." in out
    )
    assert (
        "line 5: 'Case Officer' has 'Pat New', which is not in the mapping's [case.officers]."
        in out
    )
    assert "Dry run: nothing was written." in out


def test_dry_run_against_a_database_not_made_yet_makes_none(capsys, tmp_path):
    db = tmp_path / "new.sqlite"
    code, out, _ = run(
        capsys, "import-csv", EXAMPLE, "--map", EXAMPLE_MAP, "--db", db, "--dry-run", "--json"
    )
    assert code == 0
    assert not db.exists()
    doc = json.loads(out)
    assert doc["dry_run"] is True
    assert doc["cases"] == 9 and doc["refused"] == []
    assert doc["officers_to_create"] == ["j.bright", "p.shah", "s.patel"]
    assert doc["vulnerabilities"] == 6 and doc["open_contacts"] == 6


def test_a_bad_mapping_exits_2_with_one_sentence_a_problem(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    text = Path(EXAMPLE_MAP).read_text(encoding="utf-8")
    bad.write_text(
        text.replace('officer = "Case Officer"', 'oficer = "Case Officer"').replace(
            'phone = "Telephone"', 'phone = "Phone number"'
        ),
        encoding="utf-8",
    )
    db = tmp_path / "cases.sqlite"
    code, out, err = run(capsys, "import-csv", EXAMPLE, "--map", bad, "--db", db)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 2 and all(line.startswith("doorstep: ") for line in lines)
    assert "unknown key 'case.oficer'" in lines[0]
    assert "missing the required key 'case.officer'" in lines[1]
    bad.write_text(text.replace('phone = "Telephone"', 'phone = "Phone number"'), encoding="utf-8")
    code, out, err = run(capsys, "import-csv", EXAMPLE, "--map", bad, "--db", db)
    assert code == 2 and err.count("\n") == 1
    assert "'resident.phone' names the column 'Phone number'" in err
    assert not db.exists()


@pytest.mark.parametrize(
    "argv, code, words",
    [
        (["import-csv", EXAMPLE], 2, "--map"),
        (["import-csv", EXAMPLE, "--map", "nope.toml"], 2, "does not exist"),
        (["import-csv", "nope.csv", "--map", EXAMPLE_MAP], 1, "no such file"),
    ],
)
def test_wrong_arguments_and_missing_files(capsys, tmp_path, argv, code, words):
    got, out, err = run(capsys, *argv, "--db", tmp_path / "c.sqlite")
    assert got == code and out == ""
    assert err.startswith("doorstep: ") and err.count("\n") == 1 and words in err
    assert "Traceback" not in err


def test_a_large_file_prints_progress_on_stderr(capsys, tmp_path, monkeypatch):
    from app.services import csv_import

    # scaled down 1:20 (a line every 1000 cases, batches of 200 -> every 50, batches of 10)
    monkeypatch.setattr(csv_import, "PROGRESS_EVERY", 50)
    monkeypatch.setattr(csv_import, "BATCH", 10)
    header, *rest = Path(EXAMPLE).read_text(encoding="utf-8").splitlines()
    first = rest[1]  # HX/ASB/0102: no contact
    rows = [first.replace("HX/ASB/0102", f"HX/BIG/{i:04d}") for i in range(125)]
    export = tmp_path / "big.csv"
    export.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    code, out, err = run(
        capsys, "import-csv", export, "--map", EXAMPLE_MAP, "--db", tmp_path / "c.sqlite"
    )
    assert code == 0
    assert err.splitlines() == [
        "import-csv: 50 of 125 cases imported",
        "import-csv: 100 of 125 cases imported",
        "import-csv: 125 of 125 cases imported",
    ]
    assert "Imported 125 cases (asb 125)." in out
