"""The running text of a page: every line outside the tables, in reading order.

The tables are painted out first, carefully: a section heading often sits right on a table's top
rule, and painting the table with a margin cut the heading's lower strokes (both engines then lost
"二、主动公开政府信息情况"). So only the rule pixels are erased, and the table's inside from a little
below its top rule. Ruling-like strokes outside tables (a bold title's long strokes pass the line
filter) are left alone."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from .engine import Engine
from .grid import Grid, px
from .ink import Gray
from .order import rows
from .result import Box, OcrLine

_BELOW_TOP_RULE = 6  # px: the table is painted out from this far below its top rule
_AROUND = 4  # px: and this far beyond its other sides


def paint_out_tables(gray: Gray, lines: Gray, grids: list[Grid], dpi: int) -> Gray:
    page = gray.copy()
    below, around = px(_BELOW_TOP_RULE, dpi), px(_AROUND, dpi)
    for grid in grids:
        b = grid.box
        region = page[b.y0:b.y1, b.x0:b.x1]
        region[lines[b.y0:b.y1, b.x0:b.x1] > 0] = 255
        page[b.y0 + below:b.y1 + around, max(0, b.x0 - around):b.x1 + around] = 255
    return page


def read_narrative(engine: Engine, page: Gray, check: Callable[[], None]) -> list[OcrLine]:
    """The lines of text of ``page`` (tables painted out) in reading order; ``check`` is called
    before each line is read (it raises when time is up)."""
    boxes = engine.detect(page)
    pieces: list[tuple[Box, str, float]] = []
    for box in boxes:
        check()
        read = engine.recognise(page[box.y0:box.y1, box.x0:box.x1])
        text = read.text.strip()
        if text:
            pieces.append((box, text, read.lowest))
    out = []
    for row in rows([p[0] for p in pieces]):
        parts = [pieces[i] for i in row]
        text = parts[0][1]
        for (prev_box, _, _), (box, more, _) in pairwise(parts):
            text = _join(text, more, box.x0 - prev_box.x1, prev_box.height)
        box = Box(min(p[0].x0 for p in parts), min(p[0].y0 for p in parts),
                  max(p[0].x1 for p in parts), max(p[0].y1 for p in parts))
        out.append(OcrLine(text, min(p[2] for p in parts), box))
    return out


def _join(text: str, more: str, gap: int, height: int) -> str:
    """Two pieces of one printed line: nothing between Chinese characters set close, a space otherwise
    (between Latin words or numbers, or across a wide gap)."""
    if gap < 1.5 * height and (_wide(text[-1]) or _wide(more[0])):
        return text + more
    return f"{text} {more}"


def _wide(ch: str) -> bool:
    cp = ord(ch)
    return cp >= 0x2E80 or 0x2010 <= cp <= 0x206F or cp == 0xB7
