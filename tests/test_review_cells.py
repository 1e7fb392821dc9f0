"""Cells gongkai could not read with certainty, and the values reviewers read by eye: what the store keeps
(SQLite and PostgreSQL, the migration from an older store included), entering a value (its reasons for
refusing, the findings computed again, a recheck keeping it), the command line, and the web application
(the review page, the crop, the JSON API, who may do what).

The reports are built here with numbers chosen by hand: 甘坊镇's 2023 report prints table 四 with every
cell run together — ``12100130000000000`` for 复议 12 维持, 1 纠正, 0, 0, 总计 13 and ten zeros — which
splits two ways that both add up (12 + 1 + 0 + 0 = 13 and 1 + 2 + 10 + 0 = 13). A scanned report's cells
are set by hand where a test needs a crop (the scan's reading is tested in test_ocr.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from gongkai.api import read_data
from gongkai.checks import check
from gongkai.cli import main
from gongkai.model import Report
from gongkai.store import ReviewError, Store
from gongkai.store import schema as S
from gongkai.store.reviews import beijing_text, parse_value
from gongkai.store.work import from_report
from gongkai.store.writer import Writer

from reportgen import (
    ACTIVE_2021,
    active_rows,
    application_rows,
    consistent_applications,
    render,
    report_text,
    review_rows,
)
from test_store_support import store, store_url

FIXTURES = (store, store_url)  # pytest fixtures: the store on SQLite and on PostgreSQL

ROOT = Path(__file__).resolve().parents[1]
AGENCIES_CSV = ROOT / "samples" / "agencies.csv"

# 表四 as printed: 复议 12 维持, 1 纠正, 0 其他, 0 尚未审结, 总计 13; both kinds of 诉讼 all 0
REVIEW_PRINTED = [12, 1, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
UPHELD, CORRECTED, OTHER = ("review_litigation.review.upheld", "review_litigation.review.corrected",
                            "review_litigation.review.other")
PENDING, TOTAL = "review_litigation.review.pending", "review_litigation.review.total"
NATURAL = "applications.new_received.natural_person"  # 6 new: 5 natural persons, 1 company (reportgen)


def ambiguous_text(year: int = 2023) -> str:
    """甘坊镇's report, tables 二 and 三 one cell a line, table 四 run together on one line."""
    return report_text(
        title=f"{year}年奉新县甘坊镇人民政府政府信息公开工作年度报告",
        body={4: "本年度发生政府信息公开行政复议13件，行政诉讼0件。"},
        tables={2: render(active_rows(ACTIVE_2021), "cells"),
                3: render(application_rows(consistent_applications()), "cells"),
                4: render(review_rows(REVIEW_PRINTED), "run")},
        ending=["奉新县甘坊镇人民政府", f"{year + 1}年1月15日"],
    )


def png_of(text: str) -> bytes:
    """A small image of ``text`` in black on white, as a scanned cell is kept."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (48, 24), 255)
    ImageDraw.Draw(img).text((16, 6), text, fill=0)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


CROP_5 = png_of("5")
CROP_2 = png_of("2")


def scanned_report(year: int = 2022) -> tuple[Report, bytes]:
    """甘坊镇's report of ``year`` as if its table 三 had been scanned: 新收·自然人 recognised as 5 with
    little confidence (its crop kept), 予以公开·自然人 recognised as 2 with confidence (no crop kept)."""
    text = report_text(title=f"{year}年奉新县甘坊镇人民政府政府信息公开工作年度报告",
                       ending=["奉新县甘坊镇人民政府", f"{year + 1}年1月15日"])
    data = text.encode("utf-8")
    report = read_data(data, f"{year}-scan.txt")
    unsure = report.cell(NATURAL)
    unsure.how, unsure.confidence, unsure.doubt, unsure.crop = "ocr", 0.62, "ocr", CROP_5
    sure = report.cell("applications.granted.natural_person")
    sure.how, sure.confidence, sure.crop = "ocr", 0.99, CROP_2
    return report, data


def store_scanned(store: Store, year: int = 2022) -> int:
    report, data = scanned_report(year)
    parsed = from_report(report, data, f"{year}-scan.txt", hashlib.sha256(data).hexdigest(), "", check(report))
    out = Writer(store.engine).write([parsed])
    assert out[0].status == "new", out
    return out[0].report_id


def ingest_text(store: Store, folder: Path, text: str, name: str = "2023.txt") -> int:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    summary = store.ingest([str(path)], jobs=1)
    assert summary.new == 1, summary
    return store.report_id_for_sha(hashlib.sha256(path.read_bytes()).hexdigest())


def codes_on(findings, ref: str) -> set[str]:
    return {f["code"] for f in findings if ref in (f.get("cells") or [])}


def stored(store: Store, rid: int) -> dict:
    """Everything a value entered could change, for comparing before and after a refusal."""
    with store.engine.connect() as conn:
        def rows(q):
            return sorted(tuple(r) for r in conn.execute(q))
        return {
            "cells": rows(select(S.cells).where(S.cells.c.report_id == rid)),
            "findings": rows(select(S.findings.c.code, S.findings.c.message).where(S.findings.c.report_id == rid)),
            "reviews": rows(select(S.cell_reviews)),
            "data": conn.execute(select(S.reports.c.data).where(S.reports.c.id == rid)).scalar(),
        }


# ------------------------------------------------------------------------------ the value as typed


def test_a_typed_value_is_a_number_of_the_columns_kind():
    assert parse_value("12") == (12, "12")
    assert parse_value(" １２ ") == (12, "12")  # full-width digits, spaces
    assert parse_value("0") == (0, "0")
    assert parse_value("-15", "signed") == (-15, "-15")
    assert parse_value("+17", "signed") == (17, "17")
    assert parse_value("20.5", "amount") == (20.5, "20.5")
    assert parse_value("20.0", "amount") == (20, "20")
    # blank, "/" and 0 are different facts
    assert parse_value("/") == (None, "/")
    assert parse_value("—") == (None, "—")
    assert parse_value("空白") == (None, "")
    for typed, kind, words in (("十二", "count", "不是数字"), ("12件", "count", "不是数字"), ("", "count", "请填写"),
                               ("1 2.3.4", "amount", "不是数字"), ("-3", "count", "不能是负数"),
                               ("-0.5", "amount", "不能是负数"), ("1.5", "count", "应为整数"),
                               ("3" * 14, "count", "过大")):
        with pytest.raises(ReviewError) as err:
            parse_value(typed, kind, "表四「行政复议」结果维持")
        assert words in err.value.zh, (typed, err.value.zh)
        assert err.value.status == 422


def test_beijing_time_is_shown():
    assert beijing_text(dt.datetime(2026, 12, 7, 6, 3, tzinfo=dt.UTC)) == "2026-12-07 14:03（北京时间）"
    assert beijing_text(dt.datetime(2026, 12, 31, 17, 30)) == "2027-01-01 01:30（北京时间）"  # SQLite: naive UTC


# ------------------------------------------------------------------------------ what the store keeps


def test_the_store_keeps_how_each_cell_was_read_and_the_crops_of_uncertain_ones(store):
    rid = store_scanned(store)
    c = S.cells.c
    with store.engine.connect() as conn:
        got = {f"{t}.{r}.{col}": (v, how, conf, cands, doubt) for t, r, col, v, how, conf, cands, doubt in conn.execute(
            select(c.table_key, c.row_key, c.column_key, c.value, c.how, c.confidence, c.candidates, c.doubt).where(
                c.report_id == rid))}
        crops = conn.execute(select(S.cell_crops.c.row_key, S.cell_crops.c.column_key, S.cell_crops.c.png)).all()
    assert got[NATURAL] == (5, "ocr", 0.62, None, "ocr")
    assert got["applications.granted.natural_person"] == (2, "ocr", 0.99, None, None)
    assert got["applications.carried_over.natural_person"] == (1, None, None, None, None)  # as printed: NULL
    # only the uncertain cell's crop is kept, in its own table, not in the report's JSON
    assert [(r, col, bytes(png)) for r, col, png in crops] == [("new_received", "natural_person", CROP_5)]
    data = store.report_json(rid)
    assert "crop_png_base64" not in json.dumps(data)
    cell = data["tables"]["applications"]["new_received"]["natural_person"]
    assert (cell["value"], cell["how"], cell["confidence"], cell["doubt"]) == (5, "ocr", 0.62, "ocr")
    back = Report.from_json(data).cell(NATURAL)
    assert (back.value, back.how, back.doubt, back.uncertain) == (5, "ocr", "ocr", True)
    # what the review page, the API and the command line are given
    [state] = store.uncertain_cells([rid])[rid]
    assert (state.ref, state.name, state.value, state.how, state.doubt, state.confidence, state.has_crop) == (
        NATURAL, "表三「一、本年新收」自然人", 5, "ocr", "ocr", 0.62, True)
    assert store.cell_crop(rid, NATURAL) == CROP_5
    assert store.cell_crop(rid, "applications.granted.natural_person") is None
    assert store.cell_crop(rid, "no-such-cell") is None


def test_ambiguous_cells_are_stored_with_their_candidates(store, tmp_path):
    rid = ingest_text(store, tmp_path, ambiguous_text())
    states = {s.ref: s for s in store.uncertain_cells([rid])[rid]}
    assert {r: (states[r].value, states[r].doubt, set(states[r].candidates)) for r in (UPHELD, CORRECTED, OTHER)} == {
        UPHELD: (None, "ambiguous", {12, 1}), CORRECTED: (None, "ambiguous", {1, 2}), OTHER: (None, "ambiguous", {0, 10})}
    assert states[UPHELD].raw == "12100130000000000"
    # 总计 is 13 and 尚未审结 0 in both splits: read, or uncertain with that one candidate
    for ref, v in ((TOTAL, 13), (PENDING, 0)):
        assert ref not in states or (states[ref].value, states[ref].candidates) == (None, (v,)), ref
    findings = store.findings(rid)
    assert {"GK701"} <= codes_on(findings, UPHELD) & codes_on(findings, CORRECTED) & codes_on(findings, OTHER)
    assert not [f for f in findings if f["code"].startswith("GK3")]  # no identity is judged on uncertain cells


def test_an_older_store_is_brought_up_to_date(store_url, tmp_path):
    """A store made before cells kept how they were read opens, its cells read as printed."""
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from gongkai.store.db import MIGRATIONS, create, resolve_url

    engine = create(resolve_url(store_url))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "web02")
        conn.exec_driver_sql("INSERT INTO files (sha256, size, format, name, data, added) VALUES "
                             "('ab', 2, 'text', 'a.txt', 'x', '2026-01-01 00:00:00')")
        conn.exec_driver_sql("INSERT INTO reports (sha256, format, current, ingested_at, errors, warnings, infos, data)"
                             " VALUES ('ab', 'text', true, '2026-01-01 00:00:00', 0, 0, 0, '{}')")
        rid = conn.exec_driver_sql("SELECT id FROM reports").scalar()
        conn.execute(text("INSERT INTO cells (report_id, table_key, row_key, column_key, value, raw, at) VALUES "
                          "(:rid, 'applications', 'new_received', 'total', 7, '7', NULL)"), {"rid": rid})
    engine.dispose()
    with Store.open(store_url) as s, s.engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT version_num FROM gongkai_schema_version").scalar()
        row = conn.execute(select(S.cells.c.value, S.cells.c.how, S.cells.c.doubt)).one()
        assert conn.execute(select(func.count()).select_from(S.cell_reviews)).scalar_one() == 0
        assert s.uncertain_cells([rid]) == {rid: []}
    assert version == ScriptDirectory.from_config(cfg).get_current_head()  # brought up to the latest
    assert tuple(row) == (7, None, None)


# ------------------------------------------------------------------------------ entering a value


def test_a_value_read_by_eye_is_kept_and_the_findings_are_computed_again(store, tmp_path):
    rid = ingest_text(store, tmp_path, ambiguous_text())
    at = dt.datetime(2026, 12, 7, 6, 3, tzinfo=dt.UTC)
    # 12 for 结果维持: of the two splits only 12、1、0、0、13 … fits, so the whole run is read
    done = store.set_cell_value(rid, UPHELD, "12", "张三", at=at)
    assert (done.ref, done.name, done.value, done.reviewer) == (UPHELD, "表四「行政复议」结果维持", 12, "张三")
    assert done.to_json()["reviewed_at"] == "2026-12-07T14:03:00+08:00"
    assert "GK701" in {f["code"] for f in done.gone} and done.new == []
    assert store.findings(rid) == []  # 12 + 1 + 0 + 0 = 13: the identity holds, nothing else to say
    assert store.uncertain_cells([rid], reviewed=False)[rid] == []
    row = store.report_row(rid)
    assert (row.errors, row.warnings, row.infos) == (0, 0, 0)
    values = store.load_report(rid).tables["review_litigation"]
    assert {k: (c.value, c.how, c.doubt) for k, c in values["review"].items()} == {
        "upheld": (12, "reviewer", None), "corrected": (1, "split", None), "other": (0, "split", None),
        "pending": (0, "split", None), "total": (13, "split", None)}
    assert [c.value for c in values["litigation_direct"].values()] == [0, 0, 0, 0, 0]
    [upheld] = store.uncertain_cells([rid])[rid]
    assert (upheld.ref, upheld.value, upheld.raw, upheld.how, upheld.doubt) == (UPHELD, 12, "12", "reviewer", None)
    assert (upheld.review.value, upheld.review.reviewer, upheld.review.when) == (12, "张三", "2026-12-07 14:03（北京时间）")
    assert upheld.review.was["raw"] == "12100130000000000" and set(upheld.review.was["candidates"]) == {12, 1}

    # 5, which no split gives: the others are in doubt again; read one by one, the identity sees them
    again = store.set_cell_value(rid, UPHELD, "5", "李四")
    assert "GK701" in {f["code"] for f in again.new}
    assert {s.ref for s in store.uncertain_cells([rid], reviewed=False)[rid]} >= {CORRECTED, OTHER}
    assert not [f for f in store.findings(rid) if f["code"].startswith("GK3")]
    for ref, value in ((CORRECTED, "1"), (OTHER, "0"), (TOTAL, "13")):
        store.set_cell_value(rid, ref, value, "李四")
    nil = store.set_cell_value(rid, PENDING, "/", "李四")  # the reviewer sees "/" printed: a nil mark, not 0
    assert [(f["code"], f["cells"]) for f in nil.new if f["code"] == "GK205"] == [("GK205", [PENDING])]
    last = store.set_cell_value(rid, PENDING, "0", "李四")
    assert "GK205" in {f["code"] for f in last.gone}
    [identity] = [f for f in store.findings(rid) if f["code"].startswith("GK3")]
    assert identity["severity"] == "error" and TOTAL in identity["cells"] and UPHELD in identity["cells"]
    assert "13" in identity["message"] and "6" in identity["message"]  # 总计 13 against 5 + 1 + 0 + 0
    assert not codes_on(store.findings(rid), UPHELD) & {"GK701"}
    [upheld] = [s for s in store.uncertain_cells([rid])[rid] if s.ref == UPHELD]
    assert upheld.review.entered == "5" and upheld.review.reviewer == "李四"
    assert upheld.review.was["doubt"] == "ambiguous"  # what gongkai had read, kept from the first review

    # a recheck reads the original again and puts the reviewers' values in again
    before = sorted((f["code"], f["message"]) for f in store.findings(rid))
    out = store.recheck(jobs=1)
    assert out.failed == 0
    review = store.load_report(rid).tables["review_litigation"]["review"]
    assert {k: c.value for k, c in review.items()} == {"upheld": 5, "corrected": 1, "other": 0, "pending": 0, "total": 13}
    assert sorted((f["code"], f["message"]) for f in store.findings(rid)) == before


def test_a_faint_scanned_cell_keeps_its_crop_until_a_reviewer_reads_it(tmp_path):
    """A scan made for the tests (tests/scans.py): 行政处罚's 1274 printed so faint that OCR doubts it."""
    from PIL import Image

    from scans import faint_scan

    penalty = "active.penalty.decisions"
    name, data = faint_scan()
    with Store.open(str(tmp_path / "scan.sqlite3")) as s:
        rid = ingest_text_bytes(s, tmp_path, name, data)
        [state] = s.uncertain_cells([rid])[rid]
        assert (state.ref, state.how, state.doubt, state.has_crop) == (penalty, "ocr", "ocr", True)
        assert state.confidence is not None and state.confidence <= 0.5
        with Image.open(io.BytesIO(s.cell_crop(rid, penalty))) as crop:
            assert crop.format == "PNG" and crop.height < crop.width
        with s.engine.connect() as conn:  # the crops of the cells read with confidence are not kept
            assert conn.execute(select(func.count()).select_from(S.cell_crops)).scalar_one() == 1
        assert codes_on(s.findings(rid), penalty) == {"GK702"}
        done = s.set_cell_value(rid, penalty, "1274", "张三")
        assert [f["code"] for f in done.gone] == ["GK702"] and done.new == []
        [state] = s.uncertain_cells([rid])[rid]
        assert (state.value, state.how, state.doubt, state.has_crop) == (1274, "reviewer", None, True)
        assert state.review.was["how"] == "ocr" and state.review.was["value"] == 1274
        assert codes_on(s.findings(rid), penalty) == set()


def ingest_text_bytes(store: Store, folder: Path, name: str, data: bytes) -> int:
    path = folder / name
    path.write_bytes(data)
    summary = store.ingest([str(path)], jobs=1)
    assert summary.new == 1, summary
    return store.report_id_for_sha(hashlib.sha256(data).hexdigest())


def test_what_cannot_be_entered_is_refused_with_the_reason_and_nothing_changes(store, tmp_path):
    rid = ingest_text(store, tmp_path, ambiguous_text())
    before = stored(store, rid)
    cases = [
        (UPHELD, "十二", "不是数字", 422),
        (UPHELD, "12件", "不是数字", 422),
        (UPHELD, "-12", "不能是负数", 422),
        (UPHELD, "1.5", "应为整数", 422),
        ("review_litigation.review.nope", "12", "不是本报告中的单元格", 422),
        ("applications", "12", "不是本报告中的单元格", 422),
        (NATURAL, "5", "不是读取不确定的数值", 422),  # read as printed: the agency's number is not changed here
        ("active.licensing.decisions", "120", "不是读取不确定的数值", 422),
    ]
    for ref, value, words, status in cases:
        with pytest.raises(ReviewError) as err:
            store.set_cell_value(rid, ref, value, "张三")
        assert words in err.value.zh and err.value.status == status, (ref, value, err.value.zh)
    with pytest.raises(ReviewError) as err:
        store.set_cell_value(rid, UPHELD, "12", "  ")
    assert "录入人" in err.value.zh
    with pytest.raises(ReviewError) as err:
        store.set_cell_value(rid + 1000, UPHELD, "12", "张三")
    assert err.value.status == 404
    assert stored(store, rid) == before


def test_the_write_guard_decides_who_may_enter_a_value(store, tmp_path):
    from gongkai.access import Principal, WriteGuard

    store.import_agencies(AGENCIES_CSV.read_bytes())
    rid = ingest_text(store, tmp_path, ambiguous_text())
    row = store.report_row(rid)
    assert row.region.path == "江西省/宜春市/奉新县/甘坊镇"
    before = stored(store, rid)
    outside = WriteGuard(Principal("reviewer", region="长春市", name="changchun"))
    with pytest.raises(ReviewError) as err:
        store.set_cell_value(rid, UPHELD, "12", "changchun", guard=outside)
    assert err.value.status == 403 and "不在您负责审核的地区" in err.value.zh
    assert stored(store, rid) == before
    inside = WriteGuard(Principal("reviewer", region="江西省/宜春市/奉新县", name="fengxin"))
    assert store.set_cell_value(rid, UPHELD, "12", "fengxin", guard=inside).value == 12


# ------------------------------------------------------------------------------ the command line


def test_the_command_lists_uncertain_cells_and_sets_a_value(tmp_path):
    db = str(tmp_path / "cli.sqlite3")
    with Store.open(db) as s:
        rid = ingest_text(s, tmp_path / "in", ambiguous_text())
    runner = CliRunner()
    r = runner.invoke(main, ["cells", "list", "--db", db])
    assert r.exit_code == 0, r.output
    lines = [line.strip() for line in r.output.splitlines() if line.strip()]
    assert lines[0] == f"#{rid} 2023 奉新县甘坊镇人民政府"
    listed = [line.split()[0] for line in lines[1:-1]]
    assert listed[:3] == [UPHELD, CORRECTED, OTHER]  # in printed order
    assert lines[-1] == f"共 {len(listed)} 个单元格 ({len(listed)} cells)"
    assert "可能是 12 或 1" in lines[1] and "原文“12100130000000000”" in lines[1]

    r = runner.invoke(main, ["cells", "set", str(rid), UPHELD, "12x", "--db", db, "--by", "王五"])
    assert r.exit_code == 2 and "不是数字" in r.output
    r = runner.invoke(main, ["cells", "set", str(rid), UPHELD, "12", "--db", db])
    assert r.exit_code == 2 and "--by" in r.output  # who read it must be said
    r = runner.invoke(main, ["cells", "set", str(rid), UPHELD, "12", "--db", db, "--by", "王五", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert (out["cell"], out["value"], out["reviewer"]) == (UPHELD, 12, "王五")
    assert out["reviewed_at"].endswith("+08:00") and "GK701" in [f["code"] for f in out["gone"]]

    r = runner.invoke(main, ["cells", "list", "--db", db])
    assert r.exit_code == 0 and r.output.strip() == "共 0 个单元格 (0 cells)"  # 12 settles the whole run
    r = runner.invoke(main, ["cells", "list", "--db", db, "--json", "--reviewed"])
    [entry] = json.loads(r.output)
    [cell] = entry["cells"]
    assert (cell["cell"], cell["value"], cell["how"], cell["doubt"]) == (UPHELD, 12, "reviewer", None)
    assert cell["review"]["reviewer"] == "王五" and cell["review"]["was"]["doubt"] == "ambiguous"
    r = runner.invoke(main, ["reports", "--db", db, "--id", str(rid)])
    assert f"读取不确定的数值 0 个，审核人已录入 1 个（gongkai cells list --id {rid} --reviewed）" in r.output
    r = runner.invoke(main, ["cells", "list", "--db", db, "--reviewed"])
    assert re.search(r"已录入 12（王五，\d{4}-\d\d-\d\d \d\d:\d\d（北京时间））", r.output)
    with Store.open(db) as s, s.engine.connect() as conn:
        from gongkai.web.schema import web_audit

        audit = conn.execute(select(web_audit.c.username, web_audit.c.action, web_audit.c.target)).all()
    assert [tuple(a) for a in audit] == [("王五", "cell.review", f"report:{rid}")]


# ------------------------------------------------------------------------------ the web application


def make_review_store(db: str, folder: Path) -> dict[str, int]:
    """The office's agencies, 甘坊镇's 2023 report (table 四 ambiguous) and its 2022 report as scanned,
    and users: an admin, 奉新县's reviewer, 长春市's reviewer and 甘坊镇's clerk."""
    from gongkai.web import auth

    from web_support import PASSWORDS

    with Store.open(db) as s:
        s.import_agencies(AGENCIES_CSV.read_bytes())
        ids = {"ambiguous": ingest_text(s, folder, ambiguous_text()), "scanned": store_scanned(s)}
        e = s.engine
        auth.add_user(e, "admin", PASSWORDS["admin"], "admin")
        auth.add_user(e, "fengxin", PASSWORDS["fengxin"], "reviewer", region="江西省/宜春市/奉新县")
        auth.add_user(e, "changchun", PASSWORDS["changchun"], "reviewer", region="长春市")
        auth.add_user(e, "ganfang", PASSWORDS["ganfang"], "submitter", agency_id=auth.resolve_agency(e, "甘坊镇人民政府"))
    return ids


@pytest.fixture()
def site(tmp_path):
    from fastapi.testclient import TestClient

    from gongkai.web import create_app

    folder = tmp_path
    db = str(folder / "review.sqlite3")
    ids = make_review_store(db, folder / "in")
    app = create_app(db, workers=0)
    with TestClient(app):
        yield {"app": app, "db": db, **ids}


def client_for(site, who: str | None, api: bool = False):
    from fastapi.testclient import TestClient

    from web_support import api_login, form_login

    c = TestClient(site["app"])
    if who is not None:
        if api:
            api_login(c, who)
        else:
            assert form_login(c, who).status_code == 303
    return c


def page_csrf(html: str) -> str:
    from web_support import page_csrf as token

    return token(html)


def page_token(c, rid: int) -> str:
    return page_csrf(c.get(f"/reports/{rid}").text)


def test_the_review_page_shows_uncertain_cells_apart_from_the_agencys_errors(site):
    c = client_for(site, "fengxin")
    rid, sid = site["ambiguous"], site["scanned"]
    html = c.get(f"/reports/{rid}").text
    for ref in (UPHELD, CORRECTED, OTHER):
        td = re.search(rf'<td class="v ([^"]*)" data-ref="{re.escape(ref)}" data-cell="cell-{re.escape(ref)}"', html)
        assert td and "s-uncertain" in td.group(1).split() and "flag-error" not in td.group(1), ref
        assert f'id="cell-{ref}"' in html and f'action="/reports/{rid}/cells/{ref}"' in html
    entry = html[html.index(f'id="cell-{UPHELD}"'):html.index(f'id="cell-{CORRECTED}"')]
    assert [int(v) for v in re.findall(r'class="cand small" data-value="(\d+)"', entry)] == [12, 1]
    assert "待核对" in entry
    assert "<b>表四「行政复议」</b>" in html and "12100130000000000" in html and "几种拆分" in html
    assert '<span class="lg s-uncertain"></span>读取不确定' in html
    assert re.search(r'<article class="finding[^"]*"[^>]*>\s*<header><span class="sev sev-warning">警告</span> <code>GK701</code>',
                     html)
    scan = c.get(f"/reports/{sid}").text
    assert f'<img src="/reports/{sid}/cells/{NATURAL}/crop.png"' in scan and "识别把握 62%" in scan
    assert "2022-scan.txt" not in re.findall(r'<img src="([^"]+)"', scan)[0]  # an address, never a file's path
    # the submitter sees them, with no form: values are entered by reviewers
    clerk = client_for(site, "ganfang").get(f"/reports/{rid}").text
    assert f'id="cell-{UPHELD}"' in clerk and f'action="/reports/{rid}/cells/' not in clerk


def test_the_crop_is_served_to_those_who_may_read_the_report_only(site):
    sid = site["scanned"]
    url = f"/reports/{sid}/cells/{NATURAL}/crop.png"
    for who in ("fengxin", "ganfang", "admin"):
        r = client_for(site, who).get(url)
        assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content == CROP_5, who
        r = client_for(site, who, api=True).get("/api" + url)
        assert r.status_code == 200 and r.content == CROP_5, who
    # outside the region: not found, as a report that does not exist
    assert client_for(site, "changchun").get(url).status_code == 404
    assert client_for(site, "changchun", api=True).get("/api" + url).status_code == 404
    assert client_for(site, None).get(url, follow_redirects=False).status_code == 303  # to the login page
    assert client_for(site, "fengxin").get(f"/reports/{sid}/cells/applications.granted.natural_person/crop.png"
                                           ).status_code == 404  # certain: no crop kept
    assert client_for(site, "fengxin").get(f"/reports/{sid + 99}/cells/{NATURAL}/crop.png").status_code == 404


def test_entering_a_value_on_the_page(site):
    from gongkai.web import auth

    rid = site["ambiguous"]
    with Store.open(site["db"]) as s:
        before = stored(s, rid)
    # outside the region, a clerk, no CSRF token, bad input: refused, nothing stored
    for who in ("changchun", "ganfang"):
        c = client_for(site, who)
        token = page_csrf(c.get("/reports").text)  # the user's own valid token
        r = c.post(f"/reports/{rid}/cells/{UPHELD}", data={"value": "12", "csrf_token": token}, follow_redirects=False)
        assert r.status_code == {"changchun": 404, "ganfang": 403}[who], who  # not its report; not its role
    c = client_for(site, "fengxin")
    assert c.post(f"/reports/{rid}/cells/{UPHELD}", data={"value": "12"}).status_code == 403  # no token
    token = page_token(c, rid)
    r = c.post(f"/reports/{rid}/cells/{UPHELD}", data={"value": "十二", "csrf_token": token})
    assert r.status_code == 422 and "不是数字" in r.text
    r = c.post(f"/reports/{rid}/cells/{UPHELD}", data={"value": "-12", "csrf_token": token})
    assert r.status_code == 422 and "不能是负数" in r.text
    r = c.post(f"/reports/{rid}/cells/{NATURAL}", data={"value": "6", "csrf_token": token})
    assert r.status_code == 422 and "不是读取不确定的数值" in r.text
    r = c.post(f"/reports/{rid}/cells/applications.x.y", data={"value": "1", "csrf_token": token})
    assert r.status_code == 422 and "不是本报告中的单元格" in r.text
    with Store.open(site["db"]) as s:
        assert stored(s, rid) == before
    assert auth.audit_log(site["app"].state.store.engine, action="cell.review") == []

    r = c.post(f"/reports/{rid}/cells/{UPHELD}", data={"value": "12", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/reports/{rid}#cell-{UPHELD}"
    html = c.get(f"/reports/{rid}").text
    entry = html[html.index(f'id="cell-{UPHELD}"'):html.index("</article>", html.index(f'id="cell-{UPHELD}"'))]
    assert "已录入" in entry and re.search(r"<b>12</b>　fengxin 于 \d{4}-\d\d-\d\d \d\d:\d\d（北京时间）\s*看原件录入", entry)
    assert re.search(rf'<td class="v ([^"]*\bs-reviewed\b[^"]*)" data-ref="{re.escape(UPHELD)}"', html)
    # 12 settles the run: 纠正 1 and 总计 13 are read, no longer in doubt, and the finding is gone
    assert re.search(rf'<td class="v [^"]*\bs-number\b[^"]*" data-ref="{re.escape(CORRECTED)}"[^>]*>1</td>', html)
    assert re.search(rf'<td class="v [^"]*\bs-number\b[^"]*" data-ref="{re.escape(TOTAL)}"[^>]*>13</td>', html)
    assert f'id="cell-{CORRECTED}"' not in html and "<code>GK701</code>" not in html and "已全部核对" in html
    log = auth.audit_log(site["app"].state.store.engine, action="cell.review")
    assert [(e["username"], e["target"], e["detail"]["cell"], e["detail"]["value"], e["detail"]["gone"])
            for e in log] == [("fengxin", f"report:{rid}", UPHELD, 12, ["GK701"])]


def test_the_api_says_the_same_and_takes_values(site):
    rid = site["ambiguous"]
    c = client_for(site, "fengxin", api=True)
    body = c.get(f"/api/reports/{rid}").json()
    cells = {x["cell"]: x for x in body["cells"]}
    assert {UPHELD, CORRECTED, OTHER} <= set(cells)
    data_cell = body["data"]["tables"]["review_litigation"]["review"]["corrected"]
    assert (data_cell["how"], data_cell["doubt"], data_cell["value"]) == ("split", "ambiguous", None)
    assert (cells[CORRECTED]["how"], cells[CORRECTED]["doubt"], cells[CORRECTED]["candidates"],
            cells[CORRECTED]["review"]) == ("split", "ambiguous", [1, 2], None)

    assert client_for(site, "changchun", api=True).post(f"/api/reports/{rid}/cells/{CORRECTED}",
                                                        json={"value": "1"}).status_code == 404
    assert client_for(site, "ganfang", api=True).post(f"/api/reports/{rid}/cells/{CORRECTED}",
                                                      json={"value": "1"}).status_code == 403
    r = c.post(f"/api/reports/{rid}/cells/{CORRECTED}", json={"value": "-1"})
    assert r.status_code == 422 and "不能是负数" in r.json()["detail"]
    del c.headers["X-CSRF-Token"]
    assert c.post(f"/api/reports/{rid}/cells/{CORRECTED}", json={"value": 1}).status_code == 403
    c = client_for(site, "fengxin", api=True)
    r = c.post(f"/api/reports/{rid}/cells/{CORRECTED}", json={"value": 1})
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["cell"], done["value"], done["raw"], done["reviewer"]) == (CORRECTED, 1, "1", "fengxin")
    assert done["reviewed_at"].endswith("+08:00") and [f["code"] for f in done["gone"]] == ["GK701"]
    [now] = done["cells"]  # 1 for 纠正 settles the run (12、1、0、0、13 …): only the reviewed cell is listed
    assert (now["cell"], now["how"], now["review"]["reviewer"], now["review"]["was"]["doubt"]) == (
        CORRECTED, "reviewer", "fengxin", "ambiguous")
    data = c.get(f"/api/reports/{rid}").json()["data"]["tables"]["review_litigation"]["review"]
    assert {k: (v["value"], v["how"]) for k, v in data.items()} == {
        "upheld": (12, "split"), "corrected": (1, "reviewer"), "other": (0, "split"), "pending": (0, "split"),
        "total": (13, "split")}
    listed = c.get(f"/api/reports/{rid}/cells").json()
    assert listed["can_enter"] is True and [x["cell"] for x in listed["cells"]] == [CORRECTED]
    assert client_for(site, "ganfang", api=True).get(f"/api/reports/{rid}/cells").json()["can_enter"] is False
    assert client_for(site, "changchun", api=True).get(f"/api/reports/{rid}/cells").status_code == 404
    scan = c.get(f"/api/reports/{site['scanned']}").json()
    [unsure] = scan["cells"]
    assert (unsure["cell"], unsure["how"], unsure["confidence"], unsure["crop_url"]) == (
        NATURAL, "ocr", 0.62, f"/api/reports/{site['scanned']}/cells/{NATURAL}/crop.png")
    assert "crop_png_base64" not in json.dumps(scan)
