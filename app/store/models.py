"""Typed SQLAlchemy models. Case events are append-only; deadlines are derived rows."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.base import Base, Tracked, UTCDateTime, new_id, utcnow

NOTHING_DUE = dt.date(9999, 12, 31)
# The inbox's sort keys for risk and next deadline (app/services/inbox.py), indexed as written.
RISK_SQL = (
    "CASE cases.risk_tier WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END"
)
NEXT_SQL = "coalesce(cases.next_label, '')"


class Team(Tracked, Base):
    __tablename__ = "teams"
    name: Mapped[str] = mapped_column(String(120), unique=True)
    officers: Mapped[list[Officer]] = relationship(back_populates="team")


class Officer(Tracked, Base):
    __tablename__ = "officers"
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # Signs their letters (app.services.people); "" = their role's words.
    job_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20), default="officer")  # app.services.access.ROLES
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Sign-in (app/services/accounts.py): an argon2id hash; None = no password (cannot sign in).
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"), nullable=True)
    team: Mapped[Team | None] = relationship(back_populates="officers")

    __table_args__ = (Index("ix_officers_name", "name"),)  # the inbox sorted by officer


class Resident(Tracked, Base):
    __tablename__ = "residents"
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
    phone: Mapped[str | None] = mapped_column(String(60), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # vulnerabilities given in a bundle as a list (None = the key was absent)
    listed_vulnerabilities: Mapped[bool] = mapped_column(Boolean, default=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    vulnerabilities: Mapped[list[Vulnerability]] = relationship(
        back_populates="resident", order_by="Vulnerability.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_residents_name", "name"),  # the inbox sorted by resident
        # a household's other cases (app/services/asb/common.py household_cases)
        Index("ix_residents_name_key", text("replace(lower(name), ' ', '')")),
    )


class Vulnerability(Base):
    """A household vulnerability (of the resident or a member of the household)."""

    __tablename__ = "vulnerabilities"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("residents.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    resident: Mapped[Resident] = relationship(back_populates="vulnerabilities")


class Case(Tracked, Base):
    __tablename__ = "cases"
    ref: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    opened: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | closed
    closed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officers.id"))
    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("residents.id"))
    policy_name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Derived from the events by the deadline engine, kept for a fast inbox.
    risk_tier: Mapped[str | None] = mapped_column(String(10), nullable=True)
    next_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    next_kind: Mapped[str | None] = mapped_column(String(40), nullable=True)
    next_label: Mapped[str | None] = mapped_column(String(200), nullable=True)
    open_deadlines: Mapped[int] = mapped_column(Integer, default=0)
    in_inbox: Mapped[bool] = mapped_column(Boolean, default=True)  # open, or still owes something
    # next_due, or the last date when nothing is due: lets the inbox index sort without NULL handling
    sort_due: Mapped[dt.date] = mapped_column(Date, default=NOTHING_DUE)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    last_event_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The team's change number of the case's last change (app/store/syncseq.py): what a laptop's
    # pull cursor compares. None on a laptop's copy.
    sync_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)

    officer: Mapped[Officer] = relationship()
    resident: Mapped[Resident] = relationship()

    __table_args__ = (
        Index("ix_cases_inbox", "in_inbox", "sort_due", "ref"),
        Index("ix_cases_officer_inbox", "officer_id", "in_inbox", "sort_due", "ref"),
        # the team view's counts per officer and kind, from the index alone
        Index("ix_cases_team", "in_inbox", "officer_id", "kind", "next_due"),
        Index("ix_cases_resident_inbox", "resident_id", "in_inbox", "ref"),
        # the inbox's first page sorted by kind, risk or next deadline (keyset pages after it)
        Index("ix_cases_kind_inbox", "in_inbox", "kind", "sort_due", "ref"),
        Index(
            "ix_cases_risk_inbox",
            "in_inbox",
            text("(" + RISK_SQL.replace("cases.", "") + ")"),
            "sort_due",
            "ref",
        ),
        Index(
            "ix_cases_next_inbox",
            "in_inbox",
            text("(" + NEXT_SQL.replace("cases.", "") + ")"),
            "sort_due",
            "ref",
        ),
    )


class CaseEvent(Base):
    """One entry of a case's history. Never updated or deleted (enforced in the database too)."""

    __tablename__ = "case_events"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    local_id: Mapped[str] = mapped_column(String(80))  # the bundle's name for the event
    seq: Mapped[int] = mapped_column(Integer)  # order of recording within the case
    type: Mapped[str] = mapped_column(String(40))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # fields as given
    actor: Mapped[str | None] = mapped_column(String(80), nullable=True)  # the event's `by`
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(80), default="system")
    device: Mapped[str] = mapped_column(String(120), default="")
    # "entered": recorded here (a form, a command, a merge); "imported": arrived with the import
    # that created its case, first recorded elsewhere; None: stored before schema 0003.
    origin: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The team's change number when this event was stored (None before migration 0014 and on a
    # laptop's copy).
    sync_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    __table_args__ = (
        UniqueConstraint("case_id", "local_id", name="uq_case_events_case_local"),
        Index("ix_case_events_case_sync", "case_id", "sync_seq"),
        Index("ix_case_events_case_at", "case_id", "at"),
        Index("ix_case_events_type_at", "type", "at"),  # recent ASB reports across the team
    )


class DeadlineRow(Base):
    """A deadline as last derived from the case's events (replaced on every recomputation)."""

    __tablename__ = "deadlines"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    started_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    started_on: Mapped[dt.date] = mapped_column(Date)
    due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    original_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    policy: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))
    met_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    met_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # clock-hour deadlines (emergency hazards): due and met instants (migration 0013_hours)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    met_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    stage: Mapped[int | None] = mapped_column(Integer, nullable=True)
    complaint: Mapped[str | None] = mapped_column(String(80), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    holds: Mapped[list[Any]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("case_id", "key", name="uq_deadlines_case_key"),
        Index("ix_deadlines_status_due", "status", "due"),
        Index("ix_deadlines_kind_status", "kind", "status", "due"),  # the orders tracker
        # the team view's weekly trend of breaches and on-time rates, from the index alone
        Index("ix_deadlines_due_trend", "due", "status", "met_on", "closed_on"),
    )


class Letter(Tracked, Base):
    __tablename__ = "letters"
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    template: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(
        String(20), default="draft"
    )  # draft|finalised|approved|issued
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    file_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(80), default="system")
    approved_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    event_local_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # the n of its reference REF/n, once per case (migration 0010_once): two writers cannot both take it
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (Index("uq_letters_case_number", "case_id", "number", unique=True),)


class RetentionDelete(Base):
    """Present only inside the transaction that deletes a closed case past its retention period
    (app/services/retention.py): while it names the case, the database lets that case's events
    be deleted (migration 0005); every other deletion of an event is refused."""

    __tablename__ = "retention_delete"
    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class Attachment(Base):
    __tablename__ = "attachments"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    event_local_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(120), default="application/octet-stream")
    added_by: Mapped[str] = mapped_column(String(80), default="system")
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    device: Mapped[str] = mapped_column(String(120), default="")


class AuditLog(Base):
    """Who did what, when, from which device. Never holds resident details.

    Append-only (enforced in the database) and chained: ``hash`` covers the entry's fields and
    the previous entry's hash (app/domain/trail.py), ``seq`` numbers the entries from 1.
    """

    __tablename__ = "audit_log"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    device: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class TrailHead(Base):
    """The one row naming the trail's last entry; locked while an entry is added."""

    __tablename__ = "trail_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class PolicyVersion(Base):
    """A manager's version of a named policy, effective from an instant. Never edited."""

    __tablename__ = "policy_versions"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    document: Mapped[str] = mapped_column(Text)  # TOML text
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("name", "version", name="uq_policy_versions_name_version"),)


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class Absence(Tracked, Base):
    """An officer's out-of-office period, with the officer or team queue covering it."""

    __tablename__ = "absences"
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officers.id"), index=True)
    starts: Mapped[dt.date] = mapped_column(Date)
    ends: Mapped[dt.date] = mapped_column(Date)
    cover_officer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("officers.id"), nullable=True
    )
    cover_team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)

    officer: Mapped[Officer] = relationship(foreign_keys=[officer_id])
    cover_officer: Mapped[Officer | None] = relationship(foreign_keys=[cover_officer_id])
    cover_team: Mapped[Team | None] = relationship()


class SavedView(Base):
    """An officer's named inbox filter."""

    __tablename__ = "saved_views"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    owner: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("owner", "name", name="uq_saved_views_owner_name"),)


class CaseHandover(Base):
    """A case handed to an officer (app/services/team.py): new to them until they open it."""

    __tablename__ = "case_handovers"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officers.id"))
    handed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    handed_by: Mapped[str] = mapped_column(String(80))
    seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_case_handovers_officer_seen", "officer_id", "seen_at"),)


class SelfAssessmentEntry(Tracked, Base):
    """The manager's status and comment on one section of the Complaint Handling Code for a year
    (the sections themselves are data: resources/self_assessment.toml)."""

    __tablename__ = "self_assessment"
    year: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    comment: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("year", "section", name="uq_self_assessment_year_section"),)


class SpotCheck(Base):
    """A drawn spot-check sample (app/services/reports/spotcheck.py): who drew it, when, how."""

    __tablename__ = "spot_checks"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    drawn_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    drawn_by: Mapped[str] = mapped_column(String(80))
    as_of: Mapped[dt.date] = mapped_column(Date)
    percent: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)  # live cases the sample was drawn from
    items: Mapped[list[SpotCheckItem]] = relationship(
        back_populates="spot_check", order_by="SpotCheckItem.position"
    )


class SpotCheckItem(Tracked, Base):
    """One sampled case: the checks the record answers (``auto``) and the manager's (``quality``)."""

    __tablename__ = "spot_check_items"
    spot_check_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("spot_checks.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    case_ref: Mapped[str] = mapped_column(String(60))
    officer: Mapped[str] = mapped_column(String(80), index=True)  # the case's officer when drawn
    auto: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    quality: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comments: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")  # what the officer is asked to do
    completed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    spot_check: Mapped[SpotCheck] = relationship(back_populates="items")


# -- sync (migration 0014): laptops that work offline against the team server ----------------


class Device(Base):
    """A laptop enrolled with the team's sync service: whose it is, and its token's hash."""

    __tablename__ = "devices"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(120))
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officers.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    officer: Mapped[Officer] = relationship()


class SyncHead(Base):
    """The one row (id 1) whose counter numbers the team's changes, locked while one is taken."""

    __tablename__ = "sync_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)


class SyncApplied(Base):
    """A pushed change the server has dealt with, by its id: delivered again, it is not redone."""

    __tablename__ = "sync_applied"
    change_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12))  # applied | conflict | refused
    message: Mapped[str] = mapped_column(Text, default="")
    applied_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxChange(Base):
    """On a laptop: a local change waiting for the server, written with the change itself."""

    __tablename__ = "sync_outbox"
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # app.services.sync.changes.KINDS
    ref: Mapped[str] = mapped_column(String(60))
    base: Mapped[int | None] = mapped_column(Integer, nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(80))
    device: Mapped[str] = mapped_column(String(120))
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")


class SyncConflict(Base):
    """A change to a mutable fact made from a stale base: held for a person to decide."""

    __tablename__ = "sync_conflicts"
    change_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    ref: Mapped[str] = mapped_column(String(60))
    fact: Mapped[str] = mapped_column(String(40))  # "assignment" | "case reference"
    author: Mapped[str] = mapped_column(String(80))
    device: Mapped[str] = mapped_column(String(120))
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    held_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    theirs: Mapped[dict[str, Any]] = mapped_column(JSON)  # the value in place, who set it, when
    ours: Mapped[dict[str, Any]] = mapped_column(JSON)  # the held change's value
    change: Mapped[dict[str, Any]] = mapped_column(JSON)  # the held change, whole
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | kept | applied
    decided_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_sync_conflicts_status", "status", "held_at"),)


class SyncDrop(Base):
    """Present only inside the transaction in which a laptop gives up its copy of a case."""

    __tablename__ = "sync_drop"
    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
