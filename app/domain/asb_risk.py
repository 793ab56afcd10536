"""ASB risk assessment (DOMAIN_RULES.md §4): structured questions scored to a tier.

The questions, their weights and the tier thresholds are policy data (``[asb.risk]``
in the policy file, read by ``parse_risk_rules``); this module adds the answers up
and says which of them drove the tier. An intake's incident type implies the
report's ``risk_hint`` (which sets the assessment's own deadline before anyone
has assessed it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.policy_schema import Table

TIERS = ("high", "medium", "low")
TIER_RANK = {"low": 0, "medium": 1, "high": 2}
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

# Intake incident type -> the report's risk hint (CASE_BUNDLE.md ``asb_report.risk_hint``).
INCIDENT_HINTS = {
    "threat": "threat",
    "violence": "threat",
    "intimidation": "intimidation",
    "harassment": "harassment",
    "hate_incident": "hate",
    "nuisance": "nuisance",
    "noise": "nuisance",
    "damage": "nuisance",
    "drugs": "nuisance",
    "other": "none",
}
HIGH_HINTS = frozenset({"threat", "intimidation", "harassment", "hate"})


def report_hint(incident_type: str, hate_incident: bool = False) -> str:
    """The risk hint an intake implies; a hate incident is never hinted below ``hate``."""
    hint = INCIDENT_HINTS[incident_type]
    if hate_incident and hint not in HIGH_HINTS:
        return "hate"
    return hint


@dataclass(frozen=True)
class RiskQuestion:
    key: str
    text: str
    weight: int
    tier: str | None = None  # a "yes" makes the case at least this tier on its own


@dataclass(frozen=True)
class RiskRules:
    questions: tuple[RiskQuestion, ...]
    high_from: int
    medium_from: int

    def question(self, key: str) -> RiskQuestion | None:
        for q in self.questions:
            if q.key == key:
                return q
        return None


def parse_risk_rules(asb: Table) -> RiskRules:
    """Read and check ``[asb.risk]``: thresholds and the question list."""
    risk = asb.table("risk")
    assert risk is not None
    high_from = risk.whole("high_from", low=1, high=1000)
    medium_from = risk.whole("medium_from", low=1, high=1000)
    if medium_from >= high_from:
        risk.fail("medium_from", f"must be below high_from ({high_from}), got {medium_from}")
    questions: list[RiskQuestion] = []
    seen: set[str] = set()
    for q in risk.tables("questions"):
        key = q.text("key")
        if not KEY_PATTERN.match(key):
            q.fail(
                "key",
                f"must be lower-case letters, digits and _ (e.g. children_present), got {key!r}",
            )
        if key in seen:
            q.fail("key", f"must be unique; {key!r} is used twice")
        seen.add(key)
        questions.append(
            RiskQuestion(
                key=key,
                text=q.text("text"),
                weight=q.whole("weight", low=0, high=100),
                tier=q.text("tier", required=False, choices=TIERS),
            )
        )
        q.done()
    risk.done()
    return RiskRules(tuple(questions), high_from, medium_from)


class RiskAnswerError(ValueError):
    """Answers that cannot give a tier; the message says which question to fix."""


@dataclass(frozen=True)
class RiskResult:
    tier: str
    score: int
    drivers: tuple[RiskQuestion, ...]  # answered yes, in the order they count most
    missing: tuple[RiskQuestion, ...]  # not answered yet (a provisional result)
    reasons: str

    @property
    def complete(self) -> bool:
        return not self.missing


def _tier_for(rules: RiskRules, score: int) -> str:
    if score >= rules.high_from:
        return "high"
    if score >= rules.medium_from:
        return "medium"
    return "low"


def score_answers(rules: RiskRules, answers: Mapping[str, bool | None]) -> RiskResult:
    """The tier the answers given so far imply (unanswered questions count as not yet known)."""
    yes = [q for q in rules.questions if answers.get(q.key) is True]
    missing = tuple(q for q in rules.questions if answers.get(q.key) is None)
    score = sum(q.weight for q in yes)
    tier = _tier_for(rules, score)
    floors = [q for q in yes if q.tier is not None and TIER_RANK[q.tier] > TIER_RANK[tier]]
    if floors:
        tier = max((q.tier for q in floors), key=TIER_RANK.__getitem__)
    drivers = tuple(sorted(yes, key=lambda q: (-(TIER_RANK[q.tier] if q.tier else -1), -q.weight)))
    return RiskResult(tier, score, drivers, missing, _reasons(rules, tier, score, drivers, missing))


def _reasons(
    rules: RiskRules,
    tier: str,
    score: int,
    drivers: tuple[RiskQuestion, ...],
    missing: tuple[RiskQuestion, ...],
) -> str:
    bands = f"medium from {rules.medium_from}, high from {rules.high_from}"
    head = f"{tier.capitalize()} risk: score {score} ({bands})."
    if drivers:
        parts = []
        for q in drivers:
            part = f"{q.text.rstrip('.').lower()} (+{q.weight}"
            if q.tier is not None and q.tier == tier and TIER_RANK[q.tier] > 0:
                part += f", {q.tier} risk on its own"
            parts.append(part + ")")
        head += " Driven by: " + "; ".join(parts) + "."
    else:
        head += " No risk factor was answered yes."
    if missing:
        head = f"Provisional ({len(missing)} of {len(rules.questions)} not answered). " + head
    return head


def score_risk(rules: RiskRules, answers: Mapping[str, object]) -> RiskResult:
    """The tier for a completed form. Refuses no answers, unknown questions and gaps."""
    if not answers:
        raise RiskAnswerError(
            "A risk tier needs the assessment's answers: answer every question first."
        )
    unknown = sorted(k for k in answers if rules.question(k) is None)
    if unknown:
        raise RiskAnswerError(
            f"Unknown risk question {', '.join(map(repr, unknown))}; "
            f"the questions are {', '.join(q.key for q in rules.questions)}."
        )
    bad = sorted(k for k, v in answers.items() if v is not None and not isinstance(v, bool))
    if bad:
        raise RiskAnswerError(f"Answer {', '.join(map(repr, bad))} with yes or no.")
    result = score_answers(rules, answers)  # type: ignore[arg-type]
    if result.missing:
        names = "; ".join(q.text for q in result.missing)
        raise RiskAnswerError(
            f"Answer every question before a tier is given. Not answered: {names}."
        )
    return result
