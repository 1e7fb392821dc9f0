"""How scans are read: the tuning of the OCR steps, passed explicitly to each of them.

What one file may cost (pages, seconds, pixels, threads) is not here but in
:class:`gongkai.limits.Limits` (``max_ocr_*``, ``ocr_threads``), with the other limits. Pixel sizes
below are for a page at 150 dpi; embedded images are first scaled to about that resolution
(:func:`gongkai.ocr.images.to_reading_scale`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OcrSettings:
    dpi: int = 150  # a page without text is rendered at this resolution: body text ~30 px, table digits ~12 px
    low_confidence: float = 0.90  # a reading whose lowest character confidence is below this is in doubt
    ink_contrast: int = 45  # ink is this much darker than the paper (grey levels, after a 3x3 blur)
    faint_contrast: int = 20  # marks this much darker than the paper, and no ink: a faint print, not a blank
    min_ink_pixels: int = 12  # fewer pixels of marks than this in a cell: nothing is printed there
    detector_side: int = 960  # the text detector sees the page scaled to this long side (2x faster, same text)
    char_height: int = 14  # an embedded image is scaled until its characters are about this high (px)
