"""Seed 001's ASB timeline replayed through the services, as it happened and by the book.

As it happened, the audit flags what the Ombudsman found: the late risk
assessment, no action plan, the contact gaps (28 Nov 2023 -> 29 Jan 2024), the
unchased social-worker request and the door bolts fitted five months late. Handled
by the book through the same services, it flags nothing.
"""

from __future__ import annotations

import datetime as dt
import json

from app.cli import main as doorstep
from app.domain.action_plan import PlanRow
from app.domain.events import parse_instant
from app.services import asb
from app.services.auditing import audit_case
from app.services.cases import create_case, record_event
from tests.domain.test_audit_example import SEED_001_FINDINGS

D = dt.date.fromisoformat
REF = "HX-0001"
SON = "son"
# The structured form for the 2 Nov 2023 assessment: a stabbing, an autistic child.
SEED_ANSWERS = {
    "threats_of_violence": True,
    "serious_intimidation": False,
    "hate_motive": False,
    "repeat_victimisation": False,
    "vulnerable_household": True,
    "health_impact": True,
    "children_present": True,
    "afraid_at_home": True,
    "perpetrator_nearby": False,
}
REFS = ("answers", "complaint", "plan", "enquiry", "order")


def open_case(ws, doc):
    case, res = doc["case"], doc["case"]["resident"]
    create_case(
        ws,
        ref=case["ref"],
        kind=case["kind"],
        officer=case["officer"],
        resident_name=res["name"],
        opened=D(case["opened"]),
        address=res["address"],
        phone=res["phone"],
        email=res["email"],
        vulnerabilities=res["vulnerabilities"],
    )


def replay(ws, doc) -> dict[str, str]:
    """Every seed event through the service an officer would use; returns seed id -> new id."""
    open_case(ws, doc)
    ids: dict[str, str] = {}
    raised: dict[str, str] = {}  # job -> repair id
    for raw in sorted(doc["events"], key=lambda e: parse_instant(e["at"])):  # any order in a bundle
        at = parse_instant(raw["at"])
        kind = raw["type"]
        if kind == "asb_report":
            new, _, _ = asb.report_asb(
                ws,
                REF,
                incident_type="violence",
                summary=raw["summary"],
                channel=raw["channel"],
                at=at,
            )
        elif kind == "risk_assessment":
            new, _ = asb.assess_risk(ws, REF, SEED_ANSWERS, by=raw["by"], at=at)
        elif kind == "repair_raised":
            new, case = asb.raise_repair(ws, REF, raw["job"], raw["priority"], at=at)
            target = next(d.due for d in case.deadlines if d.key == f"repair:{new}")
            assert target == D(
                raw["target"]
            )  # the policy's urgent priority gives the seed's target
            raised[raw["job"]] = new
        elif kind == "repair_done":
            new, _ = asb.record_repair_done(ws, REF, raised[raw["job"]], at=at)
        elif kind == "partner_request":
            new, _ = asb.request_partner(ws, REF, raw["agency"], raw["ask"], at=at)
        elif kind == "partner_reply":
            new, _ = asb.record_partner_reply(ws, REF, ids[raw["answers"]], raw["summary"], at=at)
        elif kind == "home_visit":
            new, _ = asb.record_home_visit(ws, REF, raw["summary"], by=raw["by"], at=at)
        elif kind == "case_closed":
            new, _ = asb.close_asb_case(ws, REF, raw["outcome"], at=at)
        else:  # contacts, the complaint and the Ombudsman's order: the general service
            event = {k: (ids[v] if k in REFS else v) for k, v in raw.items() if k != "id"}
            new, _ = record_event(ws, REF, event)
        ids[raw["id"]] = new
    return ids


def cli_audit(ws, capsys) -> tuple[int, list[tuple[str, str]]]:
    """`doorstep audit --all` on the database the services wrote."""
    capsys.readouterr()
    code = doorstep(["audit", "--all", "--db", str(ws.db.path), "--as-of", "2025-06-24", "--json"])
    (doc,) = json.loads(capsys.readouterr().out)
    return code, [(f["code"], f["date"]) for f in doc["findings"]]


def test_seed_001_as_it_happened_flags_what_the_ombudsman_found(ws, capsys, seed001_doc):
    ids = replay(ws, seed001_doc)
    back = {new: old for old, new in ids.items()}
    report = audit_case(ws, REF, as_of=D("2025-06-24"))
    found = [(f.code, f.date.isoformat(), [back[e] for e in f.events]) for f in report.findings]
    assert found == SEED_001_FINDINGS  # the same findings as the bundle's own audit
    code, cli_found = cli_audit(ws, capsys)
    assert code == 1
    assert cli_found == [(c, d) for c, d, _ in SEED_001_FINDINGS]
    by_code = {}
    for f in report.findings:
        by_code.setdefault(f.code, []).append(f)
    (late,) = by_code["RISK_ASSESSMENT_LATE"]
    assert "due Tue 19 Sep 2023, done Thu 2 Nov 2023" in late.detail
    (no_plan,) = by_code["NO_ACTION_PLAN"]
    assert "never done (case closed Thu 6 Feb 2025)" in no_plan.detail
    gap = next(f for f in by_code["CONTACT_GAP"] if back[f.events[0]] == "c9")
    assert (
        "after the email of Tue 28 Nov 2023" in gap.detail
    )  # ... the next was the call of 29 Jan 2024
    assert gap.date == D("2023-12-12")
    (unchased,) = by_code["PARTNER_REQUEST_UNCHASED"]
    assert "social worker" in unchased.detail and back[unchased.events[0]] == "pr1"
    (bolts,) = by_code["REPAIR_OVERDUE"]
    assert "Security bolts" in bolts.detail and "done Fri 8 Mar 2024" in bolts.detail
    view = asb.asb_view(ws, REF)
    assert [t.tier for t in view.tiers] == ["high"]
    assert view.plans == ()
    assert [(p.agency, p.status) for p in view.partners] == [
        ("social worker", "missed"),
        ("police", "answered"),
        ("support worker", "answered"),
    ]
    assert [(r.status, r.late) for r in view.repairs] == [("done late", True)]


def test_seed_001_handled_by_the_book_flags_nothing(ws, capsys, seed001_doc):
    doc = {**seed001_doc, "events": []}
    open_case(ws, doc)

    def at(text):
        return dt.datetime.fromisoformat(text)

    report, _, _ = asb.report_asb(
        ws,
        REF,
        incident_type="violence",
        summary="Son stabbed on 12 Sep",
        at=at("2023-09-18T10:05"),
    )
    for vulnerability in ("autism and neurodiverse conditions", "victim of serious violence"):
        asb.record_vulnerability(
            ws,
            REF,
            member=SON,
            vulnerability=vulnerability,
            preferred_channel="email",
            communication="Plain words; no unannounced visits; ask how the son is recovering",
            at=at("2023-09-18T10:30"),
        )
    asb.assess_risk(ws, REF, SEED_ANSWERS, by="r.price", at=at("2023-09-18T14:00"))
    record_event(ws, REF, _out("2023-09-18T15:00", "phone", "Called: offered a visit"))
    asb.request_home_visit(ws, REF, "harassment", at=at("2023-09-18T15:05"))
    asb.record_home_visit(
        ws,
        REF,
        "Met the resident and her son; agreed the plan",
        offline=True,
        at=at("2023-09-19T10:00"),
    )
    plan, _ = asb.agree_plan(
        ws,
        REF,
        [
            PlanRow("Contact the social worker", "r.price", D("2023-09-22")),
            PlanRow("Request a police disclosure", "r.price", D("2023-09-22")),
            PlanRow("Fit security bolts to both doors", "r.price", D("2023-09-26")),
            PlanRow("Keep an incident diary", "resident", D("2023-10-16")),
        ],
        agreed_on=D("2023-09-19"),
        expected_version=0,
    )
    record_event(ws, REF, _out("2023-09-19T16:30", "letter", "Written confirmation of the plan"))
    social, _ = asb.request_partner(
        ws, REF, "social worker", "Risk to the household", at=at("2023-09-19T16:40")
    )
    police, _ = asb.request_partner(
        ws, REF, "police", "Disclosure about 12 Sep", at=at("2023-09-19T16:45")
    )
    bolts, _ = asb.raise_repair(
        ws, REF, "Security bolts to front and back doors", "urgent", at=at("2023-09-19T16:50")
    )
    asb.mark_action_done(ws, REF, plan, "Contact the social worker", at=at("2023-09-22T10:00"))
    asb.mark_action_done(ws, REF, plan, "Request a police disclosure", at=at("2023-09-22T10:05"))
    asb.record_repair_done(ws, REF, bolts, at=at("2023-09-25T12:00"))
    asb.mark_action_done(
        ws, REF, plan, "Fit security bolts to both doors", at=at("2023-09-25T12:05")
    )
    asb.record_partner_reply(
        ws, REF, social, "Family supported; risk confirmed", at=at("2023-09-26T10:00")
    )
    asb.record_partner_reply(ws, REF, police, "Disclosure received", at=at("2023-09-29T10:00"))
    for day in ("2023-10-02", "2023-10-13"):
        record_event(ws, REF, _out(f"{day}T10:00", "phone", "Update call"))
    asb.mark_action_done(ws, REF, plan, "Keep an incident diary", at=at("2023-10-16T10:00"))
    for day in ("2023-10-27", "2023-11-09"):
        record_event(ws, REF, _out(f"{day}T10:00", "phone", "Update call"))
    asb.close_asb_case(
        ws, REF, "No further incidents; transfer agreed", satisfaction=4, at=at("2023-11-17T10:00")
    )
    assert audit_case(ws, REF, as_of=D("2025-06-24")).findings == ()
    assert cli_audit(ws, capsys) == (0, [])
    view = asb.asb_view(ws, REF)
    assert [v.assessed for v in view.vulnerabilities] == [True, True]
    assert [a.status for a in view.current_plan.actions] == ["done"] * 4
    assert view.closures[0].satisfaction == 4
    assert report == view.reports[0].id


def _out(at: str, channel: str, summary: str) -> dict:
    return {
        "type": "contact",
        "at": at,
        "channel": channel,
        "direction": "out",
        "by": "r.price",
        "summary": summary,
    }
