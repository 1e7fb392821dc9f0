"""The 审核意见书: for a report sent back, the open findings in words a clerk understands — which table, row
and column, what the report prints and what it should be, what the rule checks and why — with the office's
name and the date (Beijing); as a page and as a Word document (one agency, or every report returned in a
region and year in one file)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..checks import REGISTRY, SEVERITY_ZH
from ..formats import get_edition
from ..store import Store
from ..store.reviews import beijing
from . import cycle
from .views import edition_key, findings_view
from .zh import value_zh

HEADINGS = {"error": "需要改正的错误", "warning": "请核实的问题", "info": "供参考的提示"}
COUNTED = {"error": "错误", "warning": "需要核实的问题", "info": "提示"}


@dataclass(slots=True)
class Item:
    severity: str
    code: str
    places: list[str]
    message: str
    printed: str | None = None
    expected: str | None = None
    title: str = ""  # the rule's title
    why: str = ""  # why a reviewer cares
    comment: str | None = None  # the reviewer's word on this finding

    @property
    def severity_zh(self) -> str:
        return SEVERITY_ZH.get(self.severity, self.severity)


@dataclass(slots=True)
class Opinion:
    agency: str
    agency_id: int
    year: int
    report_id: int
    report_title: str
    version: int  # the how-many-th version of the year this is about
    state: str
    office: str
    date: dt.date
    opinion: str | None = None  # the reviewer's opinion given with the return
    reviewer: str | None = None
    submitted: dt.date | None = None
    due: dt.date | None = None
    items: list[Item] = field(default_factory=list)

    @property
    def state_zh(self) -> str:
        return cycle.STATE_ZH[self.state]

    @property
    def groups(self) -> list[tuple[str, str, list[Item]]]:
        """(severity, heading, items) for each severity that has items, errors first."""
        out = []
        for sev in ("error", "warning", "info"):
            items = [i for i in self.items if i.severity == sev]
            if items:
                out.append((sev, HEADINGS[sev], items))
        return out

    @property
    def heading(self) -> str:
        return f"关于{self.agency}{self.year}年政府信息公开工作年度报告的审核意见"

    @property
    def intro(self) -> str:
        sent = f"于{cycle.date_zh(self.submitted)}" if self.submitted else ""
        n = {s: sum(1 for i in self.items if i.severity == s) for s in ("error", "warning", "info")}
        found = "、".join(f"{COUNTED[s]} {k} 个" for s, k in n.items() if k) or "未发现需要修改的问题"
        when = f"于{cycle.date_zh(self.due)}前" if self.due is not None and self.due >= self.date else "尽快"
        return (f"你单位{sent}报送的《{self.report_title}》（第{self.version}稿，编号 #{self.report_id}）经审核，"
                f"发现{found}。请对照以下意见逐项核实、修改，{when}重新报送。")

    @property
    def date_zh(self) -> str:
        return cycle.date_zh(self.date)

    @property
    def filename(self) -> str:
        return f"{self.year}年度{self.agency}年报审核意见书.docx"


def items_of(store: Store, report_id: int) -> tuple[list[Item], Any]:
    """The open findings of a report as the opinion lists them (errors, then warnings, then infos)."""
    report = store.load_report(report_id)
    ed = edition_key(report)
    edition = get_edition(ed)
    out = []
    for f in findings_view(store, report_id, report, None):
        d = f.get("decision") or {}
        if d.get("decision") == "dismissed" and (d.get("comment") or "").strip():
            continue  # dismissed with a reason: not the agency's to correct
        refs = list(f.get("cells") or [])
        printed = value_zh(f.get("actual"), edition)
        if printed is None and len(refs) == 1 and refs[0].count(".") == 2:
            cell = report.cell(refs[0])
            if cell is not None and cell.raw is not None:
                printed = cell.raw.strip() or "空白"
        rule = REGISTRY.get(f["code"])
        out.append(Item(f["severity"], f["code"], [cycle.place_name(ed, r) for r in refs], f["message"], printed,
                        value_zh(f.get("expected"), edition), rule.title if rule else "", rule.why if rule else "",
                        (d.get("comment") or None) if d.get("decision") == "accepted" else None))
    order = {"error": 0, "warning": 1, "info": 2}
    out.sort(key=lambda i: order.get(i.severity, 9))
    return out, report


def build(store: Store, agency_id: int, year: int, on: dt.date | None = None) -> Opinion:
    """The opinion on an agency-year: on the version sent back when it was returned, else on the current
    one (a reviewer may look before returning it)."""
    st = cycle.status_of(store, agency_id, year)
    rid = st.moved_report_id if st.state == "returned" and st.moved_report_id else st.report_id
    if rid is None:
        raise cycle.CycleError(f"{st.agency}还没有{year}年度的报告。", status=404)
    items, report = items_of(store, rid)
    chain = [r.id for r in cycle.versions(store, agency_id, year)]
    submitted = None
    for h in cycle.history(store, agency_id, year):
        if h["to_state"] == "submitted" and h["report_id"] == rid:
            submitted = beijing(h["at"]).date()  # type: ignore[union-attr]
    returned = beijing(st.moved_at).date() if st.state == "returned" and st.moved_at else None  # type: ignore[union-attr]
    return Opinion(
        st.agency, agency_id, year, rid, report.title or f"{st.agency}{year}年政府信息公开工作年度报告",
        chain.index(rid) + 1 if rid in chain else 1, st.state, st.office, returned or on or cycle.today(),
        st.opinion if st.state == "returned" else None, st.moved_by if st.state == "returned" else None,
        submitted, st.due, items)


# ---------------------------------------------------------------------------------------------- Word

BODY_FONT, TITLE_FONT, HEAD_FONT = "仿宋_GB2312", "方正小标宋简体", "黑体"
BODY_SIZE, TITLE_SIZE = 14, 22  # 四号 body (the list is long), 二号 title


def _run(p, text: str, font: str = BODY_FONT, size: float = BODY_SIZE, bold: bool = False):
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:hAnsi"), "Times New Roman")
    return run


def _para(doc, text: str = "", *, font: str = BODY_FONT, size: float = BODY_SIZE, bold: bool = False,
          align=None, indent: bool = True, before: float = 0):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(size * 1.6)
    fmt.space_after = Pt(0)
    fmt.space_before = Pt(before)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    if text:
        _run(p, text, font, size, bold)
    return p


def _one(doc, op: Opinion) -> None:
    _para(doc, "审核意见书", font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, op.heading, font="楷体_GB2312", size=16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=6)
    _para(doc, f"{op.agency}：", indent=False, before=12)
    _para(doc, op.intro)
    if op.opinion:
        p = _para(doc)
        _run(p, "审核意见：", HEAD_FONT)
        _run(p, op.opinion)
    numbers = "一二三"
    k = 0
    for n, (_sev, heading, items) in enumerate(op.groups):
        _para(doc, f"{numbers[n]}、{heading}（{len(items)} 个）", font=HEAD_FONT, before=6)
        for item in items:
            k += 1
            p = _para(doc)
            _run(p, f"{k}．", bold=True)
            _run(p, "、".join(item.places) if item.places else item.title or item.code, bold=True)
            if item.printed is not None or item.expected is not None:
                said = []
                if item.printed is not None:
                    said.append(f"报告中为“{item.printed}”")
                if item.expected is not None:
                    said.append(f"{'应为' if item.printed is not None else '规定为'}“{item.expected}”")
                _run(p, "：" + "，".join(said) + "。")
            _para(doc, f"问题：{item.message}")
            if item.title or item.why:
                _para(doc, "说明：" + "。".join(t.rstrip("。") for t in (item.title, item.why) if t) + "。")
            if item.comment:
                _para(doc, f"审核人意见：{item.comment}")
    if not op.items:
        _para(doc, "经审核，未发现需要修改的问题。")
    _para(doc, "", before=12)
    for text in (op.office, op.date_zh):
        _para(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False).paragraph_format.right_indent = Pt(BODY_SIZE * 2)


def to_docx(opinions: list[Opinion]) -> bytes:
    """One Word document: each opinion starts on a new page."""
    doc = Document()
    s = doc.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    doc.core_properties.title = opinions[0].heading if len(opinions) == 1 else "政府信息公开工作年度报告审核意见书"
    doc.core_properties.author = opinions[0].office if opinions else ""
    for i, op in enumerate(opinions):
        if i:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _one(doc, op)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def returned(store: Store, user, year: int, region: str | None = None) -> list[Opinion]:
    """The opinions on every report the user sees returned for ``year`` (within ``region``)."""
    rows = cycle.board(store, user, year, region)["rows"]
    return [build(store, s.agency_id, year) for s in rows if s.state == "returned"]
