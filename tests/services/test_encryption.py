"""Encryption at rest: attachments, drafts and backups of an encrypted database; `encrypt`
converting a plain database with nothing plain left behind; exporting and importing the key."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat

import keyring
import pytest

from app.errors import ValidationError
from app.paths import default_database
from app.services import backups
from app.services.attachments import add_attachment, attachment_file, blob_path
from app.services.bundles import import_bundle
from app.services.cases import create_case
from app.services.encryption import encrypt_database, export_key, import_key
from app.services.search import search
from app.services.visits import VisitDraft, drafts_dir, pending_drafts, save_draft
from app.services.workspace import Actor, open_workspace
from app.store import cipher
from tests import cipher_helpers
from tests.cipher_helpers import MemoryKeyring, all_bytes, sha

memory_keyring = cipher_helpers.memory_keyring
CALL_BACK = b"Call back please"  # every office case's first contact summary
SECRET = b"Resident ASB-1 told us about the threats on the landing"


@pytest.fixture
def ws(tmp_path, clock, memory_keyring):
    """The office on an ENCRYPTED database (the key in the in-memory keyring)."""
    path = tmp_path / "cases.sqlite"
    key, _ = cipher.new_key(path)
    workspace = open_workspace(path, actor=Actor("tester", "test-device"), clock=clock, key=key)
    yield workspace
    workspace.close()


def test_an_attachment_on_disk_holds_no_plaintext_and_reads_back(office, tmp_path):
    note = tmp_path / "statement.txt"
    note.write_bytes(SECRET * 50)
    view = add_attachment(office, "ASB-1", note)
    stored = blob_path(office, view.sha256).read_bytes()
    assert cipher.is_sealed(stored) and SECRET not in stored
    assert view.sha256 == hashlib.sha256(note.read_bytes()).hexdigest()
    opened = attachment_file(office, view.id)
    assert opened.read_bytes() == note.read_bytes() and opened.name == "statement.txt"
    assert SECRET not in all_bytes(tmp_path / "attachments")


def test_a_visit_draft_is_sealed_with_the_key(office, tmp_path, monkeypatch):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "data"))
    draft = VisitDraft("ASB-1", "2025-06-24T10:00:00+00:00", notes=SECRET.decode())
    path = save_draft(draft, office.db.cipher_key)
    assert SECRET not in path.read_bytes()
    assert pending_drafts() == []  # without the key it is not shown (and left where it is)
    [(found, back)] = pending_drafts(office.db.cipher_key)
    assert found == path and back.notes == SECRET.decode()


def test_a_backup_of_an_encrypted_database_is_encrypted_and_restores(office, tmp_path):
    copy = backups.backup(office, tmp_path / "copy.sqlite")
    assert cipher.looks_encrypted(copy) and CALL_BACK not in copy.read_bytes()
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(copy).execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert backups.verify_backup(copy, office.db.cipher_key)
    with pytest.raises(ValidationError, match="cannot be opened with the key on this computer"):
        backups.verify_backup(copy, os.urandom(32))

    create_case(office, ref="NEW-9", kind="general", officer="a.khan", resident_name="Later One")
    path = office.db.path
    office.close()
    kept = backups.restore(path, copy)
    assert cipher.looks_encrypted(path) and cipher.looks_encrypted(kept)
    assert CALL_BACK not in path.read_bytes() + kept.read_bytes()
    again = open_workspace(path, actor=Actor("p.natarajan", "t"))
    try:
        assert again.db.encrypted
        assert {h.ref for h in search(again, "ASB-1")} == {"ASB-1"}
        assert search(again, "NEW-9") == []  # the case made after the backup went with it
    finally:
        again.close()


def test_a_plain_backup_restored_over_an_encrypted_database_comes_in_encrypted(
    memory_keyring, tmp_path, example_doc
):
    plain = tmp_path / "plain.sqlite"
    ws = open_workspace(plain, actor=Actor("tester", "t"))
    import_bundle(ws, example_doc)
    ws.close()
    target = tmp_path / "cases.sqlite"
    key, _ = cipher.new_key(target)
    open_workspace(target, actor=Actor("tester", "t"), key=key).close()
    backups.restore(target, plain)
    assert cipher.looks_encrypted(target) and b"Hale" not in target.read_bytes()
    ws = open_workspace(target, actor=Actor("tester", "t"))
    try:
        assert {h.ref for h in search(ws, "Hale")} == {example_doc["case"]["ref"]}
    finally:
        ws.close()


def test_encrypt_converts_a_plain_database_and_leaves_nothing_plain(
    memory_keyring, tmp_path, monkeypatch, example_doc, clock
):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "data"))
    path = default_database()
    ws = open_workspace(path, actor=Actor("tester", "t"), clock=clock)
    import_bundle(ws, example_doc)
    ref = example_doc["case"]["ref"]
    note = tmp_path / "statement.txt"
    note.write_bytes(SECRET * 10)
    attached = add_attachment(ws, ref, note)
    daily = backups.backup(ws)  # a plain daily copy in backups/
    save_draft(VisitDraft(ref, "2025-06-24T10:00:00+00:00", notes=SECRET.decode()))
    ws.close()
    assert b"Hale" in all_bytes(path.parent) and SECRET in all_bytes(path.parent)

    done = encrypt_database(path)
    assert not done.already and done.in_keyring
    assert (done.files_sealed, done.backups_encrypted) == (2, 1)  # attachment + draft; 1 backup
    leftovers = sorted(p.name for p in path.parent.iterdir() if p.name.startswith("."))
    assert leftovers == [] and not path.with_name(path.name + "-wal").exists()
    everything = all_bytes(path.parent)
    assert b"Hale" not in everything and SECRET not in everything
    assert b"SQLite format 3" not in everything
    assert cipher.looks_encrypted(daily)
    key = cipher.stored_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    ws = open_workspace(path, actor=Actor("tester", "t"), clock=clock)
    try:
        assert ws.db.cipher_key == key
        assert {h.ref for h in search(ws, "Hale")} == {ref}
        assert attachment_file(ws, attached.id).read_bytes() == note.read_bytes()
        [(_p, draft)] = pending_drafts(key)
        assert draft.notes == SECRET.decode()
    finally:
        ws.close()
    assert backups.verify_backup(daily, key)

    again = encrypt_database(path)  # running it twice changes nothing
    assert again.already and (again.files_sealed, again.backups_encrypted) == (0, 0)


def test_encrypt_refuses_what_it_cannot_convert(memory_keyring, tmp_path):
    with pytest.raises(ValidationError, match="There is no database"):
        encrypt_database(tmp_path / "missing.sqlite")
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.commit()
    with pytest.raises(ValidationError, match="not a Doorstep database"):
        encrypt_database(other)
    assert other.read_bytes().startswith(b"SQLite format 3") and not memory_keyring.items
    with pytest.raises(ValidationError, match="team server"):
        encrypt_database("postgresql+psycopg://a@db.example.org/doorstep")


def test_encrypt_needs_a_key_store(tmp_path, monkeypatch):
    from keyring.backends import fail

    monkeypatch.delenv(cipher.KEY_ENV, raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        path = tmp_path / "cases.sqlite"
        open_workspace(path, actor=Actor("tester", "t")).close()
        before = sha(path)
        with pytest.raises(ValidationError, match="no secure key store"):
            encrypt_database(path)
        assert sha(path) == before
    finally:
        keyring.set_keyring(previous)


def test_the_key_is_exported_owner_only_and_imported_on_a_new_laptop(
    memory_keyring, tmp_path, example_doc
):
    path = tmp_path / "cases.sqlite"
    key, _ = cipher.new_key(path)
    ws = open_workspace(path, actor=Actor("tester", "t"), key=key)
    import_bundle(ws, example_doc)
    ws.close()
    out = tmp_path / "doorstep-key.txt"
    fingerprint = export_key(path, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and key.hex() in out.read_text()
    with pytest.raises(ValidationError, match="already exists"):
        export_key(path, out)

    # a new laptop: another keyring, the database copied to another place
    keyring.set_keyring(MemoryKeyring())
    moved = tmp_path / "new-laptop" / "cases.sqlite"
    moved.parent.mkdir()
    moved.write_bytes(path.read_bytes())
    with pytest.raises(Exception, match="cannot be opened with the key on this computer"):
        open_workspace(moved, actor=Actor("tester", "t"))
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(os.urandom(32).hex() + "\n")
    with pytest.raises(ValidationError, match="does not open"):
        import_key(moved, wrong)
    assert import_key(moved, out) == (fingerprint, True)
    ws = open_workspace(moved, actor=Actor("tester", "t"))
    try:
        assert {h.ref for h in search(ws, "Hale")} == {example_doc["case"]["ref"]}
    finally:
        ws.close()


def test_drafts_dir_is_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path))
    assert drafts_dir() == tmp_path / "visit-drafts"


def test_an_issued_letter_is_stored_sealed_and_opens_as_a_pdf(ws, clock):
    from app.letters import letters as L
    from app.letters.issue import issue_letter, issued_file
    from tests.services.letter_helpers import complaint_case, flat, pdf_text, tick_all

    complaint_case(ws, clock)
    v = L.create_letter(ws, "CMP-7", "complaint_ack_stage1")
    v = L.finalise_letter(ws, v.id, tick_all(ws, v).version)
    result = issue_letter(ws, v.id, v.version)
    stored = blob_path(ws, result.sha256).read_bytes()
    assert cipher.is_sealed(stored) and b"%PDF" not in stored
    opened = issued_file(ws, v.id)
    assert opened != blob_path(ws, result.sha256)
    assert hashlib.sha256(opened.read_bytes()).hexdigest() == result.sha256
    assert "Our reference: CMP-7/1" in flat(pdf_text(opened.read_bytes()))
