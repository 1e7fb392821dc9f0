"""Reading one table cell.

The cell's inside (within its rules) is cut out, the remnants of rules in it are painted paper,
and what is left is judged against the paper's own grey: ink is much darker than the paper, a
faint print a little darker, a blank cell has neither. The crop given to the recogniser is trimmed
to the ink with a small margin (with the whole cell, ``0`` was read as ``。`` and 82 of 200 cells
were right; trimmed, 199). A cell of one line (every number) goes to the recogniser alone; a
wrapped cell (a label) goes through the detector first, since the recogniser reads one line."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from .engine import Engine, Recognised
from .grid import GridCell, px
from .ink import Gray, darker_than, paper_level, text_bands
from .order import rows
from .result import FAINT, LOW_CONFIDENCE, SMUDGED, UNREAD, Box, OcrCell
from .settings import OcrSettings

_INSET = 2  # px inside the white region: its border pixels are often grey from the rule next to it
_MARGIN = 6  # px of paper around the ink in what the recogniser sees
# A blot: ink this far (px) from the nearest paper. Strokes of digits are at most ~4 px from paper, dense
# Chinese characters at small sizes ~7; a thumb's smear over two digits 13.
_BLOT = 6
_BLOT_CJK = 10
_DOUBTFUL_IMAGE = 0.5  # the confidence of a faint or smudged cell is at most this (see result.SMUDGED)


def read_cell(engine: Engine, gray: Gray, lines: Gray, cell: GridCell, settings: OcrSettings, dpi: int) -> OcrCell:
    """Cell ``cell`` of the upright page ``gray`` (ruling lines ``lines``), read at ``dpi``."""
    b = cell.box
    x0, y0 = b.x0 + _INSET, b.y0 + _INSET
    x1, y1 = max(x0 + 1, b.x1 - _INSET), max(y0 + 1, b.y1 - _INSET)
    scanned = gray[y0:y1, x0:x1]
    crop = scanned.copy()
    paper = paper_level(crop)
    crop[lines[y0:y1, x0:x1] > 0] = paper  # rule remnants are not text
    ink = darker_than(crop, paper - settings.ink_contrast)
    faint = False
    if np.count_nonzero(ink) < settings.min_ink_pixels:
        marks = darker_than(crop, paper - settings.faint_contrast)
        if np.count_nonzero(marks) < settings.min_ink_pixels:
            return _cell(cell, scanned, "", None, None)
        ink, faint = marks, True
    ys, xs = np.nonzero(ink)
    m = px(_MARGIN, dpi)
    top, left = max(0, int(ys.min()) - m), max(0, int(xs.min()) - m)
    tight = crop[top:int(ys.max()) + m + 1, left:int(xs.max()) + m + 1]
    if faint:
        tight = _stretch(tight, paper)
    if text_bands(ink[int(ys.min()):int(ys.max()) + 1]) <= 1:
        read = engine.recognise(tight)
        text = " ".join(read.text.split())
        lowest = read.lowest
    else:
        text, lowest = read_lines(engine, tight)
    if not text:
        return _cell(cell, scanned, "", 0.0, UNREAD)
    if faint or _blotted(ink, text, dpi):
        # the recogniser reads what is visible; it cannot know what a blot hides or a faded stroke was
        return _cell(cell, scanned, text, min(lowest, _DOUBTFUL_IMAGE), FAINT if faint else SMUDGED)
    return _cell(cell, scanned, text, lowest, LOW_CONFIDENCE if lowest < settings.low_confidence else None)


def _blotted(ink: NDArray[np.bool_], text: str, dpi: int) -> bool:
    """A blot of ink in the cell, thicker than any stroke of print: a smear, a stamp, a hole punched."""
    depth = float(cv2.distanceTransform(ink.astype(np.uint8), cv2.DIST_L2, 3).max())
    return depth > px(_BLOT_CJK if any(_cjk(ch) for ch in text) else _BLOT, dpi)


def _cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def read_lines(engine: Engine, image: Gray) -> tuple[str, float]:
    """Text of several lines (joined with "\\n", top to bottom) and its lowest character confidence:
    the detector finds the lines, the recogniser reads each. When the detector finds none the whole
    image is read as one line."""
    boxes = engine.detect(image)
    if not boxes:
        read = engine.recognise(image)
        return " ".join(read.text.split()), read.lowest
    parts: list[tuple[Box, Recognised]] = []
    for box in boxes:
        read = engine.recognise(image[box.y0:box.y1, box.x0:box.x1])
        if read.text.strip():
            parts.append((box, read))
    if not parts:
        return "", 0.0
    texts: list[str] = []
    for row in rows([box for box, _ in parts]):
        texts.append("".join("".join(parts[i][1].text.split()) for i in row))
    return "\n".join(texts), min(read.lowest for _, read in parts)


def _stretch(image: Gray, paper: int) -> Gray:
    """A faint print made dark: its darkest marks black, the paper white."""
    darkest = int(image.min())
    span = max(1, paper - darkest)
    scaled = (image.astype(np.float32) - darkest) * (255.0 / span)
    return np.clip(scaled, 0, 255).astype(np.uint8)


def _cell(cell: GridCell, scanned: Gray, text: str, confidence: float | None, doubt: str | None) -> OcrCell:
    return OcrCell(cell.row, cell.col, cell.row_end, cell.col_end, cell.box, text, confidence, doubt,
                   png(scanned))


def png(image: Gray) -> bytes:
    ok, data = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    if not ok:  # OpenCV fails only on an empty image
        return b""
    return data.tobytes()
