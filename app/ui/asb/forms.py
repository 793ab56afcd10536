"""A small base for the ASB dialogs: labelled fields with accessible names, an error line,
and a submit step that calls a service and stays open (input kept) when it is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.calendar import LONDON
from app.errors import DoorstepError
from app.services.workspace import Workspace
from app.ui.formats import DATE_FORMAT, DATETIME_FORMAT


def plain(label: str) -> str:
    return label.replace("&", "").rstrip(":")


def london_now(ws: Workspace) -> dt.datetime:
    return ws.now().astimezone(LONDON)


def to_qdatetime(value: dt.datetime) -> QDateTime:
    v = value.astimezone(LONDON) if value.tzinfo else value
    return QDateTime(QDate(v.year, v.month, v.day), QTime(v.hour, v.minute))


def from_qdatetime(value: QDateTime) -> dt.datetime:
    d, t = value.date(), value.time()
    return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=LONDON)


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class FormDialog(QDialog):
    """Subclasses add fields in ``__init__`` and implement ``submit`` (call a service)."""

    ok_text = "&Save"

    def __init__(self, ws: Workspace, title: str, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.result_value: Any = None
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(560)
        outer = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.intro.setVisible(False)
        outer.addWidget(self.intro)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(self.form)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setAccessibleName("Problem")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setVisible(False)
        outer.addWidget(self.error)
        self.buttons = QDialogButtonBox(self)
        self.ok = self.buttons.addButton(self.ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setDefault(True)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.ok.setAccessibleName(plain(self.ok_text))
        self.ok.clicked.connect(self._submit)
        cancel.clicked.connect(self.reject)
        outer.addWidget(self.buttons)

    def showEvent(self, event) -> None:
        """Fit the height to the wrapped labels at the width the dialog opens with."""
        super().showEvent(event)
        layout = self.layout()
        layout.activate()
        if layout.hasHeightForWidth():
            self.resize(self.width(), layout.totalHeightForWidth(self.width()))

    # -- fields ------------------------------------------------------------------------------
    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.setVisible(bool(text))

    def _add(self, label: str, widget: QWidget) -> QWidget:
        widget.setAccessibleName(plain(label))
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        self.form.addRow(caption, widget)
        return widget

    def line(self, label: str, text: str = "", placeholder: str = "") -> QLineEdit:
        w = QLineEdit(text, self)
        w.setPlaceholderText(placeholder)
        self._add(label, w)
        return w

    def text(self, label: str, placeholder: str = "", lines: int = 3) -> QPlainTextEdit:
        w = QPlainTextEdit(self)
        w.setTabChangesFocus(True)
        w.setPlaceholderText(placeholder)
        w.setFixedHeight(24 + 20 * lines)
        self._add(label, w)
        return w

    def combo(
        self,
        label: str,
        items: Sequence[tuple[str, Any]],
        editable: bool = False,
        current: Any = None,
    ) -> QComboBox:
        w = QComboBox(self)
        w.setEditable(editable)
        for text, data in items:
            w.addItem(text, data)
        if current is not None:
            i = w.findData(current)
            w.setCurrentIndex(max(i, 0))
        self._add(label, w)
        return w

    def when(self, label: str, value: dt.datetime) -> QDateTimeEdit:
        w = QDateTimeEdit(to_qdatetime(value), self)
        w.setDisplayFormat(DATETIME_FORMAT)
        w.setCalendarPopup(True)
        w.setMaximumDateTime(to_qdatetime(london_now(self.ws)))
        self._add(label, w)
        return w

    def date(self, label: str, value: dt.date) -> QDateEdit:
        w = QDateEdit(to_qdate(value), self)
        w.setDisplayFormat(DATE_FORMAT)
        w.setCalendarPopup(True)
        self._add(label, w)
        return w

    def check(self, label: str, checked: bool = False) -> QCheckBox:
        w = QCheckBox(label, self)
        w.setChecked(checked)
        w.setAccessibleName(plain(label))
        self.form.addRow("", w)
        return w

    # -- submitting --------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def submit(self) -> Any:  # pragma: no cover - every dialog overrides it
        raise NotImplementedError

    def _submit(self) -> None:
        try:
            self.result_value = self.submit()
        except DoorstepError as exc:
            self.show_error(str(exc))
            return
        self.accept()


def value(widget: QLineEdit | QPlainTextEdit) -> str:
    return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()


def combo_value(widget: QComboBox) -> Any:
    """The chosen item's data, or the typed text of an editable combo."""
    i = widget.currentIndex()
    if widget.isEditable() and (i < 0 or widget.itemText(i) != widget.currentText()):
        return widget.currentText()
    return widget.itemData(i)
