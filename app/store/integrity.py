"""When to run SQLite's integrity check at open, so that it guards every file without costing
every start.

``PRAGMA quick_check`` reads every page: ~1 s for a 77 MB file, seconds at the design size. It
runs at open unless this file is known good: checked within the last ``RECHECK_DAYS`` days and,
since then, only changed by Doorstep sessions that closed cleanly — the file's size and
modification time are exactly what they were when the last one closed and no write-ahead log
is left over (a crash leaves one). Anything else — a file copied in, restored, damaged on disk,
changed by another program, a crash — is checked again. The record (no resident data, only paths,
sizes and times) lives in the user's data folder; if it cannot be written, every open checks.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from app.paths import data_dir, sqlite_companions

RECHECK_DAYS = 7
STAMPS = "integrity-checks.json"


def _stamps_path() -> Path:
    return data_dir() / STAMPS


def _load() -> dict:
    try:
        data = json.loads(_stamps_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(stamps: dict) -> None:
    path = _stamps_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(json.dumps(stamps, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only data folder: the check simply runs at every open


def _identity(path: Path) -> list[int] | None:
    """(size, mtime) of a file at rest, or None while a write-ahead log is left beside it."""
    main, wal, _shm = sqlite_companions(path)
    try:
        if wal.exists() and wal.stat().st_size > 0:
            return None
        st = main.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _key(path: Path) -> str:
    return str(Path(path).resolve())


def needs_check(path: Path) -> bool:
    entry = _load().get(_key(path))
    if not isinstance(entry, dict):
        return True
    fresh = time.time() - float(entry.get("checked", 0)) < RECHECK_DAYS * 86400
    identity = _identity(path)
    return not (fresh and identity is not None and entry.get("file") == identity)


def record_check(path: Path) -> None:
    """The check passed now: the file is good until it changes outside a clean session."""
    stamps = _load()
    stamps[_key(path)] = {"checked": time.time(), "file": None}
    _save(stamps)


def record_clean_close(path: Path) -> None:
    """A session that began on a good file closed cleanly: remember the file as it is now."""
    stamps = _load()
    entry = stamps.get(_key(path))
    if not isinstance(entry, dict):
        return
    entry["file"] = _identity(path)
    _save(stamps)
