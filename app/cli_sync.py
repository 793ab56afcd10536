"""`doorstep server run`, `doorstep device enrol|list|revoke` and `doorstep sync`."""

from __future__ import annotations

import os
import socket
import sys

from app.errors import ValidationError


def cmd_server_run(args, open_db) -> int:
    """The team's sync service in front of the team database, until interrupted."""
    from app.server.api import serve
    from app.services.accounts import sign_in_mode_of
    from app.services.workspace import Actor

    ws = open_db(args, create=False)
    try:
        if sign_in_mode_of(ws) != "passwords":
            raise ValidationError(
                f"{ws.db.label} has nobody who can sign in: prepare it with `doorstep server init`."
            )
        ws.actor = Actor("sync-service", socket.gethostname()[:120])
        host, port = args.host or "127.0.0.1", args.port or 8750
        print(f"Doorstep sync service for {ws.db.label} on http://{host}:{port}", file=sys.stderr)
        serve(ws, host, port)
        return 0
    finally:
        ws.close()


def cmd_device(args, open_db, workspace, emit) -> int:
    from app.cli_people import _ask
    from app.services.sync import client, devices

    if args.action == "enrol":
        if not args.server:
            raise ValidationError("Give the sync service's address: --server URL.")
        user = args.user or os.environ.get("DOORSTEP_USER")
        if not user:
            raise ValidationError("Say who is enrolling this laptop: --user NAME.")
        password = _ask(f"Password for {user}: ", "DOORSTEP_PASSWORD")
        if password is None:
            raise ValidationError(
                "There is no terminal to ask for the password on: set DOORSTEP_PASSWORD."
            )
        ws = open_db(args, create=True)
        try:
            done = client.enrol(ws, args.server, user, password, args.name)
        finally:
            ws.close()
        print(
            f"{ws.db.label} is enrolled with {done['server']} as {done['device']} for "
            f"{done['username']}; run `doorstep sync` to bring the cases."
        )
        return 0
    ws = workspace(args, create=False)
    try:
        if args.action == "list":
            rows = devices.list_devices(ws)
            if args.json:
                emit([r.__dict__ for r in rows])
            for r in rows if not args.json else ():
                state = f"withdrawn {r.revoked_at:%Y-%m-%d}" if r.revoked_at else "enrolled"
                seen = f"{r.last_seen_at:%Y-%m-%d %H:%M}" if r.last_seen_at else "never"
                print(f"{r.id[:8]}  {r.name:<24} {r.username:<16} {state:<20} last seen {seen}")
            return 0
        if not args.name:
            raise ValidationError("Name the laptop to withdraw: doorstep device revoke NAME.")
        gone = devices.revoke(ws, args.name)
        print(f"{gone.name} ({gone.id[:8]}) can no longer sync.")
        return 0
    finally:
        ws.close()


def cmd_sync(args, open_db, emit) -> int:
    from app.services.sync import client

    ws = open_db(args, create=False)
    try:
        if args.server:
            client.move_server(ws, args.server)
        say = None if args.json else (lambda text: print(text, file=sys.stderr))
        report = client.sync(ws, say)
    finally:
        ws.close()
    if args.json:
        emit(report.as_dict())
        return 0
    print(
        f"Sent {report.pushed} changes ({report.duplicates} already there), "
        f"{report.deferred} to send again later; received {report.pulled_cases} cases "
        f"with {report.pulled_events} new entries"
        + (f"; gave up {len(report.dropped)} cases no longer yours" if report.dropped else "")
        + "."
    )
    if report.held:
        print(f"Held for review (conflicts): {', '.join(dict.fromkeys(report.held))}.")
    if report.conflicts:
        print(f"{report.conflicts} conflicts wait in the review queue.")
    if report.pending:
        print(f"{report.pending} changes still wait to be sent.")
    for problem in report.failed:  # the server keeps them; the next sync tries again
        print(f"Not brought to this laptop this time: {problem}", file=sys.stderr)
    return 0
