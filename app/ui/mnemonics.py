"""One Alt key, one thing: when two controls showing in a window at once underline the same
letter, Qt does neither (Alt+R on "Reason:" and "Record" just moves between them). Each window
runs ``unique_mnemonics`` as it shows (app/ui/fit.py): the dialog's own buttons keep their
letters, and a later field whose letter is taken moves its underline to a free letter of its
own caption (or loses it when none is free)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractButton,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QWidget,
    QWizard,
)


def mnemonic(text: str) -> str | None:
    """The letter after a single ``&`` (``"Co&rrect"`` → ``"R"``), if any."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            return text[i + 1].upper()
        i += 1
    return None


def remark(text: str, taken: set[str]) -> str:
    """The caption with its underline moved to the first letter not ``taken`` (words' first
    letters preferred), or with no underline when every letter is taken."""
    plain = text.replace("&&", "\0").replace("&", "")
    starts = [i for i, ch in enumerate(plain) if ch.isalnum() and (i == 0 or plain[i - 1] == " ")]
    others = [i for i, ch in enumerate(plain) if ch.isalnum() and i not in starts]
    for i in starts + others:
        if plain[i].upper() not in taken:
            plain = plain[:i] + "&" + plain[i:]
            break
    return plain.replace("\0", "&&")


Item = tuple[str, Callable[[str], None]]


def _items(window: QWidget) -> list[Item]:
    """Captions with a mnemonic showing in the window: its own buttons first."""
    first: list[Item] = []
    rest: list[Item] = []

    def shown(w: QWidget) -> bool:
        return w.isVisibleTo(window) and w.window() is window

    for b in window.findChildren(QAbstractButton):
        if shown(b):
            own = isinstance(b.parentWidget(), QDialogButtonBox) or (
                isinstance(window, QWizard) and b.parentWidget() is window
            )
            (first if own else rest).append((b.text(), b.setText))
    for label in window.findChildren(QLabel):
        if label.buddy() is not None and shown(label):
            rest.append((label.text(), label.setText))
    for tabs in window.findChildren(QTabWidget):
        if shown(tabs):
            for i in range(tabs.count()):
                rest.append((tabs.tabText(i), _tab_setter(tabs, i)))
    return first + rest


def _tab_setter(tabs: QTabWidget, i: int) -> Callable[[str], None]:
    def set_text(text: str) -> None:
        tabs.setTabText(i, text)

    return set_text


def unique_mnemonics(window: QWidget) -> int:
    """Give every control showing in ``window`` its own Alt letter; returns how many moved."""
    taken: set[str] = set()
    moved = 0
    for text, set_text in _items(window):
        m = mnemonic(text)
        if m is None:
            continue
        if m in taken:
            text = remark(text, taken)
            set_text(text)
            moved += 1
            m = mnemonic(text)
        if m is not None:
            taken.add(m)
    return moved
