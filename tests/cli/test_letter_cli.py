"""`doorstep letter`: render to PDF, --list, exit 1 for a gap or an unknown case, 2 for wrong arguments."""

from __future__ import annotations

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


def test_renders_the_case_letter_to_pdf(db, tmp_path, capsys):
    out = tmp_path / "ack.pdf"
    assert main(["letter", "CMP-7", "complaint_ack_stage1", "--out", str(out), "--db", db]) == 0
    assert capsys.readouterr().out == f"Wrote {out}\n"
    text = flat(pdf_text(out.read_bytes()))
    assert "Ms Jolanta Wiśniewska" in text and "DRAFT — not issued" in text


def test_renders_the_open_draft_with_its_edits_and_a_text_copy(db, ws, tmp_path):
    v = L.create_letter(ws, "CMP-7", "apology")
    L.save_letter(
        ws, v.id, sections={"what_went_wrong": "- We lost your <b>Smith & Sons</b> invoice."}
    )
    out = tmp_path / "apology.txt"
    assert main(["letter", "CMP-7", "apology", "--text", "--out", str(out), "--db", db]) == 0
    assert "  * We lost your <b>Smith & Sons</b> invoice." in out.read_text()


def test_a_missing_field_is_rejected_input(db, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert main(["letter", "CMP-7", "extension_notice", "--out", str(out), "--db", db]) == 1
    err = capsys.readouterr().err
    assert (
        err.startswith("doorstep: The letter cannot be produced:")
        and "{extension.new_due} is missing" in err
    )
    assert err.count("\n") == 1 and not out.exists()


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
