"""Bulk INSERTs on SQLite without SQLAlchemy's per-row parameter machinery.

``session.execute(table.insert(), rows)`` spends most of a bulk import's writing time building
each row's parameters (about 60 µs a row here; docs/benchmarks.md) rather than in SQLite. On
SQLite, ``insert_many`` converts each value with the column type's own bind processor — the
very conversion SQLAlchemy applies, so the stored text is the same — fills Python-side defaults
(ids) as the column declares them, and hands the rows to the driver's ``executemany`` on the
session's own connection, inside its transaction. Driver errors are raised as SQLAlchemy's
(``IntegrityError`` for a duplicate key), as ``session.execute`` would. Other databases take
the ordinary path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, exc
from sqlalchemy.orm import Session


def insert_many(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts keyed by column name, all with the same keys) into ``table``."""
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    if dialect.name != "sqlite":
        session.execute(table.insert(), list(rows))
        return
    given = rows[0].keys()
    columns = [c for c in table.c if c.key in given or _default(c) is not None]
    names = ", ".join(f'"{c.name}"' for c in columns)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    fill = [(c.key, _default(c)) for c in columns if c.key not in given]
    keys = [c.key for c in columns]
    procs = [(i, c.type._cached_bind_processor(dialect)) for i, c in enumerate(columns)]
    converted = [(i, proc) for i, proc in procs if proc is not None]
    values = []
    for row in rows:
        if fill:
            row = {**row, **{key: make() for key, make in fill}}  # type: ignore[misc]
        value = [row[key] for key in keys]
        for i, proc in converted:
            value[i] = proc(value[i])
        values.append(value)
    raw = conn.connection.driver_connection
    assert raw is not None  # a live connection inside the session's transaction
    try:
        raw.executemany(sql, values)
    except dialect.loaded_dbapi.Error as error:
        raise exc.DBAPIError.instance(
            sql, None, error, dialect.loaded_dbapi.Error, dialect=dialect
        ) from error


def _default(column) -> Callable[[], Any] | None:
    """A column's Python-side default as a function of nothing, or None."""
    default = column.default
    if default is None:
        return None
    if default.is_callable:
        fn = default.arg
        return lambda: fn(None)
    if default.is_scalar:
        value = default.arg
        return lambda: value
    return None
