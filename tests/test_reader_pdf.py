"""The PDF reader: a real published report, and small PDFs made here with reportlab."""

from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

import pytest

from gongkai.document import Document, Paragraph, Row, Source
from gongkai.errors import LimitExceeded, ReadError
from gongkai.limits import DEFAULT_LIMITS, Limits
from gongkai.location import Location
from gongkai.readers import pdf as pdf_reader
from gongkai.readers import read_bytes, sniff
from gongkai.readers._pdfcontent import tokenize

from hostile import pdf_of

HUAIAN = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev" / "huaian-city-2024.pdf"


# --- helpers --------------------------------------------------------------------------------


def read(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Document:
    return read_bytes(data, "test.pdf", limits)


def values_after(row: Row, label: str) -> list[str]:
    """The cells after the one holding ``label`` (as the extractor takes them)."""
    for i, cell in enumerate(row.cells):
        if cell.text.replace("\n", "") == label:
            return [c.text for c in row.cells[i + 1:]]
    raise AssertionError(f"{label!r} not in {row}")


def row_with(doc: Document, label: str) -> Row:
    rows = [r for r in doc.rows() if any(c.text.replace("\n", "") == label for c in r.cells)]
    assert len(rows) == 1, f"{label!r}: {len(rows)} rows"
    return rows[0]


def texts(row: Row) -> list[str]:
    return [c.text for c in row.cells]


# --- the real report ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def huaian() -> Document:
    if not HUAIAN.exists():
        pytest.skip(f"{HUAIAN} not present")
    return read(HUAIAN.read_bytes())


# Values below were typed from huaian-city-2024.truth.json (read by eye from the printed PDF).
HUAIAN_T3 = {
    "一、本年新收政府信息公开申请数量": ["3001", "53", "0", "0", "61", "4", "3119"],
    "二、上年结转政府信息公开申请数量": ["34", "0", "0", "0", "0", "0", "34"],
    "（一）予以公开": ["1288", "21", "0", "0", "50", "3", "1362"],
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": ["447", "7", "0", "0", "0", "0", "454"],
    "（七）总计": ["2932", "53", "0", "0", "61", "4", "3050"],
    "四、结转下年度继续办理": ["103", "0", "0", "0", "0", "0", "103"],
}
HUAIAN_T2 = {
    "规章": ["1", "0", "11"],
    "行政规范性文件": ["8", "26", "66"],
    "行政许可": ["447228"],
    "行政处罚": ["3985758"],
    "行政强制": ["88283"],
    "行政事业性收费": ["96171.6"],
}
HUAIAN_T4 = ["72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"]


def test_huaian_new_applications(huaian: Document) -> None:
    row = row_with(huaian, "一、本年新收政府信息公开申请数量")
    assert values_after(row, "一、本年新收政府信息公开申请数量") == ["3001", "53", "0", "0", "61", "4", "3119"]
    assert row.complete
    assert row.at == Location(page=4, table=2, row=4)
    assert row.cells[1].at == Location(page=4, table=2, row=4, cell=2)


@pytest.mark.parametrize("label", list(HUAIAN_T3))
def test_huaian_table3_rows(huaian: Document, label: str) -> None:
    assert values_after(row_with(huaian, label), label) == HUAIAN_T3[label]


@pytest.mark.parametrize("label", list(HUAIAN_T2))
def test_huaian_table2_rows(huaian: Document, label: str) -> None:
    assert values_after(row_with(huaian, label), label) == HUAIAN_T2[label]


def test_huaian_table4_values_row(huaian: Document) -> None:
    numeric = [r for r in huaian.rows() if len(r.cells) == 15 and all(re.fullmatch(r"\d+", c.text) for c in r.cells)]
    assert [texts(r) for r in numeric] == [HUAIAN_T4]


def test_huaian_table4_headers_rejoined(huaian: Document) -> None:
    # the header characters are placed one by one in the text layer
    header = next(r for r in huaian.rows() if r.cells and r.cells[0].text == "结果\n维持")
    assert texts(header) == ["结果\n维持", "结果\n纠正", "其他结\n果", "尚未\n审结", "总计", "未经复议直接起诉", "复议后起诉"]
    second = huaian.rows()[huaian.rows().index(header) + 1]
    # five positions covered by the header cells above (merged down), then the ten cells
    assert texts(second)[:6] == ["", "", "", "", "", "结果\n维持"]
    assert len(second.cells) == 15


def test_huaian_merged_cells(huaian: Document) -> None:
    row = row_with(huaian, "1.属于国家秘密")
    # column 1 is covered by 三、本年度办理结果 merged down: an empty cell; then （三）不予公开
    assert texts(row) == ["", "（三）不\n予公开", "1.属于国家秘密", "2", "0", "0", "0", "0", "0", "2"]
    following = huaian.rows()[huaian.rows().index(row) + 1]
    assert texts(following)[:3] == ["", "", "2.其他法律行政法规禁止公开"]
    top = row_with(huaian, "（一）予以公开")
    assert top.cells[0].text == "三、\n本\n年\n度\n办\n理\n结\n果"
    # a cell spanning columns is one cell: the header row of table 三 has 2 cells, not 10
    header = next(r for r in huaian.rows() if r.cells[-1].text == "申请人情况")
    assert len(header.cells) == 2


def test_huaian_table_split_across_pages(huaian: Document) -> None:
    first = row_with(huaian, "1.本机关不掌握相关政府信息")
    second = row_with(huaian, "2.没有现成信息需要另行制作")
    assert first.at.page == 4 and second.at.page == 5
    rows = huaian.rows()
    assert rows.index(second) == rows.index(first) + 1  # nothing between the two parts
    assert first.table == second.table
    assert values_after(second, "2.没有现成信息需要另行制作") == ["11", "0", "0", "0", "0", "0", "11"]
    # tables 二, 三, 四 are numbered 0, 1, 2 (table 二 continues from page 3 to page 4)
    assert row_with(huaian, "规章").table == row_with(huaian, "行政处罚").table == 0
    assert first.table == 1
    assert huaian.rows()[-1].table == 2


def test_huaian_paragraphs(huaian: Document) -> None:
    paras = [p.text for p in huaian.paragraphs()]
    assert paras[:2] == ["淮安市人民政府", "2024年政府信息公开工作年度报告"]
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert heading in paras
    # printed lines are reflowed: a sentence wrapped over two lines is one paragraph
    assert "2024年，市政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费3940元。" in paras
    assert paras[paras.index("一、总体情况") + 1].endswith("各项规定，圆满完成了各项任务。")  # five printed lines
    # a paragraph goes on across a page break (page 5 to page 6), and the next one starts indented
    problems = next(p for p in huaian.paragraphs() if p.text.startswith("对照上级新要求"))
    assert problems.at == Location(page=5, line=3) and problems.text.endswith("流动性过快的问题。")
    assert next(p for p in huaian.paragraphs() if p.text.startswith("针对存在问题")).at == Location(page=6, line=4)
    assert not any(re.fullmatch(r"-\s*\d+\s*-", p) for p in paras)  # page numbers are dropped
    assert not any(re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", p) for p in paras)
    assert huaian.paragraphs()[0].at == Location(page=1, line=1)
    # running text on page 1 sits in white boxes: no table is made of them
    assert not any(r.at.page == 1 for r in huaian.rows())


def test_huaian_blocks_in_reading_order(huaian: Document) -> None:
    kinds = ["P" if isinstance(b, Paragraph) else "R" for b in huaian.blocks]
    heading = [b.text for b in huaian.blocks if isinstance(b, Paragraph)].index("三、收到和处理政府信息公开申请情况")
    at = huaian.blocks.index(huaian.paragraphs()[heading])
    assert kinds[at + 1] == "R" and kinds[at - 1] == "R"


def test_huaian_fast_tokenizer_same_as_pdfminer(huaian: Document, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "FAST_CONTENT", False)
    assert read(HUAIAN.read_bytes()).blocks == huaian.blocks


# --- PDFs made here -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rl():
    """reportlab with a CJK font registered."""
    reportlab = pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return reportlab


FONT = "STSong-Light"


def platypus_pdf(story: list, page_numbers: bool = False) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    def number(canvas, doc) -> None:  # a page number and a running header on every page
        canvas.setFont(FONT, 10)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")
        canvas.drawString(72, A4[1] - 40, "淮安市人民政府办公室")

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4)
    if page_numbers:
        doc.build(story, onFirstPage=number, onLaterPages=number)
    else:
        doc.build(story)
    return buf.getvalue()


def para(text: str):
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as RLParagraph

    return RLParagraph(text, ParagraphStyle("cn", fontName=FONT, fontSize=10.5, leading=15))


def grid_table(data: list[list[str]], spans: list = (), widths: list | None = None, repeat: int = 0):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(data, colWidths=widths, repeatRows=repeat)
    style = [("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
             ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    style += [("SPAN", a, b) for a, b in spans]
    table.setStyle(TableStyle(style))
    return table


def test_ruled_table(rl) -> None:
    data = [
        ["第二十条第（一）项", "", "", ""],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "1", "", "11"],
        ["行政规范性文件", "8", "26", "66"],
        ["行政许可", "447228", "", ""],
    ]
    pdf = platypus_pdf([para("二、主动公开政府信息情况"), grid_table(data, [((0, 0), (-1, 0)), ((1, 4), (-1, 4))],
                                                             [120, 80, 80, 80]),
                        para("2024年共收到申请3119件。")])
    doc = read(pdf)
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph"] + ["Row"] * 5 + ["Paragraph"]
    rows = doc.rows()
    assert [texts(r) for r in rows] == [
        ["第二十条第（一）项"],  # spans four columns: one cell
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "1", "", "11"],  # a blank cell stays at its position
        ["行政规范性文件", "8", "26", "66"],
        ["行政许可", "447228"],
    ]
    assert all(r.complete and r.table == 0 for r in rows)
    assert rows[2].cells[2].at == Location(page=1, table=1, row=3, cell=3)
    assert doc.paragraphs()[0].text == "二、主动公开政府信息情况"
    assert doc.paragraphs()[0].at == Location(page=1, line=1)
    assert doc.paragraphs()[1].text == "2024年共收到申请3119件。"
    assert doc.source.format == "pdf"


def test_table_ruled_with_thin_filled_bars(rl) -> None:
    # Word draws table borders as thin filled rectangles; white boxes behind text are no ruling
    from reportlab.lib import colors
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFillColor(colors.white)
    c.rect(60, 740, 480, 40, stroke=0, fill=1)  # a white box behind a paragraph
    c.setFillColor(colors.black)
    c.setFont(FONT, 10)
    c.drawString(72, 755, "本报告由淮安市人民政府办公室编制。")
    xs, ys = [72, 222, 322], [700, 675, 650]
    for x in xs:
        c.rect(x - 0.25, ys[-1], 0.5, ys[0] - ys[-1], stroke=0, fill=1)
    for y in ys:
        c.rect(xs[0], y - 0.25, xs[-1] - xs[0], 0.5, stroke=0, fill=1)
    c.drawString(80, 683, "行政处罚")
    c.drawString(230, 683, "3985758")
    c.drawString(80, 658, "行政强制")
    c.drawString(230, 658, "88283")
    c.circle(450, 600, 50)  # a round seal
    c.drawString(420, 600, "淮安市人民政府")
    c.save()
    doc = read(buf.getvalue())
    assert [texts(r) for r in doc.rows()] == [["行政处罚", "3985758"], ["行政强制", "88283"]]
    assert [p.text for p in doc.paragraphs()] == ["本报告由淮安市人民政府办公室编制。", "淮安市人民政府"]


def test_ruled_table_vertical_merge(rl) -> None:
    data = [
        ["三、本年度办理结果", "（一）予以公开", "1288", "1362"],
        ["", "（二）部分公开", "447", "454"],
        ["", "（三）不予公开", "", "2"],
        ["四、结转下年度继续办理", "", "103", "103"],
    ]
    doc = read(platypus_pdf([grid_table(data, [((0, 0), (0, 2)), ((0, 3), (1, 3))], [110, 110, 60, 60])]))
    assert [texts(r) for r in doc.rows()] == [
        ["三、本年度办理结果", "（一）予以公开", "1288", "1362"],
        ["", "（二）部分公开", "447", "454"],  # covered by the merged cell above: empty
        ["", "（三）不予公开", "", "2"],
        ["四、结转下年度继续办理", "103", "103"],
    ]


def test_header_written_character_by_character(rl) -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setLineWidth(0.5)
    xs, ys = [100, 160, 220, 280], [700, 660, 630]
    for x in xs:
        c.line(x, ys[-1], x, ys[0])
    for y in ys:
        c.line(xs[0], y, xs[-1], y)
    c.setFont(FONT, 9)
    # 结果 / 维持 on two lines of the first cell, drawn one character at a time, last first
    for ch, x, y in [("持", 120, 667), ("维", 111, 667), ("果", 120, 685), ("结", 111, 685)]:
        c.drawString(x, y, ch)
    for ch, x, y in [("总", 180, 675), ("计", 195, 675)]:  # spaced out, no space between them
        c.drawString(x, y, ch)
    c.drawString(236, 675, "其他")
    for x, v in zip(xs, ["72", "64", "178"], strict=False):  # four rules, three cells
        c.drawString(x + 10, 640, v)
    c.save()
    doc = read(buf.getvalue())
    assert [texts(r) for r in doc.rows()] == [["结果\n维持", "总计", "其他"], ["72", "64", "178"]]


def test_unruled_table(rl) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    height = A4[1]
    c.setFont(FONT, 12)
    c.drawString(72, height - 72, "三、收到和处理政府信息公开申请情况")
    c.setFont(FONT, 9)
    cols = [280, 320, 360, 400, 440, 480, 530]
    y = height - 110
    for x, head in zip(cols, ["自然人", "商业", "科研", "公益", "法律", "其他", "总计"], strict=True):
        c.drawRightString(x, y, head)
    rows = [
        ("一、本年新收政府信息公开申请数量", ["3001", "53", "0", "0", "61", "4", "3119"]),
        ("二、上年结转政府信息公开申请数量", ["34", "0", "", "0", "0", "0", "34"]),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ["447", "7", "0", "0", "0", "0", "454"]),
        ("四、结转下年度继续办理", ["103", "0", "0", "0", "0", "0", "103"]),
    ]
    y -= 22
    for label, vals in rows:
        if len(label) > 16:  # a label wrapped over two lines, the numbers centred between them
            c.drawString(60, y, label[:16])
            c.drawString(60, y - 11, label[16:])
            value_y, step = y - 5.5, 30
        else:
            c.drawString(60, y, label)
            value_y, step = y, 22
        for x, v in zip(cols, vals, strict=True):
            if v:
                c.drawRightString(x, value_y, v)
        y -= step
    c.setFont(FONT, 12)
    c.drawString(72, y - 20, "四、政府信息公开行政复议、行政诉讼情况")
    c.save()
    doc = read(buf.getvalue())
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph"] + ["Row"] * 5 + ["Paragraph"]
    got = [texts(r) for r in doc.rows()]
    assert got == [
        ["", "自然人", "商业", "科研", "公益", "法律", "其他", "总计"],
        ["一、本年新收政府信息公开申请数量", "3001", "53", "0", "0", "61", "4", "3119"],
        ["二、上年结转政府信息公开申请数量", "34", "0", "", "0", "0", "0", "34"],
        ["（二）部分公开（区分处理的，只计\n这一情形，不计其他情形）", "447", "7", "0", "0", "0", "0", "454"],
        ["四、结转下年度继续办理", "103", "0", "0", "0", "0", "0", "103"],
    ]
    assert all(r.complete for r in doc.rows())
    assert doc.rows()[1].at == Location(page=1, table=1, row=2)
    assert doc.paragraphs()[-1].text == "四、政府信息公开行政复议、行政诉讼情况"


@pytest.mark.parametrize("frame", [False, True])
def test_table_with_horizontal_rules_only(rl, frame: bool) -> None:
    # a "three-line" table: rules between rows, no vertical lines (or only the outer two)
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(FONT, 10)
    rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "1", "0", "11"],
            ["行政规范性文件", "8", "", "66"]]
    y = 700
    c.line(72, y + 14, 472, y + 14)
    for row in rows:
        for x, text in zip([80, 220, 300, 380], row, strict=True):
            c.drawString(x, y, text)
        c.line(72, y - 8, 472, y - 8)
        y -= 22
    if frame:
        c.line(72, 714, 72, y + 14)
        c.line(472, 714, 472, y + 14)
    c.save()
    assert [texts(r) for r in read(buf.getvalue()).rows()] == [
        rows[0], rows[1], ["行政规范性文件", "8", "", "66"]]


def test_running_text_is_not_a_table(rl) -> None:
    text = ("本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》规定编制。" * 3
            + "报告所列统计期限自 2024 年 1 月 1 日至 2024 年 12 月 31 日。")
    doc = read(platypus_pdf([para(text), para("联系电话：0517-83605210，电子邮箱：hazwgkc@163.com")]))
    assert doc.rows() == []
    assert "".join(p.text for p in doc.paragraphs()).startswith("本报告由淮安市人民政府办公室")
    assert "至2024年12月31日。" in "".join(p.text for p in doc.paragraphs())
    assert doc.paragraphs()[-1].text == "联系电话：0517-83605210，电子邮箱：hazwgkc@163.com"


def test_numbered_list_is_not_a_table(rl) -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(FONT, 12)
    y = 700
    for number, text in [("1.", "加强政策解读工作"), ("2.", "推进政务公开标准化"), ("3.", "完善依申请公开办理")]:
        c.drawString(72, y, number)  # the number, then a tab stop: a wide gap
        c.drawString(110, y, text)
        y -= 20
    c.save()
    doc = read(buf.getvalue())
    assert doc.rows() == []
    assert [p.text for p in doc.paragraphs()] == ["1. 加强政策解读工作", "2. 推进政务公开标准化", "3. 完善依申请公开办理"]


def test_watermark_is_ignored(rl) -> None:
    from reportlab.lib import colors
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.saveState()
    c.setFillColor(colors.lightgrey)
    c.setFont(FONT, 60)
    c.translate(300, 400)
    c.rotate(45)
    c.drawCentredString(0, 0, "政务公开水印")
    c.restoreState()
    c.setFont(FONT, 12)
    c.drawString(72, 700, "共收到申请12件。")
    c.save()
    assert [p.text for p in read(buf.getvalue()).paragraphs()] == ["共收到申请12件。"]


def test_rotated_page(rl) -> None:
    # a landscape table on a portrait page turned by /Rotate 90, as scanners and printers do
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setPageRotation(90)
    c.rotate(90)
    c.translate(0, -A4[0])
    c.setFont(FONT, 10)
    c.drawString(72, 520, "四、政府信息公开行政复议、行政诉讼情况")
    xs, ys = [72, 152, 232, 312], [500, 470, 440]
    for x in xs:
        c.line(x, ys[-1], x, ys[0])
    for y in ys:
        c.line(xs[0], y, xs[-1], y)
    for x, text in zip(xs, ["结果维持", "结果纠正", "总计"], strict=False):  # four rules, three cells
        c.drawString(x + 5, 480, text)
    for x, text in zip(xs, ["1", "2", "3"], strict=False):  # (as above)
        c.drawString(x + 5, 450, text)
    c.save()
    doc = read(buf.getvalue())
    assert [p.text for p in doc.paragraphs()] == ["四、政府信息公开行政复议、行政诉讼情况"]
    assert [texts(r) for r in doc.rows()] == [["结果维持", "结果纠正", "总计"], ["1", "2", "3"]]


def test_table_split_across_pages(rl) -> None:
    header = ["信息内容", "本年处理决定数量"]
    body = [[f"第{i}项事项", str(1000 + i)] for i in range(1, 51)]
    pdf = platypus_pdf([para("二、主动公开政府信息情况"), grid_table([header] + body, widths=[200, 150], repeat=1),
                        para("三、收到和处理政府信息公开申请情况")], page_numbers=True)
    doc = read(pdf)
    rows = doc.rows()
    pages = {r.at.page for r in rows}
    assert pages == {1, 2}
    labels = [r.cells[0].text for r in rows if r.cells[0].text != "信息内容"]
    assert labels == [b[0] for b in body]  # all rows, in order, none lost at the page break
    assert [values_after(r, r.cells[0].text) for r in rows if r.cells[0].text.startswith("第")] == [[b[1]] for b in body]
    assert sum(texts(r) == header for r in rows) == 2  # the repeated header is kept, harmlessly
    assert {r.table for r in rows} == {0}  # one table across the page break
    assert [p.text for p in doc.paragraphs()] == ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]
    # the blocks between the two parts are rows only (page number and running header are dropped)
    first_page2 = next(i for i, b in enumerate(doc.blocks) if b.at.page == 2)
    assert isinstance(doc.blocks[first_page2 - 1], Row) and isinstance(doc.blocks[first_page2], Row)


def test_two_tables_get_two_numbers(rl) -> None:
    from reportlab.platypus import Spacer

    a = grid_table([["规章", "1", "0", "11"], ["行政规范性文件", "8", "26", "66"]])
    b = grid_table([["行政许可", "447228"]])
    doc = read(platypus_pdf([a, para("第二十条第（五）项"), b, Spacer(1, 20)]))
    assert [r.table for r in doc.rows()] == [0, 0, 1]
    assert doc.rows()[2].at == Location(page=1, table=2, row=1)


def image_pdf(pages: int = 1, text_first_page: str | None = None, blank: bool = False) -> bytes:
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (200, 280), 255)
    if not blank:
        ImageDraw.Draw(img).rectangle((20, 20, 180, 60), fill=0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for n in range(pages):
        if n == 0 and text_first_page:
            c.setFont(FONT, 12)
            c.drawString(72, 760, text_first_page)
        else:
            c.drawImage(ImageReader(img), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return buf.getvalue()


def test_scan_with_nothing_to_read_is_refused(rl) -> None:
    # scanned pages of blank paper: OCR runs and finds no text (scans with text: tests/test_ocr_reading.py)
    with pytest.raises(ReadError) as err:
        read(image_pdf(pages=2, blank=True))
    assert err.value.reason == "scanned"
    assert err.value.zh.startswith("这是扫描版 PDF（没有文字层），文字识别（OCR）没有从中读出文字")


def test_partly_scanned_pdf_is_read_and_noted(rl) -> None:
    doc = read(image_pdf(pages=3, text_first_page="淮安市人民政府2024年政府信息公开工作年度报告"))
    assert doc.paragraphs()[0].text == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert doc.meta["scanned_pages"] == "2,3"


def test_pdf_without_any_text(rl) -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(100, 100, 200, 200)
    c.save()
    with pytest.raises(ReadError) as err:
        read(buf.getvalue())
    assert err.value.reason == "no-text"


def simple_pdf(text: str = "政府信息公开工作年度报告", pages: int = 1, encrypt=None, font: str = FONT) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=encrypt)
    for n in range(pages):
        c.setFont(font, 12)
        c.drawString(72, 700, f"{text}{n + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


def test_encrypted_pdf(rl) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    data = simple_pdf(encrypt=StandardEncryption("secret", ownerPassword="owner", strength=128))
    with pytest.raises(ReadError) as err:
        read(data)
    assert err.value.reason == "encrypted"
    assert "加密" in err.value.zh


def test_pdf_with_owner_password_only_is_read(rl) -> None:
    # "copy protection" without an open password: any reader opens it, and so do we
    from reportlab.lib.pdfencrypt import StandardEncryption

    # (Latin text: pdfminer leaves the strings of an encrypted file's font dictionaries
    # encrypted, so reportlab's non-embedded CJK font would lose its character mapping)
    data = simple_pdf("Annual report ", encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0,
                                                                   strength=128), font="Helvetica")
    assert [p.text for p in read(data).paragraphs()] == ["Annual report 1"]


def test_truncated_pdf(rl) -> None:
    data = simple_pdf(pages=3)
    for cut in (len(data) // 2, len(data) - 10, 400):
        with pytest.raises(ReadError) as err:
            read(data[:cut])
        assert err.value.reason == "corrupt", cut
        assert "不完整" in err.value.zh


def test_junk_after_end_of_file_is_tolerated(rl) -> None:
    data = simple_pdf() + b"\n<html><body>" + b"x" * 5000 + b"</body></html>\n"
    assert [p.text for p in read(data).paragraphs()] == ["政府信息公开工作年度报告1"]


def test_corrupt_pdf() -> None:
    with pytest.raises(ReadError) as err:
        read(b"%PDF-1.4\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    assert err.value.reason == "corrupt"
    assert "损坏" in err.value.zh


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def raw_pdf(content: bytes, page: bytes = b"/MediaBox [0 0 595 842]", font: bytes = HELVETICA) -> bytes:
    """A one-page PDF written by hand (font F1 is Helvetica) with the given content stream."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R " + page + b" /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        font,
    ]
    return pdf_of(objects)


def test_hand_written_pdf() -> None:
    doc = read(raw_pdf(b"BT /F1 12 Tf 72 700 Td (Hello World) Tj ET"))
    assert [p.text for p in doc.paragraphs()] == ["Hello World"]  # "ll" is not a doubled glyph


def test_inline_image_left_to_pdfminer() -> None:
    content = b"q 10 0 0 10 0 0 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q BT /F1 12 Tf 72 700 Td (Hello) Tj ET"
    assert [p.text for p in read(raw_pdf(content)).paragraphs()] == ["Hello"]


def test_font_without_unicode_mapping() -> None:
    # an embedded-subset CJK font with glyph numbers only (no ToUnicode): copying gives garbage
    font = (b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H"
            b" /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun"
            b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>] >>")
    with pytest.raises(ReadError) as err:
        read(raw_pdf(b"BT /F1 12 Tf 72 700 Td <0E8507F608C90320> Tj ET", font=font))
    assert err.value.reason == "undecodable"


def test_corrupt_page() -> None:
    with pytest.raises(ReadError) as err:
        read(raw_pdf(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET", page=b"/MediaBox [0 0 595]"))
    assert err.value.reason == "corrupt"
    assert err.value.zh.startswith("PDF 文件已损坏")


def test_too_many_pages(rl) -> None:
    data = simple_pdf(pages=3)
    with pytest.raises(LimitExceeded) as err:
        read(data, Limits(max_pdf_pages=2))
    assert err.value.reason == "limit"
    assert len(read(data, Limits(max_pdf_pages=3)).paragraphs()) == 3


def test_dispatch_by_content(rl) -> None:
    data = simple_pdf()
    assert sniff(data, "report.doc") == "pdf"
    doc = read_bytes(data, "report.doc")
    assert doc.source.format == "pdf"
    assert doc.paragraphs()[0].at == Location(page=1, line=1)


def test_read_function_directly(rl) -> None:
    data = simple_pdf()
    doc = pdf_reader.read(data, Source(path=None, sha256="x", format="pdf"), DEFAULT_LIMITS)
    assert [p.text for p in doc.paragraphs()] == ["政府信息公开工作年度报告1"]


@pytest.mark.parametrize("make", ["ruled", "split", "unruled_text"])
def test_fast_tokenizer_same_document(rl, make: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if make == "ruled":
        data = platypus_pdf([para("二、（测试）<b>加粗</b> (a\\b) 100%"),
                             grid_table([["规章", "1", "0"], ["行政许可", "447228", ""]], [((1, 1), (2, 1))])])
    elif make == "split":
        data = platypus_pdf([grid_table([[f"第{i}项", str(i)] for i in range(90)], repeat=1)], page_numbers=True)
    else:
        data = simple_pdf("文字 (括号) \\ 反斜杠 ", pages=2)
    fast = read(data)
    monkeypatch.setattr(pdf_reader, "FAST_CONTENT", False)
    assert read(data).blocks == fast.blocks


# --- the content-stream tokenizer -----------------------------------------------------------


def pdfminer_tokens(data: bytes) -> list:
    from pdfminer.pdfinterp import PDFContentParser
    from pdfminer.pdftypes import PDFStream
    from pdfminer.psexceptions import PSEOF

    stream = PDFStream({}, data)
    stream.objid = 1
    parser = PDFContentParser([stream])
    out = []
    while True:
        try:
            out.append(parser.nextobject()[1])
        except PSEOF:
            return out


@pytest.mark.parametrize("stream", [
    b"BT /F1 12 Tf 1 0 0 1 72.5 700 Tm (Hello) Tj ET",
    b"q 0.5 w 0 0 m 100 0 l S Q 1 1 1 rg 10 10 50 50 re f",
    b"[(A) -120 (B) .5 (C) -.25] TJ <0E85> Tj <48656c6c6f20> Tj <4> Tj < 41 4 2 > Tj",
    b"(escaped \\(parens\\) \\\\ \\n \\101\\7\\0521 \\x end) Tj (a\\\r\nb) Tj (line\\\ncont) Tj () Tj",
    b"/Span <</MCID 3 /Alt (x) /N null>> BDC EMC /P <</MCID 0>> BDC /Artifact BMC EMC",
    b"% a comment\n1 0 0 1 0 0 cm % another\n0 g\x00 T* ' \" 12 TL true false",
    b"/F\xc3\xa9 1 Tf /Name-With.Dots_1 gs 12 -3 +4 5. Td",
    b"[[1 2] [3 [4 5]]] 0 d",
])
def test_tokenizer_matches_pdfminer(stream: bytes) -> None:
    assert tokenize(stream) == pdfminer_tokens(stream)


@pytest.mark.parametrize("stream", [
    b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q",  # inline image: left to pdfminer
    b"(nested (parens) inside) Tj",
    b"/Na#20me gs",
    b"[1 2 >> TJ",
    b"(unterminated",
    b"1 2 { 3 } x",
])
def test_tokenizer_leaves_unusual_streams_to_pdfminer(stream: bytes) -> None:
    from gongkai.readers._pdfcontent import _Unsure

    with pytest.raises(_Unsure):
        tokenize(stream)


# --- whole paragraphs -----------------------------------------------------------------------


WRAPPED = ("我乡持续规范依申请公开工作，严格按照法定时限和程序认真地答复每一位申请人，"  # 37 characters
           "全年办结申请99件。其余申请均在法定期限内答复。")


def seed_report_pdf(font_size: float) -> bytes:
    """Seed report 1 as a PDF (paragraphs wrapped by reportlab, ruled tables), with ``WRAPPED``
    as the first paragraph of 一、总体情况."""
    import html

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import SimpleDocTemplate, TableStyle
    from reportlab.platypus import Table as RLTable

    import samplefiles

    text = samplefiles.seed_text(1).replace("一、总体情况\n", f"一、总体情况\n{WRAPPED}\n", 1)
    style = ParagraphStyle("cn", fontName=FONT, fontSize=font_size, leading=font_size * 1.5, wordWrap="CJK")
    cell_style = ParagraphStyle("cell", fontName=FONT, fontSize=6, leading=7, wordWrap="CJK")
    story = []
    for kind, value in samplefiles.blocks_of(text):
        if kind == "p":
            story.append(RLParagraph(html.escape(value), style))
        else:  # the cells' text wrapped inside them, as Word does
            width = max(len(r) for r in value)
            rows = [[RLParagraph(html.escape(c.replace("\n", "")), cell_style) for c in r] + [""] * (width - len(r))
                    for r in value]
            table = RLTable(rows, colWidths=[430 / width] * width)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            story.append(table)
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()


def test_a_number_wrapped_onto_the_next_line_gets_the_same_findings(rl) -> None:
    import pdfplumber

    from gongkai.checks import check
    from gongkai.extract import extract

    # at 10.2 pt a line holds 43 characters: WRAPPED breaks after 全年办结申请; at 9 pt it does not
    wrapped, one_line = seed_report_pdf(10.2), seed_report_pdf(9)
    with pdfplumber.open(io.BytesIO(wrapped)) as pdf:
        assert "全年办结申请\n99件。" in pdf.pages[0].extract_text()
    with pdfplumber.open(io.BytesIO(one_line)) as pdf:
        assert "全年办结申请99件。" in pdf.pages[0].extract_text()

    reports = [extract(read(data)) for data in (wrapped, one_line)]
    for report in reports:
        assert WRAPPED in report.section(1).text.split("\n")  # one paragraph, as written
    findings = [sorted((f.code, f.message) for f in check(report)) for report in reports]
    assert findings[0] == findings[1]
    gk401 = [message for code, message in findings[0] if code == "GK401"]
    assert any("办结" in m and "99" in m for m in gk401), findings[0]  # the table says 0


def test_lines_of_one_paragraph_are_joined_and_new_paragraphs_kept_apart(rl) -> None:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(FONT, 12)
    lines = [  # (x, text): 30 characters make a full line of 360 pt
        (96, "一、总体情况"),
        (96, "本年度我单位认真贯彻落实条例要求，全面推进政务公开工作，"),  # indented first line
        (72, "各项工作取得新进展。主动公开政府信息一百二十条，其中政策"),
        (72, "文件三十件。"),  # short: the paragraph ends
        (96, "（一）主动公开情况。本年度通过政府网站主动公开政府信息共"),
        (72, "计一百二十条，覆盖机构职能、政策文件、财政预决算等方面内"),
        (96, "容和领域。"),  # indented: a new paragraph although the line before runs on
        (72, "1.加强政策解读工作，提升解读质量，丰富解读形式，扩大覆盖面"),
        (72, "2.推进政务公开标准化规范化建设。"),  # a numbered item starts a paragraph
        (300, "某某县人民政府办公室"),
        (300, "2024年1月15日"),
    ]
    y = 700
    for x, text in lines:
        c.drawString(x, y, text)
        y -= 20
    c.save()
    doc = read(buf.getvalue())
    assert [(p.text, p.at) for p in doc.paragraphs()] == [
        ("一、总体情况", Location(page=1, line=1)),
        ("本年度我单位认真贯彻落实条例要求，全面推进政务公开工作，各项工作取得新进展。主动公开政府信息一百二十条，其中政策文件三十件。",
         Location(page=1, line=2)),
        ("（一）主动公开情况。本年度通过政府网站主动公开政府信息共计一百二十条，覆盖机构职能、政策文件、财政预决算等方面内",
         Location(page=1, line=5)),
        ("容和领域。", Location(page=1, line=7)),
        ("1.加强政策解读工作，提升解读质量，丰富解读形式，扩大覆盖面", Location(page=1, line=8)),
        ("2.推进政务公开标准化规范化建设。", Location(page=1, line=9)),
        ("某某县人民政府办公室", Location(page=1, line=10)),
        ("2024年1月15日", Location(page=1, line=11)),
    ]


# --- limits on the file's own objects -------------------------------------------------------


def test_a_page_drawing_too_many_characters_is_refused() -> None:
    content = b"BT /F1 1 Tf 0 0 Td (" + b"a" * 200_000 + b") Tj ET"
    data = raw_pdf(zlib.compress(content), page=b"/MediaBox [0 0 595 842]")
    data = data.replace(b"<< /Length", b"<< /Filter /FlateDecode /Length", 1)
    with pytest.raises(LimitExceeded) as err:
        read(data, Limits(max_page_objects=100_000))
    assert "内容过多" in err.value.zh and "100000" in err.value.zh


@pytest.mark.parametrize("filters", ["flate", "flate-damaged", "flate-flate", "lzw", "runlength", "ascii85-flate"])
def test_decoded_sizes_are_counted_as_pdfminer_decodes(filters: str) -> None:
    import base64

    from pdfminer.pdftypes import PDFStream
    from pdfminer.psparser import LIT

    from gongkai.readers._pdfguard import decoded_size

    raw = bytes(range(256)) * 40 + b"BT /F1 12 Tf (report) Tj ET\n" * 500
    names = {"flate": ["FlateDecode"], "flate-damaged": ["FlateDecode"], "flate-flate": ["FlateDecode", "FlateDecode"],
             "lzw": ["LZWDecode"], "runlength": ["RunLengthDecode"], "ascii85-flate": ["ASCII85Decode", "FlateDecode"]}
    if filters == "flate":
        data = zlib.compress(raw)
    elif filters == "flate-damaged":
        data = zlib.compress(raw)[:-40]  # cut short: pdfminer keeps what decodes
    elif filters == "flate-flate":
        data = zlib.compress(zlib.compress(raw))
    elif filters == "lzw":
        data = bytes.fromhex("800B6050220C0C8501")  # "-----A---B" (PDF reference, LZWDecode)
    elif filters == "runlength":
        data = bytes([4]) + b"hello" + bytes([257 - 100]) + b"x" + bytes([128])
    else:
        data = base64.a85encode(zlib.compress(raw)) + b"~>"
    attrs = {"Filter": [LIT(n) for n in names[filters]]}
    expected = len(PDFStream(dict(attrs), data).get_data())
    assert expected > 0
    assert decoded_size(PDFStream(dict(attrs), data), 1 << 30, AssertionError) == expected

    def too_large() -> LimitExceeded:
        return LimitExceeded("过大", "too large")

    if expected > 100:
        with pytest.raises(LimitExceeded):
            decoded_size(PDFStream(dict(attrs), data), expected - 1, too_large)


def test_pdfplumbers_dictionaries_for_characters_and_drawings(huaian: Document, rl) -> None:
    """gongkai's pages build pdfplumber's dictionaries for characters, lines, rectangles and curves
    directly (for speed): the same as pdfplumber's own, key for key."""
    import pdfplumber
    from pdfminer.layout import LTChar, LTCurve
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page
    from reportlab.lib import colors
    from reportlab.pdfgen import canvas

    from gongkai.readers._pdfcontent import BoundedPage

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(FONT, 12)
    c.drawString(72, 700, "二、主动公开 100%")
    c.setDash(3, 2)
    c.line(72, 690, 300, 690)
    c.setFillColor(colors.lightgrey)
    c.rect(72, 600, 200, 50, stroke=1, fill=1)
    c.circle(400, 600, 40)
    c.setPageRotation(90)
    c.showPage()
    c.setFont(FONT, 12)
    c.drawString(100, 100, "第二页")
    c.save()
    huaian_bytes = HUAIAN.read_bytes()
    for data in (huaian_bytes, buf.getvalue()):
        pdf = pdfplumber.open(io.BytesIO(data))
        compared = set()
        for number, page_obj in enumerate(PDFPage.create_pages(pdf.doc), start=1):
            page = BoundedPage(pdf, page_obj, number, DEFAULT_LIMITS)
            for obj in page.layout:
                if isinstance(obj, LTChar | LTCurve):
                    assert page.process_object(obj) == Page.process_object(page, obj)
                    compared.add(type(obj).__name__)
        assert {"LTChar", "LTLine", "LTRect"} <= compared
        assert data is huaian_bytes or "LTCurve" in compared  # the circle
