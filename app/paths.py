"""Where Doorstep keeps its files: bundled resources and the user's data directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def project_root() -> Path:
    """The folder holding ``resources/`` and ``db/`` (the checkout, or a frozen bundle)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return project_root() / "resources"


def migrations_dir() -> Path:
    return project_root() / "db"


def data_dir() -> Path:
    """The user's data directory (``DOORSTEP_DATA_DIR`` overrides the platform default)."""
    override = os.environ.get("DOORSTEP_DATA_DIR")
    if override:
        path = Path(override)
    elif sys.platform == "win32":
        path = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / "Doorstep"
    elif sys.platform == "darwin":
        path = Path.home() / "Library" / "Application Support" / "Doorstep"
    else:
        path = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "doorstep"
    return path


def default_database() -> Path:
    return data_dir() / "doorstep.sqlite"


def demo_database() -> Path:
    return data_dir() / "demo.sqlite"
