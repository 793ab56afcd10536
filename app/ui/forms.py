"""The base of the form dialogs (ASB actions, complaint actions, the small case forms).

A form has labelled fields a screen reader can name (each label is its field's
buddy, so Alt+letter jumps to it), an error line, and OK / Cancel. OK makes one
service call (``submit``); when the service refuses (a rule, a stale edit) its
message shows in the error line and the dialog stays open with everything typed
kept, so the officer can correct it. Nothing is half-saved: each OK is one call.

Dates and times are edited in London time and shown as 'Mon 2 Jun 2025 14:05'.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.domain.calendar import LONDON
from app.errors import DoorstepError
from app.ui.fit import fit_window
from app.ui.formats import DATE_FORMAT, DATETIME_FORMAT

ERROR_STYLE = "color: #b3261e;"


def pick_image(parent: QWidget, title: str) -> str | None:
    """A PNG or JPEG chosen in a file dialog (a letterhead logo), or None when cancelled."""
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(
        parent, title, str(Path.home()), "Images (*.png *.jpg *.jpeg)"
    )
    return path or None


def plain(label: str) -> str:
    """A field's accessible name from its label: no mnemonic '&', no trailing colon."""
    return label.replace("&", "").rstrip(":")


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def to_qdatetime(value: dt.datetime) -> QDateTime:
    """The wall-clock time in London (an aware value is converted; a naive one is London time)."""
    v = value.astimezone(LONDON) if value.tzinfo else value
    return QDateTime(QDate(v.year, v.month, v.day), QTime(v.hour, v.minute))


def from_qdatetime(value: QDateTime) -> dt.datetime:
    d, t = value.date(), value.time()
    return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=LONDON)


def date_edit(
    parent: QWidget | None,
    value: dt.date,
    minimum: dt.date | None = None,
    maximum: dt.date | None = None,
) -> QDateEdit:
    w = QDateEdit(to_qdate(value), parent)
    w.setDisplayFormat(DATE_FORMAT)
    w.setCalendarPopup(True)
    if minimum is not None:
        w.setMinimumDate(to_qdate(minimum))
    if maximum is not None:
        w.setMaximumDate(to_qdate(maximum))
    return w


def datetime_edit(
    parent: QWidget | None, value: dt.datetime, maximum: dt.datetime | None = None
) -> QDateTimeEdit:
    w = QDateTimeEdit(to_qdatetime(value), parent)
    w.setDisplayFormat(DATETIME_FORMAT)
    w.setCalendarPopup(True)
    if maximum is not None:
        w.setMaximumDateTime(to_qdatetime(maximum))
    return w


class FormDialog(QDialog):
    """Title, an introduction (hidden until ``set_intro``), the form, an error line, OK / Cancel.

    ``ok_text`` names the OK button; with ``ok_icon=False`` it is the dialog's own button,
    without the icon the platform may give a standard OK (the ASB forms look so).

    Subclasses add fields with ``add_field`` / ``add_check`` and implement ``submit`` (or
    assign a callable to it): OK calls it, keeps what it returns in ``result_value`` and
    closes; a ``DoorstepError`` it raises is shown instead and the dialog stays open.
    """

    def __init__(
        self,
        title: str,
        parent: QWidget | None = None,
        *,
        ok_text: str = "",
        ok_icon: bool = True,
        min_width: int = 560,
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(min_width)
        fit_window(self)  # sized by its form; kept inside the screen
        self.result_value: Any = None
        self.body = QVBoxLayout(self)
        self.intro = QLabel("", self)
        self.intro.setWordWrap(True)
        self.intro.setVisible(False)
        self.body.addWidget(self.intro)
        self.form = QFormLayout()
        self.body.addLayout(self.form)
        self.error = QLabel("", self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setVisible(False)
        self.body.addWidget(self.error)
        self.buttons = QDialogButtonBox(self)
        if ok_icon:
            self.ok = self.buttons.addButton(QDialogButtonBox.StandardButton.Ok)
            if ok_text:
                self.ok.setText(ok_text)
        else:
            self.ok = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        if ok_text:
            self.ok.setAccessibleName(plain(ok_text))
        self.ok.setDefault(True)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.body.addWidget(self.buttons)

    # -- fields ------------------------------------------------------------------------------
    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def add_field(self, label: str, widget: QWidget) -> QWidget:
        """A form row: ``label`` (with its Alt+letter) names ``widget`` and is its buddy."""
        widget.setAccessibleName(plain(label))
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        self.form.addRow(caption, widget)
        return widget

    def add_check(self, label: str, checked: bool = False, text: str | None = None) -> QCheckBox:
        """A check box row (its own text, ``text`` or ``label``, is its label)."""
        box = QCheckBox(label if text is None else text, self)
        box.setChecked(checked)
        box.setAccessibleName(plain(label))
        self.form.addRow("", box)
        return box

    # -- submitting --------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def submit(self) -> Any:
        """The dialog's one service call; what it returns is kept in ``result_value``."""
        return None

    def accept(self) -> None:
        try:
            self.result_value = self.submit()
        except DoorstepError as exc:
            self.show_error(str(exc))
            return
        super().accept()
