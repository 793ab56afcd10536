"""The template library: every letter the issue asks for, each section guided, each checklist sound."""

from __future__ import annotations

import pytest

from app.letters.fields import FIELDS
from app.letters.merge import fields_in
from app.letters.templates import TemplateError, library, parse_template

WANTED = {
    "complaint_ack_stage1",
    "complaint_ack_stage2",
    "extension_notice",
    "response_stage1",
    "response_stage2",
    "complaint_refusal",
    "escalation_refusal",
    "apology",
    "compensation_offer",
    "asb_acknowledgement",
    "asb_action_plan",
    "asb_home_visit",
    "case_closure",
    "hazard_summary",
    "hazard_works",
    "decision_letter",
    "arrears_contact",
}
JARGON = ("as per", "any inconvenience", "we apologise if", "sorry you feel", "alleged")


def test_the_library_holds_every_letter_the_issue_asks_for():
    assert set(library()) == WANTED
    assert list(library())[:2] == ["complaint_ack_stage1", "complaint_ack_stage2"]


@pytest.mark.parametrize("name", sorted(WANTED))
def test_every_section_has_guidance_and_an_example_and_known_fields(name):
    t = library()[name]
    for s in t.sections:
        assert len(s.guidance) > 60, (name, s.key)
        assert s.example.strip(), (name, s.key)
        assert all(f in FIELDS for f in fields_in(s.text))
        low = s.text.lower()
        assert not any(j in low for j in JARGON), (name, s.key)
    assert any(not c.auto for c in t.checks) and t.checks


def test_refusals_and_extensions_must_carry_the_ombudsmans_details():
    for name in (
        "extension_notice",
        "complaint_refusal",
        "escalation_refusal",
        "complaint_ack_stage2",
    ):
        assert "uses:ombudsman.details" in [c.auto for c in library()[name].checks], name


def test_only_complaint_responses_and_money_need_approval_by_default():
    assert {n for n, t in library().items() if t.approval} == {
        "response_stage1",
        "response_stage2",
        "compensation_offer",
    }


def _doc(**over):
    doc = {
        "name": "x",
        "title": "X",
        "group": "general",
        "purpose": "p",
        "issues": "contact",
        "subject": "S",
        "sections": [{"key": "a", "text": "Hi {resident.name}", "guidance": "g", "example": "e"}],
        "checks": [{"key": "c", "label": "L"}],
    }
    doc.update(over)
    return doc


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"sections": [{"key": "a", "text": "{nope}", "guidance": "g", "example": "e"}]},
            r"\{nope\} is not a merge field",
        ),
        ({"issues": "letterbomb"}, "'issues' must be one of"),
        ({"checks": []}, "needs a checklist"),
        ({"checks": [{"key": "c", "label": "L", "auto": "uses:nope"}]}, "unknown rule 'uses:nope'"),
        ({"colour": "red"}, "unknown key 'colour'"),
        ({"sections": [{"key": "a", "text": "x", "guidance": "g"}]}, "'example' is missing"),
    ],
)
def test_a_bad_template_is_refused_naming_the_problem(change, message):
    with pytest.raises(TemplateError, match=message):
        parse_template(_doc(**change), "x.toml")
