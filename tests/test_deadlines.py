"""The publication deadlines of 第四十九条 as data (formats/deadlines.yaml) and an office's own file, through the
Python API and `gongkai check --deadlines FILE`; a file that cannot be used gets a clear Chinese reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from gongkai.api import check, load_deadlines, read_data
from gongkai.formats.deadlines import DeadlinesError, default_deadlines, parse_deadlines

from conftest import ROOT
from reportgen import report_text

NATIONAL = "《中华人民共和国政府信息公开条例》第四十九条"
LOCAL = """# 某区规定：区属部门2月20日前公布
依据: 某区政务公开办公室〔2024〕3号
部门: 2月20日
街道:
  期限: 01-15
  依据: 某区街道政务公开规定
"""


def dated(agency: str, date: str, year: int = 2023) -> str:
    return report_text(title=f"{year}年{agency}政府信息公开工作年度报告", ending=[agency, date])


def late(text: str, deadlines=None):
    return list(check(read_data(text.encode(), "r.txt"), select={"GK502"}, deadlines=deadlines))


def test_the_national_deadlines_come_from_the_data_file():
    d = default_deadlines()
    assert d.source is None
    assert [(lv, d.of(lv).month, d.of(lv).day) for lv in ("department", "government", "township", "street")] == [
        ("department", 1, 31), ("government", 3, 31), ("township", 3, 31), ("street", 3, 31)]
    assert d.of("department").basis == d.of("government").basis == NATIONAL
    assert "地方规定" in d.of("township").basis
    assert str(d.of("government").after(2023)) == "2024-03-31"
    assert default_deadlines() is d  # read once


def test_an_office_file_changes_the_levels_it_names(tmp_path):
    path = tmp_path / "本区期限.yaml"
    path.write_text(LOCAL, encoding="utf-8")
    d = load_deadlines(path)
    assert d.source == str(path)
    assert (d.of("department").month, d.of("department").day, d.of("department").basis) == (
        2, 20, "某区政务公开办公室〔2024〕3号")
    assert (d.of("street").month, d.of("street").day, d.of("street").basis) == (1, 15, "某区街道政务公开规定")
    assert d.of("government") == default_deadlines().of("government")  # not named: the national rule
    assert d.of("township") == default_deadlines().of("township")


def test_local_deadline_through_the_api(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(LOCAL, encoding="utf-8")
    d = load_deadlines(path)
    text = dated("某县财政局", "2024年2月10日")
    national = late(text)
    assert [(f.expected, f.actual) for f in national] == [("2024-01-31", "2024-02-10")]
    assert NATIONAL in national[0].message
    assert late(text, d) == []  # before 2月20日
    found = late(dated("某县财政局", "2024年2月25日"), d)
    assert len(found) == 1
    f = found[0]
    assert (f.severity, f.expected, f.actual) == ("warning", "2024-02-20", "2024-02-25")
    assert f.message == ("报告落款日期为2024年2月25日，晚于县级以上人民政府部门的公布期限2024年2月20日"
                         "（某区政务公开办公室〔2024〕3号）")


def test_street_and_township_levels(tmp_path):
    d = parse_deadlines(LOCAL, "d.yaml")
    street = late(dated("某某街道办事处", "2024年1月20日"), d)
    assert [(f.expected, f.actual) for f in street] == [("2024-01-15", "2024-01-20")]
    assert "街道的公布期限2024年1月15日（某区街道政务公开规定）" in street[0].message
    assert late(dated("某某镇人民政府", "2024年1月20日"), d) == []  # a township keeps 3月31日
    assert late(dated("某某街道办事处", "2024年1月20日")) == []  # nationally: 3月31日


def test_a_file_must_give_every_level_only_when_it_stands_alone():
    with pytest.raises(DeadlinesError, match="缺少“政府”的期限"):
        parse_deadlines("部门: 1月31日\n乡镇: 3月31日\n街道: 3月31日\n", "x.yaml", inherit=False)


def test_english_level_names_and_forms_of_the_day():
    d = parse_deadlines("department: 02-20\ngovernment: {deadline: 3/20, basis: 本市规定}\n", "d.yaml")
    assert (d.of("department").month, d.of("department").day) == (2, 20)
    assert (d.of("government").month, d.of("government").day, d.of("government").basis) == (3, 20, "本市规定")


@pytest.mark.parametrize(("text", "reason"), [
    ("", "文件是空的"),
    ("部门 2月20日\n", "应按“级别: 期限”逐行书写"),
    ("- 部门\n- 2月20日\n", "应按“级别: 期限”逐行书写"),
    ("部门: 2月20日\n  政府: 3月31日\n", "第2行不是有效的 YAML"),
    ("区属部门: 2月20日\n", "不认识的级别“区属部门”"),
    ("部门: 2月30日\n", "“部门”的期限“2月30日”中2月没有30日"),
    ("部门: 13月1日\n", "中没有13月"),
    ("部门: 2-29\n", "不能是2月29日"),
    ("部门: 2024-02-20\n", "只写月和日"),
    ("部门: 二月二十日\n", "看不懂，请写成“2月20日”"),
    ("部门: 20\n", "看不懂"),
    ("部门: 2月20日\n县级以上人民政府部门: 2月25日\n", "是同一级，重复了"),
    ("部门:\n  日期: 2月20日\n", "不认识的项“日期”"),
    ("部门:\n  依据: 某规定\n", "没有写“期限”"),
    ("依据: 某区规定\n", "没有写出任何一级的期限"),
    ("依据: [1, 2]\n部门: 2月20日\n", "“依据”应写一段文字"),
])
def test_bad_files_are_refused_with_a_reason(text, reason):
    with pytest.raises(DeadlinesError) as err:
        parse_deadlines(text, "本区期限.yaml")
    assert err.value.zh.startswith("公布期限文件 本区期限.yaml：")
    assert reason in err.value.zh
    assert "\n" not in str(err.value)


def test_unreadable_files(tmp_path):
    with pytest.raises(DeadlinesError, match="文件不存在"):
        load_deadlines(tmp_path / "没有.yaml")
    with pytest.raises(DeadlinesError, match="不是文件"):
        load_deadlines(tmp_path)
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("部门: 2月20日\n".encode("gbk"))
    with pytest.raises(DeadlinesError, match="不是 UTF-8"):
        load_deadlines(gbk)


def gongkai(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONUTF8="1", PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gongkai.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120, check=False)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc


def test_cli_deadlines_option(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text(dated("某县财政局", "2024年2月10日"), encoding="utf-8")
    local = tmp_path / "d.yaml"
    local.write_text(LOCAL, encoding="utf-8")
    national = gongkai("check", "--select", "GK5", str(report))
    assert "GK502 warning 报告落款日期为2024年2月10日，晚于县级以上人民政府部门的公布期限2024年1月31日" in national.stdout
    mine = gongkai("check", "--select", "GK5", "--deadlines", str(local), str(report))
    assert mine.returncode == 0 and "GK502" not in mine.stdout
    report.write_text(dated("某县财政局", "2024年2月21日"), encoding="utf-8")
    mine = json.loads(gongkai("check", "--deadlines", str(local), str(report), "--format", "json").stdout)
    found = [f for f in mine if f["code"] == "GK502"]
    assert [(f["expected"], f["actual"]) for f in found] == [("2024-02-20", "2024-02-21")]
    # the other rules still run, in the same order (the worker leaves GK502 to the command)
    others = json.loads(gongkai("check", str(report), "--format", "json").stdout)
    assert [f for f in others if f["code"] != "GK502"] == [f for f in mine if f["code"] != "GK502"]
    assert [f["code"] for f in mine] == [f["code"] for f in others]


def test_cli_bad_deadlines_file(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text(dated("某县财政局", "2024年2月10日"), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("部门: 2月30日\n", encoding="utf-8")
    out = gongkai("check", "--deadlines", str(bad), str(report))
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith(f"公布期限文件 {bad}：“部门”的期限“2月30日”中2月没有30日")
    out = gongkai("check", "--deadlines", str(tmp_path / "none.yaml"), str(report))
    assert out.returncode == 2 and "文件不存在" in out.stderr
