"""PDF with a text layer, read with pdfplumber (pdfminer.six underneath).

Per page:

* ruled tables are found from the page's visible ruling lines (stroked lines, visible
  rectangles and thin filled bars; invisible white boxes are ignored) with pdfplumber's table
  finder given those edges explicitly; a table becomes one :class:`Row` per grid row with one
  :class:`Cell` per printed cell: a cell merged over several columns is one cell, a position
  covered by a cell merged down from an earlier row is an empty cell;
* a cell's text is the characters inside its box in reading order, lines joined with ``\\n``
  (headers printed one character per line come back as one cell);
* everything else is grouped into text lines. Runs of lines whose words stand apart in columns,
  with numbers among them (tables printed without ruling lines, or with horizontal rules only),
  become rows whose cells are placed on columns found from the x positions of the words; other
  lines become one :class:`Paragraph` each;
* no spaces are put between CJK characters (nor between a CJK character and a digit); page
  numbers and running headers/footers are dropped, so that a table continued on the next page
  follows on directly and keeps its table number; slanted watermark text is left out.

``at``: ``page 3 table 1 row 5 cell 2`` (tables counted per page) and ``page 2 line 14`` (text
lines outside tables counted per page), all 1-based.

Content streams are cut into tokens by :mod:`._pdfcontent` (2-3 times faster than pdfminer's
own tokenizer, same tokens); set ``FAST_CONTENT = False`` to use pdfminer's.

Errors (:class:`~gongkai.errors.ReadError` ``reason``): ``scanned`` (every page an image with no
text), ``no-text`` (no characters at all), ``undecodable`` (fonts without a Unicode mapping),
``encrypted`` (an open password), ``corrupt`` (truncated or broken), ``limit`` (too many pages,
too much text, too slow)."""

from __future__ import annotations

import io
import logging
import re
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import islice

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine, LTPage, LTRect
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.pdfpage import PDFPage
from pdfminer.psexceptions import PSException
from pdfplumber.table import TableFinder, TableSettings
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from ..document import Cell, Document, Paragraph, Row, Source
from ..errors import LimitExceeded, ReadError
from ..limits import Limits
from . import _pdfguard
from ._pdfcontent import FastInterpreter

_pdfguard.install()

FAST_CONTENT = True  # read content streams with ._pdfcontent (False: pdfminer's own tokenizer)

# --- tuning ---------------------------------------------------------------------------------
_SNAP = 3.0  # ruling lines closer than this (pt) are one line
_MIN_EDGE = 3.0  # shorter ruling segments are ignored
_MAX_EDGES = 4000  # a page drawn with more axis-parallel segments than this is a drawing, not a table
_MAX_CROSSINGS = 5000  # distinct vertical x positions times horizontal y positions (tables of a page: < 2,000)
_WORD_SPACE = 0.2  # a gap wider than this many font sizes between two non-CJK characters is a space
_COLUMN_GAP = 1.5  # a gap wider than this many font sizes separates two columns of a line
_WRAP_DISTANCE = 0.9  # a lone line this close (in font sizes, centre to centre) to a row belongs to it
_SCAN_CHARS = 30  # a page with an image and fewer characters than this is a scanned page
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

SCANNED_MESSAGE = "这是扫描版 PDF（没有文字层），暂不支持读取扫描件；请提供含文字的 PDF 或 Word 版本"


# --- small geometry types -------------------------------------------------------------------


class _Char:
    __slots__ = ("text", "x0", "x1", "top", "bottom", "size")

    def __init__(self, text: str, x0: float, x1: float, top: float, bottom: float, size: float) -> None:
        self.text = text
        self.x0 = x0
        self.x1 = x1
        self.top = top
        self.bottom = bottom
        self.size = size


@dataclass(slots=True)
class _Seg:
    """A run of characters of one line with no column-sized gap inside."""

    x0: float
    x1: float
    text: str


@dataclass(slots=True)
class _Line:
    top: float
    bottom: float
    size: float
    segs: list[_Seg]

    @property
    def x0(self) -> float:
        return self.segs[0].x0

    @property
    def x1(self) -> float:
        return self.segs[-1].x1

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segs)


@dataclass(slots=True)
class _Table:
    """Rows of one table found on a page: each row is a list of cell texts."""

    top: float
    rows: list[list[str]]
    complete: list[bool] = field(default_factory=list)


@dataclass(slots=True)
class _PageContent:
    chars: list[_Char]
    edges: list[dict]
    image_area: float
    width: float
    height: float


# --- entry point ----------------------------------------------------------------------------


def read(data: bytes, source: Source, limits: Limits) -> Document:
    with _pdfguard.budget(limits):
        return _read(data, source, limits)


def _read(data: bytes, source: Source, limits: Limits) -> Document:
    started = time.monotonic()
    _check_not_truncated(data)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        raise _open_error(exc, data) from exc
    except _ERROR_TYPES as exc:
        raise _corrupt(exc) from exc
    # (no pdf.close(): the bytes are in memory, and closing would build every page object)
    _check_page_count(pdf, limits)
    try:
        pages = pdf.pages
    except _ERROR_TYPES as exc:
        raise _corrupt(exc) from exc
    if not pages:
        raise ReadError("PDF 文件中没有任何页面", "the PDF has no pages", reason="corrupt")
    if len(pages) > limits.max_pdf_pages:
        raise _too_many_pages(len(pages), limits)
    reader = _Reader(Document(source=source), limits)
    for page in pages:
        try:
            content = _page_content(page, limits)
        except _ERROR_TYPES as exc:
            raise _corrupt(exc, page.page_number) from exc
        reader.add_page(page.page_number, content)
        page.close()
        if time.monotonic() - started > limits.max_seconds:
            raise LimitExceeded("读取超时：PDF 文件过于复杂", f"reading took longer than {limits.max_seconds:g} s")
    reader.finish()
    return reader.doc


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
    if isinstance(inner, ReadError):  # a limit met while pdfminer read the file's structure
        return inner
    if isinstance(inner, PDFEncryptionError) or (b"/Encrypt" in data and not isinstance(inner, PSException)):
        return ReadError(
            "PDF 文件已加密（设置了打开密码），无法读取；请提供未加密的版本",
            f"encrypted PDF that cannot be opened without a password: {type(inner).__name__}: {inner}",
            reason="encrypted",
        )
    return _corrupt(inner)


def _corrupt(exc: BaseException, page: int | None = None) -> ReadError:
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(inner, ReadError):
        return inner
    where_zh = f"（第 {page} 页）" if page else ""
    where_en = f" (page {page})" if page else ""
    return ReadError(
        f"PDF 文件已损坏，无法读取{where_zh}",
        f"corrupt PDF{where_en}: {type(inner).__name__}: {inner}",
        reason="corrupt",
    )


def _too_many_pages(count: int, limits: Limits) -> LimitExceeded:
    return LimitExceeded(
        f"PDF 页数过多（{count} 页），超过 {limits.max_pdf_pages} 页的上限",
        f"too many pages ({count}, limit {limits.max_pdf_pages})",
    )


def _check_page_count(pdf: pdfplumber.PDF, limits: Limits) -> None:
    """Refuse huge documents before building a page object for each page."""
    try:
        count = sum(1 for _ in islice(PDFPage.create_pages(pdf.doc), limits.max_pdf_pages + 1))
    except _ERROR_TYPES:
        return  # a broken page tree is reported when the pages are listed
    if count > limits.max_pdf_pages:
        raise LimitExceeded(
            f"PDF 页数过多（超过 {limits.max_pdf_pages} 页的上限）",
            f"too many pages (more than {limits.max_pdf_pages})",
        )


# --- page content ---------------------------------------------------------------------------


def _is_white(color: object) -> bool:
    if color is None:
        return False  # the default colour is black
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not color:
        return False
    if not all(isinstance(v, (int, float)) for v in color):
        return False  # a pattern: treat as visible
    if len(color) == 4:  # CMYK
        return all(v <= 0.05 for v in color)
    return all(v >= 0.95 for v in color)


def _edge(x0: float, top: float, x1: float, bottom: float, orientation: str) -> dict:
    return {
        "object_type": "line_edge", "orientation": orientation,
        "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
        "width": x1 - x0, "height": bottom - top,
    }


def _layout(page: pdfplumber.page.Page, limits: Limits) -> LTPage:
    """The page's objects as pdfminer lays them out (no text analysis), read with the fast
    content-stream tokenizer."""
    if not FAST_CONTENT:
        return page.layout
    device = _pdfguard.GuardedAggregator(page.pdf.rsrcmgr, pageno=page.page_number, laparams=None,
                                         limit=limits.max_page_objects, content_limit=limits.max_page_bytes)
    FastInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    return device.get_result()


def _page_content(page: pdfplumber.page.Page, limits: Limits) -> _PageContent:
    layout = _layout(page, limits)
    # pdfminer has turned rotated pages upright and moved the origin to the page's corner:
    # the layout's own box is the page as displayed.
    width, height = float(layout.width), float(layout.height)
    chars: list[_Char] = []
    edges: list[dict] = []
    image_area = 0.0
    stack = [iter(layout)]
    while stack:
        obj = next(stack[-1], None)
        if obj is None:
            stack.pop()
            continue
        if isinstance(obj, LTChar):
            text = obj.get_text()
            if not text or text.isspace():
                continue
            a, b = obj.matrix[0], obj.matrix[1]
            if abs(a) > 0.1 * abs(b) and abs(b) > 0.1 * abs(a):
                continue  # slanted text: a watermark across the page
            top, bottom = height - obj.y1, height - obj.y0
            if obj.x1 < 0 or bottom < 0 or obj.x0 > width or top > height:
                continue  # outside the page: never printed
            size = obj.size if obj.size > 0 else (obj.y1 - obj.y0) or 1.0
            chars.append(_Char(text, obj.x0, obj.x1, top, bottom, size))
        elif isinstance(obj, LTCurve):  # LTLine and LTRect are curves too
            _shape_edges(obj, height, edges)
        elif isinstance(obj, LTImage):
            image_area += max(0.0, obj.width) * max(0.0, obj.height)
        elif isinstance(obj, LTContainer):
            stack.append(iter(obj))
    return _PageContent(chars, edges, image_area, width, height)


def _shape_edges(obj: LTCurve, off_y: float, out: list[dict]) -> None:
    stroked = bool(obj.stroke) and not _is_white(obj.stroking_color)
    filled = bool(obj.fill) and not _is_white(obj.non_stroking_color)
    if not (stroked or filled):
        return  # invisible (white boxes behind text, clipping paths)
    x0, x1 = obj.x0, obj.x1
    top, bottom = off_y - obj.y1, off_y - obj.y0
    w, h = x1 - x0, bottom - top
    if w < 2.0 or h < 2.0:  # a hairline, drawn as a line or as a thin filled bar
        if w >= h and w >= _MIN_EDGE:
            y = (top + bottom) / 2
            out.append(_edge(x0, y, x1, y, "h"))
        elif h > w and h >= _MIN_EDGE:
            x = (x0 + x1) / 2
            out.append(_edge(x, top, x, bottom, "v"))
        return
    if isinstance(obj, LTRect):
        out.append(_edge(x0, top, x1, top, "h"))
        out.append(_edge(x0, bottom, x1, bottom, "h"))
        out.append(_edge(x0, top, x0, bottom, "v"))
        out.append(_edge(x1, top, x1, bottom, "v"))
        return
    if isinstance(obj, LTLine) or stroked:  # a drawn path: its straight axis-parallel segments
        for (ax, ay), (bx, by) in _straight_segments(obj):
            ay, by = off_y - ay, off_y - by
            if abs(ay - by) < 0.5 and abs(ax - bx) >= _MIN_EDGE:
                out.append(_edge(min(ax, bx), ay, max(ax, bx), ay, "h"))
            elif abs(ax - bx) < 0.5 and abs(ay - by) >= _MIN_EDGE:
                out.append(_edge(ax, min(ay, by), ax, max(ay, by), "v"))


def _straight_segments(obj: LTCurve) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The straight pieces of a path (curved pieces, e.g. of a round seal, are left out)."""
    path = getattr(obj, "original_path", None)
    if not path:
        return list(zip(obj.pts, obj.pts[1:]))
    segments = []
    current = start = None
    for op, *points in path:
        end = points[-1] if points else start
        if op in ("l", "h") and current is not None and end is not None:
            segments.append((current, end))
        if op == "m":
            start = end
        current = end
    return segments


# --- text -----------------------------------------------------------------------------------


def _wide(ch: str) -> bool:
    """CJK characters and full-width punctuation: no spaces are put next to them."""
    cp = ord(ch)
    return cp >= 0x2E80 or 0x2010 <= cp <= 0x206F or cp == 0xB7


def _group_lines(chars: list[_Char]) -> list[list[_Char]]:
    """Characters grouped into lines, top to bottom; each line's characters left to right."""
    lines: list[list[_Char]] = []
    band_top = band_bottom = 0.0
    current: list[_Char] = []
    for c in sorted(chars, key=lambda c: c.top + c.bottom):
        h = c.bottom - c.top
        if current:
            overlap = min(band_bottom, c.bottom) - max(band_top, c.top)
            if overlap >= 0.5 * min(h, band_bottom - band_top):
                current.append(c)
                if h > band_bottom - band_top:
                    band_top, band_bottom = c.top, c.bottom
                continue
            lines.append(current)
        current = [c]
        band_top, band_bottom = c.top, c.bottom
    if current:
        lines.append(current)
    for line in lines:
        line.sort(key=lambda c: c.x0)
    return lines


def _segments(line: list[_Char], split: bool) -> list[_Seg]:
    """Join a line's characters. With ``split``, wide gaps start a new segment; without, they
    become a space unless both sides are CJK."""
    segs: list[_Seg] = []
    parts: list[str] = []
    prev: _Char | None = None
    seg_x0 = line[0].x0
    for c in line:
        if prev is not None:
            size = max(prev.size, c.size)
            gap = c.x0 - prev.x1
            if (c.text == prev.text and abs(c.x0 - prev.x0) < min(0.3 * (c.x1 - c.x0), 0.15 * size)
                    and abs(c.top - prev.top) < 0.15 * size):
                continue  # the same glyph printed twice, a little apart (fake bold)
            if gap > _COLUMN_GAP * size:
                if split:
                    segs.append(_Seg(seg_x0, prev.x1, "".join(parts)))
                    parts, seg_x0 = [], c.x0
                elif not (_wide(prev.text[-1]) and _wide(c.text[0])):
                    parts.append(" ")
            elif gap > _WORD_SPACE * size and not (_wide(prev.text[-1]) or _wide(c.text[0])):
                parts.append(" ")
        parts.append(c.text)
        prev = c
    assert prev is not None
    segs.append(_Seg(seg_x0, prev.x1, "".join(parts)))
    return segs


def _cell_text(chars: list[_Char]) -> str:
    if not chars:
        return ""
    return "\n".join(_segments(line, split=False)[0].text for line in _group_lines(chars))


def _make_line(chars: list[_Char]) -> _Line:
    return _Line(
        top=min(c.top for c in chars),
        bottom=max(c.bottom for c in chars),
        size=max(c.size for c in chars),
        segs=_segments(chars, split=True),
    )


# --- ruled tables ---------------------------------------------------------------------------


def _axis(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > 0.5:
            out.append(v)
    return out


def _index(axis: list[float], v: float) -> int:
    i = bisect_right(axis, v + 0.5) - 1
    return max(i, 0)


class _Grid:
    """A ruled table: its column and row lines and which printed cell covers each position."""

    def __init__(self, cells: list[tuple[float, float, float, float]]) -> None:
        self.xs = _axis([c[0] for c in cells] + [c[2] for c in cells])
        self.ys = _axis([c[1] for c in cells] + [c[3] for c in cells])
        self.ncols = len(self.xs) - 1
        self.nrows = len(self.ys) - 1
        self.spans: list[tuple[int, int, int, int]] = []  # row0, row1, col0, col1 (ends exclusive)
        self.owner: list[list[int | None]] = [[None] * self.ncols for _ in range(self.nrows)]
        for x0, top, x1, bottom in sorted(cells, key=lambda c: (c[1], c[0])):
            span = (_index(self.ys, top), _index(self.ys, bottom), _index(self.xs, x0), _index(self.xs, x1))
            if span[1] <= span[0] or span[3] <= span[2]:
                continue
            self._place(span)
        for r in range(self.nrows):  # positions no cell covers still get a cell of their own
            for c in range(self.ncols):
                if self.owner[r][c] is None:
                    self._place((r, r + 1, c, c + 1))
        self.bbox = (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def _place(self, span: tuple[int, int, int, int]) -> None:
        k = len(self.spans)
        self.spans.append(span)
        for r in range(span[0], span[1]):
            row = self.owner[r]
            for c in range(span[2], span[3]):
                if row[c] is None:
                    row[c] = k

    def cell_at(self, x: float, y: float) -> int | None:
        c = bisect_right(self.xs, x) - 1
        r = bisect_right(self.ys, y) - 1
        if 0 <= r < self.nrows and 0 <= c < self.ncols:
            return self.owner[r][c]
        return None

    def rows(self, texts: list[str]) -> list[list[str]]:
        out: list[list[str]] = []
        for r in range(self.nrows):
            row: list[str] = []
            starts = False
            c = 0
            while c < self.ncols:
                k = self.owner[r][c]
                assert k is not None
                r0, _r1, _c0, c1 = self.spans[k]
                if r0 == r:
                    starts = True
                    row.append(texts[k])
                else:
                    row.append("")  # covered by a cell merged down from an earlier row
                c = max(c + 1, c1)
            if starts:
                out.append(row)
        return out


def _find_grids(content: _PageContent) -> list[_Grid]:
    v = [e for e in content.edges if e["orientation"] == "v" and e["height"] >= _MIN_EDGE]
    h = [e for e in content.edges if e["orientation"] == "h" and e["width"] >= _MIN_EDGE]
    if len(v) < 2 or len(h) < 2 or len(v) + len(h) > _MAX_EDGES:
        return []
    # pdfplumber's cell finding grows faster than the square of the crossings (a 100 x 100 grid
    # takes seconds): a page whose lines could cross more often than any report's tables do is a
    # drawing, or a trap
    xs = {round(e["x0"] / _SNAP) for e in v}
    ys = {round(e["top"] / _SNAP) for e in h}
    if len(xs) * len(ys) > _MAX_CROSSINGS:
        return []
    settings = TableSettings.resolve({
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": v,
        "explicit_horizontal_lines": h,
        "snap_tolerance": _SNAP,
        "join_tolerance": _SNAP,
        "edge_min_length": _MIN_EDGE,
        "intersection_tolerance": _SNAP,
    })
    finder = TableFinder(_NoPage(content), settings)
    grids = []
    for table in finder.tables:
        grid = _Grid(table.cells)
        if grid.ncols >= 2 and grid.nrows >= 1:  # a lone box or a one-column frame is no table
            grids.append(grid)
    return grids


class _NoPage:
    """What pdfplumber's TableFinder needs of a page when all edges are given explicitly."""

    def __init__(self, content: _PageContent) -> None:
        self.bbox = (0, 0, content.width, content.height)


# --- tables without ruling lines ------------------------------------------------------------


def _columns(lines: list[_Line]) -> list[tuple[float, float]]:
    """Column intervals of an unruled table, from the rows of numbers with the most segments
    (a header wider than its column then spans columns instead of merging them)."""
    valued = [line for line in lines if _has_value(line)] or lines
    most = max(len(line.segs) for line in valued)
    dense = [line for line in valued if len(line.segs) >= max(2, 0.6 * most)]
    intervals = sorted((s.x0, s.x1) for line in dense for s in line.segs)
    cols: list[list[float]] = []
    for x0, x1 in intervals:
        if cols and x0 < cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    # segments of the other lines that fall between the columns found add columns of their own
    dense_ids = {id(line) for line in dense}
    extra = sorted((s.x0, s.x1) for line in lines if id(line) not in dense_ids for s in line.segs
                   if not any(s.x0 < c[1] and s.x1 > c[0] for c in cols))
    for x0, x1 in extra:
        if any(x0 < c[1] and x1 > c[0] for c in cols):
            for c in cols:
                if x0 < c[1] and x1 > c[0]:
                    c[0], c[1] = min(c[0], x0), max(c[1], x1)
                    break
        else:
            cols.append([x0, x1])
            cols.sort()
    return [(c[0], c[1]) for c in cols]


def _place_segments(line: _Line, cols: list[tuple[float, float]]) -> tuple[dict[int, tuple[int, str]], bool]:
    """Column of each segment of ``line``: {first column: (end column exclusive, text)}, clean."""
    placed: dict[int, tuple[int, str]] = {}
    taken: set[int] = set()
    clean = True
    for s in line.segs:
        hit = [i for i, (x0, x1) in enumerate(cols) if s.x0 < x1 and s.x1 > x0]
        if not hit:
            mid = (s.x0 + s.x1) / 2
            hit = [min(range(len(cols)), key=lambda i: abs((cols[i][0] + cols[i][1]) / 2 - mid))]
        first, end = hit[0], hit[-1] + 1
        if taken.intersection(range(first, end)):
            clean = False
            owner = max(k for k in placed if k <= first) if any(k <= first for k in placed) else min(placed)
            o_end, o_text = placed[owner]
            placed[owner] = (max(o_end, end), f"{o_text} {s.text}")
        else:
            placed[first] = (end, s.text)
        taken.update(range(first, end))
    return placed, clean


def _unruled_table(lines: list[_Line]) -> _Table:
    cols = _columns(lines)
    placements = [_place_segments(line, cols) for line in lines]
    # a lone segment in one column, tight against a fuller row, is a wrapped part of that row's cell
    is_part = [False] * len(lines)
    for i, line in enumerate(lines):
        placed, _ = placements[i]
        if len(placed) != 1:
            continue
        (first, (end, _text)), = placed.items()
        if end - first != 1:
            continue
        best, best_d = None, None
        for j in (i - 1, i + 1):
            if 0 <= j < len(lines) and len(placements[j][0]) > 1:
                d = abs(lines[j].mid - line.mid)
                if d <= _WRAP_DISTANCE * max(line.size, lines[j].size) and (best_d is None or d < best_d):
                    best, best_d = j, d
        if best is not None:
            is_part[i] = True
            target, _ = placements[best]
            if first in target:
                t_end, t_text = target[first]
                joined = f"{_text}\n{t_text}" if i < best else f"{t_text}\n{_text}"
                target[first] = (t_end, joined)
            elif not any(k < first < v[0] for k, v in target.items()):
                target[first] = (end, _text)
    rows: list[list[str]] = []
    complete: list[bool] = []
    for i in range(len(lines)):
        if is_part[i]:
            continue
        placed, clean = placements[i]
        row: list[str] = []
        c = 0
        while c < len(cols):
            if c in placed:
                end, text = placed[c]
                row.append(text)
                c = max(end, c + 1)
            else:
                row.append("")
                c += 1
        rows.append(row)
        complete.append(clean)
    return _Table(lines[0].top, rows, complete)


def _split_unruled(lines: list[_Line]) -> list[_Line | _Table]:
    """Lines in page order, with runs that look like a table without ruling lines made tables."""
    out: list[_Line | _Table] = []
    n = len(lines)
    i = 0
    while i < n:
        if len(lines[i].segs) < 2:
            out.append(lines[i])
            i += 1
            continue
        block = [i]
        left, right = lines[i].x0, lines[i].x1
        k = i + 1
        while k < n:
            m = k  # up to three one-segment lines (wrapped labels, headers) may sit between rows
            while m < n and m - k < 3 and len(lines[m].segs) < 2 and _fits(lines[m], left, right):
                m += 1
            if m < n and len(lines[m].segs) >= 2 and all(
                    _near(lines[j - 1], lines[j]) for j in range(k, m + 1)):
                block.extend(range(k, m + 1))
                left, right = min(left, lines[m].x0), max(right, lines[m].x1)
                k = m + 1
            else:
                break
        if sum(len(lines[j].segs) >= 2 for j in block) < 2 or not any(_has_value(lines[j]) for j in block):
            out.extend(lines[i:block[-1] + 1])  # no part of it has two rows with a number
            i = block[-1] + 1
            continue
        # a wrapped first or last label line hugging the table
        first, last = block[0], block[-1]
        if first > 0 and out and out[-1] is lines[first - 1] and len(lines[first - 1].segs) == 1 \
                and abs(lines[first].mid - lines[first - 1].mid) <= _WRAP_DISTANCE * lines[first].size:
            out.pop()
            block.insert(0, first - 1)
        if last + 1 < n and len(lines[last + 1].segs) == 1 \
                and abs(lines[last + 1].mid - lines[last].mid) <= _WRAP_DISTANCE * lines[last].size:
            block.append(last + 1)
        out.append(_unruled_table([lines[j] for j in block]))
        i = block[-1] + 1
    return out


_VALUE = re.compile(r"^[-+−]?[\d,，]*\.?\d+[%％]?$|^[/／—–\-－无0]$")


def _has_value(line: _Line) -> bool:
    """A line with a number (or a nil mark) standing apart after its first segment."""
    return any(_VALUE.match(s.text) for s in line.segs[1:])


def _fits(line: _Line, left: float, right: float) -> bool:
    """A one-segment line that may sit inside a table: narrower than half the table."""
    return line.x0 >= left - 2 and line.x1 <= right + 2 and (line.x1 - line.x0) <= 0.5 * (right - left)


def _near(a: _Line, b: _Line) -> bool:
    return b.top - a.bottom <= 3.0 * max(a.size, b.size)


# --- the document ---------------------------------------------------------------------------


@dataclass(slots=True)
class _PageItems:
    number: int
    height: float
    tables: list[_Table]
    lines: list[_Line]


class _Reader:
    def __init__(self, doc: Document, limits: Limits) -> None:
        self.doc = doc
        self.limits = limits
        self.table = -1  # number of the last table emitted
        self.tail_is_table = False  # the previous page ended with a table
        self.chars = 0
        self.undecodable = 0
        self.scanned_pages: list[int] = []
        self.pages: list[_PageItems] = []

    def add_page(self, n: int, content: _PageContent) -> None:
        self._count(content, n)
        try:
            grids = _find_grids(content)
        except _ERROR_TYPES:  # odd ruling the table finder trips over: read the page as text
            grids = []
        in_table: list[list[_Char]] = [[] for _ in grids]
        flow: list[_Char] = []
        for ch in content.chars:
            cx, cy = (ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2
            for g, grid in enumerate(grids):
                x0, top, x1, bottom = grid.bbox
                if x0 <= cx <= x1 and top <= cy <= bottom:
                    in_table[g].append(ch)
                    break
            else:
                flow.append(ch)
        tables: list[_Table] = []
        for grid, chars in zip(grids, in_table):
            per_cell: list[list[_Char]] = [[] for _ in grid.spans]
            for ch in chars:
                k = grid.cell_at((ch.x0 + ch.x1) / 2, (ch.top + ch.bottom) / 2)
                if k is not None:
                    per_cell[k].append(ch)
            rows = grid.rows([_cell_text(cs) for cs in per_cell])
            if rows:
                tables.append(_Table(grid.bbox[1], rows, [True] * len(rows)))
        lines = [_make_line(cs) for cs in _group_lines(flow)]
        self.pages.append(_PageItems(n, content.height, tables, lines))

    def finish(self) -> None:
        if self.scanned_pages and len(self.scanned_pages) == len(self.pages):
            raise ReadError(SCANNED_MESSAGE, "scanned PDF: the pages are images with no text layer",
                            reason="scanned")
        if self.chars == 0:
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
        if self.scanned_pages:
            self.doc.meta["scanned_pages"] = ",".join(map(str, self.scanned_pages))
        repeated = _running_heads(self.pages)
        for page in self.pages:
            lines = [ln for ln in page.lines if not _is_furniture(ln, page.height, repeated)]
            items: list[tuple[float, _Line | _Table]] = [(t.top, t) for t in page.tables]
            items.extend((ln.top, ln) for ln in lines)
            items.sort(key=lambda it: it[0])
            self._emit(page.number, [it[1] for it in items])

    def _emit(self, page: int, items: list[_Line | _Table]) -> None:
        blocks = self.doc.blocks
        line_no = 0
        table_no = 0
        run: list[_Line] = []
        ordered: list[_Line | _Table] = []
        for item in items + [None]:  # type: ignore[list-item]
            if isinstance(item, _Line):
                run.append(item)
                continue
            if run:
                ordered.extend(_split_unruled(run))
                run = []
            if item is not None:
                ordered.append(item)
        for i, item in enumerate(ordered):
            if isinstance(item, _Line):
                line_no += 1
                blocks.append(Paragraph(item.text, f"page {page} line {line_no}"))
            else:
                table_no += 1
                if not (i == 0 and self.tail_is_table):  # a table going on from the page before
                    self.table += 1
                for r, (cells, complete) in enumerate(zip(item.rows, item.complete), start=1):
                    at = f"page {page} table {table_no} row {r}"
                    blocks.append(Row([Cell(t, f"{at} cell {c}") for c, t in enumerate(cells, start=1)],
                                      at, self.table, complete))
            if len(blocks) > self.limits.max_blocks:
                raise LimitExceeded("文件内容过多，超过可处理的上限", f"more than {self.limits.max_blocks} blocks")
        if ordered:
            self.tail_is_table = isinstance(ordered[-1], _Table)

    def _count(self, content: _PageContent, page: int) -> None:
        n = len(content.chars)
        self.chars += n
        self.undecodable += sum(1 for c in content.chars if c.text.startswith("(cid:")
                                or "\ue000" <= c.text[0] <= "\uf8ff")
        if self.chars > self.limits.max_text_chars:
            raise LimitExceeded(
                f"文本过长（超过 {self.limits.max_text_chars} 字的上限）",
                f"text too long (more than {self.limits.max_text_chars} characters)",
            )
        if n < _SCAN_CHARS and content.image_area > 0.2 * content.width * content.height:
            self.scanned_pages.append(page)


_MARGIN = 0.08  # page headers and footers sit in the top and bottom 8 % of a page


def _margin_key(line: _Line, height: float) -> tuple[str, str] | None:
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
        for key in {_margin_key(ln, page.height) for ln in page.lines} - {None}:
            counts[key] = counts.get(key, 0) + 1  # type: ignore[index]
    return {k for k, v in counts.items() if v >= 2 and v >= 0.4 * len(pages)}


def _is_furniture(line: _Line, height: float, repeated: set[tuple[str, str]]) -> bool:
    key = _margin_key(line, height)
    if key is None:
        return False
    return key in repeated or bool(_PAGE_NUMBER.match(line.text.strip()))
