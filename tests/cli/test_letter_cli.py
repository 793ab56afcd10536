"""`doorstep letter`: render to PDF, --list, exit 1 for a gap or an unknown case, 2 for wrong arguments."""

from __future__ import annotations

import datetime as dt

import pytest

from app.cli import main
from app.letters import letters as L
from app.services.bundles import import_bundle
from tests.services.letter_helpers import complaint_case, flat, pdf_text


@pytest.fixture
def db(ws, clock):
    complaint_case(ws, clock)
    return str(ws.db.path)


def test_list_prints_the_template_names(capsys):
    assert main(["letter", "--list"]) == 0
    names = capsys.readouterr().out.split()
    assert (
        names[0] == "complaint_ack_stage1"
        and "case_closure" in names
        and "hazard_summary" in names
        and len(names) == 17
    )


def test_renders_the_case_letter_to_pdf_signed_by_the_acting_person(db, tmp_path, capsys):
    out = tmp_path / "ack.pdf"
    args = ["letter", "CMP-7", "complaint_ack_stage1", "--out", str(out), "--db", db]
    assert main([*args, "--user", "tester"]) == 0
    assert capsys.readouterr().out.startswith(f"Wrote {out} (DRAFT)\n")
    text = flat(pdf_text(out.read_bytes()))
    assert "Ms Jolanta Wiśniewska" in text and "DRAFT — not issued" in text
    assert "Terry Tester Housing officer" in text  # the person's name and title, not a login


def test_a_login_with_no_person_on_record_never_signs_a_letter(db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DOORSTEP_USER", "root")  # as the OS login on a shared machine
    out = tmp_path / "ack.txt"
    args = ["letter", "CMP-7", "complaint_ack_stage1", "--text", "--out", str(out), "--db", db]
    assert main(args) == 0
    said = capsys.readouterr().out
    assert "signature: {officer.name} is missing ('root' is not a person in this database" in said
    letter = out.read_text()
    assert "[TO FILL: 'root' is not a person in this database" in letter
    assert "\nroot\n" not in letter


def test_renders_the_open_draft_with_its_edits_and_a_text_copy(db, ws, tmp_path):
    v = L.create_letter(ws, "CMP-7", "apology")
    L.save_letter(
        ws, v.id, sections={"what_went_wrong": "- We lost your <b>Smith & Sons</b> invoice."}
    )
    out = tmp_path / "apology.txt"
    assert main(["letter", "CMP-7", "apology", "--text", "--out", str(out), "--db", db]) == 0
    assert "  * We lost your <b>Smith & Sons</b> invoice." in out.read_text()


def test_a_draft_with_a_missing_field_is_written_with_each_gap_listed(db, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    args = ["letter", "CMP-7", "extension_notice", "--out", str(out), "--db", db]
    assert main([*args, "--user", "tester"]) == 0
    said = capsys.readouterr().out
    assert "To fill before it can be finalised" in said and "{extension.new_due} is missing" in said
    assert "[TO FILL: the new response date" in flat(pdf_text(out.read_bytes()))


def test_set_fills_a_drafts_details_headless_and_it_stays_a_draft(db, ws, tmp_path, capsys):
    from app.domain.calendar import LONDON

    agreed = dt.datetime.now(LONDON).date() + dt.timedelta(days=10)
    out = tmp_path / "ack.txt"
    args = ["letter", "CMP-7", "complaint_ack_stage1", "--text", "--out", str(out), "--db", db]
    assert main([*args, "--user", "tester"]) == 0
    assert "{complaint.response_due} is missing (it works out to" in capsys.readouterr().out
    assert main([*args, "--user", "tester", "--set", f"promise.agreed={agreed}"]) == 0
    assert "complaint.response_due" not in capsys.readouterr().out
    assert f"{agreed:%A} {agreed.day} {agreed:%B %Y}" in out.read_text()
    [saved] = L.list_letters(ws, "CMP-7")
    assert saved.status == "draft" and saved.template == "complaint_ack_stage1"
    assert L.get_letter(ws, saved.id).inputs["promise.agreed"] == agreed.isoformat()
    assert main([*args, "--user", "tester", "--set", "nope=1"]) == 1
    assert "has no detail 'nope'" in capsys.readouterr().err
    assert main([*args, "--user", "tester", "--set", "promise.agreed"]) == 2
    assert "'promise.agreed' is not FIELD=VALUE" in capsys.readouterr().err
    assert main([*args, "--user", "tester", "--set", "promise.agreed=someday"]) == 1
    assert "'someday' is not a date" in capsys.readouterr().err


def test_unknown_case_is_1_and_unknown_template_is_2(db, capsys):
    assert main(["letter", "NOPE-1", "apology", "--db", db]) == 1
    assert "There is no case 'NOPE-1'" in capsys.readouterr().err
    assert main(["letter", "CMP-7", "love_letter", "--db", db]) == 2
    assert "unknown letter template 'love_letter'" in capsys.readouterr().err
    assert main(["letter", "CMP-7", "--db", db]) == 2


def test_seed_001_case_address_is_set_out_line_by_line(ws, seed001_doc, tmp_path, capsys):
    import_bundle(ws, seed001_doc)
    out = tmp_path / "apology.pdf"
    assert main(["letter", "HX-0001", "apology", "--out", str(out), "--db", str(ws.db.path)]) == 0
    assert "Ms A. Whitfield Flat 3 9 Larkspur House Catford SE6 0ZZ" in flat(
        pdf_text(out.read_bytes())
    )
