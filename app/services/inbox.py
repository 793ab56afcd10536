"""The case inbox: cases ordered by what is due next, with a working-day countdown.

Filtering and sorting happen in the query (the Qt model fetches a page at a
time), so they are right over 100,000 cases, not just over the rows loaded.
Pages are read by key (``after=page_key(last_row)``: the rows after the last one
shown, through the sort's index) rather than by OFFSET, which reads and drops every
row before the page; ``from_end=True`` reads the last page the same way backwards.
The quick filter goes through the search index of references and resident names
(words, the last one as a prefix) rather than a ``LIKE '%x%'`` scan.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.sql.elements import BindParameter

from app.domain.bundle import CASE_KINDS
from app.domain.deadlines import urgency
from app.errors import NotFound, PermissionDenied, ValidationError
from app.services.absences import Covered, covered_officers
from app.services.access import visible_officer_ids
from app.services.search import words
from app.services.views import InboxRow
from app.services.workspace import Workspace
from app.store.fastread import CompiledRead
from app.store.models import NEXT_SQL, NOTHING_DUE, RISK_SQL, Case, Officer, Resident

SQLITE = sqlite_dialect()

SCOPES = ("mine", "team", "covering", "all")
STATUSES = ("open", "closed", "any")
DUE_FILTERS = ("today", "at_risk", "breached")
# Written out, not bound, so that these match the indexes of migration 0011 (store/models.py).
RISK_ORDER = literal_column(RISK_SQL, Integer)
NEXT_ORDER = literal_column(NEXT_SQL, String)
COLUMNS = (
    Case.ref,
    Resident.name,
    Case.kind,
    Case.risk_tier,
    Case.status,
    Case.next_kind,
    Case.next_label,
    Case.next_due,
    Officer.username,
    Officer.name,
    Case.open_deadlines,
    Case.version,
    Case.policy_name,
    Case.officer_id,
)
RISK_RANK = {"high": 0, "medium": 1, "low": 2}
SORTS = {
    "ref": (Case.ref,),
    "resident": (Resident.name, Case.ref),
    "kind": (Case.kind, Case.sort_due, Case.ref),
    "risk": (RISK_ORDER, Case.sort_due, Case.ref),
    "next": (NEXT_ORDER, Case.sort_due, Case.ref),
    "due": (Case.sort_due, Case.ref),
    "officer": (Officer.name, Case.sort_due, Case.ref),
}


@dataclass(frozen=True)
class InboxQuery:
    scope: str = "all"
    kinds: tuple[str, ...] = ()
    status: str = "any"
    due: str | None = None
    text: str = ""
    sort: str = "due"
    descending: bool = False
    officer: str | None = None  # one officer's cases (as `doorstep inbox --officer`)
    refs: tuple[str, ...] = ()  # only these cases (re-reading the rows a write changed)

    def check(self) -> None:
        if self.scope not in SCOPES:
            raise ValidationError(f"Inbox scope must be one of {', '.join(SCOPES)}.")
        if self.status not in STATUSES:
            raise ValidationError(f"Status must be one of {', '.join(STATUSES)}.")
        if self.due is not None and self.due not in DUE_FILTERS:
            raise ValidationError(f"Due filter must be one of {', '.join(DUE_FILTERS)}.")
        if self.sort not in SORTS:
            raise ValidationError(f"Sort must be one of {', '.join(SORTS)}.")
        unknown = set(self.kinds) - set(CASE_KINDS)
        if unknown:
            raise ValidationError(f"Unknown case kind {sorted(unknown)[0]!r}.")

    def with_(self, **changes) -> InboxQuery:
        return replace(self, **changes)


def page_key(row: InboxRow, sort: str) -> tuple:
    """The row's values of the sort's columns: pass as ``after=`` for the page after it."""
    sort_due = row.due or NOTHING_DUE
    if sort == "ref":
        return (row.ref,)
    if sort == "resident":
        return (row.resident, row.ref)
    first = {
        "kind": row.kind,
        "risk": RISK_RANK.get(row.risk_tier or "", 3),
        "next": row.next_label or "",
        "officer": row.officer_name,
    }.get(sort)
    return (sort_due, row.ref) if sort == "due" else (first, sort_due, row.ref)


@dataclass(frozen=True)
class InboxCounts:
    total: int
    due_today: int
    at_risk: int
    breached: int
    at_risk_words: str = ""  # what "at risk" means here, "≤ <at_risk_wd> WD" (at_risk_words())


@dataclass(frozen=True)
class _Who:
    """The acting user's place in the office today (memoised: the inbox is a hot path)."""

    me: uuid.UUID | None
    team: uuid.UUID | None
    team_members: tuple[uuid.UUID, ...]
    covering: dict[uuid.UUID, Covered]
    visible: frozenset[uuid.UUID] | None  # officers whose cases they may see; None = all


def _who(ws: Workspace, today: dt.date) -> _Who:
    def compute() -> _Who:
        with ws.db.read() as s:
            me = s.scalar(select(Officer).where(Officer.username == ws.actor.username))
            covering = {c.officer_id: c for c in covered_officers(s, ws.actor.username, today)}
            members: tuple[uuid.UUID, ...] = ()
            if me is not None and me.team_id is not None:
                members = tuple(s.scalars(select(Officer.id).where(Officer.team_id == me.team_id)))
            elif me is not None:
                members = (me.id,)
            visible = visible_officer_ids(s)
            return _Who(
                me.id if me else None, me.team_id if me else None, members, covering, visible
            )

    return ws.memo(("inbox-who", ws.actor.username, today), compute)


def _scope_ids(q: InboxQuery, who: _Who) -> list[uuid.UUID]:
    mine = [who.me] if who.me is not None else []
    if q.scope == "mine":
        return mine + list(who.covering)
    if q.scope == "covering":
        return list(who.covering)
    # team: everyone in my team, and whoever my team queue covers
    return list(who.team_members) + [c.officer_id for c in who.covering.values() if c.via_team]


def _follows(names: tuple[str | None, ...]):
    """Cases following one of the named policies (None: the organisation's default)."""
    return or_(*(Case.policy_name.is_(None) if n is None else Case.policy_name == n for n in names))


def due_today_condition():
    """The case's next deadline is due today (``bindparam("today")``)."""
    return Case.next_due == bindparam("today")


def breached_condition():
    """The case's next deadline is open past its due date: ``missed()`` judged today."""
    return Case.next_due < bindparam("today")


def at_risk_condition(groups: tuple[tuple[str | None, ...], ...] | None):
    """Due from today up to the case's policy's at-risk limit (``deadlines.model.urgency``).

    ``groups`` is None when every policy gives the same limit (one ``risk_limit``), else the
    policy names sharing each limit ``risk_limit_<i>``."""
    today = bindparam("today")
    if groups is None:
        return and_(Case.next_due >= today, Case.next_due <= bindparam("risk_limit"))
    return and_(
        Case.next_due >= today,
        or_(
            *(
                and_(_follows(names), Case.next_due <= bindparam(f"risk_limit_{i}"))
                for i, names in enumerate(groups)
            )
        ),
    )


def risk_limits(ws: Workspace, today: dt.date) -> tuple[tuple | None, dict]:
    """The last at-risk due date on ``today`` under each policy, grouped by limit: the groups
    (for ``at_risk_condition`` and the query's shape) and their parameters."""
    registry = ws.registry
    by_limit: dict[dt.date, list[str | None]] = {}
    for name in registry.names():
        by_limit.setdefault(registry.get(name).at_risk_until(today), []).append(name)
    limits = sorted(by_limit)
    if len(limits) == 1:
        return None, {"risk_limit": limits[0]}
    groups = tuple(
        (*by_limit[limit], None) if registry.default in by_limit[limit] else tuple(by_limit[limit])
        for limit in limits
    )
    return groups, {f"risk_limit_{i}": limit for i, limit in enumerate(limits)}


@lru_cache(maxsize=256)
def _filtered(
    by_officer: bool,
    n_ids: int | None,
    n_kinds: int,
    status: str,
    due: str | None,
    has_text: bool,
    risk_groups: tuple | None = None,
    sqlite: bool = True,
    has_refs: bool = False,
    joined: bool = True,
) -> Select:
    """The filtered query for one shape of filters; values come as bound parameters.

    Built once per shape (building a SELECT costs more than running this one on SQLite).
    """
    stmt = select(Case.id).where(Case.in_inbox.is_(True))
    if joined:  # the page shows names; a count needs none (every case has both)
        stmt = stmt.join(Resident, Case.resident_id == Resident.id).join(
            Officer, Case.officer_id == Officer.id
        )
    if by_officer:
        stmt = stmt.where(
            Case.officer_id
            == select(Officer.id).where(Officer.username == bindparam("officer")).scalar_subquery()
        )
    if n_ids == 0:
        stmt = stmt.where(false())
    elif n_ids == 1:
        stmt = stmt.where(Case.officer_id == bindparam("officer_id"))
    elif n_ids is not None:
        stmt = stmt.where(Case.officer_id.in_(bindparam("officer_ids", expanding=True)))
    if n_kinds:
        stmt = stmt.where(Case.kind.in_(bindparam("kinds", expanding=True)))
    if status in ("open", "closed"):
        stmt = stmt.where(Case.status == bindparam("status"))
    if due == "today":
        stmt = stmt.where(due_today_condition())
    elif due == "breached":
        stmt = stmt.where(breached_condition())
    elif due == "at_risk":
        stmt = stmt.where(at_risk_condition(risk_groups))
    if has_text:  # the search index of refs and names (migrations 0002 and 0006)
        stmt = stmt.where(
            text("cases.rowid IN (SELECT rowid FROM case_fts WHERE case_fts MATCH :fts)")
            if sqlite
            else text("cases.search_tsv @@ to_tsquery('simple', :fts)")
        )
    if has_refs:
        stmt = stmt.where(Case.ref.in_(bindparam("refs", expanding=True)))
    return stmt


def text_query(typed: str, sqlite: bool = True) -> str | None:
    """The quick filter's words as an index query: in this order, together, the last one
    a prefix (``smi`` finds Smith, ``asb-2025-00`` the references that start so)."""
    found = words(typed)
    if not found:
        return None
    if sqlite:
        return '"' + " ".join(found) + '"*'
    return " <-> ".join(found) + ":*"


def _after(columns: tuple, descending: bool):
    """Rows after the key ``k0, k1, ...`` in the sort's order, written so the index's
    leading column gets a range (``a >= k0 AND (a > k0 OR ...)``)."""
    keys: list[BindParameter] = [bindparam(f"k{i}") for i in range(len(columns))]

    def beyond(col, key):
        return col < key if descending else col > key

    def reaches(col, key):
        return col <= key if descending else col >= key

    cond = beyond(columns[-1], keys[-1])
    for col, key in reversed(list(zip(columns[:-1], keys[:-1], strict=True))):
        cond = and_(reaches(col, key), or_(beyond(col, key), cond))
    return cond


@lru_cache(maxsize=256)
def _page(
    shape: tuple,
    sort: str,
    descending: bool,
    with_officer_id: bool,
    paged: bool,
    keyset: bool = False,
) -> Select:
    columns = COLUMNS if with_officer_id else COLUMNS[:-1]
    order = [c.desc() if descending else c.asc() for c in SORTS[sort]]
    stmt = _filtered(*shape).with_only_columns(*columns).order_by(*order)
    if keyset:
        stmt = stmt.where(_after(SORTS[sort], descending))
    if not paged:
        return stmt
    stmt = stmt.limit(bindparam("limit"))
    return stmt if keyset else stmt.offset(bindparam("offset"))


@lru_cache(maxsize=256)
def _fast_page(
    shape: tuple,
    sort: str,
    descending: bool,
    with_officer_id: bool,
    paged: bool,
    keyset: bool = False,
) -> CompiledRead | None:
    try:
        read = CompiledRead(_page(shape, sort, descending, with_officer_id, paged, keyset), SQLITE)
    except ValueError:  # IN lists: SQLAlchemy expands them per call
        return None
    if sort in LEAD and not shape[5]:  # (a quick filter's few matches are best found first)
        read.sql = read.sql.replace(FROM, LEAD[sort], 1)
    return read


# Sorted by resident or officer, SQLite's planner reads every case in the inbox and sorts
# them (0.8 s at 100,000) rather than walking residents (officers) by the name index and
# each one's cases by theirs; CROSS JOIN is SQLite's way to fix that join order.
FROM = (
    "FROM cases JOIN residents ON cases.resident_id = residents.id "
    "JOIN officers ON cases.officer_id = officers.id"
)
LEAD = {
    "resident": "FROM residents CROSS JOIN cases ON cases.resident_id = residents.id "
    "JOIN officers ON cases.officer_id = officers.id",
    "officer": "FROM officers CROSS JOIN cases ON cases.officer_id = officers.id "
    "JOIN residents ON cases.resident_id = residents.id",
}


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _base(ws: Workspace, q: InboxQuery, today: dt.date, who: _Who) -> tuple[tuple, dict]:
    """The query's shape (for the statement cache) and its parameter values."""
    params: dict = {"today": today}
    n_ids = None
    if q.officer is not None:
        params["officer"] = q.officer
    if q.scope != "all" or who.visible is not None:
        ids = _scope_ids(q, who) if q.scope != "all" else sorted(who.visible or ())
        if who.visible is not None:  # never more than the person may see
            ids = [i for i in ids if i in who.visible]
        n_ids = min(len(ids), 2)
        if len(ids) == 1:
            params["officer_id"] = ids[0]
        elif ids:
            params["officer_ids"] = ids
    if q.kinds:
        params["kinds"] = list(q.kinds)
    if q.status in ("open", "closed"):
        params["status"] = q.status
    groups, limits = risk_limits(ws, today)
    params.update(limits)
    fts = text_query(q.text, ws.db.is_sqlite)
    if fts:
        params["fts"] = fts
    if q.refs:
        params["refs"] = list(q.refs)
    shape = (
        q.officer is not None,
        n_ids,
        len(q.kinds),
        q.status,
        q.due,
        bool(fts),
        groups,
        ws.db.is_sqlite,
        bool(q.refs),
    )
    return shape, params


def _check_officer(ws: Workspace, username: str | None, who: _Who | None = None) -> None:
    """An empty answer for an unknown officer is a mistake worth saying so; another officer's
    cases are refused to someone who may not see them."""
    if username is None:
        return
    with ws.db.connect() as conn:
        row = conn.execute(select(Officer.id).where(Officer.username == username)).first()
    if row is None:
        raise NotFound(f"There is no officer {username!r}.")
    if who is not None and who.visible is not None and row[0] not in who.visible:
        raise PermissionDenied(f"{username}'s cases are not yours, your team's or ones you cover.")


def list_inbox(
    ws: Workspace,
    query: InboxQuery | None = None,
    as_of: dt.date | None = None,
    limit: int | None = None,
    offset: int = 0,
    officer: str | None = None,
    after: tuple | None = None,
    from_end: bool = False,
) -> list[InboxRow]:
    """Cases that are open or still owe something: by default soonest deadline first.

    ``after=page_key(row, sort)`` gives the ``limit`` rows after that row (keyset paging:
    as fast at the end of 100,000 cases as at the start); ``from_end=True`` the last
    ``limit`` rows (before the row keyed ``after``, if given), still in the query's order.

    A closed case stays in the inbox while a promise on it is open (an Ombudsman
    order, an unanswered email): closing the case does not discharge those.
    """
    q = query or InboxQuery()
    if officer is not None:
        q = q.with_(officer=officer)
    q.check()
    today = as_of or ws.today()
    cal = ws.registry.get().calendar
    who = _who(ws, today)
    if who.visible is not None:
        _check_officer(ws, q.officer, who)
    shape, params = _base(ws, q, today, who)
    paged = limit is not None
    keyset = after is not None
    if after is not None:
        if len(after) != len(SORTS[q.sort]):
            raise ValidationError(
                f"A page key for the {q.sort!r} sort has {len(SORTS[q.sort])} values."
            )
        params.update({f"k{i}": v for i, v in enumerate(after)})
    if paged:
        params.update(limit=limit, offset=offset)
    if from_end and not paged:
        raise ValidationError("The last page needs a page size.")
    descending = q.descending != from_end  # the last page: read backwards, then turn round
    with_officer = bool(who.covering)
    fast = (
        _fast_page(shape, q.sort, descending, with_officer, paged, keyset)
        if ws.db.is_sqlite
        else None
    )
    if fast is not None:
        rows = [(*r[:7], _date(r[7]), *r[8:]) for r in fast.run(ws.db, params)]
        if with_officer:
            rows = [(*r[:13], uuid.UUID(r[13])) for r in rows]
    else:
        with ws.db.connect() as conn:
            rows = conn.execute(
                _page(shape, q.sort, descending, with_officer, paged, keyset), params
            ).all()
    if from_end:
        rows.reverse()
    if not rows:
        _check_officer(ws, q.officer)
    left = cal.countdown_from(today)
    risk_wd = _risk_days(ws)
    covering = who.covering
    out = []
    for r in rows:
        wd_left = left(r[7]) if r[7] is not None else None
        out.append(
            InboxRow(
                *r[:7],
                r[7],
                wd_left,
                *r[8:12],
                covering[r[13]].name if covering and r[13] in covering else None,
                urgency(wd_left, risk_wd[r[12]]),
            )
        )
    return out


def iter_inbox(
    ws: Workspace,
    query: InboxQuery | None = None,
    as_of: dt.date | None = None,
    officer: str | None = None,
    batch: int = 2_000,
) -> Iterator[InboxRow]:
    """Every row of the inbox, read a keyset page at a time: memory stays flat however many
    cases there are (``doorstep inbox --json``)."""
    q = query or InboxQuery()
    after = None
    while True:
        page = list_inbox(ws, q, as_of=as_of, limit=batch, officer=officer, after=after)
        yield from page
        if len(page) < batch:
            return
        after = page_key(page[-1], q.sort)


def _risk_days(ws: Workspace) -> dict[str | None, int]:
    """Each policy's at-risk threshold in working days; None: the organisation's default."""
    registry = ws.registry
    days: dict[str | None, int] = {n: registry.get(n).at_risk_wd for n in registry.names()}
    days[None] = days[registry.default]
    return days


RISK_GROUPS = 6  # where _base puts the at-risk policy groups in a query's shape


@lru_cache(maxsize=128)
def _counts(shape: tuple) -> Select:
    return _filtered(*shape, joined=False).with_only_columns(
        func.count(),
        func.coalesce(func.sum(case((due_today_condition(), 1), else_=0)), 0),
        func.coalesce(func.sum(case((at_risk_condition(shape[RISK_GROUPS]), 1), else_=0)), 0),
        func.coalesce(func.sum(case((breached_condition(), 1), else_=0)), 0),
    )


def count_inbox(
    ws: Workspace, query: InboxQuery | None = None, as_of: dt.date | None = None
) -> InboxCounts:
    """How many cases the query shows, and how many are due today, at risk or breached."""
    q = query or InboxQuery()
    q.check()
    today = as_of or ws.today()
    who = _who(ws, today)
    if who.visible is not None:
        _check_officer(ws, q.officer, who)
    shape, params = _base(ws, q, today, who)
    with ws.db.connect() as conn:
        total, due_today, at_risk, breached = conn.execute(_counts(shape), params).one()
    return InboxCounts(int(total), int(due_today), int(at_risk), int(breached), at_risk_words(ws))


def at_risk_words(ws: Workspace) -> str:
    """What "at risk" means in the inbox, read from the policies ("≤ <n> WD"), or, when the
    organisation's policies set different thresholds, that each case follows its own."""
    days = set(_risk_days(ws).values())
    if len(days) == 1:
        return ws.registry.get().at_risk_words
    return "by each case's policy"


BREACHED = (
    select(func.count())
    .select_from(Case)
    .where(Case.in_inbox.is_(True), Case.sort_due < bindparam("today"))
)
BREACHED_FOR = BREACHED.where(
    Case.officer_id
    == select(Officer.id).where(Officer.username == bindparam("officer")).scalar_subquery()
)


@lru_cache(maxsize=4)
def _compiled(stmt: Select) -> CompiledRead:
    return CompiledRead(stmt, SQLITE)


def breached_count(ws: Workspace, officer: str | None = None, as_of: dt.date | None = None) -> int:
    """Cases whose next deadline has passed: one index range scan on (in_inbox, sort_due)."""
    if _who(ws, as_of or ws.today()).visible is not None:  # only the cases they may see
        return count_inbox(ws, InboxQuery(officer=officer), as_of).breached
    params = {"today": as_of or ws.today(), "officer": officer}
    stmt = BREACHED if officer is None else BREACHED_FOR
    if ws.db.is_sqlite:
        n = int(_compiled(stmt).run(ws.db, params)[0][0])
    else:
        with ws.db.connect() as conn:
            n = int(conn.execute(stmt, params).scalar_one())
    if not n:
        _check_officer(ws, officer)
    return n
