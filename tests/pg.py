"""Helpers for the PostgreSQL tests: a fresh database (and roles) on DOORSTEP_TEST_PG_URL.

scripts/test.sh starts a throwaway cluster (scripts/pg-throwaway.sh) and sets the URL; without
it these tests skip with their reason (and fail under CI, which must provide PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("DOORSTEP_TEST_PG_URL")

if not PG_URL and os.environ.get("CI"):
    pytest.fail("CI must provide PostgreSQL (DOORSTEP_TEST_PG_URL)", pytrace=False)

skip_without_pg = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL (DOORSTEP_TEST_PG_URL)")
needs_pg = [pytest.mark.postgres, skip_without_pg]


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def url_for(database: str, user: str | None = None, password: str | None = None) -> str:
    url = make_url(PG_URL).set(database=database)
    if user is not None:
        url = url.set(username=user, password=password)
    return url.render_as_string(hide_password=False)


def admin_sql(*statements: str) -> None:
    """Statements run as the test role (CREATEDB CREATEROLE), outside a transaction."""
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


@contextlib.contextmanager
def fresh_database(template: str | None = None) -> Iterator[str]:
    """A new database owned by the test role (empty, or a copy of the database ``template``);
    its URL. Dropped afterwards."""
    name = unique("doorstep_test")
    copy = f' TEMPLATE "{template}"' if template else ""
    admin_sql(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield url_for(name)
    finally:
        drop_database(name)


def drop_database(name: str, tries: int = 50) -> None:
    """DROP ... WITH (FORCE), once the test's own sessions have gone. A session of another role
    (the app's login role) that its client has just closed can still be listed for a moment while
    its backend exits, and FORCE may not signal another role's backend: wait for it, bounded."""
    from sqlalchemy.exc import ProgrammingError

    for attempt in range(tries):
        try:
            admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except ProgrammingError as exc:
            if "InsufficientPrivilege" not in type(exc.orig).__name__ or attempt == tries - 1:
                raise
            time.sleep(0.1)
