"""Typed event payloads: generated from the runtime schema, never drifting from it."""

from __future__ import annotations

import importlib.util
import re
import typing
from pathlib import Path

import pytest

from app.domain import payloads
from app.domain.events import EVENT_TYPES, build_event
from app.domain.payloads import PAYLOADS, ContactFields, HomeVisitFields, fields_of

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_payloads", ROOT / "scripts" / "gen_payloads.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_module_is_up_to_date():
    expected = _generator().formatted()
    actual = Path(payloads.__file__).read_text(encoding="utf-8")
    assert actual == expected, "app/domain/payloads.py is stale: run python scripts/gen_payloads.py"


def test_every_event_type_has_a_payload_with_exactly_its_fields():
    assert set(PAYLOADS) == set(EVENT_TYPES)
    for event_type, specs in EVENT_TYPES.items():
        hints = typing.get_type_hints(PAYLOADS[event_type])
        assert list(hints) == list(specs), event_type


def test_an_enum_field_is_typed_with_its_choices():
    hints = typing.get_type_hints(ContactFields)
    assert set(typing.get_args(hints["direction"])) == {"in", "out"}
    assert hints["dissatisfaction"] is bool


def test_fields_of_reads_a_matching_event_and_refuses_another_type():
    contact = build_event(
        {
            "id": "e1",
            "at": "2025-03-03T10:00:00Z",
            "type": "contact",
            "channel": "phone",
            "direction": "out",
            "by": "a.khan",
        }
    )
    fields = fields_of(contact, ContactFields)
    assert fields["direction"] == "out"
    assert fields["callback_requested"] is False  # a flag not given is False
    assert fields["answers"] is None  # an optional field not given is None
    with pytest.raises(TypeError, match="is a contact"):
        fields_of(contact, HomeVisitFields)


# Modules that read events through typed payloads. The reads still made on ``Event.f`` are the
# ones that span several event types (a shared "stage", "by", "complaint" or "answers"); each is
# commented where it is made. A new per-type read should go through ``typed``/``fields_of``.
UNTYPED_READS_ALLOWED = {
    "app/services/asb/views.py": 0,
    "app/services/asb/work.py": 0,
    "app/services/asb/plan.py": 0,
    "app/services/asb/common.py": 0,
    "app/services/complaints/reading.py": 4,
    "app/services/complaints/intake.py": 0,
    "app/letters/context.py": 0,
    "app/domain/complaint_record.py": 4,
    "app/domain/complaint_response.py": 0,
    "app/domain/compensation.py": 0,
    "app/domain/deadlines/complaints.py": 6,
    "app/domain/deadlines/timeline.py": 1,
    "app/domain/deadlines/contact.py": 0,
}
UNTYPED_READ = re.compile(r"\.f\[|\.f\.get\(")


def test_typed_modules_keep_their_untyped_reads_to_mixed_types():
    grown = {}
    for path, allowed in UNTYPED_READS_ALLOWED.items():
        text = (ROOT / path).read_text(encoding="utf-8")
        found = sum(1 for line in text.splitlines() if UNTYPED_READ.search(line))
        if found > allowed:
            grown[path] = (allowed, found)
    assert not grown, f"read these events' fields with typed()/fields_of(): {grown}"
