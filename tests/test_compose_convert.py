"""Edition conversion (2019 → 2021) and re-typesetting real reports.

The expected mapping below is written by hand from the two official formats, independently of
formats/conversion.py: every 2019 cell either lands in one 2021 cell, or is listed as not carried
over with a reason. The seeds (tests/data/seeds), read, converted to the 2021 edition and
rendered again, keep every value the 2021 edition has room for — checked cell by cell against
the hand readings in tests/data/seeds_truth.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from gongkai.api import check, read, read_data
from gongkai.compose import convert
from gongkai.formats import get_edition
from gongkai.formats.conversion import CONVERSIONS, check_conversion
from gongkai.forms import from_mapping
from gongkai.model import Cell
from gongkai.render import render

from conftest import DATA, ROOT, SEEDS

APPLICANT = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]
REVIEW = ["upheld", "corrected", "other", "pending", "total"]
COMMON_APPLICATION_ROWS = [
    "new_received", "carried_over", "granted", "partially_granted",
    "withheld_state_secret", "withheld_prohibited", "withheld_security", "withheld_third_party",
    "withheld_internal", "withheld_process", "withheld_enforcement_file", "withheld_inquiry",
    "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear",
    "declined_petition", "declined_duplicate", "declined_publication", "declined_excessive", "declined_confirmation",
    "total_processed", "carried_forward",
]

# 2019 cell → 2021 cell, by hand
MAP_2019_TO_2021: dict[str, str] = {
    "active.regulations.new_made": "active.regulations.issued",  # 本年新制作数量 → 本年制发件数
    "active.normative_documents.new_made": "active.normative_documents.issued",
    "active.licensing.decisions": "active.licensing.decisions",  # 处理决定数量 → 本年处理决定数量
    "active.penalty.decisions": "active.penalty.decisions",
    "active.coercion.decisions": "active.coercion.decisions",
    **{f"applications.{r}.{c}": f"applications.{r}.{c}" for r in COMMON_APPLICATION_ROWS for c in APPLICANT},
    **{f"applications.other.{c}": f"applications.other_other.{c}" for c in APPLICANT},  # （六）→（六）3.其他
    **{f"review_litigation.{g}.{c}": f"review_litigation.{g}.{c}"
       for g in ("review", "litigation_direct", "litigation_after_review") for c in REVIEW},
}
# 2019 cells the 2021 edition has no room for
NOT_CARRIED_2019 = {
    "active.regulations.new_published", "active.normative_documents.new_published",  # 本年新公开数量
    "active.regulations.total_published", "active.normative_documents.total_published",  # ≠ 现行有效件数
    *(f"active.{r}.{c}" for r in ("licensing", "penalty", "coercion") for c in ("prev_items", "change")),
    "active.other_services.prev_items", "active.other_services.change", "active.other_services.decisions",
    "active.fees.prev_items", "active.fees.change",  # 项目个数 vs 万元
    "active.procurement.items", "active.procurement.amount",  # 第二十条第（九）项: no 2021 row
}
# 2021 cells nothing in a 2019 report fills
UNFILLED_2021 = {
    "active.regulations.repealed", "active.normative_documents.repealed",
    "active.regulations.in_force", "active.normative_documents.in_force", "active.fees.amount",
    *(f"applications.{r}.{c}" for r in ("other_no_correction", "other_unpaid_fee") for c in APPLICANT),
}


def cells_of(edition: str) -> set[str]:
    ed = get_edition(edition)
    return {f"{t.key}.{r.key}.{c.key}" for t in ed.tables for r in t.rows for c in r.columns}


def test_hand_mapping_covers_both_editions():
    assert set(MAP_2019_TO_2021) | NOT_CARRIED_2019 == cells_of("2019")
    assert not set(MAP_2019_TO_2021) & NOT_CARRIED_2019
    assert set(MAP_2019_TO_2021.values()) | UNFILLED_2021 == cells_of("2021")


def test_conversion_data_is_consistent_with_the_editions():
    for conv in CONVERSIONS.values():
        assert check_conversion(conv) == []


def distinct_2019_report():
    """A 2019-edition report whose every cell holds a different number."""
    ed = get_edition("2019")
    tables: dict = {}
    n = 0
    for t in ed.tables:
        for r in t.rows:
            for c in r.columns:
                n += 1
                tables.setdefault(t.key, {}).setdefault(r.key, {})[c.key] = n
    return from_mapping({"agency": "城郊乡人民政府", "year": 2020, "edition": "2019", "date": "2021-01-20",
                         "tables": tables,
                         "sections": [{"number": i, "text": f"第{i}部分。"} for i in range(1, 7)]})


def test_conversion_moves_every_value_where_the_hand_mapping_says():
    old = distinct_2019_report()
    result = convert(old, "2021")
    new = result.report
    assert new.edition == "2021"
    for src, dst in MAP_2019_TO_2021.items():
        assert new.value(dst) == old.value(src), (src, dst)
    for ref in UNFILLED_2021:
        assert new.cell(ref) is None
    assert {ref for ref, _, _ in result.dropped} == NOT_CARRIED_2019
    assert {ref for ref, _ in result.unfilled} == UNFILLED_2021
    text = "\n".join(result.notes)
    assert "“对外公开总数量”是累计公开的文件数，不是2021年版的“现行有效件数”" in text
    assert "本年收费金额（单位：万元）" in text and "收费项目的个数" in text
    assert "“其他对外管理服务事项”一行" in text and "政府集中采购" in text
    assert "（六）其他处理 3.其他" in text
    # each value not carried is named with what was printed
    assert f"采购项目数量“{old.value('active.procurement.items')}”" in text


def test_distinct_values_survive_text_conversion_and_word():
    """2019 report printed as Markdown → read → converted → Word in the 2021 layout → read."""
    old = distinct_2019_report()
    read_old = read_data(render(old, "md"), "old.md")
    new = read_data(render(convert(read_old, "2021").report, "docx"), "new.docx")
    assert new.edition == "2021"
    for src, dst in MAP_2019_TO_2021.items():
        assert new.value(dst) == old.value(src), (src, dst)
    for ref in UNFILLED_2021:
        c = new.cell(ref)
        assert c is None or (c.value is None and not (c.raw or "").strip()), ref  # blank, not 0


def truth(seed) -> dict:
    return json.loads((DATA / "seeds_truth" / (seed.stem + ".json")).read_text(encoding="utf-8"))


def expected_2021(seed) -> dict[str, object]:
    """What the 2021 rendering must hold, from the hand readings and the hand mapping."""
    t = truth(seed)
    flat = {f"{tk}.{r}.{c}": v for tk, rows in t["tables"].items() for r, cols in rows.items() for c, v in cols.items()}
    mapping = {ref: ref for ref in cells_of("2021")} if t["edition"] == "2021" else MAP_2019_TO_2021
    out = {dst: flat.get(src) for src, dst in mapping.items()}
    for ref in cells_of("2021") - set(out):
        out[ref] = None
    return out


@pytest.mark.parametrize("seed", SEEDS, ids=[p.name[:3] for p in SEEDS])
@pytest.mark.parametrize("fmt", ["docx", "html", "md"])
def test_seeds_converted_and_rendered_keep_every_value(seed, fmt):
    original = read(seed)
    result = convert(original, "2021")
    data = render(result.report, fmt)
    back = read_data(data, f"clean.{fmt}")
    assert back.edition == "2021" and back.year == original.year
    # the Word title is broken onto two lines; extract/meta.py keeps the break in the agency
    # (test_render_roundtrip.py::test_word_title_line_break, xfail)
    assert "".join(back.agency.split()) == original.agency
    expected = expected_2021(seed)
    got = {ref: back.value(ref) for ref in expected}
    assert got == expected
    for ref, v in expected.items():  # blank stays blank: no invented 0
        if v is None:
            c = back.cell(ref)
            assert c is None or c.raw in (None, ""), ref
    t = truth(seed)
    if t["edition"] == "2019":  # exactly the values the 2021 edition has no room for are listed
        printed = {f"{tk}.{r}.{c}" for tk, rows in t["tables"].items() for r, cols in rows.items()
                   for c, v in cols.items() if v is not None}
        assert {ref for ref, _, _ in result.dropped} == printed & NOT_CARRIED_2019


def test_seed_with_a_missing_row_gets_it_blank():
    seed = next(p for p in SEEDS if p.name.startswith("003"))
    back = read_data(render(read(seed), "docx"), "clean.docx")
    assert "GK111" in {f.code for f in check(read(seed))}
    assert "GK111" not in {f.code for f in check(back)}
    assert all(back.cell(f"applications.other_other.{c}").raw == "" for c in APPLICANT)


def test_seed_signature_is_not_repeated():
    seed = next(p for p in SEEDS if p.name.startswith("001"))
    original = read(seed)
    assert original.signer == "集义庄乡人民政府" and original.sections[-1].text == "无。"
    back = read_data(render(original, "docx"), "clean.docx")
    assert back.date == original.date
    # the signature is printed once, under the last section, and read back as the signature
    assert back.signer == "集义庄乡人民政府"
    assert back.sections[-1].text == "无。"


def test_nil_markers_stay_in_a_rerendered_report():
    report = read(next(p for p in SEEDS if p.name.startswith("004")))
    report.tables["active"]["licensing"]["decisions"] = Cell(None, "/", "line 1")
    back = read_data(render(report, "html"), "x.html")
    assert back.cell("active.licensing.decisions").raw == "/"
    assert back.cell("active.coercion.decisions").raw == ""  # printed blank in the seed


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONUTF8="1", PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gongkai.cli", *args], capture_output=True, cwd=ROOT, env=env,
                          timeout=120, check=False)
    proc.out, proc.err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert "Traceback" not in proc.out + proc.err, proc.err
    return proc


def test_convert_command(tmp_path):
    seed = next(p for p in SEEDS if p.name.startswith("000"))
    out = tmp_path / "c.docx"
    proc = run("convert", "--to", "2021", str(seed), "-o", str(out))
    assert proc.returncode == 0, proc.err
    assert "未转入：表二「政府集中采购」采购项目数量“3”、采购总金额“20万元”" in proc.out
    assert "对外公开总数量" in proc.out and "3.其他" in proc.out
    assert read(out).edition == "2021"
    proc = run("convert", "--to", "2021", str(seed))  # JSON on standard output, the list on standard error
    assert json.loads(proc.out)["edition"] == "2021" and "未转入" in proc.err


def test_render_command(tmp_path):
    seed = next(p for p in SEEDS if p.name.startswith("002"))
    out = tmp_path / "clean.docx"
    proc = run("render", str(seed), "--docx", "-o", str(out))
    assert proc.returncode == 0, proc.err
    back = read(out)
    assert back.edition == "2019"
    assert back.cell("applications.granted.natural_person").raw == ""  # blank in the seed stays blank
    proc = run("render", str(seed), "--md", "--to", "2021")
    assert proc.returncode == 0 and proc.out.startswith("2020年城郊乡人民政府政府信息公开工作年度报告")
    assert "已转换为2021年版格式" in proc.err
    assert run("render", str(seed), "--docx").returncode == 2  # Word needs -o
