"""The written documents against the official layout and the typesetting conventions.

The three tables of a generated Word document (and of the HTML page) have exactly the merged
cells and labels of the official 2021 Word template (/work/shared/reference/
official-2021-template.docx, or tests' shared/ directory): same grid, same spans, same text.
The Word document follows GB/T 9704 (A4, margins, fonts, sizes, fixed line spacing, page number
field, signature); the HTML page is self-contained and escapes everything.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from lxml import etree
from lxml import html as lxml_html

from gongkai.compose import blank_report, compose
from gongkai.formats import get_edition
from gongkai.formats.common import SECTIONS
from gongkai.formats.layout import grid
from gongkai.forms import from_mapping
from gongkai.model import Cell
from gongkai.render import prepare, render

from conftest import SHARED

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEMPLATE = SHARED / "reference" / "official-2021-template.docx"


def docx_tables(data: bytes) -> list[set[tuple]]:
    """Each table of a Word document as a set of (row, col, rowspan, colspan, text) for every cell
    that starts a merge or stands alone (text with blanks removed)."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    out = []
    for tbl in root.iter(W + "tbl"):
        origins: dict[tuple[int, int], list] = {}
        for r, tr in enumerate(tbl.findall(W + "tr")):
            col = 0
            for tc in tr.findall(W + "tc"):
                pr = tc.find(W + "tcPr")
                span = pr.find(W + "gridSpan") if pr is not None else None
                vm = pr.find(W + "vMerge") if pr is not None else None
                colspan = int(span.get(W + "val")) if span is not None else 1
                text = re.sub(r"\s+", "", "".join(tc.itertext()))
                if vm is not None and vm.get(W + "val") in (None, "continue"):
                    # continues the cell above in the same column
                    above = next(k for k in sorted(origins, reverse=True) if k[1] == col and k[0] < r)
                    origins[above][2] += 1
                else:
                    origins[(r, col)] = [r, col, 1, colspan, text]
                col += colspan
        out.append({tuple(v) for v in origins.values()})
    return out


def html_tables(data: bytes) -> list[set[tuple]]:
    doc = lxml_html.fromstring(data)
    out = []
    for table in doc.iter("table"):
        taken: set[tuple[int, int]] = set()
        cells = set()
        for r, tr in enumerate(table.iter("tr")):
            col = 0
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while (r, col) in taken:
                    col += 1
                rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                for i in range(r, r + rs):
                    for k in range(col, col + cs):
                        taken.add((i, k))
                cells.add((r, col, rs, cs, re.sub(r"\s+", "", td.text_content())))
                col += cs
        out.append(cells)
    return out


def grid_cells(edition: str, table: str) -> set[tuple]:
    return {(c.row, c.col, c.rowspan, c.colspan, c.text) for c in grid(edition, table).cells}


@pytest.fixture(scope="module")
def official() -> list[set[tuple]]:
    if not TEMPLATE.exists():
        pytest.skip(f"official template not present: {TEMPLATE}")
    return docx_tables(TEMPLATE.read_bytes())


def test_layout_is_the_official_template(official):
    assert len(official) == 3
    for i, key in enumerate(("active", "applications", "review_litigation")):
        assert grid_cells("2021", key) == official[i], key


@pytest.fixture(scope="module")
def blank_docx() -> bytes:
    return render(blank_report(get_edition("2021"), 2023, "幸福乡人民政府"), "docx")


def test_word_tables_are_the_official_template(official, blank_docx):
    """The Word document's merged cells (gridSpan, vMerge) and labels, cell by cell."""
    assert docx_tables(blank_docx) == official


def test_html_tables_are_the_official_template(official):
    page = render(blank_report(get_edition("2021"), 2023, "幸福乡人民政府"), "html")
    assert html_tables(page) == official


def test_2019_layout_has_the_2019_labels():
    cells = grid_cells("2019", "active")
    texts = {c[4] for c in cells}
    assert {"第二十条第（九）项", "政府集中采购", "采购总金额", "本年增/减", "其他对外管理服务事项"} <= texts
    rows = {c[4]: c for c in grid_cells("2019", "applications")}
    assert rows["（六）其他处理"][3] == 2  # one row, spanning the two label columns
    assert grid_cells("2019", "review_litigation") == grid_cells("2021", "review_litigation")


# ------------------------------------------------------------------------------------ Word conventions


def _xml(data: bytes, part: str) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(part))


def _style(styles, name: str):
    for st in styles.iter(W + "style"):
        n = st.find(W + "name")
        if n is not None and n.get(W + "val") == name:
            return st
    raise AssertionError(f"style {name} missing")


def _val(el, path: str, attr: str = "val"):
    found = el.find(path)
    return None if found is None else found.get(W + attr)


def test_word_page_fonts_and_spacing(blank_docx):
    doc = _xml(blank_docx, "word/document.xml")
    sect = doc.find(f"{W}body/{W}sectPr")
    pg, mar = sect.find(W + "pgSz"), sect.find(W + "pgMar")
    mm = lambda twips: round(int(twips) / 1440 * 25.4)  # noqa: E731
    assert (mm(pg.get(W + "w")), mm(pg.get(W + "h"))) == (210, 297)
    assert [mm(mar.get(W + k)) for k in ("top", "bottom", "left", "right")] == [37, 35, 28, 26]
    styles = _xml(blank_docx, "word/styles.xml")
    title, heading, body, table = (_style(styles, n) for n in ("报告标题", "报告一级标题", "报告正文", "报告表格"))
    assert _val(title, f"{W}rPr/{W}rFonts", "eastAsia") == "方正小标宋简体"
    assert _val(title, f"{W}rPr/{W}sz") == "44"  # 二号
    assert _val(title, f"{W}pPr/{W}jc") == "center"
    assert _val(heading, f"{W}rPr/{W}rFonts", "eastAsia") == "黑体"
    assert _val(heading, f"{W}rPr/{W}sz") == "32"  # 三号
    assert _val(body, f"{W}rPr/{W}rFonts", "eastAsia") == "仿宋_GB2312"
    assert _val(body, f"{W}rPr/{W}sz") == "32"
    assert _val(body, f"{W}pPr/{W}ind", "firstLineChars") == "200"
    assert _val(body, f"{W}pPr/{W}ind", "firstLine") == "640"  # two characters of 16 pt
    assert _val(body, f"{W}pPr/{W}spacing", "lineRule") == "exact"
    assert 28 * 20 <= int(_val(body, f"{W}pPr/{W}spacing", "line")) <= 29 * 20
    assert _val(table, f"{W}rPr/{W}rFonts", "eastAsia") == "宋体"
    fonts = _xml(blank_docx, "word/fontTable.xml")
    alt = {f.get(W + "name"): _val(f, W + "altName") for f in fonts.iter(W + "font")}
    assert alt["方正小标宋简体"] == "宋体" and alt["仿宋_GB2312"] == "仿宋" and alt["黑体"] == "SimHei"


def test_word_table_cells_are_small_and_bordered(blank_docx):
    doc = _xml(blank_docx, "word/document.xml")
    for tbl in doc.iter(W + "tbl"):
        borders = tbl.find(f"{W}tblPr/{W}tblBorders")
        assert {b.tag[len(W):]: b.get(W + "val") for b in borders} == dict.fromkeys(
            ("top", "left", "bottom", "right", "insideH", "insideV"), "single")
    sizes = {int(s.get(W + "val")) for tbl in doc.iter(W + "tbl") for s in tbl.iter(W + "sz")}
    assert sizes <= {18, 21}  # 小五, 五号


def test_word_footer_has_page_field_and_text_order():
    report = compose(2023, "集义庄乡人民政府", data=from_mapping({
        "date": "2024-01-15",
        "sections": [{"number": s.number, "text": f"第{s.number}部分的文字。"} for s in SECTIONS]})).report
    data = render(report, "docx")
    z = zipfile.ZipFile(io.BytesIO(data))
    footer = next(n for n in z.namelist() if n.startswith("word/footer"))
    xml = z.read(footer).decode("utf-8")
    assert "PAGE" in xml and "— " in xml and " —" in xml and 'fldCharType="begin"' in xml
    doc = _xml(data, "word/document.xml")
    paras = [("".join(p.itertext()), _val(p, f"{W}pPr/{W}pStyle")) for p in doc.find(W + "body")
             if p.tag == W + "p"]
    texts = [t for t, _ in paras if t]
    assert texts[0] == "2023年集义庄乡人民政府政府信息公开工作年度报告"
    headings = [t for t, s in paras if s == "GKHeading1"]
    assert headings == [f"{'一二三四五六'[i]}、{s.title}" for i, s in enumerate(SECTIONS)]
    assert texts[-2:] == ["集义庄乡人民政府", "2024年1月15日"]
    signature = [p for p in doc.find(W + "body") if p.tag == W + "p"][-2:]
    assert all(_val(p, f"{W}pPr/{W}pStyle") == "GKSignature" for p in signature)
    styles = _xml(data, "word/styles.xml")
    assert _val(_style(styles, "报告落款"), f"{W}pPr/{W}jc") == "right"


def test_word_document_is_valid_for_python_docx(blank_docx):
    import docx

    d = docx.Document(io.BytesIO(blank_docx))
    assert len(d.tables) == 3
    assert d.core_properties.title == "2023年幸福乡人民政府政府信息公开工作年度报告"


# ------------------------------------------------------------------------------------ HTML


def _hostile_report():
    report = compose(2023, "幸福乡人民政府", data=from_mapping({
        "date": "2024-01-15",
        "sections": [{"number": s.number, "text": f"<script>alert('{s.number}')</script> & “引号” <b>粗</b>"}
                     for s in SECTIONS]})).report
    report.tables["active"]["fees"]["amount"] = Cell(None, "<img src=x onerror=alert(1)>", None)
    return report


def test_html_is_self_contained_semantic_and_escaped():
    page = render(_hostile_report(), "html").decode("utf-8")
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and "&amp;" in page
    doc = lxml_html.fromstring(page.encode("utf-8"))
    for el in doc.iter():  # nothing loaded from elsewhere, no script
        assert el.tag not in ("script", "link", "style", "img", "iframe", "object"), el.tag
        assert not (set(el.attrib) & {"src", "href", "srcset", "data", "action"}), el.attrib
        assert "url(" not in el.get("style", "") and "@import" not in el.get("style", "")
    tables = list(doc.iter("table"))
    assert len(tables) == 3
    for t in tables:
        assert t.find("caption") is not None and t.find("thead") is not None and t.find("tbody") is not None
    assert [t.find("caption").text_content() for t in tables] == [
        "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]
    assert doc.find(".//h1").text_content() == "2023年幸福乡人民政府政府信息公开工作年度报告"
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page


def test_markdown_tables_are_rectangular_pipe_tables():
    text = render(_hostile_report(), "md").decode("utf-8")
    lines = text.split("\n")
    tables, current = [], []
    for line in lines + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    assert len(tables) == 3
    for t in tables:
        widths = {len(re.split(r"(?<!\\)\|", row)) for row in t}
        assert len(widths) == 1
        assert re.fullmatch(r"\|( --- \|)+", t[1])
    assert lines[1].startswith("===") and "一、总体情况" in lines


def test_a_signature_typed_in_the_data_is_taken_out_and_kept_as_the_signer():
    report = compose(2023, "繁峙县集义庄乡人民政府", data=from_mapping({"sections": [
        {"number": 6, "text": "无。\n集义庄乡人民政府\n2024年1月15日"}]})).report
    p = prepare(report)
    assert p.parts[-1].paragraphs == ["无。"]
    assert p.signer == "集义庄乡人民政府"
    assert p.report.date == dt.date(2024, 1, 15)


def test_a_pdf_report_is_rendered_with_whole_paragraphs():
    from gongkai.api import read, read_data

    from conftest import corpus_file

    original = read(corpus_file("huaian-city-2024.pdf"))
    first = prepare(original).parts[0].paragraphs
    assert len(first) == 6
    assert first[1].startswith("（一）主动公开情况") and first[1].endswith("回应舆论关切。")
    assert first[2].startswith("（二）依申请公开情况") and first[2].endswith("尚未审结7件。")
    back = read_data(render(original, "docx"), "clean.docx")
    for t, rows in original.tables.items():
        for r, cols in rows.items():
            for c, cell in cols.items():
                assert back.value(f"{t}.{r}.{c}") == cell.value, (t, r, c)


def test_a_narrative_paragraph_naming_table_labels_stays_text():
    from gongkai.api import read_data

    paragraph = ("2024年，全市共受理政府信息公开申请3119件，答复3050件（含上年度结转申请34件，另有103件顺延到下年度答复），"
                 "均在法定期限内予以答复。政府信息公开行政复议351件，其中结果维持72件，结果纠正64件，其他结果178件，"
                 "尚未审结37件；政府信息公开行政诉讼46件，其中结果维持25件，结果纠正5件，其他结果9件，尚未审结7件。")
    text = f"2024年某市人民政府政府信息公开工作年度报告\n一、总体情况\n{paragraph}\n二、主动公开政府信息情况\n"
    assert paragraph in read_data(text.encode("utf-8"), "x.txt").section(1).text

