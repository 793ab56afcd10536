"""Every merge field a letter may use, with what it holds (the editor's Insert field menu lists them).

A field is written ``{name}`` in a section's text; ``{{`` and ``}}`` print braces.
A name not listed here is an unknown field; a listed field the case has no value
for is a missing one. Both are reported, all at once, before anything is produced.
Fields marked *block* are a list or a table and must stand on a line of their own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldInfo:
    name: str
    description: str
    block: bool = False


def _f(name: str, description: str, block: bool = False) -> tuple[str, FieldInfo]:
    return name, FieldInfo(name, description, block)


FIELDS: dict[str, FieldInfo] = dict(
    [
        # the letter and the case
        _f("today", "The letter's date (the day it is issued), e.g. 24 June 2025"),
        _f("letter.ref", "The letter's reference, e.g. HX-0001/3"),
        _f("case.ref", "The case reference"),
        _f("resident.name", "The resident's name as recorded"),
        _f("resident.address", "The resident's postal address (one line)"),
        _f("officer.name", "The signing officer's name"),
        _f("officer.title", "The signing officer's job title"),
        _f("officer.email", "The signing officer's email address"),
        _f("org.name", "The organisation's name"),
        _f("org.phone", "The organisation's phone number"),
        _f("org.email", "The organisation's email address"),
        _f("org.website", "The organisation's website"),
        _f("org.address", "The organisation's address (one line)"),
        # the complaint
        _f("complaint.received", "The date the complaint was received"),
        _f("complaint.summary", "The complaint as recorded (what the resident told us)"),
        _f("complaint.points", "The points of complaint, one bullet each", block=True),
        _f("complaint.stage", "The stage the complaint is at, e.g. stage 1"),
        _f("complaint.definition", "The policy's definition of a complaint"),
        _f("complaint.handler", "Who is handling the complaint at this stage"),
        _f("complaint.ack_due", "The date the acknowledgement is due"),
        _f("complaint.response_due", "The date the response at this stage is due"),
        _f("complaint.response_days", "The response timescale, e.g. 10 working days"),
        _f("escalation.requested", "The date the resident asked to escalate"),
        _f("escalation.summary", "What the resident said when asking to escalate"),
        _f("escalation.next_stage", "The stage the complaint can be escalated to"),
        _f("escalation.route", "How to escalate, or go to the Ombudsman (from the policy)"),
        _f("ombudsman.name", "The Housing Ombudsman's name"),
        _f("ombudsman.details", "The Ombudsman's address, phone, email and website"),
        _f("extension.old_due", "The response date before this extension"),
        _f("extension.new_due", "The new response date (entered in the letter)"),
        _f("extension.reason", "Why more time is needed (entered in the letter)"),
        _f("refusal.reason", "The reason for the refusal (entered in the letter)"),
        _f("refusal.requested", "The date of the request being refused"),
        _f("response.points", "Each point of complaint with the decision and its reasons", True),
        _f("response.actions", "The actions still to do, with their dates", block=True),
        _f("compensation.table", "The compensation, itemised by head, with reasons", block=True),
        _f("compensation.total", "The total compensation in this letter, e.g. £1,350"),
        # anti-social behaviour
        _f("asb.reported", "The date of the latest ASB report"),
        _f("asb.summary", "The ASB report as recorded"),
        _f("asb.risk", "The assessed risk (high, medium, low)"),
        _f("asb.assess_by", "The date the risk assessment is due"),
        _f("asb.contact_every", "How often we will be in touch, e.g. every 10 working days"),
        _f("asb.plan_agreed", "The date the action plan was agreed"),
        _f("asb.plan_actions", "The agreed actions: what, who, by when", block=True),
        _f("asb.next_update", "The date of the next update we owe the resident"),
        _f("visit.requested", "The date a home visit was asked for"),
        _f("visit.due", "The date the visit is due by (policy timescale)"),
        _f("visit.when", "The visit appointment (entered in the letter)"),
        _f("visit.reason", "Why the visit was asked for"),
        _f("closure.date", "The date the case was closed"),
        _f("closure.outcome", "The outcome recorded at closure"),
        # hazards (Awaab's Law), decisions and arrears
        _f("hazard.name", "The hazard investigated, e.g. damp and mould growth"),
        _f("hazard.location", "Where in the home the hazard is"),
        _f("hazard.reported", "The date the hazard was reported"),
        _f("hazard.investigated", "The date the hazard was investigated"),
        _f("hazard.finding", "What the investigation found"),
        _f("hazard.safe_by", "The date (or time) by which the home must be made safe"),
        _f("hazard.works_by", "The date preventative works will start by"),
        _f("works.schedule", "The works and their dates (entered in the letter)"),
        _f("request.subject", "What the resident asked for, e.g. a transfer request"),
        _f("request.made", "The date the request was made"),
        _f("decision.text", "The decision on the request"),
        _f("decision.reasons", "The reasons for the decision"),
        _f("decision.date", "The date the decision was made"),
        _f("arrears.balance", "The arrears found at the latest account check, e.g. £412.50"),
        _f("arrears.checked", "The date the rent account was last checked"),
    ]
)


def is_block(name: str) -> bool:
    info = FIELDS.get(name)
    return bool(info and info.block)
