"""End to end in a real browser: Playwright for Python driving Debian's Chromium (/usr/bin/chromium, no
browser download; scripts/setup installs it). Log in, upload a seed report, see a finding with its
highlighted cell, dismiss it, open the roll-up, download the Excel file and a generated .docx."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from web_support import GANFANG_2023, PASSWORDS, XINGFU_2023, make_store

CHROMIUM = "/usr/bin/chromium"

pytestmark = [pytest.mark.browser]
if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
    pytestmark.append(pytest.mark.skip(reason="Debian's Chromium is not installed (scripts/setup installs it: "
                                              "apt-get install chromium)"))
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")


@pytest.fixture(scope="module")
def browser_site(tmp_path_factory):
    from gongkai.web import create_app
    from gongkai.web.testing import running

    folder = tmp_path_factory.mktemp("browser")
    db = str(folder / "b.sqlite3")
    make_store(db, reports=None)  # the office's agencies and the users; the reports come by upload
    app = create_app(db)  # uploads read in a worker process, as in production
    with running(app) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"))
        yield {"base": base, "browser": browser, "folder": folder}
        browser.close()


def test_review_rollup_and_downloads_in_the_browser(browser_site):
    base, folder = browser_site["base"], browser_site["folder"]
    context = browser_site["browser"].new_context(accept_downloads=True, locale="zh-CN",
                                                  viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        # log in
        page.goto(f"{base}/reports")
        assert "/login" in page.url
        page.fill("#username", "fengxin")
        page.fill("#password", PASSWORDS["fengxin"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/reports")

        # upload a seed report
        page.goto(f"{base}/upload")
        page.set_input_files("#files", str(GANFANG_2023))
        page.click("#upload-button")
        page.wait_for_selector("table.results")
        assert "已入库" in page.inner_text("table.results")
        page.click("table.results a.button")

        # a finding with its highlighted cell
        page.wait_for_selector("article.finding")
        finding = page.locator("article.finding", has_text="GK111").first
        assert finding.is_visible()
        cell = page.locator('td.flag-error[data-ref^="applications.other_other."]').first
        assert cell.is_visible()
        finding.locator("p.msg").click()
        assert "focus" in (cell.get_attribute("class") or "")
        assert finding.locator(".passage").is_visible()

        # dismiss it with a comment; the decision stays after a reload
        finding.locator("input[name=comment]").fill("经核实该镇本年无此类申请")
        finding.locator("button.dismiss").click()
        page.wait_for_load_state()
        page.reload()
        decided = page.locator("article.finding", has_text="GK111").first
        assert "已驳回" in decided.inner_text() and "经核实该镇本年无此类申请" in decided.inner_text()

        # the roll-up, its charts and the Excel download
        page.click("nav.mainnav >> text=汇总")
        page.wait_for_selector("#chart-outcome")
        assert "未报送机关" in page.content()
        with page.expect_download() as dl:
            page.click("#xlsx")
        xlsx = folder / "rollup.xlsx"
        dl.value.save_as(xlsx)
        from openpyxl import load_workbook

        assert "汇总表" in load_workbook(xlsx).sheetnames

        # write a report and download it as .docx
        page.click("nav.mainnav >> text=撰写报告")
        page.select_option("select[name=agency_id]", label=page.locator(
            "select[name=agency_id] option", has_text="甘坊镇").first.inner_text())
        page.click("form.filters button[type=submit]")
        page.wait_for_selector("#write-form")
        page.fill('input[name="c.applications.new_received.natural_person"]', "4")
        page.fill('input[name="c.applications.granted.natural_person"]', "4")
        assert page.input_value('input[name="c.applications.new_received.total"]') == "4"  # live total
        page.wait_for_function("document.getElementById('check-summary').textContent.indexOf('错误') >= 0")
        with page.expect_download() as dl:
            page.click("#download-docx")
        docx = folder / "report.docx"
        dl.value.save_as(docx)
        names = zipfile.ZipFile(io.BytesIO(docx.read_bytes())).namelist()
        assert "word/document.xml" in names
    finally:
        context.close()


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORDS[username])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_writes_outside_the_scope_are_refused_in_the_browser(browser_site):
    """Through the forms, as a user would meet them: an upload of another region's report, the writer's
    保存入库 with another agency's name or with the agency swapped in the page, the new-user form's role."""
    from gongkai.store import Store

    base, folder = browser_site["base"], browser_site["folder"]
    with Store.open(str(folder / "b.sqlite3")) as store:
        store.import_agencies("名称,级别,省,市,县\n高安市住房和城乡建设局,县级部门,江西省,宜春市,高安市\n".encode())
        outside = next(a["id"] for a in store.agencies() if a["name"] == "高安市住房和城乡建设局")
    context = browser_site["browser"].new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        _login(page, base, "fengxin")  # reviewer of 江西省/宜春市/奉新县
        page.goto(f"{base}/upload")
        page.set_input_files("#files", str(XINGFU_2023))
        page.click("#upload-button")
        page.wait_for_selector("table.results")
        text = page.inner_text("table.results")
        assert "未接收" in text and "不在您负责审核的地区" in text

        # the writer: another agency's name in the form
        page.goto(f"{base}/write")
        page.select_option("select[name=agency_id]", label=page.locator(
            "select[name=agency_id] option", has_text="干洲镇").first.inner_text())
        page.click("form.filters button[type=submit]")
        page.wait_for_selector("#write-form")
        page.fill('input[name="agency"]', "高安市住房和城乡建设局")
        page.click("#store-report")
        page.wait_for_load_state()
        assert "不一致" in page.content() and "未入库" in page.content()
        # … or the chosen agency swapped in the page for one outside the region
        page.go_back()
        page.wait_for_selector("#write-form")
        page.fill('input[name="agency"]', "干洲镇人民政府")
        page.evaluate(f"document.querySelector('#write-form input[name=agency_id]').value = '{outside}'")
        page.click("#store-report")
        page.wait_for_load_state()
        assert "找不到该机关" in page.content()  # outside the region: as if there were none
        with Store.open(str(folder / "b.sqlite3")) as store:
            assert not [r for r in store.reports() if r.agency in ("高安市住房和城乡建设局", "干洲镇人民政府")]
    finally:
        context.close()
    context = browser_site["browser"].new_context(locale="zh-CN")
    page = context.new_page()
    try:
        _login(page, base, "admin")
        page.goto(f"{base}/admin/users")
        assert page.input_value("select[name=role]") == "submitter"
    finally:
        context.close()
