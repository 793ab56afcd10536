"""A demo-like ASB case recorded through the ASB services (invented people), as of
Tue 24 Jun 2025: three reports in ten weeks (so it qualifies for a case review), the
tier re-assessed, two plan versions, partners answered, chased and overdue, visits
with offline notes, one repair done and one past its target."""

from __future__ import annotations

import datetime as dt

from app.domain.action_plan import PlanRow
from app.services import asb
from app.services.cases import create_case, get_case, record_event
from app.services.views import CaseDetail
from app.services.workspace import Workspace
from app.store.models import Officer, Team

REF = "ASB-2025-0142"
D = dt.date.fromisoformat


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def answers(ws: Workspace, *yes: str) -> dict[str, bool]:
    return {q.key: q.key in yes for q in ws.registry.get().risk.questions}


def add_officers(ws: Workspace) -> None:
    with ws.db.write() as s:
        team = Team(name="Lewisham South")
        s.add(Officer(username="k.mensah", name="Kofi Mensah", team=team))
        s.add(Officer(username="s.hughes", name="Sam Hughes", role="manager", team=team))
        s.add(Officer(username="a.khan", name="Aisha Khan", team=team))


def update(ws: Workspace, when: str, summary: str, channel: str = "phone") -> None:
    record_event(
        ws,
        REF,
        {
            "type": "contact",
            "at": when,
            "channel": channel,
            "direction": "out",
            "by": "k.mensah",
            "summary": summary,
        },
    )


def reported_case(ws: Workspace) -> CaseDetail:
    """The case with its first report only (for the risk form and a first plan)."""
    add_officers(ws)
    create_case(
        ws,
        ref=REF,
        kind="asb",
        officer="k.mensah",
        resident_name="Ms Dami Okonjo",
        address="Flat 12, 3 Heron Court, Lewisham SE13 0ZZ",
        opened=D("2025-04-07"),
        vulnerabilities=["autism (son, 14)", "anxiety"],
    )
    asb.report_asb(
        ws,
        REF,
        incident_type="harassment",
        summary="Group of youths shouting abuse at her son on the stairs; he is afraid to go to school",
        perpetrator="Youths from block B",
        police_ref="CAD 3318/07APR25",
        at=at("2025-04-07T09:40"),
    )
    return get_case(ws, REF)


def showcase_case(ws: Workspace) -> CaseDetail:
    reported_case(ws)
    asb.record_vulnerability(
        ws,
        REF,
        member="son",
        vulnerability="autism",
        preferred_channel="email",
        contact_times="after 4pm",
        communication="Plain words; no unannounced visits",
        at=at("2025-04-07T11:00"),
    )
    asb.assess_risk(
        ws,
        REF,
        answers(
            ws, "serious_intimidation", "vulnerable_household", "children_present", "afraid_at_home"
        ),
        at=at("2025-04-07T12:00"),
    )
    asb.request_home_visit(ws, REF, "harassment", at=at("2025-04-07T12:30"))
    asb.record_home_visit(
        ws,
        REF,
        "Met Ms Okonjo and her son; son calmer with his mother present; agreed the plan",
        offline=True,
        at=at("2025-04-08T10:00"),
    )
    asb.record_vulnerability(
        ws,
        REF,
        vulnerability="anxiety",
        adjustments="Named officer only; call at agreed times",
        at=at("2025-04-08T10:30"),
    )
    v1, _ = asb.agree_plan(
        ws,
        REF,
        [
            PlanRow("Warning letters to block B households", "k.mensah", D("2025-04-11")),
            PlanRow("Request police disclosure", "k.mensah", D("2025-04-11")),
            PlanRow(
                "Keep an incident diary", "resident", D("2025-04-25"), notes="Diary sheets posted"
            ),
            PlanRow("Youth worker to meet the son", "youth worker", D("2025-04-30")),
        ],
        agreed_on=D("2025-04-08"),
        expected_version=0,
    )
    update(ws, "2025-04-08T15:00", "Written confirmation of the plan", "letter")
    police, _ = asb.request_partner(
        ws,
        REF,
        "police",
        "Disclosure about the 7 Apr incident",
        contact="PC Ward, Lewisham SNT",
        at=at("2025-04-08T15:10"),
    )
    youth, _ = asb.request_partner(
        ws, REF, "youth worker", "Meet the son and his school", at=at("2025-04-08T15:20")
    )
    asb.mark_action_done(
        ws, REF, v1, "Warning letters to block B households", at=at("2025-04-10T12:00")
    )
    asb.mark_action_done(ws, REF, v1, "Request police disclosure", at=at("2025-04-08T15:11"))
    asb.record_partner_reply(
        ws, REF, police, "Disclosure received: two youths identified", at=at("2025-04-15T11:00")
    )
    update(ws, "2025-04-16T10:00", "Update call: disclosure received; letters delivered")
    asb.chase_partner(ws, REF, youth, at=at("2025-04-22T09:00"))
    asb.record_partner_reply(
        ws, REF, youth, "Met the son at school; weekly sessions", at=at("2025-04-24T16:00")
    )
    asb.mark_action_done(ws, REF, v1, "Keep an incident diary", at=at("2025-04-25T09:00"))
    asb.mark_action_done(ws, REF, v1, "Youth worker to meet the son", at=at("2025-04-24T16:05"))
    update(ws, "2025-04-29T10:00", "Update call: diary received, quieter week")
    update(ws, "2025-05-06T10:00", "Update call: no new incidents")
    asb.report_asb(
        ws,
        REF,
        incident_type="threat",
        summary="Threat to 'get' her son, made at the bus stop",
        perpetrator="Youths from block B",
        at=at("2025-05-12T17:30"),
    )
    asb.assess_risk(
        ws,
        REF,
        answers(
            ws,
            "threats_of_violence",
            "repeat_victimisation",
            "vulnerable_household",
            "children_present",
            "afraid_at_home",
            "perpetrator_nearby",
        ),
        at=at("2025-05-13T09:00"),
    )
    asb.request_home_visit(ws, REF, "harassment", at=at("2025-05-13T09:10"))
    asb.record_home_visit(
        ws, REF, "Joint visit with PC Ward; door viewer ordered", at=at("2025-05-13T15:00")
    )
    asb.agree_plan(
        ws,
        REF,
        [
            PlanRow("Warning letters to block B households", "k.mensah", D("2025-04-11"), "done"),
            PlanRow("Injunction evidence pack to legal", "k.mensah", D("2025-05-30")),
            PlanRow("Fit a door viewer and security chain", "k.mensah", D("2025-05-20")),
            PlanRow("Keep the incident diary going", "resident", D("2025-06-27")),
            PlanRow("Patrols at school times", "police", D("2025-06-13")),
        ],
        agreed_on=D("2025-05-13"),
        update_every_wd=5,
        expected_version=1,
    )
    update(ws, "2025-05-13T16:00", "Written confirmation of the new plan", "letter")
    chain, _ = asb.raise_repair(
        ws, REF, "Door viewer and security chain", "urgent", at=at("2025-05-13T16:10")
    )
    asb.request_partner(
        ws, REF, "social worker", "Support for the son after the threat", at=at("2025-05-13T16:20")
    )
    asb.record_repair_done(ws, REF, chain, at=at("2025-05-16T12:00"))
    v2 = asb.asb_view(ws, REF).current_plan.id
    asb.mark_action_done(
        ws,
        REF,
        v2,
        "Fit a door viewer and security chain",
        notes="Repair done",
        at=at("2025-05-16T12:05"),
    )
    for day in ("2025-05-20", "2025-05-27", "2025-06-03", "2025-06-10"):
        update(ws, f"{day}T10:00", "Weekly update call")
    asb.report_asb(
        ws,
        REF,
        incident_type="damage",
        hate_incident=True,
        summary="Racist graffiti on the front door; car windscreen smashed",
        at=at("2025-06-16T08:15"),
    )
    asb.assess_risk(
        ws,
        REF,
        answers(
            ws,
            "threats_of_violence",
            "hate_motive",
            "repeat_victimisation",
            "vulnerable_household",
            "children_present",
            "afraid_at_home",
            "perpetrator_nearby",
        ),
        at=at("2025-06-16T11:00"),
    )
    asb.raise_repair(
        ws, REF, "Remove graffiti from the front door", "urgent", at=at("2025-06-16T11:30")
    )
    update(ws, "2025-06-17T10:00", "Update call: graffiti removal ordered; police informed")
    return get_case(ws, REF)
