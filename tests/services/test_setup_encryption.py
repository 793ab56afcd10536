"""First-run set-up with "Encrypt this laptop's database": the database is created encrypted
and its key kept in the keyring; without a secure keyring the choice is refused in one sentence."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.errors import ValidationError
from app.services import setup
from app.services.officers import get_officer
from app.services.workspace import Actor, open_workspace
from app.store import cipher
from tests import cipher_helpers
from tests.services.test_setup import GOOD

memory_keyring = cipher_helpers.memory_keyring
no_keyring = cipher_helpers.no_keyring
ENCRYPTED = replace(GOOD, encrypt=True)


@pytest.fixture
def profile_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_setup_creates_an_encrypted_database_with_its_key_in_the_keyring(
    profile_dir, memory_keyring
):
    profile = setup.complete_setup(ENCRYPTED)
    path = profile_dir / "doorstep.sqlite"
    assert cipher.looks_encrypted(path) and b"Aisha Khan" not in path.read_bytes()
    [(service, username)] = memory_keyring.items
    assert (service, username) == ("doorstep", str(path.resolve()))
    ws = open_workspace(profile.target, actor=Actor("a.khan", "laptop"), create=False)
    try:
        assert ws.db.encrypted
        assert get_officer(ws, "a.khan").name == "Aisha Khan"
    finally:
        ws.close()


def test_without_a_keyring_the_choice_is_refused_and_nothing_is_made(profile_dir, no_keyring):
    with pytest.raises(ValidationError, match="no secure key store"):
        setup.complete_setup(ENCRYPTED)
    assert setup.is_first_run() and not (profile_dir / "doorstep.sqlite").exists()
    assert setup.validate(GOOD).encrypt is False  # unencrypted is still fine


def test_a_failed_setup_forgets_the_key_it_stored(profile_dir, memory_keyring, monkeypatch):
    def boom(*_a, **_k):
        raise ValidationError("simulated failure")

    monkeypatch.setattr(setup, "_write_config", boom)
    with pytest.raises(ValidationError, match="simulated"):
        setup.complete_setup(ENCRYPTED)
    assert not memory_keyring.items and setup.is_first_run()


def test_a_team_server_ignores_the_laptop_encryption_choice(no_keyring):
    server = replace(
        ENCRYPTED, storage=setup.SERVER, server_url="postgresql+psycopg://a.khan@db.example.org/d"
    )
    assert setup.validate(server).encrypt is False
