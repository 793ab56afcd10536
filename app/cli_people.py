"""Who is acting on the command line (CLI.md "Who is acting"), and the people commands:
`doorstep user add|list|role|disable|reset|password` and `doorstep server init`."""

from __future__ import annotations

import getpass
import os
import sys

from app.errors import PermissionDenied, ValidationError


def _ask(prompt: str, env: str) -> str | None:
    """A secret from the environment, else typed at a terminal (never echoed), else None."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    return None


def sign_in_for_command(ws, user: str | None) -> None:
    """Settle who acts for this command: the solo officer on a lone laptop, the signed-in person on
    a database with sign-in (password from DOORSTEP_PASSWORD or the terminal), a named demo person
    on the demo. Raises PermissionDenied (exit 3) when that cannot be done."""
    from app.services.accounts import choose_demo_person, enter, sign_in

    mode = enter(ws)
    if mode == "passwords":
        name = user or os.environ.get("DOORSTEP_USER")
        if not name:
            raise PermissionDenied(
                "This database needs sign-in: give --user NAME (or DOORSTEP_USER) and the password."
            )
        password = _ask(f"Password for {name}: ", "DOORSTEP_PASSWORD")
        if password is None:
            raise PermissionDenied(
                "This database needs sign-in and there is no terminal to ask on: set DOORSTEP_PASSWORD."
            )
        sign_in(ws, name, password)
    elif mode == "demo" and (user or os.environ.get("DOORSTEP_USER")):
        choose_demo_person(ws, user or os.environ["DOORSTEP_USER"])


def _new_password(username: str) -> str:
    password = os.environ.get("DOORSTEP_NEW_PASSWORD")
    if password is not None:
        return password
    if sys.stdin is None or not sys.stdin.isatty():
        raise ValidationError(
            "Give the new password in DOORSTEP_NEW_PASSWORD (there is no terminal to ask on)."
        )
    first = getpass.getpass(f"New password for {username}: ")
    if getpass.getpass("The same again: ") != first:
        raise ValidationError("The two passwords differ; nothing was changed.")
    return first


def cmd_user(args, workspace, emit) -> int:
    from app.services import accounts

    ws = workspace(args, create=args.action == "add")
    try:
        if args.action == "add":
            fresh = accounts.sign_in_mode_of(ws) != "passwords"
            if not fresh:
                sign_in_for_command(ws, args.user)
            view = accounts.add_person(
                ws,
                args.name,
                args.role,
                _new_password(args.name),
                full_name=args.full_name or "",
                team=args.team,
            )
            print(f"Added {view.username} ({view.role})" + (" — the first admin" if fresh else ""))
            return 0
        sign_in_for_command(ws, args.user)
        if args.action == "list":
            people = accounts.list_people(ws)
            if args.json:
                emit([p.__dict__ | {"locked_until": p.locked_until} for p in people])
            else:
                for p in people:
                    state = "disabled" if not p.active else ("" if p.can_sign_in else "no sign-in")
                    if p.locked_until:
                        state = f"locked until {p.locked_until:%Y-%m-%d %H:%M} UTC"
                    print(f"{p.username:<20} {p.role:<8} {p.name:<30} {p.team or '':<12} {state}")
        elif args.action == "role":
            view = accounts.set_role(ws, args.name, args.role)
            print(f"{view.username} is now {view.role}")
        elif args.action == "disable":
            accounts.disable_person(ws, args.name)
            print(f"{args.name} can no longer sign in")
        elif args.action == "reset":
            accounts.reset_password(ws, args.name, _new_password(args.name))
            print(f"New password set for {args.name}; any lockout is lifted")
        elif args.action == "password":
            accounts.change_password(
                ws, os.environ.get("DOORSTEP_PASSWORD", ""), _new_password(ws.actor.username)
            )
            print("Password changed")
        return 0
    finally:
        ws.close()


def cmd_server_init(args, workspace) -> int:
    """Prepare a team database: the schema (migrations, as the owner the URL names), on
    PostgreSQL the app role's privileges (--app-role), and the first admin. On a database already
    set up with people, --app-role renews the grants (after an upgrade made new tables)."""
    from app.services import accounts

    ws = workspace(args, create=True)
    try:
        app_role = getattr(args, "app_role", None)
        set_up = accounts.sign_in_mode_of(ws) == "passwords"
        if set_up and not app_role:
            raise ValidationError(
                f"{ws.db.label} is already set up with people; add more with `doorstep user add`."
            )
        name = args.user or os.environ.get("DOORSTEP_USER")
        if not set_up and not name:
            raise ValidationError("Name the first admin with --user NAME.")
        granted = ""
        if app_role:
            from app.store.team_roles import grant_app_role

            password = os.environ.get("DOORSTEP_APP_PASSWORD") or None
            made = grant_app_role(ws.db, app_role, password)
            granted = f"; app role {app_role} {'created' if made else 'updated'}" + (
                "" if password or not made else " without sign-in (grant it to login roles)"
            )
        if set_up:
            print(f"{ws.db.label}: schema up to date{granted}.")
            return 0
        view = accounts.add_person(
            ws, name, "admin", _new_password(name), full_name=args.full_name or ""
        )
        print(f"{ws.db.label} is ready: schema up to date{granted}, first admin {view.username}.")
        return 0
    finally:
        ws.close()
