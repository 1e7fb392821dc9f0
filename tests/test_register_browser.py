"""The register end to end in a real browser (Playwright driving Debian's Chromium): a township's clerk
enters three applications, sees one overdue and one due soon, replies to them, and the year's report is
prefilled from the register in the writer. The application counts days to a fixed day, 20 Dec 2024."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from web_support import PASSWORDS, make_store

CHROMIUM = "/usr/bin/chromium"

pytestmark = [pytest.mark.browser]
if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
    pytestmark.append(pytest.mark.skip(reason="Debian's Chromium is not installed (scripts/setup installs it: "
                                              "apt-get install chromium)"))
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")

PASSWORDS.setdefault("ganfang", "submit-pass-1")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from gongkai.store import Store
    from gongkai.web import auth, create_app
    from gongkai.web.testing import running

    db = str(tmp_path_factory.mktemp("register-browser") / "b.sqlite3")
    make_store(db, reports=None)
    with Store.open(db) as store:
        aid = auth.resolve_agency(store.engine, "甘坊镇人民政府")
        auth.add_user(store.engine, "ganfang", PASSWORDS["ganfang"], "submitter", agency_id=aid)
    app = create_app(db, workers=0)
    app.state.settings.extra["today"] = dt.date(2024, 12, 20)
    with running(app) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"))
        yield {"base": base, "browser": browser}
        browser.close()


def enter(page, submitted: str, applicant_type: str, expected_number: str) -> None:
    form = page.locator("#quick-entry")
    assert form.locator("input[name=number]").input_value() == expected_number  # the next number, proposed
    form.locator("select[name=channel]").select_option("in_person")
    form.locator("input[name=submitted]").fill(submitted)
    form.locator("select[name=applicant_type]").select_option(applicant_type)
    form.locator("input[name=applicant]").fill("申请人")
    form.locator("input[name=content]").fill("某村道路硬化项目的批复文件")
    page.click("#add-button")
    page.wait_for_selector("#added")


def reply(page, number: str, day: str, outcome_label: str) -> None:
    page.click(f"#applications >> text=编号{number}")
    page.wait_for_selector("#application-form")
    page.fill("input[name=replied]", day)
    page.select_option("#outcome", label=outcome_label)
    page.click("#save-button")
    page.wait_for_selector("#saved")


def test_a_clerk_keeps_the_register_and_the_report_is_prefilled(site):
    base = site["base"]
    context = site["browser"].new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        page.goto(f"{base}/login")
        page.fill("#username", "ganfang")
        page.fill("#password", PASSWORDS["ganfang"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")

        page.click("nav.mainnav >> text=依申请台账")
        page.wait_for_selector("#quick-entry")
        assert page.inner_text("#today") == "2024-12-20"
        enter(page, "2024-11-18", "natural_person", "2024-001")  # due 16 Dec: overdue
        enter(page, "2024-11-25", "natural_person", "2024-002")  # due 23 Dec: one working day left
        enter(page, "2024-12-18", "commercial", "2024-003")  # due 16 Jan 2025

        # the one that fell due and the one about to, in the list to look at first
        due = page.locator("table.due-list").first
        assert due.locator("tr[data-state=overdue]").count() == 1
        assert "编号2024-001" in due.locator("tr[data-state=overdue]").inner_text()
        assert "已逾期 4 个工作日" in due.locator("tr[data-state=overdue]").inner_text()
        assert "编号2024-002" in due.locator("tr[data-state=due_soon]").inner_text()
        page.goto(f"{base}/")
        assert page.locator("#register-block .stat.bad b").inner_text() == "1"

        # the replies
        page.click("nav.mainnav >> text=依申请台账")
        reply(page, "2024-001", "2024-12-20", "（一）予以公开")
        assert "逾期办结" in page.inner_text("#deadline")
        page.click(".crumbs a")
        reply(page, "2024-002", "2024-12-20", "（二）部分公开")
        assert "已按期办结" in page.inner_text("#deadline")
        page.click(".crumbs a")
        page.wait_for_selector("#quick-entry")
        assert page.locator("table.due-list").count() == 0  # nothing overdue or due soon now

        # the year's report, prefilled from the register
        page.click("#write-link")
        page.wait_for_selector("#write-form")
        assert "表三、表四已按本机关依申请公开台账预填：本年新收 3 件" in page.inner_text("ul.notes")

        def cell(ref: str) -> str:
            return page.input_value(f'input[name="c.applications.{ref}"]')

        assert (cell("new_received.natural_person"), cell("new_received.commercial"), cell("new_received.total")) == (
            "2", "1", "3")
        assert (cell("granted.natural_person"), cell("partially_granted.natural_person")) == ("1", "1")
        assert (cell("total_processed.total"), cell("carried_forward.commercial"), cell("carried_forward.total")) == (
            "2", "1", "1")
        page.wait_for_function("document.getElementById('check-summary').textContent.indexOf('错误 ') === 0")
        assert "GK301" not in page.inner_text("#check-list")  # 一 + 二 = （七）+ 四 holds in the live check
    finally:
        context.close()
