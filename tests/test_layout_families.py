"""Reading layouts the other tests do not show, from what every report shares — the official labels and the
tables' identities — and not from one file's line structure. Four families, each in several layouts written
here by hand:

1. text converted from PDF by PDF-to-Markdown tools: every table row its own little Markdown table under a
   made-up header (数据1 …), labels on one row and their numbers on the next, labels broken over two rows,
   page numbers and running heads between the rows, bold headings and <br> inside cells;
2. crawler text of portal pages: menus, breadcrumbs and the site's footer around the report, tables as the
   browser's text (a tab between cells, one cell per line, cells joined by spaces, the whole page on one
   line), section headings with slips in them;
3. the 2019 edition's table 二 with signed changes (+17, -15) and blank, "/" and 0 kept apart;
4. narrative sentences that give one number for several outcomes (予以公开及部分公开33件).

The numbers are chosen by hand, most of them non-zero and distinct, so that a value read into the wrong row
or column shows; every expected value below is written from the text the test prints.
"""

from __future__ import annotations

import pytest

from gongkai.api import check, read_data
from gongkai.extract.sections import misspellings, role_of

from reportgen import (
    APPLICANT_KEYS,
    REVIEW_KEYS,
    active_rows,
    application_rows,
    render,
    report_text,
    review_rows,
)
from reportgen import (
    BODY as REPORTGEN_BODY,
)

# ------------------------------------------------------------------------------------------------------
# one consistent report: 52 new and 8 carried over = 54 processed and 6 carried forward, column by column


def _apps(edition: str = "2021") -> dict[str, list]:
    rows = {
        "new_received": [31, 7, 2, 3, 4, 5, 52],
        "carried_over": [6, 1, 0, 0, 0, 1, 8],
        "granted": [12, 3, 1, 2, 1, 4, 23],
        "partially_granted": [5, 2, 1, 0, 2, 0, 10],
        "withheld_state_secret": [0] * 7,
        "withheld_prohibited": [0] * 7,
        "withheld_security": [0] * 7,
        "withheld_third_party": [3, 0, 0, 0, 1, 0, 4],
        "withheld_internal": [0] * 7,
        "withheld_process": [2, 0, 0, 0, 0, 0, 2],
        "withheld_enforcement_file": [0] * 7,
        "withheld_inquiry": [0] * 7,
        "unavailable_not_held": [6, 1, 0, 1, 0, 0, 8],
        "unavailable_needs_creation": [1, 0, 0, 0, 0, 0, 1],
        "unavailable_unclear": [0] * 7,
        "declined_petition": [2, 0, 0, 0, 0, 0, 2],
        "declined_duplicate": [1, 1, 0, 0, 0, 0, 2],
        "declined_publication": [0] * 7,
        "declined_excessive": [0] * 7,
        "declined_confirmation": [0] * 7,
    }
    if edition == "2021":
        rows.update(other_no_correction=[1, 0, 0, 0, 0, 0, 1], other_unpaid_fee=[0] * 7,
                    other_other=[0, 0, 0, 0, 0, 1, 1])
    else:
        rows.update(other=[1, 0, 0, 0, 0, 1, 2])
    rows.update(total_processed=[33, 7, 2, 3, 4, 5, 54], carried_forward=[4, 1, 0, 0, 0, 1, 6])
    return rows


APPS = _apps()
# 行政复议 3+1+2+1 = 7; 未经复议直接起诉 2+1+4+1 = 8; 复议后起诉 1+2+1+1 = 5
REV = [3, 1, 2, 1, 7, 2, 1, 4, 1, 8, 1, 2, 1, 1, 5]
ACT = {"regulations": [1, 2, 9], "normative_documents": [4, 3, 27], "licensing": [136], "penalty": [58],
       "coercion": [7], "fees": [12.5]}
ACT_COLUMNS = {"regulations": ("issued", "repealed", "in_force"), "normative_documents": ("issued", "repealed", "in_force"),
               "licensing": ("decisions",), "penalty": ("decisions",), "coercion": ("decisions",), "fees": ("amount",)}
BODY = {
    # (the rest of 总体情况 as the 2021 format asks: reportgen.BODY)
    1: "2023年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，全年共收到政府信息公开申请52件，上年结转8件，均已依法答复。"
       + REPORTGEN_BODY[1].split("均已依法答复。", 1)[1],
    5: REPORTGEN_BODY[5],
    3: "本年度新收政府信息公开申请52件，办结54件，其中予以公开及部分公开33件，结转下年度继续办理6件。",
    4: "本年度发生政府信息公开行政复议7件、行政诉讼13件。",
}
TITLE = "2023年某某镇人民政府政府信息公开工作年度报告"


def read(text: str):
    return read_data(text.encode("utf-8"), "report.txt")


def serious(findings) -> list[str]:
    return [f"{f.code} {f.message}" for f in findings if f.severity in ("error", "warning")]


def codes(findings) -> set[str]:
    return {f.code for f in findings}


def table_three(report) -> dict[str, list]:
    return {row: [cells[c].value for c in APPLICANT_KEYS] for row, cells in report.tables["applications"].items()}


def table_four(report) -> list:
    rows = report.tables["review_litigation"]
    return [rows[g][c].value for g in ("review", "litigation_direct", "litigation_after_review") for c in REVIEW_KEYS]


def table_two(report) -> dict[str, list]:
    return {row: [report.tables["active"][row][c].value for c in cols] for row, cols in ACT_COLUMNS.items()}


def assert_read_right(report):
    """Every cell of tables 二, 三 and 四 as printed, and nothing a reviewer would have to look at."""
    assert table_three(report) == APPS
    assert table_four(report) == REV
    assert table_two(report) == ACT
    assert report.edition == "2021"


def report_with(layout, **kw) -> str:
    """The report with its three tables written by ``layout`` (rows of cell texts → text)."""
    kw.setdefault("body", BODY)
    return report_text(tables={2: layout(active_rows(ACT)), 3: layout(application_rows(APPS)),
                               4: layout(review_rows(REV))}, **kw)


# ------------------------------------------------------------------------------------------------------
# 1. PDF-to-Markdown


def _md(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_table(cells: list[str], header: list[str]) -> str:
    return "\n".join([_md(header), "|" + "---|" * len(header), _md(cells), ""])


GENERIC = {
    "数据": lambda n: [f"数据{k}" for k in range(1, n + 1)],
    "Col": lambda n: [f"Col{k}" for k in range(1, n + 1)],
    "列": lambda n: [f"列{k}" for k in range(1, n + 1)],
    "Column": lambda n: [f"Column {k}" for k in range(1, n + 1)],
}


def each_row_its_own_table(header="数据"):
    def layout(rows):
        return "\n".join(_md_table(r, GENERIC[header](len(r))) for r in rows)
    return layout


def _label_at(row: list[str]) -> int | None:
    """Where the row label is in a row of table 二 or 三 as reportgen prints it (None: a header row)."""
    values = [k for k, c in enumerate(row) if c and c.replace(".", "", 1).isdigit()]
    if not values or values[0] == 0:
        return None  # a header row, or table 四's row of numbers
    return values[0] - 1


def split_rows(how):
    """Each row of a table with values, printed as ``how(label part, numbers, row)`` gives; others as is."""
    def layout(rows):
        out = []
        for r in rows:
            k = _label_at(r)
            out.append(_md(r) if k is None else how(r[:k + 1], r[k + 1:]))
        return "\n".join(out)
    return layout


def label_row_then_numbers_row(head, numbers):
    # | 一、本年新收… |  |  | … |   then   |  | 31 | 7 | … |
    return "\n".join([_md(head + [""] * len(numbers)), _md([""] * len(head) + numbers)])


def label_table_then_numbers_table(head, numbers):
    # each its own little table under 数据1 …
    return "\n".join([_md_table(head, GENERIC["数据"](len(head))), _md_table(numbers, GENERIC["数据"](len(numbers)))])


def label_line_then_numbers_row(head, numbers):
    return "\n".join(["".join(head), _md(numbers)])


@pytest.mark.parametrize("header", sorted(GENERIC))
def test_each_row_its_own_markdown_table_under_made_up_headers(header):
    text = report_with(each_row_its_own_table(header))
    assert "| 数据1 |" in text or header != "数据"
    r = read(text)
    assert_read_right(r)
    assert serious(check(r)) == []


@pytest.mark.parametrize("how", [label_row_then_numbers_row, label_table_then_numbers_table, label_line_then_numbers_row])
def test_labels_on_one_row_their_numbers_on_the_next(how):
    text = report_with(split_rows(how))
    assert "| 一、本年新收政府信息公开申请数量 |" in text or how is label_line_then_numbers_row
    r = read(text)
    assert_read_right(r)
    assert serious(check(r)) == []


def _broken(head, numbers, where):
    """The label broken after its 6th character; the numbers on the first piece's row, on the second's,
    or on a row between the two pieces (a label printed over two lines beside its numbers)."""
    label = head[-1]
    if len(label) <= 8:
        return _md(head + numbers)
    a, b = label[:6], label[6:]
    lead = head[:-1]
    blank = [""] * len(numbers)
    if where == "first":
        return "\n".join([_md(lead + [a] + numbers), _md([""] * len(lead) + [b] + blank)])
    if where == "second":
        return "\n".join([_md(lead + [a] + blank), _md([""] * len(lead) + [b] + numbers)])
    return "\n".join([_md(lead + [a] + blank), _md([""] * len(head) + numbers), _md([""] * len(lead) + [b] + blank)])


@pytest.mark.parametrize("where", ["first", "second", "between"])
def test_labels_broken_over_two_rows(where):
    text = report_with(split_rows(lambda head, numbers: _broken(head, numbers, where)))
    assert "| 一、本年新收 |" in text  # (the first piece of 一、本年新收政府信息公开申请数量)
    r = read(text)
    assert_read_right(r)
    assert serious(check(r)) == []


def test_label_and_its_first_numbers_in_one_cell():
    """A column boundary the converter missed: "| 一、本年新收政府信息公开申请数量 31 | 7 | …" (and, in table 二,
    the whole row in one cell)."""
    def glued(head, numbers):
        if len(numbers) > 1:
            return _md(head[:-1] + [f"{head[-1]} {numbers[0]}"] + numbers[1:])
        return _md(head[:-1] + [f"{head[-1]}{numbers[0]}"])

    text = report_with(split_rows(glued))
    assert "| 一、本年新收政府信息公开申请数量 31 | 7 |" in text and "| 行政许可136 |" in text
    r = read(text)
    assert_read_right(r)
    assert serious(check(r)) == []


def html_table(rows: list[list[str]]) -> str:
    """A table as PDF-to-Markdown converters write one they cannot lay out in Markdown: HTML on one line,
    merged cells as rowspan/colspan, <br> inside a cell, entities."""
    out = ["<table>"]
    for r in rows:
        cells = []
        for c in r:
            text = c.replace("（区分处理的", "<br>（区分处理的").replace("“", "&ldquo;").replace("”", "&rdquo;")
            span = ' colspan="7"' if c == "申请人情况" else ' rowspan="24"' if c == "三、本年度办理结果" else ""
            cells.append(f"<td{span}>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(out) + "</table>"


def test_markdown_with_html_tables():
    """Markdown whose tables are HTML (one line each), after a long first section."""
    body = {**BODY, 1: BODY[1] + "本机关坚持以公开为常态、不公开为例外，" * 120}
    headings = {1: "# 一、总体情况", 2: "# 二、主动公开政府信息情况", 3: "# 三、收到和处理政府信息公开申请情况",
                4: "# 四、政府信息公开行政复议、行政诉讼情况", 5: "# 五、存在的主要问题及改进情况", 6: "# 六、其他需要报告的事项"}
    text = report_text(title=f"# {TITLE}", body=body, headings=headings,
                       tables={2: html_table(active_rows(ACT)), 3: html_table(application_rows(APPS)),
                               4: html_table(review_rows(REV))})
    assert "<td>3.危及&ldquo;三安全一稳定&rdquo;</td>" in text
    r = read(text)
    assert_read_right(r)
    assert r.title == TITLE and [s.number for s in r.sections] == [1, 2, 3, 4, 5, 6]
    assert serious(check(r)) == []


def pdftotext_lines(where):
    """Rows as pdftotext prints them (cells joined by spaces), a label longer than 12 characters broken
    after its 10th onto the next line, the numbers on the first line, the second, or a line between."""
    def layout(rows):
        out = []
        for r in rows:
            k = _label_at(r)
            texts = [c for c in r[:k + 1] if c] if k is not None else []
            if k is None or len(texts) != 1 or len(texts[0]) <= 12:
                out.append(" ".join(c for c in r if c))
                continue
            a, b = texts[0][:10], texts[0][10:]
            numbers = "  ".join(c for c in r[k + 1:] if c)
            out += {"first": [f"{a}    {numbers}", b], "second": [a, f"{b}    {numbers}"],
                    "between": [a, numbers, b]}[where]
        return "\n".join(out)
    return layout


@pytest.mark.parametrize("where", ["first", "second", "between"])
def test_labels_broken_over_two_lines_of_text(where):
    text = report_with(pdftotext_lines(where))
    assert "\n4.无正当理由大量反复申请" not in text  # (the long labels are broken)
    r = read(text)
    assert_read_right(r)
    assert serious(check(r)) == []


PAGE_FURNITURE = ["- 3 -", "— 4 —", "第 5 页", "第6页 共9页", "7/9", "8", "Page 9 of 12"]


@pytest.mark.parametrize("mark", PAGE_FURNITURE)
def test_page_numbers_between_the_rows(mark):
    """A page break every fourth row: the page number between two rows, as a line or as a row of its own,
    and once between a label and its numbers."""
    def layout(rows):
        out = []
        for k, r in enumerate(rows):
            at = _label_at(r)
            if k == 6 and at is not None:  # a label, the page break, then its numbers
                out += [_md(r[:at + 1] + [""] * (len(r) - at - 1)), mark, _md([""] * (at + 1) + r[at + 1:])]
                continue
            out.append(_md(r))
            if k % 4 == 3:
                out.append(mark if k % 8 == 3 else _md([mark] + [""] * (len(r) - 1)))
        return "\n".join(out)

    text = report_with(layout)
    assert f"\n{mark}\n" in text
    r = read(text)
    assert_read_right(r)
    assert serious(check(r)) == []


def test_running_head_and_foot_between_the_rows():
    """The report's title printed over each page and the agency under it fall between table rows."""
    def layout(rows):
        out = []
        for k, r in enumerate(rows):
            out.append(_md(r))
            if k % 5 == 4:
                out += ["某某镇人民政府", "- 2 -", TITLE]
        return "\n".join(out)

    text = report_with(layout)
    r = read(text)
    assert_read_right(r)
    assert serious(check(r)) == []
    for s in r.sections:
        assert TITLE not in s.text and "- 2 -" not in s.text


def test_a_sentence_between_rows_stays_in_the_text():
    """Only page furniture is taken out: a sentence printed between two rows is the report's text."""
    note = "注：本表数据统计口径为本机关及所属单位。"
    def layout(rows):
        return "\n".join(_md(r) + (f"\n{note}" if k == 5 else "") for k, r in enumerate(rows))

    r = read(report_with(layout))
    assert_read_right(r)
    assert note in r.section(3).text


def test_bold_headings_and_line_breaks_inside_cells():
    """What converters print: **bold** headings and titles, <br> where a cell's text went to a new line."""
    def layout(rows):
        out = []
        for r in rows:
            cells = [c.replace("（区分处理的", "<br>（区分处理的").replace("一、本年新收", "**一、本年新收") + ("**" if c.startswith("一、本年新收") else "")
                     for c in r]
            out.append(_md(cells))
        return "\n".join(out)

    headings = {1: "**一、总体情况**", 2: "## 二、主动公开政府信息情况", 5: "**五、存在的主要问题及改进情况**"}
    text = report_with(layout, title=f"**{TITLE}**", headings=headings)
    assert "<br>（区分处理的" in text and "| **一、本年新收政府信息公开申请数量** |" in text
    r = read(text)
    assert_read_right(r)
    assert [s.number for s in r.sections] == [1, 2, 3, 4, 5, 6]
    assert r.title == TITLE
    assert serious(check(r)) == []


def test_header_rows_of_another_table_over_each_row():
    """A converter that repeats the last header it saw labels table 三's rows with table 二's columns: the
    rows are still read by their own labels, and the edition stays the one the labels say."""
    wrong = ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    def layout(rows):
        return "\n".join(_md_table(r, wrong + [""] * (len(r) - len(wrong))) for r in rows)

    r = read(report_text(body=BODY, tables={2: render(active_rows(ACT), "markdown"), 3: layout(application_rows(APPS)),
                                            4: render(review_rows(REV), "markdown")}))
    assert_read_right(r)
    assert serious(check(r)) == []


def test_a_blank_row_keeps_its_blanks_when_the_next_row_has_its_own_label():
    """Joining a label with the numbers under it never takes the next row's numbers."""
    rows = application_rows(APPS)
    k = next(i for i, row in enumerate(rows) if row[0] == "二、上年结转政府信息公开申请数量")
    rows[k] = [rows[k][0]] + [""] * 7
    r = read(report_text(body=BODY, tables={2: render(active_rows(ACT), "markdown"), 3: render(rows, "markdown"),
                                            4: render(review_rows(REV), "markdown")}))
    assert table_three(r)["carried_over"] == [None] * 7
    assert [c.raw for c in r.tables["applications"]["carried_over"].values()] == [""] * 7
    assert table_three(r)["granted"] == APPS["granted"]
    assert "GK201" in codes(check(r))


def test_numbers_that_do_not_fit_the_row_are_not_joined_to_it():
    """A label row with blank cells followed by a row of 15 numbers (table 四's, its headers lost): the 15
    numbers are not table 三's row."""
    rows = application_rows(APPS)
    rows[-1] = [rows[-1][0]] + [""] * 7  # 四、结转下年度继续办理 left blank
    text = report_text(body=BODY, tables={2: render(active_rows(ACT), "markdown"),
                                          3: render(rows, "markdown") + "\n" + _md([str(v) for v in REV])})
    r = read(text)
    assert table_three(r)["carried_forward"] == [None] * 7


# ------------------------------------------------------------------------------------------------------
# 2. crawler text of portal pages

NAV = ["首页", "政务公开", "政府信息公开", "政府信息公开工作年度报告", "政府信息公开年报",
       "当前位置：首页 > 政务公开 > 政府信息公开 > 政府信息公开年报",
       "索引号：11320800MB1234567X/2024-00012", "发布机构：某某镇人民政府", "发布日期：2024-01-18",
       "字号：[ 大 中 小 ]  分享到："]
FOOTER = ["【打印本页】 【关闭窗口】", "上一篇：关于2023年度部门预算公开的说明", "下一篇：某某镇2024年第一季度工作动态",
          "网站地图 | 联系我们 | 隐私声明 | 使用帮助", "主办单位：某某镇人民政府  承办单位：某某镇党政办公室",
          "地址：某某市某某区人民路88号  邮编：223001", "联系电话：0517-83600000",
          "苏ICP备12345678号-1  苏公网安备 32080202000123号", "网站标识码：3208000001  技术支持：某某信息技术有限公司"]
SLIP_4 = "四、政府信息公开行政法复议、行政讼诉情况"  # both words of the title broken
SLIP_6 = "六、其它需要报吿的事项"


def portal(text: str) -> str:
    return "\n".join(NAV) + "\n" + text + "\n".join(FOOTER) + "\n"


def one_cell_per_line(rows):
    return "\n".join(c for r in rows for c in r if c)


def whole_table_on_one_line(rows):
    return " ".join(c for r in rows for c in r if c)


BROWSER_TEXT = {
    "tabs": lambda rows: render(rows, "tabs"),
    "one cell per line": one_cell_per_line,
    "spaces": lambda rows: render(rows, "spaces"),
    "whole table on one line": whole_table_on_one_line,
}


@pytest.mark.parametrize("layout", sorted(BROWSER_TEXT))
def test_portal_page_with_menus_footer_and_misspelt_headings(layout):
    text = portal(report_with(BROWSER_TEXT[layout], headings={4: SLIP_4, 6: SLIP_6}))
    r = read(text)
    assert_read_right(r)
    assert r.title == TITLE and r.year == 2023 and r.agency == "某某镇人民政府"
    assert str(r.date) == "2024-01-15" and r.signer == "某某镇人民政府"
    assert [s.number for s in r.sections] == [1, 2, 3, 4, 5, 6]
    assert r.section(4).heading == SLIP_4
    assert r.section(6).text == "本年度未收取信息处理费。"  # the site's footer is not the report's text
    findings = check(r)
    assert serious(findings) == [
        ("GK119 标题“四、政府信息公开行政法复议、行政讼诉情况”有错字：“行政法复议”应为“行政复议”，“行政讼诉”应为“行政诉讼”"
         "（规定标题为“四、政府信息公开行政复议、行政诉讼情况”）"),
        "GK119 标题“六、其它需要报吿的事项”有错字：“报吿”应为“报告”（规定标题为“六、其他需要报告的事项”）",
    ]


def test_portal_page_run_together_on_one_line():
    """The browser's text of the whole report on one line, the site's menus and footer around it; the
    misspelt heading 四 is found inside the line."""
    report = report_with(BROWSER_TEXT["spaces"], headings={4: SLIP_4})
    line = "".join(x.strip() for x in report.split("\n"))
    r = read(portal(line + "\n"))
    assert_read_right(r)
    assert r.title == TITLE
    assert str(r.date) == "2024-01-15"
    assert [s.number for s in r.sections] == [1, 2, 3, 4, 5, 6]
    assert r.section(4).title == "政府信息公开行政法复议、行政讼诉情况"
    assert r.section(4).text.startswith("本年度发生政府信息公开行政复议7件")
    assert codes(f for f in check(r) if f.severity != "info") == {"GK119"}


def test_one_cell_per_line_with_a_blank_lost():
    """A blank cell printed as no line at all: the row's numbers cannot be placed for sure. None of them is
    shown as a fact in the wrong column; the rows around it are read."""
    apps = {**APPS, "granted": [12, 3, "", 2, 1, 4, 22], "total_processed": [33, 7, 1, 3, 4, 5, 53],
            "carried_forward": [4, 1, 1, 0, 0, 1, 7]}
    body = {**BODY, 3: "本年度新收政府信息公开申请52件，办结53件，结转下年度继续办理7件。"}
    r = read(portal(report_text(body=body, tables={2: one_cell_per_line(active_rows(ACT)),
                                                   3: one_cell_per_line(application_rows(apps)),
                                                   4: one_cell_per_line(review_rows(REV))})))
    granted = r.tables["applications"]["granted"]
    truth = dict(zip(APPLICANT_KEYS, [12, 3, None, 2, 1, 4, 22], strict=True))
    for key, cell in granted.items():
        assert cell.value == truth[key] or cell.uncertain, (key, cell)
    assert table_three(r)["total_processed"] == [33, 7, 1, 3, 4, 5, 53]
    assert not [f for f in check(r) if f.severity == "error"]


def test_heading_with_a_comma_for_the_pause_mark():
    """四、政府信息公开行政复议，行政诉讼情况: a comma where 、 belongs does not make the heading a sentence."""
    r = read(portal(report_with(BROWSER_TEXT["tabs"], headings={4: "四、政府信息公开行政复议，行政诉讼情况"})))
    assert [s.number for s in r.sections] == [1, 2, 3, 4, 5, 6]
    assert table_four(r) == REV
    assert "GK113" not in codes(check(r))


def test_section_left_out_is_still_missing_on_a_portal_page():
    """A heading with a slip is found; a section that is not there is not made up."""
    r = read(portal(report_with(BROWSER_TEXT["tabs"], headings={5: None})))
    missing = [f.message for f in check(r) if f.code == "GK113"]
    assert missing == ["未找到“五、存在的主要问题及改进情况”部分"]


def test_a_numbered_line_unlike_the_section_is_no_heading():
    """五 printed as a sub-heading-like line that names nothing of section 五: still missing."""
    r = read(report_with(BROWSER_TEXT["tabs"], headings={5: "五、加强队伍建设"}))
    assert 5 not in [s.number for s in r.sections]
    assert "GK113" in codes(check(r))


@pytest.mark.parametrize(("heading", "slips"), [
    ("四、政府信息公开行政法复议、行政诉讼情况", [("行政法复议", "行政复议")]),
    ("二、主动公开政府信患情况", [("政府信患", "政府信息")]),
    ("三、收到和处理政府信息公开申情况", [("申情况", "申请情况")]),
    ("五、政府信息公开工作存在的主要问提及改进情况", [("问提", "问题")]),
])
def test_heading_slips_are_named(heading, slips):
    n = "一二三四五六".index(heading[0]) + 1
    r = read(report_with(BROWSER_TEXT["tabs"], headings={n: heading}))
    found = [f for f in check(r) if f.code == "GK119"]
    assert len(found) == 1
    assert found[0].severity == "warning"
    assert found[0].actual == [p for p, _ in slips] and found[0].expected == [t for _, t in slips]
    assert "GK113" not in codes(check(r))


@pytest.mark.parametrize(("title", "number"), [
    ("总体情况", 1), ("主动公开政府信息情况", 2), ("主动公开政府信息的情况", 2),
    ("收到和处理政府信息公开申请的情况", 3), ("因政府信息公开工作被申请行政复议、提起行政诉讼情况", 4),
    ("因政府信息公开申请行政复议、提起行政诉讼的情况", 4), ("存在的主要问题及改进措施", 5),
    ("政府信息公开工作存在的主要问题及改进情况", 5), ("其他需要报告的事项", 6), ("其它需要报告的事项", 6),
    ("其他事项", 6),
])
def test_other_wordings_are_no_slips(title, number):
    assert role_of(title, number) == number
    assert misspellings(title, number) == ()


def test_other_wordings_raise_nothing():
    headings = {3: "三、收到和处理政府信息公开申请的情况", 4: "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
                6: "六、其它需要报告的事项"}
    r = read(report_with(BROWSER_TEXT["tabs"], headings=headings))
    assert [s.number for s in r.sections] == [1, 2, 3, 4, 5, 6]
    assert serious(check(r)) == []


# ------------------------------------------------------------------------------------------------------
# 3. the 2019 edition's table 二: signed changes; blank, "/" and 0

ACT_2019 = {
    "regulations": ["2", "0", "11"],
    "normative_documents": ["6", "5", "48"],
    "licensing": ["25", "+17", "42"],
    "other_services": ["9", "－4", "5"],  # a full-width minus
    "penalty": ["31", "-15", "16"],
    "coercion": ["13", "", "6"],  # 本年增/减 left blank
    "fees": ["8", "/"],
    "procurement": ["14", "356.25"],
}
COLS_2019 = {"regulations": ("new_made", "new_published", "total_published"),
             "normative_documents": ("new_made", "new_published", "total_published"),
             "licensing": ("prev_items", "change", "decisions"), "other_services": ("prev_items", "change", "decisions"),
             "penalty": ("prev_items", "change", "decisions"), "coercion": ("prev_items", "change", "decisions"),
             "fees": ("prev_items", "change"), "procurement": ("items", "amount")}
READ_2019 = {  # (value, as printed)
    "regulations": [(2, "2"), (0, "0"), (11, "11")],
    "normative_documents": [(6, "6"), (5, "5"), (48, "48")],
    "licensing": [(25, "25"), (17, "+17"), (42, "42")],
    "other_services": [(9, "9"), (-4, "－4"), (5, "5")],
    "penalty": [(31, "31"), (-15, "-15"), (16, "16")],
    "coercion": [(13, "13"), (None, ""), (6, "6")],
    "fees": [(8, "8"), (None, "/")],
    "procurement": [(14, "14"), (356.25, "356.25")],
}


def report_2020(table_two: str, **kw) -> str:
    body = {1: "2020年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，全年共收到政府信息公开申请52件，上年结转8件。"
               "将政府信息公开工作纳入年度工作考核，开展社会评议，本年度未发生责任追究情况。",
            3: BODY[3], 4: BODY[4], 6: "本年度未收取信息处理费。"}
    return report_text(title="2020年某某镇人民政府政府信息公开工作年度报告", edition="2019", body=body,
                       tables={2: table_two, 3: render(application_rows(_apps("2019"), "2019"), "markdown"),
                               4: render(review_rows(REV), "markdown")},
                       ending=["某某镇人民政府", "2021年1月15日"], **kw)


TABLE_TWO_LAYOUTS = {
    "cells": lambda rows: render(rows, "cells"),
    "tabs": lambda rows: render(rows, "tabs"),
    "markdown": lambda rows: render(rows, "markdown"),
    "each row its own table": each_row_its_own_table(),
    "labels on their own rows": split_rows(label_row_then_numbers_row),
}


@pytest.mark.parametrize("layout", sorted(TABLE_TWO_LAYOUTS))
def test_table_two_2019_signed_changes_and_blank_nil_zero(layout):
    r = read(report_2020(TABLE_TWO_LAYOUTS[layout](active_rows(ACT_2019, "2019"))))
    assert r.edition == "2019"
    got = {row: [(r.tables["active"][row][c].value, r.tables["active"][row][c].raw) for c in cols]
           for row, cols in COLS_2019.items()}
    assert got == READ_2019
    assert table_three(r) == _apps("2019")
    findings = check(r)
    # the blank 本年增/减 and the "/" are said; the 0, and the negative changes (a change may be negative), are not
    assert sorted((f.code, tuple(f.cells)) for f in findings) == [
        ("GK201", ("active.coercion.change",)),
        ("GK205", ("active.fees.change",)),
    ]


def test_signed_changes_joined_by_spaces():
    """One row a line, cells joined by spaces (no blank cell to lose): the signs are kept."""
    values = {k: v for k, v in ACT_2019.items() if k != "coercion"}
    values["coercion"] = ["13", "0", "6"]
    r = read(report_2020(render(active_rows(values, "2019"), "spaces")))
    active = r.tables["active"]
    assert [(active["licensing"][c].value, active["licensing"][c].raw) for c in COLS_2019["licensing"]] == \
        [(25, "25"), (17, "+17"), (42, "42")]
    assert [active["penalty"][c].value for c in COLS_2019["penalty"]] == [31, -15, 16]
    assert [active["other_services"][c].value for c in COLS_2019["other_services"]] == [9, -4, 5]
    assert [active["coercion"][c].value for c in COLS_2019["coercion"]] == [13, 0, 6]
    assert [(active["fees"][c].value, active["fees"][c].raw) for c in COLS_2019["fees"]] == [(8, "8"), (None, "/")]
    assert "GK111" not in codes(check(r))


def test_a_blank_lost_between_spaces_is_not_guessed():
    """Cells joined by spaces lose a blank cell: "行政强制 13 6" cannot say which column was blank, and no
    value is put in a column by guess; gongkai says it could not read the row."""
    r = read(report_2020(render(active_rows(ACT_2019, "2019"), "spaces")))
    coercion = r.tables["active"]["coercion"]
    assert [coercion[c].value for c in COLS_2019["coercion"]] == [None, None, None]
    assert any(f.code == "GK703" and "行政强制" in f.message for f in check(r))
    assert [r.tables["active"]["penalty"][c].value for c in COLS_2019["penalty"]] == [31, -15, 16]


def test_a_negative_count_outside_the_change_column_is_still_an_error():
    values = dict(ACT_2019)
    values["penalty"] = ["-31", "-15", "16"]
    findings = check(read(report_2020(render(active_rows(values, "2019"), "markdown"))))
    assert [f.cells for f in findings if f.code == "GK202"] == [["active.penalty.prev_items"]]


# ------------------------------------------------------------------------------------------------------
# 4. one number for several outcomes (予以公开 23, 部分公开 10, 不予公开 6, 无法提供 9, 不予处理 4)


def narrative_findings(sentence: str):
    body = {**BODY, 3: "本年度新收政府信息公开申请52件，办结54件。" + sentence}
    return [f for f in check(read(report_with(lambda rows: render(rows, "markdown"), body=body))) if f.code == "GK401"]


@pytest.mark.parametrize("sentence", [
    "其中予以公开及部分公开33件。",
    "其中予以公开和部分公开33件。",
    "其中予以公开、部分公开共33件。",
    "予以公开（含部分公开）33件。",
    "予以公开与部分公开的33件，依法全部答复。",
    "不予公开、无法提供、不予处理共19件。",
    "予以公开、部分公开分别为23件、10件。",
    "予以公开23件、部分公开10件。",
])
def test_several_outcomes_for_one_number_right(sentence):
    assert narrative_findings(sentence) == []


@pytest.mark.parametrize(("sentence", "expected", "actual", "rows"), [
    ("其中予以公开及部分公开42件。", 33, 42, ("granted", "partially_granted")),
    ("其中予以公开、部分公开共32件。", 33, 32, ("granted", "partially_granted")),
    ("不予公开、无法提供、不予处理共16件。", 19, 16,
     ("withheld_state_secret", "withheld_prohibited", "withheld_security", "withheld_third_party", "withheld_internal",
      "withheld_process", "withheld_enforcement_file", "withheld_inquiry", "unavailable_not_held",
      "unavailable_needs_creation", "unavailable_unclear", "declined_petition", "declined_duplicate",
      "declined_publication", "declined_excessive", "declined_confirmation")),
])
def test_several_outcomes_for_one_number_wrong(sentence, expected, actual, rows):
    found = narrative_findings(sentence)
    assert len(found) == 1, [f.message for f in found]
    f = found[0]
    assert (f.expected, f.actual) == (expected, actual)
    assert f.cells == [f"applications.{row}.total" for row in rows]
    assert f.severity == "error"
    assert f"之和 {actual}" in f.message and f"表格中对应数字为 {expected}" in f.message


def test_the_issue_example_raises_no_error_for_either_outcome():
    """予以公开及部分公开33件 is 23 + 10: neither 予以公开 = 33 nor 部分公开 = 33 is claimed."""
    assert narrative_findings("其中予以公开及部分公开33件。") == []
    assert narrative_findings("其中予以公开33件。")  # the same number for 予以公开 alone is wrong


def test_respectively_and_each():
    wrong = narrative_findings("予以公开、部分公开分别为23件、11件。")
    assert [(f.expected, f.actual, f.cells) for f in wrong] == [(10, 11, ["applications.partially_granted.total"])]
    each = narrative_findings("部分公开和不予处理各4件。")
    assert [(f.expected, f.actual, f.cells) for f in each] == [(10, 4, ["applications.partially_granted.total"])]
