"""What the letter editor's buttons do: each is one service call, and a refusal shows in the editor."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from app.errors import DoorstepError
from app.letters import letters as svc
from app.letters.issue import issue_letter, issued_file


class EditorActions:
    """Mixed into ``LetterEditor`` (which provides the widgets, ``ws``, ``view`` and ``edits()``)."""

    def _run(self, fn, *args, **kwargs):
        try:
            result = fn(*args, **kwargs)
        except DoorstepError as exc:
            self.error.setText(str(exc))
            return None
        self.error.setText("")
        return result

    def _after(self, view: svc.LetterView | None) -> bool:
        if view is None:
            return False
        self.view = view
        self.dirty = False
        self.texts = dict(view.sections)
        self.checks = dict(view.checks)
        self._load_values(view)
        self._show_view(view)
        self._pick(
            self.sections_view.currentIndex().row()
            if self.sections_view.currentIndex().isValid()
            else 0
        )
        self._request_preview(view)
        self.sig_changed.emit(view.summary.case_ref)
        return True

    def save(self) -> bool:
        if not self.editable:
            return True
        if not self.dirty:
            return True
        return self._after(
            self._run(
                svc.save_letter,
                self.ws,
                self.view.id,
                expected_version=self.view.version,
                **self.edits(),
            )
        )

    def finalise(self) -> None:
        if self.save():
            self._after(self._run(svc.finalise_letter, self.ws, self.view.id, self.view.version))

    def reopen(self) -> None:
        self._after(self._run(svc.reopen_letter, self.ws, self.view.id, self.view.version))

    def approve(self) -> None:
        self._after(
            self._run(svc.approve_letter, self.ws, self.view.id, expected_version=self.view.version)
        )

    def return_letter(self, comments: str | None = None) -> None:
        if comments is None:
            comments, ok = QInputDialog.getMultiLineText(
                self, "Return with comments", "What should the officer change before it is sent?"
            )
            if not ok:
                return
        self._after(
            self._run(svc.return_letter, self.ws, self.view.id, comments, self.view.version)
        )

    def issue(self, confirm: bool = True) -> None:
        if confirm:
            answer = QMessageBox.question(
                self,
                "Issue the letter",
                f"Issue {self.template.title.lower()} {self.view.context.reference}? It is dated today, stored "
                "on the case and recorded in its history; it cannot be changed afterwards.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        result = self._run(issue_letter, self.ws, self.view.id, self.view.version)
        if result is not None:
            self._after(self._run(svc.get_letter, self.ws, self.view.id))
            self.sig_issued.emit(result.case_ref)

    def discard(self) -> None:
        if (
            QMessageBox.question(
                self, "Discard", "Discard this letter? It stays listed as discarded."
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        if self._run(svc.discard_letter, self.ws, self.view.id, self.view.version) is not None:
            self.sig_changed.emit(self.view.summary.case_ref)
            self.accept()

    def export_pdf(self, path: str | None = None) -> Path | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self,
                "Export PDF",
                f"{self.view.context.reference.replace('/', '-')}.pdf",
                "PDF (*.pdf)",
            )
            if not path:
                return None
        try:
            if self.view.status == "issued":
                data = issued_file(self.ws, self.view.id).read_bytes()
            else:
                view = self.refresh() or self.view
                data = view.pdf(large_print=self.large_print.isChecked())
            Path(path).write_bytes(data)
        except (DoorstepError, ValueError, OSError) as exc:
            self.error.setText(str(exc))
            return None
        return Path(path)

    def export_text(self, path: str | None = None) -> Path | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self,
                "Plain-text copy",
                f"{self.view.context.reference.replace('/', '-')}.txt",
                "Text (*.txt)",
            )
            if not path:
                return None
        try:
            view = self.refresh() or self.view
            Path(path).write_text(view.text(draft=view.status != "issued"), encoding="utf-8")
        except (DoorstepError, ValueError, OSError) as exc:
            self.error.setText(str(exc))
            return None
        return Path(path)

    def open_calculator(self) -> None:
        from app.services.complaints.reading import get_complaint
        from app.ui.complaints.compensation_dialog import CompensationDialog

        try:
            complaint = get_complaint(self.ws, self.view.summary.case_ref, self.view.complaint)
        except DoorstepError as exc:
            self.error.setText(str(exc))
            return
        dialog = CompensationDialog(self.ws, complaint, self, for_response=True)

        def use(amounts: dict) -> None:
            calc = dialog.calculation
            reasons = {s.head: s.text for s in calc.items} if calc is not None else {}
            self.details.use_compensation({h: (a, reasons.get(h, "")) for h, a in amounts.items()})

        dialog.sig_use.connect(use)
        self.calculator = dialog
        dialog.open()
