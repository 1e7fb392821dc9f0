"""Copied text (内容雷同): the copy rate (gongkai.similar: boilerplate left out, years read alike, other
numbers kept, passages of 20 characters and more), GK605 against the agency's previous report, GK801
against other agencies' reports in a real store, and both on the report's web page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from gongkai import similar as sim
from gongkai.api import read_data
from gongkai.checks import check
from gongkai.store import Store
from gongkai.store.copies import copies
from gongkai.store.peers import peer_findings
from gongkai.web import auth, create_app

from conftest import SEEDS
from reportgen import report_text
from test_store_support import store, store_url
from web_support import AGENCIES_CSV, PASSWORDS, form_login, make_store

FIXTURES = (store, store_url)  # pytest fixtures: the store on SQLite and on PostgreSQL

# 甘坊镇's own words (2023): 153 and 112 characters once punctuation is dropped (the year counts as one)
A1 = ("2023年，我镇把政务公开列入党政班子重点工作，每月召开一次专题会议研究公开事项。全年在镇政府网站专栏发布信息212条，"
      "其中惠民补贴发放名单47条，项目招投标结果19条。我镇在便民服务中心设立查阅点，配备电脑和专人，群众可当场查阅和复印公开文件。"
      "全镇十二个村的村务公开栏统一更换为不锈钢橱窗，每季度更新一次低保、危房改造和集体收支情况。")
A5 = ("存在的问题：一是部分村公开栏内容更新滞后，个别村两个季度未换；二是网站信息以转载为主，本镇原创解读较少。"
      "改进措施：由党政办每季度末逐村拍照检查公开栏，对未按期更新的村在全镇会议上通报；安排两名年轻干部负责撰写政策解读，每月至少发布一篇图文解读。")
# 澡下镇's own words: 142 and 100 characters
C1 = ("2023年，澡下镇围绕茶叶产业和易地搬迁安置两项重点工作推进公开，在安置点大厅设置电子显示屏，滚动播放安置房分配方案和分配结果。"
      "镇里编印了《政策明白卡》两千份，由网格员入户发放并讲解，内容涵盖医保缴费、养老保险和农业补贴。"
      "我镇还在每月十五日开放政府办公区，邀请群众代表旁听镇政府常务会议，会后将议定事项在公众号公布。")
C5 = ("工作中仍有不足：一是政务新媒体粉丝数量少，信息覆盖面有限；二是依申请公开办理人员变动频繁，业务衔接不够顺畅。"
      "下一步，我镇将联合县融媒体中心开展公众号推广，并制定依申请公开办理流程图和交接清单，确保人员调整时工作不断档。")
# 罗市镇's own problems: 92 characters
D5 = ("罗市镇的不足主要是公开目录与实际工作对应不够细，部分办事指南没有写明材料样表。"
      "今后将对照县里下发的标准目录逐项核对，把每一类事项的办事材料样表挂到网站，并在镇便民服务中心放置纸质样表供群众取用。")

# what every report says whoever writes it: not counted
OPENING = ("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
           "（国办公开办函〔2021〕30号）要求，编制本报告。本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。"
           "本报告电子版可在奉新县人民政府门户网站下载。如对本报告有任何疑问，请与甘坊镇党政办联系（地址：甘坊镇政府大院；"
           "电话：0795-4600000）。\n（一）主动公开\n")
FEE = "\n依据《国务院办公厅关于印发〈政府信息公开信息处理费管理办法〉的通知》（国办函〔2020〕109号）规定，本年度未收取信息处理费。"


def plain_length(text: str) -> int:
    """Characters without punctuation and spaces, a year as one: the count the measure works on."""
    return len(re.sub(r"[。，、；：《》\s]", "", re.sub(r"20\d\d", "0", text)))


def test_the_texts_are_as_long_as_said():
    assert [plain_length(t) for t in (A1, A5, C1, C5, D5)] == [153, 112, 142, 100, 92]


# ------------------------------------------------------------------------------ the measure


def test_boilerplate_is_not_counted():
    mine = sim.prepare(OPENING + A1 + "\n" + A5 + FEE)
    assert mine.chars == 265  # 153 + 112: the opening, the heading and the fee statement left out
    rate = sim.copy_rate(mine, OPENING + C1 + "\n" + C5 + FEE)
    assert (rate.percent, rate.shared) == (0, 0)  # all the boilerplate is shared, nothing else
    # the same text counted whole shares the boilerplate too
    assert sim.copy_rate(sim.Narrative(mine.printed, mine.text, mine.counted | True), OPENING + C1 + FEE).shared > 200


def test_years_are_read_alike_and_other_numbers_are_not():
    mine = sim.prepare(A1 + "\n" + A5)
    assert sim.copy_rate(mine, A1.replace("2023年", "2022年") + "\n" + A5).percent == 100
    # last year's sentence of figures had other figures: 212 47 19 and the 11 + 8 characters between
    # them are in no shared passage of 20 (the rest of the sentence runs on into shared text)
    other = A1.replace("2023年", "2022年").replace("212", "305").replace("47", "52").replace("19", "33")
    rate = sim.copy_rate(mine, other + "\n" + A5)
    assert (rate.chars, rate.shared, rate.percent) == (265, 239, 90)


def test_only_passages_of_twenty_characters_count():
    # 19 characters of A1 (电脑和专人…公开文件) and 20 (每季度…收支情况), each among other words
    other = "甲乙丙。电脑和专人，群众可当场查阅和复印公开文件。丁戊。每季度更新一次低保、危房改造和集体收支情况。己庚。"
    rate = sim.copy_rate(sim.prepare(A1 + "\n" + A5), other)
    assert (rate.shared, rate.percent) == (20, 8)
    (run,) = sim.printed_runs(sim.prepare(A1 + "\n" + A5), rate.runs)
    assert (A1 + "\n" + A5)[run[0]:run[1]] == "每季度更新一次低保、危房改造和集体收支情况"


def test_a_short_narrative_is_not_judged():
    assert sim.copy_rate(sim.prepare(C5), C5) is None  # 100 characters, below 200
    assert sim.copy_rate(sim.prepare(C1 + C5), C1 + C5).percent == 100  # 242


def test_the_limit_is_on_the_percent_shown():
    assert not sim.CopyRate(0.504, 500, 252, []).over_limit  # shown as 50%
    assert sim.CopyRate(0.505, 500, 253, []).over_limit  # shown as 51%


def test_folded_text_lines_up_with_the_printed_text():
    texts = [p.read_text(encoding="utf-8") for p in SEEDS] + ["２０２３年，本镇（一）主动公开。\n\n" + A1 + "｜" + C1]
    for t in texts:
        n = sim.prepare(t)
        assert n.text == sim.fold_text(t) and len(n.counted) == len(n.text)
        assert len(sim.printed_runs(n, [(0, len(n.text))])) == 1
        assert len(sim._char_map(t)) == len(n.text)


# ------------------------------------------------------------------------------ GK605


def report(year: int, agency: str, one: str, five: str) -> str:
    """A report whose narrative is ``one`` (总体情况) and ``five`` (存在的主要问题及改进情况) alone."""
    return report_text(title=f"{year}年{agency}政府信息公开工作年度报告",
                       body={1: one, 2: "", 3: "", 4: "", 5: five, 6: ""},
                       ending=[agency, f"{year + 1}年1月15日"])


def parsed(text: str):
    return read_data(text.encode("utf-8"), "report.txt")


def gk605(text: str, previous: str):
    return [f for f in check(parsed(text), previous=parsed(previous)) if f.code == "GK605"]


def test_gk605_gives_the_rate_and_the_passages():
    last = report(2022, "甘坊镇人民政府", A1.replace("2023年", "2022年").replace("212", "305").replace("47", "52")
                  .replace("19", "33"), A5)
    (f,) = gk605(report(2023, "甘坊镇人民政府", A1, A5), last)
    assert f.severity == "warning"
    assert f.message.startswith("与2022年度报告正文重复率90%（超过50%）：去掉固定内容后正文265字，其中239字")
    # the longest runs from 我镇在便民服务中心 (after 19条) on into 存在的问题, and from the start to 发布信息 (before 212)
    assert f.message.endswith("最长的相同段落：“我镇在便民服务中心设立查阅点，配备电脑和专人，群众可……，每月至少发布一篇图文解读”（189字）；"
                              "“2023年，我镇把政务公开列入党政班子重点工作，每月……年在镇政府网站专栏发布信息”（49字）")
    assert f.actual["rate"] == 90 and f.actual["year"] == 2022
    assert "收支情况。\n存在的问题：一是部分村公开栏内容更新滞后" in f.actual["passages"][0]  # one line between sections
    assert f.actual["passages"][1].startswith("2023年，我镇把政务公开")  # as printed this year
    assert f.at is not None and f.at.line is not None


def test_gk605_is_silent_on_a_rewritten_report():
    # last year: 澡下镇's words for 总体情况, this year's problems: 112 of 265 characters (42%)
    assert gk605(report(2023, "甘坊镇人民政府", A1, A5), report(2022, "甘坊镇人民政府", C1, A5)) == []
    # 62% copied, but from the report of two years before: not last year's
    assert gk605(report(2023, "罗市镇人民政府", A1, D5), report(2021, "罗市镇人民政府", A1, C5)) == []
    assert gk605(report(2023, "罗市镇人民政府", A1, D5), report(2022, "罗市镇人民政府", A1, C5))


def test_gk605_is_silent_on_a_short_narrative():
    assert gk605(report(2023, "甘坊镇人民政府", C5, ""), report(2022, "甘坊镇人民政府", C5, "")) == []


# ------------------------------------------------------------------------------ GK801, in a store


def plant(folder, *, reports: dict[str, str]) -> None:
    for name, text in reports.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")


def ids_by_agency(s: Store) -> dict[tuple[str, int], int]:
    return {(r.agency, r.year): r.id for r in s.reports()}


TOWNS = {
    "a2022": report(2022, "甘坊镇人民政府", A1.replace("2023年", "2022年"), A5),
    "a2023": report(2023, "甘坊镇人民政府", A1, A5),
    "b2023": report(2023, "会埠镇人民政府", A1, A5),  # 甘坊镇's narrative, word for word
    "c2023": report(2023, "澡下镇人民政府", C1, C5),  # its own
    "d2023": report(2023, "罗市镇人民政府", A1, D5),  # 甘坊镇's 总体情况, its own problems: 153 of 245
}


def test_gk801_names_the_reports_copied(store, tmp_path):
    store.import_agencies(AGENCIES_CSV.read_bytes())
    plant(tmp_path, reports=TOWNS)
    store.ingest([str(tmp_path)], jobs=1)
    ids = ids_by_agency(store)
    a, b, d = ids[("甘坊镇人民政府", 2023)], ids[("会埠镇人民政府", 2023)], ids[("罗市镇人民政府", 2023)]

    (f,) = [f for f in peer_findings(store, b) if f.code == "GK801"]
    assert f.severity == "warning"
    assert f.message.startswith(f"与甘坊镇人民政府2023年度报告（库中编号{a}）正文重复率100%（超过50%）："
                                "去掉固定内容后正文265字，其中265字")
    # 罗市镇 prints 153 of 会埠镇's 265 characters too
    assert f.message.endswith(f"；另与罗市镇人民政府2023年度报告（编号{d}，58%）重复率超过50%")
    assert [(c["report_id"], c["rate"]) for c in f.actual["copies"]] == [(a, 100), (d, 58)]
    assert "每季度更新一次低保、危房改造和集体收支情况。" in f.actual["copies"][0]["passages"][0]

    # 罗市镇: 甘坊镇's and 会埠镇's 总体情况, 153 of 245 characters
    found = copies(store, d, store.load_report(d))
    assert sorted(c.report_id for c in found) == sorted([a, b])
    assert {(c.percent, c.chars, c.shared) for c in found} == {(62, 245, 153)}
    assert found[0].passages[0].startswith("2023年，我镇把政务公开列入党政班子重点工作")

    # 澡下镇 wrote its own: nothing; 甘坊镇's own last year is GK605's (stored at ingest), not GK801's
    assert [f for f in peer_findings(store, ids[("澡下镇人民政府", 2023)]) if f.code == "GK801"] == []
    mine = peer_findings(store, a)
    assert {c["report_id"] for f in mine if f.code == "GK801" for c in f.actual["copies"]} == {b, d}
    (own,) = [f for f in store.findings(a) if f["code"] == "GK605"]
    assert own["message"].startswith("与2022年度报告正文重复率100%") and own["previous_id"] == ids[("甘坊镇人民政府", 2022)]


def test_gk801_without_places_finds_a_whole_copy_through_the_bands(store, tmp_path):
    # no agency list: the reports' places are unknown, the band index alone finds the copy
    plant(tmp_path, reports={k: TOWNS[k] for k in ("a2023", "b2023", "c2023")})
    store.ingest([str(tmp_path)], jobs=1)
    ids = ids_by_agency(store)
    b = ids[("会埠镇人民政府", 2023)]
    assert [(c.report_id, c.percent) for c in copies(store, b, store.load_report(b))] == [
        (ids[("甘坊镇人民政府", 2023)], 100)]
    assert copies(store, ids[("澡下镇人民政府", 2023)], store.load_report(ids[("澡下镇人民政府", 2023)])) == []


# ------------------------------------------------------------------------------ the report's page


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("copied")
    plant(folder, reports=TOWNS)
    db = str(folder / "web.sqlite3")
    make_store(db, reports=sorted(folder.glob("*.txt")), users=False)
    with Store.open(db) as s:
        auth.add_user(s.engine, "admin", PASSWORDS["admin"], "admin")
    with TestClient(create_app(db, workers=0, max_file_mb=1)) as client:
        yield {"db": db, "client": client}


def test_the_page_shows_the_rate_the_passages_and_the_other_report(site):
    client = site["client"]
    form_login(client, "admin")
    with Store.open(site["db"]) as s:
        ids = ids_by_agency(s)
    a, b = ids[("甘坊镇人民政府", 2023)], ids[("会埠镇人民政府", 2023)]
    html = client.get(f"/reports/{b}").text
    assert "GK801" in html and "重复率 <b>100%</b>" in html
    assert f'<a href="/reports/{a}">甘坊镇人民政府 2023年度报告（编号{a}）</a>' in html
    assert re.search(r'<p class="shared">[^<]*每季度更新一次低保、危房改造和集体收支情况。', html)
    # GK605 on 甘坊镇's page, linked to last year's report
    html = client.get(f"/reports/{a}").text
    assert "GK605" in html and "与2022年度报告正文重复率100%" in html
    assert f'<a href="/reports/{ids[("甘坊镇人民政府", 2022)]}">甘坊镇人民政府 2022年度报告' in html
    # the API gives the same, the other report's id included
    findings = client.get(f"/api/reports/{b}/findings").json()["findings"]
    (f,) = [f for f in findings if f["code"] == "GK801"]
    assert f["copies"][0]["report_id"] == a and f["copies"][0]["rate"] == 100
    # 澡下镇's page: no copied text
    assert "GK801" not in client.get(f"/reports/{ids[('澡下镇人民政府', 2023)]}").text
