"""Subject access: one resident's cases, letters, attachments and trail in one owner-only zip."""

from __future__ import annotations

import json
import stat
import zipfile

import pytest
from sqlalchemy import select

from app.errors import NotFound, PermissionDenied, ValidationError
from app.services.attachments import blob_path
from app.services.sar import normalise_name, subject_access
from app.services.trail import verify_trail
from app.store.models import AuditLog
from tests.services.privacy_helpers import NAME, act_as, subject_office


def _names(path):
    with zipfile.ZipFile(path) as zf:
        return set(zf.namelist())


def test_names_compare_without_case_spacing_or_accents():
    assert normalise_name("  ms jolanta   WISNIEWSKA ") == normalise_name(NAME)
    assert normalise_name("José  Núñez") == "jose nunez" == normalise_name("Mr. jose nunez")
    assert normalise_name("Jose Nunes") != normalise_name("José Núñez")


def test_a_name_shared_by_two_residents_is_refused_with_the_refs_to_choose_from(
    ws, clock, tmp_path
):
    subject_office(ws, clock, tmp_path)
    out = tmp_path / "sar.zip"
    with pytest.raises(ValidationError) as err:
        subject_access(ws, "jolanta wisniewska", out)
    text = str(err.value)
    assert "CMP-7 and GEN-8" in text and "CMP-9" in text and "ASB-9" not in text
    assert "Jolanta" not in text and "Wi" not in text  # the message never repeats the name
    assert not out.exists()
    with pytest.raises(NotFound):
        subject_access(ws, "Nobody Of This Name", out)


def test_the_zip_holds_exactly_the_residents_cases_letters_attachments_and_trail(
    ws, clock, tmp_path
):
    held = subject_office(ws, clock, tmp_path)
    out = tmp_path / "sar.zip"
    result = subject_access(ws, "CMP-7", out)

    assert result.refs == ("CMP-7", "GEN-8")  # the same resident's other case, not the namesake's
    assert (result.letters, result.attachments, result.missing) == (1, 1, ())
    names = _names(out)
    assert not any(n.startswith(("CMP-9/", "ASB-9/")) for n in names)
    assert {
        "README.txt",
        "CMP-7/case.json",
        "GEN-8/case.json",
        "GEN-8/attachments/damp-photo.jpg",
    } <= names
    with zipfile.ZipFile(out) as zf:
        letters = [n for n in names if n.startswith("CMP-7/letters/") and n.endswith(".pdf")]
        assert len(letters) == 1
        assert zf.read(letters[0]) == blob_path(ws, held["letter_sha"]).read_bytes()
        assert zf.read("GEN-8/attachments/damp-photo.jpg") == held["photo"]
        bundle = json.loads(zf.read("CMP-7/case.json"))
        assert bundle["case"]["ref"] == "CMP-7" and bundle["case"]["resident"]["name"] == NAME
        assert any(e["type"] == "complaint_ack" for e in bundle["events"])
        letter_rows = json.loads(zf.read("CMP-7/letters.json"))
        assert [r["status"] for r in letter_rows] == ["issued"]
        trail = json.loads(zf.read("CMP-7/trail.json"))
        assert {t["entity_id"] for t in trail} == {"CMP-7", letter_rows[0]["id"]}
        assert {"issue_letter", "create_case"} <= {t["action"] for t in trail}
        gen_trail = json.loads(zf.read("GEN-8/trail.json"))
        assert {t["action"] for t in gen_trail} >= {"add_attachment"}
        assert {t["entity_id"] for t in gen_trail} == {"GEN-8"}
        readme = zf.read("README.txt").decode()
    assert (
        "CMP-7, GEN-8" in readme
        and "by Morgan Lee (Housing manager)" in readme
        and "24 June 2025" in readme
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".sar-")]  # no temporary left


def test_a_name_held_by_one_resident_alone_is_found(ws, clock, tmp_path):
    subject_office(ws, clock, tmp_path)
    out = tmp_path / "tomasz.zip"
    assert subject_access(ws, "mr tomasz NOWAK", out).refs == ("ASB-9",)


def test_the_trail_records_who_when_and_which_refs_never_the_name(ws, clock, tmp_path):
    subject_office(ws, clock, tmp_path)
    subject_access(ws, "GEN-8", tmp_path / "sar.zip")
    with ws.db.read() as s:
        entry = s.scalars(select(AuditLog).order_by(AuditLog.seq.desc())).first()
        row = {c: getattr(entry, c) for c in ("actor", "action", "entity", "entity_id", "detail")}
    assert row["actor"] == "m.lee" and row["action"] == "subject_access"
    assert row["detail"]["refs"] == ["CMP-7", "GEN-8"]
    assert entry.at.isoformat().startswith("2025-06-24")
    dumped = json.dumps(row, default=str, ensure_ascii=False).casefold()
    assert "jolanta" not in dumped and "wisniewska" not in dumped and "wiśniewska" not in dumped
    assert verify_trail(ws).ok


def test_an_officer_is_refused_and_nothing_is_written(ws, clock, tmp_path):
    subject_office(ws, clock, tmp_path)
    act_as(ws, "o.ade")
    out = tmp_path / "sar.zip"
    with ws.db.read() as s:
        before = s.query(AuditLog).count()
    with pytest.raises(PermissionDenied, match="manager"):
        subject_access(ws, "CMP-7", out)
    assert not out.exists()
    with ws.db.read() as s:
        assert s.query(AuditLog).count() == before


def test_an_existing_file_is_not_overwritten(ws, clock, tmp_path):
    subject_office(ws, clock, tmp_path)
    out = tmp_path / "sar.zip"
    out.write_bytes(b"keep me")
    with pytest.raises(ValidationError, match="already exists"):
        subject_access(ws, "CMP-7", out)
    assert out.read_bytes() == b"keep me"
    subject_access(ws, "CMP-7", out, overwrite=True)
    assert "README.txt" in _names(out)


def test_a_missing_stored_file_is_named_in_the_readme(ws, clock, tmp_path):
    held = subject_office(ws, clock, tmp_path)
    blob_path(ws, held["letter_sha"]).unlink()
    out = tmp_path / "sar.zip"
    result = subject_access(ws, "CMP-7", out)
    assert result.letters == 0 and len(result.missing) == 1
    with zipfile.ZipFile(out) as zf:
        assert "Could not be included" in zf.read("README.txt").decode()
