"""GK6xx: a report against the agency's report for the year before — the rules, and the store running
them at ingest whichever year arrives first."""

from __future__ import annotations

import pytest

from gongkai.checks import REGISTRY, catalogue, check
from gongkai.document import Source
from gongkai.location import Location
from gongkai.model import Cell, Report, Section

from synth import Corpus, rebalance, zero_figures
from test_store_support import store, store_url, write_text

FIXTURES = (store, store_url)  # pytest fixtures: the store on SQLite and on PostgreSQL

CROSS = {"GK601", "GK602", "GK603"}


def make(year: int, tables: dict, edition: str = "2021", narrative: str = "") -> Report:
    r = Report(source=Source(f"r{year}.txt", "", "text"), agency="甘坊镇", year=year, edition=edition)
    for t, rows in tables.items():
        for rk, cols in rows.items():
            for c, v in cols.items():
                r.tables.setdefault(t, {}).setdefault(rk, {})[c] = Cell(v, str(v), Location(line=len(r.tables) + 1))
    r.sections = [Section(1, "总体情况", narrative)]
    return r


def figures(edition="2021", **outcomes):
    t = zero_figures(edition)
    for key, v in outcomes.items():
        row, col = key.split("__")
        t["applications"][row][col] = v
    return t


def codes(findings):
    return [f.code for f in findings]


def test_rules_are_catalogued_with_previous():
    for code in CROSS:
        r = REGISTRY[code]
        assert r.needs_previous
    # every GK6xx rule needs last year's report (and only they do: the store runs them when it has it)
    assert [r.code for r in catalogue() if r.needs_previous] == [r.code for r in catalogue() if r.code[:3] == "GK6"]
    assert REGISTRY["GK601"].severity == "error"
    assert REGISTRY["GK602"].severity == "warning"
    assert REGISTRY["GK603"].severity == "info"


def test_without_previous_the_rules_do_not_run():
    t = rebalance(figures(carried_over__natural_person=2, granted__natural_person=2), "2021")
    assert not CROSS & set(codes(check(make(2023, t))))


def test_carried_over_must_equal_last_years_carried_forward():
    before = rebalance(figures(carried_forward__natural_person=3, carried_forward__commercial=1,
                               granted__natural_person=4), "2021")
    now = rebalance(figures(carried_over__natural_person=2, carried_over__commercial=1,
                            granted__natural_person=5), "2021")
    found = [f for f in check(make(2023, now), previous=make(2022, before)) if f.code == "GK601"]
    # every column is compared, 总计 included
    assert [f.cells for f in found] == [["applications.carried_over.natural_person"], ["applications.carried_over.total"]]
    f = found[0]
    assert f.severity == "error"
    assert f.cells == ["applications.carried_over.natural_person"]
    assert (f.expected, f.actual) == (3, 2)
    assert "「二、上年结转政府信息公开申请数量」“自然人”列为 2" in f.message
    assert "2022年度报告表三「四、结转下年度继续办理」“自然人”列为 3" in f.message
    assert f.at is not None
    # equal in every column: nothing
    ok = rebalance(figures(carried_over__natural_person=3, carried_over__commercial=1), "2021")
    assert "GK601" not in codes(check(make(2023, ok), previous=make(2022, before)))


def test_only_the_year_before_counts():
    before = rebalance(figures(carried_forward__natural_person=3), "2021")
    now = rebalance(figures(), "2021")
    assert "GK601" not in codes(check(make(2023, now), previous=make(2021, before)))


def test_in_force_continuity():
    before = zero_figures("2021")
    before["active"]["regulations"].update(issued=2, repealed=0, in_force=12)
    now = zero_figures("2021")
    now["active"]["regulations"].update(issued=3, repealed=1, in_force=10)
    (f,) = [f for f in check(make(2023, now), previous=make(2022, before)) if f.code == "GK602"]
    assert f.severity == "warning" and (f.expected, f.actual) == (14, 10)
    assert "表二「规章」现行有效件数为 10" in f.message and "12 + 本年制发件数 3 − 本年废止件数 1" in f.message
    now["active"]["regulations"]["in_force"] = 14
    assert "GK602" not in codes(check(make(2023, now), previous=make(2022, before)))
    # a 2019-edition year before has no 现行有效件数 to continue from
    old = zero_figures("2019")
    assert "GK602" not in codes(check(make(2021, now), previous=make(2020, old, "2019")))


def test_large_jump():
    before = rebalance(figures(granted__natural_person=4), "2021")
    now = rebalance(figures(granted__natural_person=60), "2021")
    found = [f for f in check(make(2023, now), previous=make(2022, before)) if f.code == "GK603"]
    assert {tuple(f.cells) for f in found} == {("applications.new_received.total",),
                                               ("applications.total_processed.total",)}
    f = next(f for f in found if f.cells == ["applications.new_received.total"])
    assert f.severity == "info" and (f.expected, f.actual) == (4, 60) and "增加到 15.0 倍" in f.message
    # explained in the narrative: nothing
    said = make(2023, now, narrative="本年度收到政府信息公开申请60件，同比增长较多，主要因征地拆迁项目集中。")
    assert "GK603" not in codes(check(said, previous=make(2022, before)))
    # ×5 but a small change, or a big change below ×5: nothing
    small = rebalance(figures(granted__natural_person=15), "2021")
    assert "GK603" not in codes(check(make(2023, small), previous=make(2022, rebalance(
        figures(granted__natural_person=3), "2021"))))
    big = rebalance(figures(granted__natural_person=300), "2021")
    assert "GK603" not in codes(check(make(2023, big), previous=make(2022, rebalance(
        figures(granted__natural_person=100), "2021"))))
    # a collapse counts too
    found = check(make(2023, before), previous=make(2022, now))
    assert any(f.code == "GK603" and "减少到" in f.message for f in found)


def _series(c: Corpus, agency, years):
    prev, out = None, []
    for y in years:
        prev = c.report(agency, y, prev)
        out.append(prev)
    return out


def _break_carry(spec):
    """2023's 上年结转 no longer equal to 2022's 结转下年度 (identities of 2023 kept)."""
    t = spec.tables
    t["applications"]["carried_over"]["natural_person"] += 2
    t["applications"]["granted"]["natural_person"] += 2
    rebalance(t, spec.edition)
    return spec


def test_store_runs_crossyear_at_ingest(store, tmp_path):
    c = Corpus(21)
    (a,) = c.agencies(1)
    y22, y23 = _series(c, a, (2022, 2023))
    _break_carry(y23)
    write_text(tmp_path / "a", "2022.txt", y22)
    write_text(tmp_path / "b", "2023.txt", y23)
    store.ingest([str(tmp_path / "a")], jobs=1)
    store.ingest([str(tmp_path / "b")], jobs=1)
    rows = {r.year: r for r in store.reports()}
    found = [f for f in store.findings(rows[2023].id) if f["code"] == "GK601"]
    assert [f["cells"] for f in found] == [["applications.carried_over.natural_person"],
                                           ["applications.carried_over.total"]]
    assert {f["previous_id"] for f in found} == {rows[2022].id}
    assert rows[2023].errors >= 2


def test_store_reruns_next_year_when_previous_arrives_later(store, tmp_path):
    c = Corpus(22)
    (a,) = c.agencies(1)
    y22, y23 = _series(c, a, (2022, 2023))
    _break_carry(y23)
    write_text(tmp_path / "b", "2023.txt", y23)
    store.ingest([str(tmp_path / "b")], jobs=1)
    (r23,) = store.reports()
    assert not [f for f in store.findings(r23.id) if f["code"] in CROSS]
    errors_before = r23.errors
    write_text(tmp_path / "a", "2022.txt", y22)
    store.ingest([str(tmp_path / "a")], jobs=1)
    r23 = store.report_row(r23.id)
    assert [f["code"] for f in store.findings(r23.id) if f["code"] in CROSS] == ["GK601", "GK601"]
    assert r23.errors == errors_before + 2
    # a corrected 2022 that agrees with 2023 clears it
    fixed = c.corrected(y22)
    fixed.tables["applications"]["carried_forward"]["natural_person"] = \
        y23.tables["applications"]["carried_over"]["natural_person"]
    fixed.tables["applications"]["granted"]["natural_person"] += 2
    rebalance(fixed.tables, fixed.edition)
    write_text(tmp_path / "c", "2022-corrected.txt", fixed)
    s = store.ingest([str(tmp_path / "c")], jobs=1)
    assert s.replaced == 1
    assert not [f for f in store.findings(r23.id) if f["code"] == "GK601"]
    assert store.report_row(r23.id).errors == errors_before


@pytest.mark.parametrize("jobs", [2])
def test_parallel_ingest_of_a_series(store, tmp_path, jobs):
    c = Corpus(23)
    specs = c.series(6, (2021, 2022, 2023))
    for s in specs:
        write_text(tmp_path / str(s.year), f"{s.stem}.txt", s)
    out = store.ingest([str(tmp_path)], jobs=jobs)
    assert out.new == 18
    # generated series are consistent: no GK601/GK602 anywhere
    for r in store.reports():
        assert not [f for f in store.findings(r.id) if f["code"] in ("GK601", "GK602")], r


def test_rules_read_only_the_rows_they_declare():
    """The store keeps only crossyear.ROWS_READ of a report in memory for these rules."""
    from gongkai.checks.crossyear import ROWS_READ

    def restrict(r: Report) -> Report:
        out = make(r.year, {}, r.edition)
        out.sections = r.sections
        out.tables = {t: {rk: cols for rk, cols in rows.items() if (t, rk) in ROWS_READ or (t, None) in ROWS_READ}
                      for t, rows in r.tables.items()}
        return out

    c = Corpus(24)
    fired = 0
    for a in c.agencies(40):
        s1, s2 = c.report(a, 2022), None
        s2 = c.report(a, 2023, s1)
        t2 = s2.tables
        t2["applications"]["carried_over"]["natural_person"] += 1  # make some rules fire
        t2["applications"]["granted"]["natural_person"] += 30
        t2["active"]["regulations"]["in_force"] += 1
        rebalance(t2, "2021")
        full = [(f.code, f.message) for f in check(make(2023, t2), previous=make(2022, s1.tables), select=CROSS)]
        light = [(f.code, f.message) for f in check(restrict(make(2023, t2)), previous=restrict(make(2022, s1.tables)),
                                                   select=CROSS)]
        assert full == light
        fired += len(full)
    assert fired >= 40 * 3
