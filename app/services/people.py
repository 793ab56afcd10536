"""People as a person reads them: "Priya Natarajan (Housing manager)", never a login name.

One formatter for the UI, letters and exports. Names come from the officers table (``name``,
``job_title``), read once and memoised on the workspace (cleared by every write). A username
nobody has a record for is shown as it is; the app's own non-people have words of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import Officer

ROLE_TITLES = {
    "officer": "Housing officer",
    "manager": "Housing manager",
    "admin": "Housing services administrator",
    "auditor": "Auditor",
}
# Writers that are not people: the demo's set-up, imports, the app itself, the resident.
NOT_PEOPLE = {
    "demo": "the demo set-up",
    "system": "Doorstep",
    "import": "an import",
    "resident": "the resident",
}


@dataclass(frozen=True)
class PersonName:
    username: str
    name: str  # the person's name ("" when the record has none)
    title: str  # their job title, or their role's words

    @property
    def display(self) -> str:
        return self.name or NOT_PEOPLE.get(self.username, self.username)

    @property
    def with_title(self) -> str:
        return f"{self.display} ({self.title})" if self.name and self.title else self.display


def title_of(officer: Officer | None) -> str:
    """The job title a letter is signed with: the profile's, else the role's words."""
    if officer is None:
        return ""
    return (officer.job_title or "").strip() or ROLE_TITLES.get(officer.role, "Housing officer")


def read_people(s: Session) -> dict[str, PersonName]:
    """Every person on record, by username (a few dozen rows: read whole)."""
    return {
        o.username: PersonName(o.username, (o.name or "").strip(), title_of(o))
        for o in s.scalars(select(Officer))
    }


def people(ws) -> dict[str, PersonName]:
    """``read_people`` memoised on the workspace (cleared by every write)."""

    def compute() -> dict[str, PersonName]:
        with ws.db.unscoped_read() as s:
            return read_people(s)

    return ws.memo(("people",), compute)


def display_name(ws, username: str | None) -> str:
    """A person's name for the screen, a letter or an export ("" for nobody)."""
    if not username:
        return ""
    known = people(ws).get(username)
    return known.display if known is not None else NOT_PEOPLE.get(username, username)


def name_and_title(ws, username: str | None) -> str:
    """ "Priya Natarajan (Housing manager)": a name with the job title, where one is known."""
    if not username:
        return ""
    known = people(ws).get(username)
    return known.with_title if known is not None else NOT_PEOPLE.get(username, username)


def named(ws, text: str) -> str:
    """Free text worked out below the services (an audit finding, a rule's reason) with each
    login name of a person on record replaced by their name."""
    known = people(ws)
    if not text or not known:
        return text
    pattern = ws.memo(
        ("people-pattern",),
        lambda: re.compile(
            r"(?<![\w.@])("
            + "|".join(re.escape(u) for u in sorted(known, key=len, reverse=True))
            + r")(?![\w@])"
        ),
    )

    def name(m: re.Match) -> str:
        person = known.get(m.group(1))
        return person.display if person is not None else m.group(1)

    return pattern.sub(name, text)
