"""officers.job_title: letters are signed with the officer's own job title

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

The title was kept in the ``officer_titles`` setting (first run only); it moves to the
officer's profile, where every person has one. Titles already given are copied across.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("job_title", sa.String(length=200), nullable=False, server_default="")
        )
    bind = op.get_bind()
    row = bind.execute(sa.text("SELECT value FROM settings WHERE key = 'officer_titles'")).first()
    if row is None:
        return
    titles = row[0] if isinstance(row[0], dict) else json.loads(row[0] or "{}")
    for username, title in (titles or {}).items():
        bind.execute(
            sa.text("UPDATE officers SET job_title = :t WHERE username = :u"),
            {"t": str(title or "")[:200], "u": username},
        )


def downgrade() -> None:
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.drop_column("job_title")
