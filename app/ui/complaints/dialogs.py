"""The complaint actions' dialogs: each builds its form and, on OK, makes one service call.

Every dialog passes the case version it was opened with (``expected_version``), so
an edit made stale by another window is refused and stays in the form.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QWidget

from app.domain.deadlines.timeline import fmt
from app.domain.events import CHANNELS
from app.errors import ValidationError
from app.services import complaints as svc
from app.services.complaints.views import ComplaintView
from app.services.workspace import Workspace
from app.ui.complaints.forms import ActionDialog

CHANNEL_WORDS = {
    "phone": "Phone",
    "email": "Email",
    "letter": "Letter",
    "visit": "Visit",
    "portal": "Portal",
    "in_person": "In person",
}


def conflict_note(view: ComplaintView | None) -> str:
    """Who may not decide this stage (shown where a handler or decider is chosen)."""
    if view is None or not view.conflicted:
        return ""
    return "Cannot be: " + ", ".join(sorted(view.conflicted)) + " (conflict of interest)."


def _calls(d: ActionDialog, ws, view: ComplaintView, service, *fields: str) -> ActionDialog:
    """On OK, ``service`` records the action on this complaint with the named fields' values
    (as keyword arguments of the same names) and the version the dialog was opened with."""
    d.submit = lambda: service(
        ws, view.case_ref, view.id, **{f: d.value(f) for f in fields}, expected_version=view.version
    )
    return d


def receive_dialog(
    ws: Workspace,
    ref: str,
    version: int,
    parent: QWidget | None = None,
    contact: tuple[str, str, str] | None = None,
) -> ActionDialog:
    """Log a complaint; with ``contact`` (id, day text, summary) it answers the dissatisfaction prompt."""
    if contact is None:
        title, intro = (
            "Log a complaint",
            (
                "Record a complaint received by any channel. The acknowledgement and response "
                "deadlines start from when it was received."
            ),
        )
    else:
        title = "Offer a formal complaint"
        intro = (
            f"On {contact[1]} the resident expressed dissatisfaction: “{contact[2]}”. "
            "Offer a formal complaint and record the answer."
        )
    d = ActionDialog(title, intro, "&Record", parent)
    if contact is not None:
        d.check("accepted", "The resident &accepts a formal complaint", True)
    d.when(value=ws.now())
    d.choice(
        "channel",
        "&Channel",
        [(CHANNEL_WORDS[c], c) for c in CHANNELS],
    )
    d.text("summary", "&Summary", contact[2] if contact else "")
    d.text(
        "points",
        "&Points of complaint",
        note="One point per line; each needs a decision in the response.",
    )
    d.line(
        "about",
        "About &officer",
        placeholder="username, if the complaint is about an officer's conduct",
    )
    d.line("handler", "&Handled by", placeholder="username of the complaint handler")
    d.check("has_matter", "The matter complained about happened on a known &date")
    d.date("matter_date", "&Matter date", ws.today())
    d.line(
        "late_reason",
        "Why an &old matter is accepted",
        note="Needed when the matter is more than 12 months old; otherwise record it and refuse it in writing.",
    )

    def submit():
        common = dict(
            at=d.value("at"),
            points=[p for p in d.value("points").splitlines() if p.strip()],
            about_officer=d.value("about") or None,
            handler=d.value("handler") or None,
            matter_date=d.value("matter_date") if d.value("has_matter") else None,
            late_reason=d.value("late_reason") or None,
            expected_version=version,
        )
        if contact is None:
            return svc.receive_complaint(
                ws, ref, summary=d.value("summary"), channel=d.value("channel"), **common
            )
        return svc.offer_complaint(
            ws,
            ref,
            contact[0],
            accepted=d.value("accepted"),
            summary=d.value("summary"),
            channel=d.value("channel"),
            **common,
        )

    d.submit = submit
    return d


def acknowledge_dialog(ws, view: ComplaintView, parent=None) -> ActionDialog:
    d = ActionDialog(
        f"Acknowledge — {view.stage_label}",
        f"Record the written acknowledgement of the {view.stage_label.lower()} complaint. "
        f"{conflict_note(view)}",
        "&Acknowledge",
        parent,
    )
    d.when(value=ws.now())
    d.line("by", "&By", ws.actor.username)
    d.line("letter", "&Letter reference", placeholder="optional: the letter issued")
    d.submit = lambda: svc.acknowledge(
        ws,
        view.case_ref,
        view.id,
        at=d.value("at"),
        by=d.value("by"),
        letter=d.value("letter") or None,
        expected_version=view.version,
    )
    return d


def extend_dialog(ws, view: ComplaintView, parent=None) -> ActionDialog:
    due = view.next_action.due
    latest = view.latest_extension
    d = ActionDialog(
        f"Agree an extension — {view.stage_label}",
        f"The response is due {fmt(due)}. An extension counts only if the resident is told in "
        f"writing, with the reason and the Ombudsman's details, by that date. The latest new date "
        f"the policy allows is {fmt(latest)}.",
        "&Record extension letter",
        parent,
    )
    d.when(value=ws.now())
    start = (due or ws.today()) + dt.timedelta(days=1)
    d.date("new_due", "&New due date", min(start, latest) if latest else start, maximum=latest)
    d.text("reason", "&Reason", note="The letter explains it to the resident.")
    d.line("by", "&By", ws.actor.username)
    return _calls(d, ws, view, svc.agree_extension, "new_due", "reason", "at", "by")


def escalate_dialog(ws, view: ComplaintView, parent=None) -> ActionDialog:
    d = ActionDialog(
        "Record an escalation request",
        "The resident asks to escalate. The next stage's acknowledgement deadline starts at "
        "once; only an acknowledgement or a written refusal stops it.",
        "&Record request",
        parent,
    )
    d.when(value=ws.now())
    d.text("summary", "&What the resident said")
    return _calls(d, ws, view, svc.request_escalation, "summary", "at")


def _refusal(ws, view: ComplaintView, parent, title: str, intro: str, service) -> ActionDialog:
    """A refusal in writing: when, the reasons and who decided."""
    d = ActionDialog(title, f"{intro} {conflict_note(view)}", "&Record refusal", parent)
    d.when(value=ws.now())
    d.text("reason", "&Reasons")
    d.line("by", "&By", ws.actor.username)
    return _calls(d, ws, view, service, "reason", "at", "by")


def refuse_escalation_dialog(ws, view: ComplaintView, parent=None) -> ActionDialog:
    return _refusal(
        ws,
        view,
        parent,
        "Refuse the escalation in writing",
        "The letter gives the reasons and the resident's right to go to the Housing Ombudsman "
        "(their details are added).",
        svc.refuse_escalation,
    )


def refuse_dialog(ws, view: ComplaintView, parent=None) -> ActionDialog:
    return _refusal(
        ws,
        view,
        parent,
        "Refuse to accept the complaint",
        "Refuse in writing with reasons (for example, a matter over 12 months old). The "
        "Ombudsman's details are added.",
        svc.refuse_complaint,
    )


def close_dialog(ws, view: ComplaintView, parent=None) -> ActionDialog:
    d = ActionDialog(
        "Close the complaint",
        "Record the outcome and the lessons learnt (they are reported).",
        "&Close complaint",
        parent,
    )
    d.when(value=ws.now())
    d.line("outcome", "&Outcome")
    d.text("lessons", "&Lessons learnt", "\n".join(view.lessons))
    d.check("withdrawn", "The resident &withdrew the complaint")
    return _calls(d, ws, view, svc.close_complaint, "outcome", "lessons", "withdrawn", "at")


def reopen_dialog(ws, view: ComplaintView, parent=None) -> ActionDialog:
    d = ActionDialog(
        "Reopen the complaint",
        f"A new {view.stage_label.lower()} response will be owed, counted from the reopening.",
        "&Reopen",
        parent,
    )
    d.when(value=ws.now())
    d.text("reason", "&Reason")
    return _calls(d, ws, view, svc.reopen_complaint, "reason", "at")


def points_dialog(ws, view: ComplaintView, parent=None) -> ActionDialog:
    """Add the points of complaint after intake, or restate them: the list given replaces the
    current one (which the acknowledgement and the response's checklist then use)."""
    d = ActionDialog(
        "Points of complaint",
        "The points of complaint in the resident's words, one per line. The list recorded "
        "here replaces the current one; each point needs a decision in the response.",
        "&Record points",
        parent,
    )
    d.text("points", "&Points of complaint", "\n".join(view.points), height=140)
    return _calls(d, ws, view, _state_points, "points")


def _state_points(ws, ref: str, complaint: str, *, points: str, expected_version: int) -> str:
    """The dialog's text, one point a line (blank lines left out by the service)."""
    return svc.state_points(
        ws, ref, complaint, points=points.splitlines(), expected_version=expected_version
    )


def assign_dialog(ws, view: ComplaintView, parent=None) -> ActionDialog:
    d = ActionDialog(
        f"Assign — {view.stage_label}",
        f"A manager assigns who handles this stage. {conflict_note(view)}",
        "&Assign",
        parent,
    )
    d.line("handler", "&Handler", view.handler or "")
    d.line("reason", "&Reason")
    return _calls(d, ws, view, svc.assign_handler, "handler", "reason")


def remedy_done_dialog(ws, view: ComplaintView, parent=None) -> ActionDialog:
    d = ActionDialog(
        "Record a remedy action done",
        "Actions the response promised are tracked until done.",
        "&Record",
        parent,
    )
    open_items = [r for r in view.remedies if r.status == "open"]
    d.choice("action", "&Action", [(f"{r.text} (due {fmt(r.due)})", r) for r in open_items])
    d.when(value=ws.now())
    d.line("notes", "&Notes")

    def submit():
        item = d.value("action")
        if item is None:
            raise ValidationError(
                "There is no open remedy action on this complaint to record as done."
            )
        return svc.complete_remedy_action(
            ws,
            view.case_ref,
            item.source,
            item.text,
            notes=d.value("notes"),
            at=d.value("at"),
            expected_version=view.version,
        )

    d.submit = submit
    return d
