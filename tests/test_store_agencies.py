"""Agencies: names, levels, regions from a report's text, and the office's CSV."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from sqlalchemy import select

from gongkai.agencies import (
    AgencyCsvError,
    RegionPath,
    canonical_name,
    complete_path,
    leading_places,
    parse_name,
    read_agency_csv,
    report_region,
)
from gongkai.register.schema import register_applications
from gongkai.web.cycle import web_cycle_states

from synth import Corpus
from test_store_support import store, store_url, write_text

FIXTURES = (store, store_url)  # pytest fixtures: the store on SQLite and on PostgreSQL


@pytest.mark.parametrize("a,b", [
    ("甘坊镇", "甘坊镇人民政府"),
    ("甘坊镇", "甘坊镇政府"),
    ("幸福乡", "幸福乡人民政府"),
    ("中山街道", "中山街道办事处"),
    ("中山街道", " 中山 街道办 "),
    ("奉新县人民政府", "奉新县政府"),
    ("奉新县发展和改革委员会（县粮食局）", "奉新县发展和改革委员会(县粮食局)"),
    ("平潭综合实验区管委会", "平潭综合实验区管理委员会"),
])
def test_name_variants_have_one_canonical_spelling(a, b):
    assert canonical_name(a) == canonical_name(b)


@pytest.mark.parametrize("name,core,prefix,level", [
    ("甘坊镇", "甘坊镇", "甘坊镇", "乡镇"),
    ("南关区幸福乡人民政府", "幸福乡", "南关区/幸福乡", "乡镇"),
    ("繁峙县集义庄乡人民政府", "集义庄乡", "繁峙县/集义庄乡", "乡镇"),
    ("中山街道办事处", "中山街道", "中山街道", "街道"),
    ("奉新县人民政府", "奉新县人民政府", "奉新县", "县级政府"),
    ("北京市朝阳区人民政府", "朝阳区人民政府", "北京市/朝阳区", "县级政府"),
    ("淮安市人民政府", "淮安市人民政府", "淮安市", "市级政府"),
    ("江西省人民政府办公厅", "人民政府办公厅", "江西省", "省级部门"),
    ("奉新县住房和城乡建设局", "住房和城乡建设局", "奉新县", "县级部门"),
    ("宜春市市场监督管理局", "市场监督管理局", "宜春市", "市级部门"),
    ("沛县人民政府", "沛县人民政府", "沛县", "县级政府"),
])
def test_parse_name(name, core, prefix, level):
    an = parse_name(name)
    assert (an.core, an.prefix.path, an.level) == (core, prefix, level)


def test_places_in_an_address():
    tokens, _ = leading_places("江西省奉新县甘坊镇青云大道166号")
    assert tokens == [("province", "江西省"), ("county", "奉新县"), ("township", "甘坊镇")]
    tokens, _ = leading_places("长春市南关区锦湖大路与华康街交汇")
    assert tokens == [("city", "长春市"), ("county", "南关区")]
    tokens, _ = leading_places("江西宜春市袁州区")  # a province printed without 省
    assert tokens[0] == ("province", "江西省")


def test_region_from_report_text_takes_what_is_given():
    _, r = report_region("甘坊镇", "甘坊镇2023年政府信息公开工作年度报告", "江西省奉新县甘坊镇青云大道166号",
                         "请联系奉新县甘坊镇人民政府党政办")
    assert r == RegionPath("江西省", None, "奉新县", "甘坊镇")  # 宜春市 is not printed: not invented
    # a department is not "in" the town its office stands in
    _, r = report_region("奉新县住房和城乡建设局", None, "江西省奉新县冯川镇滨河路1号", "")
    assert r == RegionPath("江西省", None, "奉新县", None)
    # an address of another town is not the agency's
    _, r = report_region("甘坊镇", None, "江西省奉新县罗市镇1号", "")
    assert r.township == "甘坊镇" and r.county is None
    # a department without a place in its name: the chain printed right before its name
    _, r = report_region("住房和城乡建设局", None, None, "现将奉新县住房和城乡建设局2023年度报告如下")
    assert r.county == "奉新县"


def test_complete_path_uses_known_paths_only_when_they_agree():
    known = [RegionPath("江西省", "宜春市", "奉新县", None)]
    assert complete_path(RegionPath(None, None, "奉新县", "甘坊镇"), known) == \
        RegionPath("江西省", "宜春市", "奉新县", "甘坊镇")
    two = known + [RegionPath("吉林省", "长春市", "奉新县", None)]
    assert complete_path(RegionPath(None, None, "奉新县", "甘坊镇"), two).city is None


CSV = """名称,级别,省,市,县,乡,别名
甘坊镇人民政府,乡镇,江西省,宜春市,奉新县,甘坊镇,甘坊镇政府；奉新县甘坊镇
奉新县住房和城乡建设局,县级部门,江西省,宜春市,奉新县,,奉新县住建局
罗市镇,乡镇,江西省,宜春市,奉新县,罗市镇,
"""


def test_read_agency_csv():
    rows = read_agency_csv(CSV.encode("utf-8-sig"))
    assert [r.name for r in rows] == ["甘坊镇人民政府", "奉新县住房和城乡建设局", "罗市镇"]
    assert rows[0].aliases == ["甘坊镇政府", "奉新县甘坊镇"]
    assert rows[0].region == RegionPath("江西省", "宜春市", "奉新县", "甘坊镇")
    assert rows[1].level == "县级部门"
    gbk = read_agency_csv(CSV.encode("gb18030"))
    assert gbk[2].name == "罗市镇"
    english = read_agency_csv("name,level,province,city,county,township,aliases\n甘坊镇,乡镇,江西省,,奉新县,甘坊镇,\n")
    assert english[0].region.county == "奉新县"
    with pytest.raises(AgencyCsvError):
        read_agency_csv("机关,级别\n甘坊镇,乡镇\n")
    with pytest.raises(AgencyCsvError):
        read_agency_csv("名称,级别\n甘坊镇,大队\n")
    with pytest.raises(AgencyCsvError, match="CSV 格式有误"):  # csv's field limit is 128 KB
        read_agency_csv("名称,级别\n" + "镇" * 200_000 + ",乡镇\n")


def test_import_merges_and_completes(store, tmp_path):
    c = Corpus(11)
    a = c.agencies(1)[0]
    a.county, a.township, a.name = "奉新县", "甘坊镇", "甘坊镇"
    a.address = "江西省奉新县甘坊镇青云大道166号"
    write_text(tmp_path, "2022.txt", c.report(a, 2022))
    a.name = "奉新县甘坊镇人民政府"
    write_text(tmp_path, "2023.txt", c.report(a, 2023))
    store.ingest([str(tmp_path)], jobs=1)
    before = store.agencies()
    assert len(before) == 1 and before[0]["city"] is None  # the reports name no city
    assert store.reports(region="宜春市") == []
    out = store.import_agencies(CSV)
    assert (out.rows, out.created, out.updated) == (3, 2, 1)
    ags = {x["name"]: x for x in store.agencies()}
    assert ags["甘坊镇人民政府"]["city"] == "宜春市" and ags["甘坊镇人民政府"]["from_csv"]
    assert ags["甘坊镇人民政府"]["reports"] == 2
    assert len(store.reports(region="宜春市")) == 2
    assert len(store.agencies(region="奉新县")) == 3
    # a report arriving later under an alias finds the CSV's agency
    a.name = "甘坊镇政府"
    write_text(tmp_path / "later", "2021.txt", c.report(a, 2021))
    store.ingest([str(tmp_path / "later")], jobs=1)
    assert len(store.agencies()) == 3
    assert {r.agency for r in store.reports(region="甘坊镇")} == {"甘坊镇人民政府"}


def test_import_merges_two_stored_agencies(store, tmp_path):
    """Two spellings the text could not tie together (a department's short and long names) become one."""
    c = Corpus(12)
    depts = [x for x in c.agencies(60) if x.kind == "department"]
    a = depts[0]
    a.name = f"{a.county}住建局"
    write_text(tmp_path, "2022.txt", c.report(a, 2022))
    a.name = f"{a.county}住房和城乡建设局"
    write_text(tmp_path, "2023.txt", c.report(a, 2023))
    store.ingest([str(tmp_path)], jobs=1)
    assert len(store.agencies()) == 2
    csv = f"名称,级别,省,市,县,乡,别名\n{a.county}住房和城乡建设局,县级部门,江西省,宜春市,{a.county},,{a.county}住建局\n"
    out = store.import_agencies(csv)
    assert out.merged == 1
    (ag,) = store.agencies()
    assert ag["reports"] == 2 and ag["level"] == "县级部门"
    # now the cross-year rules see both years of the one agency
    years = sorted(r.year for r in store.reports())
    assert years == [2022, 2023]


def test_cli_agencies(tmp_path):
    db = str(tmp_path / "s.sqlite3")
    f = tmp_path / "list.csv"
    f.write_text(CSV, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "gongkai.cli", "agencies", "import", str(f), "--db", db],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert "新建 3 个机关" in run.stdout
    out = subprocess.run([sys.executable, "-m", "gongkai.cli", "agencies", "list", "--db", db, "--region", "奉新县"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert "共 3 个机关" in out.stdout and "县级部门" in out.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("机关,级别\n甘坊镇,乡镇\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "gongkai.cli", "agencies", "import", str(bad), "--db", db],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 2 and "名称" in run.stderr


def test_merging_moves_what_else_names_the_agency(store, tmp_path):
    """The register's applications and the yearly cycle's states of the merged-away agency go to the agency it
    merges into; a year the remaining agency already has a state for keeps that state."""
    c = Corpus(13)
    a = next(x for x in c.agencies(60) if x.kind == "department")
    a.name = f"{a.county}住建局"
    write_text(tmp_path, "2022.txt", c.report(a, 2022))
    a.name = f"{a.county}住房和城乡建设局"
    write_text(tmp_path, "2023.txt", c.report(a, 2023))
    store.ingest([str(tmp_path)], jobs=1)
    ids = {x["name"]: x["id"] for x in store.agencies()}
    short, long = ids[f"{a.county}住建局"], ids[f"{a.county}住房和城乡建设局"]
    at = dt.datetime(2024, 3, 5, 8, 0, tzinfo=dt.UTC)
    with store.engine.begin() as conn:
        conn.execute(register_applications.insert(), [{
            "agency_id": agency, "channel": "网络", "received": dt.date(2023, 11, day), "applicant_type": "natural_person",
            "extension_days": 0, "version": 1, "created": at, "updated": at} for agency, day in ((short, 20), (long, 27))])
        conn.execute(web_cycle_states.insert(), [
            {"agency_id": long, "year": 2021, "state": "approved", "moved_at": at, "moves": 4},
            {"agency_id": short, "year": 2022, "state": "approved", "moved_at": at, "moves": 3},
            {"agency_id": short, "year": 2023, "state": "draft", "moved_at": at, "moves": 1},
            {"agency_id": long, "year": 2023, "state": "submitted", "moved_at": at, "moves": 2}])
    csv = f"名称,级别,省,市,县,乡,别名\n{a.county}住房和城乡建设局,县级部门,江西省,宜春市,{a.county},,{a.county}住建局\n"
    assert store.import_agencies(csv).merged == 1
    (ag,) = store.agencies()
    with store.engine.connect() as conn:
        assert conn.execute(select(register_applications.c.agency_id)).scalars().all() == [ag["id"], ag["id"]]
        states = conn.execute(select(web_cycle_states.c.agency_id, web_cycle_states.c.year, web_cycle_states.c.state)
                              .order_by(web_cycle_states.c.year)).all()
    kept_2023 = "draft" if ag["id"] == short else "submitted"  # the remaining agency's own
    assert [tuple(s) for s in states] == [(ag["id"], 2021, "approved"), (ag["id"], 2022, "approved"),
                                          (ag["id"], 2023, kept_2023)]
    assert ag["id"] in (short, long)
