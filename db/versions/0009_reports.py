"""reports: spot checks

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

Spot checks (issue 16 item 2): a drawn sample of live cases (seed, percentage, population) and
one checklist per sampled case — what the record answers, the manager's quality checks,
comments and actions for the officer.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spot_checks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("drawn_by", sa.String(length=80), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_checks")),
    )
    op.create_table(
        "spot_check_items",
        sa.Column("spot_check_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("case_ref", sa.String(length=60), nullable=False),
        sa.Column("officer", sa.String(length=80), nullable=False),
        sa.Column("auto", sa.JSON(), nullable=False),
        sa.Column("quality", sa.JSON(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("completed_by", sa.String(length=80), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("device", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["spot_check_id"],
            ["spot_checks.id"],
            name=op.f("fk_spot_check_items_spot_check_id_spot_checks"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_spot_check_items_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_check_items")),
    )
    op.create_index(
        op.f("ix_spot_check_items_spot_check_id"), "spot_check_items", ["spot_check_id"]
    )
    op.create_index(op.f("ix_spot_check_items_case_id"), "spot_check_items", ["case_id"])
    op.create_index(op.f("ix_spot_check_items_officer"), "spot_check_items", ["officer"])


def downgrade() -> None:
    op.drop_index(op.f("ix_spot_check_items_officer"), table_name="spot_check_items")
    op.drop_index(op.f("ix_spot_check_items_case_id"), table_name="spot_check_items")
    op.drop_index(op.f("ix_spot_check_items_spot_check_id"), table_name="spot_check_items")
    op.drop_table("spot_check_items")
    op.drop_table("spot_checks")
