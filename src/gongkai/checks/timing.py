"""GK5xx: what the law and the 2021 format require beyond the tables: the processing fee
statement, the report's date against the deadline of 第四十九条."""

from __future__ import annotations

import datetime as dt
import re

from ..extract.sections import section_role
from ..formats import EDITIONS
from .base import rule

_FEE = re.compile(r"信息处理费|处理费|收费")

# 第四十九条: departments of governments at county level and above by 1月31日, the disclosure
# office of a local government at county level and above by 3月31日. Townships follow local
# rules; 3月31日 is used as the outer bound for them.
DEADLINES = {"department": (1, 31), "government": (3, 31), "township": (3, 31)}
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


@rule(
    "GK502", "late-report", "warning",
    title="落款日期晚于法定公布期限",
    what="报告落款（或网页发布）日期晚于《政府信息公开条例》第四十九条规定的期限："
         "县级以上人民政府部门为次年1月31日，县级以上地方人民政府为次年3月31日；乡镇、街道按3月31日提示。",
    why="年度报告须按期向社会公布，逾期公布违反条例规定，也是考核的扣分项。",
    example="某县住建局2023年度报告落款为“2024年2月20日”。",
)
def late_report(report, ctx):
    if report.date is None or report.year is None:
        return
    level = agency_level(report.agency) or "department"
    month, day = DEADLINES[level]
    deadline = dt.date(report.year + 1, month, day)
    if report.date > deadline:
        who = {"department": "县级以上人民政府部门", "government": "县级以上地方人民政府", "township": "乡镇（街道）"}[level]
        yield late_report.finding(
            f"报告日期为{report.date:%Y年%-m月%-d日}，晚于{who}的公布期限{deadline:%Y年%-m月%-d日}",
            expected=deadline.isoformat(), actual=report.date.isoformat(), at=report.date_at,
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
