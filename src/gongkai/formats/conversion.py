"""Moving a report from one edition of the format to another, as data.

A :class:`Conversion` says, cell by cell, where each value of the old edition goes in the new
one (``moves``), which old values have no place there and why (``dropped``), and which cells of
the new edition nothing fills (``unfilled``). Cells not named anywhere keep their place: both
editions share table 三's rows (except （六）) and table 四 entirely, with the same keys.

The same data says how values of two editions add up (:func:`cell_map`, used by the roll-up): a
moved cell is counted where it moves to, in either direction.

Every reason is written for the person who will fill in the report, in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import get_edition


@dataclass(frozen=True, slots=True)
class Move:
    source: str  # "table.row.column" in the old edition
    target: str  # "table.row.column" in the new edition
    note: str | None = None  # said whenever a value is moved this way
    # further cells of the new edition the old value stands for as well (they are listed as unfilled):
    # counted back into the old cell when the new edition's values are summed in the old one
    covers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Drop:
    source: str  # "table.row.column" or "table.row.*" (every column of the row)
    reason: str


@dataclass(frozen=True, slots=True)
class Unfilled:
    target: str  # "table.row.column" or "table.row.*"
    reason: str


@dataclass(frozen=True, slots=True)
class Conversion:
    source: str  # edition key
    target: str
    moves: tuple[Move, ...]
    dropped: tuple[Drop, ...]
    unfilled: tuple[Unfilled, ...]


_NO_2021_ROW = "2021年版格式表二没有“{label}”一行（2021年版只列第二十条第（一）（五）（六）（八）项）"
_NO_PROJECT_COLUMNS = "2021年版格式表二只填“本年处理决定数量”，不再填“上一年项目数量”“本年增/减”"

CONVERSIONS: dict[tuple[str, str], Conversion] = {
    ("2019", "2021"): Conversion(
        source="2019",
        target="2021",
        moves=(
            # 第二十条第（一）项: 本年新制作数量 is what 2021 calls 本年制发件数
            Move("active.regulations.new_made", "active.regulations.issued"),
            Move("active.normative_documents.new_made", "active.normative_documents.issued"),
            # 第二十条第（五）（六）项: 处理决定数量 → 本年处理决定数量
            Move("active.licensing.decisions", "active.licensing.decisions"),
            Move("active.penalty.decisions", "active.penalty.decisions"),
            Move("active.coercion.decisions", "active.coercion.decisions"),
            # 表三（六）: one row in 2019, three in 2021
            *(
                Move(
                    f"applications.other.{c}",
                    f"applications.other_other.{c}",
                    note="2019年版“（六）其他处理”只有一行，已整体转入2021年版“（六）其他处理 3.其他”；"
                    "其中如有“申请人无正当理由逾期不补正”或“逾期未按收费通知要求缴纳费用”的申请，请改填到（六）1、（六）2",
                    covers=(f"applications.other_no_correction.{c}", f"applications.other_unpaid_fee.{c}"),
                )
                for c in ("natural_person", "commercial", "research", "social_welfare", "legal_service",
                          "other_org", "total")
            ),
        ),
        dropped=(
            Drop("active.regulations.new_published", "2021年版格式没有“本年新公开数量”一栏"),
            Drop("active.normative_documents.new_published", "2021年版格式没有“本年新公开数量”一栏"),
            Drop(
                "active.regulations.total_published",
                "“对外公开总数量”是累计公开的文件数，不是2021年版的“现行有效件数”（已废止的文件也计在内），不能照搬",
            ),
            Drop(
                "active.normative_documents.total_published",
                "“对外公开总数量”是累计公开的文件数，不是2021年版的“现行有效件数”（已废止的文件也计在内），不能照搬",
            ),
            Drop("active.licensing.prev_items", _NO_PROJECT_COLUMNS),
            Drop("active.licensing.change", _NO_PROJECT_COLUMNS),
            Drop("active.penalty.prev_items", _NO_PROJECT_COLUMNS),
            Drop("active.penalty.change", _NO_PROJECT_COLUMNS),
            Drop("active.coercion.prev_items", _NO_PROJECT_COLUMNS),
            Drop("active.coercion.change", _NO_PROJECT_COLUMNS),
            Drop("active.other_services.*", _NO_2021_ROW.format(label="其他对外管理服务事项")),
            Drop(
                "active.fees.*",
                "2019年版“行政事业性收费”填的是收费项目的个数（上一年项目数量、本年增/减），"
                "2021年版要求填本年收费金额（单位：万元），两者不能换算",
            ),
            Drop("active.procurement.*", _NO_2021_ROW.format(label="政府集中采购（第二十条第（九）项）")),
        ),
        unfilled=(
            Unfilled("active.regulations.repealed", "2019年版格式没有“本年废止件数”，请按实际填写"),
            Unfilled("active.normative_documents.repealed", "2019年版格式没有“本年废止件数”，请按实际填写"),
            Unfilled("active.regulations.in_force", "2019年版格式没有“现行有效件数”，请按实际填写"),
            Unfilled("active.normative_documents.in_force", "2019年版格式没有“现行有效件数”，请按实际填写"),
            Unfilled("active.fees.amount", "2019年版格式没有收费金额，请按实际填写本年收费金额（万元）"),
            Unfilled(
                "applications.other_no_correction.*",
                "2021年版新增的细项，2019年版没有对应数据（原“（六）其他处理”已转入（六）3.其他），请核实后填写",
            ),
            Unfilled(
                "applications.other_unpaid_fee.*",
                "2021年版新增的细项，2019年版没有对应数据（原“（六）其他处理”已转入（六）3.其他），请核实后填写",
            ),
        ),
    ),
}


def get_conversion(source: str, target: str) -> Conversion:
    try:
        return CONVERSIONS[(source, target)]
    except KeyError:
        known = "、".join(f"{a}→{b}" for a, b in CONVERSIONS)
        raise KeyError(f"没有从{source}年版到{target}年版的转换（已有：{known}）") from None


def _cells(edition: str) -> set[str]:
    ed = get_edition(edition)
    return {f"{t.key}.{r.key}.{c.key}" for t in ed.tables for r in t.rows for c in r.columns}


def cell_map(source: str, target: str) -> dict[str, str | None]:
    """Each cell of edition ``source`` → the cell of edition ``target`` its value is counted in (None: in
    none, the two mean different things). From the conversion between the two, whichever way it goes:
    a moved cell goes where it is moved (or back); a dropped or unfilled one goes nowhere; any other
    cell keeps its place when the other edition has it. Editions without a conversion share the cells
    they both have."""
    src, dst = _cells(source), _cells(target)
    out: dict[str, str | None] = {ref: ref if ref in dst else None for ref in src}
    if (source, target) in CONVERSIONS:
        conv = CONVERSIONS[(source, target)]
        for d in conv.dropped:
            out.update(dict.fromkeys(expand(d.source, source)))
        out.update({m.source: m.target for m in conv.moves})
    elif (target, source) in CONVERSIONS:
        conv = CONVERSIONS[(target, source)]
        for u in conv.unfilled:
            out.update(dict.fromkeys(expand(u.target, source)))
        # an old cell dropped or moved elsewhere is another thing than a new cell of the same name
        gone = [ref for d in conv.dropped for ref in expand(d.source, target)] + [m.source for m in conv.moves]
        out.update(dict.fromkeys(ref for ref in gone if ref in out))
        for m in conv.moves:
            out.update(dict.fromkeys((m.target, *m.covers), m.source))
    return out


def expand(pattern: str, edition: str) -> tuple[str, ...]:
    """"table.row.*" → every cell of that row in ``edition``; a full reference stays as it is."""
    table, row, col = pattern.split(".")
    if col != "*":
        return (pattern,)
    rdef = get_edition(edition).table(table).row(row)
    return tuple(f"{table}.{row}.{c.key}" for c in rdef.columns)


def check_conversion(conv: Conversion) -> list[str]:
    """Inconsistencies between a conversion and the editions (for the tests): every old cell is
    moved, dropped or kept in place, every new cell is filled or listed as unfilled."""
    src, dst = get_edition(conv.source), get_edition(conv.target)
    src_cells = {f"{t.key}.{r.key}.{c.key}" for t in src.tables for r in t.rows for c in r.columns}
    dst_cells = {f"{t.key}.{r.key}.{c.key}" for t in dst.tables for r in t.rows for c in r.columns}
    moved = {m.source for m in conv.moves}
    dropped = {x for d in conv.dropped for x in expand(d.source, conv.source)}
    filled = {m.target for m in conv.moves}
    unfilled = {x for u in conv.unfilled for x in expand(u.target, conv.target)}
    problems = []
    for ref in sorted(src_cells):
        placed = ref in moved or ref in dropped or ref in dst_cells
        if not placed:
            problems.append(f"{conv.source} cell {ref} is neither moved, dropped nor in the target edition")
        if ref in moved and ref in dropped:
            problems.append(f"{ref} is both moved and dropped")
    for ref in sorted(dst_cells):
        kept = ref in src_cells and ref not in moved and ref not in dropped
        if not (ref in filled or ref in unfilled or kept):
            problems.append(f"{conv.target} cell {ref} is filled by nothing and not listed as unfilled")
    for ref in filled | unfilled:
        if ref not in dst_cells:
            problems.append(f"{ref} is not a cell of the {conv.target} edition")
    for ref in moved | dropped:
        if ref not in src_cells:
            problems.append(f"{ref} is not a cell of the {conv.source} edition")
    for m in conv.moves:
        for ref in m.covers:
            if ref not in unfilled:
                problems.append(f"{ref}, covered by {m.source}, is not listed as unfilled")
    return problems
