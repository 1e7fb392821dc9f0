"""Examples for test_rule_examples: the content rules (gongkai.checks.content). code → (report text, last year's report text or None),
written with tests/reportgen.py; each makes its rule fire while the correct report keeps it silent."""

from __future__ import annotations

from reportgen import BODY, report_text

# last year's report of the same township, whose 五 says word for word what this year's says
_LAST_YEAR_SAME_PLANS = report_text(
    title="2022年某某镇人民政府政府信息公开工作年度报告",
    body={1: "2022年，本机关主动公开政府信息96条，规范依申请公开办理，做好政府信息管理和平台建设，"
             "加强监督保障，年度考核良好，社会评议满意，未发生责任追究。"},
    ending=["某某镇人民政府", "2023年1月16日"],
)

FIRES: dict[str, tuple[str, str | None]] = {
    # last year's opening sentence left unchanged in a 2023 report
    "GK505": (report_text(body={1: BODY[1].replace("2023年，", "2022年，", 1)}), None),
    "GK506": (report_text(body={1: "本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。" + BODY[1]}), None),
    # 总体情况 of two parts only: no 政府信息管理, 平台建设, 监督保障
    "GK507": (report_text(body={1: "2023年，本机关主动公开政府信息128条，依法办理政府信息公开申请6件。"}), None),
    # 监督保障 without the results of 考核、社会评议、责任追究
    "GK508": (report_text(body={1: BODY[1].replace("将政府信息公开工作纳入年度工作考核，开展社会评议，本年度未发生责任追究情况。",
                                                   "加强日常监督检查。")}), None),
    "GK509": (report_text(body={5: "无。"}), None),
    # this year's 五 is last year's
    "GK604": (report_text(), _LAST_YEAR_SAME_PLANS),
}
