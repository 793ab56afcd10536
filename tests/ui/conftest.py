"""UI test set-up shared by the Qt tests."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.services.conftest import office  # noqa: F401  (the same small office for UI tests)
from tests.sync.conftest import laptop, server, sync_clock, team  # noqa: F401  (test_sync_ui)


@pytest.fixture(autouse=True)
def discard_on_close(monkeypatch):
    """Closing an editor with unsaved rows asks first; at teardown, the answer is discard."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


@pytest.fixture(autouse=True)
def own_settings(tmp_path, monkeypatch):
    """Each test keeps its QSettings (window sizes, splitters, the font size) in its own folder,
    so no test sees where another left a window, and the person's own settings stay untouched."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )
