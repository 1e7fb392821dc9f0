"""GK6xx: a report against the same agency's report for the year before (``ctx.previous``).

These rules run only when the previous report is known: ``check(report, previous=...)``, or the store,
which runs them at ingest when the agency's previous year is stored (and again for the next year's
report when a previous year arrives later).
"""

from __future__ import annotations

import re

from ..formats.common import APPLICANT_COLUMNS
from ..formats.figures import WATCHED
from .base import rule

# The rows these rules read ((table, None) is every row of the table). The store keeps only these of a
# report in memory for the cross-year rules: a rule reading another row must add it here.
ROWS_READ = frozenset({
    ("applications", "carried_over"), ("applications", "carried_forward"), ("applications", "new_received"),
    ("applications", "total_processed"), ("active", None), ("review_litigation", None),
})
JUMP_FACTOR = 5  # "large": at least ×5 (or ÷5) …
JUMP_MIN = 20  # … and a change of at least 20

_CHANGE = re.compile(r"同比|较上年|比上年|较去年|比去年|较上一年|比上一年|上升|增长|增加|增多|下降|减少|回落|翻")
_SENTENCE = re.compile(r"[。；;！!？?\n]")


def _num(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _same_span(report, ctx) -> bool:
    prev = ctx.previous
    if prev is None:
        return False
    return report.year is None or prev.year is None or prev.year == report.year - 1


def _label(ctx, ref: str, fallback: str) -> str:
    try:
        return ctx.edition.cell_label(ref) if ctx.edition else fallback
    except (KeyError, StopIteration):
        return fallback


@rule(
    "GK601", "carried-over-continuity", "error", needs_previous=True,
    title="上年结转与上年度报告的结转下年度不一致",
    what="表三“二、上年结转政府信息公开申请数量”每一列，应等于本机关上一年度报告表三“四、结转下年度继续办理”的同一列。",
    why="上年未办结、结转到本年的申请就是上年度报告结转下年度的那些申请，两份报告的这两个数必须相同；"
        "不同说明其中一年的数据填错，或有申请在两年之间被漏记、重复统计。",
    example="2023年度报告“二、上年结转”自然人列填 0，而2022年度报告“四、结转下年度继续办理”自然人列为 3。",
)
def carried_over(report, ctx):
    if not _same_span(report, ctx):
        return
    prev = ctx.previous
    py = f"{prev.year}年度" if prev.year else "上一年度"
    for col in APPLICANT_COLUMNS:
        cur = report.cell(f"applications.carried_over.{col.key}")
        before = prev.cell(f"applications.carried_forward.{col.key}")
        if cur is None or before is None or cur.value is None or before.value is None:
            continue
        if abs(cur.value - before.value) > 1e-9:
            yield carried_over.finding(
                f"表三「二、上年结转政府信息公开申请数量」“{col.label}”列为 {_num(cur.value)}，"
                f"但本机关{py}报告表三「四、结转下年度继续办理」“{col.label}”列为 {_num(before.value)}，两者应相等",
                cells=[f"applications.carried_over.{col.key}"],
                expected=_num(before.value), actual=_num(cur.value), at=cur.at,
            )


@rule(
    "GK602", "in-force-continuity", "warning", needs_previous=True,
    title="现行有效件数与上年度不衔接",
    what="2021年版格式表二“规章”“行政规范性文件”两行：本年现行有效件数应等于上一年度报告的现行有效件数"
         " + 本年制发件数 − 本年废止件数。两份报告都须为2021年版格式。",
    why="现行有效件数是逐年累计的存量，不衔接通常是某年漏报、错填或把“本年制发”当成“现行有效”；"
        "规章修订、重新发布等情况也可能造成差异，所以只作警告，请核实或在正文说明。",
    example="2022年度现行有效 12 件，2023年度制发 3 件、废止 1 件，2023年度现行有效却填 10 件（应为 14 件）。",
)
def in_force(report, ctx):
    if not _same_span(report, ctx):
        return
    prev = ctx.previous
    if report.edition != "2021" or prev.edition != "2021":
        return
    py = f"{prev.year}年度" if prev.year else "上一年度"
    for row, name in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        now = report.value(f"active.{row}.in_force")
        issued = report.value(f"active.{row}.issued")
        repealed = report.value(f"active.{row}.repealed")
        before = prev.value(f"active.{row}.in_force")
        if None in (now, issued, repealed, before):
            continue
        expected = before + issued - repealed
        if abs(now - expected) > 1e-9:
            cell = report.cell(f"active.{row}.in_force")
            yield in_force.finding(
                f"表二「{name}」现行有效件数为 {_num(now)}，但按{py}报告的现行有效件数 {_num(before)}"
                f" + 本年制发件数 {_num(issued)} − 本年废止件数 {_num(repealed)}，应为 {_num(expected)}"
                f"（规章修订、重新发布等可能造成差异，请核实）",
                cells=[f"active.{row}.in_force", f"active.{row}.issued", f"active.{row}.repealed"],
                expected=_num(expected), actual=_num(now), at=cell.at if cell else None,
            )


def _explained(report, topics: tuple[str, ...]) -> bool:
    """The narrative has a sentence about this figure that speaks of a change (同比, 增长, 下降 …)."""
    for s in report.sections:
        for sentence in _SENTENCE.split(s.text):
            if any(t in sentence for t in topics) and _CHANGE.search(sentence):
                return True
    return False


def _total(report, refs):
    vals = [report.value(r) for r in refs]
    if any(v is None for v in vals):
        return None
    return sum(vals)


@rule(
    "GK603", "large-jump", "info", needs_previous=True,
    title="关键数据较上年度大幅变化且未作说明",
    what=f"与本机关上一年度报告相比，关键数据（本年新收申请、办理结果总计、行政复议、行政诉讼、"
         f"行政许可/处罚/强制处理决定数量）增加到 {JUMP_FACTOR} 倍以上或减少到 1/{JUMP_FACTOR} 以下，"
         f"且变化量不少于 {JUMP_MIN}，而正文没有一句话说明这项数据的变化（如“同比增长”“较上年减少”）。",
    why="数量级的跳变常常是填报错误（多填一位、填成累计数、单位弄错）；确属实情的，报告应说明原因。",
    example="2022年度新收申请 4 件，2023年度新收申请 60 件，正文未提及申请量变化。",
)
def large_jump(report, ctx):
    if not _same_span(report, ctx):
        return
    prev = ctx.previous
    py = f"{prev.year}年度" if prev.year else "上一年度"
    for fig in WATCHED:  # the key figures whose jump from one year to the next a reviewer asks about
        refs, name, topics = fig.cells, fig.long, fig.topics
        now, before = _total(report, refs), _total(prev, refs)
        if now is None or before is None:
            continue
        up = now >= JUMP_FACTOR * before and now - before >= JUMP_MIN
        down = before >= JUMP_FACTOR * now and before - now >= JUMP_MIN
        if not (up or down) or _explained(report, topics):
            continue
        label = _label(ctx, refs[0], name) if len(refs) == 1 else name
        if up:
            how = f"增加到 {_num(now / before):.1f} 倍" if before else "由 0 增加"
        else:
            how = f"减少到 {_num(now / before):.0%}" if before else ""
        cell = report.cell(refs[0])
        yield large_jump.finding(
            f"{label}由{py}的 {_num(before)} 变为 {_num(now)}（{how}），变化很大而正文未说明原因，请核实数据或补充说明",
            cells=list(refs), expected=_num(before), actual=_num(now), at=cell.at if cell else None,
        )
