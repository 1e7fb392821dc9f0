"""What OCR makes of a page: plain data, in pixels of the upright page image.

A page (:class:`OcrPage`) has its running text as printed lines (:class:`OcrLine`) and its ruled
tables (:class:`OcrTable`), each cell (:class:`OcrCell`) with its place in the table's grid, its
box, the text read, the lowest character confidence and the cell as scanned (``crop_png``, for a
reviewer to look at next to the value). Nothing here knows the report's format: matching labels
and checking numbers is the extractor's work.

A cell's ``doubt`` says why its reading may be wrong, as far as OCR can tell:

* ``"unread"``: there are marks in the cell but nothing could be read from them;
* ``"faint"``: the marks are much fainter than the print of the page (a faded or washed-out cell),
  read after stretching their contrast;
* ``"smudged"``: a blot of ink thicker than any stroke of print lies in the cell (a smear, a stamp):
  a smear over ``47`` was read as ``64`` with a confidence of 0.98;
* ``"low-confidence"``: the recogniser's lowest character confidence is below
  :attr:`~gongkai.ocr.settings.OcrSettings.low_confidence`.

A cell's ``confidence`` is the recogniser's lowest character confidence; for a faint or smudged cell
it is at most 0.5, since the recogniser cannot know what a blot hides or what a faded stroke was.

Whether a cell's text is a number where a number belongs, or fits the table's identities, is for the
extractor to say. Label cells are printed small and are read with lower confidence (0.5–0.85) even
when right: their doubt matters less than a number's.

A page is ``unread`` when OCR gave up on it: ``"timeout"`` (the page took longer than
``max_ocr_seconds_per_page``) or ``"file-timeout"`` (the file's ``max_ocr_seconds`` were spent
before or while it was read). Its lines and tables are then empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# why a cell's reading may be wrong (see the module's docstring)
UNREAD = "unread"
FAINT = "faint"
SMUDGED = "smudged"
LOW_CONFIDENCE = "low-confidence"

# why a page was not read
PAGE_TIMEOUT = "timeout"
FILE_TIMEOUT = "file-timeout"


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle of the upright page image, in pixels; ``x1`` and ``y1`` are exclusive."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0


@dataclass(frozen=True, slots=True)
class OcrLine:
    """A printed line of running text (pieces the detector found side by side joined)."""

    text: str
    confidence: float  # the lowest confidence of its characters, 0..1
    box: Box


@dataclass(frozen=True, slots=True)
class OcrCell:
    """One printed cell of a ruled table. ``row``/``col`` are its first grid row and column (from 0),
    ``row_end``/``col_end`` one past its last: a merged cell spans several."""

    row: int
    col: int
    row_end: int
    col_end: int
    box: Box  # inside the cell's ruling lines
    text: str  # "" for a blank cell; the lines of a wrapped cell joined with "\n"
    confidence: float | None  # the lowest character confidence, 0..1; None for a blank cell
    doubt: str | None  # UNREAD, FAINT, SMUDGED, LOW_CONFIDENCE or None
    crop_png: bytes = field(repr=False)  # the cell as scanned (inside its rules, upright): greyscale PNG, ~1 KB


@dataclass(frozen=True, slots=True)
class OcrTable:
    box: Box  # the outer ruling lines
    n_rows: int
    n_cols: int
    cells: tuple[OcrCell, ...]  # by first row, then column

    def rows(self) -> list[list[OcrCell | None]]:
        """The printed rows, the way the PDF reader lays out a ruled table: a cell merged across
        columns appears once, in the row where it starts; a position covered by a cell merged down from
        an earlier row is None (an empty cell there); a row in which no cell starts is left out."""
        owner: list[list[OcrCell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        cell: OcrCell | None
        for cell in self.cells:
            for r in range(cell.row, cell.row_end):
                for c in range(cell.col, cell.col_end):
                    if owner[r][c] is None:
                        owner[r][c] = cell
        out: list[list[OcrCell | None]] = []
        for r in range(self.n_rows):
            row: list[OcrCell | None] = []
            starts = False
            c = 0
            while c < self.n_cols:
                cell = owner[r][c]
                if cell is not None and cell.row == r:
                    starts = True
                    row.append(cell)
                    c = max(c + 1, cell.col_end)
                else:
                    row.append(None)
                    c = max(c + 1, cell.col_end) if cell is not None else c + 1
            if starts:
                out.append(row)
        return out


@dataclass(frozen=True, slots=True)
class OcrPage:
    page: int  # the PDF page (from 1), or the caller's number for an embedded image
    dpi: int  # the resolution it was read at (for an embedded image: the equivalent)
    angle: float  # degrees the scan was turned (counter-clockwise positive), straightened before reading
    width: int  # of the upright image, px
    height: int
    lines: tuple[OcrLine, ...]  # in reading order
    tables: tuple[OcrTable, ...]  # top to bottom
    unread: str | None = None  # PAGE_TIMEOUT or FILE_TIMEOUT when OCR gave up on the page

    def blocks(self) -> list[OcrLine | OcrTable]:
        """Lines and tables in reading order (by their tops; a table's heading comes before it)."""
        items: list[tuple[int, int, OcrLine | OcrTable]] = [(ln.box.y0, i, ln) for i, ln in enumerate(self.lines)]
        items += [(t.box.y0, len(self.lines) + i, t) for i, t in enumerate(self.tables)]
        return [item for *_, item in sorted(items, key=lambda it: (it[0], it[1]))]


@dataclass(frozen=True, slots=True)
class OcrFile:
    """The pages of one file read by OCR, and the engine that read them (for the report's source)."""

    engine: str  # "RapidOCR 3.10.0 (PP-OCRv6 small, onnxruntime 1.32.0)"
    pages: tuple[OcrPage, ...]
