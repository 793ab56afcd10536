"""hours: clock-hour deadlines keep their due and met instants

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

Awaab's Law gives emergency hazards clocks in hours (weekends and holidays included): a
deadline met at 19:00 when it was due at 18:30 the same day is late. The engine judges it to the
minute; the stored rows carry the two instants so that the inbox, the team view and the reports
judge it the same way (one rule, ``missed()``). Null for every working-day deadline.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.store.base import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deadlines", sa.Column("due_at", UTCDateTime(), nullable=True))
    op.add_column("deadlines", sa.Column("met_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_column("met_at")
        batch.drop_column("due_at")
