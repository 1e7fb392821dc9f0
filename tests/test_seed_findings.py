"""`gongkai check` on the seeds reports what a careful reviewer finds in them, and nothing else.

The lists below were written from reading each seed as a reviewer would.
"""

from __future__ import annotations

import pytest

from gongkai.api import check, read
from gongkai.location import Location

from conftest import SEEDS

# (code, first cell named or None) for every finding of error or warning severity
EXPECTED = {
    "000": {
        ("GK101", None),  # a 2023 report in the 2019 layout
        ("GK501", None),  # 七、其他需要报告的事项 says nothing about 信息处理费
        ("GK508", None),  # a township's report without the results of 社会评议 and 责任追究 (第五十条)
    },
    "001": {
        ("GK501", None),  # 六 is just "无。"
        ("GK508", None),  # says nothing of 责任追究
    },
    "002": {
        ("GK115", "applications.declined_excessive"),  # 无正当理由由大量反复申请
        ("GK201", "applications.granted.natural_person"),  # only the 总计 cell is filled
        ("GK201", "applications.partially_granted.natural_person"),
        ("GK508", None),  # a township's 2020 report: 监督评议、问责 named, the results of 考核 not
    },
    "003": {
        ("GK111", "applications.other_other"),  # （六） has no "3.其他" row
        ("GK402", None),  # 共发布公开信息208条, the listed items add up to 209
        ("GK501", None),  # 六 says nothing about 信息处理费
        ("GK508", None),  # no 社会评议, no 责任追究
    },
    "004": {
        ("GK201", "active.coercion.decisions"),  # 行政强制 left blank
        ("GK508", None),  # no 社会评议, no 责任追究
    },
}

EXPECTED_INFO = {
    "000": {"GK118", "GK504"},  # title 政务公开工作总结; no date
    "001": set(),
    "002": {"GK504"},
    "003": {"GK116", "GK117"},  # 规范性文件 for 行政规范性文件; "5、"
    "004": {"GK117", "GK504"},  # "3、" and "4、"; no date
}


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_findings_are_the_real_problems(seed):
    key = seed.stem[:3]
    findings = check(read(seed))
    serious = {(f.code, f.cells[0] if f.cells else None) for f in findings if f.severity != "info"}
    assert serious == EXPECTED[key]
    assert {f.code for f in findings if f.severity == "info"} == EXPECTED_INFO[key]


def test_messages_name_what_was_expected_and_printed():
    seed = next(p for p in SEEDS if p.stem.startswith("002"))
    typo = next(f for f in check(read(seed)) if f.code == "GK115")
    assert "无正当理由由大量反复申请" in typo.message and "4.无正当理由大量反复申请" in typo.message
    assert typo.at == Location(line=66, cell=3)  # line 66: two blank cells, then the label
    seed = next(p for p in SEEDS if p.stem.startswith("003"))
    listed = next(f for f in check(read(seed)) if f.code == "GK402")
    assert (listed.expected, listed.actual) == (208, 209)
    assert "208" in listed.message and "209" in listed.message
