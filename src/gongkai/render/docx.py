"""Word (.docx): an official-looking report (GB/T 9704-2012 conventions for 党政机关公文).

* A4, margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right; 22 lines to the page
  (fixed line spacing 28.9 pt);
* title in 方正小标宋简体 二号 (22 pt), centred, an empty line below it;
* headings 一、… in 黑体 三号, body in 仿宋_GB2312 三号 (16 pt) with a first-line indent of two
  characters; digits and Latin letters in Times New Roman;
* the tables in the official layout (formats/layout.py) with every border, 宋体 五号 (表二) or
  小五 (表三、表四); table 三's three header rows repeat on a new page;
* the page number in the footer, "— 1 —", 宋体 四号;
* the signing agency and the date at the end, right-aligned as GB/T 9704 places them when
  there is no seal: the agency two characters from the right margin, the date below it
  starting two characters further right.

Fonts missing on a machine fall back through the font table (``w:altName``: 宋体/SimSun,
仿宋/FangSong, SimHei). python-docx builds the document; tables, fields and the font table are
written as XML directly.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from lxml import etree

from ..formats.layout import Grid, grid
from . import Prepared

# --------------------------------------------------------------------------------- the page

PAGE_W, PAGE_H = 210, 297  # mm
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 37, 35, 28, 26
TEXT_WIDTH = round((PAGE_W - MARGIN_LEFT - MARGIN_RIGHT) / 25.4 * 1440)  # twips
LINE = Pt(28.9)  # 22 lines in the 225 mm text block
SPACE_AFTER_TABLE = Pt(10)

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"

ER_HAO, SAN_HAO, SI_HAO, WU_HAO, XIAO_WU = 22, 16, 14, 10.5, 9  # 字号 in points
TABLE_SIZE = {"active": WU_HAO, "applications": XIAO_WU, "review_litigation": XIAO_WU}
CAPTION_FILL = "C6D9F1"
ROW_HEIGHT = {"active": 340, "applications": 340, "review_litigation": 454}  # twips, as the template  # twips, at least
CELL_MARGIN = {"active": 57, "applications": 28, "review_litigation": 28}  # twips, left and right  # the official template shades the 第二十条第（…）项 rows

# name, alternative names, GB2312 charset 86, family
FONTS = (
    (TITLE_FONT, "宋体", "roman"),
    (BODY_FONT, "仿宋", "modern"),
    ("仿宋", "FangSong", "modern"),
    (HEADING_FONT, "SimHei", "modern"),
    (TABLE_FONT, "SimSun", "auto"),
    (LATIN_FONT, None, "roman"),
)

STYLE_TITLE, STYLE_HEADING, STYLE_BODY, STYLE_TABLE, STYLE_SIGNATURE, STYLE_FOOTER = (
    "报告标题", "报告一级标题", "报告正文", "报告表格", "报告落款", "报告页码")
# ASCII style ids (what paragraphs refer to); the names above are what Word shows
STYLE_IDS = {STYLE_TITLE: "GKTitle", STYLE_HEADING: "GKHeading1", STYLE_BODY: "GKBody", STYLE_TABLE: "GKTable",
             STYLE_SIGNATURE: "GKSignature", STYLE_FOOTER: "GKPageNumber"}


def render(p: Prepared) -> bytes:
    doc = Document()
    _page(doc)
    _styles(doc)
    _font_table(doc)
    _footer(doc)
    _properties(doc, p)
    body = doc.element.body
    _title(doc, p.title)
    after_table = False
    last = None
    for part in p.parts:
        last = heading = doc.add_paragraph(part.heading, style=STYLE_HEADING)
        if after_table:
            heading.paragraph_format.space_before = SPACE_AFTER_TABLE
        after_table = False
        if part.table:
            _keep_next(heading)
            body.insert(len(body) - 1, _table(p, grid(p.edition.key, part.table)))
            after_table = True
        for text in part.paragraphs:
            last = doc.add_paragraph(text, style=STYLE_BODY)
            if after_table:
                last.paragraph_format.space_before = SPACE_AFTER_TABLE
                after_table = False
    if last is not None and (p.signer or p.date_text):
        _keep_next(last)  # the signature never stands alone on a page
    _signature(doc, p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------- document set-up


def _page(doc) -> None:
    s = doc.sections[0]
    s.page_width, s.page_height = Mm(PAGE_W), Mm(PAGE_H)
    s.top_margin, s.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
    s.left_margin, s.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
    s.header_distance, s.footer_distance = Mm(15), Mm(26)
    grid_el = s._sectPr.find(qn("w:docGrid"))
    if grid_el is not None:  # no snapping to a grid: the fixed line spacing sets the pitch
        grid_el.set(qn("w:linePitch"), str(int(LINE.pt * 20)))


def _fonts(rpr, east_asia: str, latin: str | None = None) -> None:
    rfonts = rpr.get_or_add_rFonts()  # in its place among the run properties
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    latin = latin or east_asia
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:hint"), "eastAsia")


def _paragraph_style(doc, name: str, *, font: str, latin: str | None, size: float, align, indent_chars: int = 0,
                     exact: Pt | None = LINE, outline: int | None = None, bold: bool = False):
    st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.element.styleId = STYLE_IDS[name]
    st.base_style = doc.styles["Normal"]
    st.quick_style = True
    f = st.font
    f.size = Pt(size)
    f.bold = bold
    _fonts(st.element.get_or_add_rPr(), font, latin)
    pf = st.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    if exact is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = exact
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.first_line_indent = Pt(size * indent_chars) if indent_chars else Pt(0)
    pf.widow_control = True
    ind = st.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(indent_chars * 100))
    if outline is not None:
        ppr = st.element.get_or_add_pPr()
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        ppr.insert_element_before(lvl, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
    return st


def _styles(doc) -> None:
    root = doc.styles.element
    defaults = root.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, BODY_FONT, LATIN_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    if spacing is not None:
        ppr.remove(spacing)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(SAN_HAO)
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT, LATIN_FONT)
    normal.paragraph_format.space_after = Pt(0)

    _paragraph_style(doc, STYLE_TITLE, font=TITLE_FONT, latin=TITLE_FONT, size=ER_HAO,
                     align=WD_ALIGN_PARAGRAPH.CENTER, exact=Pt(36), outline=0)
    _paragraph_style(doc, STYLE_HEADING, font=HEADING_FONT, latin=HEADING_FONT, size=SAN_HAO,
                     align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2, outline=1)
    _paragraph_style(doc, STYLE_BODY, font=BODY_FONT, latin=LATIN_FONT, size=SAN_HAO,
                     align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2)
    _paragraph_style(doc, STYLE_TABLE, font=TABLE_FONT, latin=LATIN_FONT, size=WU_HAO,
                     align=WD_ALIGN_PARAGRAPH.CENTER, exact=None)
    _paragraph_style(doc, STYLE_SIGNATURE, font=BODY_FONT, latin=LATIN_FONT, size=SAN_HAO,
                     align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph_style(doc, STYLE_FOOTER, font=TABLE_FONT, latin=TABLE_FONT, size=SI_HAO,
                     align=WD_ALIGN_PARAGRAPH.CENTER, exact=None)
    doc.styles[STYLE_TITLE].paragraph_format.space_after = LINE  # 标题下空一行
    doc.styles[STYLE_HEADING].paragraph_format.keep_with_next = True


def _font_table(doc) -> None:
    """The document's font table, with the fallbacks Word and LibreOffice use when a font is missing."""
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    root: etree._Element = parse_xml(f'<w:fonts {nsdecls("w")}/>')
    for name, alt, family in FONTS:
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        if alt:
            el = OxmlElement("w:altName")
            el.set(qn("w:val"), alt)
            font.append(el)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "00" if name == LATIN_FONT else "86")
        font.append(charset)
        fam = OxmlElement("w:family")
        fam.set(qn("w:val"), family)
        font.append(fam)
        pitch = OxmlElement("w:pitch")
        pitch.set(qn("w:val"), "variable")
        font.append(pitch)
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _field(paragraph, instruction: str, shown: str) -> None:
    """A field (PAGE) as Word writes it: begin, instruction, separate, the shown result, end."""
    def run_with(child):
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    t = OxmlElement("w:t")
    t.text = shown
    run_with(t)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _footer(doc) -> None:
    footer = doc.sections[0].footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.style = doc.styles[STYLE_FOOTER]
    p.add_run("— ")
    _field(p, "PAGE", "1")
    p.add_run(" —")


def _properties(doc, p: Prepared) -> None:
    package = doc.part.package
    for rid, rel in list(package.rels.items()):  # python-docx's template carries a generic thumbnail
        if rel.reltype.endswith("/thumbnail"):
            del package.rels[rid]
    cp = doc.core_properties
    cp.title = p.title[:255]  # (a document property holds at most 255 characters)
    cp.author = (p.signer or "")[:255]
    cp.last_modified_by = "gongkai"
    cp.subject = "政府信息公开工作年度报告"
    cp.keywords = f"政府信息公开;年度报告;{p.report.year or ''}"[:255]
    cp.comments = f"gongkai 生成，{p.edition.name}（{p.edition.document}）"
    cp.category = "政府信息公开工作年度报告"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    cp.created = now
    cp.modified = now
    cp.revision = 1
    cp.language = "zh-CN"


TITLE_SUFFIX = "政府信息公开工作年度报告"
TITLE_LINE = int((PAGE_W - MARGIN_LEFT - MARGIN_RIGHT) / (ER_HAO * 25.4 / 72))  # characters on a title line


def _title(doc, title: str) -> None:
    """The title, broken where the words allow (GB/T 9704: 回行时词意完整): a title too long for
    one line goes on two, the agency on the first and 政府信息公开工作年度报告 on the second."""
    para = doc.add_paragraph(style=STYLE_TITLE)
    head = title[: -len(TITLE_SUFFIX)] if title.endswith(TITLE_SUFFIX) else ""
    if head and _width(title) > TITLE_LINE and _width(head) <= TITLE_LINE:
        para.add_run(head)
        para.add_run().add_break()
        para.add_run(TITLE_SUFFIX)
    else:
        para.add_run(title)


def _keep_next(paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


# --------------------------------------------------------------------------------- the signature


def _width(text: str) -> float:
    """Printed width in characters: a CJK character is one, a digit or Latin letter half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5 for ch in text)


def _signature(doc, p: Prepared) -> None:
    date = p.date_text
    signer = p.signer
    if not signer and not date:
        return
    size = SAN_HAO
    blank = doc.add_paragraph("", style=STYLE_BODY)
    blank.paragraph_format.first_line_indent = Pt(0)
    _keep_next(blank)
    # GB/T 9704-2012 7.3.5.2 (no seal): the agency two characters from the right margin, the date
    # one line below starting two characters to the right of the agency's first character; a
    # date longer than that keeps two characters from the margin and pushes the agency left
    right_agency, right_date = 2.0, 2.0
    if signer and date:
        right_date = _width(signer) - _width(date)
        if right_date < 2:
            right_date = 2.0
            right_agency = 4 + _width(date) - _width(signer)
    if signer:
        para = doc.add_paragraph(signer, style=STYLE_SIGNATURE)
        para.paragraph_format.right_indent = Pt(size * right_agency)
        _keep_next(para)
    if date:
        para = doc.add_paragraph(date, style=STYLE_SIGNATURE)
        para.paragraph_format.right_indent = Pt(size * right_date)


# --------------------------------------------------------------------------------- tables


def _el(tag: str, **attrs) -> etree._Element:
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), str(v))
    return el


def _borders(tag: str, size: int = 4) -> etree._Element:
    box = OxmlElement(tag)
    sides = ("top", "left", "bottom", "right") + (("insideH", "insideV") if tag == "w:tblBorders" else ())
    for side in sides:
        box.append(_el(f"w:{side}", val="single", sz=size, space=0, color="000000"))
    return box


def _widths(g: Grid) -> list[int]:
    total = sum(g.widths)
    out = [int(TEXT_WIDTH * w / total) for w in g.widths]
    out[-1] += TEXT_WIDTH - sum(out)
    return out


def _table(p: Prepared, g: Grid):
    size = TABLE_SIZE.get(g.table, WU_HAO)
    widths = _widths(g)
    tbl = OxmlElement("w:tbl")
    pr = OxmlElement("w:tblPr")
    pr.append(_el("w:tblW", w=TEXT_WIDTH, type="dxa"))
    pr.append(_el("w:jc", val="center"))
    pr.append(_borders("w:tblBorders"))
    pr.append(_el("w:tblLayout", type="fixed"))
    mar = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        mar.append(_el(f"w:{side}", w=0 if side in ("top", "bottom") else CELL_MARGIN[g.table], type="dxa"))
    pr.append(mar)
    pr.append(_el("w:tblLook", val="0000", firstRow=0, lastRow=0, firstColumn=0, lastColumn=0, noHBand=1, noVBand=1))
    tbl.append(pr)
    grid_el = OxmlElement("w:tblGrid")
    for w in widths:
        grid_el.append(_el("w:gridCol", w=w))
    tbl.append(grid_el)
    covering = g.covering()
    repeat = g.head_rows if g.table != "active" else 0
    for r in range(g.nrows):
        tr = OxmlElement("w:tr")
        trpr = OxmlElement("w:trPr")
        trpr.append(OxmlElement("w:cantSplit"))
        trpr.append(_el("w:trHeight", val=ROW_HEIGHT[g.table], hRule="atLeast"))
        if r < repeat:
            trpr.append(OxmlElement("w:tblHeader"))
        tr.append(trpr)
        c = 0
        while c < g.ncols:
            cell = covering[(r, c)]
            tr.append(_tc(p, cell, r, widths, size, g.table))
            c += cell.colspan
        tbl.append(tr)
    return tbl


def _tc(p: Prepared, cell, r: int, widths: list[int], size: float, g_table: str):
    tc = OxmlElement("w:tc")
    pr = OxmlElement("w:tcPr")
    pr.append(_el("w:tcW", w=sum(widths[cell.col: cell.col + cell.colspan]), type="dxa"))
    if cell.colspan > 1:
        pr.append(_el("w:gridSpan", val=cell.colspan))
    if cell.rowspan > 1:
        pr.append(_el("w:vMerge", val="restart") if r == cell.row else OxmlElement("w:vMerge"))
    if cell.kind == "caption":
        pr.append(_el("w:shd", val="clear", color="auto", fill=CAPTION_FILL))
    pr.append(_el("w:vAlign", val="center"))
    tc.append(pr)
    para = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    ppr.append(_el("w:pStyle", val=STYLE_IDS[STYLE_TABLE]))
    # as in the official template: captions and 表三's row labels flush left, the rest centred
    align = "left" if cell.kind == "caption" or (cell.kind == "label" and g_table != "active") else "center"
    ppr.append(_el("w:jc", val=align))
    para.append(ppr)
    text = (p.text(cell.ref) if cell.ref else cell.text) if r == cell.row else ""
    if text:
        run = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        sz = round(size * 2)
        rpr.append(_el("w:sz", val=sz))
        rpr.append(_el("w:szCs", val=sz))
        run.append(rpr)
        t = OxmlElement("w:t")
        t.text = text
        t.set(qn("xml:space"), "preserve")
        run.append(t)
        para.append(run)
    tc.append(para)
    return tc
