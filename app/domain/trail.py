"""The tamper-evident trail and late entries: pure rules, no storage.

Trail: every audit entry carries a sequence number and the SHA-256 of a canonical JSON of its
own fields plus the previous entry's hash, so changing, removing or inserting an entry breaks
the chain from that entry on. The canonical form below is a stored format: never change it.

Late entries: an event recorded more than the policy's ``late_entry_days`` after the moment it
describes (its ``at``) is a late entry. What counts as "recorded" is the first recording we
know of: the ``recorded`` key a bundle carried from the system that first recorded it, else
the moment this database recorded it (unknown for events that arrived with the import that
created their case, which were recorded elsewhere at a time nobody told us).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first entry
TRAIL_FIELDS = ("seq", "id", "at", "actor", "device", "action", "entity", "entity_id", "detail")


def canonical_instant(at: dt.datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("trail times must be timezone-aware")
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def plain_json(value: Any) -> Any:
    """``value`` as JSON gives it back (tuples become lists, keys become text)."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def entry_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry's fields and the previous hash."""
    doc = {name: fields[name] for name in TRAIL_FIELDS}
    doc["at"] = canonical_instant(doc["at"])
    doc["id"] = str(doc["id"])
    doc["detail"] = plain_json(doc["detail"] or {})
    doc["prev"] = prev_hash
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TrailEntry:
    """One stored entry as read back, for checking."""

    seq: int | None
    id: str
    at: dt.datetime
    actor: str
    device: str
    action: str
    entity: str
    entity_id: str
    detail: Mapping[str, Any]
    prev_hash: str | None
    hash: str | None

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in TRAIL_FIELDS}

    def label(self) -> str:
        when = self.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        number = f"entry {self.seq}" if self.seq is not None else "an entry with no number"
        return f"{number} ({when}, {self.action})"


@dataclass(frozen=True)
class TrailCheck:
    entries: int
    broken: TrailEntry | None = None  # the first entry that does not check out
    problem: str = ""  # one sentence, naming the entry

    @property
    def ok(self) -> bool:
        return not self.problem


def check_chain(
    entries: Iterable[TrailEntry], head_seq: int | None, head_hash: str | None
) -> TrailCheck:
    """Walk the entries in sequence order (entries without a number first) and report the first
    that is changed, missing a predecessor, or added outside the chain."""
    expected_seq, prev = 1, GENESIS
    count = 0
    last: TrailEntry | None = None
    for e in entries:
        count += 1
        if e.seq is None or e.hash is None or e.prev_hash is None:
            return TrailCheck(
                count, e, f"Trail {e.label()} was added outside Doorstep: it is not in the chain."
            )
        if e.seq != expected_seq:
            if e.seq > expected_seq:
                gone = (
                    f"entry {expected_seq}"
                    if e.seq == expected_seq + 1
                    else f"entries {expected_seq} to {e.seq - 1}"
                )
                problem = f"Trail {e.label()} follows a gap: {gone} were removed."
            else:
                problem = f"Trail {e.label()} repeats a sequence number already used."
            return TrailCheck(count, e, problem)
        if e.prev_hash != prev:
            return TrailCheck(
                count,
                e,
                f"Trail {e.label()} does not follow the entry before it: an entry was removed, "
                "inserted or changed.",
            )
        if entry_hash(e.fields(), e.prev_hash) != e.hash:
            return TrailCheck(count, e, f"Trail {e.label()} was changed after it was recorded.")
        prev, expected_seq, last = e.hash, expected_seq + 1, e
    recorded = head_seq or 0
    if recorded > count:
        after = f"after {last.label()}" if last is not None else "from the start"
        return TrailCheck(
            count,
            last,
            f"Trail entries {count + 1} to {recorded} were removed {after}.",
        )
    if recorded < count or (count and head_hash != prev):
        return TrailCheck(
            count,
            last,
            f"Trail {last.label() if last else 'head'} was added outside Doorstep: "
            "the chain's recorded end does not match.",
        )
    return TrailCheck(count)


# --- late entries -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Recording:
    """When, by whom and on which device an event was first recorded."""

    at: dt.datetime
    by: str
    device: str = ""


def carried_recording(data: Mapping[str, Any]) -> Recording | None:
    """The ``recorded`` key a bundle carried in an event's data, when it can be read."""
    value = data.get("recorded")
    if not isinstance(value, Mapping) or not isinstance(value.get("at"), str):
        return None
    try:
        at = dt.datetime.fromisoformat(value["at"])
    except ValueError:
        return None
    if at.tzinfo is None:
        return None
    return Recording(
        at.astimezone(dt.UTC), str(value.get("by") or ""), str(value.get("device") or "")
    )


def first_recording(
    data: Mapping[str, Any], stored: Recording | None, imported: bool
) -> Recording | None:
    """The carried recording if any; else this database's, unless the event arrived with the
    import that created its case (then we do not know when it was first recorded)."""
    carried = carried_recording(data)
    if carried is not None:
        return carried
    return None if imported else stored


def recorded_after(at: dt.datetime, recorded_at: dt.datetime) -> dt.timedelta:
    return recorded_at - at


def is_late(at: dt.datetime, recorded_at: dt.datetime | None, late_entry_days: int) -> bool:
    """Recorded more than ``late_entry_days`` days after the moment the entry describes."""
    if recorded_at is None:
        return False
    return recorded_after(at, recorded_at) > dt.timedelta(days=late_entry_days)


def days_late(at: dt.datetime, recorded_at: dt.datetime) -> int:
    return recorded_after(at, recorded_at).days


def late_words(days: int) -> str:
    return "1 day later" if days == 1 else f"{days} days later"


def note_late_evidence(findings: Iterable[Any], late: Mapping[str, tuple[str, int]]) -> list[Any]:
    """Findings whose evidence includes a late entry get it said in their detail.

    ``late`` maps an event id to (a name for the entry, how many days late it was recorded)."""
    out = []
    for f in findings:
        notes = [
            f"{late[eid][0]} {eid} was recorded {late_words(late[eid][1])}"
            for eid in f.events
            if eid in late
        ]
        if notes:
            detail = f.detail.rstrip(".")
            f = replace(f, detail=f"{detail}; {'; '.join(notes)}.")
        out.append(f)
    return out


def late_evidence_in(events: Iterable[Any], late_entry_days: int) -> dict[str, tuple[str, int]]:
    """For a bundle's events: the late ones by id, judged by the ``recorded`` key they carry."""
    out = {}
    for e in events:
        rec = carried_recording(e.data)
        if rec is not None and is_late(e.at, rec.at, late_entry_days):
            out[e.id] = (f"the {e.type.replace('_', ' ')} entry", days_late(e.at, rec.at))
    return out
