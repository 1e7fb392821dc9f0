"""Tables on a PDF page, found with pdfplumber's table finder.

Ruled tables: the page's visible ruling lines (pdfplumber's ``rects``, ``lines`` and ``curves``)
are given to pdfplumber's ``TableFinder`` on the real page (``find_tables``), whose
``Table.cells`` are placed on a grid (:class:`Grid`). Tables printed without ruling lines: runs of
text lines that stand apart in columns with numbers among them (:func:`split_unruled`) get their
columns from pdfplumber's text strategy (``words_to_edges_v``).

Hand-written, because pdfplumber has no such thing:

* which ruling lines are visible: pdfplumber's ``edges`` include the invisible white boxes Word puts
  behind text, and join the control points of Bézier curves (a round seal gives upright "edges");
* the grid of a table's cells: pdfplumber's ``Table.rows`` marks a position covered by a cell merged
  across columns and one covered by a cell merged down from an earlier row the same way (None);
  the report needs the first to be part of one cell and the second to be an empty cell;
* which printed lines form a table without ruling lines, and the parts of a label wrapped over two
  lines with its numbers printed between them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from pdfplumber.page import Page
from pdfplumber.table import words_to_edges_v
from pdfplumber.utils import obj_to_edges

if TYPE_CHECKING:
    from ..ocr.result import OcrCell

SNAP = 3.0  # ruling lines closer than this (pt) are one line
MIN_EDGE = 3.0  # shorter ruling segments are ignored
# pdfplumber's cell finding grows faster than the square of the crossings (a 100 x 100 grid takes
# seconds): a page with more ruling than any report's tables is a drawing, or a trap
MAX_EDGES = 8000
MAX_CROSSINGS = 5000  # distinct vertical x positions times horizontal y positions (report pages: < 2,000)
WRAP_DISTANCE = 0.9  # a lone line this close (in font sizes, centre to centre) to a row belongs to it


# --- what the page reader hands over --------------------------------------------------------


@dataclass(slots=True)
class Seg:
    """A run of characters of one line with no column-sized gap inside."""

    x0: float
    x1: float
    text: str


@dataclass(slots=True)
class Line:
    top: float
    bottom: float
    size: float
    segs: list[Seg]
    confidence: float | None = None  # a line read by OCR: its lowest character confidence

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
class Table:
    """Rows of one table found on a page: each row is a list of cell texts (for a table read by OCR,
    ``scanned`` holds the cells OCR read, row by row as ``rows``; None where ``rows`` has the empty
    cell of a position covered by a cell merged down)."""

    top: float
    rows: list[list[str]]
    complete: list[bool] = field(default_factory=list)
    scanned: list[list[OcrCell | None]] | None = None


# --- ruling lines ---------------------------------------------------------------------------


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


def _visible(obj: dict) -> bool:
    return (bool(obj.get("stroke")) and not _is_white(obj.get("stroking_color"))) or \
        (bool(obj.get("fill")) and not _is_white(obj.get("non_stroking_color")))


def _edge(x0: float, top: float, x1: float, bottom: float, orientation: str) -> dict:
    return {"object_type": "line_edge", "orientation": orientation, "x0": x0, "x1": x1, "top": top,
            "bottom": bottom, "doctop": top, "width": x1 - x0, "height": bottom - top}


def _straight_edges(path: list, out: list[dict]) -> None:
    """The straight axis-parallel pieces of a drawn path (curved pieces, e.g. of a round seal, are
    left out); ``path`` is pdfplumber's, in page coordinates."""
    current = start = None
    for op, *points in path:
        end = points[-1] if points else start
        if op in ("l", "h") and current is not None and end is not None:
            (ax, ay), (bx, by) = current, end
            if abs(ay - by) < 0.5 and abs(ax - bx) >= MIN_EDGE:
                out.append(_edge(min(ax, bx), ay, max(ax, bx), ay, "h"))
            elif abs(ax - bx) < 0.5 and abs(ay - by) >= MIN_EDGE:
                out.append(_edge(ax, min(ay, by), ax, max(ay, by), "v"))
        if op == "m":
            start = end
        current = end


def ruling_edges(page: Page) -> list[dict]:
    """The page's visible ruling: rectangles (filled or stroked, thin filled bars included) as
    pdfplumber turns them into edges, and the straight pieces of stroked lines and paths."""
    edges: list[dict] = []
    for rect in page.rects:
        if _visible(rect):
            edges.extend(e for e in obj_to_edges(rect) if max(e["width"], e["height"]) >= MIN_EDGE)
    for obj in page.lines + page.curves:
        if _visible(obj):
            _straight_edges(obj.get("path") or list(zip(["m"] + ["l"] * (len(obj["pts"]) - 1), obj["pts"], strict=False)),
                            edges)
    return edges


# --- ruled tables ---------------------------------------------------------------------------


def _axis(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > 0.5:
            out.append(v)
    return out


def _index(axis: list[float], v: float) -> int:
    return max(bisect_right(axis, v + 0.5) - 1, 0)


class Grid:
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


def find_grids(page: Page, edges: list[dict]) -> list[Grid]:
    v = [e for e in edges if e["orientation"] == "v"]
    h = [e for e in edges if e["orientation"] == "h"]
    if len(v) < 2 or len(h) < 2 or len(v) + len(h) > MAX_EDGES:
        return []
    xs = {round(e["x0"] / SNAP) for e in v}
    ys = {round(e["top"] / SNAP) for e in h}
    if len(xs) * len(ys) > MAX_CROSSINGS:
        return []
    tables = page.find_tables({
        "vertical_strategy": "explicit", "horizontal_strategy": "explicit",
        "explicit_vertical_lines": v, "explicit_horizontal_lines": h,
        "snap_tolerance": SNAP, "join_tolerance": SNAP, "edge_min_length": MIN_EDGE,
        "intersection_tolerance": SNAP,
    })
    grids = []
    for table in tables:
        grid = Grid(table.cells)
        if grid.ncols >= 2 and grid.nrows >= 1:  # a lone box or a one-column frame is no table
            grids.append(grid)
    return grids


# --- tables without ruling lines ------------------------------------------------------------


def _columns(lines: list[Line]) -> list[tuple[float, float]]:
    """Column intervals of an unruled table: pdfplumber's text strategy (lines through the left
    edges, right edges or centres of at least two segments) over the segments of its lines."""
    words = [{"x0": s.x0, "x1": s.x1, "top": line.top, "bottom": line.bottom} for line in lines for s in line.segs]
    edges = sorted({round(e["x0"], 3) for e in words_to_edges_v(words, word_threshold=2)})
    return list(pairwise(edges))


def _hits(s: Seg, cols: list[tuple[float, float]]) -> list[int]:
    """The columns a segment covers: each it overlaps by half the narrower of the two, else the one
    whose middle is nearest its own."""
    hit = [i for i, (x0, x1) in enumerate(cols)
           if min(s.x1, x1) - max(s.x0, x0) >= 0.5 * min(s.x1 - s.x0, x1 - x0) and s.x0 < x1 and s.x1 > x0]
    if hit:
        return list(range(hit[0], hit[-1] + 1))
    mid = (s.x0 + s.x1) / 2
    return [min(range(len(cols)), key=lambda i: abs((cols[i][0] + cols[i][1]) / 2 - mid))]


def _place_segments(line: Line, cols: list[tuple[float, float]]) -> tuple[dict[int, tuple[int, str]], bool]:
    """Column of each segment of ``line``: {first column: (end column exclusive, text)}, clean."""
    placed: dict[int, tuple[int, str]] = {}
    taken: set[int] = set()
    clean = True
    for s in line.segs:
        hit = _hits(s, cols)
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


def _unruled_table(lines: list[Line]) -> Table | None:
    cols = _columns(lines)
    if len(cols) < 2:
        return None
    placements = [_place_segments(line, cols) for line in lines]
    # a lone segment in one column, tight against a fuller row, is a wrapped part of that row's cell
    is_part = [False] * len(lines)
    for i, line in enumerate(lines):
        placed, _ = placements[i]
        if len(placed) != 1:
            continue
        (first, (end, text)), = placed.items()
        if end - first != 1:
            continue
        best, best_d = None, None
        for j in (i - 1, i + 1):
            if 0 <= j < len(lines) and len(placements[j][0]) > 1:
                d = abs(lines[j].mid - line.mid)
                if d <= WRAP_DISTANCE * max(line.size, lines[j].size) and (best_d is None or d < best_d):
                    best, best_d = j, d
        if best is not None:
            is_part[i] = True
            target, _ = placements[best]
            if first in target:
                t_end, t_text = target[first]
                target[first] = (t_end, f"{text}\n{t_text}" if i < best else f"{t_text}\n{text}")
            elif not any(k < first < v[0] for k, v in target.items()):
                target[first] = (end, text)
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
    return Table(lines[0].top, rows, complete)


def split_unruled(lines: list[Line]) -> list[Line | Table]:
    """Lines in page order, with runs that look like a table without ruling lines made tables."""
    out: list[Line | Table] = []
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
                and abs(lines[first].mid - lines[first - 1].mid) <= WRAP_DISTANCE * lines[first].size:
            out.pop()
            block.insert(0, first - 1)
        if last + 1 < n and len(lines[last + 1].segs) == 1 \
                and abs(lines[last + 1].mid - lines[last].mid) <= WRAP_DISTANCE * lines[last].size:
            block.append(last + 1)
        table = _unruled_table([lines[j] for j in block])
        if table is None:  # the text strategy finds no two columns in it
            out.extend(lines[j] for j in block)
        else:
            out.append(table)
        i = block[-1] + 1
    return out


_VALUE = re.compile(r"^[-+−]?[\d,，]*\.?\d+[%％]?$|^[/／—–\-－无0]$")


def _has_value(line: Line) -> bool:
    """A line with a number (or a nil mark) standing apart after its first segment."""
    return any(_VALUE.match(s.text) for s in line.segs[1:])


def _fits(line: Line, left: float, right: float) -> bool:
    """A one-segment line that may sit inside a table: narrower than half the table."""
    return line.x0 >= left - 2 and line.x1 <= right + 2 and (line.x1 - line.x0) <= 0.5 * (right - left)


def _near(a: Line, b: Line) -> bool:
    return b.top - a.bottom <= 3.0 * max(a.size, b.size)
