"""The Chinese pages speak Chinese. A store lived in for a while — findings confirmed and dismissed, a
report submitted, returned and corrected, files refused, applications registered, deadlines set, a user
added — is walked in a real browser (Playwright driving Debian's Chromium) as an administrator, a county
reviewer and a township clerk: every page reachable from the 工作台, plus the pages only a form or a wrong
address reaches. No page shows an internal key (``active``, ``applications``, ``not-a-report``), a Python
list or ``None``, or an English sentence; only the Latin a clerk knows stays (PDF, Word, Excel, GK codes,
file names, web addresses). A report that does not exist and one outside the user's scope get the same
404 "找不到"; counts and sums carry thousands separators; the legend has a colour for 提示; the findings
panel fits a 1280-pixel screen at 125% (1024 CSS pixels)."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlparse

import pytest
from fastapi.testclient import TestClient

from gongkai.inputs import REPORT_SUFFIXES
from gongkai.store import Store
from gongkai.web import create_app
from gongkai.web.zh import audit_detail, audit_target, format_name, num, value_zh

from web_support import GANFANG_2023, PASSWORDS, SAMPLES, SEEDS, api_login, make_store

CHROMIUM = "/usr/bin/chromium"
BUREAU = "奉新县市场监督管理局"
OPINION = "表三“（六）其他处理”缺少“3.其他”一行，请补齐后重新报送。"
ROLES = ("admin", "fengxin", "ganfang")  # an administrator, 奉新县's reviewer, 甘坊镇's clerk
COUNTY = "江西省/宜春市/奉新县"
BUREAU_DISMISSAL = "本局报告按县里统一模板编写，经核实内容齐全"



# ---------------------------------------------------------------------------------------------- the store


def _bureau_with_many_licences(folder: Path) -> Path:
    """奉新县市场监督管理局's 2023 report with 1,234 licensing decisions (32 as printed): a sum above 999."""
    text = (SAMPLES / f"2023_{BUREAU}.txt").read_text("utf-8")
    assert "\t行政许可\n\t32\n" in text
    path = folder / f"2023_{BUREAU}.txt"
    path.write_text(text.replace("\t行政许可\n\t32\n", "\t行政许可\n\t1234\n"), "utf-8")
    return path


def _client(app, who: str) -> TestClient:
    c = TestClient(app)  # no lifespan: the store stays open for the browser afterwards
    api_login(c, who)
    return c


def _lived_in(app, ids: dict) -> None:
    """A year's work through the application's own routes (forms, as the pages post them)."""
    office, clerk, admin = _client(app, "fengxin"), _client(app, "ganfang"), _client(app, "admin")
    rid, ag = ids["ganfang"], ids["ganfang_agency"]
    findings = office.get(f"/api/reports/{rid}/findings").json()["findings"]
    warning = next(f for f in findings if f["severity"] == "warning")
    info = next(f for f in findings if f["severity"] == "info")
    assert office.post(f"/reports/{rid}/findings/{warning['fingerprint']}",
                       data={"decision": "dismissed", "comment": "经电话核实，该镇本年无此类申请"}).status_code == 200
    assert office.post(f"/reports/{rid}/findings/{info['fingerprint']}",
                       data={"decision": "accepted", "comment": "请改正"}).status_code == 200
    bureau = office.get(f"/api/reports/{ids['bureau']}/findings").json()["findings"]
    assert office.post(f"/reports/{ids['bureau']}/findings/"
                       f"{next(f for f in bureau if f['severity'] == 'warning')['fingerprint']}",
                       data={"decision": "dismissed", "comment": BUREAU_DISMISSAL}).status_code == 200
    assert clerk.post(f"/cycle/{ag}/2023/move", data={"action": "submit", "comment": "表三按县里要求填写"},
                      follow_redirects=False).status_code == 303
    assert office.post(f"/cycle/{ag}/2023/move", data={"action": "return", "comment": OPINION},
                       follow_redirects=False).status_code == 303
    fixed = GANFANG_2023.read_text("utf-8").replace(
        "\t\n\t（七）总计\n", "\t\n\t3.其他\n" + "\t0\n" * 7 + "\n\t\n\t（七）总计\n")
    r = clerk.post("/upload", files=[
        ("files", ("会议纪要.txt", "关于召开政务公开工作会议的通知\n请各单位于3月1日参加。".encode(), "text/plain")),
        ("files", ("扫描件.pdf", b"%PDF-1.4 broken", "application/pdf")),
        ("files", ("甘坊镇2023修改稿.txt", fixed.encode(), "text/plain"))])
    assert r.status_code == 200 and "已入库" in r.text
    for number, day in (("2024-001", "2024-11-18"), ("2024-002", "2024-12-02")):
        assert clerk.post("/register/add", data={
            "agency_id": str(ag), "number": number, "channel": "in_person", "submitted": day,
            "applicant_type": "natural_person", "applicant": "张三", "content": "某项目的规划许可文件"},
            follow_redirects=False).status_code == 303
    assert office.post("/cycle/settings", data={"region": "江西省/宜春市/奉新县", "office": "奉新县人民政府办公室",
                                                "department_due": "1月31日", "township_due": "2月20日"},
                       follow_redirects=False).status_code == 303
    assert admin.post("/admin/users", data={"username": "lisi", "role": "reviewer",
                                            "region": "江西省/宜春市/奉新县"}).status_code == 200


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("chinese")
    db = str(folder / "zh.sqlite3")
    make_store(db, reports=SEEDS + sorted(SAMPLES.glob("2022_*.txt")) + [_bureau_with_many_licences(folder)])
    with Store.open(db) as store:
        rows = store.reports()
        ganfang = next(r for r in rows if r.agency == "甘坊镇人民政府" and r.year == 2023)
        xingfu = next(r for r in rows if "幸福乡" in (r.agency or ""))
        bureau = next(r for r in rows if r.agency == BUREAU and r.year == 2023)
        ids = {"ganfang": ganfang.id, "ganfang_agency": ganfang.agency_id, "xingfu": xingfu.id,
               "xingfu_agency": xingfu.agency_id, "bureau": bureau.id, "bureau_agency": bureau.agency_id,
               "missing": max(r.id for r in rows) + 1000}
    app = create_app(db, workers=0)
    _lived_in(app, ids)
    with Store.open(db) as store:
        ids["corrected"] = next(r.id for r in store.reports() if r.agency == "甘坊镇人民政府" and r.year == 2023)
    yield {"app": app, "db": db, "folder": folder, "ids": ids}


# ---------------------------------------------------------------------------------------------- what may show

SUFFIXES = tuple(REPORT_SUFFIXES) + (".xlsx", ".csv", ".docx", ".png")
# Latin a clerk knows: format and program names, units, encodings, the product's name; the users' names and
# the address the test client gives as its own (the audit log's 地址 column)
ALLOWED_WORDS = {"PDF", "Word", "Excel", "WPS", "RTF", "MHT", "OpenDocument", "CSV", "JSON", "MB", "KB",
                 "UTF-8", "GBK", "gongkai", *PASSWORDS, "lisi", "testclient"}
TOKEN = re.compile(r"[A-Za-z0-9_.\-@/:%?=&#+~]*[A-Za-z][A-Za-z0-9_.\-@/:%?=&#+~]*")
REPRS = ("None", "True", "False", "['", "{'", "[]", "{}", "nan")


def foreign(text: str) -> list[str]:
    """The Latin words of a page a clerk should not meet: not a format, a GK code, a file name, a web or
    mail address, a fingerprint or a user's name."""
    out = []
    for tok in TOKEN.findall(text):
        word = tok.strip(".:/-")
        if (word in ALLOWED_WORDS or re.fullmatch(r"GK\d{3}", word) or re.fullmatch(r"[0-9a-f]{8,}", word)
                or word.lower().endswith(SUFFIXES) or (tok.startswith(".") and tok.lower() in SUFFIXES)
                or re.match(r"(https?://|www\.)", word) or re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", word)):
            continue
        out.append(tok)
    return out


def test_what_counts_as_foreign():
    assert foreign("错误 GK111 涉及表三；文件 003_50aa6597b9c6048c.txt（纯文本）；PDF、Word（.docx）、.wps") == []
    assert foreign("网址 http://www.fengxin.gov.cn 邮箱 gkb@fengxin.gov.cn 指纹 53c0f2d0c9fe") == []
    assert foreign("表 applications 第 active 行") == ["applications", "active"]
    assert foreign("原因 not-a-report，role=submitter") == ["not-a-report", "role=submitter"]
    assert foreign("文件 text") == ["text"]


# ---------------------------------------------------------------------------------------------- the browser

# the text a person can read on the page, and the words in its tooltips, placeholders and labels
PAGE_TEXT = """() => {
  const out = [];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = w.nextNode(); n; n = w.nextNode()) {
    const p = n.parentElement;
    if (p && !p.closest('script,style,template') && n.textContent.trim()) out.push(n.textContent.trim());
  }
  for (const e of document.querySelectorAll('[title],[placeholder],[alt],[aria-label]'))
    for (const a of ['title', 'placeholder', 'alt', 'aria-label']) if (e.getAttribute(a)) out.push(e.getAttribute(a));
  for (const o of document.querySelectorAll('option')) out.push(o.textContent);
  return [document.title].concat(out).join('\\n');
}"""
SKIP = re.compile(r"/logout|/original$|/render/|\.xlsx|\.docx|/api/|/static/|crop\.png|/openapi")
PER_KIND = 3  # pages of one kind (path shape and query keys) walked per role


def _shape(path: str) -> str:
    u = urlparse(path)
    return re.sub(r"\d+", "N", u.path) + "?" + ",".join(sorted({k for k, _ in parse_qsl(u.query)}))


@pytest.fixture(scope="module")
def browser(site):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian's Chromium is not installed (scripts/setup installs it)")
    from gongkai.web.testing import running

    with running(site["app"]) as base, sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"))
        yield {"base": base, "browser": b}
        b.close()


def _page(browser, who: str | None, width: int = 1280, height: int = 900):
    context = browser["browser"].new_context(locale="zh-CN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(20000)
    if who:
        page.goto(f"{browser['base']}/login")
        page.fill("#username", who)
        page.fill("#password", PASSWORDS[who])
        page.click("button[type=submit]")
        page.wait_for_url(f"{browser['base']}/")
    return context, page


def walk(page, base: str, extra: list[str]) -> dict[str, tuple[int, str]]:
    """Every page reachable from the 工作台 by links (a few of each kind), and ``extra``: path → (status, text)."""
    todo, seen, kinds = ["/", *extra], set(), Counter()
    out: dict[str, tuple[int, str]] = {}
    while todo:
        path = todo.pop(0)
        if path in seen or (kinds[_shape(path)] >= PER_KIND and path not in extra):
            continue
        seen.add(path)
        kinds[_shape(path)] += 1
        response = page.goto(base + path)
        if response is None or "html" not in (response.headers.get("content-type") or ""):
            continue
        out[path] = (response.status, page.evaluate(PAGE_TEXT))
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            u = urlparse(urljoin(base + path, href))
            link = u.path + (f"?{u.query}" if u.query else "")
            if u.netloc == urlparse(base).netloc and not SKIP.search(link) and link not in seen:
                todo.append(link)
    return out


def _judge(pages: dict[str, tuple[int, str]]) -> list[str]:
    bad = []
    for path, (status, text) in pages.items():
        if status >= 500:
            bad.append(f"{path}: status {status}")
        words = foreign(text)
        if words:
            bad.append(f"{path}: {sorted(set(words))[:12]}")
        reprs = [r for r in REPRS if re.search(rf"(?<![A-Za-z]){re.escape(r)}(?![A-Za-z])", text)]
        if reprs:
            bad.append(f"{path}: {reprs}")
        if re.search(r"(?<![\d,])2,0[12]\d(?![\d,])", text):
            bad.append(f"{path}: a year printed with a thousands separator")
    return bad


@pytest.mark.browser
@pytest.mark.parametrize("who", ROLES)
def test_every_page_speaks_chinese(site, browser, who):
    ids = site["ids"]
    licences = "/rollup/cell?" + urlencode({"region": COUNTY, "year": 2023, "ref": "active.licensing.decisions"})
    extra = {  # pages a form or a typed address reaches, not a link
        "admin": ["/reports?unreadable=1", "/admin/audit", "/admin/users", f"/reports/{ids['missing']}",
                  "/cycle/settings?region=%E6%B1%9F%E8%A5%BF%E7%9C%81%2F%E5%AE%9C%E6%98%A5%E5%B8%82%2F%E5%A5%89%E6%96%B0%E5%8E%BF",
                  f"/rollup?region={quote('长春市')}", licences],  # a region without the agency list
        "fengxin": [f"/reports/{ids['xingfu']}", "/admin/users", "/cycle/settings", "/reports?unreadable=1",
                    f"/cycle/{ids['ganfang_agency']}/2023/opinion", f"/reports/{ids['bureau']}",
                    f"/rollup?region={quote('长春市')}", licences, licences.replace("active.licensing", "nope.x")],
        "ganfang": [f"/reports/{ids['xingfu']}", f"/agencies/{ids['xingfu_agency']}", "/cycle/settings",
                    "/reports?unreadable=1", f"/cycle/{ids['ganfang_agency']}/2023/opinion", "/account",
                    "/rollup", licences, f"/write?agency_id={ids['xingfu_agency']}"],
    }[who]
    context, page = _page(browser, who)
    try:
        pages = walk(page, browser["base"], extra)
    finally:
        context.close()
    assert len(pages) >= {"admin": 25, "fengxin": 20, "ganfang": 15}[who], sorted(pages)
    assert _judge(pages) == []
    # the roll-up (its drill-down too) and the writer are among the pages judged
    if who != "ganfang":
        assert [p for p, (s, _) in pages.items() if p.startswith("/rollup?") and s == 200], sorted(pages)
        assert pages[licences][0] == 200 and re.search(r"合计\s*1,234\s*，", pages[licences][1])
    else:  # a clerk has no roll-up: told who has, in words
        assert pages["/rollup"][0] == 403 and "地区汇总只有审核人和管理员可以查看" in pages["/rollup"][1]
    assert [p for p, (s, _) in pages.items() if p.startswith("/write?") and s == 200], sorted(pages)
    # the report pages say where in the source a value was printed, in Chinese
    report = next(t for p, (s, t) in pages.items() if re.fullmatch(r"/reports/\d+", p) and s == 200 and "原文（" in t)
    assert re.search(r"原文（第\d+行）", report)
    if who != "fengxin":  # the clerk's own uploads; the reviewer uploaded none
        failures = pages["/reports?unreadable=1"][1]
        assert "不是政府信息公开年度报告" in failures and "文件已损坏" in failures


@pytest.mark.browser
def test_the_login_page_speaks_chinese(site, browser):
    context, page = _page(browser, None)
    try:
        page.goto(f"{browser['base']}/login")
        page.fill("#username", "ganfang")
        page.fill("#password", "wrong-password-1")
        page.click("button[type=submit]")
        text = page.evaluate(PAGE_TEXT)
    finally:
        context.close()
    assert "用户名或密码不正确" in text and foreign(text) == []


# ---------------------------------------------------------------------------------------------- 404 alike


def _missing_and_outside(site):
    ids = site["ids"]
    return [
        (f"/reports/{ids['missing']}", f"/reports/{ids['xingfu']}", "报告"),
        (f"/reports/{ids['missing']}/original", f"/reports/{ids['xingfu']}/original", "报告"),
        (f"/api/reports/{ids['missing']}", f"/api/reports/{ids['xingfu']}", "报告"),
        (f"/api/reports/{ids['missing']}/findings", f"/api/reports/{ids['xingfu']}/findings", "报告"),
        (f"/agencies/{ids['missing']}", f"/agencies/{ids['xingfu_agency']}", "机关"),
        (f"/cycle/{ids['missing']}/2023", f"/cycle/{ids['xingfu_agency']}/2023", "机关"),
        (f"/cycle/{ids['missing']}/2023/opinion", f"/cycle/{ids['xingfu_agency']}/2023/opinion", "机关"),
        (f"/register?agency_id={ids['missing']}", f"/register?agency_id={ids['xingfu_agency']}", "机关"),
    ]


@pytest.mark.parametrize("who", ["fengxin", "ganfang"])
def test_a_report_outside_the_scope_is_not_found_like_a_missing_one(site, who):
    client = _client(site["app"], who)
    for missing, outside, what in _missing_and_outside(site):
        a, b = client.get(missing), client.get(outside)
        assert (a.status_code, b.status_code) == (404, 404), (missing, outside)
        if missing.startswith("/api"):
            da, db = a.json(), b.json()
            assert da["title"] == db["title"] == f"找不到该{what}"
            assert da["detail"].startswith("找不到编号为") and foreign(da["detail"]) == []
            assert da["detail"].replace(missing.split("/")[3], "N") == db["detail"].replace(outside.split("/")[3], "N")
        else:
            assert f"<h1>找不到该{what}</h1>" in a.text and f"<h1>找不到该{what}</h1>" in b.text
            assert "无权" not in b.text  # nothing says it exists
    # a move on another agency's year: the same answer as on none, and nothing moves
    ids = site["ids"]
    for agency in (ids["missing"], ids["xingfu_agency"]):
        r = client.post(f"/cycle/{agency}/2023/move", data={"action": "submit", "comment": "代报"})
        assert r.status_code == 404 and f"找不到编号为 {agency} 的机关" in r.text


def test_a_role_that_may_not_act_is_told_who_may(site):
    ids = site["ids"]
    reviewer, clerk = _client(site["app"], "fengxin"), _client(site["app"], "ganfang")
    r = reviewer.get("/admin/users")
    assert r.status_code == 403 and "只有管理员可以" in r.text
    r = clerk.post(f"/reports/{ids['corrected']}/findings/0123456789abcdef01234567", data={"decision": "accepted"})
    assert r.status_code == 403 and "只有审核人和管理员可以确认或驳回问题" in r.text
    r = clerk.get("/api/users")
    assert r.status_code == 403 and r.json()["detail"] == "只有管理员可以管理用户和查看操作日志。"


def test_api_messages_are_chinese(site):
    app = site["app"]
    anonymous = TestClient(app)
    r = anonymous.get("/api/me")
    assert r.status_code == 401 and foreign(r.json()["detail"].replace("POST /api/session", "")) == []
    r = anonymous.post("/api/session", json={"username": "ganfang", "password": "wrong-password-1"})
    assert r.status_code == 401 and r.json()["detail"] == "用户名或密码不正确，或账户已停用。"
    clerk = _client(app, "ganfang")
    r = clerk.get("/api/reports/abc")
    assert r.status_code == 422 and foreign(r.json()["detail"]) == []
    token = clerk.headers.pop("X-CSRF-Token")
    r = clerk.post(f"/api/reports/{site['ids']['corrected']}/findings/x/decision", json={"decision": "accepted"})
    assert r.status_code == 403 and foreign(r.json()["detail"].replace("X-CSRF-Token", "")) == []
    clerk.headers["X-CSRF-Token"] = token
    admin = _client(app, "admin")
    failures = admin.get("/api/failures").json()["failures"]
    assert {f["reason_zh"] for f in failures} >= {"不是政府信息公开年度报告", "文件已损坏"}
    assert all("message_en" not in f and foreign(f["message"]) == [] for f in failures)


def test_a_page_form_without_its_token_is_refused_in_chinese(site):
    clerk = _client(site["app"], "ganfang")
    del clerk.headers["X-CSRF-Token"]
    r = clerk.post("/upload", data={"csrf_token": "stale"}, files=[("files", ("a.txt", b"x", "text/plain"))])
    assert r.status_code == 403 and "安全校验未通过" in r.text and "CSRF" not in r.text


# ---------------------------------------------------------------------------------------------- words and numbers


def test_numbers_have_thousands_separators_and_years_do_not():
    assert (num(1234), num(1234567), num(999), num(0), num(12.5), num(1234.5), num(2.0), num(None)) == (
        "1,234", "1,234,567", "999", "0", "12.5", "1,234.5", "2", "—")


def test_a_sum_above_999_is_shown_with_a_separator(site):
    ids = site["ids"]
    reviewer = _client(site["app"], "fengxin")
    agency = reviewer.get(f"/agencies/{ids['bureau_agency']}").text
    row = re.search(r"<td>行政许可决定</td>(.*?)</tr>", agency, re.S).group(1)
    assert "1,234" in row and "1234" not in row
    assert re.search(r">2023</a>", agency)  # a year is a year
    report = reviewer.get(f"/reports/{ids['bureau']}").text
    assert "实际：<b>1,234</b>" in report  # GK603: 28 licensing decisions last year, 1,234 this year
    assert ">1234</td>" in report  # the table shows what the report printed


# ---------------------------------------------------------------------------------------------- the roll-up


def _between(html: str, ident: str) -> str:
    start = html.index(f'id="{ident}"')
    return html[start:html.index("</table>", start)]


def test_the_rollup_ranks_agencies_by_their_open_findings(site):
    """各机关问题排名 counts as every other page does: the bureau's warning, dismissed with a reason, no longer
    counts (it has 0 errors, 1 warning and 1 info stored); 甘坊镇's corrected version has no decisions."""
    reviewer = _client(site["app"], "fengxin")
    html = reviewer.get("/rollup", params={"region": COUNTY, "year": 2023}).text
    rows = re.findall(r'<tr data-agency="([^"]+)">.*?<td class="num[^"]*">([\d,]+)</td><td class="num">([\d,]+)</td>'
                      r'<td class="num">([\d,]+)</td></tr>', _between(html, "ranking"))
    assert rows == [("甘坊镇人民政府", "3", "5", "4"), (BUREAU, "0", "0", "1")]
    stored = reviewer.get(f"/api/reports/{site['ids']['bureau']}/findings").json()["findings"]
    assert sorted(f["severity"] for f in stored) == ["info", "warning"]


def test_the_rollup_prints_sums_with_separators_and_its_drill_down_too(site):
    reviewer = _client(site["app"], "fengxin")
    html = reviewer.get("/rollup", params={"region": COUNTY, "year": 2023}).text
    assert re.search(r'data-ref="active\.licensing\.decisions"[^>]*><a class="drill"[^>]*>1,234</a>', html)
    assert "<span>行政许可决定</span><b>1,234</b>" in html
    cell = reviewer.get("/rollup/cell", params={"region": COUNTY, "year": 2023,
                                                "ref": "active.licensing.decisions"}).text
    assert "合计 <b>1,234</b>，由 1 个机关的数据相加而成，另有 1 个机关填 0。" in cell
    assert f'<td>{BUREAU}</td><td>县级部门</td><td class="num">1,234</td>' in cell and "1234" not in cell


def test_the_rollup_says_in_words_how_to_know_who_has_not_reported(site):
    """长春市's agencies are not in the office's list: the page says to have the list imported, in Chinese."""
    admin = _client(site["app"], "admin")
    html = admin.get("/rollup", params={"region": "长春市"}).text
    start = html.index(">", html.index('id="coverage-note"')) + 1
    note = html[start:html.index("</p>", start)]
    assert "请把本地区应报机关的名录（各机关的名称、级别和所在地区）交给管理员导入系统" in note
    assert "<code>" not in note and foreign(re.sub(r"<[^>]+>", "", note)) == []


def test_a_rollup_choice_outside_the_scope_is_not_found_like_a_missing_one(site):
    from sqlalchemy import func, select

    from gongkai.store.rollup_choices import web_rollup_choices

    ids = site["ids"]
    reviewer = _client(site["app"], "fengxin")
    answers = []
    for agency in (ids["missing"], ids["xingfu_agency"]):
        r = reviewer.post("/rollup/choice", data={"region": COUNTY, "year": 2023, "agency_id": agency,
                                                  "action": "exclude", "reason": "数据有误"})
        assert r.status_code == 404 and "<h1>找不到该机关</h1>" in r.text and "无权" not in r.text
        assert f"找不到编号为 {agency} 的机关" in r.text
        answers.append(r.text.replace(str(agency), "N"))
    assert answers[0] == answers[1]
    # a clerk may not choose at all, not even for its own agency: told who may
    clerk = _client(site["app"], "ganfang")
    r = clerk.post("/rollup/choice", data={"region": COUNTY, "year": 2023, "agency_id": ids["ganfang_agency"],
                                           "action": "exclude", "reason": "本镇申请不计入"})
    assert r.status_code == 403 and "只有审核人和管理员可以决定报告是否计入汇总" in r.text
    r = clerk.get("/rollup")
    assert r.status_code == 403 and "地区汇总只有审核人和管理员可以查看" in r.text
    # a region the reviewer does not review: told why, in words
    r = reviewer.get("/rollup", params={"region": "长春市"})
    assert r.status_code == 403 and "您无权查看该地区的汇总" in r.text
    with Store.open(site["db"]) as store, store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(web_rollup_choices)).scalar_one() == 0


# ---------------------------------------------------------------------------------------------- the writer


def test_the_writer_says_what_is_wrong_in_chinese(site):
    """A form the writer cannot take (a stale page's cell, a year that is none) is refused in Chinese alone:
    no "(invalid data …)" after the reason, no internal cell key."""
    ids = site["ids"]
    reviewer = _client(site["app"], "fengxin")
    form = {"agency_id": str(ids["bureau_agency"]), "agency": BUREAU, "year": "2024", "edition": "2021",
            "c.applications.new_received.natural_person": "3"}
    for path in ("/write/render", "/write/store"):
        r = reviewer.post(path, data={**form, "c.applications.nowhere.total": "3"})
        assert r.status_code == 422, (path, r.status_code)
        assert "单元格名称有误：2021年版格式的表三中没有这一格。如在网页上填写，页面可能已过期，请刷新后重新填写。" in r.text
        assert "nowhere" not in r.text and "(" not in re.sub(r"<script.*?</script>|<[^>]+>", "", r.text, flags=re.S)
    r = reviewer.post("/write/render", data={**form, "fmt": "pdf"})
    assert r.status_code == 400 and "下载格式应为 Word 或网页" in r.text
    clerk = _client(site["app"], "ganfang")
    r = clerk.post("/write/submit", data={**form, "agency_id": str(ids["ganfang_agency"]), "agency": "甘坊镇人民政府",
                                          "date": "2024年13月45日", "note": "按要求填写"})
    assert r.status_code == 422 and "报告数据有误，未提交：数据有误（本页填写的报告）： 落款日期“2024年13月45日”无法识别" in r.text
    assert "invalid data" not in r.text
    # another agency's id: not found for a clerk as for a reviewer, the same words
    for client, agency in ((clerk, ids["xingfu_agency"]), (reviewer, ids["xingfu_agency"]), (clerk, ids["missing"])):
        r = client.post("/write/render", data={**form, "agency_id": str(agency)})
        assert r.status_code == 404 and f"找不到编号为 {agency} 的机关" in r.text and "无权" not in r.text


def test_the_writers_buttons_name_formats_in_chinese(site):
    page = _client(site["app"], "ganfang").get("/write").text
    assert '<button type="submit" name="fmt" value="html" id="download-html">下载网页</button>' in page
    assert "HTML）" not in page and "Ctrl" not in page


def test_values_in_words():
    from gongkai.formats import get_edition

    ed = get_edition("2021")
    assert value_zh(None) is None and value_zh("  ") == "空白" and value_zh(12000) == "12,000"
    assert value_zh(["一、总体情况", "二、主动公开政府信息情况"]) == "一、总体情况、二、主动公开政府信息情况"
    assert value_zh([[12, 1, 0], [1, 21, 0]]) == "12、1、0 或 1、21、0"
    assert value_zh({"applications.new_received.total": 1500, "applications.granted.total": 3}, ed) == (
        "表三「一、本年新收」总计 1,500；表三「（一）予以公开」总计 3")
    assert (format_name("text"), format_name("html"), format_name("pdf")) == ("纯文本", "网页", "PDF")
    assert format_name("docx").startswith("Word") and format_name("doc").startswith("Word")
    assert format_name("nonsense") == "未知格式"


def test_the_audit_log_in_words():
    assert audit_target("report:12") == ("报告 #12", "/reports/12")
    assert audit_target("report:None") == ("报告", None)
    assert audit_target("user:admin") == ("用户 admin", None)
    assert audit_target("application:7") == ("申请登记 #7", "/register/7")
    assert audit_target("thing:1") == ("—", None)
    assert audit_detail("user.add", {"role": "reviewer", "region": "江西省/宜春市/奉新县", "cli": True}) == [
        ("角色", "审核人"), ("地区", "江西省/宜春市/奉新县"), ("方式", "在命令行操作")]
    assert audit_detail("upload.failed", {"name": "会议纪要.txt", "sha256": "ab" * 32, "size": 2048,
                                          "status": "refused", "reason": "not-a-report", "message": None}) == [
        ("文件", "会议纪要.txt"), ("大小", "2.0 KB"), ("结果", "未接收"), ("原因", "不是政府信息公开年度报告")]
    assert audit_detail("cycle.return", {"from": "submitted", "to": "returned", "year": 2023}) == [
        ("年度", "2023"), ("原状态", "已提交（待审核）"), ("改为", "退回修改")]
    assert audit_detail("cycle.office", {"department": "01-31", "township": "02-20"}) == [
        ("政府部门截止日期", "1月31日"), ("乡镇、街道截止日期", "2月20日")]
    assert audit_detail("user.active", {"active": False}) == [("改为", "停用")]


# ---------------------------------------------------------------------------------------------- the report page


@pytest.mark.browser
def test_the_legend_has_a_colour_for_info(site, browser):
    context, page = _page(browser, "fengxin")
    try:
        page.goto(f"{browser['base']}/reports/{site['ids']['corrected']}")
        legend = page.locator("p.legend")
        assert "提示涉及" in legend.inner_text()
        colour = {sev: legend.locator(f".lg.flag-{sev}").evaluate("e => getComputedStyle(e).backgroundColor")
                  for sev in ("error", "warning", "info")}
        assert len(set(colour.values())) == 3 and "rgba(0, 0, 0, 0)" not in colour.values()
        cell = page.locator("td.flag-info").first  # a cell only an info finding names (GK116's row label)
        assert cell.evaluate("e => getComputedStyle(e).backgroundColor") == colour["info"]
    finally:
        context.close()


@pytest.mark.browser
def test_the_findings_panel_fits_a_1280_pixel_screen_at_125_percent(site, browser, tmp_path):
    context, page = _page(browser, "fengxin", width=1024, height=720)
    try:
        page.goto(f"{browser['base']}/reports/{site['ids']['corrected']}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024  # nothing runs off to the right
        page.locator("article.finding p.msg").first.click()  # its cells light up; the panel stays beside them
        page.wait_for_timeout(800)
        panel = page.locator("#findings")
        panel.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        box = panel.bounding_box()
        shot = tmp_path / "report-1024.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1024, box
        assert box["y"] >= 0 and box["y"] + box["height"] <= 720, box
        tables = page.locator(".review-tables").bounding_box()
        assert tables is not None and tables["x"] + tables["width"] <= box["x"]  # beside the tables, not below
        assert page.locator("td.focus").first.is_visible()
    finally:
        context.close()
