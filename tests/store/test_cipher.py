"""Encrypted (SQLCipher) laptop databases: unreadable without the key, opened with it, and a
wrong or missing key refused in one sentence with the file left exactly as it was."""

from __future__ import annotations

import os
import sqlite3
import sys

import pytest

from app.errors import StorageError, ValidationError
from app.services.bundles import import_bundle
from app.services.search import search
from app.services.workspace import Actor, open_workspace
from app.store import cipher
from app.store.database import open_database
from tests import cipher_helpers
from tests.cipher_helpers import sha

memory_keyring = cipher_helpers.memory_keyring
no_keyring = cipher_helpers.no_keyring

RESIDENT = b"Hale"  # the worked example's resident, Mr D. Hale


def _fill(path, example_doc, key=None):
    ws = open_workspace(path, actor=Actor("tester", "t"), key=key)
    try:
        import_bundle(ws, example_doc)
    finally:
        ws.close()


def test_sqlcipher_build_has_fts5():
    conn = cipher.driver().connect(":memory:")
    options = {r[0] for r in conn.execute("PRAGMA compile_options")}
    assert "ENABLE_FTS5" in options
    assert conn.execute("PRAGMA cipher_version").fetchone()[0]


def test_an_encrypted_database_holds_no_case_text(memory_keyring, tmp_path, example_doc):
    plain, locked = tmp_path / "plain.sqlite", tmp_path / "locked.sqlite"
    _fill(plain, example_doc)
    key, stored = cipher.new_key(locked)
    assert stored and len(key) == 32
    assert memory_keyring.items[("doorstep", str(locked.resolve()))] == key.hex()
    _fill(locked, example_doc, key)

    assert RESIDENT in plain.read_bytes()  # the same data unencrypted does show the name
    data = b"".join(p.read_bytes() for p in tmp_path.glob("locked.sqlite*"))
    assert RESIDENT not in data and b"SQLite format 3" not in data
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(locked).execute("SELECT count(*) FROM sqlite_master").fetchone()


def test_the_key_in_the_keyring_opens_it_for_search_import_and_writes(
    memory_keyring, tmp_path, example_doc, seed001_doc
):
    path = tmp_path / "cases.sqlite"
    key, _ = cipher.new_key(path)
    _fill(path, example_doc, key)
    ws = open_workspace(path, actor=Actor("tester", "t"))  # the key comes from the keyring
    try:
        assert ws.db.encrypted and ws.db.cipher_key == key
        with ws.db.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert [h.ref for h in search(ws, "Hale")] == [example_doc["case"]["ref"]]
        import_bundle(ws, seed001_doc)
        assert any(
            h.ref == seed001_doc["case"]["ref"] for h in search(ws, seed001_doc["case"]["ref"])
        )
    finally:
        ws.close()


@pytest.mark.parametrize("how", ["wrong key in the environment", "no key at all"])
def test_a_wrong_or_missing_key_is_one_sentence_and_nothing_changes(
    memory_keyring, tmp_path, example_doc, monkeypatch, how
):
    path = tmp_path / "cases.sqlite"
    key = os.urandom(32)
    _fill(path, example_doc, key)
    before = sha(path)
    files = sorted(p.name for p in tmp_path.iterdir())
    if how.startswith("wrong"):
        monkeypatch.setenv(cipher.KEY_ENV, os.urandom(32).hex())
    with pytest.raises(StorageError) as caught:
        open_database(path)
    assert str(caught.value) == (
        f"{path} is encrypted and cannot be opened with the key on this computer; "
        "nothing was changed."
    )
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # no -wal or -shm appeared


def test_the_environment_key_wins_and_a_malformed_one_is_refused(
    memory_keyring, tmp_path, monkeypatch
):
    path = tmp_path / "cases.sqlite"
    given = os.urandom(32)
    monkeypatch.setenv(cipher.KEY_ENV, given.hex())
    key, stored = cipher.new_key(path)
    assert (key, stored) == (given, False) and not memory_keyring.items
    open_database(path, key=key).close()
    assert open_database(path).cipher_key == given
    monkeypatch.setenv(cipher.KEY_ENV, "not-hex")
    with pytest.raises(ValidationError, match="not 64 hexadecimal digits"):
        open_database(path)


def test_without_a_secure_keyring_encryption_cannot_be_turned_on(no_keyring, tmp_path):
    assert cipher.keyring_backend() is None
    assert cipher.encryption_unavailable() == cipher.NO_KEY_STORE
    with pytest.raises(ValidationError, match="no secure key store"):
        cipher.new_key(tmp_path / "cases.sqlite")
    assert not (tmp_path / "cases.sqlite").exists()


def test_a_plain_database_is_still_opened_by_the_standard_driver(tmp_path):
    db = open_database(tmp_path / "plain.sqlite")
    try:
        assert not db.encrypted and db.engine.dialect.loaded_dbapi is sqlite3.dbapi2
    finally:
        db.close()
    with pytest.raises(StorageError, match="is not encrypted"):
        open_database(tmp_path / "plain.sqlite", key=os.urandom(32))


def test_sealed_files_round_trip_and_refuse_the_wrong_key():
    key = os.urandom(32)
    sealed = cipher.seal(b"Mr D. Hale, 4 Larch Walk", key, "label")
    assert cipher.is_sealed(sealed) and b"Hale" not in sealed
    assert cipher.seal(b"same", key, "l") != cipher.seal(b"same", key, "l")  # fresh nonce
    assert cipher.unseal(sealed, key, "label", "f") == b"Mr D. Hale, 4 Larch Walk"
    with pytest.raises(StorageError, match="cannot be decrypted"):
        cipher.unseal(sealed, os.urandom(32), "label", "f")
    with pytest.raises(StorageError, match="cannot be decrypted"):
        cipher.unseal(sealed, key, "another file", "f")  # bound to its label
    with pytest.raises(StorageError, match="no key for it"):
        cipher.unseal(sealed, None, "label", "f")
    assert cipher.unseal(b"plain", key, "label", "f") == b"plain"


def test_without_sqlcipher_installed_encryption_is_refused_in_one_sentence(
    memory_keyring, monkeypatch, tmp_path
):
    monkeypatch.setitem(sys.modules, "sqlcipher3", None)  # as on a machine without the wheel
    reason = cipher.encryption_unavailable()
    assert reason is not None and reason.startswith("Encrypted databases need SQLCipher")
    with pytest.raises(ValidationError, match="need SQLCipher"):
        cipher.new_key(tmp_path / "cases.sqlite")
    assert not memory_keyring.items
