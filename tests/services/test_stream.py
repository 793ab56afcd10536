"""The whole-database pass reads a batch of cases at a time (services/stream.py) and audits
exactly as auditing each case on its own does."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import event

from app.cli import main
from app.demo.generator import generate_bundles
from app.services.auditing import audit_case, iter_audit
from app.services.bulk import Source, import_sources
from app.services.findings import iter_findings
from app.services.stream import iter_case_histories

AS_OF = dt.date(2025, 6, 24)
DOCS = generate_bundles(AS_OF, 30, seed=11)


def loaded(ws):
    import_sources(ws, [Source(str(i), d) for i, d in enumerate(DOCS)])
    return sorted(d["case"]["ref"] for d in DOCS)


def test_batches_cover_every_case_once_in_reference_order(ws):
    refs = loaded(ws)
    batches = list(iter_case_histories(ws, batch=7))
    assert [len(b) for b in batches] == [7, 7, 7, 7, 2]
    assert [h.ref for b in batches for h in b] == refs
    by_ref = {d["case"]["ref"]: len(d["events"]) for d in DOCS}
    for b in batches:
        for h in b:
            assert len(h.rows) == by_ref[h.ref]
            assert [(r.at, r.seq) for r in h.rows] == sorted((r.at, r.seq) for r in h.rows)


def test_the_streamed_audit_equals_auditing_each_case_alone(ws):
    refs = loaded(ws)
    streamed = [r.to_dict() for r in iter_audit(ws, AS_OF, batch=4)]
    assert streamed == [audit_case(ws, ref, AS_OF).to_dict() for ref in refs]
    assert any(r["findings"] for r in streamed)
    lines = [(f.ref, f.code, f.date.isoformat()) for f in iter_findings(ws, AS_OF, batch=4)]
    assert lines == [(r["case"], f["code"], f["date"]) for r in streamed for f in r["findings"]]


def test_statements_per_batch_do_not_grow_with_the_cases(ws):
    loaded(ws)
    statements = []
    # every statement the driver runs, the stream's own reads on the raw connection included
    ws.db.engine.dispose()
    event.listen(
        ws.db.engine,
        "connect",
        lambda conn, _record: conn.set_trace_callback(
            lambda sql: (
                statements.append(sql) if sql.lstrip().upper().startswith("SELECT") else None
            )
        ),
    )
    list(iter_audit(ws, AS_OF, batch=10))
    few = len(statements)
    statements.clear()
    list(iter_audit(ws, AS_OF, batch=30))
    assert 0 < len(statements) < few  # fewer, larger batches: per batch, not per case


def test_audit_all_json_streams_the_same_document(capsys, tmp_path):
    db = tmp_path / "c.sqlite"
    path = tmp_path / "all.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in DOCS[:5]) + "\n")
    assert main(["import", str(path), "--db", str(db)]) == 0
    capsys.readouterr()
    code = main(["audit", "--all", "--db", str(db), "--as-of", AS_OF.isoformat(), "--json"])
    out = capsys.readouterr().out
    reports = json.loads(out)
    assert [r["case"] for r in reports] == sorted(d["case"]["ref"] for d in DOCS[:5])
    assert out == json.dumps(reports, indent=1, ensure_ascii=False) + "\n"
    assert code == (1 if any(r["findings"] for r in reports) else 0)
