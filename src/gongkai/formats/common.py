"""Parts both editions share: the sections, table 三's applicant columns and most of its rows,
and table 四. Labels are the official ones, character for character."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .base import Column, Identity, RowDef, SectionDef, TableDef, TableName

SECTIONS = (
    SectionDef(1, "总体情况", keywords=("总体情况", "基本情况", "概述")),
    SectionDef(2, "主动公开政府信息情况", keywords=("主动公开",)),
    SectionDef(3, "收到和处理政府信息公开申请情况", keywords=("收到和处理", "依申请公开", "申请情况")),
    SectionDef(
        4,
        "政府信息公开行政复议、行政诉讼情况",
        variants=("因政府信息公开工作被申请行政复议、提起行政诉讼情况",),
        keywords=("行政复议", "行政诉讼"),
    ),
    SectionDef(
        5,
        "存在的主要问题及改进情况",
        variants=("政府信息公开工作存在的主要问题及改进情况",),
        keywords=("存在的主要问题", "主要问题", "存在问题", "改进情况"),
    ),
    SectionDef(6, "其他需要报告的事项", variants=("其他事项",), keywords=("其他需要报告", "其他事项")),
)

# The three tables every edition has, named and placed alike in both.
TABLES = (
    TableName("active", "表二", "主动公开", 2),
    TableName("applications", "表三", "依申请公开", 3),
    TableName("review_litigation", "表四", "复议诉讼", 4),
)
_NUMERALS = "一二三四五六七八九十"


def table(key: str, rows: tuple[RowDef, ...], **details) -> TableDef:
    """An edition's table ``key`` with its name, its section and that section's official heading."""
    name = next(t for t in TABLES if t.key == key)
    section = next(s for s in SECTIONS if s.number == name.section)
    title = f"{_NUMERALS[section.number - 1]}、{section.title}"
    return TableDef(key=key, title=title, section=section.number, rows=rows, short=name.short, name=name.name,
                    **details)


TITLE_END = "政府信息公开工作年度报告"  # how every report's title ends


def standard_title(year: int | None, agency: str | None) -> str | None:
    """The official title, 2023年幸福乡人民政府政府信息公开工作年度报告; None without a year and an agency."""
    if year and agency:
        return f"{year}年{agency}{TITLE_END}"
    return None


# Headings some reports add when they split 五 (then 其他 moves to 七).
EXTRA_SECTION_KEYWORDS = ("下一步工作", "工作打算", "工作计划", "改进措施", "工作考核", "社会评议", "责任追究")

RESULTS = "三、本年度办理结果"  # the merged label over the outcome rows of table 三

APPLICANT_COLUMNS = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("social_welfare", "社会公益组织"),
    Column("legal_service", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)

APPLICATION_HEADERS = (
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "申请人情况",
    "法人或其他组织",
    RESULTS,
    "（三）不予公开",
    "（四）无法提供",
    "（五）不予处理",
    "（六）其他处理",
) + tuple(c.label for c in APPLICANT_COLUMNS)


def _r(key, label, group=None, short=None, variants=()):
    return RowDef(key, label, APPLICANT_COLUMNS, variants=tuple(variants), group=group, short=short)


APPLICATION_ROWS_HEAD = (
    _r("new_received", "一、本年新收政府信息公开申请数量", short="一、本年新收"),
    _r("carried_over", "二、上年结转政府信息公开申请数量", short="二、上年结转"),
    _r("granted", "（一）予以公开", RESULTS, short="（一）予以公开"),
    _r(
        "partially_granted",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        RESULTS,
        short="（二）部分公开",
        variants=("（二）部分公开",),
    ),
    _r("withheld_state_secret", "1.属于国家秘密", "（三）不予公开", "（三）1.属于国家秘密"),
    _r("withheld_prohibited", "2.其他法律行政法规禁止公开", "（三）不予公开", "（三）2.其他法律行政法规禁止公开"),
    _r("withheld_security", "3.危及“三安全一稳定”", "（三）不予公开", "（三）3.危及“三安全一稳定”"),
    _r("withheld_third_party", "4.保护第三方合法权益", "（三）不予公开", "（三）4.保护第三方合法权益"),
    _r("withheld_internal", "5.属于三类内部事务信息", "（三）不予公开", "（三）5.属于三类内部事务信息"),
    _r("withheld_process", "6.属于四类过程性信息", "（三）不予公开", "（三）6.属于四类过程性信息"),
    _r("withheld_enforcement_file", "7.属于行政执法案卷", "（三）不予公开", "（三）7.属于行政执法案卷"),
    _r("withheld_inquiry", "8.属于行政查询事项", "（三）不予公开", "（三）8.属于行政查询事项"),
    _r("unavailable_not_held", "1.本机关不掌握相关政府信息", "（四）无法提供", "（四）1.本机关不掌握相关政府信息"),
    _r("unavailable_needs_creation", "2.没有现成信息需要另行制作", "（四）无法提供", "（四）2.没有现成信息需要另行制作"),
    _r("unavailable_unclear", "3.补正后申请内容仍不明确", "（四）无法提供", "（四）3.补正后申请内容仍不明确"),
    _r("declined_petition", "1.信访举报投诉类申请", "（五）不予处理", "（五）1.信访举报投诉类申请"),
    _r("declined_duplicate", "2.重复申请", "（五）不予处理", "（五）2.重复申请"),
    _r("declined_publication", "3.要求提供公开出版物", "（五）不予处理", "（五）3.要求提供公开出版物"),
    _r("declined_excessive", "4.无正当理由大量反复申请", "（五）不予处理", "（五）4.无正当理由大量反复申请"),
    _r(
        "declined_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        "（五）不予处理",
        "（五）5.要求行政机关确认或重新出具已获取信息",
    ),
)

APPLICATION_ROWS_TAIL = (
    _r("total_processed", "（七）总计", RESULTS, short="（七）总计"),
    _r("carried_forward", "四、结转下年度继续办理", short="四、结转下年度继续办理"),
)

# The outcome rows that （七）总计 adds up: everything between 二 and （七）.
NOT_OUTCOMES = {"new_received", "carried_over", "total_processed", "carried_forward"}
_OUTCOME_NUMBER = re.compile(r"^（[一二三四五六七八九十]+）")


def outcome_groups(rows: Iterable[RowDef]) -> dict[str, tuple[str, ...]]:
    """The outcomes of table 三 (予以公开 … 其他处理) → the rows counted under each, in printed order.

    A row under a numbered group (（三）不予公开) counts under that group; a row placed directly under
    三、本年度办理结果 (（一）予以公开, 2019's （六）其他处理) is an outcome of its own."""
    out: dict[str, list[str]] = {}
    for r in rows:
        if r.key in NOT_OUTCOMES:
            continue
        head = r.group if r.group and r.group != RESULTS else r.name
        out.setdefault(_OUTCOME_NUMBER.sub("", head), []).append(r.key)
    return {name: tuple(keys) for name, keys in out.items()}


REVIEW_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)

REVIEW_LITIGATION = table(
    "review_litigation",
    rows=(
        RowDef("review", "行政复议", REVIEW_COLUMNS, short="行政复议"),
        RowDef("litigation_direct", "未经复议直接起诉", REVIEW_COLUMNS, group="行政诉讼", short="行政诉讼（未经复议直接起诉）"),
        RowDef("litigation_after_review", "复议后起诉", REVIEW_COLUMNS, group="行政诉讼", short="行政诉讼（复议后起诉）"),
    ),
    headers=("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉") + tuple(c.label for c in REVIEW_COLUMNS),
    single_row=True,
)


def application_identities(rows: tuple[RowDef, ...]) -> tuple[Identity, ...]:
    """The identities of table 三 and 四, written out cell by cell from the row list."""
    ids: list[Identity] = []
    cols = [c.key for c in APPLICANT_COLUMNS]
    for c in cols:
        ids.append(
            Identity(
                "GK301",
                (f"applications.new_received.{c}", f"applications.carried_over.{c}"),
                (f"applications.total_processed.{c}", f"applications.carried_forward.{c}"),
                "一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理",
            )
        )
    for r in rows:
        ids.append(
            Identity(
                "GK302",
                (f"applications.{r.key}.total",),
                tuple(f"applications.{r.key}.{c}" for c in cols[:-1]),
                f"「{r.name}」的总计 = 六类申请人之和",
            )
        )
    outcomes = [r.key for r in rows if r.key not in NOT_OUTCOMES]
    for c in cols:
        ids.append(
            Identity(
                "GK303",
                (f"applications.total_processed.{c}",),
                tuple(f"applications.{k}.{c}" for k in outcomes),
                "（七）总计 = （一）至（六）各项办理结果之和",
            )
        )
    for g in REVIEW_LITIGATION.rows:
        ids.append(
            Identity(
                "GK304",
                (f"review_litigation.{g.key}.total",),
                tuple(f"review_litigation.{g.key}.{c.key}" for c in REVIEW_COLUMNS[:-1]),
                f"{g.name}：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
            )
        )
    return tuple(ids)
