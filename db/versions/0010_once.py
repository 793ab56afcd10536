"""once: letter numbers unique per case, and the database's own id

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

Two writers on the team server could both give a case's next letter the same number (it was
read as a count, then written): ``letters.number`` now holds the number beside the letter's
content, with a unique index on (case, number), so the second writer's letter is refused by the
database and numbered again (app/letters/letters.py). Existing letters take the number their
content records; should two letters of a case already share one, the earlier keeps it in the
column and the later keeps it only in its content (it was issued under that reference).

``settings.database_id`` names this database (a random UUID made here, never changed): a visit
draft remembers the database it was started on and is offered and saved only there.
"""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.JSON))


def _number(content) -> int | None:
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except ValueError:
            return None
    value = content.get("number") if isinstance(content, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def upgrade() -> None:
    op.add_column("letters", sa.Column("number", sa.Integer(), nullable=True))
    bind = op.get_bind()
    letters = sa.table(
        "letters",
        sa.column("id", sa.Uuid),
        sa.column("case_id", sa.Uuid),
        sa.column("content", sa.JSON),
        sa.column("created_at", sa.DateTime),
        sa.column("number", sa.Integer),
    )
    taken: set[tuple] = set()
    rows = bind.execute(
        sa.select(letters.c.id, letters.c.case_id, letters.c.content).order_by(
            letters.c.created_at, letters.c.id
        )
    ).all()
    for letter_id, case_id, content in rows:
        number = _number(content)
        if number is None or (case_id, number) in taken:
            continue
        taken.add((case_id, number))
        bind.execute(
            letters.update().where(letters.c.id == letter_id).values(number=number)
        )
    op.create_index("uq_letters_case_number", "letters", ["case_id", "number"], unique=True)
    if bind.execute(sa.select(settings.c.key).where(settings.c.key == "database_id")).first():
        return
    op.bulk_insert(settings, [{"key": "database_id", "value": uuid.uuid4().hex}])


def downgrade() -> None:
    op.execute(settings.delete().where(settings.c.key == "database_id"))
    op.drop_index("uq_letters_case_number", table_name="letters")
    op.drop_column("letters", "number")
