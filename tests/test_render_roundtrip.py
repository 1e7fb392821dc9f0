"""Round trip: a random, correct report in either edition, written in every output format and
read back with gongkai's own readers, gives the same report — and passes every check.

The reports are built the way a clerk fills the form: the leaf cells by hand, the totals by
gongkai (totals.fill_totals). Section texts are generated so that they satisfy the narrative
rules (numbers that agree with the tables, 信息处理费 stated in 六, an itemised list that adds
up), the date falls after the year and before the deadline.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.api import check, read_data
from gongkai.compose import compose
from gongkai.document import Source
from gongkai.extract.meta import split_signature
from gongkai.formats import get_edition
from gongkai.formats.common import SECTIONS
from gongkai.forms import data_from_bytes, from_mapping, read_workbook
from gongkai.model import Cell, Report, Section
from gongkai.render import render
from gongkai.totals import fill_totals, format_number

EXAMPLES = 12
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

PLACES = ["丰收", "幸福", "城郊", "甘坊", "集义庄", "红旗", "青云", "河西", "东风"]
COUNTIES = ["", "繁峙县", "奉新县", "南关区", "平阳县", "清河市"]
KINDS = ["乡人民政府", "镇人民政府", "街道办事处", "财政局", "住房和城乡建设局", "教育局", "生态环境局",
         "人民政府办公室"]
FILLER = [
    "我们认真贯彻落实《中华人民共和国政府信息公开条例》，坚持“以公开为常态、不公开为例外”。",
    "进一步健全工作机制，明确专人负责，规范发布流程，做到应公开尽公开。",
    "持续加强政府网站和政务新媒体建设，提升信息发布的及时性和准确性。",
    "严格执行保密审查制度，坚持“先审查、后公开”和“一事一审”。",
    "对群众关心的热点问题及时回应关切，做好政策解读工作。",
    "政务公开栏目设置为“政策文件 & 解读”“通知公告”等，标注<重点>内容。",
    "（一）主动公开情况",
    "（二）依申请公开情况",
    "一是公开内容还不够全面；二是公开形式较为单一。",
    "下一步，我们将加强业务培训，提高工作人员能力水平。",
]


def _agency(draw) -> str:
    return draw(st.sampled_from(COUNTIES)) + draw(st.sampled_from(PLACES)) + draw(st.sampled_from(KINDS))


def _cell(value) -> Cell:
    return Cell(value, format_number(value), None)


@st.composite
def reports(draw, edition: str) -> Report:
    ed = get_edition(edition)
    year = draw(st.integers(2019, 2020) if edition == "2019" else st.integers(2021, 2025))
    agency = _agency(draw)
    report = Report(Source("generated", "0" * 64, "json"), agency=agency, year=year, edition=edition,
                    title=f"{year}年{agency}政府信息公开工作年度报告",
                    date=dt.date(year + 1, 1, draw(st.integers(2, 28))))
    small = st.integers(0, 12)
    tables: dict = {}
    active = tables["active"] = {}
    for row in ed.table("active").rows:
        cells = {}
        for c in row.columns:
            if c.kind == "signed":
                v = draw(st.integers(-5, 5))
            elif c.kind == "amount":
                v = draw(st.one_of(st.integers(0, 500), st.integers(0, 99999).map(lambda n: n / 100)))
            else:
                v = draw(st.integers(0, 300))
            cells[c.key] = _cell(v)
        active[row.key] = cells
    apps = tables["applications"] = {}
    rows = ed.table("applications").rows
    applicant = [c.key for c in rows[0].columns if c.key != "total"]
    outcomes = [r.key for r in rows if r.key not in ("new_received", "carried_over", "total_processed",
                                                      "carried_forward")]
    for r in outcomes:
        apps[r] = {c: _cell(draw(small)) for c in applicant}
    apps["carried_forward"] = {c: _cell(draw(st.integers(0, 4))) for c in applicant}
    apps["carried_over"] = {}
    apps["new_received"] = {}
    for c in applicant:
        processed = sum(apps[r][c].value for r in outcomes)
        have = processed + apps["carried_forward"][c].value
        over = min(draw(st.integers(0, 5)), have)
        apps["carried_over"][c] = _cell(over)
        apps["new_received"][c] = _cell(have - over)
    review = tables["review_litigation"] = {}
    for row in ed.table("review_litigation").rows:
        review[row.key] = {c.key: _cell(draw(st.integers(0, 3))) for c in row.columns if c.key != "total"}
    report.tables = tables
    fill_totals(report)
    report.sections = _sections(draw, report)
    return report


def _sections(draw, report: Report) -> list[Section]:
    v = report.value
    texts: dict[int, list[str]] = {}
    parts = [draw(st.integers(0, 60)) for _ in range(3)]
    texts[1] = [
        f"{report.year}年，{report.agency}认真贯彻落实政府信息公开工作部署。",
        f"全年共主动公开政府信息{sum(parts)}条，其中政策文件{parts[0]}条、工作动态{parts[1]}条、通知公告{parts[2]}条。",
        (f"全年共收到政府信息公开申请{v('applications.new_received.total')}件，"
         f"上年结转{v('applications.carried_over.total')}件，办结{v('applications.total_processed.total')}件。"),
        # what the 2021 format asks of 总体情况 besides (GK507), and 第五十条's results (GK508)
        "落实公开前保密审查，政府网站和政务新媒体运行平稳；将政府信息公开纳入工作考核，开展社会评议，本年度未发生责任追究情况。",
    ] + draw(st.lists(st.sampled_from(FILLER), max_size=3))
    texts[2] = draw(st.lists(st.sampled_from(FILLER[:6]), max_size=1))
    texts[3] = draw(st.sampled_from([[], [f"结转下年度继续办理{v('applications.carried_forward.total')}件。"]]))
    litigation = v("review_litigation.litigation_direct.total") + v("review_litigation.litigation_after_review.total")
    texts[4] = draw(st.sampled_from([
        [], [(f"本年度因政府信息公开工作被申请行政复议{v('review_litigation.review.total')}件，"
              f"被提起行政诉讼{litigation}件。")]]))
    # a problem and what will be done about it, said at some length (GK509)
    texts[5] = [FILLER[8], "下一步，我们将加强业务培训，提高工作人员能力水平，丰富政策解读形式，及时更新各栏目信息。",
                *draw(st.lists(st.sampled_from(FILLER[8:]), max_size=2))]
    fee = draw(st.sampled_from([
        "本年度未收取信息处理费。",
        "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本年度未收取信息处理费。",
        "本年度共收取信息处理费0元。",
    ]))
    unpaid = (v("applications.other_unpaid_fee.total") or 0) if report.edition == "2021" else 0
    if unpaid:  # fee notices were sent: the text says so (GK404)
        fee = f"本年度向申请人发出收费通知{unpaid}份，申请人均未在期限内缴纳，未实际收取信息处理费。"
    texts[6] = [fee] + draw(st.lists(st.sampled_from(["无其他需要报告的事项。", FILLER[4]]), max_size=1))
    return [Section(s.number, s.title, "\n".join(texts[s.number])) for s in SECTIONS]


# ------------------------------------------------------------------------------------------ helpers


def read_back(data: bytes, fmt: str, name: str) -> Report:
    if fmt == "json":
        return Report.from_json(json.loads(data))
    if fmt == "yaml":
        return data_from_bytes(data, name, "yaml")
    if fmt == "xlsx":
        report = read_workbook(data, name)
        fill_totals(report)  # the form's totals are formulas: computed from the leaves
        return report
    return read_data(data, name)


def without_signature(report: Report) -> list[tuple[int, str, str]]:
    """Sections as (number, title, text); the signature lines readers keep in the last section's
    text (the agency and the date printed under it) are taken out."""
    out = []
    for i, s in enumerate(report.sections):
        text = s.text
        if i == len(report.sections) - 1:
            text, _, _ = split_signature(text, report.agency)
        out.append((s.number, s.title, text))
    return out


def cells(report: Report, edition: str) -> dict[str, tuple]:
    """Every cell of the edition as (value, printed-if-no-value): blank and "/" stay apart."""
    out = {}
    ed = get_edition(edition)
    for t in ed.tables:
        for r in t.rows:
            for c in r.columns:
                ref = f"{t.key}.{r.key}.{c.key}"
                cell = report.cell(ref)
                if cell is None or cell.value is None:
                    out[ref] = (None, ((cell.raw if cell else None) or "").strip())
                else:
                    out[ref] = (cell.value, None)
    return out


def unbroken(text: str | None) -> str | None:
    """The Word title is printed on two lines (a line break after the agency); the reader joins them."""
    return "".join(text.split()) if text else text


def assert_same(original: Report, back: Report, fmt: str, *, texts=True) -> None:
    assert back.edition == original.edition, fmt
    assert back.year == original.year, fmt
    if fmt == "docx":
        assert unbroken(back.agency) == original.agency and unbroken(back.title) == original.title
    else:
        assert back.agency == original.agency, fmt
    assert back.date == original.date, fmt
    if fmt not in ("json", "yaml", "docx"):  # the data formats carry no title line
        assert back.title == original.title, fmt
    a, b = cells(original, original.edition), cells(back, original.edition)
    diff = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    assert not diff, f"{fmt}: {diff}"
    if texts:
        assert without_signature(back) == without_signature(original), fmt


def serious(findings) -> list[str]:
    return [f"{f.code} {f.message}" for f in findings if f.severity in ("error", "warning")]


FORMATS = ["docx", "html", "json", "yaml", "xlsx"]


# ------------------------------------------------------------------------------------------ tests


@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_generated_reports_pass_every_check(edition):
    @SETTINGS
    @given(reports(edition))
    def run(report):
        assert serious(check(report)) == []

    run()


@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_round_trip_every_format(edition):
    @SETTINGS
    @given(reports(edition))
    def run(report):
        for fmt in FORMATS:
            data = render(report, fmt)
            back = read_back(data, fmt, f"report.{fmt}")
            assert_same(report, back, fmt)
            assert serious(check(back)) == [], fmt

    run()


@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_round_trip_markdown(edition):
    """Markdown through the text reader: every value, the title, year, agency, date and the sections."""

    @SETTINGS
    @given(reports(edition))
    def run(report):
        data = render(report, "md")
        back = read_back(data, "md", "report.md")
        assert_same(report, back, "md")
        assert serious(check(back)) == []

    run()




def test_markdown_heading_underlines_are_not_text():
    report = _fixed_report()
    back = read_back(render(report, "md"), "md", "report.md")
    assert without_signature(back) == without_signature(report)


def _fixed_report() -> Report:
    """A report composed from data that fills no cell: every cell blank, every section one line."""
    data = {"date": "2024-01-10",
            "sections": [{"number": s.number, "text": f"第{s.number}部分。本年度未收取信息处理费。"} for s in SECTIONS]}
    return compose(2023, "幸福乡人民政府", data=from_mapping(data)).report


def test_word_title_line_break():
    report = _fixed_report()
    back = read_back(render(report, "docx"), "docx", "report.docx")
    assert (back.title, back.agency) == (report.title, report.agency)


def test_blanks_nil_markers_and_disagreeing_totals_survive_every_format():
    """Not a correct report: a blank cell stays blank, "/" stays "/", a total that disagrees with
    its parts is printed as given (and the check says so), nothing becomes 0."""
    report = _fixed_report()
    report.tables["applications"]["granted"]["natural_person"] = Cell(None, "/", None)
    report.tables["applications"]["granted"]["commercial"] = Cell(None, "", None)
    report.tables["applications"]["granted"]["research"] = Cell(2, "2", None)
    report.tables["applications"]["granted"]["total"] = Cell(5, "5", None)  # 2 ≠ 5
    report.tables["active"]["fees"]["amount"] = Cell(1.25, "1.25", None)
    for fmt in FORMATS + ["md"]:
        back = read_back(render(report, fmt), fmt, f"x.{fmt}")
        granted = back.tables["applications"]["granted"]
        assert (granted["natural_person"].value, granted["natural_person"].raw) == (None, "/"), fmt
        assert granted["commercial"].value is None and not (granted["commercial"].raw or "").strip(), fmt
        assert granted["research"].value == 2 and granted["total"].value == 5, fmt
        assert back.value("active.fees.amount") == 1.25, fmt
        assert back.value("applications.new_received.total") is None, fmt  # all blank: no invented 0
        codes = {f.code for f in check(back)}
        assert "GK302" in codes, fmt  # the row total 5 is not 2
