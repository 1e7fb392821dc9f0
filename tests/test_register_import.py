"""Importing existing registers kept in two different shapes — a township's workbook with a title row,
Excel dates and its own words, and a bureau's GBK CSV with other headers, 补正 and follow-ups — with the
column mapping proposed from the headers, rows that cannot be mapped listed with their reasons and nothing
half-imported; and the Excel export, which imports again."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from gongkai.register import Register, RegisterError
from gongkai.register import importing as imp
from gongkai.register.export import workbook

from test_store_support import store, store_url  # noqa: F401  (fixtures)
from web_support import AGENCIES_CSV

D = dt.date
COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")


def township_workbook() -> bytes:
    """甘坊镇's register: a title row over the header, dates as Excel dates and as 2024年3月5日."""
    wb = Workbook()
    ws = wb.active
    ws.append(["甘坊镇2024年政府信息公开申请登记台账"])
    ws.merge_cells("A1:J1")
    ws.append(["序号", "收到日期", "申请方式", "申请人", "申请人类型", "申请内容", "是否延期", "答复日期", "答复结果", "备注"])
    ws.append([1, dt.datetime(2024, 1, 8), "现场", "张某", "个人", "土地征收补偿方案", "否", dt.datetime(2024, 1, 19), "予以公开", None])
    ws.append([2, "2024年3月5日", "网上申请", "某某建材有限公司", "企业", "采购合同", "是", "2024年4月25日", "部分公开", None])
    ws.append([3, dt.datetime(2024, 6, 11), "挂号信", "李某", "个人", "拆迁档案", "否", dt.datetime(2024, 6, 28),
               "不予公开-第三方合法权益", None])
    ws.append([4, dt.datetime(2024, 11, 4), "现场", "某律师事务所", "律师事务所", "行政处罚决定书", "否",
               dt.datetime(2024, 11, 20), "本机关不掌握相关政府信息", None])
    ws.append([5, dt.datetime(2024, 12, 23), "现场", "王某", "个人", "低保名单", None, None, None, "办理中"])
    ws.append([None] * 10)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


BUREAU_CSV = """登记编号,申请日期,提交方式,申请人名称,申请人类别,所需信息,补正日期,收到补正日期,办结日期,办理结果,行政复议,行政诉讼
ZJ-2023-09,2023/12/25,当面,赵某,自然人,房屋登记,,,2024/1/10,予以公开,,
ZJ-2024-01,2024/2/5,电子邮件,某研究院,科研机构,规划资料,2024/2/7,2024/2/20,20240315,无法提供-没有现成信息需要另行制作,维持,
ZJ-2024-02,20240305,传真,某物业公司,商业企业,维修基金,,,2024-03-29,信访举报投诉类申请,,审理中
ZJ-2024-03,2024/7/1,平信,钱某,自然人,补贴发放,2024/7/3,,2024/8/30,申请人逾期不补正,,
""".encode("gbk")


def row(t, key: str) -> tuple[int, ...]:
    return tuple(t.value(f"applications.{key}.{c}") for c in COLUMNS)


@pytest.fixture
def agencies(store):  # noqa: F811
    store.import_agencies(AGENCIES_CSV.read_bytes())
    reg = Register(store)
    return reg, reg.resolve_agency("甘坊镇人民政府"), reg.resolve_agency("奉新县住房和城乡建设局")


def test_the_township_workbook_mapped_from_its_headers():
    sheet = imp.read_sheet(township_workbook(), "甘坊镇台账.xlsx")
    assert sheet.header_row == 2 and len(sheet.rows) == 5  # the blank row at the end dropped
    mapping = imp.propose(sheet.headers)
    assert mapping == {0: "number", 1: "received", 2: "channel", 3: "applicant", 4: "applicant_type", 5: "content",
                       6: "extension", 7: "replied", 8: "outcome", 9: "note"}
    done = imp.convert(sheet, mapping)
    assert done.problems == [] and done.rows == [3, 4, 5, 6, 7]
    a1, a2, a3, a4, a5 = done.applications
    assert (a1.channel, a1.received, a1.applicant_type, a1.outcome) == ("in_person", D(2024, 1, 8), "natural_person", "granted")
    assert (a2.channel, a2.received, a2.applicant_type, a2.extension_days, a2.outcome) == (
        "online", D(2024, 3, 5), "commercial", 20, "partially_granted")
    assert (a3.channel, a3.confirmed, a3.outcome) == ("post", D(2024, 6, 11), "withheld_third_party")
    assert (a4.applicant_type, a4.outcome) == ("legal_service", "unavailable_not_held")
    assert (a5.replied, a5.outcome, a5.note, a5.number) == (None, None, "办理中", "5")


def test_the_bureau_csv_mapped_from_other_headers():
    sheet = imp.read_sheet(BUREAU_CSV, "住建局.csv")
    assert sheet.header_row == 1
    mapping = imp.propose(sheet.headers)
    assert mapping == {0: "number", 1: "received", 2: "channel", 3: "applicant", 4: "applicant_type", 5: "content",
                       6: "correction_requested", 7: "correction_answered", 8: "replied", 9: "outcome",
                       10: "review_result", 11: "litigation_result"}
    done = imp.convert(sheet, mapping)
    assert done.problems == []
    b0, b1, b2, b3 = done.applications
    assert (b0.received, b0.replied, b0.outcome) == (D(2023, 12, 25), D(2024, 1, 10), "granted")
    assert [a.channel for a in done.applications] == ["in_person", "online", "fax", "letter"]
    assert (b1.correction_requested, b1.correction_answered, b1.replied, b1.outcome) == (
        D(2024, 2, 7), D(2024, 2, 20), D(2024, 3, 15), "unavailable_needs_creation")
    assert [(f.kind, f.result) for f in b1.follow_ups] == [("review", "upheld")]
    assert [(f.kind, f.result, f.filed) for f in b2.follow_ups] == [("litigation_direct", None, D(2024, 3, 29))]
    assert (b2.received, b2.outcome) == (D(2024, 3, 5), "declined_petition")
    assert (b3.applicant_type, b3.outcome) == ("natural_person", "other_no_correction")


def test_both_imported_and_their_tables(agencies):
    reg, town, bureau = agencies
    done = imp.convert(s := imp.read_sheet(township_workbook(), "t.xlsx"), imp.propose(s.headers))
    stored = reg.add_many(town, done.applications, by="导入人")
    assert len(stored) == 5 and all(a.id for a in stored)
    t = reg.year_tables(town, 2024)
    #                                自然人 商业 科研 公益 法律 其他 总计
    assert row(t, "new_received") == (3, 1, 0, 0, 1, 0, 5)
    assert row(t, "granted") == (1, 0, 0, 0, 0, 0, 1)
    assert row(t, "partially_granted") == (0, 1, 0, 0, 0, 0, 1)
    assert row(t, "withheld_third_party") == (1, 0, 0, 0, 0, 0, 1)
    assert row(t, "unavailable_not_held") == (0, 0, 0, 0, 1, 0, 1)
    assert row(t, "total_processed") == (2, 1, 0, 0, 1, 0, 4)
    assert row(t, "carried_forward") == (1, 0, 0, 0, 0, 0, 1)

    done = imp.convert(s := imp.read_sheet(BUREAU_CSV, "b.csv"), imp.propose(s.headers))
    reg.add_many(bureau, done.applications, by="导入人")
    t = reg.year_tables(bureau, 2024)
    assert row(t, "new_received") == (1, 1, 1, 0, 0, 0, 3)
    assert row(t, "carried_over") == (1, 0, 0, 0, 0, 0, 1)
    assert row(t, "unavailable_needs_creation") == (0, 0, 1, 0, 0, 0, 1)
    assert row(t, "declined_petition") == (0, 1, 0, 0, 0, 0, 1)
    assert row(t, "other_no_correction") == (1, 0, 0, 0, 0, 0, 1)
    assert row(t, "total_processed") == (2, 1, 1, 0, 0, 0, 4)
    assert row(t, "carried_forward") == (0,) * 7
    assert t.value("review_litigation.review.upheld") == 1 and t.value("review_litigation.review.total") == 1
    assert t.value("review_litigation.litigation_direct.pending") == 1
    # the log has an entry for each
    assert [h["action"] for h in reg.history(stored[0].id)] == ["import"]


def test_rows_that_cannot_be_mapped_are_listed_and_nothing_is_imported(agencies):
    reg, town, _ = agencies
    reg.add_many(town, imp.convert(s := imp.read_sheet(BUREAU_CSV, "b.csv"), imp.propose(s.headers)).applications,
                 by="x")
    before = len(reg.applications(agency_ids=[town]))
    bad = ("登记编号,申请日期,提交方式,申请人类别,办结日期,办理结果\n"
           "ZJ-2024-01,2024/4/1,当面,自然人,2024/4/20,予以公开\n"  # number taken in this register
           "N2,3月5日,当面,自然人,,\n"  # no year
           "N3,2024/5/6,当面,外籍人士,2024/5/20,予以公开\n"  # not one of table 三's applicant types
           "N4,2024/5/7,当面,自然人,2024/5/21,不予公开\n"  # which kind of 不予公开?
           "N4,2024/5/8,信鸽,自然人,2024/5/22,\n"  # the number again, a channel nobody knows, no outcome
           "N6,2024/5/9,当面,自然人,2024/5/1,予以公开\n").encode()  # replied before received
    sheet = imp.read_sheet(bad, "bad.csv")
    done = imp.convert(sheet, imp.propose(sheet.headers), taken_numbers=set(reg.numbers(town)))
    why = {p.row: "；".join(p.reasons) for p in done.problems}
    assert sorted(why) == [2, 3, 4, 5, 6, 7] and done.applications == []
    assert "ZJ-2024-01" in why[2] and "已有" in why[2]
    assert "没有写年份" in why[3]
    assert "外籍人士" in why[4] and "申请人类型" in why[4]
    assert "不予公开中的哪一种" in why[5]
    assert "与第6行重复" not in why[6] and "与第5行重复" in why[6] and "信鸽" in why[6] and "没有写办理结果" in why[6]
    assert "早于收到申请日期" in why[7]
    # stored all or none: one bad entry among good ones stores nothing
    good = imp.convert(s := imp.read_sheet(township_workbook(), "t.xlsx"), imp.propose(s.headers)).applications
    good[2].applicant_type = "外籍人士"
    with pytest.raises(RegisterError) as err:
        reg.add_many(town, good, by="x")
    assert err.value.problems[0].startswith("第3条：") and len(reg.applications(agency_ids=[town])) == before


def test_a_mapping_the_user_changes():
    csv = "日期,类,说法,回复\n2024-05-06,个人,予以公开,2024-05-10\n".encode()
    with pytest.raises(RegisterError) as err:
        imp.read_sheet(csv, "x.csv")  # no header names a field: no header row is found
    assert "没有找到表头" in err.value.zh
    csv = "编号,日期,类,结果,答复日期\nQ1,2024-05-06,个人,予以公开,2024-05-10\n".encode()
    sheet = imp.read_sheet(csv, "x.csv")
    proposed = imp.propose(sheet.headers)
    assert proposed == {0: "number", 3: "outcome", 4: "replied"}
    assert imp.mapping_problems(proposed, 5) == ["没有对应“收到申请日期”（或提交日期、签收或确认日期）的列",
                                                 "没有对应“申请人类型”的列（表三按申请人类型分列统计）"]
    with pytest.raises(RegisterError):
        imp.convert(sheet, proposed)
    chosen = {**proposed, 1: "received", 2: "applicant_type"}
    done = imp.convert(sheet, chosen, default_channel="in_person")
    assert done.problems == [] and done.applications[0].submitted == D(2024, 5, 6)
    assert imp.mapping_problems({0: "received", 1: "received", 2: "applicant_type"}, 3) == [
        "“收到申请日期”对应了多列（第1、2列），只能对应一列"]


def test_values_as_registers_write_them():
    assert imp.parse_date("2024.3.5") == imp.parse_date("2024年3月5日") == imp.parse_date(45356) == D(2024, 3, 5)
    assert imp.parse_date("２０２４－０３－０５") == D(2024, 3, 5)
    with pytest.raises(ValueError, match="不是有效的日期"):
        imp.parse_date("2024-02-30")
    assert imp.parse_channel("EMS") == "post" and imp.parse_channel("政府网站在线申请") == "online"
    assert imp.parse_applicant_type("法人或其他组织·社会公益组织") == "social_welfare"
    assert imp.parse_applicant_type("村委会") == "other_org"
    from gongkai.formats import get_edition

    e21, e19 = get_edition("2021"), get_edition("2019")
    assert imp.parse_outcome("（三）1.属于国家秘密", e21) == "withheld_state_secret"
    assert imp.parse_outcome("申请人逾期未缴纳信息处理费", e21) == "other_unpaid_fee"
    assert imp.parse_outcome("申请人逾期未缴纳信息处理费", e19) == "other"
    assert imp.parse_outcome("（六）其他处理", e19) == "other"
    with pytest.raises(ValueError, match="其他处理中的哪一种"):
        imp.parse_outcome("其他处理", e21)
    assert imp.parse_result("撤销原答复") == (True, "corrected") and imp.parse_result("无") == (False, None)
    assert imp.parse_extension("延长10个工作日") == 10
    with pytest.raises(ValueError, match="最长延长20个工作日"):
        imp.parse_extension(30)
    with pytest.raises(RegisterError, match="另存为"):
        imp.read_sheet(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls")


def test_the_export_imports_again(agencies):
    reg, town, bureau = agencies
    reg.add_many(bureau, imp.convert(s := imp.read_sheet(BUREAU_CSV, "b.csv"), imp.propose(s.headers)).applications,
                 by="x")
    apps = reg.applications(agency_ids=[bureau])
    data = workbook(apps, D(2024, 12, 31), "奉新县住房和城乡建设局", reg.year_tables(bureau, 2024))
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["台账", "表三表四", "说明"]
    assert wb["台账"].cell(2, 1).value == "ZJ-2023-09"
    again = imp.read_sheet(data, "export.xlsx")
    mapping = imp.propose(again.headers)
    assert set(mapping.values()) >= {"number", "channel", "submitted", "confirmed", "received", "applicant_type",
                                     "replied", "outcome", "review_result", "litigation_result"}
    assert "答复期限" not in [again.headers[i] for i in mapping]
    done = imp.convert(again, mapping)
    assert done.problems == []
    reg.add_many(town, done.applications, by="x")
    assert reg.year_tables(town, 2024).values == reg.year_tables(bureau, 2024).values
