"""ASB services: intake, risk, vulnerabilities, the plan and its versions, partners,
visits, repairs, the case review trigger and closure; bad input refused whole.

The clock is Tue 24 Jun 2025; the reports are from Mon 2 Jun 2025 on.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.domain.action_plan import PlanRow
from app.errors import ConflictError, ValidationError
from app.services import asb
from app.services.auditing import audit_case
from app.services.cases import create_case, get_case
from app.services.inbox import list_inbox
from app.store.models import AuditLog, CaseEvent, Officer, Team

D = dt.date.fromisoformat
REF = "ASB-1"
HIGH = {"threats_of_violence": True}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def answers(ws, **yes) -> dict[str, bool]:
    return {q.key: yes.get(q.key, False) for q in ws.registry.get().risk.questions}


def new_case(
    ws, ref=REF, name="Ms Ada Obi", address="4 Elm Row", vulnerabilities=None, opened="2025-06-02"
):
    return create_case(
        ws,
        ref=ref,
        kind="asb",
        officer="k.mensah",
        resident_name=name,
        address=address,
        opened=D(opened),
        vulnerabilities=vulnerabilities,
    )


@pytest.fixture
def reported(ws):
    new_case(ws)
    rid, case, _ = asb.report_asb(
        ws,
        REF,
        incident_type="threat",
        summary="Threatened on the stairs",
        at=at("2025-06-02T10:00"),
    )
    return rid


def keys(case, kind):
    return [d for d in case.deadlines if d.kind == kind]


def event_count(ws) -> int:
    with ws.db.read() as s:
        return s.scalar(select(func.count(CaseEvent.id)))


# -- intake ---------------------------------------------------------------------------------------


def test_report_records_the_intake_and_starts_the_assessment_deadline(ws):
    new_case(ws)
    rid, case, review = asb.report_asb(
        ws,
        REF,
        incident_type="harassment",
        summary="Abuse shouted at the door",
        channel="email",
        reporter="Support worker (J. Bello)",
        perpetrator="Neighbour at no. 6",
        police_ref="CAD 4471/02JUN",
        at=at("2025-06-02T10:00"),
    )
    (event,) = case.events
    assert event.fields["incident_type"] == "harassment"
    assert event.fields["risk_hint"] == "harassment"
    assert event.fields["reporter"] == "Support worker (J. Bello)"
    assert event.fields["by"] == "tester"  # a third party's report is recorded by the officer
    assert (event.fields["perpetrator"], event.fields["police_ref"]) == (
        "Neighbour at no. 6",
        "CAD 4471/02JUN",
    )
    (ra,) = keys(case, "risk_assessment")
    assert ra.due == D("2025-06-03")  # harassment: high risk, 1 WD
    assert case.risk_tier == "high"
    assert not review.qualifies


def test_hate_incident_flag(ws):
    new_case(ws)
    _, case, _ = asb.report_asb(
        ws, REF, incident_type="damage", summary="Graffiti", hate_incident=True
    )
    fields = case.events[0].fields
    assert (fields["hate_incident"], fields["risk_hint"]) == (True, "hate")
    _, case, _ = asb.report_asb(ws, REF, incident_type="hate_incident", summary="Slur")
    assert case.events[0].fields["hate_incident"] is True
    view = asb.asb_view(ws, REF)
    assert [r.hate_incident for r in view.reports] == [True, True]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"incident_type": "gossip", "summary": "x"}, "Incident type must be one of"),
        ({"incident_type": "noise", "summary": "x", "channel": "pigeon"}, "Channel must be one of"),
        ({"incident_type": "noise", "summary": "   "}, "What happened cannot be empty"),
        ({"incident_type": "noise", "summary": "x", "at": at("2031-01-01T10:00")}, "in the future"),
    ],
)
def test_bad_intake_is_refused(ws, kwargs, message):
    new_case(ws)
    with pytest.raises(ValidationError, match=message):
        asb.report_asb(ws, REF, **kwargs)
    assert event_count(ws) == 0


# -- risk assessment ------------------------------------------------------------------------------


def test_assessment_records_tier_score_reasons_and_answers(ws, reported):
    given = answers(ws, vulnerable_household=True, health_impact=True)
    eid, case = asb.assess_risk(ws, REF, given, at=at("2025-06-02T15:00"))
    event = next(e for e in case.events if e.id == eid)
    assert (event.fields["tier"], event.fields["score"]) == ("medium", 5)
    assert event.fields["answers"] == given
    assert "Driven by: vulnerabilities in the household" in event.fields["reasons"]
    assert keys(case, "risk_assessment")[0].status == "met"
    assert case.risk_tier == "medium"


def test_reassessment_keeps_the_tier_history(ws, reported):
    asb.assess_risk(ws, REF, answers(ws), at=at("2025-06-02T15:00"))
    asb.assess_risk(ws, REF, answers(ws, **HIGH), at=at("2025-06-05T15:00"))
    view = asb.asb_view(ws, REF)
    assert [(t.on, t.tier) for t in view.tiers] == [
        (D("2025-06-02"), "low"),
        (D("2025-06-05"), "high"),
    ]
    assert view.tier == "high" and get_case(ws, REF).risk_tier == "high"
    assert view.tiers[1].answers[0].answer is True
    assert view.update_default_wd == 10


def test_a_tier_without_answers_is_refused(ws, reported):
    with pytest.raises(ValidationError, match="answer every question first"):
        asb.assess_risk(ws, REF, {})
    partial = answers(ws)
    del partial["children_present"]
    with pytest.raises(ValidationError, match="Not answered: Children in the household"):
        asb.assess_risk(ws, REF, partial)
    assert event_count(ws) == 1


def test_assessment_needs_a_report(ws):
    new_case(ws)
    with pytest.raises(ValidationError, match="Record the ASB report before"):
        asb.assess_risk(ws, REF, answers(ws))


# -- vulnerabilities --------------------------------------------------------------------------------


def test_a_vulnerability_without_adjustments_is_flagged(ws, reported):
    eid, case = asb.record_vulnerability(ws, REF, member="son", vulnerability="autism")
    assert eid is None
    assert case.vulnerabilities == ("autism (son)",)
    (d,) = keys(case, "vulnerability_plan")
    assert (d.due, d.status) == (D("2025-06-09"), "open")
    codes = [f.code for f in audit_case(ws, REF).findings]
    assert "VULNERABILITY_NOT_ASSESSED" in codes
    assert not asb.asb_view(ws, REF).vulnerabilities[0].assessed


def test_adjustments_per_member_cover_only_that_member(ws):
    new_case(ws, vulnerabilities=["depression"])
    eid, case = asb.record_vulnerability(
        ws,
        REF,
        member="son",
        vulnerability="autism",
        preferred_channel="email",
        contact_times="after 4pm",
        communication="plain words, no unannounced visits",
        at=at("2025-06-03T10:00"),
    )
    event = next(e for e in case.events if e.id == eid)
    assert event.fields["adjustments"] == (
        "Contact by email; times: after 4pm; communication: plain words, no unannounced visits"
    )
    assert (event.fields["member"], event.fields["vulnerability"]) == ("son", "autism")
    assert keys(case, "vulnerability_plan")[0].status == "open"  # the resident's depression
    _, case = asb.record_vulnerability(
        ws,
        REF,
        vulnerability="depression",
        adjustments="Named officer; weekly call",
        interpreter="Yoruba",
        at=at("2025-06-04T10:00"),
    )
    assert case.vulnerabilities == ("depression", "autism (son)")  # listed once each
    assert keys(case, "vulnerability_plan")[0].status == "met"
    view = asb.asb_view(ws, REF)
    assert [(v.member, v.assessed) for v in view.vulnerabilities] == [
        ("resident", True),
        ("son", True),
    ]
    assert view.vulnerabilities[0].adjustments[0].interpreter == "Yoruba"


def test_a_listed_vulnerability_is_not_listed_twice(ws):
    new_case(ws, vulnerabilities=["autism and neurodiverse conditions (son, under 18)"])
    _, case = asb.record_vulnerability(
        ws,
        REF,
        member="Son",
        vulnerability="Autism and neurodiverse conditions",
        adjustments="Text first",
    )
    assert case.vulnerabilities == ("autism and neurodiverse conditions (son, under 18)",)


def test_bad_vulnerability_input(ws, reported):
    with pytest.raises(ValidationError, match="without brackets"):
        asb.record_vulnerability(ws, REF, member="son (15)", vulnerability="autism")
    with pytest.raises(ValidationError, match="The vulnerability cannot be empty"):
        asb.record_vulnerability(ws, REF, vulnerability=" ")
    with pytest.raises(ValidationError, match="Preferred contact must be one of"):
        asb.record_vulnerability(ws, REF, vulnerability="deaf", preferred_channel="fax")
    assert get_case(ws, REF).vulnerabilities == ()


# -- the action plan ---------------------------------------------------------------------------------

ROWS = [
    PlanRow("Warning letter to no. 6", "k.mensah", D("2025-06-06")),
    PlanRow("Keep a diary", "resident", D("2025-06-20"), notes="Sheets posted"),
    PlanRow("Patrols at night", "police", D("2025-06-13")),
]


@pytest.fixture
def assessed(ws, reported):
    asb.assess_risk(ws, REF, answers(ws, **HIGH), at=at("2025-06-02T15:00"))


def test_agreeing_a_plan_defaults_the_schedule_from_the_tier_and_starts_updates(ws, assessed):
    pid, case = asb.agree_plan(ws, REF, ROWS, agreed_on=D("2025-06-03"), expected_version=0)
    plan = next(e for e in case.events if e.id == pid)
    assert plan.fields["update_every_wd"] == 10  # high risk
    assert plan.fields["agreed_on"] == "2025-06-03"
    assert "letter" not in plan.fields  # the written confirmation comes with the letters feature
    assert plan.fields["actions"][1] == {
        "text": "Keep a diary",
        "owner": "resident",
        "due": "2025-06-20",
        "status": "open",
        "notes": "Sheets posted",
    }
    assert keys(case, "action_plan")[0].status == "met"
    assert [d.due for d in keys(case, "plan_action")] == [
        D("2025-06-06"),
        D("2025-06-13"),
        D("2025-06-20"),
    ]
    (update,) = [d for d in keys(case, "update_contact") if d.status == "open"]
    assert update.due == D("2025-06-16")  # the report + 10 WD
    # The missed update shows in the inbox.
    rows = list_inbox(ws)
    assert rows[0].ref == REF and rows[0].wd_left < 0


def test_plan_versions_are_kept_and_the_latest_is_the_agreed_one(ws, assessed):
    v1, _ = asb.agree_plan(ws, REF, ROWS, agreed_on=D("2025-06-03"), expected_version=0)
    asb.mark_action_done(
        ws, REF, v1, "Warning letter to no. 6", notes="Hand delivered", at=at("2025-06-05T10:00")
    )
    rows = [
        PlanRow("Warning letter to no. 6", "k.mensah", D("2025-06-06"), status="done"),
        PlanRow("Keep a diary", "resident", D("2025-06-27")),
        PlanRow("Mediation offered", "k.mensah", D("2025-06-27"), status="done"),
    ]
    v2, case = asb.agree_plan(ws, REF, rows, update_every_wd=5, expected_version=1)
    view = asb.asb_view(ws, REF)
    assert [p.number for p in view.plans] == [1, 2]
    assert view.plans[1].supersedes == v1
    assert [(a.text, a.status) for a in view.plans[0].actions] == [
        ("Warning letter to no. 6", "done"),
        ("Keep a diary", "superseded"),
        ("Patrols at night", "superseded"),
    ]
    assert [(a.text, a.status) for a in view.current_plan.actions] == [
        ("Warning letter to no. 6", "done"),  # done under version 1
        ("Keep a diary", "open"),
        ("Mediation offered", "done"),  # marked done in the editor: recorded with the plan
    ]
    done = [e for e in case.events if e.type == "action_done"]
    assert sorted((e.fields["action"], e.fields["plan"]) for e in done) == [
        ("Mediation offered", v2),
        ("Warning letter to no. 6", v1),
    ]
    assert view.current_plan.update_every_wd == 5
    assert view.plan_version == 2


def test_a_stale_plan_edit_is_refused_and_nothing_is_saved(ws, assessed):
    asb.agree_plan(ws, REF, ROWS, expected_version=0)
    before = event_count(ws)
    with pytest.raises(
        ConflictError, match="version 1 was agreed by tester .* while you were editing version 0"
    ):
        asb.agree_plan(ws, REF, ROWS[:1], expected_version=0)
    assert event_count(ws) == before
    asb.agree_plan(ws, REF, ROWS[:1], expected_version=1)  # re-read: accepted


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            PlanRow("Letter", "k.mensah", D("2025-05-30")),
            "due Fri 30 May 2025 is before the ASB report",
        ),
        (PlanRow("Letter", "j.nobody", D("2025-06-06")), "owner 'j.nobody' is not an officer"),
        (PlanRow("Letter", "k.mensah", None), "give a due date"),
    ],
)
def test_bad_plan_rows_are_refused(ws, assessed, row, message):
    before = event_count(ws)
    with pytest.raises(ValidationError, match=message):
        asb.agree_plan(ws, REF, [ROWS[0], row], expected_version=0)
    assert event_count(ws) == before


def test_owners_are_officers_the_resident_or_known_agencies(ws, assessed):
    with pytest.raises(ValidationError, match="'Neighbourhood watch'"):
        asb.agree_plan(ws, REF, [PlanRow("Watch", "Neighbourhood watch", D("2025-06-10"))])
    asb.set_known_agencies(ws, ["police", "Neighbourhood watch"])
    asb.agree_plan(ws, REF, [PlanRow("Watch", "Neighbourhood watch", D("2025-06-10"))])
    asb.request_partner(ws, REF, "Housing first team", "Support")  # an agency the case asked
    asb.agree_plan(ws, REF, [PlanRow("Support", "housing first team", D("2025-06-10"))])
    owners = {o.value: o.kind for o in asb.asb_view(ws, REF).owners}
    assert owners["k.mensah"] == "officer" and owners["resident"] == "resident"
    assert owners["Housing first team"] == "agency" and owners["police"] == "police"


def test_mark_done_checks(ws, assessed):
    pid, _ = asb.agree_plan(ws, REF, ROWS)
    with pytest.raises(ValidationError, match="no action 'Nope'"):
        asb.mark_action_done(ws, REF, pid, "Nope")
    asb.mark_action_done(ws, REF, pid, "Keep a diary")
    with pytest.raises(ValidationError, match="already recorded as done"):
        asb.mark_action_done(ws, REF, pid, "Keep a diary")
    asb.agree_plan(ws, REF, ROWS)
    with pytest.raises(ValidationError, match="has been replaced"):
        asb.mark_action_done(ws, REF, pid, "Warning letter to no. 6")


# -- partners ---------------------------------------------------------------------------------------------


def test_partner_request_reply_and_chase(ws, reported):
    pr, case = asb.request_partner(
        ws,
        REF,
        "social worker",
        "Risk to the children",
        contact="A. Rahman",
        at=at("2025-06-03T10:00"),
    )
    (chase,) = keys(case, "partner_chase")
    assert chase.due == D("2025-06-17")  # 10 WD
    chase_id, _ = asb.chase_partner(ws, REF, pr, at=at("2025-06-17T10:00"))
    # An answer given against the first request answers the latest chase of it.
    reply, case = asb.record_partner_reply(
        ws, REF, pr, "Two visits booked", at=at("2025-06-19T10:00")
    )
    assert next(e for e in case.events if e.id == reply).fields["answers"] == chase_id
    view = asb.asb_view(ws, REF)
    first, second = view.partners
    assert (first.status, first.chased_by, first.contact) == ("chased", chase_id, "A. Rahman")
    assert second.ask == "Chasing: Risk to the children"
    assert (second.status, [r.summary for r in second.replies]) == (
        "answered",
        ["Two visits booked"],
    )
    assert "PARTNER_REQUEST_UNCHASED" not in [f.code for f in audit_case(ws, REF).findings]


def test_unanswered_partner_request_is_flagged(ws, reported):
    asb.request_partner(ws, REF, "police", "Incident log", at=at("2025-06-03T10:00"))
    findings = audit_case(ws, REF).findings
    assert ("PARTNER_REQUEST_UNCHASED", D("2025-06-17")) in [(f.code, f.date) for f in findings]
    assert asb.asb_view(ws, REF).partners[0].status == "overdue"


def test_partner_input_checks(ws, reported):
    pr, _ = asb.request_partner(ws, REF, "police", "Incident log", at=at("2025-06-03T10:00"))
    with pytest.raises(ValidationError, match="cannot come before the request"):
        asb.record_partner_reply(ws, REF, pr, "Log sent", at=at("2025-06-02T10:00"))
    with pytest.raises(ValidationError, match="no partner request 'zz'"):
        asb.record_partner_reply(ws, REF, "zz", "Log sent")
    with pytest.raises(ValidationError, match="What was asked cannot be empty"):
        asb.request_partner(ws, REF, "police", "")
    asb.record_partner_reply(ws, REF, pr, "Log sent")
    with pytest.raises(ValidationError, match="already answered"):
        asb.chase_partner(ws, REF, pr)


# -- home visits -----------------------------------------------------------------------------------------------


def test_visit_request_and_visit_with_offline_notes(ws, reported):
    _, case = asb.request_home_visit(ws, REF, "harassment", at=at("2025-06-09T09:00"))
    (d,) = keys(case, "home_visit")
    assert d.due == D("2025-06-10")  # 1 WD for harassment
    vid, case = asb.record_home_visit(
        ws, REF, "Door camera fitted; son calmer", offline=True, at=at("2025-06-10T15:00")
    )
    assert keys(case, "home_visit")[0].status == "met"
    view = asb.asb_view(ws, REF)
    (visit,) = view.visits
    assert (visit.offline, visit.notes, visit.on, visit.recorded_on) == (
        True,
        "Door camera fitted; son calmer",
        D("2025-06-10"),
        D("2025-06-24"),
    )
    assert view.visit_requests[0].status == "done"


def test_late_visit_is_flagged(ws, reported):
    asb.request_home_visit(ws, REF, "other", at=at("2025-06-09T09:00"))
    asb.record_home_visit(ws, REF, "Visited", at=at("2025-06-17T09:00"))
    assert ("HOME_VISIT_LATE", D("2025-06-16")) in [
        (f.code, f.date) for f in audit_case(ws, REF).findings
    ]
    with pytest.raises(ValidationError, match="reason must be one of"):
        asb.request_home_visit(ws, REF, "boredom")


# -- repairs ------------------------------------------------------------------------------------------------------


def test_repair_target_from_priority_shown_until_done(ws, reported):
    rid, case = asb.raise_repair(ws, REF, "Door bolts", "urgent", at=at("2025-06-03T10:00"))
    (d,) = keys(case, "repair")
    assert (d.due, d.status) == (D("2025-06-10"), "open")
    assert next(e for e in case.events if e.id == rid).fields["target"] == "2025-06-10"
    assert asb.asb_view(ws, REF).repairs[0].status == "overdue"  # today is 24 Jun
    assert ("REPAIR_OVERDUE", D("2025-06-10")) in [
        (f.code, f.date) for f in audit_case(ws, REF).findings
    ]
    with pytest.raises(ValidationError, match="already open"):
        asb.raise_repair(ws, REF, "door  bolts", "routine")
    with pytest.raises(ValidationError, match="cannot be done before it was raised"):
        asb.record_repair_done(ws, REF, rid, at=at("2025-06-02T10:00"))
    _, case = asb.record_repair_done(ws, REF, rid, at=at("2025-06-09T10:00"))
    assert keys(case, "repair")[0].status == "met"
    assert asb.asb_view(ws, REF).repairs[0].status == "done"
    with pytest.raises(ValidationError, match="already done"):
        asb.record_repair_done(ws, REF, rid)
    with pytest.raises(ValidationError, match="Priority must be one of emergency, urgent"):
        asb.raise_repair(ws, REF, "Window", "soonish")


def test_emergency_repair_is_due_next_working_day(ws, reported):
    _, case = asb.raise_repair(ws, REF, "Board up window", "emergency", at=at("2025-06-06T16:00"))
    assert keys(case, "repair")[0].due == D("2025-06-09")


# -- the case review trigger ---------------------------------------------------------------------------------------------


def test_three_reports_by_the_household_in_six_months_alert_officer_and_manager(ws):
    with ws.db.write() as s:
        team = Team(name="South")
        s.add(team)
        s.add(Officer(username="k.mensah", name="Kofi Mensah", team=team))
        s.add(Officer(username="s.hughes", name="Sam Hughes", role="manager", team=team))
        s.add(
            Officer(username="z.north", name="Zed North", role="manager", team=Team(name="North"))
        )
    new_case(ws, ref="ASB-1")
    new_case(ws, ref="ASB-2", name="ms ada  obi", address="4 elm row")  # the same resident
    new_case(ws, ref="ASB-3", name="Mr B. Other")
    asb.report_asb(ws, "ASB-1", incident_type="noise", summary="Music", at=at("2025-01-10T10:00"))
    asb.report_asb(ws, "ASB-3", incident_type="noise", summary="Music", at=at("2025-02-10T10:00"))
    _, _, review = asb.report_asb(
        ws, "ASB-2", incident_type="noise", summary="Music", at=at("2025-03-10T10:00")
    )
    assert not review.qualifies
    assert review.text == "2 of 3 ASB reports in the last 6 months: no case review yet."
    _, _, review = asb.report_asb(
        ws, "ASB-2", incident_type="damage", summary="Car", at=at("2025-06-20T10:00")
    )
    assert review.qualifies
    assert [r for r, _ in review.reports] == ["ASB-1", "ASB-2", "ASB-2"]
    assert (review.officer, review.managers) == ("k.mensah", ("s.hughes",))
    assert "qualifies for an ASB case review" in review.text
    assert asb.case_review_status(ws, "ASB-1").qualifies  # the same household's other case
    assert not asb.case_review_status(ws, "ASB-3").qualifies
    with ws.db.read() as s:
        alerts = s.scalars(select(AuditLog).where(AuditLog.action == "case_review_alert")).all()
    assert [(a.entity_id, a.detail["officer"], a.detail["managers"]) for a in alerts] == [
        ("ASB-2", "k.mensah", ["s.hughes"])
    ]
    assert all("Obi" not in str(a.detail) for a in alerts)
    asb.report_asb(ws, "ASB-2", incident_type="noise", summary="Again", at=at("2025-06-21T10:00"))
    with ws.db.read() as s:  # alerted once, when the household first qualified
        assert (
            s.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "case_review_alert"))
            == 1
        )


# -- closure ------------------------------------------------------------------------------------------------------------------


def test_closing_with_open_actions_needs_a_reason(ws, assessed):
    pid, _ = asb.agree_plan(ws, REF, ROWS, agreed_on=D("2025-06-03"))
    asb.mark_action_done(ws, REF, pid, "Warning letter to no. 6")
    with pytest.raises(
        ValidationError, match="2 plan actions are still open .*'Keep a diary'; 'Patrols at night'"
    ):
        asb.close_asb_case(ws, REF, "Perpetrator moved", satisfaction=4)
    _, case = asb.close_asb_case(
        ws,
        REF,
        "Perpetrator moved",
        satisfaction=4,
        open_actions_reason="No longer needed: he moved out",
    )
    closed = case.events[0].fields
    assert (closed["satisfaction"], closed["open_actions_reason"]) == (
        4,
        "No longer needed: he moved out",
    )
    assert "letter" not in closed
    assert case.status == "closed"
    with pytest.raises(ValidationError, match="already closed"):
        asb.close_asb_case(ws, REF, "Again")


def test_closure_input_checks(ws, clock, reported):
    with pytest.raises(ValidationError, match="Satisfaction is a score from 1"):
        asb.close_asb_case(ws, REF, "Resolved", satisfaction=6)
    with pytest.raises(ValidationError, match="The outcome cannot be empty"):
        asb.close_asb_case(ws, REF, " ")
    _, case = asb.close_asb_case(ws, REF, "Resolved")  # the resident need not answer the survey
    assert "satisfaction" not in case.events[0].fields
    assert "open_actions_reason" not in case.events[0].fields
    clock.set("2025-06-24T11:00:00+00:00")
    asb.report_asb(ws, REF, incident_type="noise", summary="It started again")
    assert get_case(ws, REF).status == "open"  # a new report re-opens the case


def test_every_write_is_attributed_without_resident_details(ws, assessed):
    asb.record_vulnerability(
        ws, REF, member="son", vulnerability="autism", adjustments="Text first"
    )
    asb.agree_plan(ws, REF, ROWS)
    with ws.db.read() as s:
        logs = s.scalars(select(AuditLog).order_by(AuditLog.at)).all()
    actions = [log.action for log in logs]
    assert actions[-4:] == [
        "asb_report",
        "risk_assessment",
        "record_vulnerability",
        "agree_action_plan",
    ]
    assert all(log.actor == "tester" for log in logs)
    assert all("autism" not in str(log.detail) and "Obi" not in str(log.detail) for log in logs)
