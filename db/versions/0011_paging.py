"""paging: indexes for the inbox's sorts and the household lookup at 100,000 cases

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

The inbox sorts by resident through ``residents.name`` then each resident's cases
(``cases.resident_id``), and by officer through ``officers.name`` then that officer's
inbox index, so the first page (and every keyset page after it) reads a page of rows
instead of sorting the whole caseload. The ASB case view finds a household's other cases
by the normalised name ``replace(lower(name), ' ', '')``: an index on that expression (both
SQLite and PostgreSQL index expressions) replaces the full scan, with nothing to keep in step.
The sorts by kind, risk and next deadline get indexes in their ORDER BY's order (risk and next
as expressions), so their first page, and each page after it by key, reads a page of rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# as written in the inbox's ORDER BY (app/store/models.py), so that the index matches it
RISK_SQL = (
    "CASE cases.risk_tier WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END"
)
NEXT_SQL = "coalesce(cases.next_label, '')"

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_residents_name", "residents", ["name"])
    op.create_index(
        "ix_residents_name_key",
        "residents",
        [sa.text("replace(lower(name), ' ', '')")],
    )
    op.create_index("ix_cases_resident_inbox", "cases", ["resident_id", "in_inbox", "ref"])
    op.create_index("ix_officers_name", "officers", ["name"])
    op.create_index("ix_cases_kind_inbox", "cases", ["in_inbox", "kind", "sort_due", "ref"])
    for name, expression in (("risk", RISK_SQL), ("next", NEXT_SQL)):
        op.create_index(
            f"ix_cases_{name}_inbox",
            "cases",
            ["in_inbox", sa.text("(" + expression.replace("cases.", "") + ")"), "sort_due", "ref"],
        )


def downgrade() -> None:
    for name in ("next", "risk", "kind"):
        op.drop_index(f"ix_cases_{name}_inbox", table_name="cases")
    op.drop_index("ix_officers_name", table_name="officers")
    op.drop_index("ix_cases_resident_inbox", table_name="cases")
    op.drop_index("ix_residents_name_key", table_name="residents")
    op.drop_index("ix_residents_name", table_name="residents")
