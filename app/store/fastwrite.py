"""Bulk INSERTs on SQLite without SQLAlchemy's per-row parameter machinery.

``session.execute(table.insert(), rows)`` spends most of a bulk import's writing time building
each row's parameters (about 60 µs a row here; docs/benchmarks.md) rather than in SQLite. On
SQLite, a ``Statement`` converts each value with the column type's own bind processor — the
very conversion SQLAlchemy applies, so the stored text is the same — fills Python-side defaults
(ids) as the column declares them, and ``execute`` hands the rows to the driver's
``executemany`` on the session's own connection, inside its transaction. Driver errors are
raised as SQLAlchemy's (``IntegrityError`` for a duplicate key), as ``session.execute`` would.
Other databases take the ordinary path with the same rows.

Converting needs no connection, only the dialect: a bulk import converts a batch's rows in a
worker process while the previous batch is written (services/bulk_plan.py). Columns named
``late`` are left as given, to be set with ``Statement.settle`` when the value is known (an
officer's id, a change number).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, exc
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from app.store.base import UTCDateTime

Row = list[Any]


class Statement:
    """The INSERT of rows with the same ``keys`` into ``table``, for ``dialect``."""

    def __init__(self, table: Table, keys: tuple[str, ...], dialect: Dialect, late=()) -> None:
        self.table = table
        self.dialect = dialect
        columns = [c for c in table.c if c.key in keys or _default(c) is not None]
        self.keys = [c.key for c in columns]
        names = ", ".join(f'"{c.name}"' for c in columns)
        self.sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'
        self.fill: list[tuple[int, Callable[[], Any]]] = [
            (i, make)
            for i, c in enumerate(columns)
            if c.key not in keys and (make := _default(c)) is not None
        ]
        native = dialect.name == "sqlite"
        self.procs = {c.key: _processor(c.type, dialect) if native else None for c in columns}
        self.converted: list[tuple[int, Callable[[Any], Any]]] = [
            (i, proc)
            for i, key in enumerate(self.keys)
            if (proc := self.procs[key]) is not None and key not in late
        ]

    def convert(self, rows: Iterable[Mapping[str, Any]]) -> list[Row]:
        """Each row's values in the statement's column order, defaults filled, converted."""
        keys, fill, converted = self.keys, self.fill, self.converted
        out = []
        for row in rows:
            value = [row.get(key) for key in keys]
            for i, make in fill:
                value[i] = make()
            for i, proc in converted:
                value[i] = proc(value[i])
            out.append(value)
        return out

    def settle(self, values: list[Row], key: str, given: Callable[[Any], Any]) -> None:
        """Set a ``late`` column of every row to ``given(what it holds)``, converted."""
        i = self.keys.index(key)
        proc = self.procs[key]
        for value in values:
            value[i] = given(value[i]) if proc is None else proc(given(value[i]))

    def execute(self, session: Session, values: list[Row]) -> None:
        if not values:
            return
        conn = session.connection()
        dialect = conn.dialect
        if dialect.name != "sqlite":
            session.execute(
                self.table.insert(), [dict(zip(self.keys, v, strict=True)) for v in values]
            )
            return
        raw = conn.connection.driver_connection
        assert raw is not None  # a live connection inside the session's transaction
        try:
            raw.executemany(self.sql, values)
        except dialect.loaded_dbapi.Error as error:
            raise exc.DBAPIError.instance(
                self.sql, None, error, dialect.loaded_dbapi.Error, dialect=dialect
            ) from error


@lru_cache(maxsize=64)
def statement(table: Table, keys: tuple[str, ...], dialect: Dialect, late=()) -> Statement:
    """The ``Statement`` for these keys (one for each table a bulk import writes)."""
    return Statement(table, keys, dialect, late)


def insert_many(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts keyed by column name, all with the same keys) into ``table``."""
    if not rows:
        return
    st = statement(table, tuple(rows[0].keys()), session.connection().dialect)
    st.execute(session, st.convert(rows))


def _utc_text(value: dt.datetime | None) -> str | None:
    """A ``UTCDateTime`` as SQLAlchemy stores it on SQLite ("2025-03-04 10:30:15.000120",
    UTC), in one C call instead of its two processors and a format string."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _processor(kind, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column type's bind processor; the same conversion, faster, for the UTC instants a
    bulk import stores by the dozen a case (a test compares the stored text)."""
    if isinstance(kind, UTCDateTime):
        return _utc_text
    return kind._cached_bind_processor(dialect)


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
