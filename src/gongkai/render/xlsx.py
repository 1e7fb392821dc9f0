"""The Excel form: one sheet per table in the official layout, one for the report's own facts.

Written by ``gongkai template --xlsx`` (empty, or prefilled from last year's report) and by
``-o report.xlsx``; read back by ``gongkai new --data``.

* the sheet「基本信息」: 机关名称, 报告年度, 落款日期 and the text of the six sections;
* one sheet per table (「表二（主动公开）」…) drawn from the same grid as the Word document:
  merged header cells, the official labels, every border;
* cells to fill are unlocked and white, everything else is locked (sheet protection on, no
  password: it guards against slips, not people); the totals are grey and hold formulas
  (=IF(COUNT(…)=0,"",SUM(…)): empty while no part holds a number) derived from the edition's
  identities (totals.py);
* a hidden sheet「_gongkai」lists where each cell of the report sits, so reading back does not
  depend on guessing positions.

Reading: openpyxl does not calculate formulas. A total whose formula has no value saved with it
(a form written here and never opened in Excel) is computed from its parts; a total with a saved
value is kept as it is, even when it disagrees with its parts — the checks then say so. Other
formulas without a saved value (the prefilled 现行有效件数 = 上年 + 制发 − 废止) are worked out
here; a formula that cannot be is kept as text, and the checks report it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import re

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..document import Source
from ..errors import GongkaiError, ReadError
from ..extract.meta import parse_date
from ..extract.values import MAX_DIGITS, make_cell
from ..formats import TABLE_NAMES, Edition, get_edition
from ..formats.common import SECTIONS
from ..limits import DEFAULT_LIMITS
from ..model import Cell, Report, Section
from ..readers.docx import open_archive, refuse_doctype
from ..totals import format_number, formula_terms, total_cells
from . import Prepared, chinese_numeral, prepare
from .layout import Grid, grid

FORM_SCHEMA = "gongkai.form/1"
INFO = "基本信息"
META = "_gongkai"
ROW0 = 3  # the grid starts on this row of a table sheet (rows 1–2: title and instructions)

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


class FormError(GongkaiError):
    code = "bad-form"


def sheet_name(table: str) -> str:
    return TABLE_NAMES[table]


def render(p: Prepared, formulas: dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]] | None = None) -> bytes:
    """The form filled with ``p``'s report; ``formulas``: cells to write as last year's value
    plus and minus other cells (see compose.Composed.formulas)."""
    wb = Workbook()
    info = wb.active
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


def template(edition: Edition | str, year: int | None = None, agency: str | None = None,
             report: Report | None = None, formulas=None) -> bytes:
    """The empty form (or ``report`` as a prefilled form)."""
    from ..compose import blank_report

    ed = get_edition(edition) if isinstance(edition, str) else edition
    report = report or blank_report(ed, year, agency)
    return render(prepare(report, ed.key, fill=False), formulas)


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
        if given is not None and given.value is None and (given.raw or "").strip():
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
    from ..totals import compute_total

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


# ---------------------------------------------------------------------------------- reading


def read_workbook(data: bytes, name: str | None = None) -> Report:
    try:  # a form comes from outside: the archive checks of a .docx (bombs, DTDs) before openpyxl opens it
        refuse_doctype(*open_archive(data, DEFAULT_LIMITS), DEFAULT_LIMITS)
    except ReadError as exc:
        raise FormError(f"无法作为 Excel 文件打开：{name}：{exc.zh}", f"cannot open {name}: {exc.en}") from exc
    try:
        values = load_workbook(io.BytesIO(data), data_only=True)
        formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # noqa: BLE001  whatever openpyxl raises on a file it cannot open
        raise FormError(f"无法作为 Excel 文件打开：{name}（{type(exc).__name__}）",
                        f"cannot open {name} as an Excel workbook: {exc}") from exc
    if INFO not in values.sheetnames:
        raise FormError(f"{name} 不是 gongkai 的填报表（缺少“{INFO}”工作表）；请用 gongkai template --xlsx 生成",
                        f"{name} is not a gongkai form (no sheet {INFO})")
    info = _read_info(values[INFO], formulas[INFO])
    edition = str(info.get("edition") or "") or None
    positions: dict[str, tuple[str, str]] = {}
    if META in values.sheetnames:
        meta = values[META]
        for row in meta.iter_rows(values_only=True):
            if row and row[0] == "edition" and row[1]:
                edition = str(row[1])
            elif row and row[0] and isinstance(row[0], str) and row[0].count(".") == 2 and len(row) >= 3:
                positions[row[0]] = (str(row[1]), str(row[2]))
    try:
        ed = get_edition(edition or "2021")
    except KeyError:
        raise FormError(f"填报表的格式版本“{edition}”无法识别", f"unknown edition {edition!r}") from None
    if not positions:  # a form without its map: the positions the layout gives
        for t in ed.tables:
            g = grid(ed.key, t.key)
            for c in g.values():
                positions[c.ref] = (sheet_name(t.key), f"{get_column_letter(1 + c.col)}{ROW0 + c.row}")
    totals = total_cells(ed.key)
    report = Report(source=Source(name, hashlib.sha256(data).hexdigest(), "json"), edition=ed.key)
    report.agency = _text(info.get("agency")) or None
    report.year = _int(info.get("year"))
    report.date = _date(info.get("date"))
    from . import standard_title

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
        is_formula = isinstance(f, str) and f.startswith("=")
        if is_formula and v is None:
            if ref in totals:
                continue  # computed from its parts (totals.fill_totals)
            v = _evaluate(f, formulas[sheet])
            if v is None:
                cell = Cell(None, f, f"{sheet}!{coord}")
                _put(report, ref, cell)
                continue
        cell = _cell(v)
        cell.at = f"{sheet}!{coord}"
        _put(report, ref, cell)
    return report


def _put(report: Report, ref: str, cell: Cell) -> None:
    t, r, c = ref.split(".")
    report.tables.setdefault(t, {}).setdefault(r, {})[c] = cell


def _read_info(values_ws, formulas_ws) -> dict[str, object]:
    out: dict[str, object] = {}
    for row in values_ws.iter_rows(min_row=1):
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
    if isinstance(v, float) and not math.isfinite(v) or isinstance(v, (int, float)) and abs(v) >= 10 ** MAX_DIGITS:
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


# ---------------------------------------------------------------------------------- formulas

_TOKEN = re.compile(r"\s*(?:(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)|(\d+(?:\.\d+)?)|(SUM)\s*\(|([-+(),]))",
                    re.IGNORECASE)


def _evaluate(formula: str, ws, depth: int = 0) -> int | float | None:
    """A formula of numbers, cells, ranges, + − and SUM(), on one sheet; None when it is anything else."""
    if depth > 20:
        return None
    text = formula[1:].strip()
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            return None
        ref, num, fn, op = m.groups()
        tokens.append(("ref", ref.upper()) if ref else ("num", num) if num else ("sum", "SUM") if fn else ("op", op))
        pos = m.end()
    i = 0

    def cell_value(coord: str):
        v = ws[coord.replace("$", "")].value
        if isinstance(v, str) and v.startswith("="):
            return _evaluate(v, ws, depth + 1)
        if isinstance(v, bool):
            return None
        return v if isinstance(v, (int, float)) else None

    def values_of(ref: str) -> list:
        if ":" in ref:
            a, b = ref.replace("$", "").split(":")
            (ca, ra), (cb, rb) = _split(a), _split(b)
            out = []
            for col in range(min(_col_index(ca), _col_index(cb)), max(_col_index(ca), _col_index(cb)) + 1):
                for row in range(min(ra, rb), max(ra, rb) + 1):
                    out.append(cell_value(f"{get_column_letter(col)}{row}"))
            return out
        return [cell_value(ref)]

    def atom() -> float | None:
        nonlocal i
        if i >= len(tokens):
            raise ValueError
        kind, val = tokens[i]
        i += 1
        if kind == "num":
            return float(val) if "." in val else int(val)
        if kind == "ref":
            vs = values_of(val)
            if len(vs) != 1:
                raise ValueError
            return vs[0] or 0
        if kind == "sum":
            total = 0
            while True:
                if i < len(tokens) and tokens[i] == ("op", ")"):
                    i += 1
                    return total
                if i < len(tokens) and tokens[i][0] == "ref":
                    total += sum(v for v in values_of(tokens[i][1]) if isinstance(v, (int, float)))
                    i += 1
                else:
                    total += expr()
                if i < len(tokens) and tokens[i] == ("op", ","):
                    i += 1
        if kind == "op" and val == "(":
            v = expr()
            if i >= len(tokens) or tokens[i] != ("op", ")"):
                raise ValueError
            i += 1
            return v
        if kind == "op" and val in "+-":
            v = atom()
            return -v if val == "-" else v
        raise ValueError

    def expr() -> float:
        nonlocal i
        v = atom()
        while i < len(tokens) and tokens[i][0] == "op" and tokens[i][1] in "+-":
            op = tokens[i][1]
            i += 1
            w = atom()
            v = v + w if op == "+" else v - w
        return v

    try:
        v = expr()
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    if i != len(tokens):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return v

