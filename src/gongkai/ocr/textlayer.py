"""Whether a PDF page needs OCR: it has no usable text layer, and something to read.

Cheap to import (no OpenCV, no OCR engine, no PDFium): the PDF reader asks this of every page that has
few readable characters, from the characters and images pdfplumber found, and pages with a text layer
keep the fast path and cost nothing more. (:func:`gongkai.ocr.scan.page_facts` gives the same facts as
PDFium sees them.)"""

from __future__ import annotations

from dataclasses import dataclass

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
    if text_layer_usable(usable, len(printed)):
        return False
    return facts.image_share >= MIN_IMAGE_SHARE or len(printed) - usable >= MIN_TEXT_CHARS


def text_layer_usable(usable: int, printed: int) -> bool:
    """A page with ``usable`` readable characters of ``printed`` (not blank) has a text layer to read:
    enough of them, and most of them readable. (The PDF reader asks this first, from counts it
    makes anyway; only a page without one costs a look at its images.)"""
    return usable >= MIN_TEXT_CHARS and usable >= 0.7 * printed
