"""The case bundle format (CASE_BUNDLE.md): parse, round trip, refusals, `at` rules."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest

from app.domain.bundle import bundle_to_dict, loads_bundle, parse_bundle
from app.domain.events import EVENT_TYPES, BundleError, build_event
from tests.conftest import EXAMPLE
from tests.domain.helpers import SEED_001, E, load_json

UTC = dt.UTC


@pytest.fixture
def example(examples_dir):
    return load_json(examples_dir / EXAMPLE)


@pytest.fixture
def seed():
    return load_json(SEED_001)


def instant(text: str) -> dt.datetime:
    """An `at` value as an instant (the bundle's own rules)."""
    return build_event({"id": "t", "at": text, "type": "case_closed", "outcome": "x"}).at


def assert_same_data(before: dict, after: dict):
    """`export(import(b))` equals `b` as data: case fields, events by id, `at` as instants."""
    assert after["format"] == before["format"]
    assert after["case"] == before["case"]
    assert {k: v for k, v in after.items() if k not in ("case", "events")} == {
        k: v for k, v in before.items() if k not in ("case", "events")
    }
    b_events = {e["id"]: e for e in before["events"]}
    a_events = {e["id"]: e for e in after["events"]}
    assert a_events.keys() == b_events.keys()
    assert len(after["events"]) == len(before["events"])
    for eid, b in b_events.items():
        a = a_events[eid]
        assert instant(a["at"]) == instant(b["at"]), eid
        assert {k: v for k, v in a.items() if k != "at"} == {
            k: v for k, v in b.items() if k != "at"
        }, eid


# -- the shared example ------------------------------------------------------------------------


def test_shared_example_parses(example):
    b = parse_bundle(example)
    assert b.case.ref == "EX-ASB-0001"
    assert b.case.kind == "asb"
    assert b.case.opened == dt.date(2025, 3, 3)
    assert b.case.officer == "k.mensah"
    assert b.case.resident.vulnerabilities == ("chronic anxiety",)
    assert b.case.policy is None
    assert len(b.events) == 23
    by_id = {e.id: e for e in b.events}
    r1 = by_id["r1"]
    assert r1.type == "asb_report"
    assert r1.at == dt.datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
    assert r1.f["risk_hint"] == "nuisance"
    assert r1.f["hate_incident"] is False  # booleans default to false
    assert by_id["k2"].at == dt.datetime(2025, 4, 10, 8, 0, tzinfo=UTC)  # +01:00
    assert by_id["k2"].day == dt.date(2025, 4, 10)
    assert by_id["k3"].f["new_due"] == dt.date(2025, 5, 6)
    plan = by_id["p1"].f["actions"]
    assert [a.due for a in plan] == [dt.date(2025, 3, 14), dt.date(2025, 3, 21)]
    comp = by_id["k4"].f["compensation"]
    assert comp[0].head == "time_trouble" and comp[0].amount == Decimal("50")
    assert by_id["c1"].summary == "Acknowledged report; diary sheets attached"


def test_shared_example_loads_from_text(example):
    assert loads_bundle(json.dumps(example)).case.ref == "EX-ASB-0001"


def test_round_trip_shared_example(example):
    original = copy.deepcopy(example)
    assert_same_data(original, bundle_to_dict(parse_bundle(example)))
    assert example == original  # parsing does not change its input


def test_round_trip_seed_001(seed):
    assert_same_data(copy.deepcopy(seed), bundle_to_dict(parse_bundle(seed)))


def test_round_trip_is_stable(seed):
    once = bundle_to_dict(parse_bundle(seed))
    twice = bundle_to_dict(parse_bundle(json.loads(json.dumps(once))))
    assert once == twice


def test_events_may_arrive_in_any_order(example):
    shuffled = copy.deepcopy(example)
    shuffled["events"].reverse()
    b = parse_bundle(shuffled)
    assert_same_data(example, bundle_to_dict(b))


def test_round_trip_with_offsetless_and_bare_date_at(example):
    doc = copy.deepcopy(example)
    doc["events"][0]["at"] = "2025-03-03T10:00:00"  # London local (GMT in March)
    doc["events"][1]["at"] = "2025-03-04"  # sorted as 09:00 London
    bundle = parse_bundle(doc)
    after = bundle_to_dict(bundle)
    assert_same_data(doc, after)
    v1 = next(e for e in bundle.events if e.id == "v1")
    assert v1.at == dt.datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
    # A bare date stays bare (an unknown time that day, DOMAIN_RULES.md §9): re-read the same.
    at = {e["id"]: e["at"] for e in after["events"]}
    assert at["v1"] == "2025-03-04"


def test_unknown_keys_survive(example):
    doc = copy.deepcopy(example)
    doc["exported_by"] = {"app": "other-system", "version": 2}
    doc["case"]["team"] = "East"
    doc["case"]["resident"]["preferred_language"] = "cy"
    doc["events"][0]["legacy_ref"] = "OLD-123"
    doc["events"][0]["tags"] = ["urgent", {"nested": True}]
    b = parse_bundle(doc)
    assert b.extra == {"exported_by": {"app": "other-system", "version": 2}}
    assert b.case.extra == {"team": "East"}
    assert b.case.resident.extra == {"preferred_language": "cy"}
    after = bundle_to_dict(b)
    assert after["exported_by"] == {"app": "other-system", "version": 2}
    assert after["case"]["team"] == "East"
    assert after["case"]["resident"]["preferred_language"] == "cy"
    r1 = next(e for e in after["events"] if e["id"] == "r1")
    assert r1["legacy_ref"] == "OLD-123"
    assert r1["tags"] == ["urgent", {"nested": True}]
    assert_same_data(doc, after)


def test_optional_case_policy_survives(example):
    doc = copy.deepcopy(example)
    doc["case"]["policy"] = "hexagon-4-stage"
    b = parse_bundle(doc)
    assert b.case.policy == "hexagon-4-stage"
    assert bundle_to_dict(b)["case"]["policy"] == "hexagon-4-stage"


def test_minimal_event_keeps_no_invented_fields():
    doc = {
        "format": "doorstep-case/1",
        "case": {
            "ref": "X-1",
            "kind": "general",
            "opened": "2025-06-02",
            "officer": "a.b",
            "resident": {"name": "Ms X"},
        },
        "events": [
            {"id": "v", "at": "2025-06-02T10:00:00+01:00", "type": "home_visit", "by": "a.b"}
        ],
    }
    b = parse_bundle(doc)
    assert b.events[0].summary == ""
    assert bundle_to_dict(b) == doc


# -- refusals -------------------------------------------------------------------------------------


def bundle_with(*events, case=None):
    return {
        "format": "doorstep-case/1",
        "case": case
        or {
            "ref": "X-1",
            "kind": "asb",
            "opened": "2025-06-02",
            "officer": "a.b",
            "resident": {"name": "Ms X"},
        },
        "events": list(events),
    }


def refused(doc) -> BundleError:
    with pytest.raises(BundleError) as info:
        parse_bundle(doc)
    return info.value


def assert_names(err: BundleError, event_id: str, field: str):
    assert err.event_id == event_id
    assert err.field_name == field
    assert repr(event_id) in str(err)
    assert repr(field) in str(err)


REPORT = {
    "id": "r1",
    "at": "2025-06-02T10:00:00+01:00",
    "type": "asb_report",
    "channel": "phone",
    "by": "resident",
    "risk_hint": "nuisance",
}


def test_malformed_json():
    with pytest.raises(BundleError, match="not valid JSON"):
        loads_bundle('{"format": "doorstep-case/1", "case": {')


def test_not_an_object():
    with pytest.raises(BundleError):
        parse_bundle([REPORT])


def test_wrong_format():
    doc = bundle_with(REPORT)
    doc["format"] = "doorstep-case/2"
    with pytest.raises(BundleError, match="format"):
        parse_bundle(doc)


def test_unknown_type():
    err = refused(bundle_with(REPORT, {"id": "z9", "at": "2025-06-03", "type": "phone_call"}))
    assert_names(err, "z9", "type")
    assert "phone_call" in str(err)


def test_missing_type_and_at():
    assert_names(refused(bundle_with({"id": "z1", "at": "2025-06-03"})), "z1", "type")
    assert_names(refused(bundle_with({"id": "z2", "type": "home_visit", "by": "a"})), "z2", "at")


def test_missing_id():
    err = refused(bundle_with({"at": "2025-06-03", "type": "home_visit", "by": "a"}))
    assert err.field_name == "id"


def test_missing_required_field():
    event = dict(REPORT)
    del event["risk_hint"]
    err = refused(bundle_with(event))
    assert_names(err, "r1", "risk_hint")
    assert "missing" in str(err)


EXTRA_FIELDS = {
    "action_plan_agreed": {"actions": [{"text": "Letter", "owner": "a.b", "due": "2025-06-09"}]},
    "action_done": {"plan": "p1", "action": "Letter"},
    "extension_notice": {"new_due": "2025-06-20"},
    "partner_reply": {"answers": "pr1"},
    "repair_raised": {"target": "2025-06-09"},
    "ombudsman_order": {"due": "2025-07-01"},
    "request_decided": {"answers": "q1"},
    "hold_started": {"deadline": "rp1"},
    "hold_ended": {"deadline": "rp1"},
    "order_complied": {"order": "om1"},
    "possession_approved": {"answers": "n1"},
    "possession_refused": {"answers": "pr1"},
    **{
        etype: {"answers": "hz1"}
        for etype in (
            "hazard_investigated",
            "hazard_summary_sent",
            "hazard_made_safe",
            "hazard_works_started",
            "hazard_works_done",
            "alternative_accommodation",
        )
    },
    "complaint_points": {"complaint": "c1", "points": ["Repair not done"]},
}


def valid_event(etype):
    raw = E("q", "2025-06-03", etype, **EXTRA_FIELDS.get(etype, {}))
    build_event(raw)  # the full event is accepted
    return raw


@pytest.mark.parametrize("etype", sorted(EVENT_TYPES))
def test_every_required_field_is_required(etype):
    for name, spec in EVENT_TYPES[etype].items():
        raw = valid_event(etype)
        if not spec.required or spec.kind == "bool":
            raw.pop(name, None)
            build_event(raw)  # optional fields may be left out
            continue
        del raw[name]
        with pytest.raises(BundleError) as info:
            build_event(raw)
        assert info.value.event_id == "q"
        assert info.value.field_name == name
        assert "missing" in str(info.value)


def test_impossible_date_in_at():
    event = dict(REPORT, at="2025-02-30T10:00:00+00:00")
    assert_names(refused(bundle_with(event)), "r1", "at")
    assert_names(refused(bundle_with(dict(REPORT, at="2025-02-30"))), "r1", "at")
    assert_names(refused(bundle_with(dict(REPORT, at="yesterday"))), "r1", "at")


def test_impossible_date_in_a_due():
    order = {
        "id": "om1",
        "at": "2025-06-24",
        "type": "ombudsman_order",
        "due": "2025-02-30",
        "text": "Apologise",
    }
    assert_names(refused(bundle_with(order)), "om1", "due")


def test_impossible_date_in_a_plan_action_due():
    plan = {
        "id": "p1",
        "at": "2025-06-03",
        "type": "action_plan_agreed",
        "actions": [{"text": "Letter", "owner": "a.b", "due": "2025-06-31"}],
        "update_every_wd": 10,
    }
    assert_names(refused(bundle_with(REPORT, plan)), "p1", "actions[0].due")


def test_impossible_extension_date():
    notice = {
        "id": "x1",
        "at": "2025-06-03",
        "type": "extension_notice",
        "stage": 1,
        "new_due": "2025-13-01",
        "reason": "r",
    }
    assert_names(refused(bundle_with(notice)), "x1", "new_due")


def test_duplicate_id():
    visit = {"id": "r1", "at": "2025-06-03", "type": "home_visit", "by": "a.b"}
    err = refused(bundle_with(REPORT, visit))
    assert_names(err, "r1", "id")
    assert "duplicate" in str(err)


def test_reference_to_an_unknown_id():
    done = {"id": "d1", "at": "2025-06-03", "type": "action_done", "plan": "p9", "action": "x"}
    err = refused(bundle_with(REPORT, done))
    assert_names(err, "d1", "plan")
    assert "p9" in str(err)


def test_reference_to_the_wrong_kind_of_event():
    reply = {
        "id": "pp1",
        "at": "2025-06-03",
        "type": "partner_reply",
        "agency": "police",
        "answers": "r1",
    }
    assert_names(refused(bundle_with(REPORT, reply)), "pp1", "answers")


def test_unknown_hold_target():
    hold = {
        "id": "h1",
        "at": "2025-06-03",
        "type": "hold_started",
        "deadline": "nope",
        "reason": "other",
    }
    assert_names(refused(bundle_with(REPORT, hold)), "h1", "deadline")


def test_wrong_enum():
    err = refused(bundle_with(dict(REPORT, channel="fax")))
    assert_names(err, "r1", "channel")
    assert "fax" in str(err)
    assert_names(refused(bundle_with(dict(REPORT, risk_hint="loud"))), "r1", "risk_hint")


def test_wrong_boolean():
    assert_names(refused(bundle_with(dict(REPORT, hate_incident="yes"))), "r1", "hate_incident")


def compensated(amount):
    return {
        "id": "k4",
        "at": "2025-06-20",
        "type": "complaint_response",
        "stage": 1,
        "by": "a.b",
        "compensation": [
            {"head": "time_trouble", "amount": 50},
            {"head": "costs", "amount": amount},
        ],
    }


def test_negative_compensation_amount():
    assert_names(refused(bundle_with(compensated(-10))), "k4", "compensation[1].amount")


def test_non_numeric_amount():
    assert_names(refused(bundle_with(compensated("fifty"))), "k4", "compensation[1].amount")
    assert_names(refused(bundle_with(compensated(None))), "k4", "compensation[1].amount")
    assert_names(refused(bundle_with(compensated(True))), "k4", "compensation[1].amount")


def test_fractional_pence_refused_and_pence_accepted():
    assert_names(refused(bundle_with(compensated(12.345))), "k4", "compensation[1].amount")
    b = parse_bundle(bundle_with(compensated(12.5)))
    assert b.events[0].f["compensation"][1].amount == Decimal("12.5")


def test_unknown_compensation_head():
    event = compensated(10)
    event["compensation"][1]["head"] = "goodwill"
    assert_names(refused(bundle_with(event)), "k4", "compensation[1].head")


def test_refusal_is_whole():
    # A bad event late in the list refuses the bundle: nothing half-parsed comes back.
    err = refused(bundle_with(REPORT, dict(REPORT, id="r2", channel="fax")))
    assert err.event_id == "r2"


# -- `at` rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2025-07-01T10:00:00", dt.datetime(2025, 7, 1, 9, 0, tzinfo=UTC)),  # BST: London local
        ("2025-01-15T10:00:00", dt.datetime(2025, 1, 15, 10, 0, tzinfo=UTC)),  # GMT
        ("2025-07-01", dt.datetime(2025, 7, 1, 8, 0, tzinfo=UTC)),  # bare date: 09:00 London (BST)
        ("2025-01-15", dt.datetime(2025, 1, 15, 9, 0, tzinfo=UTC)),  # bare date: 09:00 London (GMT)
        ("2025-07-01T10:00:00+02:00", dt.datetime(2025, 7, 1, 8, 0, tzinfo=UTC)),
        ("2025-07-01T10:00:00Z", dt.datetime(2025, 7, 1, 10, 0, tzinfo=UTC)),
    ],
)
def test_at_rules(text, utc):
    assert instant(text) == utc
    assert instant(text).utcoffset() == dt.timedelta(0)  # stored in UTC


def test_at_is_judged_as_a_london_date():
    # 23:30 UTC on 30 Jun is 00:30 on 1 Jul in London.
    e = build_event(
        {"id": "t", "at": "2025-06-30T23:30:00Z", "type": "case_closed", "outcome": "x"}
    )
    assert e.day == dt.date(2025, 7, 1)


def test_export_writes_london_offsets(example):
    after = bundle_to_dict(parse_bundle(example))
    at = {e["id"]: e["at"] for e in after["events"]}
    assert at["r1"].endswith("+00:00")
    assert at["k2"].endswith("+01:00")
