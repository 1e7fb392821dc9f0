"""Helpers for the web application's tests (no tests here): a store with the office's agency list and
reports, users of every role, and logging in through the HTTP API or the login form."""

from __future__ import annotations

import re
from pathlib import Path

from gongkai.store import Store
from gongkai.web import (
    auth,
    schema,  # noqa: F401  (the web's tables)
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "tests" / "data" / "seeds").glob("*.txt"))
AGENCIES_CSV = ROOT / "samples" / "agencies.csv"
GANFANG_2023 = ROOT / "tests" / "data" / "seeds" / "003_50aa6597b9c6048c.txt"  # 甘坊镇, 江西省奉新县: GK111 error
XINGFU_2023 = ROOT / "tests" / "data" / "seeds" / "004_48adf1365f76697a.txt"  # 幸福乡, 长春市南关区

PASSWORDS = {"admin": "admin-pass-1", "fengxin": "review-pass-1", "changchun": "review-pass-2",
             "ganfang": "submit-pass-1", "xingfu": "submit-pass-2"}


def make_store(db: str, *, reports: list[Path] | None = None, users: bool = True) -> None:
    with Store.open(db) as store:
        store.import_agencies(AGENCIES_CSV.read_bytes())
        if reports:
            store.ingest([str(p) for p in reports], jobs=1)
        if users:
            e = store.engine
            auth.add_user(e, "admin", PASSWORDS["admin"], "admin")
            auth.add_user(e, "fengxin", PASSWORDS["fengxin"], "reviewer", region="江西省/宜春市/奉新县")
            auth.add_user(e, "changchun", PASSWORDS["changchun"], "reviewer", region="长春市")
            if reports:
                auth.add_user(e, "ganfang", PASSWORDS["ganfang"], "submitter",
                              agency_id=auth.resolve_agency(e, "甘坊镇人民政府"))
                xingfu = next(r.agency_id for r in store.reports() if "幸福乡" in (r.agency or ""))
                auth.add_user(e, "xingfu", PASSWORDS["xingfu"], "submitter", agency_id=xingfu)


def api_login(client, username: str) -> str:
    """Log ``client`` in through the API; returns the CSRF token (also set as the client's default header)."""
    r = client.post("/api/session", json={"username": username, "password": PASSWORDS[username]})
    assert r.status_code == 200, r.text
    token = r.json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    return token


def form_login(client, username: str, password: str | None = None):
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"username": username, "password": password or PASSWORDS[username],
                                       "csrf_token": token, "next": "/"}, follow_redirects=False)


def page_csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


# ---------------------------------------------------------------------------------------------- write scope

SAMPLES = ROOT / "samples" / "奉新县"
ZHUJIAN_2023 = SAMPLES / "2023_奉新县住房和城乡建设局.txt"  # 奉新县住房和城乡建设局, in 江西省/宜春市/奉新县
PASSWORDS["zhujian"] = "submit-pass-3"


def as_agency(text: str, county: str) -> str:
    """A sample report of 奉新县's housing bureau, printed as the bureau of another county."""
    return text.replace("奉新县", county)


def make_write_store(db: str, folder: Path) -> None:
    """The office's agency list, the seed reports, 奉新县's 2023 reports, 高安市's housing bureau's 2023
    report (an agency the list does not name), and users of every role — 奉新县's housing bureau's clerk
    among them."""
    gaoan = folder / "2023_高安市住房和城乡建设局.txt"
    gaoan.write_text(as_agency(ZHUJIAN_2023.read_text(encoding="utf-8"), "高安市"), encoding="utf-8")
    make_store(db, reports=SEEDS + sorted(SAMPLES.glob("2023_*.txt")) + [gaoan])
    with Store.open(db) as store:
        e = store.engine
        auth.add_user(e, "zhujian", PASSWORDS["zhujian"], "submitter",
                      agency_id=auth.resolve_agency(e, "奉新县住房和城乡建设局"))
