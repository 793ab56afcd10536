"""The one bundle validator (app/domain/bundle.py): what a mutation fuzzer found crashing import
and audit is refused in one sentence naming the event and field, quoting at most 80 characters."""

from __future__ import annotations

import json

import pytest

from app.domain.bundle import (
    MAX_DEPTH,
    bundle_to_dict,
    check_values,
    loads_bundle,
    loads_document,
    nesting_depth,
    parse_bundle,
)
from app.domain.events import QUOTE_LIMIT, BundleError, shown, unprintable
from tests.bundle_mutants import MUTANTS, VALID, mutant


def refusal(text: str) -> str:
    with pytest.raises(BundleError) as caught:
        loads_bundle(text, "case.json")
    return str(caught.value)


def test_the_example_is_valid():
    assert loads_bundle(json.dumps(VALID)).case.ref == VALID["case"]["ref"]


@pytest.mark.parametrize("name", MUTANTS)
def test_each_crash_found_is_one_clear_sentence(name):
    text, words = MUTANTS[name]
    message = refusal(text)
    assert "\n" not in message and len(message) < 300, message
    for word in words:
        assert word in message, (word, message)


def test_a_long_value_is_quoted_cut_to_80_characters():
    message = refusal(mutant(lambda d: d["events"][2].update(channel="y" * 5000)))
    quoted = message[message.index("got ") + 4 :]
    assert len(quoted) <= QUOTE_LIMIT and quoted.endswith("…") or "..." in quoted
    assert len(shown("z" * 10_000_000)) <= QUOTE_LIMIT
    assert len(shown([[["deep"] * 100] * 100] * 100)) <= QUOTE_LIMIT


def test_a_long_event_id_is_cut_too():
    message = refusal(mutant(lambda d: d["events"][2].update(id="i" * 5000, channel="fax")))
    assert len(message) < 300


@pytest.mark.parametrize(
    "ref, bad",
    [
        ("EX-\u202e1000", "RIGHT-TO-LEFT OVERRIDE"),
        ("EX\u00a01000", "NO-BREAK SPACE"),
        ("EX\u20031000", "EM SPACE"),
        ("EX-\t1000", "U+0009"),
        ("EX-\x071000", "U+0007"),
        ("EX-\u200b1000", "ZERO WIDTH SPACE"),
        ("EX-\u20281000", "LINE SEPARATOR"),
    ],
)
def test_refs_hold_printable_characters_only(ref, bad):
    message = refusal(mutant(lambda d: d["case"].update(ref=ref)))
    assert "case field 'ref'" in message and "printable" in message and bad in message


def test_printable_refs_names_and_ids_are_fine():
    doc = json.loads(mutant(lambda d: d["case"].update(ref="ŁÓDŹ-2025 0001", officer="zoë.o'neil")))
    assert parse_bundle(doc).case.ref == "ŁÓDŹ-2025 0001"
    assert unprintable("Ms Ólafsdóttir-Núñez 12") is None


def test_event_ids_and_people_are_printable_and_not_too_long():
    assert "printable" in refusal(mutant(lambda d: d["events"][0].update(id="r\u202e1")))
    message = refusal(mutant(lambda d: d["events"][0].update(by="a\u00a0b")))
    assert "field 'by'" in message and "printable" in message
    assert "at most 80" in refusal(mutant(lambda d: d["events"][0].update(id="r" * 81)))


@pytest.mark.parametrize(
    "where, value, longest",
    [("ref", "R" * 61, 60), ("officer", "o" * 81, 80), ("resident.name", "N" * 201, 200)],
)
def test_texts_the_store_keeps_in_a_column_fit_it(where, value, longest):
    def change(doc):
        if where == "resident.name":
            doc["case"]["resident"]["name"] = value
        else:
            doc["case"][where] = value

    message = refusal(mutant(change))
    assert f"case field {where!r}" in message and f"at most {longest}" in message


def test_nul_is_refused_anywhere():
    message = refusal(mutant(lambda d: d.update(note="a\x00b")))
    assert "field 'note'" in message and "NUL" in message


def test_the_json_decoder_is_bounded():
    assert nesting_depth('{"a": "[[[[", "b": [[{"c": "\\"]]"}]]}') == 4
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert loads_document(deep) is not None
    with pytest.raises(BundleError, match="nests"):
        loads_document("[" + deep + "]")
    with pytest.raises(BundleError, match="41 digits"):
        loads_document("1" * 41)
    assert loads_document("-" + "9" * 40) == -int("9" * 40)
    for text in ("1e400", "-1e999", "NaN", "Infinity", "[-Infinity]"):
        with pytest.raises(BundleError, match="number"):
            loads_document(text)
    with pytest.raises(BundleError, match="not UTF-8"):
        loads_document(b'{"a": "\xff"}')
    with pytest.raises(BundleError, match="line 1, column 2"):
        loads_document("{nope}")


def test_a_document_built_in_python_is_checked_too():
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(BundleError, match="nests deeper"):
        check_values({"format": "x", "extra": deep})
    with pytest.raises(BundleError, match="finite"):
        check_values({"x": float("nan")})
    with pytest.raises(BundleError, match="digits"):
        check_values({"x": 10**50})


def test_a_new_event_type_passes_the_checks_by_its_schema():
    # the validator refuses by rule, not by a list of known event types: any type in
    # EVENT_TYPES gets the same document checks
    doc = json.loads(mutant(lambda d: d["events"][0].update(summary="fine ✓")))
    assert bundle_to_dict(parse_bundle(doc))["events"][0]["summary"] == "fine ✓"


@pytest.mark.parametrize("policy", ["", "   "])
def test_a_blank_policy_is_refused_not_read_as_the_default(policy):
    # audit read "" as the default policy while import refused it as unknown
    message = refusal(mutant(lambda d: d["case"].update(policy=policy)))
    assert "case field 'policy'" in message and "left out" in message
