"""Crash reports that carry no personal data, and the log they are kept in.

An exception's *message* can hold a resident's name or address (``KeyError('Jane
Smith')``, a database error quoting the row it choked on), so a report keeps the
exception's type and the traceback's frames (file, line, function, source line: code,
never data) and replaces the message with a placeholder unless the type is one whose
message Python writes from the code alone. SQLAlchemy errors keep their statement but
lose the ``[parameters: ...]`` line and any quoted value in the driver's text. Local
variables are never captured.

Qt-free: the dialog that shows a report lives in ``app/ui/help/crash.py``.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import logging.handlers
import platform
import re
import sys
import threading
import traceback
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

from app.paths import data_dir

WITHHELD = "‹message withheld: it may contain personal data›"
LOG_NAME = "doorstep.log"
LOG_MAX_BYTES = 512 * 1024
LOG_BACKUPS = 5
MAX_MESSAGE = 300

# Built-in exceptions whose message Python composes from the code (type and attribute
# names, "division by zero"), never from the values being handled. Matched by exact
# type: a subclass may be raised by application code with anything in its message.
SAFE_MESSAGE_TYPES: frozenset[type[BaseException]] = frozenset(
    {
        ZeroDivisionError,
        AttributeError,
        NameError,
        UnboundLocalError,
        ImportError,
        ModuleNotFoundError,
        RecursionError,
        IndexError,
        TypeError,
        NotImplementedError,
        MemoryError,
    }
)

_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
_DISTRIBUTIONS = {
    "Doorstep": ("doorstep",),
    "PySide6": ("PySide6-Essentials", "PySide6"),
    "SQLAlchemy": ("SQLAlchemy",),
    "reportlab": ("reportlab",),
}


# -- what is running ---------------------------------------------------------------------
def _dist_version(names: tuple[str, ...]) -> str:
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def versions(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Doorstep's version and its main libraries', in a fixed order; ``extra`` adds what
    only the caller can know (the Qt library actually loaded)."""
    out = {"Doorstep": _dist_version(_DISTRIBUTIONS["Doorstep"])}
    out["Python"] = platform.python_version()
    out.update(extra or {})
    for name in ("PySide6", "SQLAlchemy", "reportlab"):
        out[name] = _dist_version(_DISTRIBUTIONS[name])
    return out


def platform_text() -> str:
    return f"{platform.platform()} ({platform.machine() or 'unknown machine'})"


def safe_url(url: str) -> str:
    """A database address fit to show: a server URL loses its password entirely."""
    parts = urlsplit(url)
    if not parts.netloc or parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address goes back in brackets
        host = f"[{host}]"
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=user + host))


# -- redaction -----------------------------------------------------------------------------
def _is_sqlalchemy(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] == "sqlalchemy"


def _sqlalchemy_message(text: str) -> str:
    """Keep the driver's error class, its message without quoted values or DETAIL lines,
    and the SQL statement (placeholders, not values); drop the parameters."""
    kept = []
    in_sql = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("[parameters:"):
            in_sql = False
            continue
        if stripped.startswith("[SQL:"):
            in_sql = True
        elif stripped.startswith("(Background on this error"):
            in_sql = False
        if in_sql:
            kept.append(line)
        elif stripped.startswith(("DETAIL:", "HINT:", "CONTEXT:")):
            continue
        else:
            kept.append(_QUOTED.sub("'…'", line))
    return "\n".join(kept)


def safe_message(exc: BaseException) -> str:
    """What of ``exc``'s message may go into a report."""
    kind = type(exc)
    if _is_sqlalchemy(exc):
        return _sqlalchemy_message(str(exc))
    if kind in SAFE_MESSAGE_TYPES:
        text = str(exc)
        return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "…"
    if isinstance(exc, OSError) and exc.errno in errno.errorcode:
        return f"[{errno.errorcode[exc.errno]}] {WITHHELD}"
    return WITHHELD if str(exc) else ""


def redact_text(text: str) -> str:
    """Free text from a library (a Qt warning): quoted values withheld."""
    return _QUOTED.sub("'…'", text)


def _type_name(exc: BaseException) -> str:
    kind = type(exc)
    module = kind.__module__
    return (
        kind.__qualname__ if module in ("builtins", "__main__") else f"{module}.{kind.__qualname__}"
    )


def _code_root() -> Path:
    """The folder holding the ``app`` package: the checkout, site-packages or the bundle."""
    return Path(__file__).resolve().parent.parent


def short_path(filename: str) -> str:
    """A frame's file relative to the app or its site-packages (no home folder, so no user
    name, and shorter to read)."""
    path = Path(filename)
    try:
        return path.resolve().relative_to(_code_root()).as_posix()
    except (ValueError, OSError):
        pass
    parts = path.parts
    for anchor in ("site-packages", "dist-packages"):
        if anchor in parts:
            return Path(*parts[parts.index(anchor) :]).as_posix()
    stdlib = Path(sys.base_prefix).resolve()
    try:
        return "python/" + path.resolve().relative_to(stdlib).as_posix()
    except (ValueError, OSError):
        return path.name


def _frames(tb: TracebackType | None) -> list[str]:
    lines = []
    for frame in traceback.extract_tb(tb):  # never captures local variables
        lines.append(f'  File "{short_path(frame.filename)}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    return lines


def _chain(exc: BaseException) -> list[tuple[BaseException, str | None]]:
    """``exc`` and what led to it, oldest first, each with the sentence Python prints
    before it (how it relates to the one printed above it)."""
    seen: set[int] = set()
    out: list[tuple[BaseException, str | None]] = []
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if current.__cause__ is not None:
            link, older = (
                "The above exception was the direct cause of the following exception:",
                current.__cause__,
            )
        elif current.__context__ is not None and not current.__suppress_context__:
            link, older = (
                "During handling of the above exception, another exception occurred:",
                current.__context__,
            )
        else:
            link, older = None, None
        out.append((current, link))
        current = older
    out.reverse()
    return out


def format_exception(exc: BaseException) -> str:
    """A traceback like Python's, with messages redacted and no locals."""
    lines: list[str] = []
    for current, link in _chain(exc):
        if link:
            lines += ["", link, ""]
        if current.__traceback__ is not None:
            lines.append("Traceback (most recent call last):")
            lines += _frames(current.__traceback__)
        message = safe_message(current)
        lines.append(f"{_type_name(current)}: {message}" if message else _type_name(current))
        if getattr(current, "__notes__", None):
            lines.append(f"  ({len(current.__notes__)} note(s) withheld)")
    return "\n".join(lines)


# -- reports -------------------------------------------------------------------------------
def _report(
    where: str,
    body: list[str],
    extra_versions: Mapping[str, str] | None,
    now: dt.datetime | None,
) -> str:
    """A report's frame: when and where, the body, then the versions and the platform."""
    when = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M:%S UTC")
    return "\n".join(
        [
            "Doorstep crash report",
            f"When: {when}",
            f"Where: {where}",
            *body,
            "",
            "Versions: " + " · ".join(f"{k} {v}" for k, v in versions(extra_versions).items()),
            f"Platform: {platform_text()}",
        ]
    )


def build_report(
    exc: BaseException,
    where: str = "main thread",
    extra_versions: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> str:
    """The whole report: when, where, the redacted traceback, versions and platform."""
    body = [f"Exception: {_type_name(exc)}", "", format_exception(exc)]
    return _report(where, body, extra_versions, now)


def build_message_report(
    level: str,
    message: str,
    origin: str = "",
    extra_versions: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> str:
    """A report for a message a library logged (a Qt critical): its text, values withheld."""
    where = f"Qt ({level})" + (f" at {origin}" if origin else "")
    return _report(where, ["", redact_text(message)], extra_versions, now)


def thread_label(thread: threading.Thread | None) -> str:
    if thread is None or thread is threading.main_thread():
        return "main thread"
    return f"worker thread {thread.name!r}"


# -- the log -------------------------------------------------------------------------------
def log_dir() -> Path:
    return data_dir() / "logs"


_write_lock = threading.Lock()


def write_log(text: str, level: int = logging.ERROR, directory: Path | None = None) -> Path:
    """Append ``text`` to the rotating log (``<data dir>/logs/doorstep.log``, kept to
    LOG_BACKUPS files of LOG_MAX_BYTES). Raises OSError when it cannot be written."""
    folder = directory or log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_NAME
    with _write_lock:
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        # A plain record straight to the handler: the report never passes through the root
        # logger, so no other handler (or test capture) sees it, and errors surface here.
        record = logging.LogRecord("doorstep.crash", level, __file__, 0, text, None, None)
        try:
            if handler.shouldRollover(record):
                handler.doRollover()
            handler.stream.write(handler.format(record) + handler.terminator)
            handler.stream.flush()
        finally:
            handler.close()
    return path
