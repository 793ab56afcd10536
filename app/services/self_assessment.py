"""The annual self-assessment against the Complaint Handling Code (DOMAIN_RULES.md §7).

The Code's sections are data (resources/oversight/self_assessment.toml): number, title, what
evidence shows compliance, and the reports that provide it. A manager records a status and a
comment per section per year (table ``self_assessment``); auditors read it; both export it as CSV.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

from app.errors import ConflictError, ValidationError
from app.paths import resources_dir
from app.services.access import Do, require
from app.services.cases import log_action
from app.services.workspace import Workspace
from app.store.models import SelfAssessmentEntry

STATUSES = {
    "not_started": "Not assessed yet",
    "complies": "Complies",
    "partly": "Partly complies",
    "does_not_comply": "Does not comply",
}
REPORTS = (
    "team_view",
    "findings",
    "ombudsman_orders",
    "self_assessment",
    "approval_queue",
    "weekly_complaints_pack",
    "tsm_report",
)
CSV_COLUMNS = ("year", "section", "title", "status", "comment", "evidence", "reports", "updated_by")
MAX_COMMENT = 4000


@dataclass(frozen=True)
class CodeSection:
    number: str
    title: str
    evidence: str
    reports: tuple[str, ...]


@dataclass(frozen=True)
class SectionStatus:
    section: CodeSection
    status: str
    comment: str
    updated_by: str | None
    version: int | None  # None: nothing recorded yet

    @property
    def status_text(self) -> str:
        return STATUSES[self.status]


def sections_path() -> Path:
    return resources_dir() / "oversight" / "self_assessment.toml"


def parse_sections(text: str) -> tuple[CodeSection, ...]:
    """The Code's sections from the TOML text, or ValidationError saying what is wrong."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"The self-assessment sections are not valid TOML: {exc}.") from exc
    raw = doc.get("section")
    if not isinstance(raw, list) or not raw:
        raise ValidationError("The self-assessment file names no [[section]].")
    out: list[CodeSection] = []
    for i, item in enumerate(raw, 1):
        missing = [k for k in ("number", "title", "evidence") if not str(item.get(k, "")).strip()]
        if missing:
            raise ValidationError(f"Section {i} of the self-assessment has no {missing[0]}.")
        reports = tuple(item.get("reports", ()))
        unknown = [r for r in reports if r not in REPORTS]
        if unknown:
            raise ValidationError(
                f"Section {item['number']} names an unknown report {unknown[0]!r}."
            )
        out.append(
            CodeSection(
                str(item["number"]), item["title"].strip(), item["evidence"].strip(), reports
            )
        )
    numbers = [s.number for s in out]
    if len(set(numbers)) != len(numbers):
        raise ValidationError("Two self-assessment sections share a number.")
    return tuple(out)


@lru_cache(maxsize=1)
def code_sections() -> tuple[CodeSection, ...]:
    return parse_sections(sections_path().read_text(encoding="utf-8"))


def _check_year(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError(
            f"The self-assessment year must be between 2000 and 2100; got {year!r}."
        )


def self_assessment(ws: Workspace, year: int) -> list[SectionStatus]:
    """Every section of the Code with the status and comment recorded for ``year``."""
    _check_year(year)
    with ws.db.read() as s:
        require(s, Do.OVERSIGHT)
        saved = {
            e.section: e
            for e in s.scalars(select(SelfAssessmentEntry).where(SelfAssessmentEntry.year == year))
        }
        out = []
        for sec in code_sections():
            e = saved.get(sec.number)
            out.append(
                SectionStatus(
                    sec,
                    e.status if e else "not_started",
                    e.comment if e else "",
                    e.updated_by if e else None,
                    e.version if e else None,
                )
            )
        return out


def save_section(
    ws: Workspace,
    year: int,
    number: str,
    status: str,
    comment: str = "",
    expected_version: int | None = None,
) -> SectionStatus:
    """Record a section's status and comment for ``year``. ``expected_version`` (None when the
    section had nothing recorded) refuses a stale edit."""
    _check_year(year)
    section = next((sec for sec in code_sections() if sec.number == number), None)
    if section is None:
        raise ValidationError(f"The Code has no section {number!r} in the self-assessment.")
    if status not in STATUSES:
        raise ValidationError(f"Status must be one of {', '.join(STATUSES)}; got {status!r}.")
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError(f"Keep the comment under {MAX_COMMENT} characters.")
    with ws.db.write() as s:
        require(s, Do.SELF_ASSESS)
        entry = s.scalar(
            select(SelfAssessmentEntry).where(
                SelfAssessmentEntry.year == year, SelfAssessmentEntry.section == number
            )
        )
        current = entry.version if entry else None
        if expected_version != current:
            raise ConflictError(
                f"Section {number} was changed by {entry.updated_by if entry else 'someone'} "
                "since you opened it; reload and try again."
            )
        if entry is None:
            entry = SelfAssessmentEntry(year=year, section=number)
            s.add(entry)
        entry.status = status
        entry.comment = comment
        entry.updated_by = ws.actor.username
        entry.device = ws.actor.device
        s.flush()
        log_action(s, ws, "self_assessment", "self_assessment", f"{year}/{number}", status=status)
        return SectionStatus(section, status, comment, ws.actor.username, entry.version)


def export_self_assessment(ws: Workspace, year: int, path: Path) -> int:
    """Write the year's self-assessment to ``path`` as CSV; returns the number of sections."""
    rows = self_assessment(ws, year)
    try:
        fh = path.open("w", newline="", encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    with fh:
        out = csv.writer(fh)
        out.writerow(CSV_COLUMNS)
        for r in rows:
            out.writerow(
                (
                    year,
                    r.section.number,
                    r.section.title,
                    r.status_text,
                    r.comment,
                    r.section.evidence,
                    " ".join(r.section.reports),
                    r.updated_by or "",
                )
            )
    return len(rows)
