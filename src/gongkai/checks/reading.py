"""GK7xx: what gongkai could not read for certain — about its own reading, never the agency's mistake.

Each says what gongkai saw, why it is not sure, and where to look, so that a reviewer checks those cells
against the original instead of trusting a number gongkai only guessed. The cells concerned carry the
doubt (``Cell.doubt``); the other rules stay silent on them (an identity with an uncertain term is not
evaluated), so that a reading failure is never reported as an error of the agency.
"""

from __future__ import annotations

from functools import cache

from ..formats import EDITIONS, TABLE_NAMES
from ..formats.base import Column, RowDef
from ..location import zh
from ..model import DOUBTS, Cell, Report
from .base import doubtful, rule


@cache
def _row(table: str, row: str, edition: str | None) -> RowDef | None:
    """The row's definition in ``edition`` (the table's), else in any edition."""
    eds = [EDITIONS[edition]] if edition in EDITIONS else []
    for ed in eds + list(EDITIONS.values()):
        for r in ed.table(table).rows:
            if r.key == row:
                return r
    return None


def _column(rdef: RowDef | None, key: str) -> Column | None:
    return next((c for c in rdef.columns if c.key == key), None) if rdef else None


def _edition(report: Report, table: str) -> str | None:
    return report.table_editions.get(table) or report.edition


def row_name(report: Report, table: str, row: str) -> str:
    """表三「（一）予以公开」"""
    rdef = _row(table, row, _edition(report, table))
    return f"{TABLE_NAMES[table]}「{rdef.name if rdef else row}」"


def cell_name(report: Report, ref: str) -> str:
    """表三「（一）予以公开」自然人"""
    table, row, col = ref.split(".")
    c = _column(_row(table, row, _edition(report, table)), col)
    return row_name(report, table, row) + (c.label if c else col)


@cache
def _has_identities(table: str) -> bool:
    return any(ref.startswith(table + ".") for ed in EDITIONS.values() for i in ed.identities for ref in i.lhs)


def _num(v: int | float | None) -> str:
    if v is None:
        return "“/”"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def _where(at) -> str:
    place = zh(at)
    return f"（位置：{place}）" if place else ""


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


@rule(
    "GK701", "ambiguous-value", "warning",
    title="无法唯一确定（数字连在一起，有几种拆分方式）",
    what="表格中几个单元格的数字连在一起印出（如“110000011”），gongkai 按本表的勾稽关系和各栏能填的内容尝试了所有拆分方式，"
         "仍有不止一种说得通。gongkai 不替您挑选，这些单元格暂不取值，列出所有可能的拆分，供对照原件确定。",
    why="从网页抓取或由 PDF 转换的文字常把表格各格的数字连成一串；挑“看起来最像”的一种会把可能错误的数字当成事实。"
        "这是 gongkai 读取的问题，不是报告本身的错误。",
    example="表三“（一）予以公开”一行印作“110000011”，可读作 11、0、0、0、0、0、11，也可读作 1、10、0、0、0、0、11。",
)
def ambiguous_value(report, ctx):
    covered: set[str] = set()
    for run in report.ambiguous:
        covered.update(run.cells)
        rows = dict.fromkeys(ref.rsplit(".", 1)[0] for ref in run.cells)
        where = "、".join(row_name(report, *key.split(".")) for key in rows)
        if len(rows) > 1:
            where = TABLE_NAMES[run.table]
        shown = "；或 ".join("、".join(_num(v) for v in split) for split in run.splits)
        listed = f"，以下列出其中 {len(run.splits)} 种" if run.count > len(run.splits) else ""
        fits = "都符合本表的勾稽关系" if _has_identities(run.table) else "都说得通，本表没有可供核对的合计关系"
        yield ambiguous_value.finding(
            f"{where}印作“{_short(run.printed)}”，数字连在一起，gongkai 无法唯一确定如何拆分"
            f"（共 {run.count} 种拆分{fits}{listed}）：可读作 {shown}。这些单元格暂不取值，请对照原件人工核对",
            cells=list(run.cells), actual=[list(s) for s in run.splits], at=run.at,
        )
    # cells marked ambiguous without the note of their run (a report given as JSON): by row
    by_row: dict[str, list[tuple[str, Cell]]] = {}
    for ref, cell in doubtful(report, ctx):
        if cell.doubt == "ambiguous" and ref not in covered:
            by_row.setdefault(ref.rsplit(".", 1)[0], []).append((ref, cell))
    for key, items in by_row.items():
        parts = "；".join(f"{cell_name(report, ref).split('」', 1)[1]}可能为 " + " 或 ".join(_num(v) for v in cell.candidates)
                         for ref, cell in items if cell.candidates)
        raw = items[0][1].raw or ""
        yield ambiguous_value.finding(
            f"{row_name(report, *key.split('.'))}印作“{_short(raw)}”，gongkai 无法唯一确定各单元格的数字"
            + (f"：{parts}" if parts else "") + "。请对照原件人工核对",
            cells=[ref for ref, _ in items], actual=raw, at=items[0][1].at,
        )


@rule(
    "GK702", "uncertain-scan", "warning",
    title="扫描识别不确定",
    what="扫描件（图片）中的数字经文字识别（OCR）读出，但识别不可靠：字迹很淡、有污迹或印章遮挡、识别置信度低，"
         "或识别出的数字与表格的勾稽关系不符。gongkai 列出识别结果和存疑原因，并保留该单元格的扫描图像供核对。",
    why="扫描识别可能把“47”认成“64”。与其把可能认错的数字当成事实、甚至据此指出报告“错误”，不如请审核人员对照扫描图像确认。"
        "这是 gongkai 识别的问题，不是报告本身的错误。",
    example="表三“（七）总计”总计一栏盖有印章，识别为“64”（置信度 0.50），而各项之和为 47。",
)
def uncertain_scan(report, ctx):
    for ref, cell in doubtful(report, ctx):
        if cell.how != "ocr" or cell.doubt not in ("ocr", "identity"):
            continue
        why = report.doubts.get(ref) or DOUBTS[cell.doubt]
        read = f"识别为“{_short(cell.raw)}”" if cell.raw else "未能识别出内容"
        yield uncertain_scan.finding(
            f"{cell_name(report, ref)}（扫描件）{read}，但 gongkai 不能确定识别无误：{why}。请对照扫描原件人工核对",
            cells=[ref], actual=cell.raw, at=cell.at,
        )


@rule(
    "GK703", "unread", "warning",
    title="未能读取",
    what="gongkai 找到了某张表的表头或某一行的标签，却未能读出其中的数字（版式特殊、数字与标签被拆开、内容无法识别等）。"
         "这些单元格不参与勾稽关系等检查，也不按“缺行”“空白”处理。",
    why="读不出来是 gongkai 的问题，不应把它说成报告“缺少某行”或“合计不符”。请对照原件查看这一处，必要时手工录入。",
    example="由 PDF 转换的文字把表三的行标签和数字分开排列，“（一）予以公开”一行后面没有数字，而表中另有对应不上的数字。",
)
def unread(report, ctx):
    covered: set[str] = set()
    for note in report.unread:
        if note.row is None:
            covered.add(note.table)
            yield unread.finding(
                f"gongkai 未能读取{TABLE_NAMES[note.table]}：{note.reason}{_where(note.at)}。"
                "该表不参与检查，请对照原件人工核对",
                cells=[note.table], actual=note.printed or None, at=note.at,
            )
            continue
        key = f"{note.table}.{note.row}"
        covered.add(key)
        what = f"（印作“{_short(note.printed)}”）" if note.printed else ""
        yield unread.finding(
            f"gongkai 未能读取{row_name(report, note.table, note.row)}这一行的数字{what}："
            f"{note.reason}{_where(note.at)}。这一行不参与勾稽关系检查，请对照原件人工核对",
            cells=[key], actual=note.printed or None, at=note.at,
        )
    # cells marked not read without a note (a report given as JSON): by row
    rows: dict[str, Cell] = {}
    for ref, cell in doubtful(report, ctx):
        key = ref.rsplit(".", 1)[0]
        if cell.doubt == "unread" and key not in covered and ref.split(".")[0] not in covered:
            rows.setdefault(key, cell)
    for key, cell in rows.items():
        yield unread.finding(
            f"gongkai 未能读取{row_name(report, *key.split('.'))}这一行的数字{_where(cell.at)}。请对照原件人工核对",
            cells=[key], at=cell.at,
        )


@rule(
    "GK704", "unit-converted", "info",
    title="金额单位已换算",
    what="表二的金额栏格式规定了单位（2021年版“本年收费金额”为万元），报告却按另一单位印出（如“3000元”，或表头写“单位：元”）。"
         "gongkai 已把数值换算为格式规定的单位，并列出原数和换算结果。",
    why="不同单位的金额直接汇总会差一万倍；换算后才能与其他机关的数据相加。请核对原数的单位是否确如所印。",
    example="表二“行政事业性收费”本年收费金额印作“3000元”，按万元计为 0.3。",
)
def unit_converted(report, ctx):
    for conv in report.conversions:
        source = "" if conv.source == "cell" else f"（表头写“{_short(conv.source)}”）"
        yield unit_converted.finding(
            f"{cell_name(report, conv.cell)}印作“{conv.printed}”{source}，单位为{conv.printed_unit}；格式规定以{conv.unit}为单位，"
            f"gongkai 已换算为 {_num(conv.value)} {conv.unit}",
            cells=[conv.cell], expected=conv.value, actual=conv.printed_value, at=conv.at,
        )
