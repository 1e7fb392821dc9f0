"""The key figures and ratios reviewers read off a report, as data: what each is called in Chinese and
which cells make it. The roll-up (汇总) lists them per agency; the cross-year rule GK603 watches the
figures that have topic words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .common import TABLES

_T2, _T3, _T4 = (t.short for t in TABLES)

Number = int | float


@dataclass(frozen=True, slots=True)
class Figure:
    key: str
    name: str  # a column header: 本年新收申请
    cells: tuple[str, ...]  # "table.row.column", added up
    # the figure in a sentence, when the report's edition cannot name its cell (GK603)
    long: str = ""
    # words a sentence about this figure contains; a figure without them is not watched across years
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Ratio:
    key: str
    name: str  # in full: 行政复议纠错率
    short: str  # a column header: 复议纠错率
    how: str  # how it is computed, in words
    numerator: tuple[str, ...]  # cells added up
    denominator: tuple[str, ...]  # cells added up …
    less: tuple[str, ...] = ()  # … less these (a blank one counts as 0)

    def of(self, value: Callable[[str], Number | None]) -> float | None:
        """The ratio from the cells' values; None when a part is missing or the denominator is 0."""
        top = _sum(value, self.numerator)
        bottom = _sum(value, self.denominator)
        if top is None or bottom is None:
            return None
        bottom -= sum(value(r) or 0 for r in self.less)
        return top / bottom if bottom else None


def _sum(value: Callable[[str], Number | None], refs: tuple[str, ...]) -> Number | None:
    vals = [v for v in map(value, refs) if v is not None]
    return sum(vals) if vals else None


_LITIGATION = ("review_litigation.litigation_direct", "review_litigation.litigation_after_review")

FIGURES: tuple[Figure, ...] = (
    Figure("new_received", "本年新收申请", ("applications.new_received.total",),
           f"{_T3}「一、本年新收政府信息公开申请数量」总计", ("申请",)),
    Figure("carried_over", "上年结转", ("applications.carried_over.total",)),
    Figure("granted", "予以公开", ("applications.granted.total",)),
    Figure("partially_granted", "部分公开", ("applications.partially_granted.total",)),
    Figure("total_processed", "办理结果总计", ("applications.total_processed.total",),
           f"{_T3}「（七）总计」总计（本年办理结果）", ("申请", "办理", "办结")),
    Figure("carried_forward", "结转下年度", ("applications.carried_forward.total",)),
    Figure("review", "行政复议", ("review_litigation.review.total",), f"{_T4}行政复议总计", ("复议",)),
    Figure("review_corrected", "复议纠正", ("review_litigation.review.corrected",)),
    Figure("litigation", "行政诉讼", tuple(f"{g}.total" for g in _LITIGATION),
           f"{_T4}行政诉讼总计（未经复议直接起诉与复议后起诉之和）", ("诉讼",)),
    Figure("litigation_corrected", "诉讼纠正", tuple(f"{g}.corrected" for g in _LITIGATION)),
    Figure("licensing", "行政许可决定", ("active.licensing.decisions",), f"{_T2}「行政许可」处理决定数量", ("许可",)),
    Figure("penalty", "行政处罚决定", ("active.penalty.decisions",), f"{_T2}「行政处罚」处理决定数量", ("处罚",)),
    Figure("coercion", "行政强制决定", ("active.coercion.decisions",), f"{_T2}「行政强制」处理决定数量", ("强制",)),
)

# the figures whose jump from one year to the next a reviewer asks about (GK603)
WATCHED: tuple[Figure, ...] = tuple(f for f in FIGURES if f.topics)


def _correction(key: str, group: str, name: str, short: str, how: str) -> Ratio:
    g = f"review_litigation.{group}"
    return Ratio(key, name, short, how, (f"{g}.corrected",), (f"{g}.total",), (f"{g}.pending",))


RATIOS: tuple[Ratio, ...] = (
    Ratio("granted_share", "公开率（予以公开+部分公开）/办理总计", "公开率",
          "（（一）予以公开 + （二）部分公开）÷ （七）总计",
          ("applications.granted.total", "applications.partially_granted.total"),
          ("applications.total_processed.total",)),
    _correction("review_correction_rate", "review", "行政复议纠错率", "复议纠错率",
                "行政复议结果纠正 ÷ （行政复议总计 − 尚未审结）"),
    _correction("litigation_direct_correction_rate", "litigation_direct", "行政诉讼（未经复议直接起诉）纠错率",
                "诉讼纠错率（直接起诉）", "结果纠正 ÷ （总计 − 尚未审结）"),
    _correction("litigation_after_review_correction_rate", "litigation_after_review", "行政诉讼（复议后起诉）纠错率",
                "诉讼纠错率（复议后起诉）", "结果纠正 ÷ （总计 − 尚未审结）"),
)
