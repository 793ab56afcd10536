"""absences saved views search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Out-of-office periods with cover, saved inbox views, and full-text search.
On SQLite, search uses FTS5: an external-content index over case event
summaries (events are append-only, so an insert trigger keeps it in step) and an
index of case references and resident names kept in step by triggers. PostgreSQL
searches without these tables (see app/services/search.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_views")),
        sa.UniqueConstraint("owner", "name", name="uq_saved_views_owner_name"),
    )
    op.create_table(
        "absences",
        sa.Column("officer_id", sa.Uuid(), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=False),
        sa.Column("cover_officer_id", sa.Uuid(), nullable=True),
        sa.Column("cover_team_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("device", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cover_officer_id"],
            ["officers.id"],
            name=op.f("fk_absences_cover_officer_id_officers"),
        ),
        sa.ForeignKeyConstraint(
            ["cover_team_id"], ["teams.id"], name=op.f("fk_absences_cover_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officers.id"], name=op.f("fk_absences_officer_id_officers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_absences_officer_id"), ["officer_id"], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        _sqlite_search()


def _sqlite_search() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE event_fts USING fts5(summary, content='case_events', "
        "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute("INSERT INTO event_fts(rowid, summary) SELECT rowid, summary FROM case_events")
    op.execute(
        "CREATE TRIGGER event_fts_insert AFTER INSERT ON case_events BEGIN "
        "INSERT INTO event_fts(rowid, summary) VALUES (new.rowid, new.summary); END"
    )
    op.execute(
        "CREATE VIRTUAL TABLE case_fts USING fts5(ref, resident, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "INSERT INTO case_fts(rowid, ref, resident) SELECT c.rowid, c.ref, r.name "
        "FROM cases c JOIN residents r ON r.id = c.resident_id"
    )
    op.execute(
        "CREATE TRIGGER case_fts_insert AFTER INSERT ON cases BEGIN "
        "INSERT INTO case_fts(rowid, ref, resident) "
        "SELECT new.rowid, new.ref, r.name FROM residents r WHERE r.id = new.resident_id; END"
    )
    op.execute(
        "CREATE TRIGGER case_fts_update AFTER UPDATE OF ref, resident_id ON cases BEGIN "
        "DELETE FROM case_fts WHERE rowid = old.rowid; "
        "INSERT INTO case_fts(rowid, ref, resident) "
        "SELECT new.rowid, new.ref, r.name FROM residents r WHERE r.id = new.resident_id; END"
    )
    op.execute(
        "CREATE TRIGGER case_fts_resident AFTER UPDATE OF name ON residents BEGIN "
        "DELETE FROM case_fts WHERE rowid IN (SELECT rowid FROM cases WHERE resident_id = new.id); "
        "INSERT INTO case_fts(rowid, ref, resident) "
        "SELECT c.rowid, c.ref, new.name FROM cases c WHERE c.resident_id = new.id; END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in (
            "event_fts_insert",
            "case_fts_insert",
            "case_fts_update",
            "case_fts_resident",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS event_fts")
        op.execute("DROP TABLE IF EXISTS case_fts")
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absences_officer_id"))

    op.drop_table("absences")
    op.drop_table("saved_views")
