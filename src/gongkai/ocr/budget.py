"""The OCR time and pages one file may use (``Limits.max_ocr_*``), shared by its pages or images.

Time is checked between steps (each cell, each line of text): one step of the engine takes at most
about a second, so a page overruns its limit by that much at most. A page over its own limit, or
read when the file's time is spent, is left unread and said to be (:class:`~.result.OcrPage`
``unread``); the pages read before it are kept. More pages than ``max_ocr_pages`` refuse the file,
as too many pages do for every PDF."""

from __future__ import annotations

import time
from collections.abc import Callable

from ..errors import LimitExceeded
from ..limits import Limits
from .result import FILE_TIMEOUT, PAGE_TIMEOUT


class OcrTimeout(Exception):
    """A page's or the file's OCR time is up; ``reason`` is PAGE_TIMEOUT or FILE_TIMEOUT."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Budget:
    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.file_end = clock() + limits.max_ocr_seconds
        self.pages = 0

    def check_pages(self, count: int) -> None:
        """LimitExceeded when ``count`` more pages would be over ``max_ocr_pages``."""
        if self.pages + count > self.limits.max_ocr_pages:
            raise LimitExceeded(
                f"需要文字识别（OCR）的扫描页过多（超过 {self.limits.max_ocr_pages} 页的上限）",
                f"too many pages to OCR ({self.pages + count}; max_ocr_pages is {self.limits.max_ocr_pages})",
            )

    def page(self) -> Callable[[], None]:
        """Start a page: a check to call between its steps, which raises OcrTimeout when time is up."""
        self.check_pages(1)
        self.pages += 1
        page_end = self.clock() + self.limits.max_ocr_seconds_per_page
        file_end = self.file_end
        clock = self.clock

        def check() -> None:
            now = clock()
            if now > file_end:
                raise OcrTimeout(FILE_TIMEOUT)
            if now > page_end:
                raise OcrTimeout(PAGE_TIMEOUT)

        return check
