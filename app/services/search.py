"""Full-text search over case references, resident names and contact summaries, best first.

On SQLite it uses the FTS5 indexes of migration 0002 (bm25 ranking, highlighted
snippets); on PostgreSQL the tsvector columns and GIN indexes of migration 0006 (ts_rank,
ts_headline snippets, the last word matching as a prefix). The query text is reduced to
words, so nothing a user types is interpreted as FTS syntax.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from sqlalchemy import text

from app.services.access import visible_officer_ids
from app.services.workspace import Workspace

MARK_START, MARK_END = "\x02", "\x03"  # highlight markers inside snippets
WORD = re.compile(r"\w+", re.UNICODE)
# Very common words make bm25 score every match; rank only the most recent candidates.
CANDIDATES = 5_000


@dataclass(frozen=True)
class SearchHit:
    ref: str
    resident: str
    kind: str
    where: str  # "case" (reference or resident name) or "entry" (a contact/event summary)
    event_id: str | None
    snippet: str  # with MARK_START/MARK_END around matched words
    rank: float
    entry_at: dt.datetime | None = None  # an entry's date and kind, to say which entry it is
    entry_type: str | None = None

    def snippet_text(self, start: str = "[", end: str = "]") -> str:
        return self.snippet.replace(MARK_START, start).replace(MARK_END, end)

    def snippet_html(self) -> str:
        from html import escape

        return escape(self.snippet).replace(MARK_START, "<b>").replace(MARK_END, "</b>")


def words(query: str) -> list[str]:
    return [w for w in WORD.findall(query.lower()) if w]


def fts_query(query: str) -> str | None:
    """Every word must match; each is quoted so no FTS operator can be injected."""
    ws_ = words(query)
    if not ws_:
        return None
    return " ".join('"' + w.replace('"', "") + '"' for w in ws_)


def search(ws: Workspace, query: str, limit: int = 50) -> list[SearchHit]:
    if not words(query):
        return []
    if ws.db.is_sqlite:
        return _sqlite(ws, query, limit)
    return _postgres(ws, query, limit)


PER_PAGE = 50


@dataclass(frozen=True)
class SearchPage:
    """One page of hits, best first, and how many matches there are in all."""

    hits: list[SearchHit]
    total: int  # every match: cases, then entries
    offset: int
    reachable: int  # how many can be paged through (entries: the CANDIDATES most recent)

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.hits) < self.reachable

    def summary(self) -> str:
        if not self.total:
            return "No matches."
        word = "match" if self.total == 1 else "matches"
        if not self.hits:
            return f"{self.total:,} {word}; none on this page."
        shown = f"{self.offset + 1:,}–{self.offset + len(self.hits):,} of {self.total:,} {word}"
        text = f"{shown}, best first"
        if self.reachable < self.total:
            text += (
                f" (only the {CANDIDATES:,} most recent entries are ranked: add a word to narrow "
                "the search)"
            )
        return text + "."


def search_page(ws: Workspace, query: str, page: int = 0, per_page: int = PER_PAGE) -> SearchPage:
    """Page ``page`` (from 0) of the hits, with the number of matches in all."""
    if not words(query):
        return SearchPage([], 0, 0, 0)
    offset = max(page, 0) * per_page
    hits = search(ws, query, offset + per_page)[offset:]
    cases, entries = count_matches(ws, query)
    return SearchPage(hits, cases + entries, offset, cases + min(entries, CANDIDATES))


def count_matches(ws: Workspace, query: str) -> tuple[int, int]:
    """How many cases and how many entries match, of those the person may see."""
    if not words(query):
        return 0, 0
    with ws.db.read() as s:
        visible = visible_officer_ids(s)
        if ws.db.is_sqlite:
            params: dict = {"q": fts_query(query)}
            if visible is not None:
                params["visible"] = json.dumps([i.hex for i in visible])
            case_sql, event_sql = COUNT_SQL[visible is not None]
            return s.execute(case_sql, params).scalar() or 0, s.execute(
                event_sql, params
            ).scalar() or 0
        terms = words(query)
        params = {
            "head": " ".join(terms[:-1]),
            "last": terms[-1],
            "all": visible is None,
            "visible": list(visible or ()),
        }
        return s.execute(PG_COUNT_CASES, params).scalar() or 0, s.execute(
            PG_COUNT_EVENTS, params
        ).scalar() or 0


def _at(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


# Someone who may see only some officers' cases searches only those: the condition sits
# inside the ranked query, so they still get `limit` hits when there are that many.
VISIBLE = " AND c.officer_id IN (SELECT value FROM json_each(:visible))"

CASE_SQL = """
    SELECT c.ref, r.name, c.kind, bm25(case_fts) AS rank,
           highlight(case_fts, 0, :a, :b), highlight(case_fts, 1, :a, :b)
    FROM case_fts
    JOIN cases c ON c.rowid = case_fts.rowid
    JOIN residents r ON r.id = c.resident_id
    WHERE case_fts MATCH :q{visible}
    ORDER BY rank
    LIMIT :n
    """

# Ranking every match of a very common word is slow (bm25 over 100,000s of rows), so
# only the most recent CANDIDATES matches are ranked: first find the rowid where that
# window starts (FTS5 walks its doclist backwards and stops), then rank inside it.
CUTOFF_SQL = text(
    "SELECT rowid FROM event_fts WHERE event_fts MATCH :q ORDER BY rowid DESC LIMIT 1 OFFSET :cand"
)
EVENT_SQL = """
    WITH hits AS (
        SELECT event_fts.rowid AS rid, bm25(event_fts) AS rank,
               snippet(event_fts, 0, :a, :b, '…', 14) AS snip
        FROM event_fts{join}
        WHERE event_fts MATCH :q AND event_fts.rowid > :cutoff{visible}
        ORDER BY rank
        LIMIT :n
    )
    SELECT c.ref, r.name, c.kind, e.local_id, hits.snip, hits.rank, e.at, e.type
    FROM hits
    JOIN case_events e ON e.rowid = hits.rid
    JOIN cases c ON c.id = e.case_id
    JOIN residents r ON r.id = c.resident_id
    ORDER BY hits.rank
    """
EVENT_JOIN = " JOIN case_events ev ON ev.rowid = event_fts.rowid JOIN cases c ON c.id = ev.case_id"
CASE_COUNT = """
    SELECT count(*) FROM case_fts JOIN cases c ON c.rowid = case_fts.rowid
    WHERE case_fts MATCH :q{visible}
    """
EVENT_COUNT = "SELECT count(*) FROM event_fts{join} WHERE event_fts MATCH :q{visible}"
COUNT_SQL = {
    False: (text(CASE_COUNT.format(visible="")), text(EVENT_COUNT.format(join="", visible=""))),
    True: (
        text(CASE_COUNT.format(visible=VISIBLE)),
        text(EVENT_COUNT.format(join=EVENT_JOIN, visible=VISIBLE)),
    ),
}
SQL = {
    False: (text(CASE_SQL.format(visible="")), text(EVENT_SQL.format(join="", visible=""))),
    True: (
        text(CASE_SQL.format(visible=VISIBLE)),
        text(EVENT_SQL.format(join=EVENT_JOIN, visible=VISIBLE)),
    ),
}


def _sqlite(ws: Workspace, query: str, limit: int) -> list[SearchHit]:
    q = fts_query(query)
    params = {"q": q, "n": limit, "a": MARK_START, "b": MARK_END, "cand": CANDIDATES}
    with ws.db.read() as s:
        visible = visible_officer_ids(s)
        if visible is not None:
            params["visible"] = json.dumps([i.hex for i in visible])
        case_sql, event_sql = SQL[visible is not None]
        cases = s.execute(case_sql, params).all()
        hits = [
            SearchHit(ref, name, kind, "case", None, f"{ref_h} — {name_h}", float(rank) - 1000.0)
            for ref, name, kind, rank, ref_h, name_h in cases
        ]
        if len(hits) < limit:
            params["n"] = limit - len(hits)
            params["cutoff"] = s.execute(CUTOFF_SQL, params).scalar() or 0
            for ref, name, kind, local_id, snip, rank, at, etype in s.execute(event_sql, params):
                hits.append(
                    SearchHit(ref, name, kind, "entry", local_id, snip, float(rank), _at(at), etype)
                )
    return hits[:limit]


# PostgreSQL (migration 0006): the tsvector columns and their GIN indexes. The user's words go
# through plainto_tsquery, which reads no operators; the last word also matches as a prefix, its
# tsquery made by the server from plainto_tsquery's own quoted output, never from the user's text.
PG_QUERY = """
    WITH p AS (SELECT plainto_tsquery({cfg}, :head) AS head, plainto_tsquery({cfg}, :last) AS last),
    q AS (
        SELECT CASE WHEN numnode(p.last) = 0 THEN p.head
                    ELSE p.head && (p.last::text || ':*')::tsquery END AS q
        FROM p
    ),"""
PG_CASES = text(
    PG_QUERY.format(cfg="'simple'")
    + """
    hits AS (
        SELECT c.ref, c.resident_id, c.kind, ts_rank(c.search_tsv, q.q) AS rank
        FROM cases c, q
        WHERE numnode(q.q) > 0 AND c.search_tsv @@ q.q
          AND (CAST(:all AS boolean) OR c.officer_id = ANY(CAST(:visible AS uuid[])))
        ORDER BY rank DESC, c.ref
        LIMIT :n
    )
    SELECT hits.ref, r.name, hits.kind, hits.rank,
           ts_headline('simple', translate(hits.ref, '-', ' '), q.q, :opts),
           ts_headline('simple', translate(r.name, '-', ' '), q.q, :opts)
    FROM hits JOIN residents r ON r.id = hits.resident_id, q
    ORDER BY hits.rank DESC, hits.ref
    """
)
# As on SQLite, only the most recent CANDIDATES matches of a very common word are ranked.
PG_EVENTS = text(
    PG_QUERY.format(cfg="'english'")
    + """
    matches AS (
        SELECT e.id, e.search_tsv, e.at
        FROM case_events e JOIN cases c ON c.id = e.case_id, q
        WHERE numnode(q.q) > 0 AND e.search_tsv @@ q.q
          AND (CAST(:all AS boolean) OR c.officer_id = ANY(CAST(:visible AS uuid[])))
        ORDER BY e.at DESC
        LIMIT :cand
    ),
    hits AS (
        SELECT m.id, ts_rank(m.search_tsv, q.q) AS rank, m.at FROM matches m, q
        ORDER BY rank DESC, m.at DESC
        LIMIT :n
    )
    SELECT c.ref, r.name, c.kind, e.local_id, ts_headline('english', e.summary, q.q, :opts),
           hits.rank, e.at, e.type
    FROM hits
    JOIN case_events e ON e.id = hits.id
    JOIN cases c ON c.id = e.case_id
    JOIN residents r ON r.id = c.resident_id, q
    ORDER BY hits.rank DESC, hits.at DESC
    """
)
PG_COUNT_CASES = text(
    PG_QUERY.format(cfg="'simple'")
    + """
    _ AS (SELECT 1)
    SELECT count(*) FROM cases c, q
    WHERE numnode(q.q) > 0 AND c.search_tsv @@ q.q
      AND (CAST(:all AS boolean) OR c.officer_id = ANY(CAST(:visible AS uuid[])))
    """
)
PG_COUNT_EVENTS = text(
    PG_QUERY.format(cfg="'english'")
    + """
    _ AS (SELECT 1)
    SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id, q
    WHERE numnode(q.q) > 0 AND e.search_tsv @@ q.q
      AND (CAST(:all AS boolean) OR c.officer_id = ANY(CAST(:visible AS uuid[])))
    """
)
# ts_headline's options: the same markers as SQLite's snippets; short fields are shown whole.
HEADLINE = f'StartSel="{MARK_START}", StopSel="{MARK_END}", MinWords=8, MaxWords=20'
HEADLINE_ALL = HEADLINE + ", HighlightAll=true"


def _postgres(ws: Workspace, query: str, limit: int) -> list[SearchHit]:
    terms = words(query)  # \w+ only: what reaches plainto_tsquery is plain words
    params = {
        "head": " ".join(terms[:-1]),
        "last": terms[-1],
        "n": limit,
        "cand": CANDIDATES,
        "all": True,
        "visible": [],
    }
    with ws.db.read() as s:
        visible = visible_officer_ids(s)
        if visible is not None:
            params["all"] = False
            params["visible"] = list(visible)
        rows = s.execute(PG_CASES, params | {"opts": HEADLINE_ALL}).all()
        # rank: lower is better, cases before entries (as SQLite's bm25 with its -1000)
        hits = [
            SearchHit(
                ref,
                name,
                kind,
                "case",
                None,
                f"{_unhyphen(ref, ref_h)} — {_unhyphen(name, name_h)}",
                -float(rank) - 1000.0,
            )
            for ref, name, kind, rank, ref_h, name_h in rows
        ]
        if len(hits) < limit:
            params["n"] = limit - len(hits)
            for ref, name, kind, local_id, snip, rank, at, etype in s.execute(
                PG_EVENTS, params | {"opts": HEADLINE}
            ):
                hits.append(
                    SearchHit(
                        ref, name, kind, "entry", local_id, snip, -float(rank), _at(at), etype
                    )
                )
    return hits[:limit]


def _unhyphen(original: str, marked: str) -> str:
    """Put back the hyphens the index read as spaces: ts_headline (HighlightAll) returned the
    whole text with only the markers added, so copy ``original`` and keep the markers."""
    out, i = [], 0
    for ch in marked:
        if ch in (MARK_START, MARK_END):
            out.append(ch)
        elif i < len(original):
            out.append(original[i])
            i += 1
    rebuilt = "".join(out)
    plain = rebuilt.replace(MARK_START, "").replace(MARK_END, "")
    return rebuilt if plain == original else original
