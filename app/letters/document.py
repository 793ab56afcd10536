"""A letter ready to print: every merge field resolved, every piece of text still plain text.

Nothing here is markup. The PDF writer escapes every string it is given (what an
officer typed, a resident's name, a merge value), so ``<b>Smith & Sons</b>``
prints literally and nothing typed can change the layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Organisation:
    """The letterhead (settings key ``organisation``)."""

    name: str
    address: tuple[str, ...]
    phone: str
    email: str
    website: str
    logo: str = ""  # path to a PNG/JPEG; empty: a drawn mark with the initials
    signature_title: str = ""  # e.g. "Housing services"

    def one_line_address(self) -> str:
        return ", ".join(a for a in self.address if a.strip())

    def initials(self) -> str:
        words = [w for w in self.name.replace("-", " ").split() if w[:1].isalpha()]
        return "".join(w[0].upper() for w in words[:2]) or "?"


# -- blocks: what a section of the letter is made of ---------------------------------------------


@dataclass(frozen=True)
class Para:
    """A paragraph; ``lines`` are kept as separate lines (e.g. 'Dear …,' or an address)."""

    lines: tuple[str, ...]
    quote: bool = False  # set in from the margin: the resident's own words


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] | None = None
    widths: tuple[float, ...] = ()  # relative column widths; equal when empty
    align_last_right: bool = False  # money column


@dataclass(frozen=True)
class Point:
    """One complaint point and the decision on it (a response's findings)."""

    number: int
    point: str
    decision: str  # "Upheld", "Partly upheld", "Not upheld"
    reasons: str


Block = Para | Bullets | Table | Point


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Signature:
    closing: str  # "Yours sincerely,"
    name: str
    title: str
    contact: tuple[str, ...] = ()


@dataclass(frozen=True)
class LetterDocument:
    """Everything the PDF and the plain-text copy print, in order."""

    organisation: Organisation
    recipient: tuple[str, ...]  # name and address lines
    reference: str
    date_text: str
    subject: str
    sections: tuple[Section, ...]
    signature: Signature
    title: str  # document title (metadata)
    author: str
    language: str = "en-GB"
    keywords: tuple[str, ...] = field(default=())
    draft: bool = False  # prints a DRAFT mark (not yet issued)
