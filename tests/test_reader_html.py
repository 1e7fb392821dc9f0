"""The HTML reader: real portal page, spans, charsets, page furniture, limits.

Expected values are written by hand from the pages (the real one, or the small pages below).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from gongkai.document import Document, Paragraph, Row
from gongkai.errors import ReadError
from gongkai.limits import Limits
from gongkai.location import Location
from gongkai.readers import read_bytes, sniff

CORPUS = Path(__file__).parents[1].parent / "shared/corpus/dev"
PINGTAN = CORPUS / "pingtan-2019.html"
FIXTURES = Path(__file__).parent / "data" / "html"


def grid(at: Location) -> tuple[int | None, int | None, int | None]:
    """Where in the tables a location is (a web page's table cells also carry their source line)."""
    return at.table, at.row, at.cell


def read_html(page: str | bytes, encoding: str = "utf-8", limits: Limits | None = None) -> Document:
    data = page.encode(encoding) if isinstance(page, str) else page
    if limits is None:
        return read_bytes(data, "page.html")
    return read_bytes(data, "page.html", limits)


def row_texts(doc: Document) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in doc.rows()]


def after_label(doc: Document, label: str) -> list[str]:
    """The cells after the cell whose text is ``label`` (first such row)."""
    for cells in row_texts(doc):
        if label in cells:
            return cells[cells.index(label) + 1:]
    raise AssertionError(f"no row labelled {label!r}")


def all_text(doc: Document) -> str:
    parts = []
    for b in doc.blocks:
        parts.append(b.text if isinstance(b, Paragraph) else "\t".join(c.text for c in b.cells))
    return "\n".join(parts)


def page(body: str, head: str = '<meta charset="utf-8"><title>测试页面</title>') -> str:
    return f"<!DOCTYPE html>\n<html>\n<head>{head}</head>\n<body>\n{body}\n</body>\n</html>\n"


# ----------------------------------------------------------------------------- the real page


@pytest.fixture(scope="module")
def pingtan() -> Document:
    if not PINGTAN.exists():
        pytest.skip("shared corpus not available")
    return read_bytes(PINGTAN.read_bytes(), str(PINGTAN))


def test_pingtan_is_sniffed_as_html() -> None:
    if not PINGTAN.exists():
        pytest.skip("shared corpus not available")
    assert sniff(PINGTAN.read_bytes(), PINGTAN.name) == "html"


def test_pingtan_table_three_rows(pingtan: Document) -> None:
    assert pingtan.source.format == "html"
    assert pingtan.source.encoding == "utf-8"
    assert after_label(pingtan, "一、本年新收政府信息公开申请数量") == ["23", "0", "0", "0", "0", "0", "23"]
    assert after_label(pingtan, "二、上年结转政府信息公开申请数量") == ["0"] * 7
    assert after_label(pingtan, "（一）予以公开") == ["7", "0", "0", "0", "0", "0", "7"]
    assert after_label(pingtan, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == ["1", "0", "0", "0", "0", "0", "1"]
    assert after_label(pingtan, "（七）总计") == ["23", "0", "0", "0", "0", "0", "23"]
    assert after_label(pingtan, "四、结转下年度继续办理") == ["0"] * 7
    # 三、本年度办理结果 spans rows: the rows below it start with an empty covered cell
    assert ["", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "1", "0", "0", "0", "0", "0", "1"] \
        in row_texts(pingtan)
    assert ["", "", "2.重复申请", "3", "0", "0", "0", "0", "0", "3"] in row_texts(pingtan)


def test_pingtan_table_three_header_grid(pingtan: Document) -> None:
    rows = row_texts(pingtan)
    corner = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    i = rows.index([corner, "申请人情况"])
    assert rows[i + 1] == ["", "自然人", "法人或其他组织", "总计"]
    assert rows[i + 2] == ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]


def test_pingtan_tables_two_and_four(pingtan: Document) -> None:
    assert after_label(pingtan, "规范性文件") == ["89", "89", "89"]
    assert after_label(pingtan, "行政许可") == ["396", "0", "181"]
    assert after_label(pingtan, "行政处罚") == ["2648", "0", "430"]
    assert after_label(pingtan, "行政事业性收费") == ["35", "0"]
    assert after_label(pingtan, "政府集中采购") == ["135", "75394432.52元"]
    assert ["信息内容", "本年新\n制作数量", "本年新\n公开数量", "对外公开总数量"] in row_texts(pingtan)
    assert ["0"] * 15 in row_texts(pingtan)  # table 四: one row of 15 numbers


def test_pingtan_tables_numbered_and_located(pingtan: Document) -> None:
    rows = pingtan.rows()
    assert sorted({r.table for r in rows}) == [0, 1, 2]
    assert all(r.complete for r in rows)
    first = rows[0]
    assert grid(first.at) == (1, 1, None)
    assert grid(first.cells[0].at) == (1, 1, 1)
    new = next(r for r in rows if r.cells[0].text == "一、本年新收政府信息公开申请数量")
    assert grid(new.at) == (2, 4, None)
    assert grid(new.cells[7].at) == (2, 4, 8)


def test_pingtan_paragraphs_in_order(pingtan: Document) -> None:
    paras = [p.text for p in pingtan.paragraphs()]
    assert paras[0] == "平潭综合实验区2019年"
    assert paras[1] == "政府信息公开工作年度报告"
    order = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
             "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert [paras.index(h) for h in order] == sorted(paras.index(h) for h in order)
    assert paras[-1] == "无其他需要报告的事项"
    assert pingtan.paragraphs()[0].at.paragraph == 1 and pingtan.paragraphs()[0].at.line is not None
    # the heading of 三 comes right before table 三's first row
    blocks = pingtan.blocks
    i = next(k for k, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text == order[2])
    assert isinstance(blocks[i + 1], Row) and blocks[i + 1].table == 1


def test_pingtan_no_page_furniture(pingtan: Document) -> None:
    text = all_text(pingtan)
    # header, breadcrumb, sidebar, footer, and the CMS controls around the text
    for junk in ("省人大", "省政协", "福州市政府网站", "信用中国", "政府信息公开年报", "文字解读", "当前位置",
                 "闽政通APP", "网站标识码", "闽ICP备", "友情链接", "主办单位", "扫一扫在手机上查看当前页面",
                 "文件下载", "全真版", "相关链接", "分享到", "关闭"):
        assert junk not in text, junk


def test_pingtan_meta(pingtan: Document) -> None:
    assert pingtan.meta["title"] == "平潭综合实验区2019年度政府信息公开工作年度报告_政府信息公开年报_平潭综合实验区党工委管委会"
    assert pingtan.meta["标题"] == "平潭综合实验区2019年度政府信息公开工作年度报告"
    assert pingtan.meta["发布时间"] == "2020-01-20 15:22"
    assert pingtan.meta["原文链接"].endswith("t20200120_80576.htm")


# ----------------------------------------------------------------------------- spans

TABLE_THREE = """
<p>三、收到和处理政府信息公开申请情况</p>
<table border="1" cellspacing="0">
<tr><td colspan="3" rowspan="3"><p>（本列数据的勾稽关系为：第一项加第二项之和，</p><p>等于第三项加第四项之和）</p></td>
    <td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td>
    <td>12</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>13</td></tr>
<tr><td colspan="3">二、上年结转政府信息公开申请数量</td>
    <td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td rowspan="3">三、本年度办理结果</td><td colspan="2">（一）予以公开</td>
    <td>5</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>6</td></tr>
<tr><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td>
    <td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td>2.其他法律行政法规禁止公开</td>
    <td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
<tr><td colspan="3">四、结转下年度继续办理</td>
    <td>6</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>6</td></tr>
</table>
"""


def test_table_three_header_resolved_like_word() -> None:
    doc = read_html(page(TABLE_THREE))
    rows = row_texts(doc)
    assert rows[0] == ["（本列数据的勾稽关系为：第一项加第二项之和，\n等于第三项加第四项之和）", "申请人情况"]
    assert rows[1] == ["", "自然人", "法人或其他组织", "总计"]
    assert rows[2] == ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]
    assert rows[3] == ["一、本年新收政府信息公开申请数量", "12", "1", "0", "0", "0", "0", "13"]
    assert rows[5] == ["三、本年度办理结果", "（一）予以公开", "5", "1", "0", "0", "0", "0", "6"]
    assert rows[6] == ["", "（三）不予公开", "1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0"]
    assert rows[7] == ["", "", "2.其他法律行政法规禁止公开", "1", "0", "0", "0", "0", "0", "1"]
    assert rows[8] == ["四、结转下年度继续办理", "6", "0", "0", "0", "0", "0", "6"]
    assert doc.paragraphs()[0].text == "三、收到和处理政府信息公开申请情况"
    r3 = doc.rows()[2]
    assert grid(r3.at) == (1, 3, None)
    assert [grid(c.at) for c in r3.cells][:3] == [(1, 3, 1), (1, 3, 2), (1, 3, 3)]
    assert r3.table == 0 and r3.complete


def test_rowspan_edge_cases() -> None:
    doc = read_html(page("""
<table>
<tr><td>a</td><td rowspan="0">b</td><td>c</td></tr>
<tr><td>d</td><td>e</td></tr>
<tr><td>f</td><td>g</td></tr>
<tr><td colspan="junk" rowspan="-1">h</td><td rowspan="99999">i</td><td>j</td></tr>
<tr><td>k</td></tr>
</table>"""))
    assert row_texts(doc) == [
        ["a", "b", "c"], ["d", "", "e"], ["f", "", "g"], ["h", "", "i", "j"], ["k", "", ""],
    ]


def test_trailing_rowspan_cell_gets_empty_cell() -> None:
    doc = read_html(page("""
<table><tr><td>行政复议</td><td rowspan="2">总计</td></tr><tr><td>0</td></tr></table>"""))
    assert row_texts(doc) == [["行政复议", "总计"], ["0", ""]]


# ----------------------------------------------------------------------------- cell text


def test_nbsp_br_and_paragraphs_in_cells() -> None:
    doc = read_html(page("""
<table>
<tr><td>&nbsp;</td><td><p>&nbsp;1&nbsp;</p></td><td>本年新<br>制作数量</td><td><p>本年新</p><p>公开数量</p></td></tr>
<tr><td>结果&nbsp;&nbsp;维持</td><td>\u3000\u3000总计</td><td><span>2</span><span>3</span></td>
    <td><p><span style="font-family:仿宋">行政</span><span>许可</span></p></td></tr>
</table>"""))
    assert row_texts(doc) == [
        ["", "1", "本年新\n制作数量", "本年新\n公开数量"],
        ["结果 维持", "总计", "23", "行政许可"],
    ]


def test_empty_rows_are_dropped_but_keep_their_number() -> None:
    doc = read_html(page("<table><tr><td>a</td><td>1</td></tr><tr><td> </td><td>&nbsp;</td></tr>"
                         "<tr><td>b</td><td>2</td></tr></table>"))
    assert [grid(r.at) for r in doc.rows()] == [(1, 1, None), (1, 3, None)]


# ----------------------------------------------------------------------------- nested tables


def test_layout_table_around_report_is_read_as_text() -> None:
    doc = read_html(page("""
<table width="100%"><tr><td>
  <p>一、总体情况</p>
  <p>本年度共收到申请5件。</p>
  <table border="1">
    <tr><td>信息内容</td><td>本年制发件数</td></tr>
    <tr><td>规章</td><td>0</td></tr>
  </table>
  <p>五、存在的主要问题及改进情况</p>
</td></tr></table>"""))
    assert [p.text for p in doc.paragraphs()] == ["一、总体情况", "本年度共收到申请5件。", "五、存在的主要问题及改进情况"]
    assert row_texts(doc) == [["信息内容", "本年制发件数"], ["规章", "0"]]
    assert grid(doc.rows()[0].at) == (1, 1, None) and doc.rows()[0].table == 0


def test_table_in_a_data_cell_follows_its_row() -> None:
    doc = read_html(page("""
<table border="1">
<tr><td>行政复议</td><td>行政诉讼</td><td>说明</td></tr>
<tr><td>0</td><td><table><tr><td>维持</td><td>纠正</td></tr><tr><td>1</td><td>2</td></tr></table></td><td>无</td></tr>
<tr><td>总计</td><td>3</td><td>-</td></tr>
</table>"""))
    rows = doc.rows()
    assert [[c.text for c in r.cells] for r in rows] == [
        ["行政复议", "行政诉讼", "说明"], ["0", "", "无"], ["维持", "纠正"], ["1", "2"], ["总计", "3", "-"],
    ]
    assert [r.table for r in rows] == [0, 0, 1, 1, 0]
    assert grid(rows[2].at) == (2, 1, None)


def test_table_nesting_limit() -> None:
    deep = "<table><tr><td>" * 40 + "x" + "</td></tr></table>" * 40
    with pytest.raises(ReadError) as err:
        read_html(page(deep))
    assert err.value.reason == "limit"
    assert "表格嵌套" in err.value.zh
    ok = "<table><tr><td>" * 5 + "申请<table><tr><td>a</td><td>1</td></tr></table>" + "</td></tr></table>" * 5
    assert row_texts(read_html(page(ok))) == [["a", "1"]]


# ----------------------------------------------------------------------------- charsets

GB_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset={label}">
<title>某县2019年政府信息公开工作年度报告</title></head><body>
<div id="zoom"><p>一、总体情况</p><p>朱镕基同志题词的“喆”字不在GB2312中。</p>
<table><tr><td>一、本年新收政府信息公开申请数量</td><td>3</td></tr></table></div></body></html>"""


def test_gbk_page_with_meta_charset_gb2312() -> None:
    doc = read_html(GB_PAGE.format(label="gb2312"), "gb18030")
    assert doc.source.encoding == "gb18030"
    assert doc.meta["title"] == "某县2019年政府信息公开工作年度报告"
    assert [p.text for p in doc.paragraphs()] == ["一、总体情况", "朱镕基同志题词的“喆”字不在GB2312中。"]
    assert after_label(doc, "一、本年新收政府信息公开申请数量") == ["3"]


def test_page_labelled_utf8_that_is_gbk() -> None:
    doc = read_html(GB_PAGE.format(label="utf-8"), "gbk")
    assert doc.source.encoding == "gb18030"
    assert doc.paragraphs()[1].text == "朱镕基同志题词的“喆”字不在GB2312中。"
    assert doc.meta["title"] == "某县2019年政府信息公开工作年度报告"


def test_gbk_page_without_label_and_with_western_label() -> None:
    unlabelled = GB_PAGE.replace('<meta http-equiv="Content-Type" content="text/html; charset={label}">', "")
    assert read_html(unlabelled, "gb18030").paragraphs()[0].text == "一、总体情况"
    western = read_html(GB_PAGE.format(label="iso-8859-1"), "gb18030")
    assert western.paragraphs()[0].text == "一、总体情况"


def test_page_labelled_gbk_that_is_utf8() -> None:
    doc = read_html(GB_PAGE.format(label="gbk"), "utf-8")
    assert doc.source.encoding == "utf-8"
    assert doc.paragraphs()[0].text == "一、总体情况"


def test_utf8_page_with_a_broken_character_stays_utf8() -> None:
    good = page('<div id="content"><p>一、总体情况</p><p>本机关共收到政府信息公开申请12件。</p></div>',
                head='<meta charset="utf-8"><meta name="description" content="DESC">').encode("utf-8")
    broken = good.replace(b"DESC", "政府信息公开".encode()[:-1])  # cut in the middle of a character
    doc = read_bytes(broken, "page.html")
    assert doc.source.encoding == "utf-8"
    assert [p.text for p in doc.paragraphs()] == ["一、总体情况", "本机关共收到政府信息公开申请12件。"]


def test_utf16_page_with_bom() -> None:
    data = page("<p>一、总体情况</p><p>二、主动公开政府信息情况</p>").encode("utf-16")  # with a BOM
    doc = read_bytes(data, "page.html")
    assert doc.source.format == "html"
    assert [p.text for p in doc.paragraphs()] == ["一、总体情况", "二、主动公开政府信息情况"]


# ----------------------------------------------------------------------------- portal pages

PORTAL = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>某某县2023年政府信息公开工作年度报告_年度报告_某某县人民政府</title>
<script>var report = "一、本年新收政府信息公开申请数量 999";</script>
<style>.nav {{ color: red }}</style></head>
<body>
<div class="top-bar"><a href="/">无障碍</a> <a href="/old">长者模式</a></div>
<div class="{header}"><ul class="{nav}"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
  <li><a href="/zfxxgk">政府信息公开</a></li><li><a href="/ysqgk">依申请公开</a></li></ul>
  <form action="/search"><input name="q"><button>搜索</button>全站搜索</form></div>
<div class="{crumb}">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/nb">年度报告</a></div>
<div class="w1200">
  <div class="left-col"><h3>热点信息</h3><ul><li><a href="/1">县长主持召开常务会议</a></li>
    <li><a href="/2">关于开展安全生产检查的通知</a></li><li><a href="/3">2022年政府信息公开工作年度报告</a></li></ul></div>
  <div class="right-col">
    <h1 class="article-title">某某县2023年政府信息公开工作年度报告</h1>
    <div class="article-info">发布时间：2024-01-20 09:30 来源：县政府办公室 浏览次数：<span id="hits">12</span></div>
    <div class="article-body" id="{zoom}">
      <p style="text-indent:2em">根据《中华人民共和国政府信息公开条例》规定，现公布本县2023年政府信息公开工作年度报告。</p>
      <p>一、总体情况</p>
      <p>2023年，本县深入推进政务公开，主动公开政府信息1200条，全年收到政府信息公开申请8件。</p>
      <p>二、主动公开政府信息情况</p>
      <table border="1"><tr><td colspan="4">第二十条第（一）项</td></tr>
        <tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
        <tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>
        <tr><td>行政规范性文件</td><td>5</td><td>1</td><td>40</td></tr></table>
      <p>三、收到和处理政府信息公开申请情况</p>
      <table border="1"><tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>8</td><td>0</td><td>0</td>
        <td>0</td><td>0</td><td>0</td><td>8</td></tr></table>
      <p>四、政府信息公开行政复议、行政诉讼情况</p>
      <p>五、存在的主要问题及改进情况</p><p>一是公开内容不够全面；二是解读形式较为单一。</p>
      <p>六、其他需要报告的事项</p><p>本年度未收取信息处理费。</p>
    </div>
    <div class="{share}">分享到：<a href="#">微信</a><a href="#">微博</a><a href="#">QQ空间</a></div>
    <div class="print"><a href="javascript:print()">【打印本页】</a> <a href="javascript:close()">【关闭窗口】</a></div>
  </div>
</div>
<div class="{footer}"><p><a href="/about">关于我们</a> | <a href="/map">网站地图</a> | <a href="/contact">联系我们</a></p>
<p>主办单位：某某县人民政府办公室 地址：某某县人民路1号 邮编：123456</p>
<p>网站标识码：1234567890 某ICP备12345678号 公网安备 12345678901234号</p></div>
<script>document.write("访问量统计");</script>
</body></html>
"""

PORTAL_JUNK = ("无障碍", "首页", "长者模式", "依申请公开", "全站搜索", "当前位置", "热点信息", "县长主持召开常务会议",
               "分享到", "微信", "打印本页", "关闭窗口", "关于我们", "主办单位", "网站标识码", "ICP备", "访问量统计",
               "999", "浏览次数")


def check_portal(doc: Document) -> None:
    paras = [p.text for p in doc.paragraphs()]
    assert paras[0] == "某某县2023年政府信息公开工作年度报告"  # the heading printed outside the text
    assert paras[1].startswith("根据《中华人民共和国政府信息公开条例》规定")
    assert paras[-1] == "本年度未收取信息处理费。"
    assert after_label(doc, "行政规范性文件") == ["5", "1", "40"]
    assert after_label(doc, "一、本年新收政府信息公开申请数量") == ["8", "0", "0", "0", "0", "0", "8"]
    text = all_text(doc)
    for junk in PORTAL_JUNK:
        assert junk not in text, junk
    assert doc.meta["title"] == "某某县2023年政府信息公开工作年度报告_年度报告_某某县人民政府"
    assert doc.meta["发布时间"] == "2024-01-20 09:30"


def test_portal_page_with_named_furniture() -> None:
    check_portal(read_html(PORTAL.format(header="header", nav="nav", crumb="breadcrumb", zoom="zoom",
                                         share="share", footer="footer")))


def test_portal_page_without_telling_names() -> None:
    # the same page, every class name meaningless: text density and the report's tables decide
    check_portal(read_html(PORTAL.format(header="h1x", nav="u2", crumb="c3", zoom="z4", share="s5", footer="f6")))


def test_portal_page_with_html5_furniture() -> None:
    html5 = PORTAL.format(header="a", nav="b", crumb="c", zoom="d", share="e", footer="f")
    html5 = html5.replace('<div class="a">', "<header>", 1).replace("</form></div>", "</form></header>", 1)
    html5 = html5.replace('<div class="f">', "<footer>", 1).replace("号</p></div>", "号</p></footer>", 1)
    check_portal(read_html(html5))


def test_misleading_names_do_not_hide_the_report() -> None:
    doc = read_html(page("""
<div class="nav"><a href="/">首页</a><a href="/a">机构</a><a href="/b">公开</a></div>
<div class="header-wrap"><div class="page-head-content">
  <p>一、总体情况</p><p>本年度主动公开信息300条，收到申请2件。</p>
  <table><tr><td>一、本年新收政府信息公开申请数量</td><td>2</td></tr><tr><td>（七）总计</td><td>2</td></tr></table>
</div></div>"""))
    assert after_label(doc, "一、本年新收政府信息公开申请数量") == ["2"]
    assert "一、总体情况" in [p.text for p in doc.paragraphs()]


def test_aspnet_form_around_the_page() -> None:
    doc = read_html(page("""
<form id="form1" method="post" action="./show.aspx"><input type="hidden" name="__VIEWSTATE" value="abc">
<div class="menu"><a href="/">首页</a><a href="/x">新闻</a><a href="/y">公开</a></div>
<div id="content"><p>一、总体情况</p><p>本机关2020年主动公开政府信息56条，收到政府信息公开申请3件，均按时答复。</p>
<table><tr><td>信息内容</td><td>本年新制作数量</td></tr><tr><td>规章</td><td>0</td></tr></table></div>
<div id="foot">版权所有 某某局</div>
</form>"""))
    assert [p.text for p in doc.paragraphs()][:1] == ["一、总体情况"]
    assert after_label(doc, "规章") == ["0"]
    assert "版权所有" not in all_text(doc) and "首页" not in all_text(doc)


def test_old_table_layout_site() -> None:
    long = ("本乡通过政府网站、公开栏、村务公开栏等渠道主动公开各类信息，及时更新机构职能、领导分工、财政预决算、惠民资金发放等内容，"
            "方便群众查阅。") * 3
    doc = read_html(page("""
<table width="980"><tr><td colspan="2"><img src="banner.jpg"></td></tr>
<tr><td width="200" valign="top">
  <table><tr><td><a href="/1">机构概况</a></td></tr><tr><td><a href="/2">政策文件</a></td></tr>
  <tr><td><a href="/3">依申请公开</a></td></tr><tr><td><a href="/4">年度报告</a></td></tr></table>
</td><td valign="top">
  <p align="center"><b>某某乡2020年政府信息公开工作年度报告</b></p>
  <p>一、总体情况</p><p>本乡严格落实《条例》要求，全年主动公开信息150条，未收到政府信息公开申请。</p>
  <p>（一）主动公开。{long}</p>
  <table border="1"><tr><td>行政复议</td><td>行政诉讼</td></tr><tr><td>0</td><td>0</td></tr></table>
  <p>六、其他需要报告的事项</p><p>无。</p>
</td></tr>
<tr><td colspan="2" align="center">Copyright 某某乡人民政府 技术支持：某某网络公司 电话：0000-1234567</td></tr>
</table>""".replace("{long}", long)))
    paras = [p.text for p in doc.paragraphs()]
    assert paras[0] == "某某乡2020年政府信息公开工作年度报告"
    assert paras[-1] == "无。"
    assert row_texts(doc) == [["行政复议", "行政诉讼"], ["0", "0"]]
    text = all_text(doc)
    for junk in ("机构概况", "依申请公开", "Copyright", "技术支持"):
        assert junk not in text, junk


# ----------------------------------------------------------------------------- paragraphs


def test_br_lines_headings_lists_and_pre() -> None:
    doc = read_html(page("""<div id="zoom">
<h2>某局2021年政府信息公开工作年度报告</h2>
<div>一、总体情况<br>（一）主动公开<br/>全年公开信息<b>88</b>条。</div>
<ul><li>1.加强组织领导</li><li>2.完善制度</li></ul>
<pre>六、其他需要报告的事项
本年度未收取信息处理费。</pre>
</div>"""))
    assert [p.text for p in doc.paragraphs()] == [
        "某局2021年政府信息公开工作年度报告", "一、总体情况", "（一）主动公开", "全年公开信息88条。",
        "1.加强组织领导", "2.完善制度", "六、其他需要报告的事项", "本年度未收取信息处理费。",
    ]


def test_paragraph_at_has_source_line() -> None:
    doc = read_html("<html><body>\n<p>一、总体情况</p>\n\n<p>二、主动公开政府信息情况</p>\n</body></html>")
    assert [p.at for p in doc.paragraphs()] == [Location(line=2, paragraph=1), Location(line=4, paragraph=2)]


def test_css_table_keeps_its_text() -> None:
    doc = read_html(page("""
<div style="display:table">
  <div style="display:table-row"><div style="display:table-cell">一、本年新收政府信息公开申请数量</div>
    <div style="display:table-cell">4</div><div style="display:table-cell">0</div></div>
  <div style="display:table-row"><div style="display:table-cell">（七）总计</div>
    <div style="display:table-cell">4</div><div style="display:table-cell">0</div></div>
</div>"""))
    assert [p.text for p in doc.paragraphs()] == ["一、本年新收政府信息公开申请数量", "4", "0", "（七）总计", "4", "0"]
    assert doc.rows() == []


def test_scripts_styles_and_comments_never_show() -> None:
    doc = read_html(page("""<div><p>一、总体情况<!-- 注释：不要显示 --></p>
<script type="text/javascript">var x = "脚本文字";</script><style>p { color: red }</style>
<noscript>请启用脚本</noscript><p>正文<select><option>选项文字</option></select>继续</p></div>"""))
    assert [p.text for p in doc.paragraphs()] == ["一、总体情况", "正文继续"]


def test_unclosed_inline_tags_nesting_deep() -> None:
    body = "<p>一、总体情况</p>" + "<font size=3>" * 400 + "本年度收到申请7件。" + "<p>二、主动公开政府信息情况</p>"
    doc = read_html(page(body))
    assert [p.text for p in doc.paragraphs()] == ["一、总体情况", "本年度收到申请7件。", "二、主动公开政府信息情况"]


def test_deep_div_nesting_is_refused_not_recursed() -> None:
    deep = "<div>" * 5000 + "申请" + "</div>" * 5000
    with pytest.raises(ReadError) as err:
        read_html(page(deep))
    assert err.value.reason == "limit"
    assert "嵌套过深" in err.value.zh


def test_block_limit() -> None:
    many = "".join(f"<p>第{i}段</p>" for i in range(50))
    with pytest.raises(ReadError) as err:
        read_html(page(many), limits=Limits(max_blocks=20))
    assert err.value.reason == "limit"


def test_attachment_links_in_meta() -> None:
    doc = read_html(page("""<div id="zoom"><p>某某局2022年政府信息公开工作年度报告全文见附件。</p>
<p>附件：<a href="/files/P020230120.pdf">某某局2022年政府信息公开工作年度报告.pdf</a></p>
<p><a href="/files/table.xls?id=3">统计表</a> <a href="/other.html">相关阅读</a></p></div>"""))
    assert doc.meta["附件"] == "/files/P020230120.pdf\n/files/table.xls?id=3"
    assert [p.text for p in doc.paragraphs()][1] == "附件：某某局2022年政府信息公开工作年度报告.pdf"


# ----------------------------------------------------------------------------- refusals


def test_page_whose_content_is_in_a_frame() -> None:
    with pytest.raises(ReadError) as err:
        read_html(page('<div class="nav"><a href="/">首页</a></div><iframe src="/report/2023.html"></iframe>'))
    assert err.value.reason == "empty"
    assert "框架" in err.value.zh



@pytest.mark.parametrize("body", [
    "",
    "<script>var a = '一、总体情况';</script><style>p{}</style>",
    "<div class='nav'></div><p>   &nbsp; \u3000</p>",
])
def test_empty_page(body: str) -> None:
    with pytest.raises(ReadError) as err:
        read_html(page(body))
    assert err.value.reason == "empty"
    assert "没有" in err.value.zh


def test_empty_bytes() -> None:
    with pytest.raises(ReadError) as err:
        read_bytes(b"  \n ", "page.html", fmt="html")
    assert err.value.reason == "empty"


def test_page_of_images_only() -> None:
    with pytest.raises(ReadError) as err:
        read_html(page('<div id="content"><p><img src="1.jpg"></p><p><img src="2.jpg"></p></div>'))
    assert err.value.reason == "scanned"
    assert "图片" in err.value.zh


def test_binary_garbage_with_html_tag() -> None:
    garbage = random.Random(20240101).randbytes(6000)
    data = b"<html><body>" + garbage + b"</body></html>"
    assert sniff(data, "x.html") == "html"
    with pytest.raises(ReadError) as err:
        read_bytes(data, "x.html")
    assert err.value.reason == "binary"
    assert "二进制" in err.value.zh


def test_sniffing_sends_html_to_this_reader() -> None:
    assert sniff(b"<!DOCTYPE html>\n<html><body><p>x</p></body></html>") == "html"
    assert sniff(GB_PAGE.format(label="gb2312").encode("gb18030")) == "html"
    assert sniff("<table><tr><td>规章</td><td>0</td></tr></table>".encode()) == "html"
    assert sniff("一、总体情况\n二、主动公开政府信息情况\n".encode()) == "text"
    # Markdown from a PDF converter with a table written as HTML: text around it, nothing else of a page
    assert sniff("# 年度报告\n\n一、总体情况\n\n<table><tr><td>规章</td><td>0</td></tr></table>\n".encode()) == "text"
    assert sniff("一、总体情况\n<table><tr><td>规章</td></tr></table>".encode(), "report.html") == "html"


def test_fixture_old_gb2312_table_layout_page() -> None:
    path = FIXTURES / "county-2019-gb2312-table-layout.html"
    doc = read_bytes(path.read_bytes(), str(path))
    assert doc.source.encoding == "gb18030"
    assert doc.meta["title"] == "某某县水利局2019年政府信息公开工作年度报告--某某县人民政府"
    assert doc.meta["发布时间"] == "2020-01-16"
    paras = [p.text for p in doc.paragraphs()]
    assert paras[0] == "某某县水利局2019年政府信息公开工作年度报告"  # a <td class="bt"> above the text
    assert paras[1].startswith("本报告根据《中华人民共和国政府信息公开条例》")
    assert paras[-3:] == ["无。", "某某县水利局", "2020年1月16日"]
    # table 二 (2019 edition): one table holding five captioned parts
    assert after_label(doc, "规范性文件") == ["3", "3", "27"]
    assert after_label(doc, "行政许可") == ["12", "-2", "85"]
    assert after_label(doc, "行政事业性收费") == ["3", "0", ""]  # an &nbsp; cell is blank, not 0
    assert after_label(doc, "政府集中采购") == ["5", "126.5万元"]
    # table 三
    assert after_label(doc, "一、本年新收政府信息公开申请数量") == ["10", "2", "0", "0", "0", "0", "12"]
    assert after_label(doc, "二、上年结转政府信息公开申请数量") == ["1", "0", "0", "0", "0", "0", "1"]
    assert after_label(doc, "4.保护第三方合法权益") == ["1", "0", "0", "0", "0", "0", "1"]
    assert after_label(doc, "1.本机关不掌握相关政府信息") == ["2", "1", "0", "0", "0", "0", "3"]
    assert after_label(doc, "（七）总计") == ["10", "2", "0", "0", "0", "0", "12"]
    assert after_label(doc, "四、结转下年度继续办理") == ["1", "0", "0", "0", "0", "0", "1"]
    assert ["", "（六）其他处理", "0", "0", "0", "0", "0", "0", "0"] in row_texts(doc)
    assert ["", "", "商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他", ""] in row_texts(doc)
    # table 四: header spans, then one row of 15 numbers
    rows = row_texts(doc)
    assert rows[-4:-2] == [["行政复议", "行政诉讼"], ["", "未经复议直接起诉", "复议后起诉"]]
    assert rows[-1] == ["1", "0", "0", "0", "1", "0", "0", "0", "1", "1", "0", "0", "0", "0", "0"]
    assert sorted({r.table for r in doc.rows()}) == [0, 1, 2]
    text = all_text(doc)
    for junk in ("网站首页", "办事服务", "信息公开目录", "信息公开指南", "您现在的位置", "字体", "打印本页",
                 "主办：", "ICP备", "分辨率", "doZoom"):
        assert junk not in text, junk


# ----------------------------------------------------------------------------- web archives (.mht)


def mht(html: bytes, charset: str, transfer: str = "quoted-printable") -> bytes:
    """A web archive as Word's "single file web page" writes it: MIME headers, the page in
    quoted-printable with its charset in the part header, then an image part."""
    import base64
    import quopri

    body = quopri.encodestring(html) if transfer == "quoted-printable" else base64.encodebytes(html)
    return (b"MIME-Version: 1.0\r\nX-Document-Type: Word\r\n"
            b'Content-Type: multipart/related; boundary="----=_NextPart_01DA"\r\n\r\n'
            b"This document is a Single File Web Page.\r\n\r\n------=_NextPart_01DA\r\n"
            b"Content-Location: file:///C:/report.htm\r\nContent-Transfer-Encoding: " + transfer.encode() + b"\r\n"
            b'Content-Type: text/html; charset="' + charset.encode() + b'"\r\n\r\n' + body +
            b"\r\n------=_NextPart_01DA\r\nContent-Location: file:///C:/image001.png\r\n"
            b"Content-Transfer-Encoding: base64\r\nContent-Type: image/png\r\n\r\niVBORw0KGgo=\r\n"
            b"------=_NextPart_01DA--\r\n")


@pytest.mark.parametrize("transfer", ["quoted-printable", "base64"])
def test_web_archive_saved_by_word_is_read_as_its_page(transfer) -> None:
    page_bytes = GB_PAGE.format(label="gb2312").replace(
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "").encode("gb18030")
    assert b"charset" not in page_bytes  # the charset is given by the part's header only
    data = mht(page_bytes, "gb2312", transfer)
    assert sniff(data, "报告.doc") == "mht"
    doc = read_bytes(data, "报告.doc")
    assert doc.source.format == "mht"
    assert doc.paragraphs()[1].text == "朱镕基同志题词的“喆”字不在GB2312中。"
    assert after_label(doc, "一、本年新收政府信息公开申请数量") == ["3"]


def test_web_archive_without_a_page_is_a_clear_error() -> None:
    data = (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
            b"Content-Type: image/png\r\n\r\nxx\r\n--b--\r\n")
    with pytest.raises(ReadError, match="MHT"):
        read_bytes(data, "a.mht")
