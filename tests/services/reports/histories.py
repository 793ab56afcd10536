"""Hand-made case histories with known TSM answers for the reporting year 2025-26 (1,000 homes).

CH01(1) 3 (C2, C3, C4 received in the year; C1 the year before) → 3.0
CH01(2) 1 (C2's escalation, asked twice) → 1.0
CH02(1) 2 of 3 on time (C1 received last year, answered this year; C2 inside an extension within
        the limit; C4 late because its extension went past the limit) → 66.7
CH02(2) 0 of 1 (C2 stage 2 late) → 0.0
NM01(1) 2 (A1 with a second, hate, report while open; A2 reopened by a report after closure;
        A3 next year) → 2.0
NM01(2) 1 (A1) → 1.0
RP02(1) 1 of 1 (R3; R4 done next year) → 100.0
RP02(2) 1 of 2 (R1 done on its target day; R2 a day late) → 50.0
"""

from __future__ import annotations

import datetime as dt

from app.services.bundles import import_bundle
from app.store.policies import PolicyRegistry

_CAL = None


def cal():
    global _CAL
    if _CAL is None:
        _CAL = PolicyRegistry().get("code-2024").calendar
    return _CAL


def wd(day: str, n: int) -> str:
    return cal().add_working_days(dt.date.fromisoformat(day), n).isoformat()


def bundle(ref: str, kind: str, opened: str, events: list[dict], officer: str = "a.khan") -> dict:
    for i, e in enumerate(events):
        e.setdefault("id", f"e{i + 1}")
    return {
        "format": "doorstep-case/1",
        "case": {
            "ref": ref,
            "kind": kind,
            "opened": opened,
            "officer": officer,
            "resident": {"name": f"Resident {ref}"},
        },
        "events": events,
    }


def received(day: str, stage: int = 1) -> dict:
    return {"at": day, "type": "complaint_received", "channel": "email", "stage": stage}


def ack(day: str, stage: int = 1) -> dict:
    return {"at": day, "type": "complaint_ack", "stage": stage, "by": "a.khan"}


def response(day: str, stage: int = 1) -> dict:
    return {"at": day, "type": "complaint_response", "stage": stage, "by": "a.khan"}


def extension(day: str, new_due: str, stage: int = 1) -> dict:
    return {
        "at": day,
        "type": "extension_notice",
        "stage": stage,
        "new_due": new_due,
        "reason": "Waiting for the contractor's report",
    }


def asb(day: str, hate: bool = False) -> dict:
    return {
        "at": day,
        "type": "asb_report",
        "channel": "phone",
        "by": "resident",
        "risk_hint": "hate" if hate else "nuisance",
        "hate_incident": hate,
    }


def repair(raised: str, priority: str, target: str, done: str | None, job: str) -> list[dict]:
    out = [
        {"at": raised, "type": "repair_raised", "job": job, "priority": priority, "target": target}
    ]
    if done:
        out.append({"at": done, "type": "repair_done", "job": job})
    return out


def histories() -> list[dict]:
    c2_due = wd("2025-05-02", 10)  # response due 10 WD after the acknowledgement
    c4_due = wd("2025-07-02", 10)
    return [
        bundle(
            "C1",
            "complaint",
            "2025-03-20",
            [
                received("2025-03-20"),
                ack("2025-03-24"),
                response("2025-04-02"),
            ],
        ),
        bundle(
            "C2",
            "complaint",
            "2025-05-01",
            [
                received("2025-05-01"),
                ack("2025-05-02"),
                extension("2025-05-14", wd(c2_due, 10)),
                response(wd(c2_due, 10)),  # on the extended date: the limit, so on time
                {"at": "2025-06-02", "type": "escalation_request", "stage": 2},
                {"at": "2025-06-05", "type": "escalation_request", "stage": 2},  # asked again
                ack("2025-06-04", 2),
                response("2025-08-29", 2),  # 20 WD from 4 Jun was 2 Jul: late
            ],
        ),
        bundle(
            "C3",
            "complaint",
            "2026-03-25",
            [
                received("2026-03-25"),
                ack("2026-03-26"),
                response("2026-04-08"),
            ],
        ),
        bundle(
            "C4",
            "complaint",
            "2025-07-01",
            [
                received("2025-07-01"),
                ack("2025-07-02"),
                extension("2025-07-10", wd(c4_due, 15)),  # beyond the 10 WD limit: capped
                response(wd(c4_due, 12)),  # after the limit: late
            ],
        ),
        bundle("A1", "asb", "2025-05-10", [asb("2025-05-10"), asb("2025-06-01", hate=True)]),
        bundle(
            "A2",
            "asb",
            "2025-03-30",
            [
                asb("2025-03-30"),
                {"at": "2025-04-15", "type": "case_closed", "outcome": "Resolved"},
                asb("2025-05-20"),
            ],
        ),
        bundle("A3", "asb", "2026-04-02", [asb("2026-04-02", hate=True)]),
        bundle(
            "R",
            "repair",
            "2025-09-01",
            [
                *repair("2025-09-01", "emergency", "2025-09-02", "2025-09-02", "Make safe"),
                *repair("2025-09-10", "emergency", "2025-09-11", "2025-09-12", "Leak"),
                *repair("2025-10-01", "routine", "2025-10-29", "2025-10-20", "Door bolts"),
                *repair("2026-03-01", "routine", "2026-03-20", "2026-04-02", "Fence"),
            ],
        ),
    ]


def load(ws) -> None:
    for doc in histories():
        import_bundle(ws, doc)
