"""A value is right, or it says so: how each cell was read, and the findings about gongkai's own reading
(GK701 several splits, GK702 an uncertain scan, GK703 not read, GK704 a unit converted).

Every report here is written by hand (tests/reportgen.py lays the tables out); the numbers were chosen so
that each case means one thing, and every expected value is what the report prints.
"""

from __future__ import annotations

import pickle

import pytest
from jsonschema import Draft202012Validator

from gongkai.api import read_data
from gongkai.checks import check
from gongkai.document import OcrSource
from gongkai.extract.digits import Slot, Sum, read_run
from gongkai.extract.scan import scan
from gongkai.extract.tables import detect_edition, fill
from gongkai.extract.units import build_units
from gongkai.location import Location
from gongkai.model import Cell, Report
from gongkai.readers import read_bytes
from gongkai.schema import report_schema

from reportgen import (
    ACTIVE_2019,
    ACTIVE_2021,
    APPLICANT_KEYS,
    BODY,
    REVIEW,
    active_rows,
    application_rows,
    consistent_applications,
    render,
    report_text,
    review_rows,
)

TITLE_2020 = "2020年某某镇人民政府政府信息公开工作年度报告"
ENDING_2020 = ["某某镇人民政府", "2021年1月15日"]
BODY_2020 = {1: "2020年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。"}


def read(text: str) -> Report:
    return read_data(text.encode("utf-8"), "report.txt")


def findings(report: Report, code: str | None = None):
    out = check(report)
    return [f for f in out if code is None or f.code == code]


def codes(report: Report) -> set[str]:
    return {f.code for f in check(report)}


def row(report: Report, table: str, key: str, cols) -> list:
    return [report.tables[table][key][c].value for c in cols]


def tables(*, active=None, active_edition="2021", active_layout="cells", applications=None, apps_layout="cells",
           edition="2021", review=None) -> dict[int, str]:
    default = ACTIVE_2021 if active_edition == "2021" else ACTIVE_2019
    return {
        2: render(active_rows(active or default, active_edition), active_layout),
        3: render(application_rows(applications or consistent_applications(edition), edition), apps_layout),
        4: render(review_rows(review or REVIEW)),
    }


def report_2019(**active) -> Report:
    """A 2020 report in the 2019 edition, table 二 in cells, with the rows of ``active`` changed."""
    return read(report_text(title=TITLE_2020, edition="2019", body=BODY_2020, ending=ENDING_2020,
                            tables=tables(active={**ACTIVE_2019, **active}, active_edition="2019", edition="2019")))


DOCS_2021 = ("issued", "repealed", "in_force")
ITEMS_2019 = ("prev_items", "change", "decisions")


# ---------------------------------------------------------------- run-together digits: every split


def test_the_one_split_the_identities_allow_is_taken_and_marked_split():
    # table 三 crawled: every row's cells run together; 一、本年新收 prints 373020042
    values = consistent_applications()
    values.update(new_received=[37, 3, 0, 2, 0, 0, 42], granted=[34, 3, 0, 2, 0, 0, 39],
                  total_processed=[37, 3, 0, 2, 0, 0, 42])
    r = read(report_text(tables=tables(applications=values, apps_layout="run")))
    assert row(r, "applications", "new_received", APPLICANT_KEYS) == [37, 3, 0, 2, 0, 0, 42]
    cell = r.tables["applications"]["new_received"]["natural_person"]
    assert (cell.how, cell.doubt, cell.candidates) == ("split", None, ())
    assert row(r, "applications", "granted", APPLICANT_KEYS) == [34, 3, 0, 2, 0, 0, 39]
    assert not {"GK701", "GK703"} & codes(r)


def test_rows_ambiguous_alone_are_settled_by_the_identities_between_rows():
    # 141000015 is 14,1,0,0,0,0,15 or 1,4,10,0,0,0,15; 110000011 is 11,0,…,11 or 1,10,0,…,11. Only the
    # first of each keeps （七） = the sum of the outcomes and 一+二 = （七）+四 in every column.
    values = {k: [0] * 7 for k in consistent_applications()}
    values.update(new_received=[14, 1, 0, 0, 0, 0, 15], granted=[11, 0, 0, 0, 0, 0, 11],
                  partially_granted=[2, 1, 0, 0, 0, 0, 3], unavailable_not_held=[1, 0, 0, 0, 0, 0, 1],
                  total_processed=[14, 1, 0, 0, 0, 0, 15])
    r = read(report_text(tables=tables(applications=values, apps_layout="run"),
                         body={1: BODY[1].replace("收到政府信息公开申请6件，上年结转1件", "收到政府信息公开申请15件"),
                               3: "本年度新收政府信息公开申请15件。"}))
    for key in ("new_received", "granted", "total_processed"):
        assert row(r, "applications", key, APPLICANT_KEYS) == values[key], key
        assert all(c.how == "split" and c.doubt is None for c in r.tables["applications"][key].values())
    assert codes(r) == set()


def test_several_splits_give_no_value_the_candidates_and_gk701():
    # 行政规范性文件 printed 3127: 3、1、27 or 3、12、7 or 31、2、7 (table 二 has no sums to decide)
    active = {**ACTIVE_2021, "normative_documents": [3, 1, 27]}
    r = read(report_text(tables=tables(active=active, active_layout="run")))
    cells = r.tables["active"]["normative_documents"]
    assert [cells[c].value for c in DOCS_2021] == [None, None, None]
    assert {cells[c].raw for c in DOCS_2021} == {"3127"}
    assert [cells[c].candidates for c in DOCS_2021] == [(3, 31), (1, 12, 2), (27, 7)]
    assert {cells[c].doubt for c in DOCS_2021} == {"ambiguous"}
    assert {cells[c].how for c in DOCS_2021} == {"split"}
    (f,) = findings(r, "GK701")
    assert f.severity == "warning"
    assert f.cells == [f"active.normative_documents.{c}" for c in DOCS_2021]
    assert sorted(f.actual) == [[3, 1, 27], [3, 12, 7], [31, 2, 7]]
    assert "3127" in f.message and "gongkai 无法唯一确定" in f.message and "共 3 种" in f.message
    for split in ("3、1、27", "3、12、7", "31、2、7"):
        assert split in f.message
    # the other rows of the run-together table split one way only
    assert [r.tables["active"]["regulations"][c].value for c in DOCS_2021] == [0, 0, 0]
    assert r.value("active.licensing.decisions") == 120


def test_an_ambiguous_row_silences_the_identities_it_is_in():
    # 110000011 alone: 11,0,…,11 or 1,10,0,…,11; （二） printed 4100005 breaks （七） = the outcomes whichever
    # way the rows are read, so the rows cannot settle one another: the identities they are in say nothing,
    # GK701 says why
    values = {k: [0] * 7 for k in consistent_applications()}
    values.update(new_received=[14, 1, 0, 0, 0, 0, 15], granted=[11, 0, 0, 0, 0, 0, 11],
                  partially_granted=[4, 1, 0, 0, 0, 0, 5], total_processed=[14, 1, 0, 0, 0, 0, 15])
    r = read(report_text(tables=tables(applications=values, apps_layout="run")))
    granted = r.tables["applications"]["granted"]
    assert granted["natural_person"].value is None and granted["natural_person"].candidates == (11, 1)
    assert granted["commercial"].candidates == (0, 10)
    found = check(r)
    assert "GK701" in {f.code for f in found}
    for f in found:
        if f.code.startswith("GK3"):
            assert not any(ref.startswith("applications.granted.") for ref in f.cells), f.message
            assert not any(ref.startswith("applications.total_processed.") for ref in f.cells), f.message


@pytest.mark.parametrize(("printed", "expected"), [("35-15", [35, -15])])
def test_two_cells_run_into_one_are_split_not_called_text(printed, expected):
    # 2019 行政事业性收费: 上一年项目数量 35, 本年增/减 −15, printed in one cell
    r = report_2019(fees=[printed])
    fees = r.tables["active"]["fees"]
    assert [fees["prev_items"].value, fees["change"].value] == expected
    assert {fees["prev_items"].how, fees["change"].how} == {"split"}
    assert not {"GK204", "GK202", "GK701", "GK703"} & codes(r)


def test_a_signed_run_with_several_splits_is_gk701_not_gk204():
    # 2019 行政处罚 printed 2648-18538: 上一年 2648, then −18 538, −185 38, −1853 8, −1 8538, or "-" and 18538
    r = report_2019(penalty=["2648-18538"])
    penalty = r.tables["active"]["penalty"]
    assert [penalty[c].value for c in ITEMS_2019] == [None, None, None]
    assert penalty["prev_items"].candidates == (2648,)
    assert sorted(penalty["change"].candidates) == [-1853, -185, -18, -1]
    assert sorted(penalty["decisions"].candidates) == [8, 38, 538, 8538, 18538]
    found = codes(r)
    assert "GK701" in found and "GK204" not in found


def test_signed_changes_blank_nil_and_zero_in_the_2019_table():
    r = report_2019(licensing=[40, "+17", 57], other_services=[12, "-15", 3], penalty=[5, "/", 35],
                    coercion=[6, "", 2], fees=[1, 0])
    act = r.tables["active"]
    assert (act["licensing"]["change"].value, act["licensing"]["change"].raw) == (17, "+17")
    assert (act["other_services"]["change"].value, act["other_services"]["change"].raw) == (-15, "-15")
    assert (act["penalty"]["change"].value, act["penalty"]["change"].raw) == (None, "/")
    assert (act["coercion"]["change"].value, act["coercion"]["change"].raw) == (None, "")
    assert (act["fees"]["change"].value, act["fees"]["change"].raw) == (0, "0")
    found = codes(r)
    assert "GK202" not in found  # 本年增/减 may be negative
    assert {"GK205", "GK201"} <= found  # the "/" and the blank are the agency's, and different


def test_a_sign_run_together_has_three_readings():
    # 2019 行政许可 40、+17、52 run together: +17 52, +1 752, +175 2
    r = read(report_text(title=TITLE_2020, edition="2019", body=BODY_2020, ending=ENDING_2020,
                         tables=tables(active={**ACTIVE_2019, "licensing": [40, "+17", 52]}, active_edition="2019",
                                       active_layout="run", edition="2019")))
    lic = r.tables["active"]["licensing"]
    assert lic["prev_items"].value is None and lic["prev_items"].candidates == (40,)
    assert sorted(lic["change"].candidates) == [1, 17, 175]
    assert sorted(lic["decisions"].candidates) == [2, 52, 752]
    assert "GK701" in codes(r)


def test_thousands_separators_and_decimals():
    active = {**ACTIVE_2021, "licensing": ["1,234"], "fees": ["0.35"], "normative_documents": [12, 3, "1,204"]}
    r = read(report_text(tables=tables(active=active)))
    assert r.value("active.licensing.decisions") == 1234
    assert r.value("active.fees.amount") == 0.35
    assert [r.value(f"active.normative_documents.{c}") for c in DOCS_2021] == [12, 3, 1204]
    # one row to a line, the cells joined by spaces: 12 3 1,204 as printed
    r = read(report_text(tables=tables(active=active, active_layout="spaces")))
    assert [r.value(f"active.normative_documents.{c}") for c in DOCS_2021] == [12, 3, 1204]
    # run together: 行政许可1,234 and 行政事业性收费0.35 are one number each
    r = read(report_text(tables=tables(active=active, active_layout="run")))
    assert r.value("active.licensing.decisions") == 1234
    assert r.value("active.fees.amount") == 0.35
    # … but 1231,204 for three columns is 12、3、1,204 or 123、1、204 or 1、23、1,204 …: not one number
    assert r.tables["active"]["normative_documents"]["in_force"].doubt == "ambiguous"


def test_a_decimal_belongs_to_the_amount_only():
    # 2019 政府集中采购 run together as 312.5: 采购项目数量 3 and 12.5 万元, or 31 and 2.5 万元
    r = read(report_text(title=TITLE_2020, edition="2019", body=BODY_2020, ending=ENDING_2020,
                         tables=tables(active={**ACTIVE_2019, "procurement": [3, 12.5]}, active_edition="2019",
                                       active_layout="run", edition="2019")))
    proc = r.tables["active"]["procurement"]
    assert (proc["items"].candidates, proc["amount"].candidates) == ((31, 3), (2.5, 12.5))


def test_every_split_is_found_not_the_likeliest():
    slots3 = [Slot(), Slot(signed=True), Slot()]
    assert [[p.text for p in s] for s in read_run(["5/3"], slots3).splits] == [["5", "/", "3"]]
    res = read_run(["110000011"], [Slot()] * 7, [Sum(6, (0, 1, 2, 3, 4, 5))])
    assert res.complete and res.count == 2
    assert sorted([p.value for p in s] for s in res.splits) == [[1, 10, 0, 0, 0, 0, 11], [11, 0, 0, 0, 0, 0, 11]]
    # 40 digits for 7 numbers with nothing to check them against: not searched to the end, and said so
    res = read_run(["1" * 40], [Slot()] * 7, budget=20_000)
    assert not res.complete and res.unique is None


# ---------------------------------------------------------------- units


def test_an_amount_in_yuan_is_converted_to_wan_yuan_and_said():
    r = read(report_text(tables=tables(active={**ACTIVE_2021, "fees": ["3000元"]})))
    cell = r.tables["active"]["fees"]["amount"]
    assert (cell.value, cell.raw) == (0.3, "3000元")
    (f,) = findings(r, "GK704")
    assert f.severity == "info" and f.cells == ["active.fees.amount"]
    assert (f.expected, f.actual) == (0.3, 3000)
    assert "3000元" in f.message and "0.3 万元" in f.message
    assert codes(r) == {"GK704"}


def test_a_header_in_yuan_converts_the_amount():
    rows = active_rows({**ACTIVE_2021, "fees": [4500]})
    rows = [[c.replace("本年收费金额（单位：万元）", "本年收费金额（单位：元）") for c in row] for row in rows]
    r = read(report_text(tables={**tables(), 2: render(rows)}))
    assert r.value("active.fees.amount") == 0.45
    (f,) = findings(r, "GK704")
    assert "本年收费金额（单位：元）" in f.message and "0.45 万元" in f.message


def test_wan_yuan_and_counts_stay_as_printed():
    r = read(report_text(tables=tables(active={**ACTIVE_2021, "fees": ["20万元"], "licensing": ["56件"]})))
    assert r.value("active.fees.amount") == 20
    assert r.value("active.licensing.decisions") == 56
    assert "GK704" not in codes(r)
    # a sentence naming the amount in 元 is no header of the table
    body = {2: "本年收费金额0.3万元，即3000元。"}
    r = read(report_text(body=body, tables=tables(active={**ACTIVE_2021, "fees": ["0.3"]})))
    assert r.value("active.fees.amount") == 0.3
    assert "GK704" not in codes(r)


# ---------------------------------------------------------------- what gongkai could not read


def numbers_moved_away(row_label: str) -> str:
    """Table 三 with the numbers of ``row_label`` printed apart from it, after the table's last row."""
    rows = application_rows(consistent_applications())
    i = next(i for i, r in enumerate(rows) if row_label in r)
    rows[i], numbers = rows[i][:-7], rows[i][-7:]
    return render([*rows, numbers])


def test_a_row_not_read_is_gk703_not_an_identity_error():
    text = report_text(tables={**tables(), 3: numbers_moved_away("（一）予以公开")})
    r = read(text)
    granted = r.tables["applications"]["granted"]
    assert {c.doubt for c in granted.values()} == {"unread"}
    assert {c.value for c in granted.values()} == {None}
    # （七） = the outcomes would be 6 ≠ 3 with （一） missing: not said, nor a blank or missing row
    assert codes(r) == {"GK703"}
    (f,) = findings(r, "GK703")
    assert f.cells == ["applications.granted"]
    label_line = next(n for n, line in enumerate(text.split("\n"), start=1) if "（一）予以公开" in line)
    assert f.at == Location(line=label_line)
    assert "gongkai 未能读取" in f.message and "（一）予以公开" in f.message and f"第{label_line}行" in f.message


def test_a_table_whose_heading_was_found_but_no_numbers_is_gk703_not_gk110():
    t = tables()
    t[4] = render(review_rows()[:-1])  # table 四's three header rows, its row of numbers lost
    r = read(report_text(tables=t))
    found = codes(r)
    assert "GK703" in found and "GK110" not in found
    assert "GK401" not in found  # 行政复议1件 in the text is not held against a table not read
    (f,) = findings(r, "GK703")
    assert f.cells == ["review_litigation"] and "表四" in f.message


def test_digits_that_make_no_number_in_a_cell_are_not_read_not_text():
    r = read(report_text(tables=tables(active={**ACTIVE_2021, "licensing": ["12-3-4"]})))
    cell = r.tables["active"]["licensing"]["decisions"]
    assert (cell.value, cell.raw, cell.doubt) == (None, "12-3-4", "unread")
    found = codes(r)
    assert "GK703" in found and "GK204" not in found


def test_real_text_is_still_not_a_number():
    r = read(report_text(tables=tables(active={**ACTIVE_2021, "licensing": ["若干"]})))
    assert "GK204" in codes(r)


def test_a_row_not_in_the_table_leaves_its_identities_silent():
    # （二）部分公开 (1 natural person) not printed: GK111 says the row is missing; （七） 6 against the
    # outcomes' 5 would only repeat it
    values = {k: v for k, v in consistent_applications().items() if k != "partially_granted"}
    r = read(report_text(tables=tables(applications=values)))
    found = {(f.code, f.cells[0]) for f in findings(r)}
    assert ("GK111", "applications.partially_granted") in found
    assert not any(code == "GK303" for code, _ in found)


def test_identities_run_only_on_cells_read_for_certain():
    data = read(report_text()).to_json()
    data["tables"]["applications"]["granted"]["total"]["value"] = 9  # 2 + 1 ≠ 9
    assert {f.code for f in check(Report.from_json(data))} >= {"GK302", "GK303"}
    data["tables"]["applications"]["granted"]["total"] |= {"value": None, "doubt": "ambiguous",
                                                         "candidates": [9, 3], "how": "split"}
    r = Report.from_json(data)
    found = {f.code for f in check(r)}
    assert not {"GK302", "GK303"} & found
    assert "GK701" in found


# ---------------------------------------------------------------- scanned cells (the document as OCR leaves it)


def scanned(text: str, change: dict[str, str], doubts: dict[str, str] | None = None) -> Report:
    """``text`` read as if table 三 had been recognised from a scan: its cells with OCR's confidence, the cells
    of ``change`` (label → new text of its 自然人 cell) misread, those of ``doubts`` (label → OCR's doubt)
    in doubt."""
    doc = read_bytes(text.encode("utf-8"), "scan.txt")
    doc.source.ocr = OcrSource(pages=[1], engine="test", confidence=0.5, mean_confidence=0.95)
    for r in doc.rows():
        labels = [c.text for c in r.cells if c.text and not c.text.isdigit()]
        if not labels:
            continue
        numbers = [c for c in r.cells if c.text.isdigit()]
        if len(numbers) != 7:
            continue
        for c in numbers:
            c.confidence = 0.97
        for label, new in change.items():
            if label in labels:
                numbers[0].text = new
        for label, why in (doubts or {}).items():
            if label in labels:
                numbers[0].doubt, numbers[0].confidence, numbers[0].crop = why, 0.41, b"\x89PNG scan"
    units = build_units(doc)
    res = scan(units)
    report = Report(source=doc.source, year=2023)
    report.edition = detect_edition(res)
    fill(report, res, report.edition, doc)
    return report


def test_a_faint_scanned_cell_is_gk702_with_its_crop():
    r = scanned(report_text(layout="tabs"), {}, {"（一）予以公开": "faint"})
    cell = r.tables["applications"]["granted"]["natural_person"]
    assert (cell.how, cell.doubt, cell.confidence, cell.crop) == ("ocr", "ocr", 0.41, b"\x89PNG scan")
    assert r.tables["applications"]["granted"]["total"].crop is None  # certain cells keep no image
    (f,) = findings(r, "GK702")
    assert f.cells == ["applications.granted.natural_person"]
    assert "字迹很淡" in f.message and "0.41" in f.message
    assert "GK302" not in codes(r)


def test_a_misread_that_breaks_identities_doubts_the_cell_where_they_cross():
    # 自然人 of （一）予以公开 read 7 instead of 2: its row total and its column both break
    r = scanned(report_text(layout="tabs"), {"（一）予以公开": "7"})
    cell = r.tables["applications"]["granted"]["natural_person"]
    assert (cell.value, cell.how, cell.doubt) == (7, "ocr", "identity")
    doubted = {f"applications.{k}.{c}" for k, cols in r.tables["applications"].items()
               for c, v in cols.items() if v.doubt is not None}
    assert doubted == {"applications.granted.natural_person"}
    found = codes(r)
    assert "GK702" in found and not {"GK302", "GK303"} & found
    (f,) = findings(r, "GK702")
    assert "勾稽关系" in f.message and "“7”" in f.message


def test_a_cell_ocr_could_not_read_gets_the_value_the_identities_imply_as_its_candidate():
    # 自然人 of （一）予以公开 (printed 2) recognised as "I": its row (3 − 1) and its column (5 − 1 − 1 − 1) both say 2
    r = scanned(report_text(layout="tabs"), {"（一）予以公开": "I"}, {"（一）予以公开": "low-confidence"})
    cell = r.tables["applications"]["granted"]["natural_person"]
    assert (cell.value, cell.raw, cell.doubt, cell.candidates) == (None, "I", "ocr", (2,))
    found = codes(r)
    assert "GK702" in found and not {"GK204", "GK302", "GK303"} & found
    (f,) = findings(r, "GK702")
    assert "“I”" in f.message and "推算应为 2" in f.message


def test_a_scan_read_right_has_no_doubt():
    r = scanned(report_text(layout="tabs"), {})
    assert r.tables["applications"]["granted"]["natural_person"].how == "ocr"
    assert not {"GK702", "GK302", "GK303"} & codes(r)


# ---------------------------------------------------------------- the JSON contract and pickling


def test_cell_json_and_pickle_carry_how_and_doubt():
    active = {**ACTIVE_2021, "normative_documents": [3, 1, 27]}
    r = read(report_text(tables=tables(active=active, active_layout="run")))
    data = r.to_json()
    assert not list(Draft202012Validator(report_schema()).iter_errors(data))
    issued = data["tables"]["active"]["normative_documents"]["issued"]
    assert issued == {"value": None, "raw": "3127", "at": issued["at"], "how": "split", "candidates": [3, 31],
                      "doubt": "ambiguous"}
    assert data["tables"]["active"]["licensing"]["decisions"]["how"] == "printed"  # 行政许可120: one column, as printed
    assert data["source"]["ocr"] is None
    back = Report.from_json(data)
    assert back.tables["active"]["normative_documents"]["issued"] == r.tables["active"]["normative_documents"]["issued"]
    cell = Cell(None, "64", Location(page=2, table=1, row=9, cell=2), "ocr", 0.5, (), "identity", b"\x89PNG")
    assert pickle.loads(pickle.dumps(cell)) == cell  # noqa: S301  (bytes made on the line before)
    assert Cell.from_json(cell.to_json()) == cell
    assert cell.to_json()["crop_png_base64"] == "iVBORw=="
