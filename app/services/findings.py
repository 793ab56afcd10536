"""Findings across all cases: the whole-database audit (app/services/auditing.py), streamed a
batch of cases at a time, grouped by finding code, officer and month, and exported to CSV.

Memory stays flat however many cases there are: each batch is read, audited and dropped
before the next (keyset pagination on the case reference). Oversight only (``Do.OVERSIGHT``).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.errors import ValidationError
from app.services.auditing import audit_history
from app.services.stream import iter_case_histories
from app.services.workspace import Workspace

BATCH = 500
CSV_COLUMNS = ("case", "officer", "code", "date", "month", "events", "detail")


@dataclass(frozen=True)
class FindingLine:
    ref: str
    officer: str  # username holding the case
    code: str
    date: dt.date  # the day it became a failure
    events: tuple[str, ...]
    detail: str

    @property
    def month(self) -> str:
        return f"{self.date:%Y-%m}"

    def csv_row(self) -> tuple[str, ...]:
        return (
            self.ref,
            self.officer,
            self.code,
            self.date.isoformat(),
            self.month,
            " ".join(self.events),
            self.detail,
        )


def iter_findings(
    ws: Workspace,
    as_of: dt.date | None = None,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
) -> Iterator[FindingLine]:
    """Every finding of every case, case by case in reference order; ``progress`` is told how
    many cases have been audited after each batch (and may raise to cancel)."""
    as_of = as_of or ws.today()
    done = 0
    for histories in iter_case_histories(ws, batch):
        for h in histories:
            report = audit_history(ws, h, as_of)
            for f in report.findings:
                yield FindingLine(h.ref, h.info.officer, f.code, f.date, f.events, f.detail)
        done += len(histories)
        if progress is not None:
            progress(done)


@dataclass(frozen=True)
class FindingGroups:
    as_of: dt.date
    cases: int  # cases with at least one finding
    total: int
    by_code: tuple[tuple[str, int], ...]  # most frequent first
    by_officer: tuple[tuple[str, int], ...]
    by_month: tuple[tuple[str, int], ...]  # oldest month first
    by_code_officer_month: tuple[tuple[str, str, str, int], ...]
    lines: tuple[FindingLine, ...]  # every finding, to open its case


def group_findings(
    ws: Workspace,
    as_of: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> FindingGroups:
    """The whole-database audit grouped by code, officer and month."""
    as_of = as_of or ws.today()
    lines = tuple(iter_findings(ws, as_of, progress=progress))
    return summarise(lines, as_of)


def _ranked(counter: Counter) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def summarise(lines: tuple[FindingLine, ...], as_of: dt.date) -> FindingGroups:
    triples = Counter((f.code, f.officer, f.month) for f in lines)
    return FindingGroups(
        as_of=as_of,
        cases=len({f.ref for f in lines}),
        total=len(lines),
        by_code=_ranked(Counter(f.code for f in lines)),
        by_officer=_ranked(Counter(f.officer for f in lines)),
        by_month=tuple(sorted(Counter(f.month for f in lines).items())),
        by_code_officer_month=tuple(
            (code, officer, month, n) for (code, officer, month), n in sorted(triples.items())
        ),
        lines=lines,
    )


@dataclass(frozen=True)
class FindingsExport:
    path: Path
    findings: int
    cases: int  # cases with findings
    audited: int  # cases audited
    by_code: tuple[tuple[str, int], ...]


def export_findings_csv(
    ws: Workspace,
    path: Path,
    as_of: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> FindingsExport:
    """Write every finding across all cases to ``path`` (one row a finding, columns
    CSV_COLUMNS), streaming: only a batch of cases is held at a time."""
    audited = 0

    def seen(n: int) -> None:
        nonlocal audited
        audited = n
        if progress is not None:
            progress(n)

    codes: Counter = Counter()
    refs: set[str] = set()
    n = 0
    tmp = path.with_name(path.name + ".part")
    try:
        fh = tmp.open("w", newline="", encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    try:
        with fh:
            out = csv.writer(fh)
            out.writerow(CSV_COLUMNS)
            for line in iter_findings(ws, as_of, progress=seen):
                out.writerow(line.csv_row())
                codes[line.code] += 1
                refs.add(line.ref)
                n += 1
        tmp.replace(path)
    except BaseException:  # cancelled or failed: no half-written file left behind
        tmp.unlink(missing_ok=True)
        raise
    return FindingsExport(path, n, len(refs), audited, _ranked(codes))
