"""The intermediate every reader produces: a document as an ordered list of blocks.

A block is either a paragraph of running text or one row of a table. Readers know where
each piece was printed (a line of a text file, a cell of a Word table, a line on a PDF page)
and record it in ``at`` (a :class:`~gongkai.location.Location`); the extractor never needs to
know which format it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .location import Location


@dataclass(slots=True)
class Cell:
    """One table cell as printed. ``text`` keeps inner line breaks; ``at`` says where it was."""

    text: str
    at: Location
    # set where the cell was recognised from a scan: OCR's confidence (0..1), its reason for doubt
    # ("unread", "faint", "smudged", "low-confidence") and the scanned cell as PNG
    confidence: float | None = None
    doubt: str | None = None
    crop: bytes | None = None


@dataclass(slots=True)
class Paragraph:
    text: str
    at: Location


@dataclass(slots=True)
class Row:
    """One table row. ``table`` numbers the tables of the document from 0.

    ``complete`` is True when the reader knows the row's cells exactly (Word, HTML, a PDF
    table, tab-separated text): a blank cell is then an empty ``Cell`` and the row ends where
    the printed row ends. It is False for layouts where blank cells may have vanished.
    """

    cells: list[Cell]
    at: Location
    table: int = 0
    complete: bool = True


Block = Paragraph | Row


@dataclass(slots=True)
class OcrSource:
    """What was read by OCR (docs/ocr.md): the scanned pages of a PDF, or the pictures of a Word
    document or web page (numbered 1, 2… in document order), and how sure the reading is."""

    pages: list[int]  # PDF pages (or pictures) read by OCR, unread ones included
    engine: str  # the engine and its models: "RapidOCR 3.10.0 (PP-OCRv6 small det/rec, …)"
    confidence: float  # the lowest confidence of any cell or line of text read (0..1; 0.0 when nothing was read)
    mean_confidence: float  # the mean confidence of the cells and lines read
    unread_pages: list[int] = field(default_factory=list)  # pages OCR gave up on (its time limits)

    def to_json(self) -> dict[str, object]:
        return {"pages": list(self.pages), "engine": self.engine, "confidence": round(self.confidence, 4),
                "mean_confidence": round(self.mean_confidence, 4), "unread_pages": list(self.unread_pages)}


@dataclass(slots=True)
class Source:
    """Where a document came from: enough to find the bytes again."""

    path: str | None
    sha256: str
    format: str  # a key of gongkai.readers.READER_MODULES ("text", "docx", "doc", "html", "mht", "pdf"...)
    encoding: str | None = None
    ocr: OcrSource | None = None  # set when some of it was read by OCR


@dataclass(slots=True)
class Document:
    source: Source
    blocks: list[Block] = field(default_factory=list)
    # Facts a reader found outside the body (a web page's <title>, a crawler's header lines).
    meta: dict[str, str] = field(default_factory=dict)

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def rows(self) -> list[Row]:
        return [b for b in self.blocks if isinstance(b, Row)]
