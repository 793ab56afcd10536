"""File › Privacy…: a manager's subject access export and retention deletions.

Both tabs call the services off the UI thread (``app.ui.background.Job``); the services refuse
anyone else, the menu only hides what they would refuse.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import DoorstepError
from app.services.retention import (
    DeleteResult,
    RetentionDue,
    RetentionList,
    delete_cases,
    retention_due,
)
from app.services.sar import SarResult, subject_access
from app.services.workspace import Workspace
from app.ui.background import Job
from app.ui.fit import fit_window
from app.ui.tick_model import TickModel


class Cancelled(DoorstepError):
    pass


def _date(day: dt.date) -> str:
    return day.strftime("%d %b %Y")


class DueModel(TickModel):
    """Closed cases past their retention period, each with a tick (Space toggles it)."""

    COLUMNS = ("Case", "Kind", "Closed", "Due for deletion")

    def cells(self, r: RetentionDue) -> tuple[str, ...]:
        return (r.ref, r.kind, _date(r.closed_on), f"{_date(r.due_on)} ({r.years} years)")


class ConfirmDelete(QDialog):
    """Names how many cases will go and asks why; Delete stays off until a reason is typed."""

    def __init__(self, refs: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        n = len(refs)
        self.setWindowTitle("Delete cases")
        self.setAccessibleName("Confirm deletion")
        lay = QVBoxLayout(self)
        shown = ", ".join(refs[:10]) + (f" and {n - 10} more" if n > 10 else "")
        self.message = QLabel(
            f"Delete {n} case{'s' if n != 1 else ''} permanently ({shown})?\n\n"
            "Their history, deadlines, letters, attachments and residents' details are removed "
            "and cannot be brought back. The audit trail keeps only each case's ref and kind, "
            "who deleted it, when, and the reason below.",
            self,
        )
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        label = QLabel("&Reason for deleting:", self)
        self.reason = QLineEdit(self)
        self.reason.setAccessibleName("Reason for deleting")
        self.reason.setPlaceholderText("e.g. retention period over under the records policy")
        self.reason.setMaxLength(500)
        label.setBuddy(self.reason)
        lay.addWidget(label)
        lay.addWidget(self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.delete_button = buttons.addButton(
            f"&Delete {n} case{'s' if n != 1 else ''}", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.delete_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.reason.textChanged.connect(lambda t: self.delete_button.setEnabled(bool(t.strip())))
        fit_window(self, 520, 240)


class PrivacyDialog(QDialog):
    """Two tabs: Subject access (export a resident's zip) and Retention (delete expired cases)."""

    sig_deleted = Signal(object)  # DeleteResult: the main window refreshes those refs

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.job: Job | None = None
        self._cancel = False
        self.setWindowTitle("Privacy")
        self.setAccessibleName("Privacy")
        fit_window(self, 780, 520, "privacy")  # fits 1366×768 with room for the taskbar
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._sar_tab(), "&Subject access")
        self.tabs.addTab(self._retention_tab(), "&Retention")
        lay.addWidget(self.tabs)
        row = QHBoxLayout()
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Progress")
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("&Cancel", self)
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self._request_cancel)
        close = QPushButton("Close", self)
        close.clicked.connect(self.reject)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        row.addStretch(0)
        row.addWidget(close)
        lay.addLayout(row)
        self.load_due()

    # -- subject access ----------------------------------------------------------------
    def _sar_tab(self) -> QWidget:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        intro = QLabel(
            "Export everything held about a resident — every case of theirs with its history, "
            "letters, attachments and audit trail — as one zip to send them. Give a case ref, or "
            "the resident's name (case, spacing and accents do not matter; if two residents share "
            "the name you will be asked for a ref). The export is recorded in the audit trail.",
            page,
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        label = QLabel("&Name or case ref:", page)
        self.subject = QLineEdit(page)
        self.subject.setAccessibleName("Resident's name or case ref")
        label.setBuddy(self.subject)
        lay.addWidget(label)
        lay.addWidget(self.subject)
        self.export_button = QPushButton("&Export zip…", page)
        self.export_button.setAccessibleName("Export zip")
        self.export_button.setEnabled(False)
        self.subject.textChanged.connect(
            lambda t: self.export_button.setEnabled(bool(t.strip()) and not self.busy)
        )
        self.subject.returnPressed.connect(self.export)
        self.export_button.clicked.connect(self.export)
        lay.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.sar_status = QLabel("", page)
        self.sar_status.setAccessibleName("Export result")
        self.sar_status.setWordWrap(True)
        self.sar_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.sar_status)
        lay.addStretch(1)
        return page

    def choose_file(self) -> Path | None:
        """Where to write the zip (the file dialog asks before replacing a file)."""
        name, _ = QFileDialog.getSaveFileName(
            self, "Save subject access export", "subject-access.zip", "Zip files (*.zip)"
        )
        return Path(name) if name else None

    def export(self) -> None:
        text = self.subject.text().strip()
        if not text or self.busy:
            return
        out = self.choose_file()
        if out is None:
            return
        confirmed = out.suffix.lower() == ".zip"  # the file dialog asked before replacing it
        if not confirmed:
            out = out.with_name(out.name + ".zip")

        def work(progress):
            def step(done: int, total: int) -> None:
                if self._cancel:
                    raise Cancelled("Cancelled; nothing was written or recorded.")
                progress(done, total)

            return subject_access(self.ws, text, out, overwrite=confirmed, progress=step)

        self.sar_status.setText("Exporting…")
        self._run(work, self._exported, self.sar_status, cancellable=True)

    def _exported(self, result: SarResult) -> None:
        cases = ", ".join(result.refs)
        text = (
            f"Wrote {result.path.name}: {len(result.refs)} case{'s' if len(result.refs) != 1 else ''} "
            f"({cases}), {result.letters} letter(s), {result.attachments} attachment(s), "
            f"{result.trail_entries} trail entries."
        )
        if result.missing:
            text += (
                f" {len(result.missing)} stored file(s) were missing or damaged; "
                "README.txt in the zip names them."
            )
        self.sar_status.setText(text)

    # -- retention -----------------------------------------------------------------------
    def _retention_tab(self) -> QWidget:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        self.due_label = QLabel("Looking for closed cases past their retention period…", page)
        self.due_label.setWordWrap(True)
        self.due_label.setAccessibleName("Retention summary")
        lay.addWidget(self.due_label)
        self.due_model = DueModel(self)
        self.due_table = QTableView(page)
        self.due_table.setModel(self.due_model)
        self.due_table.setAccessibleName("Cases due for deletion")
        self.due_table.setTabKeyNavigation(False)
        self.due_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.due_table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.due_table.verticalHeader().setVisible(False)
        header = self.due_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        lay.addWidget(self.due_table, 1)
        row = QHBoxLayout()
        self.select_all = QPushButton("Tick &all", page)
        self.select_all.clicked.connect(lambda: self._tick_all(True))
        self.select_none = QPushButton("Tick &none", page)
        self.select_none.clicked.connect(lambda: self._tick_all(False))
        self.delete_button = QPushButton("&Delete selected…", page)
        self.delete_button.setAccessibleName("Delete selected cases")
        self.delete_button.setEnabled(False)
        self.delete_button.clicked.connect(self.delete_selected)
        self.due_model.dataChanged.connect(self._update_delete)
        self.due_model.modelReset.connect(self._update_delete)
        for b in (self.select_all, self.select_none):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.delete_button)
        lay.addLayout(row)
        self.retention_status = QLabel("", page)
        self.retention_status.setAccessibleName("Retention result")
        self.retention_status.setWordWrap(True)
        lay.addWidget(self.retention_status)
        return page

    def _tick_all(self, on: bool) -> None:
        self.due_model.tick_all(on)

    def _update_delete(self, *_args) -> None:
        n = len(self.due_model.chosen())
        self.delete_button.setText(f"&Delete selected ({n})…" if n else "&Delete selected…")
        self.delete_button.setEnabled(bool(n) and not self.busy)

    def load_due(self) -> None:
        self._run(lambda _p: retention_due(self.ws), self._loaded, self.due_label, busy_bar=False)

    def _loaded(self, listed: RetentionList) -> None:
        self.due_model.set_rows(list(listed.due))
        n = len(listed.due)
        text = (
            f"{n} closed case{'s are' if n != 1 else ' is'} past the retention period on "
            f"{_date(listed.as_of)}. Tick those to delete, then Delete selected."
            if n
            else f"No closed case is past its retention period on {_date(listed.as_of)}."
        )
        for name in listed.unset:
            text += f" Policy {name} sets no retention periods: its closed cases are kept."
        self.due_label.setText(text)

    def ask_reason(self, refs: list[str]) -> str | None:
        """The confirmation: None when the manager cancels, else their reason."""
        dialog = ConfirmDelete(refs, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.reason.text().strip() or None

    def delete_selected(self) -> None:
        refs = self.due_model.chosen()
        if not refs or self.busy:
            return
        reason = self.ask_reason(refs)
        if reason is None:
            return
        self.retention_status.setText(f"Deleting {len(refs)} case(s)…")
        self._run(
            lambda _p: delete_cases(self.ws, refs, reason), self._deleted, self.retention_status
        )

    def _deleted(self, result: DeleteResult) -> None:
        self.retention_status.setText(
            f"Deleted {len(result.deleted)} case(s): {', '.join(result.deleted)}."
        )
        self.sig_deleted.emit(result)
        self.load_due()

    # -- background work -----------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.job is not None and self.job.running

    def _run(
        self, fn, done, status: QLabel, busy_bar: bool = True, cancellable: bool = False
    ) -> None:
        self._cancel = False
        job = Job(fn, self)
        self.job = job
        if busy_bar:
            self.progress.setRange(0, 0)
            self.progress.setVisible(True)
            self.cancel_button.setVisible(cancellable)
        self.export_button.setEnabled(False)
        self.delete_button.setEnabled(False)
        job.sig_progress.connect(self._progress)
        job.sig_done.connect(lambda result: (self._finish(), done(result)))
        job.sig_failed.connect(lambda message: (self._finish(), status.setText(message)))
        job.start()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finish(self) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.job = None
        self.export_button.setEnabled(bool(self.subject.text().strip()))
        self._update_delete()

    def _request_cancel(self) -> None:
        self._cancel = True

    def reject(self) -> None:
        if self.busy and self.job is not None:  # let the work finish: a half-written export
            self._cancel = True  # is removed, never left
            self.job.thread_.quit()  # its loop ends once the work returns (the slot that
            self.job.thread_.wait()  # would quit it runs on this thread, which waits here)
        super().reject()
