"""Alembic environment: migrations run on the connection Doorstep opens (SQLite or PostgreSQL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from app.store import models  # noqa: F401  (registers the tables)
from app.store.base import Base
from app.store.database import is_search_table, take_migration_lock

target_metadata = Base.metadata
config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` command line: -x url=...
        url = context.get_x_argument(as_dictionary=True).get(
            "url", "sqlite:///./alembic-dev.sqlite"
        )
        engine = create_engine(url)
        with engine.begin() as conn:
            _migrate(conn)
        return
    _migrate(connection)


def _migrate(connection) -> None:
    take_migration_lock(connection)  # PostgreSQL: one migrating command at a time
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=lambda name, type_, _parent: not (type_ == "table" and is_search_table(name)),
    )
    with context.begin_transaction():
        context.run_migrations()


run()
