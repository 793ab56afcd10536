"""Deadline engine: derive every promise owed on a case from its events."""

from app.domain.deadlines.engine import CaseDeadlines, derive
from app.domain.deadlines.model import (
    CLOSED,
    MET,
    ON_HOLD,
    OPEN,
    Deadline,
    Finding,
    Hold,
    missed,
    urgency,
)

__all__ = [
    "CLOSED",
    "MET",
    "ON_HOLD",
    "OPEN",
    "CaseDeadlines",
    "Deadline",
    "Finding",
    "Hold",
    "derive",
    "missed",
    "urgency",
]
