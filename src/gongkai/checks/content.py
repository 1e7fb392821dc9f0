"""GK5xx (content): what a report must say besides its tables, and the signs of last year's text reused.

Every rule here reads wording, and wording can be read wrongly: they are warnings and quote what they read.
"""

from __future__ import annotations

import re

from ..extract.sections import section_role
from ..formats.labels import fold
from ..model import Report, Section
from .base import rule
from .timing import agency_level

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def _role_sections(report: Report, role: int) -> list[Section]:
    return [s for s in report.sections if section_role(s.title) == role]


def _opening(report: Report) -> list[Section]:
    """The text before the first section (where most reports state their statistics period and "现将…
    报告如下") as a section of its own, when there is any."""
    if not report.preamble:
        return []
    return [Section(0, "报告开头", report.preamble, report.title_at, "报告开头部分")]


def _sentence(text: str, at: int) -> tuple[int, int, str]:
    """The sentence of ``text`` around offset ``at``: where it starts and ends, and the sentence."""
    start = at
    while start > 0 and not _SENTENCE_END.match(text, start - 1):
        start -= 1
    m = _SENTENCE_END.search(text, at)
    end = len(text) if m is None else m.end()
    return start, end, text[start:end].strip()


def _cut(text: str, most: int = 60) -> str:
    """``text`` on one line, cut to ``most`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most] + "……"


def _year_in_doubt(report: Report) -> bool:
    """The report is signed or published within the year its title names: the title more likely names the
    year it was published in than the text another year's work (GK503 says so); the text's years prove
    nothing then."""
    y = report.year
    return y is not None and any(d is not None and d.year <= y
                                 for d in (report.date, report.published))


# ---------------------------------------------------------------------------------------------
# GK505: another year's work described as this year's

# A sentence (or a numbered item) that opens with a year: "2022年，我镇…", "（一）2022年度我乡…".
_YEAR_OPENING = re.compile(
    r"(?:^|(?<=[。!?;\n]))[ \t]*(?:\([一二三四五六七八九十0-9]{1,2}\)|[一二三四五六七八九十]{1,2},|[0-9]{1,2}[.,])?[ \t]*"
    r"(20\d\d)[ \t]*年(度)?"
)
# what must follow the year for it to be the time of the whole sentence: a comma (not 、: "2021、2022年"
# lists years) or the agency as subject; 2022年以来, 2022年底, 2022年12月, 2022年结转 … say something else
_OPENING_TAIL = re.compile(
    r"[ \t]*(?:[，,](?![ \t]*20\d\d)|(?:我|本)(?:乡|镇|街|区|县|市|局|委|办|单位|机关|部门|厅|院|所|中心|处|署|会)"
    r"|全(?:年|乡|镇|区|县|市|街))"
)
# "截至2022年底", "截止到2022年12月31日": a count at the end of a year
_AS_OF = re.compile(r"截[至止](?:到|至)?[ \t]*(20\d\d)[ \t]*年[ \t]*(?:年?底|年?末|12[ \t]*月[ \t]*(?:31[ \t]*日|底|末))")
# "现将我镇2022年度政府信息公开工作情况报告如下": the year the report says it is about
_REPORTING_ON = re.compile(
    r"(?:现将|现就|现公布|现予(?:以)?公布|现向社会公布|现发布|现编制)[^。;\n]{0,30}?(20\d\d)[ \t]*年度?(?:的)?"
    r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:情况)?(?:年度)?报告"
)
# a sentence that also speaks of this year, or of a span of years, is no reuse
_THIS_YEAR = ("本年", "今年", "以来", "至今", "相比", "对比", "同期")


@rule(
    "GK505", "other-year", "warning",
    title="总体情况写的是其他年度的工作",
    what="“总体情况”部分有句子以上一年开头（如2023年度报告写“2022年，我镇……”），或写“截至2022年底”、"
         "“现将我镇2022年度政府信息公开工作情况报告如下”，把其他年度的工作当作本年度的来写。"
         "与上年比较（较2022年、上年）、文号（〔2022〕12号）、法规日期、上年结转的申请、2022年以来等写法不算。",
    why="这是沿用上一年度报告文字、未按本年度实际情况改写的典型痕迹，报告所述工作与年度不符，考核中按内容失实扣分。",
    example="2023年度报告“一、总体情况”写“2022年，我镇认真贯彻落实《条例》……”。",
)
def other_year(report, ctx):
    y = report.year
    if y is None or _year_in_doubt(report):
        return
    earlier = tuple(str(e) for e in range(y - 3, y))
    for s in (*_opening(report), *_role_sections(report, 1)):
        text = s.text
        if not any(e in text for e in earlier):
            continue
        hits = _other_year_sentences(fold(text), text, y)
        if not hits:
            continue
        start, sentence, year = hits[0]
        sentence = _cut(sentence).rstrip("。；;!！?？")
        more = f"（另有{len(hits) - 1}处类似写法）" if len(hits) > 1 else ""
        yield other_year.finding(
            f"“{s.heading or s.title}”中写的是{year}年的情况：“{sentence}”，而本报告是{y}年度报告；"
            f"疑似沿用了以前年度报告的文字，请按本年度情况改写{more}",
            expected=f"{y}年", actual=sentence, at=s.at_offset(start),
        )
        return


def _other_year_sentences(folded: str, text: str, year: int) -> list[tuple[int, str, int]]:
    """(where the sentence starts, the sentence, the year it speaks of) of each sentence of the text that
    describes an earlier year as the one reported on; one per sentence, in order."""
    found: dict[int, tuple[int, str, int]] = {}

    this = f"{year}年"

    def keep(at: int, e: int) -> None:
        start, end, sentence = _sentence(text, at)
        if start in found or str(year) in sentence or any(w in sentence for w in _THIS_YEAR):
            return
        # "截至2022年底共有14件。2023年新制发2件": the year before, set against this one
        after = len(text) - len(text[end:].lstrip())  # the next sentence, past a line break
        if after < len(text) and this in _sentence(text, after)[2]:
            return
        found[start] = (start, sentence, e)

    for m in _YEAR_OPENING.finditer(folded):
        e = int(m.group(1))
        if e != year - 1:  # only last year's: an older year opening a sentence is more often history
            continue
        tail = _OPENING_TAIL.match(folded, m.end())
        if tail is None or (text[tail.start():tail.end()].strip(" \t")[:1] == "、"):
            continue
        keep(m.start(1), e)
    for rx in (_AS_OF, _REPORTING_ON):
        for m in rx.finditer(folded):
            e = int(m.group(1))
            if year - 3 <= e < year:
                keep(m.start(), e)
    return [found[k] for k in sorted(found)]


# ---------------------------------------------------------------------------------------------
# GK506: the statistics period

_DATE = r"(20\d\d)[ \t]*年[ \t]*0?{m}[ \t]*月[ \t]*{d}[ \t]*日"
_PERIOD = re.compile(
    r"(?:统计|数据)(?:的)?(?:期限|时限|期间|时间段|时间|周期|区间|日期|截止时间|截止日期|截至时间)"
    r"[^。;\n]{0,12}?"
    r"(?:" + _DATE.format(m="1", d="0?1") + r"[^。;\n0-9]{0,6}?"
    r"(?:(20\d\d)[ \t]*年[ \t]*)?12[ \t]*月[ \t]*31[ \t]*日"
    r"|(?:截至|截止|至)?" + _DATE.format(m="12", d="31") + r")"
)


@rule(
    "GK506", "statistics-period", "warning",
    title="统计期限与报告年度不符",
    what="报告写明的数据统计期限（如“本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止”）"
         "不是报告所属年度的1月1日至12月31日。",
    why="统计期限写错年份，多是沿用上一年度报告未改，读者无从判断表中数据属于哪一年。",
    example="2023年度报告写“统计期限为2022年1月1日至12月31日”。",
)
def statistics_period(report, ctx):
    y = report.year
    if y is None or _year_in_doubt(report):
        return
    for s in (*_opening(report), *report.sections):
        text = s.text
        k = text.find("统计")
        while k >= 0:  # (the period is stated right after the word: only that stretch is read)
            window = fold(text[k:k + 80])
            m = _PERIOD.match(window) or _PERIOD.search(window, 2)
            if m is not None:
                years = {int(g) for g in m.groups() if g}
                if years != {y}:
                    shown = text[k + m.start():k + m.end()]
                    wrong = "、".join(f"{e}年" for e in sorted(years - {y}))
                    yield statistics_period.finding(
                        f"“{shown}”：统计期限写的是{wrong}，与报告年度{y}年不符，应为{y}年1月1日至{y}年12月31日",
                        expected=f"{y}-01-01/{y}-12-31", actual=shown, at=s.at_offset(k + m.start()),
                    )
                    return
            k = text.find("统计", k + 2)


# ---------------------------------------------------------------------------------------------
# GK507: the five parts of 总体情况 (2021 format)

# each part, the words real reports use for it, and a pattern for the wordings words cannot catch
Part = tuple[str, tuple[str, ...], re.Pattern[str] | None]
OVERALL_PARTS: tuple[Part, ...] = (
    ("主动公开", ("主动公开", "主动发布", "主动向社会公开", "公开政府信息", "公开各类", "发布信息", "信息发布"),
     re.compile(r"(?:公开|发布)[^。;]{0,10}?信息(?:共计?)?\d+")),
    ("依申请公开", ("依申请", "公开申请", "申请公开", "信息公开的申请", "收到申请", "受理申请", "申请件", "申请人"), None),
    ("政府信息管理", ("信息管理", "审查", "审核", "三审", "动态调整", "动态更新", "公开属性", "源头管理", "源头认定",
                "规范性文件", "三统一", "历史信息", "清理", "公开目录", "公开指南"), None),
    ("平台建设", ("平台", "网站", "新媒体", "公众号", "微信", "微博", "客户端", "公开栏", "公示栏", "公告栏", "宣传栏",
              "专栏", "专区", "政府公报", "查阅点", "查阅室", "电子屏", "显示屏"), None),
    ("监督保障", ("监督", "保障", "考核", "考评", "培训", "责任追究", "问责", "督查", "督导", "督促", "检查", "评议",
              "领导小组", "组织领导"), None),
)
_FIRST_2021 = 2021  # the first report year of the 2021 format (国办公开办函〔2021〕30号)
_ARTICLE_50_FIRST = 2019  # the first report year under the revised 条例 (国务院令第711号, in force 2019-05-15)


def _has(text: str, words: tuple[tuple[str, re.Pattern[str]], ...]) -> bool:
    """Whether any of ``words`` ((word, its pattern)) is in ``text``. A word whose last character is not in the
    text is ruled out at once (a fraction of a µs); a word is then looked for by its compiled pattern, which is
    quicker than ``in`` for the short words of a report."""
    for word, rx in words:  # noqa: SIM110  (a loop: quicker than any() over a generator, run for every report)
        if word[-1] in text and rx.search(text) is not None:
            return True
    return False


_Prepared = list[tuple[str, tuple[tuple[str, re.Pattern[str]], ...], re.Pattern[str] | None]]


def _prepared(parts: tuple[Part, ...]) -> _Prepared:
    """``parts`` with each word's pattern compiled, made once for each list of parts (module constants)."""
    known = _PREPARED.get(id(parts))
    if known is None or known[0] is not parts:
        made = [(name, tuple((w, re.compile(re.escape(w))) for w in words), rx) for name, words, rx in parts]
        known = _PREPARED[id(parts)] = (parts, made)
    return known[1]


_PREPARED: dict[int, tuple[tuple[Part, ...], _Prepared]] = {}


def _missing(texts: list[str], parts: tuple[Part, ...]) -> list[str]:
    """The parts none of ``texts`` speaks of. The words are looked for as printed first (quick), then, for a
    part not found, in the text without its spaces and line breaks: a PDF breaks lines inside words
    (政府信息\n管理)."""
    text = "\n".join(texts)
    missing = [p for p in _prepared(parts) if not _has(text, p[1])]
    if not missing:
        return []
    text = "".join(text.split())
    return [name for name, words, rx in missing if not _has(text, words) and (rx is None or rx.search(text) is None)]


@rule(
    "GK507", "overall-content", "warning",
    title="总体情况缺少规定的方面",
    what="2021年度及以后的报告（2021年版格式），“总体情况”应从主动公开、依申请公开、政府信息管理、"
         "政府信息公开平台建设、监督保障五个方面概述本年度工作；列出未见说明的方面。"
         "同义写法也算（如保密审查、动态调整算政府信息管理，政府网站、政务新媒体、公开专栏算平台建设，"
         "考核、培训、责任追究算监督保障）。",
    why="国办公开办函〔2021〕30号印发的年度报告格式对总体情况的内容有明确要求，考核和第三方评估逐项检查，缺项扣分。",
    example="2023年度报告的总体情况只写了主动公开和依申请公开，没有政府信息管理、平台建设和监督保障。",
)
def overall_content(report, ctx):
    if report.year is not None:
        if report.year < _FIRST_2021:
            return
    elif report.edition != "2021":
        return
    overall = _role_sections(report, 1)
    if not overall:
        return  # a missing section is GK113's finding
    texts = [s.text for s in overall]
    missing = _missing(texts, OVERALL_PARTS)
    if not missing:
        return
    s = overall[0]
    said = "没有文字" if not any(t.strip() for t in texts) else "未见" + "、".join(missing) + "方面的内容"
    yield overall_content.finding(
        f"“{s.heading or s.title}”{said}；按2021年版年度报告格式（国办公开办函〔2021〕30号），总体情况应从主动公开、"
        "依申请公开、政府信息管理、政府信息公开平台建设、监督保障五个方面概述本年度工作",
        expected="、".join(p[0] for p in OVERALL_PARTS), actual="、".join(missing), at=s.at,
    )


# ---------------------------------------------------------------------------------------------
# GK508: 工作考核、社会评议和责任追究 (第五十条, governments)

ASSESSMENT_PARTS: tuple[Part, ...] = (
    ("工作考核", ("考核", "考评", "绩效"), None),
    ("社会评议", ("评议", "满意度", "测评", "社会评价", "群众评价", "评估"), None),
    ("责任追究", ("追究", "问责", "追责"), None),
)
# a government's own report: 县级以上人民政府 or 乡镇人民政府、街道办事处, also when the title names only the
# place ("淮安市2024年政府信息公开工作年度报告"); a 管委会 is left alone (whether 第五十条's 各级人民政府
# covers it is not settled)
_GOVERNMENT_NAME = re.compile(r"(?:省|市|县|区|州|盟|旗)(?:人民政府)?$")
# places named like a district that have no 人民政府 (a 管委会, a 居委会)
_NOT_GOVERNMENT = re.compile(
    r"(?:开发|高新|新|园|景|保税|示范|实验|试验|合作|功能|管理|林|矿|片|度假|工业|产业|综合|社)区(?:人民政府)?$")


def _is_government(name: str | None) -> bool:
    if not name:
        return False
    level = agency_level(name)
    if level == "township":
        return True
    n = name.strip()
    if not _GOVERNMENT_NAME.search(n) or _NOT_GOVERNMENT.search(n):
        return False
    return level == "government" or len(n) <= 12  # (a bare place name: the title names no office)


@rule(
    "GK508", "assessment-results", "warning",
    title="人民政府报告未说明考核、评议和责任追究结果",
    what="县级以上人民政府和乡镇人民政府（街道办事处）2019年度及以后的报告（修订后的条例施行以来），应写明政府信息公开工作考核、社会评议和"
         "责任追究的结果情况；列出未见说明的项目。部门的报告不要求。",
    why="《政府信息公开条例》第五十条规定，各级人民政府的政府信息公开工作年度报告还应当包括工作考核、"
        "社会评议和责任追究结果情况。",
    example="某镇人民政府2023年度报告全文没有提到考核、社会评议和责任追究。",
)
def assessment_results(report, ctx):
    # 第五十条 as revised in 2019 (in force from 2019-05-15): the reports on 2019 and later
    if report.year is None or report.year < _ARTICLE_50_FIRST or not report.sections:
        return
    if not _is_government(report.agency or report.signer):
        return
    texts = [t for s in report.sections for t in (s.title, s.text)]
    missing = _missing(texts, ASSESSMENT_PARTS)
    if missing:
        yield assessment_results.finding(
            f"报告未说明政府信息公开{'、'.join(missing)}的结果情况；《政府信息公开条例》第五十条要求各级人民政府的"
            "年度报告包括工作考核、社会评议和责任追究结果情况（没有发生的，也应写明）",
            expected="工作考核、社会评议和责任追究结果", actual="、".join(missing), at=report.sections[0].at,
        )


# ---------------------------------------------------------------------------------------------
# GK509: section 五 without substance

THIN_CHARS = 50  # fewer characters than this (punctuation and spaces left out) cannot name problems and measures
_NOT_TEXT = re.compile(r"[\s。．.，,、；;：:！!？?“”\"'（）()《》<>\-—…·/\\]+")
# words that say what will be done: any of them is taken for an improvement measure
_PLAN = re.compile(
    r"下一步|下步|下一年|下阶段|下一阶段|今后|明年|来年|改进|整改|措施|计划|打算|将|拟|力争|努力|着力|持续|继续|不断|切实|确保")
# what a verb of improvement says after these is the problem ("有待加强", "不够及时"), not a measure
_NEED = re.compile(
    r"(?<!有待)(?<!有待进一步)(?<!需要)(?<!需要进一步)(?<!需)(?<!需进一步)(?<!亟待)(?<!亟需)(?<!仍需)(?<!还需)"
    r"(?<!尚需)(?<!仍待)(?<!不够)(?<!不足)(?<!不)(?<!未)(?<!没有)(?<!缺乏)(?<!欠)"
    r"(?:加强|提升|提高|完善|强化|健全|规范|优化|加大|建立|推进|推动|丰富|拓展|拓宽|落实|做好|深化|扩大|及时)")
_FOLLOW_UP = ("下一步", "打算", "计划", "改进", "措施", "今后")


def _problem_sections(report: Report) -> list[Section]:
    """Section 五 and the sections that carry its improvements when a report splits them off
    (五、存在的主要问题 followed by 六、下一步工作打算)."""
    out: list[Section] = []
    taking = False
    for s in report.sections:
        role = section_role(s.title)
        if role == 5:
            out.append(s)
            taking = True
        elif taking and role is None and any(k in s.title for k in _FOLLOW_UP):
            out.append(s)
        else:
            taking = False
    return out


_PLAN_WORDS = ("将", "下一步", "改进", "措施", "今后")  # the commonest: looked for first, as plain words


def _has_measures(text: str) -> bool:
    return (any(w in text for w in _PLAN_WORDS) or _PLAN.search(text) is not None
            or _NEED.search(text) is not None)


@rule(
    "GK509", "thin-problems", "warning",
    title="存在的主要问题及改进情况过于简单",
    what="“存在的主要问题及改进情况”只写“无”、只有一两句话（不足50字），或只列问题而没有改进措施"
         "（下一步、将、改进、加强……都没有）。分开写的“下一步工作打算”部分算作改进措施。",
    why="《政府信息公开条例》第五十条要求报告政府信息公开工作存在的主要问题及改进情况；写“无”或一笔带过，"
        "考核和第三方评估都按内容不实或不完整扣分。",
    example="“五、存在的主要问题及改进情况”只写“无。”。",
)
def thin_problems(report, ctx):
    group = _problem_sections(report)
    if not group:
        return  # a missing section is GK113's finding
    s = group[0]
    text = "\n".join(x.text for x in group).strip()
    # (a long text cannot be short without its punctuation: only a short one is measured)
    bare = _NOT_TEXT.sub("", text) if len(text) < 4 * THIN_CHARS else text
    where = s.heading or s.title
    if len(bare) <= 4:
        said = f"只写了“{text}”" if text else "没有内容"
        yield thin_problems.finding(
            f"“{where}”{said}；应写明本年度政府信息公开工作存在的主要问题和具体改进措施",
            expected="存在的主要问题及改进措施", actual=text, at=s.at,
        )
    elif len(bare) < THIN_CHARS:
        yield thin_problems.finding(
            f"“{where}”只有“{text}”（{len(bare)}字），过于简单；应具体写明存在的主要问题和改进措施",
            expected=f"≥{THIN_CHARS}字", actual=text, at=s.at,
        )
    elif not _has_measures(text):
        shown = _cut(text)
        yield thin_problems.finding(
            f"“{where}”未见改进措施（下一步怎么做）：“{shown}”；应在问题之后写明改进情况",
            expected="改进措施", actual=shown, at=s.at,
        )


# ---------------------------------------------------------------------------------------------
# GK604: the improvements of 五 repeated from last year's report

REPEAT_CHARS = 40  # a shared passage at least this long (characters, punctuation left out) is no coincidence
_SEED = 10  # passages are found from shared pieces of this length
_COUNTED = 20  # shared passages this long count towards the share repeated
_IMPROVEMENTS_START = re.compile(
    r"改进情况|改进措施|整改措施|下一步|下步|今后|下阶段|下一阶段|下一年度?|为此|针对(?:上述|以上|存在的?|这些)?问题")
_YEAR = re.compile(r"(?<!\d)20\d\d(?!\d)")
_NOT_WORD = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff#]+")
_TOKEN = re.compile(r"(?<!\d)20\d\d(?!\d)|[0-9A-Za-z\u4e00-\u9fff#]")  # one character of _normalised's


def _normalised(text: str) -> str:
    """``text`` without punctuation and spaces and with every year as ``#``: two years' wordings compare
    equal whatever their years and punctuation."""
    return _NOT_WORD.sub("", _YEAR.sub("#", fold(text)))


def _positions(text: str) -> list[int]:
    """Where each character of ``_normalised(text)`` was in ``text`` (fold keeps positions)."""
    return [m.start() for m in _TOKEN.finditer(fold(text))]


def shared_passages(a: str, b: str, least: int = _COUNTED) -> list[tuple[int, int]]:
    """The passages of ``a`` (start, end), each at least ``least`` long, that appear word for word in ``b``.
    Pieces of ``a`` are looked up at a stride that cannot miss such a passage, then grown both ways."""
    seed = min(_SEED, least)
    step = least - seed + 1  # any passage of ``least`` holds a whole piece starting at a multiple of it
    out: list[tuple[int, int]] = []
    n = len(a)
    q, done = 0, 0
    while q + seed <= n:
        if a[q:q + seed] not in b:
            q += step
            continue
        x = q
        while x > done and a[x - 1:q + seed] in b:
            x -= 1
        j = q + seed
        grow = 8
        while j < n:  # gallop, then back off one character at a time
            k = min(n, j + grow)
            if a[x:k] in b:
                j, grow = k, grow * 2
            elif grow > 1:
                grow //= 2
            else:
                break
        if j - x >= least:
            out.append((x, j))
        done = j
        q = j if j - x >= least else q + step
    return out


def _improvement_text(group: list[Section]) -> tuple[Section, str, int]:
    """The section the improvements start in, its text, and where in it they start (the whole text when
    nothing marks where the problems end)."""
    first = group[0]
    m = _IMPROVEMENTS_START.search(first.text)
    if m is not None:
        return first, first.text, m.start()
    if len(group) > 1:  # 五 holds the problems, the next section the plans
        return group[1], group[1].text, 0
    return first, first.text, 0


@rule(
    "GK604", "improvements-repeated", "warning", needs_previous=True,
    title="改进措施与上年度报告雷同",
    what="“存在的主要问题及改进情况”中的改进措施，与本机关上一年度报告的同一部分有大段文字完全相同"
         "（不计标点、空格和年份，连续40字以上）。",
    why="改进措施年年照抄，说明上年的问题没有整改、本年没有针对性的新措施；考核对内容雷同扣分。",
    example="2023年度报告写“下一步，我镇将进一步加强政务公开队伍建设……”，与2022年度报告一字不差。",
)
def improvements_repeated(report, ctx):
    prev = ctx.previous
    if prev is None or (report.year is not None and prev.year is not None and prev.year >= report.year):
        return
    group = _problem_sections(report)
    before = _problem_sections(prev)
    if not group or not before:
        return
    section, text, start = _improvement_text(group)
    tail = text[start:]
    if section is group[0] and len(group) > 1:
        tail += "\n" + "\n".join(x.text for x in group[1:])
    mine = _normalised(tail)
    theirs = _normalised("\n".join(x.text for x in before))
    if len(mine) < REPEAT_CHARS or len(theirs) < REPEAT_CHARS:
        return
    passages = shared_passages(mine, theirs)
    if not passages:
        return
    x, j = max(passages, key=lambda p: p[1] - p[0])
    if j - x < REPEAT_CHARS:
        return
    index = _positions(tail)
    a, b = index[x], index[j - 1] + 1  # the passage as printed
    quote = _cut(tail[a:b], 80)
    shared = sum(e - s for s, e in passages)
    py = f"{prev.year}年度" if prev.year else "上一年度"
    what = "改进措施" if start or section is not group[0] else "内容"  # (nothing marks where the measures start)
    yield improvements_repeated.finding(
        f"“{group[0].heading or group[0].title}”的{what}与本机关{py}报告相同：“{quote}”"
        f"（与上年相同的文字共{shared}字，占{what}的{round(100 * shared / len(mine))}%）；请结合本年度的问题写明新的改进措施",
        expected="本年度的改进措施", actual=quote,
        at=section.at_offset(start + a) if section.spans else section.at,
    )

