"""GK3xx: the identities of tables 三 and 四, evaluated from the edition's own list.

An identity is evaluated only when every term was read for certain: a term whose row is not in the table
(not printed — GK111 says so — or not found by gongkai), or that gongkai could not read, or read with a
doubt (run-together digits with several splits, an uncertain scan), leaves it silent, and the reading
findings (GK7xx) say so instead of an error against the agency. Blank and nil cells count as nothing, as
printed."""

from __future__ import annotations

from functools import lru_cache

from ..formats import TABLE_NAMES, Edition, Identity
from ..formats.common import APPLICANT_COLUMNS, REVIEW_COLUMNS
from .base import rule


def _num(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _evaluate(report, ctx, code):
    """Yield (identity, lhs, rhs, lhs_terms, rhs_terms) for the identities of ``code`` that fail."""
    ed = ctx.edition
    if ed is None:
        return
    tables = report.tables
    empty: dict = {}
    for ident, lrefs, rrefs, lside, rside in _identities(ed, code):
        lhs = _side(tables, lside)
        if lhs is None:
            continue  # nothing printed on one side: the blank-cell and missing-row rules speak
        rhs = _side(tables, rside)  # (an uncertain term: the reading findings GK7xx speak)
        if rhs is None:
            continue
        if abs(lhs - rhs) > 1e-9:
            lcells = [tables.get(t, empty).get(r, empty).get(c) for t, r, c in lrefs]
            rcells = [tables.get(t, empty).get(r, empty).get(c) for t, r, c in rrefs]
            yield ident, _num(lhs), _num(rhs), lcells, rcells


def _side(tables, side):
    """The sum of one side; None when nothing on it was printed, or when a term was not read for certain: its
    row is not in the table (not printed, or not read: GK111 or GK703 speaks), or its value is in doubt."""
    total, printed = 0, False
    for t, groups in side:
        table = tables.get(t)
        if table is None:
            return None
        for r, cols in groups:
            row = table.get(r)
            if row is None:
                return None
            if type(cols) is str:  # (one column of the row: most terms of a column's sum)
                cell = row.get(cols)
                if cell is not None:
                    if cell.doubt is not None:
                        return None
                    v = cell.value
                    if v is not None:
                        total += v
                        printed = True
                continue
            for c in cols:
                cell = row.get(c)
                if cell is not None:
                    if cell.doubt is not None:
                        return None
                    v = cell.value
                    if v is not None:
                        total += v
                        printed = True
    return total if printed else None


_Ref = tuple[str, str, str]
# the references of one side, a part for each run of them in one table (so that the table is looked up once),
# and in it each run in one row (so that the row is looked up once): (table, ((row, columns), ...)), a run of one
# column given as the column key itself
_Part = tuple[str, tuple[tuple[str, str | tuple[str, ...]], ...]]
_Prepared = tuple[Identity, list[_Ref], list[_Ref], tuple[_Part, ...], tuple[_Part, ...]]

_BY_RULE: dict[tuple[int, str], tuple[Edition, list[_Prepared]]] = {}


def _identities(ed, code):
    """The edition's identities of one rule, with their cell references split once, and arranged for
    :func:`_side`."""
    key = (id(ed), code)
    found = _BY_RULE.get(key)
    if found is None or found[0] is not ed:
        rules: list[_Prepared] = []
        for i in ed.identities:
            if i.rule == code:
                lrefs, rrefs = [_split(r) for r in i.lhs], [_split(r) for r in i.rhs]
                rules.append((i, lrefs, rrefs, _arranged(lrefs), _arranged(rrefs)))
        found = (ed, rules)
        _BY_RULE[key] = found
    return found[1]


def _arranged(refs: list[_Ref]) -> tuple[_Part, ...]:
    """The references of one side as :data:`_Part` s, the terms in their order."""
    by_table: list[tuple[str, list[tuple[str, list[str]]]]] = []
    for t, r, c in refs:
        if not by_table or by_table[-1][0] != t:
            by_table.append((t, []))
        rows = by_table[-1][1]
        if rows and rows[-1][0] == r:
            rows[-1][1].append(c)
        else:
            rows.append((r, [c]))
    return tuple((t, tuple((r, cols[0] if len(cols) == 1 else tuple(cols)) for r, cols in rows)) for t, rows in by_table)


@lru_cache(maxsize=4096)
def _split(ref: str) -> tuple[str, str, str]:
    t, r, c = ref.split(".")
    return t, r, c


def _col_label(ref):
    col = ref.rsplit(".", 1)[1]
    for c in APPLICANT_COLUMNS + REVIEW_COLUMNS:
        if c.key == col:
            return c.label
    return col


def _at(cells):
    return next((c.at for c in cells if c is not None and c.at), None)


@rule(
    "GK301", "balance", "error",
    title="表三收支不平衡：一+二 ≠ （七）+四",
    what="表三每一列：“一、本年新收”+“二、上年结转”=“（七）总计”+“四、结转下年度继续办理”。表格角注本身写明了这一勾稽关系。",
    why="收到的申请（新收加上年结转）必须要么在本年办结，要么结转下年；不相等说明有申请被漏计或重复计算。",
    example="自然人列：新收 10 + 结转 0 = 10，但（七）总计 8 + 结转下年 1 = 9。",
)
def balance(report, ctx):
    for ident, lhs, rhs, lc, rc in _evaluate(report, ctx, "GK301"):
        col = _col_label(ident.lhs[0])
        yield balance.finding(
            f"{TABLE_NAMES['applications']}“{col}”列不平衡：一、本年新收 + 二、上年结转 = {lhs}，"
            f"而（七）总计 + 四、结转下年度继续办理 = {rhs}，两者应相等",
            cells=list(ident.lhs + ident.rhs), expected=lhs, actual=rhs, at=_at(rc) or _at(lc),
        )


@rule(
    "GK302", "row-total", "error",
    title="表三某行的总计不等于各类申请人之和",
    what="表三每一行：“总计”列 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他。",
    why="总计栏是各类申请人的合计，不相等说明某一栏填错或总计算错。",
    example="“一、本年新收”：自然人 5、商业企业 1，其余为 0，总计却填 5。",
)
def row_total(report, ctx):
    for ident, lhs, rhs, lc, _rc in _evaluate(report, ctx, "GK302"):
        row = ident.lhs[0].split(".")[1]
        rdef = ctx.edition.table("applications").row(row)
        yield row_total.finding(
            f"{TABLE_NAMES['applications']}「{rdef.name}」的总计为 {lhs}，但六类申请人之和为 {rhs}",
            cells=list(ident.lhs + ident.rhs), expected=rhs, actual=lhs, at=_at(lc),
        )


@rule(
    "GK303", "outcome-total", "error",
    title="表三（七）总计不等于各项办理结果之和",
    what="表三每一列：“（七）总计” = （一）予以公开 + （二）部分公开 + （三）各项 + （四）各项 + （五）各项 + （六）（2021年版为其三个细项）。",
    why="（七）总计是本年办理结果的合计，任何一项漏加、多加都会使它与明细不符。",
    example="总计列：（一）3 + （二）1 + （四）1. 2 = 6，而（七）总计填 5。",
)
def outcome_total(report, ctx):
    for ident, lhs, rhs, lc, _rc in _evaluate(report, ctx, "GK303"):
        col = _col_label(ident.lhs[0])
        yield outcome_total.finding(
            f"{TABLE_NAMES['applications']}“{col}”列：（七）总计为 {lhs}，但（一）至（六）各项之和为 {rhs}",
            cells=list(ident.lhs + ident.rhs), expected=rhs, actual=lhs, at=_at(lc),
        )


@rule(
    "GK304", "review-litigation-total", "error",
    title="表四的总计不等于各结果之和",
    what="表四行政复议、未经复议直接起诉、复议后起诉三组中，每组“总计” = 结果维持 + 结果纠正 + 其他结果 + 尚未审结。",
    why="总计是四种结果的合计，不相等说明某项漏填或总计算错。",
    example="行政复议：维持 1、纠正 1、其他 0、尚未审结 0，总计却填 1。",
)
def review_total(report, ctx):
    for ident, lhs, rhs, lc, _rc in _evaluate(report, ctx, "GK304"):
        group = ident.lhs[0].split(".")[1]
        name = ctx.edition.table("review_litigation").row(group).name
        yield review_total.finding(
            f"{TABLE_NAMES['review_litigation']}「{name}」总计为 {lhs}，但结果维持、结果纠正、其他结果、尚未审结之和为 {rhs}",
            cells=list(ident.lhs + ident.rhs), expected=rhs, actual=lhs, at=_at(lc),
        )
