"""Scanned PDF pages and embedded images read by OCR, within the file's OCR limits.

What the readers use of :mod:`gongkai.ocr` is here (the one module they import, when a file needs
OCR): :func:`read_pdf`, :func:`read_image`, :class:`Budget`, :func:`image_size` and :func:`describe`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no type information shipped

from ..errors import ReadError
from ..limits import Limits
from .budget import Budget, OcrTimeout
from .engine import Engine, describe, engine
from .images import image_size, load_image, render_page, to_reading_scale
from .page import read_page
from .result import OcrFile, OcrPage
from .settings import OcrSettings
from .textlayer import PageFacts, needs_ocr


def pages_needing_ocr(data: bytes) -> list[int]:
    """The pages (from 1) of a PDF that have no usable text layer, as PDFium sees them."""
    with _opened(data) as pdf:
        return [i + 1 for i in range(len(pdf)) if needs_ocr(page_facts(pdf, i))]


def read_pdf(data: bytes, pages: Sequence[int], limits: Limits, settings: OcrSettings | None = None,
             ocr: Engine | None = None, budget: Budget | None = None) -> OcrFile:
    """Pages ``pages`` (numbers from 1) of the PDF ``data`` read by OCR, in the order given. Each is
    rendered at ``settings.dpi``; a page that takes longer than ``limits.max_ocr_seconds_per_page``,
    or comes when ``limits.max_ocr_seconds`` are spent, is left unread (``OcrPage.unread``).
    LimitExceeded for more than ``limits.max_ocr_pages`` pages. ``budget``: the file's, when the
    caller has already spent some of it."""
    settings = settings or OcrSettings()
    budget = budget or Budget(limits)
    budget.check_pages(len(pages))
    ocr = ocr or engine(limits.ocr_threads, settings.detector_side)
    out = []
    with _opened(data) as pdf:
        for number in pages:
            if not 1 <= number <= len(pdf):
                raise ValueError(f"page {number} is not in the PDF (1..{len(pdf)})")
            check = budget.page()
            dpi = settings.dpi
            try:
                check()
                gray, dpi = render_page(pdf, number - 1, settings.dpi, limits.max_ocr_pixels)
                out.append(read_page(ocr, gray, number, dpi, settings, check))
            except OcrTimeout as exc:
                out.append(OcrPage(number, dpi, 0.0, 0, 0, (), (), unread=exc.reason))
    return OcrFile(ocr.name, tuple(out))


def read_image(data: bytes, number: int, budget: Budget, settings: OcrSettings | None = None,
               ocr: Engine | None = None) -> OcrPage:
    """An image embedded in a document (a table pasted as a picture) read by OCR as page ``number``
    (the caller's numbering), scaled first so that its characters are as large as on a page at 150 dpi;
    boxes are in pixels of the scaled image. ``budget`` is the file's (one for all its images)."""
    settings = settings or OcrSettings()
    check = budget.page()
    ocr = ocr or engine(budget.limits.ocr_threads, settings.detector_side)
    pixels = budget.limits.max_ocr_pixels
    try:
        check()
        gray, _ = to_reading_scale(load_image(data, pixels), settings, pixels)
        return read_page(ocr, gray, number, settings.dpi, settings, check)
    except OcrTimeout as exc:
        return OcrPage(number, settings.dpi, 0.0, 0, 0, (), (), unread=exc.reason)


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


@contextmanager
def _opened(data: bytes) -> Iterator[pdfium.PdfDocument]:
    """A PDFium document of ``data``, closed on leaving; ReadError when PDFium cannot open it."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ReadError("PDF 文件无法打开，不能进行文字识别", f"PDFium cannot open the PDF: {exc}",
                        reason="corrupt") from exc
    try:
        yield pdf
    finally:
        pdf.close()


__all__ = ["Budget", "describe", "image_size", "page_facts", "pages_needing_ocr", "read_image", "read_pdf"]
