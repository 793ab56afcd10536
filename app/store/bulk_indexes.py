"""A large import into a (nearly) empty SQLite database: the tables' secondary indexes set
aside while it runs and built once at the end.

Measured at 30,000 cases (docs/benchmarks.md): most of the indexes the inbox, reports and
search sort by (an entry's type and instant, due dates, names, the inbox's sort keys) take
each new row somewhere in the middle, so every batch of 500 cases dirtied thousands of pages
scattered through the file, written to the WAL at each commit and again at each checkpoint
(12 GB written for a 1 GB database at 100,000 cases). Without them the batch's write and
commit take 0.64 ms a case instead of 1.02, and building them afterwards from sorted rows
takes seconds.

Only indexes that order rows are set aside, never one that keeps a value unique (those guard
the data). The names and SQL of those dropped are recorded in ``settings`` in the same
transaction that drops them; ``restore`` makes each again from its SQL and removes the record,
in one transaction. Should the import be killed before that, the next open of the database
restores them (``restore_abandoned``, from ``store/database.py``) unless the importing process
is still running: a database is never left without them. Reads meanwhile are correct, only
slower. On PostgreSQL nothing is set aside.
"""

from __future__ import annotations

import json
import os
import socket
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

KEY = "bulk_import_indexes"
TABLES = ("residents", "vulnerabilities", "cases", "case_events", "deadlines")


def set_aside(conn: Connection) -> int:
    """Drop the ordering indexes of the tables an import fills, inside the caller's write
    transaction, recording them first; returns how many were dropped."""
    if conn.dialect.name != "sqlite" or _record(conn) is not None:
        return 0
    tables = ", ".join(f"'{t}'" for t in TABLES)
    found = [
        (name, sql)
        for name, sql in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({tables}) ORDER BY name"
        ).all()
        if not sql.lstrip().upper().startswith("CREATE UNIQUE")
    ]
    if not found:
        return 0
    record = {"pid": os.getpid(), "host": socket.gethostname(), "indexes": found}
    conn.exec_driver_sql(
        "INSERT INTO settings (key, value) VALUES (?, ?)", (KEY, json.dumps(record))
    )
    for name, _ in found:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return len(found)


def restore(conn: Connection) -> int:
    """Make again every index set aside, inside the caller's write transaction; returns how
    many were made."""
    record = _record(conn)
    if record is None:
        return 0
    made = 0
    for name, sql in record["indexes"]:
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
        ).first()
        if exists is None:
            conn.exec_driver_sql(sql)
            made += 1
    conn.exec_driver_sql("DELETE FROM settings WHERE key = ?", (KEY,))
    return made


def abandoned(conn: Connection) -> bool:
    """Indexes set aside by an import that is no longer running (killed, or the machine
    stopped): one SELECT, for every open."""
    try:
        record = _record(conn)
    except OperationalError:  # a database not made yet (no settings table)
        return False
    if record is None:
        return False
    if record.get("host") != socket.gethostname():
        return True
    try:
        os.kill(int(record["pid"]), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError, ValueError):
        return False  # a process of another user is running with that number
    return False  # the import is still running


def _record(conn: Connection) -> dict[str, Any] | None:
    row = conn.exec_driver_sql("SELECT value FROM settings WHERE key = ?", (KEY,)).first()
    if row is None:
        return None
    value = row[0]
    return json.loads(value) if isinstance(value, str) else value
