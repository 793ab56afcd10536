"""A dialog for one complaint action: a form, a clear error inside it, and one service call on OK.

The entry stays in the form when the service refuses it (a rule, a stale edit), so
the officer can correct it; nothing is half-saved because each OK is one service call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
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
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.calendar import LONDON
from app.errors import DoorstepError
from app.ui.formats import DATE_FORMAT, DATETIME_FORMAT

ERROR_STYLE = "color: #b3261e; font-weight: bold;"
NOTE_STYLE = "color: #5f6368;"


def qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class ActionDialog(QDialog):
    """Title, a short explanation, form fields, an error line and OK / Cancel."""

    def __init__(self, title: str, intro: str, ok_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(560)
        self.submit: Callable[[], Any] | None = None
        self.result_value: Any = None
        layout = QVBoxLayout(self)
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("Explanation")
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        layout.addLayout(self.form)
        self.body = layout
        self.error = QLabel("", self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setAccessibleName("Error")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(ok_text)
        self.ok.setAccessibleName(ok_text.replace("&", ""))
        self.ok.setDefault(True)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.fields: dict[str, QWidget] = {}
        self._tab_ordered = False

    # -- fields -----------------------------------------------------------------------------
    def _add(self, name: str, label: str, widget: QWidget, note: str = "") -> QWidget:
        widget.setObjectName(name)
        widget.setAccessibleName(label.replace("&", ""))
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        self.form.addRow(caption, widget)
        if note:
            hint = QLabel(note, self)
            hint.setWordWrap(True)
            hint.setMinimumWidth(360)
            hint.setStyleSheet(NOTE_STYLE)
            hint.setAccessibleName(f"{label.replace('&', '')} note")
            self.form.addRow("", hint)
        self.fields[name] = widget
        return widget

    def when(self, name: str = "at", label: str = "&When", value: dt.datetime | None = None):
        now = (value or dt.datetime.now(dt.UTC)).astimezone(LONDON)
        edit = QDateTimeEdit(self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(DATETIME_FORMAT)
        edit.setDateTime(QDateTime(qdate(now.date()), QTime(now.hour, now.minute)))
        return self._add(name, label, edit)

    def date(
        self, name: str, label: str, value: dt.date, note: str = "", maximum=None, minimum=None
    ):
        edit = QDateEdit(self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(DATE_FORMAT)
        if minimum is not None:
            edit.setMinimumDate(qdate(minimum))
        if maximum is not None:
            edit.setMaximumDate(qdate(maximum))
        edit.setDate(qdate(value))
        return self._add(name, label, edit, note)

    def line(self, name: str, label: str, text: str = "", note: str = "", placeholder: str = ""):
        edit = QLineEdit(text, self)
        edit.setPlaceholderText(placeholder)
        return self._add(name, label, edit, note)

    def text(self, name: str, label: str, text: str = "", note: str = "", height: int = 70):
        edit = QPlainTextEdit(text, self)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(height)
        return self._add(name, label, edit, note)

    def choice(self, name: str, label: str, items: Sequence[tuple[str, Any]], note: str = ""):
        combo = QComboBox(self)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(30)
        for text, data in items:
            combo.addItem(text, data)
            combo.setItemData(combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
        return self._add(name, label, combo, note)

    def check(self, name: str, label: str, checked: bool = False, note: str = ""):
        box = QCheckBox(label.replace("&&", "&"), self)
        box.setChecked(checked)
        box.setObjectName(name)
        box.setAccessibleName(label.replace("&", ""))
        self.form.addRow("", box)
        if note:
            hint = QLabel(note, self)
            hint.setWordWrap(True)
            hint.setMinimumWidth(360)
            hint.setStyleSheet(NOTE_STYLE)
            self.form.addRow("", hint)
        self.fields[name] = box
        return box

    def number(self, name: str, label: str, value: int, low: int, high: int):
        spin = QSpinBox(self)
        spin.setRange(low, high)
        spin.setValue(value)
        return self._add(name, label, spin)

    # -- values -----------------------------------------------------------------------------
    def value(self, name: str) -> Any:
        w = self.fields[name]
        if isinstance(w, QDateTimeEdit) and not isinstance(w, QDateEdit):
            q = w.dateTime()
            d, t = q.date(), q.time()
            return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=LONDON)
        if isinstance(w, QDateEdit):
            return pydate(w.date())
        if isinstance(w, QLineEdit):
            return w.text()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QSpinBox):
            return w.value()
        raise TypeError(name)  # pragma: no cover

    # -- keyboard ---------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        if not self._tab_ordered:
            order_tabs(self)
            self._tab_ordered = True
            first = next(iter(self.fields.values()), None)
            if first is not None:
                first.setFocus()
        super().showEvent(event)

    # -- submitting -------------------------------------------------------------------------
    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def accept(self) -> None:
        if self.submit is not None:
            try:
                self.result_value = self.submit()
            except DoorstepError as exc:
                self.show_error(str(exc))
                return
        super().accept()


def _walk(layout, out: list[QWidget]) -> None:
    for i in range(layout.count()):
        item = layout.itemAt(i)
        w = item.widget()
        if w is not None:
            _visit(w, out)
        elif item.layout() is not None:
            _walk(item.layout(), out)


def _visit(w: QWidget, out: list[QWidget]) -> None:
    from PySide6.QtWidgets import QAbstractScrollArea, QGroupBox, QScrollArea

    if isinstance(w, QScrollArea) and w.widget() is not None and w.widget().layout() is not None:
        _walk(w.widget().layout(), out)
    elif isinstance(w, QGroupBox) or (not w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.layout()):
        if w.layout() is not None:
            _walk(w.layout(), out)
    elif isinstance(w, QDialogButtonBox):
        out.extend(b for b in w.buttons())
    elif w.focusPolicy() & Qt.FocusPolicy.TabFocus or isinstance(w, QAbstractScrollArea):
        out.append(w)


def order_tabs(widget: QWidget) -> None:
    """Tab moves through the fields in the order they are laid out, then OK and Cancel."""
    chain: list[QWidget] = []
    if widget.layout() is not None:
        _walk(widget.layout(), chain)
    for a, b in zip(chain, chain[1:], strict=False):
        QWidget.setTabOrder(a, b)
