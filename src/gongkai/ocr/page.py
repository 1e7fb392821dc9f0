"""One page image read: set upright, tables found and read cell by cell, then the running text."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .cells import read_cell
from .deskew import skew_angle, upright
from .engine import Engine
from .grid import find_grids, ruling_lines
from .ink import Gray, darker_than, paper_level
from .narrative import paint_out_tables, read_narrative
from .result import OcrPage, OcrTable
from .settings import OcrSettings


def read_page(engine: Engine, gray: Gray, number: int, dpi: int, settings: OcrSettings,
              check: Callable[[], None]) -> OcrPage:
    """Page ``number`` from its image ``gray`` at ``dpi``. ``check`` is called between steps and raises
    when the page's time is up (:mod:`.budget`)."""
    angle = skew_angle(gray)
    page = upright(gray, angle)
    h, w = page.shape
    if np.count_nonzero(darker_than(page, paper_level(page) - settings.ink_contrast)) < settings.min_ink_pixels:
        return OcrPage(number, dpi, angle, w, h, (), ())  # a blank page
    lines = ruling_lines(page, dpi)
    grids = find_grids(lines, dpi)
    tables = []
    for grid in grids:
        cells = []
        for cell in grid.cells:
            check()
            cells.append(read_cell(engine, page, lines, cell, settings, dpi))
        tables.append(OcrTable(grid.box, grid.n_rows, grid.n_cols, tuple(cells)))
    check()
    narrative = read_narrative(engine, paint_out_tables(page, lines, grids, dpi), check)
    return OcrPage(number, dpi, angle, w, h, tuple(narrative), tuple(tables))
