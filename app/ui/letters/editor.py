"""The letter editor: sections on the left, the text with its guidance beside it, the live page preview.

The checklist below the sections updates as the officer types; Finalise stays
disabled until it is complete (and the service refuses an incomplete letter anyway).
A manager reviewing a finalised letter approves it or returns it with comments
from here; an approved (or approval-free) finalised letter is issued from here.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.errors import DoorstepError
from app.letters import letters as svc
from app.letters.fields import FIELDS
from app.services.officers import current_officer
from app.services.people import display_name
from app.services.workspace import Workspace
from app.ui.fit import FRAME_W, available_geometry, fit_window, remember_splitter
from app.ui.letters.details import DetailsForm
from app.ui.letters.editor_actions import EditorActions
from app.ui.letters.models import ChecklistModel
from app.ui.letters.preview import PreviewPane
from app.ui.letters.sections import (
    WHEN_WORDS,
    SectionRow,
    SectionsView,
    guidance_html,
    section_name,
)
from app.ui.records_model import Column, RecordsModel

BANNER = "padding: 6px; border-radius: 4px;"
RETURNED = BANNER + "background: #fef7e0; color: #7a4a00;"
INFO = BANNER + "background: #e8f0fe; color: #174ea6;"
ISSUED = BANNER + "background: #e6f4ea; color: #1b5e20;"
ERROR = "color: #b3261e;"
DEBOUNCE_MS = 350


class LetterEditor(EditorActions, QDialog):
    sig_changed = Signal(str)  # the case ref, after the letter was saved, reviewed or issued
    sig_issued = Signal(str)  # the case ref, after the letter was issued (the case has a new event)

    def __init__(self, ws: Workspace, letter_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.view = svc.get_letter(ws, letter_id)
        self.template = self.view.template
        self.texts = dict(self.view.sections)
        self.checks = dict(self.view.checks)
        self.current_key = self.template.sections[0].key
        self.dirty = False
        me = current_officer(ws)
        self.is_manager = bool(me and me.is_manager)
        self.setWindowTitle(f"{self.template.title} — {self.view.context.reference}")
        self.setAccessibleName(f"Letter editor: {self.template.title}")
        fit_window(self, 1400, 880, "letter_editor")

        self.heading = QLabel(self)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Letter status")

        # left: sections and checklist
        self.sections_model = RecordsModel[SectionRow](
            [Column("Section", lambda r: r.title), Column("", lambda r: r.state)], self
        )
        self.sections_view = SectionsView(self)
        self.sections_view.setModel(self.sections_model)
        self.sections_view.setAccessibleName("Sections")
        self.sections_view.setTabKeyNavigation(False)
        self.sections_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.sections_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.sections_view.verticalHeader().setVisible(False)
        self.sections_view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch
        )
        self.sections_view.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.checklist = ChecklistModel(self)
        self.checklist.sig_ticked.connect(self._ticked)
        self.checklist_view = QTableView(self)
        self.checklist_view.setModel(self.checklist)
        self.checklist_view.setAccessibleName("Checklist")
        self.checklist_view.setTabKeyNavigation(False)
        self.checklist_view.setWordWrap(True)
        self.checklist_view.verticalHeader().setVisible(False)
        self.checklist_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.checklist_view.horizontalHeader().setStretchLastSection(True)
        self.checklist_view.horizontalHeader().setVisible(False)
        self.checklist_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        sec_label = QLabel("S&ections", left)
        sec_label.setBuddy(self.sections_view)
        chk_label = QLabel("C&hecklist (Space ticks an item)", left)
        chk_label.setBuddy(self.checklist_view)
        ll.addWidget(sec_label)
        ll.addWidget(self.sections_view, 2)
        ll.addWidget(chk_label)
        ll.addWidget(self.checklist_view, 3)

        # middle: the text with guidance beside it, and the details
        self.section_title = QLabel(self)
        self.section_title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.text = QPlainTextEdit(self)
        self.text.setAccessibleName("Section text")
        self.text.setTabChangesFocus(True)
        self.text.textChanged.connect(self._text_changed)
        self.field_picker = QComboBox(self)
        self.field_picker.setAccessibleName("Merge field to insert")
        self.field_picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.field_picker.setMinimumContentsLength(18)
        for name, info in FIELDS.items():
            self.field_picker.addItem(f"{{{name}}} — {info.description}", name)
        self.insert_button = QPushButton("Insert field (Ctrl+I)", self)
        self.insert_button.setAccessibleName("Insert the merge field")
        self.insert_button.clicked.connect(self.insert_field)
        field_label = QLabel("&Merge field:", self)
        field_label.setBuddy(self.field_picker)
        insert_row = QHBoxLayout()
        insert_row.addWidget(field_label)
        insert_row.addWidget(self.field_picker, 1)
        insert_row.addWidget(self.insert_button)
        self.guidance = QTextBrowser(self)
        self.guidance.setAccessibleName("Guidance for this section (not printed)")
        self.guidance.setStyleSheet("background: #fbfcfd;")
        self.guidance.setMinimumSize(160, 80)
        edit_box = QWidget(self)
        el = QVBoxLayout(edit_box)
        el.setContentsMargins(0, 0, 0, 0)
        text_label = QLabel(
            "&Wording (a blank line starts a paragraph; '- ' a bullet; '> ' the resident's words)",
            edit_box,
        )
        text_label.setWordWrap(True)
        text_label.setBuddy(self.text)
        el.addWidget(self.section_title)
        el.addWidget(text_label)
        el.addWidget(self.text, 1)
        el.addLayout(insert_row)
        # Guidance beside the text when the screen is wide enough, else below it (_fit_layout).
        text_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.text_split = text_split
        text_split.addWidget(edit_box)
        text_split.addWidget(self.guidance)
        text_split.setSizes([360, 280])
        text_split.setStretchFactor(0, 3)
        text_split.setStretchFactor(1, 2)
        text_split.setChildrenCollapsible(False)
        self.details = DetailsForm(self.template.inputs, self)
        self.details.sig_edited.connect(self._details_edited)
        self.details.sig_calculator.connect(self.open_calculator)
        details_scroll = QScrollArea(self)
        details_scroll.setWidgetResizable(True)
        details_scroll.setWidget(self.details)
        self.middle = QTabWidget(self)
        self.middle.setAccessibleName("Letter text and details")
        self.middle.addTab(text_split, "&Text and guidance")
        self.middle.addTab(
            details_scroll,
            "&Details" + (f" ({len(self.template.inputs)})" if self.template.inputs else ""),
        )

        # right: the preview
        self.preview = PreviewPane(self)
        self.preview.sig_rendered.connect(self._rendered)
        self.large_print = QCheckBox("&Large print (16 pt)", self)
        self.large_print.toggled.connect(self._options_changed)
        self.text_copy = QCheckBox("Plain-text cop&y too", self)
        self.text_copy.toggled.connect(self._options_changed)
        self.pages_label = QLabel("", self)
        self.pages_label.setAccessibleName("Preview pages")
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        checks = QVBoxLayout()  # one above the other: the preview's column stays narrow
        checks.addWidget(self.large_print)
        checks.addWidget(self.text_copy)
        opts = QHBoxLayout()
        opts.addLayout(checks)
        opts.addStretch(1)
        opts.addWidget(self.pages_label)
        rl.addLayout(opts)
        rl.addWidget(self.preview, 1)

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(self.middle)
        split.addWidget(right)
        split.setSizes([300, 640, 460])
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        remember_splitter(split, "letter_editor")
        remember_splitter(text_split, "letter_editor_text")

        self.problems = QLabel("", self)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(ERROR)
        self.problems.setAccessibleName("Problems")
        self.error = QLabel("", self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR + "font-weight: bold;")
        self.error.setAccessibleName("Error")

        buttons = QHBoxLayout()
        self.save_button = self._button(buttons, "&Save", self.save)
        self.finalise_button = self._button(buttons, "&Finalise", self.finalise)
        self.reopen_button = self._button(buttons, "Re&open as draft", self.reopen)
        self.approve_button = self._button(buttons, "&Approve", self.approve)
        self.return_button = self._button(buttons, "&Return with comments…", self.return_letter)
        self.issue_button = self._button(buttons, "Iss&ue…", self.issue)
        buttons.addStretch(1)
        files = QHBoxLayout()  # beside the workflow buttons; below them when the screen is narrow
        self.export_button = self._button(files, "Export &PDF…", self.export_pdf)
        self.text_button = self._button(files, "Plain te&xt…", self.export_text)
        self.discard_button = self._button(files, "D&iscard", self.discard)
        self.close_button = self._button(files, "&Close", self.close)
        self.button_rows = QVBoxLayout()
        self.button_rows.addLayout(buttons)
        buttons.addLayout(files)
        self._files_row = files

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.error)
        layout.addLayout(self.button_rows)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.refresh)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+I"), self, activated=self.insert_field)
        self.sections_view.selectionModel().currentRowChanged.connect(
            lambda cur, _p: self._pick(cur.row())
        )
        self.sections_view.sig_enter.connect(self.text.setFocus)
        self.sections_view.doubleClicked.connect(lambda _i: self.text.setFocus())

        self._loading = False
        self._load_values(self.view)
        self._show_view(self.view)
        self.sections_view.selectRow(0)
        self.sections_view.setFocus()
        self._fit_layout()
        self._request_preview(self.view)

    def _fit_layout(self) -> None:
        """On a narrow screen (or with a large font) the guidance goes below the text, so the
        editor with all its buttons fits the screen's width."""
        room = available_geometry(self).width() - FRAME_W
        if self.minimumSizeHint().width() > room:
            self.text_split.setOrientation(Qt.Orientation.Vertical)
            self.text_split.setSizes([400, 200])
        layout = self.layout()
        if layout is not None:
            layout.activate()
        if self.minimumSizeHint().width() > room:
            self._files_row.setParent(None)
            self.button_rows.addLayout(self._files_row)

    def _button(self, layout: QHBoxLayout, text: str, slot) -> QPushButton:
        b = QPushButton(text, self)
        b.setAccessibleName(text.replace("&", "").replace("…", ""))
        b.setAutoDefault(False)
        b.clicked.connect(slot)
        layout.addWidget(b)
        return b

    # -- showing ----------------------------------------------------------------------------------
    @property
    def editable(self) -> bool:
        return self.view.editable

    def _load_values(self, view: svc.LetterView) -> None:
        """Put a saved letter's inputs and print options into the form."""
        self._loading = True
        editable = view.editable
        self.large_print.setChecked(view.large_print)
        self.text_copy.setChecked(view.text_copy)
        for w in (self.large_print, self.text_copy, self.insert_button, self.field_picker):
            w.setEnabled(editable)
        self.text.setReadOnly(not editable)
        self.details.set_values(dict(view.inputs), editable)
        self._loading = False

    def _show_view(self, view: svc.LetterView) -> None:
        """Show a view's status, checklist and section states (not the texts being edited)."""
        self._loading = True
        editable = view.editable
        s = view.summary
        self.heading.setText(
            f"<b style='font-size:14pt'>{escape(self.template.title)}</b> &nbsp; {escape(view.context.reference)}"
            f" · {escape(s.case_ref)} · <b>{escape(s.status_text)}</b>"
            + (" · a manager approves it before it is issued" if s.approval_required else "")
        )
        self._banner(view)
        # Ticking reloads the checklist: keep the officer's place, so Down, Space ticks the next.
        row = self.checklist_view.currentIndex().row()
        self.checklist.set_items(view.checklist, editable)
        if 0 <= row < self.checklist.rowCount():
            self.checklist_view.setCurrentIndex(self.checklist.index(row, 0))
        self.sections_model.set_rows(
            [
                SectionRow(
                    x.key,
                    section_name(x),
                    WHEN_WORDS[x.when]
                    if x.when and not view.context.prints(x)
                    else "written"
                    if self.texts.get(x.key, "").strip()
                    else ("optional" if not x.required else "empty"),
                )
                for x in self.template.sections
            ]
        )
        self.problems.setText("Problems: " + "; ".join(view.problems) if view.problems else "")
        allowed = view.actions(self.is_manager, self.ws.actor.username)  # letters.views
        self.save_button.setEnabled("save" in allowed)
        self.finalise_button.setEnabled("finalise" in allowed)
        self.reopen_button.setVisible("reopen" in allowed)
        self.approve_button.setVisible("approve" in allowed)
        self.return_button.setVisible("return" in allowed)
        self.issue_button.setEnabled("issue" in allowed)
        self.discard_button.setEnabled("discard" in allowed)
        self._loading = False

    def _banner(self, view: svc.LetterView) -> None:
        s = view.summary
        if s.status == "issued":
            text, style = (
                f"{s.status_text}: stored on the case and recorded in its history.",
                ISSUED,
            )
        elif view.returned_comments:
            last = next(r for r in reversed(view.reviews) if r.action == "returned")
            text, style = (
                f"Returned by {display_name(self.ws, last.by)}: “{view.returned_comments}”",
                RETURNED,
            )
        elif s.status == "finalised" and s.approval_required:
            text = "Finalised: waiting for a manager's approval (quality check)."
            if self.ws.actor.username in s.authors:
                names = svc.other_approvers(self.ws, s)
                text = (
                    "Finalised: you wrote or finalised it, so another manager approves it: "
                    + (
                        ", ".join(names)
                        if names
                        else "nobody else can yet — ask an admin to add one"
                    )
                    + "."
                )
            style = INFO
        elif s.status == "approved":
            last = next(r for r in reversed(view.reviews) if r.action == "approved")
            text, style = (
                f"Approved by {display_name(self.ws, last.by)}"
                + (f": “{last.comments}”" if last.comments else "")
                + ". It can be issued.",
                INFO,
            )
        elif s.status == "finalised":
            text, style = "Finalised: it can be issued.", INFO
        else:
            text, style = "Draft: edit each section, complete the checklist, then finalise.", INFO
        self.banner.setText(text)
        self.banner.setStyleSheet(style)

    def _pick(self, row: int) -> None:
        if not 0 <= row < len(self.template.sections):
            return
        spec = self.template.sections[row]
        self.current_key = spec.key
        title = section_name(spec)
        note = " (optional)" if not spec.required else ""
        if spec.when:
            note = f" (printed {WHEN_WORDS[spec.when]}: see Details)"
        self.section_title.setText(title + note)
        self._loading = True
        self.text.setPlainText(self.texts.get(spec.key, ""))
        self.text.setPlaceholderText(spec.example)
        self._loading = False
        self.guidance.setHtml(guidance_html(title, spec.guidance, spec.example))

    # -- editing ----------------------------------------------------------------------------------
    def _text_changed(self) -> None:
        if self._loading or not self.editable:
            return
        self.texts[self.current_key] = self.text.toPlainText()
        self._edited()

    def _details_edited(self) -> None:
        if not self._loading and self.editable:
            self._edited()

    def _options_changed(self) -> None:
        if not self._loading and self.editable:
            self._edited()

    def _ticked(self, key: str, on: bool) -> None:
        self.checks[key] = on
        self._edited()
        self.refresh()

    def _edited(self) -> None:
        self.dirty = True
        self.timer.start()

    def insert_field(self) -> None:
        name = self.field_picker.currentData()
        if name and self.editable:
            self.text.insertPlainText(f"{{{name}}}")
            self.text.setFocus()

    def edits(self) -> dict:
        return {
            "sections": self.texts,
            "inputs": self.details.values(),
            "checks": self.checks,
            "large_print": self.large_print.isChecked(),
            "text_copy": self.text_copy.isChecked(),
        }

    def refresh(self) -> svc.LetterView | None:
        """Checklist, problems and preview for the text as it stands (nothing is saved)."""
        self.timer.stop()
        try:
            view = (
                svc.preview_letter(self.ws, self.view.id, **self.edits())
                if self.editable
                else svc.get_letter(self.ws, self.view.id)
            )
        except DoorstepError as exc:
            self.error.setText(str(exc))
            return None
        self.error.setText("")
        self._show_view(view)
        self._request_preview(view)
        return view

    def _request_preview(self, view: svc.LetterView) -> None:
        draft = view.status != "issued"
        # A draft with gaps is drawn anyway, each gap a [TO FILL: …] placeholder where it is.
        self.preview.show_message(
            "To fill before finalising (marked [TO FILL] in the letter):\n• "
            + "\n• ".join(view.problems)
            if view.problems and draft
            else ""
        )
        large = self.large_print.isChecked()
        self.preview.request(lambda: view.pdf(large_print=large, draft=draft))

    def _rendered(self, pages: int) -> None:
        self.pages_label.setText(f"{pages} page{'s' if pages != 1 else ''}")

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.dirty and self.editable:
            self.save()
        self.preview.wait(3000)
        super().closeEvent(event)

    def reject(self) -> None:
        if self.dirty and self.editable:
            self.save()
        self.preview.wait(3000)
        super().reject()
