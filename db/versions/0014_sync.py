"""sync: laptops that work offline and sync with the team server

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

* ``devices``: a laptop enrolled with the sync service — whose it is and the hash of its
  revocable token (laptops never hold database credentials).
* ``sync_head``: one row whose counter numbers every change to a case, taken under the row's lock
  so numbers are committed in order: a pull cursor never skips a row committed late.
  ``cases.sync_seq`` and ``case_events.sync_seq`` carry the numbers (existing cases numbered
  here; existing events keep none and travel with their case's first pull).
* ``sync_applied``: each pushed change id once (a change delivered twice is applied once).
* ``sync_outbox``: on a laptop, each local change as an immutable record, written in the same
  transaction as the change, until the server has it.
* ``sync_conflicts``: changes to a mutable fact made from a stale base, held for a person.
* ``sync_drop``: present only inside the transaction in which a laptop gives up its copy of a case
  (no longer its person's, or refreshed from the server): while it names the case, SQLite lets
  that case's events be deleted on the laptop. The team server never deletes through it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.store.base import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

REFUSE_EVENT = "case events are append-only: record a correction instead"
RETAINED = (
    "EXISTS (SELECT 1 FROM retention_delete m JOIN cases c ON c.id = m.case_id "
    "WHERE m.case_id = OLD.case_id AND c.status = 'closed')"
)
DROPPED = "EXISTS (SELECT 1 FROM sync_drop d WHERE d.case_id = OLD.case_id)"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "devices",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("officer_id", sa.Uuid(), sa.ForeignKey("officers.id"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("enrolled_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(80), nullable=True),
    )
    op.create_table(
        "sync_head",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "sync_applied",
        sa.Column("change_id", sa.String(40), primary_key=True),
        sa.Column("device_id", sa.String(40), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("message", sa.Text(), nullable=False, server_default=""),
        sa.Column("applied_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "sync_outbox",
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("change_id", sa.String(40), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(60), nullable=False),
        sa.Column("base", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("device", sa.String(120), nullable=False),
        sa.Column("made_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=False, server_default=""),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("change_id", sa.String(40), primary_key=True),
        sa.Column("ref", sa.String(60), nullable=False),
        sa.Column("fact", sa.String(40), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("device", sa.String(120), nullable=False),
        sa.Column("made_at", UTCDateTime(), nullable=False),
        sa.Column("held_at", UTCDateTime(), nullable=False),
        sa.Column("theirs", sa.JSON(), nullable=False),
        sa.Column("ours", sa.JSON(), nullable=False),
        sa.Column("change", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, server_default="open"),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_sync_conflicts_status", "sync_conflicts", ["status", "held_at"])
    op.create_table("sync_drop", sa.Column("case_id", sa.Uuid(), primary_key=True))
    op.add_column("cases", sa.Column("sync_seq", sa.BigInteger(), nullable=True))
    op.add_column("case_events", sa.Column("sync_seq", sa.BigInteger(), nullable=True))
    # Number the cases already stored (events stored before this carry no number: a laptop's
    # first pull, from 0, takes every event of a case; later pulls only numbered ones).
    if dialect == "sqlite":
        op.execute("UPDATE cases SET sync_seq = rowid")
    else:
        op.execute(
            "UPDATE cases c SET sync_seq = n.n FROM (SELECT id, row_number() OVER "
            "(ORDER BY created_at, id) AS n FROM cases) n WHERE n.id = c.id"
        )
    op.execute(
        "INSERT INTO sync_head (id, seq) SELECT 1, coalesce(max(sync_seq), 0) FROM cases"
    )
    op.create_index("ix_cases_sync_seq", "cases", ["sync_seq"])
    op.create_index("ix_case_events_case_sync", "case_events", ["case_id", "sync_seq"])
    if dialect == "postgresql":
        # Whether a case exists at all, past the row-level security (a pushed entry for a case
        # its author may no longer see is held for review, not left waiting for a case that
        # "is not there"); it tells nothing else.
        schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
        op.execute(
            "CREATE OR REPLACE FUNCTION doorstep_case_exists(wanted text) RETURNS boolean "
            f'LANGUAGE sql STABLE SECURITY DEFINER SET search_path = "{schema}" AS '
            "$$ SELECT EXISTS (SELECT 1 FROM cases WHERE ref = wanted) $$"
        )
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS case_events_no_delete")
        op.execute(
            "CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events "
            f"WHEN NOT ({RETAINED} OR {DROPPED}) "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSE_EVENT}'); END"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS doorstep_case_exists(text)")
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS case_events_no_delete")
        op.execute(
            "CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events "
            f"WHEN NOT {RETAINED} BEGIN SELECT RAISE(ABORT, '{REFUSE_EVENT}'); END"
        )
    op.drop_index("ix_case_events_case_sync", table_name="case_events")
    op.drop_index("ix_cases_sync_seq", table_name="cases")
    with op.batch_alter_table("case_events") as batch:
        batch.drop_column("sync_seq")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("sync_seq")
    for table in ("sync_drop", "sync_conflicts", "sync_outbox", "sync_applied", "sync_head"):
        op.drop_table(table)
    op.drop_table("devices")
