"""The first-run wizard's "Encrypt this laptop's database" choice on the laptop-alone page."""

from __future__ import annotations

import keyring
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from app.services import setup
from app.store import cipher
from app.ui.first_run import FirstRunWizard
from tests import cipher_helpers
from tests.ui.test_first_run import _next, fill_wizard

no_keyring = cipher_helpers.no_keyring


def test_the_wizard_creates_an_encrypted_database(qtbot, tmp_path, monkeypatch, no_keyring):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "data"))
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    fill_wizard(wizard, tmp_path)
    assert _next(qtbot, wizard)
    wizard.policy.homes.setValue(300)
    assert _next(qtbot, wizard)

    box = wizard.storage.encrypt
    assert box.isEnabled() and not box.isChecked()
    assert box.accessibleName() == "Encrypt this laptop's database"
    wizard.storage.server.setChecked(True)
    assert not box.isEnabled()  # a team server is protected on the server
    wizard.storage.local.setChecked(True)
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)  # operable by keyboard
    assert box.isChecked()
    assert not _next(qtbot, wizard)  # this machine has no keyring: refused, in words
    assert "no secure key store" in wizard.storage.error.text()

    memory = cipher_helpers.MemoryKeyring()
    keyring.set_keyring(memory)
    assert _next(qtbot, wizard)
    qtbot.keyClicks(wizard.person.full_name, "Aisha Khan")
    wizard.person.job_title.setText("Tenancy sustainment officer")
    assert _next(qtbot, wizard)
    assert "an encrypted database file on this laptop" in wizard.finish.summary.text()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.profile is not None, timeout=20000)

    path = tmp_path / "data" / "doorstep.sqlite"
    assert wizard.profile.target == str(path)
    assert cipher.looks_encrypted(path) and b"Larkspur" not in path.read_bytes()
    assert cipher.stored_key(path) is not None and len(memory.items) == 1
    assert setup.read_profile() is not None
