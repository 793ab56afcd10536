"""The trail's hash chain and the late-entry rule, as pure functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from app.domain.deadlines import Finding
from app.domain.events import build_event
from app.domain.trail import (
    GENESIS,
    Recording,
    TrailEntry,
    check_chain,
    entry_hash,
    first_recording,
    is_late,
    late_evidence_in,
    note_late_evidence,
)

T0 = dt.datetime(2025, 6, 24, 10, 0, tzinfo=dt.UTC)


def chain(n: int) -> list[TrailEntry]:
    out, prev = [], GENESIS
    for i in range(1, n + 1):
        fields = {
            "seq": i,
            "id": f"00000000-0000-0000-0000-{i:012d}",
            "at": T0 + dt.timedelta(minutes=i),
            "actor": "a.khan",
            "device": "laptop",
            "action": "record_event",
            "entity": "case",
            "entity_id": f"HX-{i}",
            "detail": {"events": [f"c{i}"], "count": i},
        }
        digest = entry_hash(fields, prev)
        out.append(TrailEntry(**fields, prev_hash=prev, hash=digest))
        prev = digest
    return out


def test_the_hash_covers_every_field_and_the_previous_hash():
    e = chain(1)[0]
    base = entry_hash(e.fields(), GENESIS)
    assert base == e.hash and len(base) == 64
    for name, value in [
        ("seq", 2),
        ("actor", "someone"),
        ("device", "other"),
        ("action", "create_case"),
        ("entity_id", "HX-9"),
        ("detail", {"events": ["c2"], "count": 1}),
        ("at", T0),
    ]:
        assert entry_hash({**e.fields(), name: value}, GENESIS) != base, name
    assert entry_hash(e.fields(), "f" * 64) != base
    # the same instant in another zone, and detail keys in another order, hash the same
    london = e.at.astimezone(dt.timezone(dt.timedelta(hours=1)))
    same = {**e.fields(), "at": london, "detail": {"count": 1, "events": ["c1"]}}
    assert entry_hash(same, GENESIS) == base


def test_an_untouched_chain_verifies():
    entries = chain(5)
    check = check_chain(entries, 5, entries[-1].hash)
    assert check.ok and check.entries == 5
    assert check_chain([], 0, GENESIS).ok


def test_a_changed_entry_is_named_with_its_number_time_and_action():
    entries = chain(5)
    entries[2] = replace(entries[2], actor="someone.else")
    check = check_chain(entries, 5, entries[-1].hash)
    assert not check.ok and check.broken.seq == 3
    assert "entry 3 (2025-06-24 10:03:00 UTC, record_event) was changed" in check.problem


def test_a_removed_entry_is_found_in_the_middle_and_at_the_end():
    entries = chain(5)
    check = check_chain(entries[:2] + entries[3:], 5, entries[-1].hash)
    assert check.broken.seq == 4 and "entry 3 were removed" in check.problem
    check = check_chain(entries[:4], 5, entries[-1].hash)
    assert not check.ok and "entries 5 to 5 were removed after entry 4" in check.problem


def test_an_inserted_entry_is_found_numbered_or_not():
    entries = chain(3)
    stray = replace(entries[1], seq=None, hash=None, prev_hash=None, action="forged")
    check = check_chain([stray, *entries], 3, entries[-1].hash)
    assert "an entry with no number" in check.problem and "forged" in check.problem
    extra = chain(4)[3]  # a well-formed entry 4, but the head says 3 were recorded
    check = check_chain([*entries, extra], 3, entries[-1].hash)
    assert not check.ok and "added outside Doorstep" in check.problem
    # renumbering to slip one in changes the later entries' hashes or links
    moved = [entries[0], replace(entries[2], seq=2), replace(entries[1], seq=3)]
    assert not check_chain(moved, 3, entries[-1].hash).ok


@pytest.mark.parametrize(
    "after, late",
    [
        (dt.timedelta(days=2), False),
        (dt.timedelta(days=2, seconds=1), True),
        (dt.timedelta(days=40), True),
        (dt.timedelta(0), False),
    ],
)
def test_an_entry_recorded_more_than_the_policy_days_after_its_time_is_late(after, late):
    assert is_late(T0, T0 + after, 2) is late


def test_no_known_recording_is_never_late():
    assert is_late(T0, None, 0) is False


def test_the_first_recording_is_the_one_a_bundle_carried():
    stored = Recording(T0, "importer", "laptop")
    carried = {"recorded": {"at": "2024-09-08T10:00:00+00:00", "by": "r.price", "device": "pc"}}
    rec = first_recording(carried, stored, imported=False)
    assert rec == Recording(dt.datetime(2024, 9, 8, 10, tzinfo=dt.UTC), "r.price", "pc")
    assert first_recording({}, stored, imported=False) == stored
    assert first_recording({}, stored, imported=True) is None  # recorded elsewhere, when unknown
    assert first_recording({"recorded": "yesterday"}, stored, imported=True) is None


def test_findings_whose_evidence_is_late_say_so():
    findings = [
        Finding(dt.date(2024, 8, 5), "CALLBACK_LATE", ("c1",), "Call back due; done Mon 2 Sep."),
        Finding(dt.date(2024, 8, 6), "REPLY_LATE", ("c2",), "Reply due."),
    ]
    out = note_late_evidence(findings, {"c1": ("the contact entry", 40)})
    assert out[0].detail == (
        "Call back due; done Mon 2 Sep; the contact entry c1 was recorded 40 days later."
    )
    assert out[1] == findings[1] and out[1].detail == "Reply due."


def test_a_bundles_late_events_are_judged_by_the_recorded_key_they_carry():
    raw = {"type": "contact", "channel": "phone", "direction": "in", "by": "resident"}
    late = build_event(
        {
            **raw,
            "id": "c1",
            "at": "2024-07-30T10:00:00+01:00",
            "recorded": {"at": "2024-09-08T09:00:00+00:00", "by": "x"},
        }
    )
    prompt = build_event(
        {
            **raw,
            "id": "c2",
            "at": "2024-07-30T10:00:00+01:00",
            "recorded": {"at": "2024-07-30T12:00:00+00:00", "by": "x"},
        }
    )
    plain = build_event({**raw, "id": "c3", "at": "2024-07-30T10:00:00+01:00"})
    assert late_evidence_in([late, prompt, plain], 2) == {"c1": ("the contact entry", 40)}
