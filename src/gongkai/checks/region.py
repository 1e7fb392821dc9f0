"""GK8xx (region): a region's own report against the sum of its agencies' reports in the store."""

from __future__ import annotations

import re
from collections.abc import Callable
from statistics import median
from typing import Any

from ..formats import Edition
from .base import rule

MIN_PRESENT = 3  # agencies' reports in the sum before the sum says anything
MIN_CELLS = 3  # cells where the agencies' sum is not 0, to judge whether the report is a total at all
TOTAL_SHARE = 2 / 3  # a total is at least the sum of some of its parts: in this share of those cells at least
MATCH_SHARE = 0.8  # … and equal to the sum of all its parts: in this share of them …
MATCH_CELLS = 5  # … with at least this many to go by

# the columns of table 二 that add up across agencies: counts of documents and decisions (not 2019's
# 上一年项目数量/本年增减, nor amounts, whose units vary)
ADDITIVE_ACTIVE = frozenset({"issued", "repealed", "in_force", "decisions", "new_made", "new_published",
                             "total_published"})
# a report's size: the key figures an office's whole region adds up, whatever its agencies do
SIZE_CELLS = ("applications.new_received.total", "applications.total_processed.total",
              "review_litigation.review.total", "review_litigation.litigation_direct.total",
              "review_litigation.litigation_after_review.total", "active.licensing.decisions",
              "active.penalty.decisions", "active.coercion.decisions")


def size(value: Callable[[str], Any]) -> float:
    """How large a report's figures are: the sum of :data:`SIZE_CELLS` (a blank as 0)."""
    return float(sum(v for v in (value(ref) for ref in SIZE_CELLS) if v is not None))


def compared_cells(edition: Edition) -> list[str]:
    """The cells a region's total is compared on: tables 三 and 四 whole, table 二's counts."""
    out = []
    for t in edition.tables:
        for r in t.rows:
            for c in r.columns:
                if t.key != "active" or c.key in ADDITIVE_ACTIVE:
                    out.append(f"{t.key}.{r.key}.{c.key}")
    return out


# The text says the tables are the region's totals: "汇总各乡镇、县直各部门…数据", "全县共收到政府信息公开申请".
_DECLARED = re.compile(
    r"(?:汇总|综合)[^。；;\n]{0,30}各[^。；;\n]{0,40}(?:报告|数据|统计|情况)"
    r"|全[县市区旗州盟省][^。；;\n]{0,12}(?:共|累计|合计)[^。；;\n]{0,8}(?:收到|受理|新收|办理)[^。；;\n]{0,12}申请"
    r"|全[县市区旗州盟省][^。；;\n]{0,6}汇总"
)


def _num(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _whole(here: str) -> str:
    """本县 → 全县."""
    return "全" + here[1:] if here != "本地区" else "全地区"


@rule(
    "GK802", "region-sum", "warning", needs_store=True,
    title="地区汇总数与库中各机关报告之和不符",
    what="县（市、区）、市、省人民政府的报告载有本地区汇总数据（全县汇总）时，与库中本地区各机关（县级部门和乡镇、"
         "街道；市级部门和所辖县级政府；省级部门和所辖市级政府）同一年度报告之和逐格比较（表二的件数和决定数、"
         "表三、表四）：汇总数小于已入库机关之和的，或库中本地区全部机关（以政务公开办公室导入的机关名单为准）都已报告、"
         "汇总数与合计大多一致而个别数字不一致的，提示核对。只在能够判断时提示：报告须表明是汇总数（正文写明汇总"
         "各单位数据、“全县共收到申请”，或数字与合计大多相同），且整体上不小于各机关之和；库中报告少于"
         f" {MIN_PRESENT} 份、或本报告比多数单个机关的数字还小（只是政府办公室本身的数据）时不作判断。"
         "消息写明覆盖情况：库中本地区已知机关多少个、其中多少个的报告计入合计。",
    why="地区汇总数是各机关数据之和：比其中部分机关之和还小，说明汇总漏算或某个机关的数字填错；"
        "全部机关都已报告时，个别格子对不上通常是汇总时抄错、漏加。库中数据可能不全、机关的报告也可能有误，"
        "所以只作警告，并列出数字最大的几个机关供核对。",
    example="奉新县人民政府2023年度报告（正文写“全县共收到政府信息公开申请12件”）表三「（一）予以公开」总计为 5，"
            "而库中已入库的甘坊镇、罗市镇、县住建局三份报告该格之和为 7。",
)
def region_sum(report, ctx):
    if ctx.peers is None:
        return
    rs = ctx.peers.region_sum(report)
    if rs is None or rs.present < MIN_PRESENT:
        return
    if rs.sizes and size(report.value) < median(rs.sizes):
        return  # smaller than most single agencies: the government office's own figures, no total
    pairs = []
    for ref in compared_cells(rs.edition):
        cell = report.cell(ref)
        total = rs.value(ref)
        if cell is None or cell.value is None or cell.uncertain or total is None or ref in rs.unsure:
            continue
        pairs.append((ref, cell.value, total))
    counted = [(ref, v, s) for ref, v, s in pairs if s > 0]
    if len(counted) < MIN_CELLS:
        return
    at_least = sum(1 for _, v, s in counted if v >= s - 1e-9)
    same = sum(1 for _, v, s in counted if abs(v - s) <= 1e-9)
    matches = len(counted) >= MATCH_CELLS and same >= MATCH_SHARE * len(counted)
    if not (matches or _DECLARED.search(report.narrative)) or at_least < TOTAL_SHARE * len(counted):
        return
    # above the sum: a judgement only when the office's list of the region's agencies is all in the sum,
    # none of them is a government whose report may be a total itself, and the rest adds up exactly
    whole = matches and rs.complete and rs.leaves and rs.office_list
    off = [(ref, v, s) for ref, v, s in pairs
           if v < s - 1e-9 or (whole and v > s + 1e-9 and rs.summed_in_full(ref))]
    by_row: dict[str, list[tuple[str, float, float]]] = {}
    for ref, v, s in off:
        by_row.setdefault(ref.rsplit(".", 1)[0], []).append((ref, v, s))
    region = _whole(rs.here)
    for key, items in by_row.items():
        table, row = key.split(".")
        tdef = rs.edition.table(table)
        rdef = tdef.row(row)
        labels = {c.key: c.label for c in rdef.columns}
        shown = "、".join(f"{labels[ref.rsplit('.', 1)[1]]} {_num(v)}" for ref, v, _ in items)
        sums = "、".join(f"{labels[ref.rsplit('.', 1)[1]]} {_num(s)}" for ref, _, s in items)
        lead = next((it for it in items if it[0].endswith(".total")), items[0])
        parts = sorted(rs.parts.get(lead[0], []), key=lambda p: -p[1])
        among = "、".join(f"{name} {_num(v)}" for name, v in parts[:3])
        column = f"{labels[lead[0].rsplit('.', 1)[1]]}列" if len(labels) > 1 else ""
        among = f"；其中{column}{among}" + ("等" if len(parts) > 3 else "") if among else ""
        if all(v < s for _, v, s in items):
            why = (f"小于库中已计入合计的机关报告之和（{sums}{among}）。作为{region}汇总数，不应小于其中部分机关之和，"
                   f"请核对本报告的汇总或这些机关的报告")
        else:
            why = (f"与库中{rs.here}全部机关报告之和（{sums}{among}）不一致，而本报告其余数字与合计大多相同"
                   f"（{len(counted)}项中{same}项相同），请核对汇总时是否抄错或漏加")
        first = report.cell(items[0][0])
        yield region_sum.finding(
            f"{tdef.short}「{rdef.name}」{region}数（本报告）{shown}，{why}（{rs.coverage()}）",
            cells=[ref for ref, _, _ in items],
            expected=_num(items[0][2]) if len(items) == 1 else [_num(s) for _, _, s in items],
            actual=_num(items[0][1]) if len(items) == 1 else [_num(v) for _, v, _ in items],
            at=first.at if first is not None else None,
        )
