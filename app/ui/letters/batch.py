"""Batch letters off the UI thread: pick a template and the cases, watch the progress, cancel at will."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import DoorstepError
from app.letters.batch import BatchItem, Candidate, candidates, generate, report
from app.letters.templates import library
from app.services.workspace import Workspace
from app.ui.fit import fit_window
from app.ui.letters.panel import _table
from app.ui.tick_model import TickModel


class CandidatesModel(TickModel):
    """The cases a batch can include, each with a tick (Space); all ticked at first."""

    COLUMNS = ("Case", "Resident", "Due", "Letter")
    TICKED_AT_FIRST = True

    def cells(self, r: Candidate) -> tuple[str, ...]:
        return (r.ref, r.resident, r.due, "uses the open draft" if r.draft else "new draft")


class BatchWorker(QObject):
    """Runs ``generate`` in its own thread; reports each letter and stops between letters when asked."""

    sig_progress = Signal(int, int, str)  # done, total, what happened
    sig_finished = Signal(list)  # [BatchItem]

    def __init__(self, ws: Workspace, template: str, refs: list[str], folder: Path):
        super().__init__()
        self.ws, self.template, self.refs, self.folder = ws, template, refs, folder
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def run(self) -> None:
        def progress(done: int, total: int, item: BatchItem) -> None:
            self.sig_progress.emit(done, total, item.line())

        try:
            items = generate(
                self.ws, self.template, self.refs, self.folder, progress, lambda: self._cancel
            )
        except DoorstepError as exc:  # pragma: no cover - generate reports per letter
            self.sig_progress.emit(0, len(self.refs), str(exc))
            items = []
        self.sig_finished.emit(items)


class BatchDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None, folder: Path | None = None):
        super().__init__(parent)
        self.ws = ws
        self.thread_: QThread | None = None
        self.worker: BatchWorker | None = None
        self.results: list[BatchItem] = []
        self.asked = 0
        self.setWindowTitle("Batch letters")
        self.setAccessibleName("Batch letters")
        fit_window(self, 860, 560, "batch_letters")
        self.template = QComboBox(self)
        self.template.setAccessibleName("Letter template")
        for name, t in library().items():
            self.template.addItem(t.title, name)
        self.template.currentIndexChanged.connect(lambda _i: self.load())
        t_label = QLabel("&Letter:", self)
        t_label.setBuddy(self.template)
        self.model = CandidatesModel(self)
        self.table = _table("Cases to include (Space ticks)", self.model, self)
        self.folder = QLineEdit(str(folder or Path.home() / "Doorstep letters"), self)
        self.folder.setAccessibleName("Folder for the PDFs")
        f_label = QLabel("&Folder:", self)
        f_label.setBuddy(self.folder)
        browse = QPushButton("&Browse…", self)
        browse.setAccessibleName("Choose the folder")
        browse.clicked.connect(self.browse)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Progress")
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Batch status")
        self.report = QPlainTextEdit(self)
        self.report.setReadOnly(True)
        self.report.setAccessibleName("What each case's draft still needs")
        self.report.setMaximumHeight(140)
        self.report.hide()
        self.start_button = QPushButton("&Generate drafts", self)
        self.start_button.setAccessibleName("Generate drafts")
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("&Cancel", self)
        self.cancel_button.setAccessibleName("Cancel the batch")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        close = QPushButton("Cl&ose", self)
        close.setAccessibleName("Close")
        close.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(t_label)
        top.addWidget(self.template, 1)
        frow = QHBoxLayout()
        frow.addWidget(f_label)
        frow.addWidget(self.folder, 1)
        frow.addWidget(browse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Make a draft of the chosen letter for each ticked case and save it as a PDF marked "
            "DRAFT. Nothing is issued: check and issue each letter from its case.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(frow)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.report)
        layout.addLayout(buttons)
        self.load()

    def load(self) -> None:
        try:
            rows = candidates(self.ws, self.template.currentData())
        except DoorstepError as exc:
            self.status.setText(str(exc))
            return
        self.model.set_rows(rows)
        self.status.setText(
            f"{len(rows)} case{'s' if len(rows) != 1 else ''} can have this letter now."
        )

    def browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Folder for the PDFs", self.folder.text())
        if path:
            self.folder.setText(path)

    @property
    def running(self) -> bool:
        return self.thread_ is not None

    def start(self) -> None:
        refs = self.model.chosen()
        if not refs:
            self.status.setText("Tick at least one case.")
            return
        self.results = []
        self.asked = len(refs)
        self.progress.setRange(0, len(refs))
        self.progress.setValue(0)
        self.start_button.setEnabled(False)
        self.template.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.thread_ = QThread(self)
        self.worker = BatchWorker(
            self.ws, self.template.currentData(), refs, Path(self.folder.text())
        )
        self.worker.moveToThread(self.thread_)
        self.thread_.started.connect(self.worker.run)
        self.worker.sig_progress.connect(self._progress)
        self.worker.sig_finished.connect(self._finished)
        self.thread_.start()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.status.setText("Cancelling after the letter being made…")

    def _progress(self, done: int, total: int, what: str) -> None:
        self.progress.setValue(done)
        self.status.setText(f"{done} of {total}: {what}")

    def _finished(self, items: list) -> None:
        self.results = items
        self.load()
        asked = max(self.asked, len(items))
        stopped = self.worker is not None and self.worker._cancel and len(items) < asked
        head, _, lines = report(items, asked).partition("\n")
        text = f"{head[:-1]} in {self.folder.text()}."
        if stopped:
            text = "Cancelled. " + text
        self.report.setPlainText(lines)
        self.report.setVisible(bool(lines))
        self.status.setText(text)
        if self.thread_ is not None:
            self.thread_.quit()
            self.thread_.wait()
        self.thread_ = self.worker = None
        self.start_button.setEnabled(True)
        self.template.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.worker is not None:
            self.worker.cancel()
        if self.thread_ is not None:
            self.thread_.quit()
            self.thread_.wait(10000)
        super().closeEvent(event)
