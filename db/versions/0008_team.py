"""team oversight: handovers marked new, the annual self-assessment, ASB reports by date

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

A case a manager hands to an officer is new to that officer until they open it
(``case_handovers``); the manager's status and comment per section of the Complaint Handling
Code, per year (``self_assessment``); and indexes so the team view counts from indexes alone at
100,000 cases: case events by type and time (every recent ASB report, for the case review
trigger), cases by inbox, officer, kind and next due date (the counts per officer and kind),
deadlines by kind and status (the Ombudsman orders tracker) and by due date with what decides a
breach (the weekly trend).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_handovers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("officer_id", sa.Uuid(), nullable=False),
        sa.Column("handed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handed_by", sa.String(length=80), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_handovers_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officers.id"], name=op.f("fk_case_handovers_officer_id_officers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_handovers")),
    )
    op.create_index(
        "ix_case_handovers_officer_seen", "case_handovers", ["officer_id", "seen_at"]
    )
    op.create_table(
        "self_assessment",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("device", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_assessment")),
        sa.UniqueConstraint("year", "section", name="uq_self_assessment_year_section"),
    )
    op.create_index("ix_case_events_type_at", "case_events", ["type", "at"])
    op.create_index("ix_cases_team", "cases", ["in_inbox", "officer_id", "kind", "next_due"])
    op.create_index("ix_deadlines_kind_status", "deadlines", ["kind", "status", "due"])
    op.create_index(
        "ix_deadlines_due_trend", "deadlines", ["due", "status", "met_on", "closed_on"]
    )


def downgrade() -> None:
    op.drop_index("ix_deadlines_due_trend", table_name="deadlines")
    op.drop_index("ix_deadlines_kind_status", table_name="deadlines")
    op.drop_index("ix_cases_team", table_name="cases")
    op.drop_index("ix_case_events_type_at", table_name="case_events")
    op.drop_table("self_assessment")
    op.drop_index("ix_case_handovers_officer_seen", table_name="case_handovers")
    op.drop_table("case_handovers")
