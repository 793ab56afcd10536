"""The work behind each `doorstep` command (app/cli.py parses; this runs)."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.domain.calendar import CalendarRangeError, today_london
from app.domain.events import BundleError
from app.errors import DoorstepError, ValidationError
from app.paths import default_database, demo_database
from app.services.views import countdown_text


class CommandUsageError(Exception):
    """Wrong arguments discovered after parsing (exit 2)."""


def emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n")


def _target(args) -> str:
    return args.db if getattr(args, "db", None) else str(default_database())


# Said on a terminal before opening does work that takes a while (opening_work).
OPENING_WORK = {
    "check": "doorstep: checking {name} for damage first (weekly, and after a change outside "
    "Doorstep)…",
    "upgrade": "doorstep: upgrading {name} for this version of Doorstep; a copy is kept as it was…",
}


def _open(args, create: bool = True):
    from app.services.workspace import Actor, open_workspace, opening_work

    target = _target(args)
    if sys.stderr.isatty():  # a person waiting; scripts and pipes get no extra lines
        for work in opening_work(target):
            print(OPENING_WORK[work].format(name=Path(target).name), file=sys.stderr, flush=True)
    return open_workspace(target, actor=Actor.local(getattr(args, "user", None)), create=create)


def _workspace(args, create: bool = True):
    """The database, with who is acting settled (signed in where the database asks for it)."""
    from app.cli_people import sign_in_for_command

    ws = _open(args, create)
    try:
        sign_in_for_command(ws, getattr(args, "user", None))
    except BaseException:
        ws.close()
        raise
    return ws


def _registry(args):
    """Policies: the database's when --db is given, else the shipped files."""
    from app.store.policies import PolicyRegistry

    if getattr(args, "db", None):
        ws = _workspace(args, create=False)
        try:
            return ws.registry
        finally:
            ws.close()
    return PolicyRegistry()


def _calendar(args):
    registry = _registry(args)
    name = getattr(args, "policy", None)
    if name is not None and name not in registry.names():
        raise CommandUsageError(f"unknown policy {name!r}; known: {', '.join(registry.names())}")
    return registry.get(name).calendar


def cmd_due(args) -> int:
    try:
        print(_calendar(args).add_working_days(args.start, args.n).isoformat())
    except CalendarRangeError as exc:
        raise CommandUsageError(str(exc)) from None
    return 0


def cmd_wd(args) -> int:
    try:
        print(_calendar(args).working_days_between(args.a, args.b))
    except CalendarRangeError as exc:
        raise CommandUsageError(str(exc)) from None
    return 0


def _read_json(path: Path) -> Any:
    """A bundle file's JSON, decoded by the bundle reader (bounded depth and numbers)."""
    from app.domain.bundle import loads_document

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"{path}: no such file") from None
    except OSError as exc:
        raise ValidationError(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    try:
        return loads_document(data, str(path))
    except BundleError as exc:
        raise ValidationError(str(exc)) from None


def cmd_import(args) -> int:
    from app.services.bundles import import_bundle

    def refuse(path: Path, exc: Exception) -> None:
        msg = str(exc)
        print(
            f"doorstep: {msg if msg.startswith(str(path)) else f'{path}: {msg}'}", file=sys.stderr
        )

    # Files are read (and their JSON decoded) before the database is opened: when none can be
    # read, nothing is opened, and no database is made at a new path.
    # A folder or a JSON-lines file is read a batch at a time, through the bulk path.
    docs: list[tuple[Path, Any]] = []
    many: list[Path] = []
    failures = 0
    for path in args.bundles:
        try:
            if path.is_dir() or path.suffix.lower() == ".jsonl":
                if not path.exists():
                    raise ValidationError(f"{path}: no such file")
                many.append(path)
                continue
            docs.append((path, _read_json(path)))
        except DoorstepError as exc:
            failures += 1
            refuse(path, exc)
    results: list[dict[str, Any]] = []
    if docs or many:
        ws = _workspace(args)
        try:
            for path in many:
                failures += _import_many(ws, path, args, results)
            for path, doc in docs:
                try:
                    r = import_bundle(ws, doc, merge=args.merge)
                except (DoorstepError, BundleError) as exc:
                    failures += 1
                    refuse(path, exc)
                    continue
                results.append(
                    {
                        "file": str(path),
                        "case": r.ref,
                        "created": r.created,
                        "events_added": r.events_added,
                    }
                )
                if not args.json:
                    verb = "Imported" if r.created else "Merged"
                    print(f"{verb} {r.ref} from {path} ({r.events_added} events)")
        finally:
            ws.close()
    if args.json:
        emit(results)
    return 1 if failures else 0


def _import_many(ws, path: Path, args, results: list) -> int:
    """A folder of bundles or a JSON-lines file, in batches (services/bulk.py); a progress
    line on stderr after each batch; returns how many bundles were refused."""
    import time

    from app.services.bulk import import_sources, sources_in

    started = time.perf_counter()
    tty = sys.stderr.isatty()

    def progress(done: int, refused: int) -> None:
        rate = done / max(time.perf_counter() - started, 1e-9)
        line = f"import: {done:,} bundles imported, {refused:,} refused ({rate:,.0f} a second)"
        print(f"\r{line}" if tty else line, end="" if tty else "\n", file=sys.stderr, flush=True)

    outcome = import_sources(
        ws, sources_in(path), merge=args.merge, progress=progress, workers=args.workers
    )
    if tty:
        print(file=sys.stderr)
    for where, reason in outcome.refused:
        print(f"doorstep: {where}: {reason}", file=sys.stderr)
    for where, r in outcome.imported:
        results.append(
            {"file": where, "case": r.ref, "created": r.created, "events_added": r.events_added}
        )
    if not args.json:
        events = sum(r.events_added for _, r in outcome.imported)
        merged = len(outcome.imported) - outcome.cases
        print(
            f"Imported {outcome.cases:,} cases"
            + (f" and merged {merged:,}" if merged else "")
            + f" from {path} ({events:,} events) in {outcome.seconds:.1f} s"
            + (f"; {len(outcome.refused):,} refused" if outcome.refused else "")
            + (
                f"; {outcome.batches_by_workers:,} batches checked in worker processes"
                if outcome.batches_by_workers
                else ""
            )
        )
    return len(outcome.refused)


def cmd_import_csv(args) -> int:
    from app.services import csv_import as ci
    from app.store.database import to_url

    try:
        mapping = ci.load_mapping(args.mapping)
        export = ci.read_export(args.file)
        ci.check_columns(mapping, export)
    except ci.MappingError as exc:
        for problem in exc.problems:
            print(f"doorstep: {problem}", file=sys.stderr)
        return 2
    path = to_url(_target(args))[1]
    # A dry run against a database not made yet plans against an empty one and makes none.
    if args.dry_run and path is not None and not path.exists():
        ws = None
    else:
        ws = _workspace(args, create=not args.dry_run)
    try:
        plan = ci.plan_import(ws, mapping, export)
        summary = plan.summary()
        if not args.dry_run:
            every = ci.PROGRESS_EVERY
            big = len(plan.cases) >= every

            def progress(done: int, total: int) -> None:
                if big and (done % every < ci.BATCH or done == total):
                    print(f"import-csv: {done} of {total} cases imported", file=sys.stderr)

            outcome = ci.run_import(ws, plan, progress)
            summary = plan.summary()
            del summary["officers_to_create"]
            summary["officers_created"] = outcome.officers_created
    finally:
        if ws is not None:
            ws.close()
    if args.json:
        emit(summary | {"dry_run": args.dry_run})
    else:
        print("\n".join(ci.report_lines(summary, args.dry_run)))
    return 1 if summary["refused_rows"] else 0


def cmd_export(args) -> int:
    from app.paths import write_whole
    from app.services.bundles import export_bundle

    if args.out and not args.out.parent.is_dir():  # before opening anything
        raise ValidationError(f"There is no folder {args.out.parent}; nothing was written.")
    ws = _workspace(args, create=False)
    try:
        doc = export_bundle(ws, args.ref)
    finally:
        ws.close()
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    if args.out:
        write_whole(args.out, text.encode("utf-8"))
        print(f"Wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def _print_report(report) -> None:
    n = len(report.findings)
    print(
        f"{report.case}: {n} finding{'s' if n != 1 else ''} as of {report.as_of} ({report.policy})"
    )
    for f in report.findings:
        print(f"  {f.date}  {f.code:<27} [{', '.join(f.events)}] {f.detail}")


def cmd_audit(args) -> int:
    from app.services.auditing import audit_document

    as_of = args.as_of or today_london()
    if args.all == bool(args.bundles):
        raise CommandUsageError("give bundle files or --all (not both)")
    if args.csv is not None:
        if not args.all:
            raise CommandUsageError("--csv needs --all (findings across the whole database)")
        return _audit_all_csv(args, as_of)
    if args.all:
        return _audit_all(args, as_of)
    else:
        registry = _registry(args)
        reports = []
        for p in args.bundles:
            try:
                reports.append(audit_document(_read_json(p), registry, as_of))
            except DoorstepError as exc:
                msg = str(exc)
                raise ValidationError(msg if msg.startswith(str(p)) else f"{p}: {msg}") from None
    if args.json:
        docs = [r.to_dict() for r in reports]
        emit(docs[0] if len(docs) == 1 and not args.all else docs)
    else:
        for r in reports:
            _print_report(r)
    return 1 if any(r.findings for r in reports) else 0


def _audit_all(args, as_of) -> int:
    """Every case's audit, printed as it is worked out (the database is read a batch of cases
    at a time, so memory stays flat however many cases there are)."""
    from app.services.auditing import iter_audit

    ws = _workspace(args, create=False)
    found = False
    n = 0
    try:
        if args.json:
            sys.stdout.write("[")
        for n, r in enumerate(iter_audit(ws, as_of), start=1):
            found = found or bool(r.findings)
            if args.json:  # the same text as emit() of the whole list
                text = json.dumps(r.to_dict(), indent=1, ensure_ascii=False, default=str)
                sys.stdout.write(("\n" if n == 1 else ",\n") + textwrap.indent(text, " "))
            else:
                _print_report(r)
        if args.json:
            sys.stdout.write("\n]\n" if n else "]\n")
    finally:
        ws.close()
    return 1 if found else 0


def _audit_all_csv(args, as_of) -> int:
    """`audit --all --csv FILE`: every finding across the database, streamed to a CSV file, and
    a summary by finding code (no case details on the terminal)."""
    from app.services.findings import export_findings_csv

    ws = _workspace(args, create=False)
    try:
        result = export_findings_csv(ws, args.csv, as_of)
    finally:
        ws.close()
    if args.json:
        emit(
            {
                "file": str(result.path),
                "as_of": as_of.isoformat(),
                "audited": result.audited,
                "cases_with_findings": result.cases,
                "findings": result.findings,
                "by_code": dict(result.by_code),
            }
        )
    else:
        n = result.findings
        print(
            f"Wrote {result.path}: {n} finding{'s' if n != 1 else ''} in {result.cases} of "
            f"{result.audited} cases as of {as_of}"
        )
        for code, count in result.by_code:
            print(f"  {code:<27} {count}")
    return 1 if result.findings else 0


def _inbox_json(r) -> dict:
    return {
        "case": r.ref,
        "resident": r.resident,
        "kind": r.kind,
        "risk": r.risk_tier,
        "officer": r.officer,
        "status": r.status,
        "deadline": r.next_kind,
        "owed": r.next_label,
        "due": r.due.isoformat() if r.due else None,
        "wd_left": r.wd_left,
    }


def emit_stream(items) -> None:
    """Write a JSON list as ``emit`` would, one item at a time (flat memory for any length)."""
    out, first = sys.stdout, True
    for item in items:
        text = json.dumps(item, indent=1, ensure_ascii=False, default=str)
        out.write(("[\n " if first else ",\n ") + text.replace("\n", "\n "))
        first = False
    out.write("[]\n" if first else "\n]\n")


def cmd_inbox(args) -> int:
    from app.services.inbox import iter_inbox, list_inbox

    ws = _workspace(args, create=False)
    try:
        as_of = args.as_of or ws.today()
        if args.json and args.limit is None:  # every case: streamed a page at a time
            emit_stream(_inbox_json(r) for r in iter_inbox(ws, officer=args.officer, as_of=as_of))
            return 0
        rows = list_inbox(ws, officer=args.officer, as_of=as_of, limit=args.limit)
    finally:
        ws.close()
    if args.json:
        emit([_inbox_json(r) for r in rows])
        return 0
    for r in rows:
        due = r.due.isoformat() if r.due else "-"
        print(
            f"{r.ref:<16} {r.kind:<9} {due:<10} {countdown_text(r.wd_left):<14} "
            f"{(r.next_label or 'nothing due')[:40]:<40} {r.officer}"
        )
    return 0


def cmd_search(args) -> int:
    from app.services.search import search

    ws = _workspace(args, create=False)
    try:
        hits = search(ws, " ".join(args.text), limit=args.limit)
    finally:
        ws.close()
    if args.json:
        emit(
            [
                {
                    "case": h.ref,
                    "resident": h.resident,
                    "kind": h.kind,
                    "where": h.where,
                    "event": h.event_id,
                    "snippet": h.snippet_text(),
                }
                for h in hits
            ]
        )
        return 0
    for h in hits:
        where = "case" if h.where == "case" else f"entry {h.event_id}"
        print(f"{h.ref:<16} {h.resident[:24]:<24} {where:<16} {h.snippet_text()}")
    if not hits:
        print("No matches.")
    return 0


def cmd_letter(args) -> int:
    from app.letters.merge import MergeError
    from app.letters.templates import template_names

    names = template_names()
    if args.list:
        if args.ref or args.template:
            raise CommandUsageError("--list takes no case or template")
        print("\n".join(names))
        return 0
    if not args.ref or not args.template:
        raise CommandUsageError("give the case reference and the template name (or --list)")
    if args.template not in names:
        raise CommandUsageError(
            f"unknown letter template {args.template!r}; see 'doorstep letter --list'"
        )
    from app.letters import letters as svc
    from app.letters.letters import render_for_case

    ws = _workspace(args, create=False)
    try:
        try:
            if args.fields:  # saved to the case's draft, which stays a draft
                svc.fill_details(ws, args.ref, args.template, dict(args.fields))
            data, gaps = render_for_case(
                ws, args.ref, args.template, large_print=args.large_print, text=args.text
            )
        except MergeError as exc:
            raise ValidationError(str(exc)) from None
    finally:
        ws.close()
    suffix = ".txt" if args.text else ".pdf"
    out = args.out or Path(f"{args.ref.replace('/', '-')}-{args.template}{suffix}")
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise ValidationError(f"{out}: cannot be written ({exc.strerror or exc})") from None
    print(f"Wrote {out} (DRAFT)")
    if gaps:
        print("To fill before it can be finalised (marked [TO FILL] in the letter):")
        print("\n".join(f"  - {g}" for g in gaps))
    return 0


def cmd_demo(args) -> int:
    from app.demo.database import create_demo_database

    path = Path(args.db) if getattr(args, "db", None) else demo_database()
    created = create_demo_database(path, n_cases=args.cases, seed=args.seed)
    print(created)
    return 0


def cmd_gui(args) -> int:
    launch = getattr(args, "launch_gui", None)
    if launch is None:
        raise CommandUsageError("the desktop app cannot be opened from here; run `doorstep` itself")
    db, user = getattr(args, "db", None), getattr(args, "user", None)
    if getattr(args, "quit_after_load", False):
        return launch(db, user, quit_after_load=True)
    return launch(db, user)


def cmd_verify_trail(args) -> int:
    from app.services.trail import verify_trail

    ws = _workspace(args, create=False)
    try:
        check = verify_trail(ws)
    finally:
        ws.close()
    if not check.ok:
        print(f"doorstep: {check.problem}", file=sys.stderr)
        return 1
    print(f"{check.entries} entr{'y' if check.entries == 1 else 'ies'} verified")
    return 0


def cmd_backup(args) -> int:
    from app.services.backups import PostgresBackup, backup

    ws = _workspace(args, create=False)
    try:
        out = backup(ws, args.out)
    except PostgresBackup as exc:
        raise CommandUsageError(str(exc)) from None
    finally:
        ws.close()
    print(f"Wrote {out} (verified)")
    return 0


def cmd_restore(args) -> int:
    from app.services.backups import PostgresBackup, restore

    try:
        kept = restore(_target(args), args.file)
    except PostgresBackup as exc:
        raise CommandUsageError(str(exc)) from None
    print(f"Restored {_target(args)} from {args.file}")
    if kept is not None:
        print(f"The database it replaced is kept as {kept}")
    return 0


def cmd_encrypt(args) -> int:
    from app.services.encryption import database_path, encrypt_database

    try:
        path = database_path(_target(args))
    except ValidationError as exc:
        raise CommandUsageError(str(exc)) from None
    done = encrypt_database(path)
    where = "in this computer's keyring" if done.in_keyring else "only in DOORSTEP_DB_KEY"
    head = f"{path} was already encrypted" if done.already else f"Encrypted {path}"
    print(
        f"{head} (key {done.fingerprint}, kept {where}); {done.files_sealed} file(s) sealed, "
        f"{done.backups_encrypted} backup(s) encrypted; no plain copy is left."
    )
    if not done.already:
        print(
            "Export the key now and keep it safe: doorstep key export --out FILE", file=sys.stderr
        )
    return 0


def cmd_key(args) -> int:
    from app.services.encryption import KEY_WARNING, database_path, export_key, import_key

    file = args.out or args.file
    if file is None:
        need = "--out FILE" if args.action == "export" else "the key FILE"
        raise CommandUsageError(f"`key {args.action}` needs {need}")
    try:
        path = database_path(_target(args))
    except ValidationError as exc:
        raise CommandUsageError(str(exc)) from None
    if args.action == "export":
        fingerprint = export_key(path, file)
        print(f"Wrote the key of {path} (key {fingerprint}) to {file}, readable only by you.")
        print(f"Warning: {KEY_WARNING}", file=sys.stderr)
        return 0
    fingerprint, checked = import_key(path, file)
    note = "it opens the database" if checked else "no database there yet to check it against"
    print(f"Kept key {fingerprint} for {path} in this computer's keyring ({note}).")
    return 0


def cmd_user(args) -> int:
    from app.cli_people import cmd_user as run

    if args.action in ("add", "role", "disable", "reset") and not args.name:
        raise CommandUsageError(f"`user {args.action}` needs the person's username")
    if args.action == "role":
        args.role = args.new_role or args.role
    if args.action in ("add", "role") and not args.role:
        raise CommandUsageError(
            f"`user {args.action}` needs a role (officer, manager, admin, auditor)"
        )
    return run(args, _open, emit)


def cmd_server(args) -> int:
    if args.action == "run":
        from app.cli_sync import cmd_server_run

        return cmd_server_run(args, _open)
    from app.cli_people import cmd_server_init

    return cmd_server_init(args, _open)


def cmd_device(args) -> int:
    from app.cli_sync import cmd_device as run

    args.name = args.name if args.action == "revoke" else args.device_name
    return run(args, _open, _workspace, emit)


def cmd_sync(args) -> int:
    from app.cli_sync import cmd_sync as run

    return run(args, _open, emit)


def cmd_sar(args) -> int:
    from app.cli_privacy import cmd_sar as run

    return run(args, _workspace, CommandUsageError)


def cmd_retention(args) -> int:
    from app.cli_privacy import cmd_retention as run

    return run(args, _workspace, CommandUsageError, emit)


def cmd_report(args) -> int:
    from app.cli_reports import cmd_report as run

    return run(args, _workspace, CommandUsageError, emit)


def cmd_spotcheck(args) -> int:
    from app.cli_reports import cmd_spotcheck as run

    return run(args, _workspace, CommandUsageError, emit)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "due": cmd_due,
    "wd": cmd_wd,
    "import": cmd_import,
    "import-csv": cmd_import_csv,
    "export": cmd_export,
    "audit": cmd_audit,
    "inbox": cmd_inbox,
    "search": cmd_search,
    "letter": cmd_letter,
    "demo": cmd_demo,
    "gui": cmd_gui,
    "verify-trail": cmd_verify_trail,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "user": cmd_user,
    "encrypt": cmd_encrypt,
    "key": cmd_key,
    "server": cmd_server,
    "device": cmd_device,
    "sync": cmd_sync,
    "sar": cmd_sar,
    "retention": cmd_retention,
    "report": cmd_report,
    "spotcheck": cmd_spotcheck,
}
