"""The demo data generator: valid, deterministic bundles with the intended case mix."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.demo.generator import OFFICERS, generate_bundles, generate_cases
from app.domain.audit import audit
from app.domain.bundle import parse_bundle
from app.domain.calendar import calendar_for
from app.domain.deadlines import OPEN, derive
from app.domain.deadlines.model import FINDING_CODES
from app.domain.policy import parse_policy_text

TODAY = dt.date(2026, 11, 23)  # a Monday
LONDON = ZoneInfo("Europe/London")
ROOT = Path(__file__).resolve().parents[2]

CHANNELS = {"phone", "email", "letter", "visit", "portal", "in_person"}
HINTS = {"threat", "intimidation", "harassment", "hate", "nuisance", "none"}
SUBJECTS = {
    "transfer",
    "medical_assessment",
    "rehousing_advice",
    "policy_copy",
    "information",
    "other",
}
HEADS = {
    "distress_inconvenience",
    "time_trouble",
    "complaint_handling",
    "costs",
    "loss_of_use",
    "other",
}
BOOLEANS = {"dissatisfaction", "callback_requested", "hate_incident", "accepted"}
# CASE_BUNDLE.md: type -> (required fields, optional fields). Booleans default to false
# and so are optional here, though the generator always writes them.
TABLE: dict[str, tuple[set[str], set[str]]] = {
    "contact": (
        {"channel", "direction", "by"},
        {"dissatisfaction", "callback_requested", "answers", "topic"},
    ),
    "asb_report": ({"channel", "by", "risk_hint"}, {"hate_incident"}),
    "risk_assessment": ({"tier", "by"}, set()),
    "vulnerability_plan": ({"adjustments"}, set()),
    "action_plan_agreed": ({"actions", "update_every_wd"}, set()),
    "action_done": ({"plan", "action"}, set()),
    "complaint_offered": (set(), {"accepted"}),
    "complaint_received": ({"channel", "stage"}, {"about_officer", "points"}),
    "complaint_ack": ({"stage", "by"}, {"complaint"}),
    "extension_notice": ({"stage", "new_due", "reason"}, {"complaint"}),
    "complaint_response": ({"stage", "by"}, {"compensation", "complaint"}),
    "escalation_request": ({"stage"}, {"complaint"}),
    "escalation_refused": ({"stage", "reason"}, {"complaint"}),
    "partner_request": ({"agency", "ask"}, set()),
    "partner_reply": ({"agency", "answers"}, set()),
    "repair_raised": ({"job", "priority", "target"}, set()),
    "repair_done": ({"job"}, set()),
    "home_visit_request": ({"reason"}, set()),
    "home_visit": ({"by"}, set()),
    "ombudsman_order": ({"due", "text"}, {"compensation"}),
    "request_made": ({"subject", "channel"}, set()),
    "request_decided": ({"answers", "decision", "reasons"}, set()),
    "arrears_check": ({"by", "result"}, set()),
    "nosp_served": ({"by"}, {"approved_by"}),
    "hazard_reported": ({"hazard", "category", "channel", "by"}, {"location"}),
    "hazard_investigated": ({"answers", "by", "category", "finding"}, set()),
    "hazard_summary_sent": ({"answers", "channel"}, set()),
    "hazard_made_safe": ({"answers", "by"}, set()),
    "hazard_works_started": ({"answers", "job"}, set()),
    "hazard_works_done": ({"answers", "job"}, set()),
    "hold_started": ({"deadline", "reason"}, {"kind"}),
    "hold_ended": ({"deadline"}, set()),
    "case_closed": ({"outcome"}, {"satisfaction"}),
}
ENUMS = {
    "channel": CHANNELS,
    "direction": {"in", "out"},
    "risk_hint": HINTS,
    "tier": {"high", "medium", "low"},
    "topic": {"repair", "general", "complaint"},
    "reason": None,  # an enum only for visits and holds, checked below
    "subject": SUBJECTS,
    "priority": {"emergency", "urgent", "routine"},
}
REFERENCES = ("answers", "plan", "deadline", "complaint")
DATES = ("due", "target", "new_due")
USERNAMES = {o["username"] for o in OFFICERS}


@pytest.fixture(scope="module")
def cases():
    return generate_cases(TODAY)


@pytest.fixture(scope="module")
def bundles(cases):
    return [c.bundle for c in cases]


@pytest.fixture(scope="module")
def policy():
    path = ROOT / "resources" / "policy" / "code-2024.toml"
    return parse_policy_text(path.read_text(encoding="utf-8"), path.name)


def instant(text: str) -> dt.datetime:
    at = dt.datetime.fromisoformat(text)
    assert at.tzinfo is not None, text
    return at


def test_deterministic():
    assert generate_bundles(TODAY, 60, 5) == generate_bundles(TODAY, 60, 5)
    assert generate_bundles(TODAY, 60, 5) != generate_bundles(TODAY, 60, 6)
    assert generate_bundles(TODAY, 60, 5) != generate_bundles(TODAY + dt.timedelta(days=1), 60, 5)


@pytest.mark.parametrize("n", [0, 1, 7, 200, 333])
def test_count(n):
    assert len(generate_bundles(TODAY, n)) == n


def test_officers():
    assert len(OFFICERS) == 6
    assert len(USERNAMES) == 6
    roles = Counter(o["role"] for o in OFFICERS)
    assert roles == {"officer": 5, "manager": 1}
    assert len({o["team"] for o in OFFICERS}) == 2
    for o in OFFICERS:
        assert set(o) == {"username", "name", "team", "role", "title"}


def test_refs_unique_and_well_formed(bundles):
    refs = [b["case"]["ref"] for b in bundles]
    assert len(set(refs)) == len(refs)
    prefix = {"asb": "ASB", "complaint": "CMP", "general": "GEN", "repair": "REP", "arrears": "ARR"}
    for b in bundles:
        case = b["case"]
        m = re.fullmatch(r"([A-Z]{3})-(\d{4})-(\d{4})", case["ref"])
        assert m, case["ref"]
        assert m[1] == prefix[case["kind"]]
        assert int(m[2]) == dt.date.fromisoformat(case["opened"]).year


def test_bundles_are_valid(bundles):
    for b in bundles:
        assert set(b) == {"format", "case", "events"}
        assert b["format"] == "doorstep-case/1"
        assert set(b["case"]) == {"ref", "kind", "opened", "officer", "resident"}
        assert b["case"]["officer"] in USERNAMES
        parse_bundle(b)  # the importer's own validation


def test_every_event_has_exactly_its_fields(bundles):
    for b in bundles:
        ref = b["case"]["ref"]
        for e in b["events"]:
            assert re.fullmatch(r"e\d+", e["id"]), (ref, e)
            required, optional = TABLE[e["type"]]
            fields = set(e) - {"id", "at", "type", "summary"}
            assert required <= fields, (ref, e["id"], required - fields)
            assert fields <= required | optional, (ref, e["id"], fields - required - optional)
            assert isinstance(e["summary"], str) and e["summary"].strip(), (ref, e["id"])
            for name in fields & BOOLEANS:
                assert isinstance(e[name], bool)
            for name, allowed in ENUMS.items():
                if allowed is not None and name in e:
                    assert e[name] in allowed, (ref, e["id"], name, e[name])
            if e["type"] == "home_visit_request":
                assert e["reason"] in {"harassment", "domestic_violence", "other"}
            if e["type"] == "hold_started":
                assert e["reason"] in {
                    "awaiting_resident",
                    "awaiting_partner",
                    "no_access",
                    "other",
                }
            for name in ("by", "about_officer", "approved_by"):
                if name in e:
                    assert e[name] in USERNAMES | {"resident"}, (ref, e["id"], e[name])
            for name in DATES:
                if name in e:
                    dt.date.fromisoformat(e[name])
            if e["type"] == "action_plan_agreed":
                assert 2 <= len(e["actions"]) <= 4
                for action in e["actions"]:
                    assert set(action) == {"text", "owner", "due"}
                    dt.date.fromisoformat(action["due"])
            for item in e.get("compensation", []):
                assert item["head"] in HEADS and item["amount"] > 0
            if "satisfaction" in e:
                assert e["satisfaction"] in range(1, 6)


def test_ids_unique_and_references_point_back(bundles):
    for b in bundles:
        earlier: dict[str, dt.datetime] = {}
        for e in b["events"]:
            at = instant(e["at"])
            assert e["id"] not in earlier
            for name in REFERENCES:
                if name in e:
                    assert e[name] in earlier, (b["case"]["ref"], e["id"], name)
                    assert earlier[e[name]] < at, (b["case"]["ref"], e["id"], name)
            earlier[e["id"]] = at


def test_times_are_london_and_never_in_the_future(bundles):
    cutoff = dt.datetime.combine(TODAY, dt.time(9), LONDON)
    for b in bundles:
        opened = dt.date.fromisoformat(b["case"]["opened"])
        for e in b["events"]:
            at = instant(e["at"])
            assert at.utcoffset() == at.astimezone(LONDON).utcoffset(), e["at"]
            assert at <= cutoff, (b["case"]["ref"], e["id"], e["at"])
            assert at.date() >= opened
        assert b["events"][0]["at"].startswith(b["case"]["opened"])


def test_summer_offsets_are_used(bundles):
    offsets = {e["at"][-6:] for b in bundles for e in b["events"]}
    assert offsets == {"+00:00", "+01:00"}


def test_every_officer_and_kind(bundles):
    officers = Counter(b["case"]["officer"] for b in bundles)
    assert set(officers) == USERNAMES
    kinds = Counter(b["case"]["kind"] for b in bundles)
    assert set(kinds) == {"asb", "complaint", "general", "repair", "arrears"}
    assert kinds.most_common(2)[0][0] == "asb" and kinds.most_common(2)[1][0] == "complaint"


def test_open_and_closed(bundles):
    closed = [b for b in bundles if any(e["type"] == "case_closed" for e in b["events"])]
    assert 0 < len(closed) < len(bundles)
    for b in closed:
        assert b["events"][-1]["type"] == "case_closed"
    assert any("satisfaction" in b["events"][-1] for b in closed)


def test_residents(bundles):
    names = [b["case"]["resident"]["name"] for b in bundles]
    assert any(not n.isascii() for n in names)
    assert len(set(names)) == len(names)
    phones = [b["case"]["resident"]["phone"] for b in bundles]
    assert len(set(phones)) == len(phones)
    vulnerable = sum(bool(b["case"]["resident"]["vulnerabilities"]) for b in bundles)
    assert 0.2 < vulnerable / len(bundles) < 0.5
    for b in bundles:
        r = b["case"]["resident"]
        assert re.fullmatch(r"(020 7946 0\d{3}|07700 900\d{3})", r["phone"]), r["phone"]
        assert r["email"].endswith("@example.org") and r["email"].isascii()
        assert r["address"].endswith(" 0ZZ")


def test_ages(bundles):
    ages = [(TODAY - dt.date.fromisoformat(b["case"]["opened"])).days for b in bundles]
    assert max(ages) <= 730
    assert sum(a <= 120 for a in ages) > len(ages) / 2
    assert any(a > 180 for a in ages)


def engine_state(bundle: dict, policy, today: dt.date) -> str:
    """What the deadline engine makes of a case on ``today``."""
    parsed = parse_bundle(bundle)
    findings = audit(parsed.case, parsed.events, policy, today)
    if any(e.type == "case_closed" for e in parsed.events):
        return "closed" if not findings else "closed with findings"
    if findings:
        return "breach"
    result = derive(parsed.case, parsed.events, policy, as_of=today)
    cal = calendar_for()
    left = [
        cal.working_days_between(today, d.due)
        for d in result.deadlines
        if d.status == OPEN and d.due is not None
    ]
    return "at_risk" if left and min(left) <= 2 else "ontime"


@pytest.mark.parametrize(
    "today",
    [
        TODAY,
        dt.date(2026, 11, 21),  # a Saturday
        dt.date(2025, 12, 25),  # Christmas Day
        dt.date(2026, 4, 6),  # Easter Monday
        dt.date(2026, 7, 15),  # summer time
    ],
)
def test_the_engine_sees_the_intended_mix(today, policy):
    cases = generate_cases(today, 200, seed=11)
    wrong = []
    for c in cases:
        assert c.dropped == 0
        state = engine_state(c.bundle, policy, today)
        if state != c.scenario:
            wrong.append((c.bundle["case"]["ref"], c.scenario, c.variant, state))
    assert not wrong
    mix = Counter(c.scenario for c in cases)
    assert mix["ontime"] > mix["at_risk"] > mix["breach"] > 10
    assert mix["closed"] > 20


def test_every_finding_code_is_demonstrated(cases, policy):
    """200 cases are enough for one deliberate example of every audit finding."""
    codes = set()
    for c in cases:
        parsed = parse_bundle(c.bundle)
        codes |= {f.code for f in audit(parsed.case, parsed.events, policy, TODAY)}
    assert codes == set(FINDING_CODES)
