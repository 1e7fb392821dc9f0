"""What OCR read (:mod:`gongkai.ocr`) made into the readers' blocks, and the report's note of it.

Shared by the PDF reader (pages without a usable text layer) and the Word and web page readers
(pictures of tables). A table read by OCR becomes rows and cells exactly as the PDF reader lays out
a ruled table (:meth:`~gongkai.ocr.result.OcrTable.rows`); each cell keeps OCR's confidence and
doubt, and the cell as scanned (PNG) only where it is uncertain: a doubt, or a confidence under
:data:`UNCERTAIN_BELOW` (a few hundred bytes to a few KB each; all the crops of a table page come
to about 200 KB, so the certain ones are not kept).

The OCR engine is imported only when a file needs it (:func:`ocr`): loading it takes about a second.
OCR runs off the file's clock (:func:`~gongkai.readers.off_the_clock`): it has its own limits
(``max_ocr_seconds_per_page``, ``max_ocr_seconds``), and the file's ``max_seconds`` is moved on by
the OCR time used."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from ..document import Block, Cell, Document, OcrSource, Paragraph, Row
from ..errors import LimitExceeded, ReadError
from ..limits import Limits
from ..location import Location
from ..ocr.result import OcrLine
from ..ocr.settings import OcrSettings
from . import off_the_clock
from ._reflow import paragraphs

if TYPE_CHECKING:
    from ..ocr.result import OcrCell, OcrPage

UNCERTAIN_BELOW = OcrSettings().low_confidence  # a cell read with less confidence than this keeps its crop
OCR_LINE_BOX = 1.1  # the box OCR's detector puts round a printed line is about this many font sizes high

T = TypeVar("T")


def ocr(limits: Limits, work: Callable[[], T]) -> T:
    """``work()`` (which uses :mod:`gongkai.ocr.scan`) run off the file's clock, for at most
    ``limits.max_ocr_seconds`` (and a margin) more."""
    with off_the_clock(limits.max_ocr_seconds):
        return work()


def cell_of(cell: OcrCell | None, at: Location) -> Cell:
    """The reader's cell for an OCR'd one (None: a position covered by a cell merged down from an
    earlier row, an empty cell as in a PDF's ruled table)."""
    if cell is None:
        return Cell("", at)
    uncertain = cell.doubt is not None or (cell.confidence is not None and cell.confidence < UNCERTAIN_BELOW)
    return Cell(cell.text, at, cell.confidence, cell.doubt, cell.crop_png if uncertain else None)


class Tally:
    """The pages (or pictures) read by OCR and the confidences of what was kept of them, for
    :class:`~gongkai.document.OcrSource`."""

    def __init__(self) -> None:
        self.engine = ""
        self.pages: list[int] = []
        self.unread: list[int] = []
        self.lowest: float | None = None
        self.total = 0.0
        self.count = 0

    def page(self, page: OcrPage, engine: str) -> None:
        self.engine = engine
        self.pages.append(page.page)
        if page.unread is not None:
            self.unread.append(page.page)

    def seen(self, confidence: float | None) -> None:
        """A cell or line of text that went into the document (blank cells have no confidence)."""
        if confidence is None:
            return
        self.total += confidence
        self.count += 1
        if self.lowest is None or confidence < self.lowest:
            self.lowest = confidence

    def source(self) -> OcrSource | None:
        if not self.pages:
            return None
        mean = self.total / self.count if self.count else 0.0
        return OcrSource(sorted(self.pages), self.engine, self.lowest if self.lowest is not None else 0.0, mean,
                         sorted(self.unread))


# --- pictures in a Word document or a web page ----------------------------------------------------------

MIN_PICTURE_SIDE = 32  # px: a smaller picture (a bullet, an icon, a spacer) holds no table and is not read
MIN_PICTURE_LINES = 3  # lines of text a picture without a table must have for them to be kept (a seal has fewer)


@dataclass(slots=True)
class Picture:
    """A picture of a document, to be read by OCR: its bytes, where its blocks go (an index into the
    document's blocks) and where it was printed (its paragraph, or its line of a web page)."""

    data: bytes
    where: int
    at: Location


def read_pictures(pictures: list[Picture], doc: Document, limits: Limits, first_table: int,
                  table_at: Callable[[int, int, int | None, Location], Location]) -> None:
    """The pictures read by OCR, their tables and text put into ``doc.blocks`` where each was found.

    Tables are numbered on from ``first_table`` (how many tables the document has before them; a cell
    is located by ``table_at(table number from 1, row, cell or None, the picture's place)``); lines of
    text are reflowed into paragraphs located at the picture, and kept only from a picture with a table
    or with :data:`MIN_PICTURE_LINES` lines or more. At most ``limits.max_ocr_pages`` pictures are read,
    in document order, within OCR's time limits; those beyond, and a picture that cannot be decoded or
    is too large (``max_ocr_pixels``), are left unread like a page OCR gave up on. ``doc.source.ocr``
    notes them all. Pictures smaller than :data:`MIN_PICTURE_SIDE` (bullets, icons) are not counted."""
    # lazy: loading the OCR engine (RapidOCR, OpenCV, onnxruntime) takes a second; only pictures pay it
    from ..ocr import scan  # noqa: PLC0415  (lazy, see above)

    pictures = [p for p in pictures if _big_enough(scan.image_size(p.data))]
    if not pictures:
        return
    pages: list[OcrPage | None] = []

    def work() -> None:
        budget = scan.Budget(limits)
        for number, picture in enumerate(pictures, start=1):
            page = None
            if number <= limits.max_ocr_pages:
                try:
                    page = scan.read_image(picture.data, number, budget)
                except (ReadError, LimitExceeded):  # a broken or oversized picture: the rest is read
                    page = None
            pages.append(page)

    ocr(limits, work)
    tally = Tally()
    engine = scan.describe()
    table = first_table
    out: list[Block] = []
    done = 0
    for number, (picture, page) in enumerate(zip(pictures, pages, strict=True), start=1):
        out.extend(doc.blocks[done:picture.where])
        done = picture.where
        if page is None:
            tally.pages.append(number)
            tally.unread.append(number)
            continue
        tally.page(page, engine)
        keep_text = bool(page.tables) or len(page.lines) >= MIN_PICTURE_LINES
        run: list[OcrLine] = []
        for item in [*page.blocks(), None]:
            if item is None or not isinstance(item, OcrLine):
                if run:
                    for _, text in paragraphs([(ln.box.x0, ln.box.x1, ln.box.height / OCR_LINE_BOX, ln.text)
                                               for ln in run]):
                        out.append(Paragraph(text, picture.at))
                    for ln in run:
                        tally.seen(ln.confidence)
                    run = []
                if item is None:
                    break
                table += 1
                for r, cells in enumerate(item.rows(), start=1):
                    row = [cell_of(cell, table_at(table, r, c, picture.at)) for c, cell in enumerate(cells, start=1)]
                    for cell in cells:
                        if cell is not None:
                            tally.seen(cell.confidence)
                    out.append(Row(row, table_at(table, r, None, picture.at), table - 1, True))
            elif keep_text and (text := " ".join(item.text.split())):
                run.append(OcrLine(text, item.confidence, item.box))
    out.extend(doc.blocks[done:])
    doc.blocks[:] = out
    doc.source.ocr = tally.source()


def _big_enough(size: tuple[int, int] | None) -> bool:
    """The picture is no bullet or icon (a picture whose size cannot be read is left to OCR to refuse)."""
    return size is None or min(size) >= MIN_PICTURE_SIDE
