"""Ink and paper of a greyscale scan (uint8, 0 black … 255 white)."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Gray = NDArray[np.uint8]


def ink_mask(gray: Gray) -> Gray:
    """255 where there is ink, 0 on paper: Otsu's threshold after a light blur (JPEG noise)."""
    blur = cv2.GaussianBlur(gray, (3, 3), 0)
    return np.asarray(cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1], dtype=np.uint8)


def paper_level(gray: Gray) -> int:
    """The paper's grey: the median, since a page or a cell is mostly paper."""
    return int(np.median(gray)) if gray.size else 255


def darker_than(gray: Gray, level: int) -> NDArray[np.bool_]:
    """Where the image, lightly blurred, is darker than ``level``. Relative to the paper, not a fixed
    threshold: the small digits of a pale scan are 120 grey on paper of 244."""
    return np.asarray(cv2.GaussianBlur(gray, (3, 3), 0) < level)


def text_bands(ink: NDArray[np.bool_]) -> int:
    """How many lines of text the marks form: bands of inked rows between blank rows. A band much
    thinner than the tallest (a speck, a stroke left by a rule) is not counted."""
    rows = np.asarray(ink.any(axis=1), dtype=bool)
    bands: list[int] = []
    run = 0
    for inked in rows.tolist():
        if inked:
            run += 1
        elif run:
            bands.append(run)
            run = 0
    if run:
        bands.append(run)
    if not bands:
        return 0
    tallest = max(bands)
    return sum(1 for b in bands if b >= max(3, tallest * 0.3))
