"""Merging: paragraphs, bullets, quotes, block fields, escaped braces, every problem reported."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.letters.document import Bullets, Para, Table
from app.letters.merge import MergeError, fields_in, merge_inline, merge_text

VALUES = {
    "resident.name": "Ms A",
    "complaint.points": Bullets(("One", "Two")),
    "today": "1 July 2025",
}


def test_paragraphs_lines_bullets_and_quotes():
    blocks = merge_text(
        "Dear {resident.name},\n\nLine one\nline two\n- a\n- b\n\n> “Her words”", VALUES
    )
    assert blocks == (
        Para(("Dear Ms A,",)),
        Para(("Line one", "line two")),
        Bullets(("a", "b")),
        Para(("“Her words”",), quote=True),
    )


def test_a_block_field_on_its_own_line_becomes_the_block():
    assert merge_text("Points:\n\n{complaint.points}", VALUES) == (
        Para(("Points:",)),
        Bullets(("One", "Two")),
    )


def test_every_problem_is_reported_together():
    with pytest.raises(MergeError) as err:
        merge_text(
            "{nope} and {complaint.points} inline, {org.phone}",
            VALUES,
            {"org.phone": "none set"},
            "Intro",
        )
    assert [str(p) for p in err.value.problems] == [
        "Intro: {nope} is not a merge field",
        "Intro: {complaint.points} is a list or table: put it on a line of its own",
        "Intro: {org.phone} is missing (none set)",
    ]


def test_double_braces_print_braces_and_are_not_fields():
    assert fields_in("{{today}} {today}") == ["today"]
    assert merge_inline("{{today}} is {today}", VALUES) == "{today} is 1 July 2025"


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="{}"),
        max_size=200,
    )
)
def test_text_without_fields_comes_back_word_for_word(text):
    blocks = merge_text(text, {})
    words = [
        w for b in blocks for w in " ".join(b.lines if isinstance(b, Para) else b.items).split()
    ]
    expected = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.strip()
        for prefix in ("- ", "• ", "* "):
            if stripped.startswith(prefix):
                stripped = stripped[len(prefix) :]
                break
        expected += stripped.split()
    quoted = [w for w in expected if w != ">"]
    assert [w for w in words if w != ">"] == quoted or words == expected


def test_tables_are_values_too():
    t = Table(("A",), (("1",),))
    assert merge_text("{compensation.table}", {"compensation.table": t}) == (t,)
