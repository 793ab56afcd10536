"""row security: a second wall on the team server

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

On PostgreSQL the app's role (not the tables' owner) sees and changes only the cases — and their
history, deadlines, letters and attachments — of the officers named in the transaction's
``doorstep.visible_officers`` setting, which the app sets from the role matrix at the start of
every transaction ("*" for every case, nothing when unset). A service that forgot its visibility
check still cannot read another team's case through the app's role. The owner (migrations,
``server init``) is not subject to these policies. SQLite has no row-level security: nothing to do.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CASE_TABLES = ("case_events", "deadlines", "letters", "attachments")

MAY_SEE = """
CREATE OR REPLACE FUNCTION doorstep_may_see(officer uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('doorstep.visible_officers', true), '') = '*'
        OR officer::text = ANY (
            string_to_array(coalesce(current_setting('doorstep.visible_officers', true), ''), ',')
        )
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(MAY_SEE)
    op.execute("ALTER TABLE cases ENABLE ROW LEVEL SECURITY")
    op.execute("CREATE POLICY cases_read ON cases FOR SELECT USING (doorstep_may_see(officer_id))")
    op.execute(
        "CREATE POLICY cases_add ON cases FOR INSERT WITH CHECK (doorstep_may_see(officer_id))"
    )
    # An officer may hand their own case to anyone: the new owner need not be one they see.
    op.execute(
        "CREATE POLICY cases_change ON cases FOR UPDATE "
        "USING (doorstep_may_see(officer_id)) WITH CHECK (true)"
    )
    op.execute(
        "CREATE POLICY cases_remove ON cases FOR DELETE USING (doorstep_may_see(officer_id))"
    )
    for table in CASE_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {table}_case ON {table} "
            f"USING (EXISTS (SELECT 1 FROM cases c WHERE c.id = {table}.case_id)) "
            f"WITH CHECK (EXISTS (SELECT 1 FROM cases c WHERE c.id = {table}.case_id))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in CASE_TABLES:
        op.execute(f"DROP POLICY IF EXISTS {table}_case ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for name in ("cases_read", "cases_add", "cases_change", "cases_remove"):
        op.execute(f"DROP POLICY IF EXISTS {name} ON cases")
    op.execute("ALTER TABLE cases DISABLE ROW LEVEL SECURITY")
    op.execute("DROP FUNCTION IF EXISTS doorstep_may_see(uuid)")
