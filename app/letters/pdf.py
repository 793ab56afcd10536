"""The PDF of a letter (reportlab): A4, letterhead, embedded DejaVu Sans, page numbers, metadata.

Every string placed in a ``Paragraph`` is escaped first: reportlab reads a small
markup language there, and nothing a person typed (nor a merge value) may be read
as markup. The large-print variant sets every piece of text at 16 pt or more.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.letters.document import Bullets, LetterDocument, Para, Point, Section
from app.letters.document import Table as TableBlock

FONT = "DoorstepSans"
FONT_BOLD = "DoorstepSans-Bold"
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
ACCENT = colors.HexColor("#1d4e89")
RULE = colors.HexColor("#c9d2dc")
PAGE_W, PAGE_H = A4


def fonts_dir() -> Path:
    from app.paths import resources_dir

    return resources_dir() / "fonts"


@functools.cache
def register_fonts() -> None:
    """DejaVu Sans (bundled with its licence): £, curly quotes and Ł, ź, ő all print."""
    folder = fonts_dir()
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


@dataclass(frozen=True)
class Sizes:
    body: float
    small: float  # letterhead details, footer
    heading: float
    org: float  # organisation name
    margin: float


STANDARD = Sizes(body=11, small=8.5, heading=12.5, org=15, margin=20 * mm)
LARGE = Sizes(body=16, small=16, heading=18, org=20, margin=18 * mm)


def _styles(s: Sizes) -> dict[str, ParagraphStyle]:
    lead = round(s.body * 1.38, 1)
    base = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=s.body,
        leading=lead,
        textColor=INK,
        spaceAfter=s.body * 0.6,
        splitLongWords=1,
    )
    return {
        "body": base,
        "quote": ParagraphStyle(
            "quote",
            parent=base,
            leftIndent=9 * mm,
            rightIndent=6 * mm,
            textColor=MUTED,
            borderPadding=(0, 0, 0, 4),
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=s.heading,
            leading=round(s.heading * 1.3, 1),
            textColor=ACCENT,
            spaceBefore=s.body * 0.5,
            spaceAfter=s.body * 0.35,
            keepWithNext=1,
        ),
        "subject": ParagraphStyle(
            "subject",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=s.heading,
            leading=round(s.heading * 1.3, 1),
            spaceBefore=s.body * 0.4,
            spaceAfter=s.body * 0.9,
        ),
        "point": ParagraphStyle("point", parent=base, fontName=FONT_BOLD, spaceAfter=s.body * 0.2),
        "decision": ParagraphStyle(
            "decision", parent=base, fontName=FONT_BOLD, spaceAfter=s.body * 0.2
        ),
        "bullet": ParagraphStyle(
            "bullet",
            parent=base,
            leftIndent=7 * mm,
            bulletIndent=2 * mm,
            spaceAfter=s.body * 0.3,
            bulletFontName=FONT,
            bulletFontSize=s.body,
        ),
        "cell": ParagraphStyle("cell", parent=base, spaceAfter=0, leading=round(s.body * 1.25, 1)),
        "cell_bold": ParagraphStyle(
            "cell_bold",
            parent=base,
            fontName=FONT_BOLD,
            spaceAfter=0,
            leading=round(s.body * 1.25, 1),
        ),
        "cell_right": ParagraphStyle(
            "cell_right",
            parent=base,
            spaceAfter=0,
            alignment=TA_RIGHT,
            leading=round(s.body * 1.25, 1),
        ),
        "cell_right_bold": ParagraphStyle(
            "cell_right_bold",
            parent=base,
            fontName=FONT_BOLD,
            spaceAfter=0,
            alignment=TA_RIGHT,
            leading=round(s.body * 1.25, 1),
        ),
        "meta": ParagraphStyle("meta", parent=base, spaceAfter=0),
        "meta_right": ParagraphStyle("meta_right", parent=base, spaceAfter=0, alignment=TA_RIGHT),
    }


def esc(text: str) -> str:
    """Plain text for a Paragraph: markup characters escaped, nothing interpreted."""
    return escape(text, {'"': "&quot;"})


def _lines(lines: tuple[str, ...] | list[str]) -> str:
    return "<br/>".join(esc(line) for line in lines)


# -- the page furniture --------------------------------------------------------------------------


class _Numbered(rl_canvas.Canvas):
    """Keeps every page until the end so each footer can say 'Page 2 of 3'."""

    def __init__(self, *args, furniture: Callable[[rl_canvas.Canvas, int, int], None], **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._furniture = furniture

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._furniture(self, number, total)
            super().showPage()
        super().save()


class _Letterhead:
    def __init__(self, doc: LetterDocument, s: Sizes):
        self.doc, self.s = doc, s

    def height(self) -> float:
        org = self.doc.organisation
        lines = len([a for a in org.address if a.strip()]) + 3
        return max(self.s.org * 1.6 + 10 * mm, lines * self.s.small * 1.3 + 6 * mm)

    def draw(self, c: rl_canvas.Canvas) -> None:
        org, s = self.doc.organisation, self.s
        top = PAGE_H - s.margin + 4 * mm
        logo = 16 * mm if s is STANDARD else 20 * mm
        x = s.margin
        if org.logo and Path(org.logo).is_file():
            try:
                c.drawImage(
                    org.logo,
                    x,
                    top - logo,
                    width=logo,
                    height=logo,
                    preserveAspectRatio=True,
                    mask="auto",
                )
            except Exception:  # an unreadable image must not stop a letter  # noqa: BLE001
                self._mark(c, x, top - logo, logo)
        else:
            self._mark(c, x, top - logo, logo)
        c.setFillColor(ACCENT)
        c.setFont(FONT_BOLD, s.org)
        c.drawString(x + logo + 4 * mm, top - s.org * 0.95, org.name)
        if org.signature_title:
            c.setFont(FONT, s.small)
            c.setFillColor(MUTED)
            c.drawString(x + logo + 4 * mm, top - s.org * 0.95 - s.small * 1.5, org.signature_title)
        details = [a for a in org.address if a.strip()] + [
            d for d in (org.phone, org.email, org.website) if d.strip()
        ]
        c.setFont(FONT, s.small)
        c.setFillColor(MUTED)
        y = top - s.small
        right = PAGE_W - s.margin
        for line in details:
            c.drawRightString(right, y, line)
            y -= s.small * 1.3
        c.setStrokeColor(RULE)
        c.setLineWidth(0.8)
        bottom = top - self.height() + 2 * mm
        c.line(s.margin, bottom, PAGE_W - s.margin, bottom)

    def _mark(self, c: rl_canvas.Canvas, x: float, y: float, size: float) -> None:
        """A drawn mark with the organisation's initials, when no logo file is set."""
        c.setFillColor(ACCENT)
        c.roundRect(x, y, size, size, size * 0.18, stroke=0, fill=1)
        c.setFillColor(colors.white)
        c.setFont(FONT_BOLD, size * 0.42)
        c.drawCentredString(x + size / 2, y + size * 0.34, self.doc.organisation.initials())


def _furniture(doc: LetterDocument, s: Sizes, head: _Letterhead):
    def draw(c: rl_canvas.Canvas, number: int, total: int) -> None:
        c.saveState()
        if number == 1:
            head.draw(c)
        else:
            c.setFont(FONT, s.small)
            c.setFillColor(MUTED)
            c.drawString(s.margin, PAGE_H - s.margin + 2 * mm, doc.organisation.name)
            c.drawRightString(
                PAGE_W - s.margin, PAGE_H - s.margin + 2 * mm, f"{doc.reference} · {doc.date_text}"
            )
        c.setFont(FONT, s.small)
        c.setFillColor(MUTED)
        c.drawString(s.margin, s.margin * 0.55, f"Our reference {doc.reference}")
        c.drawRightString(PAGE_W - s.margin, s.margin * 0.55, f"Page {number} of {total}")
        if doc.draft:
            c.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.13))
            c.setFont(FONT_BOLD, 96)
            c.translate(PAGE_W / 2, PAGE_H / 2)
            c.rotate(35)
            c.drawCentredString(0, -30, "DRAFT")
            c.rotate(-35)
            c.translate(-PAGE_W / 2, -PAGE_H / 2)
            c.setFillColor(colors.HexColor("#b3261e"))
            c.setFont(FONT_BOLD, s.small)
            c.drawCentredString(PAGE_W / 2, s.margin * 0.55 + s.small * 1.5, "DRAFT — not issued")
        c.restoreState()

    return draw


# -- the story -----------------------------------------------------------------------------------


def _table(block: TableBlock, st: dict[str, ParagraphStyle], width: float) -> Table:
    n = len(block.header)
    weights = block.widths or tuple(1.0 for _ in range(n))
    total_w = sum(weights)
    col_w = [width * w / total_w for w in weights]

    def row(cells: tuple[str, ...], bold: bool) -> list[Paragraph]:
        out = []
        for i, text in enumerate(cells):
            right = block.align_last_right and i == n - 1
            name = ("cell_right" if right else "cell") + ("_bold" if bold else "")
            out.append(Paragraph(_lines(text.split("\n")), st[name]))
        return out

    data = [row(block.header, True), *(row(r, False) for r in block.rows)]
    if block.total:
        data.append(row(block.total, True))
    t = Table(data, colWidths=col_w, repeatRows=1, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, st["body"].fontSize),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f8")),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    if block.total:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT))
    t.setStyle(TableStyle(style))
    return t


def _section(section: Section, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    out: list[Flowable] = []
    if section.heading:
        out.append(Paragraph(esc(section.heading), st["heading"]))
    for block in section.blocks:
        if isinstance(block, Para):
            out.append(Paragraph(_lines(block.lines), st["quote" if block.quote else "body"]))
        elif isinstance(block, Bullets):
            for item in block.items:
                out.append(Paragraph(esc(item), st["bullet"], bulletText="•"))
        elif isinstance(block, TableBlock):
            out.append(_table(block, st, width))
            out.append(Spacer(1, st["body"].fontSize * 0.8))
        elif isinstance(block, Point):
            # The point and its decision stay with the first paragraph of the reasons; longer
            # reasons may run on to the next page.
            reasons = [
                Paragraph(_lines(p.strip().split("\n")), st["body"])
                for p in block.reasons.split("\n\n")
                if p.strip()
            ]
            head = [
                Paragraph(f"{block.number}. {esc(block.point)}", st["point"]),
                Paragraph(f"Our decision: {esc(block.decision)}", st["decision"]),
            ]
            out.append(KeepTogether(head + reasons[:1]))
            out.extend(reasons[1:])
    return out


def _address_block(doc: LetterDocument, st: dict[str, ParagraphStyle], width: float, large: bool):
    meta = [f"Our reference: {doc.reference}", f"Date: {doc.date_text}"]
    left = Paragraph(_lines(doc.recipient), st["meta"])
    right = Paragraph(_lines(meta), st["meta_right"])
    if large:
        return [left, Spacer(1, 6 * mm), Paragraph(_lines(meta), st["meta"])]
    t = Table([[left, right]], colWidths=[width * 0.6, width * 0.4], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, st["body"].fontSize),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [t]


def render_pdf(doc: LetterDocument, large_print: bool = False) -> bytes:
    """The letter as PDF bytes."""
    register_fonts()
    s = LARGE if large_print else STANDARD
    st = _styles(s)
    head = _Letterhead(doc, s)
    width = PAGE_W - 2 * s.margin
    first = Frame(
        s.margin,
        s.margin,
        width,
        PAGE_H - 2 * s.margin - head.height(),
        id="first",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    later = Frame(
        s.margin,
        s.margin,
        width,
        PAGE_H - 2 * s.margin - 4 * mm,
        id="later",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    buf = io.BytesIO()
    template = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=s.margin,
        rightMargin=s.margin,
        topMargin=s.margin,
        bottomMargin=s.margin,
        title=doc.title,
        author=doc.author,
        subject=doc.subject,
        keywords=list(doc.keywords),
        creator="Doorstep",
        lang=doc.language,
        displayDocTitle=1,
        initialFontName=FONT,
        initialFontSize=s.body,
    )
    template.addPageTemplates(
        [
            PageTemplate(id="first", frames=[first], autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=[later]),
        ]
    )
    story: list[Flowable] = [Spacer(1, 4 * mm)]
    story += _address_block(doc, st, width, large_print)
    story.append(Spacer(1, 8 * mm))
    story.append(Paragraph(esc(doc.subject), st["subject"]))
    for section in doc.sections:
        story += _section(section, st, width)
    sig = doc.signature
    story.append(
        KeepTogether(
            [
                Spacer(1, 2 * mm),
                Paragraph(esc(sig.closing), st["body"]),
                Spacer(1, 12 * mm),
                Paragraph(f"<b>{esc(sig.name)}</b>", st["meta"]),
                Paragraph(_lines([sig.title, *sig.contact]), st["meta"]),
            ]
        )
    )
    template.build(
        story, canvasmaker=functools.partial(_Numbered, furniture=_furniture(doc, s, head))
    )
    return buf.getvalue()
