"""The region roll-up (汇总): a region's reports for a year summed table by table, the sum checked with the
edition's identities, a line per agency with its key figures and findings, who has not reported, and
the ratios reviewers use. Written as JSON or as a formatted Excel workbook.

Summing across editions: a report printed in the other edition than the year's is summed where the two
editions mean the same thing, by the one mapping ``gongkai convert`` uses (formats/conversion.py) — table
三 and 四 entirely (2019's single （六）其他处理 row goes to 2021's （六）3.其他, and 2021's three （六） rows
to 2019's one), and in table 二 本年新制作数量 ↔ 本年制发件数 of 规章/规范性文件 and 处理决定数量 of
行政许可/处罚/强制. Other table 二 cells of such a report are not summed; the roll-up notes it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from .checks import catalogue, check
from .document import Source
from .formats import CURRENT, EDITIONS, TABLE_NAMES, Edition, edition_for_year, get_edition
from .formats.common import APPLICANT_COLUMNS, REVIEW_COLUMNS
from .formats.conversion import cell_map
from .formats.figures import FIGURES, RATIOS
from .model import Cell, Report
from .store import region_clause
from .store import schema as S


def _v(tables: dict, ref: str):
    t, r, c = ref.split(".")
    return tables.get(t, {}).get(r, {}).get(c)


def _sum_refs(tables: dict, refs: tuple[str, ...]):
    vals = [_v(tables, r) for r in refs]
    if all(v is None for v in vals):
        return None
    return _clean(sum(v for v in vals if v is not None))


def _clean(v):
    if isinstance(v, float):
        v = round(v, 6)
        if v.is_integer():
            return int(v)
    return v


def figures(tables: dict) -> dict[str, Any]:
    """The key figures (formats/figures.py) of a report's (or a sum's) values: {table: {row: {column: value}}}."""
    return {f.key: _sum_refs(tables, f.cells) for f in FIGURES}


def ratios(tables: dict) -> dict[str, float | None]:
    """The reviewers' ratios (formats/figures.py) of a report's (or a sum's) values."""
    return {r.key: r.of(lambda ref: _v(tables, ref)) for r in RATIOS}


def map_to_edition(tables: dict, source: str | None, target: Edition) -> tuple[dict, bool]:
    """A report's values keyed by the target edition, each cell counted where the editions' mapping
    (formats/conversion.py) puts it; True when some were left out."""
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(lambda: defaultdict(dict))
    dropped = False
    keys = {f"{t.key}.{r.key}.{c.key}" for t in target.tables for r in t.rows for c in r.columns}
    places = cell_map(source, target.key) if source and source != target.key and source in EDITIONS else {}
    for t, rows in tables.items():
        for r, cols in rows.items():
            for c, v in cols.items():
                ref = f"{t}.{r}.{c}"
                place = places.get(ref, ref if ref in keys else None)
                if place is None:
                    dropped = dropped or v is not None
                    continue
                pt, pr, pc = place.split(".")
                cell = out[pt][pr]
                if pc in cell:  # several cells counted in one: add them up
                    prev = cell[pc]
                    cell[pc] = v if prev is None else (prev if v is None else prev + v)
                else:
                    cell[pc] = v
    return out, dropped


@dataclass(slots=True)
class AgencyLine:
    agency_id: int
    name: str
    level: str | None
    region: str
    report_id: int
    edition: str | None
    format: str
    date: dt.date | None
    figures: dict[str, Any]
    ratios: dict[str, float | None]
    findings: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {"agency_id": self.agency_id, "agency": self.name, "level": self.level, "region": self.region,
                "report_id": self.report_id, "edition": self.edition, "format": self.format,
                "date": self.date.isoformat() if self.date else None, "figures": dict(self.figures),
                "ratios": dict(self.ratios), "findings": dict(self.findings)}


@dataclass(slots=True)
class Rollup:
    region: str
    year: int
    edition: Edition
    lines: list[AgencyLine]
    totals: dict[str, dict[str, dict[str, Any]]]
    report: Report  # the sums as a report, for the checks
    findings: list  # the identities checked on the sums
    known: int  # agencies the store knows in the region
    missing: list[dict[str, Any]]  # known agencies without a report for the year
    notes: list[str] = field(default_factory=list)

    @property
    def ratios(self) -> dict[str, float | None]:
        return ratios(self.totals)

    @property
    def figures(self) -> dict[str, Any]:
        return figures(self.totals)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "gongkai.rollup/1",
            "region": self.region,
            "year": self.year,
            "edition": self.edition.key,
            "coverage": {"agencies": self.known, "reported": len(self.lines), "missing": list(self.missing)},
            "figures": self.figures,
            "ratios": self.ratios,
            "totals": self.totals,
            "findings": [f.to_json() for f in self.findings],
            "agencies": [ln.to_json() for ln in self.lines],
            "notes": list(self.notes),
        }

    def to_xlsx(self, path) -> None:
        write_xlsx(self, path)


def identity_codes() -> set[str]:
    return {r.code for r in catalogue() if r.code.startswith("GK3")}


def rollup(store, region: str, year: int) -> Rollup:
    edition = edition_for_year(year) or CURRENT
    a, r = S.agencies, S.reports
    with store.engine.connect() as conn:
        agencies = conn.execute(select(a).where(region_clause(region)).order_by(
            a.c.province, a.c.city, a.c.county, a.c.level, a.c.township, a.c.name)).mappings().all()
        ids = [ag["id"] for ag in agencies]
        reports = {}
        for i in range(0, len(ids), 500):
            for m in conn.execute(select(r.c.id, r.c.agency_id, r.c.edition, r.c.format, r.c.date, r.c.errors,
                                         r.c.warnings, r.c.infos).where(
                    r.c.agency_id.in_(ids[i:i + 500]), r.c.year == year, r.c.current)).mappings():
                reports[m["agency_id"]] = m
        rids = [m["id"] for m in reports.values()]
        cells: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
        for i in range(0, len(rids), 500):
            for rid, t, rk, c, v in conn.execute(select(S.cells.c.report_id, S.cells.c.table_key, S.cells.c.row_key,
                                                        S.cells.c.column_key, S.cells.c.value).where(
                    S.cells.c.report_id.in_(rids[i:i + 500]))):
                cells[rid][t][rk][c] = _clean(v) if v is not None else None
        last_years = {}
        for i in range(0, len(ids), 500):
            for aid, y in conn.execute(select(r.c.agency_id, func.max(r.c.year)).where(
                    r.c.agency_id.in_(ids[i:i + 500])).group_by(r.c.agency_id)):
                last_years[aid] = y

    totals: dict[str, dict[str, dict[str, Any]]] = {
        t.key: {row.key: {c.key: None for c in row.columns} for row in t.rows} for t in edition.tables
    }
    lines: list[AgencyLine] = []
    missing: list[dict[str, Any]] = []
    notes: list[str] = []
    for ag in agencies:
        path = "/".join(p for p in (ag["province"], ag["city"], ag["county"], ag["township"]) if p)
        rep = reports.get(ag["id"])
        if rep is None:
            missing.append({"agency_id": ag["id"], "agency": ag["name"], "level": ag["level"], "region": path,
                            "last_year": last_years.get(ag["id"])})
            continue
        mapped, dropped = map_to_edition(cells.get(rep["id"], {}), rep["edition"], edition)
        if rep["edition"] and rep["edition"] != edition.key:
            notes.append(f"{ag['name']}（报告 {rep['id']}）使用{get_edition(rep['edition']).name}，"
                         f"已按{edition.name}汇总" + ("；表二中两版含义不同的数据未计入" if dropped else ""))
        for t, rows in mapped.items():
            for rk, cols in rows.items():
                for c, v in cols.items():
                    if v is None:
                        continue
                    cur = totals[t][rk][c]
                    totals[t][rk][c] = _clean(v if cur is None else cur + v)
        lines.append(AgencyLine(
            ag["id"], ag["name"], ag["level"], path, rep["id"], rep["edition"], rep["format"], rep["date"],
            figures(mapped), ratios(mapped),
            {"error": rep["errors"], "warning": rep["warnings"], "info": rep["infos"]},
        ))

    report = Report(source=Source(f"rollup:{region}:{year}", "", "rollup"), agency=f"{region}（汇总）", year=year,
                    edition=edition.key, title=f"{region}{year}年度政府信息公开工作年度报告汇总")
    for t, rows in totals.items():
        for rk, cols in rows.items():
            for c, v in cols.items():
                report.tables.setdefault(t, {}).setdefault(rk, {})[c] = Cell(v, "" if v is None else str(v), None)
    found = check(report, select=identity_codes())
    for f in found:
        f.file = None
    return Rollup(region, year, edition, lines, totals, report, found, len(agencies), missing, notes)


# ---------------------------------------------------------------------------------------------
# Excel


def write_xlsx(ru: Rollup, path) -> None:
    wb = Workbook()
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="1F4E78")
    sub_fill = PatternFill("solid", fgColor="DDEBF7")
    title_font = Font(bold=True, size=14)
    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")
    COUNT, PCT, AMOUNT = "#,##0", "0.0%", "#,##0.00##"

    def header(ws, row, values, fill=head_fill, font=head_font):
        for i, v in enumerate(values, start=1):
            c = ws.cell(row=row, column=i, value=v)
            c.font, c.fill, c.alignment, c.border = font, fill, wrap, border
        ws.row_dimensions[row].height = 30

    def printable(ws):
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0

    def widths(ws, values):
        for i, w in enumerate(values, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w

    # -- 汇总表: the summed tables in the template's layout --------------------------------------
    ws = wb.worksheets[0]  # the one sheet of a new workbook
    ws.title = "汇总表"
    ws["A1"] = f"{ru.region} {ru.year}年度政府信息公开工作年度报告汇总"
    ws["A1"].font = title_font
    ws["A2"] = (f"格式：{ru.edition.name}　应报机关 {ru.known} 个，已报 {len(ru.lines)} 个，未报 {len(ru.missing)} 个　"
                f"生成于 {dt.date.today():%Y-%m-%d}")
    row = 4
    ed = ru.edition
    for t in ed.tables:
        ws.cell(row=row, column=1, value=t.title).font = Font(bold=True, size=12)
        row += 1
        if t.key == "applications":
            header(ws, row, ["项目"] + [c.label for c in APPLICANT_COLUMNS])
            row += 1
            for r in t.rows:
                ws.cell(row=row, column=1, value=r.name).border = border
                for j, c in enumerate(APPLICANT_COLUMNS, start=2):
                    cell = ws.cell(row=row, column=j, value=ru.totals[t.key][r.key][c.key])
                    cell.number_format, cell.border = COUNT, border
                if r.key in ("total_processed", "new_received"):
                    for j in range(1, len(APPLICANT_COLUMNS) + 2):
                        ws.cell(row=row, column=j).fill = sub_fill
                row += 1
        elif t.key == "review_litigation":
            header(ws, row, ["项目"] + [c.label for c in REVIEW_COLUMNS])
            row += 1
            for r in t.rows:
                ws.cell(row=row, column=1, value=r.name).border = border
                for j, c in enumerate(REVIEW_COLUMNS, start=2):
                    cell = ws.cell(row=row, column=j, value=ru.totals[t.key][r.key][c.key])
                    cell.number_format, cell.border = COUNT, border
                row += 1
        else:
            caption = None
            for r in t.rows:
                if r.caption != caption:
                    caption = r.caption
                    header(ws, row, [f"{caption}　信息内容"] + [c.label for c in r.columns])
                    row += 1
                ws.cell(row=row, column=1, value=r.name).border = border
                for j, c in enumerate(r.columns, start=2):
                    cell = ws.cell(row=row, column=j, value=ru.totals[t.key][r.key][c.key])
                    cell.number_format = AMOUNT if c.kind == "amount" else COUNT
                    cell.border = border
                row += 1
        row += 1
    ws.cell(row=row, column=1, value="比率").font = Font(bold=True, size=12)
    row += 1
    header(ws, row, ["指标", "数值", "计算方法"])
    row += 1
    rat = ru.ratios
    for ratio in RATIOS:
        ws.cell(row=row, column=1, value=ratio.name).border = border
        cell = ws.cell(row=row, column=2, value=rat[ratio.key])
        cell.number_format, cell.border = PCT, border
        ws.cell(row=row, column=3, value=ratio.how).border = border
        row += 1
    widths(ws, [46] + [12] * 7)
    ws.freeze_panes = "B4"

    # -- 各机关: one line per agency --------------------------------------------------------------
    ws = wb.create_sheet("各机关")
    cols = (["机关", "级别", "地区", "报告编号", "格式", "文件类型", "落款日期"] + [f.name for f in FIGURES]
            + [r.short for r in RATIOS] + ["错误", "警告", "提示"])
    header(ws, 1, cols)
    for i, ln in enumerate(ru.lines, start=2):
        values = ([ln.name, ln.level, ln.region, ln.report_id, ln.edition, ln.format, ln.date]
                  + [ln.figures[f.key] for f in FIGURES] + [ln.ratios[r.key] for r in RATIOS]
                  + [ln.findings["error"], ln.findings["warning"], ln.findings["info"]])
        for j, v in enumerate(values, start=1):
            c = ws.cell(row=i, column=j, value=v)
            c.border = border
            if 8 <= j < 8 + len(FIGURES) or j > 7 + len(FIGURES) + len(RATIOS):
                c.number_format = COUNT
            elif 8 + len(FIGURES) <= j < 8 + len(FIGURES) + len(RATIOS):
                c.number_format = PCT
            elif j == 7:
                c.number_format = "yyyy-mm-dd"
        if ln.findings["error"]:
            ws.cell(row=i, column=len(cols) - 2).font = Font(bold=True, color="C00000")
    total_row = len(ru.lines) + 2
    ws.cell(row=total_row, column=1, value="合计").font = Font(bold=True)
    figs = ru.figures
    for j, fig in enumerate(FIGURES, start=8):
        c = ws.cell(row=total_row, column=j, value=figs[fig.key])
        c.number_format, c.font, c.fill = COUNT, Font(bold=True), sub_fill
    for j, ratio in enumerate(RATIOS, start=8 + len(FIGURES)):
        c = ws.cell(row=total_row, column=j, value=rat[ratio.key])
        c.number_format, c.font, c.fill = PCT, Font(bold=True), sub_fill
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(1, total_row - 1)}"
    widths(ws, [30, 10, 30, 9, 7, 8, 11] + [10] * (len(cols) - 7))
    ws.row_dimensions[1].height = 32

    # -- 未报送 ------------------------------------------------------------------------------------
    ws = wb.create_sheet("未报送")
    header(ws, 1, ["机关", "级别", "地区", "最近报送年度"])
    for i, m in enumerate(ru.missing, start=2):
        for j, v in enumerate((m["agency"], m["level"], m["region"], m["last_year"]), start=1):
            ws.cell(row=i, column=j, value=v).border = border
    ws.freeze_panes = "A2"
    widths(ws, [34, 10, 34, 14])

    # -- 核对 ----------------------------------------------------------------------------------------
    ws = wb.create_sheet("核对")
    header(ws, 1, ["规则", "级别", "说明", "应为", "实为"])
    if not ru.findings:
        ws.cell(row=2, column=1, value="汇总表的勾稽关系全部成立")
    for i, f in enumerate(ru.findings, start=2):
        for j, v in enumerate((f.code, f.severity, f.message, f.expected, f.actual), start=1):
            ws.cell(row=i, column=j, value=v if not isinstance(v, list | dict) else str(v)).border = border
    ws.freeze_panes = "A2"
    widths(ws, [8, 9, 90, 10, 10])

    # -- 说明 ----------------------------------------------------------------------------------------
    ws = wb.create_sheet("说明")
    lines = [f"汇总范围：{ru.region}，{ru.year}年度，各机关当前版本的报告；" + f"按{ru.edition.name}汇总。",
             "空白表示没有任何报告填写该项；0 表示填写为 0。"]
    lines += [f"{r.name}：{r.how}" for r in RATIOS]
    lines += [f"{TABLE_NAMES[t.key]}：见“汇总表”" for t in ru.edition.tables]
    lines += ru.notes
    for i, text in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=text)
    widths(ws, [120])
    for sheet in wb.worksheets:
        printable(sheet)
    wb.save(str(path))
