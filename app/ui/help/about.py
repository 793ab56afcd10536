"""About Doorstep: versions, the database in use (never its password) and where files live."""

from __future__ import annotations

from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.crash import log_dir, platform_text, safe_url, versions
from app.errors import DoorstepError
from app.paths import data_dir
from app.services.workspace import Workspace
from app.ui.fit import fit_window


def database_text(ws: Workspace) -> str:
    """The file, or the server address without its password."""
    db = ws.db
    shown = str(db.path) if db.path is not None else safe_url(db.url)
    try:
        demo = ws.is_demo
    except DoorstepError:  # the About box opens even when the database cannot answer
        demo = False
    return f"{shown} (demo)" if demo else shown


def about_rows(ws: Workspace) -> list[tuple[str, str]]:
    found = versions({"Qt": qVersion()})
    rows = [(name, version) for name, version in found.items()]
    rows += [
        ("Database", database_text(ws)),
        ("Data directory", str(data_dir())),
        ("Crash log", str(log_dir())),
        ("Platform", platform_text()),
    ]
    return rows


class AboutDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About Doorstep")
        self.setObjectName("about")
        self.setMinimumWidth(560)
        fit_window(self)
        self.rows = about_rows(ws)
        heading = QLabel(
            f"<span style='font-size:16pt; font-weight:bold'>Doorstep</span>"
            f"&nbsp;&nbsp;{dict(self.rows)['Doorstep']}<br>"
            "A desktop workbench for social-housing case officers: the case inbox, the "
            "contact log, deadlines and letters.",
            self,
        )
        heading.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.values: dict[str, QLabel] = {}
        for name, value in self.rows:
            label = QLabel(value, self)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
            label.setAccessibleName(name)
            form.addRow(f"{name}:", label)
            self.values[name] = label

        buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton("&Copy", self)
        self.copy_button.setAccessibleName("Copy these details")
        self.copy_button.setToolTip("Copy these details, for example for IT support")
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText("C&lose")
        buttons.rejected.connect(self.reject)
        self.copied = QLabel("", self)
        self.copied.setAccessibleName("Copy status")

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.copied)
        layout.addWidget(buttons)
        self.copy_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def text(self) -> str:
        return "\n".join(f"{name}: {value}" for name, value in self.rows)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.text())
        self.copied.setText("Copied to the clipboard.")


def open_about(window: QWidget, ws: Workspace) -> AboutDialog:
    dialog = AboutDialog(ws, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
