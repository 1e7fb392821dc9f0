"""Finding the tables' rows among the units: labels anchor rows, the cells after a label are its values.

Values after a label belong to that label's row up to the next label, so a row the agency
left out, or whose blank cells vanished in extraction, never takes the next row's numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from ..formats import EDITIONS, SECTION_TABLE, LabelEntry, edition_markers
from ..formats.base import RowDef
from ..formats.labels import body_key, label_key, similarity
from ..location import Location
from .units import Unit
from .values import MONEY_UNITS

FUZZY_THRESHOLD = 0.8
_MONEY = "|".join(sorted(MONEY_UNITS, key=len, reverse=True))
# a line that gives the unit of a table's amounts: 单位：元, （金额单位：万元）
_UNIT_LINE = re.compile(r"[(（]?\s*(?:金额)?单位\s*[:：]\s*(" + _MONEY + r")\s*[)）]?")

@dataclass(slots=True)
class Found:
    table: str
    row: str
    label: Unit
    values: list[Unit]
    inline: bool
    fuzzy: bool = False  # the label was recognised only by likeness (a slip in the print)


@dataclass(frozen=True, slots=True)
class UnitSeen:
    """The unit of an amount column as its header (or a 单位 line above the table) prints it."""

    unit: str  # 元, 万元
    printed: str
    at: Location


@dataclass
class TableScan:
    rows: dict[tuple[str, str], Found] = field(default_factory=dict)
    review_values: list[Unit] | None = None
    review_inline: bool = False
    votes: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> edition -> votes
    table_at: dict[str, Location] = field(default_factory=dict)
    # row labels recognised that were given no row (they seemed to head a group): (table, row) -> the label
    seen: dict[tuple[str, str], Unit] = field(default_factory=dict)
    # numbers printed in a table's part of the document that no row took: table -> the units
    loose: dict[str, list[Unit]] = field(default_factory=dict)
    # the unit amounts are printed in: (table, column key) -> it; column "*" for a 单位 line of the whole table
    units: dict[tuple[str, str], UnitSeen] = field(default_factory=dict)


@cache
def row_defs(table: str) -> dict[str, RowDef]:
    """Row key -> definition over every edition (the first edition's wins); shared, not to be changed."""
    out: dict[str, RowDef] = {}
    for ed in EDITIONS.values():
        for r in ed.table(table).rows:
            out.setdefault(r.key, r)
    return out


_TABLED = frozenset(("active", "applications"))  # the tables whose loose numbers are noted


def scan(units: list[Unit]) -> TableScan:
    res = TableScan()
    markers = _markers()
    block_has_label: set[int] = {u.block for u in units if u.entries and u.kind == "cell"}
    ctx: str | None = None
    review_headers = False
    review_runs: list[list[Unit]] = []
    numbers: list[tuple[str, Unit]] = []  # (table, unit) for every number printed in a table's part
    n = len(units)
    i = 0
    while i < n:
        u = units[i]
        if u.heading:
            ctx = SECTION_TABLE.get(u.heading.number)
            i += 1
            continue
        if u.value:  # a number, a nil mark or a blank (most units): never a label or a heading (units.py)
            if ctx in _TABLED:  # the run of numbers it starts (a row's cells), noted in one go
                while True:
                    text = u.text
                    if text and not text.isspace():  # (not u.blank)
                        numbers.append((ctx, u))
                    i += 1
                    if i == n:
                        break
                    u = units[i]
                    if not u.value:
                        break
                continue
            if not (ctx == "review_litigation" and review_headers):
                i += 1
                continue
        elif ctx == "active" and ("单位" in u.text or "金额" in u.text) and len(u.text) <= 60:
            _amount_unit(u, res)
        entries = u.entries
        if not entries and not u.value and ctx in ("active", "applications") and u.kind != "para" and u.labelish:
            entries = _fuzzy(u, ctx, res)
        if entries:
            # (the label's tables looked at without making lists: this runs for every label of every report)
            if len(entries) == 1:
                if ctx != entries[0].table:
                    ctx = entries[0].table
            elif ctx not in [e.table for e in entries]:
                ctx = entries[0].table
            res.table_at.setdefault(ctx, u.at)
            eds = markers.get(u.key)  # (most labels are in both editions: none)
            if eds is not None:
                votes = res.votes.setdefault(ctx, {})
                for ed in eds:
                    votes[ed] = votes.get(ed, 0) + 1
            if ctx == "review_litigation":
                review_headers = True
                i += 1
                continue
            for e in entries:  # the first entry naming a row of this table
                if e.kind == "row" and e.table == ctx:
                    break
            else:
                e = None
            if e is not None and (ctx, e.row) not in res.rows:
                assert e.row is not None  # an entry of kind "row" always names its row
                key = (ctx, e.row)
                values, group = _collect(units, i)
                if not group:
                    res.rows[key] = Found(ctx, e.row, u, values, u.kind == "piece", not u.entries)
                    if values and values[-1] is units[i + len(values)]:
                        # its values are the units right after it (most rows): taken, they are passed over at
                        # once instead of one by one (all the loop would do with them is a 单位 line's)
                        if ctx == "active":
                            for w in values:
                                if not w.value and ("单位" in w.text or "金额" in w.text) and len(w.text) <= 60:
                                    _amount_unit(w, res)
                        i += len(values)
                else:
                    res.seen.setdefault(key, u)
            i += 1
            continue
        if (
            ctx == "review_litigation"
            and review_headers
            and u.value
            and u.block not in block_has_label
            and not (u.kind != "cell" and u.blank)
        ):
            values = []
            j = i
            while j < n and units[j].value and not units[j].heading and units[j].block not in block_has_label:
                values.append(units[j])
                j += 1
            review_runs.append(values)
            i = j
            continue
        i += 1
    if review_runs:
        # narrative such as 行政复议1件 may come before the table's own row of 15 numbers
        best = max(review_runs, key=_review_score)  # max keeps the first of equals
        res.review_values = best
        res.review_inline = any(v.kind != "cell" for v in best)
    taken = {id(v) for f in res.rows.values() for v in f.values} if numbers else set()  # (most rows' were passed over)
    for table, u in numbers:
        if id(u) not in taken:
            res.loose.setdefault(table, []).append(u)
    return res


@cache
def _markers() -> dict[str, tuple[str, ...]]:
    """Label key -> the editions it is a marker of (edition_markers, turned round: looked up for every label)."""
    out: dict[str, tuple[str, ...]] = {}
    for ed, keys in edition_markers().items():
        for key in keys:
            out[key] = (*out.get(key, ()), ed)
    return out


@cache
def _amount_headers() -> tuple[tuple[str, str], ...]:
    """(key of the header's words without its unit, column key) for every amount column of table 二."""
    out = []
    for ed in EDITIONS.values():
        for r in ed.table("active").rows:
            for c in r.columns:
                if c.kind == "amount":
                    out.append((label_key(re.split(r"[(（]", c.label)[0]), c.key))
    return tuple(dict.fromkeys(out))


@cache
def _amount_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """For every amount column of table 二: its header's words and a unit in brackets, nothing else (本年收费金额（单位：
    元）, 采购总金额（元）), and the column's key."""
    return tuple((re.compile(re.escape(words) + r"\(?(?:(?:金额)?单位,?)?(" + _MONEY + r")\)?"), col)
                 for words, col in _amount_headers())


def _amount_unit(u: Unit, res: TableScan) -> None:
    """Note the unit a header of table 二 gives its amounts (本年收费金额（单位：元）), or a 单位 line gives
    the whole table."""
    key = label_key(u.text)
    for rx, col in _amount_patterns():
        m = rx.fullmatch(key)
        if m:
            res.units.setdefault(("active", col), UnitSeen(m.group(1), u.text.strip(), u.at))
            return
    m = _UNIT_LINE.fullmatch(u.text.strip())
    if m:
        res.units.setdefault(("active", "*"), UnitSeen(m.group(1), u.text.strip(), u.at))


def _review_score(values: list[Unit]) -> int:
    if all(v.kind == "cell" for v in values):
        return 3 if len(values) >= 15 else 1
    digits = sum(ch.isdigit() for v in values for ch in v.text)
    tokens = sum(len(v.text.split()) for v in values)
    return 2 if tokens == 15 or digits >= 15 else 0


def _fuzzy(u: Unit, ctx: str, res: TableScan):
    """A label printed with a slip (由由, a missing character): the closest official row label."""
    best = None
    for key, s, r in _likenesses(ctx, body_key(u.text)):
        if (ctx, key) in res.rows:
            continue
        if best is None or s > best[0]:
            best = (s, r)
    if best is None:
        return ()
    r = best[1]
    eds = frozenset(ed.key for ed in EDITIONS.values() if any(x.key == r.key for x in ed.table(ctx).rows))
    return (LabelEntry("row", ctx, r.key, r.label, eds, False),)


@lru_cache(maxsize=4096)
def _likenesses(ctx: str, b: str) -> tuple[tuple[str, float, RowDef], ...]:
    """(row key, likeness, row) for every label and variant of ``ctx``'s rows at least FUZZY_THRESHOLD like
    ``b``, in the order of the rows; the same texts that are no label (a unit, a note) recur in every report."""
    out = []
    for key, r in row_defs(ctx).items():
        for text in (r.label, *r.variants):
            s = similarity(b, body_key(text))
            if s >= FUZZY_THRESHOLD:
                out.append((key, s, r))
    return tuple(out)


def _collect(units: list[Unit], i: int) -> tuple[list[Unit], bool]:
    """The value units after the label at ``i``; (values, True) when the label only heads a group."""
    u = units[i]
    n = len(units)
    j = i + 1
    if u.kind == "cell":
        block = u.block
        while j < n:  # (the rest of the row, up to another label)
            w = units[j]
            if w.block != block:
                break
            if not w.value and (w.entries or w.labelish):  # (a value has no entries: units.py)
                # another label in the same row: this one names a group (（三）不予公开)
                vals = units[i + 1 : j]
                return vals, not any(not v.blank for v in vals)
            j += 1
        vals = units[i + 1 : j]  # the rest of the row
        if not vals and j < n and units[j].kind != "cell" and units[j].value and not units[j].blank:
            vals = _run_of_values(units, j)  # label in a row of its own, numbers on the next line
        elif not vals and j < n and units[j].kind == "cell":
            nxt = [w for w in units[j:] if w.block == units[j].block]
            if nxt and all(w.value for w in nxt) and any(not w.blank for w in nxt):
                vals = nxt
        return vals, False
    vals = _run_of_values(units, j)
    if not vals and j < n and units[j].entries and any(e.kind == "header" for e in u.entries):
        return vals, True  # （六）其他处理 followed by its sub-rows: a group label
    return vals, False


def _run_of_values(units: list[Unit], j: int) -> list[Unit]:
    vals = []
    while j < len(units):
        w = units[j]
        if w.entries or w.heading or not w.value:
            break
        vals.append(w)
        j += 1
    return vals
