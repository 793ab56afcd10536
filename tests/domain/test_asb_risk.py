"""The ASB risk form: policy questions scored to a tier with the reasons shown, and
the policy's [asb.risk] table validated like every other policy key."""

from __future__ import annotations

import pytest

from app.domain.asb_risk import (
    INCIDENT_HINTS,
    RiskAnswerError,
    report_hint,
    score_answers,
    score_risk,
)
from app.domain.events import INCIDENT_TYPES
from app.domain.policy import RISK_HINTS, parse_policy
from app.domain.policy_schema import PolicyError
from tests.domain.helpers import policy_doc, resolve, shipped, variant

RULES = shipped().risk
KEYS = [q.key for q in RULES.questions]


def answers(*yes: str) -> dict[str, bool]:
    return {k: k in yes for k in KEYS}


def test_shipped_questions_cover_the_issue_list():
    assert {
        "threats_of_violence",
        "repeat_victimisation",
        "vulnerable_household",
        "health_impact",
        "hate_motive",
        "children_present",
    } <= set(KEYS)
    assert (RULES.medium_from, RULES.high_from) == (3, 6)


@pytest.mark.parametrize(
    ("yes", "tier", "score"),
    [
        ((), "low", 0),
        (("repeat_victimisation",), "low", 2),
        (("vulnerable_household",), "medium", 3),
        (("repeat_victimisation", "perpetrator_nearby"), "medium", 3),
        (("vulnerable_household", "health_impact"), "medium", 5),
        (("vulnerable_household", "health_impact", "children_present"), "high", 7),
        (("threats_of_violence",), "high", 6),
        (("hate_motive",), "high", 6),
    ],
)
def test_score_to_tier(yes, tier, score):
    result = score_risk(RULES, answers(*yes))
    assert (result.tier, result.score) == (tier, score)
    assert result.complete


def test_a_question_with_a_tier_sets_it_on_its_own():
    doc = policy_doc()
    for q in doc["asb"]["risk"]["questions"]:
        if q["key"] == "serious_intimidation":
            q["weight"] = 1  # below the medium threshold by weight alone
    rules = parse_policy(doc, "t.toml", resolve).risk
    result = score_risk(rules, answers("serious_intimidation"))
    assert (result.tier, result.score) == ("high", 1)
    assert "high risk on its own" in result.reasons


def test_reasons_name_the_answers_that_drove_the_tier():
    result = score_risk(RULES, answers("children_present", "threats_of_violence", "health_impact"))
    assert result.reasons.startswith("High risk: score 10 (medium from 3, high from 6).")
    # The answer that sets the tier on its own comes first, then by weight.
    assert [q.key for q in result.drivers] == [
        "threats_of_violence",
        "health_impact",
        "children_present",
    ]
    assert "threats of violence" in result.reasons
    assert "(+2)" in result.reasons
    assert "repeat victimisation" not in result.reasons
    low = score_risk(RULES, answers())
    assert (
        low.reasons
        == "Low risk: score 0 (medium from 3, high from 6). No risk factor was answered yes."
    )


def test_a_tier_without_answers_is_refused():
    with pytest.raises(RiskAnswerError, match="answer every question first"):
        score_risk(RULES, {})


def test_unanswered_questions_are_refused_by_name():
    partial = answers("threats_of_violence")
    del partial["children_present"]
    with pytest.raises(RiskAnswerError, match="Not answered: Children in the household"):
        score_risk(RULES, partial)


def test_unknown_questions_and_non_boolean_answers_are_refused():
    with pytest.raises(RiskAnswerError, match="Unknown risk question 'weather'"):
        score_risk(RULES, {**answers(), "weather": True})
    with pytest.raises(RiskAnswerError, match="'children_present' with yes or no"):
        score_risk(RULES, {**answers(), "children_present": "yes"})


def test_provisional_score_while_the_form_is_being_filled():
    result = score_answers(RULES, {"threats_of_violence": True, "children_present": None})
    assert result.tier == "high"
    assert not result.complete
    assert len(result.missing) == len(KEYS) - 1
    assert result.reasons.startswith(f"Provisional ({len(KEYS) - 1} of {len(KEYS)} not answered).")


# -- intake hints ----------------------------------------------------------------------------


def test_every_incident_type_implies_a_known_hint():
    assert set(INCIDENT_HINTS) == set(INCIDENT_TYPES)
    assert set(INCIDENT_HINTS.values()) <= set(RISK_HINTS)


@pytest.mark.parametrize(
    ("incident", "hate", "hint"),
    [
        ("threat", False, "threat"),
        ("violence", False, "threat"),
        ("harassment", True, "harassment"),
        ("hate_incident", False, "hate"),
        ("noise", False, "nuisance"),
        ("damage", True, "hate"),
        ("other", False, "none"),
    ],
)
def test_report_hint(incident, hate, hint):
    assert report_hint(incident, hate) == hint


# -- policy validation -------------------------------------------------------------------------


def refused(doc) -> PolicyError:
    with pytest.raises(PolicyError) as info:
        parse_policy(doc, "bad.toml", resolve)
    return info.value


def test_thresholds_must_be_ordered():
    doc = policy_doc()
    doc["asb"]["risk"]["medium_from"] = 6
    err = refused(doc)
    assert err.key == "asb.risk.medium_from"
    assert "must be below high_from (6), got 6" in str(err)


@pytest.mark.parametrize(
    ("field", "value", "key", "problem"),
    [
        ("weight", -1, "asb.risk.questions[0].weight", "must be between 0 and 100"),
        ("weight", 2.5, "asb.risk.questions[0].weight", "must be a whole number"),
        ("tier", "severe", "asb.risk.questions[0].tier", "must be one of high, medium, low"),
        ("key", "Threats", "asb.risk.questions[0].key", "lower-case letters"),
        ("text", "", "asb.risk.questions[0].text", "non-empty text"),
        ("colour", "red", "asb.risk.questions[0].colour", "not a known policy key"),
    ],
)
def test_bad_question_is_refused_with_its_key(field, value, key, problem):
    doc = policy_doc()
    doc["asb"]["risk"]["questions"][0][field] = value
    err = refused(doc)
    assert err.key == key
    assert problem in str(err)


def test_question_keys_are_unique_and_the_list_is_not_empty():
    doc = policy_doc()
    doc["asb"]["risk"]["questions"][1]["key"] = doc["asb"]["risk"]["questions"][0]["key"]
    assert "is used twice" in str(refused(doc))
    doc = policy_doc()
    doc["asb"]["risk"]["questions"] = []
    assert refused(doc).key == "asb.risk.questions"
    doc = policy_doc()
    del doc["asb"]["risk"]
    assert refused(doc).key == "asb.risk"


def test_a_manager_can_change_the_weights_as_a_new_policy_version():
    policy = variant(4, **{"asb.risk.high_from": 8})
    assert (
        score_risk(
            policy.risk, answers("vulnerable_household", "health_impact", "children_present")
        ).tier
        == "medium"
    )
    assert shipped("hexagon-4-stage").risk == RULES  # inherited through `extends`
