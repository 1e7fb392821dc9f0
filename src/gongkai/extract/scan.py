"""Finding the tables' rows among the units: labels anchor rows, the cells after a label are its values.

Values after a label belong to that label's row up to the next label, so a row the agency
left out, or whose blank cells vanished in extraction, never takes the next row's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache

from ..formats import EDITIONS, SECTION_TABLE, LabelEntry, edition_markers
from ..formats.base import RowDef
from ..formats.labels import body_key, similarity
from ..location import Location
from .units import Unit

FUZZY_THRESHOLD = 0.8

@dataclass(slots=True)
class Found:
    table: str
    row: str
    label: Unit
    values: list[Unit]
    inline: bool
    fuzzy: bool = False  # the label was recognised only by likeness (a slip in the print)


@dataclass
class TableScan:
    rows: dict[tuple[str, str], Found] = field(default_factory=dict)
    review_values: list[Unit] | None = None
    review_inline: bool = False
    votes: dict[str, dict[str, int]] = field(default_factory=dict)  # table -> edition -> votes
    table_at: dict[str, Location] = field(default_factory=dict)


@cache
def row_defs(table: str) -> dict[str, RowDef]:
    """Row key -> definition over every edition (the first edition's wins); shared, not to be changed."""
    out: dict[str, RowDef] = {}
    for ed in EDITIONS.values():
        for r in ed.table(table).rows:
            out.setdefault(r.key, r)
    return out


def scan(units: list[Unit]) -> TableScan:
    res = TableScan()
    markers = edition_markers()
    block_has_label: set[int] = {u.block for u in units if u.entries and u.kind == "cell"}
    ctx: str | None = None
    review_headers = False
    review_runs: list[list[Unit]] = []
    n = len(units)
    i = 0
    while i < n:
        u = units[i]
        if u.heading:
            ctx = SECTION_TABLE.get(u.heading.number)
            i += 1
            continue
        entries = u.entries
        if not entries and not u.value and ctx in ("active", "applications") and u.kind != "para" and u.labelish:
            entries = _fuzzy(u, ctx, res)
        if entries:
            tables = [e.table for e in entries]
            if ctx not in tables:
                ctx = tables[0]
            res.table_at.setdefault(ctx, u.at)
            for ed, keys in markers.items():
                if u.key in keys:
                    res.votes.setdefault(ctx, {}).setdefault(ed, 0)
                    res.votes[ctx][ed] += 1
            if ctx == "review_litigation":
                review_headers = True
                i += 1
                continue
            row_entries = [e for e in entries if e.kind == "row" and e.table == ctx]
            if row_entries and (ctx, row_entries[0].row) not in res.rows:
                e = row_entries[0]
                assert e.row is not None  # an entry of kind "row" always names its row
                values, group = _collect(units, i)
                if not group:
                    res.rows[(ctx, e.row)] = Found(ctx, e.row, u, values, u.kind == "piece", fuzzy=not u.entries)
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
    return res


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
    vals: list[Unit] = []
    j = i + 1
    if u.kind == "cell":
        while j < n and units[j].block == u.block:
            w = units[j]
            if w.entries or (not w.value and w.labelish):
                # another label in the same row: this one names a group (（三）不予公开)
                return vals, not any(not v.blank for v in vals)
            vals.append(w)
            j += 1
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
