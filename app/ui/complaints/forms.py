"""A dialog for one complaint action: a form, a clear error inside it, and one service call on OK.

The entry stays in the form when the service refuses it (a rule, a stale edit), so
the officer can correct it; nothing is half-saved because each OK is one service call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from app.ui.forms import FormDialog, date_edit, datetime_edit, from_qdate, from_qdatetime

ERROR_STYLE = "color: #b3261e; font-weight: bold;"
NOTE_STYLE = "color: #5f6368;"


class ActionDialog(FormDialog):
    """Title, a short explanation, form fields (named, to read back with ``value``), an error
    line and OK / Cancel; ``submit`` is set to the action's service call."""

    def __init__(self, title: str, intro: str, ok_text: str, parent: QWidget | None = None):
        super().__init__(title, parent, ok_text=ok_text)
        self.intro.setAccessibleName("Explanation")
        self.set_intro(intro)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setAccessibleName("Error")
        self.fields: dict[str, QWidget] = {}
        self._tab_ordered = False

    # -- fields -----------------------------------------------------------------------------
    def _note(self, label: str, note: str, named: bool = True) -> None:
        hint = QLabel(note, self)
        hint.setWordWrap(True)
        hint.setMinimumWidth(360)
        hint.setStyleSheet(NOTE_STYLE)
        if named:
            hint.setAccessibleName(f"{label.replace('&', '')} note")
        self.form.addRow("", hint)

    def _add(self, name: str, label: str, widget: QWidget, note: str = "") -> QWidget:
        widget.setObjectName(name)
        self.add_field(label, widget)
        if note:
            self._note(label, note)
        self.fields[name] = widget
        return widget

    def when(self, name: str = "at", label: str = "&When", value: dt.datetime | None = None):
        return self._add(name, label, datetime_edit(self, value or dt.datetime.now(dt.UTC)))

    def date(
        self, name: str, label: str, value: dt.date, note: str = "", maximum=None, minimum=None
    ):
        return self._add(name, label, date_edit(self, value, minimum, maximum), note)

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
        box = self.add_check(label, checked, text=label.replace("&&", "&"))
        box.setObjectName(name)
        if note:
            self._note(label, note, named=False)
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
            return from_qdatetime(w.dateTime())
        if isinstance(w, QDateEdit):
            return from_qdate(w.date())
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
