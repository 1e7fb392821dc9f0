"""Writing through the web application stays inside the user's scope: uploads, the writer, decisions and
every other route that changes something, judged on the agency a report resolves to. Also the upload
limits (names, batches, the daily quota, content kept once), what answers tell, and the passwords.

The routes are driven through the application (FastAPI's test client); the concurrency of logins is
tested against a real server in tests/test_web_logins.py."""

from __future__ import annotations

import hashlib
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gongkai.store import Store
from gongkai.store import schema as S
from gongkai.web import auth, create_app
from gongkai.web.schema import web_audit, web_decisions, web_users
from gongkai.web.uploads import NAME_BYTES, clean_name

from test_register_web import REGISTER_WRITES
from web_support import (
    GANFANG_2023,
    PASSWORDS,
    XINGFU_2023,
    ZHUJIAN_2023,
    api_login,
    as_agency,
    form_login,
    make_write_store,
    page_csrf,
)

GAOAN = "高安市住房和城乡建设局"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("writes")
    db = str(folder / "w.sqlite3")
    make_write_store(db, folder)
    app = create_app(db, workers=0, max_file_mb=1)
    with Store.open(db) as store:
        current = {(r.agency, r.year): r.id for r in store.reports()}
        agencies = {a["name"]: a["id"] for a in store.agencies()}
    with TestClient(app) as client:
        yield {"app": app, "db": db, "folder": folder, "client": client, "current": current, "agencies": agencies}


def login(site, username: str) -> TestClient:
    c = TestClient(site["app"])
    api_login(c, username)
    return c


def snapshot(db: str) -> dict:
    """Everything a write could change: stored files, reports and which is current, agencies, decisions,
    users, failures."""
    with Store.open(db) as store, store.engine.connect() as conn:
        rows = lambda q: sorted(tuple(r) for r in conn.execute(q))  # noqa: E731
        return {
            "files": rows(select(S.files.c.sha256)),
            "reports": rows(select(S.reports.c.id, S.reports.c.agency_id, S.reports.c.year, S.reports.c.current)),
            "agencies": rows(select(S.agencies.c.id, S.agencies.c.name, S.agencies.c.county)),
            "decisions": rows(select(web_decisions.c.report_id, web_decisions.c.fingerprint, web_decisions.c.decision)),
            "users": rows(select(web_users.c.username, web_users.c.password_hash, web_users.c.active)),
            "failures": rows(select(S.failures.c.sha256)),
            "cells": rows(select(S.cells.c.report_id, S.cells.c.table_key, S.cells.c.row_key, S.cells.c.column_key,
                                 S.cells.c.value, S.cells.c.raw, S.cells.c.how, S.cells.c.doubt)),
            "reviews": rows(select(S.cell_reviews.c.report_id, S.cell_reviews.c.table_key, S.cell_reviews.c.row_key,
                                   S.cell_reviews.c.column_key, S.cell_reviews.c.value)),
        }


def other_bytes(text: str, n: int = 1) -> bytes:
    """The same report as different bytes (a corrected re-submission), so it is not taken as already stored."""
    return (text + "\n" * n).encode("utf-8")


def gaoan_report(n: int = 1) -> bytes:
    return other_bytes(as_agency(ZHUJIAN_2023.read_text(encoding="utf-8"), "高安市"), n)


def xingfu_report(n: int = 1) -> bytes:
    return other_bytes(XINGFU_2023.read_text(encoding="utf-8"), n)


def refused_upload(client: TestClient, name: str, data: bytes, words: str) -> None:
    r = client.post("/api/uploads", files=[("files", (name, data, "text/plain"))])
    assert r.status_code == 400, r.text
    res = r.json()["results"][0]
    assert res["status"] == "refused" and res["reason"] == "scope", res
    assert words in res["message"], res["message"]
    assert res["report_id"] is None and res["agency"] is None


# ------------------------------------------------------------------------------ uploads by the resolved agency


def test_a_submitter_cannot_replace_another_countys_report(site):
    """奉新县's housing bureau's clerk uploads a report printed for 高安市's housing bureau (same core name)."""
    before = snapshot(site["db"])
    clerk = login(site, "zhujian")
    refused_upload(clerk, "高安.txt", gaoan_report(), "不是您账户所属的机关")
    refused_upload(clerk, "幸福乡.txt", xingfu_report(), "不是您账户所属的机关")
    assert snapshot(site["db"]) == before
    # its own report, corrected, replaces its own current one
    r = clerk.post("/api/uploads", files=[("files", ("本局.txt", other_bytes(ZHUJIAN_2023.read_text("utf-8")), "text/plain"))])
    res = r.json()["results"][0]
    assert r.status_code == 200 and res["status"] == "replaced", res
    assert res["agency"] == "奉新县住房和城乡建设局"
    with Store.open(site["db"]) as store:
        row = store.report_row(res["report_id"])
        assert row.agency_id == site["agencies"]["奉新县住房和城乡建设局"] and row.current
        old = store.report_row(site["current"][("奉新县住房和城乡建设局", 2023)])
        assert not old.current and old.superseded_by == row.id
        gaoan = [r for r in store.reports(year=2023) if r.agency == GAOAN]
        assert [r.id for r in gaoan] == [site["current"][(GAOAN, 2023)]]


def test_a_report_printed_without_its_place_is_the_submitters_own(site):
    """A clerk's report that prints only 住房和城乡建设局 fits its own agency among others of that name."""
    clerk = login(site, "zhujian")
    text = ZHUJIAN_2023.read_text("utf-8").replace("奉新县奉新县", "").replace("奉新县", "").replace("江西省", "")
    assert "奉新" not in text and "住房和城乡建设局2023年" in text
    r = clerk.post("/api/uploads", files=[("files", ("无地名.txt", other_bytes(text, 2), "text/plain"))])
    res = r.json()["results"][0]
    assert r.status_code == 200 and res["status"] in ("new", "replaced"), res
    with Store.open(site["db"]) as store:
        assert store.report_row(res["report_id"]).agency_id == site["agencies"]["奉新县住房和城乡建设局"]
    # a report of an agency nobody knows, printed without a place, is for a reviewer of 奉新县 a report of
    # no known place: refused
    reviewer = login(site, "fengxin")
    unknown = text.replace("住房和城乡建设局", "文化广电新闻出版旅游局")
    refused_upload(reviewer, "无地名.txt", other_bytes(unknown, 3), "（未写明所在地区）不在您负责审核的地区")


def test_a_reviewer_cannot_write_outside_its_region(site):
    before = snapshot(site["db"])
    reviewer = login(site, "fengxin")  # 江西省/宜春市/奉新县
    refused_upload(reviewer, "幸福乡.txt", xingfu_report(2), "不在您负责审核的地区“江西省/宜春市/奉新县”内")
    refused_upload(reviewer, "高安.txt", gaoan_report(2), "不在您负责审核的地区")
    assert snapshot(site["db"]) == before
    # inside its region: stored
    r = reviewer.post("/api/uploads", files=[("files", ("甘坊镇.txt", other_bytes(GANFANG_2023.read_text("utf-8"), 4),
                                                         "text/plain"))])
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "replaced", r.text


def test_the_upload_page_says_why_a_report_was_refused(site):
    client = TestClient(site["app"])
    form_login(client, "zhujian")
    token = page_csrf(client.get("/upload").text)
    r = client.post("/upload", data={"csrf_token": token}, files=[("files", ("高安.txt", gaoan_report(3), "text/plain"))])
    assert r.status_code == 400
    assert "未接收" in r.text and "不是您账户所属的机关" in r.text and "高安市住房和城乡建设局" in r.text


def test_bytes_already_stored_for_another_agency_tell_nothing(site):
    """Uploading another agency's stored file gives the answer a new file would get: no id, agency or year."""
    clerk = login(site, "ganfang")
    stored = XINGFU_2023.read_bytes()
    with Store.open(site["db"]) as store:
        assert store.report_id_for_sha(hashlib.sha256(stored).hexdigest()) is not None
    r = clerk.post("/api/uploads", files=[("files", ("x.txt", stored, "text/plain"))])
    res = r.json()["results"][0]
    assert res["status"] == "refused" and "不是您账户所属的机关" in res["message"], res
    assert res["report_id"] is None and res["agency"] is None and res["year"] is None
    fresh = clerk.post("/api/uploads", files=[("files", ("x.txt", xingfu_report(40), "text/plain"))]).json()
    differs = {k for k, v in fresh["results"][0].items() if res[k] != v}
    assert differs == {"sha256", "size"}  # the answer a file never stored gets
    # its own stored file is named
    own = clerk.post("/api/uploads", files=[("files", ("own.txt", GANFANG_2023.read_bytes(), "text/plain"))])
    assert own.json()["results"][0]["status"] == "existing" and own.json()["results"][0]["report_id"]


# ------------------------------------------------------------------------------ the writer


def write_form(agency_id, agency: str, **extra) -> dict:
    return {"agency_id": str(agency_id), "agency": agency, "year": "2024", "edition": "2021",
            "c.applications.new_received.natural_person": "3", "c.applications.granted.natural_person": "2",
            "c.applications.carried_forward.natural_person": "1", **extra}


def test_the_writer_stores_only_for_the_chosen_agency_in_scope(site):
    before = snapshot(site["db"])
    ag = site["agencies"]
    clerk = login(site, "zhujian")
    # another agency's id: not found, as one that does not exist (a clerk's as a reviewer's)
    r = clerk.post("/write/store", data=write_form(ag[GAOAN], GAOAN))
    assert r.status_code == 404 and f"找不到编号为 {ag[GAOAN]} 的机关" in r.text and "无权" not in r.text
    # its own agency chosen, another printed: refused, saying why
    r = clerk.post("/write/store", data=write_form(ag["奉新县住房和城乡建设局"], GAOAN))
    assert r.status_code == 403 and "不一致" in r.text
    reviewer = login(site, "fengxin")
    # an agency id outside the reviewer's region: not found, as one that does not exist
    assert reviewer.post("/write/store", data=write_form(ag[GAOAN], GAOAN)).status_code == 404
    assert reviewer.post("/write/store", data=write_form(ag["南关区幸福乡人民政府"], "南关区幸福乡人民政府")).status_code == 404
    r = reviewer.post("/write/store", data=write_form(ag["甘坊镇人民政府"], "南关区幸福乡人民政府"))
    assert r.status_code == 403 and "不一致" in r.text
    assert snapshot(site["db"]) == before
    # for the agency chosen, in scope: stored as that agency's 2024 report
    r = reviewer.post("/write/store", data=write_form(ag["干洲镇人民政府"], "干洲镇人民政府"), follow_redirects=False)
    assert r.status_code == 303, r.text
    rid = int(r.headers["location"].rsplit("/", 1)[1])
    with Store.open(site["db"]) as store:
        row = store.report_row(rid)
    assert (row.agency_id, row.year) == (ag["干洲镇人民政府"], 2024)


def test_composing_is_only_for_agencies_in_scope(site):
    ag = site["agencies"]
    body = {"year": 2024, "edition": "2021", "cells": {"applications.new_received.natural_person": "3"}}
    clerk = login(site, "zhujian")
    reviewer = login(site, "fengxin")
    for path in ("/api/compose/check", "/api/compose/render"):
        assert clerk.post(path, json={**body, "agency": GAOAN}).status_code == 403
        assert clerk.post(path, json={**body, "agency_id": ag[GAOAN]}).status_code == 404
        assert reviewer.post(path, json={**body, "agency": "南关区幸福乡人民政府"}).status_code == 403
        assert reviewer.post(path, json={**body, "agency": "某某县某某局"}).status_code == 403
        assert clerk.post(path, json={**body, "agency": "奉新县住房和城乡建设局"}).status_code == 200
        assert reviewer.post(path, json={**body, "agency_id": ag["甘坊镇人民政府"], "agency": "甘坊镇人民政府"}).status_code == 200
    for path in ("/write/render",):
        assert clerk.post(path, data=write_form(ag[GAOAN], GAOAN)).status_code == 404
        assert reviewer.post(path, data=write_form(ag["南关区幸福乡人民政府"], "x")).status_code == 404


# ------------------------------------------------------------------------------ every writing route


def _finding(site, report_key) -> tuple[int, str]:
    admin = login(site, "admin")
    rid = site["current"][report_key]
    return rid, admin.get(f"/api/reports/{rid}/findings").json()["findings"][0]["fingerprint"]


def _upload_page(site, client, who):
    data = gaoan_report(10) if who == "zhujian" else xingfu_report(10)
    r = client.post("/upload", files=[("files", ("x.txt", data, "text/plain"))])
    assert r.status_code == 400 and "未接收" in r.text


def _upload_api(site, client, who):
    data = gaoan_report(11) if who == "zhujian" else xingfu_report(11)
    r = client.post("/api/uploads", files=[("files", ("x.txt", data, "text/plain"))])
    assert r.status_code == 400 and r.json()["results"][0]["status"] == "refused"


# Refusals: an id the user may not see (a report, an agency — for a clerk, any agency but its own) is not
# found, as one that does not exist (404); a role that may not act, a name given in the body: 403.


def _write_store(site, client, who):
    ag = site["agencies"]
    target = GAOAN if who == "zhujian" else "南关区幸福乡人民政府"
    assert client.post("/write/store", data=write_form(ag[target], target)).status_code == 404


def _write_render(site, client, who):
    ag = site["agencies"]
    target = GAOAN if who == "zhujian" else "南关区幸福乡人民政府"
    assert client.post("/write/render", data=write_form(ag[target], target)).status_code == 404


def _compose(path):
    def attempt(site, client, who):
        target = GAOAN if who == "zhujian" else "南关区幸福乡人民政府"
        assert client.post(path, json={"year": 2024, "agency": target}).status_code == 403
        assert client.post(path, json={"year": 2024, "agency_id": site["agencies"][target]}).status_code == 404
    return attempt


def _decide(api: bool):
    def attempt(site, client, who):
        for key in (("南关区幸福乡人民政府", 2023), ("丰收乡", 2023)):
            rid, fp = _finding(site, key)
            if api:
                r = client.post(f"/api/reports/{rid}/findings/{fp}/decision", json={"decision": "dismissed"})
            else:
                r = client.post(f"/reports/{rid}/findings/{fp}", data={"decision": "dismissed"})
            assert r.status_code == 404  # a report outside the scope
    return attempt


def _enter_value(api: bool):
    """A value read by eye for a cell of a report outside the user's scope (or for a submitter at all)."""
    def attempt(site, client, who):
        ref = "review_litigation.review.upheld"
        for key in (("南关区幸福乡人民政府", 2023), ("丰收乡", 2023)):
            rid = site["current"][key]
            if api:
                r = client.post(f"/api/reports/{rid}/cells/{ref}", json={"value": "1"})
            else:
                r = client.post(f"/reports/{rid}/cells/{ref}", data={"value": "1"})
            assert r.status_code == 404  # a report outside the scope
    return attempt


def _admin_only(method: str, path: str, payload: dict | None = None):
    def attempt(site, client, who):
        uid = auth.find_user(site["app"].state.store.engine, "admin").id
        url = path.replace("{user_id}", str(uid))
        r = client.post(url, json=payload) if path.startswith("/api") else client.post(url, data=payload or {})
        assert r.status_code == 403, (url, r.status_code)
    return attempt


def _cycle_tables(site) -> list:
    from gongkai.web.cycle import web_cycle_moves, web_cycle_offices, web_cycle_states

    with Store.open(site["db"]) as store, store.engine.connect() as conn:
        return [sorted(tuple(r) for r in conn.execute(select(t))) for t in
                (web_cycle_states, web_cycle_moves, web_cycle_offices)]


def _cycle_move(site, client, who):
    """A move on another agency's year, or, on its own, a move of another role."""
    before = _cycle_tables(site)
    ag = site["agencies"]
    other = GAOAN if who == "zhujian" else "南关区幸福乡人民政府"
    for action in ("submit", "approve", "return", "set"):  # another agency: not found, as one that does not exist
        r = client.post(f"/cycle/{ag[other]}/2023/move", data={"action": action, "comment": "越权", "to": "approved"})
        assert r.status_code == 404, (action, r.text)
    own = ag["奉新县住房和城乡建设局"]
    for action in (("approve", "return", "set") if who == "zhujian" else ("submit", "set")):
        r = client.post(f"/cycle/{own}/2023/move", data={"action": action, "comment": "越权", "to": "approved"})
        assert r.status_code == 403, (action, r.text)
    assert _cycle_tables(site) == before


def _cycle_settings(site, client, who):
    """Deadlines of a region the user does not review (a clerk: of none)."""
    before = _cycle_tables(site)
    for region in ("长春市", "江西省/宜春市/高安市") + (("江西省/宜春市/奉新县",) if who == "zhujian" else ()):
        assert client.post("/cycle/settings", data={"region": region, "township_due": "1-10"}).status_code == 403
    assert _cycle_tables(site) == before


def _drafts(site) -> list:
    from gongkai.web.drafts import web_writer_drafts

    with Store.open(site["db"]) as store, store.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(web_writer_drafts)))


def _writer_draft(path: str):
    """The writer's draft of another agency's report: saved, thrown away, read from an Excel form."""
    def attempt(site, client, who):
        from gongkai.compose import excel_form

        before = _drafts(site)
        target = site["agencies"][GAOAN if who == "zhujian" else "南关区幸福乡人民政府"]
        if path == "/write/draft":
            r = client.post(path, json={"agency_id": target, "year": 2024, "revision": 0,
                                        "data": {"edition": "2021", "cells": {"applications.new_received.natural_person": "3"}}})
        elif path == "/write/form":
            r = client.post(path, data={"agency_id": str(target), "year": "2024"},
                            files={"file": ("form.xlsx", excel_form("2021", 2024), "application/octet-stream")})
        else:
            r = client.post(path, data={"agency_id": str(target), "year": "2024"})
        assert r.status_code == 404, (path, r.status_code)  # an agency the user does not see
        assert _drafts(site) == before
    return attempt


def _write_submit(site, client, who):
    before = _cycle_tables(site)
    target = GAOAN if who == "zhujian" else "南关区幸福乡人民政府"
    r = client.post("/write/submit", data=write_form(site["agencies"][target], target, note="越权"))
    assert r.status_code == 404  # an agency the user does not see
    assert _cycle_tables(site) == before


def _rollup_choices(site) -> list:
    from gongkai.store.rollup_choices import web_rollup_choices

    with Store.open(site["db"]) as store, store.engine.connect() as conn:
        choices = sorted(tuple(r) for r in conn.execute(select(web_rollup_choices)))
        audited = conn.execute(select(func.count()).select_from(web_audit).where(
            web_audit.c.action.like("rollup.%"))).scalar_one()
    return [choices, audited]


def _rollup_choice(site, client, who):
    """Leaving a report out of the roll-up: another county's agency is not found, as one that does not exist
    (whatever region the form names); a clerk may not choose at all, not even for its own agency."""
    before = _rollup_choices(site)
    ag = site["agencies"]
    missing = max(ag.values()) + 1000
    region = "江西省/宜春市/奉新县"
    if who == "zhujian":
        for agency in (ag["奉新县住房和城乡建设局"], ag[GAOAN], missing):
            r = client.post("/rollup/choice", data={"region": region, "year": 2023, "agency_id": agency,
                                                    "action": "exclude", "reason": "越权"})
            assert r.status_code == 403 and "只有审核人和管理员可以决定报告是否计入汇总" in r.text, r.text
    else:
        answers = []
        for agency in (ag[GAOAN], ag["南关区幸福乡人民政府"], missing):
            for place in (region, "长春市"):
                r = client.post("/rollup/choice", data={"region": place, "year": 2023, "agency_id": agency,
                                                        "action": "exclude", "reason": "越权"})
                assert r.status_code == 404 and "<h1>找不到该机关</h1>" in r.text, (agency, place, r.status_code)
                answers.append(r.text.replace(f"编号为 {agency} 的", "编号为 N 的"))
        assert len(set(answers)) == 1  # nothing tells another's agency from none
    assert _rollup_choices(site) == before


def _own_session(site, client, who):
    """Acts on the caller's own session or password only: the route names no one else."""


WRITES = {
    ("POST", "/upload"): _upload_page,
    ("POST", "/api/uploads"): _upload_api,
    ("POST", "/write/store"): _write_store,
    ("POST", "/write/render"): _write_render,
    ("POST", "/write/submit"): _write_submit,
    ("POST", "/write/draft"): _writer_draft("/write/draft"),
    ("POST", "/write/draft/discard"): _writer_draft("/write/draft/discard"),
    ("POST", "/write/form"): _writer_draft("/write/form"),
    ("POST", "/api/compose/check"): _compose("/api/compose/check"),
    ("POST", "/api/compose/render"): _compose("/api/compose/render"),
    ("POST", "/reports/{report_id}/findings/{fp}"): _decide(api=False),
    ("POST", "/api/reports/{report_id}/findings/{fingerprint}/decision"): _decide(api=True),
    ("POST", "/reports/{report_id}/cells/{cell}"): _enter_value(api=False),
    ("POST", "/api/reports/{report_id}/cells/{cell}"): _enter_value(api=True),
    ("POST", "/admin/users"): _admin_only("POST", "/admin/users", {"username": "intruder", "role": "admin",
                                                                   "password": "Xq7-vertical-lamp-91"}),
    ("POST", "/admin/users/{user_id}/active"): _admin_only("POST", "/admin/users/{user_id}/active", {"active": "0"}),
    ("POST", "/admin/users/{user_id}/password"): _admin_only("POST", "/admin/users/{user_id}/password"),
    ("POST", "/api/users"): _admin_only("POST", "/api/users", {"username": "intruder", "role": "admin"}),
    ("POST", "/cycle/{agency_id}/{year}/move"): _cycle_move,
    ("POST", "/cycle/settings"): _cycle_settings,
    ("POST", "/rollup/choice"): _rollup_choice,
    ("POST", "/login"): _own_session,
    ("POST", "/logout"): _own_session,
    ("POST", "/api/session"): _own_session,
    ("DELETE", "/api/session"): _own_session,
    ("POST", "/account"): _own_session,
}
WRITES.update(REGISTER_WRITES)  # the register's, with their attempts outside the scope (tests/test_register_web.py)
SELF_ROUTES = {k for k, v in WRITES.items() if v is _own_session}


def writing_routes(app) -> set[tuple[str, str]]:
    """Every route of the application that changes something (pages and API), and every writing
    operation of the OpenAPI document."""
    def walk(routes, prefix=""):
        for route in routes:
            inner = getattr(route, "original_router", None)  # an included router (newer FastAPI keeps it whole)
            if inner is not None:
                yield from walk(inner.routes, prefix + (getattr(route.include_context, "prefix", "") or ""))
            else:
                yield prefix + getattr(route, "path", ""), getattr(route, "methods", None) or ()

    out = {(m, path) for path, methods in walk(app.routes) for m in methods if m in ("POST", "PUT", "PATCH", "DELETE")}
    assert ("POST", "/upload") in out and ("POST", "/api/uploads") in out  # the walk sees pages and API
    for path, ops in app.openapi()["paths"].items():
        out |= {(m.upper(), path) for m in ops if m.upper() in ("POST", "PUT", "PATCH", "DELETE")}
    return out


def test_every_writing_route_is_known_to_this_test(site):
    """A new writing route fails here until it is added to WRITES with an attempt outside the scope."""
    routes = writing_routes(site["app"])
    assert routes - set(WRITES) == set(), "writing routes without a scope test"
    assert set(WRITES) - routes == set(), "routes in the test that the application no longer has"
    for _method, path in SELF_ROUTES:  # they name no report, agency or user
        assert "{" not in path, path


@pytest.mark.parametrize("who", ["zhujian", "fengxin"])
def test_every_writing_route_refuses_outside_the_scope(site, who):
    before = snapshot(site["db"])
    for (method, path), attempt in sorted(WRITES.items()):
        if (method, path) in SELF_ROUTES:
            continue
        client = login(site, who)
        attempt(site, client, who)
        assert snapshot(site["db"]) == before, (method, path)


# ------------------------------------------------------------------------------ uploads: names, batches, disk


def test_long_chinese_names_are_cut_by_bytes_and_every_file_of_a_batch_gets_its_outcome(site):
    admin = login(site, "admin")
    long_name = "奉新县" * 40 + "政府信息公开工作年度报告.txt"  # 133 characters, 395 bytes
    assert len(long_name.encode()) > 255
    cut = clean_name(long_name)
    assert cut.endswith(".txt") and len(cut.encode()) <= NAME_BYTES and long_name.startswith(cut[:-4])
    with Store.open(site["db"]) as store, store.engine.connect() as conn:
        audited = conn.execute(select(func.count()).select_from(web_audit).where(
            web_audit.c.action.in_(("upload", "upload.failed")))).scalar_one()
    files = [("files", ("甲.txt", other_bytes(GANFANG_2023.read_text("utf-8"), 20), "text/plain")),
             ("files", (long_name, other_bytes(GANFANG_2023.read_text("utf-8"), 21), "text/plain")),
             ("files", ("乙" * 90 + ".pdf", b"%PDF-1.4 broken", "application/pdf")),
             ("files", ("丙.txt", other_bytes(GANFANG_2023.read_text("utf-8"), 22), "text/plain"))]
    r = admin.post("/api/uploads", files=files)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["replaced", "replaced", "failed", "replaced"]
    assert results[1]["name"] == cut
    with Store.open(site["db"]) as store, store.engine.connect() as conn:
        entries = conn.execute(select(func.count()).select_from(web_audit).where(
            web_audit.c.action.in_(("upload", "upload.failed")))).scalar_one()
        assert store.original(results[1]["report_id"])[0] == cut
    assert entries == audited + 4


def test_content_is_kept_once_and_refused_files_are_not_kept(site):
    admin = login(site, "admin")
    data = other_bytes(GANFANG_2023.read_text("utf-8"), 30)
    names = ["一.txt", "二.txt", "三.txt"]
    results = [admin.post("/api/uploads", files=[("files", (n, data, "text/plain"))]).json()["results"][0]
               for n in names]
    assert [x["status"] for x in results] == ["replaced", "existing", "existing"]
    assert len({x["report_id"] for x in results}) == 1
    junk = b"%PDF-1.4\n" + b"\x00" * 200_000
    sha = hashlib.sha256(junk).hexdigest()
    for n in ("a.pdf", "b.pdf"):
        assert admin.post("/api/uploads", files=[("files", (n, junk, "application/pdf"))]).json()["results"][0][
            "status"] == "failed"
    with Store.open(site["db"]) as store, store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(S.files).where(
            S.files.c.sha256 == hashlib.sha256(data).hexdigest())).scalar_one() == 1
        assert conn.execute(select(func.count()).select_from(S.files).where(S.files.c.sha256 == sha)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(S.failures).where(
            S.failures.c.sha256 == sha)).scalar_one() == 1
    # on disk, besides the database and the test's own file, only the store's originals (by content): the
    # refused junk is not among them
    kept = [p for p in site["folder"].rglob("*") if p.is_file() and not p.name.startswith("w.sqlite3")]
    assert {p.relative_to(site["folder"]).parts[0] for p in kept} <= {"w.objects", "2023_高安市住房和城乡建设局.txt"}
    names = {p.name for p in kept}
    assert hashlib.sha256(data).hexdigest() in names and sha not in names


def test_a_daily_quota_per_user(tmp_path):
    db = str(tmp_path / "q.sqlite3")
    make_write_store(db, tmp_path)
    app = create_app(db, workers=0, quota_mb=0.02)  # 20 KB a day
    with TestClient(app) as clerk:
        api_login(clerk, "ganfang")
        text = GANFANG_2023.read_text("utf-8")
        sizes = []
        for i in range(1, 10):
            res = clerk.post("/api/uploads", files=[("files", (f"{i}.txt", other_bytes(text, i), "text/plain"))]).json()
            sizes.append(res["results"][0])
            if res["results"][0]["status"] == "refused":
                break
        last = sizes[-1]
        assert last["reason"] == "quota" and "超过今日上传限额" in last["message"], sizes
        assert sum(x["size"] for x in sizes[:-1]) <= 20 * 1024 < sum(x["size"] for x in sizes[:-1]) + len(
            other_bytes(text, len(sizes)))
        # another user has its own quota
        other = TestClient(app)
        api_login(other, "fengxin")
        r = other.post("/api/uploads", files=[("files", ("x.txt", other_bytes(text, 50), "text/plain"))])
        assert r.json()["results"][0]["status"] == "replaced"


# ------------------------------------------------------------------------------ what answers tell


def test_report_json_names_no_server_path(site):
    admin = login(site, "admin")
    rid = site["current"][("甘坊镇人民政府", 2023)]
    body = admin.get(f"/api/reports/{rid}").json()
    assert body["report"]["path"] == "003_50aa6597b9c6048c.txt"
    assert body["data"]["source"]["path"] == "003_50aa6597b9c6048c.txt"
    for r in admin.get("/api/reports").json()["reports"]:
        assert "/" not in (r["path"] or "") and "\\" not in (r["path"] or "")
    failures = admin.get("/api/failures").json()["failures"]
    for f in failures:
        assert "/" not in (f["path"] or "")
    # times in Beijing time, with their offset (stored in UTC)
    assert failures and all(f["at"].endswith("+08:00") for f in failures if f.get("at"))


def test_audit_paging_is_bounded(site):
    admin = login(site, "admin")
    for q in ("limit=-1", "limit=0", "limit=1001", "offset=-5"):
        assert admin.get(f"/api/audit?{q}").status_code == 422, q
    entries = admin.get("/api/audit?limit=3").json()["entries"]
    assert len(entries) == 3 and all(e["at"].endswith("+08:00") for e in entries)


def test_every_answer_carries_the_security_headers(tmp_path, site):
    client = TestClient(site["app"])
    r = client.post("/api/uploads", content=b"x" * 10, headers={"content-length": str(100 * 1024 * 1024)})
    assert r.status_code == 413
    for h in ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy"):
        assert h in r.headers, h
    assert "strict-transport-security" not in r.headers
    db = str(tmp_path / "h.sqlite3")
    Store.open(db).close()
    with TestClient(create_app(db, workers=0, secure_cookies=True)) as secure:
        for r in (secure.get("/login"), secure.post("/upload", headers={"content-length": str(10**9)})):
            assert r.headers["strict-transport-security"].startswith("max-age=31536000"), r.status_code
            assert "default-src 'self'" in r.headers["content-security-policy"]


def test_too_many_files_is_said_in_chinese(site):
    client = TestClient(site["app"])
    form_login(client, "admin")
    token = page_csrf(client.get("/upload").text)
    few = [("files", (f"{i}.txt", b"x", "text/plain")) for i in range(51)]
    r = client.post("/upload", data={"csrf_token": token}, files=few)
    assert r.status_code == 413 and "一次最多上传 50 个文件" in r.text
    many = [("files", (f"{i}.txt", b"x", "text/plain")) for i in range(1001)]
    r = client.post("/upload", data={"csrf_token": token}, files=many)
    assert r.status_code == 400 and "Too many" not in r.text and "文件太多" in r.text


# ------------------------------------------------------------------------------ users and passwords


def test_the_add_user_form_starts_with_the_least_power(site):
    client = TestClient(site["app"])
    form_login(client, "admin")
    html = client.get("/admin/users").text
    selected = re.findall(r'<option value="(\w+)" selected>', html)
    assert selected == ["submitter"]


@pytest.mark.parametrize("password", ["12345678", "1234567890", "password123", "qwertyuiop", "woaini1314",
                                      "admin12345", "P@ssw0rd2024", "gongkai2023", "short"])
def test_weak_passwords_are_refused(site, password):
    engine = site["app"].state.store.engine
    with pytest.raises(auth.UserError):
        auth.add_user(engine, "weak", password, "reviewer", region="长春市")
    assert auth.find_user(engine, "weak") is None


def test_weak_passwords_are_refused_everywhere(site):
    admin = login(site, "admin")
    r = admin.post("/api/users", json={"username": "weak2", "role": "submitter", "agency": "甘坊镇人民政府",
                                       "password": "12345678"})
    assert r.status_code == 422 and "密码" in r.json()["detail"]
    ok = admin.post("/api/users", json={"username": "strong2", "role": "submitter", "agency": "甘坊镇人民政府",
                                        "password": "tin-Harbour-42-plum"})
    assert ok.status_code == 201, ok.text
    page = TestClient(site["app"])
    form_login(page, "strong2", "tin-Harbour-42-plum")
    token = page_csrf(page.get("/account").text)
    r = page.post("/account", data={"csrf_token": token, "current": "tin-Harbour-42-plum", "new": "1qaz2wsx3edc",
                                    "repeat": "1qaz2wsx3edc"})
    assert r.status_code == 400 and "容易被猜到" in r.text
    assert auth.authenticate(site["app"].state.store.engine, "strong2", "tin-Harbour-42-plum") is not None
    assert PASSWORDS["zhujian"]  # (the fixtures' own passwords pass the same rule)


def test_reports_written_and_stored_count_against_the_quota(tmp_path):
    db = str(tmp_path / "q2.sqlite3")
    make_write_store(db, tmp_path)
    app = create_app(db, workers=0, quota_mb=0.2)  # 200 KB a day; a written .docx is some 40 KB
    with TestClient(app) as reviewer, Store.open(db) as store:
        api_login(reviewer, "fengxin")
        aid = next(a["id"] for a in store.agencies() if a["name"] == "干洲镇人民政府")
        codes = [reviewer.post("/write/store", data=write_form(aid, "干洲镇人民政府", date=f"2025-01-{i + 1:02d}"),
                               follow_redirects=False).status_code for i in range(12)]
    assert codes[0] == 303 and codes[-1] == 429, codes
    assert codes == sorted(codes)  # stored until the quota is spent, then refused
