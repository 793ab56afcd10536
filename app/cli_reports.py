"""`doorstep report tsm|complaints …` and `doorstep spotcheck …` (CLI.md; issue 16)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from app.errors import ValidationError


def add_parsers(add, iso_date) -> None:
    """The report and spotcheck commands (``add`` makes a subcommand with the common options)."""
    p = add("report", "the regulator's measures (tsm) or the weekly complaints pack (complaints)")
    p.add_argument("which", choices=["tsm", "complaints"])
    p.add_argument("--from", dest="start", type=iso_date, help="tsm: first day (default 1 April)")
    p.add_argument("--to", dest="end", type=iso_date, help="tsm: last day (default 31 March)")
    p.add_argument("--homes", help="tsm: homes owned (default: the organisation's setting)")
    p.add_argument("--week", type=iso_date, help="complaints: a day in the week (Mon–Sun)")
    p.add_argument("--out", type=Path, help="write the PDF here")
    p.add_argument("--csv", type=Path, help="write the CSV here")
    p = add("spotcheck", "draw and record a reproducible random sample of live cases per officer")
    p.add_argument(
        "--percent", help="share of each officer's live cases, 1–100 (default: the policy's, 10)"
    )
    p.add_argument("--seed", help="draw the same sample again (default: a new seed, recorded)")


def cmd_report(args, workspace, usage_error, emit) -> int:
    if args.which == "tsm":
        return _tsm(args, workspace, usage_error, emit)
    return _complaints(args, workspace, usage_error, emit)


def _usage(usage_error, call, *a) -> Any:
    """Bad input that is wrong arguments (a period back to front, homes ≤ 0): exit 2."""
    try:
        return call(*a)
    except ValidationError as exc:
        raise usage_error(str(exc)) from None


def _tsm(args, workspace, usage_error, emit) -> int:
    from app.domain.calendar import today_london
    from app.services.reports.common import period, reporting_year
    from app.services.reports.tsm import resolve_homes, tsm

    if args.week is not None:
        raise usage_error("--week goes with `report complaints`")
    default = reporting_year(today_london())
    start = args.start or (reporting_year(args.end).start if args.end else default.start)
    end = args.end or reporting_year(start).end
    per = _usage(usage_error, period, start, end)
    ws = workspace(args, create=False)
    try:
        homes = _usage(usage_error, resolve_homes, ws, args.homes)
        report = tsm(ws, per, homes)
        org = _organisation(ws)
    finally:
        ws.close()
    if args.csv:
        from app.services.reports.complaints_pack import csv_text, write_text

        rows = [("measure", "title", "value", "numerator", "denominator", "from", "to", "homes")]
        for m in report.measures:
            value = "" if m.value is None else f"{m.value:.1f}"
            rows.append(
                (
                    m.key,
                    m.title,
                    value,
                    str(m.numerator),
                    str(m.denominator),
                    per.start.isoformat(),
                    per.end.isoformat(),
                    str(report.homes),
                )
            )
        write_text(args.csv, csv_text(rows))
    if args.out:
        from app.letters.reports_pdf import tsm_pdf

        _write(args.out, tsm_pdf(report, org))
    if args.json:
        emit(report.to_dict())
        return 0
    print(f"Tenant Satisfaction Measures {per.start} to {per.end}, {report.homes:,} homes")
    for m in report.measures:
        print(f"{m.key:8} {m.value_text():>7}  {m.counts_text():<24} {m.title}")
    for path in (args.csv, args.out):
        if path:
            print(f"Wrote {path}", file=sys.stderr)
    return 0


def _complaints(args, workspace, usage_error, emit) -> int:
    from app.services.reports.complaints_pack import (
        complaints_pack,
        csv_text,
        pack_rows,
        write_text,
    )

    if args.week is None:
        raise usage_error("`report complaints` needs --week DATE (any day of the week)")
    for name in ("start", "end", "homes"):
        if getattr(args, name) is not None:
            raise usage_error("--from, --to and --homes go with `report tsm`")
    ws = workspace(args, create=False)
    try:
        pack = complaints_pack(ws, args.week)
        org = _organisation(ws)
    finally:
        ws.close()
    if args.out:
        from app.letters.reports_pdf import pack_pdf

        _write(args.out, pack_pdf(pack, org))
    if args.csv:
        write_text(args.csv, csv_text(pack_rows(pack)))
    if args.json:
        rows = pack_rows(pack)
        emit(
            {
                "week": [pack.week.start.isoformat(), pack.week.end.isoformat()],
                "as_at": pack.as_at.isoformat(),
                "summary": dict(pack.summary()),
                "rows": [dict(zip(rows[0], r, strict=True)) for r in rows[1:]],
            }
        )
        return 0
    print(f"Weekly complaints pack, week {pack.week.start} to {pack.week.end} (as at {pack.as_at})")
    for label, value in pack.summary():
        print(f"  {label}: {value}")
    for path in (args.out, args.csv):
        if path:
            print(f"Wrote {path}", file=sys.stderr)
    return 0


def _organisation(ws):
    from app.letters.organisation import get_organisation

    return get_organisation(ws)


def _write(path: Path, data: bytes) -> None:
    from app.errors import StorageError

    try:
        path.write_bytes(data)
    except OSError as exc:
        raise StorageError(f"Could not write {path}: {exc.strerror or exc}.") from exc


def cmd_spotcheck(args, workspace, usage_error, emit) -> int:
    from app.services.reports.spotcheck import check_percent, check_seed, draw_spot_check

    percent = None if args.percent is None else _usage(usage_error, check_percent, args.percent)
    seed = None if args.seed is None else _usage(usage_error, check_seed, args.seed)
    ws = workspace(args, create=False)
    try:
        check = draw_spot_check(ws, percent, seed)
    finally:
        ws.close()
    if args.json:
        emit(check.to_dict())
        return 0
    print(
        f"Spot check of {len(check.items)} of {check.population} live cases "
        f"({check.percent}% per officer, seed {check.seed}); recorded for the checklist."
    )
    for item in check.items:
        auto = ", ".join(f"{k.replace('_', ' ')}: {v['result']}" for k, v in item.auto.items())
        print(f"{item.ref:<16} {item.officer:<16} {auto}")
    return 0
