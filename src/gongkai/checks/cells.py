"""GK2xx: what each cell holds: blank, a nil marker, text, a negative or fractional count.

Cells gongkai could not read for certain (``Cell.doubt``: run together with several splits, not read,
an uncertain scan) are left to the reading findings (GK7xx): what they hold is not known."""

from __future__ import annotations

from functools import cache

from ..extract.values import MAX_DIGITS
from ..formats import EDITIONS, TABLE_NAMES
from ..formats.base import RowDef
from .base import rule


def _cells(report, ctx):
    """(ref, cell, column definition, row definition, table) for every cell a cell rule could
    object to — anything but a whole number ≥ 0; listed once per run."""
    if ctx.cells is None:
        ctx.cells = list(_walk(report, ctx))
    return ctx.cells


def _walk(report, ctx):
    for table_key, rows in report.tables.items():
        ed_key = report.table_editions.get(table_key) or (ctx.edition.key if ctx.edition else "2021")
        own = _row_index(ed_key, table_key)
        for row_key, cols in rows.items():
            rdef = own.get(row_key)
            if rdef is None:
                for ed in EDITIONS:
                    rdef = _row_index(ed, table_key).get(row_key)
                    if rdef:
                        break
            for cell in cols.values():  # (most rows: every cell a whole number ≥ 0, nothing to list)
                value = cell.value
                if type(value) is not int or value < 0:
                    break
            else:
                continue
            for col in rdef.columns:
                cell = cols.get(col.key)
                if cell is None:
                    continue
                value = cell.value
                if type(value) is int and value >= 0:
                    continue  # (most cells: looked at first)
                if cell.doubt is None:
                    yield f"{table_key}.{row_key}.{col.key}", cell, col, rdef, table_key


@cache
def _row_index(ed_key, table_key):
    """Row key -> row definition of one edition's table (the first of a key wins, as a linear search would)."""
    out: dict[str, RowDef] = {}
    for r in EDITIONS[ed_key].table(table_key).rows:
        out.setdefault(r.key, r)
    return out


def _name(table_key, rdef, col):
    return f"{TABLE_NAMES[table_key]}「{rdef.name}」{col.label}"


@rule(
    "GK201", "blank-cell", "warning",
    title="应填数字的单元格空白",
    what="统计表中应填数量的单元格是空的（或因合并单元格而缺失）。",
    why="空白与“0”含义不同：空白无法判断是没有发生还是漏填。没有发生的应填“0”。",
    example="表三“（一）予以公开”一行只在总计栏填了0，六类申请人栏均为空白。",
)
def blank_cell(report, ctx):
    by_row: dict[tuple[str, str], list] = {}
    for ref, cell, col, rdef, tk in _cells(report, ctx):
        if cell.value is None and (cell.raw is None or cell.blank):
            by_row.setdefault((tk, rdef.key), []).append((ref, cell, col, rdef))
    for (tk, _), items in by_row.items():
        rdef = items[0][3]
        cols = "、".join(c.label for _, _, c, _ in items)
        at = next((cell.at for _, cell, _, _ in items if cell.at), report.row_at.get(f"{tk}.{rdef.key}"))
        whole = "整行" if len(items) == len(rdef.columns) else f"{len(items)}个单元格"
        yield blank_cell.finding(
            f"{TABLE_NAMES[tk]}「{rdef.name}」{whole}空白（{cols}）；没有发生的应填“0”",
            cells=[ref for ref, *_ in items], expected="0", actual="", at=at,
        )


@rule(
    "GK202", "negative-count", "error",
    title="数量为负数",
    what="件数、数量类单元格填了负数（2019年版“本年增/减”一栏除外，它可以为负）。",
    why="申请件数、处理决定数等不可能为负，负数多为录入错误。",
    example="表三“二、上年结转”自然人一栏填“-1”。",
)
def negative_count(report, ctx):
    for ref, cell, col, rdef, tk in _cells(report, ctx):
        if col.kind != "signed" and isinstance(cell.value, (int, float)) and cell.value < 0:
            yield negative_count.finding(
                f"{_name(tk, rdef, col)}填了负数“{cell.raw}”，数量不能为负",
                cells=[ref], expected=">= 0", actual=cell.value, at=cell.at,
            )


@rule(
    "GK203", "fractional-count", "error",
    title="件数不是整数",
    what="件数、数量类单元格填了小数（收费金额、采购金额等金额栏除外）。",
    why="件数只能是整数；小数通常是把金额或百分比填进了件数栏。",
    example="表三“（一）予以公开”总计栏填“2.5”。",
)
def fractional_count(report, ctx):
    for ref, cell, col, rdef, tk in _cells(report, ctx):
        if col.kind != "amount" and isinstance(cell.value, float) and not cell.value.is_integer():
            yield fractional_count.finding(
                f"{_name(tk, rdef, col)}填了“{cell.raw}”，件数应为整数",
                cells=[ref], expected="整数", actual=cell.value, at=cell.at,
            )


@rule(
    "GK204", "not-a-number", "error",
    title="单元格内容不是数字",
    what="应填数字的单元格中是文字或无法识别的内容。",
    why="表格数据需要汇总计算，文字无法参与计算，也无法确定实际数量。",
    example="表二“行政许可”本年处理决定数量一栏写“若干”。",
)
def not_a_number(report, ctx):
    for ref, cell, col, rdef, tk in _cells(report, ctx):
        if cell.unreadable:
            digits = sum(ch.isdigit() for ch in cell.raw)
            shown = cell.raw if len(cell.raw) <= 40 else cell.raw[:40] + "…"
            why = f"有 {digits} 位数字，不是有效的数量" if digits > MAX_DIGITS else "不是数字"
            yield not_a_number.finding(
                f"{_name(tk, rdef, col)}填的是“{shown}”，{why}",
                cells=[ref], expected="数字", actual=cell.raw, at=cell.at,
            )


@rule(
    "GK205", "nil-marker", "info",
    title="单元格用“/”“—”“无”代替数字",
    what="应填数量的单元格中填了“/”“—”“无”等符号。",
    why="格式要求填数字；没有发生的应填“0”，符号会在汇总时被当作空白。",
    example="表二“行政事业性收费”本年收费金额一栏填“/”。",
)
def nil_marker(report, ctx):
    for ref, cell, col, rdef, tk in _cells(report, ctx):
        if cell.nil:
            yield nil_marker.finding(
                f"{_name(tk, rdef, col)}填的是“{cell.raw}”，没有发生的应填“0”",
                cells=[ref], expected="0", actual=cell.raw, at=cell.at,
            )
