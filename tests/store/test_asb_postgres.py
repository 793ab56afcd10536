"""The ASB services on PostgreSQL (the team server): seed 001 replayed, and a demo-like case
whose household lookup for the case review runs in the server's SQL."""

from __future__ import annotations

import datetime as dt

from app.services import asb
from app.services.auditing import audit_case
from app.services.workspace import Actor, Workspace
from app.store.database import open_database
from tests.domain.test_audit_example import SEED_001_FINDINGS
from tests.pg import needs_pg
from tests.services.test_asb_seed001 import replay
from tests.ui.asb_case import REF, showcase_case

pytestmark = needs_pg


def test_asb_services_on_postgresql(pg_url, clock, seed001_doc):
    ws = Workspace(open_database(pg_url), Actor("tester", "pg"), clock)
    try:
        ids = replay(ws, seed001_doc)
        back = {new: old for old, new in ids.items()}
        report = audit_case(ws, "HX-0001", as_of=dt.date(2025, 6, 24))
        found = [(f.code, f.date.isoformat(), [back[e] for e in f.events]) for f in report.findings]
        assert found == SEED_001_FINDINGS
        showcase_case(ws)
        view = asb.asb_view(ws, REF)
        assert view.review.qualifies and view.review.managers == ("s.hughes",)
        assert [p.number for p in view.plans] == [1, 2]
    finally:
        ws.close()
