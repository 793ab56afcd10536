"""The laptop's conversation with the team's sync service over HTTP (httpx).

``sync()`` pushes the outbox (in order, in batches; a batch answered is removed from the outbox
in the same local transaction that records the answer, so a lost answer means the batch is sent
again and the server answers "duplicate"), then pulls pages after the cursor and applies each
with its cursor in one transaction, then fetches whole any case whose copy disagrees. Every step
is safe to repeat: a sync cut off at any point — a dropped connection, the laptop switched off,
the server restarted — is finished by the next one."""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select

from app.errors import DoorstepError, PermissionDenied, ValidationError
from app.services.sync.outbox import REFETCH, pending
from app.services.workspace import Actor, Workspace, put_setting
from app.store.models import OutboxChange

PUSH_BATCH = 200
PULL_PAGE = 500
FETCH_BATCH = 200
TIMEOUT = (30.0, 5.0)  # seconds: a request, and connecting


class Offline(DoorstepError):
    """The sync service cannot be reached (no network, the server down): nothing is lost; the
    laptop keeps working and syncs later."""


@dataclass
class SyncReport:
    pushed: int = 0
    duplicates: int = 0
    held: list[str] = field(default_factory=list)  # refs whose change went to the conflict queue
    deferred: int = 0
    pulled_cases: int = 0
    pulled_events: int = 0
    dropped: list[str] = field(default_factory=list)
    conflicts: int = 0
    pending: int = 0
    changed_refs: set[str] = field(default_factory=set)
    failed: list[str] = field(default_factory=list)  # cases this copy could not take this time

    def as_dict(self) -> dict[str, Any]:
        return {
            "pushed": self.pushed,
            "duplicates": self.duplicates,
            "held": self.held,
            "deferred": self.deferred,
            "pulled_cases": self.pulled_cases,
            "pulled_events": self.pulled_events,
            "dropped": self.dropped,
            "conflicts": self.conflicts,
            "pending": self.pending,
            "failed": self.failed,
        }


Progress = Callable[[str], None]


def enrolment(ws: Workspace) -> dict[str, Any] | None:
    return ws.setting("sync_device")


def _problem(response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    return str(detail or f"the sync service answered {response.status_code}")


class Connection:
    def __init__(self, server: str, token: str | None = None, transport=None):
        import httpx  # only when syncing: the app starts without it

        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(
            base_url=server.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(TIMEOUT[0], connect=TIMEOUT[1]),
            transport=transport,
            # https: the system's certificate checks as always; a plain http:// address (the
            # service on this machine or behind a local proxy) has no TLS, so no CA bundle to
            # load (~40 ms a sync)
            verify=not server.lower().startswith("http://"),
        )

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        import httpx

        try:
            response = self.http.post(path, json=body)
        except httpx.HTTPError as exc:
            raise Offline(f"The team server cannot be reached ({type(exc).__name__}).") from exc
        if response.status_code in (401, 403):
            raise PermissionDenied(_problem(response))
        if response.status_code == 422:
            raise ValidationError(_problem(response))
        if response.status_code >= 400:
            raise Offline(_problem(response))
        return response.json()

    def close(self) -> None:
        self.http.close()


def enrol(
    ws: Workspace,
    server: str,
    username: str,
    password: str,
    device_name: str | None = None,
    transport=None,
) -> dict[str, Any]:
    """Enrol this laptop's database with the sync service: sign in once, keep the device token
    (in this database — encrypted at rest when encryption is on — never the team database's
    credentials). Only an empty database or one enrolled before can be enrolled."""
    from sqlalchemy import func

    from app.store.models import Case

    with ws.db.read() as s:
        cases = s.scalar(select(func.count()).select_from(Case)) or 0
    if cases and enrolment(ws) is None:
        raise ValidationError(
            f"{ws.db.label} already holds {cases} cases of its own; enrol a new, empty database "
            "for the team server (doorstep device enrol --db NEW_FILE)."
        )
    conn = Connection(server, transport=transport)
    try:
        answer = conn.post(
            "/v1/enrol",
            {
                "username": username,
                "password": password,
                "device": device_name or socket.gethostname(),
            },
        )
    finally:
        conn.close()
    record = {
        "server": server.rstrip("/"),
        "device_id": answer["device_id"],
        "device": answer["device"],
        "token": answer["token"],
        "username": answer["username"],
        "enrolled_at": ws.now().isoformat(),
    }
    with ws.db.write() as s:
        s.info["syncing"] = True
        from app.services.cases import get_or_create_officer

        me = get_or_create_officer(s, ws, answer["username"])
        me.role, me.name = answer["role"], answer.get("name") or me.name
        put_setting(s, "sync_device", record)
        put_setting(s, "sync_cursor", 0)
    ws.db.session_info["replica"] = True
    ws.actor = Actor(answer["username"], ws.actor.device)
    ws.forget()
    return {k: v for k, v in record.items() if k != "token"}


def replica_refetch(s) -> list[str]:
    from app.store.models import Setting

    row = s.get(Setting, REFETCH)
    return list(row.value) if row is not None else []


def move_server(ws: Workspace, server: str) -> None:
    """The sync service moved: keep the enrolment, use the new address."""
    record = enrolment(ws)
    if record is None:
        raise ValidationError(
            "This laptop is not enrolled with a team server (doorstep device enrol --server URL)."
        )
    if record["server"] != server.rstrip("/"):
        with ws.db.write() as s:
            s.info["syncing"] = True
            put_setting(s, "sync_device", {**record, "server": server.rstrip("/")})


def _connect(ws: Workspace, transport=None) -> Connection:
    record = enrolment(ws)
    if record is None:
        raise ValidationError(
            "This laptop is not enrolled with a team server (doorstep device enrol --server URL)."
        )
    return Connection(record["server"], record["token"], transport)


def push(ws: Workspace, conn: Connection, report: SyncReport, progress: Progress) -> None:
    sent_after = 0
    while True:
        with ws.db.read() as s:
            rows = list(
                s.scalars(
                    select(OutboxChange)
                    .where(OutboxChange.position > sent_after)
                    .order_by(OutboxChange.position)
                    .limit(PUSH_BATCH)
                )
            )
        if not rows:
            return
        answer = conn.post("/v1/push", {"changes": [_change(r) for r in rows]})
        by_id = {r["id"]: r for r in answer["results"]}
        with ws.db.write() as s:
            s.info["syncing"] = True
            done = []
            for row in rows:
                result = by_id.get(row.change_id)
                if result is None:
                    continue
                status = result["status"]
                if status == "deferred":
                    report.deferred += 1
                    s.execute(
                        OutboxChange.__table__.update()  # type: ignore[attr-defined]
                        .where(OutboxChange.position == row.position)
                        .values(attempts=row.attempts + 1, last_error=result.get("message", ""))
                    )
                    continue
                done.append(row.position)
                if status == "applied":
                    report.pushed += 1
                elif status == "duplicate":
                    report.duplicates += 1
                    if result.get("was") == "held":
                        report.held.append(row.ref)
                else:
                    report.held.append(row.ref)
            if done:
                s.execute(delete(OutboxChange).where(OutboxChange.position.in_(done)))
            if report.held:  # this copy went ahead of the server there: fetch those cases whole,
                # even if this sync is cut off before it gets to them (kept with the answer)
                again = set(replica_refetch(s)) | set(report.held)
                put_setting(s, REFETCH, sorted(again))
        sent_after = rows[-1].position
        progress(f"Sent {report.pushed + report.duplicates} changes")


def _change(row: OutboxChange) -> dict[str, Any]:
    return {
        "id": row.change_id,
        "kind": row.kind,
        "ref": row.ref,
        "base": row.base,
        "payload": row.payload,
        "author": row.author,
        "device": row.device,
        "made_at": row.made_at.isoformat(),
        "attempts": row.attempts,
    }


def pull(ws: Workspace, conn: Connection, report: SyncReport, progress: Progress) -> None:
    from app.services.sync import replica

    out = replica.Applied()
    have = replica.local_digest(ws)
    while True:
        page = conn.post(
            "/v1/pull", {"cursor": replica.cursor_of(ws), "limit": PULL_PAGE, "have": have}
        )
        replica.apply_page(ws, page, out)
        progress(f"Received {out.cases} cases")
        if page.get("conflicts") is not None:
            report.conflicts = len(page["conflicts"])
        if not page.get("more"):
            break
    with ws.db.read() as s:
        owed = replica_refetch(s)
    fetch(ws, conn, list(dict.fromkeys([*out.refetch, *owed, *report.held])), out)
    report.pulled_cases += out.cases
    report.pulled_events += out.events
    report.dropped += out.dropped
    report.changed_refs |= out.changed_refs
    report.failed += out.failed


def fetch(ws: Workspace, conn: Connection, refs: list[str], out) -> None:
    """Whole cases by ref: those this copy lacks or disagrees with the server about."""
    from app.services.sync import replica

    for i in range(0, len(refs), FETCH_BATCH):
        asked = refs[i : i + FETCH_BATCH]
        docs = conn.post("/v1/cases", {"refs": asked})["cases"]
        for doc in docs:
            doc["full"] = True
        replica.apply_whole(ws, docs, out, asked)


class Stopped(DoorstepError):
    """The person stopped the sync: what was sent and received so far is kept."""


def sync(
    ws: Workspace,
    progress: Progress | None = None,
    transport=None,
    stop: Callable[[], bool] | None = None,
) -> SyncReport:
    """Push this laptop's changes, then pull the team's. Raises ``Offline`` when the server
    cannot be reached (what was done before that is kept). ``stop()`` is asked after every
    batch sent and page received (each kept in its own transaction): True ends the sync there
    with ``Stopped``; the next sync carries on."""

    def say(text: str) -> None:
        if progress is not None:
            progress(text)
        if stop is not None and stop():
            raise Stopped("Sync stopped; what was sent and received so far is kept.")

    report = SyncReport()
    conn = _connect(ws, transport)
    started = time.monotonic()
    try:
        push(ws, conn, report, say)
        pull(ws, conn, report, say)
    except (Offline, Stopped) as exc:
        _remember(ws, report, error=str(exc))
        raise
    finally:
        conn.close()
    _remember(ws, report, seconds=time.monotonic() - started)
    return report


def _remember(ws: Workspace, report: SyncReport, error: str = "", seconds: float = 0.0) -> None:
    with ws.db.read() as s:
        report.pending = pending(s)
    last = dict(ws.setting("sync_last") or {})
    now = ws.now().isoformat()
    last |= {"tried": now, "error": error, "pending": report.pending}
    if not error:
        last |= {"at": now, "seconds": round(seconds, 2), "report": report.as_dict()}
    with ws.db.write() as s:
        s.info["syncing"] = True
        put_setting(s, "sync_last", last)


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server: str
    last_synced: dt.datetime | None
    last_error: str
    pending: int
    conflicts: int


def status(ws: Workspace) -> SyncStatus:
    """What the app's sync indicator shows."""
    from app.services.sync.conflicts import open_count

    record = enrolment(ws)
    last = ws.setting("sync_last") or {}
    with ws.db.read() as s:
        waiting = pending(s)
    when = last.get("at")
    return SyncStatus(
        enrolled=record is not None,
        server=record["server"] if record else "",
        last_synced=dt.datetime.fromisoformat(when) if when else None,
        last_error=last.get("error", ""),
        pending=waiting,
        conflicts=open_count(ws) if record else 0,
    )
