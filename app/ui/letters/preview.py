"""The live page preview: the real PDF, rendered and rasterised off the UI thread (PDFium).

Requests are debounced by the editor; only the newest request's pages are shown
(an older render finishing late is dropped), and one render runs at a time.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

SCALE = 1.25  # 90 dpi: A4 is ~744 px wide
A4_WIDTH_PT = 595.28


# PDFium is not thread-safe: every use in the process (two editors may be previewing at once)
# goes through this lock.
PDFIUM_LOCK = threading.Lock()


def rasterise(pdf: bytes, scale: float = SCALE) -> list[QImage]:
    """Each page of a PDF as an image (safe off the UI thread: QImage, not QPixmap)."""
    with PDFIUM_LOCK:
        return _rasterise(pdf, scale)


def _rasterise(pdf: bytes, scale: float) -> list[QImage]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        images = []
        for i in range(len(doc)):
            page = doc[i]
            bitmap = page.render(scale=scale, rev_byteorder=True)
            try:
                w, h, stride = bitmap.width, bitmap.height, bitmap.stride
                fmt = (
                    QImage.Format.Format_RGB888
                    if bitmap.n_channels == 3
                    else QImage.Format.Format_RGBA8888
                )
                images.append(QImage(bytes(bitmap.buffer), w, h, stride, fmt).copy())
            finally:
                bitmap.close()
                page.close()
        return images
    finally:
        doc.close()


class _Signals(QObject):
    sig_done = Signal(int, list)  # request number, [QImage]
    sig_failed = Signal(int, str)


class _Job(QRunnable):
    def __init__(self, number: int, make_pdf: Callable[[], bytes], signals: _Signals, scale: float):
        super().__init__()
        self.number, self.make_pdf, self.signals, self.scale = number, make_pdf, signals, scale

    def run(self) -> None:
        try:
            images = rasterise(self.make_pdf(), self.scale)
        except Exception as exc:  # a render must never take the window down  # noqa: BLE001
            self.signals.sig_failed.emit(self.number, str(exc))
            return
        self.signals.sig_done.emit(self.number, images)


class PreviewPane(QWidget):
    """Page images, one under another, and a message line above them (why nothing is drawn)."""

    sig_rendered = Signal(int)  # page count, after the newest request is shown

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Page preview")
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Preview message")
        self.message.setStyleSheet("color: #b3261e; padding: 4px;")
        self.message.hide()
        self.scroll = QScrollArea(self)
        self.scroll.setAccessibleName("Pages")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # scroll it by keyboard
        self.inner = QWidget(self.scroll)
        self.inner.setStyleSheet("background: #e6e9ed;")
        self.layout_ = QVBoxLayout(self.inner)
        self.layout_.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.layout_.setSpacing(12)
        self.scroll.setWidget(self.inner)
        self.scroll.viewport().installEventFilter(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.message)
        outer.addWidget(self.scroll, 1)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.signals = _Signals(self)
        self.signals.sig_done.connect(self._done)
        self.signals.sig_failed.connect(self._failed)
        self._counter = itertools.count(1)
        self.latest = 0
        self.pages: list[QLabel] = []
        self._last: Callable[[], bytes] | None = None
        self._drawn_width = 0

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            width = event.size().width()
            if self._last is not None and abs(width - self._drawn_width) > 40:
                self.request(self._last)  # redraw to fit the new width
        return super().eventFilter(watched, event)

    def request(self, make_pdf: Callable[[], bytes]) -> int:
        """Render in the background; returns the request's number."""
        self.latest = next(self._counter)
        self._last = make_pdf
        self._drawn_width = self.scroll.viewport().width()
        width = self._drawn_width - 44  # fit the page (and its border) to the pane's width
        scale = max(0.6, min(SCALE * 1.2, width / A4_WIDTH_PT)) if width > 100 else SCALE
        self.pool.start(_Job(self.latest, make_pdf, self.signals, scale))
        return self.latest

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def wait(self, msecs: int = 5000) -> bool:
        return self.pool.waitForDone(msecs)

    def _done(self, number: int, images: list) -> None:
        if number != self.latest:
            return  # a newer request is on its way
        for label in self.pages:
            label.deleteLater()
        self.pages = []
        for i, image in enumerate(images, start=1):
            label = QLabel(self.inner)
            label.setPixmap(QPixmap.fromImage(image))
            label.setAccessibleName(f"Page {i} of {len(images)}")
            label.setStyleSheet("background: white; border: 1px solid #c4cad1;")
            self.layout_.addWidget(label)
            self.pages.append(label)
        self.sig_rendered.emit(len(images))

    def _failed(self, number: int, message: str) -> None:
        if number == self.latest:
            self.show_message(f"The preview could not be drawn: {message}")
