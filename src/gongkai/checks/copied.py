"""Copied text (内容雷同): the share of a report's narrative taken from the agency's own previous report
(GK6xx) and from other agencies' reports in the store (GK8xx).

Both rules use one measure, gongkai.similar.copy_rate: the share of the narrative's characters (the
sections' text, tables aside, boilerplate every report contains left out — formats/boilerplate.py) that
lie inside passages of at least 20 characters also printed in the other report, compared without
punctuation and spaces and with years read alike. Evaluators deduct above 50%.
"""

from __future__ import annotations

import re
from typing import Any

from .. import similar as sim
from ..location import Location
from ..model import Report
from .base import rule

_MEASURE = (
    f"重复率 = 本报告正文中、与比较的报告（上年度报告或其他机关的报告）连续{sim.COPY_PASSAGE}字以上相同的段落所含字数 ÷ 本报告正文字数。"
    "正文指各部分的文字（不含表格），不计每份报告都有的固定内容（依据条例编制本报告等法定开头、格式规定的固定语句、统计期限、"
    "电子版下载和联系方式、信息处理费说明、各级标题和表格栏目名称、纯数字行；见 formats/boilerplate.py）。"
    "比较时不计标点和空格；年份视为相同（“2022年”与“2023年”算同一段文字），其他数字照原样比较（按本年数字改写的统计句不算重复）。"
    f"去掉固定内容后正文不足{sim.COPY_MIN_CHARS}字的报告不作判断。"
)
PASSAGES_SHOWN = 3  # in the message; the finding's ``actual`` keeps a few more, whole
PASSAGES_KEPT = 5
PASSAGE_MOST = 300  # characters of one passage kept in ``actual``


def _narrative(report: Report) -> tuple[str, list[tuple[int, Any]]]:
    """The narrative as gongkai.similar reads it, and where each section starts in it."""
    starts, pos = [], 0
    for s in report.sections:
        starts.append((pos, s))
        pos += len(s.text) + 1
    return sim.narrative_text(report), starts


_HEAD_SCRAP = re.compile(r"^[^。！？；!?;\n]{1,4}[。！？；!?;\n]+")  # "化。" left of a sentence before the passage
_TAIL_SCRAP = re.compile(r"[。！？；!?;\n][^。！？；!?;\n]{1,4}$")
_BLANK_LINES = re.compile(r"\s*\n\s*")  # empty sections between two passages' parts


def shared_passages(mine: sim.Narrative, rate: sim.CopyRate) -> list[tuple[str, int]]:
    """The longest passages shared, as printed in this report, with where each starts in the narrative;
    a scrap of the sentence before or after (a few characters the other report happens to share) cut off."""
    out = []
    for start, end in sim.printed_runs(mine, rate.runs[:PASSAGES_KEPT]):
        a, text = start, mine.printed[start:end]
        head = _HEAD_SCRAP.match(text)
        if head and len(text) - head.end() >= sim.COPY_PASSAGE:
            a, text = a + head.end(), text[head.end():]
        tail = _TAIL_SCRAP.search(text)
        if tail and tail.start() + 1 >= sim.COPY_PASSAGE:
            text = text[:tail.start() + 1]
        out.append((_BLANK_LINES.sub("\n", text.strip()), a))
    return out


def _located(starts: list[tuple[int, Any]], offset: int) -> Location | None:
    for pos, section in reversed(starts):
        if offset >= pos:
            return section.at_offset(offset - pos)
    return None


def quoted(passages: list[str]) -> str:
    """The passages for a message: “…”（N字）, shortened, the longest few."""
    return "；".join(f"“{sim.shorten(p)}”（{len(sim.fold_text(p))}字）" for p in passages[:PASSAGES_SHOWN])


def kept(passages: list[str]) -> list[str]:
    """The passages a finding keeps for the report's page: whole, up to PASSAGE_MOST characters each."""
    return [p if len(p) <= PASSAGE_MOST else p[:PASSAGE_MOST] + "……" for p in passages]


@rule(
    "GK605", "copied-from-previous", "warning", needs_previous=True,
    title="正文大量照搬上年度报告",
    what="本报告正文与本机关上一年度报告的重复率超过50%。" + _MEASURE,
    why="年度报告应写本年度的工作。考核和第三方评估对“内容雷同”扣分，通常以与上年度报告重复率超过50%为线；"
        "大段沿用上年文字，说明报告没有按本年实际情况撰写，所述工作可能并未在本年发生。",
    example="2023年度报告的总体情况、存在的主要问题及改进情况与2022年度报告逐句相同，只把“2022年”改成了“2023年”，"
            "重复率100%。",
)
def copied_from_previous(report, ctx):
    prev = ctx.previous
    if prev is None or (report.year is not None and prev.year is not None and prev.year != report.year - 1):
        return
    if report.source.sha256 and report.source.sha256 == prev.source.sha256:
        return  # the same file read twice, not two years' reports
    printed, starts = _narrative(report)
    mine = sim.prepare(printed)
    if mine.chars < sim.COPY_MIN_CHARS:
        return
    rate = sim.copy_rate(mine, sim.narrative_text(prev))
    if rate is None or not rate.over_limit:
        return
    found = shared_passages(mine, rate)
    passages = [p for p, _ in found]
    year = f"{prev.year}年度" if prev.year else "上一年度"
    yield copied_from_previous.finding(
        f"与{year}报告正文重复率{rate.percent}%（超过50%）：去掉固定内容后正文{rate.chars}字，其中{rate.shared}字"
        f"与{year}报告连续{sim.COPY_PASSAGE}字以上相同。最长的相同段落：{quoted(passages)}",
        expected=f"≤{sim.COPY_LIMIT}%", actual={"rate": rate.percent, "chars": rate.chars, "shared": rate.shared, "year": prev.year,
                "agency": prev.agency, "passages": kept(passages)},
        at=_located(starts, found[0][1]) if found else None,
    )


@rule(
    "GK801", "copied-from-others", "warning", needs_store=True,
    title="正文大量抄用其他机关的报告",
    what="本报告正文与库中其他机关某份报告的重复率超过50%，列出对方（机关、年度、库中编号）、重复率和相同段落。"
         + _MEASURE + "对方报告从两处找：库中正文签名（MinHash/LSH 分段）相近的报告，和同一县（市、区）各机关本年度、"
         "上年度的报告；按签名估计的相同比例取最可能的8份逐份精确计算，同一机关只列一份。外地报告只部分相同时可能找不出。",
    why="年度报告应写本机关自己的工作。一个机关的报告与另一个机关的报告大段相同（常见于照抄同级单位或上级下发的范本），"
        "考核和第三方评估按“内容雷同”扣分，所述情况也难以反映本机关的实际。两份报告谁抄谁无法从文字判断，请对照两份报告核实。",
    example="甲镇2023年度报告的总体情况和存在的主要问题及改进情况与乙镇2023年度报告逐句相同，重复率92%。",
)
def copied_from_others(report, ctx):
    found = [c for c in ctx.peers.copies(report) if sim.percent(c.rate) > sim.COPY_LIMIT]
    if not found:
        return
    top = found[0]
    name = f"{top.agency or '（未识别机关）'}{top.year or ''}{'年度' if top.year else ''}报告（库中编号{top.report_id}）"
    more = ""
    if len(found) > 1:
        more = "；另与" + "、".join(f"{c.agency or '（未识别机关）'}{c.year or ''}年度报告（编号{c.report_id}，"
                                   f"{sim.percent(c.rate)}%）" for c in found[1:]) + "重复率超过50%"
    yield copied_from_others.finding(
        f"与{name}正文重复率{sim.percent(top.rate)}%（超过50%）：去掉固定内容后正文{top.chars}字，其中{top.shared}字"
        f"与对方报告连续{sim.COPY_PASSAGE}字以上相同。最长的相同段落：{quoted(top.passages)}{more}",
        expected=f"≤{sim.COPY_LIMIT}%",
        actual={"rate": sim.percent(top.rate), "chars": top.chars, "shared": top.shared,
                "copies": [c.to_json() for c in found]},
    )
