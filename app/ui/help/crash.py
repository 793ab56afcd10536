"""The crash reporter: uncaught exceptions (main thread, worker threads) and Qt's critical
messages become a "Something went wrong" dialog with a copyable report, and the same
report goes to the log in the data directory.

The report itself is built by ``app.crash`` (no personal data). If the dialog cannot be
shown, or a second error arrives while it is open, the report goes to stderr instead:
the reporter never recurses. After the dialog the app carries on unless the officer
chooses to quit.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

from PySide6.QtCore import (
    QObject,
    QtMsgType,
    QUrl,
    Signal,
    qInstallMessageHandler,
    qVersion,
)
from PySide6.QtGui import QDesktopServices, QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import crash
from app.ui.fit import fit_window

QT_LEVELS = {
    QtMsgType.QtDebugMsg: "debug",
    QtMsgType.QtInfoMsg: "info",
    QtMsgType.QtWarningMsg: "warning",
    QtMsgType.QtCriticalMsg: "critical",
    QtMsgType.QtFatalMsg: "fatal",
}


class CrashDialog(QDialog):
    def __init__(self, report: str, log_path: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Something went wrong")
        self.setObjectName("crash_report")
        fit_window(self, 760, 520, "crash")
        self.report = report
        self.quit_requested = False
        intro = QLabel(
            "<b>Something went wrong.</b> Doorstep met a problem it did not expect. "
            "What was saved before stays saved; the last thing you did may not have "
            "been. You can carry on working, or quit and start Doorstep again.<br>"
            "The report below holds no resident details. Copy it for whoever looks "
            "after Doorstep.",
            self,
        )
        intro.setWordWrap(True)
        self.text = QPlainTextEdit(report, self)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Crash report")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        report_label = QLabel("&Report:", self)
        report_label.setBuddy(self.text)
        saved = (
            f"Also saved in {log_path}."
            if log_path is not None
            else "The report could not be saved to the log; copy it from here."
        )
        self.saved = QLabel(saved, self)
        self.saved.setWordWrap(True)
        self.saved.setAccessibleName("Where the report was saved")

        buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton("&Copy report", self)
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.folder_button = QPushButton("Open log &folder", self)
        self.folder_button.setEnabled(log_path is not None)
        self.folder_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_path.parent)))
        )
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.quit_button = QPushButton("&Quit Doorstep", self)
        self.quit_button.clicked.connect(self.quit)
        buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.continue_button = QPushButton("Co&ntinue", self)
        self.continue_button.setDefault(True)
        self.continue_button.clicked.connect(self.accept)
        buttons.addButton(self.continue_button, QDialogButtonBox.ButtonRole.AcceptRole)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(report_label)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.saved)
        layout.addWidget(buttons)
        self.continue_button.setFocus()

    def copy(self) -> None:
        QApplication.clipboard().setText(self.report)
        self.saved.setText(self.saved.text().split(" Copied")[0] + " Copied to the clipboard.")

    def quit(self) -> None:
        self.quit_requested = True
        self.accept()


class CrashReporter(QObject):
    """Installs the hooks; lives in the main thread, which alone shows dialogs."""

    sig_report = Signal(str, str)  # report, log path ("" when it could not be written)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.showing = False
        self.shown: set[str] = set()  # one dialog per distinct failure; repeats are logged
        self.dialog: CrashDialog | None = None
        self._old: tuple | None = None
        self.sig_report.connect(self._show_queued)

    # -- installing ----------------------------------------------------------------------
    def install(self) -> None:
        old_qt = qInstallMessageHandler(self.qt_message)
        self._old = (sys.excepthook, threading.excepthook, old_qt)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        if self._old is None:
            return
        sys.excepthook, threading.excepthook, old_qt = self._old
        qInstallMessageHandler(old_qt)
        self._old = None

    # -- hooks -----------------------------------------------------------------------------
    def excepthook(self, kind, value, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        if value is None:
            value = kind()
        if value.__traceback__ is None:
            value = value.with_traceback(tb)
        self.report_exception(value, crash.thread_label(threading.current_thread()))

    def thread_excepthook(self, args) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        self.report_exception(args.exc_value, crash.thread_label(args.thread))

    def qt_message(self, mode, context, message: str) -> None:
        level = QT_LEVELS.get(mode, "message")
        try:
            origin = f"{context.file}:{context.line}" if context.file else ""
            if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
                report = crash.build_message_report(level, message, origin, {"Qt": qVersion()})
                path = self._log(report)
                if mode == QtMsgType.QtFatalMsg:  # Qt aborts as soon as this returns
                    sys.stderr.write(report + "\n")
                else:
                    self._deliver(report, path)
            elif mode == QtMsgType.QtWarningMsg:
                text = crash.redact_text(message)
                self._log(f"Qt warning: {text}", warning=True)
                sys.stderr.write(f"Qt warning: {text}\n")
            else:  # debug and info: to stderr as Qt's own handler would
                sys.stderr.write(f"Qt {level}: {message}\n")
        except Exception:  # noqa: BLE001 - a message handler must never raise into Qt
            sys.stderr.write(f"Qt {level}: {crash.redact_text(message)}\n")

    # -- reporting ---------------------------------------------------------------------------
    def report_exception(self, exc: BaseException, where: str) -> None:
        try:
            report = crash.build_report(exc, where, {"Qt": qVersion()})
        except Exception:  # noqa: BLE001 - never let the reporter fail the app
            report = f"Doorstep crash report\nWhere: {where}\nException: {type(exc).__name__}"
        self._deliver(report, self._log(report))

    @staticmethod
    def _log(report: str, warning: bool = False) -> Path | None:
        try:
            return crash.write_log(report, logging.WARNING if warning else logging.ERROR)
        except OSError as exc:
            sys.stderr.write(f"Doorstep could not write its log ({exc.__class__.__name__}).\n")
            return None

    def _deliver(self, report: str, path: Path | None) -> None:
        if threading.current_thread() is threading.main_thread():
            self.show(report, path)
        else:  # queued to the main thread, which owns this object
            self.sig_report.emit(report, str(path) if path else "")

    def _show_queued(self, report: str, path: str) -> None:
        self.show(report, Path(path) if path else None)

    def show(self, report: str, path: Path | None) -> None:
        signature = _signature(report)
        if self.showing or signature in self.shown or QApplication.instance() is None:
            sys.stderr.write(report + "\n")
            return
        self.showing = True
        self.shown.add(signature)
        try:
            dialog = CrashDialog(report, path, QApplication.activeWindow())
            self.dialog = dialog
            dialog.exec()
            if dialog.quit_requested:
                QApplication.quit()
        except Exception:  # noqa: BLE001 - showing the report failed: fall back, never recurse
            sys.stderr.write(report + "\n")
        finally:
            self.showing = False


def _signature(report: str) -> str:
    """What makes two reports the same failure: the exception and where it was raised
    (the last frame), not the time."""
    lines = [line for line in report.splitlines() if not line.startswith("When: ")]
    frames = [line for line in lines if line.lstrip().startswith("File ")]
    kind = next((line for line in lines if line.startswith(("Exception: ", "Where: Qt"))), "")
    return f"{kind}|{frames[-1] if frames else ''}|{'' if frames else ' '.join(lines[3:5])}"


def install_crash_reporter(app: QApplication) -> CrashReporter:
    """Install the reporter for the running app (kept alive by the app, its parent); a
    second call returns the one already installed."""
    existing = app.findChild(CrashReporter)
    if existing is not None and existing._old is not None:
        return existing
    reporter = CrashReporter(app)
    reporter.install()
    return reporter
