"""File › Settings: organisation, policy, closure days, homes owned and appearance.

Each tab saves on its own with one service call. The services refuse a non-manager's
changes to the organisation, the policy, closure days and homes owned; this dialog
disables those controls for an officer and says why, so nothing is offered that would
only be refused.
"""

from __future__ import annotations

import datetime as dt
import threading

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import DoorstepError
from app.letters.document import Organisation
from app.letters.organisation import get_organisation, save_organisation
from app.services.backups import MAX_KEEP_DAYS, backup, keep_days, save_keep_days
from app.services.officers import is_manager
from app.services.policies import (
    MAX_HOMES,
    Rederived,
    Timescale,
    current_policy,
    homes_owned,
    list_policies,
    policy_timescales,
    rederive_deadlines,
    save_at_risk_days,
    save_closure_days,
    save_homes_owned,
    save_read_logging,
    set_default_policy,
)
from app.services.workspace import Workspace
from app.ui.appearance import MAX_POINTS, MIN_POINTS, apply_font_size, current_font_size
from app.ui.background import Job
from app.ui.fit import fit_window
from app.ui.formats import day
from app.ui.forms import ERROR_STYLE, date_edit, from_qdate, pick_image
from app.ui.records_model import Column, RecordsModel, make_table, selected_row

MANAGERS_ONLY = "Only a manager can change these; you can see them but not change them."

TIMESCALE_COLUMNS: list[Column[Timescale]] = [
    Column("Area", lambda t: t.area, 210),
    Column("Timescale", lambda t: t.item, 300),
    Column("Working days / limit", lambda t: t.value),
]
CLOSURE_COLUMNS: list[Column[dt.date]] = [Column("Closure day", day)]


class _Tab(QWidget):
    """A tab: a form, a status line (what was saved or why not) and a Save button."""

    def __init__(self, parent: QWidget, save_text: str, allowed: bool = True):
        super().__init__(parent)
        self.outer = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.outer.addLayout(self.form)
        self.refusal = QLabel("" if allowed else MANAGERS_ONLY, self)
        self.refusal.setWordWrap(True)
        self.refusal.setAccessibleName("Why this is read-only")
        self.refusal.setVisible(not allowed)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Status")
        self.save_button = QPushButton(save_text, self)
        self.save_button.setEnabled(allowed)
        self.save_button.clicked.connect(self.save)
        self.allowed = allowed

    def finish_layout(self, stretch: bool = True) -> None:
        if stretch:
            self.outer.addStretch(1)
        self.outer.addWidget(self.refusal)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.save_button)
        self.outer.addLayout(row)

    def row(self, label: str, widget: QWidget) -> QWidget:
        widget.setAccessibleName(label.replace("&", ""))
        caption = QLabel(label, self)
        caption.setBuddy(widget)
        self.form.addRow(caption, widget)
        return widget

    def say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(text)

    def run(self, call) -> bool:
        try:
            message = call()
        except DoorstepError as exc:
            self.say(str(exc), error=True)
            return False
        self.say(message)
        return True

    def save(self) -> None:  # pragma: no cover - every tab overrides it
        raise NotImplementedError


class OrganisationTab(_Tab):
    def __init__(self, ws: Workspace, parent: QWidget, allowed: bool):
        super().__init__(parent, "&Save organisation", allowed)
        self.ws = ws
        org = get_organisation(ws)
        self.name = self.row("&Name", QLineEdit(org.name, self))
        self.address = QPlainTextEdit("\n".join(org.address), self)
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(84)
        self.row("&Address (one line each)", self.address)
        self.phone = self.row("&Phone", QLineEdit(org.phone, self))
        self.email = self.row("&Email", QLineEdit(org.email, self))
        self.website = self.row("&Website", QLineEdit(org.website, self))
        self.signature = self.row("&Team under the name", QLineEdit(org.signature_title, self))
        self.logo = QLineEdit(org.logo, self)
        self.logo.setPlaceholderText("none: the initials are drawn")
        self.browse = QPushButton("&Browse…", self)
        self.browse.setAccessibleName("Choose a logo")
        self.browse.clicked.connect(self.choose_logo)
        box = QWidget(self)
        lay = QHBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.logo, 1)
        lay.addWidget(self.browse)
        self.logo.setAccessibleName("Logo (PNG or JPEG)")
        caption = QLabel("&Logo (PNG or JPEG)", self)
        caption.setBuddy(self.logo)
        self.form.addRow(caption, box)
        for w in (self.name, self.address, self.phone, self.email, self.website, self.signature):
            w.setReadOnly(not allowed)
        self.logo.setReadOnly(not allowed)
        self.browse.setEnabled(allowed)
        self.finish_layout()

    def choose_logo(self) -> None:
        path = pick_image(self, "Logo")
        if path:
            self.logo.setText(path)

    def save(self) -> None:
        def call() -> str:
            org = save_organisation(
                self.ws,
                Organisation(
                    name=self.name.text(),
                    address=tuple(self.address.toPlainText().splitlines()),
                    phone=self.phone.text(),
                    email=self.email.text(),
                    website=self.website.text(),
                    logo=self.logo.text(),
                    signature_title=self.signature.text(),
                ),
            )
            return f"Saved: letters now head with {org.name}."

        self.run(call)


class PolicyTab(_Tab):
    def __init__(self, ws: Workspace, parent: QWidget, allowed: bool):
        super().__init__(parent, "&Use this policy for new cases", allowed)
        self.ws = ws
        self.choice = QComboBox(self)
        self.row("&Policy", self.choice)
        self.description = QLabel("", self)
        self.description.setWordWrap(True)
        self.description.setMinimumWidth(480)
        self.description.setAccessibleName("Policy description")
        self.form.addRow("", self.description)
        self.read_log = QCheckBox("Record in the trail who opens or e&xports each case", self)
        self.read_log.setEnabled(allowed)
        self.form.addRow("", self.read_log)
        self.at_risk = QSpinBox(self)
        self.at_risk.setRange(0, 60)
        self.at_risk.setSuffix(" working days")
        self.at_risk.setEnabled(allowed)
        self.row("A deadline is at &risk within", self.at_risk)
        self.model: RecordsModel[Timescale] = RecordsModel(TIMESCALE_COLUMNS, self, titled=True)
        self.table = make_table(self.model, "Timescales (read-only)", self)
        note = QLabel(
            "Timescales are read from the policy and cannot be edited here. Cases already "
            "running keep the policy version they started under.",
            self,
        )
        note.setWordWrap(True)
        self.outer.addWidget(self.table, 1)
        self.outer.addWidget(note)
        self.choice.currentIndexChanged.connect(lambda _i: self.show_policy())
        self.load()
        self.finish_layout(stretch=False)

    def load(self) -> None:
        in_force = current_policy(self.ws).name
        self.choice.blockSignals(True)
        self.choice.clear()
        for c in list_policies(self.ws):
            mark = " — in force" if c.name == in_force else ""
            self.choice.addItem(f"{c.title} (version {c.version}){mark}", c)
            if c.name == in_force:
                self.choice.setCurrentIndex(self.choice.count() - 1)
        self.choice.blockSignals(False)
        self.show_policy()

    def show_policy(self) -> None:
        c = self.choice.currentData()
        if c is None:
            return
        self.description.setText(c.description)
        self.read_log.setChecked(self.ws.registry.get(c.name).log_case_reads)
        self.at_risk.setValue(self.ws.registry.get(c.name).at_risk_wd)
        self.model.set_rows(policy_timescales(self.ws, c.name))

    def save(self) -> None:
        c = self.choice.currentData()
        since = self.ws.now()
        steps: list[tuple[str, dt.datetime | None, bool]] = []

        def call() -> str:
            # the deadlines these changes reach are re-derived in a worker (SettingsDialog)
            if c.name != self.ws.registry.default:
                steps.append((c.name, None, True))
            policy = set_default_policy(self.ws, c.name, rederive=False)
            if self.read_log.isChecked() != policy.log_case_reads:
                policy = save_read_logging(
                    self.ws, c.name, self.read_log.isChecked(), rederive=False
                )
                steps.append((c.name, since, False))
            if self.at_risk.value() != policy.at_risk_wd:
                policy = save_at_risk_days(self.ws, c.name, self.at_risk.value(), rederive=False)
                steps.append((c.name, since, False))
            self.load()
            reads = "recorded" if policy.log_case_reads else "not recorded"
            return (
                f"New cases now follow {policy.title}; case reads are {reads}; "
                f"deadlines are at risk {policy.at_risk_words}."
            )

        if self.run(call):
            self._policy_changed(steps)

    def _policy_changed(self, steps: list[tuple[str, dt.datetime | None, bool]]) -> None:
        parent = self.window()
        if isinstance(parent, SettingsDialog):
            parent.closures.load()
            parent.rederive(steps)


class ClosureDaysTab(_Tab):
    def __init__(self, ws: Workspace, parent: QWidget, allowed: bool):
        super().__init__(parent, "&Save as a new policy version", allowed)
        self.ws = ws
        self.heading = QLabel("", self)
        self.heading.setWordWrap(True)
        self.outer.insertWidget(0, self.heading)
        self.model: RecordsModel[dt.date] = RecordsModel(CLOSURE_COLUMNS, self)
        self.table = make_table(self.model, "Closure days", self)
        self.outer.addWidget(self.table, 1)
        self.day = date_edit(self, ws.today())
        self.add_button = QPushButton("&Add day", self)
        self.remove_button = QPushButton("&Remove selected", self)
        row = QHBoxLayout()
        caption = QLabel("&Day:", self)
        caption.setBuddy(self.day)
        self.day.setAccessibleName("Closure day to add")
        row.addWidget(caption)
        row.addWidget(self.day)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        self.outer.addLayout(row)
        self.add_button.clicked.connect(self.add_day)
        self.remove_button.clicked.connect(self.remove_day)
        for w in (self.day, self.add_button, self.remove_button):
            w.setEnabled(allowed)
        self.load()
        self.finish_layout(stretch=False)

    def load(self) -> None:
        self.policy = current_policy(self.ws)
        self.heading.setText(
            f"Days the organisation is closed, besides bank holidays, under {self.policy.title} "
            f"(version {self.policy.version}). No deadline falls due on them."
        )
        self.model.set_rows(list(self.policy.closure_days))

    def days(self) -> list[dt.date]:
        return list(self.model.rows)

    def add_day(self) -> None:
        chosen = from_qdate(self.day.date())
        if chosen in self.days():
            self.say(f"{day(chosen)} is already a closure day.")
            return
        self.model.set_rows(sorted([*self.days(), chosen]))
        self.say(f"{day(chosen)} added; Save to make it part of the policy.")

    def remove_day(self) -> None:
        chosen = selected_row(self.table)
        if chosen is None:
            self.say("Select a day to remove.")
            return
        self.model.set_rows([d for d in self.days() if d != chosen])
        self.say(f"{day(chosen)} removed; Save to make it part of the policy.")

    def save(self) -> None:
        name, since = self.policy.name, self.ws.now()

        def call() -> str:
            policy = save_closure_days(self.ws, name, self.days(), rederive=False)
            self.load()
            n = len(policy.closure_days)
            return f"Saved as version {policy.version}: {n} closure day{'s' if n != 1 else ''}."

        parent = self.window()
        if self.run(call) and isinstance(parent, SettingsDialog):
            parent.rederive([(name, since, False)])  # in a worker, with progress


class HomesTab(_Tab):
    def __init__(self, ws: Workspace, parent: QWidget, allowed: bool):
        super().__init__(parent, "&Save homes owned", allowed)
        self.ws = ws
        self.homes = QSpinBox(self)
        self.homes.setRange(0, MAX_HOMES)
        self.homes.setGroupSeparatorShown(True)
        self.homes.setSpecialValueText("not given")
        self.homes.setValue(homes_owned(ws) or 0)
        self.homes.setEnabled(allowed)
        self.row("Number of &homes owned", self.homes)
        self.finish_layout()

    def save(self) -> None:
        self.run(lambda: f"Saved: {save_homes_owned(self.ws, self.homes.value()):,} homes.")


class BackupsTab(_Tab):
    """How long the daily backups are kept, and a backup made now (off the UI thread)."""

    def __init__(self, ws: Workspace, parent: QWidget, allowed: bool):
        super().__init__(parent, "&Save how long backups are kept", allowed)
        self.ws = ws
        self.days = QSpinBox(self)
        self.days.setRange(1, MAX_KEEP_DAYS)
        self.days.setSuffix(" days")
        self.days.setValue(keep_days(ws))
        self.days.setEnabled(allowed)
        self.row("&Keep daily backups for", self.days)
        self.now_button = QPushButton("&Back up now", self)
        self.now_button.clicked.connect(self.back_up_now)
        self.form.addRow("", self.now_button)
        self.job: Job | None = None
        self.finish_layout()

    def save(self) -> None:
        self.run(
            lambda: f"Daily backups are kept for {save_keep_days(self.ws, self.days.value())} days."
        )

    def back_up_now(self) -> None:
        self.now_button.setEnabled(False)
        self.say("Backing up…")
        self.job = Job(lambda _progress: backup(self.ws), self)
        self.job.sig_done.connect(lambda path: self._finished(f"Backed up and verified: {path}"))
        self.job.sig_failed.connect(lambda message: self._finished(message, error=True))
        self.job.start()

    def _finished(self, text: str, error: bool = False) -> None:
        self.now_button.setEnabled(True)
        self.say(text, error=error)


class SyncTab(_Tab):
    """An enrolled laptop's sync: which team server, and how often it syncs by itself."""

    def __init__(self, ws: Workspace, parent: QWidget):
        from app.services.sync.client import enrolment
        from app.services.sync.schedule import MAX_MINUTES, every_minutes

        super().__init__(parent, "&Save how often to sync")
        self.ws = ws
        server = QLabel((enrolment(ws) or {}).get("server", ""), self)
        server.setAccessibleName("Team server")
        self.form.addRow("Team server:", server)
        self.minutes = QSpinBox(self)
        self.minutes.setRange(1, MAX_MINUTES)
        self.minutes.setSuffix(" minutes")
        self.minutes.setValue(every_minutes(ws))
        self.row("Sync &every", self.minutes)
        note = QLabel(
            "This laptop also syncs as Doorstep opens and whenever you choose File › Sync now.",
            self,
        )
        note.setWordWrap(True)
        self.outer.addWidget(note)
        self.finish_layout()

    def save(self) -> None:
        from app.services.sync.schedule import save_every_minutes

        self.run(
            lambda: (
                f"This laptop syncs every {save_every_minutes(self.ws, self.minutes.value())} "
                "minutes."
            )
        )


class AppearanceTab(_Tab):
    def __init__(self, parent: QWidget):
        super().__init__(parent, "&Reset to the system size")
        self.size = QSpinBox(self)
        self.size.setRange(MIN_POINTS, MAX_POINTS)
        self.size.setSuffix(" pt")
        self.size.setValue(current_font_size())
        self.row("&Font size", self.size)
        self.size.valueChanged.connect(self.apply)
        note = QLabel(
            "The size applies at once and is remembered on this computer. Doorstep follows "
            "your system's light or dark theme.",
            self,
        )
        note.setWordWrap(True)
        self.outer.addWidget(note)
        self.system_size = current_font_size()
        self.finish_layout()

    def apply(self, points: int) -> None:
        apply_font_size(points)
        self.say(f"Font size {points} pt.")

    def save(self) -> None:
        self.size.setValue(self.system_size)


class SettingsDialog(QDialog):
    # after a policy change, the stored deadlines were re-derived: what changed (Rederived)
    sig_deadlines_changed = Signal(object)

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.job: Job | None = None
        self._stop = threading.Event()
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        allowed = is_manager(ws)
        self.tabs = QTabWidget(self)
        self.organisation = OrganisationTab(ws, self, allowed)
        self.policy = PolicyTab(ws, self, allowed)
        self.closures = ClosureDaysTab(ws, self, allowed)
        self.homes = HomesTab(ws, self, allowed)
        self.backups = BackupsTab(ws, self, allowed)
        self.appearance = AppearanceTab(self)
        for tab, title in (
            (self.organisation, "Organisation"),
            (self.policy, "Policy"),
            (self.closures, "Closure days"),
            (self.homes, "Homes owned"),
            (self.backups, "Backups"),
            (self.appearance, "Appearance"),
        ):
            self.tabs.addTab(tab, title)
        self.sync: SyncTab | None = None
        if ws.db.session_info.get("replica"):  # an enrolled laptop
            self.sync = SyncTab(ws, self)
            self.tabs.addTab(self.sync, "Sync")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Updating the cases' deadlines")
        self.progress.setFormat("Updating deadlines: %v of %m cases")
        self.progress_stop = QPushButton("S&top updating", self)
        self.progress_stop.setAccessibleName("Stop updating the cases' deadlines")
        self.progress_stop.clicked.connect(self._stop.set)
        self.progress_text = QLabel("", self)
        self.progress_text.setWordWrap(True)
        self.progress_text.setAccessibleName("Deadlines update")
        bar = QHBoxLayout()
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.progress_stop)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addLayout(bar)
        lay.addWidget(self.progress_text)
        lay.addWidget(buttons)
        self._show_progress(False)
        fit_window(self, 820, 620, "settings")

    # -- the deadlines a policy change reaches, re-derived in a worker ---------------------------
    def rederive(self, steps: list[tuple[str, dt.datetime | None, bool]]) -> None:
        """Re-derive the stored deadlines each step reaches (policy name, since, only the cases
        following the default) off the UI thread, batch by batch, with progress and Stop."""
        if not steps:
            return
        if self.job is not None and self.job.running:  # one after another: wait for this one
            self.job.sig_done.connect(lambda _r: self.rederive(steps))
            return
        self._stop.clear()
        ws, stop = self.ws, self._stop

        def work(progress) -> Rederived:
            looked, finished = 0, True
            changed: set[str] = set()
            for name, since, unnamed in steps:
                r = rederive_deadlines(
                    ws, name, since, unnamed=unnamed, progress=progress, cancelled=stop.is_set
                )
                looked, changed = looked + r.looked_at, changed | set(r.changed)
                finished = finished and r.finished
            return Rederived(steps[0][0], looked, tuple(sorted(changed)), finished)

        self.progress.setRange(0, 0)  # busy until the first count arrives
        self.progress_text.setText("Updating the deadlines of the cases this change reaches…")
        self._show_progress(True)
        self.job = Job(work, self)
        self.job.sig_progress.connect(self._progressed)
        self.job.sig_done.connect(self._rederived)
        self.job.sig_failed.connect(self._rederive_failed)
        self.job.start()

    def done(self, result: int) -> None:
        self._settle()
        super().done(result)

    def closeEvent(self, event) -> None:
        self._settle()
        super().closeEvent(event)

    def _settle(self) -> None:
        """The update carries on after the dialog closes (the main window keeps the dialog and
        refreshes when it ends); a dialog with no window to outlive it waits for it instead."""
        if self.job is not None and self.job.running and self.parent() is None:
            self.job.thread_.quit()  # ends the thread once the update returns
            self.job.thread_.wait()

    def _show_progress(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.progress_stop.setVisible(running)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done if total else 1)

    def _rederived(self, result: Rederived) -> None:
        self._show_progress(False)
        self.progress_text.setText(result.summary())
        self.sig_deadlines_changed.emit(result)

    def _rederive_failed(self, message: str) -> None:
        self._show_progress(False)
        self.progress_text.setStyleSheet(ERROR_STYLE)
        self.progress_text.setText(message)
