"""`doorstep encrypt` and `doorstep key export|import` end to end, with the key given in
DOORSTEP_DB_KEY (as on a headless machine) or kept in an in-memory keyring."""

from __future__ import annotations

import json
import os
import stat

import keyring
import pytest

from app.cli import main
from app.store import cipher
from tests import cipher_helpers
from tests.cipher_helpers import MemoryKeyring, all_bytes, sha
from tests.conftest import EXAMPLE, OWN_EXAMPLES

memory_keyring = cipher_helpers.memory_keyring
no_keyring = cipher_helpers.no_keyring


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _imported(capsys, tmp_path):
    db = str(tmp_path / "cases.sqlite")
    code, _, _ = run(capsys, "import", str(OWN_EXAMPLES / EXAMPLE), "--db", db)
    assert code == 0
    return db


def test_encrypt_with_the_environment_key_then_inbox_search_and_import_work(
    capsys, tmp_path, monkeypatch, no_keyring
):
    db = _imported(capsys, tmp_path)
    code, _, err = run(capsys, "encrypt", "--db", db)
    assert code == 1 and err.count("\n") == 1 and "no secure key store" in err
    assert b"Hale" in all_bytes(tmp_path)  # refused: nothing changed

    monkeypatch.setenv(cipher.KEY_ENV, os.urandom(32).hex())
    code, out, err = run(capsys, "encrypt", "--db", db)
    assert code == 0 and "Encrypted" in out and "only in DOORSTEP_DB_KEY" in out
    assert "key export" in err
    assert b"Hale" not in all_bytes(tmp_path)

    code, out, _ = run(capsys, "import", "resources/demo/seed-001.json", "--db", db)
    assert code == 0 and "Imported HX-0001" in out
    code, out, _ = run(capsys, "inbox", "--db", db, "--as-of", "2025-07-01", "--json")
    assert code == 0 and [r["case"] for r in json.loads(out)] == ["HX-0001"]
    code, out, _ = run(capsys, "search", "Hale", "--db", db, "--json")
    assert code == 0 and "EX-ASB-0001" in out
    code, out, _ = run(capsys, "backup", "--db", db, "--out", str(tmp_path / "copy.sqlite"))
    assert code == 0 and cipher.looks_encrypted(tmp_path / "copy.sqlite")


def test_a_wrong_key_is_one_sentence_exit_1_and_the_file_is_untouched(
    capsys, tmp_path, monkeypatch, no_keyring
):
    db = _imported(capsys, tmp_path)
    monkeypatch.setenv(cipher.KEY_ENV, os.urandom(32).hex())
    assert run(capsys, "encrypt", "--db", db)[0] == 0
    before = sha(db)
    monkeypatch.setenv(cipher.KEY_ENV, os.urandom(32).hex())
    code, out, err = run(capsys, "inbox", "--db", db)
    assert (code, out) == (1, "")
    assert err == (
        f"doorstep: {db} is encrypted and cannot be opened with the key on this computer; "
        "nothing was changed.\n"
    )
    assert sha(db) == before and sorted(p.name for p in tmp_path.iterdir()) == ["cases.sqlite"]


def test_key_export_and_import(capsys, tmp_path, memory_keyring):
    db = _imported(capsys, tmp_path)
    assert run(capsys, "encrypt", "--db", db)[0] == 0
    code, _, err = run(capsys, "key", "export", "--db", db)
    assert code == 2 and "--out FILE" in err
    out_file = tmp_path / "key.txt"
    code, out, err = run(capsys, "key", "export", "--db", db, "--out", str(out_file))
    assert code == 0 and "readable only by you" in out and "Warning" in err
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    assert cipher.stored_key(tmp_path / "cases.sqlite").hex() in out_file.read_text()

    keyring.set_keyring(MemoryKeyring())  # a new laptop's keyring
    assert run(capsys, "inbox", "--db", db)[0] == 1
    code, out, _ = run(capsys, "key", "import", str(out_file), "--db", db)
    assert code == 0 and "it opens the database" in out
    assert run(capsys, "inbox", "--db", db)[0] == 0


@pytest.mark.parametrize("command", [["encrypt"], ["key", "export", "--out", "k.txt"]])
def test_a_team_server_is_a_usage_error(capsys, command):
    code, _, err = run(capsys, *command, "--db", "postgresql+psycopg://a@db.example.org/d")
    assert code == 2 and "team server" in err
