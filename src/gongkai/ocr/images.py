"""Images to read: a PDF page without a usable text layer rendered, or an image embedded in a Word
document or a web page, as greyscale (uint8) at about 150 dpi.

PDF pages are rendered with pypdfium2 (PDFium; already installed as a dependency of pdfplumber).
Whether a page needs OCR at all is decided in :mod:`.textlayer`."""

from __future__ import annotations

import io
import math

import cv2
import numpy as np
import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no type information shipped
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import LimitExceeded, ReadError
from .ink import Gray, ink_mask
from .settings import OcrSettings

_MAX_UPSCALE = 4.0


def render_page(pdf: pdfium.PdfDocument, index: int, dpi: int, max_pixels: int) -> tuple[Gray, int]:
    """Page ``index`` (from 0) as a greyscale image, and the resolution it was rendered at: ``dpi``, or
    less for a page so large that it would have more than ``max_pixels``."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        if not (width > 0 and height > 0):
            raise ReadError(f"PDF 第 {index + 1} 页的页面大小无效", f"page {index + 1} has no size", reason="corrupt")
        pixels = width * height * (dpi / 72) ** 2
        if pixels > max_pixels:
            dpi = max(1, math.floor(dpi * math.sqrt(max_pixels / pixels)))
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        try:
            image = np.array(bitmap.to_numpy(), dtype=np.uint8)  # a copy: the bitmap's memory is freed below
        finally:
            bitmap.close()
    finally:
        page.close()
    if image.ndim == 3:  # PDFium may hand back a colour bitmap
        image = np.asarray(cv2.cvtColor(image[:, :, :3], cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    return image, dpi


def load_image(data: bytes, max_pixels: int) -> Gray:
    """An embedded image (PNG, JPEG, GIF, BMP, TIFF…) as greyscale; transparency on white paper, turned
    as its EXIF orientation says. ReadError if it cannot be decoded, LimitExceeded if it is too large
    (its size is read from the header, before the pixels are decoded)."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            w, h = img.size
            if w * h > max_pixels:
                raise LimitExceeded(f"图片过大（{w}×{h} 像素），超过 OCR 可处理的上限",
                                    f"image of {w}x{h} pixels is over max_ocr_pixels ({max_pixels})")
            img.seek(0)
            upright = ImageOps.exif_transpose(img)
            if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
                rgba = upright.convert("RGBA")
                paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                upright = Image.alpha_composite(paper, rgba)
            return np.asarray(upright.convert("L"), dtype=np.uint8).copy()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ReadError("嵌入的图片无法解码", f"embedded image cannot be decoded: {type(exc).__name__}: {exc}",
                        reason="corrupt") from exc


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of an embedded image, from its header (no pixels decoded); None when it cannot
    be told."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            return img.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def to_reading_scale(gray: Gray, settings: OcrSettings, max_pixels: int) -> tuple[Gray, float]:
    """An embedded image scaled so that its characters are about ``settings.char_height`` px high, as
    on a page at 150 dpi, and the factor applied (never to more than ``max_pixels``). The same tables
    at half that size lost a fifth of their digits; scaled back up first, all but one. Images already
    near that size are left as they are."""
    height = char_height(gray)
    if height is None:
        return gray, 1.0
    factor = settings.char_height / height
    if 0.75 <= factor <= 1.25:
        return gray, 1.0
    factor = min(factor, _MAX_UPSCALE, math.sqrt(max_pixels / gray.size))
    size = (max(1, round(gray.shape[1] * factor)), max(1, round(gray.shape[0] * factor)))
    method = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    return np.asarray(cv2.resize(gray, size, interpolation=method), dtype=np.uint8), factor


def char_height(gray: Gray) -> float | None:
    """The typical height of the characters in an image (px): the median height of the blobs of ink
    the size of a character (not specks, not ruling lines), or None when there are too few."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink_mask(gray), connectivity=8)
    heights = [int(s[3]) for s in stats[1:n] if 3 <= s[3] <= gray.shape[0] // 4 and s[2] <= 3 * s[3] and s[4] >= 6]
    if len(heights) < 5:
        return None
    return float(np.median(np.asarray(heights, dtype=np.float64)))

