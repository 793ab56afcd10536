"""Finding the shipped resources/ and db/: in a checkout, an installed wheel or a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app import paths
from app.errors import DoorstepError

ROOT = Path(__file__).resolve().parent.parent


def _package(tmp_path: Path) -> Path:
    """A stand-in for an installed `app` folder carrying _data/resources and _data/db."""
    package = tmp_path / "site-packages" / "app"
    for name in ("resources", "db"):
        (package / "_data" / name).mkdir(parents=True)
    return package


def test_a_checkout_uses_its_top_level_folders():
    assert paths.resources_dir() == ROOT / "resources"
    assert paths.migrations_dir() == ROOT / "db"
    assert (paths.resources_dir() / "policy" / "code-2024.toml").is_file()


def test_an_installed_wheel_uses_the_folders_inside_the_package(tmp_path, monkeypatch):
    package = _package(tmp_path)
    monkeypatch.setattr(paths.importlib_resources, "files", lambda name: package)
    assert paths.resources_dir() == package / "_data" / "resources"
    assert paths.migrations_dir() == package / "_data" / "db"


def test_a_pyinstaller_bundle_uses_meipass(tmp_path, monkeypatch):
    for name in ("resources", "db"):
        (tmp_path / "bundle" / name).mkdir(parents=True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    monkeypatch.setattr(paths.importlib_resources, "files", lambda name: _package(tmp_path))
    assert paths.resources_dir() == tmp_path / "bundle" / "resources"
    assert paths.migrations_dir() == tmp_path / "bundle" / "db"


def test_a_missing_folder_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "empty"), raising=False)
    with pytest.raises(DoorstepError, match="resources folder is missing .*reinstall Doorstep"):
        paths.resources_dir()


def test_the_data_directory_is_the_override_or_the_platform_default(tmp_path, monkeypatch):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "mine"))
    assert paths.default_database() == tmp_path / "mine" / "doorstep.sqlite"
    assert paths.demo_database() == tmp_path / "mine" / "demo.sqlite"
    monkeypatch.delenv("DOORSTEP_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(sys, "platform", "linux")
    assert paths.data_dir() == tmp_path / "xdg" / "doorstep"
