"""GK4xx (claims): what the narrative states as fact (all applications finished, no fee, a rise of X%, a
公开率) against the tables and, where it speaks of change, last year's report (GK606).

Every rule first makes a cheap ``in`` test on a section's folded text and reads it with its regexes only
when the words it looks for are there: most sections state none of these things."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..extract.sections import section_role
from .base import rule
from .narrative import OUTCOME, cell_sum, find_all, folded, other_time, sentence_at, where

_APPS = "applications"
_REVIEW = ("review_litigation.review.total",)
_LITIGATION = ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total")
_FORWARD = f"{_APPS}.carried_forward.total"
_UNPAID_FEE = f"{_APPS}.other_unpaid_fee.total"  # 2021 （六）2: applicants who did not pay a fee notice
_OTHER = tuple(f"{_APPS}.{k}.total" for k in ("other", "other_no_correction", "other_unpaid_fee", "other_other"))
_NEW, _OVER, _DONE = (f"{_APPS}.{k}.total" for k in ("new_received", "carried_over", "total_processed"))

# words of a sentence about other things than applications for information (建议提案, 12345 热线, 许可 …)
_OTHER_MATTERS = re.compile(r"建议|提案|诉求|工单|热线|信访|投诉|许可|审批|政务服务|办件|留言|咨询|来信")


def _quote(section, a: int, b: int) -> str:
    """The sentence as printed (positions in folded text are positions in the original)."""
    s = section.text[a:b].strip()
    return s if len(s) <= 90 else s[:88] + "……"


def _label(ctx, ref: str, fallback: str) -> str:
    try:
        return ctx.edition.cell_label(ref) if ctx.edition else fallback
    except (KeyError, StopIteration):
        return fallback


def _num(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


# ---------------------------------------------------------------------------------------------
# GK403 all finished


# "所有申请均已办结" "已全部办结" "均在法定期限内办结" (modifiers of any order between the two): read from
# each 办结 / 完毕 back, the verb being rarer than 均 or 都
_ALL_BEFORE = re.compile(r"(?:所有|全部|均|全都|都|悉数)[已经均全部依法按期时如规在定限内予以及]{0,10}$")
_DONE_AFTER = ("办理完毕", "答复完毕", "处理完毕")
# "无结转下年度的申请", read from each 结转 / 转入
_NONE_BEFORE = re.compile(r"(?:无|没有|未有|不存在)(?:需要|需)?$")
_TO_NEXT_YEAR = re.compile(r"(?:至|到)?下一?年")
_NEXT_YEAR = re.compile(r"下一?年")
# the claim's subject is a part of the applications ("其余均已办结", "上年结转的申请均已办结"), or it is an aim
_PART = re.compile(r"其余|剩余|其他|除|下一?年|已办结|办结\D{0,6}\d|自然人|法人|企业|组织|公民|律师")
# the claim is of this year's new applications only ("本年度收到申请6件，均已办结")
_NEW_ONLY = re.compile(r"本年|今年|全年|新收|收到|受理")
_AIM = re.compile(r"确保|力争|争取|将|要|努力|保证|必须|应当|务必|督促|推动|做到|实现")


def _all_done_claims(text: str):
    """Where ``text`` says that all applications were finished (True), or that none was carried forward
    (False)."""
    # (a test for one character first: CPython looks for a two-character word in CJK text slowly)
    verbs = [k for k in find_all(text, "办结") if not text.startswith("率", k + 2)] if "结" in text else []
    if "毕" in text:
        verbs += [k - 2 for k in find_all(text, "完毕") if text[max(0, k - 2):k + 2] in _DONE_AFTER]
    for k in sorted(verbs):
        before = _ALL_BEFORE.search(text, max(0, k - 14), k)
        if before is not None:
            yield before.start(), True
    if "转" not in text or "下" not in text:
        return
    for word in ("结转", "转入"):
        for k in find_all(text, word):
            before = _NONE_BEFORE.search(text, max(0, k - 5), k)
            if before is not None and _TO_NEXT_YEAR.match(text, k + 2):
                yield before.start(), False


@rule(
    "GK403", "all-finished-but-carried-forward", "warning",
    title="正文称申请均已办结，但表三有结转下年度的申请",
    what="正文说政府信息公开申请“均已办结”“全部按期办结”“无结转下年度的申请”，而表三“四、结转下年度继续办理”总计大于0。"
         "只说其中一部分（“其余均已办结”“上年结转的申请均已办结”“办结的申请均按期办结”“自然人申请均已办结”）、"
         "说的是工作要求（“确保……按期办结”）或说的是建议提案、热线工单等其他事项的，不作比较；"
         "只说本年收到的申请均已办结、而结转下年度的件数不超过上年结转的（未办完的可能都是上年的申请），也不作比较。",
    why="结转下年度继续办理的申请就是本年度没有办结的申请；正文说全部办结而表格有结转，两者必有一处不实。",
    example="正文写“全年共收到政府信息公开申请6件，上年结转1件，均已按期办结”，表三“四、结转下年度继续办理”总计为1。",
)
def all_finished(report, ctx):
    forward, over = None, 0
    for section in report.sections:
        text = folded(section.text)
        role = None
        for at, finished in _all_done_claims(text):
            if role is None:
                role = section_role(section.title) or 0
            if role == 5:
                break  # problems and plans: what will be done
            a, b = sentence_at(text, at)
            sentence, prefix = text[a:b], text[a:at]
            if _PART.search(prefix) or _AIM.search(prefix) or _OTHER_MATTERS.search(sentence) or "复议" in sentence \
                    or "诉讼" in sentence:
                continue
            k = prefix.rfind("结转")
            if k >= 0 and "的" in prefix[k:]:
                continue  # "上年结转的1件申请均已办结"
            if finished and _NEXT_YEAR.search(sentence):
                continue  # "…均已办结，1件结转下年度": it says so itself
            if ("申请" not in sentence and role != 3) or other_time(text, at, report.year):
                continue
            if forward is None:
                forward = cell_sum(report, (_FORWARD,)) or 0
                over = cell_sum(report, (_OVER,)) or 0
            if forward > 0 and "结转" not in sentence and _NEW_ONLY.search(prefix) and forward <= over:
                continue  # the unfinished ones may all be last year's
            if forward > 0:
                yield all_finished.finding(
                    f"{where(section)}写“{_quote(section, a, b)}”，但{_label(ctx, _FORWARD, '表三「四、结转下年度继续办理」总计')}"
                    f"为 {_num(forward)}：有 {_num(forward)} 件申请结转到下一年度继续办理，并未全部办结",
                    cells=[_FORWARD], expected=0, actual=_num(forward), at=section.at_offset(at),
                )


# ---------------------------------------------------------------------------------------------
# GK404 processing fee


# Read from each 处理费 / 费用 of the text (a few per report) outwards: a regex run over whole sections
# would cost more than all the rest of these rules.
# "未收取信息处理费" "没有向申请人收取任何费用" (what comes before the fee's name)
_NO_FEE_BEFORE = re.compile(r"(?:未|没有)(?:向申请人|对申请人)?(?:收取|收缴|征收|产生|发生|涉及)(?:过|任何)?[^。；;,\d\n]{0,12}?$"
                            r"|无(?:收取)?(?:政府信息公开)?$")
# "信息处理费0元" (what comes after it)
_ZERO_AFTER = re.compile(r"[^。；;\d\n]{0,8}?(?<![\d.])0(?:\.0+)?\s*(?:万元|元)")
# "收取信息处理费3940元", "信息处理费收取金额3940元"
_PAID_BEFORE = re.compile(r"(?:收取|收缴|征收|收到|共收)[^。；;,\d\n]{0,15}?$")
_AMOUNT_AFTER = re.compile(r"[^。；;,\d\n]{0,8}?(?<![\d.])(?P<a>\d+(?:\.\d+)?)\s*(?P<u>万元|元)")
_PAID_AFTER = re.compile(r"[^。；;,\d\n]{0,6}?(?:收取|收缴|收入|共计|合计|总计|金额)[^。；;,\d\n]{0,4}?(?<![\d.])"
                         r"(?P<a>\d+(?:\.\d+)?)\s*(?P<u>万元|元)")
_NEGATED = re.compile(r"(?:未|没有|无|不)")
# the text itself explains the fee notices ("发出收费通知2份，申请人均未缴纳")
_EXPLAINED = re.compile(r"收费通知|缴纳|缴费")
_FEE_TOPIC = re.compile(r"申请|信息公开|处理费")


@dataclass(slots=True)
class _FeeSay:
    section: object
    a: int  # the sentence
    b: int
    at: int  # the statement itself
    amount: float = 0.0
    unit: str = ""


def _fee_statements(report):
    """(statements that no fee was collected, statements of an amount collected): the first of each."""
    none: list[_FeeSay] = []
    paid: list[_FeeSay] = []
    for section in report.sections:
        if none and paid:
            break
        text = folded(section.text)
        if "费" not in text:
            continue
        for word in ("处理费", "费用"):
            for k in find_all(text, word):
                end = k + len(word)
                if text.startswith("管理办法", end):
                    continue  # the title of 国办函〔2020〕109号
                lo = max(0, k - 20)
                k0 = k - 2 if k >= 2 and text.startswith("信息", k - 2) else k  # "信息处理费": what comes before 信息
                m = _NO_FEE_BEFORE.search(text, lo, k0)
                if word == "费用":
                    # "未产生费用" may be of anything: only in a sentence about applications or the fee
                    if m is not None and not none and not m.group(0).startswith("无"):
                        a, b = sentence_at(text, k)
                        if _FEE_TOPIC.search(text, a, b) and not other_time(text, m.start(), report.year):
                            none.append(_FeeSay(section, a, b, m.start()))
                    continue
                at = m.start() if m is not None else k0 if _ZERO_AFTER.match(text, end) else None
                if at is not None:
                    if not none and not other_time(text, at, report.year):
                        none.append(_FeeSay(section, *sentence_at(text, k), at))
                    continue
                before = _PAID_BEFORE.search(text, lo, k0)
                after = _AMOUNT_AFTER.match(text, end) if before is not None else _PAID_AFTER.match(text, end)
                if paid or after is None or float(after.group("a")) <= 0:
                    continue
                start = before.start() if before is not None else k0
                a, b = sentence_at(text, k)
                if _NEGATED.search(text, max(a, start - 4), after.start("a")):
                    continue  # (none collected: "未收取信息处理费" was read above)
                if not other_time(text, start, report.year):
                    paid.append(_FeeSay(section, a, b, start, float(after.group("a")), after.group("u")))
    return none, paid


@rule(
    "GK404", "fee-claim-contradicts", "warning",
    title="正文称未收取信息处理费，但表格或正文显示收过费",
    what="正文说本年度“未收取信息处理费”（或“没有收取任何费用”“信息处理费0元”），而正文另一处写了收取信息处理费的金额，"
         "或2021年版表三“（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用”大于0（说明本年度向申请人发出过收费通知）"
         "而正文对收费通知只字未提。",
    why="同一份报告对是否收费前后说法不一，读者无法判断；发出过收费通知的，应如实写明发出通知和实际收费的情况"
        "（《政府信息公开信息处理费管理办法》，国办函〔2020〕109号）。",
    example="第六部分写“本年度未收取信息处理费”，表三“（六）2.申请人逾期未按收费通知要求缴纳费用”总计为3。",
)
def fee_claim(report, ctx):
    none, paid = _fee_statements(report)
    if not none:
        return
    say = none[0]  # (a report often says it twice: the first speaks for all)
    quoted = f"{where(say.section)}写“{_quote(say.section, say.a, say.b)}”"
    if paid:
        p = paid[0]
        there = ("，同一句又说收取了" if p.section is say.section and p.a == say.a
                 else f"，但{where(p.section)}写“{_quote(p.section, p.a, p.b)}”，即收取了")
        yield fee_claim.finding(
            f"{quoted}{there}信息处理费 {_num(p.amount)}{p.unit}，前后说法矛盾",
            expected=0, actual=f"{_num(p.amount)}{p.unit}", at=say.section.at_offset(say.at),
        )
    unpaid = cell_sum(report, (_UNPAID_FEE,))
    if unpaid and not any(_EXPLAINED.search(folded(s.text)) for s in report.sections):
        yield fee_claim.finding(
            f"{quoted}，但{_label(ctx, _UNPAID_FEE, '表三「（六）2.申请人逾期未按收费通知要求缴纳费用」总计')}为 {_num(unpaid)}："
            f"本年度曾向申请人发出收费通知；如确实一笔费用也未收到，请写明发出收费通知和实际收费的情况",
            cells=[_UNPAID_FEE], expected=0, actual=_num(unpaid), at=say.section.at_offset(say.at),
        )


# ---------------------------------------------------------------------------------------------
# changes: "较上年的16件增长25%" (GK405, within a sentence) and "同比增长25%" against last year's report (GK606)

_U = r"(?P<u>件次|人次|件|条|个(?!百分点)|项|次|篇|期|起|宗|场)"
_CHANGE = re.compile(
    r"(?P<dir>增长|增加|上升|提高|提升|增多|增幅|涨幅|降幅|下降|减少|降低|回落|(?<!新)增|减|降|多|少)率?(?:为|达到?|了)?"
    r"(?P<about>约|近|超过?|逾|不到|不足)?"
    r"(?<![\d.])(?P<v>\d{1,9}(?:\.\d+)?)\s*(?:(?P<pct>%)|" + _U + r"(?!\d))"
)
_ABOUT_AFTER = ("以上", "左右", "多", "余")
_DOWN = ("降幅", "下降", "减少", "降低", "回落", "减", "降", "少")
# last year's value: "上年同期为16件" "较2022年的16件" (not 上年结转, a row of this year's table)
_PREV = re.compile(r"(?:上年|去年|上一年|(?P<y>20\d\d)年)度?(?:同期|全年)?(?P<gap>[^\d,。；;多少增减降升]{0,6}?)"
                   r"(?<![\d.])(?P<m>\d{1,9})\s*" + _U)
_FROM = re.compile(r"(?:由|从)(?:上一?年度?的?|去年的?|(?P<y>20\d\d)年度?的?)?(?P<m>\d{1,9})\s*" + _U)
_TO = re.compile(r"[,\s]*(?:增加|增长|上升|提高|下降|减少|降低|回落|增|减|降|升|达到?)(?:到|至)?(?P<n>\d{1,9})\s*" + _U)
_COUNT = re.compile(r"(?<![\d.])(?P<n>\d{1,9})\s*" + _U + r"(?!\d)")
_COMPARED = re.compile(r"同比|较|比|上年|去年|上一年|同期|20\d\d年")
_VERSUS = re.compile(r"(?:较|比|与|同)(20\d\d)年")
# words a text cannot state a change against last year without (较 and 比 alone are too common a test)
_CHANGE_KEYS = ("同比", "上年", "去年", "上一年", "同期", "较20", "比20")


@dataclass(frozen=True)
class Change:
    a: int  # the sentence in the section's folded text
    b: int
    start: int  # the change phrase
    end: int
    up: bool
    value: float
    decimals: int
    unit: str  # "%" or a count's unit
    compared: bool  # a comparison word (同比, 较上年 …) comes before it in its sentence
    prev: int | None = None  # last year's value and this year's, when the sentence states them
    now: int | None = None
    unit_of_values: str = ""
    since: int = 0  # where the text that belongs to this change begins (after the previous change)


def _decimals(v: str) -> int:
    return len(v.split(".")[1]) if "." in v else 0


@lru_cache(maxsize=64)
def changes(text: str, year: int | None) -> tuple[Change, ...]:
    """The changes the folded text states, with the values their sentence gives for them."""
    if not any(k in text for k in _CHANGE_KEYS):
        return ()
    out: list[Change] = []
    a = b = since = -1
    for c in _CHANGE.finditer(text):
        if not a <= c.start() < b:  # a new sentence
            a, b = sentence_at(text, c.start())
            since = a
            if not _COMPARED.search(text, a, b):
                since = b  # (no change against anything: nothing of this sentence is read)
        if since >= b:
            continue
        if c.group("about") or text.startswith(_ABOUT_AFTER, c.end()):
            since = c.end()
            continue  # "增长约30%", "增长30%以上": no exact figure to check
        unit = "%" if c.group("pct") else c.group("u")
        compared = bool(_COMPARED.search(text, since, c.start()))
        for y in _VERSUS.finditer(text, since, c.start()):
            if year is None or int(y.group(1)) != year - 1:
                compared = False  # "较2021年增长" in a 2023 report: not against last year
        prev = now = None
        vunit = ""
        # last year's value: the nearest before the change (after the previous one), or in brackets right after
        cands = [p for p in _PREV.finditer(text, since, c.start()) if "结转" not in p.group("gap")]
        cands += _FROM.finditer(text, since, c.start())
        # the one that ends last; of two that end together, 由 (it gives this year's value too)
        pm = max(cands, key=lambda p: (p.end(), p.re is _FROM), default=None)
        if pm is None:
            after = _PREV.match(text, c.end() + 1, b) or _PREV.match(text, c.end() + 2, b)
            pm = after if after is not None and "结转" not in after.group("gap") else None
        if pm is not None and (pm.group("y") is None or (year is not None and int(pm.group("y")) == year - 1)):
            prev, vunit = int(pm.group("m")), pm.group("u")
            to = _TO.match(text, pm.end(), b) if pm.re is _FROM else None
            to = to or _TO.match(text, c.end(), b)
            if to is not None and to.group("u") == vunit:
                now = int(to.group("n"))
            else:
                # this year's value: the nearest count of the same unit before last year's (or before the change)
                for n in _COUNT.finditer(text, since, min(pm.start(), c.start())):
                    if n.group("u") == vunit:
                        now = int(n.group("n"))
        out.append(Change(a, b, c.start(), c.end(), c.group("dir") not in _DOWN, float(c.group("v")),
                          _decimals(c.group("v")), unit, compared, prev, now, vunit, since))
        since = c.end()
    return tuple(out)


def _fits(change: Change, now: float, prev: float) -> bool | None:
    """Whether the change from ``prev`` to ``now`` is the one stated; None when it cannot be worked out
    (a percentage of a change from 0)."""
    if change.unit == "%":
        if prev == 0:
            return None
        actual = (now - prev) / prev * 100
    else:
        actual = now - prev
    if actual == 0:
        return change.value == 0
    if (actual > 0) != change.up:
        return False
    tol = 10 ** -change.decimals if change.unit == "%" else 0
    return abs(abs(actual) - change.value) <= tol + 1e-9


def _how(change: Change, now: float, prev: float) -> str:
    if change.unit == "%":
        if prev == 0:
            return "无法计算百分比"
        pct = (now - prev) / prev * 100
        return f"应为{'增长' if pct > 0 else '下降'} {abs(pct):.1f}%" if pct else "应为持平"
    d = now - prev
    return f"应为{'增加' if d > 0 else '减少'} {_num(abs(d))}{change.unit}" if d else "应为持平"


def _stated(change: Change) -> str:
    return f"{'增' if change.up else '减'}{_num(change.value)}{change.unit}"


@rule(
    "GK405", "change-arithmetic", "warning",
    title="正文所述同比增减与同一句中的两个数字不符",
    what="一句话里同时写了本年和上年的数字以及增减幅度（“共收到申请20件，较上年的16件增长25%”“由上年的16件增加到20件，"
         "增加4件”），按这两个数字算出的增减（百分比按所写的小数位四舍五入、截断或进位都算相符）与所写不符；“约”“以上”“左右”这类约数不核对。上年的数字写的是增减数（“较上年多受理3件”）、年份不是上一年的，不作比较。",
    why="增减幅度是读者最先看的数字，算错了会让人误判工作变化；两个数字都在同一句里，不需要上年度报告就能核对。",
    example="“本年度共收到政府信息公开申请20件，较上年的16件增长20%”：由16件到20件是增长25%。",
)
def change_arithmetic(report, ctx):
    for section in report.sections:
        text = folded(section.text)
        for c in changes(text, report.year):
            if c.prev is None or c.now is None:
                continue
            if c.unit != "%" and c.unit != c.unit_of_values:
                continue
            if _fits(c, c.now, c.prev) is False:
                yield change_arithmetic.finding(
                    f"{where(section)}写“{_quote(section, c.a, c.b)}”：由上年的 {c.prev}{c.unit_of_values} 到本年的 "
                    f"{c.now}{c.unit_of_values}，{_how(c, c.now, c.prev)}，与所写“{section.text[c.start:c.end]}”不符",
                    expected=_how(c, c.now, c.prev)[2:], actual=_stated(c), at=section.at_offset(c.start),
                )


# the key figures a change may be stated of, and the words that name them (the last one named before the
# change is the one it speaks of)
@dataclass(frozen=True)
class _Figure:
    name: str
    words: re.Pattern[str]
    alternatives: tuple[tuple[str, ...], ...]  # each a sum of cells; any may be meant


_FIGURES = (
    _Figure("新收政府信息公开申请", re.compile(r"(?<!复议)申请"), ((_NEW,), (_NEW, _OVER))),
    _Figure("办结的申请", re.compile(r"办结"), ((_DONE,),)),
    _Figure("行政复议", re.compile(r"复议"), (_REVIEW,)),
    _Figure("行政诉讼", re.compile(r"诉讼"), (_LITIGATION,)),
)
# named after the figure and before its change, these make the change one of something else
_NOT_FIGURE = re.compile(r"予以公开|部分公开|不予公开|无法提供|不予处理|主动公开|条|率|许可|审批|建议|提案|热线|工单|咨询|留言|"
                         r"信访|投诉|纠错|纠正|败诉|维持")


def _figure_of(text: str, c: Change) -> tuple[_Figure, int] | None:
    """The key figure the change ``c`` speaks of, and where its name ends."""
    best = None
    for fig in _FIGURES:
        for m in fig.words.finditer(text, c.since, c.start):
            if best is None or m.end() > best[1]:
                best = (fig, m.end())
    if best is None or c.start - best[1] > 25:
        return None
    fig, end = best
    if fig is _FIGURES[0] and "办结" in text[max(c.since, end - 16):end]:
        fig = _FIGURES[1]  # "办结政府信息公开申请6件": the finished ones
    if _NOT_FIGURE.search(text, end, c.start) or _OTHER_MATTERS.search(text, c.since, c.start):
        return None
    return fig, end


@rule(
    "GK606", "change-vs-last-year", "warning", needs_previous=True,
    title="正文所述同比增减与上年度报告不符",
    what="正文说关键数据（收到的政府信息公开申请、办结的申请、行政复议、行政诉讼）“同比增长/下降X%”“较上年增加/减少N件”"
         "或写了上年的数字，与本机关上一年度报告表格算出的不符。收到申请按本年新收、或新收加上年结转计算，"
         "任一口径相符即不提示；百分比按所写的小数位四舍五入、截断或进位都算相符。不在第四部分、又没说是政府信息公开的行政复议、行政诉讼（如司法局办理的复议案件），以及比率（“按期办结率同比提高”）的变化，不作比较。",
    why="同比变化要以上年度报告公布的数字为基数；对不上，说明正文的增减是估的、抄的，或某一年的表格填错了。",
    example="2022年度报告新收申请8件，2023年度报告新收10件，正文却写“共收到政府信息公开申请10件，同比增长50%”（应为25%）。",
)
def change_vs_last_year(report, ctx):
    prev = ctx.previous
    if prev is None or (report.year is not None and prev.year is not None and prev.year != report.year - 1):
        return
    py = f"{prev.year}年度" if prev.year else "上一年度"
    for section in report.sections:
        text = folded(section.text)
        role = None
        for c in changes(text, report.year):
            if not c.compared or (c.unit != "%" and c.unit not in ("件", "起", "宗")):
                continue
            found = _figure_of(text, c)
            if found is None:
                continue
            fig, _ = found
            if fig.name in ("行政复议", "行政诉讼") and "公开" not in text[c.a:c.b]:
                if role is None:
                    role = section_role(section.title) or 0
                if role != 4:
                    continue  # a 司法局's own review cases, not those of information disclosure
            pairs = []
            for refs in fig.alternatives:
                now, before = cell_sum(report, refs), cell_sum(prev, refs)
                if now is None or before is None:
                    continue
                pairs.append((now, before))
                if c.now is not None:
                    pairs.append((c.now, before))  # (a count the text states wrongly is GK401's finding)
            if not pairs:
                continue
            now0, before0 = pairs[0]
            if c.prev is not None:
                if c.unit_of_values not in ("件", "起", "宗") or any(c.prev == before for _, before in pairs):
                    continue
                yield change_vs_last_year.finding(
                    f"{where(section)}写“{_quote(section, c.a, c.b)}”，上年{fig.name}写为 {c.prev}{c.unit_of_values}，"
                    f"但本机关{py}报告中为 {_num(before0)}",
                    cells=list(fig.alternatives[0]), expected=_num(before0), actual=c.prev,
                    at=section.at_offset(c.start),
                )
                continue
            verdicts = [_fits(c, now, before) for now, before in pairs]
            if None in verdicts or any(verdicts):
                continue
            yield change_vs_last_year.finding(
                f"{where(section)}写“{_quote(section, c.a, c.b)}”，但{fig.name}本年为 {_num(now0)}、本机关{py}报告中为 "
                f"{_num(before0)}，{_how(c, now0, before0)}，与所写“{section.text[c.start:c.end]}”不符",
                cells=list(fig.alternatives[0]), expected=_how(c, now0, before0)[2:], actual=_stated(c),
                at=section.at_offset(c.start),
            )


# ---------------------------------------------------------------------------------------------
# GK406 rates


# read from each 率 (few per report): its name before, its value after
_RATE_NAME = re.compile(r"(?:依申请公开|公开|按期办结|按时办结|按期答复|按时答复|及时答复|答复及时|办结|答复|办理)率$")
_RATE_VALUE = re.compile(r"(?:为|达到?|是|约|:|\s)*(?P<v>\d{1,3}(?:\.\d+)?)\s*%")
# the tables do not say which were on time; nor whether an application carried forward has had some reply
_TIMELY = ("按期", "按时", "及时")


def _rate_options(report, kind: str):
    """(definition in words, numerator, denominator) of every reasonable reading of ``kind``; None when a
    cell it needs was not read."""
    def s(*refs):
        return cell_sum(report, refs)
    granted, partial = s(*OUTCOME["予以公开"]), s(*OUTCOME["部分公开"])
    withheld, unavailable, declined = s(*OUTCOME["不予公开"]), s(*OUTCOME["无法提供"]), s(*OUTCOME["不予处理"])
    other = s(*_OTHER) or 0
    done, new, over, forward = s(_DONE), s(_NEW), s(_OVER) or 0, s(_FORWARD) or 0
    if None in (granted, partial, done, new):
        return None
    if kind.endswith("公开率"):
        withheld, unavailable, declined = withheld or 0, unavailable or 0, declined or 0
        out = []
        for top, top_name in ((granted + partial, "予以公开+部分公开"), (granted, "予以公开")):
            for bottom, bottom_name in (
                (done, "办理结果总计"), (done - declined, "办理结果总计−不予处理"),
                (done - unavailable, "办理结果总计−无法提供"), (done - unavailable - declined, "办理结果总计−无法提供−不予处理"),
                (done - declined - other, "办理结果总计−不予处理−其他处理"),
                (done - unavailable - declined - other, "办理结果总计−无法提供−不予处理−其他处理"),
                (granted + partial + withheld, "予以公开+部分公开+不予公开"),
                (new, "本年新收"), (new + over, "本年新收+上年结转"),
            ):
                out.append((f"（{top_name}）÷（{bottom_name}）", top, bottom))
        return out
    if any(k in kind for k in _TIMELY) or kind in ("答复率", "办理率"):
        # how many were on time the tables do not say: any whole number of the applications fits
        return [(f"k ÷ {name}", None, bottom) for bottom, name in
                ((done, "办理结果总计"), (new, "本年新收"), (new + over, "本年新收+上年结转"))]
    return [("办理结果总计 ÷（本年新收+上年结转）", done, new + over), ("办理结果总计 ÷ 本年新收", done, new),
            ("办理结果总计 ÷（办理结果总计+结转下年度）", done, done + forward)]


def _rate_fits(value: float, decimals: int, top, bottom) -> bool:
    if not bottom or bottom < 0:
        return False
    tol = 10 ** -decimals + 1e-9
    if top is None:  # any whole number k of the ``bottom`` applications
        k = round(value / 100 * bottom)
        return any(0 <= j <= bottom and abs(j / bottom * 100 - value) <= tol for j in (k - 1, k, k + 1))
    return abs(top / bottom * 100 - value) <= tol


@rule(
    "GK406", "rate-not-in-tables", "warning",
    title="正文所述公开率、办结率与表三不符",
    what="正文写依申请的“公开率”“办结率”“按期办结率”等为X%，而按表三用任何一种常见口径都算不出这个数："
         "公开率 = 予以公开（或予以公开+部分公开）÷ 办理结果总计（或扣除不予处理、其他处理、无法提供后的数，或本年新收等）；"
         "办结率 = 办理结果总计 ÷ 本年新收加上年结转（或本年新收）；按期办结率、答复率只要求是某个整数件数除以申请件数"
         "（表格看不出哪些是按期办结的，也看不出结转的申请是否已有答复）。"
         "按所写的小数位四舍五入、截断或进位都算相符。主动公开、热线工单、建议提案等的比率不作比较。",
    why="比率由表格里的数字算出；哪种口径都对不上，说明比率是估的、沿用往年的，或表格有误。",
    example="表三予以公开3件、部分公开1件、办理结果总计6件，正文却写“依申请公开率为90%”。",
)
def rate_claim(report, ctx):
    for section in report.sections:
        text = folded(section.text)
        if "率" not in text or "%" not in text:
            continue
        for k in find_all(text, "率"):
            name = _RATE_NAME.search(text, max(0, k - 6), k + 1)
            m = _RATE_VALUE.match(text, k + 1) if name is not None else None
            if name is None or m is None:
                continue
            kind = name.group(0)
            a, b = sentence_at(text, k)
            sentence = text[a:b]
            if "申请" not in sentence and not kind.startswith("依申请"):
                continue
            if kind == "公开率" and text[max(0, name.start() - 2):name.start()] in ("主动", "信息", "政务"):
                continue  # (proactive disclosure, or not said which)
            if _OTHER_MATTERS.search(sentence) or other_time(text, name.start(), report.year):
                continue
            options = _rate_options(report, kind)
            if not options:
                continue
            value, decimals = float(m.group("v")), _decimals(m.group("v"))
            if value > 100 or not any(bottom for _, _, bottom in options):
                continue  # (no applications at all: a rate of nothing proves nothing)
            if any(_rate_fits(value, decimals, top, bottom) for _, top, bottom in options):
                continue
            how, top, bottom = options[0]
            if top is None:  # an on-time rate: no whole number of the applications gives it
                shown = f"k/{_num(bottom)}"
                which = "已答复" if kind in ("答复率", "办理率") else "按期办结"
                computed = (f"表三办理结果总计为 {_num(bottom)} 件，无论其中{which}的是几件，"
                            f"比率都不会是 {m.group('v')}%（按本年新收、新收加上年结转计算也不是）")
            else:
                shown = f"{top / bottom * 100:.1f}%" if bottom else "—"
                computed = (f"按表三计算{how} = {_num(top)}/{_num(bottom)} = {shown}，"
                            f"换用其他常见口径也算不出 {m.group('v')}%")
            yield rate_claim.finding(
                f"{where(section)}写“{_quote(section, a, b)}”（{kind} {m.group('v')}%），但{computed}",
                cells=[_DONE, *OUTCOME["予以公开"], *OUTCOME["部分公开"]] if kind.endswith("公开率") else [_DONE, _NEW],
                expected=shown, actual=f"{m.group('v')}%", at=section.at_offset(name.start()),
            )
