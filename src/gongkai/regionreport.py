"""The region's own annual report, as a Word draft for the office to finish (条例第四十九条: the disclosure office
of a 县级以上地方人民政府 publishes it by 3月31日).

The draft is the official layout (render/docx.py, as for any report) with tables 二 三 四 holding the region's
sums (gongkai.rollup, the reports a reviewer left out not counted) and each section prefilled with what the
office can state from them: how many agencies' reports were summed, the totals, the ratios. What only the office
knows — its work, its problems, the fee — is asked for in 【】 where it goes, so that nothing in the draft reads as
finished when it is not.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .compose import blank_report
from .model import Cell, Report
from .render import render
from .rollup import Rollup
from .totals import format_number

ASK = {
    1: "【请补充本地区主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障等方面的工作情况和主要做法。】",
    5: "【请填写本地区政府信息公开工作存在的主要问题、上年度问题的改进情况和下一步改进措施；"
       "并报告政务公开工作考核、社会评议和责任追究结果（条例第五十条）。】",
    6: "【请说明本级行政机关收取信息处理费的情况（未收取的写明未收取），以及需要报告的其他事项，"
       "如年度政务公开工作要点落实、人大代表建议和政协提案办理情况。】",
}


def place_name(region: str) -> str:
    """The place a region names last: 江西省/宜春市/奉新县 → 奉新县."""
    parts = [p for p in region.replace("／", "/").split("/") if p.strip()]
    return parts[-1].strip() if parts else region


def _n(v: Any) -> str:
    """A count as printed in the text: 1,234; a blank sum as 0 (no report filled it)."""
    v = v or 0
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.2f}".rstrip("0").rstrip(".")
    return f"{int(v):,}"


def _pct(v: float | None) -> str:
    return f"{v * 100:.1f}%" if v is not None else ""


def facts(ru: Rollup) -> dict[int, list[str]]:
    """What the office can state from the sums, by section number."""
    place = place_name(ru.region)
    summed = ru.included
    t = ru.totals
    apps = t.get("applications", {})
    review = t.get("review_litigation", {})
    ratio = ru.ratios
    out: dict[int, list[str]] = {n: [] for n in range(1, 7)}

    levels = Counter(ln.level or "其他" for ln in summed)
    by_level = "、".join(f"{lv}{n}个" for lv, n in sorted(levels.items(), key=lambda p: -p[1]))
    first = f"{ru.year}年，{place}纳入本报告统计的行政机关共{len(summed)}个" + (f"（{by_level}）" if by_level else "")
    if ru.listed and not ru.missing:
        first += f"，本地区{ru.known}个行政机关均已报送年度报告"
    elif ru.listed:
        first += f"；本地区{ru.known}个行政机关中，{len(ru.missing)}个未报送年度报告，其数据未计入本报告"
    out[1].append(first + "。")
    if ru.excluded:
        out[1].append("【注：" + "、".join(ln.name for ln in ru.excluded)
                      + "的年度报告因数据有误暂未计入本报告各表，定稿前请核实是否计入。】")
    if ru.with_open_errors:
        out[1].append("【注：计入本报告的" + "、".join(ln.name for ln in ru.with_open_errors)
                      + "的年度报告仍有未处理的数据错误，本报告合计数可能随其更正而变化，定稿前请核实。】")
    if ru.findings:
        out[1].append(f"【注：本报告各表合计数有{len(ru.findings)}处勾稽关系不成立，定稿前请核实。】")

    new, carried = _v(apps, "new_received"), _v(apps, "carried_over")
    done, forward = _v(apps, "total_processed"), _v(apps, "carried_forward")
    granted, partly = _v(apps, "granted"), _v(apps, "partially_granted")
    text = (f"依申请公开方面，全{place}共收到政府信息公开申请{_n((new or 0) + (carried or 0))}件，其中本年新收{_n(new)}件、"
            f"上年结转{_n(carried)}件；本年度办理完毕{_n(done)}件，其中予以公开{_n(granted)}件、部分公开{_n(partly)}件")
    share = ratio.get("granted_share")
    if share is not None:
        text += f"，公开率（予以公开与部分公开之和占办理总数的比例）为{_pct(share)}"
    out[1].append(text + f"；结转下年度继续办理{_n(forward)}件。")

    rv, rv_c = _cell(review, "review", "total"), _cell(review, "review", "corrected")
    lit = sum(_cell(review, g, "total") or 0 for g in ("litigation_direct", "litigation_after_review"))
    lit_c = sum(_cell(review, g, "corrected") or 0 for g in ("litigation_direct", "litigation_after_review"))
    text = f"全{place}因政府信息公开工作被申请行政复议{_n(rv)}件"
    if rv:
        text += f"，其中结果纠正{_n(rv_c)}件"
        rate = ratio.get("review_correction_rate")
        if rate is not None:
            text += f"，纠错率（结果纠正占已审结案件的比例）为{_pct(rate)}"
    text += f"；被提起行政诉讼{_n(lit)}件" + (f"，其中结果纠正{_n(lit_c)}件" if lit else "") + "。"
    out[1].append(text)

    active = _active_text(ru)
    if active:
        out[1].append(f"主动公开方面，全{place}{active}。")
    out[1].append(ASK[1])

    basis = f"本表数据为全{place}{len(summed)}个行政机关{ru.year}年度政府信息公开工作年度报告相应数据之和。"
    for n in (2, 3, 4):
        out[n].append(basis)
    out[5].append(ASK[5])
    out[6].append(ASK[6])
    return out


def _cell(table: dict, row: str, col: str) -> Any:
    return table.get(row, {}).get(col)


def _v(table: dict, row: str) -> Any:
    return _cell(table, row, "total")


def _active_text(ru: Rollup) -> str:
    """Table 二's sums in a clause: 制发规章1件、行政规范性文件12件，……作出行政许可决定…."""
    act = ru.totals.get("active", {})
    parts: list[str] = []
    docs = [(r.name, _cell(act, r.key, "issued"), _cell(act, r.key, "repealed"), _cell(act, r.key, "in_force"))
            for r in ru.edition.table("active").rows if r.key in ("regulations", "normative_documents")]
    if any(d[1] is not None for d in docs):
        parts.append("本年制发" + "、".join(f"{name}{_n(i)}件" for name, i, _, _ in docs)
                     + "，废止" + "、".join(f"{name}{_n(x)}件" for name, _, x, _ in docs)
                     + "，现行有效" + "、".join(f"{name}{_n(f)}件" for name, _, _, f in docs))
    decisions = [(name, _cell(act, key, "decisions")) for key, name in
                 (("licensing", "行政许可"), ("penalty", "行政处罚"), ("coercion", "行政强制"))]
    if any(v is not None for _, v in decisions):
        parts.append("作出" + "、".join(f"{name}决定{_n(v)}件" for name, v in decisions))
    fee = _cell(act, "fees", "amount")
    if fee is not None:
        parts.append(f"收取行政事业性收费{_n(fee)}万元")
    return "；".join(parts)


def draft_report(ru: Rollup, signer: str | None = None) -> Report:
    """The region's report: the official sections and tables, the sums in the tables, the facts in the text."""
    place = place_name(ru.region)
    report = blank_report(ru.edition, ru.year, place)
    for t, rows in ru.totals.items():
        for rk, cols in rows.items():
            for c, v in cols.items():
                report.tables[t][rk][c] = Cell(v, format_number(v) if v is not None else "", None)
    text = facts(ru)
    for s in report.sections:
        s.text = "\n".join(text.get(s.number, []))
    report.signer = signer or "【落款机关】"
    return report


def draft_docx(ru: Rollup, signer: str | None = None) -> bytes:
    """The draft as a Word document in the official layout."""
    return render(draft_report(ru, signer), "docx")
