"""Crash reports: the traceback survives, personal data does not, and the log rotates."""

from __future__ import annotations

import datetime as dt
import errno
import threading

import pytest
from sqlalchemy import create_engine, text

from app import crash

RESIDENT = "Marta Wiśniewska, 12 Larch Close"


def _raise_key_error():
    lookup: dict[str, str] = {}
    return lookup[RESIDENT]


def _caught(fn) -> BaseException:
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001 - the point is to hold any exception
        return exc
    raise AssertionError("nothing was raised")


def test_a_report_keeps_type_frames_and_lines_but_not_the_message():
    exc = _caught(_raise_key_error)
    report = crash.build_report(exc, now=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
    assert "When: 2026-01-02 03:04:05 UTC" in report
    assert "Exception: KeyError" in report
    assert 'File "tests/test_crash.py", line' in report
    assert "in _raise_key_error" in report
    assert "return lookup[RESIDENT]" in report  # the source line: code, not data
    assert f"KeyError: {crash.WITHHELD}" in report
    assert "Marta" not in report and "Larch" not in report
    for name in ("Doorstep", "Python", "PySide6", "SQLAlchemy", "reportlab"):
        assert f"{name} " in report
    assert "Platform: " in report


def test_a_chained_exception_shows_both_and_withholds_both_messages():
    def wrapped():
        try:
            _raise_key_error()
        except KeyError as err:
            raise ValueError(f"no such resident: {RESIDENT}") from err

    report = crash.format_exception(_caught(wrapped))
    assert report.index("KeyError") < report.index("direct cause") < report.index("ValueError")
    assert "Wiśniewska" not in report


def test_messages_python_writes_from_the_code_are_kept():
    report = crash.format_exception(_caught(lambda: 1 / 0))
    assert "ZeroDivisionError: division by zero" in report
    report = crash.format_exception(_caught(lambda: None.ref))
    assert "AttributeError: 'NoneType' object has no attribute 'ref'" in report


def test_a_subclass_of_a_safe_type_is_not_trusted():
    class Odd(TypeError):
        pass

    def boom():
        raise Odd(RESIDENT)

    assert "Marta" not in crash.format_exception(_caught(boom))


def test_an_os_error_keeps_its_errno_name_but_not_the_file_name():
    def boom():
        raise OSError(errno.ENOSPC, "No space left", f"/cases/{RESIDENT}.pdf")

    report = crash.format_exception(_caught(boom))
    assert "[ENOSPC]" in report and "Marta" not in report


def test_sqlalchemy_errors_keep_the_statement_but_not_the_parameters():
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        conn.execute(text("create table resident (name text unique)"))
        conn.execute(text("insert into resident values (:n)"), {"n": RESIDENT})
        exc = _caught(
            lambda: conn.execute(text("insert into resident values (:n)"), {"n": RESIDENT})
        )
    assert "[parameters:" in str(exc) and "Marta" in str(exc)  # what SQLAlchemy says
    report = crash.build_report(exc)
    assert "UNIQUE constraint failed: resident.name" in report
    assert "[SQL: insert into resident values (?)]" in report
    assert "[parameters:" not in report and "Marta" not in report


def test_database_driver_details_and_quoted_values_are_dropped():
    message = (
        "(psycopg.errors.UniqueViolation) duplicate key value violates unique constraint "
        '"cases_ref_key"\nDETAIL:  Key (resident)=(Marta) already exists.\n'
        "[SQL: INSERT INTO cases (resident) VALUES (%(resident)s)]\n"
        "[parameters: {'resident': 'Marta'}]"
    )
    cleaned = crash._sqlalchemy_message(message)
    assert "Marta" not in cleaned and "DETAIL" not in cleaned
    assert "[SQL: INSERT INTO cases (resident) VALUES (%(resident)s)]" in cleaned


def test_a_worker_thread_is_named_in_the_report():
    seen = {}

    def hook(args):
        seen["report"] = crash.build_report(args.exc_value, where=crash.thread_label(args.thread))

    old = threading.excepthook
    threading.excepthook = hook
    try:
        t = threading.Thread(target=_raise_key_error, name="pdf-batch")
        t.start()
        t.join()
    finally:
        threading.excepthook = old
    assert "Where: worker thread 'pdf-batch'" in seen["report"]
    assert "Marta" not in seen["report"]


def test_library_messages_lose_quoted_values():
    report = crash.build_message_report("critical", "QFont: cannot load 'Marta Wiśniewska'")
    assert "Where: Qt (critical)" in report and "Marta" not in report and "QFont" in report


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://u:secret@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u:secret@h:5433/db", "postgresql+psycopg://u@h:5433/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("/home/me/.local/share/doorstep/doorstep.sqlite", None),
    ],
)
def test_a_database_address_is_shown_without_its_password(url, shown):
    assert crash.safe_url(url) == (shown or url)


def test_the_log_is_written_in_the_data_directory_and_rotates(tmp_path, monkeypatch):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(crash, "LOG_MAX_BYTES", 2000)
    path = crash.write_log("first report")
    assert path == tmp_path / "logs" / "doorstep.log"
    assert "ERROR first report" in path.read_text(encoding="utf-8")
    for i in range(30):
        crash.write_log(f"report {i} " + "x" * 200)
    logs = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert logs[:2] == ["doorstep.log", "doorstep.log.1"]
    assert len(logs) <= 1 + crash.LOG_BACKUPS
    assert all(p.stat().st_size <= 2000 for p in (tmp_path / "logs").iterdir())
