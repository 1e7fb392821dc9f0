"""Whether a PDF page needs OCR: it has no usable text layer, and something to read.

Cheap to import (no OpenCV, no OCR engine): the PDF reader asks this of every page, and pages with a
text layer keep the fast path and cost nothing more."""

from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no type information shipped

MIN_TEXT_CHARS = 20  # a page with fewer readable characters than this has no usable text layer
MIN_IMAGE_SHARE = 0.2  # ... and is a scan when images cover this share of it


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What a page's text layer and images amount to (as :func:`needs_ocr` needs them)."""

    texts: tuple[str, ...]  # its characters
    image_share: float  # the share of the page its images cover (0..1, overlaps counted twice)


def readable(ch: str) -> bool:
    """A character of a text layer that says what it shows: not a glyph id pdfminer could not map
    (``(cid:12)``), not from the private use area, not the replacement character, not blank."""
    if not ch or ch.isspace() or ch.startswith("(cid:"):
        return False
    cp = ord(ch[0])
    return not (0xE000 <= cp <= 0xF8FF or cp == 0xFFFD or cp < 0x20)


def needs_ocr(facts: PageFacts) -> bool:
    """The page has no usable text layer and something to read: a scan (images over a good part of
    the page), or text drawn with fonts that have no Unicode mapping."""
    printed = [t for t in facts.texts if t and not t.isspace()]
    usable = sum(1 for t in printed if readable(t))
    if usable >= MIN_TEXT_CHARS and usable >= 0.7 * len(printed):
        return False
    return facts.image_share >= MIN_IMAGE_SHARE or len(printed) - usable >= MIN_TEXT_CHARS


def page_facts(pdf: pdfium.PdfDocument, index: int) -> PageFacts:
    """:class:`PageFacts` of page ``index`` (from 0) as PDFium sees it."""
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            texts = tuple(textpage.get_text_range())
        finally:
            textpage.close()
        width, height = page.get_size()
        area = 0.0
        for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]):
            left, bottom, right, top = obj.get_bounds()
            area += max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
        return PageFacts(texts, area / (width * height) if width > 0 and height > 0 else 0.0)
    finally:
        page.close()
