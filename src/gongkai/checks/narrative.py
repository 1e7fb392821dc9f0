"""GK4xx: numbers in the narrative against the tables, and itemised lists against their totals."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from ..extract.sections import section_role
from ..formats import outcome_groups
from ..formats.common import APPLICATION_ROWS_HEAD
from ..formats.labels import fold
from .base import rule

# between a name and its count: no digit, no clause break, and no word of change or comparison
# ("办结的申请较上年增加3件" states a change, not the count)
_GAP = r"[^\d。；;，,：:\n比较增减降升]{0,10}?"
# a count as written in the text: at most 15 digits (a longer run is no count, and int() of
# thousands of digits is refused by Python), not the decimals of "3.5"
_COUNT = r"(?<![\d.])(\d{1,15})(?!\d)"
# its unit: not 件次 (visits), not 个 of 5个工作日 / 3个月 (a 个 followed by another word counts that word)
_UNIT = r"(?:件(?!次)|起|宗|个(?![\u4e00-\u9fff])|份|次|例)"
_NUM = _COUNT + r"\s*" + _UNIT


@dataclass(frozen=True)
class Mention:
    pattern: re.Pattern[str]
    refs: tuple[tuple[str, ...], ...]  # each alternative is a sum of cells; any may match
    what: str
    keys: tuple[str, ...]  # words the pattern cannot match without (one of them): a cheap test first
    # outside its own section (``home``, a section role), the sentence must hold one of ``topic``:
    # "办结人大代表建议15件" in 其他事项 or "全年办理行政复议案件120件" of a 司法局 count other things
    topic: tuple[str, ...] = ()
    home: int | None = None


def _m(rx: str, what: str, keys: tuple[str, ...], *alternatives: tuple[str, ...],
       topic: tuple[str, ...] = (), home: int | None = None) -> Mention:
    """A mention; ``keys``: the words its pattern starts with, one of which a text must hold for it to match
    (the words it merely may hold, such as 公开 in 收到政府信息公开申请, would let it run on every section)."""
    assert all(k in rx for k in keys), keys
    return Mention(re.compile(rx), alternatives, what, keys, topic, home)


_APPS = "applications"
# the outcomes both editions share, each the total column of its rows (formats: RowDef.group)
OUTCOME = {name: tuple(f"{_APPS}.{k}.total" for k in rows)
            for name, rows in outcome_groups(APPLICATION_ROWS_HEAD).items()}
_LITIGATION = ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total")
_ABOUT_APPLICATIONS = ("申请", "公开")

MENTIONS = (
    # 收到政府信息公开申请N件 / 收到依申请件N件 / 收到申请N件, but not 受理行政许可申请N件
    _m(r"(?:新收到|收到|受理|接收|新收)(?:[^\d。；;，,]{0,4}?(?:政府信息公开|信息公开|依申请)[^\d。；;，,]{0,6}?"
       r"|[^\d。；;，,]{0,2}?申请[^\d。；;，,]{0,4}?)" + _NUM,
       "收到政府信息公开申请", ("收到", "受理", "接收", "新收"),
       (f"{_APPS}.new_received.total",), (f"{_APPS}.new_received.total", f"{_APPS}.carried_over.total")),
    _m(r"(?:上年度?|上一年度?|20\d\d年度?)结转" + _GAP + _NUM, "上年结转申请", ("结转",), (f"{_APPS}.carried_over.total",),
       topic=_ABOUT_APPLICATIONS, home=3),
    _m(r"结转(?:至|到)?下(?:一)?年度?" + _GAP + _NUM, "结转下年度办理的申请", ("结转",), (f"{_APPS}.carried_forward.total",),
       topic=_ABOUT_APPLICATIONS, home=3),
    _m(r"办结" + _GAP + _NUM, "办结的申请", ("办结",), (f"{_APPS}.total_processed.total",),
       topic=_ABOUT_APPLICATIONS, home=3),
    # (lookbehinds after the literal, not before it: the same matches, and re can skip ahead to 予以公开)
    _m(r"予以公开(?<!部分予以公开)(?<!不予以公开)" + _GAP + _NUM, "予以公开", ("予以公开",), OUTCOME["予以公开"]),
    _m(r"部分公开" + _GAP + _NUM, "部分公开", ("部分公开",), OUTCOME["部分公开"]),
    _m(r"不予公开" + _GAP + _NUM, "不予公开", ("不予公开",), OUTCOME["不予公开"]),
    _m(r"无法提供" + _GAP + _NUM, "无法提供", ("无法提供",), OUTCOME["无法提供"]),
    _m(r"不予处理" + _GAP + _NUM, "不予处理", ("不予处理",), OUTCOME["不予处理"]),
    _m(r"行政复议(?:案件|申请)?" + r"[^\d。；;，,\n比较增减降升]{0,6}?" + _NUM, "行政复议", ("行政复议",),
       ("review_litigation.review.total",), topic=("公开",), home=4),
    _m(r"行政诉讼(?:案件)?" + r"[^\d。；;，,\n比较增减降升]{0,6}?" + _NUM, "行政诉讼", ("行政诉讼",), _LITIGATION,
       topic=("公开",), home=4),
)

_CLAIM_KEYS = ("公开", "无法提供", "不予处理")  # one of them in a text that names outcomes together
_KEYS = tuple(sorted({k for m in MENTIONS for k in m.keys} | set(_CLAIM_KEYS)))
_DIGIT = re.compile(r"\d")

# "did not receive any application": the table must say 0 (all texts here are folded: 、 has become ",")
_NONE_RECEIVED = re.compile(r"(?:未|没有)(?:收到|受理|接到|发生)(?P<who>[^。；;\d]{0,24}?)"
                            r"(?:(?:政府信息公开|信息公开)?申请(?!人)|依申请公开?)")
# … of anyone: words that do not narrow the applications down ("未收到涉及商业秘密的申请" or
# "未收到法人的申请" says nothing of the others)
_ANYONE = re.compile(r"(?:任何|各类|有关|相关|关于|本机关|本单位|本部门|我[乡镇局委办区县市街]|公民,?法人(?:或者?|和|及)"
                     r"其他组织|社会公众|群众|申请人|提出|提交|向本机关|过|的|和|及|或|\s)*")
# "no review or suit": table 四 must say 0. Not 行政复议 of a count ("未发生行政复议,行政诉讼1件"), nor a
# narrower claim ("未发生行政复议被纠错的情况", "尚未收到行政复议决定")
_NONE_CASES = re.compile(r"(?:(?:未|没有)(?:发生|收到|出现|产生|接到)|未(?:因|被)|(?P<none>(?<!有)无))"
                         r"(?P<gap>[^。；;\d]{0,25}?)(行政复议|行政诉讼)(?:[^。；;\d]{0,5}?(行政复议|行政诉讼))?")
_NONE_TRIGGER = re.compile(r"(?:未|没有)(?:发生|收到|出现|产生|接到)|未(?:因|被)|(?<!有)无")
# after a bare 无 (无法, 无差别, 无正当理由 …), only words that lead to the cases themselves
_NONE_GAP = re.compile(r"(?:因|由于|涉及|有关|关于|本机关|本单位|政府信息公开|信息公开|工作|方面|引起|引发|产生|而|的|被|"
                       r"申请|提起|提出|发生|,)*")
_NARROWER = re.compile(r"纠错|纠正|败诉|撤销|违法|赔偿|决定|结果|判决|裁定|维持")
_CLAUSE_BREAK = re.compile(r"[。；;\n!?]")
_AIM = re.compile(r"确保|力争|争取|努力|避免|防止|减少|杜绝|做到")
_OTHER_TIME = re.compile(r"上年|去年|上一年|前年|同期|(20\d\d)年")
_OTHER_THINGS = re.compile(r"咨询|电话|来电|留言|来信|建议|提案|诉求|工单|热线|项目|资金|许可|审批|办件|人次")
_INCLUDES_PARTIAL = re.compile(r"\s*[(（]?\s*(?:含|包括|包含|其中)部分公开")


folded = lru_cache(maxsize=64)(fold)  # both rules read each section's folded text


def cell_sum(report, refs):
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
    re.escape(name) + ("(?<!部分予以公开)(?<!不予以公开)" if name == "予以公开" else "") for name in OUTCOME
)
_JOIN = r"\s*(?:以及|或者|及其|及|和|与|或|加|,|[(（]?(?:含|包括|包含))\s*"
_COMPOUND = re.compile(rf"(?:{_NAME})(?:{_JOIN}(?:{_NAME})[)）]?)+(?P<gap>{_GAP})"
                       r"(?<![\d.])(?P<n>\d{1,15})(?!\d)\s*" + _UNIT)
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
    for name in OUTCOME:
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


def where(section) -> str:
    return f"“{section.heading or section.title}”部分"


def _none_cases(text: str):
    """_NONE_CASES's matches, looked for only before the words 行政复议 and 行政诉讼 (a regex over the whole
    text would stop at every 未 and 无)."""
    places = sorted(k for word in ("行政复议", "行政诉讼") for k in find_all(text, word))
    taken = set()  # the second of "行政复议、行政诉讼", read with the first
    for k in places:
        if k in taken:
            continue
        for t in _NONE_TRIGGER.finditer(text, max(0, k - 31), k):
            m = _NONE_CASES.match(text, t.start(), k + 16)
            if m is not None and m.start(3) == k:
                if m.group(4):
                    taken.add(m.start(4))
                yield m
                break


def find_all(text: str, word: str):
    """Where ``word`` starts in ``text``, in order."""
    k = text.find(word)
    while k >= 0:
        yield k
        k = text.find(word, k + 1)


@lru_cache(maxsize=64)
def _breaks(text: str) -> list[int]:
    """Where the sentences of ``text`` (folded) end, in order."""
    return [m.start() for m in _CLAUSE_BREAK.finditer(text)]


def _not_a_fact(text: str, pos: int, year: int | None, section) -> bool:
    """"Nothing happened" said of another year, as an aim ("确保不发生…"), or among the problems and plans of
    section 五 ("工作人员无行政复议应诉经验")."""
    if other_time(text, pos, year):
        return True
    a, _ = sentence_at(text, pos)
    return bool(_AIM.search(text, a, pos)) or section_role(section.title) == 5


def sentence_at(text: str, pos: int) -> tuple[int, int]:
    """The bounds of the sentence of ``text`` (folded) that holds ``pos``."""
    ends = _breaks(text)
    i = bisect_left(ends, pos)
    return (ends[i - 1] + 1 if i else 0), (ends[i] if i < len(ends) else len(text))


def other_time(text: str, pos: int, year: int | None) -> bool:
    """What comes right before ``pos`` speaks of another year: 上年/同期 in its clause ("上年同期办结9件"),
    another year in its sentence ("2022年，本机关未收到申请")."""
    ends = _breaks(text)
    i = bisect_left(ends, pos)
    lo = max(0, pos - 60, ends[i - 1] + 1 if i else 0)
    clause = text.rfind(",", lo, pos) + 1 or lo
    for m in _OTHER_TIME.finditer(text, lo, pos):
        if m.group(1) is None:
            if m.start() >= clause:
                return True
        elif year is None or int(m.group(1)) != year:
            return True
    return False


@rule(
    "GK401", "narrative-vs-table", "error",
    title="正文中的数字与表格不一致",
    what="正文中提到的数字（“共收到政府信息公开申请N件”“上年结转N件”“办结N件”“予以公开N件”“行政复议N件”“行政诉讼N件”等，"
         "以及“未收到政府信息公开申请”“未发生行政复议、行政诉讼”这样的说法）与表三、表四的对应数据不一致。每一处提及都核对；"
         "一个数字同时写了几种办理结果时（“予以公开及部分公开42件”“予以公开42件（含部分公开10件）”），按这几项之和核对"
         "（写“各”的按每一项，写“分别”的按顺序逐项）。不当作申请件数的：增减数（“较上年增加3件”）、上年的数字（“上年同期办结9件”"
         "“2022年收到申请9件”）、范围和天数（“3至5个工作日”）、件次和人次、咨询、建议提案和热线工单等其他事项的件数；"
         "不在第四部分、又没说是政府信息公开的“行政复议N件”（如司法局办理的复议案件）不作比较。"
         "“未发生”“未收到”只按不加限定的说法核对（“未发生行政复议被纠错的情况”“未收到法人的申请”不算）。"
         "表格中读取存疑的数字不作比较。",
    why="同一份报告前后矛盾，公众无法判断哪个数字是真的；通常是沿用了往年文字或表格数据改了而正文没改。",
    example="正文写“全年共收到政府信息公开申请12件”，表三“一、本年新收”总计为10。",
)
def narrative_vs_table(report, ctx):
    if "applications" not in report.tables and "review_litigation" not in report.tables:
        return
    for section in report.sections:
        text = folded(section.text)
        # the mentions and claims below all hold a count in digits: a text without a digit (most sections) has none
        present = {k for k in _KEYS if k in text} if _DIGIT.search(text) else set()
        claims = _compound_claims(text) if not present.isdisjoint(_CLAIM_KEYS) else []
        role = None  # the section's role, worked out when a mention needs it
        for claim in claims:
            if not claim.names or other_time(text, claim.start, report.year):
                continue
            parts = [(name, cell_sum(report, OUTCOME[name])) for name in claim.names]
            if any(x is None for _, x in parts):
                continue  # a part not read: nothing to compare with
            v = sum(x for _, x in parts if x is not None)
            if v == claim.number:
                continue
            claimed = [r for name in claim.names for r in OUTCOME[name]]
            printed = section.text[claim.start:claim.end]
            if len(claim.names) == 1:
                what = f"{claim.names[0]} {claim.number}"
                table = f"表格中对应数字为 {v}"
            else:
                what = f"{'、'.join(claim.names)}之和 {claim.number}"
                table = f"表格中对应数字为 {v}（{' + '.join(f'{name} {x}' for name, x in parts)}）"
            yield narrative_vs_table.finding(
                f"{where(section)}写“{printed}”（{what}），{table}",
                cells=claimed, expected=v, actual=claim.number, at=section.at_offset(claim.at),
            )
        for mention in MENTIONS:
            if present.isdisjoint(mention.keys):
                continue
            for m in mention.pattern.finditer(text):
                if claims and any(c.start <= m.start() < c.end for c in claims):
                    continue  # read above, as one number for several outcomes
                if _OTHER_THINGS.search(m.group(0)) or other_time(text, m.start(), report.year):
                    continue  # a count of something else, or of another year
                if mention.topic:
                    if role is None:
                        role = section_role(section.title) or 0
                    if role != mention.home:
                        a, b = sentence_at(text, m.start())
                        if not any(t in text[a:b] for t in mention.topic):
                            continue
                n = int(m.group(1))
                refs_list = mention.refs
                if mention.what == "予以公开" and _INCLUDES_PARTIAL.match(text, m.end()):
                    # "予以公开42件（含部分公开10件）": the 42 counts both
                    refs_list = (*refs_list, OUTCOME["予以公开"] + OUTCOME["部分公开"])
                options = [(refs, cell_sum(report, refs)) for refs in refs_list]
                options = [(refs, v) for refs, v in options if v is not None]
                if not options or any(v == n for _, v in options):
                    continue
                refs, v = options[0]
                yield narrative_vs_table.finding(
                    f"{where(section)}写“{section.text[m.start():m.end()]}”（{mention.what} {n}），"
                    f"表格中对应数字为 {v}",
                    cells=list(refs), expected=v, actual=n, at=section.at_offset(m.start()),
                )
        if "未" not in text and "没有" not in text and "无" not in text:
            continue  # (what follows looks for what did not happen)
        for m in _NONE_RECEIVED.finditer(text):
            if not _ANYONE.fullmatch(m.group("who")) or _not_a_fact(text, m.start(), report.year, section):
                continue
            v = cell_sum(report, (f"{_APPS}.new_received.total",))
            if v:
                yield narrative_vs_table.finding(
                    f"{where(section)}写“{section.text[m.start():m.end()]}”，但表三“一、本年新收”总计为 {v}",
                    cells=[f"{_APPS}.new_received.total"], expected=v, actual=0, at=section.at_offset(m.start()),
                )
        for m in _none_cases(text):
            if "，" in section.text[m.start("gap"):m.end("gap")] or _not_a_fact(text, m.start(), report.year, section):
                continue  # (、 and ， both fold to ","; a ， ends the clause that says "未发生")
            if _NARROWER.search(text, m.start(), min(m.end() + 8, len(text))):
                continue
            if m.group("none") and not _NONE_GAP.fullmatch(m.group("gap")):
                continue
            end = m.end()
            if m.group(4) and "，" in section.text[m.end(3):m.start(4)]:
                end = m.end(3)  # "未发生行政复议，行政诉讼1件": the second is another clause
            kinds: dict[str, None] = {}  # (in the order printed: a set would vary by run)
            for g in (3, 4):
                if m.group(g) and m.end(g) <= end and not _DIGIT.search(text, m.end(g), min(m.end(g) + 4, len(text))):
                    kinds[m.group(g)] = None
            for kind in kinds:
                refs = ("review_litigation.review.total",) if kind == "行政复议" else _LITIGATION
                v = cell_sum(report, refs)
                if v:
                    yield narrative_vs_table.finding(
                        f"{where(section)}写“{section.text[m.start():end]}”，但表四中{kind}总计为 {v}",
                        cells=list(refs), expected=v, actual=0, at=section.at_offset(m.start()),
                    )


_TOTAL = re.compile(
    r"(?:共|合计|总计|累计|全年)[^。；;\d]{0,20}?" + _COUNT + r"\s*(件|条|个|项|起|次|篇|期)(?:[^。；;\d]{0,20}?|。)其中[:：，,]?"
)
_PARENS = re.compile(r"（[^（）]*）|\([^()]*\)")
_ITEM = {u: re.compile(_COUNT + r"\s*" + u + ("(?!次)" if u == "件" else "")) for u in "件条个项起次篇期"}
# a number that is no item of the list: a change ("同比增加20条"), last year's ("上年同期30条")
_NOT_ITEM = re.compile(r"(?:增加|减少|增长|下降|增多|同比|上年|去年|同期)[^\d,，]{0,2}$")
_RANGE = re.compile(r"\d\s*(?:至|到|~|-)\s*$")
# a list that ends in a catch-all ("其他信息856条") means to name them all
_CATCH_ALL = re.compile(r"其他|其它|其余|另有|剩余")
# channels: one piece of information is often published through several of them
_CHANNELS = re.compile(r"网站|公众号|微信|微博|新媒体|客户端|抖音|头条|公开栏|公示栏|平台|报刊|电视")


@rule(
    "GK402", "itemised-sum", "warning",
    title="正文中分项列举之和与所述总数不符",
    what="正文写“共……N条（件），其中……a条、……b条……”时，各分项相加应等于N（括号内的细分不计入；"
         "写明同比增减或上年数字的不算分项；列举的是发布渠道、相加又多于总数时不比较：同一条信息常在几个渠道发布；"
         "相加少于总数时，只在列举以“其他……”收尾、看得出是全部列举时才提示：“其中”也可能只举几类）。",
    why="分项与总数对不上，说明总数或某个分项写错，读者无从判断。",
    example="“共发布公开信息208条。其中公开指南1条；工作动态136条；……”，各项相加为209条。",
)
def itemised_sum(report, ctx):
    for section in report.sections:
        text = folded(section.text)
        if not _DIGIT.search(text):
            continue  # (a total is written in digits)
        for m in _TOTAL.finditer(text):
            total, unit = int(m.group(1)), m.group(2)
            end = text.find("。", m.end())
            clause = text[m.end() : end if end != -1 else len(text)]
            clause = _PARENS.sub("", _PARENS.sub("", clause))
            semi = clause.find(";")
            if semi > 0 and len(_ITEM[unit].findall(clause, 0, semi)) >= 2:
                # a list written with 、 or ， ends at the semicolon: "其中自然人5件、企业1件；办结6件" goes on
                # to another matter (a list of several items between semicolons is one list: 其中A1条；B2条)
                clause = clause[:semi]
            items: list[int] = []
            for x in _ITEM[unit].finditer(clause):
                before = clause[max(0, x.start() - 6):x.start()]
                if _RANGE.search(before):
                    items = []  # "3至5条": no sum to compare
                    break
                if not _NOT_ITEM.search(before):
                    items.append(int(x.group(1)))
            if len(items) < 2 or sum(items) == total:
                continue
            if sum(items) > total and _CHANNELS.search(clause):
                continue
            if sum(items) < total and not _CATCH_ALL.search(clause):
                continue  # "其中" may name some of them only
            yield itemised_sum.finding(
                f"{where(section)}写共{total}{unit}，但其后列举的{len(items)}项相加为{sum(items)}{unit}",
                expected=total, actual=sum(items), at=section.at_offset(m.start()),
            )
