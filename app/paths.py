"""Where Doorstep keeps its files: bundled resources and the user's data directory."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
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


# --- files only their owner may read -----------------------------------------------------------
# The database, its -wal/-shm, backups, attachments, visit drafts: 0600 files in 0700 folders,
# whatever the umask (chmod does nothing useful on Windows, where the user profile protects them).

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Files and folders created inside are owner-only (the umask is process-wide: keep it short)."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def private_dir(path: Path) -> Path:
    """Make ``path`` (and any missing parents) a folder only its owner can enter."""
    path = Path(path)
    with private_umask():
        path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        path.chmod(PRIVATE_DIR)
    return path


def make_private(*paths: Path) -> None:
    """Owner-only for each existing file given (missing ones are skipped)."""
    for p in paths:
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if Path(p).is_file():
                Path(p).chmod(PRIVATE_FILE)


def sqlite_companions(path: Path) -> tuple[Path, Path, Path]:
    """The database file and the -wal and -shm files SQLite keeps beside it."""
    path = Path(path)
    return path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
