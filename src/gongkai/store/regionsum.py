"""A region's own report against the sum of its agencies' reports in the store, with the coverage.

A county government's report may carry the county's totals (全县汇总); the agencies whose reports make
up such a total are the county's own departments and its townships and streets. A city's total is made
of the city's departments and the governments of its counties (whose reports may be totals of their
own), a province's of its departments and its cities' governments: the agencies one step down, never
an agency and the government over it both. :func:`region_sum` sums the current reports of those of
them the store holds for the year, cell by cell in the region report's edition (the roll-up's mapping
between editions), and says how many of the region's known agencies the sum covers. Whether the region
report is a total at all, and what the difference means, is the rule's judgement (checks/region.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import select

from .. import rollup
from ..agencies import REGION_LEVELS, RegionPath
from ..checks.region import size
from ..formats import Edition, edition_for_year, get_edition
from ..model import Report
from . import schema as S

# the region a government governs, by its level in the store
GOVERNMENT_LEVELS = {"县级政府": "county", "市级政府": "city", "省级政府": "province"}
# who makes up a region's total, in words, by the region's level
MEMBERS_ZH = {"county": "县级部门和乡镇（街道）", "city": "市级部门和所辖县（市、区）政府",
              "province": "省级部门和所辖市（州）政府"}


@dataclass(slots=True)
class Member:
    agency_id: int
    name: str
    kind: str  # department | government | township | street
    report_id: int | None  # its current report for the year; None: the store has none


@dataclass(slots=True)
class RegionSum:
    """The sum of a region's agencies' reports for one year, as a region report's edition has it."""

    region: str  # 奉新县
    level: str  # county | city | province
    year: int
    edition: Edition
    members: list[Member]  # the agencies the store knows in the region, one step down
    office_list: bool  # the office's own list (its CSV) names agencies of the region: ``members`` is complete
    # {table: {row: {column: sum}}}; None where no counted report printed a value
    totals: dict[str, dict[str, dict[str, Any]]]
    # "table.row.column" → (agency, value) of every counted report that printed a non-zero value there
    parts: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    # cells some counted report printed (a blank included): a cell printed by every one is summed in full
    printed: dict[str, int] = field(default_factory=dict)
    unsure: set[str] = field(default_factory=set)  # cells resting on a value gongkai is not sure of
    sizes: list[float] = field(default_factory=list)  # each counted report's size (see :func:`size`)

    @property
    def known(self) -> int:
        return len(self.members)

    @property
    def present(self) -> int:
        return sum(1 for m in self.members if m.report_id is not None)

    @property
    def complete(self) -> bool:
        """Every agency of the region the store knows has its report in the sum."""
        return self.known > 0 and self.present == self.known

    @property
    def leaves(self) -> bool:
        """No counted agency is a government whose own report might itself be a total (or only its office's)."""
        return all(m.kind != "government" for m in self.members)

    @property
    def missing(self) -> list[str]:
        return [m.name for m in self.members if m.report_id is None]

    @property
    def here(self) -> str:
        """本县, 本市, 本区 …: how a message names the region."""
        last = self.region[-1:] if self.region else ""
        return f"本{last}" if last in "县市区旗州盟省" else "本地区"

    def coverage(self) -> str:
        """库中本县已知机关（县级部门和乡镇（街道））32个，已有29个的报告计入合计."""
        return (f"库中{self.here}已知机关（{MEMBERS_ZH[self.level]}）{self.known}个，"
                f"已有{self.present}个的{self.year}年度报告计入合计")

    def value(self, ref: str) -> Any:
        return _get(self.totals, ref)

    def summed_in_full(self, ref: str) -> bool:
        return self.printed.get(ref, 0) == self.present


def _get(tables: dict, ref: str) -> Any:
    t, r, c = ref.split(".")
    return tables.get(t, {}).get(r, {}).get(c)


def _member(row, level: str) -> bool:
    """One step down from a region at ``level``: a department of the region itself (no lower place), or a
    government, township or street of a place right under it."""
    below = [lv for lv in REGION_LEVELS[REGION_LEVELS.index(level) + 1:] if row[lv]]
    if row["kind"] == "department":
        return not below
    return len(below) == 1


def region_sum(store: Any, report_id: int, report: Report) -> RegionSum | None:
    """The sum of the agencies' reports of the region whose government wrote ``report`` (stored as
    ``report_id``), for its year; None when it is not a county's, city's or province's government's
    report, or its year is not known."""
    if report.year is None:
        return None
    edition = (get_edition(report.edition) if report.edition else edition_for_year(report.year))
    if edition is None:
        return None
    a, r = S.agencies, S.reports
    with store.engine.connect() as conn:
        gov = conn.execute(select(a).select_from(r.join(a, r.c.agency_id == a.c.id)).where(
            r.c.id == report_id)).mappings().first()
        if gov is None or gov["kind"] != "government":
            return None
        level = GOVERNMENT_LEVELS.get(gov["level"])
        if level is None or not gov[level]:
            return None
        place = RegionPath(gov["province"], gov["city"], gov["county"], gov["township"])
        rows = [m for m in conn.execute(select(a).where(getattr(a.c, level) == gov[level]).order_by(a.c.id)).mappings()
                if m["id"] != gov["id"] and _member(m, level)
                and not place.conflicts(RegionPath(m["province"], m["city"], m["county"], m["township"]))]
        ids = [m["id"] for m in rows]
        current: dict[int, tuple[int, str | None]] = {}
        for i in range(0, len(ids), 500):
            for rid, aid, ed in conn.execute(select(r.c.id, r.c.agency_id, r.c.edition).where(
                    r.c.agency_id.in_(ids[i:i + 500]), r.c.year == report.year, r.c.current)):
                current[aid] = (rid, ed)
        rids = [rid for rid, _ in current.values()]
        cells = rollup.stored_cells(conn, rids)
        doubts: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
        for i in range(0, len(rids), 500):
            for rid, t, rk, c in conn.execute(select(S.cells.c.report_id, S.cells.c.table_key, S.cells.c.row_key,
                                                     S.cells.c.column_key).where(
                    S.cells.c.report_id.in_(rids[i:i + 500]), S.cells.c.doubt.is_not(None))):
                doubts[rid][t][rk][c] = 1
    members = [Member(m["id"], m["name"], m["kind"], current[m["id"]][0] if m["id"] in current else None)
               for m in rows]
    out = RegionSum(gov[level], level, report.year, edition, members, any(m["from_csv"] for m in rows),
                    rollup.empty_totals(edition))
    for m in members:
        if m.report_id is None:
            continue
        source = current[m.agency_id][1]
        mapped, _ = rollup.map_to_edition(cells.get(m.report_id, {}), source, edition)
        rollup.add_tables(out.totals, mapped)
        for t, rws in mapped.items():
            for rk, cols in rws.items():
                for c, v in cols.items():
                    ref = f"{t}.{rk}.{c}"
                    out.printed[ref] = out.printed.get(ref, 0) + 1
                    if v:
                        out.parts.setdefault(ref, []).append((m.name, v))
        if m.report_id in doubts:
            unsure, _ = rollup.map_to_edition(doubts[m.report_id], source, edition)
            out.unsure.update(f"{t}.{rk}.{c}" for t, rws in unsure.items() for rk, cols in rws.items() for c in cols)
        out.sizes.append(size(partial(_get, mapped)))
    return out
