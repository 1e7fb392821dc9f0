"""The store's writer under a write guard (gongkai.access), on SQLite and PostgreSQL: a report is stored only
for the agency it resolves to when the principal may change that agency — the rule the pages use to show
it — and a refused report leaves nothing behind."""

from __future__ import annotations

from sqlalchemy import func, select

from gongkai.access import Principal, WriteGuard, places, sees_agency
from gongkai.agencies import RegionPath
from gongkai.store import schema as S

from test_store_support import store, store_url
from web_support import AGENCIES_CSV, GANFANG_2023, XINGFU_2023, ZHUJIAN_2023, as_agency

FIXTURES = (store, store_url)  # pytest fixtures: the store on SQLite and on PostgreSQL


def _count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _agency(store, name: str) -> int:
    return next(a["id"] for a in store.agencies() if a["name"] == name)


def test_the_rules_of_access():
    fengxin = Principal("reviewer", "江西省/宜春市/奉新县")
    inside = places(RegionPath("江西省", "宜春市", "奉新县", "甘坊镇"))
    assert sees_agency(fengxin, 5, inside)
    assert not sees_agency(fengxin, 5, places(RegionPath("江西省", "宜春市", "高安市")))
    assert not sees_agency(fengxin, 5, places(RegionPath(None, None, "奉新县")))  # not every place it names
    assert not sees_agency(fengxin, None, inside)  # a report without an agency: the admin's only
    clerk = Principal("submitter", agency_id=7)
    assert sees_agency(clerk, 7, set()) and not sees_agency(clerk, 8, inside)
    assert sees_agency(Principal("admin"), None, set())
    assert not sees_agency(Principal("reviewer", ""), 5, inside)  # a reviewer without a region sees nothing


def test_reports_are_stored_only_inside_the_guard(store):
    store.import_agencies(AGENCIES_CSV.read_bytes())
    store.ingest([str(XINGFU_2023)], jobs=1)
    files, reports, agencies = _count(store, S.files), _count(store, S.reports), _count(store, S.agencies)
    zhujian = _agency(store, "奉新县住房和城乡建设局")
    clerk = WriteGuard(Principal("submitter", agency_id=zhujian), own_agency_name="奉新县住房和城乡建设局")
    gaoan = as_agency(ZHUJIAN_2023.read_text("utf-8"), "高安市").encode()

    o = store.ingest_bytes("高安.txt", gaoan, guard=clerk)
    assert o.status == "refused" and o.reason == "scope" and "不是您账户所属的机关" in o.message
    reviewer = WriteGuard(Principal("reviewer", "江西省/宜春市/奉新县"))
    o = store.ingest_bytes("幸福乡.txt", XINGFU_2023.read_bytes() + b"\n", guard=reviewer)
    assert o.status == "refused" and "江西省/宜春市/奉新县" in o.message
    assert (_count(store, S.files), _count(store, S.reports), _count(store, S.agencies)) == (files, reports, agencies)

    # inside: stored, for the agency it resolves to
    o = store.ingest_bytes("本局.txt", ZHUJIAN_2023.read_bytes(), guard=clerk)
    assert o.status == "new" and store.report_row(o.report_id).agency_id == zhujian
    o = store.ingest_bytes("甘坊镇.txt", GANFANG_2023.read_bytes(), guard=reviewer)
    assert o.status == "new" and store.report_row(o.report_id).agency == "甘坊镇人民政府"
    # a report written for a chosen agency must be that agency's
    chosen = WriteGuard(Principal("reviewer", "江西省/宜春市/奉新县"), agency_id=_agency(store, "干洲镇人民政府"),
                        own_agency_name="干洲镇人民政府")
    o = store.ingest_bytes("甘坊镇2.txt", GANFANG_2023.read_bytes() + b"\n", guard=chosen)
    assert o.status == "refused" and "与所选机关“干洲镇人民政府”不一致" in o.message
    # the same stored bytes: named to whom may see them, to others answered as a new file would be
    assert store.ingest_bytes("again.txt", GANFANG_2023.read_bytes(), guard=reviewer).report_id is not None
    o = store.ingest_bytes("again.txt", XINGFU_2023.read_bytes(), guard=reviewer)
    assert o.status == "refused" and o.report_id is None
