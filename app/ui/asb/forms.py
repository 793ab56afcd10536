"""The ASB dialogs' form: the shared ``FormDialog`` with field helpers that return the widget,
a Save button named by each dialog (``ok_text``), and times that cannot be in the future."""

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
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
)

from app.domain.calendar import LONDON
from app.services.workspace import Workspace
from app.ui.forms import FormDialog, date_edit, datetime_edit


def london_now(ws: Workspace) -> dt.datetime:
    return ws.now().astimezone(LONDON)


class AsbForm(FormDialog):
    """Subclasses add fields in ``__init__`` and implement ``submit`` (call a service)."""

    ok_text = "&Save"

    def __init__(self, ws: Workspace, title: str, parent=None):
        super().__init__(title, parent, ok_text=self.ok_text, ok_icon=False)
        self.ws = ws
        self.intro.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error.setObjectName("error")
        self.error.setAccessibleName("Problem")

    def showEvent(self, event) -> None:
        """Fit the height to the wrapped labels at the width the dialog opens with."""
        super().showEvent(event)
        layout = self.layout()
        layout.activate()
        if layout.hasHeightForWidth():
            self.resize(self.width(), layout.totalHeightForWidth(self.width()))

    # -- fields ------------------------------------------------------------------------------
    def line(self, label: str, text: str = "", placeholder: str = "") -> QLineEdit:
        w = QLineEdit(text, self)
        w.setPlaceholderText(placeholder)
        self.add_field(label, w)
        return w

    def text(self, label: str, placeholder: str = "", lines: int = 3) -> QPlainTextEdit:
        w = QPlainTextEdit(self)
        w.setTabChangesFocus(True)
        w.setPlaceholderText(placeholder)
        w.setFixedHeight(24 + 20 * lines)
        self.add_field(label, w)
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
        self.add_field(label, w)
        return w

    def when(self, label: str, value: dt.datetime) -> QDateTimeEdit:
        w = datetime_edit(self, value, maximum=london_now(self.ws))
        self.add_field(label, w)
        return w

    def date(self, label: str, value: dt.date) -> QDateEdit:
        w = date_edit(self, value)
        self.add_field(label, w)
        return w

    def check(self, label: str, checked: bool = False) -> QCheckBox:
        return self.add_check(label, checked)


def value(widget: QLineEdit | QPlainTextEdit) -> str:
    return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()


def combo_value(widget: QComboBox) -> Any:
    """The chosen item's data, or the typed text of an editable combo."""
    i = widget.currentIndex()
    if widget.isEditable() and (i < 0 or widget.itemText(i) != widget.currentText()):
        return widget.currentText()
    return widget.itemData(i)
