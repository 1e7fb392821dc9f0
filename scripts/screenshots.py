"""Screenshots of the web application's pages, for docs/screenshots/ (run after scripts/setup).

A fresh store in a temporary folder gets the office's agency list and the sample reports
(samples/ and tests/data/seeds), and a year's work through the application's own routes: 甘坊镇's clerk
submits its 2023 report and the county's reviewer returns it with an opinion, another township's report
waits for review and a third is approved, a clerk keeps its register of applications, the reviewer sets
the county's deadlines. The application runs on a free local port and Debian's Chromium (through
Playwright, no browser download) takes each page: as the reviewer, the clerk and the administrator,
at 1440 × 900, and the report page once more at 1024 CSS pixels (a 1280-pixel screen at 125%).

    python scripts/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
COUNTY = "江西省/宜春市/奉新县"
PASSWORDS = {"admin": "screenshot-admin-1", "fengxin": "screenshot-review-1", "ganfang": "screenshot-clerk-1"}
OPINION = "表三“（六）其他处理”缺少“3.其他”一行，请按2021年版格式补齐后重新报送。"
GANFANG_2023 = ROOT / "tests" / "data" / "seeds" / "003_50aa6597b9c6048c.txt"


def build_store(folder: Path) -> str:
    from gongkai.store import Store
    from gongkai.web import (
        auth,
        schema,  # noqa: F401
    )

    db = str(folder / "gongkai.sqlite3")
    with Store.open(db) as store:
        store.import_agencies((ROOT / "samples" / "agencies.csv").read_bytes())
        store.ingest([str(ROOT / "tests" / "data" / "seeds"), str(ROOT / "samples")], jobs=1)
        e = store.engine
        auth.add_user(e, "admin", PASSWORDS["admin"], "admin", display_name="管理员")
        auth.add_user(e, "fengxin", PASSWORDS["fengxin"], "reviewer", region=COUNTY, display_name="奉新县审核员")
        auth.add_user(e, "ganfang", PASSWORDS["ganfang"], "submitter", agency_id=auth.resolve_agency(e, "甘坊镇人民政府"),
                      display_name="甘坊镇填报员")
    return db


def _client(app, who: str):
    from fastapi.testclient import TestClient

    c = TestClient(app, client=("127.0.0.1", 50000))  # no lifespan: the store stays open for the browser
    r = c.post("/api/session", json={"username": who, "password": PASSWORDS[who]})
    r.raise_for_status()
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def _ok(r, *codes: int) -> None:
    if r.status_code not in (codes or (200, 303)):
        raise RuntimeError(f"{r.request.method} {r.request.url}: {r.status_code} {r.text[:300]}")


def the_year(app) -> dict[str, int]:
    """The county's 2023 cycle, as people would have moved it; the agencies' ids by name."""
    office, clerk, admin = _client(app, "fengxin"), _client(app, "ganfang"), _client(app, "admin")
    agencies = {a["name"]: a["id"] for a in admin.get("/api/agencies").json()["agencies"]}
    ganfang, luoshi, chian = agencies["甘坊镇人民政府"], agencies["罗市镇人民政府"], agencies["赤岸镇人民政府"]
    post = {"follow_redirects": False}
    _ok(clerk.post(f"/cycle/{ganfang}/2023/move", data={"action": "submit", "comment": "表三按县里的要求只填了两行"}, **post))
    _ok(office.post(f"/cycle/{ganfang}/2023/move", data={"action": "return", "comment": OPINION}, **post))
    _ok(admin.post(f"/cycle/{luoshi}/2023/move", data={"action": "submit", "comment": "镇党政办代为提交"}, **post))
    _ok(admin.post(f"/cycle/{chian}/2023/move", data={"action": "submit", "comment": "已核对"}, **post))
    _ok(office.post(f"/cycle/{chian}/2023/move", data={"action": "approve"}, **post))
    _ok(office.post("/cycle/settings", data={"region": COUNTY, "office": "奉新县人民政府办公室",
                                             "department_due": "1月20日", "township_due": "2月20日"}, **post))
    for number, day, kind, channel in (("2026-001", "2026-11-02", "natural_person", "in_person"),
                                       ("2026-002", "2026-11-20", "commercial", "online"),
                                       ("2026-003", "2026-12-01", "natural_person", "post")):
        _ok(clerk.post("/register/add", data={
            "agency_id": str(ganfang), "number": number, "channel": channel, "submitted": day, "confirmed": day,
            "applicant_type": kind, "applicant": "张某", "content": "申请公开本镇2026年农村道路建设项目的招标文件"}, **post))
    return {"ganfang": ganfang, "luoshi": luoshi}


def decisions(app, report_id: int) -> None:
    """The reviewer's word on two findings of the corrected report: one dismissed with a reason, one confirmed."""
    office = _client(app, "fengxin")
    findings = office.get(f"/api/reports/{report_id}/findings").json()["findings"]
    warning = next((f for f in findings if f["severity"] == "warning"), None)
    info = next((f for f in findings if f["severity"] == "info"), None)
    if warning:
        _ok(office.post(f"/reports/{report_id}/findings/{warning['fingerprint']}",
                        data={"decision": "dismissed", "comment": "经电话核实，该镇本年确无此类情形"}))
    if info:
        _ok(office.post(f"/reports/{report_id}/findings/{info['fingerprint']}",
                        data={"decision": "accepted", "comment": "请按格式改正"}))


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from gongkai.web import create_app
    from gongkai.web.testing import running

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = build_store(folder)
        app = create_app(db, workers=0)
        ids = the_year(app)
        with running(app) as base, sync_playwright() as p:
            # the browser's own controls (a date field's 年/月/日) in Chinese, where Debian's chromium-l10n is installed
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--lang=zh-CN"],
                                        env={**os.environ, "LANGUAGE": "zh_CN"})

            def page_as(who: str | None, width: int = 1440, height: int = 900):
                page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1,
                                        locale="zh-CN")
                page.set_default_timeout(30000)
                if who:
                    page.goto(f"{base}/login")
                    page.fill("#username", who)
                    page.fill("#password", PASSWORDS[who])
                    page.click("button[type=submit]")
                    page.wait_for_url(f"{base}/")
                return page

            def shot(page, name: str, path: str | None = None, full: bool = False, wait: str | None = None):
                if path is not None:
                    page.goto(base + path)
                if wait:
                    page.wait_for_selector(wait)
                page.screenshot(path=str(out / name), full_page=full)

            shot(page_as(None), "01-login.png", "/login")

            # the clerk: a corrected report, a broken file and a meeting note uploaded at once
            clerk = page_as("ganfang")
            fixed = folder / "甘坊镇2023年报告（修改稿）.txt"
            fixed.write_text(GANFANG_2023.read_text("utf-8").replace(
                "\t\n\t（七）总计\n", "\t\n\t3.其他\n" + "\t0\n" * 7 + "\n\t\n\t（七）总计\n"), "utf-8")
            bad = folder / "扫描件.pdf"
            bad.write_bytes(b"%PDF-1.4\n% not really a pdf\n")
            note = folder / "政务公开工作会议纪要.txt"
            note.write_text("政务公开工作会议纪要\n会议研究了本年度政务公开工作要点的分工。\n", "utf-8")
            clerk.goto(f"{base}/upload")
            clerk.set_input_files("#files", [str(fixed), str(bad), str(note)])
            clerk.click("#upload-button")
            clerk.wait_for_selector("table.results")
            shot(clerk, "06-upload-result.png")
            corrected = int(clerk.locator("table.results a.button").first.get_attribute("href").rsplit("/", 1)[1])
            decisions(app, corrected)
            shot(clerk, "14-todo.png", "/", wait="#todo")
            shot(clerk, "16-register.png", f"/register?agency_id={ids['ganfang']}", full=True)
            clerk.click("#applications tbody a")
            clerk.wait_for_selector("#deadline")
            shot(clerk, "17-register-application.png")
            shot(clerk, "18-register-tables.png", f"/register/tables?agency_id={ids['ganfang']}&year=2026", full=True)
            clerk.close()

            # the county's reviewer
            office = page_as("fengxin")
            shot(office, "02-home.png", "/")
            shot(office, "03-upload.png", "/upload")
            shot(office, "04-report.png", f"/reports/{corrected}", wait="article.finding")
            office.locator("article.finding", has_text="GK601").first.locator("p.msg").click()
            office.wait_for_timeout(1200)
            shot(office, "04b-report-finding.png")
            shot(office, "05-reports.png", "/reports", full=True)
            shot(office, "07-agency.png", f"/agencies/{ids['ganfang']}", full=True)
            shot(office, "08-rollup.png", f"/rollup?region={quote(COUNTY)}&year=2023", wait="#chart-trend svg")
            shot(office, "09-write.png", f"/write?agency_id={ids['luoshi']}&year=2024", wait="#check-list li")
            shot(office, "11-cycle.png", "/cycle?year=2023", full=True)
            shot(office, "12-cycle-year.png", f"/cycle/{ids['ganfang']}/2023", full=True)
            shot(office, "13-opinion.png", f"/cycle/{ids['ganfang']}/2023/opinion", full=True)
            shot(office, "15-cycle-settings.png", f"/cycle/settings?region={quote(COUNTY)}")
            office.close()

            # the report page on a 1280-pixel screen at 125%: the findings beside the tables
            narrow = page_as("fengxin", width=1024, height=720)
            narrow.goto(f"{base}/reports/{corrected}")
            narrow.locator("article.finding", has_text="GK601").first.locator("p.msg").click()
            narrow.wait_for_timeout(1200)
            shot(narrow, "19-report-1024.png")
            narrow.close()

            # the administrator
            admin = page_as("admin")
            shot(admin, "10-audit.png", "/admin/audit")
            shot(admin, "20-users.png", "/admin/users")
            admin.close()
            browser.close()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
