"""In a real browser (Playwright driving Debian's Chromium, as tests/test_web_browser.py): a reviewer opens a
report whose table 四 was printed with its digits run together, sees the cells gongkai could not read with
certainty in their own colour with the candidates, enters the value read by eye, and sees the finding
about them gone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_review_cells import CORRECTED, OTHER, TOTAL, UPHELD, make_review_store

from web_support import PASSWORDS

CHROMIUM = "/usr/bin/chromium"

pytestmark = [pytest.mark.browser]
if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
    pytestmark.append(pytest.mark.skip(reason="Debian's Chromium is not installed (scripts/setup installs it: "
                                              "apt-get install chromium)"))
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")

VIOLET_BG = "rgb(239, 227, 251)"  # td.s-uncertain (app.css): gongkai's own doubt
TEAL_BG = "rgb(223, 243, 239)"  # td.s-reviewed: a value a reviewer read by eye
ERROR_BG = "rgb(251, 213, 209)"  # td.flag-error: the agency's mistake


def td(page, ref: str):
    return page.locator(f'td[data-ref="{ref}"]')


def background(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).backgroundColor")


def test_a_reviewer_enters_uncertain_values_in_the_browser(tmp_path):
    from gongkai.web import create_app
    from gongkai.web.testing import running

    db = str(tmp_path / "b.sqlite3")
    ids = make_review_store(db, tmp_path / "in")
    rid = ids["ambiguous"]
    app = create_app(db, workers=0)
    with running(app) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"))
        page = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()
        page.set_default_timeout(30000)
        try:
            page.goto(f"{base}/reports/{rid}")
            assert "/login" in page.url
            page.fill("#username", "fengxin")
            page.fill("#password", PASSWORDS["fengxin"])
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/reports/{rid}")

            # the uncertain cells in their own colour, not the agency-error red, and the finding about them
            for ref in (UPHELD, CORRECTED, OTHER):
                assert background(td(page, ref)) == VIOLET_BG, ref
                assert td(page, ref).inner_text().strip() == "？"
            assert page.locator("article.finding", has_text="GK701").count() == 1

            # clicking the cell leads to its entry: the candidates beside it, the input ready
            td(page, UPHELD).click()
            entry = page.locator(f'div.ucell[data-ref="{UPHELD}"]')
            assert "active" in (entry.get_attribute("class") or "")
            assert entry.locator("button.cand").all_inner_texts() == ["12", "1"]
            entry.locator("button.cand", has_text="12").click()  # a candidate fills the input
            assert entry.locator("input[name=value]").input_value() == "12"
            with page.expect_navigation():
                entry.locator("button[type=submit]").click()
            assert page.url == f"{base}/reports/{rid}#cell-{UPHELD}"

            # 12 is the reviewer's (teal); of the two splits only 12、1、0、0、13 fits it, so the rest of the
            # run is read; the finding is gone
            assert background(td(page, UPHELD)) == TEAL_BG
            assert td(page, UPHELD).inner_text().strip() == "12"
            for ref, value in ((CORRECTED, "1"), (OTHER, "0"), (TOTAL, "13")):
                assert background(td(page, ref)) not in (VIOLET_BG, TEAL_BG, ERROR_BG), ref
                assert td(page, ref).inner_text().strip() == value
            assert page.locator("article.finding", has_text="GK701").count() == 0
            done = page.locator(f'div.ucell[data-ref="{UPHELD}"]').inner_text()
            assert "已录入" in done and "fengxin" in done and "北京时间" in done
            assert "已全部核对" in page.locator("section.ucells h2").inner_text()

            # a correction that no split gives: the other cells are in doubt again, in violet
            entry = page.locator(f'div.ucell[data-ref="{UPHELD}"]')
            entry.locator("input[name=value]").fill("5")
            with page.expect_navigation():
                entry.locator("button[type=submit]").click()
            assert background(td(page, CORRECTED)) == VIOLET_BG
            assert page.locator("article.finding", has_text="GK701").count() == 1
        finally:
            browser.close()
