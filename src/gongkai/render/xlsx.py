"""The Excel form: one sheet per table in the official layout, one for the report's own facts.

Written by ``gongkai template --xlsx`` (empty, or prefilled from last year's report: compose.excel_form)
and by ``-o report.xlsx``; read back by ``gongkai new --data`` (gongkai.forms.workbook). The layout both
sides share is in formats/form.py.

* the sheet「基本信息」: 机关名称, 报告年度, 落款日期 and the text of the six sections;
* one sheet per table (「表二（主动公开）」…) drawn from the same grid as the Word document:
  merged header cells, the official labels, every border;
* cells to fill are unlocked and white, everything else is locked (sheet protection on, no
  password: it guards against slips, not people); the totals are grey and hold formulas
  (=IF(COUNT(…)=0,"",SUM(…)): empty while no part holds a number) derived from the edition's
  identities (totals.py); a stock cell prefilled from last year holds last year's figure plus and
  minus this year's cells (=12+B5-C5), so that it follows what is filled in later;
* a hidden sheet「_gongkai」lists where each cell of the report sits.
"""

from __future__ import annotations

import io
import math
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..formats.common import SECTIONS
from ..formats.form import FORM_SCHEMA, INFO, META, ROW0, sheet_name
from ..formats.layout import Grid, grid
from ..model import Cell, Report
from ..totals import compute_total, format_number, formula_terms, total_cells
from . import Prepared, chinese_numeral

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
_CAPTION_FILL = PatternFill("solid", fgColor="C6D9F1")
_TOTAL_FILL = PatternFill("solid", fgColor="D9D9D9")
_INPUT_FILL = PatternFill("solid", fgColor="FFFFFF")
_FONT = Font(name="宋体", size=11)
_BOLD = Font(name="宋体", size=11, bold=True)
_TITLE = Font(name="黑体", size=14)
_NOTE = Font(name="宋体", size=10, color="595959")
_UNLOCKED = Protection(locked=False)
_LOCKED = Protection(locked=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)

_HINT = "白色格填写（没有发生的填 0，不要留空）；灰色格是合计，由公式自动计算，不必填写。"


def render(p: Prepared, formulas: dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]] | None = None) -> bytes:
    """The form filled with ``p``'s report; ``formulas``: cells to write as last year's value
    plus and minus other cells (see compose.Composed.formulas)."""
    wb = Workbook()
    info = wb.worksheets[0]  # the one sheet of a new workbook
    info.title = INFO
    positions: dict[str, tuple[str, str]] = {}
    for t in p.edition.tables:
        ws = wb.create_sheet(sheet_name(t.key))
        positions.update(_table_sheet(ws, p, grid(p.edition.key, t.key), formulas or {}))
    # formulas name cells on other rows: written once every position is known
    _write_formulas(wb, p, positions, formulas or {})
    _info_sheet(info, p)
    meta = wb.create_sheet(META)
    meta.sheet_state = "hidden"
    meta.append(["schema", FORM_SCHEMA])
    meta.append(["edition", p.edition.key])
    meta.append(["cell", "sheet", "position"])
    for ref, (sheet, coord) in positions.items():
        meta.append([ref, sheet, coord])
    meta.protection.sheet = True
    wb.calculation.fullCalcOnLoad = True
    wb.properties.title = p.title
    wb.properties.creator = "gongkai"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------- writing


def _info_sheet(ws, p: Prepared) -> None:
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].hidden = True
    ws.merge_cells("A1:B1")
    ws["A1"] = "政府信息公开工作年度报告 填报表"
    ws["A1"].font = _TITLE
    ws["A1"].alignment = _CENTER
    ws.row_dimensions[1].height = 28
    ws.merge_cells("A2:B2")
    ws["A2"] = (f"{p.edition.name}（{p.edition.document}）。" + _HINT.replace("合计", "自动生成的内容")
                + "填好后运行：gongkai new --data 本文件 -o 报告.docx")
    ws["A2"].font = _NOTE
    ws["A2"].alignment = _LEFT
    ws.row_dimensions[2].height = 45
    r = p.report
    rows: list[tuple[str, object, str, bool]] = [
        ("机关名称", r.agency or None, "agency", True),
        ("报告年度", r.year, "year", True),
        ("格式版本", p.edition.key, "edition", False),
        ("落款日期", r.date, "date", True),
        ("报告标题", '=IF(AND(B5<>"",B4<>""),B5&"年"&B4&"政府信息公开工作年度报告","")', "title", False),
    ]
    by_number = {pt.number: pt for pt in p.parts}
    numbers = sorted({s.number for s in SECTIONS} | set(by_number))
    for n in numbers:
        part = by_number.get(n)
        title = part.title if part else next(s.title for s in SECTIONS if s.number == n)
        text = "\n".join(part.paragraphs) if part else ""
        rows.append((f"{chinese_numeral(n)}、{title}", text or None, f"section:{n}:{title}", True))
    for i, (label, value, key, editable) in enumerate(rows, start=3 + 1):
        a, b = ws.cell(i, 1, label), ws.cell(i, 2, value)
        ws.cell(i, 3, key)
        a.font, a.alignment, a.border, a.fill = _BOLD, _LEFT, _BORDER, _HEAD_FILL
        b.font, b.border = _FONT, _BORDER
        b.alignment = _TOP_LEFT if key.startswith("section:") else _LEFT
        b.protection = _UNLOCKED if editable else _LOCKED
        b.fill = _INPUT_FILL if editable else _TOTAL_FILL
        if key == "date":
            b.number_format = 'yyyy"年"m"月"d"日"'
        if key.startswith("section:"):
            lines = sum(max(1, math.ceil(len(x) / 45)) for x in (text or "").split("\n")) if text else 0
            ws.row_dimensions[i].height = min(409, max(90, 15 * lines + 10))
    year = DataValidation(type="whole", operator="between", formula1="2019", formula2="2100", allow_blank=True,
                          errorStyle="warning", error="报告年度应为四位数年份，如 2023", errorTitle="报告年度")
    ws.add_data_validation(year)
    year.add("B5")
    ws.protection.sheet = True
    ws.sheet_view.showGridLines = False
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _col_widths(g: Grid) -> list[float]:
    widths = []
    for col in range(g.ncols):
        texts = [c.text for c in g.cells if c.col == col and c.colspan == 1 and not c.ref and c.kind != "corner"]
        natural = max([_chars(t) for t in texts] + [4]) + 2
        widths.append(min(natural, 44 if g.table == "applications" else 30))
    if g.table != "active":
        value_cols = {c.col for c in g.cells if c.ref}
        widths = [max(w, 10) if i in value_cols else w for i, w in enumerate(widths)]
    return widths


def _chars(text: str) -> float:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _table_sheet(ws, p: Prepared, g: Grid, formulas) -> dict[str, tuple[str, str]]:
    ed = p.edition
    totals = total_cells(ed.key)
    widths = _col_widths(g)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    last = get_column_letter(g.ncols)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = ed.table(g.table).title
    ws["A1"].font = _TITLE
    ws["A1"].alignment = _LEFT
    ws.row_dimensions[1].height = 26
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = _HINT
    ws["A2"].font = _NOTE
    ws["A2"].alignment = _LEFT
    ws.row_dimensions[2].height = 30
    positions: dict[str, tuple[str, str]] = {}
    validations: dict[str, DataValidation] = {}
    heights: dict[int, float] = {}
    for c in g.cells:
        row, col = ROW0 + c.row, 1 + c.col
        cell = ws.cell(row, col)
        if c.rowspan > 1 or c.colspan > 1:
            ws.merge_cells(start_row=row, start_column=col, end_row=row + c.rowspan - 1,
                           end_column=col + c.colspan - 1)
        for r in range(row, row + c.rowspan):
            for k in range(col, col + c.colspan):
                ws.cell(r, k).border = _BORDER
        if c.ref:
            positions[c.ref] = (ws.title, cell.coordinate)
            column = p.column(c.ref)
            if c.ref in totals:
                cell.fill, cell.protection, cell.font = _TOTAL_FILL, _LOCKED, _BOLD
            else:
                cell.value = _value(p.cell(c.ref))
                cell.fill, cell.protection, cell.font = _INPUT_FILL, _UNLOCKED, _FONT
                dv = validations.get(column.kind)
                if dv is None:
                    dv = validations[column.kind] = _validation(column.kind)
                    ws.add_data_validation(dv)
                dv.add(cell.coordinate)
            cell.alignment = _CENTER
            if column.kind == "amount":
                cell.number_format = "0.####"
        else:
            cell.value = c.text
            cell.font = _FONT
            cell.protection = _LOCKED
            cell.alignment = _LEFT if c.kind in ("label", "caption", "corner") else _CENTER
            cell.fill = _CAPTION_FILL if c.kind == "caption" else _HEAD_FILL
            span_width = sum(widths[c.col: c.col + c.colspan])
            lines = math.ceil(_chars(c.text) / max(span_width - 1, 4)) / c.rowspan
            heights[row] = max(heights.get(row, 1), lines)
    for row, lines in heights.items():
        ws.row_dimensions[row].height = max(20, 15 * lines + 4)
    ws.freeze_panes = ws.cell(ROW0 + g.head_rows, 1 if g.table != "applications" else 4)
    ws.protection.sheet = True
    ws.sheet_view.showGridLines = False
    ws.page_setup.orientation = "landscape" if g.table != "active" else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return positions


def _write_formulas(wb, p: Prepared, positions, formulas) -> None:
    ed = p.edition
    for ref, terms in formula_terms(ed.key).items():
        if ref not in positions:
            continue
        sheet, coord = positions[ref]
        cell = wb[sheet][coord]
        given = p.cell(ref)
        computed = sum_of(p.report, terms)
        if given is not None and given.value is not None and computed is not None and given.value != computed:
            cell.value = given.value  # a total given that disagrees is kept, not overwritten
            continue
        if given is not None and given.value is None and given.raw and given.raw.strip():
            cell.value = given.raw.strip()  # "/" stays "/"
            continue
        cell.value = "=" + _total_formula([positions[t][1] for t in terms if t in positions])
    for ref, (base, plus, minus) in formulas.items():
        if ref not in positions:
            continue
        sheet, coord = positions[ref]
        expr = format_number(base)
        expr += "".join(f"+{positions[t][1]}" for t in plus if t in positions)
        expr += "".join(f"-{positions[t][1]}" for t in minus if t in positions)
        wb[sheet][coord].value = "=" + expr


def sum_of(report: Report, terms) -> int | float | None:
    return compute_total(report, tuple(terms))


def _total_formula(coords: list[str]) -> str:
    """The sum of the parts — and nothing (not 0) while no part holds a number, so that a form
    saved by Excel with its parts blank does not come back with invented zeros."""
    cells = _ranges(coords)
    return f'IF(COUNT({cells})=0,"",SUM({cells}))'


def _ranges(coords: list[str]) -> str:
    """Cells as ranges: consecutive ones of a column or a row written as A1:A9."""
    parsed = [_split(c) for c in coords]
    cols = {c for c, _ in parsed}
    rows = {r for _, r in parsed}
    parts: list[str] = []
    if len(rows) == 1 and len(cols) > 1:
        r = parsed[0][1]
        for a, b in _runs(sorted(_col_index(c) for c, _ in parsed)):
            parts.append(f"{get_column_letter(a)}{r}" + (f":{get_column_letter(b)}{r}" if b > a else ""))
    else:
        by_col: dict[str, list[int]] = {}
        for c, r in parsed:
            by_col.setdefault(c, []).append(r)
        for c, rs in by_col.items():
            for a, b in _runs(sorted(rs)):
                parts.append(f"{c}{a}" + (f":{c}{b}" if b > a else ""))
    return ",".join(parts)


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


_COORD = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def _split(coord: str) -> tuple[str, int]:
    m = _COORD.match(coord.upper())
    if not m:
        raise ValueError(coord)
    return m.group(1), int(m.group(2))


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _validation(kind: str) -> DataValidation:
    if kind == "amount":
        return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                              errorStyle="warning", errorTitle="金额", error="应填不小于 0 的金额（单位见表头）")
    if kind == "signed":
        return DataValidation(type="whole", operator="between", formula1="-1000000", formula2="1000000",
                              allow_blank=True, errorStyle="warning", errorTitle="数量", error="应填整数（减少填负数）")
    return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                          errorStyle="warning", errorTitle="数量", error="应填不小于 0 的整数；没有发生的填 0")


def _value(cell: Cell | None):
    """What a form cell holds for a report cell: the number, "/" or text as given, or nothing."""
    if cell is None:
        return None
    if cell.value is not None:
        v = cell.value
        return int(v) if isinstance(v, float) and v.is_integer() else v
    raw = (cell.raw or "").strip()
    return raw or None
