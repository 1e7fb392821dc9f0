"""The .docx reader: documents built here with python-docx (plus raw XML where python-docx has
no API), expectations written by hand."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import docx as pydocx
import pytest
from docx.oxml import parse_xml

from gongkai.document import Cell, Paragraph, Row, Source
from gongkai.errors import LimitExceeded, ReadError
from gongkai.limits import DEFAULT_LIMITS, Limits
from gongkai.location import Location
from gongkai.readers import docx as reader
from gongkai.readers import read_bytes

TEMPLATE = Path(__file__).parents[1].parent / "shared/reference/official-2021-template.docx"
DATA = Path(__file__).parent / "data" / "legacy"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (
    f'xmlns:w="{W}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def save(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def read(data: bytes, limits: Limits = DEFAULT_LIMITS):
    return reader.read(data, Source(path=None, sha256="0" * 64, format="docx"), limits)


def texts(row: Row) -> list[str]:
    return [c.text for c in row.cells]


def body_xml(inner: str) -> bytes:
    """A .docx whose body is ``inner`` (raw WordprocessingML)."""
    d = pydocx.Document()
    body = d.element.body
    for child in list(body):
        if not child.tag.endswith("sectPr"):
            body.remove(child)
    fragment = parse_xml(f"<w:body {NS}>{inner}</w:body>")
    sect = body.find(f"{{{W}}}sectPr")
    for child in list(fragment):
        sect.addprevious(child)
    return save(d)


def p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


# ---------------------------------------------------------------------------------------------
# paragraphs and plain tables


def test_paragraphs_and_table_in_document_order():
    d = pydocx.Document()
    d.add_paragraph("某某市人民政府2021年政府信息公开工作年度报告")
    d.add_paragraph("")
    d.add_paragraph("一、总体情况")
    t = d.add_table(rows=2, cols=3)
    for r, values in enumerate([["信息内容", "本年制发件数", "本年废止件数"], ["规章", "3", "0"]]):
        for c, v in enumerate(values):
            t.cell(r, c).text = v
    d.add_paragraph("二、主动公开政府信息情况")
    doc = read(save(d))
    assert doc.blocks == [
        Paragraph("某某市人民政府2021年政府信息公开工作年度报告", Location(paragraph=1)),
        Paragraph("一、总体情况", Location(paragraph=3)),  # the empty paragraph 2 is skipped but counted
        Row([Cell("信息内容", Location(table=1, row=1, cell=1)),
             Cell("本年制发件数", Location(table=1, row=1, cell=2)),
             Cell("本年废止件数", Location(table=1, row=1, cell=3))], Location(table=1, row=1), 0, True),
        Row([Cell("规章", Location(table=1, row=2, cell=1)), Cell("3", Location(table=1, row=2, cell=2)),
             Cell("0", Location(table=1, row=2, cell=3))], Location(table=1, row=2), 0, True),
        Paragraph("二、主动公开政府信息情况", Location(paragraph=4)),
    ]


def test_runs_are_joined_exactly_and_numbers_left_as_printed():
    d = pydocx.Document()
    para = d.add_paragraph()
    for piece in ("共收到申请", "1", "2", " 3", "件，", "１２", "件"):
        para.add_run(piece)
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "自然人"
    cell = t.cell(0, 1)
    cell.paragraphs[0].add_run("1 0")
    cell.paragraphs[0].add_run("２")
    doc = read(save(d))
    assert doc.blocks[0] == Paragraph("共收到申请12 3件，１２件", Location(paragraph=1))
    assert texts(doc.blocks[1]) == ["自然人", "1 0２"]


def test_tab_and_line_break_in_paragraph_and_cell():
    d = pydocx.Document()
    para = d.add_paragraph()
    para.add_run("规章")
    para.add_run().add_tab()
    para.add_run("3")
    para.add_run().add_break()
    para.add_run("行政规范性文件")
    t = d.add_table(rows=1, cols=3)
    # a label broken over two paragraphs, another broken by a line break
    t.cell(0, 0).paragraphs[0].add_run("商业")
    t.cell(0, 0).add_paragraph("企业")
    run = t.cell(0, 1).paragraphs[0].add_run("科研")
    run.add_break()
    t.cell(0, 1).paragraphs[0].add_run("机构")
    t.cell(0, 2).text = "\u3000\u3000"  # blank as printed
    doc = read(save(d))
    assert doc.blocks[0] == Paragraph("规章\t3\n行政规范性文件", Location(paragraph=1))
    assert texts(doc.blocks[1]) == ["商业\n企业", "科研\n机构", ""]


# ---------------------------------------------------------------------------------------------
# merged cells


def test_grid_span_is_one_cell():
    d = pydocx.Document()
    t = d.add_table(rows=2, cols=4)
    t.cell(0, 0).merge(t.cell(0, 3)).text = "第二十条第（五）项"
    t.cell(1, 0).text = "行政许可"
    t.cell(1, 1).merge(t.cell(1, 3)).text = "15"
    doc = read(save(d))
    assert [texts(r) for r in doc.rows()] == [["第二十条第（五）项"], ["行政许可", "15"]]
    assert doc.rows()[1].cells[1].at == Location(table=1, row=2, cell=2)


def test_vertical_merge_continuation_is_an_empty_cell():
    d = pydocx.Document()
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(2, 0)).text = "三、本年度办理结果"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "（一）予以公开"
    t.cell(0, 3).text = "5"
    t.cell(1, 1).merge(t.cell(2, 1)).text = "（三）不予公开"
    t.cell(1, 2).text = "1.属于国家秘密"
    t.cell(1, 3).text = "0"
    t.cell(2, 2).text = "2.其他法律行政法规禁止公开"
    t.cell(2, 3).text = "1"
    doc = read(save(d))
    assert [texts(r) for r in doc.rows()] == [
        ["三、本年度办理结果", "（一）予以公开", "5"],
        ["", "（三）不予公开", "1.属于国家秘密", "0"],
        ["", "", "2.其他法律行政法规禁止公开", "1"],
    ]


def test_vertical_and_horizontal_merge_together():
    """A block 2 columns wide and 2 rows high: one cell in each row, the lower one empty."""
    d = pydocx.Document()
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(1, 1)).text = "角注"
    t.cell(0, 2).text = "自然人"
    t.cell(1, 2).text = "7"
    doc = read(save(d))
    assert [texts(r) for r in doc.rows()] == [["角注", "自然人"], ["", "7"]]


def test_old_style_hmerge():
    cell = '<w:tc><w:tcPr>{}</w:tcPr><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>'
    row = ("<w:tr>" + cell.format('<w:hMerge w:val="restart"/>', "行政许可")
           + cell.format("<w:hMerge/>", "") + cell.format("", "9") + "</w:tr>")
    doc = read(body_xml(f"<w:tbl><w:tblGrid/>{row}</w:tbl>"))
    assert [texts(r) for r in doc.rows()] == [["行政许可", "9"]]


# ---------------------------------------------------------------------------------------------
# nested and split tables


def test_nested_table_rows_follow_the_outer_row():
    d = pydocx.Document()
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    outer = d.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "外层"
    host = outer.cell(0, 1)
    host.paragraphs[0].add_run("单元格说明")
    inner = host.add_table(rows=2, cols=2)
    inner.cell(0, 0).text = "自然人"
    inner.cell(0, 1).text = "总计"
    inner.cell(1, 0).text = "3"
    inner.cell(1, 1).text = "3"
    host.add_paragraph("表后文字")
    outer.cell(1, 0).text = "下一行"
    outer.cell(1, 1).text = "x"
    d.add_table(rows=1, cols=1).cell(0, 0).text = "第三张表"
    doc = read(save(d))
    rows = doc.rows()
    assert [(r.table, r.at, texts(r)) for r in rows] == [
        (0, Location(table=1, row=1), ["外层", "单元格说明\n表后文字"]),
        (1, Location(table=2, row=1), ["自然人", "总计"]),
        (1, Location(table=2, row=2), ["3", "3"]),
        (0, Location(table=1, row=2), ["下一行", "x"]),
        (2, Location(table=3, row=1), ["第三张表"]),
    ]
    assert rows[2].cells[1].at == Location(table=2, row=2, cell=2)


def test_split_tables_in_order():
    d = pydocx.Document()
    first = d.add_table(rows=1, cols=2)
    first.cell(0, 0).text = "一、本年新收政府信息公开申请数量"
    first.cell(0, 1).text = "10"
    second = d.add_table(rows=1, cols=2)  # right after: Word shows them as one, the XML has two
    second.cell(0, 0).text = "二、上年结转政府信息公开申请数量"
    second.cell(0, 1).text = "2"
    doc = read(save(d))
    assert [(r.table, texts(r)) for r in doc.rows()] == [
        (0, ["一、本年新收政府信息公开申请数量", "10"]),
        (1, ["二、上年结转政府信息公开申请数量", "2"]),
    ]


def test_nesting_limit():
    cell = "<w:tbl><w:tr><w:tc>{}<w:p/></w:tc></w:tr></w:tbl>"
    xml = p("x")
    for _ in range(10):
        xml = cell.format(xml)
    assert len(read(body_xml(xml)).rows()) == 10
    with pytest.raises(LimitExceeded):
        read(body_xml(xml), Limits(max_nesting=5))


# ---------------------------------------------------------------------------------------------
# text boxes, content controls


def _text_box_drawing(text: str) -> str:
    content = f"<w:txbxContent>{p(text)}</w:txbxContent>"
    return (
        "<w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
        f"<wps:wsp><wps:txbx>{content}</wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def test_text_box_read_once_after_its_paragraph():
    xml = (
        p("标题前")
        + f"<w:p><w:r><w:t>锚定段落</w:t></w:r>{_text_box_drawing('文本框中的文字')}</w:p>"
        + p("后面的段落")
    )
    doc = read(body_xml(xml))
    assert doc.blocks == [
        Paragraph("标题前", Location(paragraph=1)),
        Paragraph("锚定段落", Location(paragraph=2)),
        Paragraph("文本框中的文字", Location(box=1, paragraph=1)),
        Paragraph("后面的段落", Location(paragraph=3)),
    ]


def test_vml_text_box_and_table_inside_text_box():
    box = (
        "<w:r><w:pict><v:shape><v:textbox><w:txbxContent>"
        + p("框内说明")
        + "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>行政处罚</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>4</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        + "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )
    doc = read(body_xml(f"<w:p>{box}</w:p>" + p("正文")))
    assert doc.blocks == [
        Paragraph("框内说明", Location(box=1, paragraph=1)),
        Row([Cell("行政处罚", Location(table=1, row=1, cell=1)), Cell("4", Location(table=1, row=1, cell=2))],
            Location(table=1, row=1), 0),
        Paragraph("正文", Location(paragraph=2)),
    ]


def test_text_box_in_a_cell_joins_the_cell():
    xml = (
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>单元格</w:t></w:r>"
        + _text_box_drawing("框")
        + "</w:p></w:tc></w:tr></w:tbl>"
    )
    assert texts(read(body_xml(xml)).rows()[0]) == ["单元格\n框"]


def test_content_controls_are_transparent():
    sdt_par = f"<w:sdt><w:sdtPr><w:alias w:val='x'/></w:sdtPr><w:sdtContent>{p('控件中的段落')}</w:sdtContent></w:sdt>"
    cell = "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    table = (
        "<w:tbl><w:tr>" + cell.format("a")
        + "<w:sdt><w:sdtContent>" + cell.format("b") + "</w:sdtContent></w:sdt></w:tr>"
        "<w:sdt><w:sdtContent><w:tr>" + cell.format("c") + cell.format("d") + "</w:tr></w:sdtContent></w:sdt>"
        "</w:tbl>"
    )
    run_sdt = "<w:p><w:sdt><w:sdtContent><w:r><w:t>内联</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t>控件</w:t></w:r></w:p>"
    doc = read(body_xml(sdt_par + table + run_sdt))
    assert doc.blocks[0] == Paragraph("控件中的段落", Location(paragraph=1))
    assert [texts(r) for r in doc.rows()] == [["a", "b"], ["c", "d"]]
    assert doc.blocks[-1] == Paragraph("内联控件", Location(paragraph=2))


# ---------------------------------------------------------------------------------------------
# what is not printed: revisions, fields, hidden text


def test_tracked_changes_read_as_accepted():
    rev = 'w:id="{}" w:author="a" w:date="2022-01-01T00:00:00Z"'
    xml = (
        "<w:p><w:r><w:t>共收到申请</w:t></w:r>"
        f"<w:del {rev.format(1)}><w:r><w:delText>12</w:delText></w:r></w:del>"
        f"<w:ins {rev.format(2)}><w:r><w:t>15</w:t></w:r></w:ins>"
        "<w:r><w:t>件</w:t></w:r></w:p>"
        f"<w:p><w:moveFrom {rev.format(3)}><w:r><w:t>移走的</w:t></w:r></w:moveFrom><w:r><w:t>留下的</w:t></w:r></w:p>"
        f"<w:p><w:moveTo {rev.format(4)}><w:r><w:t>移来的</w:t></w:r></w:moveTo></w:p>"
        # a deleted paragraph mark: the two paragraphs are one once accepted
        f"<w:p><w:pPr><w:rPr><w:del {rev.format(5)}/></w:rPr></w:pPr><w:r><w:t>前半</w:t></w:r></w:p>"
        + p("后半")
        + "<w:tbl>"
        f"<w:tr><w:tc><w:p><w:r><w:t>保留行</w:t></w:r></w:p></w:tc></w:tr>"
        f"<w:tr><w:trPr><w:del {rev.format(6)}/></w:trPr><w:tc><w:p><w:r><w:t>删除行</w:t></w:r></w:p></w:tc></w:tr>"
        f"<w:tr><w:tc><w:p><w:ins {rev.format(7)}><w:r><w:t>新行</w:t></w:r></w:ins></w:p></w:tc>"
        f"<w:tc><w:tcPr><w:cellDel {rev.format(8)}/></w:tcPr><w:p><w:r><w:t>删除格</w:t></w:r></w:p></w:tc></w:tr>"
        "</w:tbl>"
    )
    doc = read(body_xml(xml))
    assert doc.paragraphs() == [
        Paragraph("共收到申请15件", Location(paragraph=1)),
        Paragraph("留下的", Location(paragraph=2)),
        Paragraph("移来的", Location(paragraph=3)),
        Paragraph("前半后半", Location(paragraph=4)),
    ]
    assert [(r.at, texts(r)) for r in doc.rows()] == [(Location(table=1, row=1), ["保留行"]), (Location(table=1, row=2), ["新行"])]


def test_field_codes_do_not_leak():
    xml = (
        "<w:p><w:r><w:t>第</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE \\* MERGEFORMAT </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>3</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "<w:r><w:t>页</w:t></w:r></w:p>"
        # a nested field in the instruction part of another: only the outer result is printed
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>IF </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>MERGEFIELD n</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>内层结果</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:instrText> = 1 "是" "否"</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>是</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        '<w:p><w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>6</w:t></w:r></w:fldSimple></w:p>'
    )
    doc = read(body_xml(xml))
    assert [b.text for b in doc.blocks] == ["第3页", "是", "6"]


def test_hidden_text_and_ruby_annotations_are_not_read():
    xml = (
        "<w:p><w:r><w:t>可见</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>"
        '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>也可见</w:t></w:r></w:p>'
        "<w:p><w:r><w:ruby><w:rt><w:r><w:t>zhù</w:t></w:r></w:rt>"
        "<w:rubyBase><w:r><w:t>注</w:t></w:r></w:rubyBase></w:ruby></w:r></w:p>"
        # a tab stop in the paragraph properties is not a tab character
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>无制表符</w:t></w:r></w:p>'
    )
    assert [b.text for b in read(body_xml(xml)).blocks] == ["可见也可见", "注", "无制表符"]


# ---------------------------------------------------------------------------------------------
# the official template


@pytest.fixture(scope="module")
def template():
    if not TEMPLATE.exists():
        pytest.skip(f"official template not found at {TEMPLATE}")
    return read(TEMPLATE.read_bytes())


def test_template_tables(template):
    rows = template.rows()
    assert sorted({r.table for r in rows}) == [0, 1, 2]
    by_table = {t: [r for r in rows if r.table == t] for t in (0, 1, 2)}
    assert [len(v) for v in by_table.values()] == [14, 28, 4]
    t3 = by_table[1]
    assert texts(t3[0]) == ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"]
    assert texts(t3[1]) == ["", "自然人", "法人或其他组织", "总计"]
    assert texts(t3[2]) == ["", "", "商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他", ""]
    assert texts(t3[3]) == ["一、本年新收政府信息公开申请数量"] + [""] * 7
    assert texts(t3[5]) == ["三、本年度办理结果", "（一）予以公开"] + [""] * 7
    assert texts(t3[7]) == ["", "（三）不予公开", "1.属于国家秘密"] + [""] * 7
    assert texts(t3[8]) == ["", "", "2.其他法律行政法规禁止公开"] + [""] * 7
    assert texts(t3[26]) == ["", "（七）总计"] + [""] * 7
    assert texts(t3[27]) == ["四、结转下年度继续办理"] + [""] * 7
    assert t3[7].at == Location(table=2, row=8)
    assert t3[7].cells[2].at == Location(table=2, row=8, cell=3)
    t2 = by_table[0]
    assert texts(t2[0]) == ["第二十条第（一）项"]
    assert texts(t2[5]) == ["信息内容", "本年处理决定数量"]
    assert texts(t2[9]) == ["行政处罚", ""]
    t4 = by_table[2]
    assert texts(t4[0]) == ["行政复议", "行政诉讼"]
    assert len(t4[2].cells) == 15 and len(t4[3].cells) == 15
    assert texts(t4[2])[5:8] == ["结果\n维持", "结果\n纠正", "其他\n结果"]


def test_template_paragraphs(template):
    assert [b.text for b in template.paragraphs()] == [
        "政府信息公开工作年度报告格式模板", "一、总体情况", "（文字描述）", "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况", "（文字描述）", "六、其他需要报告的事项",
        "（文字描述，收取信息处理费情况在此处报告。）",
    ]


# ---------------------------------------------------------------------------------------------
# archives that are not (safe) Word documents


def test_dispatch_by_content():
    d = pydocx.Document()
    d.add_paragraph("正文")
    doc = read_bytes(save(d), "report.bin")
    assert doc.source.format == "docx"
    assert doc.blocks == [Paragraph("正文", Location(paragraph=1))]


def test_empty_file():
    with pytest.raises(ReadError) as err:
        read(b"")
    assert err.value.reason == "empty"
    with pytest.raises(ReadError) as err:
        read_bytes(b"")
    assert err.value.reason == "empty"


def test_corrupt_zip():
    d = pydocx.Document()
    d.add_paragraph("正文")
    data = save(d)
    for broken in (data[: len(data) // 2], b"PK\x03\x04" + b"\x00" * 100):
        with pytest.raises(ReadError) as err:
            read_bytes(broken, "a.docx")
        assert err.value.reason == "corrupt"
        assert err.value.zh == "文件已损坏，无法作为 Word 文档打开"


def test_corrupt_member_data():
    d = pydocx.Document()
    d.add_paragraph("正文" * 200)
    data = bytearray(save(d))
    # damage the compressed bytes of word/document.xml: the CRC check fails on reading
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 10, start + 40):
        data[i] ^= 0x55
    with pytest.raises(ReadError) as err:
        read(bytes(data))
    assert err.value.reason == "corrupt"


def test_malformed_xml():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document xmlns:w='x'><w:body><w:p>")
    with pytest.raises(ReadError) as err:
        read(buf.getvalue())
    assert err.value.reason == "corrupt"


def test_zip_that_is_not_word():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "not a document")
    with pytest.raises(ReadError) as err:
        read_bytes(buf.getvalue(), "report.docx")
    assert err.value.reason == "not-word"
    assert "不是 Word 文档" in err.value.zh

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ReadError) as err:
        read(buf.getvalue())
    assert err.value.reason == "not-word"
    assert "Excel" in err.value.zh


def test_main_part_found_through_relationships():
    d = pydocx.Document()
    d.add_paragraph("正文")
    src = zipfile.ZipFile(io.BytesIO(save(d)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for info in src.infolist():
            data = src.read(info)
            name = info.filename
            if name == "word/document.xml":
                name = "word/main.xml"
            elif name == "_rels/.rels":
                data = data.replace(b"word/document.xml", b"word/main.xml")
            zf.writestr(name, data)
    assert read(buf.getvalue()).blocks == [Paragraph("正文", Location(paragraph=1))]


def _zip_with(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb_ratio_refused_before_decompressing():
    d = pydocx.Document()
    d.add_paragraph("正文")
    members = {i.filename: zipfile.ZipFile(io.BytesIO(save(d))).read(i) for i in
               zipfile.ZipFile(io.BytesIO(save(d))).infolist()}
    members["word/media/padding.bin"] = b"\x00" * (20 * 1024 * 1024)  # deflates about 1000 : 1
    data = _zip_with(members)
    assert len(data) < 200_000
    with pytest.raises(LimitExceeded) as err:
        read_bytes(data, "bomb.docx")
    assert err.value.reason == "limit"
    assert "压缩" in err.value.zh


def test_zip_declared_size_too_large():
    """A central directory that declares a huge member is refused from the declaration alone."""
    data = bytearray(_zip_with({"word/document.xml": b"<x/>", "word/big.bin": b"abc"}))
    at = data.rfind(b"PK\x01\x02")  # central header of the last member
    struct.pack_into("<I", data, at + 24, 0xFFFFFFF0)  # uncompressed size
    with pytest.raises(LimitExceeded) as err:
        read(bytes(data))
    assert err.value.reason == "limit"
    # a small limit on the total size applies too
    d = pydocx.Document()
    with pytest.raises(LimitExceeded):
        read(save(d), Limits(max_decompressed_bytes=1000))


def test_encrypted_zip_member():
    data = bytearray(_zip_with({"word/document.xml": b"<x/>"}))
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    data[local + 6] |= 1  # general purpose flag: encrypted
    data[central + 8] |= 1
    with pytest.raises(ReadError) as err:
        read(bytes(data))
    assert err.value.reason == "encrypted"


def test_password_protected_docx_is_an_ole_container():
    data = (DATA / "encrypted.docx").read_bytes()
    with pytest.raises(ReadError) as err:
        read(data)
    assert err.value.reason == "encrypted"
    assert "加密" in err.value.zh
    with pytest.raises(ReadError) as err:  # dispatched to the legacy reader, which says the same
        read_bytes(data, "report.docx")
    assert err.value.reason == "encrypted"


def test_entities_are_not_expanded():
    lol = (
        '<?xml version="1.0"?><!DOCTYPE w:document ['
        '<!ENTITY a "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
        '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">'
        '<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
        '<!ENTITY x SYSTEM "file:///etc/passwd">'
        f']><w:document xmlns:w="{W}"><w:body>'
        "<w:p><w:r><w:t>前&f;后</w:t></w:r></w:p><w:p><w:r><w:t>外部&x;实体</w:t></w:r></w:p>"
        "</w:body></w:document>"
    )
    data = _zip_with({"word/document.xml": lol.encode()})
    with pytest.raises(ReadError) as err:  # Word never writes a DTD: refused, nothing expanded
        read(data)
    assert err.value.reason == "corrupt"


def test_block_limit():
    d = pydocx.Document()
    for i in range(30):
        d.add_paragraph(f"第{i}段")
    with pytest.raises(LimitExceeded):
        read(save(d), Limits(max_blocks=10))


def test_strict_ooxml_namespace():
    strict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    xml = (f'<w:document xmlns:w="{strict}"><w:body>{p("严格格式")}'
           "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>格</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
           "</w:body></w:document>")
    doc = read(_zip_with({"word/document.xml": xml.encode()}))
    assert [b.text if isinstance(b, Paragraph) else texts(b) for b in doc.blocks] == ["严格格式", ["格"]]
