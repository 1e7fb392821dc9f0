"""The region roll-up (汇总): a region's reports for a year summed table by table, the sum checked with the
edition's identities, a line per agency with its key figures and findings, who has not reported, and
the ratios reviewers use. Written as JSON or as a formatted Excel workbook.

Summing across editions: a report printed in the other edition than the year's is summed where the two
editions mean the same thing, by the one mapping ``gongkai convert`` uses (formats/conversion.py) — table
三 and 四 entirely (2019's single （六）其他处理 row goes to 2021's （六）3.其他, and 2021's three （六） rows
to 2019's one), and in table 二 本年新制作数量 ↔ 本年制发件数 of 规章/规范性文件 and 处理决定数量 of
行政许可/处罚/强制. Other table 二 cells of such a report are not summed; the roll-up notes it.

Honest sums: every report of the region is summed unless a reviewer left it out (web/rollup_choices.py); the
reports that are summed while their error findings are still open (not dismissed by a reviewer, as the review
loop counts them: web/cycle.py) are listed, and the statement on the identities says how many there are
instead of claiming that everything holds. Each summed cell can be traced to the agencies behind it
(:meth:`Rollup.behind`); the region's 二、上年结转 is compared with last year's roll-up's 结转下年度, with the
agencies that make the difference (:class:`CrossYear`). Without the office's list of the region's agencies the
roll-up does not know who should have reported, and says so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from sqlalchemy import func, select

from .checks import catalogue, check
from .compose import CARRIED
from .document import Source
from .formats import CURRENT, EDITIONS, TABLE_NAMES, Edition, edition_for_year, get_edition
from .formats.common import APPLICANT_COLUMNS, REVIEW_COLUMNS
from .formats.conversion import cell_map
from .formats.figures import FIGURES, RATIOS
from .formats.layout import grid
from .model import Cell, Report
from .scoring import Pack, Score, write_sheet
from .store import region_clause
from .store import schema as S
from .store.decisions import open_errors
from .store.reviews import BEIJING
from .store.rollup_choices import choices


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
    score: Score | None = None  # the 考核 score, when scored with a pack (gongkai.store.kaohe.scored_rollup)
    excluded: bool = False  # left out of the sums by a reviewer
    open_errors: int = 0  # error findings no reviewer dismissed
    choice: Any = None  # the reviewer's choice about it (store/rollup_choices.Choice), if one was made
    # only the rows the year-on-year comparison reads (see kept()), keyed by the roll-up's edition; any other
    # cell is read from the store when asked for (Rollup.behind), so a large region's cells are not all held
    values: dict = field(default_factory=dict, repr=False)

    @property
    def included(self) -> bool:
        return not self.excluded

    def value(self, ref: str) -> Any:
        t, r, c = ref.split(".")
        return self.values.get(t, {}).get(r, {}).get(c)

    def to_json(self) -> dict[str, Any]:
        return {"agency_id": self.agency_id, "agency": self.name, "level": self.level, "region": self.region,
                "report_id": self.report_id, "edition": self.edition, "format": self.format,
                "date": self.date.isoformat() if self.date else None, "figures": dict(self.figures),
                "ratios": dict(self.ratios), "findings": dict(self.findings), "open_errors": self.open_errors,
                "included": not self.excluded,
                "choice": self.choice.to_json() if self.choice is not None else None} | (
                    {"score": self.score.to_json()} if self.score is not None else {})


@dataclass(slots=True)
class CrossYearLine:
    """An agency whose own 上年结转 (this year) and 结转下年度 (last year) differ as the two roll-ups count them."""

    name: str
    report_id: int | None  # this year's report (None: not reported)
    last_report_id: int | None  # last year's
    this_year: dict[str, Any]  # column → its 上年结转 as summed this year (None: not summed)
    last_year: dict[str, Any]  # column → its 结转下年度 as summed last year
    why: str  # in words: 本年与上年填报不一致, 上年报告未计入上年汇总 …


@dataclass(slots=True)
class CrossYear:
    """The region's 二、上年结转 (this year's sums) against 四、结转下年度 (last year's sums), per column."""

    year: int
    last_reported: int  # reports summed last year
    columns: list[tuple[str, str, Any, Any]]  # (column key, label, this year's sum, last year's sum)
    agencies: list[CrossYearLine]  # the agencies behind the differences

    @property
    def differences(self) -> list[tuple[str, str, Any, Any]]:
        return [c for c in self.columns if (c[2] or 0) != (c[3] or 0)]

    def names(self, column: str) -> list[str]:
        """The agencies behind the difference in one column."""
        return [a.name for a in self.agencies if (a.this_year.get(column) or 0) != (a.last_year.get(column) or 0)]

    def text(self) -> str:
        """The comparison in one sentence a county reviewer reads."""
        this, last = f"{self.year}年度", f"{self.year - 1}年度"
        if not self.last_reported:
            return f"{last}本地区没有计入汇总的报告，无法核对{this}“二、上年结转”。"
        diffs = self.differences
        if not diffs:
            return f"{this}各列“二、上年结转”合计均等于{last}“四、结转下年度继续办理”合计。"
        parts = [f"{label}本年上年结转 {_num(a)}、上年结转下年度 {_num(b)}（相差 {_num((a or 0) - (b or 0))}）"
                 for _, label, a, b in diffs]
        return (f"{this}“二、上年结转”与{last}“四、结转下年度继续办理”合计不一致：" + "；".join(parts)
                + "。差异来自：" + "、".join(a.name for a in self.agencies) + "。")

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "previous_year": self.year - 1, "last_reported": self.last_reported,
                "columns": [{"column": k, "label": label, "carried_over": a, "last_carried_forward": b}
                            for k, label, a, b in self.columns],
                "agencies": [{"agency": a.name, "report_id": a.report_id, "last_report_id": a.last_report_id,
                              "carried_over": a.this_year, "last_carried_forward": a.last_year, "why": a.why}
                             for a in self.agencies]}


def _num(v) -> str:
    if v is None:
        return "空白"
    v = _clean(v)
    return f"{v:,}" if isinstance(v, int) else f"{v:,.2f}".rstrip("0").rstrip(".")


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
    pack: Pack | None = None  # the 考核 rule pack the lines were scored with
    listed: bool = False  # the office's list of agencies (agencies import) names agencies of the region
    cross_year: CrossYear | None = None  # 上年结转 against last year's roll-up (None: not worked out)
    store: Any = field(default=None, repr=False)  # where the agencies' cells are read for behind()

    @property
    def ratios(self) -> dict[str, float | None]:
        return ratios(self.totals)

    @property
    def figures(self) -> dict[str, Any]:
        return figures(self.totals)

    @property
    def included(self) -> list[AgencyLine]:
        """The reports summed."""
        return [ln for ln in self.lines if not ln.excluded]

    @property
    def excluded(self) -> list[AgencyLine]:
        """The reports a reviewer left out of the sums."""
        return [ln for ln in self.lines if ln.excluded]

    @property
    def with_open_errors(self) -> list[AgencyLine]:
        """The reports summed although their errors are still open, most errors first."""
        return sorted((ln for ln in self.lines if ln.open_errors and not ln.excluded),
                      key=lambda ln: (-ln.open_errors, ln.name))

    @property
    def holds(self) -> bool:
        """The sums' identities hold and no report summed has open errors: only then is all well."""
        return not self.findings and not self.with_open_errors

    @property
    def statement(self) -> str:
        """What the check of the sums may honestly say."""
        if self.holds:
            return "汇总表的勾稽关系全部成立"
        if self.findings:
            head = f"汇总表有 {len(self.findings)} 处勾稽关系不成立（见下）"
        else:
            head = "汇总表的合计数本身勾稽关系成立"
        bad = self.with_open_errors
        if not bad:
            return head
        n = sum(ln.open_errors for ln in bad)
        return (f"{head}；但计入合计的 {len(bad)} 份报告仍有未处理的错误（共 {n} 个），合计数可能不准确，"
                "不能认为勾稽关系全部成立。请核实更正这些报告，或在汇总中不计入它们")

    @property
    def coverage(self) -> str:
        """Who reported, in words; without the office's list of agencies nobody knows who should have."""
        left_out = f"，其中 {len(self.excluded)} 个未计入合计" if self.excluded else ""
        if self.listed:
            return f"应报机关 {self.known} 个，已报 {len(self.lines)} 个{left_out}，未报 {len(self.missing)} 个"
        return f"已报 {len(self.lines)} 个{left_out}；{UNLISTED}"

    def behind(self, ref: str) -> list[tuple[AgencyLine, Any]]:
        """The agencies behind a summed cell ("table.row.column"): every reporting agency with its value
        (None: left blank or not printed), those summed first, the largest values first."""
        if self.store is None:
            values = {ln.report_id: ln.value(ref) for ln in self.lines}
        else:
            values = values_at(self.store, self.lines, ref, self.edition)
        return sorted(((ln, values.get(ln.report_id)) for ln in self.lines),
                      key=lambda p: (p[0].excluded, p[1] is None, -(p[1] or 0), p[0].name))

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "gongkai.rollup/1",
            "region": self.region,
            "year": self.year,
            "edition": self.edition.key,
            "coverage": {"agencies": self.known, "reported": len(self.lines), "missing": list(self.missing),
                         "listed": self.listed, "included": len(self.included), "text": self.coverage},
            "figures": self.figures,
            "ratios": self.ratios,
            "totals": self.totals,
            "findings": [f.to_json() for f in self.findings],
            "statement": self.statement,
            "open_errors": [{"agency": ln.name, "report_id": ln.report_id, "errors": ln.open_errors}
                            for ln in self.with_open_errors],
            "excluded": [{"agency": ln.name, "report_id": ln.report_id, "open_errors": ln.open_errors,
                          "choice": ln.choice.to_json() if ln.choice is not None else None} for ln in self.excluded],
            "cross_year": self.cross_year.to_json() if self.cross_year is not None else None,
            "agencies": [ln.to_json() for ln in self.lines],
            "notes": list(self.notes),
        } | ({"kaohe": {"pack": self.pack.name, "full_marks": self.pack.full_marks}} if self.pack else {})

    def to_xlsx(self, path) -> None:
        write_xlsx(self, path)


def stored_cells(conn, report_ids: list[int], tables: set[str] | None = None) -> dict[int, dict]:
    """The stored values of these reports (of these tables only, when given): {report id: {table: {row:
    {column: value}}}}, None for a blank."""
    cells: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    for i in range(0, len(report_ids), 500):
        q = select(S.cells.c.report_id, S.cells.c.table_key, S.cells.c.row_key, S.cells.c.column_key,
                   S.cells.c.value).where(S.cells.c.report_id.in_(report_ids[i:i + 500]))
        if tables is not None:
            q = q.where(S.cells.c.table_key.in_(sorted(tables)))
        for rid, t, rk, c, v in conn.execute(q):
            cells[rid][t][rk][c] = _clean(v) if v is not None else None
    return cells


def values_at(store, lines: list[AgencyLine], ref: str, edition: Edition) -> dict[int, Any]:
    """Each line's value of one cell of the roll-up's edition (None: blank or not printed), {report id:
    value}, read from the store a chunk of reports at a time and mapped as the sums were."""
    table = ref.split(".")[0]
    tables = {table}
    for ed in {ln.edition for ln in lines if ln.edition and ln.edition != edition.key and ln.edition in EDITIONS}:
        tables |= {src.split(".")[0] for src, dst in cell_map(ed, edition.key).items()
                   if dst and dst.startswith(f"{table}.")}
    out: dict[int, Any] = {}
    with store.engine.connect() as conn:
        for i in range(0, len(lines), CHUNK):
            part = lines[i:i + CHUNK]
            cells = stored_cells(conn, [ln.report_id for ln in part], tables)
            for ln in part:
                mapped, _ = map_to_edition(cells.get(ln.report_id, {}), ln.edition, edition)
                out[ln.report_id] = _v(mapped, ref)
    return out


def kept(values: dict) -> dict:
    """The part of a report's mapped values an AgencyLine keeps: the rows of CARRIED."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for table, row, last_row in CARRIED:
        for r in (row, last_row):
            if r in values.get(table, {}):
                out.setdefault(table, {})[r] = dict(values[table][r])
    return out


CHUNK = 500  # reports whose cells are held at once


def empty_totals(edition: Edition) -> dict[str, dict[str, dict[str, Any]]]:
    """Every cell of the edition's tables, None (nothing summed yet)."""
    return {t.key: {row.key: {c.key: None for c in row.columns} for row in t.rows} for t in edition.tables}


def add_tables(totals: dict[str, dict[str, dict[str, Any]]], mapped: dict) -> None:
    """Add one report's values (keyed by the totals' edition, see :func:`map_to_edition`) into ``totals``;
    a blank adds nothing."""
    for t, rows in mapped.items():
        for rk, cols in rows.items():
            for c, v in cols.items():
                if v is None:
                    continue
                cur = totals[t][rk][c]
                totals[t][rk][c] = _clean(v if cur is None else cur + v)


UNLISTED = "未导入本地区机关名录，无法判断是否报齐"


def identity_codes() -> set[str]:
    return {r.code for r in catalogue() if r.code.startswith("GK3")}


def rollup(store, region: str, year: int, *, cross_year: bool = True) -> Rollup:
    """The region's reports of ``year`` summed, less those a reviewer left out; with ``cross_year``, its
    上年结转 compared with last year's roll-up."""
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
        last_years = {}
        for i in range(0, len(ids), 500):
            for aid, y in conn.execute(select(r.c.agency_id, func.max(r.c.year)).where(
                    r.c.agency_id.in_(ids[i:i + 500])).group_by(r.c.agency_id)):
                last_years[aid] = y
        chosen = choices(conn, reports, year)
    unresolved = open_errors(store, {m["id"]: m["errors"] for m in reports.values()})

    totals = empty_totals(edition)
    lines: list[AgencyLine] = []
    missing: list[dict[str, Any]] = []
    notes: list[str] = []
    with store.engine.connect() as conn:
        for i in range(0, len(agencies), CHUNK):  # (a chunk's cells at a time: summed, then let go)
            part = agencies[i:i + CHUNK]
            cells = stored_cells(conn, [reports[ag["id"]]["id"] for ag in part if ag["id"] in reports])
            for ag in part:
                path = "/".join(p for p in (ag["province"], ag["city"], ag["county"], ag["township"]) if p)
                rep = reports.get(ag["id"])
                if rep is None:
                    missing.append({"agency_id": ag["id"], "agency": ag["name"], "level": ag["level"],
                                    "region": path, "last_year": last_years.get(ag["id"])})
                    continue
                mapped, dropped = map_to_edition(cells.get(rep["id"], {}), rep["edition"], edition)
                choice = chosen.get(ag["id"])
                excluded = choice is not None and choice.excluded
                if rep["edition"] and rep["edition"] != edition.key and not excluded:
                    notes.append(f"{ag['name']}（报告 {rep['id']}）使用{get_edition(rep['edition']).name}，"
                                 f"已按{edition.name}汇总" + ("；表二中两版含义不同的数据未计入" if dropped else ""))
                if not excluded:
                    add_tables(totals, mapped)
                lines.append(AgencyLine(
                    ag["id"], ag["name"], ag["level"], path, rep["id"], rep["edition"], rep["format"], rep["date"],
                    figures(mapped), ratios(mapped),
                    {"error": rep["errors"], "warning": rep["warnings"], "info": rep["infos"]},
                    excluded=excluded, open_errors=unresolved.get(rep["id"], 0), choice=choice,
                    values=kept(mapped)))

    report = Report(source=Source(f"rollup:{region}:{year}", "", "rollup"), agency=f"{region}（汇总）", year=year,
                    edition=edition.key, title=f"{region}{year}年度政府信息公开工作年度报告汇总")
    for t, rows in totals.items():
        for rk, cols in rows.items():
            for c, v in cols.items():
                report.tables.setdefault(t, {}).setdefault(rk, {})[c] = Cell(v, "" if v is None else str(v), None)
    found = check(report, select=identity_codes())
    for f in found:
        f.file = None
    ru = Rollup(region, year, edition, lines, totals, report, found, len(agencies), missing, notes,
                listed=any(ag["from_csv"] for ag in agencies), store=store)
    if cross_year:
        ru.cross_year = compare_years(ru, rollup(store, region, year - 1, cross_year=False))
    return ru


def compare_years(ru: Rollup, last: Rollup) -> CrossYear:
    """This year's summed 二、上年结转 against last year's summed 四、结转下年度, per column, and the agencies
    whose own figures make the difference (either year's excluded reports count as not summed)."""
    table, row, last_row = CARRIED[0]
    this_cols = {c.key: c.label for c in ru.edition.table(table).row(row).columns}
    columns = [(k, label, ru.totals[table][row].get(k),
                last.totals.get(table, {}).get(last_row, {}).get(k) if last.included else None)
               for k, label in this_cols.items()]
    now = {ln.agency_id: ln for ln in ru.lines}
    before = {ln.agency_id: ln for ln in last.lines}
    behind: list[CrossYearLine] = []
    if last.included:
        for aid in list(now) + [aid for aid in before if aid not in now]:
            a, b = now.get(aid), before.get(aid)
            mine = {k: a.value(f"{table}.{row}.{k}") for k in this_cols} if a and a.included else {}
            theirs = {k: b.value(f"{table}.{last_row}.{k}") for k in this_cols} if b and b.included else {}
            if all((mine.get(k) or 0) == (theirs.get(k) or 0) for k in this_cols):
                continue
            if a is not None and a.included and b is not None and b.included:
                why = "本年报告填写的上年结转与上年报告填写的结转下年度不一致"
            elif a is not None and a.included:
                why = "上年报告未计入上年汇总" if b is not None else "上年没有报告"
            else:
                why = "本年报告未计入汇总" if a is not None else "本年未报送"
            behind.append(CrossYearLine((a or b).name, a.report_id if a else None,  # type: ignore[union-attr]
                                        b.report_id if b else None, mine, theirs, why))
    return CrossYear(ru.year, len(last.included), columns, behind)


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
    ws["A2"] = f"格式：{ru.edition.name}　{ru.coverage}　生成于 {dt.date.today():%Y-%m-%d}"
    ws["A3"] = ru.statement + "。" + ("" if not ru.excluded else "未计入合计的报告：" + "、".join(
        ln.name for ln in ru.excluded) + "（见“各机关”表）。")
    ws["A3"].font = Font(bold=not ru.holds, color="000000" if ru.holds else "C00000")
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

    official_sheet(wb, ru)

    # -- 各机关: one line per agency --------------------------------------------------------------
    ws = wb.create_sheet("各机关")
    cols = (["机关", "级别", "地区", "报告编号", "格式", "文件类型", "落款日期"] + [f.name for f in FIGURES]
            + [r.short for r in RATIOS] + ["错误", "警告", "提示", "未处理错误", "计入合计", "未计入原因"])
    header(ws, 1, cols)
    error_col = cols.index("错误") + 1
    for i, ln in enumerate(ru.lines, start=2):
        values = ([ln.name, ln.level, ln.region, ln.report_id, ln.edition, ln.format, ln.date]
                  + [ln.figures[f.key] for f in FIGURES] + [ln.ratios[r.key] for r in RATIOS]
                  + [ln.findings["error"], ln.findings["warning"], ln.findings["info"], ln.open_errors,
                     "否" if ln.excluded else "是", choice_text(ln) if ln.excluded else None])
        for j, v in enumerate(values, start=1):
            c = ws.cell(row=i, column=j, value=v)
            c.border = border
            if ln.excluded:
                c.font = Font(color="808080")
            if 8 <= j < 8 + len(FIGURES) or error_col <= j <= error_col + 3:
                c.number_format = COUNT
            elif 8 + len(FIGURES) <= j < 8 + len(FIGURES) + len(RATIOS):
                c.number_format = PCT
            elif j == 7:
                c.number_format = "yyyy-mm-dd"
        if ln.findings["error"]:
            ws.cell(row=i, column=error_col).font = Font(bold=True, color="C00000")
        if ln.open_errors:
            ws.cell(row=i, column=error_col + 3).font = Font(bold=True, color="C00000")
    total_row = len(ru.lines) + 2
    ws.cell(row=total_row, column=1, value="合计（计入合计的报告）" if ru.excluded else "合计").font = Font(bold=True)
    figs = ru.figures
    for j, fig in enumerate(FIGURES, start=8):
        c = ws.cell(row=total_row, column=j, value=figs[fig.key])
        c.number_format, c.font, c.fill = COUNT, Font(bold=True), sub_fill
    for j, ratio in enumerate(RATIOS, start=8 + len(FIGURES)):
        c = ws.cell(row=total_row, column=j, value=rat[ratio.key])
        c.number_format, c.font, c.fill = PCT, Font(bold=True), sub_fill
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(1, total_row - 1)}"
    widths(ws, [30, 10, 30, 9, 7, 8, 11] + [10] * (len(cols) - 8) + [40])
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
    ws.cell(row=2, column=1, value=ru.statement).font = Font(bold=not ru.holds, color="000000" if ru.holds
                                                             else "C00000")
    row = 3
    for f in ru.findings:
        for j, v in enumerate((f.code, f.severity, f.message, f.expected, f.actual), start=1):
            ws.cell(row=row, column=j, value=v if not isinstance(v, list | dict) else str(v)).border = border
        row += 1

    def block(title: str, heads: list[str], rows: list[list[Any]]) -> None:
        nonlocal row
        row += 1
        ws.cell(row=row, column=1, value=title).font = Font(bold=True, size=12)
        row += 1
        header(ws, row, heads, fill=sub_fill, font=Font(bold=True))
        for values in rows:
            row += 1
            for j, v in enumerate(values, start=1):
                ws.cell(row=row, column=j, value=v).border = border
        row += 1

    if ru.with_open_errors:
        block("计入合计但仍有未处理错误的报告", ["报告编号", "未处理错误", "机关"],
              [[ln.report_id, ln.open_errors, ln.name] for ln in ru.with_open_errors])
    if ru.excluded:
        block("未计入合计的报告", ["报告编号", "未处理错误", "机关及原因"],
              [[ln.report_id, ln.open_errors, f"{ln.name}：{choice_text(ln)}"] for ln in ru.excluded])
    cy = ru.cross_year
    if cy is not None:
        block(f"跨年度核对：{ru.year}年度“二、上年结转”与{ru.year - 1}年度“四、结转下年度继续办理”",
              ["列", "本年上年结转", "差异来自的机关", "上年结转下年度", "相差"],
              [[label, a, "、".join(cy.names(k)) or "一致", b, (a or 0) - (b or 0)] for k, label, a, b in cy.columns]
              if cy.last_reported else [["", "", cy.text()]])
        for who in cy.agencies:
            ws.cell(row=row, column=3, value=f"{who.name}：{who.why}（本年 " + _values_text(cy, who.this_year)
                    + "；上年 " + _values_text(cy, who.last_year) + "）")
            row += 1
    ws.freeze_panes = "A2"
    widths(ws, [12, 12, 90, 14, 10])

    # -- 说明 ----------------------------------------------------------------------------------------
    ws = wb.create_sheet("说明")
    lines = [f"汇总范围：{ru.region}，{ru.year}年度，各机关当前版本的报告；" + f"按{ru.edition.name}汇总。",
             f"报送情况：{ru.coverage}。",
             "空白表示没有任何报告填写该项；0 表示填写为 0。",
             ("未处理错误：报告中未被审核人以书面理由驳回的错误；审核人可在汇总页面决定是否将某份报告计入合计，"
              "未计入的报告不加入任何合计数。")]
    lines += [f"{r.name}：{r.how}" for r in RATIOS]
    lines += [f"{TABLE_NAMES[t.key]}：见“汇总表”" for t in ru.edition.tables]
    lines += ru.notes
    for i, text in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=text)
    widths(ws, [120])
    if ru.pack is not None:
        write_sheet(wb, ru.lines, ru.pack)
    for sheet in wb.worksheets:
        if sheet.title != OFFICIAL_SHEET:  # set up as the template prints, portrait
            printable(sheet)
    wb.save(str(path))


def choice_text(ln: AgencyLine) -> str:
    """Who left a report out of the sums, when and why."""
    ch = ln.choice
    if ch is None:
        return ""
    when = ch.decided_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    text = f"{ch.username or '审核人'}于 {when} 决定不计入" + (f"，理由：{ch.reason}" if ch.reason else "")
    if ch.report_id is not None and ch.report_id != ln.report_id:
        text += f"（决定时为报告 {ch.report_id}，此后已有新版本 {ln.report_id}）"
    return text


def _values_text(cy: CrossYear, values: dict[str, Any]) -> str:
    if not values:
        return "未计入"
    shown = [f"{label} {_num(values.get(k))}" for k, label, *_ in cy.columns if values.get(k)]
    return "、".join(shown) or "均为 0"


# -- the official layout ------------------------------------------------------------------------

OFFICIAL_SHEET = "汇总表（规范格式）"
_OFFICIAL_WIDTH = 120  # the sheet's width in Excel's character units; printing fits it to the page's width


def official_sheet(wb, ru: Rollup) -> None:
    """The summed tables 二 三 四 as the official template prints them (the grids of formats/layout.py: merged
    headers and nested row labels), one under the other on an A4 sheet set up to print.

    The three tables have different columns; each is laid over the full width, and the sheet's columns are
    cut wherever any table has a column edge, so that every cell of every table is a merge of whole columns."""
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font, bold = Font(name="宋体", size=10), Font(name="宋体", size=10, bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    caption_fill = PatternFill("solid", fgColor="D9E1F2")
    ws = wb.create_sheet(OFFICIAL_SHEET, wb.sheetnames.index("汇总表") + 1)
    grids = [grid(ru.edition.key, t.key) for t in ru.edition.tables]
    # where each table's column edges fall, as a share of the width; edges closer than 1 % are one edge
    edges: list[float] = [0.0, 1.0]
    for g in grids:
        total, acc = sum(g.widths), 0.0
        for w in g.widths[:-1]:
            acc += w
            edges.append(acc / total)
    cuts: list[float] = []
    for e in sorted(edges):
        if not cuts or e - cuts[-1] >= 0.01:
            cuts.append(e)
    cuts[-1] = 1.0

    def col_of(share: float) -> int:  # 1-based sheet column starting at this edge
        return 1 + min(range(len(cuts)), key=lambda i: abs(cuts[i] - share))

    ncols = len(cuts) - 1
    for i in range(ncols):
        ws.column_dimensions[get_column_letter(i + 1)].width = round((cuts[i + 1] - cuts[i]) * _OFFICIAL_WIDTH, 2)
    last = get_column_letter(ncols)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = f"{ru.region.split('/')[-1]}{ru.year}年度政府信息公开工作年度报告汇总表"
    ws["A1"].font = Font(name="黑体", size=16)
    ws["A1"].alignment = centre
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = (f"（{ru.region}，{ru.edition.name}；{ru.coverage}。{ru.statement}。）")
    ws["A2"].font = Font(name="宋体", size=9, color="000000" if ru.holds else "C00000")
    ws["A2"].alignment = centre
    ws.row_dimensions[2].height = 30 if len(str(ws["A2"].value)) < 110 else 44
    row = 4
    for t, g in zip(ru.edition.tables, grids, strict=True):
        if t.key == "applications":
            ws.row_breaks.append(Break(id=row - 1))  # table 三 starts a page, as in the template
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        ws.cell(row, 1, t.title).font = Font(name="黑体", size=12)
        ws.row_dimensions[row].height = 24
        row += 1
        total, acc, starts = sum(g.widths), 0.0, []
        for w in g.widths:
            starts.append(col_of(acc / total))
            acc += w
        starts.append(ncols + 1)
        lines: dict[int, float] = {}
        for c in g.cells:
            r0, c0, c1 = row + c.row, starts[c.col], starts[c.col + c.colspan] - 1
            if c.rowspan > 1 or c1 > c0:
                ws.merge_cells(start_row=r0, start_column=c0, end_row=r0 + c.rowspan - 1, end_column=c1)
            for rr in range(r0, r0 + c.rowspan):
                for cc in range(c0, c1 + 1):
                    ws.cell(rr, cc).border = border
            cell = ws.cell(r0, c0)
            if c.ref:
                tk, rk, ck = c.ref.split(".")
                cell.value = ru.totals[tk][rk][ck]
                column = next(col for col in ru.edition.table(tk).row(rk).columns if col.key == ck)
                cell.number_format = "#,##0.00" if column.kind == "amount" else "#,##0"
                cell.font, cell.alignment = font, centre
            else:
                cell.value = c.text
                cell.font = bold if c.kind in ("head", "caption", "group") else font
                cell.alignment = left if c.kind in ("caption", "corner") or (
                    c.kind == "label" and t.key != "active") else centre
                if c.kind == "caption":
                    cell.fill = caption_fill
                width = sum(ws.column_dimensions[get_column_letter(k)].width for k in range(c0, c1 + 1))
                need = -(-sum(2 if ord(ch) > 0x2E80 else 1 for ch in c.text) // max(int(width) - 1, 2))
                lines[r0] = max(lines.get(r0, 1), need / c.rowspan)
        for r in range(row, row + g.nrows):
            ws.row_dimensions[r].height = max(18, 13 * lines.get(r, 1) + 5)
        row += g.nrows + 1
    ws.sheet_view.showGridLines = False
    ws.print_title_rows = "1:2"
    ws.print_area = f"A1:{last}{row - 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.7, 0.7
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
