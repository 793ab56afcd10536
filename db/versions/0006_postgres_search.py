"""postgres search: full-text search on the team server

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

On PostgreSQL, search gets real full-text indexes (SQLite has had FTS5 since 0002):
``case_events.search_tsv``, a stored generated tsvector of the summary (English stemming),
and ``cases.search_tsv``, the case reference (weight A) and the resident's name (weight B)
without stemming, kept by triggers because the name lives in ``residents``. Both have GIN
indexes. Hyphens become spaces first, as SQLite's tokenizer splits on them ("HX-0001" is the
words "hx" and "0001", not "hx" and the negative number "-0001"). Nothing happens on SQLite.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CASE_TSV = (
    "setweight(to_tsvector('simple', translate(coalesce({ref}, ''), '-', ' ')), 'A') || "
    "setweight(to_tsvector('simple', translate(coalesce({name}, ''), '-', ' ')), 'B')"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE case_events ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS "
        "(to_tsvector('english', translate(coalesce(summary, ''), '-', ' '))) STORED"
    )
    op.execute("CREATE INDEX ix_case_events_search_tsv ON case_events USING gin (search_tsv)")
    op.execute("ALTER TABLE cases ADD COLUMN search_tsv tsvector")
    op.execute(
        "CREATE FUNCTION cases_search_tsv() RETURNS trigger AS $$ BEGIN "
        "NEW.search_tsv := "
        + CASE_TSV.format(
            ref="NEW.ref", name="(SELECT r.name FROM residents r WHERE r.id = NEW.resident_id)"
        )
        + "; RETURN NEW; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER cases_search_tsv BEFORE INSERT OR UPDATE OF ref, resident_id ON cases "
        "FOR EACH ROW EXECUTE FUNCTION cases_search_tsv()"
    )
    op.execute(
        "CREATE FUNCTION residents_search_tsv() RETURNS trigger AS $$ BEGIN "
        "UPDATE cases SET search_tsv = "
        + CASE_TSV.format(ref="cases.ref", name="NEW.name")
        + " WHERE cases.resident_id = NEW.id; RETURN NULL; END; $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER residents_search_tsv AFTER UPDATE OF name ON residents "
        "FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) "
        "EXECUTE FUNCTION residents_search_tsv()"
    )
    op.execute(
        "UPDATE cases SET search_tsv = "
        + CASE_TSV.format(ref="cases.ref", name="r.name")
        + " FROM residents r WHERE r.id = cases.resident_id"
    )
    op.execute("CREATE INDEX ix_cases_search_tsv ON cases USING gin (search_tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS residents_search_tsv ON residents")
    op.execute("DROP FUNCTION IF EXISTS residents_search_tsv()")
    op.execute("DROP TRIGGER IF EXISTS cases_search_tsv ON cases")
    op.execute("DROP FUNCTION IF EXISTS cases_search_tsv()")
    op.execute("DROP INDEX IF EXISTS ix_cases_search_tsv")
    op.execute("ALTER TABLE cases DROP COLUMN IF EXISTS search_tsv")
    op.execute("DROP INDEX IF EXISTS ix_case_events_search_tsv")
    op.execute("ALTER TABLE case_events DROP COLUMN IF EXISTS search_tsv")
