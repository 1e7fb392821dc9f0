"""The narrative's claims against the tables (gongkai.checks.claims): all finished (GK403), no fee (GK404),
a change within one sentence (GK405), a 公开率 or 办结率 (GK406), a change against last year's report (GK606).

Every case starts from the correct report of tests/reportgen.py (table 三: 6 new, 1 carried over, 3 granted,
1 partly, 1 withheld, 1 not held, 6 finished, 1 carried forward; table 四: 1 review, 1 suit) and changes
one sentence or one row; the findings expected are worked out by hand from that change."""

from __future__ import annotations

import pytest

from gongkai.api import check, read_data
from gongkai.location import Location

from reportgen import APPLICATION_ROWS, BODY, apps, last_year, line_of, report_text, tables
from test_store_support import store, store_url

FIXTURES = (store, store_url)  # pytest fixtures: the store on SQLite and on PostgreSQL

A = "applications"
FORWARD = f"{A}.carried_forward.total"
UNPAID = f"{A}.other_unpaid_fee.total"

# all finished: 1 more granted, nothing carried forward (一 6 + 二 1 = （七）7 + 四 0)
NONE_FORWARD = tables(applications=apps(granted=[3, 1, 0, 0, 0, 0, 4], total_processed=[6, 1, 0, 0, 0, 0, 7],
                                        carried_forward=[0] * 7))
# one of the 3 granted dropped instead because the applicant did not pay a fee notice
UNPAID_FEE = tables(applications=apps(granted=[1, 1, 0, 0, 0, 0, 2], other_unpaid_fee=[1, 0, 0, 0, 0, 0, 1]))


def read_text(text: str, name: str = "report.txt"):
    return read_data(text.encode("utf-8"), name)


def run(text: str, previous: str | None = None):
    return check(read_text(text), previous=read_text(previous, "previous.txt") if previous else None)


def only(findings, code: str):
    return [f for f in findings if f.code == code]


def said(section: int, sentence: str, **kw) -> str:
    return report_text(body={section: sentence}, **kw)


# ---------------------------------------------------------------------------------------------
# GK403 all finished while some are carried forward


# nothing carried over: the 1 carried forward is one of this year's 6 (一 6 + 二 0 = （七）5 + 四 1)
NONE_OVER = tables(applications=apps(carried_over=[0] * 7, granted=[1, 1, 0, 0, 0, 0, 2],
                                     total_processed=[4, 1, 0, 0, 0, 0, 5]))


@pytest.mark.parametrize("section, sentence, table", [
    (3, "本年度新收政府信息公开申请6件，上年结转1件，均已按期办结。", None),
    (3, "所有申请均已在法定期限内办结。", None),
    (1, "2023年，本机关收到的政府信息公开申请已全部办结。", NONE_OVER),
    (3, "本年度无结转下年度的申请。", None),
])
def test_gk403_all_finished_yet_one_carried_forward(section, sentence, table):
    text = said(section, sentence, tables=table)
    found = only(run(text), "GK403")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "warning"
    assert f.cells == [FORWARD]
    assert (f.expected, f.actual) == (0, 1)
    assert sentence.rstrip("。") in f.message
    assert "结转下年度继续办理" in f.message
    assert f.at == Location(line=line_of(text, sentence))


def test_gk403_this_years_all_finished_while_last_years_one_may_be_the_one_left():
    # 1 carried over, 1 carried forward: the 6 received this year may all be finished
    assert only(run(said(1, "2023年，本机关收到的政府信息公开申请已全部办结。")), "GK403") == []


def test_gk403_silent_when_nothing_is_carried_forward():
    text = said(3, "本年度新收政府信息公开申请6件，上年结转1件，均已按期办结。", tables=NONE_FORWARD)
    assert only(run(text), "GK403") == []


@pytest.mark.parametrize("section, sentence", [
    (3, "上年结转的1件申请均已办结。"),  # the carried-over ones only
    (3, "1件结转下年度继续办理，其余均已办结。"),
    (3, "截至12月31日，本年度收到的申请均已办结，1件结转下年度。"),  # it says so itself
    (3, "本年度办结6件，均按期办结。"),  # of the finished ones: on time
    (3, "本年度收到自然人申请5件，均已办结。"),  # one group of applicants
    (3, "严格执行答复时限，确保所有申请均按期办结。"),  # an aim
    (6, "本年度办理人大代表建议5件、政协提案3件，均已按期办结。"),  # other matters
    (6, "12345热线转办的工单均已办结。"),
    (1, "2023年，本机关共收到政府信息公开申请6件，均已依法答复。"),  # answered is not finished
    (1, "2022年，本机关收到的政府信息公开申请均已办结。"),  # another year
    (5, "下一步，所有申请均在法定期限内办结。"),  # plans
    (4, "行政复议案件均已办结。"),
])
def test_gk403_silent_on_what_is_no_such_claim(section, sentence):
    assert only(run(said(section, sentence)), "GK403") == []


# ---------------------------------------------------------------------------------------------
# GK404 no fee collected


def test_gk404_no_fee_said_while_an_applicant_did_not_pay_a_fee_notice():
    text = report_text(tables=UNPAID_FEE)  # section 六 says 本年度未收取信息处理费。
    findings = run(text)
    found = only(findings, "GK404")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "warning"
    assert f.cells == [UNPAID]
    assert (f.expected, f.actual) == (0, 1)
    assert "本年度未收取信息处理费" in f.message
    assert "逾期未按收费通知要求缴纳费用" in f.message
    assert f.at == Location(line=line_of(text, "本年度未收取信息处理费"))
    assert [x for x in findings if x.code.startswith("GK3")] == []  # the table itself is consistent


def test_gk404_silent_when_the_text_tells_of_the_fee_notice():
    text = report_text(tables=UNPAID_FEE, body={
        6: "本年度向1名申请人发出收费通知，申请人逾期未缴纳，本机关未收取信息处理费。"})
    assert only(run(text), "GK404") == []


def test_gk404_no_fee_said_and_an_amount_named_elsewhere():
    text = said(1, BODY[1] + "全年收取信息处理费200元。")
    found = only(run(text), "GK404")
    assert len(found) == 1
    f = found[0]
    assert f.cells == []
    assert f.actual == "200元"
    assert "本年度未收取信息处理费" in f.message  # section 六
    assert "全年收取信息处理费200元" in f.message  # section 一
    assert f.at == Location(line=line_of(text, "本年度未收取信息处理费"))


def test_gk404_both_in_one_sentence():
    found = only(run(said(6, "本年度未收取信息处理费，全年收取信息处理费3940元。")), "GK404")
    assert [f.actual for f in found] == ["3940元"]
    assert "同一句" in found[0].message


def test_gk404_any_fee_to_applicants():
    text = report_text(tables=UNPAID_FEE, body={6: "本年度办理政府信息公开申请，未向申请人收取任何费用。"})
    assert [f.actual for f in only(run(text), "GK404")] == [1]


@pytest.mark.parametrize("sentence", [
    "本年度收取信息处理费0元。",  # none, and the table agrees
    "本年度未收取信息处理费。",
    "2022年收取信息处理费200元，本年度未收取信息处理费。",  # last year's fee
    # a real report's sentence (淮安市, 2024): it collected a fee and says so
    "2023年，市政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费3940元。",
])
def test_gk404_silent_when_text_and_table_agree(sentence):
    assert only(run(said(6, sentence)), "GK404") == []


def test_gk404_an_unrelated_cost_is_no_fee_claim():
    text = report_text(tables=UNPAID_FEE, body={6: "本年度举办培训未产生费用。依法收取信息处理费，"
                                                   "向1名申请人发出收费通知。"})
    assert only(run(text), "GK404") == []


def test_gk404_2019_edition_has_no_fee_row():
    text = report_text(title="2020年某某镇人民政府政府信息公开工作年度报告", edition="2019",
                       body={1: "2020年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。"},
                       ending=["某某镇人民政府", "2021年1月15日"])
    assert "other_unpaid_fee" not in [k for k, _, _ in APPLICATION_ROWS["2019"]]
    assert only(run(text), "GK404") == []


# ---------------------------------------------------------------------------------------------
# GK405 a change and both its values in one sentence


@pytest.mark.parametrize("section, sentence, expected, actual", [
    (3, "本年度新收政府信息公开申请6件，较上年的5件增长50%。", "增长 20.0%", "增50%"),
    (3, "本年度新收政府信息公开申请6件，上年同期为5件，同比下降20%。", "增长 20.0%", "减20%"),  # the wrong way
    (3, "本年度新收政府信息公开申请6件，同比增长25%（上年5件）。", "增长 20.0%", "增25%"),
    (3, "申请数量由上年的4件增加到6件，增加3件。", "增加 2件", "增3件"),
    (2, "全年主动公开信息128条，较上年的100条增长30%。", "增长 28.0%", "增30%"),  # any count of things
])
def test_gk405_change_does_not_follow_from_the_two_values(section, sentence, expected, actual):
    text = said(section, sentence)
    found = only(run(text), "GK405")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "warning"
    assert (f.expected, f.actual) == (expected, actual)
    assert sentence.rstrip("。") in f.message
    assert f.at == Location(line=line_of(text, sentence))


@pytest.mark.parametrize("sentence", [
    "本年度新收政府信息公开申请6件，较上年的5件增长20%。",
    "本年度新收政府信息公开申请6件，较上年的5件增长20.0%。",
    "本年度新收政府信息公开申请6件，较上年的9件下降33.3%。",
    "本年度新收政府信息公开申请6件，较上年的9件下降33%。",  # 33.33…: rounded
    "本年度新收政府信息公开申请6件，较上年的9件减少3件。",
    "申请数量由上年的5件增加到6件，增长20%。",
    "本年度新收政府信息公开申请6件，上年结转1件，同比增长20%。",  # no value of last year: 上年结转 is this year's row
    "本年度新收政府信息公开申请6件，较2021年的4件增长50%。",  # 2021 is not the year before 2023
    "依申请公开办结率同比提高5个百分点。",  # points, not per cent
    "全年新收政府信息公开申请6件，较上年多受理1件，增长20%。",  # 1 is the change, not last year's
    "本年度新增政策解读50条，上年同期为40条，同比增长25%。",  # 新增: added, not a change
    "本年度新收政府信息公开申请6件，较上年的5件增长约30%。",  # about: not checked
    "本年度新收政府信息公开申请6件，较上年的4件增长40%以上。",
    "本年度新收政府信息公开申请6件，较上年的5件增长20%；办结6件，较上年的4件增长50%。",  # two in a sentence
])
def test_gk405_silent_when_the_change_fits(sentence):
    assert only(run(said(3, sentence)), "GK405") == []


def test_gk405_each_change_of_a_sentence_with_its_own_values():
    sentence = "本年度新收政府信息公开申请6件，较上年的5件增长20%；办结6件，较上年的4件增长60%。"
    found = only(run(said(3, sentence)), "GK405")
    assert [(f.expected, f.actual) for f in found] == [("增长 50.0%", "增60%")]


# ---------------------------------------------------------------------------------------------
# GK406 rates


@pytest.mark.parametrize("sentence, shown, computed", [
    ("本年度新收政府信息公开申请6件，依申请公开率为90%。", "90%", "4/6 = 66.7%"),
    ("本年度新收政府信息公开申请6件，办结率80%。", "80%", "6/7 = 85.7%"),
    ("本年度新收政府信息公开申请6件，按期办结率95%。", "95%", "6 件"),  # no whole number of 6 (or 7) gives 95%
    ("本年度新收政府信息公开申请6件，答复率90%。", "90%", "已答复"),
])
def test_gk406_rate_no_reading_of_the_table_gives(sentence, shown, computed):
    text = said(3, sentence)
    found = only(run(text), "GK406")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "warning"
    assert f.actual == shown
    assert computed in f.message
    assert sentence.rstrip("。") in f.message
    assert f.at == Location(line=line_of(text, sentence))


@pytest.mark.parametrize("sentence", [
    "本年度依申请公开率为66.7%。",  # (3 + 1) / 6
    "本年度依申请公开率为66.67%。",
    "本年度依申请公开率为67%。",
    "本年度依申请公开率为80%。",  # (3 + 1) / (6 − 1 无法提供)
    "本年度依申请公开率为50%。",  # 3 / 6: 予以公开 only
    "本年度新收政府信息公开申请6件，公开率为57.1%。",  # 4 / (6 + 1)
    "本年度新收政府信息公开申请6件，办结率85.7%。",  # 6 / (6 + 1)
    "本年度新收政府信息公开申请6件，办结率100%。",  # 6 / 6 new
    "本年度新收政府信息公开申请6件，按期办结率83.3%。",  # 5 of 6 on time
    "本年度新收政府信息公开申请6件，按期办结率100%。",
    "本年度新收政府信息公开申请6件，答复率100%。",  # the one carried forward may have had a reply
])
def test_gk406_silent_when_a_reading_fits(sentence):
    assert only(run(said(3, sentence)), "GK406") == []


def test_gk406_no_applications_no_rate_to_check():
    nothing = tables(applications={key: [0] * 7 for key, _, _ in APPLICATION_ROWS["2021"]})
    text = report_text(tables=nothing, body={1: "2023年，本机关未收到政府信息公开申请。", 3: "依申请公开率100%。"})
    assert only(run(text), "GK406") == []


@pytest.mark.parametrize("section, sentence", [
    (2, "全年主动公开率100%，政府信息公开率达到95%。"),  # proactive disclosure
    (6, "本年度12345热线工单办结率98%，申请人满意率95%。"),
    (1, "92%公共服务事项办结时长缩短至30分钟以内。"),  # a real report's sentence (平潭, 2019)
    (3, "2022年依申请公开率为90%。"),  # another year
    (1, "在政务新媒体检查抽查中，合格率均为100%。"),
])
def test_gk406_silent_on_other_rates(section, sentence):
    assert only(run(said(section, sentence)), "GK406") == []


# ---------------------------------------------------------------------------------------------
# GK606 a change against last year's report (last year: 5 new, 1 carried over; 1 review, 1 suit)

LAST_5 = last_year(new_received=5)


@pytest.mark.parametrize("section, sentence, cells, expected, actual", [
    (3, "本年度新收政府信息公开申请6件，同比增长50%。", [f"{A}.new_received.total"], "增长 20.0%", "增50%"),
    (3, "本年度新收政府信息公开申请6件，较上年减少1件。", [f"{A}.new_received.total"], "增加 1件", "减1件"),
    (3, "本年度办结政府信息公开申请6件，较上年增加3件。", [f"{A}.total_processed.total"], "增加 1件", "增3件"),
    (4, "本年度发生政府信息公开行政复议1件，同比增长100%。", ["review_litigation.review.total"], "持平", "增100%"),
    (4, "政府信息公开行政诉讼案件数量同比减少1件。",
     ["review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"], "持平", "减1件"),
])
def test_gk606_change_not_what_last_years_report_gives(section, sentence, cells, expected, actual):
    text = said(section, sentence)
    found = only(run(text, LAST_5), "GK606")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "warning"
    assert f.cells == cells
    assert (f.expected, f.actual) == (expected, actual)
    assert sentence.rstrip("。") in f.message
    assert "2022年度" in f.message
    assert f.at == Location(line=line_of(text, sentence))
    assert only(run(text), "GK606") == []  # without last year's report it does not run


def test_gk606_last_years_value_stated_wrongly():
    sentence = "本年度新收政府信息公开申请6件，较上年的4件增长50%。"  # right for 4 → 6 (GK405 silent), but it was 5
    findings = run(said(3, sentence), LAST_5)
    found = only(findings, "GK606")
    assert [(f.expected, f.actual) for f in found] == [(5, 4)]
    assert "4件" in found[0].message and "5" in found[0].message
    assert only(findings, "GK405") == []


@pytest.mark.parametrize("section, sentence", [
    (3, "本年度新收政府信息公开申请6件，同比增长20%。"),  # 5 → 6
    (3, "本年度新收政府信息公开申请6件，较上年增加1件。"),
    (3, "本年度收到政府信息公开申请7件（含上年结转1件），同比增长16.7%。"),  # new + carried over: 6 → 7
    (3, "本年度新收政府信息公开申请6件，较上年的5件增长20%。"),
    (4, "本年度发生政府信息公开行政复议1件，与上年持平。"),
    (2, "全年主动公开政府信息128条，同比增长50%。"),  # no key figure
    (3, "本年度受理行政许可申请300件，同比增长50%。"),
    (3, "本年度新收政府信息公开申请6件，其中予以公开3件，同比增长50%。"),  # the change of 予以公开
    (3, "本年度新收政府信息公开申请6件，较2021年增长50%。"),  # not last year
    (1, "全年办理行政复议案件120件，同比增长20%。"),  # a 司法局's own review cases
    (3, "本年度政府信息公开申请按期办结率同比提高5%。"),  # a rate, not the number finished
])
def test_gk606_silent(section, sentence):
    assert only(run(said(section, sentence), LAST_5), "GK606") == []


def test_gk606_silent_when_the_previous_report_is_not_last_years():
    two_years_ago = LAST_5.replace("2022年", "2021年").replace("2023年1月16日", "2022年1月16日")
    assert only(run(said(3, "本年度新收政府信息公开申请6件，同比增长50%。"), two_years_ago), "GK606") == []


def test_gk606_in_the_store_at_ingest(store, tmp_path):
    # the store keeps only the rows the cross-year rules read (crossyear.ROWS_READ) and the narrative: enough
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "2022.txt").write_text(LAST_5, encoding="utf-8")
    (tmp_path / "b" / "2023.txt").write_text(said(3, "本年度新收政府信息公开申请6件，同比增长50%。"), encoding="utf-8")
    store.ingest([str(tmp_path / "a")], jobs=1)
    store.ingest([str(tmp_path / "b")], jobs=1)
    rows = {r.year: r for r in store.reports()}
    found = [f for f in store.findings(rows[2023].id) if f["code"] == "GK606"]
    assert [(f["cells"], f["expected"], f["actual"]) for f in found] == [
        ([f"{A}.new_received.total"], "增长 20.0%", "增50%")]
    assert found[0]["previous_id"] == rows[2022].id
