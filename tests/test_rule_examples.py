"""Every rule of the catalogue, on small reports written for it: a correct report keeps it silent, and
one change made by hand makes it fire. A rule added to the catalogue without an example here fails
test_every_rule_has_an_example."""

from __future__ import annotations

import examples_claims
import examples_content
import examples_copied
import pytest

from gongkai.api import read_data
from gongkai.checks import catalogue, check

import scans
from reportgen import (
    ACTIVE_2021,
    BODY,
    active_rows,
    application_rows,
    apps,
    consistent_applications,
    last_year,
    render,
    report_text,
    tables,
    with_row,
)

TITLE_2023 = "2023年某某镇人民政府政府信息公开工作年度报告"


def numbers_moved_away(row_label: str) -> str:
    """Table 三 with the numbers of the row ``row_label`` printed apart from it, after the table's last row
    (as a PDF converter that pulls labels and numbers apart may leave them)."""
    rows = application_rows(consistent_applications())
    i = next(i for i, r in enumerate(rows) if row_label in r)
    rows[i], numbers = rows[i][:-7], rows[i][-7:]
    return render([*rows, numbers])


def report(text: str, name: str = "example.txt"):
    return read_data(text.encode("utf-8"), name)


def codes(text: str | tuple[str, bytes], previous: str | None = None) -> set[str]:
    """The codes found in a report given as text, or as a file (name, bytes): a scan."""
    prev = report(previous) if previous is not None else None
    this = read_data(text[1], text[0]) if isinstance(text, tuple) else report(text)
    return {f.code for f in check(this, previous=prev)}


CORRECT = report_text()
CORRECT_2019 = report_text(title="2020年某某镇人民政府政府信息公开工作年度报告", edition="2019",
                           body={1: "2020年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。"
                                    "将政府信息公开工作纳入年度工作考核，开展社会评议，本年度未发生责任追究情况。"},
                           ending=["某某镇人民政府", "2021年1月15日"])
# this year 制发 2, 废止 1, 现行有效 15: last year's 14 carries over exactly
LAST_YEAR = last_year()

# code → the report (and last year's, for the cross-year rules) that makes it fire
FIRES: dict[str, tuple[str, str | None]] = {
    "GK101": (report_text(edition="2019"), None),  # a 2023 report in the withdrawn 2019 layout
    "GK102": (report_text(title="2020年某某镇人民政府政府信息公开工作年度报告",
                          body={1: "2020年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。"},
                          ending=["某某镇人民政府", "2021年1月15日"]), None),
    "GK103": (report_text(tables=tables(active_edition="2019")), None),  # 表二 2019, 表三 2021
    "GK110": (report_text(tables={k: v for k, v in tables().items() if k != 4}), None),
    "GK111": (report_text(tables=tables(applications={k: v for k, v in consistent_applications().items()
                                                       if k != "other_other"})), None),
    "GK112": (report_text(tables={**tables(), 2: render(with_row(active_rows(ACTIVE_2021), "行政许可",
                                                                   ["其他对外管理服务事项", "3"]))}), None),
    "GK113": (report_text(headings={5: None}), None),
    # numbered in print order, but 其他需要报告的事项 comes before 存在的主要问题
    "GK114": (report_text(headings={5: "五、其他需要报告的事项", 6: "六、存在的主要问题及改进情况"},
                          body={5: BODY[6], 6: BODY[5]}), None),
    "GK115": (report_text(tables=tables(labels={"withheld_security": "3.危及“三安全一稳”"})), None),
    "GK116": (report_text(tables=tables(labels={"partially_granted": "（二）部分公开"})), None),
    "GK117": (report_text(headings={1: "1、总体情况"}), None),
    "GK118": (report_text(title="某某镇人民政府信息公开工作报告"), None),
    "GK119": (report_text(headings={4: "四、政府信息公开行政法复议、行政诉讼情况"}), None),
    "GK201": (report_text(tables=tables(applications=apps(new_received=[5, 1, "", 0, 0, 0, 6]))), None),
    "GK202": (report_text(tables=tables(review=[1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, -2, 2, 0])), None),
    "GK203": (report_text(tables=tables(review=[1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0.5, 0, 0.5])), None),
    "GK204": (report_text(tables=tables(applications=apps(new_received=[5, 1, "两", 0, 0, 0, 6]))), None),
    "GK205": (report_text(tables=tables(applications=apps(new_received=[5, 1, "/", 0, 0, 0, 6]))), None),
    # 结转下年度 2 instead of 1: 一+二 = 7 ≠ （七）+四 = 8 (and the row's own total stays right)
    "GK301": (report_text(tables=tables(applications=apps(carried_forward=[2, 0, 0, 0, 0, 0, 2]))), None),
    "GK302": (report_text(tables=tables(applications=apps(granted=[2, 1, 0, 0, 0, 0, 4]))), None),
    "GK303": (report_text(tables=tables(applications=apps(total_processed=[5, 1, 0, 0, 0, 0, 7],
                                                          carried_forward=[0, 0, 0, 0, 0, 0, 0]))), None),
    "GK304": (report_text(tables=tables(review=[1, 0, 0, 0, 2, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0])), None),
    "GK401": (report_text(body={3: "本年度新收政府信息公开申请8件，办结6件，结转下年度继续办理1件。"}), None),
    "GK402": (report_text(body={3: "本年度共办结申请6件，其中予以公开3件、部分公开1件、不予公开1件、无法提供2件。"}), None),
    "GK501": (report_text(body={6: "无。"}), None),
    "GK502": (report_text(ending=["某某镇人民政府", "2024年4月15日"]), None),
    "GK503": (report_text(ending=["某某镇人民政府", "2023年12月1日"]), None),
    "GK504": (report_text(ending=["某某镇人民政府"]), None),
    "GK601": (CORRECT, last_year(carried_forward=2)),  # last year 结转下年度 2, this year 上年结转 1
    "GK602": (CORRECT, last_year(in_force=20)),  # 20 + 2 − 1 ≠ 15
    "GK603": (CORRECT, last_year(new_received=60)),  # 60 new last year, 6 this year, nothing said
    # table 二 run together as a crawler keeps it: 行政规范性文件 "2115" is 2、1、15 or 2、11、5 or 21、1、5
    "GK701": (report_text(tables=tables(active_layout="run")), None),
    # the numbers of （一）予以公开 printed apart from its label, after the last row of table 三
    "GK703": (report_text(tables={**tables(), 3: numbers_moved_away("（一）予以公开")}), None),
    # 收费金额 printed as 200000元 where the 2021 format counts 万元
    "GK704": (report_text(tables=tables(active={**ACTIVE_2021, "fees": ["200000元"]})), None),
    # a scanned copy of a correct report whose 行政处罚 number 1274 was printed faint: OCR reads it and doubts it
    "GK702": (scans.faint_scan(), None),
}


# the examples of the rule families kept in their own files (tests/examples_*.py), same shape
for _more in (examples_content.FIRES, examples_claims.FIRES, examples_copied.FIRES):
    assert not set(_more) & set(FIRES), set(_more) & set(FIRES)
    FIRES.update(_more)


def test_every_rule_has_an_example():
    # the rules that read other reports of the store are tested with a real store: GK801 in tests/test_copied.py,
    # GK802 in tests/test_region_rule.py, GK803 in tests/test_register*.py
    assert set(FIRES) == {r.code for r in catalogue() if not r.needs_store}


NEEDS_PREVIOUS = {r.code for r in catalogue() if r.needs_previous}


@pytest.mark.parametrize("code", sorted(FIRES))
def test_a_correct_report_keeps_the_rule_silent(code):
    text = CORRECT_2019 if code == "GK102" else CORRECT
    previous = LAST_YEAR if code in NEEDS_PREVIOUS else None
    assert code not in codes(text, previous)


def test_the_correct_reports_have_no_findings_at_all():
    assert codes(CORRECT) == set()
    assert codes(CORRECT_2019) == set()
    assert codes(CORRECT, LAST_YEAR) == set()
    assert codes(LAST_YEAR) == set()


@pytest.mark.parametrize("code", sorted(FIRES))
def test_one_change_makes_the_rule_fire(code):
    text, previous = FIRES[code]
    found = codes(text, previous)
    assert code in found, found
