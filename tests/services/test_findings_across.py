"""Findings across all cases (app/services/findings.py): the whole-database audit, streamed in
batches, grouped by code, officer and month, and exported to CSV (also `audit --all --csv`)."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from app.cli import main
from app.errors import PermissionDenied, ValidationError
from app.services.auditing import audit_all
from app.services.bundles import import_bundle
from app.services.findings import (
    CSV_COLUMNS,
    export_findings_csv,
    group_findings,
    iter_findings,
)
from tests.conftest import EXAMPLE, OWN_EXAMPLES
from tests.services.conftest import act_as

AS_OF = dt.date(2025, 6, 24)


@pytest.fixture
def two_cases(ws, example_doc, seed001_doc):
    import_bundle(ws, example_doc)
    import_bundle(ws, seed001_doc)
    return ws


def test_streamed_findings_are_the_whole_database_audit(two_cases):
    expected = [
        (r.case, f.code, f.date, f.events) for r in audit_all(two_cases, AS_OF) for f in r.findings
    ]
    assert len(expected) > 5  # both cases have findings
    lines = list(iter_findings(two_cases, AS_OF))
    assert [(x.ref, x.code, x.date, x.events) for x in lines] == expected
    seen = []
    one_by_one = list(iter_findings(two_cases, AS_OF, batch=1, progress=seen.append))
    assert one_by_one == lines
    assert seen == [1, 2]


def test_findings_are_grouped_by_code_officer_and_month(two_cases):
    groups = group_findings(two_cases, AS_OF)
    lines = groups.lines
    assert groups.total == len(lines) and groups.cases == 2
    assert sum(n for _, n in groups.by_code) == groups.total
    assert sum(n for _, n in groups.by_officer) == groups.total
    assert sum(n for *_, n in groups.by_code_officer_month) == groups.total
    counts = [n for _, n in groups.by_code]
    assert counts == sorted(counts, reverse=True)  # most frequent first
    months = [m for m, _ in groups.by_month]
    assert months == sorted(months) and all(len(m) == 7 for m in months)
    code, officer, month, n = groups.by_code_officer_month[0]
    assert n == sum(1 for f in lines if (f.code, f.officer, f.month) == (code, officer, month))
    assert {f.officer for f in lines} == {o for o, _ in groups.by_officer}


def test_csv_export_has_a_row_per_finding(two_cases, tmp_path):
    path = tmp_path / "findings.csv"
    result = export_findings_csv(two_cases, path, AS_OF)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == CSV_COLUMNS
    lines = list(iter_findings(two_cases, AS_OF))
    assert [tuple(r) for r in rows[1:]] == [x.csv_row() for x in lines]
    assert (result.findings, result.cases, result.audited) == (len(lines), 2, 2)
    assert not (tmp_path / "findings.csv.part").exists()
    with pytest.raises(ValidationError, match="Cannot write"):
        export_findings_csv(two_cases, tmp_path / "no-such-folder" / "f.csv", AS_OF)


def test_officers_may_not_run_the_findings_across_cases(office, tmp_path):
    act_as(office, "a.khan")
    with pytest.raises(PermissionDenied):
        list(iter_findings(office))
    with pytest.raises(PermissionDenied):
        export_findings_csv(office, tmp_path / "f.csv")
    assert not (tmp_path / "f.csv").exists() and not (tmp_path / "f.csv.part").exists()


def test_audit_all_csv_on_the_command_line(capsys, tmp_path):
    db = str(tmp_path / "cases.sqlite")
    assert main(["import", str(OWN_EXAMPLES / EXAMPLE), "--db", db]) == 0
    capsys.readouterr()
    out_file = tmp_path / "findings.csv"
    code = main(["audit", "--all", "--csv", str(out_file), "--db", db, "--as-of", "2025-06-24"])
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    assert out.startswith(f"Wrote {out_file}: ") and "in 1 of 1 cases as of 2025-06-24" in out
    n_rows = sum(1 for _ in out_file.open(encoding="utf-8")) - 1
    assert f": {n_rows} findings" in out
    code = main(["audit", "--all", "--csv", str(out_file), "--db", db, "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["audited"] == 1 and sum(doc["by_code"].values()) == doc["findings"]
    code = main(["audit", str(OWN_EXAMPLES / EXAMPLE), "--csv", str(out_file)])
    assert code == 2 and "--csv needs --all" in capsys.readouterr().err
    code = main(["audit", "--all", "--csv", str(tmp_path / "x" / "f.csv"), "--db", db])
    assert code == 1 and "Cannot write" in capsys.readouterr().err
