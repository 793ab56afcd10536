"""An officer's named inbox views (a scope and filters they come back to)."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import delete, select

from app.errors import ValidationError
from app.services.cases import log_action
from app.services.inbox import InboxQuery
from app.services.workspace import Workspace
from app.store.models import SavedView


def save_view(ws: Workspace, name: str, query: InboxQuery) -> None:
    name = name.strip()
    if not name:
        raise ValidationError("Give the view a name.")
    query.check()
    filters = asdict(query)
    filters["kinds"] = list(query.kinds)
    del filters["refs"]  # the inbox's re-read of changed rows, never part of a view
    with ws.db.write() as s:
        row = s.scalar(
            select(SavedView).where(SavedView.owner == ws.actor.username, SavedView.name == name)
        )
        if row is None:
            s.add(
                SavedView(owner=ws.actor.username, name=name, filters=filters, created_at=ws.now())
            )
        else:
            row.filters = filters
        log_action(
            s,
            ws,
            "save_view",
            "saved_view",
            ws.actor.username,
            replaced=row is not None,
            filters=sorted(k for k, v in filters.items() if v not in (None, (), [], "", False)),
        )


def list_views(ws: Workspace) -> list[tuple[str, InboxQuery]]:
    with ws.db.read() as s:
        rows = s.scalars(
            select(SavedView).where(SavedView.owner == ws.actor.username).order_by(SavedView.name)
        )
        out = []
        for r in rows:
            f = dict(r.filters)
            f["kinds"] = tuple(f.get("kinds", ()))
            known = {k: v for k, v in f.items() if k in InboxQuery.__dataclass_fields__}
            out.append((r.name, InboxQuery(**known)))
        return out


def delete_view(ws: Workspace, name: str) -> None:
    with ws.db.write() as s:
        gone = s.execute(
            delete(SavedView).where(SavedView.owner == ws.actor.username, SavedView.name == name)
        ).rowcount
        log_action(s, ws, "delete_view", "saved_view", ws.actor.username, count=gone)
