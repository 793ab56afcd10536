"""Recording the Housing Ombudsman's enquiries, orders (with their due dates) and compliance."""

from __future__ import annotations

import datetime as dt

from app.domain.compensation import COMPENSATION_HEADS, HEAD_WORDS
from app.domain.deadlines.timeline import fmt
from app.services.complaints.ombudsman import (
    STAGES,
    record_compliance,
    record_enquiry,
    record_order,
)
from app.services.complaints.views import ComplaintView
from app.ui.complaints.forms import ActionDialog


def enquiry_dialog(ws, view: ComplaintView, parent=None) -> ActionDialog:
    d = ActionDialog(
        "Record an Ombudsman enquiry or determination",
        "An enquiry, an investigation or the determination (the report). Orders are recorded "
        "next, linked to it.",
        "&Record",
        parent,
    )
    d.when(value=ws.now())
    d.line("reference", "Ombudsman &reference")
    d.choice("stage", "&Kind", [(s.capitalize(), s) for s in STAGES])
    d.check("has_due", "The Ombudsman asked for something by a &date")
    d.date("due", "&By", ws.today() + dt.timedelta(days=7))
    d.text("summary", "&Summary")
    d.submit = lambda: record_enquiry(
        ws,
        view.case_ref,
        reference=d.value("reference"),
        stage=d.value("stage"),
        due=d.value("due") if d.value("has_due") else None,
        summary=d.value("summary"),
        at=d.value("at"),
        expected_version=view.version,
    )
    return d


def order_dialog(ws, view: ComplaintView, parent=None) -> ActionDialog:
    d = ActionDialog(
        "Record an Ombudsman order",
        "An order has its own deadline, usually “within N weeks of the date of the report”, and "
        "needs evidence of compliance sent to the Ombudsman by then. Compensation ordered is the "
        "total per head, including what was already offered.",
        "&Record order",
        parent,
    )
    d.when(value=ws.now(), label="Date of the &report")
    d.text("text", "&Order")
    d.check("by_weeks", "Due within a number of &weeks of the report", True)
    d.number("weeks", "&Weeks", 4, 1, 52)
    d.date("due", "Or due on this &date", ws.today() + dt.timedelta(weeks=4))
    for head in COMPENSATION_HEADS:
        d.line(head, f"{HEAD_WORDS[head]} (£)")
    d.choice(
        "enquiry",
        "&Determination",
        [("—", None)]
        + [(f"{e.what} {fmt(e.at.date())}: {e.summary}", e.id) for e in view.enquiries],
    )

    def submit():
        by_weeks = d.value("by_weeks")
        items = [(h, d.value(h)) for h in COMPENSATION_HEADS if d.value(h).strip()]
        return record_order(
            ws,
            view.case_ref,
            text=d.value("text"),
            weeks=d.value("weeks") if by_weeks else None,
            due=None if by_weeks else d.value("due"),
            compensation=items,
            enquiry=d.value("enquiry"),
            at=d.value("at"),
            expected_version=view.version,
        )

    d.submit = submit
    return d


def compliance_dialog(ws, view: ComplaintView, parent=None) -> ActionDialog:
    d = ActionDialog(
        "Evidence of compliance with an order",
        "Record what was done and the date the evidence was sent to the Ombudsman; the order's "
        "deadline is met when the evidence is sent.",
        "&Record",
        parent,
    )
    d.choice(
        "order",
        "&Order",
        [(f"Due {fmt(o.due)}: {o.text}", o.source) for o in view.orders if o.status == "open"]
        or [(f"Due {fmt(o.due)}: {o.text}", o.source) for o in view.orders],
    )
    d.when(value=ws.now())
    d.text("evidence", "&Evidence")
    d.check("sent", "The evidence was &sent to the Ombudsman", True)
    d.date("evidence_sent", "Evidence sent &on", ws.today())
    d.submit = lambda: record_compliance(
        ws,
        view.case_ref,
        d.value("order"),
        evidence=d.value("evidence"),
        evidence_sent=d.value("evidence_sent") if d.value("sent") else None,
        at=d.value("at"),
        expected_version=view.version,
    )
    return d
