"""Writing a report: one module per output format, all drawing the same prepared report.

``prepare`` turns any :class:`~gongkai.model.Report` (composed from data, or read from a messy
submission) into what is printed: the official title, the sections in order with the tables in
theirs, the totals the data lack computed (and only those), the signature as the report holds it
(``Report.signer``, separated from the text when the report was read). Cells are printed as given: a
blank stays blank, "/" stays "/", no zero is invented. Paragraphs are printed as the report holds them:
what a reader got wrong is repaired where the report is made (extract/), so that the checks, the JSON and
every output see the same text. ``render`` then writes one format:

========  ===============================================  ==================
format    what                                             module
========  ===============================================  ==================
docx      Word document in the official layout (GB/T 9704)  render/docx.py
html      one self-contained web page                      render/html.py
md        Markdown (tables as pipe tables)                 render/markdown.py
json      the JSON contract (docs/json.md)                 render/json.py
yaml      the same structure, commented, to fill by hand    render/yaml.py
xlsx      the Excel form ``gongkai new`` reads back         render/xlsx.py
========  ===============================================  ==================
"""

from __future__ import annotations

import copy
import importlib
from dataclasses import dataclass, field
from pathlib import Path

from ..extract.sections import section_role
from ..extract.values import parse_number
from ..formats import TABLE_SECTION, Column, Edition, edition_for_year, get_edition
from ..formats.common import SECTIONS, TITLE_END, standard_title
from ..formats.files import OUTPUT_FORMATS
from ..model import Cell, Report, Section
from ..totals import fill_totals, format_number

# the output formats (formats/files.py): format -> the suffix written, suffix -> format, format -> module
FORMATS: dict[str, str] = {f.key: f.suffixes[0] for f in OUTPUT_FORMATS}
_SUFFIXES = {s: f.key for f in OUTPUT_FORMATS for s in f.suffixes}
_MODULES = {f.key: f.module for f in OUTPUT_FORMATS}
BINARY = frozenset(f.key for f in OUTPUT_FORMATS if f.binary)
_MONEY = ("万元", "元", "千元", "亿元")
_CN = "零一二三四五六七八九十"


def format_for(path: str | Path | None, fmt: str | None = None) -> str:
    """The output format: ``fmt`` when given, else from the file name's suffix."""
    if fmt:
        if fmt not in FORMATS:
            raise ValueError(f"不支持的输出格式“{fmt}”（可选：{'、'.join(FORMATS)}）")
        return fmt
    suffix = Path(str(path)).suffix.lower() if path else ""
    if suffix not in _SUFFIXES:
        raise ValueError(
            f"无法从文件名“{path}”判断输出格式，请用 .docx、.html、.md、.json、.yaml 或 .xlsx 结尾，或用 --format 指定"
        )
    return _SUFFIXES[suffix]


def chinese_numeral(n: int) -> str:
    if 0 <= n <= 10:
        return _CN[n]
    if n < 20:
        return "十" + _CN[n - 10]
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    return str(n)


def cell_text(cell: Cell | None, column: Column | None = None) -> str:
    """What a cell prints: the number (normalised digits), else exactly what was given.

    A money unit printed with the number stays when the column does not fix it (2019
    采购总金额) or fixes another one (“2000元” in a 万元 column must not become 2000 万元).
    """
    if cell is None:
        return ""
    if cell.value is None:
        return (cell.raw or "").strip()
    text = format_number(cell.value)
    if cell.raw:
        _, unit = parse_number(cell.raw)
        if unit in _MONEY and unit != (column.unit if column else None):
            text += unit
    return text


@dataclass(slots=True)
class Part:
    """One section as printed: its heading, its paragraphs, and the table it holds (if any)."""

    number: int
    title: str
    paragraphs: list[str]
    table: str | None = None

    @property
    def heading(self) -> str:
        return f"{chinese_numeral(self.number)}、{self.title}"


@dataclass(slots=True)
class Prepared:
    report: Report  # a copy, totals filled
    edition: Edition
    title: str
    parts: list[Part]
    signer: str | None  # the agency as signed under the report
    computed: list[str] = field(default_factory=list)  # totals computed here
    left_out: list[str] = field(default_factory=list)  # cells the edition's layout has no place for

    def cell(self, ref: str) -> Cell | None:
        return self.report.cell(ref)

    def column(self, ref: str) -> Column:
        table, row, col = ref.split(".")
        return next(c for c in self.edition.table(table).row(row).columns if c.key == col)

    def text(self, ref: str) -> str:
        return cell_text(self.cell(ref), self.column(ref))

    @property
    def date_text(self) -> str | None:
        d = self.report.date
        return f"{d.year}年{d.month}月{d.day}日" if d else None


def report_edition(report: Report, edition: str | None = None) -> Edition:
    if edition:
        return get_edition(edition)
    if report.edition:
        return get_edition(report.edition)
    return edition_for_year(report.year) or get_edition("2021")


def prepare(report: Report, edition: str | None = None, *, fill: bool = True) -> Prepared:
    """The report as it will be printed (``report`` itself is not changed)."""
    report = copy.deepcopy(report)
    ed = report_edition(report, edition)
    report.edition = ed.key
    computed = fill_totals(report, ed) if fill else []
    title = standard_title(report.year, report.agency) or (report.title or "").strip() or TITLE_END
    report.title = title
    return Prepared(report, ed, title, _parts(report, ed), report.signer or report.agency, computed,
                    _left_out(report, ed))


def render(report: Report, fmt: str, edition: str | None = None, **options) -> bytes:
    """The report written in ``fmt`` (see :data:`FORMATS`); ``options`` go to the format's module."""
    return render_prepared(prepare(report, edition), fmt, **options)


def render_prepared(prepared: Prepared, fmt: str, **options) -> bytes:
    if fmt not in _MODULES:
        raise ValueError(f"不支持的输出格式“{fmt}”")
    module = importlib.import_module(f".{_MODULES[fmt]}", __name__)
    return module.render(prepared, **options)


def write(report: Report, path: str | Path, fmt: str | None = None, edition: str | None = None, **options) -> str:
    fmt = format_for(path, fmt)
    Path(path).write_bytes(render(report, fmt, edition, **options))
    return fmt


# ------------------------------------------------------------------------------ sections


def _parts(report: Report, ed: Edition) -> list[Part]:
    parts: list[Part] = []
    placed: set[str] = set()
    for s in report.sections:
        role = section_role(s.title) if s.title else None
        table = next((t for t, n in TABLE_SECTION.items() if n == role and t not in placed), None)
        paragraphs = [p for p in s.text.split("\n") if p.strip()] if s.text else []
        if table:
            placed.add(table)
        parts.append(Part(s.number, s.title, paragraphs, table))
    # a table whose section was not found gets the official heading, where the number puts it
    for t in ed.tables:
        if t.key in placed:
            continue
        number = TABLE_SECTION[t.key]
        title = next(sd.title for sd in SECTIONS if sd.number == number)
        at = next((i for i, p in enumerate(parts) if (section_role(p.title) or p.number) > number), len(parts))
        parts.insert(at, Part(number, title, [], t.key))
    return parts


def sections_of(parts: list[Part]) -> list[Section]:
    return [Section(p.number, p.title, "\n".join(p.paragraphs)) for p in parts]


def _left_out(report: Report, ed: Edition) -> list[str]:
    """Cells holding something that the edition's tables have no place for."""
    out = []
    for table, rows in report.tables.items():
        try:
            tdef = ed.table(table)
        except KeyError:
            continue
        for row, cols in rows.items():
            rdef = next((r for r in tdef.rows if r.key == row), None)
            keys = {c.key for c in rdef.columns} if rdef else set()
            for col, cell in cols.items():
                if col not in keys and cell is not None and (cell.value is not None or (cell.raw or "").strip()):
                    out.append(f"{table}.{row}.{col}")
    return out
