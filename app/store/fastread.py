"""Hot reads on SQLite without SQLAlchemy's per-call execute and result machinery.

A Core SELECT is compiled for the dialect once and then run on the pooled driver
connection: the SQL is still built by SQLAlchemy from the models, only the
per-call overhead (about as long as the query itself for a 50-row inbox page)
is skipped. Parameters must be given as the driver stores them (dates as ISO
text, UUIDs as hex); results come back as stored (dates as ISO text).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Dialect

from app.store.database import Database, translate


def to_driver(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


class CompiledRead:
    def __init__(self, stmt: Select, dialect: Dialect):
        compiled = stmt.compile(dialect=dialect)
        if any(b.expanding for b in compiled.binds.values()):
            raise ValueError("expanding parameters (IN lists) need SQLAlchemy's execute")
        self.sql = str(compiled)
        self.names = tuple(compiled.positiontup or ())
        # Values written into the statement itself (the literals of a CASE ordering, say) are
        # bound parameters too; only the named ones (``bindparam("today")``) come from the caller.
        self.fixed = {
            name: to_driver(bind.effective_value)
            for name, bind in compiled.binds.items()
            if not bind.required and bind.callable is None and bind.value is not None
        }

    def run(self, db: Database, params: Mapping[str, Any]) -> list[tuple]:
        fixed = self.fixed
        values = [fixed[n] if n in fixed else to_driver(params[n]) for n in self.names]
        raw = db.engine.raw_connection()
        try:
            return raw.driver_connection.execute(self.sql, values).fetchall()
        except db.engine.dialect.loaded_dbapi.Error as exc:  # driver errors (sqlite3 or SQLCipher)
            err = translate(exc)
            raise (err or exc) from exc
        finally:
            raw.close()
