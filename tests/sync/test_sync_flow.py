"""A laptop works offline and syncs with the team server: both ways, once, with conflicts held."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import PermissionDenied
from app.services.absences import reassign_case
from app.services.cases import create_case, get_case
from app.services.contacts import log_contact
from app.services.sync import client, conflicts, devices
from app.store.models import Case, CaseEvent, OutboxChange, SyncConflict


def _events(ws, ref: str) -> set[str]:
    with ws.db.read() as s:
        cid = s.scalar(select(Case.id).where(Case.ref == ref))
        return set(s.scalars(select(CaseEvent.local_id).where(CaseEvent.case_id == cid)))


def _post(ws, path: str, body: dict) -> dict:
    """One request to the sync service as the laptop ``ws`` (past the client's own steps)."""
    conn = client._connect(ws)
    try:
        return conn.post(path, body)
    finally:
        conn.close()


def _one_change(ws, summary: str) -> dict:
    """A synced laptop logs one call on T-002: the change its outbox would push, as sent."""
    client.sync(ws)
    log_contact(ws, "T-002", channel="phone", direction="out", summary=summary)
    with ws.db.read() as s:
        return client._change(s.scalars(select(OutboxChange)).one())


def _refs(ws) -> set[str]:
    with ws.db.read() as s:
        return set(s.scalars(select(Case.ref)))


def test_first_sync_brings_only_the_persons_cases(laptop):
    ws = laptop("amira")
    report = client.sync(ws)
    assert _refs(ws) == {"T-001", "T-002"}  # T-003 is Ben's
    assert report.pulled_cases == 2
    detail = get_case(ws, "T-001")
    assert detail.deadlines  # derived here from the events, never copied


def test_offline_entries_reach_the_server_and_a_teammate(team, laptop):
    amira, mo = laptop("amira"), laptop("mo")
    client.sync(amira)
    client.sync(mo)
    log_contact(amira, "T-001", channel="phone", direction="in", summary="Rang about the leak")
    with amira.db.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxChange)) == 1
    report = client.sync(amira)
    assert report.pushed == 1 and report.pending == 0
    assert _events(team, "T-001") == _events(amira, "T-001")
    client.sync(mo)
    assert _events(mo, "T-001") == _events(team, "T-001")
    # the late-entry record keeps the laptop's recording, not the time it reached the server
    with team.db.read() as s:
        row = s.scalars(select(CaseEvent).where(CaseEvent.type == "contact")).one()
        assert row.recorded_by == "amira" and row.device == "amira"


def test_a_change_pushed_twice_is_applied_once(team, laptop, server):
    ws = laptop("amira")
    change = _one_change(ws, "Rang")
    first = _post(ws, "/v1/push", {"changes": [change]})["results"][0]
    again = _post(ws, "/v1/push", {"changes": [change, change]})["results"]
    assert first["status"] == "applied"
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    with team.db.read() as s:
        assert (
            s.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.type == "contact"))
            == 1
        )


def test_conflicting_reassignments_go_to_the_review_queue(team, laptop):
    amira, mo = laptop("amira"), laptop("mo")
    client.sync(amira)
    client.sync(mo)
    reassign_case(mo, "T-001", "ben", "Ben covers the patch")
    reassign_case(amira, "T-001", "mo", "Going on leave")
    assert client.sync(mo).pushed == 1
    report = client.sync(amira)
    assert report.held == ["T-001"]
    with team.db.read() as s:
        assert s.scalar(select(Case).where(Case.ref == "T-001")).officer.username == "ben"
    # Amira's copy: the case went to Ben, so it leaves her laptop; the held change is in the queue
    assert "T-001" not in _refs(amira)
    client.sync(mo)
    queue = conflicts.open_conflicts(mo)
    assert [(c.ref, c.fact, c.theirs["officer"], c.ours["officer"]) for c in queue] == [
        ("T-001", "assignment", "ben", "mo")
    ]
    # the manager decides on the laptop: the held hand-over is applied after all
    conflicts.decide(mo, queue[0].change_id, "apply", "Agreed with Ben")
    client.sync(mo)
    with team.db.read() as s:
        assert s.scalar(select(Case).where(Case.ref == "T-001")).officer.username == "mo"
    assert conflicts.open_conflicts(mo) == []
    with mo.db.read() as s:  # the laptop's copy of the queue holds nothing decided
        assert s.scalar(select(func.count()).select_from(SyncConflict)) == 0


def test_a_case_opened_offline_reaches_the_server(team, laptop):
    ws = laptop("amira")
    client.sync(ws)
    create_case(ws, ref="T-100", kind="asb", officer="amira", resident_name="New Resident")
    log_contact(ws, "T-100", channel="visit", direction="out", summary="First visit")
    client.sync(ws)
    assert "T-100" in _refs(team)
    assert _events(team, "T-100") == _events(ws, "T-100")


def test_a_withdrawn_laptop_is_refused(team, laptop):
    ws = laptop("amira")
    client.sync(ws)
    devices.revoke(team, "amira")
    with pytest.raises(PermissionDenied, match="withdrawn"):
        client.sync(ws)


def test_a_laptop_cannot_import_or_change_policy(laptop):
    from app.services.access import Do, require

    ws = laptop("mo")
    with ws.db.read() as s, pytest.raises(PermissionDenied, match="team server"):
        require(s, Do.IMPORT)


def test_an_entry_made_before_the_case_was_handed_away_is_merged(team, laptop):
    """Stale-base entries are never conflicts: Amira held T-002 when she logged the call
    offline; that the case went to Ben meanwhile does not stop it joining the history."""
    amira, ben = laptop("amira"), laptop("ben")
    client.sync(amira)
    log_contact(amira, "T-002", channel="phone", direction="in", summary="Rang from the bus")
    reassign_case(team, "T-002", "ben", "Ben's patch now")
    report = client.sync(amira)
    assert (report.pushed, report.held, report.pending) == (1, [], 0)
    assert "T-002" not in _refs(amira)  # no longer hers: given up
    client.sync(ben)
    assert _events(ben, "T-002") == _events(team, "T-002")
    assert len(_events(team, "T-002")) == 2  # the hand-over and Amira's call


def test_an_entry_on_a_case_its_author_never_held_is_held(team, laptop, sync_clock):
    """Amira covered Ben's case and logged a call offline; the cover ended before it reached
    the server. She never held T-003, so the entry waits for a manager rather than being lost."""
    import datetime as dt

    from app.services.absences import add_absence

    amira, mo = laptop("amira"), laptop("mo")
    today = team.today()
    add_absence(team, "ben", today, today + dt.timedelta(days=2), cover_officer="amira")
    client.sync(amira)
    assert "T-003" in _refs(amira)
    log_contact(amira, "T-003", channel="phone", direction="in", summary="Rang for Ben")
    sync_clock.at += dt.timedelta(days=7)  # the cover is over
    report = client.sync(amira)
    assert report.held == ["T-003"] and "T-003" not in _refs(amira)
    client.sync(mo)
    (held,) = conflicts.open_conflicts(mo)
    assert (held.fact, held.ours["summary"]) == ("access", "Rang for Ben")
    conflicts.decide(mo, held.change_id, "apply", "Ben wants it on file")
    client.sync(mo)
    assert _events(team, "T-003") == _events(mo, "T-003")
    assert len(_events(team, "T-003")) == 1


def test_a_hand_over_made_on_top_of_a_held_one_is_held_too(team, laptop):
    """Bases are hand-over ids, not counts: Mo's second hand-over, made after his first, cannot
    land just because the server has seen as many hand-overs (one of them the admin's)."""
    mo = laptop("mo")
    client.sync(mo)
    reassign_case(team, "T-001", "ben", "Ben covers")  # on the server, while Mo is offline
    reassign_case(mo, "T-001", "mo", "I'll take it")
    reassign_case(mo, "T-001", "amira", "Back to Amira")
    report = client.sync(mo)
    assert report.held == ["T-001", "T-001"]
    with team.db.read() as s:
        assert s.scalar(select(Case).where(Case.ref == "T-001")).officer.username == "ben"


def test_a_page_applied_twice_changes_nothing(team, laptop, server):
    from app.services.sync import replica

    ws = laptop("amira")
    page = _post(ws, "/v1/pull", {"cursor": 0, "limit": 500})
    replica.apply_page(ws, page, replica.Applied())
    before = {ref: _events(ws, ref) for ref in _refs(ws)}
    again = replica.Applied()
    replica.apply_page(ws, page, again)  # a laptop killed before it kept the cursor, say
    assert {ref: _events(ws, ref) for ref in _refs(ws)} == before
    assert again.events == 0


def test_offline_is_one_sentence_and_keeps_the_outbox(laptop):
    ws = laptop("amira")
    client.sync(ws)
    log_contact(ws, "T-001", channel="phone", direction="in", summary="Rang")
    client.move_server(ws, "http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(client.Offline, match="cannot be reached"):
        client.sync(ws)
    status = client.status(ws)
    assert status.pending == 1 and "cannot be reached" in status.last_error


def test_a_later_hand_over_arriving_first_waits_for_the_earlier(team, laptop, server):
    """Reordered delivery is not a conflict: the second hand-over (base 1) arriving before the
    first (base 0) is deferred, then applied once the first has arrived."""
    ws = laptop("mo")
    client.sync(ws)
    reassign_case(ws, "T-003", "amira", "first")
    reassign_case(ws, "T-003", "ben", "and back")
    with ws.db.read() as s:
        first, second = (
            client._change(r)
            for r in s.scalars(select(OutboxChange).order_by(OutboxChange.position))
        )
    assert (first["base"], second["base"]) == (0, 1)
    assert _post(ws, "/v1/push", {"changes": [second]})["results"][0]["status"] == "deferred"
    results = _post(ws, "/v1/push", {"changes": [first, second]})["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    with team.db.read() as s:
        assert s.scalar(select(Case).where(Case.ref == "T-003")).officer.username == "ben"


def test_a_home_visit_saved_offline_syncs_like_any_entry(team, laptop, server):
    from app.services.visits import new_draft, save_visit

    ws = laptop("amira")
    client.sync(ws)
    client.move_server(ws, "http://127.0.0.1:9")  # no signal on the doorstep
    draft = new_draft(ws, "T-001")
    draft.notes, draft.callback_requested = "Damp in the back bedroom; wants a call", True
    visit_id = save_visit(ws, draft)
    with pytest.raises(client.Offline):
        client.sync(ws)
    assert client.status(ws).pending == 2  # the visit and what the resident raised
    client.move_server(ws, server.url)
    assert client.sync(ws).pushed == 2
    assert visit_id in _events(team, "T-001")


def test_the_service_refuses_what_is_not_a_laptops_request(server, laptop, monkeypatch):
    import httpx

    from app.server import api

    ws = laptop("amira")
    token = client.enrolment(ws)["token"]
    with httpx.Client(base_url=server.url, timeout=10) as http:
        assert http.post("/v1/pull", json={"cursor": 0}).status_code == 401  # no token
        bad = http.post("/v1/pull", json={"cursor": 0}, headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 403
        auth = {"Authorization": f"Bearer {token}"}
        assert http.post("/v1/pull", json={"cursor": -1}, headers=auth).status_code == 422
        monkeypatch.setattr(api, "MAX_BODY", 1000)
        big = http.post("/v1/push", json={"changes": ["x" * 2000]}, headers=auth)
        assert big.status_code == 413
        monkeypatch.undo()
        junk = http.post("/v1/push", json={"changes": [{"id": "x"}]}, headers=auth)
        assert junk.status_code == 422 and "lacks" in junk.json()["detail"]


def test_a_laptop_follows_what_its_person_may_see(team, laptop):
    """Cover brings an absent colleague's cases; a role taken away takes cases away."""
    import datetime as dt

    from app.services import accounts
    from app.services.absences import add_absence

    ben, mo = laptop("ben"), laptop("mo")
    client.sync(ben)
    client.sync(mo)
    assert _refs(ben) == {"T-003"}
    assert _refs(mo) == {"T-001", "T-002", "T-003"}
    today = team.today()
    add_absence(team, "amira", today, today + dt.timedelta(days=5), cover_officer="ben")
    client.sync(ben)
    assert _refs(ben) == {"T-001", "T-002", "T-003"}
    assert _events(ben, "T-001") == _events(team, "T-001")
    accounts.set_role(team, "mo", "officer")
    report = client.sync(mo)
    assert _refs(mo) == set() and sorted(report.dropped) == ["T-001", "T-002", "T-003"]


def test_a_stopped_sync_keeps_what_it_did_and_the_next_one_finishes(team, laptop):
    ws = laptop("amira")
    for i in range(3):
        log_contact(team, "T-001", channel="phone", direction="in", summary=f"Call {i}")
    with pytest.raises(client.Stopped):
        client.sync(ws, stop=lambda: True)  # stopped after the first step
    report = client.sync(ws)
    assert _refs(ws) == {"T-001", "T-002"}
    assert _events(ws, "T-001") == _events(team, "T-001")
    assert report.pending == 0


def test_a_malformed_change_is_held_not_a_poison_pill(team, laptop, server):
    """A change the server cannot store is held for review; the rest of its batch goes in."""
    ws = laptop("amira")
    good = _one_change(ws, "Good one")
    bad = {**good, "id": "0190a0a0-0000-7000-8000-000000000001"}
    bad["payload"] = {**good["payload"], "recorded": {"at": "not a time"}}
    worse = {**good, "id": "0190a0a0-0000-7000-8000-000000000002"}
    worse["payload"] = {**good["payload"], "event": "not an entry"}
    results = _post(ws, "/v1/push", {"changes": [bad, worse, good]})["results"]
    assert [r["status"] for r in results] == ["held", "held", "applied"]
    assert "not a time" in results[0]["message"]
    assert "cannot be stored" in results[1]["message"]


def test_a_case_the_laptop_cannot_take_is_reported_not_a_stuck_sync(team, laptop, server):
    """One bad case in a page (here a whole case with an impossible date, and a delta referring
    to an entry this copy lacks) leaves the rest of the page applied."""
    from app.services.sync import replica

    ws = laptop("amira")
    page = _post(ws, "/v1/pull", {"cursor": 0, "limit": 500})
    t1 = next(d for d in page["cases"] if d["ref"] == "T-001")
    odd = {
        **t1,
        "ref": "T-900",
        "id": "0190a0a0-0000-7000-8000-0000000000aa",
        "opened": "2025-02-30",
    }
    odd["resident"] = {**t1["resident"], "id": "0190a0a0-0000-7000-8000-0000000000bb"}
    page["cases"].append(odd)
    page["visible"] = None  # (else the laptop would give up T-900 as not the person's)
    out = replica.Applied()
    replica.apply_page(ws, page, out)
    assert _refs(ws) == {"T-001", "T-002"}
    assert [f.split(":")[0] for f in out.failed] == ["T-900"]
    later = {**t1, "full": False, "events": [{**t1["events"][0], "event": {
        **t1["events"][0]["event"], "id": "ev-later", "type": "complaint_ack",
        "complaint": "no-such-entry"}}]}  # fmt: skip
    again = replica.Applied()
    replica.apply_page(ws, {**page, "cases": [later]}, again)
    assert again.refetch == ["T-001"] and again.failed == []


def test_a_held_change_is_undone_here_even_if_the_sync_is_cut_off(team, laptop):
    """The laptop went ahead of the server with a change the server held: its copy of that case
    is fetched whole — and that is remembered with the push's answer, so a sync cut off before
    it gets there (the laptop switched off) still puts the copy right next time."""
    from app.services.sync import client as sync_client

    ws = laptop("amira")
    client.sync(ws)
    log_contact(ws, "T-002", channel="phone", direction="in", summary="Made by someone else")
    with ws.db.write() as s:  # a change the server will not take as it is (held: "author")
        s.scalars(select(OutboxChange)).one().author = "ben"
    with pytest.raises(client.Stopped):
        client.sync(ws, stop=lambda: True)  # cut off right after the push was answered
    assert ws.setting(sync_client.REFETCH) == ["T-002"]
    assert _events(ws, "T-002") != _events(team, "T-002")
    client.sync(ws)
    assert _events(ws, "T-002") == _events(team, "T-002")
    assert ws.setting(sync_client.REFETCH) == []
