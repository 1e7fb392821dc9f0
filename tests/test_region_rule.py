"""GK802: a region's own report (a county government's 全县汇总) against the sum of its agencies' reports in a
real store, with the coverage; the region's agencies one step down (a city counts its counties' governments,
not their departments)."""

from __future__ import annotations

from gongkai.checks import check
from gongkai.store.peers import StorePeers
from gongkai.store.regionsum import region_sum

from synth import Agency, ReportSpec, rebalance, zero_figures
from test_store_support import store, store_url, write_text

FIXTURES = (store, store_url)  # pytest fixtures: the store on SQLite and on PostgreSQL

PLAIN = [["本机关认真贯彻落实政府信息公开条例，坚持以公开为常态、不公开为例外"], ["公开内容还不够全面"], ["将继续加强培训"]]
# the county's report says its tables are the county's totals
DECLARED = [["本报告由县政府办公室汇总全县各乡镇、县直各部门政府信息公开工作数据编制",
             "全县共收到政府信息公开申请25件"], ["公开内容还不够全面"], ["将继续加强培训"]]


def agency(name, county="奉新县", town=None, kind="township", city=None):
    addr = f"江西省{city or ''}{county or ''}{town or '行政中心'}人民路1号"
    return Agency(name, "江西省", city, county, town, addr, kind)


GOV = agency("奉新县人民政府", kind="government")
GANFANG = agency("甘坊镇", town="甘坊镇")
LUOSHI = agency("罗市镇人民政府", town="罗市镇")
CHIAN = agency("赤岸镇人民政府", town="赤岸镇")
ZHUJIAN = agency("奉新县住房和城乡建设局", kind="department")
ZAOXIA = agency("澡下镇人民政府", town="澡下镇")  # known to the store, without a 2023 report
OUTSIDE = agency("仁首镇", county="靖安县", town="仁首镇")  # another county: never counted


def spec(ag, year=2023, narrative=PLAIN, **cells):
    """A report with the given cells (table__row__column=value), the rest 0, identities rebalanced."""
    t = zero_figures("2021")
    for key, v in cells.items():
        tb, row, col = key.split("__")
        t[tb][row][col] = v
    rebalance(t, "2021")
    return ReportSpec(ag, year, "2021", t, narrative)


# the four agencies of 奉新县 with a 2023 report; their sums worked out by hand below
MEMBERS = {
    "甘坊镇": {"applications__granted__natural_person": 3, "applications__partially_granted__natural_person": 1,
            "applications__unavailable_not_held__natural_person": 1,
            "applications__carried_forward__natural_person": 1, "applications__granted__commercial": 2,
            "review_litigation__review__upheld": 1, "review_litigation__review__corrected": 1,
            "active__licensing__decisions": 10, "active__penalty__decisions": 5},
    "罗市镇": {"applications__granted__natural_person": 4, "applications__withheld_third_party__natural_person": 2,
            "applications__carried_over__natural_person": 2, "review_litigation__review__upheld": 2,
            "active__licensing__decisions": 7, "active__coercion__decisions": 3},
    "赤岸镇": {"applications__granted__natural_person": 2, "review_litigation__litigation_direct__corrected": 1,
            "active__penalty__decisions": 4},
    "住建局": {"applications__granted__natural_person": 5, "applications__granted__commercial": 3,
            "review_litigation__review__corrected": 1, "active__licensing__decisions": 20,
            "active__penalty__decisions": 6},
}
# the members' sums, cell by cell
SUMS = {
    "applications__granted__natural_person": 14, "applications__granted__commercial": 5,
    "applications__partially_granted__natural_person": 1, "applications__unavailable_not_held__natural_person": 1,
    "applications__withheld_third_party__natural_person": 2, "applications__carried_forward__natural_person": 1,
    "applications__carried_over__natural_person": 2, "review_litigation__review__upheld": 3,
    "review_litigation__review__corrected": 2, "review_litigation__litigation_direct__corrected": 1,
    "active__licensing__decisions": 37, "active__penalty__decisions": 15, "active__coercion__decisions": 3,
}


def write_members(folder, *, zaoxia=True):
    for i, (ag, cells) in enumerate(zip((GANFANG, LUOSHI, CHIAN, ZHUJIAN), MEMBERS.values(), strict=True)):
        write_text(folder, f"m{i}.txt", spec(ag, **cells))
    if zaoxia:
        write_text(folder, "zaoxia-2022.txt", spec(ZAOXIA, 2022, applications__granted__natural_person=6))
    write_text(folder, "outside.txt", spec(OUTSIDE, applications__granted__natural_person=50,
                                           active__licensing__decisions=90))


def gk802(store, name="奉新县人民政府"):
    rows = [r for r in store.reports(year=2023) if r.agency == name]
    assert len(rows) == 1
    rid = rows[0].id
    report = store.load_report(rid)
    return check(report, select={"GK802"}, peers=StorePeers(store, rid)), region_sum(store, rid, report)


def test_region_figure_below_the_agencies_sum_fires(store, tmp_path):
    write_members(tmp_path)
    # the county's totals: above the four agencies' sums (澡下镇's figures are in it, not in the store), except
    # 行政复议 结果纠正 1 where 甘坊镇 and 住建局 report 1 each
    cells = dict(SUMS, applications__granted__natural_person=16, applications__unavailable_not_held__natural_person=2,
                 review_litigation__review__corrected=1, active__licensing__decisions=40)
    write_text(tmp_path, "gov.txt", spec(GOV, narrative=DECLARED, **cells))
    s = store.ingest([str(tmp_path)], jobs=1)
    assert s.failed == 0
    found, rs = gk802(store)
    # the sum: the four agencies of 奉新县 with a 2023 report; 澡下镇 known, not counted; 仁首镇 another county
    assert (rs.region, rs.level, rs.known, rs.present, rs.complete) == ("奉新县", "county", 5, 4, False)
    assert rs.missing == ["澡下镇人民政府"]
    assert rs.value("applications.granted.natural_person") == 14
    assert rs.value("active.licensing.decisions") == 37
    assert rs.value("applications.new_received.total") == 6 + 2 + 4 + 2 + 8  # 甘坊 8, 罗市 4, 赤岸 2, 住建 8
    assert len(found) == 1
    f = found[0]
    assert (f.code, f.severity) == ("GK802", "warning")
    assert f.cells == ["review_litigation.review.corrected", "review_litigation.review.total"]
    assert (f.expected, f.actual) == ([2, 5], [1, 4])
    assert f.message.startswith("表四「行政复议」全县数（本报告）结果纠正 1、总计 4，小于库中已计入合计的机关报告之和"
                                "（结果纠正 2、总计 5；其中总计列")
    assert "罗市镇人民政府 2" in f.message and "甘坊镇 2" in f.message
    assert f.message.endswith("（库中本县已知机关（县级部门和乡镇（街道））5个，已有4个的2023年度报告计入合计）")


def test_the_government_office_alone_says_nothing(store, tmp_path):
    """A county government's report of its office's own figures (smaller than most single agencies) is no total,
    whatever its text says: nothing is compared."""
    write_members(tmp_path)
    write_text(tmp_path, "gov.txt", spec(GOV, narrative=DECLARED, applications__granted__natural_person=2,
                                         review_litigation__review__upheld=1))
    store.ingest([str(tmp_path)], jobs=1)
    found, rs = gk802(store)
    assert rs.present == 4 and found == []


def test_no_sign_of_a_total_says_nothing(store, tmp_path):
    """Large figures that neither the text calls a total nor add up to the agencies' sum: no judgement."""
    write_members(tmp_path)
    cells = {k: v * 3 for k, v in SUMS.items()}
    cells["review_litigation__review__corrected"] = 1  # below the sum 2: a total could not be, but is this one?
    write_text(tmp_path, "gov.txt", spec(GOV, **cells))
    store.ingest([str(tmp_path)], jobs=1)
    found, _ = gk802(store)
    assert found == []


def test_too_few_agencies_in_the_sum_say_nothing(store, tmp_path):
    for i, (ag, cells) in enumerate(zip((GANFANG, LUOSHI), list(MEMBERS.values())[:2], strict=True)):
        write_text(tmp_path, f"m{i}.txt", spec(ag, **cells))
    write_text(tmp_path, "gov.txt", spec(GOV, narrative=DECLARED, applications__granted__natural_person=20,
                                         review_litigation__review__upheld=1, active__licensing__decisions=40))
    store.ingest([str(tmp_path)], jobs=1)
    found, rs = gk802(store)
    assert rs.present == 2 and found == []


OFFICE_LIST = """名称,级别,省,市,县,乡,别名
甘坊镇人民政府,乡镇,江西省,,奉新县,甘坊镇,甘坊镇
罗市镇人民政府,乡镇,江西省,,奉新县,罗市镇,
赤岸镇人民政府,乡镇,江西省,,奉新县,赤岸镇,
奉新县住房和城乡建设局,县级部门,江西省,,奉新县,,
"""


def test_full_coverage_difference_fires(store, tmp_path):
    """The county's figures equal the sum of all its agencies' (the office's list, every one reported) but in one
    cell: that cell is raised, above the sum as well."""
    write_members(tmp_path, zaoxia=False)
    write_text(tmp_path, "gov.txt", spec(GOV, **dict(SUMS, active__licensing__decisions=38)))
    store.ingest([str(tmp_path)], jobs=1)
    store.import_agencies(OFFICE_LIST)
    found, rs = gk802(store)
    assert (rs.known, rs.present, rs.complete, rs.office_list, rs.leaves) == (4, 4, True, True, True)
    assert len(found) == 1
    f = found[0]
    assert f.cells == ["active.licensing.decisions"]
    assert (f.expected, f.actual) == (37, 38)
    assert f.message.startswith("表二「行政许可」全县数（本报告）本年处理决定数量 38，与库中本县全部机关报告之和"
                                "（本年处理决定数量 37；其中奉新县住房和城乡建设局 20、甘坊镇人民政府 10、"
                                "罗市镇人民政府 7）不一致")
    assert "（库中本县已知机关（县级部门和乡镇（街道））4个，已有4个的2023年度报告计入合计）" in f.message


def test_low_coverage_difference_is_silent(store, tmp_path):
    """The same figures with 澡下镇 known and not reported: the county may hold 澡下镇's licences, no judgement."""
    write_members(tmp_path)
    write_text(tmp_path, "gov.txt", spec(GOV, **dict(SUMS, active__licensing__decisions=38)))
    store.ingest([str(tmp_path)], jobs=1)
    found, rs = gk802(store)
    assert (rs.known, rs.present, rs.complete) == (5, 4, False)
    assert found == []


def test_only_a_governments_report_is_a_region_report(store, tmp_path):
    write_members(tmp_path)
    store.ingest([str(tmp_path)], jobs=1)
    row = next(r for r in store.reports(year=2023) if r.agency == "甘坊镇")
    report = store.load_report(row.id)
    assert region_sum(store, row.id, report) is None
    assert check(report, select={"GK802"}, peers=StorePeers(store, row.id)) == []
    assert check(report, select={"GK802"}) == []  # outside the store the rule does not run


def test_a_citys_agencies_are_one_step_down(store, tmp_path):
    """宜春市's sum counts its own departments and its counties' governments, not the counties' departments and
    townships (they are in their county's report)."""
    city = "宜春市"
    write_text(tmp_path, "city.txt", spec(agency("宜春市人民政府", county=None, kind="government", city=city),
                                          applications__granted__natural_person=30))
    write_text(tmp_path, "dept.txt", spec(agency("宜春市财政局", county=None, kind="department", city=city),
                                          applications__granted__natural_person=4))
    write_text(tmp_path, "county.txt", spec(agency("奉新县人民政府", kind="government", city=city),
                                            applications__granted__natural_person=9))
    write_text(tmp_path, "cdept.txt", spec(agency("奉新县住房和城乡建设局", kind="department", city=city),
                                           applications__granted__natural_person=5))
    write_text(tmp_path, "town.txt", spec(agency("甘坊镇", town="甘坊镇", city=city),
                                          applications__granted__natural_person=3))
    store.ingest([str(tmp_path)], jobs=1)
    row = next(r for r in store.reports(year=2023) if r.agency == "宜春市人民政府")
    rs = region_sum(store, row.id, store.load_report(row.id))
    assert (rs.region, rs.level) == ("宜春市", "city")
    assert sorted(m.name for m in rs.members) == ["奉新县人民政府", "宜春市财政局"]
    assert rs.value("applications.granted.natural_person") == 4 + 9
    assert not rs.leaves  # a county's report may be its total or its office's: no full-coverage judgement
