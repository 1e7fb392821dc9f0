"""The Excel form (``gongkai template --xlsx``, written by render/xlsx.py) read back: the values people
typed, by the positions the form's hidden map gives (formats/form.py).

openpyxl does not calculate formulas; a spreadsheet program saves each formula's value with it
(Excel, WPS and LibreOffice all do), and that saved value is what is read. A form no spreadsheet
has opened (filled by a script, or not filled at all) has formulas without values:

* a total is left out and computed from its parts (totals.fill_totals), as for any data;
* the one other formula gongkai writes, last year's figure plus and minus this year's cells
  (现行有效件数 = 上年 + 本年制发 − 本年废止, compose.STOCKS), is worked out here;
* any other formula is kept as written, and the checks report it as not a number.

A total with a saved value is kept as it is, even when it disagrees with its parts: the checks say so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import re
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from ..document import Source
from ..errors import GongkaiError, ReadError
from ..extract.meta import parse_date
from ..extract.values import MAX_DIGITS, make_cell
from ..formats import get_edition
from ..formats.common import standard_title
from ..formats.files import FROM_DATA
from ..formats.form import INFO, META, ROW0, sheet_name
from ..formats.layout import grid
from ..limits import DEFAULT_LIMITS
from ..location import Location
from ..model import Cell, Report, Section
from ..readers.docx import open_archive, refuse_doctype
from ..totals import format_number, total_cells


class FormError(GongkaiError):
    """A file that is not a gongkai Excel form, or cannot be opened as one."""

    code = "bad-form"


def parse(raw: bytes, name: str | None, kind: str = "xlsx") -> dict[str, Any]:
    """The form's values as the JSON contract's structure, to be checked like JSON and YAML."""
    return read_workbook(raw, name).to_json()


def read_workbook(data: bytes, name: str | None = None) -> Report:
    """The form's values as they stand in the workbook (not yet checked against the data schema)."""
    try:  # a form comes from outside: the archive checks of a .docx (bombs, DTDs) before openpyxl opens it
        refuse_doctype(*open_archive(data, DEFAULT_LIMITS), DEFAULT_LIMITS)
    except ReadError as exc:
        raise FormError(f"无法作为 Excel 文件打开：{name}：{exc.zh}", f"cannot open {name}: {exc.en}") from exc
    try:
        values = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # whatever openpyxl raises on a file it cannot open
        raise FormError(f"无法作为 Excel 文件打开：{name}（{type(exc).__name__}）",
                        f"cannot open {name} as an Excel workbook: {exc}") from exc
    if INFO not in values.sheetnames:
        raise FormError(f"{name} 不是 gongkai 的填报表（缺少“{INFO}”工作表）；请用 gongkai template --xlsx 生成",
                        f"{name} is not a gongkai form (no sheet {INFO})")
    info = _read_info(values[INFO])
    edition = str(info.get("edition") or "") or None
    positions: dict[str, tuple[str, str]] = {}
    if META in values.sheetnames:
        for row in values[META].iter_rows(values_only=True):
            if row and row[0] == "edition" and row[1]:
                edition = str(row[1])
            elif row and row[0] and isinstance(row[0], str) and row[0].count(".") == 2 and len(row) >= 3:
                positions[row[0]] = (str(row[1]), str(row[2]))
    try:
        ed = get_edition(edition or "2021")
    except KeyError:
        raise FormError(f"填报表的格式版本“{edition}”无法识别", f"unknown edition {edition!r}") from None
    if not positions:  # a form that lost its map (sheets copied into another workbook): the layout's positions
        for t in ed.tables:
            for c in grid(ed.key, t.key).values():
                if c.ref is not None:
                    positions[c.ref] = (sheet_name(t.key), f"{get_column_letter(1 + c.col)}{ROW0 + c.row}")
    totals = total_cells(ed.key)
    report = Report(source=Source(name, hashlib.sha256(data).hexdigest(), FROM_DATA), edition=ed.key)
    report.agency = _text(info.get("agency")) or None
    report.year = _int(info.get("year"))
    report.date = _date(info.get("date"))
    report.title = standard_title(report.year, report.agency)
    for key, value in info.items():
        if key.startswith("section:"):
            _, number, title = key.split(":", 2)
            report.sections.append(Section(int(number), title, _text(value).strip("\n")))
    report.sections.sort(key=lambda s: s.number)
    for ref, (sheet, coord) in positions.items():
        if sheet not in values.sheetnames:
            raise FormError(f"填报表缺少工作表“{sheet}”", f"sheet {sheet} missing")
        v = values[sheet][coord].value
        f = formulas[sheet][coord].value
        at = _location(coord)
        if isinstance(f, str) and f.startswith("=") and v is None:  # never calculated by a spreadsheet
            if ref in totals:
                continue  # computed from its parts (totals.fill_totals)
            v = _stock_value(f, formulas[sheet])
            if v is None:
                _put(report, ref, Cell(None, f, at))
                continue
        cell = _cell(v)
        cell.at = at
        _put(report, ref, cell)
    return report


def _location(coord: str) -> Location:
    """Where a cell sits on its table's sheet: the row, and the column as the n-th cell of that row."""
    m = _COORD.match(coord.upper())
    if m is None:
        return Location(note=coord)
    return Location(row=int(m.group(2)), cell=column_index_from_string(m.group(1)))


def _put(report: Report, ref: str, cell: Cell) -> None:
    t, r, c = ref.split(".")
    report.tables.setdefault(t, {}).setdefault(r, {})[c] = cell


def _read_info(ws) -> dict[str, object]:
    """The sheet「基本信息」: key (hidden column C) → value (column B)."""
    out: dict[str, object] = {}
    for row in ws.iter_rows(min_row=1):
        if len(row) < 3:
            continue
        key = row[2].value
        if isinstance(key, str) and key:
            out[key] = row[1].value
    return out


def _cell(v) -> Cell:
    if v is None:
        return Cell(None, "", None)
    if isinstance(v, bool):
        return Cell(None, str(v), None)
    if (isinstance(v, float) and not math.isfinite(v)) or (isinstance(v, (int, float)) and abs(v) >= 10 ** MAX_DIGITS):
        return Cell(None, str(v), None)  # no count is this large: kept as printed, reported as not a number
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (int, float)):
        return Cell(v, format_number(v), None)
    if isinstance(v, (dt.datetime, dt.date)):
        return Cell(None, v.isoformat(), None)
    return make_cell(str(v), None)


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip() if not isinstance(v, str) else v.strip()


def _int(v) -> int | None:
    if v is None or v == "":
        return None
    try:
        return int(str(v).strip().rstrip("年度").rstrip("年").split(".")[0])
    except ValueError:
        return None


def _date(v) -> dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, (int, float)):  # an Excel serial number without a date format
        return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(v))).date()
    text = str(v).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return parse_date(text)


# ---------------------------------------------------------------------------------- the stock formula

_COORD = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
# =12+B5-C5: a number, then cells of the same sheet added or subtracted (render/xlsx.py writes it)
_STOCK = re.compile(r"=\s*(\d+(?:\.\d+)?)((?:\s*[-+]\s*\$?[A-Z]{1,3}\$?\d+)*)\s*", re.IGNORECASE)
_TERM = re.compile(r"([-+])\s*(\$?[A-Z]{1,3}\$?\d+)", re.IGNORECASE)


def _stock_value(formula: str, ws) -> int | float | None:
    """The value of last year's figure plus and minus this year's cells, as a spreadsheet would
    work it out (a blank cell counts as 0); None for any other formula, or a cell that holds
    something other than a number."""
    m = _STOCK.fullmatch(formula.strip())
    if m is None:
        return None
    value: int | float = float(m.group(1)) if "." in m.group(1) else int(m.group(1))
    for sign, coord in _TERM.findall(m.group(2)):
        v = ws[coord.replace("$", "").upper()].value
        if v is None or v == "":
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return None
        value = value + v if sign == "+" else value - v
    return int(value) if isinstance(value, float) and value.is_integer() else value
