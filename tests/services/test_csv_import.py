"""import-csv: reading exports, the column mapping, the plan (refusals) and the import itself."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services import csv_import as ci
from app.services.bundles import export_bundle, import_bundle
from app.services.inbox import list_inbox
from app.store.models import Case, CaseEvent, Officer, Resident

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "resources" / "import" / "example-export.csv"
EXAMPLE_MAP = ROOT / "resources" / "import" / "example-mapping.toml"

HEADER = ["Ref", "Type", "Opened", "Officer", "Name", "Needs", "Contact", "How", "Notes"]
MAP = """
[case]
ref = "Ref"
kind = "Type"
opened = "Opened"
opened_format = "%d/%m/%Y"
officer = "Officer"
{case_extra}

[case.kinds]
"ASB" = "asb"
"Repair" = "repair"
"Complaint" = "complaint"

[resident]
name = "Name"

[vulnerabilities]
column = "Needs"
separator = "|"

[open_contact]
date = "Contact"
date_format = ["%d/%m/%Y %H:%M", "%d/%m/%Y"]
channel = "How"
summary = "Notes"
"""


def mapping(tmp_path: Path, case_extra: str = "") -> ci.ColumnMapping:
    path = tmp_path / "map.toml"
    path.write_text(MAP.format(case_extra=case_extra), encoding="utf-8")
    return ci.load_mapping(path)


def write_rows(
    tmp_path: Path, rows, name="export.csv", encoding="utf-8", delimiter=",", header=HEADER
):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    path = tmp_path / name
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def row(ref, kind="ASB", opened="02/06/2025", officer="a.khan", name="Ann Example", **kw):
    return [
        ref,
        kind,
        opened,
        officer,
        name,
        kw.get("needs", ""),
        kw.get("contact", ""),
        kw.get("how", ""),
        kw.get("notes", ""),
    ]


def plan_for(ws, tmp_path, rows, case_extra="", **kw):
    return ci.plan_import(
        ws, mapping(tmp_path, case_extra), ci.read_export(write_rows(tmp_path, rows, **kw))
    )


def refusals(plan) -> dict[str, str]:
    return {r.where: r.reason for r in plan.refused}


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


# --- the shipped example ----------------------------------------------------------------


def test_the_shipped_example_imports_with_its_contacts_owed(ws):
    plan = ci.plan_import(ws, ci.load_mapping(EXAMPLE_MAP), ci.read_export(EXAMPLE))
    assert plan.refused == []
    summary = plan.summary()
    assert (summary["format"], summary["encoding"], summary["rows"]) == ("CSV", "UTF-8", 9)
    assert summary["cases_by_kind"] == {
        "asb": 3,
        "complaint": 2,
        "general": 1,
        "repair": 2,
        "arrears": 1,
    }
    assert summary["officers_to_create"] == ["j.bright", "p.shah", "s.patel"]
    outcome = ci.run_import(ws, plan)
    assert len(outcome.imported) == 9
    doc = export_bundle(ws, "HX/CMP/0201")
    assert doc["case"]["resident"]["name"] == "Mrs Zoë Wiśniewska"
    assert doc["case"]["resident"]["address"] == "3 Station Terrace, Hexton, HX3 1LP"
    assert doc["case"]["officer"] == "j.bright"
    assert doc["case"]["opened"] == "2025-05-20"
    [event] = doc["events"]
    assert (event["type"], event["channel"], event["direction"]) == ("contact", "email", "in")
    # "None" in the vulnerabilities column means none; "; " splits the others
    assert export_bundle(ws, "HX/CMP/0202")["case"]["resident"]["vulnerabilities"] == []
    assert export_bundle(ws, "HX/ASB/0101")["case"]["resident"]["vulnerabilities"] == [
        "Anxiety",
        "Hearing impairment",
    ]
    # the open contacts count down like any other: a reply to the letter, a callback
    owed = {r.ref: r.next_label for r in list_inbox(ws, as_of=dt.date(2025, 6, 24))}
    assert owed["HX/CMP/0202"] == "Reply to letter"
    assert owed["HX/GEN/0401"] == "Call back"


# --- the mapping ------------------------------------------------------------------------


def test_mapping_problems_are_one_sentence_each(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(
        '[case]\nref = "Ref"\nkind = "Type"\nopened = "Opened"\nopened_format = "dd/mm"\n'
        'colour = "blue"\n[case.kinds]\n"ASB" = "antisocial"\n[residents]\nname = "N"\n',
        encoding="utf-8",
    )
    with pytest.raises(ci.MappingError) as err:
        ci.load_mapping(path)
    problems = err.value.problems
    assert any("unknown table [residents]" in p for p in problems)
    assert any("needs a [resident] table" in p for p in problems)
    assert any("unknown key 'case.colour'" in p for p in problems)
    assert any("missing the required key 'case.officer'" in p for p in problems)
    assert any("'case.opened_format'" in p and "'dd/mm'" in p for p in problems)
    assert any("'antisocial'" in p and "asb, complaint" in p for p in problems)
    assert all(p.endswith(".") and "\n" not in p for p in problems)


def test_a_mapped_column_the_file_does_not_have_is_a_mapping_error(ws, tmp_path):
    export = ci.read_export(write_rows(tmp_path, [row("A-1")], header=[*HEADER[:-1], "Memo"]))
    with pytest.raises(ci.MappingError) as err:
        ci.plan_import(ws, mapping(tmp_path), export)
    [problem] = err.value.problems
    assert "'open_contact.summary' names the column 'Notes'" in problem
    assert "does not have" in problem and "Memo" in problem


def test_a_missing_value_in_a_mapped_column_refuses_the_row(ws, tmp_path):
    plan = plan_for(ws, tmp_path, [row("A-1", officer=""), row("A-2", name=""), row("A-3")])
    assert refusals(plan) == {
        "line 2": "'Officer' is empty (the officer).",
        "line 3": "'Name' is empty (the resident's name).",
    }
    assert [c.ref for c in plan.cases] == ["A-3"]


# --- refusals ---------------------------------------------------------------------------


def test_a_bad_date_is_refused_with_its_text_quoted(ws, tmp_path):
    plan = plan_for(
        ws,
        tmp_path,
        [
            row("A-1", opened="31/02/2025"),
            row("A-2", contact="yesterday", how="Phone"),
            row("A-3", opened="02/06/2031"),
        ],
    )
    reasons = refusals(plan)
    assert reasons["line 2"] == (
        "'Opened' has '31/02/2025', which is not a date in the format %d/%m/%Y."
    )
    assert "'Contact' has 'yesterday'" in reasons["line 3"]
    assert "%d/%m/%Y %H:%M or %d/%m/%Y" in reasons["line 3"]
    assert reasons["line 4"] == "'Opened' has '02/06/2031', which is in the future."
    assert plan.cases == []


def test_an_unknown_kind_or_channel_is_refused(ws, tmp_path):
    plan = plan_for(
        ws, tmp_path, [row("A-1", kind="Gas leak"), row("A-2", contact="20/06/2025", how="Pigeon")]
    )
    reasons = refusals(plan)
    assert reasons["line 2"].startswith(
        "'Type' has 'Gas leak', which is not in the mapping's [case.kinds]"
    )
    assert reasons["line 3"].startswith("'How' has 'Pigeon'")


def test_a_ref_twice_in_the_file_refuses_both_rows_and_nothing_else(ws, tmp_path):
    plan = plan_for(ws, tmp_path, [row("A-1"), row("A-2"), row("A-1", kind="Repair")])
    reasons = refusals(plan)
    assert set(reasons) == {"line 2", "line 4"}
    assert "appears on more than one line (2, 4)" in reasons["line 2"]
    assert [c.ref for c in plan.cases] == ["A-2"]


def test_a_ref_already_in_the_database_is_refused(ws, tmp_path, seed001_doc):
    import_bundle(ws, seed001_doc)
    taken = seed001_doc["case"]["ref"]
    plan = plan_for(ws, tmp_path, [row(taken), row("A-2")])
    assert refusals(plan) == {"line 2": f"case {taken!r} is already in the database."}
    assert [c.ref for c in plan.cases] == ["A-2"]


def test_a_refused_row_refuses_its_own_case_only(ws, tmp_path):
    rows = [
        row("G-1", needs="Anxiety", contact="20/06/2025 10:30", how="Phone", notes="first"),
        row("G-2"),
        row("G-1", needs="Deaf", contact="21/06/2025", how="Email", notes="second"),
        row("G-3", contact="bad", how="Email"),
        row("G-3"),
        row("G-4", officer="r.morgan"),
        row("G-4", officer="someone.else"),
    ]
    plan = plan_for(ws, tmp_path, rows, case_extra='repeated_ref = "group"')
    reasons = refusals(plan)
    assert set(reasons) == {"line 5", "line 6", "line 7", "line 8"}
    assert "'Contact' has 'bad'" in reasons["line 5"]
    assert reasons["line 6"] == "refused with its case 'G-3' (line 5 was refused)."
    assert "'Officer' differs from line 7" in reasons["line 8"]
    assert reasons["line 7"] == "refused with its case 'G-4' (line 8 was refused)."
    outcome = ci.run_import(ws, plan)
    assert sorted(outcome.imported) == ["G-1", "G-2"]
    doc = export_bundle(ws, "G-1")
    assert doc["case"]["resident"]["vulnerabilities"] == ["Anxiety", "Deaf"]
    events = sorted(doc["events"], key=lambda e: e["id"])
    assert [(e["id"], e["channel"], e["summary"]) for e in events] == [
        ("import-2", "phone", "first"),
        ("import-4", "email", "second"),
    ]
    assert events[0]["callback_requested"] is True and events[0]["at"].startswith(
        "2025-06-20T10:30"
    )
    with ws.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 2


def test_create_officers_false_refuses_rows_naming_an_unknown_officer(ws, tmp_path):
    import_bundle(
        ws,
        {
            "format": "doorstep-case/1",
            "case": {
                "ref": "X-1",
                "kind": "general",
                "opened": "2025-06-02",
                "officer": "a.khan",
                "resident": {"name": "Someone"},
            },
            "events": [],
        },
    )
    plan = plan_for(
        ws,
        tmp_path,
        [row("A-1"), row("A-2", officer="nobody")],
        case_extra="create_officers = false",
    )
    assert refusals(plan) == {
        "line 3": "officer 'nobody' is not in the database (the mapping says create_officers = false)."
    }
    assert plan.summary()["officers_missing"] == ["nobody"]


def test_a_case_created_after_the_plan_is_refused_alone(ws, tmp_path):
    plan = plan_for(ws, tmp_path, [row("L-1"), row("L-2"), row("L-3")])
    import_bundle(ws, plan.cases[1].doc)  # someone else imports L-2 in the meantime
    outcome = ci.run_import(ws, plan)
    assert outcome.imported == ["L-1", "L-3"]
    assert refusals(plan) == {"line 3": "case 'L-2' is already in the database."}


def test_line_numbers_count_notes_that_span_lines(ws, tmp_path):
    rows = [
        row("M-1", contact="20/06/2025", how="Email", notes="one\ntwo\nthree"),
        row("M-2", kind="?"),
    ]
    plan = plan_for(ws, tmp_path, rows)
    assert list(refusals(plan)) == ["line 5"]
    assert plan.cases[0].doc["events"][0]["summary"] == "one\ntwo\nthree"


def test_a_row_with_more_values_than_columns_is_refused(ws, tmp_path):
    plan = plan_for(ws, tmp_path, [row("E-1") + ["surplus"], row("E-2")])
    assert refusals(plan) == {"line 2": "the row has more values than the header has columns."}


# --- encodings and formats --------------------------------------------------------------


def test_utf8_with_bom_keeps_the_bom_out_of_the_first_column(ws, tmp_path):
    path = write_rows(tmp_path, [row("B-1", name="Zoë Wiśniewska")], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    export = ci.read_export(path)
    assert export.encoding == "UTF-8 with BOM"
    assert export.columns[0] == "Ref"
    plan = ci.plan_import(ws, mapping(tmp_path), export)
    ci.run_import(ws, plan)
    assert export_bundle(ws, "B-1")["case"]["resident"]["name"] == "Zoë Wiśniewska"


def test_windows_1252_is_detected_and_read(ws, tmp_path):
    rows = [
        row(
            "W-1",
            name="Renée Zoë Ó Briain",
            notes="£20 refund – “soon”",
            contact="20/06/2025",
            how="Letter",
        )
    ]
    path = write_rows(tmp_path, rows, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    export = ci.read_export(path)
    assert export.encoding == "Windows-1252"
    ci.run_import(ws, ci.plan_import(ws, mapping(tmp_path), export))
    doc = export_bundle(ws, "W-1")
    assert doc["case"]["resident"]["name"] == "Renée Zoë Ó Briain"
    assert doc["events"][0]["summary"] == "£20 refund – “soon”"


def test_a_file_neither_utf8_nor_windows_1252_is_rejected(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"Ref,Name\r\nA-1,\x81\x8d\r\n")
    with pytest.raises(ci.ValidationError, match="neither UTF-8 nor Windows-1252"):
        ci.read_export(path)


def test_a_tsv_file_is_read(ws, tmp_path):
    path = write_rows(
        tmp_path, [row("T-1", needs="Anxiety|Asthma"), row("T-2")], name="x.tsv", delimiter="\t"
    )
    export = ci.read_export(path)
    assert export.format == "TSV"
    plan = ci.plan_import(ws, mapping(tmp_path), export)
    assert plan.refused == [] and [c.ref for c in plan.cases] == ["T-1", "T-2"]
    assert plan.cases[0].doc["case"]["resident"]["vulnerabilities"] == ["Anxiety", "Asthma"]


def _records():
    return [
        dict(
            zip(HEADER, row("J-1", needs="Anxiety", contact="20/06/2025", how="Email"), strict=True)
        ),
        dict(zip(HEADER, row("J-2", opened="not a date"), strict=True)),
        {**dict(zip(HEADER, row("J-3"), strict=True)), "Needs": ["Deaf", "Asthma"], "Notes": None},
    ]


def test_a_json_file_is_read_and_refusals_name_the_record(ws, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_records(), ensure_ascii=False), encoding="utf-8")
    export = ci.read_export(path)
    assert (export.format, export.unit) == ("JSON", "record")
    plan = ci.plan_import(ws, mapping(tmp_path), export)
    assert list(refusals(plan)) == ["record 2"]
    assert plan.cases[1].doc["case"]["resident"]["vulnerabilities"] == ["Deaf", "Asthma"]
    ci.run_import(ws, plan)
    assert export_bundle(ws, "J-1")["events"][0]["channel"] == "email"


def test_a_json_lines_file_is_read_with_line_numbers(ws, tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _records()) + "\n", encoding="utf-8")
    export = ci.read_export(path)
    assert export.format == "JSON lines"
    plan = ci.plan_import(ws, mapping(tmp_path), export)
    assert list(refusals(plan)) == ["line 2"]


# --- dry run and scale ------------------------------------------------------------------


def test_planning_writes_nothing(ws, tmp_path):
    db_path = Path(ws.db.path)
    before = dump(db_path)
    plan = plan_for(ws, tmp_path, [row("D-1"), row("D-2", officer="new.person")])
    assert len(plan.cases) == 2
    assert dump(db_path) == before


@pytest.mark.slow  # about 70 s of CPU: 10,000 cases through the bundle import path
def test_ten_thousand_rows_import_with_nothing_half_made(ws, tmp_path):
    rows = []
    for i in range(10_000):
        contact = {"contact": "20/06/2025", "how": "Email", "notes": "x"} if i % 4 == 0 else {}
        rows.append(
            row(
                f"K-{i:05d}",
                officer=f"officer.{i % 7}",
                needs="A|B" if i % 5 == 0 else "",
                **contact,
            )
        )
    bad = {17: ["opened", "32/01/2025"], 4242: ["kind", "Nope"], 9999: ["officer", ""]}
    for i, (field_name, value) in bad.items():
        rows[i][{"opened": 2, "kind": 1, "officer": 3}[field_name]] = value
    plan = plan_for(ws, tmp_path, rows)
    assert sorted(r.where for r in plan.refused) == sorted(f"line {i + 2}" for i in bad)
    import_bundle(ws, plan.cases[5000].doc)  # taken after planning: refused at import
    seen = []
    outcome = ci.run_import(ws, plan, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (9_997, 9_997) and len(seen) == 50
    assert len(outcome.imported) == 9_996
    with ws.db.read() as s:
        cases = s.scalar(select(func.count()).select_from(Case))
        residents = s.scalar(select(func.count()).select_from(Resident))
        events = s.scalar(select(func.count()).select_from(CaseEvent))
        officers = set(s.scalars(select(Officer.username)))
        refs = set(s.scalars(select(Case.ref)))
    assert cases == residents == 9_997
    expected_events = sum(1 for i in range(10_000) if i % 4 == 0 and i not in bad)
    assert events == expected_events
    assert {f"officer.{i}" for i in range(7)} <= officers
    assert not refs & {f"K-{i:05d}" for i in bad}


@pytest.mark.parametrize(
    "content, words",
    [
        ("", "the file is empty"),
        ("Ref,Name\r\n", "has a header but no rows"),
        ('[{"Ref": "A-1"}, 7]', "record 2 is not an object"),
        ('[{"Ref": "A-1"', "cannot be read as CSV, TSV or JSON"),
    ],
)
def test_an_unusable_file_is_rejected_in_one_sentence(tmp_path, content, words):
    path = tmp_path / "export.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ci.ValidationError) as err:
        ci.read_export(path)
    assert str(err.value).startswith(f"{path}: ") and words in str(err.value)


@pytest.mark.parametrize(
    "text", ["[" * 100_000 + "]" * 100_000, '[{"ref": ' + "9" * 4301 + "}]"], ids=["deep", "digits"]
)
def test_json_rows_that_would_crash_the_decoder_are_refused(tmp_path, text):
    path = tmp_path / "rows.json"
    path.write_text(text)
    with pytest.raises(ci.ValidationError, match="rows.json"):
        ci.read_export(path)
