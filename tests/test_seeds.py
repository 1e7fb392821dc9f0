"""Every table cell of the five real seed reports equals what the seed prints.

The expected values in tests/data/seeds_truth/ were written by hand from the seed texts.
"""

from __future__ import annotations

import json

import pytest

from gongkai.api import read
from gongkai.location import Location

from conftest import DATA, SEEDS


def _truth(seed):
    return json.loads((DATA / "seeds_truth" / (seed.stem + ".json")).read_text(encoding="utf-8"))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem[:3])
def test_every_cell_matches_the_hand_reading(seed):
    truth = _truth(seed)
    report = read(seed)
    assert report.edition == truth["edition"]
    assert report.year == truth["year"]
    assert report.agency == truth["agency"]
    for table, rows in truth["tables"].items():
        got_rows = report.tables.get(table, {})
        assert set(got_rows) == set(rows), f"{table}: rows differ"
        for row, cols in rows.items():
            for col, value in cols.items():
                cell = got_rows[row].get(col)
                got = cell.value if cell else None
                assert got == value, f"{table}.{row}.{col}: expected {value!r}, read {got!r}"
    assert set(report.tables) == set(truth["tables"])


def test_raw_text_and_blank_are_kept_apart():
    by_stem = {p.stem[:3]: p for p in SEEDS}
    r000 = read(by_stem["000"])
    amount = r000.tables["active"]["procurement"]["amount"]
    assert (amount.value, amount.raw) == (20, "20万元")
    r002 = read(by_stem["002"])
    granted = r002.tables["applications"]["granted"]
    assert granted["natural_person"].raw == "" and granted["natural_person"].value is None
    assert granted["total"].raw == "0" and granted["total"].value == 0
    r004 = read(by_stem["004"])
    coercion = r004.tables["active"]["coercion"]["decisions"]
    assert coercion.value is None and coercion.raw == ""
    assert coercion.at == Location(line=46)


def test_cells_are_traced_to_their_line():
    seed = next(p for p in SEEDS if p.stem.startswith("004"))
    report = read(seed)
    lines = seed.read_text(encoding="utf-8").split("\n")
    new = report.tables["applications"]["new_received"]
    # 一、本年新收: 自然人 1 … 总计 1, one cell per line
    assert new["natural_person"].at == Location(line=76) and lines[75].strip() == "1"
    assert new["total"].at == Location(line=82) and lines[81].strip() == "1"


def test_sections_and_facts():
    by_stem = {p.stem[:3]: p for p in SEEDS}
    r000 = read(by_stem["000"])
    # 丰收乡 splits 五 into 存在的主要问题 / 下一步工作打算, so 其他 is 七
    assert [s.number for s in r000.sections] == [1, 2, 3, 4, 5, 6, 7]
    assert r000.sections[6].title == "其他需要报告的事项"
    r003 = read(by_stem["003"])
    # the sub-headings 一、二、三、 inside 五 do not start sections
    assert [s.number for s in r003.sections] == [1, 2, 3, 4, 5, 6]
    assert "加强组织领导" in r003.sections[4].text
    assert str(r003.date) == "2024-01-10"
    assert r003.contact["phone"] == "0795-4649001"
    r001 = read(by_stem["001"])
    assert r001.title == "繁峙县集义庄乡人民政府2023年度政府信息公开工作年度报告"
    assert str(r001.date) == "2024-01-15"
    r004 = read(by_stem["004"])
    assert [s.number for s in r004.sections] == [1, 2, 3, 4, 5, 6]
    assert r004.contact["postcode"] == "130000"
