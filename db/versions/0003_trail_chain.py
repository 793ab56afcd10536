"""trail chain

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

A tamper-evident audit trail: every ``audit_log`` entry gets a sequence number, the previous
entry's hash and its own (app/domain/trail.py), with a one-row ``trail_head`` that writers lock.
Existing entries are chained in the order they were written. ``audit_log`` becomes append-only
like ``case_events``, and on SQLite ``INSERT OR REPLACE`` / ``REPLACE INTO`` can no longer
remove an existing event or entry (REPLACE deletes without firing delete triggers). Events get
an ``origin`` (entered here, or imported with their case) for telling late entries.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.domain.trail import GENESIS, entry_hash, plain_json
from app.store.base import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

REFUSE_EVENT = "case events are append-only: record a correction instead"
REFUSE_TRAIL = "the audit trail is append-only"


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_audit_log_seq"), ["seq"])
    op.create_table(
        "trail_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trail_head")),
    )
    # A plain ADD COLUMN (no table rebuild): case_events keeps its rows, rowids and triggers.
    op.add_column("case_events", sa.Column("origin", sa.String(length=20), nullable=True))
    _chain_existing()
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_triggers()
    elif dialect == "postgresql":
        _postgresql_triggers()


def _chain_existing() -> None:
    bind = op.get_bind()
    log = sa.table(
        "audit_log",
        sa.column("id", sa.Uuid()),
        sa.column("at", UTCDateTime()),
        sa.column("actor", sa.String()),
        sa.column("device", sa.String()),
        sa.column("action", sa.String()),
        sa.column("entity", sa.String()),
        sa.column("entity_id", sa.String()),
        sa.column("detail", sa.JSON()),
        sa.column("seq", sa.Integer()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    order = [log.c.at, sa.literal_column("rowid")] if bind.dialect.name == "sqlite" else [log.c.at, log.c.id]
    rows = bind.execute(sa.select(log).order_by(*order)).mappings().all()
    prev, seq = GENESIS, 0
    for row in rows:
        seq += 1
        detail = plain_json(row["detail"] or {})
        fields = {**row, "seq": seq, "detail": detail, "device": row["device"] or ""}
        digest = entry_hash(fields, prev)
        bind.execute(
            log.update()
            .where(log.c.id == row["id"])
            .values(seq=seq, prev_hash=prev, hash=digest, detail=detail)
        )
        prev = digest
    head = sa.table("trail_head", sa.column("id"), sa.column("seq"), sa.column("hash"))
    bind.execute(head.insert().values(id=1, seq=seq, hash=prev))


def _sqlite_triggers() -> None:
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{action.lower()} BEFORE {action} ON audit_log "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSE_TRAIL}'); END"
        )
    # REPLACE resolves a conflict by deleting the old row, which fires no delete trigger unless
    # recursive_triggers is on (it is, on connections Doorstep opens): refuse such an insert
    # before it gets that far, whoever's connection it is.
    op.execute(
        "CREATE TRIGGER case_events_no_replace BEFORE INSERT ON case_events "
        "WHEN EXISTS (SELECT 1 FROM case_events WHERE id = NEW.id OR rowid = NEW.rowid "
        "OR (case_id = NEW.case_id AND local_id = NEW.local_id)) "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSE_EVENT}'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
        "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id OR rowid = NEW.rowid "
        "OR seq = NEW.seq) "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSE_TRAIL}'); END"
    )


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ BEGIN "
        f"RAISE EXCEPTION '{REFUSE_TRAIL}'; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    )
    for table, function in (
        ("audit_log", "audit_log_append_only"),
        ("case_events", "case_events_append_only"),
    ):
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in (
            "audit_log_no_update",
            "audit_log_no_delete",
            "case_events_no_replace",
            "audit_log_no_replace",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS case_events_no_truncate ON case_events")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_column("case_events", "origin")
    op.drop_table("trail_head")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_log_seq"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
