"""Whether what was read is an annual report at all.

Any text gives a Report: a meeting note, a README or a budget report is read without a fault, with
nothing of the format in it. Every annual report, of either edition, prints the format's tables or its
sections (both, almost always): a file with neither is refused, whatever else it says about disclosure.

What counts, from the format (gongkai.formats):
- a table: rows of 表二, 表三 or 表四 found by their labels with numbers printed after them (a figure read
  for certain or not: a scan's doubtful digits and digits run together are still a table's numbers);
  labels named in a sentence ("行政许可、行政处罚等信息") have no numbers and count for nothing;
- a section: a heading that names one of the six official sections under that section's own number
  (一、总体情况 … 六、其他需要报告的事项; 七 for 其他 where 五 is split in two); sub-headings and the
  numbered points of a work plan name sections under other numbers and do not count;
- the title: 2023年…政府信息公开工作年度报告, under which one section or one row is enough (a draft with
  parts missing is still a report: the rules name what is missing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ReadError
from ..formats.labels import fold
from ..model import Cell, Report, Section
from .sections import role_of

MIN_ROWS = 3  # rows of the format's tables with numbers in them (table 四 alone gives three)
MIN_SECTIONS = 4  # official sections under their own numbers
# Under a title that names the report one section or one row is enough: a draft with its title and
# 一、总体情况 is a report with parts missing, which the rules then name.

REASON = "not-a-report"  # the failure's reason word (stable: the store and the web pages key on it)
ZH = "不是政府信息公开年度报告"

_REPORT_TITLE = re.compile(r"(?:信息|政务)公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)\s*[（(]?[^（）()]{0,12}[)）]?$")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
_NOT_A_TITLE = re.compile(r"[，。；,;]|要|请|发布|报送|印发|通知|转发|做好")  # (not 应: 应急管理局)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What of the format a report showed: rows with numbers, sections found, whether the title names it."""

    rows: int
    sections: tuple[int, ...]
    titled: bool

    @property
    def is_report(self) -> bool:
        return (self.rows >= MIN_ROWS or len(self.sections) >= MIN_SECTIONS
                or (self.titled and (self.rows > 0 or len(self.sections) > 0)))


def _has_figure(cell: Cell) -> bool:
    if cell.value is not None or cell.candidates or cell.doubt in ("ambiguous", "ocr", "identity"):
        return True
    raw = cell.raw
    return raw is not None and any(ch.isdigit() for ch in raw)


def _official(s: Section) -> int | None:
    """The official section a heading names under that section's own number (六 may be printed as 七)."""
    role = role_of(s.title, s.number)
    return role if role is not None and (role == s.number or (role == 6 and s.number == 7)) else None


def evidence(report: Report) -> Evidence:
    rows = 0
    for table, found in report.tables.items():
        for row, cells in found.items():
            if f"{table}.{row}" in report.row_at and any(_has_figure(c) for c in cells.values()):
                rows += 1
    sections = {role for s in report.sections if (role := _official(s)) is not None}
    title = (report.title or "").strip()
    # the report's own title, with its year; not a sentence or a notice about reports (各单位要于…发布…年度报告)
    titled = (0 < len(title) <= 80 and _YEAR.search(title) is not None and not _NOT_A_TITLE.search(title)
              and _REPORT_TITLE.search(fold(title)) is not None)
    return Evidence(rows, tuple(sorted(sections)), titled)


def is_report(report: Report) -> bool:
    # (most files are reports with tables: a few rows with numbers settle it, the rest is not looked at)
    rows = 0
    for table, found in report.tables.items():
        for row, cells in found.items():
            if f"{table}.{row}" in report.row_at and any(_has_figure(c) for c in cells.values()):
                rows += 1
                if rows >= MIN_ROWS:
                    return True
    return evidence(report).is_report


def a_report(report: Report) -> Report:
    """``report``, when it is one; ReadError (reason ``not-a-report``) when nothing of the format is in it."""
    if not is_report(report):
        raise not_a_report(report)
    return report


def not_a_report(report: Report) -> ReadError:
    """The reason a file that is no annual report is refused, quoting what little of the format it has."""
    ev = evidence(report)
    headings = [s.heading or s.title for s in report.sections if _official(s) is not None]
    if headings:
        shown = "、".join(f"“{h[:30]}”" for h in headings[:3])
        found = f"像年度报告部分标题的只有 {len(ev.sections)} 个（{shown}）"
    else:
        found = "也没有年度报告的部分标题（如“一、总体情况”“二、主动公开政府信息情况”）"
    zh = f"{ZH}：文中没有年度报告的表格（如“本年新收政府信息公开申请数量”一行），{found}，未作为报告收录"
    en = ("not an annual report on government information disclosure: none of the format's tables "
          f"and {len(ev.sections)} of its six section headings were found; not taken as a report")
    return ReadError(zh, en, reason=REASON)
