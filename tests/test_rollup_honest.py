"""Honest roll-ups: the reports summed with open errors and a reviewer's choice to leave one out (remembered,
audited, scope-checked), the statement on the identities, 上年结转 against last year's roll-up with the agencies
behind a difference, the drill-down from a summed cell, coverage without the office's list of agencies, the
Excel sheet in the official layout and the region's own report as a Word draft — all on a real store, every
expected value worked out by hand from the figures below."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from gongkai.rollup import OFFICIAL_SHEET, UNLISTED, rollup
from gongkai.store import Store
from gongkai.web import auth, create_app
from gongkai.web.rollup_choices import ChoiceError, set_choice
from gongkai.web.views import decide, fingerprint

from synth import Agency, ReportSpec, rebalance, zero_figures
from test_store_support import write_text
from web_support import PASSWORDS, form_login, page_csrf

NARRATIVE = [["本机关认真贯彻落实政府信息公开条例，坚持以公开为常态、不公开为例外"], ["公开内容还不够全面"],
             ["将继续加强培训"]]
REGION = "江西省/宜春市/奉新县"
AGENCIES_CSV = """名称,级别,省,市,县,乡,别名
甘坊镇人民政府,乡镇,江西省,宜春市,奉新县,甘坊镇,
罗市镇人民政府,乡镇,江西省,宜春市,奉新县,罗市镇,
奉新县住房和城乡建设局,县级部门,江西省,宜春市,奉新县,,
奉新县教育体育局,县级部门,江西省,宜春市,奉新县,,
"""
GAN, LUO, ZHU = "甘坊镇人民政府", "罗市镇人民政府", "奉新县住房和城乡建设局"


def agency(name, town=None, kind="township"):
    return Agency(name, "江西省", "宜春市", "奉新县", town, f"江西省奉新县{town or '行政中心'}人民路1号", kind)


def spec(ag, year, *, new_off=0, **cells):
    """A report with these cells (table__row__column=value), the rest 0, the identities made to hold — then
    一、本年新收 自然人 (and its 总计) moved by ``new_off``, which breaks 一+二=三+四 in the report."""
    t = zero_figures("2021")
    for key, v in cells.items():
        tb, row, col = key.split("__")
        t[tb][row][col] = v
    rebalance(t, "2021")
    t["applications"]["new_received"]["natural_person"] += new_off
    t["applications"]["new_received"]["total"] += new_off
    return ReportSpec(ag, year, "2021", t, NARRATIVE)


# 2022: 甘坊镇 carries 1 forward, 罗市镇 2; 住建局 did not report.
# 2023 (自然人 unless said):
#   甘坊镇  上年结转 1, 予以公开 5 (+ 商业企业 2), 行政许可 10; 一 printed one too many (error)
#   罗市镇  上年结转 3, 予以公开 4, 不予公开·第三方 2, 结转下年度 1, 行政许可 7
#   住建局  上年结转 2, 予以公开 6, 行政复议 维持 1; 一 printed one too few (error)
# 甘坊镇's and 住建局's slips cancel out in the sum: the summed tables' identities hold although two of the
# reports summed have errors. 罗市镇's 上年结转 3 is not its 2022 结转下年度 2: GK601, an error too.
GANFANG, LUOSHI, ZHUJIAN = agency(GAN, "甘坊镇"), agency(LUO, "罗市镇"), agency(ZHU, kind="department")
SPECS = {
    "gan2022.txt": spec(GANFANG, 2022, applications__granted__natural_person=3,
                        applications__carried_forward__natural_person=1),
    "luo2022.txt": spec(LUOSHI, 2022, applications__granted__natural_person=2,
                        applications__carried_forward__natural_person=2),
    "gan2023.txt": spec(GANFANG, 2023, new_off=1, applications__carried_over__natural_person=1,
                        applications__granted__natural_person=5, applications__granted__commercial=2,
                        active__licensing__decisions=10),
    "luo2023.txt": spec(LUOSHI, 2023, applications__carried_over__natural_person=3,
                        applications__granted__natural_person=4, applications__withheld_third_party__natural_person=2,
                        applications__carried_forward__natural_person=1, active__licensing__decisions=7),
    "zhu2023.txt": spec(ZHUJIAN, 2023, new_off=-1, applications__carried_over__natural_person=2,
                        applications__granted__natural_person=6, review_litigation__review__upheld=1),
}


def make_store(db: str, folder: Path, *, listed: bool = True) -> None:
    for name, s in SPECS.items():
        write_text(folder, name, s)
    with Store.open(db) as store:
        if listed:
            store.import_agencies(AGENCIES_CSV.encode("utf-8"))
        s = store.ingest([str(folder)], jobs=1)
        assert s.new == 5 and s.failed == 0
        e = store.engine
        auth.add_user(e, "fengxin", PASSWORDS["fengxin"], "reviewer", region=REGION)
        auth.add_user(e, "changchun", PASSWORDS["changchun"], "reviewer", region="长春市")
        auth.add_user(e, "admin", PASSWORDS["admin"], "admin")


@pytest.fixture()
def county(tmp_path):
    db = str(tmp_path / "store.sqlite3")
    make_store(db, tmp_path / "in")
    return db


def lines(ru):
    return {ln.name: ln for ln in ru.lines}


def error_count(store, report_id):
    return sum(1 for f in store.findings(report_id) if f["severity"] == "error")


def reviewer(store, name="fengxin"):
    return auth.find_user(store.engine, name)


# ------------------------------------------------------------------------------------------ open errors


def test_reports_with_open_errors_are_listed_and_the_statement_says_so(county):
    with Store.open(county) as store:
        ru = rollup(store, "奉新县", 2023)
        by = lines(ru)
        # each slip breaks 一+二=三+四 in 自然人 and in 总计, and 罗市镇's 上年结转 differs from its 2022 report in
        # both: two errors apiece
        assert [(error_count(store, by[n].report_id), by[n].open_errors) for n in (GAN, LUO, ZHU)] == [(2, 2)] * 3
        assert {f["code"] for f in store.findings(by[LUO].report_id) if f["severity"] == "error"} == {"GK601"}
        assert [ln.name for ln in ru.with_open_errors] == [ZHU, GAN, LUO]  # 奉 甘 罗
        # the sums' own identities hold (the slips cancel out), yet the roll-up does not say all is well
        assert ru.findings == []
        assert not ru.holds
        assert ru.statement == ("汇总表的合计数本身勾稽关系成立；但计入合计的 3 份报告仍有未处理的错误（共 6 个），"
                                "合计数可能不准确，不能认为勾稽关系全部成立。请核实更正这些报告，或在汇总中不计入它们")
        assert "全部成立" not in ru.statement.replace("不能认为勾稽关系全部成立", "")

        # a reviewer dismisses 住建局's errors with a reason: they are no longer open
        user = reviewer(store)
        for f in store.findings(by[ZHU].report_id):
            if f["severity"] == "error":
                decide(store.engine, user, by[ZHU].report_id, fingerprint(f), f["code"], "dismissed",
                       "经电话核实，原件数字无误")
        ru = rollup(store, "奉新县", 2023)
        assert [(ln.name, ln.open_errors) for ln in ru.with_open_errors] == [(GAN, 2), (LUO, 2)]
        assert "计入合计的 2 份报告仍有未处理的错误（共 4 个）" in ru.statement
        # a dismissal without a reason (an old decision) leaves the finding open
        f = next(f for f in store.findings(by[GAN].report_id) if f["severity"] == "error")
        decide(store.engine, user, by[GAN].report_id, fingerprint(f), f["code"], "dismissed", "")
        assert lines(rollup(store, "奉新县", 2023))[GAN].open_errors == 2


def test_excluding_a_report_changes_the_totals_and_is_remembered(county):
    with Store.open(county) as store:
        before = rollup(store, "奉新县", 2023)
        t = before.totals["applications"]
        # 一 自然人: 甘坊镇 5−1+1 = 5, 罗市镇 4+2+1−3 = 4, 住建局 6−2−1 = 3
        assert t["new_received"]["natural_person"] == 5 + 4 + 3
        assert t["new_received"]["total"] == 7 + 4 + 3  # 甘坊镇 has 商业企业 2 too
        assert t["granted"]["total"] == 7 + 4 + 6
        assert before.totals["active"]["licensing"]["decisions"] == 17

        gan = lines(before)[GAN]
        set_choice(store, reviewer(store), gan.agency_id, 2023, True, "表三一、本年新收与办理结果对不上，已退回更正")
        after = rollup(store, "江西省/宜春市/奉新县", 2023)  # the same region, spelt out: the choice holds
        by = lines(after)
        assert by[GAN].excluded and not by[LUO].excluded
        t = after.totals["applications"]
        assert (t["new_received"]["natural_person"], t["new_received"]["total"]) == (4 + 3, 4 + 3)
        assert t["granted"]["commercial"] == 0 and t["granted"]["total"] == 4 + 6
        assert after.totals["active"]["licensing"]["decisions"] == 7
        assert after.figures["new_received"] == 7
        assert [ln.name for ln in after.excluded] == [GAN]
        assert [ln.name for ln in after.with_open_errors] == [ZHU, LUO]  # one left out is not "summed with errors"
        # 住建局's slip alone now breaks the sum: said, and no claim that everything holds
        assert after.findings and after.statement.startswith(f"汇总表有 {len(after.findings)} 处勾稽关系不成立")
        assert after.coverage == "应报机关 4 个，已报 3 个，其中 1 个未计入合计，未报 1 个"
        assert by[GAN].choice.reason == "表三一、本年新收与办理结果对不上，已退回更正"
        assert by[GAN].choice.username == "fengxin"

        # leaving 住建局 out too: what is summed is 罗市镇 alone, whose sums hold but whose errors are open
        set_choice(store, reviewer(store), by[ZHU].agency_id, 2023, True)
        alone = rollup(store, "奉新县", 2023)
        assert alone.totals["applications"]["new_received"]["total"] == 4
        assert alone.statement.startswith("汇总表的合计数本身勾稽关系成立；但计入合计的 1 份报告仍有未处理的错误（共 2 个）")
        # once the reviewer has dismissed them (last year's report was wrong), all holds
        for f in store.findings(by[LUO].report_id):
            if f["severity"] == "error":
                decide(store.engine, reviewer(store), by[LUO].report_id, fingerprint(f), f["code"], "dismissed",
                       "上年报告结转数填错，本年数字经核实无误")
        alone = rollup(store, "奉新县", 2023)
        assert alone.holds and alone.statement == "汇总表的勾稽关系全部成立"

        # taken back in: the sums are as before
        set_choice(store, reviewer(store), gan.agency_id, 2023, False)
        set_choice(store, reviewer(store), by[ZHU].agency_id, 2023, False)
        again = rollup(store, "奉新县", 2023)
        assert again.totals == before.totals and not again.excluded
        # every choice is in the audit log
        log = [(e["action"], e["target"]) for e in auth.audit_log(store.engine, limit=10)]
        assert log[:4] == [("rollup.include", f"agency:{by[ZHU].agency_id}"), ("rollup.include", f"agency:{gan.agency_id}"),
                           ("rollup.exclude", f"agency:{by[ZHU].agency_id}"), ("rollup.exclude", f"agency:{gan.agency_id}")]


def test_choices_are_scope_checked(county):
    with Store.open(county) as store:
        gan = lines(rollup(store, "奉新县", 2023))[GAN]
        with pytest.raises(ChoiceError) as exc:
            set_choice(store, reviewer(store, "changchun"), gan.agency_id, 2023, True, "不在本人地区")
        assert exc.value.status == 404  # another's agency is not found, as one that does not exist
        # a clerk may not leave its own agency's report out
        auth.add_user(store.engine, "ganfang", PASSWORDS["ganfang"], "submitter", agency_id=gan.agency_id)
        with pytest.raises(ChoiceError) as exc:
            set_choice(store, reviewer(store, "ganfang"), gan.agency_id, 2023, True, "本机关申请不计入")
        assert exc.value.status == 403 and "只有审核人和管理员" in exc.value.zh
        with pytest.raises(ChoiceError) as exc:  # no 2021 report to leave out
            set_choice(store, reviewer(store), gan.agency_id, 2021, True)
        assert exc.value.status == 404 and "没有2021年度的报告" in exc.value.zh
        assert not rollup(store, "奉新县", 2023).excluded
        assert not [e for e in auth.audit_log(store.engine) if e["action"].startswith("rollup.")]


# ------------------------------------------------------------------------------------------ across years


def test_carried_over_against_last_years_roll_up(county):
    with Store.open(county) as store:
        cy = rollup(store, "奉新县", 2023).cross_year
        assert cy is not None and cy.last_reported == 2
        cols = {k: (a, b) for k, _, a, b in cy.columns}
        # 上年结转 2023: 1 + 3 + 2 = 6; 结转下年度 2022: 1 + 2 = 3
        assert cols["natural_person"] == (6, 3) and cols["total"] == (6, 3) and cols["commercial"] == (0, 0)
        assert [label for _, label, *_ in cy.differences] == ["自然人", "总计"]
        behind = {a.name: a for a in cy.agencies}
        assert set(behind) == {LUO, ZHU}  # 甘坊镇: 1 and 1
        assert behind[LUO].why == "本年报告填写的上年结转与上年报告填写的结转下年度不一致"
        assert (behind[LUO].this_year["natural_person"], behind[LUO].last_year["natural_person"]) == (3, 2)
        assert behind[ZHU].why == "上年没有报告" and behind[ZHU].last_report_id is None
        assert cy.names("natural_person") == [LUO, ZHU]
        assert cy.text() == ("2023年度“二、上年结转”与2022年度“四、结转下年度继续办理”合计不一致："
                             "自然人本年上年结转 6、上年结转下年度 3（相差 3）；总计本年上年结转 6、上年结转下年度 3（相差 3）。"
                             f"差异来自：{LUO}、{ZHU}。")

        # 甘坊镇 left out this year: its 1 is no longer summed, and it is named
        set_choice(store, reviewer(store), lines(rollup(store, "奉新县", 2023))[GAN].agency_id, 2023, True)
        cy = rollup(store, "奉新县", 2023).cross_year
        assert {k: (a, b) for k, _, a, b in cy.columns}["total"] == (5, 3)
        assert {a.name: a.why for a in cy.agencies}[GAN] == "本年报告未计入汇总"

        # the first year has nothing before it
        first = rollup(store, "奉新县", 2022).cross_year
        assert first.last_reported == 0 and first.text() == "2021年度本地区没有计入汇总的报告，无法核对2022年度“二、上年结转”。"


# ------------------------------------------------------------------------------------------ drill-down


def test_drill_down_from_a_summed_cell(county):
    with Store.open(county) as store:
        ru = rollup(store, "奉新县", 2023)
        assert ru.totals["applications"]["granted"]["natural_person"] == 15
        assert [(ln.name, v) for ln, v in ru.behind("applications.granted.natural_person")] == [
            (ZHU, 6), (GAN, 5), (LUO, 4)]
        set_choice(store, reviewer(store), lines(ru)[ZHU].agency_id, 2023, True, "待更正")
    with web_client(county) as client:
        form_login(client, "fengxin")
        html = client.get("/rollup", params={"region": REGION, "year": 2023}).text
        # the summed value is a link to its agencies
        assert ('href="/rollup/cell?region=%E6%B1%9F%E8%A5%BF%E7%9C%81/%E5%AE%9C%E6%98%A5%E5%B8%82/'
                '%E5%A5%89%E6%96%B0%E5%8E%BF&year=2023&ref=applications.granted.natural_person"') in html
        page = client.get("/rollup/cell", params={"region": REGION, "year": 2023,
                                                  "ref": "applications.granted.natural_person"})
        assert page.status_code == 200
        text = page.text
        assert "表三「（一）予以公开」自然人" in text and "合计 <b>9</b>，由 2 个机关的数据相加而成" in text
        rows = text[text.index('id="behind"'):text.index("</table>", text.index('id="behind"'))]
        assert f'<tr data-agency="{GAN}"><td>{GAN}</td><td>乡镇</td><td class="num">5</td>' in rows
        assert f'<tr data-agency="{LUO}"><td>{LUO}</td><td>乡镇</td><td class="num">4</td>' in rows
        assert ZHU not in rows
        left = text[text.index('id="left-out"'):]
        assert f'<td>{ZHU}</td><td class="num">6</td>' in left
        by = lines(rollup_of(county))
        assert f'href="/reports/{by[GAN].report_id}"' in rows
        # 行政许可: 住建局 printed 0, 甘坊镇 10 and 罗市镇 7
        page = client.get("/rollup/cell", params={"region": REGION, "year": 2023,
                                                  "ref": "active.licensing.decisions"}).text
        assert "合计 <b>17</b>" in page
        assert client.get("/rollup/cell", params={"region": REGION, "year": 2023, "ref": "nope.x.y"}).status_code == 404


def rollup_of(db, year=2023):
    with Store.open(db) as store:
        return rollup(store, "奉新县", year)


# ------------------------------------------------------------------------------------------ coverage


def test_coverage_unknown_without_the_agency_list(tmp_path):
    db = str(tmp_path / "bare.sqlite3")
    make_store(db, tmp_path / "in", listed=False)
    with Store.open(db) as store:
        ru = rollup(store, "奉新县", 2023)
    assert not ru.listed and len(ru.lines) == 3
    assert ru.coverage == f"已报 3 个；{UNLISTED}"
    assert UNLISTED == "未导入本地区机关名录，无法判断是否报齐"
    assert ru.to_json()["coverage"]["listed"] is False
    with web_client(db) as client:
        form_login(client, "admin")  # the reports say no city: the agencies are 江西省/奉新县's
        html = client.get("/rollup", params={"region": "奉新县", "year": 2023}).text
        assert '<div class="stat" id="coverage-unknown"' in html and "<b>未知</b><span>应报机关</span>" in html
        assert "<b>未导入本地区机关名录，无法判断是否报齐</b>" in html
        assert "全部已报送" not in html


def test_coverage_with_the_agency_list(county):
    ru = rollup_of(county)
    assert ru.listed and ru.known == 4
    assert [m["agency"] for m in ru.missing] == ["奉新县教育体育局"]
    assert ru.coverage == "应报机关 4 个，已报 3 个，未报 1 个"


# ------------------------------------------------------------------------------------------ the web page


def web_client(db: str) -> TestClient:
    return TestClient(create_app(db, workers=0))


def test_the_page_lists_open_errors_and_a_reviewer_excludes_one(county):
    by = lines(rollup_of(county))
    with web_client(county) as client:
        form_login(client, "fengxin")
        html = client.get("/rollup", params={"region": REGION, "year": 2023}).text
        assert "计入合计的 3 份报告仍有未处理的错误（共 6 个）" in html
        table = html[html.index('id="open-errors"'):html.index("</table>", html.index('id="open-errors"'))]
        assert table.index(ZHU) < table.index(GAN) < table.index(LUO)
        assert '<td class="num bad-text">2</td>' in table
        token = page_csrf(html)
        r = client.post("/rollup/choice", data={"csrf_token": token, "region": REGION, "year": 2023,
                                                "agency_id": by[GAN].agency_id, "action": "exclude",
                                                "reason": "表三不平，已退回"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].endswith("#choices")
        html = client.get("/rollup", params={"region": REGION, "year": 2023}).text
        excluded = html[html.index('id="excluded"'):html.index("</table>", html.index('id="excluded"'))]
        assert GAN in excluded and "fengxin" in excluded and "理由：表三不平，已退回" in excluded
        assert 'class="include"' in excluded
        assert '<a class="stat bad" href="#choices"><b>1</b><span>未计入合计</span></a>' in html
        assert f"{GAN}</a> <span class=\"small\">（未计入合计）</span>" in html
        # the key figures are the remaining two reports': 新收 4 + 3
        figures = html[html.index('<div class="figures">'):]
        assert "<span>本年新收申请</span><b>7</b>" in figures

        # without the form's token nothing changes
        r = client.post("/rollup/choice", data={"region": REGION, "year": 2023, "agency_id": by[ZHU].agency_id,
                                                "action": "exclude"})
        assert r.status_code == 403
        assert not lines(rollup_of(county))[ZHU].excluded

        # the Excel file says which report is not summed, and why
        wb = load_workbook(io.BytesIO(client.get("/rollup.xlsx", params={"region": REGION, "year": 2023}).content))
        ws = wb["各机关"]
        head = [c.value for c in ws[1]]
        rows = {ws.cell(row=i, column=1).value: i for i in range(2, ws.max_row + 1)}
        assert ws.cell(rows[GAN], head.index("计入合计") + 1).value == "否"
        assert ws.cell(rows[LUO], head.index("计入合计") + 1).value == "是"
        assert ws.cell(rows[ZHU], head.index("未处理错误") + 1).value == 2
        assert "理由：表三不平，已退回" in ws.cell(rows[GAN], head.index("未计入原因") + 1).value
        assert ws.cell(rows["合计（计入合计的报告）"], head.index("本年新收申请") + 1).value == 7
        check = wb["核对"]
        values = [c.value for row in check.iter_rows() for c in row if c.value is not None]
        assert check["A2"].value.startswith("汇总表有") and "计入合计的 2 份报告仍有未处理的错误（共 4 个）" in check["A2"].value
        assert f"{GAN}：fengxin于" in " ".join(str(v) for v in values)
        assert "未计入合计的报告：甘坊镇人民政府（见“各机关”表）。" in wb["汇总表"]["A3"].value

    # another county's reviewer may not, nor may the page's region stand in for the agency's
    with web_client(county) as client:
        form_login(client, "changchun")
        token = page_csrf(client.get("/reports").text)
        r = client.post("/rollup/choice", data={"csrf_token": token, "region": "长春市", "year": 2023,
                                                "agency_id": by[ZHU].agency_id, "action": "exclude"})
        assert r.status_code == 404
    assert not lines(rollup_of(county))[ZHU].excluded


# ------------------------------------------------------------------------------------------ Excel


def test_excel_has_the_official_layout_print_ready(county, tmp_path):
    path = tmp_path / "rollup.xlsx"
    rollup_of(county).to_xlsx(path)
    wb = load_workbook(path)
    assert wb.sheetnames[:3] == ["汇总表", OFFICIAL_SHEET, "各机关"]
    ws = wb[OFFICIAL_SHEET]
    # A4 portrait, fitted to the page's width, the title rows on every page
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"  # 9: A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$1:$2"
    assert ws.print_options.horizontalCentered

    def find(text):
        return next(c for row in ws.iter_rows() for c in row if c.value == text)

    merged = {str(m): m for m in ws.merged_cells.ranges}

    def span(cell):
        return next((m for m in merged.values() if cell.coordinate in m), None)

    # table 三: the corner over three header rows, 申请人情况 over the seven columns, 法人或其他组织 over five
    corner = span(find("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"))
    assert corner.max_row - corner.min_row == 2
    applicants = span(find("申请人情况"))
    person, total = span(find("自然人")), span(find("总计"))
    org = span(find("法人或其他组织"))
    assert applicants.min_col == person.min_col and applicants.max_col == total.max_col
    assert person.max_row - person.min_row == 1 and total.max_row - total.min_row == 1  # over two header rows
    assert org.min_col == person.max_col + 1 and org.max_col == total.min_col - 1
    # 三、本年度办理结果 runs down the rows from （一） to （七）
    results = span(find("三、本年度办理结果"))
    granted = find("（一）予以公开")
    assert results.min_row == granted.row and results.max_row == find("（七）总计").row
    # the summed values under their headers: 予以公开 自然人 5+4+6, 总计 7+4+6
    assert ws.cell(granted.row, person.min_col).value == 15
    assert ws.cell(granted.row, total.min_col).value == 17
    assert ws.cell(find("一、本年新收政府信息公开申请数量").row, total.min_col).value == 14
    # table 二: 行政许可 10 + 7 + 0; table 四: 行政复议 维持 1
    licensing = find("行政许可")
    assert ws.cell(licensing.row, span(licensing).max_col + 1).value == 17
    review = find("行政复议")
    assert ws.cell(review.row + 3, review.column).value == 1  # 结果维持 under 行政复议, three header rows down
    # table 三 starts a new printed page
    assert [b.id for b in ws.row_breaks.brk] == [corner.min_row - 2]


# ------------------------------------------------------------------------------------------ Word


def cells_of(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_the_regions_own_report_as_a_word_draft(county, tmp_path):
    out = tmp_path / "奉新县2023.docx"
    r = subprocess.run([sys.executable, "-m", "gongkai.cli", "rollup", "--region", "奉新县", "--year", "2023",
                        "--db", county, "--docx", str(out)], capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    assert "已写出" in r.stderr and "计入合计、仍有未处理错误：甘坊镇人民政府" in r.stdout
    assert "跨年度核对：2023年度“二、上年结转”与2022年度" in r.stdout
    doc = Document(str(out))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "2023年奉新县政府信息公开工作年度报告"
    text = "\n".join(paragraphs)
    # the facts: 3 agencies (2 乡镇, 1 县级部门), all 4 on the list but one; 收到 14 + 6 = 20, 办结 17 + 1 …
    assert "2023年，奉新县纳入本报告统计的行政机关共3个（乡镇2个、县级部门1个）；本地区4个行政机关中，1个未报送年度报告" in text
    # （七）总计 17 + 2 (不予公开) = 19; 结转下年度 1; 公开率 17/19 = 89.5%
    assert ("全奉新县共收到政府信息公开申请20件，其中本年新收14件、上年结转6件；本年度办理完毕19件，其中予以公开17件、"
            "部分公开0件，公开率（予以公开与部分公开之和占办理总数的比例）为89.5%；结转下年度继续办理1件。") in text
    assert "全奉新县因政府信息公开工作被申请行政复议1件，其中结果纠正0件，纠错率（结果纠正占已审结案件的比例）为0.0%；被提起行政诉讼0件。" in text
    assert "作出行政许可决定17件、行政处罚决定0件、行政强制决定0件" in text
    assert "【注：计入本报告的奉新县住房和城乡建设局、甘坊镇人民政府、罗市镇人民政府的年度报告仍有未处理的数据错误" in text
    assert "【请填写本地区政府信息公开工作存在的主要问题" in text and "【请说明本级行政机关收取信息处理费的情况" in text
    assert "奉新县人民政府办公室" in paragraphs[-1]  # signed by the office the review loop names
    assert [p for p in paragraphs if p.startswith(("一、", "二、", "三、", "四、", "五、", "六、"))] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    # the summed tables in the official layout: 三 has three header rows, then one row per item
    t2, t3, t4 = doc.tables
    grid3 = cells_of(t3)
    assert grid3[3][3:] == ["12", "2", "0", "0", "0", "0", "14"]  # 一: 自然人 5+4+3, 商业企业 2
    assert grid3[4][3:] == ["6", "0", "0", "0", "0", "0", "6"]  # 二、上年结转
    assert grid3[5][3:] == ["15", "2", "0", "0", "0", "0", "17"]  # （一）予以公开
    assert grid3[-1][3:] == ["1", "0", "0", "0", "0", "0", "1"]  # 四、结转下年度继续办理
    licensing = next(row for row in cells_of(t2) if row[0] == "行政许可")
    assert licensing[1] == "17"
    assert cells_of(t4)[3][:5] == ["1", "0", "0", "0", "1"]  # 行政复议 维持 … 总计


def test_the_word_draft_from_the_page(county):
    with web_client(county) as client:
        form_login(client, "fengxin")
        html = client.get("/rollup", params={"region": REGION, "year": 2023}).text
        assert 'id="docx" href="/rollup.docx?region=' in html
        r = client.get("/rollup.docx", params={"region": REGION, "year": 2023})
        assert r.status_code == 200 and r.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.wordprocessingml")
        doc = Document(io.BytesIO(r.content))
        assert cells_of(doc.tables[1])[5][3:] == ["15", "2", "0", "0", "0", "0", "17"]
        # the page's choice is the draft's: 甘坊镇 left out, its 5 + 2 are not in （一）予以公开
        token = page_csrf(html)
        gan = lines(rollup_of(county))[GAN]
        client.post("/rollup/choice", data={"csrf_token": token, "region": REGION, "year": 2023,
                                            "agency_id": gan.agency_id, "action": "exclude", "reason": "待更正"})
        doc = Document(io.BytesIO(client.get("/rollup.docx", params={"region": REGION, "year": 2023}).content))
        assert cells_of(doc.tables[1])[5][3:] == ["10", "0", "0", "0", "0", "0", "10"]
        text = "\n".join(p.text for p in doc.paragraphs)
        assert "【注：甘坊镇人民政府的年度报告因数据有误暂未计入本报告各表" in text
        assert "纳入本报告统计的行政机关共2个" in text
