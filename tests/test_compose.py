"""Inputs → report: totals from the identities, the data formats (JSON, YAML, the Excel form),
what follows from last year's report, and the commands ``gongkai new`` and ``gongkai template``."""

from __future__ import annotations

import datetime as dt
import inspect
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from gongkai import totals
from gongkai.api import check, read
from gongkai.compose import CARRIED, STOCKS, blank_report, compose, excel_form
from gongkai.formats import EDITIONS, get_edition
from gongkai.formats.common import SECTIONS
from gongkai.formats.form import INFO, META, sheet_name
from gongkai.formats.layout import grid
from gongkai.forms import DataError, FormError, data_from_bytes, from_mapping, load_data, read_workbook
from gongkai.model import SCHEMA, Cell
from gongkai.render import render
from gongkai.totals import fill_totals, total_cells, total_definitions

from conftest import ROOT, SEEDS

SEED = {p.name[:3]: p for p in SEEDS}
APPLICANTS = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONUTF8="1", PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gongkai.cli", *args], capture_output=True, cwd=cwd or ROOT,
                          env=env, timeout=120, check=False)
    proc.out, proc.err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert "Traceback" not in proc.out + proc.err, proc.err
    return proc


def sections(**texts) -> list[dict]:
    return [{"number": s.number, "text": texts.get(f"s{s.number}", f"第{s.number}部分。")} for s in SECTIONS]


# ------------------------------------------------------------------------------------ totals


def test_totals_come_from_the_identities_not_from_row_lists():
    source = inspect.getsource(totals)
    for ed in EDITIONS.values():
        for t in ed.tables:
            for r in t.rows:
                assert f'"{r.key}"' not in source, r.key
        defs = total_definitions(ed.key)
        idents = [i for i in ed.identities if i.rule in ("GK302", "GK303", "GK304")]
        assert set(defs) == {i.lhs[0] for i in idents}
    # table 三's total column, each （七）总计, table 四's three totals
    assert "applications.total_processed.total" in total_cells("2021")
    assert {f"review_litigation.{g}.total" for g in ("review", "litigation_direct", "litigation_after_review")} \
        <= total_cells("2019")


@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_fill_totals_sums_the_leaves(edition):
    ed = get_edition(edition)
    report = blank_report(ed, 2023 if edition == "2021" else 2020, "幸福乡人民政府")
    rows = [r.key for r in ed.table("applications").rows]
    outcomes = [r for r in rows if r not in ("new_received", "carried_over", "total_processed", "carried_forward")]
    for i, r in enumerate(rows):
        for j, c in enumerate(APPLICANTS):
            if r != "total_processed":
                report.tables["applications"][r][c] = Cell(i + j, str(i + j), None)
    for k, g in enumerate(("review", "litigation_direct", "litigation_after_review")):
        for j, c in enumerate(("upheld", "corrected", "other", "pending")):
            report.tables["review_litigation"][g][c] = Cell(k + j, str(k + j), None)
    filled = fill_totals(report)
    apps = report.tables["applications"]
    for c in APPLICANTS:
        assert apps["total_processed"][c].value == sum(apps[r][c].value for r in outcomes)
    for r in rows:
        assert apps[r]["total"].value == sum(apps[r][c].value for c in APPLICANTS)
        assert apps[r]["total"].at == totals.COMPUTED_AT
    assert apps["total_processed"]["total"].value == sum(apps[r]["total"].value for r in outcomes)
    assert report.value("review_litigation.litigation_after_review.total") == 2 + 3 + 4 + 5
    assert set(filled) == total_cells(edition)
    assert not [f for f in check(report) if f.code in ("GK302", "GK303", "GK304")]


def test_a_given_total_that_disagrees_is_kept_and_the_check_says_so():
    data = {"tables": {"applications": {"granted": {"natural_person": 3, "commercial": 1, "total": 5}},
                       "review_litigation": {"review": {"upheld": 1, "corrected": 0, "other": 0, "pending": 0,
                                                        "total": 2}}}}
    report = compose(2023, "幸福乡人民政府", data=from_mapping(data)).report
    assert report.value("applications.granted.total") == 5
    assert report.value("review_litigation.review.total") == 2
    assert report.value("applications.total_processed.natural_person") == 3  # computed where missing
    codes = {f.code for f in check(report)}
    assert {"GK302", "GK304"} <= codes
    assert totals.disagreements(report)


def test_blank_and_nil_parts_add_nothing_and_invent_no_zero():
    data = {"tables": {"applications": {"granted": {"natural_person": "/", "commercial": None, "research": 2},
                                        "partially_granted": {"total": "/"}}}}
    report = compose(2023, "幸福乡人民政府", data=from_mapping(data)).report
    assert report.value("applications.granted.total") == 2
    assert report.cell("applications.granted.natural_person").raw == "/"
    assert report.cell("applications.partially_granted.total").raw == "/"  # a "/" total stays "/"
    assert report.value("applications.new_received.total") is None  # nothing given: no 0 invented
    assert report.cell("applications.new_received.total").raw == ""


# ------------------------------------------------------------------------------------ data formats


YAML = """
agency: 幸福乡人民政府
year: 2023
date: 2024-01-12
sections:
  1: |-
    2023年，幸福乡认真贯彻《条例》。
    全年共收到政府信息公开申请3件。
  6: 本年度未收取信息处理费。
tables:
  active:
    regulations: {issued: 0, repealed: 0, in_force: 0}
    fees: {amount: 1.5}
  applications:
    new_received: {natural_person: 2, commercial: 1}
    granted: {natural_person: 2, commercial: "1"}
    unavailable_not_held: {natural_person: "/"}
    carried_forward: {natural_person: 0, commercial: 0}
  review_litigation:
    review: {upheld: 0, corrected: 0, other: 0, pending: 0}
"""


def test_yaml_with_bare_numbers():
    data = data_from_bytes(YAML.encode("utf-8"), "data.yaml", "yaml")
    assert (data.agency, data.year, data.date) == ("幸福乡人民政府", 2023, dt.date(2024, 1, 12))
    assert data.cell("applications.granted.commercial").value == 1
    assert data.cell("applications.unavailable_not_held.natural_person").raw == "/"
    assert data.value("active.fees.amount") == 1.5
    report = compose(data=data).report
    assert report.title == "2023年幸福乡人民政府政府信息公开工作年度报告"
    assert report.value("applications.new_received.total") == 3
    assert report.value("applications.total_processed.total") == 3
    assert report.section(1).text.startswith("2023年") and report.section(5).title == "存在的主要问题及改进情况"
    assert [s.number for s in report.sections] == [1, 2, 3, 4, 5, 6]


def test_json_contract_is_data_too(tmp_path):
    report = compose(data=data_from_bytes(YAML.encode("utf-8"), "data.yaml", "yaml")).report
    path = tmp_path / "r.json"
    path.write_bytes(render(report, "json"))
    back = load_data(path)
    assert back.value("applications.total_processed.total") == 3
    assert back.section(6).text == "本年度未收取信息处理费。"


@pytest.mark.parametrize("bad, words", [
    ({"tables": {"applications": {"granted": {"natural": 1}}}}, "没有“natural”这一列"),
    ({"tables": {"applications": {"other": {"total": 1}}}}, "没有“other”这一行"),  # 2019 row in 2021 data
    ({"tables": {"activ": {}}}, "不认识的表"),
    ({"year": "去年"}, "不是年份"),
    ({"date": "元旦"}, "落款日期"),
    ({"agencyy": "x"}, "不认识的键"),
    ({"tables": {"applications": {"granted": {"total": {"value": "五"}}}}}, "value 应是数字"),
    ({"tables": {"applications": {"granted": {"total": {"raw": 5}}}}}, "「（一）予以公开」总计：raw 应是文字"),
    ({"tables": {"applications": {"granted": {"total": {"value": 1, "note": "x"}}}}}, "单元格对象只能有 value、raw、at"),
    ({"tables": {"active": []}}, "表二（主动公开）应是“行→列→数”的对象"),
    ({"tables": {"active": {"licensing": 5}}}, "表二（主动公开）「行政许可」应是“列→数”的对象"),
    ({"sections": [{"number": 2, "txt": "x"}]}, "有不认识的键：txt（可用：number、title、text）"),
    ({"sections": [{"title": "总体情况"}]}, "缺少或写错了 number"),
    ({"sections": {"一": "全年……"}}, "缺少或写错了 number：一"),
    ({"sections": "全年……"}, "sections 应是列表"),
    ({"edition": "2020"}, "格式版本“2020”不存在（可用：2019、2021）"),
    ({"contact": {"电话": [1]}}, "contact 应是“名称→文字”的对象"),
    ({"schema": "gongkai.report/9"}, "schema 应是“gongkai.report/"),
    ({"agency": "镇" * 201}, "agency 过长（201 字，最多 200 字）"),
    ({"year": 1900}, "年度“1900”不是合理的年份"),
])
def test_data_mistakes_are_named(bad, words):
    with pytest.raises(DataError) as err:
        from_mapping({"year": 2023, **bad}, "data.yaml")
    assert words in str(err.value)


def test_every_data_mistake_is_listed_once_in_the_order_written():
    bad = {"tables": {"applications": {"granted": {"natural": 1, "total": "/"}, "grantd": {}}, "foo": {}},
           "agency": 5, "year": "去年", "colour": "红"}
    with pytest.raises(DataError) as err:
        from_mapping(bad, "data.yaml")
    assert err.value.zh == "数据有误（data.yaml）： " + " ".join([
        "不认识的键：colour（可用：agency、contact、date、edition、preamble、published、schema、sections、source、tables、title、year）",
        "agency 应是文字，而不是“5”",
        "年度“去年”不是年份",
        ("表三（依申请公开）「（一）予以公开」没有“natural”这一列（可用：natural_person、commercial、research、"
         "social_welfare、legal_service、other_org、total）"),
        "表三（依申请公开）没有“grantd”这一行（2021年版格式；可用：" + "、".join(
            get_edition("2021").table("applications").row_keys) + "）",
        "不认识的表“foo”（可用：active、applications、review_litigation）",
    ])


def test_data_of_the_edition_its_year_requires():
    """A 2020 report's data has 2019's table 三: （六）其他处理 is one row; in 2023 it is refused."""
    data = from_mapping({"year": 2020, "tables": {"applications": {"other": {"natural_person": 2}}}}, "d.json")
    assert data.cell("applications.other.natural_person").value == 2
    with pytest.raises(DataError, match="没有“other”这一行（2021年版格式"):
        from_mapping({"year": 2023, "tables": {"applications": {"other": {"natural_person": 2}}}}, "d.json")


# ------------------------------------------------------------------------------------ the Excel form


def test_template_workbook_layout_protection_and_formulas():
    wb = openpyxl.load_workbook(io.BytesIO(excel_form("2021")))
    assert wb.sheetnames[:4] == [INFO, "表二（主动公开）", "表三（依申请公开）", "表四（复议诉讼）"]
    assert wb[META].sheet_state == "hidden"
    formulas = totals.formula_terms("2021")
    for key in ("active", "applications", "review_litigation"):
        ws = wb[sheet_name(key)]
        assert ws.protection.sheet and not ws.protection.password
        g = grid("2021", key)
        merged = {str(r) for r in ws.merged_cells.ranges}
        for c in g.cells:
            top = ws.cell(3 + c.row, 1 + c.col)
            if c.rowspan > 1 or c.colspan > 1:
                end = ws.cell(3 + c.row + c.rowspan - 1, 1 + c.col + c.colspan - 1)
                assert f"{top.coordinate}:{end.coordinate}" in merged
            if c.ref in formulas:
                assert isinstance(top.value, str) and top.value.startswith("=IF(COUNT("), c.ref
                assert top.protection.locked
            elif c.ref:
                assert top.value is None and not top.protection.locked, c.ref
            else:
                assert top.value == c.text and top.protection.locked
    ws = wb[sheet_name("applications")]
    # rows 3–5 head the table; 一 is row 6, （一） row 8, （六）3 row 28, （七）总计 row 29
    # （七）总计·自然人 = （一）+ … +（六）3, empty while they all are
    assert ws["D29"].value == '=IF(COUNT(D8:D28)=0,"",SUM(D8:D28))'
    assert ws["J6"].value == '=IF(COUNT(D6:I6)=0,"",SUM(D6:I6))'  # 一、本年新收·总计: the applicant columns
    info = wb[INFO]
    keys = {info.cell(r, 3).value: info.cell(r, 2) for r in range(1, info.max_row + 1)}
    assert not keys["agency"].protection.locked and keys["edition"].value == "2021"
    assert all(f"section:{s.number}:{s.title}" in keys for s in SECTIONS)


def _fill(wb_bytes: bytes, values: dict[str, object], info: dict[str, object]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(wb_bytes))
    positions = {row[0].value: (row[1].value, row[2].value) for row in wb[META].iter_rows(min_row=4)}
    for ref, v in values.items():
        sheet, coord = positions[ref]
        wb[sheet][coord] = v
    ws = wb[INFO]
    for r in range(1, ws.max_row + 1):
        key = ws.cell(r, 3).value
        if key in info:
            ws.cell(r, 2).value = info[key]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_filled_form_is_checked_as_data(tmp_path):
    """The Excel form goes through the same data schema as JSON and YAML."""
    good = tmp_path / "good.xlsx"
    good.write_bytes(_fill(excel_form("2021"), {"applications.granted.research": "2", "active.fees.amount": 0.5},
                           {"agency": "幸福乡人民政府", "year": 2023, "date": dt.datetime(2024, 1, 20)}))
    data = load_data(good)
    assert (data.agency, data.year, data.date, data.edition) == ("幸福乡人民政府", 2023, dt.date(2024, 1, 20), "2021")
    assert data.cell("applications.granted.research").value == 2
    assert data.value("active.fees.amount") == 0.5
    assert data.source.sha256 == read_workbook(good.read_bytes(), "x").source.sha256
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_fill(excel_form("2021"), {}, {"agency": "镇" * 201, "year": 1066}))
    with pytest.raises(DataError) as err:
        load_data(bad)
    assert "agency 过长（201 字，最多 200 字）" in err.value.zh and "年度“1066”不是合理的年份" in err.value.zh


def test_filled_workbook_reads_back_and_totals_are_computed():
    data = _fill(excel_form("2021"), {
        "applications.new_received.natural_person": 4, "applications.new_received.research": 1,
        "applications.granted.natural_person": 3, "applications.granted.research": "1",
        "applications.carried_forward.natural_person": 1, "active.fees.amount": 0.35,
        "applications.withheld_state_secret.commercial": "/",
    }, {"agency": "幸福乡人民政府", "year": 2023, "date": dt.datetime(2024, 1, 20),
        "section:6:其他需要报告的事项": "本年度未收取信息处理费。"})
    report = read_workbook(data, "form.xlsx")
    assert (report.agency, report.year, report.date) == ("幸福乡人民政府", 2023, dt.date(2024, 1, 20))
    assert report.cell("applications.total_processed.total") is None  # a formula without a saved value
    assert report.cell("applications.withheld_state_secret.commercial").raw == "/"
    assert report.cell("applications.carried_over.natural_person").raw == ""  # left blank, not 0
    composed = compose(data=report).report
    assert composed.value("applications.new_received.total") == 5
    assert composed.value("applications.total_processed.natural_person") == 3
    assert composed.value("applications.total_processed.total") == 4
    assert composed.value("active.fees.amount") == 0.35
    assert composed.section(6).text == "本年度未收取信息处理费。"


def _with_cached_value(data: bytes, sheet_title: str, coord: str, value: int) -> bytes:
    """Put a saved value next to a formula, as Excel does when it saves a workbook."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    index = wb.sheetnames.index(sheet_title) + 1
    part = f"xl/worksheets/sheet{index}.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            blob = zin.read(item.filename)
            if item.filename == part:
                xml = blob.decode("utf-8")
                xml, n = re.subn(rf'(<c r="{coord}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?', rf"\1\2<v>{value}</v>", xml)
                assert n == 1
                blob = xml.encode("utf-8")
            zout.writestr(item, blob)
    return out.getvalue()


def test_a_saved_total_that_disagrees_is_kept():
    data = _fill(excel_form("2021"), {"applications.granted.natural_person": 2}, {"agency": "幸福乡人民政府", "year": 2023})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    positions = {row[0].value: (row[1].value, row[2].value) for row in wb[META].iter_rows(min_row=4)}
    sheet, coord = positions["applications.granted.total"]
    data = _with_cached_value(data, sheet, coord, 7)
    report = compose(data=read_workbook(data, "form.xlsx")).report
    assert report.value("applications.granted.total") == 7
    assert report.value("applications.granted.natural_person") == 2
    assert any(f.code == "GK302" and "applications.granted.total" in f.cells for f in check(report))


# ------------------------------------------------------------------------------------ last year's report


def test_prefill_from_last_years_report():
    last = compose(2022, "幸福乡人民政府", data=from_mapping({"tables": {
        "applications": {"carried_forward": {"natural_person": 2, "commercial": 1, "research": 0,
                                             "social_welfare": 0, "legal_service": 0, "other_org": 0}},
        "active": {"regulations": {"in_force": 10}, "normative_documents": {"in_force": 30}}}})).report
    data = from_mapping({"tables": {"active": {"normative_documents": {"issued": 4, "repealed": 1}}}})
    composed = compose(2023, None, previous=last, data=data)
    r = composed.report
    assert r.agency == "幸福乡人民政府"
    for c in APPLICANTS:
        assert r.value(f"applications.carried_over.{c}") == last.value(f"applications.carried_forward.{c}")
    assert r.value("applications.carried_over.total") == 3
    assert r.value("active.normative_documents.in_force") == 30 + 4 - 1
    assert r.value("active.regulations.in_force") == 10  # nothing issued or repealed given: the starting value
    assert r.value("active.regulations.issued") is None  # left to fill
    assert any("结转下年度继续办理" in n for n in composed.notes)
    assert composed.formulas["active.normative_documents.in_force"] == (
        30, ("active.normative_documents.issued",), ("active.normative_documents.repealed",))


def test_prefill_from_a_published_report_and_the_2019_stock():
    last = read(SEED["002"])  # 2020, 2019 edition: 行政许可 上一年项目数量 1, 本年增/减 1
    composed = compose(2021, None, edition="2019", previous=last)
    assert composed.report.value("active.licensing.prev_items") == 2
    assert composed.report.year == 2021 and composed.report.agency == last.agency
    # into the 2021 edition: no stock is carried (对外公开总数量 is not 现行有效件数)
    r = compose(2021, None, previous=last).report
    assert r.value("active.regulations.in_force") is None
    assert r.value("applications.carried_over.total") == 0


def test_carry_rules_are_stated_as_data():
    assert CARRIED == (("applications", "carried_over", "carried_forward"),)
    assert {s.column for s in STOCKS} == {"in_force", "prev_items", "total_published"}


# ------------------------------------------------------------------------------------ the commands


def test_new_refuses_a_report_with_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("tables:\n  applications:\n    new_received: {natural_person: 5}\n"
                   "    granted: {natural_person: 1}\n    carried_forward: {natural_person: 0}\n", encoding="utf-8")
    out = tmp_path / "r.docx"
    proc = run("new", "--year", "2023", "--agency", "幸福乡人民政府", "--data", str(bad), "-o", str(out))
    assert proc.returncode == 1 and not out.exists()
    assert "GK301 错误" in proc.err and "未生成" in proc.err and "--force" in proc.err
    proc = run("new", "--year", "2023", "--agency", "幸福乡人民政府", "--data", str(bad), "-o", str(out), "--force")
    assert proc.returncode == 0 and out.exists()
    assert read(out).value("applications.new_received.natural_person") == 5


@pytest.mark.parametrize("suffix", [".docx", ".html", ".md", ".json", ".yaml", ".xlsx"])
def test_new_writes_the_format_of_the_suffix(tmp_path, suffix):
    data = tmp_path / "d.yaml"
    data.write_text(YAML, encoding="utf-8")
    out = tmp_path / f"report{suffix}"
    proc = run("new", "--data", str(data), "-o", str(out))
    assert proc.returncode == 0, proc.err
    head = out.read_bytes()[:64]
    if suffix in (".docx", ".xlsx"):
        assert head.startswith(b"PK")
        assert (b"word/" if suffix == ".docx" else b"xl/") in out.read_bytes()
    elif suffix == ".html":
        assert head.startswith(b"<!DOCTYPE html>")
    elif suffix == ".json":
        assert json.loads(out.read_bytes())["schema"] == SCHEMA


def test_new_format_option_and_input_protection(tmp_path):
    data = tmp_path / "d.yaml"
    data.write_text(YAML, encoding="utf-8")
    out = tmp_path / "report.txt"
    assert run("new", "--data", str(data), "-o", str(out)).returncode == 2  # no format from .txt
    assert run("new", "--data", str(data), "-o", str(out), "--format", "md").returncode == 0
    assert out.read_text(encoding="utf-8").startswith("2023年幸福乡人民政府政府信息公开工作年度报告")
    proc = run("new", "--data", str(data), "-o", str(data), "--format", "yaml")
    assert proc.returncode == 2 and "不能与输入文件相同" in proc.err


def test_new_from_last_years_report_file(tmp_path):
    out = tmp_path / "r.json"
    proc = run("new", "--from", str(SEED["004"]), "-o", str(out))
    assert proc.returncode == 0, proc.err
    r = json.loads(out.read_bytes())
    assert r["year"] == 2024 and r["agency"] == "南关区幸福乡人民政府"
    assert r["tables"]["applications"]["carried_over"]["total"]["value"] == 0
    assert r["tables"]["active"]["regulations"]["in_force"]["value"] == 0
    assert "现行有效件数" in proc.err and "结转下年度继续办理" in proc.err


def test_a_form_number_no_count_can_be_is_kept_as_printed_and_reported():
    data = _fill(excel_form("2021"), {"applications.new_received.natural_person": 1e300,
                                    "applications.new_received.research": 2},
                 {"agency": "幸福乡人民政府", "year": 2023})
    report = read_workbook(data, "form.xlsx")
    cell = report.cell("applications.new_received.natural_person")
    assert cell.value is None and cell.raw == "1e+300"
    assert report.value("applications.new_received.research") == 2
    codes = {f.code for f in check(compose(data=report).report)}
    assert "GK204" in codes


def test_yaml_aliases_are_refused_so_a_few_lines_cannot_stand_for_billions():
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
    data = ("title:\n" + "\n".join("  " + line for line in levels) + "\nagency: 某镇\nyear: 2023\nsections: *i\n")
    with pytest.raises(DataError, match="别名"):
        data_from_bytes(data.encode(), "bomb.yaml", "yaml")


def test_data_of_the_wrong_shape_is_listed_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("agency: [甲, 乙]\ntitle: {x: 1}\ncontact: 电话 123\nyear: 2023\n"
                   "tables:\n  applications:\n    new_received:\n      natural_person: [1, 2]\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_data(bad)
    text = str(err.value)
    assert "agency 应是文字" in text and "title 应是文字" in text and "contact 应是" in text
    assert "自然人：应是一个数或文字，而不是列表" in text
    proc = run("new", "--data", str(bad), "-o", str(tmp_path / "r.docx"))
    assert proc.returncode == 2 and "Traceback" not in proc.err and "agency 应是文字" in proc.err


def test_a_form_with_a_dtd_or_a_bomb_is_refused_before_openpyxl_opens_it(tmp_path):
    form = io.BytesIO()
    with zipfile.ZipFile(form, "w") as z:
        z.writestr("[Content_Types].xml", b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                          b"<Types>&x;</Types>")
        z.writestr("xl/workbook.xml", b"<workbook/>")
    with pytest.raises(FormError, match="DTD"):
        read_workbook(form.getvalue(), "form.xlsx")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b" " * (300 << 20))  # 300 MB of spaces in a few hundred KB
    with pytest.raises(FormError, match="压缩"):
        read_workbook(bomb.getvalue(), "form.xlsx")


def test_template_command_and_new_from_the_filled_form(tmp_path):
    form = tmp_path / "form.xlsx"
    yaml_form = tmp_path / "form.yaml"
    proc = run("template", "--edition", "2021", "--xlsx", str(form), "--yaml", str(yaml_form))
    assert proc.returncode == 0, proc.err
    blank = data_from_bytes(yaml_form.read_bytes(), "form.yaml", "yaml")
    assert blank.edition == "2021" and blank.value("applications.granted.total") is None
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(_fill(form.read_bytes(), {"applications.new_received.other_org": 1,
                                                 "applications.granted.other_org": 1},
                             {"agency": "幸福乡人民政府", "year": 2023}))
    out = tmp_path / "r.html"
    proc = run("new", "--data", str(filled), "-o", str(out))
    assert proc.returncode == 0, proc.err
    r = read(out)
    assert r.value("applications.total_processed.total") == 1 and r.value("applications.new_received.total") == 1


def test_template_prefilled_from_last_year_uses_a_formula_for_in_force(tmp_path):
    last = tmp_path / "last.yaml"
    last.write_text("agency: 幸福乡人民政府\nyear: 2022\ntables:\n  active:\n    regulations: {in_force: 12}\n",
                    encoding="utf-8")
    form = tmp_path / "form.xlsx"
    assert run("template", "--xlsx", str(form), "--from", str(last)).returncode == 0
    wb = openpyxl.load_workbook(form)
    ws = wb[sheet_name("active")]
    assert ws["D5"].value == "=12+B5-C5"
    filled = _fill(form.read_bytes(), {"active.regulations.issued": 3, "active.regulations.repealed": 1}, {})
    report = read_workbook(filled, "form.xlsx")
    assert report.value("active.regulations.in_force") == 14 and report.year == 2023


def test_stock_formulas_are_worked_out_and_other_formulas_kept_as_written():
    """A form no spreadsheet has calculated: gongkai's own =12+B5-C5 is worked out (a blank counts as 0,
    as in a spreadsheet); a formula typed by someone else is kept as written and reported."""
    last = from_mapping({"agency": "幸福乡人民政府", "year": 2022,
                         "tables": {"active": {"regulations": {"in_force": 12}, "normative_documents": {"in_force": 30}}}})
    form = excel_form("2021", 2023, "幸福乡人民政府", previous=last)
    filled = _fill(form, {"active.regulations.issued": 3, "active.normative_documents.issued": 5,
                          "active.normative_documents.repealed": "=B6*2",
                          "active.licensing.decisions": "=SUM(B6:C6)"}, {})
    report = read_workbook(filled, "form.xlsx")
    assert report.value("active.regulations.in_force") == 15  # 12 + 3 − (废止件数 left blank)
    cell = report.cell("active.licensing.decisions")
    assert cell.value is None and cell.raw == "=SUM(B6:C6)"
    assert report.cell("active.normative_documents.in_force").raw == "=30+B6-C6"  # C6 holds a formula: not worked out
    findings = check(compose(data=report).report)
    assert any(f.code == "GK204" and "active.licensing.decisions" in f.cells for f in findings)


def test_a_form_that_lost_its_map_is_read_by_the_official_layout():
    """Sheets copied into another workbook lose the hidden map; the positions are the layout's."""
    data = _fill(excel_form("2021"), {"applications.new_received.research": 3, "active.licensing.decisions": 46},
                 {"agency": "幸福乡人民政府", "year": 2023})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    del wb[META]
    out = io.BytesIO()
    wb.save(out)
    report = data_from_bytes(out.getvalue(), "form.xlsx", "xlsx")  # checked as data, like JSON
    assert report.value("applications.new_received.research") == 3
    assert report.value("active.licensing.decisions") == 46
    assert (report.agency, report.year, report.edition) == ("幸福乡人民政府", 2023, "2021")


def test_yaml_template_from_last_year_leaves_stocks_to_compute(tmp_path):
    last = tmp_path / "last.yaml"
    last.write_text("agency: 幸福乡人民政府\nyear: 2022\ntables:\n  active:\n    normative_documents: {in_force: 30}\n"
                    "  applications:\n    carried_forward: {natural_person: 2}\n", encoding="utf-8")
    form = tmp_path / "form.yaml"
    assert run("template", "--yaml", str(form), "--from", str(last)).returncode == 0
    text = form.read_text(encoding="utf-8")
    assert re.search(r"^      in_force: +# 现行有效件数：上年 30 \+ 本年制发件数 − 本年废止件数", text, re.MULTILINE)
    assert re.search(r"^    carried_over:.*\n      natural_person: 2 ", text, re.MULTILINE)
    text = text.replace("      issued: ", "      issued: 5", 2).replace("      repealed: ", "      repealed: 2", 2)
    form.write_text(text, encoding="utf-8")
    out = tmp_path / "r.json"
    proc = run("new", "--data", str(form), "--from", str(last), "-o", str(out))
    assert proc.returncode == 0, proc.err
    r = json.loads(out.read_bytes())["tables"]["active"]["normative_documents"]
    assert (r["issued"]["value"], r["repealed"]["value"], r["in_force"]["value"]) == (5, 2, 33)


def test_json_output_follows_the_report_schema():
    from importlib import resources

    from jsonschema import Draft202012Validator

    schema = json.loads((resources.files("gongkai") / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema)
    reports = [compose(data=data_from_bytes(YAML.encode("utf-8"), "data.yaml", "yaml")).report,
               blank_report(get_edition("2019"), 2020, "城郊乡人民政府"), read(SEED["003"])]
    for report in reports:
        data = json.loads(render(report, "json"))
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == []
