"""Assembling the three tables from the rows found (scan.py): the printed cells placed in the columns
of the right edition, run-together digits split by the table's own identities.
"""

from __future__ import annotations

import re

from ..formats import EDITIONS
from ..formats.base import Column
from ..formats.labels import body_key, fold
from ..location import Location
from ..model import LabelSeen, Report
from .digits import group_totals_constraint, row_total_constraint, split_run
from .scan import TableScan, row_defs
from .units import Unit
from .values import is_value_text, make_cell

_UNIT_WORDS = re.compile(r"(万元|亿元|千元|元|件|条|个|项|次|起)")


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
    if (has_total and len(vals) >= 2) or (has_total and len(vals) == 1 and vals[0][0].strip()):
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
        other_defs = row_defs(table_key)
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
            for col, p in zip(rdef.columns, placed, strict=True):  # _align gives one per column
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
        printed = _inline_values(values, parts, group_totals_constraint(size))
    else:
        printed = [(v.text, v.at) for v in values]
    placed = _align(printed, tuple(c for r in tdef.rows for c in r.columns), False)
    out = report.tables.setdefault("review_litigation", {})
    row_at = values[0].at if values else res.table_at.get("review_litigation")
    k = 0
    for r in tdef.rows:
        cells = {}
        for c in r.columns:
            p = placed[k]
            cells[c.key] = make_cell(p[0], p[1]) if p else make_cell("", None)
            k += 1
        out[r.key] = cells
        if row_at is not None:
            report.row_at[f"review_litigation.{r.key}"] = row_at


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
