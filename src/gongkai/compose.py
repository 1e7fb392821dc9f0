"""Writing a report: this year's report from the data people fill in, last year's report, or both.

* :func:`compose` builds this year's report in the official shape: every section, every cell of
  the edition's tables, the data's values, what follows from last year's report (二、上年结转 and
  the stock columns, see :data:`CARRIED` and :data:`STOCKS`) and the totals computed
  (totals.py); whatever is left is blank, to be filled in;
* :func:`blank_form` and :func:`excel_form`: the forms to fill in (``gongkai template``);
* :func:`convert`: a report in the layout of another edition (formats/conversion.py).

The data itself is read in gongkai.forms (JSON, YAML, the Excel form); the report is written by
gongkai.render.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field

from .document import Source
from .formats import CURRENT, TABLE_SHORT, Edition, edition_for_year, get_edition
from .formats.common import standard_title
from .formats.conversion import expand, get_conversion
from .forms.mapping import DataError
from .model import Cell, Report, Section
from .render import prepare, render_prepared
from .totals import fill_totals, format_number, is_missing

# ------------------------------------------------------------------------------ what last year says

#: (table, this year's row, last year's row): every column of the row is carried over as it is.
#: 二、上年结转 of this year is what last year's report carried forward (四、结转下年度继续办理).
CARRIED: tuple[tuple[str, str, str], ...] = (("applications", "carried_over", "carried_forward"),)


@dataclass(frozen=True, slots=True)
class Stock:
    """A column that counts what stands at the end of the year, in every row of 表二 that has it.

    this year's ``column`` = last year's ``base`` + last year's ``last_plus``
                             + this year's ``this_plus`` − this year's ``this_minus``
    (last year's parts must all be given; this year's count only when given).
    """

    column: str
    base: str
    last_plus: tuple[str, ...] = ()
    this_plus: tuple[str, ...] = ()
    this_minus: tuple[str, ...] = ()
    name: str = ""


STOCKS: tuple[Stock, ...] = (
    # 2021: 现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数 (a starting value: amended and
    # re-issued documents can make the real figure differ; the agency checks it)
    Stock("in_force", base="in_force", this_plus=("issued",), this_minus=("repealed",), name="现行有效件数"),
    # 2019: 上一年项目数量 = last year's 上一年项目数量 + last year's 本年增/减
    Stock("prev_items", base="prev_items", last_plus=("change",), name="上一年项目数量"),
    # 2019: 对外公开总数量 (a running total) = last year's + 本年新公开数量
    Stock("total_published", base="total_published", this_plus=("new_published",), name="对外公开总数量"),
)


@dataclass(slots=True)
class Composed:
    report: Report
    notes: list[str] = field(default_factory=list)  # what was prefilled, computed or converted (Chinese)
    computed: list[str] = field(default_factory=list)
    # stock cells prefilled from last year: cell → (last year's part, this year's cells added, subtracted);
    # the Excel form writes them as formulas so they follow what is filled in later
    formulas: dict[str, tuple[int | float, tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)


# ------------------------------------------------------------------------------ composing


def blank_report(edition: Edition, year: int | None = None, agency: str | None = None) -> Report:
    """Every section and every cell of the edition, nothing filled in."""
    report = Report(source=Source(None, hashlib.sha256(b"").hexdigest(), "json"), agency=agency, year=year,
                    edition=edition.key, title=standard_title(year, agency))
    report.sections = [Section(s.number, s.title, "") for s in edition.sections]
    for t in edition.tables:
        report.tables[t.key] = {r.key: {c.key: Cell(None, "", None) for c in r.columns} for r in t.rows}
    return report


def blank_form(edition: Edition | str, year: int | None = None, agency: str | None = None,
               previous: Report | None = None) -> Composed:
    """The report to fill in (``gongkai template``): every cell blank, what follows from last year's
    report prefilled (the notes say what), no total computed — the Excel form's totals are formulas."""
    ed = get_edition(edition) if isinstance(edition, str) else edition
    composed = Composed(blank_report(ed, year, clean_agency(agency)))
    if previous is not None:
        composed.notes = carry_over(composed.report, previous, ed, composed.formulas)
    return composed


def excel_form(edition: Edition | str, year: int | None = None, agency: str | None = None,
               previous: Report | None = None) -> bytes:
    """The Excel form to fill in (render/xlsx.py), read back by gongkai.forms."""
    composed = blank_form(edition, year, agency, previous)
    prepared = prepare(composed.report, composed.report.edition, fill=False)
    return render_prepared(prepared, "xlsx", formulas=composed.formulas)


def compose(year: int | None = None, agency: str | None = None, edition: str | None = None,
            previous: Report | None = None, data: Report | None = None) -> Composed:
    """This year's report from the data and last year's report, totals computed."""
    notes: list[str] = []
    year = year or (data.year if data else None) or (previous.year + 1 if previous and previous.year else None)
    agency = clean_agency(agency or (data.agency if data else None) or (previous.agency if previous else None))
    if year is None:
        raise DataError("请指定报告年度（--year），数据和上年报告中都没有", "no year given")
    if not agency:
        raise DataError("请指定机关名称（--agency），数据和上年报告中都没有", "no agency given")
    ed = get_edition(edition) if edition else (edition_for_year(year) if year else None)
    if ed is None:
        raise DataError(f"{year}年度没有适用的报告格式（2019年版自2019年度起使用）", f"no edition for {year}")
    report = blank_report(ed, year, agency)
    if data is not None:
        report.source = data.source
        if data.edition and data.edition != ed.key:
            converted = convert(data, ed.key)
            notes += [f"数据为{get_edition(data.edition).name}，已转换为{ed.name}：{n}" for n in converted.notes]
            data = converted.report
        _merge(report, data, ed)
    formulas: dict = {}
    if previous is not None:
        notes += carry_over(report, previous, ed, formulas)
    computed = fill_totals(report, ed)
    return Composed(report, notes, computed, formulas)


def clean_agency(name: str | None) -> str | None:
    """An agency's name has no blanks; a name read from a title printed over two lines may."""
    return "".join(name.split()) if name else name


def _merge(report: Report, data: Report, ed: Edition) -> None:
    report.date = data.date or report.date
    report.signer = data.signer or report.signer
    report.contact = dict(data.contact)
    by_number = {s.number: s for s in report.sections}
    for s in data.sections:
        if s.number in by_number:
            target = by_number[s.number]
            target.text = s.text
            if s.title:
                target.title = s.title
        else:
            report.sections.append(Section(s.number, s.title, s.text))
    report.sections.sort(key=lambda s: s.number)
    for t in ed.tables:
        for r in t.rows:
            for c in r.columns:
                cell = data.cell(f"{t.key}.{r.key}.{c.key}")
                if cell is not None and (cell.raw is not None or cell.value is not None):
                    report.tables[t.key][r.key][c.key] = copy.copy(cell)


def carry_over(report: Report, previous: Report, ed: Edition | None = None,
               formulas: dict | None = None) -> list[str]:
    """Fill what follows from last year's report into the cells the data left empty; the notes say what."""
    ed = ed or (get_edition(report.edition) if report.edition else CURRENT)
    notes: list[str] = []
    prev_label = f"{previous.year}年度报告" if previous.year else "上年报告"
    for table, row, last_row in CARRIED:
        try:
            rdef = ed.table(table).row(row)
        except KeyError:
            continue
        filled, differ = [], []
        for col in rdef.columns:
            ref = f"{table}.{row}.{col.key}"
            last = previous.value(f"{table}.{last_row}.{col.key}")
            if last is None:
                continue
            here = report.cell(ref)
            if is_missing(here):
                _set(report, ref, last)
                filled.append(f"{col.label} {format_number(last)}")
            elif here is not None and here.value is not None and here.value != last:
                differ.append(f"{col.label}填 {format_number(here.value)}、上年结转下年 {format_number(last)}")
        name = f"{TABLE_SHORT[table]}「{rdef.name}」"
        last_name = ed.table(table).row(last_row).name
        if filled:
            notes.append(f"{name}按{prev_label}“{last_name}”预填：{'、'.join(filled)}")
        if differ:
            notes.append(f"注意：{name}与{prev_label}“{last_name}”不一致（{'；'.join(differ)}），两者通常应相等")
    active = ed.table("active")
    for stock in STOCKS:
        for rdef in active.rows:
            keys = {c.key for c in rdef.columns}
            if stock.column not in keys:
                continue
            ref = f"active.{rdef.key}.{stock.column}"
            if not is_missing(report.cell(ref)):
                continue
            base = previous.value(f"active.{rdef.key}.{stock.base}")
            last_values = [previous.value(f"active.{rdef.key}.{k}") for k in stock.last_plus]
            last_parts = [v for v in last_values if v is not None]
            if base is None or len(last_parts) < len(last_values):
                continue
            value = base + sum(last_parts)
            if formulas is not None:
                formulas[ref] = (value, tuple(f"active.{rdef.key}.{k}" for k in stock.this_plus),
                                 tuple(f"active.{rdef.key}.{k}" for k in stock.this_minus))
            used = []
            for k, sign in [(k, 1) for k in stock.this_plus] + [(k, -1) for k in stock.this_minus]:
                v = report.value(f"active.{rdef.key}.{k}")
                if isinstance(v, (int, float)):
                    value += sign * v
                    used.append(("加" if sign > 0 else "减") + f"{_col_label(ed, rdef, k)} {format_number(v)}")
            _set(report, ref, value)
            how = f"{prev_label}的{_col_label(ed, rdef, stock.base, previous)} {format_number(base)}"
            for k, v in zip(stock.last_plus, last_parts, strict=True):
                how += f"加{_col_label(ed, rdef, k, previous)} {format_number(v)}"
            if used:
                how += "，" + "，".join(used)
            elif stock.this_plus or stock.this_minus:
                parts = "、".join(_col_label(ed, rdef, k) for k in stock.this_plus + stock.this_minus)
                how += f"（{parts}未填，仅作起始值）"
            notes.append(f"{ed.cell_label(ref)}：预填 {format_number(value)}，即{how}；请核实")
    return notes


def _col_label(ed: Edition, rdef, key: str, previous: Report | None = None) -> str:
    for e in ([get_edition(previous.edition)] if previous and previous.edition else []) + [ed]:
        try:
            row = e.table("active").row(rdef.key)
        except KeyError:
            continue
        for c in row.columns:
            if c.key == key:
                return f"“{c.label}”"
    return key


def _set(report: Report, ref: str, value) -> None:
    table, row, col = ref.split(".")
    report.tables.setdefault(table, {}).setdefault(row, {})[col] = Cell(value, format_number(value), None)


# ------------------------------------------------------------------------------ edition conversion


@dataclass(slots=True)
class Converted:
    report: Report
    moved: list[tuple[str, str]] = field(default_factory=list)  # (old cell, new cell) that held something
    dropped: list[tuple[str, str, str]] = field(default_factory=list)  # (old cell, as printed, why not carried)
    unfilled: list[tuple[str, str]] = field(default_factory=list)  # (new cell, why nothing fills it)
    notes: list[str] = field(default_factory=list)  # all of it in sentences (Chinese)


def _printed(cell: Cell | None) -> bool:
    return cell is not None and (cell.value is not None or bool((cell.raw or "").strip()))


def convert(report: Report, target: str) -> Converted:
    """``report`` in the layout of edition ``target``, with every value that cannot go there
    listed with its reason (formats/conversion.py holds the mapping)."""
    by_year = edition_for_year(report.year)
    source = report.edition or (by_year.key if by_year else None)
    out = copy.deepcopy(report)
    if source is None:
        raise DataError("无法确定原报告的格式版本，不能转换", "the report's edition is unknown")
    if source == target:
        return Converted(out, notes=[f"报告已是{get_edition(target).name}，无需转换"])
    conv = get_conversion(source, target)
    src, dst = get_edition(source), get_edition(target)
    moves = {m.source: m for m in conv.moves}
    dropped = {ref: d.reason for d in conv.dropped for ref in expand(d.source, source)}
    dst_cells = {f"{t.key}.{r.key}.{c.key}" for t in dst.tables for r in t.rows for c in r.columns}
    result = Converted(out)
    out.edition = target
    out.tables = {}
    out.extra_rows = []
    out.table_editions = dict.fromkeys(report.table_editions, target)
    said: set[str] = set()
    filled: set[str] = set()
    for table, rows in report.tables.items():
        for row, cols in rows.items():
            for col, cell in cols.items():
                ref = f"{table}.{row}.{col}"
                move = moves.get(ref)
                if move is not None:
                    target_ref = move.target
                elif ref in dropped or ref not in dst_cells:
                    if _printed(cell):
                        reason = dropped.get(ref) or f"{dst.name}没有这一项"
                        printed = cell.raw or (format_number(cell.value) if cell.value is not None else "")
                        result.dropped.append((ref, printed.strip(), reason))
                    continue
                else:
                    target_ref = ref
                t, r, c = target_ref.split(".")
                out.tables.setdefault(t, {}).setdefault(r, {})[c] = copy.copy(cell)
                filled.add(target_ref)
                if _printed(cell) and move is not None:
                    result.moved.append((ref, target_ref))
                    if move.note and move.note not in said:
                        said.add(move.note)
                        result.notes.append(move.note)
    for u in conv.unfilled:
        for ref in expand(u.target, target):
            table = ref.split(".")[0]
            if ref not in filled and table in report.tables:
                result.unfilled.append((ref, u.reason))
    result.notes = _conversion_notes(result, src, dst) + result.notes
    return result


def _row_label(ed: Edition, ref: str) -> tuple[str, str]:
    """("表二「规章」", "本年新制作数量") for a cell reference."""
    label = _old_label(ed, ref)
    head, _, col_label = label.rpartition("」")
    return head + "」", col_label


def _conversion_notes(result: Converted, src: Edition, dst: Edition) -> list[str]:
    """The conversion in sentences, one per row and reason."""
    notes: list[str] = []
    moved: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for ref, target in result.moved:
        if ref == target:
            continue
        a, ca = _row_label(src, ref)
        b, cb = _row_label(dst, target)
        moved.setdefault((a, b), []).append((ca, cb))
    for (a, b), cols in moved.items():
        if all(ca == cb for ca, cb in cols):
            notes.append(f"已转入：{a}{'、'.join(ca for ca, _ in cols)} → {b}（同列）")
        else:
            notes += [f"已转入：{a}{ca} → {b}{cb}" for ca, cb in cols]
    dropped: dict[tuple[str, str], list[str]] = {}
    for ref, printed, reason in result.dropped:
        row, col = _row_label(src, ref)
        dropped.setdefault((row, reason), []).append(f"{col}“{printed}”")
    for (row, reason), dropped_cols in dropped.items():
        notes.append(f"未转入：{row}{'、'.join(dropped_cols)}——{reason}")
    unfilled: dict[tuple[str, str], list[str]] = {}
    for ref, reason in result.unfilled:
        row, col = _row_label(dst, ref)
        unfilled.setdefault((row, reason), []).append(col)
    for (row, reason), unfilled_cols in unfilled.items():
        notes.append(f"待填写：{row}{'、'.join(unfilled_cols)}——{reason}")
    return notes


def _old_label(ed: Edition, ref: str) -> str:
    try:
        return ed.cell_label(ref)
    except (KeyError, StopIteration):
        return ref
