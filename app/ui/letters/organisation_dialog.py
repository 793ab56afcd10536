"""File › Organisation details: the letterhead, and which letters a manager approves before issue."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.letters.document import Organisation
from app.letters.organisation import (
    approval_policy,
    get_organisation,
    save_approval_policy,
    save_organisation,
)
from app.letters.templates import library
from app.services.workspace import Workspace
from app.ui.complaints.forms import ActionDialog


class OrganisationDialog(ActionDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(
            "Organisation details",
            "These details head every letter. A manager changes them; letters already issued keep "
            "the details they were issued with.",
            "&Save",
            parent,
        )
        self.ws = ws
        org = get_organisation(ws)
        self.line("name", "&Name", org.name)
        self.text("address", "&Address (one line each)", "\n".join(org.address), height=90)
        self.line("phone", "&Phone", org.phone)
        self.line("email", "&Email", org.email)
        self.line("website", "&Website", org.website)
        self.line("signature_title", "&Team under the name", org.signature_title)
        logo = self.line(
            "logo", "&Logo (PNG or JPEG)", org.logo, placeholder="none: the initials are drawn"
        )
        browse = QPushButton("&Browse…", self)
        browse.setAccessibleName("Choose a logo")
        browse.clicked.connect(self.browse)
        self.form.addRow("", browse)
        box = QGroupBox(
            "Quality check: a manager approves these letters before they are issued", self
        )
        grid = QVBoxLayout(box)
        self.approvals: dict[str, QCheckBox] = {}
        policy = approval_policy(ws)
        for name, t in library().items():
            check = QCheckBox(t.title, box)
            check.setChecked(policy[name])
            check.setAccessibleName(f"Approval needed: {t.title}")
            grid.addWidget(check)
            self.approvals[name] = check
        # One check box a template: the list scrolls, so the dialog fits a laptop's screen.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(box)
        scroll.setMinimumHeight(120)
        scroll.setMaximumHeight(260)
        self.body.insertWidget(self.body.indexOf(self.error), scroll)
        self._logo = logo
        self.submit = self.save

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Logo", str(Path.home()), "Images (*.png *.jpg *.jpeg)"
        )
        if path:
            self._logo.setText(path)

    def save(self) -> Organisation:
        org = save_organisation(
            self.ws,
            Organisation(
                name=self.value("name"),
                address=tuple(self.value("address").splitlines()),
                phone=self.value("phone"),
                email=self.value("email"),
                website=self.value("website"),
                logo=self.value("logo"),
                signature_title=self.value("signature_title"),
            ),
        )
        save_approval_policy(self.ws, {n: c.isChecked() for n, c in self.approvals.items()})
        return org
