"""formats/ as the one source of the format's facts: table names and sections, outcome groups, key figures
and ratios, the mapping between editions, the file formats; and what derives from them."""

from __future__ import annotations

import importlib.util

import pytest

from gongkai import inputs, readers, render
from gongkai.formats import (
    EDITIONS,
    SECTION_TABLE,
    TABLE_NAMES,
    TABLE_SECTION,
    TABLE_SHORT,
    get_edition,
    outcome_groups,
)
from gongkai.formats.conversion import cell_map
from gongkai.formats.figures import FIGURES, RATIOS, WATCHED
from gongkai.formats.files import DATA_FORMATS, DATA_SUFFIXES, OUTPUT_FORMATS, REPORT_FORMATS

CELLS = {e: {f"{t.key}.{r.key}.{c.key}" for t in ed.tables for r in t.rows for c in r.columns}
         for e, ed in EDITIONS.items()}


# ---------------------------------------------------------------- tables


def test_table_names_and_sections_written_once():
    assert TABLE_NAMES == {"active": "表二（主动公开）", "applications": "表三（依申请公开）",
                           "review_litigation": "表四（复议诉讼）"}
    assert TABLE_SHORT == {"active": "表二", "applications": "表三", "review_litigation": "表四"}
    assert TABLE_SECTION == {"active": 2, "applications": 3, "review_litigation": 4}
    assert SECTION_TABLE == {2: "active", 3: "applications", 4: "review_litigation"}
    for ed in EDITIONS.values():
        titles = {t.key: (t.short, t.name, t.section, t.title) for t in ed.tables}
        assert titles == {
            "active": ("表二", "表二（主动公开）", 2, "二、主动公开政府信息情况"),
            "applications": ("表三", "表三（依申请公开）", 3, "三、收到和处理政府信息公开申请情况"),
            "review_litigation": ("表四", "表四（复议诉讼）", 4, "四、政府信息公开行政复议、行政诉讼情况"),
        }, ed.key


def test_cell_label_names_the_table_by_its_short_name():
    assert get_edition("2021").cell_label("applications.withheld_third_party.commercial") == \
        "表三「（三）4.保护第三方合法权益」商业企业"
    assert get_edition("2019").cell_label("active.fees.change") == "表二「行政事业性收费」本年增/减"


# ---------------------------------------------------------------- outcome groups


def test_outcome_groups_follow_the_merged_labels():
    g19 = outcome_groups(get_edition("2019").table("applications").rows)
    g21 = outcome_groups(get_edition("2021").table("applications").rows)
    assert list(g21) == ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]
    assert list(g19) == list(g21)
    assert g19["其他处理"] == ("other",)
    assert g21["其他处理"] == ("other_no_correction", "other_unpaid_fee", "other_other")
    assert g21["无法提供"] == ("unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear")
    assert len(g21["不予公开"]) == 8 and len(g21["不予处理"]) == 5
    for groups, ed in ((g19, get_edition("2019")), (g21, get_edition("2021"))):
        # （七）总计 adds up exactly the outcome rows, in the same order (GK303)
        identity = next(i for i in ed.identities if i.rule == "GK303" and i.lhs[0].endswith(".total"))
        assert [ref.split(".")[1] for ref in identity.rhs] == [r for rows in groups.values() for r in rows]


# ---------------------------------------------------------------- key figures and ratios


def test_key_figures_name_cells_of_the_editions():
    for f in FIGURES:
        for ref in f.cells:
            assert ref in CELLS["2021"], (f.key, ref)
    assert [f.key for f in WATCHED] == ["new_received", "total_processed", "review", "litigation", "licensing",
                                        "penalty", "coercion"]
    assert next(f for f in WATCHED if f.key == "litigation").long == "表四行政诉讼总计（未经复议直接起诉与复议后起诉之和）"
    for r in RATIOS:
        for ref in r.numerator + r.denominator + r.less:
            assert ref in CELLS["2019"] and ref in CELLS["2021"], (r.key, ref)


def test_ratios_computed_from_the_cells():
    ratio = {r.key: r for r in RATIOS}
    values = {"applications.granted.total": 3, "applications.partially_granted.total": 1,
              "applications.total_processed.total": 8, "review_litigation.review.corrected": 1,
              "review_litigation.review.total": 6, "review_litigation.review.pending": 2,
              "review_litigation.litigation_direct.total": 3, "review_litigation.litigation_direct.pending": 3,
              "review_litigation.litigation_direct.corrected": 0}
    assert ratio["granted_share"].of(values.get) == 0.5
    assert ratio["review_correction_rate"].of(values.get) == 0.25  # 1 ÷ (6 − 2)
    assert ratio["litigation_direct_correction_rate"].of(values.get) is None  # nothing decided yet: 3 − 3
    assert ratio["litigation_after_review_correction_rate"].of(values.get) is None  # nothing filled in
    only_granted = {"applications.granted.total": 2, "applications.total_processed.total": 5}
    assert ratio["granted_share"].of(only_granted.get) == 0.4  # a blank 部分公开 counts as 0
    assert ratio["granted_share"].of({"applications.total_processed.total": 5}.get) is None


# ---------------------------------------------------------------- one mapping between editions


def test_cell_map_2019_to_2021_is_the_conversion():
    m = cell_map("2019", "2021")
    assert m["active.regulations.new_made"] == "active.regulations.issued"
    assert m["active.licensing.decisions"] == "active.licensing.decisions"
    assert m["active.regulations.total_published"] is None
    assert m["active.fees.change"] is None and m["active.procurement.amount"] is None
    assert m["applications.other.research"] == "applications.other_other.research"
    assert m["review_litigation.review.pending"] == "review_litigation.review.pending"
    assert set(m) == CELLS["2019"]


def test_cell_map_2021_to_2019_runs_the_conversion_backwards():
    m = cell_map("2021", "2019")
    assert m["active.normative_documents.issued"] == "active.normative_documents.new_made"
    assert m["active.regulations.in_force"] is None and m["active.fees.amount"] is None
    for row in ("other_no_correction", "other_unpaid_fee", "other_other"):
        assert m[f"applications.{row}.total"] == "applications.other.total"
    assert m["applications.granted.natural_person"] == "applications.granted.natural_person"
    assert set(m) == CELLS["2021"]


# ---------------------------------------------------------------- file formats


def _unique(formats) -> None:
    suffixes = [s for f in formats for s in f.suffixes]
    assert len(suffixes) == len(set(suffixes))
    assert all(s.startswith(".") and s == s.lower() for s in suffixes)
    assert len({f.key for f in formats}) == len(formats)


@pytest.mark.parametrize("formats", [REPORT_FORMATS, DATA_FORMATS, OUTPUT_FORMATS], ids=["report", "data", "output"])
def test_each_registry_has_one_entry_per_format_and_suffix(formats):
    _unique(formats)


def test_readers_walk_and_upload_derive_from_the_registry():
    assert readers.READER_MODULES == {f.key: f.module for f in REPORT_FORMATS}
    assert readers.READER_MODULES["mht"] == "html" and readers.READER_MODULES["wps"] == "legacy"
    for f in REPORT_FORMATS:
        assert importlib.util.find_spec(f"gongkai.readers.{f.module}") is not None, f.key
    assert {".mht", ".mhtml", ".odt", ".docx", ".pdf", ".md"} <= inputs.REPORT_SUFFIXES
    assert ".xml" not in inputs.REPORT_SUFFIXES and ".json" not in inputs.REPORT_SUFFIXES
    assert DATA_SUFFIXES == {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".xlsx": "xlsx", ".xlsm": "xlsx"}


def test_output_formats_derive_from_the_registry():
    assert render.FORMATS == {"docx": ".docx", "html": ".html", "md": ".md", "json": ".json", "yaml": ".yaml",
                              "xlsx": ".xlsx"}
    assert render.BINARY == {"docx", "xlsx"}
    assert render.format_for("报告.markdown") == "md" and render.format_for("r.YML") == "yaml"
    for f in OUTPUT_FORMATS:
        assert importlib.util.find_spec(f"gongkai.render.{f.module}") is not None, f.key


def test_a_directory_walk_takes_every_report_suffix(tmp_path):
    names = ["a.mhtml", "b.odt", "c.TXT", "d.shtml", "e.json", "f.xml", "g.xlsx", ".h.txt"]
    for n in names:
        (tmp_path / n).write_bytes(b"x")
    found = [i.path.name for i in inputs.iter_inputs([str(tmp_path)])]
    assert found == ["a.mhtml", "b.odt", "c.TXT", "d.shtml"]
