"""The bundles a mutation fuzzer found crashing `doorstep import` and `doorstep audit` (issue 10
item 12), each built from the worked example: name -> (JSON text, words the refusal must hold).
Shared by the domain tests (the validator) and the CLI tests (both commands, nothing written)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from tests.conftest import EXAMPLE, OWN_EXAMPLES

VALID: dict[str, Any] = json.loads((OWN_EXAMPLES / EXAMPLE).read_text(encoding="utf-8"))


def event(doc: dict, eid: str) -> dict:
    return next(e for e in doc["events"] if e["id"] == eid)


def mutant(change: Callable[[dict], Any]) -> str:
    doc = copy.deepcopy(VALID)
    change(doc)
    return json.dumps(doc)


def _set(*path: Any, value: Any) -> Callable[[dict], None]:
    def change(doc: dict) -> None:
        target = doc
        for key in path[:-1]:
            if isinstance(key, str) and key.startswith("#"):  # an event, by its id
                target = next(e for e in target if e["id"] == key[1:])
            else:
                target = target[key]
        target[path[-1]] = value

    return change


def _nested(depth: int) -> str:
    """The example with ``depth`` nested lists as the summary of event c1."""
    text = mutant(_set("events", "#c1", "summary", value="@@"))
    return text.replace('"@@"', "[" * depth + "]" * depth)


MUTANTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "100,000 nested lists": (_nested(100_000), ("nests", "100,003 deep")),
    "nesting 990 deep": (_nested(990), ("nests", "993 deep")),
    "a 4,301-digit number": (
        mutant(_set("events", "#ra1", "score", value="@@")).replace('"@@"', "7" * 4301),
        ("4,301 digits",),
    ),
    "a list as the event type": (
        mutant(_set("events", "#c1", "type", value=[])),
        ("event 'c1'", "field 'type'", "[]"),
    ),
    "an event in year 1": (
        mutant(_set("events", "#c1", "at", value="0001-01-01T00:30:00+14:00")),
        ("event 'c1'", "field 'at'", "2000-2100"),
    ),
    "an event in year 9999": (
        mutant(_set("events", "#c1", "at", value="9999-12-31T23:30:00-14:00")),
        ("event 'c1'", "field 'at'", "2000-2100"),
    ),
    "an event past 2100 by its offset": (
        mutant(_set("events", "#x1", "at", value="2100-12-31T23:30:00-14:00")),
        ("event 'x1'", "field 'at'", "2000-2100"),
    ),
    "a case opened in year 1": (
        mutant(_set("case", "opened", value="0001-01-01")),
        ("case field 'opened'", "2000-2100"),
    ),
    "a case opened in 9999": (
        mutant(_set("case", "opened", value="9999-12-31")),
        ("case field 'opened'", "2000-2100"),
    ),
    "compensation of 1e26": (
        mutant(_set("events", "#k4", "compensation", value=[{"head": "costs", "amount": 1e26}])),
        ("event 'k4'", "field 'compensation[0].amount'", "1e+26"),
    ),
    "a lone surrogate in a summary": (
        mutant(_set("events", "#c1", "summary", value="\ud800")),
        ("event 'c1'", "field 'summary'", "surrogate"),
    ),
    "a lone surrogate in the resident's name": (
        mutant(_set("case", "resident", "name", value="Ms \udc00")),
        ("case field 'resident.name'", "surrogate"),
    ),
    "a lone surrogate in the ref": (
        mutant(_set("case", "ref", value="EX-\ud83d")),
        ("case field 'ref'", "surrogate"),
    ),
    "a lone surrogate in an extra key": (
        mutant(_set("events", "#c1", "note\udfff", value="x")),
        ("event 'c1'", "the key", "surrogate"),
    ),
    "a number as case field __bundle__": (
        mutant(_set("case", "__bundle__", value=-1)),
        ("case field '__bundle__'", "reserved"),
    ),
    "an object as case field __bundle__": (
        mutant(_set("case", "__bundle__", value={"format": "x"})),
        ("case field '__bundle__'", "reserved"),
    ),
    "a 10 MB value": (
        mutant(_set("events", "#c1", "channel", value="x" * 10_000_000)),
        ("event 'c1'", "field 'channel'", "xxxx"),
    ),
}
