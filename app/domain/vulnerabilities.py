"""Household vulnerabilities and the adjustments that cover them (DOMAIN_RULES.md §4, §8).

A case lists vulnerabilities as text, ``"autism (son)"`` or ``"autism and
neurodiverse conditions (son, under 18)"``: the text in the trailing brackets,
up to the first comma, names the household member; without brackets it is the
resident's. A ``vulnerability_plan`` event covers a listed vulnerability when it
names neither member nor vulnerability (a plan for the whole household), or when
the member and/or vulnerability it names match that entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

RESIDENT_MEMBER = "resident"
_TRAILING_BRACKETS = re.compile(r"^(?P<what>.*?)\s*\((?P<who>[^()]*)\)\s*$")


def norm(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


@dataclass(frozen=True)
class Listed:
    text: str  # as listed on the case
    vulnerability: str
    member: str


def parse_listed(text: str) -> Listed:
    m = _TRAILING_BRACKETS.match(text.strip())
    if m and m["what"].strip() and m["who"].split(",")[0].strip():
        return Listed(text, m["what"].strip(), m["who"].split(",")[0].strip())
    return Listed(text, text.strip(), RESIDENT_MEMBER)


def listed_text(vulnerability: str, member: str | None) -> str:
    """How the service lists a vulnerability: the resident's plainly, a member's in brackets."""
    vulnerability = " ".join(vulnerability.split())
    if member is None or norm(member) in ("", RESIDENT_MEMBER):
        return vulnerability
    return f"{vulnerability} ({' '.join(member.split())})"


def covers(member: str | None, vulnerability: str | None, listed: Listed) -> bool:
    """Whether a plan naming ``member`` / ``vulnerability`` (either may be absent) covers ``listed``."""
    if member and norm(member) != norm(listed.member):
        return False
    return not vulnerability or norm(vulnerability) in (
        norm(listed.vulnerability),
        norm(listed.text),
    )


def plan_covers(fields: Mapping[str, Any], listed: Listed) -> bool:
    """``covers`` for a vulnerability_plan event's fields."""
    return covers(fields.get("member"), fields.get("vulnerability"), listed)


def by_member(texts: Iterable[str]) -> dict[str, list[Listed]]:
    """Listed vulnerabilities grouped by household member, in the order first listed."""
    out: dict[str, list[Listed]] = {}
    for text in texts:
        item = parse_listed(text)
        key = next((k for k in out if norm(k) == norm(item.member)), item.member)
        out.setdefault(key, []).append(item)
    return out


def first_full_cover(plans: Iterable[Any], listed: Iterable[Listed]) -> Any | None:
    """The plan (in order) after which every listed vulnerability is covered, if any.

    ``plans`` are objects with a ``f`` mapping of fields (domain events).
    """
    wanted = list(listed)
    covered: set[int] = set()
    for plan in plans:
        covered |= {i for i, item in enumerate(wanted) if plan_covers(plan.f, item)}
        if len(covered) == len(wanted):
            return plan
    return None
