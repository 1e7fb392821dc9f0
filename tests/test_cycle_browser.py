"""The office's year end to end in a real browser (Playwright driving Debian's Chromium, as
tests/test_web_browser.py): a clerk submits its report (refused without a reason while an error is open),
the reviewer returns it with an opinion and downloads the 审核意见书, the clerk sees the to-do, uploads a
corrected version and resubmits, the reviewer approves — and the 催报 list changes on the way."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from gongkai.store import Store

from web_support import GANFANG_2023, PASSWORDS, SEEDS, make_store

CHROMIUM = "/usr/bin/chromium"

pytestmark = [pytest.mark.browser]
if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
    pytestmark.append(pytest.mark.skip(reason="Debian's Chromium is not installed (scripts/setup installs it: "
                                              "apt-get install chromium)"))
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")

OPINION = "表三“（六）其他处理”缺少“3.其他”一行，请按2021年版格式补齐后重新报送。"
REASON = "表三（六）按县里的要求只填了两行"


@pytest.fixture(scope="module")
def cycle_site(tmp_path_factory):
    from gongkai.store import Store
    from gongkai.web import create_app
    from gongkai.web.testing import running

    folder = tmp_path_factory.mktemp("cycle-browser")
    db = str(folder / "cb.sqlite3")
    make_store(db, reports=SEEDS)  # the office's agencies, the seed reports, users of every role
    with Store.open(db) as store:
        ganfang = next(r for r in store.reports(year=2023) if r.agency == "甘坊镇人民政府")
    app = create_app(db)
    with running(app) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"))
        yield {"base": base, "browser": browser, "folder": folder, "report": ganfang.id, "agency": ganfang.agency_id}
        browser.close()


def _page(site, username: str):
    context = site["browser"].new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    base = site["base"]
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORDS[username])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return context, page


def _urged(page, base: str) -> dict[str, str]:
    """The 催报 list on the dashboard: agency → state."""
    page.goto(f"{base}/cycle?year=2023&show=urge")
    rows = page.locator("table.cycle-list tbody tr[data-agency]")
    return {rows.nth(i).get_attribute("data-agency"): rows.nth(i).get_attribute("data-state")
            for i in range(rows.count())}


def _downloaded(page, selector: str, folder: Path, name: str) -> bytes:
    with page.expect_download() as dl:
        page.click(selector)
    path = folder / name
    dl.value.save_as(path)
    return path.read_bytes()


def test_submit_return_resubmit_approve_in_the_browser(cycle_site):
    from docx import Document
    from openpyxl import load_workbook

    base, folder, rid, ag = cycle_site["base"], cycle_site["folder"], cycle_site["report"], cycle_site["agency"]
    clerk_ctx, clerk = _page(cycle_site, "ganfang")
    office_ctx, office = _page(cycle_site, "fengxin")
    try:
        assert _urged(office, base)["甘坊镇人民政府"] == "draft"
        urge = load_workbook(io.BytesIO(_downloaded(office, "#urge-xlsx", folder, "before.xlsx"))).active
        assert "甘坊镇人民政府" in {r[1] for r in urge.iter_rows(min_row=4, values_only=True)}

        # the clerk submits from its report's page: refused without a reason while GK111 is open
        clerk.goto(f"{base}/reports/{rid}")
        bar = clerk.locator("#cycle-state")
        assert "草稿" in bar.inner_text()
        bar.locator("form.move-submit button").click()
        clerk.wait_for_load_state()
        assert "还有 1 个错误没有改正" in clerk.content()
        clerk.goto(f"{base}/reports/{rid}")
        clerk.locator("#cycle-state form.move-submit textarea").fill(REASON)
        clerk.locator("#cycle-state form.move-submit button").click()
        clerk.wait_for_url(f"{base}/reports/{rid}")
        assert "已提交（待审核）" in clerk.locator("#cycle-state").inner_text()
        assert "甘坊镇人民政府" not in _urged(office, base)

        # the reviewer finds it waiting on its 工作台, reads the clerk's reason, returns it with an opinion
        office.goto(f"{base}/")
        waiting = office.locator("#waiting tr", has_text="甘坊镇人民政府")
        assert REASON in waiting.inner_text()
        waiting.locator("a", has_text="审核").click()
        office.wait_for_url(f"{base}/reports/{rid}")
        office.locator("#cycle-state form.move-return textarea").fill(OPINION)
        office.locator("#cycle-state form.move-return button").click()
        office.wait_for_url(f"{base}/reports/{rid}")
        assert "退回修改" in office.locator("#cycle-state .state").inner_text()
        office.locator("#cycle-state a", has_text="审核意见书").first.click()
        office.wait_for_selector("#opinion")
        sheet = office.inner_text("#opinion")
        assert "表三“（六）其他处理 3.其他”行" in sheet and OPINION in sheet and "奉新县人民政府办公室" in sheet
        paras = [p.text for p in Document(io.BytesIO(_downloaded(office, "#opinion-docx", folder, "op.docx"))).paragraphs]
        assert paras[0] == "审核意见书" and "甘坊镇人民政府：" in paras and f"审核意见：{OPINION}" in paras
        assert "1．表三“（六）其他处理 3.其他”行：规定为“3.其他”。" in paras and "奉新县人民政府办公室" in paras
        assert _urged(office, base)["甘坊镇人民政府"] == "returned"

        # the clerk's to-do: the returned year with the opinion; it uploads the corrected report and resubmits
        clerk.goto(f"{base}/")
        todo = clerk.locator('#todo article[data-year="2023"]')
        assert todo.get_attribute("data-state") == "returned" and OPINION in todo.inner_text()
        fixed = folder / "甘坊镇2023修改稿.txt"
        text = GANFANG_2023.read_text("utf-8")
        fixed.write_text(text.replace("\t\n\t（七）总计\n", "\t\n\t3.其他\n" + "\t0\n" * 7 + "\n\t\n\t（七）总计\n"), "utf-8")
        clerk.goto(f"{base}/upload")
        clerk.set_input_files("#files", str(fixed))
        clerk.click("#upload-button")
        clerk.wait_for_selector("table.results")
        assert "已入库" in clerk.inner_text("table.results")
        clerk.goto(f"{base}/")
        todo = clerk.locator('#todo article[data-year="2023"]')
        assert "已上传修改稿" in todo.inner_text() and "错误" not in todo.locator("form.move-resubmit label").inner_text()
        todo.locator("form.move-resubmit button").click()
        clerk.wait_for_url(f"{base}/")
        assert clerk.locator('#todo article[data-year="2023"]').get_attribute("data-state") == "submitted"

        # the reviewer sees what changed and approves; the 催报 list no longer names it
        office.goto(f"{base}/cycle/{ag}/2023")
        assert "第 2 稿" in office.content()
        assert "表三“（六）其他处理 3.其他”行“自然人”列" in office.inner_text("section.diff")
        history = office.inner_text("table.history")
        assert "重新提交" in history and "退回修改" in history and OPINION in history
        office.locator("#cycle-state form.move-approve button").click()
        office.wait_for_url(f"{base}/cycle/{ag}/2023")
        assert "已通过" in office.locator("#cycle-state .state").inner_text()
        assert "甘坊镇人民政府" not in _urged(office, base)
        urge = load_workbook(io.BytesIO(_downloaded(office, "#urge-xlsx", folder, "after.xlsx"))).active
        assert "甘坊镇人民政府" not in {r[1] for r in urge.iter_rows(min_row=4, values_only=True)}
        clerk.goto(f"{base}/")
        assert clerk.locator('#todo article[data-year="2023"]').count() == 0
        # the county's roll-up sums the approved, corrected version
        with Store.open(str(folder / "cb.sqlite3")) as store:
            (now,) = [r for r in store.reports(year=2023) if r.agency_id == ag]
        office.goto(f"{base}/rollup?region=奉新县&year=2023")
        assert office.locator(f'a[href="/reports/{now.id}"]').count() >= 1
        assert office.locator(f'a[href="/reports/{cycle_site["report"]}"]').count() == 0  # not the returned one
    finally:
        clerk_ctx.close()
        office_ctx.close()
