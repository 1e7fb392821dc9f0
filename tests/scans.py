"""Scanned copies of reports, made for the tests the way an office makes them.

A whole report in the official 2021 layout — title, the six sections, tables 二, 三 and 四 with their
merged header cells — is typeset as a PDF with a text layer (reportlab's platypus, CJK text drawn by
PDFium with the system's Noto CJK), with numbers chosen by hand (:class:`ScanSpec`). It is then
"printed and scanned": each page rendered in greyscale at 150 dpi with PDFium, turned by a degree or
two, given paper noise, and wrapped as a JPEG in a PDF with no text layer (Pillow).

The two PDFs say the same: what the text layer gives is what OCR should give. One cell can be printed
faint (the toner running out), so that OCR must say it is in doubt.

Nothing here is committed as a binary; every file is made on demand (a scan in about a second).
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium
from PIL import Image
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reportgen import ACTIVE_LAYOUT, APPLICATION_HEADER, APPLICATION_ROWS, HEADINGS

FONT = "STSong-Light"
DPI = 150

# Table 三 as chosen for these scans: every column adds up (一+二 = （七）+四, （七） = the sum of the
# results, each row's 总计 = the sum of its six columns); most numbers differ, so a cell read in the
# wrong place shows. Rows not listed are printed as 0.
APPLICATIONS: dict[str, list[int]] = {
    "new_received": [57, 8, 3, 2, 4, 1, 75],
    "carried_over": [6, 1, 0, 0, 0, 0, 7],
    "granted": [31, 4, 1, 1, 2, 0, 39],
    "partially_granted": [9, 2, 1, 0, 0, 0, 12],
    "withheld_state_secret": [1, 0, 0, 0, 0, 0, 1],
    "withheld_third_party": [2, 0, 0, 0, 0, 0, 2],
    "withheld_process": [1, 0, 0, 0, 0, 0, 1],
    "withheld_inquiry": [3, 0, 0, 0, 0, 0, 3],
    "unavailable_not_held": [6, 1, 1, 0, 1, 0, 9],
    "unavailable_needs_creation": [2, 0, 0, 0, 0, 0, 2],
    "unavailable_unclear": [1, 0, 0, 0, 0, 0, 1],
    "declined_petition": [1, 0, 0, 1, 0, 0, 2],
    "declined_duplicate": [1, 0, 0, 0, 0, 1, 2],
    "other_no_correction": [0, 1, 0, 0, 0, 0, 1],
    "total_processed": [58, 8, 3, 2, 3, 1, 75],
    "carried_forward": [5, 1, 0, 0, 1, 0, 7],
}
ACTIVE: dict[str, list[float]] = {
    "regulations": [2, 1, 9],
    "normative_documents": [13, 4, 57],
    "licensing": [386],
    "penalty": [1274],
    "coercion": [45],
    "fees": [6.8],
}
REVIEW: list[int] = [3, 1, 2, 1, 7, 2, 0, 1, 1, 4, 1, 1, 0, 0, 2]

BODY = {
    1: "2024年，本机关主动公开政府信息1375条，全年共收到政府信息公开申请75件，上年结转7件，"
       "办结75件，结转下年度继续办理7件，均在法定期限内予以答复。",
    2: "本机关通过门户网站等渠道主动公开政府信息，有关数据统计如下：",
    3: "本年度新收政府信息公开申请75件，办结75件。",
    4: "本年度发生政府信息公开行政复议7件、行政诉讼6件。",
    5: "政策解读形式较为单一。下一步将加强业务培训，提升公开质量。",
    6: "本年度未收取信息处理费。",
}


@dataclass(frozen=True)
class ScanSpec:
    """What the report says and how it is scanned."""

    agency: str = "某某县人民政府办公室"
    year: int = 2024
    applications: dict[str, list[int]] = field(default_factory=lambda: dict(APPLICATIONS))
    active: dict[str, list[float]] = field(default_factory=lambda: dict(ACTIVE))
    review: list[int] = field(default_factory=lambda: list(REVIEW))
    body: dict[int, str] = field(default_factory=lambda: dict(BODY))
    date: str = "2025年1月20日"
    faint: tuple[str, str, int] | None = None  # a cell printed faint: ("active" or "applications", row key, column from 0)
    turns: tuple[float, ...] = (-0.8, 1.5)  # degrees each page is turned (counter-clockwise); pages beyond: 0
    seed: int = 11


# --- the report as printed --------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = {"fontName": FONT, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle("title", fontSize=18, leading=26, alignment=TA_CENTER, **base),
        "heading": ParagraphStyle("heading", fontSize=12, leading=19, spaceBefore=3, **base),
        "body": ParagraphStyle("body", fontSize=12, leading=19, firstLineIndent=24, **base),
        "cell": ParagraphStyle("cell", fontSize=8, leading=10, alignment=TA_CENTER, **base),
        "right": ParagraphStyle("right", fontSize=12, leading=19, alignment=2, **base),
    }


def _grid(rows: list[list[object]], widths: list[float], spans: list[tuple[int, int, int, int]],
          faint: list[tuple[int, int]], size: float = 8) -> Table:
    """A ruled table; ``spans`` as (first column, first row, last column, last row)."""
    style = [("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), size),
             ("GRID", (0, 0), (-1, -1), 0.8, colors.black), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 3),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
    style += [("SPAN", (c0, r0), (c1, r1)) for c0, r0, c1, r1 in spans]
    style += [("TEXTCOLOR", (c, r), (c, r), colors.Color(0.86, 0.86, 0.86)) for c, r in faint]
    return Table(rows, colWidths=widths, style=TableStyle(style))


def _number(v: object) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def active_table(spec: ScanSpec, cell: ParagraphStyle) -> Table:
    """Table 二 (2021): each caption row merged across the table, each one-number row's number across
    the three number columns."""
    rows: list[list[object]] = []
    spans, faint = [], []
    for caption, columns, members in ACTIVE_LAYOUT["2021"]:
        spans.append((0, len(rows), 3, len(rows)))
        rows.append([caption, "", "", ""])
        if len(columns) == 1:
            spans.append((1, len(rows), 3, len(rows)))
        rows.append(["信息内容", *[Paragraph(c, cell) for c in columns], *[""] * (3 - len(columns))])
        for key, label in members:
            values = [_number(v) for v in spec.active[key]]
            if len(values) == 1:
                spans.append((1, len(rows), 3, len(rows)))
            for k in range(len(values)):
                if spec.faint == ("active", key, k):
                    faint.append((1 + k, len(rows)))
            rows.append([label, *values, *[""] * (3 - len(values))])
    return _grid(rows, [130, 110, 110, 110], spans, faint, size=9)


def applications_table(spec: ScanSpec, cell: ParagraphStyle) -> Table:
    """Table 三 (2021): the header's merged cells, 三、本年度办理结果 merged down the result rows, each
    group of results (（三）不予公开…) merged down its rows."""
    (note, applicants), (_, person, org, total), (*_, c1, c2, c3, c4, c5, _) = APPLICATION_HEADER
    p = lambda text: Paragraph(html.escape(text), cell)  # noqa: E731
    rows: list[list[object]] = [
        [p(note), "", "", p(applicants), *[""] * 6],
        ["", "", "", p(person), p(org), "", "", "", "", p(total)],
        ["", "", "", "", p(c1), p(c2), p(c3), p(c4), p(c5), ""],
    ]
    spans = [(0, 0, 2, 2), (3, 0, 9, 0), (3, 1, 3, 2), (4, 1, 8, 1), (9, 1, 9, 2)]
    faint = []
    first_result = group_start = None
    group = None
    for key, label, sub in APPLICATION_ROWS["2021"]:
        r = len(rows)
        values = [str(v) for v in spec.applications.get(key, [0] * 7)]
        for k in range(7):
            if spec.faint == ("applications", key, k):
                faint.append((3 + k, r))
        if sub is None:  # 一、二、四: the label across the three label columns
            spans.append((0, r, 2, r))
            rows.append([p(label), "", "", *values])
            continue
        if first_result is None:
            first_result = r
        if sub != group and group:
            spans.append((1, group_start, 1, r - 1))
        if sub == "":
            spans.append((1, r, 2, r))
            rows.append(["", p(label), "", *values])
        else:
            rows.append(["", p(sub) if sub != group else "", p(label), *values])
            if sub != group:
                group_start = r
        group = sub
        if key == "total_processed":
            spans.append((0, first_result, 0, r))
            rows[first_result][0] = p("三、本年度办理结果")
    return _grid(rows, [40, 54, 148] + [34] * 7, spans, faint)


def review_table(spec: ScanSpec, cell: ParagraphStyle) -> Table:
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    p = lambda text: Paragraph(text, cell)  # noqa: E731
    rows: list[list[object]] = [
        ["行政复议", *[""] * 4, "行政诉讼", *[""] * 9],
        [*[p(r) for r in results], "未经复议直接起诉", *[""] * 4, "复议后起诉", *[""] * 4],
        [*[""] * 5, *[p(r) for r in results], *[p(r) for r in results]],
        [str(v) for v in spec.review],
    ]
    spans = [(0, 0, 4, 0), (5, 0, 14, 0), (5, 1, 9, 1), (10, 1, 14, 1)] + [(k, 1, k, 2) for k in range(5)]
    return _grid(rows, [32] * 15, spans, [])


def printed(spec: ScanSpec | None = None) -> bytes:
    """The report as a PDF with a text layer."""
    spec = spec or ScanSpec()
    st = _styles()
    story: list[object] = [Paragraph(spec.agency, st["title"]),
                           Paragraph(f"{spec.year}年政府信息公开工作年度报告", st["title"]), Spacer(1, 8)]
    tables = {2: active_table, 3: applications_table, 4: review_table}
    for n in range(1, 7):
        story.append(Paragraph(HEADINGS[n], st["heading"]))
        if spec.body.get(n):
            story.append(Paragraph(spec.body[n], st["body"]))
        if n in tables:
            story += [Spacer(1, 3), tables[n](spec, st["cell"]), Spacer(1, 4)]
    story += [Spacer(1, 6), Paragraph(spec.agency, st["right"]), Paragraph(spec.date, st["right"])]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=56, rightMargin=56, topMargin=40, bottomMargin=36).build(story)
    return buf.getvalue()


# --- the scan ---------------------------------------------------------------------------------------


def scanned(pdf: bytes, turns: tuple[float, ...] = (), seed: int = 11, dpi: int = DPI) -> bytes:
    """The pages of ``pdf`` as a scan: each rendered in greyscale at ``dpi``, turned by its angle in
    ``turns`` (degrees, counter-clockwise; 0 for pages beyond), given paper noise, and saved as a JPEG
    image per page in a PDF with no text layer."""
    doc = pdfium.PdfDocument(pdf)
    rng = np.random.default_rng(seed)
    images = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            turn = turns[i] if i < len(turns) else 0.0
            if turn:
                img = img.rotate(turn, resample=Image.Resampling.BICUBIC, fillcolor=255)
            noisy = np.asarray(img, dtype=np.float64) * 0.96 + rng.normal(0, 4, (img.height, img.width))
            images.append(Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "L"))
    finally:
        doc.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:], quality=80)
    return out.getvalue()


def report_scan(spec: ScanSpec | None = None) -> bytes:
    """A scanned copy of the report ``spec`` describes."""
    spec = spec or ScanSpec()
    return scanned(printed(spec), spec.turns, spec.seed)


FAINT_CELL = ("active", "penalty", 0)  # 行政处罚's number (1274), printed so pale it is barely there


def faint_scan() -> tuple[str, bytes]:
    """A scanned report whose only doubtful cell is 行政处罚's number (printed faint; OCR reads it after
    stretching its contrast and says it is in doubt): the example that makes GK702 fire."""
    return "scan-faint-cell.pdf", report_scan(ScanSpec(faint=FAINT_CELL))
