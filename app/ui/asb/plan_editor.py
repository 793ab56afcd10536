"""The action-plan editor: a keyboard-first editable table of actions (owner, due date,
status, notes), undo/redo within the session, the date agreed with the resident and
the update schedule. Agreeing saves a new plan version; a stale edit (another
window agreed a version meanwhile) is refused and the rows stay in the editor.

Keys: Insert or Ctrl+N adds a row, Ctrl+Delete removes it, Alt+Up / Alt+Down move
it, Ctrl+Z / Ctrl+Shift+Z undo and redo, F2 or typing edits a cell.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
)

from app.domain.action_plan import STATUSES
from app.errors import ConflictError, DoorstepError
from app.services.asb import agree_plan, asb_view
from app.services.asb.views import AsbView
from app.services.workspace import Workspace
from app.ui.asb.plan_model import DUE, OWNER, STATUS, TEXT, EditRow, PlanTableModel, rows_from
from app.ui.fit import fit_window
from app.ui.formats import DATE_FORMAT, day
from app.ui.forms import date_edit, from_qdate, to_qdate

NEW_ROW_DAYS = 7  # a new action's due date starts a week after it is added (editable)


class PlanDelegate(QStyledItemDelegate):
    """Owner: a combo of officers, the resident and agencies (typing allowed); due: a date
    with a calendar; status: open or done."""

    def __init__(self, model: PlanTableModel, parent=None):
        super().__init__(parent)
        self.plan = model

    def createEditor(self, parent, option, index):
        col = index.column()
        if col == OWNER:
            w = QComboBox(parent)
            w.setEditable(True)
            w.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            for o in self.plan.owners:
                w.addItem(o.label, o.value)
            w.setAccessibleName("Owner")
            return w
        if col == DUE:
            w = QDateEdit(parent)
            w.setDisplayFormat(DATE_FORMAT)
            w.setCalendarPopup(True)
            w.setAccessibleName("Due date")
            return w
        if col == STATUS:
            w = QComboBox(parent)
            w.addItems(list(STATUSES))
            w.setAccessibleName("Status")
            return w
        editor = super().createEditor(parent, option, index)
        editor.setAccessibleName(self.plan.headerData(col, Qt.Orientation.Horizontal))
        return editor

    def setEditorData(self, editor, index):
        value = index.data(Qt.ItemDataRole.EditRole)
        col = index.column()
        if col == OWNER:
            i = editor.findData(value)
            if i >= 0:
                editor.setCurrentIndex(i)
            else:
                editor.setEditText(value or "")
        elif col == DUE:
            editor.setDate(to_qdate(value or dt.date.today()))
        elif col == STATUS:
            editor.setCurrentIndex(max(editor.findText(value), 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):
        col = index.column()
        if col == OWNER:
            text = editor.currentText().strip()
            i = editor.findText(text, Qt.MatchFlag.MatchFixedString)
            model.setData(index, editor.itemData(i) if i >= 0 else text)
        elif col == DUE:
            model.setData(index, from_qdate(editor.date()))
        elif col == STATUS:
            model.setData(index, editor.currentText())
        else:
            super().setModelData(editor, model, index)


class ActionPlanEditor(QDialog):
    def __init__(self, ws: Workspace, view: AsbView, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.view = view
        self.base_version = view.plan_version
        self.plan_id: str | None = None
        self.setWindowTitle(f"Action plan — {view.ref}")
        self.setAccessibleName("Action plan editor")
        fit_window(self, 1080, 560, "plan_editor")
        self.stack = QUndoStack(self)
        self.model = PlanTableModel(self.stack, view.owners, self)
        self.model.reset_rows(rows_from(view.current_plan))

        layout = QVBoxLayout(self)
        self.basis = QLabel(self)
        self.basis.setObjectName("basis")
        self.basis.setWordWrap(True)
        layout.addWidget(self.basis)

        self.table = QTableView(self)
        self.table.setObjectName("plan_table")
        self.table.setAccessibleName("Plan actions")
        self.table.setModel(self.model)
        self.table.setItemDelegate(PlanDelegate(self.model, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move within it
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((330, 220, 140, 150)):
            self.table.setColumnWidth(col, width)
        layout.addWidget(self.table, 1)

        row_buttons = QHBoxLayout()
        self.actions: dict[str, QAction] = {}
        for name, text, keys, slot in (
            ("add", "&Add action", ["Insert", "Ctrl+N"], self.add_row),
            ("remove", "Re&move action", ["Ctrl+Delete"], self.remove_row),
            ("up", "Move &up", ["Alt+Up"], lambda: self.move_row(-1)),
            ("down", "Move do&wn", ["Alt+Down"], lambda: self.move_row(1)),
        ):
            self._button(row_buttons, name, text, [QKeySequence(k) for k in keys], slot)
        undo = self.stack.createUndoAction(self, "&Undo")
        undo.setShortcuts(QKeySequence.StandardKey.Undo)
        redo = self.stack.createRedoAction(self, "&Redo")
        redo.setShortcuts(QKeySequence.StandardKey.Redo)
        for name, action, can in (
            ("undo", undo, self.stack.canUndoChanged),
            ("redo", redo, self.stack.canRedoChanged),
        ):
            self.addAction(action)
            self.actions[name] = action
            row_buttons.addWidget(self._mirror(action, can))
        row_buttons.addStretch(1)
        layout.addLayout(row_buttons)

        terms = QHBoxLayout()
        agreed_label = QLabel("Agreed with the resident &on:", self)
        self.agreed_on = date_edit(self, ws.today(), maximum=ws.today())
        self.agreed_on.setAccessibleName("Agreed with the resident on")
        agreed_label.setBuddy(self.agreed_on)
        every_label = QLabel("Update the resident &every", self)
        self.every = QSpinBox(self)
        self.every.setRange(1, 250)
        self.every.setSuffix(" working days")
        self.every.setAccessibleName("Update the resident every (working days)")
        every_label.setBuddy(self.every)
        plan = view.current_plan
        self.every.setValue(plan.update_every_wd if plan else view.update_default_wd)
        self.every_hint = QLabel(self)
        tier = view.tier or "low"
        self.every_hint.setText(f"({tier} risk default: {view.tier_update_wd[tier]} WD)")
        for w in (agreed_label, self.agreed_on, every_label, self.every, self.every_hint):
            terms.addWidget(w)
        terms.addStretch(1)
        layout.addLayout(terms)

        self.message = QLabel(self)
        self.message.setObjectName("message")
        self.message.setAccessibleName("Problem")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setVisible(False)
        layout.addWidget(self.message)

        buttons = QDialogButtonBox(self)
        self.rebase = QPushButton("&Keep my rows over the newer version", self)
        self.rebase.setAccessibleName("Keep my rows over the newer version")
        self.rebase.clicked.connect(self.keep_rows_over_latest)
        buttons.addButton(self.rebase, QDialogButtonBox.ButtonRole.ActionRole)
        self.rebase.setVisible(False)  # only after a conflict
        self.agree = buttons.addButton("A&gree plan", QDialogButtonBox.ButtonRole.AcceptRole)
        self.agree.setAccessibleName("Agree plan")
        self.agree.setDefault(False)
        self.agree.setAutoDefault(False)
        self.agree.clicked.connect(self.agree_plan)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self._show_basis()
        self.table.setFocus()
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, TEXT))

    def _button(self, layout, name, text, keys, slot) -> None:
        action = QAction(text, self)
        action.setShortcuts(keys)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        self.actions[name] = action
        b = QPushButton(text, self)
        b.setAccessibleName(text.replace("&", ""))
        b.setToolTip(", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys))
        b.setAutoDefault(False)
        b.clicked.connect(action.trigger)
        layout.addWidget(b)

    def _mirror(self, action: QAction, can_signal) -> QPushButton:
        """A button for an undo-stack action, enabled when the stack can undo (redo)."""
        name = action.text().split(" ")[0].replace("&", "")
        b = QPushButton(name, self)
        b.setAccessibleName(name)
        b.setAutoDefault(False)
        b.setToolTip(action.shortcut().toString(QKeySequence.SequenceFormat.NativeText))
        b.setEnabled(action.isEnabled())
        b.clicked.connect(action.trigger)
        can_signal.connect(b.setEnabled)
        return b

    def _show_basis(self) -> None:
        plan = self.view.current_plan
        if plan is None:
            text = "No plan agreed yet: add the actions agreed with the resident (Insert)."
        else:
            letter = "sent" if plan.letter else "not recorded yet"
            text = (
                f"Editing from version {plan.number}, agreed with the resident on "
                f"{day(plan.agreed_on)}. Agreeing saves version {self.base_version + 1}; "
                f"version {plan.number} stays in the history. Written confirmation: {letter}."
            )
        self.basis.setText(text)

    # -- rows --------------------------------------------------------------------------------------
    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else self.model.rowCount() - 1

    def add_row(self) -> None:
        at = self.current_row() + 1
        due = self.ws.today() + dt.timedelta(days=NEW_ROW_DAYS)
        self.model.add_row(at, EditRow(owner=self.ws.actor.username, due=due))
        index = self.model.index(at, TEXT)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def remove_row(self) -> None:
        at = self.current_row()
        col = max(self.table.currentIndex().column(), 0)
        self.model.remove_row(at)
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(min(at, self.model.rowCount() - 1), col))

    def move_row(self, delta: int) -> None:
        index = self.table.currentIndex()
        if index.isValid() and self.model.move_row(index.row(), delta):
            self.table.setCurrentIndex(self.model.index(index.row() + delta, index.column()))

    # -- agreeing ------------------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def agree_plan(self) -> None:
        self._commit_open_editor()
        try:
            self.plan_id, _ = agree_plan(
                self.ws,
                self.view.ref,
                self.model.plan_rows(),
                agreed_on=from_qdate(self.agreed_on.date()),
                update_every_wd=self.every.value(),
                expected_version=self.base_version,
            )
        except ConflictError as exc:
            self.show_message(str(exc))
            self.rebase.setVisible(True)
            return
        except DoorstepError as exc:
            self.show_message(str(exc))
            return
        self.stack.setClean()
        self.accept()

    def keep_rows_over_latest(self) -> None:
        """After a conflict: agree these rows over the version someone else agreed (nothing lost)."""
        try:
            self.view = asb_view(self.ws, self.view.ref)
        except DoorstepError as exc:
            self.show_message(str(exc))
            return
        self.base_version = self.view.plan_version
        self.rebase.setVisible(False)
        latest = self.view.current_plan
        listed = "; ".join(a.text for a in latest.actions) if latest else "no actions"
        self.show_message(
            f"Your rows are kept. Version {self.base_version} has: {listed}. "
            "Press Agree plan to agree your rows as the next version."
        )
        self._show_basis()

    def _commit_open_editor(self) -> None:
        """A cell still being edited (Alt+G pressed in it) is part of what is agreed."""
        editor = QApplication.focusWidget()
        editing = self.table.state() == QAbstractItemView.State.EditingState
        if editing and editor is not None and self.table.isAncestorOf(editor):
            self.table.commitData(editor)
            self.table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def reject(self) -> None:
        if not self.stack.isClean() and self.isVisible():
            answer = QMessageBox.question(
                self,
                "Discard changes?",
                "The plan has changes that were not agreed. Close the editor and discard them?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().reject()
