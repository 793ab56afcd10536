"""Rent arrears and possession safeguards as policy data (DOMAIN_RULES.md §5b, seed 003).

The older flat keys of ``[possession]`` (``require_account_check``,
``require_vulnerability_assessment``, ``require_approval``) stay on the policy itself; this
module reads the rest: who approves proceedings, how fast, the pre-action checklist, and when an
arrears case is near the NOSP trigger and reviewed monthly. Every key is optional so that policy
versions saved before they existed still load, with the defaults below.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.policy_schema import Table

APPROVER_ROLES = ("manager", "admin")

# The pre-action protocol for possession claims based on rent arrears, in plain words.
PRE_ACTION = (
    "Contacted the resident about the arrears and their circumstances",
    "Sent rent statements for the arrears period",
    "Offered an affordable repayment arrangement",
    "Signposted benefits, debt and money advice",
    "Checked for outstanding benefit claims before any action",
)


@dataclass(frozen=True)
class PossessionRules:
    approver_role: str = "manager"  # the Head of Housing's role in Doorstep
    approval_wd: int = 5  # the approver decides a request within this many WD
    require_pre_action: bool = True
    pre_action: tuple[str, ...] = PRE_ACTION
    nosp_trigger: Decimal = Decimal("500.00")  # arrears at which a NOSP is considered
    review_margin_percent: int = 20  # within this share below the trigger: reviewed monthly
    review_months: int = 1

    def near_trigger(self, balance: Decimal) -> bool:
        floor = self.nosp_trigger * (100 - self.review_margin_percent) / 100
        return balance >= floor


def parse_possession_rules(table: Table) -> PossessionRules:
    """The optional keys of ``[possession]`` (the caller reads the flat flags and calls done())."""
    d = PossessionRules()
    role = table.text("approver_role", required=False, choices=APPROVER_ROLES)
    wd = table.whole("approval_wd", required=False, low=1, high=60)
    pre = table.texts("pre_action", required=False)
    trigger = table._get("nosp_trigger", False)
    if trigger is not None and (
        isinstance(trigger, bool) or not isinstance(trigger, int | float) or not 0 < trigger < 1e7
    ):
        table.fail("nosp_trigger", f"must be an amount in pounds above 0, got {trigger!r}")
    margin = table.whole("review_margin_percent", required=False, low=0, high=99)
    months = table.whole("review_months", required=False, low=1, high=12)
    return PossessionRules(
        approver_role=role or d.approver_role,
        approval_wd=wd or d.approval_wd,
        require_pre_action=table.flag("require_pre_action", d.require_pre_action),
        pre_action=pre or d.pre_action,
        nosp_trigger=d.nosp_trigger
        if trigger is None
        else Decimal(str(trigger)).quantize(Decimal("0.01")),
        review_margin_percent=d.review_margin_percent if margin is None else margin,
        review_months=months or d.review_months,
    )
