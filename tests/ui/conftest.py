"""UI test set-up shared by the Qt tests."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.services.conftest import office  # noqa: F401  (the same small office for UI tests)


@pytest.fixture(autouse=True)
def discard_on_close(monkeypatch):
    """Closing an editor with unsaved rows asks first; at teardown, the answer is discard."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
