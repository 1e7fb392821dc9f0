"""GK5xx: what the law and the 2021 format require beyond the tables: the processing fee
statement, the report's dates against the deadline of 第四十九条 (formats/deadlines.yaml, or an office's own)."""

from __future__ import annotations

import datetime as dt
import re

from ..extract.sections import section_role
from ..formats import EDITIONS
from ..formats.deadlines import WHO, default_deadlines
from ..location import Location
from ..model import PUBLISHED_FROM
from .base import rule

_FEE = re.compile(r"信息处理费|处理费|收费")

# an agency's level from its name, for the deadline that applies to it
_TOWNSHIP = re.compile(r"(乡|镇|街道|街道办事处|苏木)(人民政府)?$|(乡|镇)人民政府|街道办事处")
_GOVERNMENT = re.compile(r"(省|市|县|区|州|盟|旗|自治县|自治州|自治区)人民政府$|管委会$|管理委员会$|实验区$|新区$")


def agency_level(name: str | None) -> str | None:
    if not name:
        return None
    n = name.strip()
    if _TOWNSHIP.search(n) or re.search(r"(乡|镇)$", n):
        return "township"
    if _GOVERNMENT.search(n) and not re.search(r"(局|委员会|办公室|厅|中心|院|所|队|站)$", n.replace("人民政府", "")):
        return "government"
    return "department"


@rule(
    "GK501", "processing-fee-silent", "warning",
    title="未说明信息处理费收取情况",
    what="2021年度及以后的报告，“其他需要报告的事项”部分没有说明是否收取信息处理费。",
    why="2021年版格式要求在第六部分报告依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费的情况；"
        "未收取的也应写明。",
    example="第六部分只写“无。”。",
)
def processing_fee(report, ctx):
    if report.year is None or report.year < EDITIONS["2021"].first_year:
        return
    other = [s for s in report.sections if section_role(s.title) == 6]
    if not other:
        return  # a missing section is GK113's finding
    s = other[-1]
    if not _FEE.search(s.text):
        yield processing_fee.finding(
            f"“{s.heading or s.title}”部分未说明信息处理费收取情况；按2021年版格式应写明本年度是否收取信息处理费（未收取的写明未收取）",
            expected="信息处理费收取情况", actual=s.text[:40], at=s.at,
        )


def deadline_level(name: str | None) -> str:
    """The level whose deadline applies (formats/deadlines.py): department, government, township or street."""
    level = agency_level(name) or "department"
    if level == "township" and name and "街道" in name:
        return "street"
    return level


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@rule(
    "GK502", "late-report", "warning",
    title="报告晚于公布期限",
    what="报告的落款日期，或网页标明的发布时间（没有时看网页标明的成文日期），晚于公布期限："
         "《政府信息公开条例》第四十九条规定县级以上人民政府部门为次年1月31日，县级以上地方人民政府为次年3月31日；"
         "乡镇、街道由地方规定，未规定的按3月31日提示。期限是数据（gongkai/formats/deadlines.yaml），"
         "本地规定不同的（如区属部门2月20日），可用 `gongkai check --deadlines 文件` 指定本地的期限。"
         "网页没有标明日期的，Word、PDF 文件属性中的创建时间（在报告年度的次年内）晚于期限时作为提示。",
    why="年度报告须按期向社会公布，逾期公布违反条例规定，也是考核的扣分项；落款日期在期限内而网页晚于期限发布的，"
        "同样是逾期公布。文件属性中的创建时间晚于期限，说明这份文件是期限后才生成的，但也可能是事后另存的副本，"
        "所以只作提示。",
    example="某县住建局2023年度报告落款为“2024年1月20日”，网页标明的发布时间为“2024-02-20”（期限为2024年1月31日）。",
)
def late_report(report, ctx):
    if report.year is None:
        return
    level = deadline_level(report.agency)
    rule_ = (ctx.deadlines or default_deadlines()).of(level)
    deadline = rule_.after(report.year)
    # what the report and its file say, in the order a reviewer reads them: (what, date, where, evidence enough
    # for a warning); the signed date is left out when it is the page's date, found there
    said: list[tuple[str, dt.date, Location | None, bool]] = []
    pub, how = report.published, report.published_from
    if report.date is not None and (pub is None or report.date_at != report.published_at):
        said.append(("报告落款日期", report.date, report.date_at, True))
    if pub is not None and how in PUBLISHED_FROM and pub.year <= report.year + 1:
        # (a page date years later is a site's move or a re-publication, not the first one)
        said.append((PUBLISHED_FROM[how], pub, report.published_at, how in ("page", "written")))
    late = [s for s in said if s[1] > deadline]
    if not late:
        return
    main = next((s for s in late if s[0] != "报告落款日期" and s[3]), late[0])
    firm = any(s[3] for s in late)
    after = ""
    if len(late) == len(said):
        told = "、".join(f"{what}为{_day(d)}" for what, d, _, _ in said) + ("，均" if len(said) > 1 else "，")
    elif said[-1] in late:  # signed in time, published late
        told = "，但".join(f"{what}为{_day(d)}" for what, d, _, _ in said) + "，"
    else:  # signed late, the file's date in time: one of them is wrong
        told = "、".join(f"{what}为{_day(d)}" for what, d, _, _ in late) + "，"
        after = "；" + "、".join(f"{what}为{_day(d)}" for what, d, _, _ in said if d <= deadline) + "，在期限内，请核实哪个日期有误"
    note = "" if firm else "：这份文件是在期限后才生成的，报告可能未按期公布，请核实实际发布日期（也可能是事后另存的副本）"
    yield late_report.finding(
        f"{told}晚于{WHO[level]}的公布期限{_day(deadline)}（{rule_.basis}）{note}{after}",
        expected=deadline.isoformat(), actual=main[1].isoformat(), at=main[2],
        severity=None if firm else "info",
    )


@rule(
    "GK503", "date-in-report-year", "warning",
    title="报告日期早于统计年度结束",
    what="报告落款日期在所报告的年度结束之前（例如2023年度报告落款为2023年11月）。",
    why="年度报告统计至12月31日，年度未结束即成稿说明数据不完整或日期写错。",
    example="2023年度报告落款为“2023年12月1日”。",
)
def date_in_year(report, ctx):
    if report.date is None or report.year is None:
        return
    if report.date <= dt.date(report.year, 12, 31):
        yield date_in_year.finding(
            f"报告日期{report.date:%Y年%-m月%-d日}早于{report.year}年度结束，请核对日期或年度",
            expected=f">{report.year}-12-31", actual=report.date.isoformat(), at=report.date_at,
        )


@rule(
    "GK504", "no-date", "info",
    title="未写落款日期",
    what="报告末尾没有落款日期。",
    why="落款日期是判断是否按期公布的依据。",
    example="报告以“六、其他需要报告的事项 无。”结束，没有机关名称和日期。",
)
def no_date(report, ctx):
    if report.date is None and report.sections:
        yield no_date.finding("报告末尾没有落款日期（如“2024年1月15日”）", at=report.sections[-1].at)
