"""The annual self-assessment against the Complaint Handling Code
(app/services/self_assessment.py; sections in resources/oversight/self_assessment.toml)."""

from __future__ import annotations

import csv

import pytest

from app.errors import ConflictError, PermissionDenied, ValidationError
from app.services.self_assessment import (
    REPORTS,
    code_sections,
    export_self_assessment,
    parse_sections,
    save_section,
    self_assessment,
)
from tests.services.conftest import act_as


def test_the_code_s_sections_are_data_with_evidence_and_reports():
    sections = code_sections()
    assert [s.number for s in sections] == [str(i) for i in range(1, 10)]
    assert sections[0].title == "Definition of a complaint"
    assert all(s.evidence and s.reports for s in sections)
    assert {r for s in sections for r in s.reports} <= set(REPORTS)


@pytest.mark.parametrize(
    "text, message",
    [
        ("[[section]]\nnumber = '1'\ntitle = 'A'\n", "has no evidence"),
        ("x = 1", "names no"),
        ("[[section", "not valid TOML"),
        (
            "[[section]]\nnumber='1'\ntitle='A'\nevidence='E'\nreports=['nope']\n",
            "unknown report 'nope'",
        ),
        (
            "[[section]]\nnumber='1'\ntitle='A'\nevidence='E'\n"
            "[[section]]\nnumber='1'\ntitle='B'\nevidence='F'\n",
            "share a number",
        ),
    ],
)
def test_a_bad_sections_file_is_refused_with_a_sentence(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_sections(text)


def test_a_manager_records_status_and_comment_per_section_per_year(office):
    rows = self_assessment(office, 2025)
    assert {r.status for r in rows} == {"not_started"} and rows[0].version is None
    saved = save_section(office, 2025, "6", "partly", "  Two stage 1 replies were late.  ")
    assert (saved.status, saved.comment, saved.updated_by) == (
        "partly",
        "Two stage 1 replies were late.",
        "p.natarajan",
    )
    six = next(r for r in self_assessment(office, 2025) if r.section.number == "6")
    assert (six.status_text, six.comment, six.version) == ("Partly complies", saved.comment, 1)
    assert all(r.status == "not_started" for r in self_assessment(office, 2026))  # per year
    save_section(office, 2025, "6", "complies", "Fixed", expected_version=1)
    with pytest.raises(ConflictError, match="changed by p.natarajan"):
        save_section(office, 2025, "6", "partly", expected_version=1)
    with pytest.raises(ConflictError):
        save_section(office, 2025, "6", "partly")  # saw nothing recorded; now there is


@pytest.mark.parametrize(
    "args, message",
    [
        ((2025, "99", "complies"), "no section '99'"),
        ((2025, "1", "great"), "Status must be one of"),
        ((1999, "1", "complies"), "between 2000 and 2100"),
    ],
)
def test_bad_input_is_refused(office, args, message):
    with pytest.raises(ValidationError, match=message):
        save_section(office, *args)


def test_auditors_read_it_officers_do_not_and_only_managers_record_it(office):
    from app.store.models import Officer

    with office.db.write() as s:
        s.add(Officer(username="aud", name="Ann Auditor", role="auditor"))
    act_as(office, "aud")
    assert len(self_assessment(office, 2025)) == 9
    with pytest.raises(PermissionDenied, match="record the annual self-assessment"):
        save_section(office, 2025, "1", "complies")
    act_as(office, "a.khan")
    with pytest.raises(PermissionDenied):
        self_assessment(office, 2025)


def test_export_as_csv(office, tmp_path):
    save_section(office, 2025, "7", "does_not_comply", "Order evidence sent late")
    path = tmp_path / "sa.csv"
    assert export_self_assessment(office, 2025, path) == 9
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    seven = rows[6]
    assert (seven["section"], seven["status"], seven["comment"], seven["updated_by"]) == (
        "7",
        "Does not comply",
        "Order evidence sent late",
        "p.natarajan",
    )
    assert rows[0]["status"] == "Not assessed yet" and "findings" in rows[0]["reports"]
    with pytest.raises(ValidationError, match="Cannot write"):
        export_self_assessment(office, 2025, tmp_path / "missing" / "sa.csv")
