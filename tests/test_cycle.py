"""The office's year: an agency-year's states and who may move it where (by role and by scope), every move
in the history and the audit log, versions and what changed between them, findings dismissed with a reason
no longer open, deadlines and days left or overdue on fixed dates, the 审核意见书 read back from Word, and the
催报 list in Excel. Driven through gongkai.web.cycle and through the application (FastAPI's test client)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from gongkai.store import Store
from gongkai.store.reviews import beijing
from gongkai.web import auth, create_app, cycle, opinion
from gongkai.web.cycle import CycleError, web_cycle_moves, web_cycle_offices, web_cycle_states

from web_support import ZHUJIAN_2023, api_login, form_login, make_write_store, page_csrf

FENGXIN = "江西省/宜春市/奉新县"
OPINION = "表三“（六）其他处理”缺少“3.其他”一行，请按2021年版格式补齐后重新报送。"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cycle")
    db = str(folder / "c.sqlite3")
    make_write_store(db, folder)
    app = create_app(db, workers=0)
    with Store.open(db) as store:
        current = {r.agency: r.id for r in store.reports(year=2023)}
        agencies = {a["name"]: a["id"] for a in store.agencies()}
    with TestClient(app) as client:
        yield {"app": app, "db": db, "client": client, "current": current, "agencies": agencies,
               "store": app.state.store}


def who(site, name: str) -> auth.User:
    user = auth.find_user(site["store"].engine, name)
    assert user is not None
    return user


def refused(site, name: str, agency: str, action: str, comment: str | None = None, *, to: str | None = None,
            status: int, words: str) -> None:
    """The move is refused with this status and these words, and nothing is written."""
    store = site["store"]
    before = moves_count(store)
    with pytest.raises(CycleError) as err:
        cycle.move(store, who(site, name), site["agencies"][agency], 2023, action, comment, to=to)
    assert err.value.status == status, err.value.zh
    assert words in err.value.zh, err.value.zh
    assert moves_count(store) == before


def moves_count(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(web_cycle_moves)).scalar_one()


def logged_in(site, name: str) -> TestClient:
    c = TestClient(site["app"])
    form_login(c, name)
    return c


def text_of(docx_bytes: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(docx_bytes)).paragraphs]


# ------------------------------------------------------------------------------ the states and who moves them


def test_the_review_loop_by_role_and_scope(site):
    store, ag = site["store"], site["agencies"]["甘坊镇人民政府"]
    rid = site["current"]["甘坊镇人民政府"]
    st = cycle.status_of(store, ag, 2023)
    assert (st.state, st.state_zh, st.report_id, st.errors) == ("draft", "草稿", rid, 1)  # GK111: the row 3.其他

    # an open error: submitting needs the clerk's reason
    refused(site, "ganfang", "甘坊镇人民政府", "submit", None, status=422, words="还有 1 个错误没有改正")
    refused(site, "fengxin", "甘坊镇人民政府", "submit", "代报", status=403, words="只能由填报人")
    # another agency's year: not found, as an agency that does not exist
    refused(site, "zhujian", "甘坊镇人民政府", "submit", "代报", status=404, words="找不到编号为")
    refused(site, "changchun", "甘坊镇人民政府", "approve", status=404, words="找不到编号为")
    refused(site, "ganfang", "甘坊镇人民政府", "approve", status=403, words="只能由审核人")
    refused(site, "fengxin", "甘坊镇人民政府", "approve", status=409, words="现在是“草稿”")
    st = cycle.move(store, who(site, "ganfang"), ag, 2023, "submit", "表三（六）按县里要求只填两行")
    assert (st.state, st.note, st.moved_by) == ("submitted", "表三（六）按县里要求只填两行", "ganfang")

    refused(site, "ganfang", "甘坊镇人民政府", "submit", "再交一次", status=409, words="已提交（待审核）")
    refused(site, "fengxin", "甘坊镇人民政府", "return", "  ", status=422, words="请写明审核意见")
    st = cycle.move(store, who(site, "fengxin"), ag, 2023, "return", OPINION)
    assert (st.state, st.opinion, st.moved_report_id, st.revised) == ("returned", OPINION, rid, False)

    # the clerk reads the 审核意见书 of its own report; another agency's clerk may not
    clerk = logged_in(site, "ganfang")
    r = clerk.get(f"/cycle/{ag}/2023/opinion.docx")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    paras = text_of(r.content)
    assert paras[0] == "审核意见书"
    assert "关于甘坊镇人民政府2023年政府信息公开工作年度报告的审核意见" in paras
    assert "甘坊镇人民政府：" in paras
    assert f"审核意见：{OPINION}" in paras
    assert "一、需要改正的错误（1 个）" in paras
    assert "1．表三“（六）其他处理 3.其他”行：规定为“3.其他”。" in paras
    assert "问题：表三（依申请公开）缺少“3.其他”一行（2021年版格式规定应有此行）" in paras
    assert any(p.startswith("说明：表格缺少规定的行。") for p in paras)
    returned_on = beijing(cycle.status_of(store, ag, 2023).moved_at).date()
    assert paras[-2:] == ["奉新县人民政府办公室", f"{returned_on.year}年{returned_on.month}月{returned_on.day}日"]
    assert logged_in(site, "xingfu").get(f"/cycle/{ag}/2023/opinion.docx").status_code == 404

    refused(site, "xingfu", "甘坊镇人民政府", "resubmit", "改好了", status=404, words="找不到编号为")
    st = cycle.move(store, who(site, "ganfang"), ag, 2023, "resubmit", "已核实：本镇本年没有“其他”情形")
    assert st.state == "submitted"
    st = cycle.move(store, who(site, "fengxin"), ag, 2023, "approve")
    assert st.state == "approved" and st.state_zh == "已通过"
    refused(site, "fengxin", "甘坊镇人民政府", "return", "再看看", status=409, words="现在是“已通过”")

    # an admin may put it anywhere, saying why
    refused(site, "admin", "甘坊镇人民政府", "set", "", to="returned", status=422, words="写明原因")
    refused(site, "fengxin", "甘坊镇人民政府", "set", "改回", to="returned", status=403, words="只能由管理员")
    st = cycle.move(store, who(site, "admin"), ag, 2023, "set", "表三须重新核对", to="returned")
    assert (st.state, st.opinion) == ("returned", "表三须重新核对")

    moved = [(h["action"], h["from_state"], h["to_state"], h["username"], h["report_id"])
             for h in cycle.history(store, ag, 2023)]
    assert moved == [("submit", "draft", "submitted", "ganfang", rid), ("return", "submitted", "returned", "fengxin", rid),
                     ("resubmit", "returned", "submitted", "ganfang", rid),
                     ("approve", "submitted", "approved", "fengxin", rid), ("set", "approved", "returned", "admin", rid)]
    log = [e for e in auth.audit_log(store.engine, target=f"report:{rid}") if e["action"].startswith("cycle.")]
    assert [e["action"] for e in log] == ["cycle.set", "cycle.approve", "cycle.resubmit", "cycle.return", "cycle.submit"]
    assert log[3]["detail"] == {"agency": "甘坊镇人民政府", "agency_id": ag, "year": 2023, "from": "submitted",
                                "to": "returned", "comment": OPINION}
    assert [e["username"] for e in log] == ["admin", "fengxin", "ganfang", "fengxin", "ganfang"]
    # the audit page names the moves in Chinese
    admin = logged_in(site, "admin")
    audit = admin.get("/admin/audit").text
    assert '<td class="nowrap">报告退回修改</td>' in audit and ">cycle.return<" not in audit


def test_moves_and_versions_through_the_pages(site):
    """A clerk submits from the report's page, the reviewer returns it, the clerk sees the to-do with the
    opinion, uploads a corrected version (which the year's page compares with the first) and resubmits;
    a version stored after approval is a draft again."""
    store, ag = site["store"], site["agencies"]["奉新县住房和城乡建设局"]
    first = site["current"]["奉新县住房和城乡建设局"]
    clerk, reviewer = logged_in(site, "zhujian"), logged_in(site, "fengxin")
    page = clerk.get(f"/reports/{first}").text
    assert 'id="cycle-state"' in page and "提交审核" in page and "审核通过" not in page
    token = page_csrf(page)
    r = clerk.post(f"/cycle/{ag}/2023/move", data={"action": "submit", "next": f"/reports/{first}"},
                   follow_redirects=False)
    assert r.status_code == 403  # no CSRF token
    r = clerk.post(f"/cycle/{ag}/2023/move", data={"csrf_token": token, "action": "submit", "next": f"/reports/{first}"},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/reports/{first}"
    # a next address elsewhere is not followed
    page = reviewer.get(f"/reports/{first}").text
    assert "退回修改" in page and "审核通过" in page and "提交审核" not in page
    r = reviewer.post(f"/cycle/{ag}/2023/move", data={"csrf_token": page_csrf(page), "action": "return",
                                                      "comment": "表二行政处罚数与执法平台不一致，请核实。",
                                                      "next": "https://example.com/"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"

    home = clerk.get("/").text
    todo = re.search(r'<article class="s-returned" data-year="2023" data-state="returned">(.*?)</article>', home,
                     re.S).group(1)
    assert "表二行政处罚数与执法平台不一致，请核实。" in todo and "重新提交" in todo
    assert f"/cycle/{ag}/2023/opinion.docx" in todo

    # the corrected version: a number and a sentence changed
    text = ZHUJIAN_2023.read_text("utf-8")
    assert text.count("行政处罚\n\t103\n") == 1 and text.count("维护好甘坊镇政务公开平台") == 1
    fixed = text.replace("行政处罚\n\t103\n", "行政处罚\n\t105\n").replace("维护好甘坊镇政务公开平台", "维护好本局政务公开平台")
    api = TestClient(site["app"])
    api_login(api, "zhujian")
    res = api.post("/api/uploads", files=[("files", ("修改稿.txt", fixed.encode("utf-8"), "text/plain"))]).json()
    second = res["results"][0]["report_id"]
    assert res["results"][0]["status"] == "replaced" and second != first
    st = cycle.status_of(store, ag, 2023)
    assert (st.state, st.revised, st.report_id, st.moved_report_id) == ("returned", True, second, first)
    assert st.detail_zh == f"已上传修改稿 #{second}，尚未重新提交"

    d = cycle.diff(store, first, second)
    assert d["cells"] == [{"ref": "active.penalty.decisions", "old": "103", "new": "105",
                           "name": "表二“第二十条第（六）项 行政处罚”行“本年处理决定数量”列"}]
    [sec] = d["sections"]
    assert sec["number"] == 1 and sec["removed"] == ["按照上级部门的规范要求，本机关及时公开各类信息，维护好甘坊镇政务公开平台的日常运营。"]
    assert sec["added"] == ["按照上级部门的规范要求，本机关及时公开各类信息，维护好本局政务公开平台的日常运营。"]
    year_page = reviewer.get(f"/cycle/{ag}/2023").text
    assert "第 2 稿" in year_page and "与第 1 稿相比：1 个单元格、1 部分正文有改动" in year_page
    assert "表二“第二十条第（六）项 行政处罚”行“本年处理决定数量”列" in year_page

    st = cycle.move(store, who(site, "zhujian"), ag, 2023, "resubmit", "已按意见核实修改")
    assert (st.state, st.moved_report_id) == ("submitted", second)
    cycle.move(store, who(site, "fengxin"), ag, 2023, "approve")
    assert 'data-year="2023"' not in clerk.get("/").text  # nothing left to do for 2023
    # a version stored after approval is not approved: it is a draft to submit
    api.post("/api/uploads", files=[("files", ("三稿.txt", (fixed + "\n").encode("utf-8"), "text/plain"))])
    st = cycle.status_of(store, ag, 2023)
    assert (st.state, st.recorded, st.changed) == ("draft", "approved", True)
    assert [v.id for v in cycle.versions(store, ag, 2023)][:2] == [first, second]
    assert cycle.diff(store, second, st.report_id)["same"] is True


def test_pages_say_not_found_and_forbidden(site):
    reviewer = logged_in(site, "fengxin")
    xingfu = site["agencies"]["南关区幸福乡人民政府"]
    assert reviewer.get("/cycle/987654/2023").status_code == 404
    assert "找不到该机关" in reviewer.get("/cycle/987654/2023").text
    # another region's agency: the same answer as one that does not exist
    assert reviewer.get(f"/cycle/{xingfu}/2023").status_code == 404
    assert "找不到该机关" in reviewer.get(f"/cycle/{xingfu}/2023").text
    assert reviewer.get(f"/cycle/{xingfu}/2023/opinion").status_code == 404
    assert reviewer.get("/cycle?region=长春市").status_code == 403
    token = page_csrf(reviewer.get("/").text)
    r = reviewer.post("/cycle/987654/2023/move", data={"csrf_token": token, "action": "approve"})
    assert r.status_code == 404


# ------------------------------------------------------------------------------ findings dismissed with a reason


def test_a_finding_dismissed_with_a_reason_is_no_longer_open(site):
    admin = TestClient(site["app"])
    api_login(admin, "admin")
    rid = site["current"]["丰收乡"]  # GK101: a 2023 report in the 2019 layout
    findings = admin.get(f"/api/reports/{rid}/findings").json()["findings"]
    gk101 = next(f for f in findings if f["code"] == "GK101")
    listed = {r["id"] for r in admin.get("/api/reports?errors=true").json()["reports"]}
    assert rid in listed
    page = logged_in(site, "admin")
    home_errors = int(re.search(r"<b>(\d+)</b><span>份有错误", page.get("/").text).group(1))
    assert home_errors >= 1

    # without a reason: refused, still open
    r = admin.post(f"/api/reports/{rid}/findings/{gk101['fingerprint']}/decision", json={"decision": "dismissed"})
    assert r.status_code == 422 and "写明理由" in r.json()["detail"]
    assert cycle.open_errors(site["store"], rid) == 1
    r = admin.post(f"/api/reports/{rid}/findings/{gk101['fingerprint']}/decision",
                   json={"decision": "dismissed", "comment": "该乡沿用上级下发的2019年版模板，已另行通知"})
    assert r.status_code == 200
    assert cycle.open_errors(site["store"], rid) == 0
    row = next(r for r in cycle.open_rows(site["store"], site["store"].reports(year=2023)) if r.id == rid)
    assert row.errors == 0
    assert rid not in {r["id"] for r in admin.get("/api/reports?errors=true").json()["reports"]}
    assert f'href="/reports/{rid}"' not in page.get("/reports?errors=1").text
    assert int(re.search(r"<b>(\d+)</b><span>份有错误", page.get("/").text).group(1)) == home_errors - 1
    # accepted again: open again
    admin.post(f"/api/reports/{rid}/findings/{gk101['fingerprint']}/decision", json={"decision": "accepted"})
    assert cycle.open_errors(site["store"], rid) == 1
    assert rid in {r["id"] for r in admin.get("/api/reports?errors=true").json()["reports"]}


# ------------------------------------------------------------------------------ deadlines


def test_deadlines_by_level_and_region_on_fixed_dates(site):
    store = site["store"]
    admin, fengxin = who(site, "admin"), who(site, "fengxin")
    b = cycle.board(store, admin, 2023, FENGXIN, on=dt.date(2024, 1, 25))
    by = {s.agency: s for s in b["rows"]}
    edu, ganzhou = by["奉新县教育体育局"], by["干洲镇人民政府"]  # neither has a 2023 report
    assert (edu.state, edu.due, edu.days_left(dt.date(2024, 1, 25))) == ("missing", dt.date(2024, 1, 31), 6)
    assert edu.days_text(dt.date(2024, 1, 25)) == "还有 6 天"
    assert edu.days_text(dt.date(2024, 1, 31)) == "今天截止"
    assert (edu.days_left(dt.date(2024, 2, 5)), edu.days_text(dt.date(2024, 2, 5))) == (-5, "已逾期 5 天")
    assert (ganzhou.due, ganzhou.days_left(dt.date(2024, 1, 25))) == (dt.date(2024, 3, 31), 66)
    assert b["overdue"] == 0 and {"奉新县教育体育局", "干洲镇人民政府"} <= {s.agency for s in b["urge"]}

    # the county sets its own: townships by 2月20日, departments by 1月20日
    cycle.set_office(store, fengxin, FENGXIN, "奉新县人民政府办公室", {"township": "2月20日", "department": "01-20"})
    later = cycle.board(store, admin, 2023, FENGXIN, on=dt.date(2024, 1, 25))
    by = {s.agency: s for s in later["rows"]}
    assert by["干洲镇人民政府"].due == dt.date(2024, 2, 20) and by["奉新县教育体育局"].due == dt.date(2024, 1, 20)
    assert by["奉新县教育体育局"].days_text(dt.date(2024, 1, 25)) == "已逾期 5 天"
    assert later["overdue"] == sum(1 for s in later["urge"] if s.group == "department")
    # a township's own rule is nearer than the county's; a field it leaves blank comes from the county
    cycle.set_office(store, admin, "江西省/宜春市/奉新县/干洲镇", None, {"township": "3-10"})
    by = {s.agency: s for s in cycle.board(store, admin, 2023, FENGXIN)["rows"]}
    assert by["干洲镇人民政府"].due == dt.date(2024, 3, 10) and by["赤岸镇人民政府"].due == dt.date(2024, 2, 20)
    assert by["干洲镇人民政府"].office == "奉新县人民政府办公室"
    # the reports due in 2025 follow the same rule
    assert cycle.statuses(store, [a for a in store.agencies() if a["name"] == "干洲镇人民政府"], 2024)[0].due == \
        dt.date(2025, 3, 10)

    # what cannot be set, and by whom
    for bad in ("2月30日", "2月29日", "十二月", "13-01"):
        with pytest.raises(CycleError) as err:
            cycle.set_office(store, fengxin, FENGXIN, None, {"township": bad})
        assert err.value.status == 422 and "无法识别" in err.value.zh
    with pytest.raises(CycleError) as err:
        cycle.set_office(store, who(site, "changchun"), FENGXIN, None, {"township": "2-1"})
    assert err.value.status == 403
    with pytest.raises(CycleError):
        cycle.set_office(store, who(site, "ganfang"), FENGXIN, None, {"township": "2-1"})
    with store.engine.connect() as conn:
        rows = {r.region: (r.township_due, r.department_due, r.government_due)
                for r in conn.execute(select(web_cycle_offices))}
    assert rows == {FENGXIN: ("02-20", "01-20", None), "江西省/宜春市/奉新县/干洲镇": ("03-10", None, None)}
    log = auth.audit_log(store.engine, action="cycle.office")
    assert [e["target"] for e in log][:2] == ["region:江西省/宜春市/奉新县/干洲镇", f"region:{FENGXIN}"]

    # through the page: the form shows what applies, a wrong date is said in Chinese
    page = logged_in(site, "fengxin")
    html = page.get("/cycle/settings").text
    assert 'name="township_due" size="10" maxlength="10" value="2月20日"' in html
    assert 'name="government_due" size="10" maxlength="10" value=""' in html and "默认：3月31日" in html
    r = page.post("/cycle/settings", data={"csrf_token": page_csrf(html), "region": FENGXIN, "township_due": "2月31日"})
    assert r.status_code == 422 and "无法识别" in r.text
    r = page.post("/cycle/settings", data={"csrf_token": page_csrf(html), "region": "长春市", "township_due": "2-1"})
    assert r.status_code == 403
    # back to the defaults for the tests after this one
    cycle.set_office(store, admin, FENGXIN, None, {})
    cycle.set_office(store, admin, "江西省/宜春市/奉新县/干洲镇", None, {})
    by = {s.agency: s for s in cycle.board(store, admin, 2023, FENGXIN)["rows"]}
    assert by["干洲镇人民政府"].due == dt.date(2024, 3, 31) and by["干洲镇人民政府"].office == "奉新县人民政府办公室"


# ------------------------------------------------------------------------------ the 审核意见书 and the 催报 list


def test_the_opinion_page_and_all_returned_in_one_file(site):
    store, ag = site["store"], site["agencies"]["南关区幸福乡人民政府"]
    cycle.move(store, who(site, "xingfu"), ag, 2023, "submit")
    cycle.move(store, who(site, "changchun"), ag, 2023, "return", "行政强制一行请填写“0”。")
    op = opinion.build(store, ag, 2023)
    assert op.office == "南关区人民政府办公室"  # the county's government office until one is set
    warn = next(i for i in op.items if i.code == "GK201")
    assert warn.places == ["表二“第二十条第（六）项 行政强制”行“本年处理决定数量”列"]
    assert (warn.printed, warn.expected) == ("空白", "0")
    assert warn.title == "应填数字的单元格空白"
    reviewer = logged_in(site, "changchun")
    html = reviewer.get(f"/cycle/{ag}/2023/opinion").text
    assert "表二“第二十条第（六）项 行政强制”行“本年处理决定数量”列" in html and "报告中为“空白”，应为“0”" in html
    assert "南关区人民政府办公室" in html and "行政强制一行请填写“0”。" in html

    # one file for every returned report the user sees
    r = logged_in(site, "admin").get("/cycle/opinions.docx?year=2023")
    assert r.status_code == 200
    paras = text_of(r.content)
    returned = [s.agency for s in cycle.board(store, who(site, "admin"), 2023)["rows"] if s.state == "returned"]
    assert "南关区幸福乡人民政府" in returned
    assert paras.count("审核意见书") == len(returned)
    assert [p[:-1] for p in paras if p.endswith("：") and p[:-1] in returned] == returned
    # a reviewer's file holds its region's only; none returned: 404
    assert "南关区幸福乡人民政府：" in text_of(reviewer.get("/cycle/opinions.docx?year=2023").content)
    assert reviewer.get("/cycle/opinions.docx?year=2022").status_code == 404


def test_the_urge_list_in_excel(site):
    store = site["store"]
    fengxin = who(site, "fengxin")
    huibu = site["agencies"]["会埠镇人民政府"]
    before = cycle.board(store, fengxin, 2023, on=dt.date(2024, 1, 25))
    assert "会埠镇人民政府" in {s.agency for s in before["urge"]}
    data = cycle.urge_xlsx(before, "奉新县2023年度催报名单")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "催报名单" and ws["A1"].value == "奉新县2023年度催报名单"
    assert [c.value for c in ws[3]] == list(cycle.URGE_HEAD)
    rows = {r[1]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert set(rows) == {s.agency for s in before["urge"]}
    edu = rows["奉新县教育体育局"]
    assert edu[4:7] == ("未报送", dt.datetime(2024, 1, 31), "还有 6 天")
    assert rows["会埠镇人民政府"][4:7] == ("草稿", dt.datetime(2024, 3, 31), "还有 66 天")
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"

    # the office approves 会埠镇 (an admin, for an agency without a clerk): off the list
    cycle.move(store, who(site, "admin"), huibu, 2023, "set", "纸质件已审核通过", to="approved")
    after = cycle.board(store, fengxin, 2023, on=dt.date(2024, 1, 25))
    assert "会埠镇人民政府" not in {s.agency for s in after["urge"]}
    assert len(after["urge"]) == len(before["urge"]) - 1
    r = logged_in(site, "fengxin").get("/cycle/urge.xlsx?year=2023")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    names = {row[1] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=4, values_only=True)}
    assert "会埠镇人民政府" not in names and "奉新县教育体育局" in names
    assert not names & {"南关区幸福乡人民政府", "高安市住房和城乡建设局"}  # outside the reviewer's region
    # the dashboard says the same
    html = logged_in(site, "fengxin").get("/cycle?year=2023&show=urge").text
    assert 'data-agency="奉新县教育体育局" data-state="missing"' in html and 'data-agency="会埠镇人民政府"' not in html


def test_tables_come_from_the_web03_migration(site):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from gongkai.store.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    assert len(script.get_heads()) == 1 and "web03" in {r.revision for r in script.walk_revisions()}
    with site["store"].engine.connect() as conn:
        for table in (web_cycle_states, web_cycle_moves, web_cycle_offices):
            conn.execute(select(func.count()).select_from(table)).scalar_one()
