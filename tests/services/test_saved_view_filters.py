"""A saved inbox view keeps the filters a person chose, never the inbox's internal re-read of
the rows a write changed (InboxQuery.refs)."""

from __future__ import annotations

from sqlalchemy import select

from app.services.inbox import InboxQuery
from app.services.saved_views import list_views, save_view
from app.store.models import SavedView


def test_a_saved_view_round_trips_without_the_refs(office):
    query = InboxQuery(kinds=("asb",), due="today", text="resident", refs=("ASB-1",))
    save_view(office, "My ASB", query)
    with office.db.read() as s:
        stored = s.scalar(select(SavedView.filters).where(SavedView.name == "My ASB"))
    assert "refs" not in stored
    [(name, loaded)] = [v for v in list_views(office) if v[0] == "My ASB"]
    assert loaded.refs == () and loaded.due == "today" and list(loaded.kinds) == ["asb"]
