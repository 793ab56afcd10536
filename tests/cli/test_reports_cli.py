"""`doorstep report tsm`, `doorstep report complaints` and `doorstep spotcheck` headless."""

from __future__ import annotations

import csv
import json

import pytest

from app.cli import main
from app.services.bundles import import_bundle
from app.services.workspace import Actor, open_workspace, put_setting
from app.store.models import Officer
from tests.services.reports import histories
from tests.services.reports.test_complaints_pack import pack_cases


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "cases.sqlite"
    ws = open_workspace(path, actor=Actor("setup", "test"))
    try:
        with ws.db.write() as s:
            for username, role in [
                ("a.khan", "officer"),
                ("r.morgan", "officer"),
                ("mgr", "manager"),
            ]:
                s.add(Officer(username=username, name=username, role=role))
        histories.load(ws)
        for doc in pack_cases():
            import_bundle(ws, doc)
        with ws.db.write() as s:
            put_setting(s, "demo", True)
    finally:
        ws.close()
    return str(path)


def test_report_tsm_json_has_the_documented_shape(db, capsys):
    code, out, err = run(
        capsys,
        "report",
        "tsm",
        "--from",
        "2025-04-01",
        "--to",
        "2026-03-31",
        "--homes",
        "1000",
        "--json",
        "--db",
        db,
        "--user",
        "mgr",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert list(doc) == ["from", "to", "homes", "measures"]
    assert (doc["from"], doc["to"], doc["homes"]) == ("2025-04-01", "2026-03-31", 1000)
    assert list(doc["measures"]) == [
        "CH01(1)",
        "CH01(2)",
        "CH02(1)",
        "CH02(2)",
        "NM01(1)",
        "NM01(2)",
        "RP02(1)",
        "RP02(2)",
    ]
    # the pack's complaints (June 2025) add P1–P4 to the hand-made stage 1 receipts
    assert doc["measures"]["CH01(2)"] == {"value": 1.0, "numerator": 1, "denominator": 1000}
    assert doc["measures"]["RP02(2)"] == {"value": 50.0, "numerator": 1, "denominator": 2}


def test_report_tsm_writes_csv_and_pdf(db, capsys, tmp_path):
    out_csv, out_pdf = tmp_path / "tsm.csv", tmp_path / "tsm.pdf"
    code, out, err = run(
        capsys,
        "report",
        "tsm",
        "--from",
        "2025-04-01",
        "--to",
        "2026-03-31",
        "--homes",
        "1000",
        "--csv",
        str(out_csv),
        "--out",
        str(out_pdf),
        "--db",
        db,
        "--user",
        "mgr",
    )
    assert code == 0, err
    assert "NM01(1)      2.0  2 of 1,000 homes" in out
    rows = list(csv.DictReader(out_csv.open()))
    assert rows[6]["measure"] == "RP02(1)" and rows[6]["value"] == "100.0"
    assert out_pdf.read_bytes().startswith(b"%PDF")


def test_report_complaints_writes_the_pack(db, capsys, tmp_path):
    pdf, sheet = tmp_path / "pack.pdf", tmp_path / "pack.csv"
    code, out, err = run(
        capsys,
        "report",
        "complaints",
        "--week",
        "2025-06-18",
        "--out",
        str(pdf),
        "--csv",
        str(sheet),
        "--db",
        db,
        "--user",
        "mgr",
    )
    assert code == 0, err
    assert "Extensions this week: 1" in out
    assert pdf.read_bytes().startswith(b"%PDF")
    sections = [r["section"] for r in csv.DictReader(sheet.open())]
    assert "extension" in sections and "order" in sections


def test_spotcheck_json_records_the_seed(db, capsys):
    code, out, err = run(
        capsys,
        "spotcheck",
        "--percent",
        "50",
        "--seed",
        "11",
        "--json",
        "--db",
        db,
        "--user",
        "mgr",
    )
    assert code == 0, err
    first = json.loads(out)
    assert first["seed"] == 11 and first["percent"] == 50
    code, out, _ = run(
        capsys,
        "spotcheck",
        "--percent",
        "50",
        "--seed",
        "11",
        "--json",
        "--db",
        db,
        "--user",
        "mgr",
    )
    assert [i["case"] for i in json.loads(out)["sample"]] == [i["case"] for i in first["sample"]]


@pytest.mark.parametrize(
    "argv, words",
    [
        (
            ["report", "tsm", "--from", "2026-03-31", "--to", "2025-04-01", "--homes", "10"],
            "before it starts",
        ),
        (["report", "tsm", "--homes", "0"], "at least 1"),
        (["report", "tsm", "--homes", "-4"], "homes"),
        (["report", "tsm"], "number of homes owned"),
        (["report", "complaints"], "needs --week"),
        (["report", "tsm", "--from", "2025-13-01", "--homes", "5"], "not a valid date"),
        (["spotcheck", "--percent", "0"], "1 to 100"),
        (["spotcheck", "--percent", "101"], "1 to 100"),
        (["spotcheck", "--percent", "ten"], "percentage"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(db, capsys, argv, words):
    code, out, err = run(capsys, *argv, "--db", db, "--user", "mgr")
    assert code == 2
    assert words in err and "Traceback" not in err and err.count("\n") == 1


def test_an_officer_is_refused_with_exit_3(db, capsys):
    for argv in (
        ["report", "tsm", "--homes", "10"],
        ["report", "complaints", "--week", "2025-06-18"],
        ["spotcheck"],
    ):
        code, _, err = run(capsys, *argv, "--db", db, "--user", "a.khan")
        assert code == 3 and err.startswith("doorstep: Only a manager")


def test_the_demo_manager_gets_the_measures_without_giving_homes(tmp_path, capsys):
    demo = str(tmp_path / "demo.sqlite")
    code, _, err = run(capsys, "demo", "--db", demo, "--cases", "12")
    assert code == 0, err
    code, out, err = run(capsys, "report", "tsm", "--json", "--db", demo, "--user", "p.natarajan")
    assert code == 0, err
    assert json.loads(out)["homes"] == 4200
