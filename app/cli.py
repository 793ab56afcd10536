"""`doorstep`: the command line (CLI.md). With no command it opens the desktop app.

Exit status: 0 success, 1 findings or rejected input, 2 wrong arguments, 3 not allowed
(sign-in failed, or the acting person's role may not do it).
Errors are one sentence on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from app import cli_commands as cmd
from app.cli_reports import add_parsers as add_report_parsers
from app.errors import DoorstepError, PermissionDenied


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a valid date (use YYYY-MM-DD)") from None


def whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} must not be negative")
    return value


def field_value(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not FIELD=VALUE")
    return name.strip(), value


def _common(p: argparse.ArgumentParser, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    p.add_argument("--db", default=default, help="database path or postgresql+psycopg:// URL")
    p.add_argument("--json", action="store_true", default=False if top else argparse.SUPPRESS)
    p.add_argument(
        "--user", "--as", dest="user", default=default, help="act as this person (DOORSTEP_USER)"
    )


def build_parser() -> Parser:
    parser = Parser(prog="doorstep", description="Doorstep: case workbench for housing officers.")
    _common(parser, True)
    sub = parser.add_subparsers(dest="command", parser_class=Parser)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _common(p, False)
        return p

    p = add("gui", "open the desktop app")
    p.add_argument(
        "--quit-after-load",
        action="store_true",
        help="start-up check: open the window, wait for the inbox, print the start-up time, exit",
    )
    p = add("demo", "create a database with invented demo data and print its path")
    p.add_argument("--cases", type=whole, default=200)
    p.add_argument("--seed", type=int, default=2026)
    p = add("due", "print the date N working days after START")
    p.add_argument("start", type=iso_date)
    p.add_argument("n", type=whole)
    p.add_argument("--policy")
    p = add("wd", "print the working days after A up to and including B")
    p.add_argument("a", type=iso_date)
    p.add_argument("b", type=iso_date)
    p.add_argument("--policy")
    p = add("import", "import case bundles (all or nothing per bundle)")
    p.add_argument(
        "bundles", nargs="+", type=Path, help="bundle files, folders of them, or .jsonl files"
    )
    p.add_argument("--merge", action="store_true", help="add new events to an existing case")
    p.add_argument(
        "--workers",
        type=whole,
        help="processes that check the next batches while one is written "
        "(default: two on a machine with two or more cores, for more than 1,000 bundles; 0: none)",
    )
    p = add("import-csv", "bring a caseload export (CSV, TSV or JSON rows) in through a mapping")
    p.add_argument("file", type=Path)
    p.add_argument("--map", dest="mapping", type=Path, required=True, help="column mapping (TOML)")
    p.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
    p = add("export", "print the case bundle of REF")
    p.add_argument("ref")
    p.add_argument("--out", type=Path)
    p = add("audit", "report findings (DOMAIN_RULES.md §8); exit 1 when there are findings")
    p.add_argument("bundles", nargs="*", type=Path)
    p.add_argument("--all", action="store_true")
    p.add_argument("--as-of", type=iso_date)
    p.add_argument(
        "--csv", type=Path, help="with --all: write every finding to FILE (streamed) and summarise"
    )
    p = add(
        "search",
        "full-text search over case refs, resident names and contact summaries, best first",
    )
    p.add_argument("text", nargs="+")
    p.add_argument("--limit", type=whole, default=50)
    p = add("letter", "render a letter for a case to PDF; --list prints the template names")
    p.add_argument("ref", nargs="?")
    p.add_argument("template", nargs="?")
    p.add_argument("--out", type=Path, help="file to write (default REF-TEMPLATE.pdf)")
    p.add_argument("--list", action="store_true", help="print the template names, one a line")
    p.add_argument("--large-print", action="store_true", help="set every text at 16 pt or more")
    p.add_argument("--text", action="store_true", help="write the plain-text copy instead of a PDF")
    p.add_argument(
        "--set",
        dest="fields",
        action="append",
        default=[],
        type=field_value,
        metavar="FIELD=VALUE",
        help="fill a detail of the case's draft (saved; the letter stays a DRAFT), e.g. "
        "--set promise.agreed=2026-12-08",
    )
    add(
        "verify-trail", "check the tamper-evident audit trail; exit 1 naming the first broken entry"
    )
    p = add("backup", "write a verified copy of the database")
    p.add_argument("--out", type=Path, help="file to write (default: backups/ beside the database)")
    p = add("restore", "replace the database with a verified backup (the current one is kept)")
    p.add_argument("file", type=Path)
    p = add(
        "user", "manage people: add, list, role, disable, reset (a password), password (your own)"
    )
    p.add_argument("action", choices=["add", "list", "role", "disable", "reset", "password"])
    p.add_argument("name", nargs="?", help="the person's username")
    p.add_argument("new_role", nargs="?", metavar="ROLE", help="for `user role NAME ROLE`")
    p.add_argument("--role", help="for `user add`: officer, manager, admin or auditor")
    p.add_argument("--full-name", help="the person's name as letters and the history show it")
    p.add_argument("--team")
    p = add(
        "server",
        "team server: `server init` prepares a database (schema, first admin); "
        "`server run` is the sync service the laptops sync with",
    )
    p.add_argument("action", choices=["init", "run"])
    p.add_argument("--host", help="for `server run`: the address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, help="for `server run`: the port (8750)")
    p.add_argument("--full-name", help="the first admin's name")
    p.add_argument(
        "--app-role",
        help="PostgreSQL: the role the app connects as, given only the privileges it needs "
        "(made if missing; its password from DOORSTEP_APP_PASSWORD)",
    )
    p = add(
        "device",
        "this laptop and the team server: `device enrol --server URL` (once); on the server, "
        "`device list` and `device revoke NAME`",
    )
    p.add_argument("action", choices=["enrol", "list", "revoke"])
    p.add_argument("name", nargs="?", help="for `device revoke`: the laptop's name or id")
    p.add_argument("--server", help="for `device enrol`: the sync service, e.g. http://host:8750")
    p.add_argument("--name", dest="device_name", help="for `device enrol`: this laptop's name")
    p = add("sync", "push this laptop's changes to the team server and pull the team's")
    p.add_argument("--server", help="the sync service's new address (kept for next time)")
    p = add("sar", "subject access export: everything held about a resident, in one zip")
    p.add_argument("subject", metavar="NAME_OR_REF", help="the resident's name or a case ref")
    p.add_argument("--out", type=Path, required=True, help="the zip to write (must not exist)")
    p = add("retention", "closed cases past their retention period; --delete them with a reason")
    p.add_argument("--as-of", type=iso_date, help="list as on this date (default today)")
    p.add_argument("--delete", nargs="+", metavar="REF", help="delete these listed cases")
    p.add_argument("--reason", help="why they are deleted (kept in the trail)")
    add("encrypt", "encrypt this laptop's database (SQLCipher); the key goes in the keyring")
    p = add("key", "the encrypted database's key: `key export --out FILE`, `key import FILE`")
    p.add_argument("action", choices=["export", "import"])
    p.add_argument("file", nargs="?", type=Path, help="the key file to write or read")
    p.add_argument("--out", type=Path, help="for `key export`: the file to write (owner-only)")
    p = add("inbox", "open cases ordered by next due deadline")
    p.add_argument("--officer")
    p.add_argument("--as-of", type=iso_date)
    p.add_argument("--limit", type=whole)
    add_report_parsers(add, iso_date)
    return parser


def main(
    argv: Sequence[str] | None = None,
    launch_gui: Callable[..., int] | None = None,
) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(f"doorstep: {exc} (see 'doorstep --help')", file=sys.stderr)
        return 2
    command = args.command or "gui"
    args.launch_gui = launch_gui
    try:
        return cmd.COMMANDS[command](args)
    except cmd.CommandUsageError as exc:
        print(f"doorstep: {exc}", file=sys.stderr)
        return 2
    except PermissionDenied as exc:  # sign-in failed, or the role may not do it
        print(f"doorstep: {exc}", file=sys.stderr)
        return 3
    except DoorstepError as exc:
        print(f"doorstep: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("doorstep: interrupted; nothing half-saved.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
