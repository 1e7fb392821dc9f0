"""Report texts built by hand for the tests: a title, the six sections, and tables 二/三/四
written in the layouts that real text extractions produce.

A table is first a list of rows (each a list of cell texts, "" for an empty cell), then
rendered in one layout:

* ``cells``    one cell per line starting with a tab, a blank line ends a row (Word "save as text");
* ``tabs``     one row per line, cells separated by tabs;
* ``markdown`` ``| a | b |`` rows with a ``|---|`` line under the first row;
* ``spaces``   one row per line, the non-empty cells joined by single spaces;
* ``run``      one row per line, the non-empty cells run together with nothing between them.

Values are given per row key (the keys of src/gongkai/formats); a row missing from the dict
is not printed at all. Values may be numbers or any printed text ("", "/", "20万元").
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------
# table 三: (row key, label as printed, sub-group) in print order. Sub-group None: a row of its
# own (一、二、四); "": directly under 三、本年度办理结果; otherwise the group label it sits in.

_HEAD = [
    ("new_received", "一、本年新收政府信息公开申请数量", None),
    ("carried_over", "二、上年结转政府信息公开申请数量", None),
    ("granted", "（一）予以公开", ""),
    ("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
    ("withheld_state_secret", "1.属于国家秘密", "（三）不予公开"),
    ("withheld_prohibited", "2.其他法律行政法规禁止公开", "（三）不予公开"),
    ("withheld_security", "3.危及“三安全一稳定”", "（三）不予公开"),
    ("withheld_third_party", "4.保护第三方合法权益", "（三）不予公开"),
    ("withheld_internal", "5.属于三类内部事务信息", "（三）不予公开"),
    ("withheld_process", "6.属于四类过程性信息", "（三）不予公开"),
    ("withheld_enforcement_file", "7.属于行政执法案卷", "（三）不予公开"),
    ("withheld_inquiry", "8.属于行政查询事项", "（三）不予公开"),
    ("unavailable_not_held", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    ("unavailable_needs_creation", "2.没有现成信息需要另行制作", "（四）无法提供"),
    ("unavailable_unclear", "3.补正后申请内容仍不明确", "（四）无法提供"),
    ("declined_petition", "1.信访举报投诉类申请", "（五）不予处理"),
    ("declined_duplicate", "2.重复申请", "（五）不予处理"),
    ("declined_publication", "3.要求提供公开出版物", "（五）不予处理"),
    ("declined_excessive", "4.无正当理由大量反复申请", "（五）不予处理"),
    ("declined_confirmation", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理"),
]
_TAIL = [
    ("total_processed", "（七）总计", ""),
    ("carried_forward", "四、结转下年度继续办理", None),
]
APPLICATION_ROWS = {
    "2021": _HEAD
    + [
        ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
        ("other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
        ("other_other", "3.其他", "（六）其他处理"),
    ]
    + _TAIL,
    "2019": _HEAD + [("other", "（六）其他处理", "")] + _TAIL,
}
APPLICANT_KEYS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")

APPLICATION_HEADER = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
    ["", "自然人", "法人或其他组织", "总计"],
    ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
]


def _zeros(keys):
    return {k: [0] * 7 for k in keys}


def consistent_applications(edition: str = "2021") -> dict[str, list]:
    """A table 三 where every identity holds: 6 new (5 natural persons, 1 company), 1 carried
    over; 3 granted, 1 partly, 1 withheld (third party), 1 not held; 1 carried forward."""
    values = _zeros(k for k, _, _ in APPLICATION_ROWS[edition])
    values.update(
        new_received=[5, 1, 0, 0, 0, 0, 6],
        carried_over=[1, 0, 0, 0, 0, 0, 1],
        granted=[2, 1, 0, 0, 0, 0, 3],
        partially_granted=[1, 0, 0, 0, 0, 0, 1],
        withheld_third_party=[1, 0, 0, 0, 0, 0, 1],
        unavailable_not_held=[1, 0, 0, 0, 0, 0, 1],
        total_processed=[5, 1, 0, 0, 0, 0, 6],
        carried_forward=[1, 0, 0, 0, 0, 0, 1],
    )
    return values


def numbered_applications(edition: str = "2021") -> dict[str, list]:
    """Row k (in print order, from 1) holds k, 0, 0, 0, 0, 0, k: any shift shows."""
    return {key: [k, 0, 0, 0, 0, 0, k] for k, (key, _, _) in enumerate(APPLICATION_ROWS[edition], start=1)}


def application_rows(values: dict[str, list], edition: str = "2021", labels: dict[str, str] | None = None,
                     group: str = "三、本年度办理结果") -> list[list[str]]:
    """Table 三 as printed in Word: the merged group cells appear on the first row they span."""
    rows = [list(r) for r in APPLICATION_HEADER]
    group_done, sub_done = False, set()
    for key, label, sub in APPLICATION_ROWS[edition]:
        if key not in values:
            continue
        prefix = []
        if sub is not None:
            prefix.append("" if group_done else group)
            group_done = True
            if sub:
                prefix.append("" if sub in sub_done else sub)
                sub_done.add(sub)
        shown = (labels or {}).get(key, label)
        rows.append(prefix + [shown] + [str(v) for v in values[key]])
    return rows


# ---------------------------------------------------------------------------------------------
# table 二

ACTIVE_LAYOUT = {
    "2021": [
        ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"],
         [("regulations", "规章"), ("normative_documents", "行政规范性文件")]),
        ("第二十条第（五）项", ["本年处理决定数量"], [("licensing", "行政许可")]),
        ("第二十条第（六）项", ["本年处理决定数量"], [("penalty", "行政处罚"), ("coercion", "行政强制")]),
        ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("fees", "行政事业性收费")]),
    ],
    "2019": [
        ("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
         [("regulations", "规章"), ("normative_documents", "规范性文件")]),
        ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
         [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")]),
        ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
         [("penalty", "行政处罚"), ("coercion", "行政强制")]),
        ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [("fees", "行政事业性收费")]),
        ("第二十条第（九）项", ["采购项目数量", "采购总金额"], [("procurement", "政府集中采购")]),
    ],
}

ACTIVE_2021 = {
    "regulations": [0, 0, 0],
    "normative_documents": [2, 1, 15],
    "licensing": [120],
    "penalty": [35],
    "coercion": [0],
    "fees": [20],
}
ACTIVE_2019 = {
    "regulations": [0, 0, 0],
    "normative_documents": [2, 2, 15],
    "licensing": [10, 2, 120],
    "other_services": [0, 0, 0],
    "penalty": [5, 0, 35],
    "coercion": [0, 0, 0],
    "fees": [1, 0],
    "procurement": [3, 20],
}


def active_rows(values: dict[str, list], edition: str = "2021",
                labels: dict[str, str] | None = None) -> list[list[str]]:
    rows = []
    for caption, columns, members in ACTIVE_LAYOUT[edition]:
        rows.append([caption])
        rows.append(["信息内容", *columns])
        for key, label in members:
            if key in values:
                rows.append([(labels or {}).get(key, label)] + [str(v) for v in values[key]])
    return rows


# ---------------------------------------------------------------------------------------------
# table 四: one row of 15 numbers under three header rows

REVIEW = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]  # 复议 1 upheld; 1 direct suit pending
_RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
REVIEW_KEYS = ("upheld", "corrected", "other", "pending", "total")


def review_rows(values: list = REVIEW) -> list[list[str]]:
    return [
        ["行政复议", "行政诉讼"],
        _RESULTS + ["未经复议直接起诉", "复议后起诉"],
        [""] * 5 + _RESULTS + _RESULTS,
        [str(v) for v in values],
    ]


# ---------------------------------------------------------------------------------------------
# layouts


def render(rows: list[list[str]], layout: str = "cells") -> str:
    """One table as text; ``\\n`` inside a cell (cells layout) prints as continuation lines."""
    if layout == "cells":
        return "\n\n".join("\n".join("\t" + c for c in row) for row in rows)
    if layout == "tabs":
        return "\n".join("\t".join(row) for row in rows)
    if layout == "markdown":
        width = max(len(r) for r in rows)
        lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in rows]
        lines.insert(1, "|" + "---|" * width)
        return "\n".join(lines)
    if layout == "spaces":
        return "\n".join(" ".join(c for c in row if c) for row in rows)
    if layout == "run":
        return "\n".join("".join(row) for row in rows)
    raise ValueError(layout)


# ---------------------------------------------------------------------------------------------
# the report

HEADINGS = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、存在的主要问题及改进情况",
    6: "六、其他需要报告的事项",
}

# Narrative that agrees with consistent_applications(), ACTIVE_2021 and REVIEW.
BODY = {
    # the five parts the 2021 format asks of 总体情况, and the results of 考核、社会评议、责任追究 (第五十条)
    1: "2023年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，全年共收到政府信息公开申请6件，上年结转1件，均已依法答复。"
       "（一）主动公开。通过门户网站主动公开政府信息128条。"
       "（二）依申请公开。规范申请的受理、办理和答复流程。"
       "（三）政府信息管理。落实公开前保密审查，动态更新政府信息公开指南。"
       "（四）平台建设。优化政府网站信息公开专栏，做好政务新媒体管理。"
       "（五）监督保障。将政府信息公开工作纳入年度工作考核，开展社会评议，本年度未发生责任追究情况。",
    2: "本机关通过门户网站、政务新媒体等渠道主动公开政府信息，现将有关数据统计如下：",
    3: "本年度新收政府信息公开申请6件，办结6件，结转下年度继续办理1件。",
    4: "本年度发生政府信息公开行政复议1件、行政诉讼1件。",
    5: "本机关政府信息公开工作还存在一些不足：一是政策解读形式较为单一；二是部分栏目信息更新不够及时。"
       "改进情况：下一步将加强业务培训，采用图解、视频等多种形式解读政策，建立栏目更新提醒机制，提升公开质量。",
    6: "本年度未收取信息处理费。",
}


def report_text(
    *,
    title: str | list[str] = "2023年某某镇人民政府政府信息公开工作年度报告",
    body: dict[int, str] | None = None,
    headings: dict[int, str | None] | None = None,
    tables: dict[int, str] | None = None,
    edition: str = "2021",
    layout: str = "cells",
    ending: list[str] | None = None,
) -> str:
    """A whole report. ``tables`` maps a section number to table text placed after its narrative;
    by default the consistent tables of ``edition`` in ``layout``. A heading set to None leaves
    its section out. ``ending`` is the signature block (agency, date)."""
    body = {**BODY, **(body or {})}
    headings = {**HEADINGS, **(headings or {})}
    if tables is None:
        active = ACTIVE_2021 if edition == "2021" else ACTIVE_2019
        tables = {
            2: render(active_rows(active, edition), layout),
            3: render(application_rows(consistent_applications(edition), edition), layout),
            4: render(review_rows(), layout),
        }
    lines = list(title) if isinstance(title, list) else [title]
    lines.append("")
    for n in range(1, 7):
        if headings.get(n) is None:
            continue
        lines.append(headings[n])
        if body.get(n):
            lines.append(body[n])
        if n in tables:
            lines += ["", tables[n], ""]
    lines.append("")
    lines += ["某某镇人民政府", "2024年1月15日"] if ending is None else ending
    return "\n".join(lines) + "\n"


# ---- the small reports of the rule examples (tests/test_rule_examples.py, tests/examples_*.py)


def tables(*, active=None, active_edition="2021", applications=None, edition="2021", review=None,
           labels=None, active_labels=None, active_layout="cells") -> dict[int, str]:
    """Tables 二, 三 and 四 as printed, each given as values by row (defaults: the consistent ones)."""
    return {
        2: render(active_rows(active or (ACTIVE_2021 if active_edition == "2021" else ACTIVE_2019), active_edition,
                              active_labels), active_layout),
        3: render(application_rows(applications or consistent_applications(edition), edition, labels)),
        4: render(review_rows(review or REVIEW)),
    }


def apps(**rows) -> dict[str, list]:
    values = consistent_applications()
    values.update(rows)
    return values


def with_row(rows: list[list[str]], after: str, row: list[str]) -> list[list[str]]:
    """``rows`` with ``row`` printed right after the row labelled ``after``."""
    i = next(i for i, r in enumerate(rows) if r[0] == after)
    return rows[:i + 1] + [row] + rows[i + 1:]


def last_year(*, carried_forward=1, in_force=14, new_received=6) -> str:
    """The same agency's 2022 report, consistent with itself (values as printed there)."""
    values = consistent_applications()
    values["carried_forward"] = [carried_forward, 0, 0, 0, 0, 0, carried_forward]
    # keep 一+二 = （七）+四: the change in carried_forward balanced by 予以公开
    granted = 3 + 1 - carried_forward
    values["granted"] = [granted - 1, 1, 0, 0, 0, 0, granted]
    values["total_processed"] = [5 - (1 - carried_forward), 1, 0, 0, 0, 0, 6 - (1 - carried_forward)]
    values["new_received"] = [new_received - 1, 1, 0, 0, 0, 0, new_received]
    values["carried_over"] = [1, 0, 0, 0, 0, 0, 1]
    extra = new_received - 6
    if extra:
        values["granted"] = [values["granted"][0] + extra, 1, 0, 0, 0, 0, values["granted"][6] + extra]
        values["total_processed"] = [values["total_processed"][0] + extra, 1, 0, 0, 0, 0,
                                     values["total_processed"][6] + extra]
    active = {**ACTIVE_2021, "normative_documents": [1, 0, in_force]}
    body = {1: "2022年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。"
               "主动公开方面，在门户网站发布政府信息96条；依申请公开方面，规范受理和答复流程；"
               "政府信息管理方面，开展规范性文件清理；平台建设方面，完成网站栏目改版；"
               "监督保障方面，组织业务培训两次，年度考核结果为良好，社会评议满意度较高，未发生责任追究。",
            3: f"本年度新收政府信息公开申请{new_received}件。",
            5: "本机关政府信息公开工作存在的问题：信息发布不够及时，政策解读数量偏少。"
               "下一步将建立信息发布台账，每季度检查栏目更新，增加政策解读篇数。"}
    return report_text(title="2022年某某镇人民政府政府信息公开工作年度报告", body=body,
                       tables=tables(active=active, applications=values), ending=["某某镇人民政府", "2023年1月16日"])


def line_of(text: str, needle: str, start: int = 1) -> int:
    """The number (from 1) of the first line at or after line ``start`` that contains ``needle``."""
    for n, line in enumerate(text.split("\n"), start=1):
        if n >= start and needle in line:
            return n
    raise ValueError(needle)
