"""GK4xx: numbers in the narrative against the tables, and itemised lists against their totals."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from ..formats import outcome_groups
from ..formats.common import APPLICATION_ROWS_HEAD
from ..formats.labels import fold
from .base import rule

_GAP = r"[^\d。；;，,：:\n]{0,10}?"
# a count as written in the text: at most 15 digits (a longer run is no count, and int() of
# thousands of digits is refused by Python)
_COUNT = r"(?<!\d)(\d{1,15})(?!\d)"
_NUM = _COUNT + r"\s*(?:件|起|宗|个|份|次|例)"


@dataclass(frozen=True)
class Mention:
    pattern: re.Pattern[str]
    refs: tuple[tuple[str, ...], ...]  # each alternative is a sum of cells; any may match
    what: str
    keys: tuple[str, ...]  # words the pattern cannot match without (one of them): a cheap test first


def _m(rx: str, what: str, keys: tuple[str, ...], *alternatives: tuple[str, ...]) -> Mention:
    """A mention; ``keys``: the words its pattern starts with, one of which a text must hold for it to match
    (the words it merely may hold, such as 公开 in 收到政府信息公开申请, would let it run on every section)."""
    assert all(k in rx for k in keys), keys
    return Mention(re.compile(rx), alternatives, what, keys)


_APPS = "applications"
# the outcomes both editions share, each the total column of its rows (formats: RowDef.group)
_OUTCOME = {name: tuple(f"{_APPS}.{k}.total" for k in rows)
            for name, rows in outcome_groups(APPLICATION_ROWS_HEAD).items()}
_LITIGATION = ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total")

MENTIONS = (
    # 收到政府信息公开申请N件 / 收到依申请件N件 / 收到申请N件, but not 受理行政许可申请N件
    _m(r"(?:新收到|收到|受理|接收|新收)(?:[^\d。；;，,]{0,4}?(?:政府信息公开|信息公开|依申请)[^\d。；;，,]{0,6}?"
       r"|[^\d。；;，,]{0,2}?申请[^\d。；;，,]{0,4}?)" + _NUM,
       "收到政府信息公开申请", ("收到", "受理", "接收", "新收"),
       (f"{_APPS}.new_received.total",), (f"{_APPS}.new_received.total", f"{_APPS}.carried_over.total")),
    _m(r"(?:上年度?|上一年度?|20\d\d年度?)结转" + _GAP + _NUM, "上年结转申请", ("结转",), (f"{_APPS}.carried_over.total",)),
    _m(r"结转(?:至|到)?下(?:一)?年度?" + _GAP + _NUM, "结转下年度办理的申请", ("结转",), (f"{_APPS}.carried_forward.total",)),
    _m(r"办结" + _GAP + _NUM, "办结的申请", ("办结",), (f"{_APPS}.total_processed.total",)),
    # (lookbehinds after the literal, not before it: the same matches, and re can skip ahead to 予以公开)
    _m(r"予以公开(?<!部分予以公开)(?<!不予以公开)" + _GAP + _NUM, "予以公开", ("予以公开",), _OUTCOME["予以公开"]),
    _m(r"部分公开" + _GAP + _NUM, "部分公开", ("部分公开",), _OUTCOME["部分公开"]),
    _m(r"不予公开" + _GAP + _NUM, "不予公开", ("不予公开",), _OUTCOME["不予公开"]),
    _m(r"无法提供" + _GAP + _NUM, "无法提供", ("无法提供",), _OUTCOME["无法提供"]),
    _m(r"不予处理" + _GAP + _NUM, "不予处理", ("不予处理",), _OUTCOME["不予处理"]),
    _m(r"行政复议(?:案件|申请)?" + r"[^\d。；;，,\n]{0,6}?" + _NUM, "行政复议", ("行政复议",), ("review_litigation.review.total",)),
    _m(r"行政诉讼(?:案件)?" + r"[^\d。；;，,\n]{0,6}?" + _NUM, "行政诉讼", ("行政诉讼",), _LITIGATION),
)

_CLAIM_KEYS = ("公开", "无法提供", "不予处理")  # one of them in a text that names outcomes together
_KEYS = tuple(sorted({k for m in MENTIONS for k in m.keys} | set(_CLAIM_KEYS)))
_DIGIT = re.compile(r"\d")

# "did not receive any application": the table must say 0
_NONE_RECEIVED = re.compile(r"(?:未|没有)(?:收到|受理|接到|发生)[^。；;，,\d]{0,20}?(?:政府信息公开|信息公开|依申请公开)?申请(?!人)")
# (run on folded text, where 、 has become ",")
_NONE_CASES = re.compile(r"(?:未|没有)(?:发生|收到|出现|产生)[^。；;\d]{0,25}?(行政复议|行政诉讼)(?:[,和及与或]?(行政复议|行政诉讼))?")


_folded = lru_cache(maxsize=64)(fold)  # both rules read each section's folded text


def _sum(report, refs):
    """The cells' sum; None when none was printed or one of them was read with doubt (a value gongkai is
    not sure of proves nothing against the text)."""
    cells = [report.cell(r) for r in refs]
    if any(c is not None and c.uncertain for c in cells):
        return None
    vals = [c.value for c in cells if c is not None]
    if all(v is None for v in vals):
        return None
    return sum(v for v in vals if isinstance(v, (int, float)))


# One number for several outcomes: "予以公开及部分公开42件" is 予以公开 + 部分公开 = 42;
# "部分公开及不予公开各1件" is 1 each; "予以公开、部分公开分别为23件、10件" pairs them in order.
_NAME = "|".join(
    re.escape(name) + ("(?<!部分予以公开)(?<!不予以公开)" if name == "予以公开" else "") for name in _OUTCOME
)
_JOIN = r"\s*(?:以及|或者|及其|及|和|与|或|加|,|[(（]?(?:含|包括|包含))\s*"
_COMPOUND = re.compile(rf"(?:{_NAME})(?:{_JOIN}(?:{_NAME})[)）]?)+(?P<gap>{_GAP})"
                       r"(?<!\d)(?P<n>\d{1,15})(?!\d)\s*(?:件|起|宗|个|份|次|例)")
_NAME_RX = re.compile(_NAME)
_RESPECTIVE_NUMS = re.compile(_NUM + r"(?:\s*(?:,|和|及|与)\s*" + _NUM + r")*")


@dataclass(frozen=True)
class _Claim:
    start: int
    end: int  # the passage claimed: a single mention inside it is not read again on its own
    names: tuple[str, ...]  # outcomes whose sum the number is
    number: int
    at: int  # where the number's own mention starts in the text


def _name_starts(text: str) -> list[int]:
    """Where an outcome's name starts in ``text`` (found with str.find: most texts name few)."""
    out = []
    for name in _OUTCOME:
        k = text.find(name)
        while k >= 0:
            out.append(k)
            k = text.find(name, k + 1)
    out.sort()
    return out


def _compound_matches(text: str):
    """_COMPOUND's matches, tried only where two outcomes' names stand close together."""
    starts = _name_starts(text)
    end = -1
    for a, b in pairwise(starts):
        if a < end or b - a > 12:
            continue
        m = _COMPOUND.match(text, a)
        if m is not None:
            end = m.end()
            yield m


def _compound_claims(text: str) -> list[_Claim]:
    """The numbers in ``text`` that belong to several outcomes at once (see _COMPOUND)."""
    claims: list[_Claim] = []
    for m in _compound_matches(text):
        names = tuple(n.group(0) for n in _NAME_RX.finditer(text, m.start(), m.start("gap")))
        gap = m.group("gap")
        if "分别" in gap:
            rest = _RESPECTIVE_NUMS.match(text, m.start("n"))
            counts = [int(x) for x in re.findall(r"\d+", rest.group(0))] if rest else []
            end = rest.end() if rest else m.end()
            if len(counts) == len(names):
                claims.extend(_Claim(m.start(), end, (name,), n, m.start()) for name, n in zip(names, counts, strict=True))
            else:
                claims.append(_Claim(m.start(), end, (), 0, m.start()))  # not paired up: read nothing from it
            continue
        n = int(m.group("n"))
        if "各" in gap:
            claims.extend(_Claim(m.start(), m.end(), (name,), n, m.start()) for name in names)
        else:
            claims.append(_Claim(m.start(), m.end(), names, n, m.start()))
    return claims


def _where(section) -> str:
    return f"“{section.heading or section.title}”部分"


@rule(
    "GK401", "narrative-vs-table", "error",
    title="正文中的数字与表格不一致",
    what="正文中提到的数字（“共收到政府信息公开申请N件”“上年结转N件”“办结N件”“予以公开N件”“行政复议N件”“行政诉讼N件”等，"
         "以及“未收到政府信息公开申请”“未发生行政复议、行政诉讼”这样的说法）与表三、表四的对应数据不一致。每一处提及都核对；"
         "一个数字同时写了几种办理结果时（“予以公开及部分公开42件”），按这几项之和核对（写“各”的按每一项，写“分别”的按顺序逐项）。"
         "表格中读取存疑的数字不作比较。",
    why="同一份报告前后矛盾，公众无法判断哪个数字是真的；通常是沿用了往年文字或表格数据改了而正文没改。",
    example="正文写“全年共收到政府信息公开申请12件”，表三“一、本年新收”总计为10。",
)
def narrative_vs_table(report, ctx):
    if "applications" not in report.tables and "review_litigation" not in report.tables:
        return
    for section in report.sections:
        text = _folded(section.text)
        # the mentions and claims below all hold a count in digits: a text without a digit (most sections) has none
        present = {k for k in _KEYS if k in text} if _DIGIT.search(text) else set()
        claims = _compound_claims(text) if not present.isdisjoint(_CLAIM_KEYS) else []
        for claim in claims:
            if not claim.names:
                continue
            parts = [(name, _sum(report, _OUTCOME[name])) for name in claim.names]
            if any(x is None for _, x in parts):
                continue  # a part not read: nothing to compare with
            v = sum(x for _, x in parts if x is not None)
            if v == claim.number:
                continue
            claimed = [r for name in claim.names for r in _OUTCOME[name]]
            printed = section.text[claim.start:claim.end]
            if len(claim.names) == 1:
                what = f"{claim.names[0]} {claim.number}"
                table = f"表格中对应数字为 {v}"
            else:
                what = f"{'、'.join(claim.names)}之和 {claim.number}"
                table = f"表格中对应数字为 {v}（{' + '.join(f'{name} {x}' for name, x in parts)}）"
            yield narrative_vs_table.finding(
                f"{_where(section)}写“{printed}”（{what}），{table}",
                cells=claimed, expected=v, actual=claim.number, at=section.at_offset(claim.at),
            )
        for mention in MENTIONS:
            if present.isdisjoint(mention.keys):
                continue
            for m in mention.pattern.finditer(text):
                if claims and any(c.start <= m.start() < c.end for c in claims):
                    continue  # read above, as one number for several outcomes
                n = int(m.group(1))
                options = [(refs, _sum(report, refs)) for refs in mention.refs]
                options = [(refs, v) for refs, v in options if v is not None]
                if not options or any(v == n for _, v in options):
                    continue
                refs, v = options[0]
                yield narrative_vs_table.finding(
                    f"{_where(section)}写“{section.text[m.start():m.end()]}”（{mention.what} {n}），"
                    f"表格中对应数字为 {v}",
                    cells=list(refs), expected=v, actual=n, at=section.at_offset(m.start()),
                )
        if "未" not in text and "没有" not in text:
            continue  # (what follows looks for what did not happen)
        for m in _NONE_RECEIVED.finditer(text):
            v = _sum(report, (f"{_APPS}.new_received.total",))
            if v:
                yield narrative_vs_table.finding(
                    f"{_where(section)}写“{section.text[m.start():m.end()]}”，但表三“一、本年新收”总计为 {v}",
                    cells=[f"{_APPS}.new_received.total"], expected=v, actual=0, at=section.at_offset(m.start()),
                )
        for m in _NONE_CASES.finditer(text):
            kinds = dict.fromkeys(g for g in m.groups() if g)  # (in the order printed: a set would vary by run)
            for kind in kinds:
                refs = ("review_litigation.review.total",) if kind == "行政复议" else _LITIGATION
                v = _sum(report, refs)
                if v:
                    yield narrative_vs_table.finding(
                        f"{_where(section)}写“{section.text[m.start():m.end()]}”，但表四中{kind}总计为 {v}",
                        cells=list(refs), expected=v, actual=0, at=section.at_offset(m.start()),
                    )


_TOTAL = re.compile(
    r"(?:共|合计|总计|累计|全年)[^。；;\d]{0,20}?" + _COUNT + r"\s*(件|条|个|项|起|次|篇|期)(?:[^。；;\d]{0,20}?|。)其中[:：，,]?"
)
_PARENS = re.compile(r"（[^（）]*）|\([^()]*\)")


@rule(
    "GK402", "itemised-sum", "warning",
    title="正文中分项列举之和与所述总数不符",
    what="正文写“共……N条（件），其中……a条、……b条……”时，各分项相加应等于N（括号内的细分不计入）。",
    why="分项与总数对不上，说明总数或某个分项写错，读者无从判断。",
    example="“共发布公开信息208条。其中公开指南1条；工作动态136条；……”，各项相加为209条。",
)
def itemised_sum(report, ctx):
    for section in report.sections:
        text = _folded(section.text)
        if not _DIGIT.search(text):
            continue  # (a total is written in digits)
        for m in _TOTAL.finditer(text):
            total, unit = int(m.group(1)), m.group(2)
            end = text.find("。", m.end())
            clause = text[m.end() : end if end != -1 else len(text)]
            clause = _PARENS.sub("", _PARENS.sub("", clause))
            items = [int(x) for x in re.findall(_COUNT + r"\s*" + unit, clause)]
            if len(items) >= 2 and sum(items) != total:
                yield itemised_sum.finding(
                    f"{_where(section)}写共{total}{unit}，但其后列举的{len(items)}项相加为{sum(items)}{unit}",
                    expected=total, actual=sum(items), at=section.at_offset(m.start()),
                )
