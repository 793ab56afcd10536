"""Import and export of case bundles: all or nothing, faithful round trip, merge."""

from __future__ import annotations

import copy

import pytest

from app.domain.events import parse_instant
from app.errors import ConflictError, NotFound, ValidationError
from app.services.bundles import export_bundle, import_bundle
from app.services.inbox import list_inbox
from tests.pg import needs_pg


def assert_same_bundle(a: dict, b: dict) -> None:
    """Equal as data: same case fields, same events and values, each `at` the same instant."""
    assert a["case"] == b["case"]
    assert {k: v for k, v in a.items() if k != "events"} == {
        k: v for k, v in b.items() if k != "events"
    }
    ea = {e["id"]: e for e in a["events"]}
    eb = {e["id"]: e for e in b["events"]}
    assert ea.keys() == eb.keys()
    for eid, e in ea.items():
        x, y = dict(e), dict(eb[eid])
        assert parse_instant(x.pop("at")) == parse_instant(y.pop("at")), eid
        assert x == y, eid


@pytest.mark.parametrize("fixture", ["example_doc", "seed001_doc"])
def test_export_of_import_round_trips(ws, request, fixture):
    doc = request.getfixturevalue(fixture)
    result = import_bundle(ws, doc)
    assert result.created and result.events_added == len(doc["events"])
    assert_same_bundle(doc, export_bundle(ws, doc["case"]["ref"]))


def test_unknown_keys_and_absent_optional_fields_survive(ws, example_doc):
    doc = copy.deepcopy(example_doc)
    doc["exported_by"] = "another system"
    doc["case"]["team"] = "North"
    doc["case"]["resident"]["preferred_name"] = "Dan"
    del doc["case"]["resident"]["phone"]
    doc["events"][0]["police_ref"] = "CAD 1234"
    doc["events"][1].pop("summary")
    import_bundle(ws, doc)
    assert_same_bundle(doc, export_bundle(ws, "EX-ASB-0001"))


def test_events_may_arrive_in_any_order(ws, example_doc):
    doc = copy.deepcopy(example_doc)
    doc["events"].reverse()
    import_bundle(ws, doc)
    assert_same_bundle(example_doc, export_bundle(ws, "EX-ASB-0001"))


@pytest.mark.parametrize(
    "mutate, message",
    [
        (
            lambda d: d["events"][-1].update(type="teleport"),
            "event 'x1', field 'type': unknown event type",
        ),
        (lambda d: d["events"][-1].pop("outcome"), "event 'x1', field 'outcome': is missing"),
        (lambda d: d["events"][-1].update(at="2025-02-30T10:00"), "event 'x1', field 'at'"),
        (lambda d: d["events"][-1].update(id="r1"), "event 'r1', field 'id': duplicate"),
        (lambda d: d["events"][2].update(channel="fax"), "event 'c1', field 'channel'"),
        (
            lambda d: d["events"][6].update(plan="nope"),
            "field 'plan': refers to unknown event 'nope'",
        ),
        (
            lambda d: d["events"][19].update(compensation=[{"head": "costs", "amount": -5}]),
            "amount",
        ),
        (lambda d: d.update(format="doorstep-case/0"), "'format' must be"),
    ],
)
def test_bad_bundles_are_rejected_whole_with_the_event_and_field_named(
    ws, example_doc, mutate, message
):
    doc = copy.deepcopy(example_doc)
    mutate(doc)
    with pytest.raises(ValidationError, match=message):
        import_bundle(ws, doc)
    with pytest.raises(NotFound):
        export_bundle(ws, "EX-ASB-0001")  # nothing half-imported
    assert list_inbox(ws) == []


def test_importing_an_existing_ref_is_refused_unless_merging(ws, example_doc):
    import_bundle(ws, example_doc)
    with pytest.raises(ConflictError, match="already exists"):
        import_bundle(ws, example_doc)
    doc = copy.deepcopy(example_doc)
    doc["case"]["officer"] = "someone.else"  # merge changes nothing but adds new events
    doc["events"].append(
        {
            "id": "c9",
            "at": "2025-06-02T09:00:00+01:00",
            "type": "contact",
            "channel": "phone",
            "direction": "out",
            "by": "k.mensah",
            "answers": "c5",
            "summary": "Follow-up call",
        }
    )
    result = import_bundle(ws, doc, merge=True)
    assert (result.created, result.events_added) == (False, 1)
    out = export_bundle(ws, "EX-ASB-0001")
    assert out["case"]["officer"] == "k.mensah"
    assert len(out["events"]) == len(example_doc["events"]) + 1
    assert import_bundle(ws, doc, merge=True).events_added == 0


def test_merge_may_refer_to_events_already_stored(ws, example_doc):
    import_bundle(ws, example_doc)
    doc = copy.deepcopy(example_doc)
    doc["events"] = [
        {
            "id": "d2",
            "at": "2025-06-02T09:00:00+01:00",
            "type": "action_done",
            "plan": "p1",
            "action": "Noise app installed",
        }
    ]
    assert import_bundle(ws, doc, merge=True).events_added == 1


def test_unknown_policy_is_refused(ws, example_doc):
    doc = copy.deepcopy(example_doc)
    doc["case"]["policy"] = "made-up"
    with pytest.raises(ValidationError, match="Unknown policy 'made-up'"):
        import_bundle(ws, doc)


def test_unknown_usernames_create_officer_records(ws, seed001_doc):
    result = import_bundle(ws, seed001_doc)
    assert set(result.officers_created) == {"r.price", "t.okafor", "h.ward", "m.fleming", "d.osei"}


def _long_action(doc: dict) -> dict:
    doc = copy.deepcopy(doc)
    plan = next(e for e in doc["events"] if e["type"] == "action_plan_agreed")
    done = [e for e in doc["events"] if e["type"] == "action_done" and e["plan"] == plan["id"]]
    old = plan["actions"][0]["text"]
    plan["actions"][0]["text"] = "Fit a new lock " + "and check it " * 40  # 535 characters
    for e in done:
        if e["action"] == old:
            e["action"] = plan["actions"][0]["text"]
    return doc


def test_a_deadline_label_from_long_text_fits_its_column(ws, example_doc):
    # "Action: <the action's text>" was stored whole: PostgreSQL refused it mid-import
    from sqlalchemy import func, select

    from app.store.models import Case, DeadlineRow

    import_bundle(ws, _long_action(example_doc))
    with ws.db.read() as s:
        longest = s.scalar(select(func.max(func.length(DeadlineRow.label))))
        assert longest == 200
        assert all(len(x or "") <= 200 for x in s.scalars(select(Case.next_label)))
    assert export_bundle(ws, example_doc["case"]["ref"])["events"]  # the text itself is kept


@needs_pg[0]
@needs_pg[1]
def test_a_long_action_text_imports_on_postgresql(pg_url, example_doc):
    from app.services.workspace import Actor, open_workspace

    ws = open_workspace(pg_url, actor=Actor("tester", "test-device"))
    try:
        assert import_bundle(ws, _long_action(example_doc)).created
    finally:
        ws.close()
