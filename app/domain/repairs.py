"""Repairs raised from a case (DOMAIN_RULES.md §6): the target date from the policy's priorities."""

from __future__ import annotations

import datetime as dt

from app.domain.policy import Policy


def repair_target(policy: Policy, raised: dt.date, priority: str) -> dt.date:
    """``raised`` plus the priority's working days (``[repairs.priorities]``)."""
    if priority not in policy.repair_priorities:
        known = ", ".join(policy.repair_priorities)
        raise ValueError(f"Unknown repair priority {priority!r}; the priorities are {known}.")
    return policy.calendar.add_working_days(raised, policy.repair_priorities[priority])
