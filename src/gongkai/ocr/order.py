"""Reading order of boxes on a page: lines of boxes side by side, top to bottom, each left to right."""

from __future__ import annotations

from .result import Box


def rows(boxes: list[Box]) -> list[list[int]]:
    """Indices of ``boxes`` grouped into printed lines (a box overlapping the line's first box by more
    than half the smaller height is beside it), top to bottom, each left to right. Reports are printed
    in one column, so this is their reading order."""
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i].y0 + boxes[i].y1, boxes[i].x0))
    out: list[list[int]] = []
    for i in order:
        b = boxes[i]
        if out:
            first = boxes[out[-1][0]]
            if min(b.y1, first.y1) - max(b.y0, first.y0) > 0.5 * min(b.height, first.height):
                out[-1].append(i)
                continue
        out.append([i])
    return [sorted(row, key=lambda i: boxes[i].x0) for row in out]
