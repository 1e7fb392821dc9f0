"""PDF with a text layer, read with pdfplumber (pdfminer.six underneath).

Per page, on pdfplumber's own objects (:class:`~._pdfcontent.BoundedPage`, a pdfplumber page whose
layout is made under gongkai's limits):

* ``page.chars``: slanted watermark text and characters outside the page are left out; characters
  are grouped into printed lines with pdfplumber's ``cluster_objects``, and a glyph printed twice a
  little apart (fake bold) is removed with pdfplumber's ``dedupe_chars``;
* ruled tables: the visible ruling lines go to pdfplumber's ``find_tables`` and its
  ``Table.cells`` become one :class:`Row` per grid row with one :class:`Cell` per printed cell (see
  :mod:`._pdftables`); a cell's text is its characters in reading order, lines joined with ``\\n``;
* the other lines: runs whose words stand apart in columns, with numbers among them (tables
  printed without ruling lines, or with horizontal rules only), become rows with columns found by
  pdfplumber's text strategy; the rest is running text;
* page numbers and running headers/footers are dropped, so that a table continued on the next page
  follows on directly and keeps its table number.

Hand-written, because no library does it: no spaces are put between CJK characters (nor between a
CJK character and a digit), which pdfplumber's text extraction does wherever characters stand a
little apart; and printed lines are reflowed into paragraphs (:func:`_continues`): a line that runs
to the right margin without ending a sentence goes on in the next line, unless that line is
indented or starts a numbered item or heading — so a sentence wrapped over two lines ("全年办结申请"
/ "99件。") is one paragraph, as the narrative checks need it. A paragraph may go on across a page
break.

``at`` (:class:`~gongkai.location.Location`): ``page`` 3, ``table`` 1, ``row`` 5, ``cell`` 2 (tables
counted per page) and ``page`` 2, ``line`` 14 (the paragraph's first printed line; lines outside
tables, running heads and page numbers counted per page), all 1-based.

Nothing of pdfminer or pdfplumber is changed for the process: the limits pdfminer lacks are
enforced by checks on the file's own objects (:mod:`._pdfguard`), by gongkai's own interpreter and
page subclasses (:mod:`._pdfcontent`), and by the worker's operating-system limits.

Pages without a usable text layer (:func:`gongkai.ocr.textlayer.needs_ocr`: scanned pages, or
text in fonts without a Unicode mapping) are read by OCR (docs/ocr.md), after the other pages and
within OCR's own limits: their tables become rows and cells exactly as ruled tables do here (each
cell with OCR's confidence and doubt, and the cell as scanned where it is uncertain), their lines of
text are reflowed into paragraphs like any others, and ``Source.ocr`` says which pages were read so,
with which engine, how surely, and which OCR gave up on. The OCR engine is loaded only for a file
that needs it; a page with a text layer costs nothing more than before.

Errors (:class:`~gongkai.errors.ReadError` ``reason``): ``scanned`` (scanned pages from which OCR
read nothing), ``no-text`` (no characters at all), ``undecodable`` (fonts without a Unicode mapping),
``encrypted`` (an open password), ``corrupt`` (truncated or broken), ``limit`` (too many pages,
too much text, too slow, OCR out of time for every page)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import time
from dataclasses import dataclass
from itertools import islice, pairwise
from operator import itemgetter
from typing import TYPE_CHECKING

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1
from pdfminer.psexceptions import PSException
from pdfplumber.utils import cluster_objects, dedupe_chars
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from ..document import Cell, Document, Paragraph, Row, Source
from ..errors import GongkaiError, LimitExceeded, ReadError
from ..limits import Limits
from ..location import at_cell, at_page_line
from ..ocr.textlayer import PageFacts, needs_ocr, text_layer_usable
from . import _scanned
from ._pdfcontent import BoundedPage
from ._pdfguard import FileChecks
from ._pdftables import Grid, Line, Seg, Table, find_grids, ruling_edges, split_unruled
from ._reflow import FULL_LINE, NEW_PARAGRAPH, SENTENCE_END, join, wide

if TYPE_CHECKING:
    from ..ocr.result import OcrCell, OcrPage

FAST_CONTENT = True  # lay pages out with gongkai's faster content-stream tokenizer (False: pdfminer's)

# --- tuning ---------------------------------------------------------------------------------
_LINE_TOLERANCE = 0.45  # characters whose bottoms are within this many character heights share a line
_DUPLICATE = 0.15  # the same glyph again within this many font sizes (and 0.3 of its width) is fake bold
_WORD_SPACE = 0.2  # a gap wider than this many font sizes between two non-CJK characters is a space
_COLUMN_GAP = 1.5  # a gap wider than this many font sizes separates two columns of a line
_MAX_LINE_CHARS = 2000  # a printed line of a report holds at most a few hundred characters
_ERROR_TYPES = (PSException, PdfminerException, MalformedPDFException, ValueError, KeyError, TypeError,
                AttributeError, IndexError, AssertionError, EOFError, OverflowError, ZeroDivisionError, LookupError)

_PAGE_NUMBER = re.compile(
    r"^[-—–－~·\s]*\d{1,4}[-—–－~·\s]*$"  # - 3 -, —3—, 3
    r"|^第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"  # 第 3 页 共 6 页
    r"|^\d{1,4}\s*/\s*\d{1,4}$"  # 3/6
    r"|^(page|Page|PAGE)\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?$"
)

# pdfminer warns about many harmless oddities of real files; without a handler configured by the
# application those warnings would be printed on stderr by logging's last resort.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())
logging.getLogger("pdfplumber").addHandler(logging.NullHandler())  # e.g. "Metadata key ... could not be parsed"

_PDF_STRUCTURE = re.compile(rb"\d+\s+\d+\s+obj\b|\bendobj\b|\bstream\b|\bxref\b|\btrailer\b")


# --- entry point ----------------------------------------------------------------------------


def read(data: bytes, source: Source, limits: Limits) -> Document:
    started = time.monotonic()
    _check_not_truncated(data)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        raise _open_error(exc, data) from exc
    except _ERROR_TYPES as exc:
        raise _corrupt(exc) from exc
    # (no pdf.close(): the bytes are in memory, and closing would build every page object)
    checks = FileChecks(pdf.doc, limits)
    try:
        checks.structure()
        page_objs = list(islice(PDFPage.create_pages(pdf.doc), limits.max_pdf_pages + 1))
    except GongkaiError:
        raise
    except _ERROR_TYPES as exc:
        raise _corrupt(exc) from exc
    if not page_objs:
        raise ReadError("PDF 文件中没有任何页面", "the PDF has no pages", reason="corrupt")
    if len(page_objs) > limits.max_pdf_pages:
        raise LimitExceeded(f"PDF 页数过多（超过 {limits.max_pdf_pages} 页的上限）",
                            f"too many pages (more than {limits.max_pdf_pages})")
    reader = _Reader(Document(source=source), limits)
    for number, page_obj in enumerate(page_objs, start=1):
        try:
            checks.page(page_obj)
            page = BoundedPage(pdf, page_obj, number, limits, FAST_CONTENT)
            reader.add_page(page)
            page.close()
        except GongkaiError:
            raise
        except _ERROR_TYPES as exc:
            raise _corrupt(exc, number) from exc
        if time.monotonic() - started > limits.max_seconds:
            raise LimitExceeded("读取超时：PDF 文件过于复杂", f"reading took longer than {limits.max_seconds:g} s")
    if reader.ocr_pages:
        reader.read_scans(data)
    reader.finish()
    created = _created(pdf.doc)
    if created:
        reader.doc.meta[FILE_CREATED] = created
    return reader.doc


FILE_CREATED = "文件创建时间"  # the key extract.meta reads
# D:YYYYMMDDHHmmSS then Z or +HH'mm' (the time and the zone may be cut short)
_PDF_DATE = re.compile(rb"^D?:?(\d{4})(\d{2})(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2}))?)?)?\s*(?:(Z)|([+-])(\d{2})'?(\d{2})?)?")
_CHINA = dt.timezone(dt.timedelta(hours=8))


def _created(document) -> str | None:
    """The day the PDF's document information says it was created (YYYY-MM-DD, China time), or None."""
    try:
        info = document.info[0] if document.info else {}
        raw = resolve1(info.get("CreationDate")) if isinstance(info, dict) else None
    except _ERROR_TYPES:
        return None
    if not isinstance(raw, bytes) or len(raw) > 64:
        return None
    m = _PDF_DATE.match(raw.strip())
    if m is None:
        return None
    y, mo, d, h, mi, sec = (int(g) if g else 0 for g in m.groups()[:6])
    try:
        when = dt.datetime(y, mo, d, h, mi, sec)
        if m.group(7):
            when = when.replace(tzinfo=dt.UTC).astimezone(_CHINA)
        elif m.group(8):
            shift = dt.timedelta(hours=int(m.group(9)), minutes=int(m.group(10) or 0))
            when = when.replace(tzinfo=dt.timezone(shift if m.group(8) == b"+" else -shift)).astimezone(_CHINA)
    except (ValueError, OverflowError):
        return None
    return when.date().isoformat()


# --- errors ---------------------------------------------------------------------------------


def _check_not_truncated(data: bytes) -> None:
    # Every complete PDF ends with %%EOF; a download that stopped half-way does not, and pdfminer
    # would silently read whatever pages survived. Junk appended after the end is tolerated.
    if b"%%EOF" in data[-2048:]:
        return
    last = data.rfind(b"%%EOF")
    if last >= 0 and not _PDF_STRUCTURE.search(data, last):
        return
    raise ReadError(
        "PDF 文件不完整（缺少文件结尾，可能下载或复制时中断），请重新获取完整文件",
        "truncated PDF: no %%EOF marker at the end of the file",
        reason="corrupt",
    )


def _open_error(exc: PdfminerException, data: bytes) -> ReadError:
    inner = exc.args[0] if exc.args else exc
    if isinstance(inner, PDFEncryptionError) or (b"/Encrypt" in data and not isinstance(inner, PSException)):
        return ReadError(
            "PDF 文件已加密（设置了打开密码），无法读取；请提供未加密的版本",
            f"encrypted PDF that cannot be opened without a password: {type(inner).__name__}: {inner}",
            reason="encrypted",
        )
    return _corrupt(inner)


def _corrupt(exc: BaseException, page: int | None = None) -> ReadError:
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    where_zh = f"（第 {page} 页）" if page else ""
    where_en = f" (page {page})" if page else ""
    return ReadError(
        f"PDF 文件已损坏，无法读取{where_zh}",
        f"corrupt PDF{where_en}: {type(inner).__name__}: {inner}",
        reason="corrupt",
    )


# --- characters and lines -------------------------------------------------------------------


def _printed_chars(page: BoundedPage) -> list[dict]:
    """pdfplumber's characters of the page that are printed text: not blank, not slanted (a
    watermark across the page), not outside the page."""
    x0, top, x1, bottom = page.bbox
    out = []
    for c in page.chars:
        text = c["text"]
        if not text or text.isspace():
            continue
        a, b = c["matrix"][0], c["matrix"][1]
        if abs(a) > 0.1 * abs(b) and abs(b) > 0.1 * abs(a):
            continue
        if c["x1"] < x0 or c["bottom"] < top or c["x0"] > x1 or c["top"] > bottom:
            continue
        out.append(c)
    return out


def _size(c: dict) -> float:
    return c["size"] if c["size"] > 0 else (c["bottom"] - c["top"]) or 1.0


def _mid(c: dict) -> float:
    return (c["top"] + c["bottom"]) / 2


_X0, _BOTTOM = itemgetter("x0"), itemgetter("bottom")


def _group_lines(chars: list[dict]) -> list[list[dict]]:
    """Characters grouped into printed lines (pdfplumber's ``cluster_objects`` on their bottoms, which
    characters of one line share whatever their size), top to bottom; each line's characters left
    to right, glyphs printed twice in place removed."""
    if len(chars) <= 1:
        return [chars] if chars else []
    heights = sorted(c["bottom"] - c["top"] for c in chars)
    tolerance = _LINE_TOLERANCE * (heights[len(heights) // 2] or 1.0)
    bottoms = [c["bottom"] for c in chars]
    if max(bottoms) - min(bottoms) <= tolerance:  # one line (most table cells): what clustering would find
        return [_dedupe(sorted(chars, key=_X0))]
    lines = []
    for line in cluster_objects(chars, _BOTTOM, tolerance):
        line.sort(key=_X0)
        lines.append(_dedupe(line))
    return lines


def _dedupe(line: list[dict]) -> list[dict]:
    """``line`` without glyphs printed again a little apart (fake bold), by pdfplumber's
    ``dedupe_chars`` — which costs the square of the characters it is given, so it is only given
    lines where two neighbours are the same glyph nearly in place (and no line longer than any
    printed one: a hostile page could put its hundred thousand characters on one line)."""
    tolerance = None
    if len(line) > _MAX_LINE_CHARS:
        return line
    for prev, c in pairwise(line):
        if c["text"] == prev["text"]:
            near = min(_DUPLICATE * max(_size(prev), _size(c)), 0.3 * (c["x1"] - c["x0"]))
            if abs(c["x0"] - prev["x0"]) < near and abs(c["top"] - prev["top"]) < _DUPLICATE * _size(c):
                tolerance = near if tolerance is None else min(tolerance, near)
    if tolerance is None:
        return line
    return dedupe_chars(line, tolerance=tolerance, extra_attrs=())


def _segments(line: list[dict], split: bool) -> list[Seg]:
    """Join a line's characters. With ``split``, wide gaps start a new segment; without, they
    become a space unless both sides are CJK."""
    segs: list[Seg] = []
    parts: list[str] = []
    prev: dict | None = None
    seg_x0 = line[0]["x0"]
    for c in line:
        text = c["text"]
        if prev is not None:
            size = max(_size(prev), _size(c))
            gap = c["x0"] - prev["x1"]
            if gap > _COLUMN_GAP * size:
                if split:
                    segs.append(Seg(seg_x0, prev["x1"], "".join(parts)))
                    parts, seg_x0 = [], c["x0"]
                elif not (wide(prev["text"][-1]) and wide(text[0])):
                    parts.append(" ")
            elif gap > _WORD_SPACE * size and not (wide(prev["text"][-1]) or wide(text[0])):
                parts.append(" ")
        parts.append(text)
        prev = c
    assert prev is not None
    segs.append(Seg(seg_x0, prev["x1"], "".join(parts)))
    return segs


def _cell_text(chars: list[dict]) -> str:
    return "\n".join(_segments(line, split=False)[0].text for line in _group_lines(chars))


def _make_line(chars: list[dict]) -> Line:
    return Line(top=min(c["top"] for c in chars), bottom=max(c["bottom"] for c in chars),
                size=max(_size(c) for c in chars), segs=_segments(chars, split=True))


# --- paragraphs -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Margins:
    """Where a page's running text starts and ends (pt)."""

    left: float
    right: float

    def full(self, line: Line) -> bool:
        """The line runs from the left margin (or a first-line indent) to the right margin."""
        return line.x0 <= self.left + 3 * line.size and \
            line.x1 - self.left >= FULL_LINE * (self.right - self.left)

    def indented(self, line: Line) -> bool:
        return line.x0 > self.left + line.size


def _margins(lines: list[Line]) -> _Margins | None:
    """The left and right margins of running text: where most lines start and the longest lines
    end (10th and 90th percentiles; the extremes for fewer than ten lines; None for fewer than
    five, too few to tell a full line from a short one)."""
    if len(lines) < 5:
        return None
    starts = sorted(line.x0 for line in lines)
    ends = sorted(line.x1 for line in lines)
    if len(lines) < 10:
        return _Margins(starts[0], ends[-1])
    return _Margins(starts[len(lines) // 10], ends[max(0, len(lines) * 9 // 10 - 1)])


def _continues(prev: Line, prev_margins: _Margins, line: Line, margins: _Margins) -> bool:
    """``line`` goes on with the paragraph ``prev`` ended: ``prev`` runs to the right margin and
    does not end a sentence, and ``line`` is not indented and starts no numbered item or heading."""
    return (prev_margins.full(prev) and not prev.text.endswith(SENTENCE_END)
            and not margins.indented(line) and not NEW_PARAGRAPH.match(line.text))


# --- the document ---------------------------------------------------------------------------


@dataclass(slots=True)
class _PageItems:
    number: int
    height: float
    tables: list[Table]
    lines: list[Line]


class _Reader:
    def __init__(self, doc: Document, limits: Limits) -> None:
        self.doc = doc
        self.limits = limits
        self.table = -1  # number of the last table emitted
        self.tail_is_table = False  # the previous page ended with a table
        self.chars = 0
        self.undecodable = 0
        self.ocr_pages: list[int] = []  # pages without a usable text layer, read by OCR at the end
        self.ocr = _scanned.Tally()
        self.pages: list[_PageItems] = []
        self.paragraph: Paragraph | None = None  # the paragraph the last line went into
        self.last_line: tuple[Line, _Margins | None] | None = None

    def add_page(self, page: BoundedPage) -> None:
        chars = _printed_chars(page)
        if self._count(chars, page):
            self.ocr_pages.append(page.page_number)
            self.pages.append(_PageItems(page.page_number, page.height, [], []))  # filled by read_scans
            return
        try:
            grids = find_grids(page, ruling_edges(page))
        except _ERROR_TYPES:  # odd ruling the table finder trips over: read the page as text
            grids = []
        in_table: list[list[dict]] = [[] for _ in grids]
        flow: list[dict] = []
        for ch in chars:
            cx, cy = (ch["x0"] + ch["x1"]) / 2, _mid(ch)
            for g, grid in enumerate(grids):
                x0, top, x1, bottom = grid.bbox
                if x0 <= cx <= x1 and top <= cy <= bottom:
                    in_table[g].append(ch)
                    break
            else:
                flow.append(ch)
        tables = [t for grid, cs in zip(grids, in_table, strict=True) if (t := _ruled_table(grid, cs)) is not None]
        lines = [_make_line(cs) for cs in _group_lines(flow)]
        self.pages.append(_PageItems(page.page_number, page.height, tables, lines))

    def read_scans(self, data: bytes) -> None:
        """The pages without a usable text layer, read by OCR (off the file's clock, within OCR's own
        limits; a page OCR gave up on stays empty and is noted in ``Source.ocr``)."""
        # lazy: loading the OCR engine (RapidOCR, OpenCV, onnxruntime) takes a second; only scans pay it
        from ..ocr import scan  # noqa: PLC0415  (lazy, see above)

        result = _scanned.ocr(self.limits, lambda: scan.read_pdf(data, self.ocr_pages, self.limits))
        by_number = {items.number: items for items in self.pages}
        for page in result.pages:
            self.ocr.page(page, result.engine)
            items = by_number[page.page]
            if page.unread is None:
                items.height = page.height * 72 / page.dpi
                items.lines, items.tables = _scanned_items(page)

    def finish(self) -> None:
        if self.ocr_pages and not any(p.lines or p.tables for p in self.pages):
            if self.ocr.unread:
                raise LimitExceeded(
                    "扫描版 PDF 的文字识别（OCR）超时，未能读出任何一页；请提供含文字的 PDF 或 Word 版本",
                    f"OCR gave up on every scanned page (max_ocr_seconds_per_page "
                    f"{self.limits.max_ocr_seconds_per_page:g} s, max_ocr_seconds {self.limits.max_ocr_seconds:g} s)",
                )
            raise ReadError(
                "这是扫描版 PDF（没有文字层），文字识别（OCR）没有从中读出文字；请提供更清晰的扫描件，或含文字的 PDF 或 Word 版本",
                "scanned PDF: OCR read no text from its pages",
                reason="scanned",
            )
        if self.chars == 0 and not self.ocr_pages:
            raise ReadError(
                "PDF 中没有可读取的文字（可能是扫描件，或文字被转成了图形）；请提供含文字的 PDF 或 Word 版本",
                "the PDF has no text layer",
                reason="no-text",
            )
        if self.undecodable > 0.3 * self.chars:
            raise ReadError(
                "PDF 的文字无法解码（字体缺少文字编码），复制出来是乱码；请提供 Word 版本或重新导出的 PDF",
                f"{self.undecodable} of {self.chars} characters have no Unicode mapping",
                reason="undecodable",
            )
        if self.ocr_pages:
            self.doc.meta["scanned_pages"] = ",".join(map(str, self.ocr_pages))
        repeated = _running_heads(self.pages)
        pages = []
        for page in self.pages:
            lines = [ln for ln in page.lines if not _is_furniture(ln, page.height, repeated)]
            items: list[tuple[float, Line | Table]] = [(t.top, t) for t in page.tables]
            items.extend((ln.top, ln) for ln in lines)
            items.sort(key=lambda it: it[0])
            pages.append((page.number, _ordered([it[1] for it in items])))
        running = [item for _, ordered in pages for item in ordered if isinstance(item, Line)]
        whole = _margins(running)
        for number, ordered in pages:
            text_lines = [item for item in ordered if isinstance(item, Line)]
            margins = _margins(text_lines) if len(text_lines) >= 10 else whole
            self._emit(number, ordered, margins)
        self.doc.source.ocr = self.ocr.source()

    def _emit(self, page: int, ordered: list[Line | Table], margins: _Margins | None) -> None:
        blocks = self.doc.blocks
        line_no = 0
        table_no = 0
        for i, item in enumerate(ordered):
            if isinstance(item, Line):
                line_no += 1
                last = self.last_line
                if self.paragraph is not None and last is not None and last[1] is not None and margins is not None \
                        and _continues(last[0], last[1], item, margins):
                    self.paragraph.text = join(self.paragraph.text, item.text)
                else:
                    self.paragraph = Paragraph(item.text, at_page_line(page, line_no))
                    blocks.append(self.paragraph)
                self.last_line = (item, margins)
                if item.confidence is not None:
                    self.ocr.seen(item.confidence)
            else:
                self.paragraph = self.last_line = None
                table_no += 1
                if not (i == 0 and self.tail_is_table):  # a table going on from the page before
                    self.table += 1
                if item.scanned is not None:
                    self._emit_scanned(page, table_no, item.scanned)
                else:
                    for r, (cells, complete) in enumerate(zip(item.rows, item.complete, strict=True), start=1):
                        blocks.append(Row([Cell(t, at_cell(table_no, r, c, page)) for c, t in enumerate(cells, start=1)],
                                          at_cell(table_no, r, None, page), self.table, complete))
            if len(blocks) > self.limits.max_blocks:
                raise LimitExceeded("文件内容过多，超过可处理的上限", f"more than {self.limits.max_blocks} blocks")
        if ordered:
            self.tail_is_table = isinstance(ordered[-1], Table)

    def _emit_scanned(self, page: int, table_no: int, rows: list[list[OcrCell | None]]) -> None:
        for r, cells in enumerate(rows, start=1):
            out = []
            for c, cell in enumerate(cells, start=1):
                out.append(_scanned.cell_of(cell, at_cell(table_no, r, c, page)))
                if cell is not None:
                    self.ocr.seen(cell.confidence)
            self.doc.blocks.append(Row(out, at_cell(table_no, r, None, page), self.table, True))

    def _count(self, chars: list[dict], page: BoundedPage) -> bool:
        """Count the page's characters; True (and nothing counted) when the page has no usable text
        layer and is to be read by OCR."""
        n = len(chars)
        bad = sum(1 for c in chars if c["text"].startswith("(cid:") or "\ue000" <= c["text"][0] <= "\uf8ff")
        if not text_layer_usable(n - bad, n) and needs_ocr(PageFacts(tuple(c["text"] for c in chars),
                                                                     _image_share(page))):
            self._check_images(page)
            return True
        self.chars += n
        self.undecodable += bad
        if self.chars > self.limits.max_text_chars:
            raise LimitExceeded(
                f"文本过长（超过 {self.limits.max_text_chars} 字的上限）",
                f"text too long (more than {self.limits.max_text_chars} characters)",
            )
        return False

    def _check_images(self, page: BoundedPage) -> None:
        """LimitExceeded for a page to OCR with an image of more than ``max_ocr_pixels`` pixels (as its
        dictionary declares them): PDFium would decode all of it to render the page."""
        for im in page.images:
            try:
                w, h = (int(v) for v in im["srcsize"])
            except (KeyError, TypeError, ValueError, OverflowError):
                continue
            if w * h > self.limits.max_ocr_pixels:
                raise LimitExceeded(
                    f"PDF 第 {page.page_number} 页的扫描图片过大（{w}×{h} 像素），超过文字识别（OCR）可处理的上限",
                    f"page {page.page_number}: an image of {w}x{h} pixels is over max_ocr_pixels "
                    f"({self.limits.max_ocr_pixels})",
                )


def _image_share(page: BoundedPage) -> float:
    """The share of the page its images cover (overlaps counted twice)."""
    x0, top, x1, bottom = page.bbox
    if not (x1 > x0 and bottom > top):
        return 0.0
    area = sum(max(0.0, min(im["x1"], x1) - max(im["x0"], x0)) * max(0.0, min(im["bottom"], bottom) - max(im["top"], top))
               for im in page.images)
    return area / ((x1 - x0) * (bottom - top))


def _scanned_items(page: OcrPage) -> tuple[list[Line], list[Table]]:
    """A page read by OCR as the page reader's lines and tables, in points (72 per inch)."""
    s = 72 / page.dpi
    lines = [Line(ln.box.y0 * s, ln.box.y1 * s, ln.box.height * s / _scanned.OCR_LINE_BOX, [Seg(ln.box.x0 * s, ln.box.x1 * s, text)],
                  ln.confidence)
             for ln in page.lines if (text := " ".join(ln.text.split()))]
    tables = []
    for t in page.tables:
        cells = t.rows()
        if cells:
            tables.append(Table(t.box.y0 * s, [[c.text if c is not None else "" for c in row] for row in cells],
                                [True] * len(cells), cells))
    return lines, tables


def _ruled_table(grid: Grid, chars: list[dict]) -> Table | None:
    per_cell: list[list[dict]] = [[] for _ in grid.spans]
    for ch in chars:
        k = grid.cell_at((ch["x0"] + ch["x1"]) / 2, _mid(ch))
        if k is not None:
            per_cell[k].append(ch)
    rows = grid.rows([_cell_text(cs) for cs in per_cell])
    return Table(grid.bbox[1], rows, [True] * len(rows)) if rows else None


def _ordered(items: list[Line | Table]) -> list[Line | Table]:
    """A page's lines and tables in order, runs of lines that form a table without ruling lines
    made tables."""
    out: list[Line | Table] = []
    run: list[Line] = []
    for item in items:
        if isinstance(item, Line):
            run.append(item)
            continue
        out.extend(split_unruled(run))
        run = []
        out.append(item)
    out.extend(split_unruled(run))
    return out


_MARGIN = 0.08  # page headers and footers sit in the top and bottom 8 % of a page


def _margin_key(line: Line, height: float) -> tuple[str, str] | None:
    if line.bottom < _MARGIN * height:
        where = "top"
    elif line.top > (1 - _MARGIN) * height:
        where = "bottom"
    else:
        return None
    return where, re.sub(r"\d+", "#", line.text.replace(" ", ""))


def _running_heads(pages: list[_PageItems]) -> set[tuple[str, str]]:
    """Header and footer lines printed on many pages (page numbers normalised)."""
    counts: dict[tuple[str, str], int] = {}
    for page in pages:
        for key in {_margin_key(ln, page.height) for ln in page.lines}:
            if key is not None:
                counts[key] = counts.get(key, 0) + 1
    return {k for k, v in counts.items() if v >= 2 and v >= 0.4 * len(pages)}


def _is_furniture(line: Line, height: float, repeated: set[tuple[str, str]]) -> bool:
    key = _margin_key(line, height)
    if key is None:
        return False
    return key in repeated or bool(_PAGE_NUMBER.match(line.text.strip()))
