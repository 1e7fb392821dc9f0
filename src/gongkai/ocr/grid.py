"""Ruled tables on a page image: the ruling lines, the tables they form, and each table's cells.

Ruling lines are long thin runs of ink, longer than any stroke of a character: a morphological
opening with a long flat (or tall thin) kernel keeps them and nothing else. Lines that touch form a
table; the white regions the lines enclose are its cells, so a merged cell comes out as one box. The
cells' edges, clustered, are the table's column and row lines, and each cell spans the grid
positions between its edges."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .ink import Gray, ink_mask
from .result import Box

# px at 150 dpi (scaled by :func:`px` to the image's resolution); kernels grow with the page, from these floors
_MIN_RULE = 40  # px: longer than a bold heading's strokes (30 px let the heading above a table fuse with it)
_BRIDGE = 9  # px: rules are thickened along their length this much to bridge breaks and a slight turn
_MIN_TABLE = (150, 40)  # px: width and height of the smallest table
_MIN_CELL = 12  # px: a smaller white region between rules is a gap, not a cell
_EDGE_TOLERANCE = 16  # px: cell edges this close are one grid line (a rule and its bridging are ~13 px)


@dataclass(frozen=True, slots=True)
class GridCell:
    row: int
    col: int
    row_end: int  # exclusive
    col_end: int
    box: Box  # the white region inside the cell's rules


@dataclass(frozen=True, slots=True)
class Grid:
    box: Box
    n_rows: int
    n_cols: int
    cells: tuple[GridCell, ...]  # by first row, then column


def px(n: int, dpi: int) -> int:
    """``n`` pixels at 150 dpi, at ``dpi``."""
    return max(1, round(n * dpi / 150))


def ruling_lines(gray: Gray, dpi: int) -> Gray:
    """255 on the page's ruling lines (thickened a little), 0 elsewhere."""
    ink = ink_mask(gray)
    h, w = ink.shape
    rule, bridge = px(_MIN_RULE, dpi), px(_BRIDGE, dpi)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(rule, w // 30), 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(rule, h // 44))))
    return np.asarray(cv2.bitwise_or(cv2.dilate(horizontal, np.ones((3, bridge), np.uint8)),
                                     cv2.dilate(vertical, np.ones((bridge, 3), np.uint8))), dtype=np.uint8)


def find_grids(lines: Gray, dpi: int) -> list[Grid]:
    """The tables the ruling lines form, top to bottom. A lone frame (one column) is no table."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(lines)
    grids = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i][:4])
        if w < px(_MIN_TABLE[0], dpi) or h < px(_MIN_TABLE[1], dpi):
            continue
        grid = _grid(lines[y:y + h, x:x + w], x, y, dpi)
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: (g.box.y0, g.box.x0))
    return grids


def _grid(lines: Gray, x: int, y: int, dpi: int) -> Grid | None:
    h, w = lines.shape
    smallest = px(_MIN_CELL, dpi)
    m, _, stats, _ = cv2.connectedComponentsWithStats(cv2.bitwise_not(lines), connectivity=4)
    boxes = []
    for j in range(1, m):
        cx, cy, cw, ch = (int(v) for v in stats[j][:4])
        # regions touching the table's outline lie outside its rules
        if cx == 0 or cy == 0 or cx + cw >= w or cy + ch >= h or cw < smallest or ch < smallest:
            continue
        boxes.append(Box(x + cx, y + cy, x + cx + cw, y + cy + ch))
    if len(boxes) < 2:
        return None
    tolerance = px(_EDGE_TOLERANCE, dpi)
    xs = _grid_lines([b.x0 for b in boxes] + [b.x1 for b in boxes], tolerance)
    ys = _grid_lines([b.y0 for b in boxes] + [b.y1 for b in boxes], tolerance)
    cells = []
    for b in boxes:
        r0, r1, c0, c1 = _nearest(ys, b.y0), _nearest(ys, b.y1), _nearest(xs, b.x0), _nearest(xs, b.x1)
        if r1 > r0 and c1 > c0:
            cells.append(GridCell(r0, c0, r1, c1, b))
    n_cols, n_rows = len(xs) - 1, len(ys) - 1
    if n_cols < 2 or not cells:
        return None
    cells.sort(key=lambda c: (c.row, c.col))
    return Grid(Box(x, y, x + w, y + h), n_rows, n_cols, tuple(cells))


def _grid_lines(edges: list[int], tolerance: int) -> list[float]:
    """Edges clustered into grid lines: a cell's right edge and its neighbour's left edge lie a rule's
    width apart, and are one line."""
    out: list[list[int]] = []
    for e in sorted(edges):
        if out and e - out[-1][-1] <= tolerance:
            out[-1].append(e)
        else:
            out.append([e])
    return [sum(group) / len(group) for group in out]


def _nearest(axis: list[float], v: int) -> int:
    return min(range(len(axis)), key=lambda i: abs(axis[i] - v))
