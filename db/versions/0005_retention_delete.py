"""retention delete

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Deleting a closed case once its retention period has passed (app/services/retention.py) is the
one way case events may be removed. The service puts the case's id in ``retention_delete``
inside the deleting transaction and takes it out again before committing; the append-only
trigger lets a case event be deleted only while that marker names its case and the case is
closed. Every other DELETE (and UPDATE, TRUNCATE, REPLACE) is still refused.

On SQLite the full-text indexes also follow a deletion: an event's summary leaves ``event_fts``
and a case's ref and resident name leave ``case_fts``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

REFUSE_EVENT = "case events are append-only: record a correction instead"
# The marker names the case and the case is closed: the deliberate, audited retention path.
MARKED = (
    "EXISTS (SELECT 1 FROM retention_delete m JOIN cases c ON c.id = m.case_id "
    "WHERE m.case_id = OLD.case_id AND c.status = 'closed')"
)


def upgrade() -> None:
    op.create_table(
        "retention_delete",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_retention_delete")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS case_events_no_delete")
        op.execute(
            "CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events "
            f"WHEN NOT {MARKED} BEGIN SELECT RAISE(ABORT, '{REFUSE_EVENT}'); END"
        )
        # external-content FTS5: a deleted row's entry must be removed with the 'delete' command
        op.execute(
            "CREATE TRIGGER event_fts_delete AFTER DELETE ON case_events BEGIN "
            "INSERT INTO event_fts(event_fts, rowid, summary) "
            "VALUES ('delete', old.rowid, old.summary); END"
        )
        op.execute(
            "CREATE TRIGGER case_fts_delete AFTER DELETE ON cases BEGIN "
            "DELETE FROM case_fts WHERE rowid = old.rowid; END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION case_events_append_only() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' AND TG_LEVEL = 'ROW' AND {MARKED} THEN RETURN OLD; END IF; "
            f"RAISE EXCEPTION '{REFUSE_EVENT}'; END; $$ LANGUAGE plpgsql"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS event_fts_delete")
        op.execute("DROP TRIGGER IF EXISTS case_fts_delete")
        op.execute("DROP TRIGGER IF EXISTS case_events_no_delete")
        op.execute(
            "CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSE_EVENT}'); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION case_events_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{REFUSE_EVENT}'; END; $$ LANGUAGE plpgsql"
        )
    op.drop_table("retention_delete")
