"""Seed 000 and seed 003 replayed (issue 17): the audit finds the Ombudsman's failures in the
landlord's handling and nothing in the same cases handled by the book.

Seed 000 (Hexagon): no decision on a transfer request, re-housing advice three months late, a
medical assessment six months late and a policy copy two months late. Seed 003 (H4W): a Notice of
Seeking Possession served on a vulnerable resident without checking her account. The seeds give
no dates; these histories put the narrative on a calendar.
"""

from __future__ import annotations

from tests.domain.helpers import E, findings, make_case

HOUSEHOLD = make_case(kind="asb", opened="2024-01-08")


def request(eid: str, at: str, subject: str):
    return E(eid, at, "request_made", subject=subject, channel="phone")


def decided(eid: str, at: str, answers: str):
    return E(eid, at, "request_decided", answers=answers)


SEED_000_AS_HANDLED = [
    request("t1", "2024-01-08T10:00", "transfer"),  # never decided
    request("r1", "2024-01-08T10:05", "rehousing_advice"),
    decided("r1d", "2024-04-08T10:00", "r1"),  # three months
    request("m1", "2024-01-15T10:00", "medical_assessment"),
    decided("m1d", "2024-07-15T10:00", "m1"),  # six months
    request("p1", "2024-02-01T10:00", "policy_copy"),
    decided("p1d", "2024-04-01T10:00", "p1"),  # two months
]


def test_seed_000_as_handled_gives_a_decision_failure_for_each_request():
    found = findings(SEED_000_AS_HANDLED, case=HOUSEHOLD, as_of="2024-09-01")
    assert sorted((code, events[0]) for code, _, events in found) == [
        ("DECISION_OVERDUE", "m1"),
        ("DECISION_OVERDUE", "p1"),
        ("DECISION_OVERDUE", "r1"),
        ("DECISION_OVERDUE", "t1"),
    ]


def test_seed_000_by_the_book_gives_none():
    raws = [
        request("t1", "2024-01-08T10:00", "transfer"),
        decided("t1d", "2024-02-02T10:00", "t1"),  # 20 WD: Mon 5 Feb
        request("r1", "2024-01-08T10:05", "rehousing_advice"),
        decided("r1d", "2024-02-05T10:00", "r1"),
        request("m1", "2024-01-15T10:00", "medical_assessment"),
        decided("m1d", "2024-02-09T10:00", "m1"),
        request("p1", "2024-02-01T10:00", "policy_copy"),
        decided("p1d", "2024-02-14T10:00", "p1"),  # 10 WD: Thu 15 Feb
    ]
    assert findings(raws, case=HOUSEHOLD, as_of="2024-09-01") == []


VULNERABLE_TENANT = make_case(
    kind="arrears", opened="2023-03-01", vulnerabilities=["mental health"]
)


def test_seed_003_a_notice_without_the_account_check_is_flagged():
    raws = [
        E(
            "c1",
            "2023-03-01T10:00",
            "contact",
            channel="email",
            direction="in",
            summary="Resident sends bank statements showing her payments",
        ),  # fmt: skip
        E("n1", "2023-04-03T10:00", "nosp_served", by="k.mensah"),
    ]
    found = findings(raws, case=VULNERABLE_TENANT, as_of="2023-09-01")
    assert ("POSSESSION_UNSAFEGUARDED", "2023-04-03", ["n1"]) in found


def test_seed_003_with_the_new_safeguards_is_not():
    raws = [
        E(
            "ac1",
            "2023-03-20T10:00",
            "arrears_check",
            result="Payments posted; evidence considered",
        ),
        E("ra1", "2023-03-21T10:00", "risk_assessment", tier="medium"),
        E("pr1", "2023-03-22T10:00", "possession_requested"),
        E("pa1", "2023-03-24T10:00", "possession_approved", by="h.ward", answers="pr1"),
        E("n1", "2023-04-03T10:00", "nosp_served", by="k.mensah"),
    ]
    found = findings(raws, case=VULNERABLE_TENANT, as_of="2023-09-01")
    assert [f for f in found if f[0] == "POSSESSION_UNSAFEGUARDED"] == []
