"""The web application through HTTP (FastAPI's test client): logging in, sessions and CSRF, upload and
review, decisions on findings, who sees what (pages and API), the roll-up and its workbook, writing a
report, the OpenAPI description, the users command, the web's tables and migration."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from gongkai.store import Store
from gongkai.web import auth, create_app

from web_support import GANFANG_2023, PASSWORDS, SEEDS, XINGFU_2023, api_login, form_login, make_store, page_csrf

WEB = Path(__file__).resolve().parents[1] / "src" / "gongkai" / "web"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A store with the agency list, the five seed reports and a user of every role; one app for the module."""
    folder = tmp_path_factory.mktemp("web")
    db = str(folder / "web.sqlite3")
    make_store(db, reports=SEEDS)
    app = create_app(db, workers=0, max_file_mb=1)
    with TestClient(app) as client:
        yield {"app": app, "db": db, "folder": folder, "client": client}


@pytest.fixture()
def client(site):
    """A fresh client (its own cookies) on the module's app."""
    with TestClient(site["app"]) as c:
        yield c


def report_id(db: str, agency: str, year: int) -> int:
    with Store.open(db) as store:
        return next(r.id for r in store.reports(year=year) if agency in (r.agency or ""))


# ------------------------------------------------------------------------------ logging in


def test_pages_need_a_login(client):
    r = client.get("/reports", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert client.get("/api/reports").status_code == 401
    assert "请先登录" in client.get("/api/reports").json()["detail"]


def test_form_login_and_logout(client):
    bad = form_login(client, "admin", "wrong-password")
    assert bad.status_code == 400 and "用户名或密码不正确" in bad.text
    r = form_login(client, "admin")
    assert r.status_code == 303 and "gongkai_session" in r.headers["set-cookie"]
    assert "HttpOnly" in r.headers["set-cookie"] or "httponly" in r.headers["set-cookie"].lower()
    home = client.get("/")
    assert home.status_code == 200 and "工作台" in home.text
    # logging out needs the CSRF token
    assert client.post("/logout", follow_redirects=False).status_code == 403
    out = client.post("/logout", data={"csrf_token": page_csrf(home.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_login_form_needs_its_csrf_token(client):
    r = client.post("/login", data={"username": "admin", "password": PASSWORDS["admin"], "csrf_token": "forged"})
    assert r.status_code == 400 and "过期" in r.text


def test_password_guessing_is_stopped_for_a_while(client, site):
    engine = site["app"].state.store.engine
    auth.add_user(engine, "guessed", "a-long-enough-password-1", "reviewer", region="长春市")
    for _ in range(auth.LOGIN_ATTEMPTS):
        assert form_login(client, "guessed", "wrong-password").status_code == 400
    # now even the right password is refused, through the form and through the API
    r = form_login(client, "guessed", "a-long-enough-password-1")
    assert r.status_code == 429 and "登录失败次数过多" in r.text
    r = client.post("/api/session", json={"username": "guessed", "password": "a-long-enough-password-1"})
    assert r.status_code == 429 and "登录失败次数过多" in r.json()["detail"]
    # other users are not affected (the limit per address is higher), and the block ends with the window
    with TestClient(site["app"]) as other:
        assert form_login(other, "fengxin").status_code == 303
    with engine.begin() as conn:  # the window began a quarter of an hour ago
        conn.execute(auth.web_login_attempts.update().where(auth.web_login_attempts.c.key == "user:guessed").values(
            started=auth.now() - auth.LOGIN_WINDOW - dt.timedelta(seconds=1)))
    assert form_login(client, "guessed", "a-long-enough-password-1").status_code == 303


def test_passwords_are_argon2_hashed(site):
    from sqlalchemy import select

    from gongkai.web.schema import web_users

    with Store.open(site["db"]) as store, store.engine.connect() as conn:
        hashes = list(conn.execute(select(web_users.c.password_hash)).scalars())
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(p in h for h in hashes for p in PASSWORDS.values())


def test_writes_need_the_csrf_header(client, site):
    api_login(client, "fengxin")
    rid = report_id(site["db"], "甘坊镇", 2023)
    f = client.get(f"/api/reports/{rid}/findings").json()["findings"][0]
    del client.headers["X-CSRF-Token"]
    r = client.post(f"/api/reports/{rid}/findings/{f['fingerprint']}/decision", json={"decision": "accepted"})
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]


# ------------------------------------------------------------------------------ a report and its findings


def test_report_page_draws_tables_findings_cells_and_source(client, site):
    form_login(client, "fengxin")
    rid = report_id(site["db"], "甘坊镇", 2023)
    page = client.get(f"/reports/{rid}")
    assert page.status_code == 200
    html = page.text
    # metadata and the three tables in the official layout
    assert "甘坊镇" in html and "2021年版" in html and "江西省/宜春市/奉新县/甘坊镇" in html
    assert html.count('<table class="official') == 3
    assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in html
    assert 'rowspan="22"' in html  # 三、本年度办理结果 down the first column
    # the error GK111 (missing 3.其他 row): its cells are marked in the table, the finding cites the source
    assert "GK111" in html
    assert re.search(r'<td class="v [^"]*flag-error[^"]*" data-ref="applications\.other_other\.', html)
    findings = client.get(f"/api/reports/{rid}/findings").json()["findings"]
    assert [f["severity"] for f in findings] == sorted((f["severity"] for f in findings),
                                                       key=["error", "warning", "info"].index)
    gk402 = next(f for f in findings if f["code"] == "GK402")
    assert gk402["passage"]["at"] == {"line": 7} and gk402["passage"]["where"] == gk402["where"] == "第7行"
    assert any(b["hit"] and "208" in b["text"] for b in gk402["passage"]["blocks"])
    assert 'class="passage"' in html


def test_decisions_are_kept_and_audited(client, site):
    api_login(client, "fengxin")
    rid = report_id(site["db"], "甘坊镇", 2023)
    f = next(x for x in client.get(f"/api/reports/{rid}/findings").json()["findings"] if x["code"] == "GK111")
    r = client.post(f"/api/reports/{rid}/findings/{f['fingerprint']}/decision",
                    json={"decision": "dismissed", "comment": "该镇本年无此类申请，已电话核实"})
    assert r.status_code == 200 and r.json()["decision"] == "dismissed"
    again = next(x for x in client.get(f"/api/reports/{rid}/findings").json()["findings"] if x["code"] == "GK111")
    assert again["decision"]["decision"] == "dismissed" and again["decision"]["by"] == "fengxin"
    assert "已电话核实" in client.get(f"/reports/{rid}").text
    # changing one's mind updates the decision; both are in the audit log
    client.post(f"/api/reports/{rid}/findings/{f['fingerprint']}/decision", json={"decision": "accepted"})
    assert next(x for x in client.get(f"/api/reports/{rid}/findings").json()["findings"]
                if x["code"] == "GK111")["decision"]["decision"] == "accepted"
    with Store.open(site["db"]) as store:
        log = auth.audit_log(store.engine, action="decision")
    assert {e["detail"]["decision"] for e in log if e["target"] == f"report:{rid}"} >= {"dismissed", "accepted"}
    # a submitter sees decisions but makes none
    sub = TestClient(site["app"])
    api_login(sub, "ganfang")
    assert sub.post(f"/api/reports/{rid}/findings/{f['fingerprint']}/decision",
                    json={"decision": "dismissed"}).status_code == 403


def test_decision_form_on_the_page(client, site):
    form_login(client, "admin")
    rid = report_id(site["db"], "丰收乡", 2023)
    html = client.get(f"/reports/{rid}").text
    action = re.search(r'<form method="post" action="(/reports/\d+/findings/[0-9a-f]+)" class="decide">', html).group(1)
    r = client.post(action, data={"csrf_token": page_csrf(html), "decision": "accepted", "comment": "请整改"},
                    follow_redirects=False)
    assert r.status_code == 303 and "#f-" in r.headers["location"]
    assert "已确认" in client.get(f"/reports/{rid}").text


# ------------------------------------------------------------------------------ who sees what


def test_submitter_sees_only_its_agency(client, site):
    api_login(client, "ganfang")
    rows = client.get("/api/reports").json()["reports"]
    assert rows and all("甘坊镇" in r["agency"] for r in rows)
    other = report_id(site["db"], "幸福乡", 2023)
    # another agency's report is not found, as one that does not exist: an id tells nothing
    assert client.get(f"/api/reports/{other}").status_code == 404
    assert client.get(f"/api/reports/{other}/findings").status_code == 404
    assert client.get(f"/reports/{other}").status_code == 404
    assert "找不到该报告" in client.get(f"/reports/{other}").text
    assert client.get(f"/reports/{other}/original").status_code == 404
    assert client.get("/api/rollup?region=奉新县&year=2023").status_code == 403
    assert "幸福乡" not in client.get("/reports").text
    own = report_id(site["db"], "甘坊镇", 2023)
    assert client.get(f"/reports/{own}").status_code == 200
    assert client.get(f"/reports/{own}/original").content == GANFANG_2023.read_bytes()


def test_reviewer_sees_only_its_region(client, site):
    api_login(client, "fengxin")
    rows = client.get("/api/reports").json()["reports"]
    assert rows and all("奉新县" in r["region"] for r in rows)
    outside = report_id(site["db"], "幸福乡", 2023)
    assert client.get(f"/api/reports/{outside}").status_code == 404
    assert client.get(f"/reports/{outside}").status_code == 404
    agencies = client.get("/api/agencies").json()["agencies"]
    assert agencies and all("奉新县" in (a["region"] or "") for a in agencies)
    assert client.get("/api/rollup?region=长春市&year=2023").status_code == 403
    # a region above its own only while it takes in no agency outside (no data of others can show)
    assert client.get("/api/rollup?region=江西省&year=2023").status_code == 200
    with Store.open(site["db"]) as store:
        store.import_agencies("名称,级别,省,市,县\n靖安县财政局,县级部门,江西省,宜春市,靖安县\n".encode())
    assert client.get("/api/rollup?region=江西省&year=2023").status_code == 403
    assert client.get("/api/rollup?region=宜春市&year=2023").status_code == 403
    assert client.get("/api/rollup?region=奉新县/甘坊镇&year=2023").status_code == 200  # below it
    other = TestClient(site["app"])
    api_login(other, "changchun")
    assert other.get(f"/api/reports/{outside}").status_code == 200
    assert other.get(f"/api/reports/{report_id(site['db'], '甘坊镇', 2023)}").status_code == 404


def test_admin_sees_everything(client, site):
    api_login(client, "admin")
    assert client.get("/api/reports").json()["count"] == len(SEEDS)
    assert client.get("/api/users").status_code == 200
    reviewer = TestClient(site["app"])
    api_login(reviewer, "fengxin")
    assert reviewer.get("/api/users").status_code == 403
    assert reviewer.get("/admin/audit").status_code == 403


# ------------------------------------------------------------------------------ browsing


def test_filters_and_search(client, site):
    api_login(client, "admin")

    def by(**q):
        return {r["agency"] for r in client.get("/api/reports", params=q).json()["reports"]}

    assert by(year=2020) == {"城郊乡人民政府"}
    assert by(q="奉新县") == {"甘坊镇人民政府"}  # a place name
    assert by(q="幸福") and all("幸福" in a for a in by(q="幸福"))
    assert by(edition="2019") == by(year=2020) | by(q="丰收")
    assert by(errors=True) and all(r["errors"] for r in client.get("/api/reports", params={"errors": True}).json()["reports"])
    html = client.get("/reports", params={"q": "甘坊", "year": 2023}).text
    assert "甘坊镇人民政府" in html and "城郊乡" not in html


def test_agency_page_shows_years_and_changes(client, site, tmp_path):
    api_login(client, "admin")
    aid = next(a["id"] for a in client.get("/api/agencies").json()["agencies"] if a["name"] == "甘坊镇人民政府")
    # a 2022 report for 甘坊镇 gives a year to compare and cross-year findings
    up = client.post("/api/uploads", files=[("files", ("2022_甘坊镇.txt",
                                                        (Path(__file__).resolve().parents[1] / "samples" / "奉新县" /
                                                         "2022_甘坊镇人民政府.txt").read_bytes(), "text/plain"))])
    assert up.status_code == 200, up.text
    data = client.get(f"/api/agencies/{aid}").json()
    assert data["year_over_year"]["years"] == [2022, 2023]
    assert any(line["key"] == "new_received" for line in data["year_over_year"]["lines"])
    assert any(f["code"] == "GK601" for f in data["crossyear_findings"])
    html = client.get(f"/agencies/{aid}").text
    assert "关键数据逐年变化" in html and "GK601" in html and "2022" in html


# ------------------------------------------------------------------------------ uploads


def test_upload_pages_and_results(client, site):
    form_login(client, "admin")
    page = client.get("/upload")
    assert page.status_code == 200 and 'type="file"' in page.text and "multiple" in page.text
    token = page_csrf(page.text)
    good = GANFANG_2023.read_bytes() + b"\n"  # other bytes: a corrected re-submission of the same report
    r = client.post("/upload", data={"csrf_token": token},
                    files=[("files", ("甘坊镇2023.txt", good, "text/plain")),
                           ("files", ("图片.png", b"\x89PNG\r\n", "image/png")),
                           ("files", ("坏.pdf", b"%PDF-1.4 broken", "application/pdf"))])
    assert r.status_code == 200
    assert "已入库（更正稿" in r.text and "不支持的文件类型" in r.text and "无法读取" in r.text
    # the original is kept once, in the store; nothing is left on the server's disk
    import hashlib

    with Store.open(site["db"]) as store:
        rid = store.report_id_for_sha(hashlib.sha256(good).hexdigest())
        assert store.original(rid) == ("甘坊镇2023.txt", good)
    # besides the database, only the store's originals, each named by its content
    kept = [p for p in site["folder"].rglob("*") if p.is_file() and not p.name.startswith("web.sqlite3")]
    assert {p.relative_to(site["folder"]).parts[0] for p in kept} <= {"web.objects"}
    assert hashlib.sha256(good).hexdigest() in {p.name for p in kept}
    # the same bytes again: nothing new
    again = client.post("/upload", data={"csrf_token": token}, files=[("files", ("x.txt", good, "text/plain"))])
    assert "此前已入库" in again.text


def test_bad_uploads_get_clear_chinese_errors(client, site):
    form_login(client, "admin")
    token = page_csrf(client.get("/upload").text)
    none = client.post("/upload", data={"csrf_token": token})
    assert none.status_code == 400 and "没有选择文件" in none.text and "<!doctype html>" in none.text.lower()
    only_bad = client.post("/upload", data={"csrf_token": token}, files=[("files", ("a.exe", b"MZ", "application/x"))])
    assert only_bad.status_code == 400 and "上传未成功" in only_bad.text
    big = client.post("/upload", data={"csrf_token": token},
                      files=[("files", ("big.txt", b"x" * (1024 * 1024 + 10), "text/plain"))])
    assert "文件过大" in big.text
    huge = client.post("/upload", data={"csrf_token": token},
                       files=[("files", ("huge.txt", b"x" * (12 * 1024 * 1024), "text/plain"))])
    assert huge.status_code == 413 and "过大" in huge.text
    api_login(client, "admin")
    r = client.post("/api/uploads", files=[("files", ("empty.txt", b"", "text/plain"))])
    assert r.status_code == 400 and r.json()["results"][0]["status"] == "refused"


def test_submitter_cannot_upload_another_agencys_report(client, site):
    api_login(client, "ganfang")
    other = XINGFU_2023.read_bytes() + b"\n\n"
    r = client.post("/api/uploads", files=[("files", ("幸福乡.txt", other, "text/plain"))])
    assert r.status_code == 400
    res = r.json()["results"][0]
    assert res["status"] == "refused" and "不是您账户所属的机关" in res["message"]
    with Store.open(site["db"]) as store:
        import hashlib

        assert store.report_id_for_sha(hashlib.sha256(other).hexdigest()) is None


def test_report_text_is_escaped(client, site):
    api_login(client, "admin")
    text = GANFANG_2023.read_text(encoding="utf-8").replace(
        "甘坊镇2023年政府信息公开工作年度报告", "<script>alert(1)</script>甘坊镇2023年政府信息公开工作年度报告", 1)
    text = text.replace("2023年", "2024年", 1)
    r = client.post("/api/uploads", files=[("files", ("xss.txt", text.encode(), "text/plain"))])
    rid = r.json()["results"][0]["report_id"]
    assert rid is not None, r.text
    html = client.get(f"/reports/{rid}").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ------------------------------------------------------------------------------ roll-up


def test_rollup_dashboard_and_workbook(client, site):
    form_login(client, "fengxin")
    html = client.get("/rollup").text  # a reviewer's own region by default
    assert "江西省/宜春市/奉新县" in html and "未报送机关" in html and "干洲镇人民政府" in html
    assert 'id="chart-outcome"' in html and 'id="chart-trend"' in html
    charts = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', html, re.DOTALL).group(1))
    assert {d["name"] for d in charts["outcome"]} >= {"予以公开", "部分公开", "不予公开"}
    assert charts["applicants"][0]["name"] == "自然人"
    assert charts["trend"]["years"]
    r = client.get("/rollup.xlsx", params={"region": "江西省/宜春市/奉新县", "year": 2023})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(r.content))
    assert {"汇总表", "各机关", "未报送"} <= set(wb.sheetnames)
    # the vendored chart library is served locally, when scripts/setup has installed it
    if (WEB / "static" / "vendor" / "echarts.min.js").is_file():
        assert '<script src="/static/vendor/echarts.min.js">' in html
        assert client.get("/static/vendor/echarts.min.js").status_code == 200


# ------------------------------------------------------------------------------ writing


def test_writing_prefill_live_check_and_downloads(client, site):
    api_login(client, "ganfang")
    aid = client.get("/api/me").json()["agency_id"]
    pre = client.get("/api/compose/prefill", params={"agency_id": aid, "year": 2024}).json()
    cells = pre["data"]["cells"]
    assert pre["previous_year"] == 2023
    assert "applications.carried_over.total" in cells  # 上年结转 from last year's 结转下年度
    page = client.get("/write", params={"agency_id": aid, "year": 2024})
    assert page.status_code == 200 and 'name="c.applications.new_received.natural_person"' in page.text
    assert "已按" in page.text and "预填" in page.text
    body = {"agency": "甘坊镇人民政府", "year": 2024, "edition": "2021",
            "cells": {"applications.new_received.natural_person": "3", "applications.granted.natural_person": "2",
                      "applications.carried_forward.natural_person": "1"},
            "sections": {str(n): "本年度未收取信息处理费。" if n == 6 else "内容" for n in range(1, 7)}}
    live = client.post("/api/compose/check", json=body).json()
    assert live["totals"]["applications.new_received.total"] == "3"
    assert live["totals"]["applications.total_processed.natural_person"] == "2"
    assert all({"code", "severity", "message"} <= set(f) for f in live["findings"])
    docx = client.post("/api/compose/render", params={"fmt": "docx"}, json=body)
    assert docx.status_code == 200 and zipfile.ZipFile(io.BytesIO(docx.content)).namelist()
    html = client.post("/api/compose/render", params={"fmt": "html"}, json=body)
    assert "甘坊镇人民政府" in html.content.decode("utf-8")
    # the page form posts to the same writer
    token = page_csrf(page.text)
    r = client.post("/write/render", data={"csrf_token": token, "agency_id": str(aid), "agency": "甘坊镇人民政府",
                                           "year": "2024", "fmt": "docx", "c.applications.new_received.natural_person": "3"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    # not for another agency
    r = client.post("/write/render", data={"csrf_token": token, "agency_id": str(aid + 1000), "agency": "x",
                                           "year": "2024", "fmt": "docx"})
    assert r.status_code == 404  # not found, as an agency outside the user's scope would be


# ------------------------------------------------------------------------------ API description, safety, commands


def test_numbers_out_of_range_in_addresses_are_not_found(client):
    form_login(client, "admin")
    big = "9" * 30  # more than a database integer holds
    for url in (f"/reports/{big}", f"/agencies/{big}", f"/reports/{big}/original", f"/reports/{big}/render/docx",
                f"/api/reports/{big}", f"/api/agencies/{big}", f"/write?agency_id={big}", f"/admin/audit?page={big}"):
        r = client.get(url)
        assert r.status_code == 404, (url, r.status_code)
        assert "超出范围" in r.text
    # a year or page that is no number ("²" passes str.isdigit but not int) is ignored, not an error
    for url in ("/reports?year=²&page=³", f"/reports?page={'9' * 5000}"):
        assert client.get(url).status_code == 200


def test_writing_api_refuses_odd_data_with_reasons(client):
    api_login(client, "admin")
    cases = [({"agency": "某" * 100_000, "year": 2023}, "过长"),
             ({"agency": "某镇", "year": 2023, "sections": {"²": "文字"}}, "部分编号"),
             ({"agency": "某镇", "year": 2023, "sections": {"9" * 30: "文字"}}, "部分编号"),
             ({"agency": "某镇", "year": 2023, "cells": {"x" * 10_000: "1"}}, "单元格名称有误")]
    for body, word in cases:
        for path in ("/api/compose/check", "/api/compose/render"):
            r = client.post(path, json=body)
            assert r.status_code == 422 and word in r.json()["detail"], (path, r.status_code, r.text[:200])
            assert len(r.json()["detail"]) < 300


def test_openapi_documents_the_api_in_chinese_and_english(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/api/session", "/api/reports", "/api/uploads", "/api/reports/{report_id}/findings",
                 "/api/reports/{report_id}/findings/{fingerprint}/decision", "/api/agencies/{agency_id}",
                 "/api/rollup", "/api/rollup.xlsx", "/api/compose/check", "/api/compose/render", "/api/users",
                 "/api/audit"):
        assert path in paths, path
    for path, ops in paths.items():
        assert path.startswith("/api/"), path  # pages are not in the API description
        for op in ops.values():
            text = op["summary"] + op.get("description", "")
            assert re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[a-z]{3}", text), path


def test_nothing_is_loaded_from_outside_and_headers_are_set(client):
    for f in list((WEB / "templates").glob("*.html")) + list((WEB / "static").glob("*.[cj]s*")):
        text = f.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//", text), f
        assert "@import url(http" not in text and "fonts.googleapis" not in text, f
    r = client.get("/login")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


def test_users_command(tmp_path):
    from gongkai.cli import main

    db = str(tmp_path / "u.sqlite3")
    runner = CliRunner()
    r = runner.invoke(main, ["users", "add", "boss", "--role", "admin", "--db", db])
    assert r.exit_code == 0, r.output
    password = re.search(r"初始密码 password: (\S+)", r.output).group(1)
    again = runner.invoke(main, ["users", "add", "admin", "--role", "admin", "--if-no-admin", "--db", db])
    assert again.exit_code == 0 and "已有管理员" in again.output
    bad = runner.invoke(main, ["users", "add", "r", "--role", "reviewer", "--password", "longenough", "--db", db])
    assert bad.exit_code == 2 and "地区" in bad.output
    listed = runner.invoke(main, ["users", "list", "--db", db])
    assert "boss" in listed.output and "管理员" in listed.output
    with Store.open(db) as store:
        assert auth.authenticate(store.engine, "boss", password) is not None


def test_web_tables_come_from_one_migration_on_the_single_head(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from gongkai.store import schema as S
    from gongkai.store.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    assert len(script.get_heads()) == 1
    assert "web01" in {r.revision for r in script.walk_revisions()}
    with Store.open(str(tmp_path / "m.sqlite3")) as store, store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), S.metadata)
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name == "gongkai_schema_version")]
    assert diff == []
    assert {"web_users", "web_sessions", "web_decisions", "web_audit"} <= set(S.metadata.tables)
