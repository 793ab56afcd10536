"""The crash reporter: an error anywhere shows "Something went wrong" and is logged, with no
personal data, and the app carries on."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import QTimer, qCritical, qWarning
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QLabel
from sqlalchemy import create_engine, text

from app import crash
from app.ui.help.crash import CrashDialog, CrashReporter, install_crash_reporter
from app.ui.help.shortcuts import mnemonic

RESIDENT = "Marta Wiśniewska"

pytestmark = pytest.mark.qt_no_exception_capture  # the reporter, not pytest-qt, catches them


@pytest.fixture
def reporter(tmp_path, monkeypatch):
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path))
    shown: list[CrashDialog] = []

    def fake_exec(dialog):  # record the dialog instead of blocking on it
        shown.append(dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CrashDialog, "exec", fake_exec)
    r = CrashReporter()
    r.install()
    r.dialogs = shown
    yield r
    r.uninstall()


def _log(tmp_path) -> str:
    path = tmp_path / "logs" / "doorstep.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _save_resident():
    """A slot that fails the way real code does: a database error carrying the row."""
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        conn.execute(text("create table resident (name text unique)"))
        conn.execute(text("insert into resident values (:n)"), {"n": RESIDENT})
        try:
            conn.execute(text("insert into resident values (:n)"), {"n": RESIDENT})
        except Exception as exc:
            raise RuntimeError(f"could not save {RESIDENT}") from exc


def test_an_exception_in_a_timer_slot_shows_the_dialog_and_is_logged(qtbot, reporter, tmp_path):
    QTimer.singleShot(0, _save_resident)
    qtbot.waitUntil(lambda: len(reporter.dialogs) == 1)
    dialog = reporter.dialogs[0]
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Something went wrong"
    report = dialog.text.toPlainText()
    log = _log(tmp_path)
    for text_ in (report, log):
        assert "Traceback (most recent call last):" in text_
        assert 'File "tests/ui/test_help_crash.py", line' in text_
        assert "in _save_resident" in text_
        assert "sqlalchemy.exc.IntegrityError" in text_ and "RuntimeError" in text_
        assert "[SQL: insert into resident values (?)]" in text_
        assert "Wiśniewska" not in text_ and "Marta" not in text_
        assert "[parameters:" not in text_
    assert str(tmp_path / "logs" / "doorstep.log") in dialog.saved.text()
    # the app carries on: the event loop still runs timers
    ran = []
    QTimer.singleShot(0, lambda: ran.append(True))
    qtbot.waitUntil(lambda: ran == [True])


def test_an_exception_in_a_worker_thread_is_shown_by_the_main_thread(qtbot, reporter, tmp_path):
    def work():
        raise KeyError(RESIDENT)

    t = threading.Thread(target=work, name="pdf-batch")
    t.start()
    t.join()
    qtbot.waitUntil(lambda: len(reporter.dialogs) == 1)
    report = reporter.dialogs[0].report
    assert "Where: worker thread 'pdf-batch'" in report
    assert "in work" in report and "Marta" not in report
    assert "Where: worker thread 'pdf-batch'" in _log(tmp_path)


def test_a_qt_critical_is_reported_and_a_warning_only_logged(qtbot, reporter, tmp_path):
    qWarning(f"QFont: cannot find '{RESIDENT}'")
    assert reporter.dialogs == []
    assert "WARNING Qt warning: QFont: cannot find '…'" in _log(tmp_path)
    qCritical(f"QPainter: device for '{RESIDENT}' is broken")
    assert len(reporter.dialogs) == 1
    assert "Where: Qt (critical)" in reporter.dialogs[0].report
    assert "Marta" not in _log(tmp_path)


def test_the_same_failure_is_shown_once_then_only_logged(qtbot, reporter, tmp_path, capsys):
    def boom():
        raise KeyError(RESIDENT)

    for _ in range(3):
        QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: _log(tmp_path).count("Doorstep crash report") == 3)
    assert len(reporter.dialogs) == 1
    assert capsys.readouterr().err.count("Doorstep crash report") == 2


def test_a_dialog_that_cannot_be_shown_falls_back_to_stderr(qtbot, reporter, monkeypatch, capsys):
    def broken(*_a, **_k):
        raise RuntimeError("no display")

    monkeypatch.setattr(CrashDialog, "exec", broken)
    sys.excepthook(KeyError, KeyError(RESIDENT), None)
    err = capsys.readouterr().err
    assert "Doorstep crash report" in err and "Marta" not in err
    assert not reporter.showing  # ready for the next one: nothing stuck, nothing recursed


def test_an_error_while_the_dialog_is_open_does_not_open_another(qtbot, reporter, monkeypatch):
    def reentrant(dialog):
        reporter.dialogs.append(dialog)
        try:
            raise ValueError(RESIDENT)
        except ValueError as exc:
            sys.excepthook(ValueError, exc, exc.__traceback__)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CrashDialog, "exec", reentrant)
    try:
        raise KeyError(RESIDENT)
    except KeyError as exc:
        sys.excepthook(KeyError, exc, exc.__traceback__)
    assert len(reporter.dialogs) == 1


def test_quit_in_the_dialog_quits_the_app(qtbot, reporter, monkeypatch):
    quits = []
    monkeypatch.setattr(QApplication, "quit", lambda: quits.append(True))

    def choose_quit(dialog):
        reporter.dialogs.append(dialog)
        dialog.quit_button.click()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CrashDialog, "exec", choose_quit)
    sys.excepthook(KeyError, KeyError(RESIDENT), None)
    assert quits == [True]


def test_the_dialog_copies_its_report_fits_the_screen_and_has_unique_mnemonics(qtbot, tmp_path):
    report = crash.build_report(KeyError(RESIDENT))
    dialog = CrashDialog(report, tmp_path / "doorstep.log")
    qtbot.addWidget(dialog)
    dialog.show()
    captions = [b.text() for b in dialog.findChildren(QAbstractButton)]
    captions += [lab.text() for lab in dialog.findChildren(QLabel) if lab.buddy() is not None]
    letters = [mnemonic(c) for c in captions]
    assert None not in letters and len(set(letters)) == len(letters), captions
    hint = dialog.sizeHint()
    assert dialog.width() <= 1366 and dialog.height() <= 728 and hint.height() <= 728
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == report
    assert "Copied to the clipboard." in dialog.saved.text()
    assert dialog.continue_button.isDefault()


def test_installing_replaces_the_hooks_and_uninstalling_restores_them(qtbot):
    before = (sys.excepthook, threading.excepthook)
    reporter = install_crash_reporter(QApplication.instance())
    try:
        assert sys.excepthook == reporter.excepthook
        assert threading.excepthook == reporter.thread_excepthook
        assert install_crash_reporter(QApplication.instance()) is reporter
    finally:
        reporter.uninstall()
    assert (sys.excepthook, threading.excepthook) == before
