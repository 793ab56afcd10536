"""Checking the tamper-evident audit trail (`doorstep verify-trail`)."""

from __future__ import annotations

from app.domain.trail import TrailCheck, check_chain
from app.services.workspace import Workspace
from app.store.trail import read_entries, read_head


def verify_trail(ws: Workspace) -> TrailCheck:
    """Walk the whole chain: the first changed, removed or inserted entry is reported."""
    with ws.db.read() as s:
        head_seq, head_hash = read_head(s)
        return check_chain(read_entries(s), head_seq, head_hash)
