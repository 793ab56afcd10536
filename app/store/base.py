"""Declarative base and the column types every table shares."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid

from sqlalchemy import DateTime, Integer, MetaData, String, Table, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timestamps stored as UTC and always returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def uuid7() -> uuid.UUID:
    """A UUID version 7 (RFC 9562): milliseconds since the epoch, then 74 random bits. Ids made
    later sort later, so a primary key (and every index led by one, such as an event's case)
    grows at its end instead of touching pages all over the index: a bulk import of 100,000
    cases writes far less (docs/benchmarks.md). As unique as version 4 for every purpose here."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    return uuid.UUID(int=value & _KEEP | _VERSION_7)


_KEEP = ~(0xF << 76 | 0x3 << 62)  # every bit but the version's four and the variant's two
_VERSION_7 = 0x7 << 76 | 0x2 << 62  # version 7, variant RFC 9562


def new_id() -> uuid.UUID:
    return uuid7()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Tracked:
    """UUID key, UTC creation/update times, who and which device, and an optimistic-lock version."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(80), default="system")
    device: Mapped[str] = mapped_column(String(120), default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}


def table_of(model: type) -> Table:
    """A mapped class's Core table, typed as one (``Model.__table__`` is typed as any
    FromClause): for bulk ``insert()`` with executemany, which skips the ORM's per-row work."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table
