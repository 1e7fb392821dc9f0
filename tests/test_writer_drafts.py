"""The writer keeps the clerk's work and feeds the yearly cycle: drafts saved on the server per user, agency and
year (scope-checked, a save from a stale window refused), a stored or returned year continued with its cells
and text (a returned one with the reviewer's opinion), 保存并提交审核 refused with open errors unless a reason is
given (which the reviewer sees), the Excel form read into the writer, and 现行有效件数 prefilled as last year's
+ 制发 − 废止. Driven through the application (FastAPI's test client) over a store holding 奉新县住房和城乡建设局's
2023 report (现行有效件数: 规章 27, 行政规范性文件 30) and 幸福乡's (another county's agency)."""

from __future__ import annotations

import html as htmllib
import io
import json
import re
import shutil

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gongkai.formats.form import INFO, META
from gongkai.store import Store
from gongkai.store import schema as S
from gongkai.web import auth, create_app
from gongkai.web.cycle import status_of, web_cycle_moves
from gongkai.web.drafts import DraftError, clean, web_writer_drafts
from gongkai.web.writing import stock_value, typed_cells

from web_support import PASSWORDS, XINGFU_2023, ZHUJIAN_2023, api_login, make_store

ZHUJIAN = "奉新县住房和城乡建设局"
XINGFU = "南关区幸福乡人民政府"
N = "applications.new_received.natural_person"
G = "applications.granted.natural_person"
F = "applications.carried_forward.natural_person"
ISSUED, REPEALED, IN_FORCE = "active.regulations.issued", "active.regulations.repealed", "active.regulations.in_force"
OUTSIDE = (403, 404)  # an agency outside a reviewer's region: refused, or not found (an id tells nothing)


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("writer")
    db = folder / "t.sqlite3"
    make_store(str(db), reports=[ZHUJIAN_2023, XINGFU_2023])
    with Store.open(str(db)) as store:
        auth.add_user(store.engine, "zhujian", PASSWORDS["zhujian"], "submitter",
                      agency_id=auth.resolve_agency(store.engine, ZHUJIAN))
    return db


@pytest.fixture()
def site(template_db, tmp_path):
    """A fresh copy of the store for each test (what one test stores does not change another's prefill)."""
    db = tmp_path / "w.sqlite3"
    shutil.copy(template_db, db)
    app = create_app(str(db), workers=0)
    with Store.open(str(db)) as store:
        agencies = {a["name"]: a["id"] for a in store.agencies()}
        agencies[XINGFU] = next(r.agency_id for r in store.reports() if "幸福乡" in (r.agency or ""))
    with TestClient(app):
        yield {"app": app, "db": str(db), "agencies": agencies, "store": app.state.store}


def login(site, username: str) -> TestClient:
    c = TestClient(site["app"])
    api_login(c, username)
    return c


def writer_data(html: str) -> dict:
    return json.loads(htmllib.unescape(re.search(r'id="writer-data">([^<]*)<', html).group(1)))


def value(html: str, ref: str) -> str:
    m = re.search(rf'name="c\.{re.escape(ref)}" value="([^"]*)"', html)
    assert m, ref
    return m.group(1)


def section(html: str, n: int) -> str:
    return htmllib.unescape(re.search(rf'name="s\.{n}"[^>]*>([^<]*)</textarea>', html).group(1))


def drafts_rows(site) -> list:
    with site["store"].engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(web_writer_drafts.c.user_id, web_writer_drafts.c.agency_id,
                                                                  web_writer_drafts.c.year, web_writer_drafts.c.revision)))


def report_count(site) -> int:
    with site["store"].engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(S.reports)).scalar_one()


def draft_body(agency_id: int, year: int, cells: dict, *, revision: int = 0, sections: dict | None = None,
               typed: list | None = None) -> dict:
    return {"agency_id": agency_id, "year": year, "revision": revision,
            "data": {"agency": ZHUJIAN, "date": "2025-01-20", "edition": "2021", "cells": cells,
                     "sections": sections or {}, "typed": list(cells) if typed is None else typed}}


def form_post(agency_id: int, cells: dict, **extra) -> dict:
    return {"agency_id": str(agency_id), "agency": ZHUJIAN, "year": "2024", "edition": "2021", "date": "2025-01-20",
            "s.1": "本年度，我局按照条例要求做好政府信息公开工作。", "s.2": "", "s.3": "", "s.4": "", "s.5": "",
            "s.6": "本年度未收取信息处理费。",
            **{f"c.{k}": v for k, v in cells.items()}, **extra}


# ---------------------------------------------------------------------------------------------- drafts


def test_a_draft_is_kept_as_typed_and_restored_on_the_next_visit(site):
    clerk = login(site, "zhujian")
    aid = site["agencies"][ZHUJIAN]
    page = clerk.get("/write")
    assert page.status_code == 200
    w = writer_data(page.text)
    assert (w["agency_id"], w["year"], w["revision"]) == (aid, 2024, 0)  # the year after the stored 2023
    r = clerk.post("/write/draft", json=draft_body(aid, 2024, {N: "5", ISSUED: "3", "active.licensing.decisions": "abc"},
                                                   sections={"1": "总体情况写到一半"}))
    assert r.status_code == 200, r.text
    assert r.json()["revision"] == 1 and re.fullmatch(r"\d\d:\d\d:\d\d", r.json()["saved_at"])
    again = clerk.get("/write?year=2024").text
    assert value(again, N) == "5" and value(again, ISSUED) == "3"
    assert value(again, "active.licensing.decisions") == "abc"  # kept as typed, not yet a number
    assert section(again, 1) == "总体情况写到一半"
    assert "正在继续您于" in again and "自动保存的草稿" in again and 'id="discard-draft"' in again
    assert writer_data(again)["revision"] == 1 and set(writer_data(again)["typed"]) == {N, ISSUED,
                                                                                          "active.licensing.decisions"}
    # a save from a window that still shows revision 0 does not overwrite revision 1
    stale = clerk.post("/write/draft", json=draft_body(aid, 2024, {N: "9"}))
    assert stale.status_code == 409 and "另一个窗口" in stale.json()["detail"]
    assert value(clerk.get("/write?year=2024").text, N) == "5"
    assert clerk.post("/write/draft", json=draft_body(aid, 2024, {N: "6"}, revision=1)).json()["revision"] == 2
    # thrown away: the page is prefilled again, the draft gone
    token = clerk.headers["X-CSRF-Token"]
    r = clerk.post("/write/draft/discard", data={"csrf_token": token, "agency_id": str(aid), "year": "2024"},
                   follow_redirects=False)
    assert r.status_code == 303 and drafts_rows(site) == []
    fresh = clerk.get("/write?year=2024").text
    assert value(fresh, N) == "" and "已按" in fresh and "预填" in fresh


def test_drafts_are_each_users_own_and_only_for_agencies_in_scope(site):
    ag = site["agencies"]
    clerk, reviewer = login(site, "zhujian"), login(site, "fengxin")
    assert clerk.post("/write/draft", json=draft_body(ag[ZHUJIAN], 2024, {N: "4"})).status_code == 200
    assert reviewer.post("/write/draft", json=draft_body(ag[ZHUJIAN], 2024, {N: "8"})).status_code == 200
    assert value(clerk.get("/write?year=2024").text, N) == "4"
    assert value(reviewer.get(f"/write?agency_id={ag[ZHUJIAN]}&year=2024").text, N) == "8"
    before = drafts_rows(site)
    assert len(before) == 2
    # another agency: refused for the clerk (not its own) and for 奉新县's reviewer (another county)
    assert clerk.post("/write/draft", json=draft_body(ag[XINGFU], 2024, {N: "1"})).status_code == 404
    assert reviewer.post("/write/draft", json=draft_body(ag[XINGFU], 2024, {N: "1"})).status_code in OUTSIDE
    assert login(site, "changchun").post("/write/draft", json=draft_body(ag[ZHUJIAN], 2024, {N: "1"})).status_code in OUTSIDE
    # no CSRF token, not logged in, not a form's data
    bare = TestClient(site["app"])
    api_login(bare, "zhujian")
    bare.headers.pop("X-CSRF-Token")
    assert bare.post("/write/draft", json=draft_body(ag[ZHUJIAN], 2024, {N: "1"})).status_code == 403
    assert TestClient(site["app"]).post("/write/draft", json=draft_body(ag[ZHUJIAN], 2024, {N: "1"})).status_code == 401
    bad = clerk.post("/write/draft", json=draft_body(ag[ZHUJIAN], 2024, {"applications.nowhere.total": "1"}, revision=1))
    assert bad.status_code == 422 and "不属于" in bad.json()["detail"] and "applications" not in bad.json()["detail"]
    assert clerk.post("/write/draft", json={**draft_body(ag[ZHUJIAN], 2024, {}), "year": "二〇二四"}).status_code == 422
    assert drafts_rows(site) == before
    # the other windows' revisions are untouched, and throwing away another agency's draft is refused too
    r = clerk.post("/write/draft/discard", data={"agency_id": str(ag[XINGFU]), "year": "2024"})
    assert r.status_code == 404 and drafts_rows(site) == before


def test_draft_data_is_checked_as_the_form_holds_it():
    data = clean({"edition": "2021", "cells": {N: " 12 ", G: ""}, "sections": {"6": "无"}, "typed": [N, "x.y.z", 3]})
    assert data["cells"] == {N: "12"} and data["sections"] == {"6": "无"} and data["typed"] == [N]
    for bad, words in (({"edition": "1999"}, "格式版本"), ({"cells": {N: "1" * 61}}, "过长"),
                       ({"sections": {"12": "x"}}, "部分编号"), ({"cells": [1]}, "格式有误"), ([], "对象")):
        with pytest.raises(DraftError) as err:
            clean(bad)
        assert words in err.value.zh


# ---------------------------------------------------------------------------------------------- stored years


def test_storing_ends_the_draft_and_the_stored_year_is_continued(site):
    clerk = login(site, "zhujian")
    aid = site["agencies"][ZHUJIAN]
    clerk.post("/write/draft", json=draft_body(aid, 2024, {N: "3"}))
    cells = {N: "3", G: "2", F: "1", ISSUED: "2", REPEALED: "1", IN_FORCE: "28"}
    r = clerk.post("/write/store", data=form_post(aid, cells), follow_redirects=False)
    assert r.status_code == 303, r.text
    rid = int(r.headers["location"].rsplit("/", 1)[1])
    assert drafts_rows(site) == []
    page = clerk.get("/write?year=2024").text
    assert "已载入库中的本年度报告" in page and f'href="/reports/{rid}"' in page
    assert [value(page, k) for k in (N, G, F, ISSUED, REPEALED, IN_FORCE)] == ["3", "2", "1", "2", "1", "28"]
    assert section(page, 6) == "本年度未收取信息处理费。"
    w = writer_data(page)
    assert w["base_report_id"] == rid
    # 28 = 27 + 2 − 1 follows from last year: not the clerk's own figure, so it keeps following 制发 and 废止
    assert IN_FORCE not in w["typed"] and {N, G, F, ISSUED, REPEALED} <= set(w["typed"])
    # starting over from last year's report is one link away
    fresh = clerk.get("/write?year=2024&fresh=1").text
    assert value(fresh, N) == "" and value(fresh, IN_FORCE) == "27"
    # the clerk's draft from that version, then a newer version stored by the reviewer: the draft says so
    clerk.post("/write/draft", json={**draft_body(aid, 2024, {N: "4"}), "base_report_id": rid})
    r = login(site, "fengxin").post("/write/store", data=form_post(aid, {**cells, N: "8"}), follow_redirects=False)
    newer = int(r.headers["location"].rsplit("/", 1)[1])
    page = clerk.get("/write?year=2024").text
    assert value(page, N) == "4" and f"库中又有了本年度报告的新版本 #{newer}" in page
    assert writer_data(page)["base_report_id"] == rid and len(drafts_rows(site)) == 1


def test_submitting_with_errors_needs_a_reason_which_the_reviewer_sees_then_return_and_resubmit(site):
    clerk, reviewer = login(site, "zhujian"), login(site, "fengxin")
    aid = site["agencies"][ZHUJIAN]
    wrong = {N: "5", G: "2", F: "0"}  # 一 5 + 二 0 ≠ （七）2 + 四 0: an error
    before = report_count(site)
    r = clerk.post("/write/submit", data=form_post(aid, wrong, typed=f"{N},{G},{F}"))
    assert r.status_code == 422
    assert "个错误没有改正，未提交" in r.text and "提交说明" in r.text
    assert report_count(site) == before  # nothing stored
    assert value(r.text, N) == "5" and value(r.text, G) == "2"  # the form comes back as it was …
    assert value(clerk.get("/write?year=2024").text, N) == "5"  # … and is kept as the draft
    # a reviewer does not submit for the agency
    assert reviewer.post("/write/submit", data=form_post(aid, wrong, note="x")).status_code == 403
    # with a reason: stored and submitted; the reviewer sees the reason
    reason = "本局申请数据以县政务服务中心台账为准，已电话沟通。"
    r = clerk.post("/write/submit", data=form_post(aid, wrong, note=reason), follow_redirects=False)
    assert r.status_code == 303, r.text
    rid = int(r.headers["location"].rsplit("/", 1)[1])
    st = status_of(site["store"], aid, 2024)
    assert (st.state, st.report_id, st.note) == ("submitted", rid, reason)
    assert reason in reviewer.get(f"/reports/{rid}").text
    assert drafts_rows(site) == []
    # the reviewer returns it with an opinion
    opinion = "表三“一、本年新收”与“（七）总计”对不上，请核对后重新报送。"
    r = reviewer.post(f"/cycle/{aid}/2024/move", data={"action": "return", "comment": opinion}, follow_redirects=False)
    assert r.status_code == 303
    # the clerk's writer opens on the returned year, with the opinion and the stored cells
    page = clerk.get("/write").text
    assert writer_data(page)["year"] == 2024
    assert "退回修改" in page and opinion in page and "审核意见书" in page
    assert value(page, N) == "5" and "保存并重新提交审核" in page
    # corrected and resubmitted without a note: no error left
    r = clerk.post("/write/submit", data=form_post(aid, {N: "5", G: "5", F: "0"}), follow_redirects=False)
    assert r.status_code == 303, r.text
    st = status_of(site["store"], aid, 2024)
    assert st.state == "submitted" and st.report_id != rid and st.note is None
    with site["store"].engine.connect() as conn:
        actions = list(conn.execute(select(web_cycle_moves.c.action).where(
            web_cycle_moves.c.agency_id == aid, web_cycle_moves.c.year == 2024).order_by(web_cycle_moves.c.id)).scalars())
    assert actions == ["submit", "return", "resubmit"]


# ---------------------------------------------------------------------------------------------- the Excel form


def fill(xlsx: bytes, cells: dict, info: dict) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    where = {row[0].value: (row[1].value, row[2].value) for row in wb[META].iter_rows() if row[0].value}
    for ref, v in cells.items():
        sheet, coord = where[ref]
        wb[sheet][coord] = v
    ws = wb[INFO]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 3).value in info:
            ws.cell(r, 2).value = info[ws.cell(r, 3).value]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_excel_form_fills_the_writer(site):
    clerk = login(site, "zhujian")
    aid = site["agencies"][ZHUJIAN]
    got = clerk.get(f"/write/form.xlsx?agency_id={aid}&year=2024")
    assert got.status_code == 200 and got.content[:2] == b"PK"
    filled = fill(got.content, {N: 7, G: 6, F: 1, ISSUED: 2, REPEALED: 5},
                  {"section:1:总体情况": "用 Excel 写的总体情况。", "date": "2025-01-18"})
    r = clerk.post("/write/form", data={"agency_id": str(aid), "year": "2024"},
                   files={"file": ("填报表.xlsx", filled, "application/octet-stream")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = clerk.get(r.headers["location"]).text
    assert "已从 Excel 填报表读入" in page
    assert [value(page, k) for k in (N, G, F, ISSUED, REPEALED)] == ["7", "6", "1", "2", "5"]
    # 现行有效件数 in the form is the formula 27 + 制发 − 废止, worked out by the reader: 27 + 2 − 5 = 24
    assert value(page, IN_FORCE) == "24" and value(page, "active.normative_documents.in_force") == "30"
    assert section(page, 1) == "用 Excel 写的总体情况。" and 'value="2025-01-18"' in page
    assert IN_FORCE not in writer_data(page)["typed"] and N in writer_data(page)["typed"]
    # not a form: said in Chinese, nothing kept
    before = drafts_rows(site)
    r = clerk.post("/write/form", data={"agency_id": str(aid), "year": "2025"},
                   files={"file": ("x.xlsx", b"PK\x03\x04 not a workbook", "application/octet-stream")})
    assert r.status_code == 422 and "无法导入" in r.text and "Excel" in r.text
    blank = openpyxl.Workbook()
    out = io.BytesIO()
    blank.save(out)
    r = clerk.post("/write/form", data={"agency_id": str(aid), "year": "2025"},
                   files={"file": ("空.xlsx", out.getvalue(), "application/octet-stream")})
    assert r.status_code == 422 and "不是 gongkai 的填报表" in r.text
    # another agency's writer: refused
    r = clerk.post("/write/form", data={"agency_id": str(site["agencies"][XINGFU]), "year": "2024"},
                   files={"file": ("填报表.xlsx", filled, "application/octet-stream")})
    assert r.status_code == 404 and drafts_rows(site) == before


# ---------------------------------------------------------------------------------------------- 现行有效件数


def test_in_force_is_last_years_plus_issued_minus_repealed(site):
    clerk = login(site, "zhujian")
    page = clerk.get("/write?year=2024").text
    # 2023: 规章 现行有效 27, 行政规范性文件 30 (samples/奉新县/2023_奉新县住房和城乡建设局.txt)
    assert value(page, IN_FORCE) == "27" and value(page, "active.normative_documents.in_force") == "30"
    formulas = writer_data(page)["formulas"]
    assert formulas[IN_FORCE] == [27, [ISSUED], [REPEALED]]
    assert formulas["active.normative_documents.in_force"] == [30, ["active.normative_documents.issued"],
                                                               ["active.normative_documents.repealed"]]
    # as the page works it out: 27 + 4 − 9 = 22; a blank counts as 0; text that is not a number stops it
    assert stock_value(formulas[IN_FORCE], {ISSUED: "4", REPEALED: "9"}) == 22
    assert stock_value(formulas[IN_FORCE], {ISSUED: "4"}) == 31
    assert stock_value(formulas[IN_FORCE], {ISSUED: "四"}) is None
    # a stored figure that is not 27 + 制发 − 废止 is the clerk's own
    assert typed_cells("2021", {ISSUED: "4", REPEALED: "9", IN_FORCE: "22"}, formulas) == [ISSUED, REPEALED]
    assert typed_cells("2021", {ISSUED: "4", REPEALED: "9", IN_FORCE: "25"}, formulas) == [IN_FORCE, ISSUED, REPEALED]
    # an agency with no report of an earlier year: nothing to follow
    reviewer = login(site, "fengxin")
    ganzhou = site["agencies"]["干洲镇人民政府"]
    other = reviewer.get(f"/write?agency_id={ganzhou}&year=2024").text
    assert writer_data(other)["formulas"] == {} and value(other, IN_FORCE) == ""
