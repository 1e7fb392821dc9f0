"""The region roll-up (汇总): sums checked against values computed by hand, coverage, ratios, the sums
checked with the identities, Excel and JSON."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from gongkai.formats import get_edition
from gongkai.rollup import map_to_edition, rollup
from gongkai.store import region_clause
from gongkai.store import schema as S

from synth import Agency, Corpus, ReportSpec, rebalance, zero_figures
from test_store_support import store, store_url, write_text

FIXTURES = (store, store_url)  # pytest fixtures: the store on SQLite and on PostgreSQL

NARRATIVE = [["本机关认真贯彻落实政府信息公开条例，坚持以公开为常态、不公开为例外"], ["公开内容还不够全面"],
             ["将继续加强培训"]]


def agency(name, county, town=None, kind="township"):
    addr = f"江西省{county}{town or '行政中心'}人民路1号"
    return Agency(name, "江西省", None, county, town, addr, kind)


GANFANG = agency("甘坊镇", "奉新县", "甘坊镇")
LUOSHI = agency("罗市镇人民政府", "奉新县", "罗市镇")
ZHUJIAN = agency("奉新县住房和城乡建设局", "奉新县", kind="department")
OUTSIDE = agency("仁首镇", "靖安县", "仁首镇")


def spec(ag, year, edition="2021", **cells):
    """A report with the given cells (table__row__column=value), the rest 0, identities rebalanced."""
    t = zero_figures(edition)
    for key, v in cells.items():
        tb, row, col = key.split("__")
        t[tb][row][col] = v
    rebalance(t, edition)
    return ReportSpec(ag, year, edition, t, NARRATIVE)


def region(tmp_path):
    a = spec(GANFANG, 2023,
             applications__granted__natural_person=3, applications__partially_granted__natural_person=1,
             applications__unavailable_not_held__natural_person=1, applications__carried_forward__natural_person=1,
             applications__granted__commercial=2,
             review_litigation__review__upheld=1, review_litigation__review__corrected=1,
             review_litigation__review__pending=1, review_litigation__litigation_direct__corrected=1,
             active__licensing__decisions=10, active__penalty__decisions=5)
    b = spec(LUOSHI, 2023,
             applications__granted__natural_person=4, applications__withheld_third_party__natural_person=2,
             applications__carried_over__natural_person=2,
             review_litigation__review__upheld=2, review_litigation__litigation_after_review__pending=1,
             active__licensing__decisions=7, active__coercion__decisions=3)
    c = spec(ZHUJIAN, 2022, applications__granted__natural_person=9)  # no 2023 report: not covered
    d = spec(OUTSIDE, 2023, applications__granted__natural_person=100)  # another county
    for i, s in enumerate((a, b, c, d)):
        write_text(tmp_path, f"{i}.txt", s)
    return a, b, c, d


def test_sums_by_hand(store, tmp_path):
    region(tmp_path)
    s = store.ingest([str(tmp_path)], jobs=1)
    assert s.new == 4 and s.failed == 0
    ru = rollup(store, "奉新县", 2023)
    t = ru.totals["applications"]
    # 一、本年新收: 甘坊镇 自然人 3+1+1+1−0 = 6, 商业企业 2; 罗市镇 自然人 4+2+0−2 = 4
    assert (t["new_received"]["natural_person"], t["new_received"]["commercial"], t["new_received"]["total"]) \
        == (10, 2, 12)
    assert t["carried_over"]["total"] == 2
    assert t["granted"]["total"] == 3 + 2 + 4 == 9
    assert t["partially_granted"]["total"] == 1
    assert t["withheld_third_party"]["natural_person"] == 2
    assert t["total_processed"]["total"] == 7 + 6 == 13
    assert t["carried_forward"]["total"] == 1
    rl = ru.totals["review_litigation"]
    assert (rl["review"]["total"], rl["review"]["corrected"], rl["review"]["pending"]) == (5, 1, 1)
    assert (rl["litigation_direct"]["total"], rl["litigation_after_review"]["total"]) == (1, 1)
    act = ru.totals["active"]
    assert (act["licensing"]["decisions"], act["penalty"]["decisions"], act["coercion"]["decisions"]) == (17, 5, 3)
    # ratios reviewers use
    r = ru.ratios
    assert r["granted_share"] == pytest.approx((9 + 1) / 13)
    assert r["review_correction_rate"] == pytest.approx(1 / (5 - 1))
    assert r["litigation_direct_correction_rate"] == pytest.approx(1.0)
    assert r["litigation_after_review_correction_rate"] is None  # all pending: no decided case
    # the identities hold on the sum
    assert ru.findings == []
    assert ru.report.value("applications.total_processed.total") == 13
    # a line per agency, coverage
    lines = {ln.name: ln for ln in ru.lines}
    assert set(lines) == {"甘坊镇", "罗市镇人民政府"}
    assert lines["甘坊镇"].figures["new_received"] == 8 and lines["罗市镇人民政府"].figures["new_received"] == 4
    assert lines["甘坊镇"].ratios["granted_share"] == pytest.approx(6 / 7)
    assert ru.known == 3
    assert [(m["agency"], m["last_year"]) for m in ru.missing] == [("奉新县住房和城乡建设局", 2022)]
    assert ru.figures["new_received"] == 12


def test_sums_equal_the_stored_cells(store, tmp_path):
    c = Corpus(61)
    specs = c.series(20, (2022, 2023))
    for s in specs:
        write_text(tmp_path, f"{s.stem}.txt", s)
    store.ingest([str(tmp_path)], jobs=1)
    county = specs[0].agency.county
    ru = rollup(store, county, 2023)
    assert ru.lines and not ru.missing
    with store.engine.connect() as conn:
        q = (select(S.cells.c.table_key, S.cells.c.row_key, S.cells.c.column_key, func.sum(S.cells.c.value))
             .select_from(S.cells.join(S.reports, S.cells.c.report_id == S.reports.c.id)
                          .join(S.agencies, S.reports.c.agency_id == S.agencies.c.id))
             .where(S.reports.c.year == 2023, S.reports.c.current, region_clause(county))
             .group_by(S.cells.c.table_key, S.cells.c.row_key, S.cells.c.column_key))
        sums = {(t, r, col): v for t, r, col, v in conn.execute(q)}
    assert len(sums) == sum(len(r.columns) for t in get_edition("2021").tables for r in t.rows)
    for (t, r, col), v in sums.items():
        assert ru.totals[t][r][col] == pytest.approx(v), (t, r, col)
    # and the same by hand from the generated figures
    mine = [s for s in specs if s.year == 2023 and s.agency.county == county]
    assert len(mine) == len(ru.lines)
    assert ru.totals["applications"]["new_received"]["total"] == sum(
        s.tables["applications"]["new_received"]["total"] for s in mine)
    assert ru.findings == []


def test_identity_broken_in_a_report_shows_on_the_sum(store, tmp_path):
    _, b, *_ = region(tmp_path)
    b.tables["applications"]["new_received"]["natural_person"] += 1  # 一+二 ≠ （七）+四 in 自然人
    b.tables["applications"]["new_received"]["total"] += 1
    write_text(tmp_path, "1.txt", b)
    store.ingest([str(tmp_path)], jobs=1)
    ru = rollup(store, "奉新县", 2023)
    assert {f.code for f in ru.findings} == {"GK301"}
    assert any("自然人" in f.message for f in ru.findings)
    line = next(ln for ln in ru.lines if ln.name == "罗市镇人民政府")
    assert line.findings["error"] >= 1


def test_report_in_the_other_edition_is_mapped():
    """The roll-up counts a cell where `gongkai convert` moves it (formats/conversion.py), both ways."""
    ed21 = get_edition("2021")
    old = {"applications": {"other": {"natural_person": 2, "total": 2}, "granted": {"total": 1}},
           "active": {"licensing": {"prev_items": 5, "change": 1, "decisions": 4},
                      "regulations": {"new_made": 6, "new_published": 7, "total_published": 30}}}
    mapped, dropped = map_to_edition(old, "2019", ed21)
    assert mapped["applications"]["other_other"] == {"natural_person": 2, "total": 2}
    assert mapped["active"]["licensing"] == {"decisions": 4}
    # 本年新制作数量 is 2021's 本年制发件数; 本年新公开数量 and 对外公开总数量 have no place there
    assert mapped["active"]["regulations"] == {"issued": 6} and dropped
    new = {"applications": {k: {"total": v} for k, v in (("other_no_correction", 1), ("other_unpaid_fee", 2),
                                                          ("other_other", 4))},
           "active": {"regulations": {"issued": 5, "repealed": 1, "in_force": 40}, "fees": {"amount": 1.5}}}
    back, dropped = map_to_edition(new, "2021", get_edition("2019"))
    assert back["applications"]["other"] == {"total": 7}
    assert back["active"] == {"regulations": {"new_made": 5}} and dropped
    same, dropped = map_to_edition(new, "2021", ed21)
    assert same["active"]["fees"] == {"amount": 1.5} and not dropped


def test_drill_down_reads_the_store_and_maps_the_other_edition(store, tmp_path):
    """A line keeps only the rows the year-on-year comparison reads; the agencies behind any other summed
    cell are read from the store when asked for, a 2019-format report's cells mapped as they were summed."""
    write_text(tmp_path, "a.txt", spec(GANFANG, 2023, active__regulations__issued=6,
                                       applications__other_other__natural_person=3,
                                       applications__carried_over__natural_person=2))
    write_text(tmp_path, "b.txt", spec(LUOSHI, 2023, "2019", active__regulations__new_made=4,
                                       applications__other__natural_person=5))
    s = store.ingest([str(tmp_path)], jobs=1)
    assert s.new == 2 and s.failed == 0
    ru = rollup(store, "奉新县", 2023)
    assert {ln.name: ln.edition for ln in ru.lines} == {"甘坊镇": "2021", "罗市镇人民政府": "2019"}
    for ln in ru.lines:  # the rest of its cells is not held
        assert set(ln.values) <= {"applications"}
        assert set(ln.values.get("applications", {})) <= {"carried_over", "carried_forward"}
    assert ru.totals["active"]["regulations"]["issued"] == 10
    assert [(ln.name, v) for ln, v in ru.behind("active.regulations.issued")] == [
        ("甘坊镇", 6), ("罗市镇人民政府", 4)]
    assert [(ln.name, v) for ln, v in ru.behind("applications.other_other.natural_person")] == [
        ("罗市镇人民政府", 5), ("甘坊镇", 3)]
    assert [(ln.name, v) for ln, v in ru.behind("applications.carried_over.natural_person")] == [
        ("甘坊镇", 2), ("罗市镇人民政府", 0)]


def test_cli_json_and_xlsx(tmp_path):
    from openpyxl import load_workbook

    region(tmp_path / "in")
    db = str(tmp_path / "s.sqlite3")
    subprocess.run([sys.executable, "-m", "gongkai.cli", "ingest", "-q", "--db", db, str(tmp_path / "in")],
                   check=True, capture_output=True, timeout=120)
    xlsx = tmp_path / "奉新县2023.xlsx"
    out = subprocess.run([sys.executable, "-m", "gongkai.cli", "rollup", "--region", "江西省/奉新县", "--year", "2023",
                          "--db", db, "--json", "--xlsx", str(xlsx)], capture_output=True, text=True, timeout=120,
                         check=False)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["schema"] == "gongkai.rollup/1" and data["edition"] == "2021"
    assert data["coverage"]["agencies"] == 3 and data["coverage"]["reported"] == 2
    assert [m["agency"] for m in data["coverage"]["missing"]] == ["奉新县住房和城乡建设局"]
    assert data["totals"]["applications"]["new_received"]["total"] == 12
    assert data["figures"]["licensing"] == 17
    assert data["ratios"]["granted_share"] == pytest.approx(10 / 13)
    assert data["findings"] == []
    assert {a["agency"] for a in data["agencies"]} == {"甘坊镇", "罗市镇人民政府"}

    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["汇总表", "汇总表（规范格式）", "各机关", "未报送", "核对", "说明"]
    ws = wb["各机关"]
    assert ws.freeze_panes == "B2"
    head = ws["A1"]
    assert head.value == "机关" and head.font.bold and head.fill.fgColor.rgb.endswith("1F4E78")
    assert ws.column_dimensions["A"].width >= 20
    headers = [c.value for c in ws[1]]
    col = headers.index("本年新收申请") + 1
    rows = {ws.cell(row=i, column=1).value: i for i in range(2, ws.max_row + 1)}
    assert ws.cell(row=rows["甘坊镇"], column=col).value == 8
    assert ws.cell(row=rows["甘坊镇"], column=col).number_format == "#,##0"
    share = ws.cell(row=rows["甘坊镇"], column=headers.index("公开率") + 1)
    assert share.number_format == "0.0%" and share.value == pytest.approx(6 / 7)
    assert ws.cell(row=rows["合计"], column=col).value == 12
    summary = wb["汇总表"]
    assert summary.freeze_panes == "B4"
    values = [[c.value for c in r] for r in summary.iter_rows()]
    new_row = next(r for r in values if r[0] == "一、本年新收")
    assert new_row[1:8] == [10, 2, 0, 0, 0, 0, 12]
    assert wb["未报送"]["A2"].value == "奉新县住房和城乡建设局"
    assert wb["核对"]["A2"].value == "汇总表的勾稽关系全部成立"


def test_cli_unknown_region(tmp_path):
    out = subprocess.run([sys.executable, "-m", "gongkai.cli", "rollup", "--region", "不存在县", "--year", "2023",
                          "--db", str(tmp_path / "s.sqlite3")], capture_output=True, text=True, timeout=60,
                         check=False)
    assert out.returncode == 2 and "没有地区" in out.stderr
