"""`doorstep sar NAME_OR_REF --out FILE.zip` and `doorstep retention` (privacy tools)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def cmd_sar(args, workspace: Callable[..., Any], usage_error: type[Exception]) -> int:
    from app.services.sar import subject_access

    if args.out.exists():
        raise usage_error(
            f"{args.out} already exists; choose a new file name (nothing is overwritten)"
        )
    ws = workspace(args, create=False)
    try:
        result = subject_access(ws, args.subject, args.out)
    finally:
        ws.close()
    print(
        f"Wrote {result.path}: {len(result.refs)} case(s) ({', '.join(result.refs)}), "
        f"{result.letters} letter(s), {result.attachments} attachment(s), "
        f"{result.trail_entries} trail entries"
    )
    if result.missing:
        print(
            f"doorstep: {len(result.missing)} stored file(s) were missing or damaged; "
            "README.txt in the zip names them",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_retention(args, workspace, usage_error, emit) -> int:
    from app.services.retention import delete_cases, retention_due

    if args.delete and not (args.reason or "").strip():
        raise usage_error("`retention --delete` needs --reason TEXT (it is kept in the trail)")
    if args.delete and args.as_of:
        raise usage_error("--as-of only lists; deletion always checks against today")
    if args.reason and not args.delete:
        raise usage_error("--reason goes with --delete REF…")
    ws = workspace(args, create=False)
    try:
        if args.delete:
            done = delete_cases(ws, args.delete, args.reason)
            if args.json:
                emit({"deleted": list(done.deleted), "events": done.events, "files": done.files})
            else:
                print(
                    f"Deleted {len(done.deleted)} case(s): {', '.join(done.deleted)} "
                    f"({done.events} entries, {done.files} stored file(s))"
                )
            return 0
        listed = retention_due(ws, args.as_of)
    finally:
        ws.close()
    if args.json:
        emit(
            {
                "as_of": listed.as_of.isoformat(),
                "due": [
                    {
                        "ref": d.ref,
                        "kind": d.kind,
                        "closed_on": d.closed_on.isoformat(),
                        "due_on": d.due_on.isoformat(),
                        "years": d.years,
                    }
                    for d in listed.due
                ],
                "policies_without_retention": list(listed.unset),
            }
        )
        return 0
    if not listed.due:
        print(f"No closed case is past its retention period on {listed.as_of.isoformat()}.")
    for d in listed.due:
        print(
            f"{d.ref}\t{d.kind}\tclosed {d.closed_on.isoformat()}\t"
            f"due for deletion {d.due_on.isoformat()} ({d.years} years)"
        )
    for name in listed.unset:
        print(f"Policy {name} sets no retention periods: its closed cases are kept.")
    return 0
