"""The Excel form's fixed layout, shared by its writer (render/xlsx.py) and its reader (forms/workbook.py).

* the sheet「基本信息」(:data:`INFO`) holds the report's own facts and the sections' text, one per row:
  the label in column A, the value in column B, a key in hidden column C (``agency``, ``year``,
  ``edition``, ``date``, ``title``, ``section:N:title``);
* one sheet per table, named as :func:`sheet_name` says, the table's grid (formats/layout.py) from
  row :data:`ROW0` on;
* the hidden sheet「_gongkai」(:data:`META`): ``schema`` :data:`FORM_SCHEMA`, ``edition``, then one row per
  cell of the report (cell, sheet, position), so that reading back does not depend on guessing positions.
"""

from __future__ import annotations

from . import TABLE_NAMES

FORM_SCHEMA = "gongkai.form/1"
INFO = "基本信息"
META = "_gongkai"
ROW0 = 3  # the grid starts on this row of a table sheet (rows 1–2: title and instructions)


def sheet_name(table: str) -> str:
    return TABLE_NAMES[table]
