"""Windows that fit the screen they open on: one helper every window and dialog uses.

(As a dialog shows, the same helper also gives each of its controls its own Alt key.)

``fit_window(window, width, height, key)`` sizes a window to the size it would like, or to
the screen's AVAILABLE geometry (the screen less task bars and docks) when that is smaller,
keeps it inside that geometry, and remembers where the person put it and how big they made
it (QSettings, keyed by the screen size: a laptop on its own and the same laptop on a big
monitor each keep their own layout). ``remember_splitter`` does the same for a splitter's
positions.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QSplitter, QWidget

from app.ui.mnemonics import unique_mnemonics

# Room a window manager's frame takes around a window (title bar above, borders beside):
# the geometry Qt is given is the inside of the frame, so the frame must fit too.
FRAME_W, FRAME_H = 8, 34
FRAMED_MS = 300  # by then a window manager has put its frame round a new window
SMALLEST_SCREEN = (1024, 768)  # the smallest screen every window is built to fit

_screen_override: QRect | None = None  # tests simulate a laptop's screen here


def simulate_screen(rect: QRect | None) -> None:
    """Pretend the available screen area is ``rect`` (tests; None goes back to the real one)."""
    global _screen_override
    _screen_override = QRect(rect) if rect is not None else None


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The usable area of the screen the widget is on (or the primary screen)."""
    if _screen_override is not None:
        return QRect(_screen_override)
    screen = None
    if widget is not None:
        parent = widget.parentWidget()
        screen = (parent.window() if parent is not None else widget).screen()
    screen = screen or QGuiApplication.primaryScreen()
    if screen is None:
        return QRect(0, 0, *SMALLEST_SCREEN)
    return screen.availableGeometry()


def screen_key(widget: QWidget | None = None) -> str:
    area = available_geometry(widget)
    return f"{area.width()}x{area.height()}"


def _settings_key(name: str, widget: QWidget | None, what: str) -> str:
    return f"layout/{screen_key(widget)}/{name}/{what}"


def fit_window(
    window: QWidget, width: int | None = None, height: int | None = None, key: str | None = None
) -> None:
    """Size ``window`` to width × height (or, without them, to what its layout asks for), or
    smaller to fit the screen's available area; place it over its parent (or the screen's
    centre) when it shows; with a ``key``, restore and keep the size and place the person
    last gave it on a screen of this size."""
    area = available_geometry(window)
    restored = False
    if key is not None:
        saved = QSettings().value(_settings_key(key, window, "geometry"))
        if isinstance(saved, QByteArray | bytes) and window.restoreGeometry(QByteArray(saved)):
            restored = True
    if not restored and width is not None and height is not None:
        extra_w, extra_h = _frame_extra(window)
        window.resize(min(width, area.width() - extra_w), min(height, area.height() - extra_h))
    if window.findChild(_Fit) is None:
        _Fit(window, key, centre=not restored)


def _frame_extra(window: QWidget) -> tuple[int, int]:
    """How much wider and taller the window is with its frame (a guess until it is shown)."""
    frame, inside = window.frameGeometry(), window.geometry()
    extra = (frame.width() - inside.width(), frame.height() - inside.height())
    return extra if extra != (0, 0) else (FRAME_W, FRAME_H)


def keep_inside(window: QWidget, centre: bool = False) -> None:
    """Shrink and move a window so that it, with its frame, lies within the available area;
    ``centre`` places it over its parent window (or the middle of the screen) first."""
    area = available_geometry(window)
    extra_w, extra_h = _frame_extra(window)
    w = min(window.width(), max(200, area.width() - extra_w))
    h = min(window.height(), max(200, area.height() - extra_h))
    if (w, h) != (window.width(), window.height()):
        window.resize(w, h)
        w, h = window.width(), window.height()  # never below its minimum size
    outer_w, outer_h = w + extra_w, h + extra_h
    x, y = window.x(), window.y()  # a window's pos() is its frame's top left
    if centre:
        parent = window.parentWidget()
        if parent is not None and parent.window().isVisible():
            middle = parent.window().frameGeometry().center()
        else:
            middle = area.center()
        x, y = middle.x() - outer_w // 2, middle.y() - outer_h // 2
    x = max(area.left(), min(x, area.right() + 1 - outer_w))
    y = max(area.top(), min(y, area.bottom() + 1 - outer_h))
    window.move(x, y)


def fits(widget: QWidget) -> bool:
    """Whether ``widget`` (a button, say) lies wholly inside the available screen area."""
    area = available_geometry(widget.window())
    rect = QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())
    return area.contains(rect)


def _refit(window: QWidget) -> None:
    try:
        if window.isVisible():
            keep_inside(window)
    except RuntimeError:  # closed and deleted meanwhile
        pass


class _Fit(QObject):
    """Keeps a window inside the screen when it shows, and saves its geometry (under the
    current screen's size) when it closes or hides."""

    def __init__(self, window: QWidget, key: str | None, centre: bool):
        super().__init__(window)
        self.key = key
        self.centre = centre
        window.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
        if not isinstance(obj, QWidget) or not obj.isWindow():
            return False
        kind = event.type()
        if kind == QEvent.Type.Show:
            keep_inside(obj, centre=self.centre)
            # Once the window manager has framed it, its real frame is known: fit again.
            QTimer.singleShot(FRAMED_MS, lambda w=obj: _refit(w))
            if isinstance(obj, QDialog):
                unique_mnemonics(obj)  # one Alt key, one control (app/ui/mnemonics.py)
            self.centre = False  # where the person moves it from now on is theirs
        elif kind in (QEvent.Type.Close, QEvent.Type.Hide) and self.key is not None:
            QSettings().setValue(_settings_key(self.key, obj, "geometry"), obj.saveGeometry())
        return False


def remember_splitter(splitter: QSplitter, key: str) -> None:
    """Restore a splitter's positions for this screen size, and save them as they move."""
    saved = QSettings().value(_settings_key(key, splitter, "splitter"))
    if isinstance(saved, QByteArray | bytes):
        splitter.restoreState(QByteArray(saved))
    splitter.splitterMoved.connect(
        lambda _pos, _i: QSettings().setValue(
            _settings_key(key, splitter, "splitter"), splitter.saveState()
        )
    )
