"""The register's pages (FastAPI's test client): a clerk enters and updates applications and sees their
deadlines, a reviewer sees the region's overdue applications, tables 三/四 and the writer's prefill from the
register, the import page; every writing route refuses a user outside its scope and changes nothing.

``REGISTER_WRITES`` holds, for each writing route of the register, an attempt outside the scope in the
shape tests/test_web_writes.py's ``WRITES`` takes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gongkai.register import Application, Register
from gongkai.register.schema import register_applications, register_log
from gongkai.store import Store
from gongkai.web import auth, create_app
from gongkai.web.schema import web_audit

from test_register_import import township_workbook
from web_support import PASSWORDS, api_login, make_store

D = dt.date
TODAY = D(2024, 12, 20)
OUTSIDE = {"ganfang": "奉新县住房和城乡建设局", "fengxin": "高安市住房和城乡建设局", "changchun": "甘坊镇人民政府",
           "zhujian": "高安市住房和城乡建设局"}
PASSWORDS.setdefault("ganfang", "submit-pass-1")
PASSWORDS.setdefault("zhujian", "submit-pass-3")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("register-web") / "r.sqlite3")
    make_store(db, reports=None)
    with Store.open(db) as store:
        store.import_agencies("名称,级别,省,市,县,乡\n高安市住房和城乡建设局,县级部门,江西省,宜春市,高安市,\n".encode())
        ag = {a["name"]: a["id"] for a in store.agencies()}
        auth.add_user(store.engine, "ganfang", PASSWORDS["ganfang"], "submitter", agency_id=ag["甘坊镇人民政府"])
        auth.add_user(store.engine, "zhujian", PASSWORDS["zhujian"], "submitter", agency_id=ag["奉新县住房和城乡建设局"])
    app = create_app(db, workers=0)
    app.state.settings.extra["today"] = TODAY
    with TestClient(app):
        yield {"app": app, "db": db, "agencies": ag}


def login(site, who: str) -> TestClient:
    c = TestClient(site["app"])
    api_login(c, who)
    return c


def register_rows(db: str) -> list[tuple]:
    with Store.open(db) as s, s.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(
            register_applications.c.id, register_applications.c.agency_id, register_applications.c.number,
            register_applications.c.replied, register_applications.c.version)))


def quick(agency_id: int, number: str, day: str, kind: str = "natural_person", channel: str = "in_person") -> dict:
    return {"agency_id": str(agency_id), "number": number, "channel": channel, "submitted": day,
            "applicant_type": kind, "applicant": "张某", "content": "申请公开某项目的批复文件"}


def full(app: Application, **change) -> dict:
    data = {"full": "1", "version": str(app.version), "number": app.number or "", "channel": app.channel,
            "submitted": str(app.submitted or ""), "confirmed": str(app.confirmed or ""),
            "applicant_type": app.applicant_type, "applicant": app.applicant, "content": app.content}
    data.update({k: str(v) for k, v in change.items()})
    return data


SEEDED_ON = D(2024, 11, 18)


def seeded(site, agency: str, number: str, day: dt.date = SEEDED_ON) -> Application:
    """An application in ``agency``'s register, entered directly (the attempts below need one to aim at)."""
    with Store.open(site["db"]) as store:
        reg = Register(store)
        aid = site["agencies"][agency]
        have = [a for a in reg.applications(agency_ids=[aid]) if a.number == number]
        return have[0] if have else reg.add(Application(agency_id=aid, number=number, submitted=day), by="admin")


def test_a_clerk_enters_applications_and_sees_their_deadlines(site):
    clerk = login(site, "ganfang")
    aid = site["agencies"]["甘坊镇人民政府"]
    page = clerk.get("/register")
    assert page.status_code == 200 and "登记新申请" in page.text and 'value="2024-001"' in page.text
    r = clerk.post("/register/add", data=quick(aid, "2024-001", "2024-11-18"), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/register?agency_id={aid}&added=")
    clerk.post("/register/add", data=quick(aid, "2024-002", "2024-11-25", "commercial"))
    # an online application whose receipt was not confirmed: not stored, the reason given, the entry kept
    before = register_rows(site["db"])
    r = clerk.post("/register/add", data=quick(aid, "2024-003", "2024-12-02", channel="online"))
    assert r.status_code == 422 and "以双方确认之日为收到申请之日" in r.text and 'value="2024-003"' in r.text
    assert register_rows(site["db"]) == before
    page = clerk.get(f"/register?agency_id={aid}").text
    states = dict(re.findall(r'<tr class="[^"]*" data-id="(\d+)" data-state="(\w+)"', page))
    assert sorted(states.values()) == ["due_soon", "overdue"]
    assert "2024-12-16 到期，已逾期 4 个工作日" in page and "2024-12-23 到期，还剩 1 个工作日" in page
    # the reply to the overdue one, late
    first = seeded(site, "甘坊镇人民政府", "2024-001")
    r = clerk.post(f"/register/{first.id}", data=full(first, replied="2024-12-20", outcome="granted"),
                   follow_redirects=False)
    assert r.status_code == 303
    shown = clerk.get(r.headers["location"]).text
    assert "逾期办结" in shown and "已保存" in shown and "晚于答复期限 2024-12-16" in shown
    # saved on a stale page: refused, nothing changed
    r = clerk.post(f"/register/{first.id}", data=full(first, replied="2024-12-19", outcome="partially_granted"))
    assert r.status_code == 409 and "已被ganfang修改过" in r.text
    with Store.open(site["db"]) as s:
        assert Register(s).get(first.id).outcome == "granted"
    # an outcome of another edition's table 三
    now = seeded(site, "甘坊镇人民政府", "2024-001")
    r = clerk.post(f"/register/{first.id}", data=full(now, replied="2024-12-20", outcome="other"))
    assert r.status_code == 422 and "不是2021年版格式表三的一项" in r.text
    with Store.open(site["db"]) as s, s.engine.connect() as conn:
        actions = conn.execute(select(web_audit.c.action).where(web_audit.c.action.like("register.%"))).scalars().all()
    assert actions == ["register.add", "register.add", "register.update"]


def test_tables_and_the_writer_from_the_register(site):
    clerk = login(site, "ganfang")
    aid = site["agencies"]["甘坊镇人民政府"]
    seeded(site, "甘坊镇人民政府", "2024-001")
    seeded(site, "甘坊镇人民政府", "2024-002", D(2024, 11, 25))
    page = clerk.get(f"/register/tables?agency_id={aid}&year=2024").text
    assert "按台账计算" in page and 'data-ref="applications.new_received.total"' in page
    assert re.search(r'data-ref="applications.new_received.total"[^>]*>2<', page)
    form = clerk.get(f"/write?agency_id={aid}&year=2024").text
    assert "表三、表四已按本机关依申请公开台账预填：本年新收 2 件" in form
    assert 'name="c.applications.new_received.natural_person" value="1"' in form
    assert 'name="c.applications.carried_forward.total" value="' in form
    xlsx = clerk.get(f"/register/export.xlsx?agency_id={aid}&year=2024")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "attachment" in xlsx.headers["content-disposition"]


def test_reviewers_see_their_regions_overdue_applications(site):
    seeded(site, "甘坊镇人民政府", "2024-001")
    seeded(site, "高安市住房和城乡建设局", "GA-1", D(2024, 10, 8))  # due 5 Nov: overdue, in 高安市
    county = login(site, "fengxin").get("/register").text
    assert "甘坊镇人民政府" in county and "高安市住房和城乡建设局" not in county.split("登记了台账的机关")[0]
    assert "已逾期" in county
    assert "甘坊镇人民政府" not in login(site, "changchun").get("/register").text.split("登记了台账的机关")[0]
    home = login(site, "fengxin").get("/").text
    assert 'id="register-block"' in home and "件已逾期" in home


def test_the_import_page(site):
    clerk = login(site, "ganfang")
    aid = site["agencies"]["甘坊镇人民政府"]
    before = len(register_rows(site["db"]))
    r = clerk.post("/register/import", data={"agency_id": str(aid)},
                   files={"file": ("甘坊镇台账.xlsx", township_workbook(), "application/octet-stream")})
    assert r.status_code == 200 and "表头在第 2 行" in r.text
    chosen = dict(re.findall(r'<select name="(col\d+)" data-header="[^"]*">(?:(?!</select>).)*?<option value="(\w+)" selected', r.text, re.S))
    assert chosen["col1"] == "received" and chosen["col8"] == "outcome" and chosen["col0"] == "number"
    data = re.search(r'name="data" value="([^"]+)"', r.text).group(1)
    # numbers 1–5 are new in this register: all five can be imported
    assert "可导入 <b>5</b> 件申请" in r.text
    # leave out the applicant type: the page says the mapping cannot be used
    form = {"agency_id": str(aid), "name": "甘坊镇台账.xlsx", "data": data, **chosen, "col4": "", "go": "preview"}
    r = clerk.post("/register/import/confirm", data=form)
    assert "没有对应“申请人类型”的列" in r.text and 'id="import-button" disabled' in r.text
    r = clerk.post("/register/import/confirm", data={**form, "go": "import"})
    assert r.status_code == 422 and len(register_rows(site["db"])) == before
    r = clerk.post("/register/import/confirm", data={**form, "col4": "applicant_type", "go": "import"})
    assert r.status_code == 200 and "已从“甘坊镇台账.xlsx”导入 5 件申请" in r.text
    assert len(register_rows(site["db"])) == before + 5
    # the same again: every number is taken, each row says so, nothing imported
    r = clerk.post("/register/import/confirm", data={**form, "col4": "applicant_type", "go": "import"})
    assert r.status_code == 422 and r.text.count("在本机关台账中已有") == 5
    assert len(register_rows(site["db"])) == before + 5


# ---------------------------------------------------------------------------------------------- scope


def _add(site, client, who):
    aid = site["agencies"][OUTSIDE[who]]
    assert client.post("/register/add", data=quick(aid, "X-1", "2024-12-02")).status_code == 404


def _update(site, client, who):
    target = seeded(site, OUTSIDE[who], "T-1")
    r = client.post(f"/register/{target.id}", data=full(target, replied="2024-12-10", outcome="granted"))
    assert r.status_code == 404


def _delete(site, client, who):
    target = seeded(site, OUTSIDE[who], "T-1")
    assert client.post(f"/register/{target.id}/delete", data={"version": str(target.version)}).status_code == 404


def _import(site, client, who):
    aid = site["agencies"][OUTSIDE[who]]
    r = client.post("/register/import", data={"agency_id": str(aid)},
                    files={"file": ("x.xlsx", township_workbook(), "application/octet-stream")})
    assert r.status_code == 404


def _import_confirm(site, client, who):
    import base64

    aid = site["agencies"][OUTSIDE[who]]
    r = client.post("/register/import/confirm", data={
        "agency_id": str(aid), "name": "x.xlsx", "data": base64.b64encode(township_workbook()).decode(),
        "col0": "number", "col1": "received", "col4": "applicant_type", "col7": "replied", "col8": "outcome",
        "go": "import"})
    assert r.status_code == 404


REGISTER_WRITES = {
    ("POST", "/register/add"): _add,
    ("POST", "/register/{app_id}"): _update,
    ("POST", "/register/{app_id}/delete"): _delete,
    ("POST", "/register/import"): _import,
    ("POST", "/register/import/confirm"): _import_confirm,
}


def test_every_register_route_that_writes_is_listed(site):
    def walk(routes):
        for route in routes:
            inner = getattr(route, "original_router", None)  # an included router, kept whole
            if inner is not None:
                yield from walk(inner.routes)
            else:
                yield getattr(route, "path", ""), getattr(route, "methods", None) or ()

    writes = {(m, path) for path, methods in walk(site["app"].routes) for m in methods
              if path.startswith("/register") and m in ("POST", "PUT", "PATCH", "DELETE")}
    assert writes == set(REGISTER_WRITES)


@pytest.mark.parametrize("who", ["ganfang", "zhujian", "fengxin", "changchun"])
def test_every_register_write_outside_the_scope_is_refused(site, who):
    for key in ("T-1",):
        for name in set(OUTSIDE.values()):
            seeded(site, name, key)
    before = register_rows(site["db"])
    with Store.open(site["db"]) as s, s.engine.connect() as conn:
        logged = len(conn.execute(select(register_log.c.id)).all())
    for attempt in REGISTER_WRITES.values():
        attempt(site, login(site, who), who)
    assert register_rows(site["db"]) == before
    with Store.open(site["db"]) as s, s.engine.connect() as conn:
        assert len(conn.execute(select(register_log.c.id)).all()) == logged


def test_pages_of_another_agency_are_refused(site):
    target = seeded(site, "奉新县住房和城乡建设局", "T-1")
    clerk = login(site, "ganfang")
    aid = site["agencies"]["奉新县住房和城乡建设局"]
    for url in (f"/register?agency_id={aid}", f"/register/{target.id}", f"/register/tables?agency_id={aid}&year=2024",
                f"/register/export.xlsx?agency_id={aid}", f"/register/import?agency_id={aid}"):
        assert clerk.get(url).status_code == 404, url  # as if there were none: an id tells nothing
    assert login(site, "fengxin").get(f"/register/{target.id}").status_code == 200
    assert login(site, "changchun").get(f"/register/{target.id}").status_code == 404
    assert clerk.get("/register/999999").status_code == 404
