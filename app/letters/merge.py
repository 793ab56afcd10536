"""Merging: a section's text plus the case's values becomes blocks of plain text.

Text conventions an officer can type (no markup at all):

* a blank line starts a new paragraph; a single line break is kept as a line break;
* lines starting ``- `` (or ``• ``) are a bulleted list;
* a paragraph starting ``> `` is set in from the margin (the resident's own words);
* ``{field}`` is a merge field (``app.letters.fields``), ``{{`` and ``}}`` print braces.

Every problem (an unknown field, a field this case has no value for, a list or
table used inside a sentence) is collected and reported together. A draft is
merged with ``gaps=True``: each problem is also printed where it is, as a visible
placeholder (``gap``), so a letter can always be started and looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.letters.document import Block, Bullets, Para, Point, Table
from app.letters.fields import FIELDS

FIELD_RE = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}")
BULLET_PREFIXES = ("- ", "• ", "* ")

Value = str | Block | tuple[Block, ...]


@dataclass(frozen=True)
class Problem:
    field: str | None
    where: str  # section heading or input label
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class MergeError(ValueError):
    """The letter cannot be produced; ``problems`` lists every reason."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        listed = "; ".join(str(p) for p in self.problems)
        super().__init__(f"The letter cannot be produced: {listed}.")


def gap(why: str) -> str:
    """The placeholder a draft prints where a value is missing."""
    return f"[TO FILL: {why}]"


def _what(name: str) -> str:
    """A field's description in a few words, for its placeholder ("the resident's name")."""
    text = FIELDS[name].description.split(", e.g.")[0].split(" (")[0]
    return text[:1].lower() + text[1:]


def fields_in(text: str) -> list[str]:
    """The merge field names a text uses, in order (braces escaped with {{ }} are not fields)."""
    return [m.group(1).strip() for m in FIELD_RE.finditer(text) if m.group(1) is not None]


def _inline(
    text: str,
    values: Mapping[str, Value],
    missing: Mapping[str, str],
    where: str,
    problems: list[Problem],
    gaps: bool = False,
) -> str:
    def sub(m: re.Match) -> str:
        whole = m.group(0)
        if whole == "{{":
            return "{"
        if whole == "}}":
            return "}"
        name = (m.group(1) or "").strip()
        if name not in FIELDS:
            problems.append(Problem(name, where, f"{{{name}}} is not a merge field"))
            return gap(f"{{{name}}} is not a merge field") if gaps else whole
        value = values.get(name)
        if value is None or value == "":
            why = missing.get(name) or "this case has no value for it"
            problems.append(Problem(name, where, f"{{{name}}} is missing ({why})"))
            return gap(_what(name)) if gaps else whole
        if not isinstance(value, str):
            problems.append(
                Problem(name, where, f"{{{name}}} is a list or table: put it on a line of its own")
            )
            return gap(f"{{{name}}} must be on a line of its own") if gaps else whole
        return value

    return FIELD_RE.sub(sub, text)


def _paragraphs(text: str) -> list[list[str]]:
    paras: list[list[str]] = []
    current: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if current:
                paras.append(current)
                current = []
            continue
        current.append(line)
    if current:
        paras.append(current)
    return paras


def _as_blocks(value: Value) -> tuple[Block, ...]:
    if isinstance(value, tuple):
        return value
    if isinstance(value, Para | Bullets | Table | Point):
        return (value,)
    return (Para((str(value),)),)


def _para_blocks(
    para: list[str],
    values: Mapping[str, Value],
    missing: Mapping[str, str],
    where: str,
    problems: list[Problem],
    gaps: bool = False,
) -> list[Block]:
    """One paragraph: its lines, with runs of bullet lines made into lists."""
    out: list[Block] = []
    quote = para[0].lstrip().startswith("> ")
    lines: list[str] = []
    bullets: list[str] = []
    for line in para:
        stripped = line.strip()
        bullet = next((p for p in BULLET_PREFIXES if stripped.startswith(p)), None)
        merged = _inline(stripped, values, missing, where, problems, gaps)
        if bullet is not None:
            if lines:
                out.append(Para(tuple(lines), quote=quote))
                lines = []
            bullets.append(merged[len(bullet) :].strip())
            continue
        if bullets:
            out.append(Bullets(tuple(bullets)))
            bullets = []
        if quote and merged.startswith("> "):
            merged = merged[2:]
        lines.append(merged)
    if lines:
        out.append(Para(tuple(lines), quote=quote))
    if bullets:
        out.append(Bullets(tuple(bullets)))
    return out


def merge_text(
    text: str,
    values: Mapping[str, Value],
    missing: Mapping[str, str] | None = None,
    where: str = "",
    problems: list[Problem] | None = None,
    gaps: bool = False,
) -> tuple[Block, ...]:
    """Blocks for one section's text. Problems are appended to ``problems`` (or raised);
    with ``gaps`` each is also printed in place as a placeholder."""
    own: list[Problem] = [] if problems is None else problems
    missing = missing or {}
    out: list[Block] = []
    for para in _paragraphs(text):
        joined = "\n".join(para).strip()
        match = FIELD_RE.fullmatch(joined)
        if match and match.group(1) is not None:
            name = match.group(1).strip()
            value = values.get(name)
            if name in FIELDS and value not in (None, "") and not isinstance(value, str):
                out.extend(_as_blocks(value))
                continue
        out.extend(_para_blocks(para, values, missing, where, own, gaps))
    if problems is None and own:
        raise MergeError(own)
    return tuple(out)


def merge_inline(
    text: str,
    values: Mapping[str, Value],
    missing: Mapping[str, str] | None = None,
    problems: list[Problem] | None = None,
    gaps: bool = False,
) -> str:
    """One line (a subject) merged; raises ``MergeError`` on any problem unless ``problems``
    collects them (then ``gaps`` prints each in place)."""
    own: list[Problem] = [] if problems is None else problems
    out = _inline(text, values, missing or {}, "subject", own, gaps)
    if problems is None and own:
        raise MergeError(own)
    return out
