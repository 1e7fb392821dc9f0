"""Writing a report in the browser: the form's data ↔ the JSON contract, prefilled from the agency's
previous report, totals computed and rules run as the user types, rendered to .docx or HTML."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from ..checks import SEVERITY_ZH, check
from ..compose import compose
from ..extract.values import small_int
from ..formats import EDITIONS, TABLE_NAMES, TABLE_SHORT, edition_for_year, get_edition
from ..formats.common import SECTIONS, TITLE_END
from ..formats.layout import grids
from ..forms import DataError, from_mapping, read_workbook
from ..model import Report
from ..register.store import prefill_form
from ..render import render
from ..store import Store
from ..store import schema as S
from ..totals import fill_totals, format_number, total_definitions
from .views import cell_name

FORM_NAME = "本页填写的报告"  # the report's source name: the JSON contract's reasons name it (数据有误（…）)


def previous_report(store: Store, agency_id: int, year: int) -> tuple[int | None, Report | None]:
    """The agency's current report for the latest year before ``year``."""
    r = S.reports.c
    with store.engine.connect() as conn:
        rid = conn.execute(select(r.id).where(r.agency_id == agency_id, r.current, r.year < year).order_by(
            r.year.desc(), r.id.desc()).limit(1)).scalar()
    return (rid, store.load_report(rid)) if rid is not None else (None, None)


def form_data(report: Report) -> dict[str, Any]:
    """The form's values: {agency, year, date, edition, sections: {n: text}, cells: {ref: printed}}."""
    cells = {}
    for t, rows in report.tables.items():
        for row, cols in rows.items():
            for c, cell in cols.items():
                if cell is None:
                    continue
                if cell.value is not None:
                    cells[f"{t}.{row}.{c}"] = format_number(cell.value)
                elif cell.raw and cell.raw.strip():
                    cells[f"{t}.{row}.{c}"] = cell.raw.strip()
    return {"agency": report.agency or "", "year": report.year, "date": report.date.isoformat() if report.date else "",
            "edition": report.edition, "sections": {s.number: s.text for s in report.sections}, "cells": cells}


def prefill(store: Store, agency: str, agency_id: int | None, year: int) -> dict[str, Any]:
    prev_id, prev = previous_report(store, agency_id, year) if agency_id is not None else (None, None)
    composed = compose(year, agency, None, prev, None)
    data = form_data(composed.report)
    data["sections"] = dict.fromkeys(data["sections"], "")
    notes = list(composed.notes)
    if agency_id is not None:  # tables 三 and 四 from the agency's application register, when it keeps one
        notes += prefill_form(store, agency_id, year, data["edition"], data["cells"])
    return {"data": data, "notes": notes, "previous_id": prev_id,
            "previous_year": prev.year if prev is not None else None,
            "computed": list(composed.computed), "formulas": stock_formulas(composed.formulas)}


# ---------------------------------------------------------------------------------------------- the stock cells


def stock_formulas(formulas: dict[str, tuple[Any, tuple[str, ...], tuple[str, ...]]]) -> dict[str, list[Any]]:
    """The stock cells prefilled from last year (现行有效件数 = 上年 + 本年制发 − 本年废止, compose.STOCKS) as
    the page follows them: cell → [last year's part, cells added, cells subtracted]."""
    return {ref: [base, list(plus), list(minus)] for ref, (base, plus, minus) in formulas.items()}


def _number(text: str | None) -> float | None:
    t = (text or "").strip().replace(",", "")
    try:
        return float(t) if t else None
    except ValueError:
        return None


def stock_value(formula: list[Any], cells: dict[str, str]) -> float | None:
    """A stock cell worked out as the page does (a blank counts as 0; None when a part is not a number)."""
    value = float(formula[0])
    for refs, sign in ((formula[1], 1), (formula[2], -1)):
        for ref in refs:
            text = cells.get(ref, "")
            if not text.strip():
                continue
            v = _number(text)
            if v is None:
                return None
            value += sign * v
    return value


def typed_cells(edition_key: str, cells: dict[str, str], formulas: dict[str, list[Any]]) -> list[str]:
    """The cells of a stored report that count as the user's own: every value but the totals (computed)
    and the stock cells that still equal what follows from last year (they keep following 制发 and 废止)."""
    totals = set(total_definitions(edition_key))
    out = []
    for ref, text in cells.items():
        if ref in totals or not text.strip():
            continue
        if ref in formulas and _number(text) == stock_value(formulas[ref], cells):
            continue
        out.append(ref)
    return sorted(out)


# ---------------------------------------------------------------------------------------------- other sources


def stored_form(store: Store, report_id: int) -> dict[str, Any]:
    """A stored report's cells and text as the form's values (to go on with it)."""
    data = form_data(store.load_report(report_id))
    totals = set(total_definitions(data["edition"])) if data["edition"] in EDITIONS else set()
    data["cells"] = {k: v for k, v in data["cells"].items() if k not in totals}
    data["sections"] = {n: t for n, t in data["sections"].items() if isinstance(n, int)}
    return data


def excel_form_data(raw: bytes, name: str | None) -> dict[str, Any]:
    """The values of a filled Excel form (``gongkai template --xlsx``, or the writer's own download) as the
    form's values, read by the project's form reader (FormError when it is not one)."""
    report = read_workbook(raw, name)
    data = form_data(report)
    totals = set(total_definitions(data["edition"])) if data["edition"] in EDITIONS else set()
    data["cells"] = {k: v for k, v in data["cells"].items() if k not in totals}
    return data


def to_report(data: dict[str, Any]) -> Report:
    """The form's data as a report (DataError with Chinese reasons when it cannot be)."""
    if not isinstance(data, dict):
        raise DataError("数据应是一个对象", "data must be an object")
    tables: dict[str, dict[str, dict[str, Any]]] = {}
    year = data.get("year")
    key = str(data.get("edition") or "")
    if key not in EDITIONS:
        by_year = edition_for_year(small_int(year, 4)) if small_int(year, 4) is not None else None
        key = by_year.key if by_year else "2021"
    ed = get_edition(key)
    totals = total_definitions(ed.key)
    for t in ed.tables:  # every cell of the edition: what is not given is blank
        for r in t.rows:
            for c in r.columns:
                tables.setdefault(t.key, {}).setdefault(r.key, {})[c.key] = None
    for ref, value in (data.get("cells") or {}).items():
        if ref in totals:
            continue  # totals are computed, never taken from the form
        parts = str(ref).split(".")
        if len(parts) != 3 or parts[2] not in tables.get(parts[0], {}).get(parts[1], {}):
            # a page left open from an older version sends one: said without the cell's key
            table = TABLE_SHORT.get(parts[0], "表格")
            raise DataError(f"单元格名称有误：{ed.name}的{table}中没有这一格。如在网页上填写，页面可能已过期，"
                            "请刷新后重新填写。", f"not a cell of the {ed.key} edition: {str(ref)[:60]}")
        text = "" if value is None else str(value).strip()
        tables[parts[0]][parts[1]][parts[2]] = text or None
    sections = {}
    for n, text in (data.get("sections") or {}).items():
        number = small_int(n, 2)
        if number is None:
            raise DataError(f"部分编号“{str(n)[:20]}”有误，应为 1 至 7 的数字",
                            f"section number {str(n)[:20]!r} is not a number")
        sections[number] = {"title": next((s.title for s in SECTIONS if s.number == number), ""), "text": text or ""}
    mapping = {"agency": (data.get("agency") or "").strip() or None, "year": data.get("year") or None,
               "date": (data.get("date") or None), "edition": data.get("edition") or None,
               "sections": sections, "tables": tables}
    return from_mapping(mapping, FORM_NAME)


def live_check(data: dict[str, Any], previous: Report | None = None) -> dict[str, Any]:
    """Totals computed and findings for the form's current data."""
    report = to_report(data)
    ed = get_edition(report.edition) if report.edition else (edition_for_year(report.year) or get_edition("2021"))
    report.edition = ed.key
    computed = fill_totals(report, ed)
    totals = {ref: (c.raw if (c := report.cell(ref)) else "") for ref in computed}
    findings = check(report, previous=previous)
    return {
        "edition": ed.key,
        "totals": totals,
        "findings": [{**f.to_json(), "severity_zh": SEVERITY_ZH[f.severity],
                      "cell_names": [cell_name(ed, c) for c in f.cells]} for f in findings],
        "counts": {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")},
    }


def render_form(data: dict[str, Any], fmt: str) -> tuple[bytes, str]:
    report = to_report(data)
    name = f"{report.year or ''}年{report.agency or ''}{TITLE_END}"
    return render(report, fmt), name


def form_layout(edition_key: str) -> list[dict[str, Any]]:
    """The tables of the form: the official grid, value cells as inputs, totals read-only."""
    totals = set(total_definitions(edition_key))
    out = []
    ed = get_edition(edition_key)
    for tkey, g in grids(edition_key).items():
        rows = []
        for grow in g.rows():
            cells = []
            for c in grow:
                item = {"text": c.text, "rowspan": c.rowspan, "colspan": c.colspan, "kind": c.kind, "ref": c.ref}
                if c.ref:
                    item["total"] = c.ref in totals
                    item["label"] = ed.cell_label(c.ref)
                    col = next(x for x in ed.table(tkey).row(c.ref.split(".")[1]).columns if x.key == c.ref.split(".")[2])
                    item["kind_value"] = col.kind
                cells.append(item)
            rows.append(cells)
        out.append({"key": tkey, "name": TABLE_NAMES[tkey], "title": ed.table(tkey).title, "rows": rows})
    return out


def this_year() -> int:
    return dt.date.today().year - 1  # reports are written early in the next year
