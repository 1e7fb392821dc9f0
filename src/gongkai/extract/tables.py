"""Assembling the three tables from units: labels anchor rows, the cells after a label are its values.

Values after a label belong to that label's row up to the next label, so a row the agency
left out, or whose blank cells vanished in extraction, never takes the next row's numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..formats import EDITIONS, SECTION_TABLE, LabelEntry, edition_markers
from ..formats.base import Column, RowDef
from ..formats.labels import body_key, fold, similarity
from ..location import Location
from ..model import LabelSeen, Report
from .digits import group_totals_constraint, row_total_constraint, split_run
from .units import Unit
from .values import is_value_text, make_cell

_UNIT_WORDS = re.compile(r"(万元|亿元|千元|元|件|条|个|项|次|起)")
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


@lru_cache(maxsize=None)
def _row_defs(table: str) -> dict[str, RowDef]:
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
        if not entries and ctx in ("active", "applications") and u.kind != "para" and u.labelish:
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
    b = body_key(u.text)
    best = None
    for key, r in _row_defs(ctx).items():
        if (ctx, key) in res.rows:
            continue
        for text in (r.label, *r.variants):
            s = similarity(b, body_key(text))
            if s >= FUZZY_THRESHOLD and (best is None or s > best[0]):
                best = (s, r)
    if best is None:
        return ()
    r = best[1]
    eds = frozenset(ed.key for ed in EDITIONS.values() if any(x.key == r.key for x in ed.table(ctx).rows))
    return (LabelEntry("row", ctx, r.key, r.label, eds, False),)


def _collect(units: list[Unit], i: int) -> tuple[list[Unit], bool]:
    """The value units after the label at ``i``; (values, True) when the label only heads a group."""
    u = units[i]
    n = len(units)
    vals: list[Unit] = []
    j = i + 1
    if u.kind == "cell":
        while j < n and units[j].block == u.block:
            w = units[j]
            if w.entries or w.labelish:
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


def _align(values: list[tuple[str, Location | None]], columns: tuple[Column, ...],
           has_total: bool) -> list[tuple[str, Location | None] | None]:
    """Place printed cells in the columns: exact when counts agree, otherwise by rule."""
    n = len(columns)
    vals = list(values)
    while len(vals) > n and not vals[0][0].strip():
        vals.pop(0)
    while len(vals) > n and not vals[-1][0].strip():
        vals.pop()
    if len(vals) >= n:
        return list(vals[:n])
    if not vals:
        return [None] * n
    out: list[tuple[str, Location | None] | None] = [None] * n
    if has_total and len(vals) >= 2 or (has_total and len(vals) == 1 and vals[0][0].strip()):
        out[-1] = vals[-1]  # merged cells drop columns in the middle; the total stays last
        for k, v in enumerate(vals[:-1]):
            out[k] = v
        return out
    for k, v in enumerate(vals):
        out[k] = v
    return out


def _inline_values(values: list[Unit], parts: int, constraint) -> list[tuple[str, Location | None]]:
    """Numbers from run-together text: split at spaces, or by the table's own identities."""
    text = " ".join(v.text for v in values)
    at = values[0].at if values else None
    printed = text.replace("，", " ").replace("、", " ").split()
    if len(printed) == parts and all(is_value_text(t) for t in printed):
        return [(t, at) for t in printed]  # cells joined by spaces: keep each as printed
    cleaned = _UNIT_WORDS.sub(" ", fold(text)).replace(",", " ")
    tokens = cleaned.split()
    if len(tokens) == parts and all(is_value_text(t) for t in tokens):
        return [(t, at) for t in tokens]
    pieces = split_run(cleaned, parts, constraint) if cleaned.strip() else None
    if pieces is None and constraint is not None:
        pieces = split_run(cleaned, parts, None)
    if pieces is None:
        return [(t, at) for t in tokens]
    return [(p, at) for p in pieces]


def fill(report: Report, res: TableScan, edition_key: str | None) -> None:
    """Write the found rows into ``report.tables`` with the columns of the right edition."""
    for table_key in ("active", "applications", "review_litigation"):
        t_ed = _table_edition(res, table_key) or edition_key or "2021"
        if table_key in res.votes or any(k[0] == table_key for k in res.rows):
            report.table_editions[table_key] = t_ed
        tdef = EDITIONS[t_ed].table(table_key)
        other_defs = _row_defs(table_key)
        own_defs = {r.key: r for r in tdef.rows}
        for (tk, rk), found in res.rows.items():
            if tk != table_key:
                continue
            rdef = own_defs.get(rk) or other_defs[rk]
            if rk not in own_defs:
                report.extra_rows.append((tk, rk, found.label.at))
            has_total = table_key == "applications"
            if found.inline or (found.values and all(v.kind != "cell" for v in found.values)):
                constraint = row_total_constraint if has_total else None
                placed = _align(_inline_values(found.values, len(rdef.columns), constraint), rdef.columns, has_total)
            else:
                placed = _align([(v.text, v.at) for v in found.values], rdef.columns, has_total)
            row_at = found.label.at
            printed = " ".join(found.label.text.split())
            if found.fuzzy or body_key(printed) != body_key(rdef.label):
                report.labels.append(LabelSeen(tk, rk, printed, rdef.label, row_at, known_variant=not found.fuzzy))
            cells = {}
            for col, p in zip(rdef.columns, placed):
                cells[col.key] = make_cell(p[0], p[1]) if p else make_cell("" if not found.values else None, row_at)
            report.tables.setdefault(table_key, {})[rk] = cells
            report.row_at[f"{tk}.{rk}"] = row_at
    if res.review_values is not None or "review_litigation" in res.votes:
        _fill_review(report, res)
    report.table_at.update(res.table_at)


def _fill_review(report: Report, res: TableScan) -> None:
    tdef = EDITIONS["2021"].table("review_litigation")
    size = len(tdef.rows[0].columns)
    parts = size * len(tdef.rows)
    values = res.review_values or []
    if res.review_inline:
        placed = _inline_values(values, parts, group_totals_constraint(size))
    else:
        placed = [(v.text, v.at) for v in values]
    placed = _align(placed, tuple(c for r in tdef.rows for c in r.columns), False)
    out = report.tables.setdefault("review_litigation", {})
    k = 0
    for r in tdef.rows:
        cells = {}
        for c in r.columns:
            p = placed[k]
            cells[c.key] = make_cell(p[0], p[1]) if p else make_cell("", None)
            k += 1
        out[r.key] = cells
        report.row_at[f"review_litigation.{r.key}"] = values[0].at if values else res.table_at.get("review_litigation")


def _table_edition(res: TableScan, table_key: str) -> str | None:
    votes = res.votes.get(table_key) or {}
    if table_key == "applications":
        rows = {rk for tk, rk in res.rows if tk == "applications"}
        if rows & {"other_no_correction", "other_unpaid_fee", "other_other"}:
            votes = dict(votes)
            votes["2021"] = votes.get("2021", 0) + 2
        elif "other" in rows:
            votes = dict(votes)
            votes["2019"] = votes.get("2019", 0) + 1
    if not votes:
        return None
    best = max(votes.values())
    winners = [ed for ed, v in votes.items() if v == best]
    return winners[0] if len(winners) == 1 else None


def detect_edition(res: TableScan) -> str | None:
    """The edition the report's tables are in, from labels only one edition has."""
    total: dict[str, int] = {}
    for table_key in ("active", "applications", "review_litigation"):
        ed = _table_edition(res, table_key)
        if ed:
            total[ed] = total.get(ed, 0) + 1
    if not total:
        return None
    best = max(total.values())
    winners = [ed for ed, v in total.items() if v == best]
    if len(winners) == 1:
        return winners[0]
    # a tie between tables: count every marker seen
    flat: dict[str, int] = {}
    for v in res.votes.values():
        for ed, c in v.items():
            flat[ed] = flat.get(ed, 0) + c
    best = max(flat.values()) if flat else 0
    winners = [ed for ed, v in flat.items() if v == best]
    return winners[0] if len(winners) == 1 else None
