"""Policy: every timescale and threshold a manager might change, as validated data.

A policy document is TOML text (``resources/policy/<name>.toml`` or a manager's
new version stored in the database). ``parse_policy`` validates it into a frozen
``Policy``; a bad document raises ``PolicyError`` naming file, key and problem.
A document may ``extends`` another policy: its tables replace the parent's key by key.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from app.domain.asb_risk import TIERS, RiskRules, parse_risk_rules
from app.domain.calendar import REGIONS, WorkingCalendar, calendar_for
from app.domain.compensation import COMPENSATION_HEADS, Band, CompensationMatrix, parse_matrix
from app.domain.hazards import HazardRules, parse_hazards
from app.domain.policy_schema import DEFAULT_AT_RISK_WD, PolicyError, Table
from app.domain.possession import PossessionRules, parse_possession_rules

RISK_HINTS = ("threat", "intimidation", "harassment", "hate", "nuisance", "none")
REQUEST_SUBJECTS = (
    "transfer",
    "medical_assessment",
    "rehousing_advice",
    "policy_copy",
    "information",
    "other",
)
PAUSABLE_KINDS = (
    "plan_action",
    "repair",
    "reply",
    "decision",
    "home_visit",
    "partner_chase",
    # Awaab's Law clocks pause only while the resident gives no access (the attempts recorded)
    "hazard_investigation",
    "hazard_summary",
    "hazard_safety",
    "hazard_works_target",
    "hazard_works",
)

__all__ = [
    "COMPENSATION_HEADS",
    "Band",
    "Policy",
    "PolicyError",
    "PolicyHistory",
    "parse_policy",
    "parse_policy_text",
]


@dataclass(frozen=True)
class StageRule:
    number: int
    label: str
    ack_wd: int | None
    response_wd: int | None
    response_from: str  # "ack" | "receipt"
    extension_max_wd: int | None
    request_window_days: int | None


@dataclass(frozen=True)
class TierRule:
    action_wd: int
    update_every_wd: int


@dataclass(frozen=True)
class ReplyRule:
    channel: str
    topic: str | None
    wd: int


@dataclass(frozen=True)
class Ombudsman:
    name: str
    address: tuple[str, ...]
    phone: str
    email: str
    website: str


@dataclass(frozen=True, eq=False)
class Policy:
    name: str
    title: str
    version: int
    source: str
    region: str
    closure_days: tuple[dt.date, ...]
    complaint_definition: str
    window_months: int
    dissatisfaction_offer_wd: int
    first_stage: int
    stages: tuple[StageRule, ...]
    ombudsman: Ombudsman
    action_plan_wd: int
    hint_tiers: Mapping[str, str]
    tiers: Mapping[str, TierRule]
    high_risk_visit: bool
    high_risk_visit_wd: int
    case_review_reports: int
    case_review_months: int
    risk: RiskRules
    callback_wd: int
    replies: tuple[ReplyRule, ...]
    visit_default_wd: int
    visit_urgent_wd: int
    visit_urgent_reasons: frozenset[str]
    partner_chase_wd: int
    vulnerability_plan_wd: int
    decisions: Mapping[str, int]
    repair_priorities: Mapping[str, int]
    require_account_check: bool
    require_vulnerability_assessment: bool
    require_approval: bool
    pausable: frozenset[str]
    attachments_max_mb: int
    spotcheck_percent: int
    compensation_bands: tuple[Band, ...]
    document: Mapping[str, Any] = field(repr=False, default_factory=dict)
    # Years a closed case is kept, per case kind (None: a version saved before [retention] existed).
    retention_years: Mapping[str, int] | None = None
    compensation: CompensationMatrix | None = None  # the calculator's matrix
    extension_warning_wd: int = 3  # warn this many WD before an extension letter is due
    late_entry_days: int = 2  # an entry recorded more than this many days after its time is late
    log_case_reads: bool = False  # record in the trail who opened or exported which case
    hazards: HazardRules = field(default_factory=lambda: parse_hazards(None))  # Awaab's Law
    possession: PossessionRules = field(default_factory=PossessionRules)  # beyond the flat flags
    at_risk_wd: int = DEFAULT_AT_RISK_WD  # an open deadline this many WD away or fewer is at risk

    @property
    def ref(self) -> str:
        """``name@version``: what every deadline records."""
        return f"{self.name}@{self.version}"

    @property
    def calendar(self) -> WorkingCalendar:
        return calendar_for(self.region, self.closure_days)

    def at_risk_until(self, today: dt.date) -> dt.date:
        """The last due date that is "at risk" on ``today`` (see ``deadlines.model.urgency``)."""
        return self.calendar.add_working_days(today, self.at_risk_wd)

    @property
    def at_risk_words(self) -> str:
        """How the threshold reads on screen: '≤ <at_risk_wd> WD'."""
        return f"≤ {self.at_risk_wd} WD"

    def stage(self, number: int) -> StageRule | None:
        for s in self.stages:
            if s.number == number:
                return s
        return None

    def next_stage(self, number: int) -> StageRule | None:
        later = [s for s in self.stages if s.number > number]
        return later[0] if later else None

    def reply_wd(self, channel: str, topic: str | None) -> int | None:
        for rule in self.replies:
            if rule.channel == channel and (rule.topic is None or rule.topic == topic):
                return rule.wd
        return None


def parse_policy_text(
    text: str, source: str, resolve: Callable[[str], Mapping[str, Any]] | None = None
) -> Policy:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(source, "", f"is not valid TOML ({exc})") from None
    return parse_policy(doc, source, resolve)


def merge_documents(parent: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Child tables replace the parent's key by key (recursively for tables, whole for arrays)."""
    out: dict[str, Any] = dict(parent)
    for k, v in child.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge_documents(out[k], v)
        else:
            out[k] = v
    return out


def parse_policy(
    doc: Mapping[str, Any],
    source: str,
    resolve: Callable[[str], Mapping[str, Any]] | None = None,
) -> Policy:
    """Validate a policy document. ``resolve(name)`` returns a parent document for ``extends``."""
    doc = dict(doc)
    parent_name = doc.pop("extends", None)
    if parent_name is not None:
        if not isinstance(parent_name, str) or resolve is None:
            raise PolicyError(source, "extends", f"cannot extend {parent_name!r}")
        try:
            parent = dict(resolve(parent_name))
        except (LookupError, OSError):  # a dict/store lookup or a file that is not there
            raise PolicyError(
                source, "extends", f"names an unknown policy {parent_name!r}"
            ) from None
        parent.pop("extends", None)
        doc = merge_documents(parent, doc)
    root = Table(source, "", doc)
    name = root.text("name")
    title = root.text("title")
    version = root.whole("version", low=1, high=1_000_000)

    cal = root.table("calendar")
    region = cal.text("region", choices=tuple(REGIONS))
    closure_days = cal.dates("closure_days")
    cal.done()

    comp = root.table("complaints")
    definition = comp.text("definition")
    window_months = comp.whole("window_months", low=1, high=120)
    offer_wd = comp.whole("dissatisfaction_offer_wd", low=1, high=60)
    warning_wd = comp.whole("extension_warning_wd", required=False, low=0, high=60)
    first_stage = comp.whole("first_stage", high=10)
    stages = []
    for st in comp.tables("stages"):
        stages.append(
            StageRule(
                number=st.whole("number", high=10),
                label=st.text("label"),
                ack_wd=st.whole("ack_wd", required=False, low=1, high=60),
                response_wd=st.whole("response_wd", required=False, low=1, high=250),
                response_from=st.text("response_from", choices=("ack", "receipt")),
                extension_max_wd=st.whole("extension_max_wd", required=False, high=250),
                request_window_days=st.whole(
                    "request_window_days", required=False, low=1, high=3650
                ),
            )
        )
        st.done()
    numbers = [s.number for s in stages]
    if numbers != sorted(set(numbers)):
        comp.fail("stages", f"stage numbers must be unique and ascending, got {numbers}")
    if first_stage not in numbers:
        comp.fail("first_stage", f"must be one of the stage numbers {numbers}, got {first_stage}")
    comp.done()

    omb = root.table("ombudsman")
    ombudsman = Ombudsman(
        name=omb.text("name"),
        address=omb.texts("address"),
        phone=omb.text("phone"),
        email=omb.text("email"),
        website=omb.text("website"),
    )
    omb.done()

    asb = root.table("asb")
    action_plan_wd = asb.whole("action_plan_wd", low=1, high=60)
    hints = asb.table("hint_tiers")
    hint_tiers = {h: hints.text(h, choices=TIERS) for h in RISK_HINTS}
    hints.done()
    tiers_t = asb.table("tiers")
    tiers: dict[str, TierRule] = {}
    for tier in TIERS:
        t = tiers_t.table(tier)
        tiers[tier] = TierRule(
            action_wd=t.whole("action_wd", low=0, high=60),
            update_every_wd=t.whole("update_every_wd", low=1, high=120),
        )
        t.done()
    tiers_t.done()
    high_risk_visit = asb.flag("high_risk_visit")
    high_risk_visit_wd = asb.whole("high_risk_visit_wd", low=1, high=60)
    review_reports = asb.whole("case_review_reports", low=2, high=50)
    review_months = asb.whole("case_review_months", low=1, high=60)
    risk = parse_risk_rules(asb)
    asb.done()

    contact = root.table("contact")
    callback_wd = contact.whole("callback_wd", low=1, high=60)
    replies = []
    for r in contact.tables("replies"):
        replies.append(
            ReplyRule(
                channel=r.text("channel", choices=("email", "letter", "portal", "phone")),
                topic=r.text("topic", required=False, choices=("repair", "general", "complaint")),
                wd=r.whole("wd", low=1, high=60),
            )
        )
        r.done()
    contact.done()

    visit = root.table("home_visit")
    visit_default_wd = visit.whole("default_wd", low=1, high=60)
    visit_urgent_wd = visit.whole("urgent_wd", low=0, high=60)
    urgent_reasons = visit.texts("urgent_reasons")
    for i, reason in enumerate(urgent_reasons):
        if reason not in ("harassment", "domestic_violence", "other"):
            visit.fail(
                f"urgent_reasons[{i}]",
                f"must be harassment, domestic_violence or other; got {reason!r}",
            )
    visit.done()

    partners = root.table("partners")
    chase_wd = partners.whole("chase_wd", low=1, high=120)
    partners.done()
    vuln = root.table("vulnerability")
    vuln_wd = vuln.whole("plan_wd", low=1, high=60)
    vuln.done()

    decisions = root.whole_map("decisions", REQUEST_SUBJECTS)
    repairs = root.table("repairs")
    priorities = repairs.whole_map("priorities")
    if not priorities:
        repairs.fail("priorities", "must name at least one priority")
    repairs.done()

    poss = root.table("possession")
    assert poss is not None  # required: table() has refused a missing one
    require_check = poss.flag("require_account_check", True)
    require_vuln = poss.flag("require_vulnerability_assessment", True)
    require_approval = poss.flag("require_approval", True)
    possession = parse_possession_rules(poss)
    poss.done()

    holds = root.table("holds")
    pausable = holds.texts("pausable", required=False)
    for i, kind in enumerate(pausable):
        if kind not in PAUSABLE_KINDS:
            holds.fail(
                f"pausable[{i}]", f"must be one of {', '.join(PAUSABLE_KINDS)}; got {kind!r}"
            )
    holds.done()

    att = root.table("attachments")
    max_mb = att.whole("max_mb", low=1, high=2048)
    att.done()
    spot = root.table("spotcheck")
    percent = spot.whole("percent", low=1, high=100)
    spot.done()
    trail = root.table("trail", required=False)  # absent in versions saved before it existed
    late_days = 2 if trail is None else trail.whole("late_entry_days", low=0, high=365)
    log_reads = False if trail is None else trail.flag("log_case_reads", default=False)
    if trail is not None:
        trail.done()
    inbox = root.table("inbox", required=False)  # absent in versions saved before it existed
    at_risk_wd = None if inbox is None else inbox.whole("at_risk_wd", required=False, high=60)
    if inbox is not None:
        inbox.done()

    retention = _retention(root)
    hazards = parse_hazards(root.table("hazards", required=False))
    bands, matrix = parse_matrix(root.table("compensation"))
    root.done()

    return Policy(
        name=name,
        title=title,
        version=version,
        source=source,
        region=region,
        closure_days=closure_days,
        complaint_definition=definition,
        window_months=window_months,
        dissatisfaction_offer_wd=offer_wd,
        first_stage=first_stage,
        stages=tuple(stages),
        ombudsman=ombudsman,
        action_plan_wd=action_plan_wd,
        hint_tiers=MappingProxyType(hint_tiers),
        tiers=MappingProxyType(tiers),
        high_risk_visit=high_risk_visit,
        high_risk_visit_wd=high_risk_visit_wd,
        case_review_reports=review_reports,
        case_review_months=review_months,
        risk=risk,
        callback_wd=callback_wd,
        replies=tuple(replies),
        visit_default_wd=visit_default_wd,
        visit_urgent_wd=visit_urgent_wd,
        visit_urgent_reasons=frozenset(urgent_reasons),
        partner_chase_wd=chase_wd,
        vulnerability_plan_wd=vuln_wd,
        decisions=MappingProxyType(decisions),
        repair_priorities=MappingProxyType(priorities),
        require_account_check=require_check,
        require_vulnerability_assessment=require_vuln,
        require_approval=require_approval,
        pausable=frozenset(pausable),
        attachments_max_mb=max_mb,
        spotcheck_percent=percent,
        compensation_bands=bands,
        document=MappingProxyType(doc),
        retention_years=retention,
        compensation=matrix,
        extension_warning_wd=3 if warning_wd is None else warning_wd,
        late_entry_days=late_days,
        log_case_reads=log_reads,
        hazards=hazards,
        possession=possession,
        at_risk_wd=DEFAULT_AT_RISK_WD if at_risk_wd is None else at_risk_wd,
    )


def _retention(root: Table) -> Mapping[str, int] | None:
    """``[retention]``: whole years after closure for every case kind (1 to 100)."""
    from app.domain.bundle import CASE_KINDS  # bundle imports this module (through events)

    table = root.table("retention", required=False)  # absent in versions saved before it existed
    if table is None:
        return None
    years = {kind: table.whole(kind, low=1, high=100) for kind in CASE_KINDS}
    table.done()
    return MappingProxyType(years)  # type: ignore[arg-type]


class PolicyHistory:
    """The versions of one named policy with the instants they took effect.

    A deadline uses the version in force when the event that started it happened;
    running deadlines keep the version they started under.
    """

    def __init__(self, versions: list[tuple[dt.datetime, Policy]]):
        if not versions:
            raise ValueError("a policy history needs at least one version")
        self.versions = sorted(versions, key=lambda v: (v[0], v[1].version))

    @classmethod
    def single(cls, policy: Policy) -> PolicyHistory:
        return cls([(dt.datetime(1900, 1, 1, tzinfo=dt.UTC), policy)])

    @property
    def current(self) -> Policy:
        return self.versions[-1][1]

    @property
    def name(self) -> str:
        return self.current.name

    def at(self, instant: dt.datetime) -> Policy:
        chosen = self.versions[0][1]
        for effective, policy in self.versions:
            if effective <= instant:
                chosen = policy
            else:
                break
        return chosen
