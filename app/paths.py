"""Where Doorstep keeps its files: shipped resources (read-only) and the user's data directory.

The shipped folders ``resources/`` (policy, letter templates, fonts, demo seed) and
``db/`` (Alembic migrations) are found in one of three places:

* a PyInstaller bundle: ``sys._MEIPASS/resources`` and ``sys._MEIPASS/db``;
* an installed wheel: inside the package, ``app/_data/resources`` and ``app/_data/db``
  (setup.py maps the repository's folders there at build time);
* a checkout (including an editable install): the repository's top-level folders.

Nothing is ever written there: databases, drafts and attachments go under ``data_dir()``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from importlib import resources as importlib_resources
from pathlib import Path

from app.errors import DoorstepError

PACKAGED = "_data"  # app/_data/… in an installed wheel


def _installed(name: str) -> Path | None:
    """``app/_data/NAME`` when Doorstep runs from an installed wheel."""
    folder = importlib_resources.files("app").joinpath(PACKAGED, name)
    # Wheels install as plain files; a zipped app (no real path) cannot feed Alembic or reportlab.
    if isinstance(folder, Path) and folder.is_dir():
        return folder
    return None


def shipped_dir(name: str) -> Path:
    """The shipped folder NAME (``resources`` or ``db``), wherever this Doorstep runs from."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        folder = Path(frozen) / name
    else:
        folder = _installed(name) or Path(__file__).resolve().parent.parent / name
    if not folder.is_dir():
        raise DoorstepError(f"Doorstep's {name} folder is missing ({folder}); reinstall Doorstep.")
    return folder


def resources_dir() -> Path:
    return shipped_dir("resources")


def migrations_dir() -> Path:
    return shipped_dir("db")


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


def write_whole(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: into a temporary file in the same
    folder, flushed to disk, then renamed over ``path``. A full disk or a failed write leaves
    no partial file (and an existing ``path`` as it was). The file is owner-only: what
    Doorstep writes out holds residents' details. Raises ``DoorstepError`` in one sentence."""
    import errno
    import tempfile

    path = Path(path)
    if not path.parent.is_dir():
        raise DoorstepError(f"There is no folder {path.parent}; nothing was written.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise DoorstepError(f"Cannot write in {path.parent} ({exc.strerror}).") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DoorstepError(
                f"The disk is full, so {path} was not written; free some space and try again."
            ) from None
        raise DoorstepError(f"{path} could not be written ({exc.strerror}).") from None
