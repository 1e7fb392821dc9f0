"""The publication date a file itself gives (Report.published): a portal page's meta tags and info bar, a Word
file's properties, a PDF's; kept in the JSON; and judged by GK502 with the signed date against the deadline."""

from __future__ import annotations

import datetime as dt
import io
import json
from html import escape
from importlib import resources

import docx
from jsonschema import Draft202012Validator

from gongkai.api import check, read, read_data
from gongkai.formats.deadlines import parse_deadlines
from gongkai.location import Location
from gongkai.model import Report

from conftest import corpus_file
from reportgen import report_text

NATIONAL = "《中华人民共和国政府信息公开条例》第四十九条"


def report_schema() -> Draft202012Validator:
    ref = resources.files("gongkai") / "schema" / "report.schema.json"
    return Draft202012Validator(json.loads(ref.read_text(encoding="utf-8")))


def late(report: Report, deadlines=None):
    return check(report, select={"GK502"}, deadlines=deadlines)


# ------------------------------------------------------------------------------------------------ web pages


def test_pingtan_page_gives_its_publication_date():
    """平潭's page: <meta name="PubDate" content="2020-01-20 15:22"> and 时间：2020-01-20 15:22 in its info bar; the
    report is signed by no date."""
    r = read(corpus_file("pingtan-2019.html"))
    assert (r.published, r.published_from, r.published_at) == (dt.date(2020, 1, 20), "page", Location(meta="发布时间"))
    assert r.date == dt.date(2020, 1, 20)  # the page's date stands in for the missing signature …
    assert late(r) == []  # … and a 区 government has until 3月31日
    # under a local rule of 1月15日 for governments the one date is late, said once
    found = late(r, parse_deadlines("政府: 1月15日\n依据: 某省规定\n", "d.yaml"))
    assert len(found) == 1
    f = found[0]
    assert (f.severity, f.expected, f.actual, f.at) == ("warning", "2020-01-15", "2020-01-20", Location(meta="发布时间"))
    assert f.message == "网页标明的发布时间为2020年1月20日，晚于县级以上地方人民政府的公布期限2020年1月15日（某省规定）"
    data = r.to_json()
    assert data["published"] == {"date": "2020-01-20", "from": "page"}
    report_schema().validate(data)
    back = Report.from_json(data)
    assert (back.published, back.published_from) == (dt.date(2020, 1, 20), "page")


def page(info: str, signed: str, agency: str = "某县财政局") -> bytes:
    """A portal page: the site's info bar over the report, the report signed ``signed``."""
    text = report_text(title=f"2023年{agency}政府信息公开工作年度报告", ending=[agency, signed])
    body = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{agency}</title></head><body>'
            f'<div class="nav">首页 &gt; 政务公开 &gt; 政府信息公开年报</div>'
            f'<div class="article-info">{info}</div><div class="article-content">{body}</div>'
            f'<div class="footer">网站地图 | 联系我们</div></body></html>').encode()


def test_signed_on_time_published_late_on_the_page():
    data = page("成文日期：2024-01-10　发布日期：2024-02-25　更新时间：2024-03-01　来源：某县财政局", "2024年1月10日")
    r = read_data(data, "page.html")
    assert (r.date, r.published, r.published_from) == (dt.date(2024, 1, 10), dt.date(2024, 2, 25), "page")
    found = late(r)
    assert len(found) == 1
    f = found[0]
    assert (f.severity, f.expected, f.actual, f.at) == ("warning", "2024-01-31", "2024-02-25", Location(meta="发布时间"))
    assert f.message == ("报告落款日期为2024年1月10日，但网页标明的发布时间为2024年2月25日，"
                         f"晚于县级以上人民政府部门的公布期限2024年1月31日（{NATIONAL}）")


def test_both_late_said_in_one_finding():
    r = read_data(page("发布时间：2024-02-26 09:30", "2024年2月20日"), "page.html")
    found = late(r)
    assert len(found) == 1
    assert found[0].message.startswith("报告落款日期为2024年2月20日、网页标明的发布时间为2024年2月26日，均晚于")
    assert found[0].actual == "2024-02-26"


def test_signed_late_published_in_time():
    """The page says 1月25日, the signature 2月20日: one of them is wrong, and the finding says which is late."""
    r = read_data(page("发布时间：2024-01-25", "2024年2月20日"), "page.html")
    found = late(r)
    assert [(f.severity, f.actual) for f in found] == [("warning", "2024-02-20")]
    assert found[0].message == ("报告落款日期为2024年2月20日，晚于县级以上人民政府部门的公布期限2024年1月31日"
                                f"（{NATIONAL}）；网页标明的发布时间为2024年1月25日，在期限内，请核实哪个日期有误")


def test_written_date_when_the_page_gives_no_publication_date():
    """Only 成文日期 (and an 更新时间, which is no publication date): the page's 成文日期 is used."""
    r = read_data(page("更新时间：2024-06-01　成文日期：2024-01-12", "2024年1月12日"), "page.html")
    assert (r.published, r.published_from) == (dt.date(2024, 1, 12), "written")
    assert late(r) == []


def test_a_page_on_time_is_silent():
    r = read_data(page("发布日期：2024-01-18", "2024年1月16日"), "page.html")
    assert (r.published, r.published_from) == (dt.date(2024, 1, 18), "page")
    assert late(r) == []


# ------------------------------------------------------------------------------------------------ Word


def word(created: dt.datetime, signed: str = "2024年1月20日", agency: str = "某县财政局") -> bytes:
    d = docx.Document()
    for line in report_text(title=f"2023年{agency}政府信息公开工作年度报告", ending=[agency, signed]).splitlines():
        if line.strip():
            d.add_paragraph(line)
    d.core_properties.created = created  # python-docx writes it as UTC
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_word_file_created_after_the_deadline_is_a_hint():
    # 2024-02-24 18:00 UTC is 2024-02-25 in China
    r = read_data(word(dt.datetime(2024, 2, 24, 18, 0)), "report.docx")
    assert r.source.format == "docx"
    assert (r.date, r.published, r.published_from) == (dt.date(2024, 1, 20), dt.date(2024, 2, 25), "docx")
    assert r.to_json()["published"] == {"date": "2024-02-25", "from": "docx"}
    found = late(r)
    assert len(found) == 1
    f = found[0]
    assert (f.severity, f.expected, f.actual, f.at) == ("info", "2024-01-31", "2024-02-25", Location(meta="文件创建时间"))
    assert f.message.startswith("报告落款日期为2024年1月20日，但Word 文件属性中的创建时间为2024年2月25日，"
                                "晚于县级以上人民政府部门的公布期限2024年1月31日")
    assert "也可能是事后另存的副本" in f.message


def test_word_file_created_on_the_last_day_in_china():
    # 2024-01-31 15:00 UTC is still 1月31日 in China (23:00); 16:30 UTC is 2月1日
    assert read_data(word(dt.datetime(2024, 1, 31, 15, 0)), "a.docx").published == dt.date(2024, 1, 31)
    assert late(read_data(word(dt.datetime(2024, 1, 31, 15, 0)), "a.docx")) == []
    assert read_data(word(dt.datetime(2024, 1, 31, 16, 30)), "b.docx").published == dt.date(2024, 2, 1)


def test_word_file_from_another_year_says_nothing():
    """A file made from last year's (created in 2022), or a copy made years later: no publication date."""
    for created in (dt.datetime(2022, 5, 1, 8, 0), dt.datetime(2026, 3, 1, 8, 0)):
        r = read_data(word(created), "report.docx")
        assert r.published is None and r.published_from is None
        assert r.to_json()["published"] is None
        assert late(r) == []


def test_signed_late_word_file_is_a_warning():
    r = read_data(word(dt.datetime(2024, 2, 18, 2, 0), signed="2024年2月20日"), "report.docx")
    found = late(r)
    assert [(f.severity, f.actual) for f in found] == [("warning", "2024-02-20")]
    assert found[0].message.startswith("报告落款日期为2024年2月20日、Word 文件属性中的创建时间为2024年2月18日，均晚于")


# ------------------------------------------------------------------------------------------------ PDF


def test_pdf_creation_date():
    """淮安's PDF was made 2025-02-25 10:02 (+08:00)."""
    r = read(corpus_file("huaian-city-2024.pdf"))
    assert (r.published, r.published_from) == (dt.date(2025, 2, 25), "pdf")
    assert late(r) == []  # a city government: 3月31日
    under = late(r, parse_deadlines("政府: 2月20日\n", "d.yaml"))
    assert [(f.severity, f.expected, f.actual) for f in under] == [("info", "2025-02-20", "2025-02-25")]
    assert under[0].message.startswith("PDF 文件属性中的创建时间为2025年2月25日，晚于县级以上地方人民政府的公布期限2025年2月20日")
