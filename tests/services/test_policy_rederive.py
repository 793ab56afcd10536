"""A manager's policy change reaches the stored deadline rows of the cases it affects, so the
inbox (stored rows), the case view and the audit (derived from the events) never disagree
(issue 10 item 7). The office clock is Tue 24 Jun 2025 10:00; a version takes effect then."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.deadlines import derive
from app.errors import PermissionDenied
from app.services.auditing import audit_case
from app.services.cases import create_case, find_case, get_case
from app.services.convert import case_info_from_row, events_from_rows
from app.services.inbox import InboxQuery, count_inbox, list_inbox
from app.services.policies import (
    _save_version,
    rederive_deadlines,
    save_at_risk_days,
    save_closure_days,
    set_default_policy,
)
from app.services.recompute import case_history, policy_history
from app.services.workspace import Actor, Workspace
from app.store.database import open_database
from app.store.models import Officer
from tests.pg import needs_pg
from tests.services.conftest import act_as, resident_calls

D = dt.date.fromisoformat


def derived(ws, ref: str) -> dict[str, tuple]:
    """The case's deadlines as the engine derives them now (what the audit judges)."""
    with ws.db.read() as s:
        case = find_case(s, ref)
        events = events_from_rows(case_history(s, case))
        result = derive(case_info_from_row(case), events, policy_history(ws.registry, case))
    return {d.key: (d.due, d.status, d.policy) for d in result.deadlines}


def stored(ws, ref: str) -> dict[str, tuple]:
    """The case's stored deadline rows (what the case view shows)."""
    return {d.key: (d.due, d.status, d.policy) for d in get_case(ws, ref).deadlines}


def inbox_due(ws, ref: str, as_of: dt.date | None = None):
    (row,) = [r for r in list_inbox(ws, as_of=as_of) if r.ref == ref]
    return row.due, row.wd_left


def new_case(ws, ref: str, kind: str = "general") -> None:
    """A case whose call-back (5 WD) starts now: under whatever version is in force now."""
    create_case(
        ws, ref=ref, kind=kind, officer="a.khan", resident_name=f"Resident {ref}", opened=None
    )
    resident_calls(ws, ref, "Call back please")


def test_a_closure_day_moves_the_stored_due_date(office):
    new_case(office, "NEW-9")  # called Tue 24 Jun: call back by Tue 1 Jul
    assert inbox_due(office, "NEW-9") == (D("2025-07-01"), 5)
    save_closure_days(office, "code-2024", ["2025-06-26"])  # Thu 26 Jun: the office is closed
    assert inbox_due(office, "NEW-9") == (D("2025-07-02"), 5)
    ((due, status, policy),) = stored(office, "NEW-9").values()
    assert (due, status, policy) == (D("2025-07-02"), "open", "code-2024@4")
    assert stored(office, "NEW-9") == derived(office, "NEW-9")
    # judged on Wed 2 Jul the inbox says "due today" and the audit finds nothing late
    assert inbox_due(office, "NEW-9", as_of=D("2025-07-02")) == (D("2025-07-02"), 0)
    assert audit_case(office, "NEW-9", as_of=D("2025-07-02")).findings == ()
    late = audit_case(office, "NEW-9", as_of=D("2025-07-03")).findings
    assert [f.code for f in late] == ["CALLBACK_LATE"]


def test_without_the_rederive_the_stored_row_disagrees(office):
    """What the fix prevents: the stored row keeps the old date while the engine moved it."""
    new_case(office, "NEW-9")
    save_closure_days(office, "code-2024", ["2025-06-26"], rederive=False)
    assert inbox_due(office, "NEW-9")[0] == D("2025-07-01")
    assert stored(office, "NEW-9") != derived(office, "NEW-9")
    done = rederive_deadlines(office, "code-2024", since=office.now())
    assert done.changed == ("NEW-9",) and done.finished
    assert inbox_due(office, "NEW-9")[0] == D("2025-07-02")
    assert stored(office, "NEW-9") == derived(office, "NEW-9")


def test_a_new_timescale_reaches_the_stored_deadlines(office):
    new_case(office, "NEW-9")

    def faster_call_backs(doc: dict) -> None:
        doc["contact"] = {**doc["contact"], "callback_wd": 2}

    policy = _save_version(
        office, "code-2024", "change the call-back timescale", faster_call_backs, "test_change"
    )
    assert policy.callback_wd == 2
    assert inbox_due(office, "NEW-9") == (D("2025-06-26"), 2)
    assert stored(office, "NEW-9") == derived(office, "NEW-9")
    assert list(stored(office, "NEW-9").values())[0][2] == "code-2024@4"


def test_running_deadlines_keep_their_version_and_are_not_rewritten(office):
    """ASB-1's call-back started on 17 Jun, under version 3: a closure day on 19 Jun added now
    does not move it, and its case is not written to (its version stays)."""
    before = get_case(office, "ASB-1")
    done = save_closure_days(office, "code-2024", ["2025-06-19"])
    assert done.closure_days == (D("2025-06-19"),)
    after = get_case(office, "ASB-1")
    assert after.version == before.version
    assert stored(office, "ASB-1") == derived(office, "ASB-1")
    assert inbox_due(office, "ASB-1")[0] == D("2025-06-24")


def test_a_new_default_policy_reaches_the_cases_that_follow_the_default(office):
    assert {p for *_, p in stored(office, "CMP-3").values()} == {"code-2024@3"}
    set_default_policy(office, "hexagon-4-stage")
    assert {p for *_, p in stored(office, "CMP-3").values()} == {"hexagon-4-stage@1"}
    for ref in ("ASB-1", "GEN-2", "CMP-3", "REP-4"):
        assert stored(office, ref) == derived(office, ref)


def test_batches_report_progress_and_can_be_stopped(office):
    for i in range(5):
        new_case(office, f"NEW-{i}")
    save_closure_days(office, "code-2024", ["2025-06-26"], rederive=False)
    seen = []
    stop_after_first = iter([False, True])
    done = rederive_deadlines(
        office,
        "code-2024",
        since=office.now(),
        batch=2,
        progress=lambda n, total: seen.append((n, total)),
        cancelled=lambda: next(stop_after_first),
    )
    assert seen == [(0, 5), (2, 5)]
    assert (done.looked_at, len(done.changed), done.finished) == (2, 2, False)
    assert "Stopped after 2 cases" in done.summary()
    seen.clear()
    done = rederive_deadlines(
        office, "code-2024", since=office.now(), batch=2, progress=lambda n, t: seen.append(n)
    )
    assert seen == [0, 2, 4, 5] and done.finished
    assert len(done.changed) == 3  # the two already done are right and are not written again
    for i in range(5):
        assert stored(office, f"NEW-{i}") == derived(office, f"NEW-{i}")
    assert done.summary() == "Deadlines changed on 3 cases (of 5 looked at)."


def test_only_a_manager_rederives(office):
    act_as(office, "a.khan")
    with pytest.raises(PermissionDenied):
        rederive_deadlines(office, "code-2024")


@needs_pg[0]
@needs_pg[1]
def test_on_postgresql(pg_url, clock):
    """The same on the team's server: the re-derive's batches, and at-risk per policy."""
    ws = Workspace(open_database(pg_url), Actor("p.natarajan", "pg"), clock)
    try:
        with ws.db.write() as s:
            s.add(Officer(username="p.natarajan", name="Priya Natarajan", role="manager"))
            s.add(Officer(username="a.khan", name="Aisha Khan", role="officer"))
        new_case(ws, "NEW-9")
        create_case(
            ws,
            ref="HEX-5",
            kind="general",
            officer="a.khan",
            resident_name="R H",
            policy="hexagon-4-stage",
        )
        resident_calls(ws, "HEX-5", "Call back please", "2025-06-20T09:00")  # due Fri 27 Jun
        save_closure_days(ws, "code-2024", ["2025-06-26"])
        assert inbox_due(ws, "NEW-9") == (D("2025-07-02"), 5)
        assert stored(ws, "NEW-9") == derived(ws, "NEW-9")
        save_at_risk_days(ws, "hexagon-4-stage", 3)
        assert [r.ref for r in list_inbox(ws, InboxQuery(due="at_risk"))] == ["HEX-5"]
        assert count_inbox(ws).at_risk == 1
    finally:
        ws.close()
