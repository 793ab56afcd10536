"""Full-text search over case references, resident names and contact summaries, best first.

On SQLite it uses the FTS5 indexes of migration 0002 (bm25 ranking, highlighted
snippets); on PostgreSQL a plain case-insensitive match (no ranking) until the team
server gets its own index. The query text is reduced to words, so nothing a user
types is interpreted as FTS syntax.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import or_, select, text

from app.services.access import visible_officer_ids
from app.services.workspace import Workspace
from app.store.models import Case, CaseEvent, Resident

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
    return _plain(ws, query, limit)


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
    SELECT c.ref, r.name, c.kind, e.local_id, hits.snip, hits.rank
    FROM hits
    JOIN case_events e ON e.rowid = hits.rid
    JOIN cases c ON c.id = e.case_id
    JOIN residents r ON r.id = c.resident_id
    ORDER BY hits.rank
    """
EVENT_JOIN = " JOIN case_events ev ON ev.rowid = event_fts.rowid JOIN cases c ON c.id = ev.case_id"
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
            for ref, name, kind, local_id, snip, rank in s.execute(event_sql, params):
                hits.append(SearchHit(ref, name, kind, "entry", local_id, snip, float(rank)))
    return hits[:limit]


def _word(column, term: str):
    """Whole-word, case-insensitive match (as FTS matches tokens), on PostgreSQL's \\m…\\M boundaries."""
    return column.regexp_match(rf"\m{term}\M", flags="i")


def _plain(ws: Workspace, query: str, limit: int) -> list[SearchHit]:
    terms = words(query)  # \w+ only: nothing here is a regex operator
    with ws.db.read() as s:
        case_conds = [or_(_word(Case.ref, t), _word(Resident.name, t)) for t in terms]
        visible = visible_officer_ids(s)
        if visible is not None:
            case_conds.append(Case.officer_id.in_(visible))
        rows = s.execute(
            select(Case.ref, Resident.name, Case.kind)
            .join(Resident, Case.resident_id == Resident.id)
            .where(*case_conds)
            .order_by(Case.ref)
            .limit(limit)
        ).all()
        hits = [SearchHit(r, n, k, "case", None, f"{r} — {n}", 0.0) for r, n, k in rows]
        if len(hits) < limit:
            ev = s.execute(
                select(Case.ref, Resident.name, Case.kind, CaseEvent.local_id, CaseEvent.summary)
                .join(Case, CaseEvent.case_id == Case.id)
                .join(Resident, Case.resident_id == Resident.id)
                .where(*[_word(CaseEvent.summary, t) for t in terms])
                .where(*case_conds[len(terms) :])
                .order_by(CaseEvent.at.desc())
                .limit(limit - len(hits))
            ).all()
            hits += [
                SearchHit(r, n, k, "entry", e, _mark(summ, terms), 0.0) for r, n, k, e, summ in ev
            ]
    return hits


def _mark(summary: str, terms: list[str]) -> str:
    out = summary
    for t in terms:
        out = re.sub(
            rf"\b({re.escape(t)})\b", MARK_START + r"\1" + MARK_END, out, flags=re.IGNORECASE
        )
    return out
