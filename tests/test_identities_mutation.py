"""For every cell of tables 三 and 四 of a consistent report, changing that one number makes a rule fire."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.api import check, read
from gongkai.document import Source
from gongkai.formats import get_edition
from gongkai.model import Cell, Report

from conftest import SEEDS

APPLICANTS = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org"]
HEAD = ["new_received", "carried_over"]
TAIL = ["total_processed", "carried_forward"]
REVIEW = ["upheld", "corrected", "other", "pending"]


def consistent_report(edition: str, leaves: dict[str, list[int]], carried_over: list[int], review: list[list[int]]) -> Report:
    """Build tables 三 and 四 by hand arithmetic: totals are sums, 一 = （七）+ 四 − 二."""
    rows = [r.key for r in get_edition(edition).table("applications").rows]
    outcomes = [r for r in rows if r not in HEAD + TAIL]
    table: dict[str, dict[str, int]] = {}
    for r in outcomes:
        table[r] = dict(zip(APPLICANTS, leaves[r], strict=True))
    table["total_processed"] = {c: sum(table[r][c] for r in outcomes) for c in APPLICANTS}
    table["carried_forward"] = dict(zip(APPLICANTS, leaves["carried_forward"], strict=True))
    table["carried_over"] = {c: min(v, table["total_processed"][c] + table["carried_forward"][c])
                             for c, v in zip(APPLICANTS, carried_over, strict=True)}
    table["new_received"] = {
        c: table["total_processed"][c] + table["carried_forward"][c] - table["carried_over"][c] for c in APPLICANTS
    }
    report = Report(source=Source("generated", "", "json"), agency="测试乡人民政府", year=2023 if edition == "2021" else 2020,
                    edition=edition)
    apps = {}
    for r, cols in table.items():
        cells = {c: Cell(v, str(v), f"{r}.{c}") for c, v in cols.items()}
        total = sum(cols.values())
        cells["total"] = Cell(total, str(total), f"{r}.total")
        apps[r] = cells
    report.tables["applications"] = apps
    groups = {}
    for g, vals in zip(["review", "litigation_direct", "litigation_after_review"], review, strict=True):
        cells = {c: Cell(v, str(v), None) for c, v in zip(REVIEW, vals, strict=True)}
        cells["total"] = Cell(sum(vals), str(sum(vals)), None)
        groups[g] = cells
    report.tables["review_litigation"] = groups
    return report


def _identity_findings(report):
    return [f for f in check(report) if f.code.startswith("GK3")]


def _all_refs(report):
    for table in ("applications", "review_litigation"):
        for row, cols in report.tables[table].items():
            for col in cols:
                yield f"{table}.{row}.{col}"


def _mutated(report, ref, delta):
    r = copy.deepcopy(report)
    cell = r.cell(ref)
    cell.value = cell.value + delta
    cell.raw = str(cell.value)
    return r


counts = st.integers(min_value=0, max_value=40)


@st.composite
def reports(draw, edition):
    rows = [r.key for r in get_edition(edition).table("applications").rows]
    leaves = {r: draw(st.lists(counts, min_size=6, max_size=6)) for r in rows if r not in HEAD + TAIL}
    leaves["carried_forward"] = draw(st.lists(counts, min_size=6, max_size=6))
    carried_over = draw(st.lists(counts, min_size=6, max_size=6))
    review = [draw(st.lists(counts, min_size=4, max_size=4)) for _ in range(3)]
    return consistent_report(edition, leaves, carried_over, review)


@pytest.mark.parametrize("edition", ["2019", "2021"])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_changing_any_one_cell_fires_an_identity(edition, data):
    report = data.draw(reports(edition))
    assert _identity_findings(report) == []  # consistent to begin with
    for ref in _all_refs(report):
        delta = data.draw(st.sampled_from([1, 2, 7]), label=ref)
        fired = _identity_findings(_mutated(report, ref, delta))
        assert fired, f"changing {ref} by {delta} went unnoticed"
        assert any(ref in f.cells for f in fired), f"no finding names {ref}"


@pytest.mark.parametrize("seed", [p for p in SEEDS if p.stem[:3] in ("001", "004")], ids=lambda p: p.stem[:3])
def test_every_cell_of_a_consistent_seed(seed):
    report = read(seed)
    assert _identity_findings(report) == []
    for ref in _all_refs(report):
        fired = _identity_findings(_mutated(report, ref, 3))
        assert any(ref in f.cells for f in fired), ref


def test_specific_identity_messages():
    leaves = {r: [0] * 6 for r in [x.key for x in get_edition("2021").table("applications").rows] if r not in HEAD + TAIL}
    leaves["granted"] = [5, 1, 0, 0, 0, 0]
    leaves["carried_forward"] = [1, 0, 0, 0, 0, 0]
    report = consistent_report("2021", leaves, [0] * 6, [[1, 0, 0, 0], [0] * 4, [0] * 4])
    # 一、本年新收 自然人 was 6 (= 5 + 1); print 7 instead, and fix its row total so only the balance breaks
    bad = _mutated(_mutated(report, "applications.new_received.natural_person", 1), "applications.new_received.total", 1)
    codes = {f.code for f in _identity_findings(bad)}
    assert "GK301" in codes and "GK302" not in codes
    f = next(f for f in check(bad) if f.code == "GK301")
    assert (f.expected, f.actual) == (7, 6)
    assert "自然人" in f.message
    bad = _mutated(report, "review_litigation.review.total", 1)
    f = next(f for f in check(bad) if f.code == "GK304")
    assert (f.expected, f.actual) == (1, 2)
