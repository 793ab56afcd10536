"""Report PDFs (the weekly complaints pack, the TSM figures) on the letters' letterhead.

The same page furniture as a letter (app/letters/pdf.py): the organisation's letterhead on the
first page, its name and the report's title on the others, and 'Page n of N'. Tables repeat
their header row on each page and wrap long text inside their cells, so nothing runs off the
page. No resident details: case refs and officers only.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.letters.document import Organisation
from app.letters.pdf import (
    ACCENT,
    FONT,
    FONT_BOLD,
    INK,
    MUTED,
    PAGE_H,
    PAGE_W,
    RULE,
    STANDARD,
    _Letterhead,
    _Numbered,
    esc,
    register_fonts,
)
from app.services.reports.complaints_pack import ComplaintsPack, money
from app.services.reports.tsm import TsmReport

FIRST = 10  # rows kept with a section's heading: it never stands alone at a page's foot
CHUNK = (
    40  # rows per table: a heading and the first rows keep together; many short tables lay out fast
)


@dataclass(frozen=True)
class _Head:
    """What the letterhead reads from a letter: only its organisation."""

    organisation: Organisation


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=14, leading=18, spaceAfter=2
        ),
        "sub": ParagraphStyle("sub", parent=base, textColor=MUTED, spaceAfter=8),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            textColor=ACCENT,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "body": ParagraphStyle("para", parent=base, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5, splitLongWords=1),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=10.5
        ),
        "none": ParagraphStyle("none", parent=base, textColor=MUTED, spaceAfter=4),
    }


CELL_SIZE = 8.5


def _cell(text: str, width: float, st: dict[str, ParagraphStyle]) -> str | Paragraph:
    """Short text that fits its column as a plain string (fast); anything longer wraps."""
    if "\n" not in text and pdfmetrics.stringWidth(text, FONT, CELL_SIZE) <= width - 8:
        return text
    return Paragraph(esc(text), st["cell"])


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], weights: Sequence[float], width: float
) -> list[Flowable]:
    st = _styles()
    total = sum(weights)
    col_w = [width * w / total for w in weights]
    head = [Paragraph(esc(h), st["cell_bold"]) for h in header]
    out: list[Flowable] = []
    starts = [0, *range(FIRST, len(rows), CHUNK)] if len(rows) > FIRST else [0]
    for i, j in zip(starts, [*starts[1:], len(rows)], strict=True):
        body = [[_cell(str(c), w, st) for c, w in zip(r, col_w, strict=True)] for r in rows[i:j]]
        t = Table([head, *body], colWidths=col_w, repeatRows=1, hAlign="LEFT")
        t.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE),
                    ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f8")),
                    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        out.append(t)
    return out


def _render(org: Organisation, title: str, subtitle: str, story: list[Flowable]) -> bytes:
    register_fonts()
    s = STANDARD
    head = _Letterhead(_Head(org), s)  # type: ignore[arg-type]
    width = PAGE_W - 2 * s.margin

    def frame(name: str, top_gap: float) -> Frame:
        return Frame(
            s.margin,
            s.margin,
            width,
            PAGE_H - 2 * s.margin - top_gap,
            id=name,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    def furniture(c: rl_canvas.Canvas, number: int, total: int) -> None:
        c.saveState()
        if number == 1:
            head.draw(c)
        else:
            c.setFont(FONT, s.small)
            c.setFillColor(MUTED)
            c.drawString(s.margin, PAGE_H - s.margin + 2 * mm, org.name)
            c.drawRightString(PAGE_W - s.margin, PAGE_H - s.margin + 2 * mm, title)
        c.setFont(FONT, s.small)
        c.setFillColor(MUTED)
        c.drawString(s.margin, s.margin * 0.55, f"{title} · {subtitle}")
        c.drawRightString(PAGE_W - s.margin, s.margin * 0.55, f"Page {number} of {total}")
        c.restoreState()

    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=s.margin,
        rightMargin=s.margin,
        topMargin=s.margin,
        bottomMargin=s.margin,
        title=f"{title} — {subtitle}",
        author=org.name,
        creator="Doorstep",
        lang="en-GB",
    )
    doc.addPageTemplates(
        [
            PageTemplate(
                id="first", frames=[frame("first", head.height())], autoNextPageTemplate="later"
            ),
            PageTemplate(id="later", frames=[frame("later", 4 * mm)]),
        ]
    )
    st = _styles()
    lead: list[Flowable] = [
        Spacer(1, 3 * mm),
        Paragraph(esc(title), st["title"]),
        Paragraph(esc(subtitle), st["sub"]),
    ]
    doc.build(lead + story, canvasmaker=functools.partial(_Numbered, furniture=furniture))
    return buf.getvalue()


def _d(day: dt.date | None) -> str:
    return day.strftime("%d %b %Y").lstrip("0") if day else "—"


def _section(
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    weights: Sequence[float],
    empty: str,
) -> list[Flowable]:
    st = _styles()
    width = PAGE_W - 2 * STANDARD.margin
    out: list[Flowable] = [Paragraph(esc(f"{title} ({len(rows)})"), st["heading"])]
    if not rows:
        return [*out, Paragraph(esc(empty), st["none"])]
    return out + _table(header, rows, weights, width)


def pack_pdf(pack: ComplaintsPack, org: Organisation) -> bytes:
    """The weekly complaints meeting pack."""
    register_fonts()
    width = PAGE_W - 2 * STANDARD.margin
    story: list[Flowable] = []
    story += _table(("Measure", "This week"), pack.summary(), (2, 3), width)
    story += _section(
        "Open complaints by officer and stage",
        ("Officer", "Stage 1", "Stage 2", "Other stages", "Overdue"),
        _by_officer(pack),
        (2.2, 1, 1, 1, 1),
        "No complaint is waiting for an acknowledgement or a response.",
    )
    soon = [c for c in pack.open if c.days_left is not None and c.days_left <= SOON_WD]
    soon.sort(key=lambda c: (c.stage or 0, c.due or dt.date.max, c.ref))
    story += _section(
        f"Open complaints overdue or due within {SOON_WD} working days "
        f"(every open complaint is in the CSV)",
        ("Case", "Officer", "Stage", "Owed", "Due", "WD left"),
        [
            (c.ref, c.officer, str(c.stage or "—"), c.owed, _d(c.due), _left(c.days_left))
            for c in soon
        ],
        (1.2, 1.2, 0.6, 2.3, 1.1, 1.1),
        f"Nothing is overdue or due within {SOON_WD} working days.",
    )
    story += _section(
        "Breaches this week",
        ("Case", "Officer", "Stage", "Owed", "Due", "Outcome"),
        [
            (b.ref, b.officer, str(b.stage or "—"), b.owed, _d(b.due), b.outcome)
            for b in pack.breaches
        ],
        (1.2, 1.2, 0.6, 2.0, 1.0, 1.8),
        "No complaint deadline was missed this week.",
    )
    story += _section(
        "Extensions this week",
        ("Case", "Officer", "Stage", "Notified", "New due", "Reason"),
        [
            (e.ref, e.officer, str(e.stage or "—"), _d(e.day), _d(e.new_due), e.detail)
            for e in pack.extensions
        ],
        (1.2, 1.2, 0.6, 1.0, 1.0, 2.8),
        "No extension was notified this week.",
    )
    story += _section(
        "New complaints and escalations",
        ("Case", "Officer", "Stage", "Date", "How"),
        [(e.ref, e.officer, str(e.stage or "—"), _d(e.day), e.detail) for e in pack.new],
        (1.3, 1.3, 0.6, 1.1, 2.5),
        "No complaint was received or escalated this week.",
    )
    story += _section(
        f"Compensation offered ({money(pack.offered_total)})",
        ("Case", "Officer", "Stage", "Date", "Heads", "Amount"),
        [
            (
                e.ref,
                e.officer,
                str(e.stage or "—"),
                _d(e.day),
                e.detail,
                money(e.amount or Decimal(0)),
            )
            for e in pack.offered
        ],
        (1.2, 1.2, 0.6, 1.0, 2.2, 1.0),
        "No compensation was offered this week.",
    )
    story += _section(
        f"Compensation paid ({money(pack.paid_total)})",
        ("Case", "Officer", "Date", "Reference", "Amount"),
        [(e.ref, e.officer, _d(e.day), e.detail, money(e.amount or Decimal(0))) for e in pack.paid],
        (1.3, 1.3, 1.1, 2.2, 1.0),
        "No compensation was paid this week.",
    )
    story += _section(
        "Lessons learnt captured",
        ("Case", "Officer", "Date", "Lesson"),
        [(e.ref, e.officer, _d(e.day), e.detail) for e in pack.lessons],
        (1.2, 1.2, 1.0, 4.6),
        "No lessons were recorded this week.",
    )
    story += _section(
        "Ombudsman orders due",
        ("Case", "Officer", "Due", "WD left", "Order", "Compliance"),
        [
            (o.ref, o.officer, _d(o.due), _left(o.days_left), o.text, o.evidence)
            for o in pack.orders
        ],
        (1.1, 1.1, 1.0, 0.7, 2.6, 1.5),
        "No Ombudsman order is open.",
    )
    sub = f"Week {_d(pack.week.start)} – {_d(pack.week.end)}, as at {_d(pack.as_at)}"
    return _render(org, "Weekly complaints pack", sub, story)


SOON_WD = 5  # the pack lists in full what the meeting must act on; the CSV has every line


def _by_officer(pack: ComplaintsPack) -> list[tuple[str, ...]]:
    counts: dict[str, list[int]] = {}
    for c in pack.open:
        row = counts.setdefault(c.officer, [0, 0, 0, 0])
        row[0 if c.stage == 1 else 1 if c.stage == 2 else 2] += 1
        if c.days_left is not None and c.days_left < 0:
            row[3] += 1
    return [(officer, *(str(n) for n in row)) for officer, row in sorted(counts.items())]


def _left(days: int | None) -> str:
    if days is None:
        return "—"
    return f"{-days} overdue" if days < 0 else str(days)


def tsm_pdf(report: TsmReport, org: Organisation) -> bytes:
    """The Tenant Satisfaction Measures with the counts behind each."""
    register_fonts()
    width = PAGE_W - 2 * STANDARD.margin
    rows = [(m.key, m.title, m.value_text(), m.counts_text()) for m in report.measures]
    story = _table(
        ("Measure", "What it counts", "Figure", "Counts"), rows, (0.9, 3.6, 0.9, 1.6), width
    )
    st = _styles()
    story.append(Spacer(1, 4 * mm))
    for line in TSM_NOTES:
        story.append(Paragraph(esc(line), st["body"]))
    sub = f"{_d(report.period.start)} – {_d(report.period.end)}, {report.homes:,} homes owned"
    return _render(org, "Tenant Satisfaction Measures", sub, story)


TSM_NOTES = (
    "CH01 and NM01 are per 1,000 homes owned; CH02 and RP02 are percentages of those answered "
    "or completed in the period.",
    "A complaint counts for CH01 on the day its stage was received (stage 2: the escalation "
    "request), for CH02 on the day its response was sent; a response inside an extension "
    "notified within the limits counts as on time.",
    "An ASB case counts for NM01 on the day its first report was received; further reports "
    "while it is open are the same case. A repair counts for RP02 on the day it was completed; "
    "emergency means the policy's emergency priority.",
)
