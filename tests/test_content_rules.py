"""The content rules (GK505–GK509, GK604) on hand-built reports: each case starts from the correct report of
tests/reportgen.py and changes one passage; the tricky sentences that must not fire are listed beside those
that must."""

from __future__ import annotations

import pytest

from gongkai.api import read_data
from gongkai.checks import check
from gongkai.checks.content import shared_passages
from gongkai.location import Location

from reportgen import BODY, last_year, line_of, report_text

Y2022 = "2022年某某镇人民政府政府信息公开工作年度报告"
ENDING_2022 = ["某某镇人民政府", "2023年1月16日"]


def read(text: str):
    return read_data(text.encode("utf-8"), "report.txt")


def found(code: str, text: str, previous: str | None = None):
    prev = read(previous) if previous is not None else None
    return list(check(read(text), previous=prev, select={code}))


def with_overall(extra: str, **kw) -> str:
    """The correct 2023 report with ``extra`` added to 总体情况."""
    return report_text(body={1: BODY[1] + extra}, **kw)


# ---------------------------------------------------------------------------------------------
# GK505 other-year

REUSED = [  # each in a 2023 report: last year's (or an older year's) work told as this year's
    ("2022年，我镇认真贯彻落实《条例》，全年主动公开信息96条。", "2022"),
    ("2022年度，我镇未收到政府信息公开申请。", "2022"),
    ("2022年我乡的政府信息公开工作虽然取得了一些成效，但也还存在一些问题。", "2022"),
    ("（一）主动公开情况。2022年，我镇通过门户网站公开信息90条。", "2022"),
    ("2022年全年共发布信息100条。", "2022"),
    ("2022年全县政务公开工作稳步推进。", "2022"),
    ("截至2022年底，共发布公开信息208条。", "2022"),
    ("截止到2022年12月31日，共发布公开信息208条。", "2022"),
    ("截至2021年末，共发布公开信息208条。", "2021"),
    ("现将我镇2022年度政府信息公开工作情况报告如下。", "2022"),
    ("现公布某某镇人民政府2022年度政府信息公开工作年度报告。", "2022"),
]

LEGITIMATE = [  # other years a 2023 report may well name
    "2022年以来，我镇持续推进政务公开标准化规范化建设。",
    "主动公开信息128条，较2022年增加32条。",
    "与2022年相比，主动公开信息增长33%。",
    "2022年，我镇共收到申请3件，2023年收到6件。",
    "2022年结转的1件申请已于1月办结。",
    "2022年度结转申请1件，已按期办结。",
    "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），未收取信息处理费。",
    "根据《关于印发2023年奉新县政务公开工作要点的通知》（奉府办字〔2022〕3号）开展工作。",
    "新修订的《条例》自2019年5月15日起施行。",
    "2024年，我镇将进一步加强政务公开工作。",
    "2021年、2022年连续两年被评为先进单位。",
    "2022年12月，县政府印发了政务公开工作方案。",
    "2022年底，我镇完成了政务公开专区建设。",
    "截至2022年底，我镇现行有效规范性文件14件。2023年制发2件，废止1件。",
    "本年度主动公开信息较上年增加，上年为96条。",
    "2022年度报告中提出的问题已全部整改。",
    "针对2022年度报告中指出的问题，今年逐项整改。",
    "2022年，县政府出台了考核办法，本年度我镇严格落实。",
    "2022年上半年，县里开展了评估。",
    "2022年至2023年，我镇连续被评为示范单位。",
    "2021年，我镇被确定为基层政务公开标准化试点。",  # an older year opening a sentence: history
    "本机关在2022年建立了政务公开工作台账。",
    "现将2022年度报告中问题的整改情况报告如下。",
    "截至2023年底，共发布公开信息208条。",
    "截至2019年底，全镇已建成村务公开栏12个。",  # more than three years back: history
]


@pytest.mark.parametrize(("sentence", "year"), REUSED)
def test_last_years_work_told_as_this_years_fires(sentence, year):
    text = with_overall(sentence)
    (f,) = found("GK505", text)
    shown = sentence.removeprefix("（一）主动公开情况。").rstrip("。")
    assert f"“{shown}”" in f.message
    assert f"写的是{year}年的情况" in f.message and "本报告是2023年度报告" in f.message
    assert f.severity == "warning" and f.actual == shown and f.expected == "2023年"
    assert f.at == Location(line=line_of(text, sentence))


@pytest.mark.parametrize("sentence", LEGITIMATE)
def test_other_years_named_for_good_reason_stay_silent(sentence):
    assert found("GK505", with_overall(sentence)) == []


def test_the_year_is_that_before_the_reports_own():
    # in a 2022 report "2021年，…" is the sign, "2022年，…" is this year's
    text = report_text(title=Y2022, ending=ENDING_2022,
                       body={1: "2022年，本机关主动公开政府信息96条。2021年，本机关主动公开政府信息80条。"})
    (f,) = found("GK505", text)
    assert "“2021年，本机关主动公开政府信息80条”" in f.message and "本报告是2022年度报告" in f.message
    assert found("GK505", report_text(title=Y2022, ending=ENDING_2022,
                                      body={1: "2022年，本机关主动公开政府信息96条。"})) == []


def test_one_finding_for_the_section_naming_how_many_more():
    (f,) = found("GK505", with_overall("2022年，我镇公开信息96条。截至2022年底，共有公开栏5个。"))
    assert "“2022年，我镇公开信息96条”" in f.message and "另有1处" in f.message


def test_a_title_naming_the_year_of_publication_proves_nothing_against_the_text():
    # titled 2024 and dated January 2024: the title is what is wrong (GK503 says so), not the text's 2023
    text = report_text(title="2024年某某镇人民政府政府信息公开工作年度报告",
                       body={1: "本报告统计期限为2023年1月1日至2023年12月31日。" + BODY[1]},
                       ending=["某某镇人民政府", "2024年1月15日"])
    assert read(text).year == 2024
    assert found("GK505", text) == [] and found("GK506", text) == []
    assert [f.code for f in found("GK503", text)] == ["GK503"]


def test_only_the_overall_section_is_read():
    # 五 may well speak of last year's problems
    text = report_text(body={5: "2022年，我镇政务公开工作存在栏目更新慢的问题。" + BODY[5]})
    assert found("GK505", text) == []


# ---------------------------------------------------------------------------------------------
# GK506 statistics-period

PERIODS_WRONG = [
    ("本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。", "统计期限自2022年1月1日起至2022年12月31日", "2022年"),
    ("统计期限为2022年1月1日至12月31日。", "统计期限为2022年1月1日至12月31日", "2022年"),
    ("本年度报告中所列数据统计期限从2022年1月1日到12月31日止。", "统计期限从2022年1月1日到12月31日", "2022年"),
    ("所列数据的统计期限为：2022年1月1日——2022年12月31日。", "统计期限为：2022年1月1日——2022年12月31日", "2022年"),
    ("数据统计截止时间为2022年12月31日。", "统计截止时间为2022年12月31日", "2022年"),
    ("本报告所列统计数据的期限自2022年1月1日起，至2022年12月31日止。", "数据的期限自2022年1月1日起，至2022年12月31日",
     "2022年"),
    ("所列数据统计时限为2022年1月1日至2023年12月31日。", "统计时限为2022年1月1日至2023年12月31日", "2022年"),
    ("统计期限为2021年1月1日至2021年12月31日。", "统计期限为2021年1月1日至2021年12月31日", "2021年"),
]


@pytest.mark.parametrize(("sentence", "shown", "wrong"), PERIODS_WRONG)
def test_a_period_of_another_year_fires(sentence, shown, wrong):
    text = report_text(body={1: sentence + BODY[1]})
    (f,) = found("GK506", text)
    assert f.message == (f"“{shown}”：统计期限写的是{wrong}，与报告年度2023年不符，应为2023年1月1日至2023年12月31日")
    assert f.actual == shown and f.expected == "2023-01-01/2023-12-31"
    assert f.at == Location(line=line_of(text, sentence))


@pytest.mark.parametrize("sentence", [
    "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。",
    "统计期限为2023年1月1日至12月31日。",
    "报告数据统计时限为2023年1月1日至2023年12月31日。",
    "截至2022年12月31日，本镇共有公开栏5个。",  # not a statistics period (and no sentence opening: GK505 aside)
    "现将有关数据统计如下。2022年1月1日起施行的办法继续有效。",  # 统计 far from any period
])
def test_the_reports_own_period_or_no_period_stays_silent(sentence):
    assert found("GK506", report_text(body={1: sentence + BODY[1]})) == []


def test_the_period_in_the_other_section_is_read_too():
    text = report_text(body={6: BODY[6] + "本报告统计期限为2022年1月1日至2022年12月31日。"})
    (f,) = found("GK506", text)
    assert "统计期限写的是2022年" in f.message


TITLE_2023 = "2023年某某镇人民政府政府信息公开工作年度报告"


def test_the_period_stated_before_the_first_section_is_read():
    # where most reports state it: after the title, before 一、总体情况
    opening = ("根据《中华人民共和国政府信息公开条例》规定，编制本报告。"
               "本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。")
    text = report_text(title=[TITLE_2023, "", opening])
    r = read(text)
    assert "统计期限自2022年1月1日" in r.preamble and TITLE_2023 not in r.preamble
    (f,) = found("GK506", text)
    assert "统计期限写的是2022年" in f.message and f.at is not None
    right = report_text(title=[TITLE_2023, "", opening.replace("2022", "2023")])
    assert found("GK506", right) == []


def test_last_years_opening_sentence_kept_fires():
    text = report_text(title=[TITLE_2023, "", "现将我镇2022年度政府信息公开工作情况报告如下："])
    (f,) = found("GK505", text)
    assert "2022年" in f.message and "报告开头" in f.message
    assert found("GK505", report_text(title=[TITLE_2023, "", "现将我镇2023年度政府信息公开工作情况报告如下："])) == []


def test_a_title_without_a_year_takes_the_periods():
    # the year is read from the period itself: nothing to set it against
    text = report_text(title="某某镇人民政府政府信息公开工作年度报告",
                       body={1: "本报告统计期限为2022年1月1日至2022年12月31日。" + BODY[1]})
    assert read(text).year == 2022
    assert found("GK506", text) == []


# ---------------------------------------------------------------------------------------------
# GK507 overall-content

def test_overall_of_two_parts_names_the_three_missing():
    text = report_text(body={1: "2023年，本机关主动公开政府信息128条，依法办理政府信息公开申请6件。"})
    (f,) = found("GK507", text)
    assert f.actual == "政府信息管理、平台建设、监督保障"
    assert "未见政府信息管理、平台建设、监督保障方面的内容" in f.message
    assert f.expected == "主动公开、依申请公开、政府信息管理、平台建设、监督保障"
    assert f.at == Location(line=line_of(text, "一、总体情况"))


@pytest.mark.parametrize(("overall", "missing"), [
    ("本机关优化门户网站和政务新媒体栏目，落实保密审查，组织业务培训。", "主动公开、依申请公开"),
    ("全面做好主动公开、积极做好依申请公开、切实加强政府信息管理、持续推动平台建设。", "监督保障"),
    ("主动公开信息90余条；未收到政府信息公开申请；严格执行三审三校制度；强化督查考核。", "平台建设"),
])
def test_each_missing_part_is_named(overall, missing):
    (f,) = found("GK507", report_text(body={1: overall}))
    assert f.actual == missing


@pytest.mark.parametrize("overall", [
    # the wordings of real reports for the five parts
    "全面做好主动公开、积极做好依申请公开、切实加强政府信息管理、持续推动平台建设、不断加强监督保障。",
    ("（一）主动公开。发布信息128条。（二）依申请公开。规范办理。（三）政府信息管理。落实公开前保密审查，动态调整公开属性。"
     "（四）平台建设。优化政府网站专栏。（五）监督保障。开展业务培训，纳入绩效考核。"),
    ("在县政府门户网站公开信息90余条；全年未收到政府信息公开申请；对拟公开信息严格执行“三审三校”制度；"
     "通过村务公开栏、微信公众号同步发布；强化督查，定期通报。"),
    ("全年累计主动公开政府信息100余条；建立申请接收、办理、答复全流程管理机制，受理公开申请16件；"
     "建立信息公开动态调整机制；依托区政府门户网站和政务公开专区公开信息；持续健全三级审核制度，接受社会监督。"),
])
def test_the_five_parts_in_other_words_stay_silent(overall):
    assert found("GK507", report_text(body={1: overall})) == []


def test_a_word_broken_over_two_lines_still_counts():
    broken = BODY[1].replace("（三）政府信息管理。落实公开前保密审查，动态更新政府信息公开指南。",
                             "（三）加强政府信\n息管理。")
    assert "保密审查" not in broken and "信息管理" not in broken
    assert found("GK507", report_text(body={1: broken})) == []


def test_an_empty_overall_section_is_said_to_have_no_text():
    (f,) = found("GK507", report_text(body={1: ""}))
    assert "“一、总体情况”没有文字" in f.message


def test_reports_before_the_2021_format_and_reports_without_the_section_stay_silent():
    text_2020 = report_text(title="2020年某某镇人民政府政府信息公开工作年度报告", edition="2019",
                            body={1: "2020年，本机关主动公开政府信息80条。"}, ending=["某某镇人民政府", "2021年1月15日"])
    assert found("GK507", text_2020) == []
    assert found("GK507", report_text(headings={1: None})) == []  # GK113 says the section is missing


# ---------------------------------------------------------------------------------------------
# GK508 assessment-results

_SUPERVISION = "将政府信息公开工作纳入年度工作考核，开展社会评议，本年度未发生责任追究情况。"


def without_results(replacement: str, **kw) -> str:
    return report_text(body={1: BODY[1].replace(_SUPERVISION, replacement)}, **kw)


def test_a_township_report_without_the_three_results_fires():
    text = without_results("加强日常监督检查。")
    (f,) = found("GK508", text)
    assert f.actual == "工作考核、社会评议、责任追究"
    assert f.message.startswith("报告未说明政府信息公开工作考核、社会评议、责任追究的结果情况")
    assert "第五十条" in f.message


@pytest.mark.parametrize(("replacement", "missing"), [
    ("将政府信息公开工作纳入年度考核，开展社会评议。", "责任追究"),
    ("年度绩效考评为优秀，全年未发生问责情况。", "社会评议"),
    ("群众满意度测评为98%，未发生责任追究。", "工作考核"),
])
def test_the_missing_result_is_named(replacement, missing):
    (f,) = found("GK508", without_results(replacement))
    assert f.actual == missing


@pytest.mark.parametrize("replacement", [
    "年度绩效考评为优秀，群众满意度测评为98%，全年未发生问责情况。",
    "考核结果为良好；开展群众评议1次；未发生追责情况。",
    "工作考核、社会评议和责任追究结果情况：考核优秀，评议满意，未追究责任。",
])
def test_other_wordings_of_the_results_stay_silent(replacement):
    assert found("GK508", without_results(replacement)) == []


def test_a_county_government_report_fires():
    text = without_results("加强日常监督检查。", title="2023年某某县人民政府政府信息公开工作年度报告",
                           ending=["某某县人民政府", "2024年3月1日"])
    (f,) = found("GK508", text)
    assert f.actual == "工作考核、社会评议、责任追究"


@pytest.mark.parametrize(("title", "agency"), [
    ("2023年某某县市场监督管理局政府信息公开工作年度报告", "某某县市场监督管理局"),  # a department
    ("2023年某某县人民政府办公室政府信息公开工作年度报告", "某某县人民政府办公室"),  # the office's own report
    ("2023年某某经济技术开发区管委会政府信息公开工作年度报告", "某某经济技术开发区管委会"),  # no 人民政府
])
def test_reports_of_departments_stay_silent(title, agency):
    text = without_results("加强日常监督检查。", title=title, ending=[agency, "2024年1月20日"])
    assert found("GK508", text) == []


def test_reports_under_the_revised_regulation_from_2019_on():
    # 第五十条 as revised in 2019 applies to the 2019 and 2020 reports (2019 format) too; a 2018 report not
    def township(year: int, overall: str) -> str:
        return report_text(title=f"{year}年某某镇人民政府政府信息公开工作年度报告", edition="2019",
                           body={1: overall}, ending=["某某镇人民政府", f"{year + 1}年1月15日"])

    (f,) = found("GK508", township(2020, "2020年，本机关主动公开政府信息80条。"))
    assert f.actual == "工作考核、社会评议、责任追究"
    assert found("GK508", township(2020, "2020年，本机关主动公开政府信息80条。将政府信息公开纳入工作考核，"
                                         "开展社会评议，未发生责任追究情况。")) == []
    assert found("GK508", township(2018, "2018年，本机关主动公开政府信息80条。")) == []


# ---------------------------------------------------------------------------------------------
# GK509 thin-problems

PROBLEMS_ONLY = ("一是信息发布不够及时，部分栏目更新滞后；二是政策解读形式单一，图解、视频等解读较少；"
                 "三是工作人员业务能力有待提高，对条例理解不深。")
PLANS = "下一步，我镇将建立栏目更新提醒机制，每月开展一次自查，采用图解、视频等形式解读政策。"


@pytest.mark.parametrize("nil", ["无。", "无", "暂无。", "本年度无。"])
def test_section_five_saying_nothing_fires(nil):
    text = report_text(body={5: nil})
    (f,) = found("GK509", text)
    assert f.message == (f"“五、存在的主要问题及改进情况”只写了“{nil}”；"
                         "应写明本年度政府信息公开工作存在的主要问题和具体改进措施")
    assert f.at == Location(line=line_of(text, "五、存在的主要问题及改进情况"))


def test_a_line_or_two_fires_with_its_length():
    short = "存在问题：公开内容不够丰富。改进措施：加强培训。"  # 20 characters without punctuation
    (f,) = found("GK509", report_text(body={5: short}))
    assert f"只有“{short}”（20字）" in f.message and f.expected == "≥50字"


@pytest.mark.parametrize("problems", [
    PROBLEMS_ONLY,
    # "有待加强", "有待进一步提升": the problem, not a measure
    "一是政务公开内容质量有待进一步规范；二是政务公开队伍经常发生变动，业务人员素质有待加强；三是政策解读形式有待进一步提升。",
])
def test_problems_without_measures_fire(problems):
    (f,) = found("GK509", report_text(body={5: problems}))
    assert "未见改进措施" in f.message and f.expected == "改进措施"


@pytest.mark.parametrize("section", [
    PROBLEMS_ONLY + PLANS,
    PROBLEMS_ONLY + "针对上述问题，我镇要加强栏目日常巡查，每月开展一次自查。",
    PROBLEMS_ONLY + "改进情况：已建立栏目更新提醒机制，增加图解解读12篇。",
    BODY[5],
])
def test_problems_with_measures_stay_silent(section):
    assert found("GK509", report_text(body={5: section})) == []


def seven_sections(plans: str | None) -> str:
    """五 split in two: 五、存在的主要问题 and 六、下一步工作打算 (its plans), 七 the other matters."""
    text = report_text(headings={5: "五、存在的主要问题", 6: "六、下一步工作打算" if plans else None},
                       body={5: PROBLEMS_ONLY, 6: plans or ""})
    return text.replace("\n\n某某镇人民政府\n", "\n七、其他需要报告的事项\n本年度未收取信息处理费。\n\n某某镇人民政府\n")


def test_plans_in_a_section_of_their_own_count():
    assert found("GK509", seven_sections(PLANS)) == []
    (f,) = found("GK509", seven_sections(None))
    assert "“五、存在的主要问题”未见改进措施" in f.message


def test_a_missing_section_five_is_left_to_gk113():
    assert found("GK509", report_text(headings={5: None})) == []


# ---------------------------------------------------------------------------------------------
# GK604 improvements-repeated

PLANS_2022 = ("下一步，本机关将于2023年建立政务公开工作台账制度，每季度对栏目更新情况开展一次自查，"
              "对发现的问题限期整改，并将结果纳入年度考核。")
# the same plans a year later: another year, other punctuation
PLANS_2023 = ("下一步本机关将于2024年建立政务公开工作台账制度；每季度对栏目更新情况开展一次自查，"
              "对发现的问题限期整改并将结果纳入年度考核。")


def last_year_overall() -> str:
    return ("2022年，本机关主动公开政府信息96条，规范依申请公开办理，做好政府信息管理和平台建设，"
            "加强监督保障，年度考核良好，社会评议满意，未发生责任追究。")


def last_year_with(section_five: str) -> str:
    return report_text(title=Y2022, ending=ENDING_2022, body={1: last_year_overall(), 5: section_five})


def test_plans_repeated_from_last_year_fire_quoting_this_years_words():
    text = report_text(body={5: PROBLEMS_ONLY + PLANS_2023})
    (f,) = found("GK604", text, last_year_with("存在的问题：栏目更新不及时。" + PLANS_2022))
    # the whole of this year's plans (58 characters without punctuation, the year counted as one) is last year's
    assert "“下一步本机关将于2024年建立政务公开工作台账制度；每季度对栏目更新情况开展一次自查，对发现的问题限期整改并将结果纳入年度考核”" \
        in f.message
    assert "的改进措施与本机关2022年度报告相同" in f.message
    assert "（与上年相同的文字共58字，占改进措施的100%）" in f.message
    assert f.at == Location(line=line_of(text, "下一步本机关"))


def test_last_years_problems_unsolved_but_new_plans_stay_silent():
    text = report_text(body={5: PROBLEMS_ONLY + PLANS})
    assert found("GK604", text, last_year_with(PROBLEMS_ONLY + PLANS_2022)) == []


def test_a_short_common_phrase_is_no_repeat():
    this = PROBLEMS_ONLY + "下一步，本机关将进一步提高政务公开工作水平，开通政务公开意见箱，每周汇总群众意见。"
    before = "存在的问题：解读少。下一步，本机关将进一步提高政务公开工作水平，增加图解解读，每月发布不少于两篇。"
    assert found("GK604", report_text(body={5: this}), last_year_with(before)) == []


def test_the_correct_report_and_last_years_stay_silent():
    assert found("GK604", report_text(), last_year()) == []


def test_without_last_years_section_five_or_against_the_same_year_it_stays_silent():
    text = report_text(body={5: PROBLEMS_ONLY + PLANS_2023})
    no_five = report_text(title=Y2022, ending=ENDING_2022, headings={5: None}, body={1: last_year_overall()})
    assert found("GK604", text, no_five) == []
    assert found("GK604", text, report_text(body={5: PROBLEMS_ONLY + PLANS_2023})) == []  # not a year before


def test_plans_in_a_section_of_their_own_are_compared():
    this = seven_sections(PLANS_2023)
    (f,) = found("GK604", this, last_year_with("问题：更新慢。" + PLANS_2022))
    assert "“五、存在的主要问题”的改进措施与本机关2022年度报告相同" in f.message
    assert f.at == Location(line=line_of(this, "下一步本机关"))


def test_shared_passages_finds_each_long_shared_stretch():
    a = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒日月盈昃辰宿列张"  # 38 characters
    b = "某某" + a[3:26] + "其他文字" + a[30:34]
    # a[3:26] (23 characters) is shared; a[30:34] is too short to count
    assert shared_passages(a, b) == [(3, 26)]
    assert shared_passages(a, b, least=4) == [(3, 26), (30, 34)]
    assert shared_passages(a, "无关的文字") == []
    assert shared_passages(a, a) == [(0, 38)]
