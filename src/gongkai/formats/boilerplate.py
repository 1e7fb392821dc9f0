"""Text every report must or usually does contain whoever writes it: the legal opening, the format's
fixed sentences, headings and table labels. The copied-text rules (GK605, GK801) leave it out of the
share of a narrative taken from another report, since having it in common proves nothing.

``SENTENCES`` describe whole sentences (a sentence ends at 。！？ or a line break). They are compared
after the same folding as the narrative (full-width to half-width, punctuation and spaces dropped,
every year read alike, so 2023年 matches 2024年):

* ``…`` between two pieces: anything up to ``GAP`` characters in between;
* ``…`` at the start or the end: the rest of the sentence that way (up to ``LEAD`` characters before,
  ``TRAIL`` after), so the whole sentence is left out, an address or a web address in it included;
* ``{甲|乙}``: either wording.

``HEADINGS`` are lines (or sentences) that are nothing but a heading, compared whole after their
numbering (一、 （一） 1. …) is taken off; the editions' section titles and table labels are added to
them by :func:`heading_texts`.
"""

from __future__ import annotations

from functools import cache

from . import EDITIONS
from .common import EXTRA_SECTION_KEYWORDS

GAP = 150  # characters between two pieces of one sentence
LEAD = 40  # characters before the first piece (what a sentence says before a fixed formula is mostly its own)
TRAIL = 120  # characters after the last piece (an address, a telephone number, a web address)

SENTENCES: tuple[str, ...] = (
    # the legal opening and the format it follows
    "…{根据|依据|按照|依照}《{中华人民共和国政府信息公开条例|政府信息公开条例}》…编制…报告…",
    ("…{根据|依据|按照|依照}《{中华人民共和国政府信息公开条例|政府信息公开条例}》…"
     "{现公布|特公布|现予公布|向社会公布|发布}…年度报告…"),
    "…本{报告|年度报告}…{根据|依据|按照|依照}…《{中华人民共和国政府信息公开条例|政府信息公开条例|条例}》…",
    "…本{报告|年度报告}由…编制…",
    "…国办公开办函〔2021〕30号…",
    "…国办公开办函〔2019〕60号…",
    "…政府信息公开工作年度报告格式…",
    "现将…政府信息公开…{报告如下|公布如下|报告于后}…",
    "…政府信息公开工作年度报告",  # the title, printed again
    # what the report is made of
    "…总体情况…主动公开政府信息…收到和处理政府信息公开申请…",
    # the statistics period
    "…报告…所列数据…",
    "…统计{期限|期间|时限|区间|时间}{自|为|是|从}2023年1月1日…",
    "…四舍五入…",
    # where to find it, whom to ask
    "…报告…电子版…",
    "…如对本…报告有…{疑问|问题|意见|建议}…",
    "…如对…年度报告…有…{疑问|问题|意见|建议}…",
    # the processing fee (国办函〔2020〕109号), in 其他需要报告的事项
    "…信息处理费…",
    "…无其他需要{报告|说明}的事项…",
    "…没有其他需要{报告|说明}的事项…",
    # the lines that lead into tables 二、三、四
    "…{统计|列表|汇总}如下",
)

# Headings of the format's parts that reports print inside their sections: the five parts of 总体情况
# (2021 format) and the usual halves of 存在的主要问题及改进情况, each also with 情况 after it.
HEADINGS: tuple[str, ...] = (
    "主动公开", "主动公开政府信息", "依申请公开", "依申请公开政府信息", "政府信息管理", "平台建设",
    "政府信息公开平台建设", "监督保障", "存在的主要问题", "主要问题", "存在问题", "存在的问题", "改进情况",
    "改进措施", "下一步工作打算", "下一步工作计划", "下一步工作", "工作打算", "其他事项", "其他需要报告的事项",
    "基本情况", "总体情况", "工作考核、社会评议和责任追究结果", "工作考核", "社会评议", "责任追究",
    "年度工作要点落实情况", "政务公开工作要点落实情况", "人大代表建议和政协提案办理结果公开情况",
    "单位：件", "单位：万元",
)


@cache
def heading_texts() -> tuple[str, ...]:
    """``HEADINGS`` with the editions' section titles and every table label, header and caption."""
    out = list(HEADINGS) + [h + "情况" for h in HEADINGS if not h.endswith("情况")] + list(EXTRA_SECTION_KEYWORDS)
    for ed in EDITIONS.values():
        for s in ed.sections:
            out += [s.title, *s.variants]
        for t in ed.tables:
            out += [t.title, *t.headers, *t.header_variants]
            for r in t.rows:
                out += [r.label, *r.variants]
                out += [c.label for c in r.columns]
                if r.group:
                    out.append(r.group)
                if r.caption:
                    out.append(r.caption)
    return tuple(dict.fromkeys(out))
