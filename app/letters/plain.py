"""The plain-text copy of a letter (for screen readers, email, or a resident who asks for it)."""

from __future__ import annotations

import textwrap

from app.letters.document import Bullets, LetterDocument, Para, Point, Table

WIDTH = 72


def _wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def _table(t: Table) -> list[str]:
    """Each row as 'Header: value' lines: readable aloud, and no column can be cut off."""
    out: list[str] = []
    rows = [*t.rows, *([t.total] if t.total else [])]
    for row in rows:
        for head, cell in zip(t.header, row, strict=False):
            if not cell.strip():
                continue
            out += _wrap(f"{head}: {cell.replace(chr(10), ' ')}", "    ", "  ")
        out.append("")
    return out


def render_text(doc: LetterDocument) -> str:
    org = doc.organisation
    out: list[str] = [org.name, *[a for a in org.address if a.strip()]]
    out += [d for d in (org.phone, org.email, org.website) if d.strip()]
    out += ["", *doc.recipient, "", f"Our reference: {doc.reference}", f"Date: {doc.date_text}", ""]
    if doc.draft:
        out += ["DRAFT — not issued", ""]
    out += [doc.subject, "=" * min(len(doc.subject), WIDTH), ""]
    for section in doc.sections:
        if section.heading:
            out += [section.heading, "-" * min(len(section.heading), WIDTH), ""]
        for block in section.blocks:
            if isinstance(block, Para):
                indent = "    " if block.quote else ""
                for line in block.lines:
                    out += _wrap(line, indent)
                out.append("")
            elif isinstance(block, Bullets):
                for item in block.items:
                    out += _wrap(item, "    ", "  * ")
                out.append("")
            elif isinstance(block, Table):
                out += _table(block)
            elif isinstance(block, Point):
                out += _wrap(f"{block.number}. {block.point}")
                out += _wrap(f"Our decision: {block.decision}")
                for para in block.reasons.split("\n\n"):
                    if para.strip():
                        out += _wrap(" ".join(para.split()))
                out.append("")
    sig = doc.signature
    out += [sig.closing, "", sig.name, sig.title, *sig.contact]
    return "\n".join(out).rstrip() + "\n"


def blocks_text(blocks) -> str:
    """Merged blocks as plain running text (what a letter's remedy or escalation section says)."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Para):
            parts.append(" ".join(line.strip() for line in block.lines))
        elif isinstance(block, Bullets):
            parts += [f"- {item}" for item in block.items]
        elif isinstance(block, Table):
            for row in (*block.rows, *([block.total] if block.total else [])):
                parts.append("; ".join(c for c in row if c.strip()))
        elif isinstance(block, Point):
            parts.append(f"{block.number}. {block.point}: {block.decision}. {block.reasons}")
    return "\n".join(p for p in parts if p.strip())
