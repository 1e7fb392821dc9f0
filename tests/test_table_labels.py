"""A table's label printed as a line of running text (a header cell a reader left in the narrative) is
taken out where the sections are made (extract/leftovers.py): the JSON, the checks and every output
see the same, repaired text, and the positions of the paragraphs left still point at their lines."""

from __future__ import annotations

import json

from gongkai.api import check, read, read_data
from gongkai.extract.leftovers import is_table_label
from gongkai.render import render

from conftest import SEEDS
from reportgen import line_of, report_text

SEED_004 = next(p for p in SEEDS if p.name.startswith("004_"))
LABEL = "三、本年度办理结果"  # the merged label over table 三's outcome rows


def test_labels_are_told_from_narrative():
    assert is_table_label(LABEL) and is_table_label("申请人情况") and is_table_label("（一）予以公开")
    assert not is_table_label("全年共收到政府信息公开申请7件。")
    assert not is_table_label("三、收到和处理政府信息公开申请情况")  # a section heading, not a table label


def test_the_seed_label_line_is_not_in_the_json_nor_in_what_is_written():
    # seed 004 prints 三、本年度办理结果 on a line of its own (line 106), outside its table's rows
    assert LABEL in SEED_004.read_text(encoding="utf-8").split("\n")[105]
    report = read(SEED_004)
    data = report.to_json()
    assert all(LABEL not in s["text"] for s in data["sections"])
    section3 = next(s for s in data["sections"] if s["number"] == 3)
    written = json.loads(render(report, "json"))
    assert next(s for s in written["sections"] if s["number"] == 3)["text"] == section3["text"]
    # the table itself is untouched: 三、本年度办理结果's rows still read
    assert report.value("applications.new_received.total") == 1
    assert report.value("applications.granted.total") == 0


def test_checks_see_the_repaired_text_and_the_lines_still_match():
    body = f"{LABEL}\n全年共收到政府信息公开申请99件。\n申请人情况\n本年度申请均已按期答复完毕。"
    text = report_text(body={3: body})
    report = read_data(text.encode("utf-8"), "report.txt")
    section = next(s for s in report.sections if s.number == 3)
    assert section.text == "全年共收到政府信息公开申请99件。\n本年度申请均已按期答复完毕。"
    assert [s["text"] for s in report.to_json()["sections"] if s["number"] == 3] == [section.text]
    # the paragraph after the dropped label keeps its own line of the file
    assert section.at_offset(section.text.index("本年度申请")).line == line_of(text, "本年度申请均已按期答复完毕")
    gk401 = [f for f in check(report) if f.code == "GK401"]
    assert len(gk401) == 1 and gk401[0].actual == 99 and gk401[0].expected == 6
    assert gk401[0].at.line == line_of(text, "收到政府信息公开申请99件")


def test_only_the_sections_that_hold_a_table_are_repaired():
    # in 一、总体情况 a line that happens to be a label is the agency's own text
    text = report_text(body={1: "本机关全年工作情况如下。\n申请人情况\n详见后文。"})
    report = read_data(text.encode("utf-8"), "report.txt")
    assert next(s for s in report.sections if s.number == 1).text == "本机关全年工作情况如下。\n申请人情况\n详见后文。"
