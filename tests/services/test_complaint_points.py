"""Points of complaint after intake (issue 10 item 9): a ``complaint_points`` event adds or
restates them, the latest list stands, letters and the response checklist read it, bundles
carry it, only someone who may change the case records it, and the demo's complaints have them."""

from __future__ import annotations

import datetime as dt

import pytest

from app.demo.generator import generate_bundles
from app.errors import ConflictError, PermissionDenied, ValidationError
from app.letters import letters as L
from app.services import complaints as svc
from app.services.bundles import export_bundle, import_bundle
from app.services.cases import create_case, get_case
from app.services.complaints.reading import get_complaint
from app.services.workspace import Actor, open_workspace, put_setting
from app.store.models import Officer
from tests.services.complaint_helpers import at
from tests.services.conftest import act_as

REF = "CMP-8"


def _no_points_complaint(ws, clock) -> str:
    clock.set("2025-06-03T09:00:00+00:00")
    create_case(
        ws,
        ref=REF,
        kind="complaint",
        officer="a.khan",
        resident_name="Ms Ann Lee",
        address="2 Elm Road\nLondon SE6 1AA",
    )
    return svc.receive_complaint(
        ws, REF, at=at("2025-06-02T10:00:00+01:00"), channel="phone", summary="Leak not fixed"
    )


def test_without_points_no_acknowledgement_can_be_written_until_they_are_added(ws, clock):
    complaint = _no_points_complaint(ws, clock)
    draft = L.create_letter(ws, REF, "complaint_ack_stage1")
    assert any("no points of complaint were recorded" in p for p in draft.problems)
    event_id = svc.state_points(ws, REF, points=[" Leak not fixed ", "", "Calls not returned"])
    event = next(e for e in get_case(ws, REF).events if e.id == event_id)
    assert event.type == "complaint_points" and event.fields["complaint"] == complaint
    assert event.fields["points"] == ["Leak not fixed", "Calls not returned"]
    assert get_complaint(ws, REF, complaint).points == ("Leak not fixed", "Calls not returned")
    letter = L.get_letter(ws, draft.id)
    assert not any("no points of complaint" in p for p in letter.problems)
    assert "Calls not returned" in letter.text()


def test_the_latest_list_stands_and_the_response_decides_it(ws, clock):
    complaint = _no_points_complaint(ws, clock)
    svc.state_points(ws, REF, complaint, points=["Leak not fixed"])
    # restated a minute later (§9: events read by instant; ids, not entry order, break ties)
    clock.set((clock.now + dt.timedelta(minutes=1)).isoformat())
    svc.state_points(ws, REF, complaint, points=["Leak not fixed", "Rude on the phone"])
    assert get_complaint(ws, REF, complaint).points == ("Leak not fixed", "Rude on the phone")
    response = L.create_letter(ws, REF, "response_stage1")
    assert [p["point"] for p in response.inputs["points"]] == [
        "Leak not fixed",
        "Rude on the phone",
    ]


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([], "at least one point"),
        (["  ", ""], "at least one point"),
        (["Same", " Same "], "same text"),
        (["Leak not fixed"], "already the complaint's points"),
    ],
)
def test_bad_points_are_refused_and_nothing_is_recorded(ws, clock, points, message):
    _no_points_complaint(ws, clock)
    svc.state_points(ws, REF, points=["Leak not fixed"])
    before = get_case(ws, REF)
    with pytest.raises(ValidationError, match=message):
        svc.state_points(ws, REF, points=points)
    assert get_case(ws, REF).events == before.events


def test_a_closed_complaint_is_reopened_first_and_a_stale_form_is_refused(ws, clock):
    complaint = _no_points_complaint(ws, clock)
    read = get_case(ws, REF).version
    svc.state_points(ws, REF, points=["Leak not fixed"])
    with pytest.raises(ConflictError, match="since you opened it"):
        svc.state_points(ws, REF, points=["Other"], expected_version=read)
    svc.close_complaint(
        ws,
        REF,
        complaint,
        outcome="Withdrawn by the resident",
        lessons="None: withdrawn",
        withdrawn=True,
    )
    with pytest.raises(ValidationError, match="reopen it"):
        svc.state_points(ws, REF, points=["Other"])


def test_only_someone_who_may_change_the_case_records_points(ws, clock):
    _no_points_complaint(ws, clock)
    with ws.db.write() as s:
        s.add(Officer(username="aud", name="Audrey", role="auditor"))
        s.add(Officer(username="b.jones", name="Ben Jones", role="officer"))
        put_setting(s, "demo", True)  # roles enforced as on a team's database
    for who in ("aud", "b.jones"):
        act_as(ws, who)
        with pytest.raises(PermissionDenied):
            svc.state_points(ws, REF, points=["Leak not fixed"])
    act_as(ws, "a.khan")
    svc.state_points(ws, REF, points=["Leak not fixed"])


def test_bundles_carry_the_points_both_ways(ws, clock, tmp_path):
    complaint = _no_points_complaint(ws, clock)
    svc.state_points(ws, REF, points=["Leak not fixed", "Calls not returned"])
    doc = export_bundle(ws, REF)
    [event] = [e for e in doc["events"] if e["type"] == "complaint_points"]
    assert event["complaint"] == complaint
    assert event["points"] == ["Leak not fixed", "Calls not returned"]
    other = open_workspace(tmp_path / "other.sqlite", actor=Actor("tester", "t"), clock=clock)
    try:
        import_bundle(other, doc)
        again = export_bundle(other, REF)
        assert [e for e in again["events"] if e["type"] == "complaint_points"] == [event]
        assert get_complaint(other, REF, complaint).points == (
            "Leak not fixed",
            "Calls not returned",
        )
    finally:
        other.close()


def test_a_bundle_points_event_must_name_its_complaint(ws, clock):
    _no_points_complaint(ws, clock)
    doc = export_bundle(ws, REF)
    doc["case"]["ref"] = "CMP-9"
    doc["events"].append(
        {"id": "p1", "at": "2025-06-03T10:00:00+01:00", "type": "complaint_points", "points": []}
    )
    with pytest.raises(ValidationError, match="p1.*complaint"):
        import_bundle(ws, doc)


def test_the_demo_gives_every_complaint_its_points():
    bundles = generate_bundles(dt.date(2025, 6, 24), n_cases=200, seed=2026)
    received = [e for b in bundles for e in b["events"] if e["type"] == "complaint_received"]
    assert received and all(e.get("points") for e in received)
