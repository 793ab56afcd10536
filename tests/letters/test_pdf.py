"""The PDF: embedded Unicode font, metadata, page numbers, long letters, large print, plain text."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from app.letters.compose import DEFAULT_ORGANISATION, LetterContext, compose
from app.letters.document import Bullets, Point, Signature, Table
from app.letters.fields import FIELDS
from app.letters.merge import MergeError
from app.letters.pdf import render_pdf
from app.letters.plain import render_text
from app.letters.templates import get_template

MONEY = Table(
    ("What it is for", "Why", "Amount"),
    (
        ("Distress and inconvenience", "Seventeen months without contact.", "£1,200"),
        ("Complaint handling", "No acknowledgement; escalation ignored.", "£150"),
    ),
    ("Total", "", "£1,350"),
    (1.3, 3.2, 0.9),
    True,
)


def context(points: int = 2, **values) -> LetterContext:
    base = {name: f"[{name}]" for name in FIELDS if not FIELDS[name].block}
    base.update(
        {
            "resident.name": "Pani Małgorzata Żółć",
            "complaint.points": Bullets(("One", "Two")),
            "compensation.table": MONEY,
            "response.actions": Bullets(("Visit — by 6 Sep 2025",)),
            "escalation.route": "You can also contact the Housing Ombudsman Service: 0300 111 3000.",
        }
    )
    base.update(values)
    return LetterContext(
        values=base,
        missing={},
        organisation=DEFAULT_ORGANISATION,
        recipient=("Pani Małgorzata Żółć", "Flat 3", "London SE6 0ZZ"),
        reference="HX-0001/4",
        date_text="24 June 2025",
        signature=Signature("Yours sincerely,", "Dale Osei", "Housing manager"),
        points=tuple(
            Point(i + 1, f"Point number {i + 1}", "Upheld", f"Reason for point {i + 1}. " * 12)
            for i in range(points)
        ),
        author="Dale Osei, Larkspur Homes",
        keywords=("HX-0001", "Complaint response"),
        present=frozenset({"outstanding", "compensation", "points"}),
    )


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def text_of(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in reader(data).pages).split())


def test_fonts_are_embedded_and_unicode_names_and_money_print():
    t = get_template("response_stage1")
    data = render_pdf(compose(t, t.defaults(), context(), draft=False))
    text = text_of(data)
    assert "Pani Małgorzata Żółć" in text and "£1,350" in text and "Total" in text
    fonts = set()
    for page in reader(data).pages:
        for font in page["/Resources"]["/Font"].values():
            f = font.get_object()
            desc = (
                f["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                if "/DescendantFonts" in f
                else f["/FontDescriptor"]
            )
            assert "/FontFile2" in desc.get_object()  # the TrueType program is in the file
            fonts.add(str(f["/BaseFont"]).split("+")[-1])
    assert fonts == {"DejaVuSans", "DejaVuSans-Bold"}  # and no standard (non-embedded) font at all


def test_metadata_title_author_subject_language():
    t = get_template("response_stage1")
    r = reader(render_pdf(compose(t, t.defaults(), context(), draft=False)))
    meta = r.metadata
    assert meta.title == "Complaint response (stage 1) — HX-0001/4"
    assert meta.author == "Dale Osei, Larkspur Homes"
    assert meta.subject == "Our response to your complaint ([complaint.stage])"
    assert r.trailer["/Root"]["/Lang"] == "en-GB"


def test_a_thirty_point_response_breaks_across_numbered_pages_and_loses_nothing():
    t = get_template("response_stage1")
    data = render_pdf(compose(t, t.defaults(), context(points=30), draft=False))
    pages = reader(data).pages
    assert len(pages) >= 4
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in page.extract_text()
    text = text_of(data)
    for i in range(1, 31):
        assert f"{i}. Point number {i}" in text
        assert f"Reason for point {i}. Reason for point {i}." in text
    assert text.index("Yours sincerely,") > text.index("30. Point number 30")


def _sizes(data: bytes) -> set[float]:
    sizes = set()
    for page in reader(data).pages:
        content = page.get_contents().get_data().decode("latin-1")
        sizes |= {float(x) for x in re.findall(r"/F[\d+]+ ([\d.]+) Tf", content)}
    return sizes


def test_large_print_sets_every_text_at_16_pt_or_more():
    t = get_template("asb_acknowledgement")
    doc = compose(t, t.defaults(), context(), draft=False)
    assert min(_sizes(render_pdf(doc))) < 12
    assert min(_sizes(render_pdf(doc, large_print=True))) >= 16


def test_a_draft_says_so_and_an_issued_letter_does_not():
    t = get_template("apology")
    texts = {
        "opening": "Dear {resident.name},\n\nSorry.",
        "what_went_wrong": "- x",
        "impact": "y",
        "putting_right": "z",
    }
    assert "DRAFT — not issued" in text_of(render_pdf(compose(t, texts, context(), draft=True)))
    assert "DRAFT" not in text_of(render_pdf(compose(t, texts, context(), draft=False)))


def test_plain_text_copy_reads_tables_row_by_row():
    t = get_template("compensation_offer")
    out = render_text(compose(t, t.defaults(), context(), draft=False))
    assert (
        "  What it is for: Distress and inconvenience\n  Why: Seventeen months without contact.\n"
        "  Amount: £1,200\n\n" in out
    )
    assert "Amount: £1,350" in out and out.startswith("Larkspur Homes\n")


def test_a_section_for_an_empty_input_is_left_out():
    t = get_template("response_stage1")
    ctx = context()
    none = LetterContext(**{**ctx.__dict__, "present": frozenset()})
    assert "Seventeen months without contact." in text_of(render_pdf(compose(t, t.defaults(), ctx)))
    text = text_of(render_pdf(compose(t, t.defaults(), none)))
    assert (
        "Seventeen months" not in text and "We will:" not in text and "Putting things right" in text
    )


def test_a_missing_field_refuses_to_render():
    t = get_template("complaint_ack_stage1")
    ctx = context()
    values = dict(ctx.values)
    del values["complaint.response_due"]
    missing = LetterContext(
        **{**ctx.__dict__, "values": values, "missing": {"complaint.response_due": "no timescale"}}
    )
    with pytest.raises(MergeError, match=r"\{complaint.response_due\} is missing \(no timescale\)"):
        compose(t, t.defaults(), missing)
