"""What the report dialogs share: running a service call off the UI thread, and saving files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QFileDialog, QLabel, QWidget

from app.ui.background import Job


def date_edit(day: dt.date, name: str, parent: QWidget) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    edit.setAccessibleName(name)
    return edit


def py_date(edit: QDateEdit) -> dt.date:
    d = edit.date()
    return dt.date(d.year(), d.month(), d.day())


class ReportDialog(QDialog):
    """A dialog with one background job at a time and a status line."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.job: Job | None = None
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Status")

    def run(self, work: Callable[[], Any], done: Callable[[Any], None], busy: str) -> None:
        if self.job is not None and self.job.running:
            return
        self.status.setText(busy)
        job = Job(lambda _progress: work(), self)
        job.sig_done.connect(done)
        job.sig_failed.connect(self.status.setText)
        self.job = job
        job.start()

    def ask_path(self, caption: str, suggested: str, pattern: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, caption, str(Path.home() / suggested), pattern)
        return Path(name) if name else None

    def done(self, result: int) -> None:  # noqa: D401 - Qt's name
        if self.job is not None and self.job.running:
            self.job.thread_.quit()
            self.job.thread_.wait()
        super().done(result)
