"""Reading plain-text reports in the layouts real text extractions produce.

Every input is built by hand here or in tests/reportgen.py; every expected value is written
from the input (the numbers the report prints), never taken from the reader's output.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.api import check, read_data
from gongkai.location import Location

from reportgen import (
    ACTIVE_2021,
    APPLICANT_KEYS,
    APPLICATION_HEADER,
    APPLICATION_ROWS,
    REVIEW,
    REVIEW_KEYS,
    active_rows,
    application_rows,
    consistent_applications,
    line_of,
    numbered_applications,
    render,
    report_text,
    review_rows,
)

LAYOUTS = ["cells", "tabs", "markdown", "spaces", "run"]
SECTION_NUMBERS = [1, 2, 3, 4, 5, 6]
PARTIAL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"


def read_text(text: str, encoding: str = "utf-8"):
    return read_data(text.encode(encoding), "report.txt")


def row_values(report, key: str, table: str = "applications", cols=APPLICANT_KEYS) -> list:
    cells = report.tables[table][key]
    return [cells[c].value for c in cols]


def row_raws(report, key: str, table: str = "applications", cols=APPLICANT_KEYS) -> list:
    cells = report.tables[table][key]
    return [cells[c].raw for c in cols]


def review_values(report) -> list:
    out = []
    for group in ("review", "litigation_direct", "litigation_after_review"):
        out += row_values(report, group, "review_litigation", REVIEW_KEYS)
    return out


def apps_only(rows: list[list[str]], layout: str = "cells", **kw):
    """A report whose only table is table 三 given as rows."""
    return read_text(report_text(tables={3: render(rows, layout)}, **kw))


def swap(text: str, old: str, new: str) -> str:
    """Replace ``old`` (which must be in ``text``) by ``new``."""
    assert old in text, old
    return text.replace(old, new)


# ---------------------------------------------------------------------------------------------
# the same consistent report in every layout


@pytest.mark.parametrize("layout", LAYOUTS)
def test_table_three_and_four_in_every_layout(layout):
    r = read_text(report_text(layout=layout))
    expected = consistent_applications("2021")
    assert set(r.tables["applications"]) == set(expected)
    for key, values in expected.items():
        assert row_values(r, key) == values, key
    assert review_values(r) == REVIEW
    assert r.edition == "2021"
    assert [s.number for s in r.sections] == SECTION_NUMBERS


@pytest.mark.parametrize("layout", ["cells", "tabs", "markdown", "spaces"])
def test_table_two_in_every_layout(layout):
    r = read_text(report_text(layout=layout))
    active = r.tables["active"]
    assert [active["regulations"][c].value for c in ("issued", "repealed", "in_force")] == [0, 0, 0]
    assert [active["normative_documents"][c].value for c in ("issued", "repealed", "in_force")] == [2, 1, 15]
    assert active["licensing"]["decisions"].value == 120
    assert active["penalty"]["decisions"].value == 35
    assert active["coercion"]["decisions"].value == 0
    assert active["fees"]["amount"].value == 20


@pytest.mark.parametrize("layout", LAYOUTS)
def test_report_facts_in_every_layout(layout):
    r = read_text(report_text(layout=layout))
    assert r.title == "2023年某某镇人民政府政府信息公开工作年度报告"
    assert r.agency == "某某镇人民政府"
    assert r.year == 2023
    assert r.date == dt.date(2024, 1, 15)
    assert r.section(6).text.startswith("本年度未收取信息处理费。")


# Run together, row 11 prints 110000011 (11,0,0,0,0,0,11 or 1,10,0,0,0,0,11) and row 22 prints 2200000022
# (22,0,…,22 or 2,20,0,…,22): both splits keep the row's total, so neither may be picked.
AMBIGUOUS_WHEN_RUN = {"withheld_enforcement_file": ((11, 1), (0, 10)), "other_unpaid_fee": ((22, 2), (0, 20))}


def assert_rows(r, values: dict[str, list], layout: str) -> None:
    for key, vals in values.items():
        if layout == "run" and key in AMBIGUOUS_WHEN_RUN:
            cells = r.tables["applications"][key]
            assert row_values(r, key) == [None] * 7, key
            assert tuple(sorted(cells[c].candidates) for c in APPLICANT_KEYS[:2]) == \
                tuple(sorted(c) for c in AMBIGUOUS_WHEN_RUN[key]), key
            assert cells["total"].doubt == "ambiguous"
            continue
        assert row_values(r, key) == vals, key


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_row_keeps_its_own_numbers(layout):
    """Row k prints k … k: a value read into the wrong row shows at once."""
    values = numbered_applications("2021")
    r = apps_only(application_rows(values), layout)
    assert_rows(r, values, layout)
    ambiguous = {f.cells[0].split(".")[1] for f in check(r) if f.code == "GK701"}
    assert ambiguous == (set(AMBIGUOUS_WHEN_RUN) if layout == "run" else set())


# ---------------------------------------------------------------------------------------------
# a row left out entirely


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("left_out", ["withheld_security", "withheld_state_secret", "granted", "other_unpaid_fee"])
def test_row_left_out_is_absent_and_nothing_shifts(layout, left_out):
    values = numbered_applications("2021")
    del values[left_out]
    r = apps_only(application_rows(values), layout)
    assert left_out not in r.tables["applications"]
    assert_rows(r, values, layout)


def test_row_left_out_in_hand_written_tabs():
    text = "\n".join([
        "一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3",
        "\t（三）不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0",
        "\t\t2.其他法律行政法规禁止公开\t2\t0\t0\t0\t0\t0\t2",
        # 3.危及“三安全一稳定” is not printed
        "\t\t4.保护第三方合法权益\t1\t0\t0\t0\t0\t0\t1",
    ])
    r = read_text(report_text(tables={3: text}))
    apps = r.tables["applications"]
    assert "withheld_security" not in apps
    assert row_values(r, "withheld_prohibited") == [2, 0, 0, 0, 0, 0, 2]
    assert row_values(r, "withheld_third_party") == [1, 0, 0, 0, 0, 0, 1]


# ---------------------------------------------------------------------------------------------
# labels written vertically or broken over lines (one cell per line)


def test_group_label_written_vertically():
    text = report_text()
    text = swap(text, "\t三、本年度办理结果\n", "\t三、\n本\n年\n度\n办\n理\n结\n果\n")
    r = read_text(text)
    assert [s.number for s in r.sections] == SECTION_NUMBERS
    for key, values in consistent_applications().items():
        assert row_values(r, key) == values, key


def test_row_labels_written_vertically():
    text = report_text()
    text = swap(text, "\t四、结转下年度继续办理\n", "\t四、\n结\n转\n下\n年\n度\n继\n续\n办\n理\n")
    text = swap(text, "\t（七）总计\n", "\t（七）\n总\n计\n")
    r = read_text(text)
    assert row_values(r, "total_processed") == [5, 1, 0, 0, 0, 0, 6]
    assert row_values(r, "carried_forward") == [1, 0, 0, 0, 0, 0, 1]
    assert [s.number for s in r.sections] == SECTION_NUMBERS


def test_labels_broken_across_lines():
    text = report_text()
    for whole, broken in [
        ("\t商业企业\n", "\t商业\n企业\n"),
        ("\t社会公益组织\n", "\t社会公益\n组织\n"),
        (f"\t{PARTIAL}\n", "\t（二）部分公开（区分处理的，只计这一\n情形，不计其他情形）\n"),
        ("\t2.没有现成信息需要另行制作\n", "\t2.没有现成信息需要另行\n制作\n"),
        ("\t一、本年新收政府信息公开申请数量\n", "\t一、本年新收政府信息\n公开申请数量\n"),
    ]:
        text = swap(text, whole, broken)
    r = read_text(text)
    for key, values in consistent_applications().items():
        assert row_values(r, key) == values, key
    assert check(r, select={"GK115"}) == []


def test_table_two_header_broken_across_lines_2019():
    text = report_text(title="2020年某某镇人民政府政府信息公开工作年度报告", edition="2019",
                       ending=["某某镇人民政府", "2021年1月15日"])
    text = swap(text, "\t本年新公开数量\n", "\t本年新\n公开数量\n")
    text = swap(text, "\t对外公开总数量\n", "\t对外公开\n总数量\n")
    r = read_text(text)
    assert r.edition == "2019"
    active = r.tables["active"]
    docs = ("new_made", "new_published", "total_published")
    assert [active["normative_documents"][c].value for c in docs] == [2, 2, 15]
    assert [active["licensing"][c].value for c in ("prev_items", "change", "decisions")] == [10, 2, 120]
    assert [active["procurement"][c].value for c in ("items", "amount")] == [3, 20]


# ---------------------------------------------------------------------------------------------
# blank cells, merged cells, nil markers, units


def test_blank_cells_one_cell_per_line():
    rows = APPLICATION_HEADER + [
        ["一、本年新收政府信息公开申请数量", "4", "0", "0", "0", "0", "0", "4"],
        ["三、本年度办理结果", "（一）予以公开", "", "", "", "", "", "", ""],
        ["", PARTIAL, "4", "", "0", "0", "0", "0", "4"],
        ["", "（七）总计", "4", "0", "0", "0", "0", "0", "4"],
    ]
    r = apps_only(rows, "cells")
    granted = r.tables["applications"]["granted"]
    for col in APPLICANT_KEYS:
        assert granted[col].value is None
        assert granted[col].raw == ""
        assert granted[col].blank
    # the next numbers belong to the next row, each in its own column
    assert row_values(r, "partially_granted") == [4, None, 0, 0, 0, 0, 4]
    assert row_raws(r, "partially_granted") == ["4", "", "0", "0", "0", "0", "4"]
    assert row_values(r, "total_processed") == [4, 0, 0, 0, 0, 0, 4]


@pytest.mark.parametrize("layout", ["tabs", "markdown"])
def test_one_blank_cell_keeps_the_columns(layout):
    rows = APPLICATION_HEADER + [
        ["一、本年新收政府信息公开申请数量", "4", "", "0", "0", "0", "0", "4"],
        ["二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0"],
    ]
    r = apps_only(rows, layout)
    assert row_raws(r, "new_received") == ["4", "", "0", "0", "0", "0", "4"]
    assert row_values(r, "new_received") == [4, None, 0, 0, 0, 0, 4]
    assert row_values(r, "carried_over") == [0] * 7


def test_blank_row_in_spaces_layout_takes_no_numbers():
    text = "\n".join([
        "一、本年新收政府信息公开申请数量 4 0 0 0 0 0 4",
        "三、本年度办理结果 （一）予以公开",
        f"{PARTIAL} 4 0 0 0 0 0 4",
        "（七）总计 4 0 0 0 0 0 4",
    ])
    r = read_text(report_text(tables={3: text}))
    for col in APPLICANT_KEYS:
        assert r.tables["applications"]["granted"][col].value is None
        assert r.tables["applications"]["granted"][col].raw == ""
    assert row_values(r, "partially_granted") == [4, 0, 0, 0, 0, 0, 4]
    assert row_values(r, "total_processed") == [4, 0, 0, 0, 0, 0, 4]


def test_merged_cells_only_total_printed_one_cell_per_line():
    rows = APPLICATION_HEADER + [
        ["三、本年度办理结果", "（一）予以公开", "3"],
        ["", PARTIAL, "1"],
        ["", "（七）总计", "3", "1", "0", "0", "0", "0", "4"],
    ]
    r = apps_only(rows, "cells")
    granted = r.tables["applications"]["granted"]
    assert granted["total"].value == 3
    assert granted["total"].raw == "3"
    for col in APPLICANT_KEYS[:-1]:
        assert granted[col].value is None
        assert granted[col].raw is None  # not printed at all
    assert r.tables["applications"]["partially_granted"]["total"].value == 1
    assert r.tables["applications"]["partially_granted"]["natural_person"].value is None
    assert row_values(r, "total_processed") == [3, 1, 0, 0, 0, 0, 4]


def test_merged_cells_in_tab_separated_rows():
    """As Word saves merged cells to tab-separated text: empty cells, and an extra empty cell
    after a label that spans two columns."""
    text = "\n".join([
        "三、本年度办理结果\t（一）予以公开\t\t\t\t\t\t\t3",
        "\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t\t\t\t\t\t\t0",
        "\t（六）其他处理\t\t0\t0\t0\t0\t0\t0\t0",
        "\t（七）总计\t\t3\t0\t0\t0\t0\t0\t3",
        "\t四、结转下年度继续办理\t\t1\t0\t0\t0\t0\t0\t1",
    ])
    r = read_text(report_text(tables={3: text}))
    assert row_raws(r, "granted") == ["", "", "", "", "", "", "3"]
    assert row_values(r, "granted") == [None, None, None, None, None, None, 3]
    assert row_values(r, "partially_granted") == [None, None, None, None, None, None, 0]
    assert row_values(r, "other") == [0] * 7
    assert row_values(r, "total_processed") == [3, 0, 0, 0, 0, 0, 3]
    assert row_values(r, "carried_forward") == [1, 0, 0, 0, 0, 0, 1]


@pytest.mark.parametrize("layout", ["cells", "tabs", "markdown"])
def test_nil_markers_are_kept_apart_from_blank_and_zero(layout):
    values = consistent_applications()
    values["declined_duplicate"] = ["/", "—", "无", "", "0", "0", "0"]
    r = apps_only(application_rows(values), layout)
    dup = r.tables["applications"]["declined_duplicate"]
    assert row_raws(r, "declined_duplicate") == ["/", "—", "无", "", "0", "0", "0"]
    assert row_values(r, "declined_duplicate") == [None, None, None, None, 0, 0, 0]
    for col in ("natural_person", "commercial", "research"):
        assert dup[col].nil and not dup[col].blank
    assert dup["social_welfare"].blank and not dup["social_welfare"].nil
    assert not dup["legal_service"].nil and not dup["legal_service"].blank
    # the rows around it keep their numbers
    assert row_values(r, "declined_petition") == [0] * 7
    assert row_values(r, "declined_publication") == [0] * 7


def test_nil_markers_in_spaces_layout_keep_what_was_printed():
    text = "\n".join([
        "一、本年新收政府信息公开申请数量 / — 无 0 0 0 0",
        "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0",
    ])
    r = read_text(report_text(tables={3: text}))
    assert row_raws(r, "new_received") == ["/", "—", "无", "0", "0", "0", "0"]
    assert row_values(r, "new_received") == [None, None, None, 0, 0, 0, 0]
    assert row_values(r, "carried_over") == [0] * 7


@pytest.mark.parametrize("layout", ["cells", "tabs", "markdown", "spaces"])
def test_units_inside_cells(layout):
    active = dict(ACTIVE_2021, fees=["20万元"], licensing=["120件"])
    values = consistent_applications()
    values["new_received"] = [5, 1, 0, 0, 0, 0, "6件"]
    tables = {2: render(active_rows(active), layout), 3: render(application_rows(values), layout)}
    r = read_text(report_text(tables=tables))
    fees = r.tables["active"]["fees"]["amount"]
    assert fees.value == 20
    assert fees.raw == "20万元"
    assert r.tables["active"]["licensing"]["decisions"].value == 120
    assert r.tables["active"]["licensing"]["decisions"].raw == "120件"
    total = r.tables["applications"]["new_received"]["total"]
    assert (total.value, total.raw) == (6, "6件")


def test_decimal_amount_with_unit():
    active = dict(ACTIVE_2021, fees=["1.5万元"])
    r = read_text(report_text(tables={2: render(active_rows(active), "cells")}))
    fees = r.tables["active"]["fees"]["amount"]
    assert fees.value == 1.5
    assert fees.raw == "1.5万元"


# ---------------------------------------------------------------------------------------------
# odd spaces and markers


def test_non_breaking_and_ideographic_spaces():
    text = report_text()
    text = swap(text, "一、总体情况\n", "\u3000\u3000一、总体情况\n")
    text = swap(text, "五、存在的主要问题及改进情况\n", "五、\u3000存在的主要问题及改进情况\n")
    # cells padded with odd spaces, a label with a space inside, a cell holding only a space
    text = swap(text, "\t一、本年新收政府信息公开申请数量\n\t5\n", "\t一、本年新收政府信息公开申请数量\xa0\n\t\xa05\xa0\n")
    text = swap(text, "\t（一）予以公开\n\t2\n", "\t（一）予以\u3000公开\n\t2\u3000\n")
    text = swap(text, "\t4.保护第三方合法权益\n\t1\n\t0\n", "\t4.保护第三方合法权益\n\t1\n\t\u3000\n")
    r = read_text(text)
    assert [s.number for s in r.sections] == SECTION_NUMBERS
    assert r.section(1).title == "总体情况"
    assert r.section(5).title == "存在的主要问题及改进情况"
    assert row_values(r, "new_received") == [5, 1, 0, 0, 0, 0, 6]
    assert r.tables["applications"]["new_received"]["natural_person"].raw == "5"
    assert row_values(r, "granted") == [2, 1, 0, 0, 0, 0, 3]
    third = r.tables["applications"]["withheld_third_party"]
    assert third["commercial"].value is None
    assert third["commercial"].blank
    assert row_values(r, "withheld_third_party")[2:] == [0, 0, 0, 0, 1]


def test_spaces_layout_with_non_breaking_spaces():
    text = "\n".join([
        "一、本年新收政府信息公开申请数量\xa05\xa01\xa00\xa00\xa00\xa00\xa06",
        "二、上年结转政府信息公开申请数量\u30001\u30000\u30000\u30000\u30000\u30000\u30001",
    ])
    r = read_text(report_text(tables={3: text}))
    assert row_values(r, "new_received") == [5, 1, 0, 0, 0, 0, 6]
    assert row_values(r, "carried_over") == [1, 0, 0, 0, 0, 0, 1]


def test_bookmark_markers_are_ignored():
    text = report_text()
    text = "[bookmark: _GoBack]" + text
    text = swap(text, "\n三、收到和处理政府信息公开申请情况\n", "\n[bookmark: _GoBack]三、收到和处理政府信息公开申请情况\n")
    text = swap(text, "\t（七）总计\n\t5\n", "\t（七）总计\n\t[bookmark: _GoBack]5\n")
    r = read_text(text)
    assert r.title == "2023年某某镇人民政府政府信息公开工作年度报告"
    assert [s.number for s in r.sections] == SECTION_NUMBERS
    assert r.section(3).title == "收到和处理政府信息公开申请情况"
    assert row_values(r, "total_processed") == [5, 1, 0, 0, 0, 0, 6]
    assert r.tables["applications"]["total_processed"]["natural_person"].raw == "5"


# ---------------------------------------------------------------------------------------------
# headings


def test_sub_headings_inside_a_section_do_not_start_sections():
    five = "\n".join([
        "本机关政府信息公开工作还存在一些不足，改进措施如下：",
        "一、加强组织领导，明确专人负责",
        "调整充实政务公开工作领导小组。",
        "二、主动公开工作有待加强",
        "进一步规范主动公开的内容和程序。",
        "三、做实做细工作，持续抓好内容",
        "及时更新信息。",
    ])
    r = read_text(report_text(body={5: five}))
    assert [s.number for s in r.sections] == SECTION_NUMBERS
    s5 = r.section(5)
    assert s5.title == "存在的主要问题及改进情况"
    for line in ("一、加强组织领导，明确专人负责", "二、主动公开工作有待加强", "三、做实做细工作，持续抓好内容", "及时更新信息。"):
        assert line in s5.text
    assert r.section(2).title == "主动公开政府信息情况"
    assert r.section(6).text.startswith("本年度未收取信息处理费。")


@pytest.mark.parametrize("layout", ["cells", "spaces"])
def test_group_label_of_table_three_on_its_own_line_is_no_section(layout):
    text = report_text(layout=layout)
    if layout == "cells":
        # as in Word text where the merged cell fell out of its row
        text = swap(text, "\t三、本年度办理结果\n", "三、本年度办理结果\n")
    else:
        text = swap(text, "三、本年度办理结果 （一）予以公开", "三、本年度办理结果\n（一）予以公开")
    assert "\n三、本年度办理结果\n" in text
    r = read_text(text)
    assert [s.number for s in r.sections] == SECTION_NUMBERS
    assert r.section(3).title == "收到和处理政府信息公开申请情况"
    assert r.section(4).title == "政府信息公开行政复议、行政诉讼情况"
    for key, values in consistent_applications().items():
        assert row_values(r, key) == values, key


@pytest.mark.parametrize("style", ["3、", "3、 ", "3."])
def test_arabic_section_numbering(style):
    r = read_text(report_text(headings={
        3: f"{style}收到和处理政府信息公开申请情况",
        5: f"{style.replace('3', '5')}存在的主要问题及改进情况",
    }))
    assert [s.number for s in r.sections] == SECTION_NUMBERS
    assert r.section(3).title == "收到和处理政府信息公开申请情况"
    assert r.section(5).title == "存在的主要问题及改进情况"
    assert r.section(5).heading == f"{style.replace('3', '5')}存在的主要问题及改进情况".strip()
    assert row_values(r, "new_received") == [5, 1, 0, 0, 0, 0, 6]


def test_section_title_variants():
    r = read_text(report_text(headings={
        4: "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        5: "五、政府信息公开工作存在的主要问题及改进情况",
        6: "六、其他事项",
    }))
    assert [s.number for s in r.sections] == SECTION_NUMBERS
    assert r.section(6).text.startswith("本年度未收取信息处理费。")
    assert review_values(r) == REVIEW


# ---------------------------------------------------------------------------------------------
# encodings


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030", "gbk", "utf-16"])
def test_encodings(encoding):
    text = report_text()
    data = text.encode(encoding)
    if encoding in ("utf-8-sig", "utf-16"):
        assert data[:2] in (b"\xef\xbb", b"\xff\xfe", b"\xfe\xff")  # a BOM
    r = read_data(data, "report.txt")
    assert r.title == "2023年某某镇人民政府政府信息公开工作年度报告"
    assert r.agency == "某某镇人民政府"
    assert r.year == 2023
    assert r.date == dt.date(2024, 1, 15)
    assert [s.number for s in r.sections] == SECTION_NUMBERS
    assert row_values(r, "withheld_security") == [0] * 7  # the curly quotes of 3.危及“三安全一稳定”
    assert row_values(r, "new_received") == [5, 1, 0, 0, 0, 0, 6]
    assert review_values(r) == REVIEW


# ---------------------------------------------------------------------------------------------
# Markdown, spaces, run-together text


def test_markdown_table_two():
    text = "\n".join([
        "第二十条第（一）项",
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "| :--- | ---: | ---: | ---: |",
        "| 规章 | 0 | 0 | 0 |",
        "| 行政规范性文件 | 3 | 1 | 27 |",
        "",
        "第二十条第（五）项",
        "| 信息内容 | 本年处理决定数量 |",
        "|---|---|",
        "| 行政许可 | 56 |",
    ])
    r = read_text(report_text(tables={2: text}))
    active = r.tables["active"]
    assert [active["regulations"][c].value for c in ("issued", "repealed", "in_force")] == [0, 0, 0]
    assert [active["normative_documents"][c].value for c in ("issued", "repealed", "in_force")] == [3, 1, 27]
    assert active["licensing"]["decisions"].value == 56


def test_spaces_one_line_per_row():
    text = "\n".join([
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） 申请人情况",
        "自然人 法人或其他组织 总计",
        "商业企业 科研机构 社会公益组织 法律服务机构 其他",
        "一、本年新收政府信息公开申请数量 5 1 0 0 0 0 6",
        "二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1",
        "三、本年度办理结果 （一）予以公开 12 1 0 0 0 0 13",
    ])
    r = read_text(report_text(tables={3: text}))
    assert row_values(r, "new_received") == [5, 1, 0, 0, 0, 0, 6]
    assert row_values(r, "carried_over") == [1, 0, 0, 0, 0, 0, 1]
    assert row_values(r, "granted") == [12, 1, 0, 0, 0, 0, 13]


def test_spaces_table_four_and_two():
    four = "\n".join([
        "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
        "结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计",
        "2 1 0 0 3 0 0 0 1 1 1 0 0 0 1",
    ])
    two = "\n".join([
        "第二十条第（一）项",
        "信息内容 本年制发件数 本年废止件数 现行有效件数",
        "规章 0 0 0",
        "行政规范性文件 4 2 31",
    ])
    r = read_text(report_text(tables={2: two, 4: four}))
    assert review_values(r) == [2, 1, 0, 0, 3, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1]
    active = r.tables["active"]
    assert [active["normative_documents"][c].value for c in ("issued", "repealed", "in_force")] == [4, 2, 31]
    assert [active["regulations"][c].value for c in ("issued", "repealed", "in_force")] == [0, 0, 0]


CRAWLED = {
    "new_received": [80, 1, 0, 0, 0, 0, 81],
    "carried_over": [2, 0, 0, 0, 0, 0, 2],
    "granted": [60, 1, 0, 0, 0, 0, 61],
    "partially_granted": [10, 0, 0, 0, 0, 0, 10],
    "unavailable_not_held": [10, 0, 0, 0, 0, 0, 10],
    "total_processed": [80, 1, 0, 0, 0, 0, 81],
    "carried_forward": [2, 0, 0, 0, 0, 0, 2],
}


def crawled_values():
    values = {key: [0] * 7 for key, _, _ in APPLICATION_ROWS["2021"]}
    values.update(CRAWLED)
    return values


def test_run_together_row():
    text = "一、本年新收政府信息公开申请数量801000081\n二、上年结转政府信息公开申请数量2000002"
    r = read_text(report_text(tables={3: text}))
    assert row_values(r, "new_received") == [80, 1, 0, 0, 0, 0, 81]
    assert row_values(r, "carried_over") == [2, 0, 0, 0, 0, 0, 2]


@pytest.mark.parametrize("one_paragraph", [False, True], ids=["line-per-row", "one-paragraph"])
def test_run_together_tables_as_crawled(one_paragraph):
    apps = render(application_rows(crawled_values()), "run")
    review = render(review_rows([0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]), "run")
    active = render(active_rows(dict(ACTIVE_2021, normative_documents=[2, 1, 5])), "run")
    assert "一、本年新收政府信息公开申请数量801000081" in apps
    assert review.endswith("010010000000101")
    if one_paragraph:
        apps, review, active = (t.replace("\n", "") for t in (apps, review, active))
    r = read_text(report_text(tables={2: active, 3: apps, 4: review}))
    for key, values in crawled_values().items():
        assert row_values(r, key) == values, key
    assert review_values(r) == [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]
    act = r.tables["active"]
    assert [act["normative_documents"][c].value for c in ("issued", "repealed", "in_force")] == [2, 1, 5]
    assert act["licensing"]["decisions"].value == 120
    assert act["penalty"]["decisions"].value == 35
    assert act["fees"]["amount"].value == 20
    assert r.edition == "2021"


def test_whole_page_on_one_line_after_the_title():
    """A crawled page: title on its own line, everything else run together on one line."""
    text = report_text(layout="run")
    head, _, rest = text.partition("\n")
    body = rest.replace("\n", "")
    r = read_text(head + "\n" + body + "\n")
    assert r.title == "2023年某某镇人民政府政府信息公开工作年度报告"
    assert [s.number for s in r.sections] == SECTION_NUMBERS
    for key, values in consistent_applications().items():
        assert row_values(r, key) == values, key
    assert review_values(r) == REVIEW


# ---------------------------------------------------------------------------------------------
# editions and label variants


def test_edition_from_labels_not_year():
    text = report_text(edition="2019")  # a 2023 report printed with the 2019 tables
    r = read_text(text)
    assert r.year == 2023
    assert r.edition == "2019"
    assert row_values(r, "other") == [0] * 7
    assert "other_other" not in r.tables["applications"]
    active = r.tables["active"]
    assert [active["procurement"][c].value for c in ("items", "amount")] == [3, 20]
    assert [active["licensing"][c].value for c in ("prev_items", "change", "decisions")] == [10, 2, 120]


def test_2021_labels_in_a_2020_report_read_as_2021():
    r = read_text(report_text(title="2020年某某镇人民政府政府信息公开工作年度报告", ending=["2021年1月10日"]))
    assert r.year == 2020
    assert r.edition == "2021"


def test_no_tables_no_edition():
    r = read_text(report_text(tables={}))
    assert r.edition is None
    assert r.tables == {}
    assert r.year == 2023
    assert [s.number for s in r.sections] == SECTION_NUMBERS


@pytest.mark.parametrize("sep", ["、", "，", ","])
@pytest.mark.parametrize("layout", ["cells", "tabs"])
def test_2021_other_sub_rows_with_either_separator(sep, layout):
    values = consistent_applications()
    values["other_no_correction"] = [1, 0, 0, 0, 0, 0, 1]
    values["other_unpaid_fee"] = [0, 2, 0, 0, 0, 0, 2]
    labels = {k: label.replace("、", sep) for k, label, _ in APPLICATION_ROWS["2021"] if k.startswith("other_")}
    assert sep in labels["other_no_correction"]
    r = apps_only(application_rows(values, labels=labels), layout)
    assert r.edition == "2021"
    assert row_values(r, "other_no_correction") == [1, 0, 0, 0, 0, 0, 1]
    assert row_values(r, "other_unpaid_fee") == [0, 2, 0, 0, 0, 0, 2]
    assert row_values(r, "other_other") == [0] * 7
    assert check(r, select={"GK115", "GK116"}) == []


@pytest.mark.parametrize("layout", ["cells", "tabs", "spaces"])
def test_half_width_parentheses(layout):
    values = numbered_applications()
    rows = application_rows(values)
    rows = [[c.replace("（", "(").replace("）", ")") for c in row] for row in rows]
    assert any(c == "(一)予以公开" for row in rows for c in row)
    r = apps_only(rows, layout)
    for key, vals in values.items():
        assert row_values(r, key) == vals, key
    assert r.edition == "2021"
    assert check(r, select={"GK115"}) == []


# ---------------------------------------------------------------------------------------------
# title, date, where things were printed


def test_title_over_two_lines():
    r = read_text(report_text(title=["某某县财政局", "2023年政府信息公开工作年度报告"]))
    assert r.title == "某某县财政局2023年政府信息公开工作年度报告"
    assert r.agency == "某某县财政局"
    assert r.year == 2023
    assert r.title_at == Location(line=1)


@pytest.mark.parametrize(
    "printed, date",
    [
        ("2024年1月15日", dt.date(2024, 1, 15)),
        ("二〇二四年一月十五日", dt.date(2024, 1, 15)),
        ("二〇二四年一月三十一日", dt.date(2024, 1, 31)),
        ("2024年3月5日", dt.date(2024, 3, 5)),
        ("\u3000\u3000\u3000\u30002024年1月10日", dt.date(2024, 1, 10)),
        ("          2024 年 2 月 1 日", dt.date(2024, 2, 1)),
    ],
)
def test_date_under_the_signature(printed, date):
    text = report_text(ending=["某某镇人民政府", printed])
    r = read_text(text)
    assert r.date == date
    assert r.date_at == Location(line=line_of(text, printed.strip()))


def test_no_date():
    r = read_text(report_text(ending=["某某镇人民政府"]))
    assert r.date is None


def test_at_points_at_the_printed_line_one_cell_per_line():
    text = report_text()
    r = read_text(text)
    assert r.title_at == Location(line=1)
    assert r.section(3).at == Location(line=line_of(text, '三、收到和处理政府信息公开申请情况'))
    assert r.section(6).at == Location(line=line_of(text, '六、其他需要报告的事项'))
    label = line_of(text, "\t一、本年新收政府信息公开申请数量")
    cells = r.tables["applications"]["new_received"]
    for k, col in enumerate(APPLICANT_KEYS, start=1):
        assert cells[col].at == Location(line=label + k), col
    carried = line_of(text, "\t四、结转下年度继续办理")
    assert r.tables["applications"]["carried_forward"]["total"].at == Location(line=carried + 7)
    # table 四: header row 2 ends with 复议后起诉; blank; 15 header cells; blank; 15 values
    header = line_of(text, "\t复议后起诉")
    assert r.tables["review_litigation"]["review"]["upheld"].at == Location(line=header + 18)
    assert r.tables["review_litigation"]["litigation_after_review"]["total"].at == Location(line=header + 32)
    fees = line_of(text, "\t行政事业性收费")
    assert r.tables["active"]["fees"]["amount"].at == Location(line=fees + 1)
    assert r.date_at == Location(line=line_of(text, '2024年1月15日'))


def test_at_points_at_the_printed_line_tabs():
    text = report_text(layout="tabs")
    r = read_text(text)
    line = line_of(text, "\t（七）总计\t")
    # a tab-separated line: the label in cell 2 (cell 1 is the blank group cell), then the applicant columns
    for k, col in enumerate(APPLICANT_KEYS, start=3):
        assert r.tables["applications"]["total_processed"][col].at == Location(line=line, cell=k)
    review = line_of(text, "1\t0\t0\t0\t1\t0\t0\t0\t1\t1\t0\t0\t0\t0\t0")
    # 表四's numbers on one line: litigation_direct's total is the 10th
    assert r.tables["review_litigation"]["litigation_direct"]["total"].at == Location(line=review, cell=10)


def test_at_points_at_the_blank_cell():
    rows = APPLICATION_HEADER + [
        ["一、本年新收政府信息公开申请数量", "4", "", "0", "0", "0", "0", "4"],
    ]
    text = report_text(tables={3: render(rows, "cells")})
    r = read_text(text)
    label = line_of(text, "\t一、本年新收政府信息公开申请数量")
    assert r.tables["applications"]["new_received"]["commercial"].at == Location(line=label + 2)
    assert r.tables["applications"]["new_received"]["commercial"].raw == ""
