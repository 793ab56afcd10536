"""`doorstep import DIR│FILE.jsonl` (CLI.md): a whole folder or JSON-lines file in batches,
each bundle all or nothing, a progress line on stderr without resident details."""

from __future__ import annotations

import datetime as dt
import json

from app.cli import main
from app.demo.generator import generate_bundles

DOCS = generate_bundles(dt.date(2025, 6, 24), 12, seed=3)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_folder_of_many_bundles_is_imported_without_listing_them(capsys, tmp_path):
    folder = tmp_path / "bundles"
    folder.mkdir()
    for i, doc in enumerate(DOCS):
        (folder / f"case-{i:04d}.json").write_text(json.dumps(doc))
    db = str(tmp_path / "c.sqlite")
    code, out, err = run(capsys, "import", str(folder), "--db", db)
    assert code == 0, err
    assert f"Imported {len(DOCS)} cases from {folder}" in out
    assert f"import: {len(DOCS)} bundles imported, 0 refused" in err
    for doc in DOCS:  # progress names counts only
        assert doc["case"]["resident"]["name"] not in err
    code, out, _ = run(capsys, "--db", db, "inbox", "--json", "--as-of", "2025-06-24")
    assert code == 0 and len(json.loads(out)) > 0


def test_a_jsonl_file_with_a_bad_line_exits_1_naming_the_line(capsys, tmp_path):
    path = tmp_path / "cases.jsonl"
    lines = [json.dumps(d) for d in DOCS[:4]]
    lines.insert(2, '{"format": "doorstep-case/1", "case": {}}')
    path.write_text("\n".join(lines) + "\n")
    db = str(tmp_path / "c.sqlite")
    code, out, err = run(capsys, "import", str(path), "--db", db, "--json")
    assert code == 1
    assert f"{path} line 3:" in err and "Traceback" not in err
    assert [r["case"] for r in json.loads(out)] == [d["case"]["ref"] for d in DOCS[:4]]
    assert [r["file"] for r in json.loads(out)][2] == f"{path} line 4"
