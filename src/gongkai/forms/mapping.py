"""The JSON contract's structure → a report, checked against the data schema: the one door every
kind of data (JSON, YAML, the Excel form, the web page's form) goes through."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from ..document import Source
from ..errors import GongkaiError
from ..extract.meta import parse_date, take_signature
from ..extract.values import make_cell
from ..formats import CURRENT, EDITIONS, edition_for_year, get_edition
from ..formats.common import SECTIONS, standard_title
from ..formats.files import FROM_DATA
from ..model import SCHEMA, Report
from ..schema.reasons import TOP_KEYS, data_problems, rank, shown
from ..totals import format_number


class DataError(GongkaiError):
    """Data that cannot become a report: unknown tables, rows or columns, a year that is no year."""

    code = "bad-data"


def from_mapping(data: Any, name: str | None = None, sha256: str | None = None) -> Report:
    """A report from the JSON contract's structure, checked against the data schema
    (src/gongkai/schema/data.schema.json, docs/json.md) and the edition's tables.

    Besides cell objects ({value, raw, at}) a cell may be a bare number, a string as it would
    be printed ("12", "/", "20万元") or empty (null: left blank). ``date`` may be an ISO date,
    a date object (YAML) or 2024年1月15日.
    """
    if not isinstance(data, dict):
        raise DataError("数据文件的最外层应是一个对象（含 agency、year、tables 等键）", "the data must be a mapping")
    data = _dates_as_text(data)
    found: list[tuple[int, str]] = []  # (where it goes among the others, the reason)
    out = {k: v for k, v in data.items() if k in TOP_KEYS}
    out["schema"] = SCHEMA
    out["source"] = {"path": name, "sha256": sha256 or hashlib.sha256(b"").hexdigest(), "format": FROM_DATA}
    out["year"] = _year(data.get("year"), found)
    out["date"] = _date(data.get("date"), found)
    edition = data.get("edition")
    if edition is not None:
        edition = str(int(edition)) if isinstance(edition, int | float) and not isinstance(edition, bool) \
            and float(edition).is_integer() else str(edition)
        if edition not in EDITIONS:
            edition = None  # the schema says why
    out["edition"] = edition
    ed = get_edition(edition) if edition else (edition_for_year(out["year"]) or CURRENT)
    found += data_problems(data, ed)
    problems = list(dict.fromkeys(reason for _, reason in sorted(found, key=lambda p: p[0])))
    if problems:
        where = f"（{name}）" if name else ""
        raise DataError("数据有误" + where + "：\n  " + "\n  ".join(problems), f"invalid data in {name}")
    out["sections"] = _sections(data.get("sections"))
    out["tables"] = _tables(data.get("tables"))
    report = Report.from_json(out)
    report.edition = edition
    if not report.title:
        report.title = standard_title(report.year, report.agency)
    report.source = Source(name, out["source"]["sha256"], FROM_DATA)
    take_signature(report)  # an agency and a date typed at the end of the last section
    return report


def _dates_as_text(data: dict) -> dict:
    """YAML reads 2024-01-15 as a date: the date and the cells as the text written."""
    out = dict(data)
    if isinstance(out.get("date"), dt.datetime):
        out["date"] = out["date"].date().isoformat()
    elif isinstance(out.get("date"), dt.date):
        out["date"] = out["date"].isoformat()
    tables = out.get("tables")
    if isinstance(tables, dict) and any(isinstance(v, dt.date) for rows in tables.values() if isinstance(rows, dict)
                                        for cols in rows.values() if isinstance(cols, dict) for v in cols.values()):
        out["tables"] = {t: {r: {c: str(v) if isinstance(v, dt.date) else v for c, v in cols.items()}
                             if isinstance(cols, dict) else cols for r, cols in rows.items()}
                         if isinstance(rows, dict) else rows for t, rows in tables.items()}
    return out


def _year(value, found) -> int | None:
    if value is None or value == "":
        return None
    try:
        year = int(str(value).strip().rstrip("年度").rstrip("年"))
    except ValueError:
        found.append((rank("year"), f"年度“{shown(value)}”不是年份"))
        return None
    if not 1990 <= year <= 2100:
        found.append((rank("year"), f"年度“{shown(value)}”不是合理的年份"))
        return None
    return year


def _date(value, found) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    d = parse_date(text)
    if d is None:
        found.append((rank("date"), f"落款日期“{shown(value)}”无法识别（可写作 2024-01-15 或 2024年1月15日）"))
        return None
    return d.isoformat()


def _sections(value) -> list[dict]:
    """The sections of valid data as the contract has them: a list of {number, title, text}."""
    if value is None:
        return []
    if isinstance(value, dict):  # {1: "text", 5: "text"} — a shorthand
        items = [(k, v if isinstance(v, dict) else {"text": v}) for k, v in value.items()]
    else:
        items = [(s["number"], s) for s in value]
    official = {s.number: s.title for s in SECTIONS}
    out = []
    for number, s in items:
        n = int(number)
        text = s.get("text")
        text = "" if text is None else str(text)
        title = s.get("title") or official.get(n, "")
        out.append({"number": n, "title": str(title), "text": text.strip("\n")})
    return out


def cell_from(value: Any) -> dict:
    """One cell of the data as a cell object of the contract."""
    if isinstance(value, dict):
        return {"value": value.get("value"), "raw": value.get("raw"), "at": value.get("at")}
    if value is None:
        return {"value": None, "raw": "", "at": None}
    if isinstance(value, bool):
        return {"value": None, "raw": str(value), "at": None}
    if isinstance(value, (int, float)):
        return {"value": value, "raw": format_number(value), "at": None}
    c = make_cell(str(value), None)
    return {"value": c.value, "raw": c.raw, "at": None}


def _tables(value) -> dict:
    """The tables of valid data as the contract has them: every cell a cell object."""
    return {t: {r: {c: cell_from(cell) for c, cell in cols.items()} for r, cols in rows.items() if cols is not None}
            for t, rows in (value or {}).items() if rows is not None}
