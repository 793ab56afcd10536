"""A manager's workspace (clock: 10 Apr 2026, after the reporting year 2025-26) with officers."""

from __future__ import annotations

import pytest

from app.services.workspace import put_setting
from app.store.models import Officer
from tests.services.conftest import act_as


@pytest.fixture
def manager_ws(ws, clock):
    clock.set("2026-04-10T10:00:00+00:00")
    with ws.db.write() as s:
        for username, role in [
            ("a.khan", "officer"),
            ("r.morgan", "officer"),
            ("t.wis", "officer"),
            ("p.natarajan", "manager"),
            ("aud", "auditor"),
        ]:
            s.add(Officer(username=username, name=username, role=role))
    return ws


def as_manager(ws):
    """From here roles are enforced (as the demo does) and the manager acts."""
    with ws.db.write() as s:
        put_setting(s, "demo", True)
    return act_as(ws, "p.natarajan")
