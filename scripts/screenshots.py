"""Screenshots of the web application's main pages, for docs/screenshots/ (run after scripts/setup).

A fresh store in a temporary folder gets the office's agency list and the sample reports
(samples/ and tests/data/seeds), the application runs on a free local port, and Debian's Chromium
(through Playwright, no browser download) takes each page.

    python scripts/screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


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
        auth.add_user(store.engine, "admin", "screenshot-admin", "admin", display_name="管理员")
        auth.add_user(store.engine, "fengxin", "screenshot-review", "reviewer", region="江西省/宜春市/奉新县",
                      display_name="奉新县审核员")
    return db


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from gongkai.web import create_app
    from gongkai.web.testing import running

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = build_store(Path(tmp))
        app = create_app(db, workers=0)
        with running(app) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1, locale="zh-CN")
            page.goto(f"{base}/login")
            page.screenshot(path=str(out / "01-login.png"))
            page.fill("#username", "fengxin")
            page.fill("#password", "screenshot-review")
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/")
            shots = [
                ("02-home.png", "/", False),
                ("03-upload.png", "/upload", False),
                ("05-reports.png", "/reports", True),
                ("07-agency.png", None, True),
                ("08-rollup.png", "/rollup?region=%E6%B1%9F%E8%A5%BF%E7%9C%81%2F%E5%AE%9C%E6%98%A5%E5%B8%82%2F%E5%A5%89%E6%96%B0%E5%8E%BF&year=2023", True),
                ("09-write.png", None, False),
            ]
            for name, path, full in shots:
                if name == "07-agency.png":
                    page.goto(f"{base}/reports?q=%E7%94%98%E5%9D%8A")
                    page.click("text=历年")
                elif name == "09-write.png":
                    page.goto(f"{base}/agencies?q=%E7%94%98%E5%9D%8A")
                    page.click("table.list a")
                    page.click("text=撰写本机关报告")
                    page.wait_for_selector("#check-list li")
                else:
                    page.goto(base + path)
                if name == "08-rollup.png":
                    page.wait_for_selector("#chart-trend svg")
                page.screenshot(path=str(out / name), full_page=full)
            # a report: its page as it opens, then a finding clicked — its cells lit in table 三
            page.goto(f"{base}/reports?q=%E7%94%98%E5%9D%8A&year=2023")
            page.click("table.list tbody a")
            page.wait_for_selector("article.finding")
            page.screenshot(path=str(out / "04-report.png"))
            page.locator("article.finding", has_text="GK601").first.locator("p.msg").click()
            page.wait_for_timeout(1200)
            page.screenshot(path=str(out / "04b-report-finding.png"))
            # uploads: a corrected re-submission and a broken file
            page.goto(f"{base}/upload")
            bad = Path(tmp) / "扫描件.pdf"
            bad.write_bytes(b"%PDF-1.4\n% not really a pdf\n")
            corrected = Path(tmp) / "赤岸镇2023年报告（更正稿）.txt"
            corrected.write_bytes((ROOT / "samples" / "奉新县" / "2023_赤岸镇人民政府.txt").read_bytes() + b"\n")
            page.set_input_files("#files", [str(corrected), str(bad)])
            page.click("#upload-button")
            page.wait_for_selector("table.results")
            page.screenshot(path=str(out / "06-upload-result.png"))
            # the administrator's pages
            page.click("text=退出")
            page.fill("#username", "admin")
            page.fill("#password", "screenshot-admin")
            page.click("button[type=submit]")
            page.goto(f"{base}/admin/audit")
            page.screenshot(path=str(out / "10-audit.png"))
            browser.close()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
