"""The writer in a real browser (Playwright for Python driving Debian's Chromium, as tests/test_web_browser.py):
what a clerk types is saved on the server and back after a reload; 现行有效件数 follows 制发 and 废止 until the
clerk types it; a 3×2 block pasted from Excel lands on the table from the focused cell; arrow keys and Enter
move between cells; one click fills the untouched blank cells with 0; the live-check panel stays in view on a
laptop screen at 125 % while the form scrolls; leaving with changes not yet saved is warned about."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from web_support import PASSWORDS, XINGFU_2023, ZHUJIAN_2023, make_store

CHROMIUM = "/usr/bin/chromium"

pytestmark = [pytest.mark.browser]
if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
    pytestmark.append(pytest.mark.skip(reason="Debian's Chromium is not installed (scripts/setup installs it: "
                                              "apt-get install chromium)"))
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")

A = "applications"
N, G = f"{A}.new_received.natural_person", f"{A}.granted.natural_person"
ISSUED, REPEALED, IN_FORCE = "active.regulations.issued", "active.regulations.repealed", "active.regulations.in_force"


def cell(ref: str) -> str:
    return f'input[name="c.{ref}"]'


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from gongkai.store import Store
    from gongkai.web import auth, create_app
    from gongkai.web.testing import running

    folder = tmp_path_factory.mktemp("writer-browser")
    db = str(folder / "b.sqlite3")
    make_store(db, reports=[ZHUJIAN_2023, XINGFU_2023])  # 奉新县住房和城乡建设局 2023: 现行有效 规章 27
    with Store.open(db) as store:
        auth.add_user(store.engine, "zhujian", PASSWORDS["zhujian"], "submitter",
                      agency_id=auth.resolve_agency(store.engine, "奉新县住房和城乡建设局"))
    app = create_app(db, workers=0)
    with running(app) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"))
        yield {"base": base, "browser": browser}
        browser.close()


def saved(page) -> None:
    page.locator("#save-state", has_text="草稿已保存").wait_for()


def test_the_writer_keeps_and_helps_the_clerk(site):
    base = site["base"]
    # a laptop's 1280-pixel screen at 125 %: some 1,024 CSS pixels across
    context = site["browser"].new_context(locale="zh-CN", viewport={"width": 1024, "height": 700})
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        page.goto(f"{base}/login")
        page.fill("#username", "zhujian")
        page.fill("#password", PASSWORDS["zhujian"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/write")
        page.wait_for_selector("#write-form")
        assert page.input_value(cell(IN_FORCE)) == "27"  # last year's, 制发 and 废止 not yet typed

        # typed, saved on the server, back after a reload
        page.fill(cell(N), "6")
        page.fill('textarea[name="s.1"]', "本年度总体情况（草稿）")
        saved(page)
        page.reload()
        page.wait_for_selector("#write-form")
        assert page.input_value(cell(N)) == "6"
        assert page.input_value('textarea[name="s.1"]') == "本年度总体情况（草稿）"
        assert "自动保存的草稿" in page.inner_text("#source")

        # 现行有效件数 = 27 + 制发 − 废止, until the clerk types it
        page.fill(cell(ISSUED), "4")
        page.fill(cell(REPEALED), "9")
        assert page.input_value(cell(IN_FORCE)) == "22"
        page.fill(cell(IN_FORCE), "25")
        page.fill(cell(ISSUED), "5")
        assert page.input_value(cell(IN_FORCE)) == "25"

        # a 3×2 block from Excel, pasted at （一）予以公开 · 自然人
        page.evaluate("""([selector, text]) => {
            const el = document.querySelector(selector);
            el.focus();
            const data = new DataTransfer();
            data.setData('text/plain', text);
            el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }""", [cell(G), "1\t2\r\n3\t4\r\n5\t6\r\n"])
        block = {f"{A}.granted.natural_person": "1", f"{A}.granted.commercial": "2",
                 f"{A}.partially_granted.natural_person": "3", f"{A}.partially_granted.commercial": "4",
                 f"{A}.withheld_state_secret.natural_person": "5", f"{A}.withheld_state_secret.commercial": "6"}
        assert {ref: page.input_value(cell(ref)) for ref in block} == block
        assert page.input_value(cell(f"{A}.granted.research")) == ""  # nothing beyond the block
        assert page.input_value(cell(f"{A}.total_processed.natural_person")) == "9"  # 1 + 3 + 5, computed
        assert "已粘贴 6 格" in page.inner_text("#tool-note")

        # arrow keys and Enter between cells
        def focused() -> str:
            return page.evaluate("document.activeElement.name")

        page.focus(cell(G))
        page.keyboard.press("ArrowDown")
        assert focused() == f"c.{A}.partially_granted.natural_person"
        page.keyboard.press("ArrowRight")
        assert focused() == f"c.{A}.partially_granted.commercial"
        page.keyboard.press("ArrowUp")
        assert focused() == f"c.{A}.granted.commercial"
        page.keyboard.press("ArrowLeft")
        assert focused() == f"c.{A}.granted.natural_person"
        page.keyboard.press("Enter")
        assert focused() == f"c.{A}.partially_granted.natural_person"
        assert "/write" in page.url  # Enter sent nothing

        # one click: the untouched blank cells get 0, what was typed or prefilled stays
        page.click("#fill-zero")
        assert page.input_value(cell(f"{A}.withheld_security.research")) == "0"
        assert page.input_value(cell("review_litigation.review.upheld")) == "0"
        assert page.input_value(cell(N)) == "6" and page.input_value(cell(IN_FORCE)) == "25"
        assert page.input_value(cell(f"{A}.carried_over.natural_person")) == "0"  # prefilled from 2023's 结转 0
        assert page.input_value(cell("review_litigation.review.total")) == "0"  # a total: computed, not filled
        assert "个空格填为 0" in page.inner_text("#tool-note")
        saved(page)

        # the live-check panel stays in view, wherever the form is scrolled to
        height = page.viewport_size["height"]
        for y in ("document.body.scrollHeight / 2", "document.body.scrollHeight"):
            page.evaluate(f"window.scrollTo(0, {y})")
            page.wait_for_timeout(100)
            box = page.locator("#check-summary").bounding_box()
            assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height, box
        page.locator("#check-summary", has_text="错误").wait_for()

        # leaving with a change not yet saved is warned about
        dialogs = []

        def answer(dialog):
            dialogs.append(dialog.type)
            dialog.dismiss()

        page.on("dialog", answer)
        page.click('textarea[name="s.5"]')
        page.keyboard.type("存在的问题")
        page.evaluate("location.href = '/reports'")
        page.wait_for_timeout(300)
        assert dialogs == ["beforeunload"] and "/write" in page.url
        saved(page)
    finally:
        context.close()
