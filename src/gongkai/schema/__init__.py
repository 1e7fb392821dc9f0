"""The JSON contract, generated from the model and the editions in ``gongkai.formats``.

Three JSON Schemas (draft 2020-12) and their documentation, docs/json.md:

* ``report``: what ``gongkai parse --json`` prints (``gongkai.report/2``);
* ``findings``: what ``gongkai check --format json`` prints;
* ``data``: the report data people write (``gongkai new --data``, the web form): the report's
  structure with every key optional and looser cells. compose validates data against it.

The files under src/gongkai/schema/ and docs/json.md are this module's output, written by
``gongkai schema --write``; a test keeps them equal to it.
"""

from __future__ import annotations

import json
from typing import Any

from ..checks.base import SEVERITIES
from ..formats import CURRENT, EDITIONS, TABLES, Edition, TableDef, get_edition
from ..formats.files import SOURCE_FORMATS
from ..location import FIELD_DOCS, FIELD_KINDS
from ..model import DOUBTS, HOWS, PUBLISHED_FROM, SCHEMA, SCHEMA_READ

DRAFT = "https://json-schema.org/draft/2020-12/schema"
NAMES = ("report", "findings", "data")
MAX_NAME_CHARS = 200  # an agency's name or a report's title in data (the longest real ones: about 60)

_CELL_DOC = ('value: the number read (null when blank, a nil marker, unreadable, not printed, or not read for certain); '
             'raw: the text as printed ("" blank, "/" a nil marker, null not printed at all); at: where it was printed '
             '({"line": 123}); how: how it was read; confidence, candidates, doubt, crop_png_base64: present only when '
             'set, on a value gongkai is not sure of (see docs/json.md, "How a cell was read").')
_VERSION = SCHEMA.rsplit("/", 1)[1]


def location_schema() -> dict[str, Any]:
    """A Location (gongkai.location) as JSON: the fields that are known, at least one."""
    props: dict[str, Any] = {}
    for name, doc in FIELD_DOCS.items():
        kind = FIELD_KINDS[name]
        if kind is bool:  # only ever true: false is left out
            props[name] = {"const": True, "description": doc}
        elif kind is str:
            props[name] = {"type": "string", "minLength": 1, "description": doc}
        else:
            props[name] = {"type": "integer", "minimum": 1, "description": doc}
    return {"title": "Where it was printed",
            "description": 'Only the fields that are known: {"line": 76} (plain text), {"page": 3, "line": 11} (PDF), '
                           '{"table": 2, "row": 5, "cell": 3} (Word). See docs/json.md, "Locations".',
            "type": "object", "properties": props, "additionalProperties": False, "minProperties": 1}


_AT = {"anyOf": [{"$ref": "#/$defs/location"}, {"type": "null"}]}


def _text(description: str | None = None, **more: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": ["string", "null"]}
    if description:
        out["description"] = description
    return out | more


def _strict(properties: dict[str, Any], required: bool = True, **more: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = list(properties)
    return out | more | {"additionalProperties": False}


def _table_title(t: TableDef, ed: Edition) -> str:
    return f"{t.name} — {ed.name}（{ed.document}）"


def _row(rdef, cell: dict[str, Any], data: bool) -> dict[str, Any]:
    cols = {c.key: {"title": c.label} | cell for c in rdef.columns}
    if data:  # any column may be left out, the row may be null
        return {"title": rdef.label, "type": ["object", "null"], "properties": cols, "additionalProperties": False}
    return {"title": rdef.label} | _strict(cols)


def _table(ed: Edition, key: str, data: bool) -> dict[str, Any]:
    tdef = ed.table(key)
    cell = {"$ref": "#/$defs/cell"}
    rows = {r.key: _row(r, cell, data) for r in tdef.rows}
    if not data:
        # a row of another edition printed in this edition's table is kept, with that edition's columns
        for other in EDITIONS.values():
            if other.key == ed.key:
                continue
            for r in other.table(key).rows:
                if r.key in rows:
                    continue
                rows[r.key] = {"title": r.label, "x-gongkai-extra-row": other.key,
                               "description": f"Not a row of this edition: the {other.key} edition's row, kept when "
                                              "a report prints it here (finding GK112 extra-row)."} | _strict(
                    {c.key: {"title": c.label} | cell for c in r.columns})
        return {"title": _table_title(tdef, ed), "type": "object", "properties": rows, "additionalProperties": False}
    return {"title": _table_title(tdef, ed), "type": ["object", "null"], "properties": rows,
            "additionalProperties": False}


def _tables(data: bool, edition: str | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for t in TABLES:
        eds = [edition] if edition else list(EDITIONS)
        refs = [{"$ref": f"#/$defs/{t.key}.{e}"} for e in eds]
        props[t.key] = {"title": t.name} | ({"anyOf": refs} if len(refs) > 1 else refs[0])
    out: dict[str, Any] = {"type": ["object", "null"] if data else "object", "properties": props,
                           "additionalProperties": False}
    return out


def _table_defs(data: bool) -> dict[str, Any]:
    return {f"{t.key}.{e}": _table(get_edition(e), t.key, data) for t in TABLES for e in EDITIONS}


def certainty_properties() -> dict[str, Any]:
    """How a cell was read and how sure gongkai is of it: the keys a cell has beside value, raw and at."""
    return {
        "how": {"enum": list(HOWS), "description": "printed: read as printed in its own cell or token; split: split "
                                                   "from digits printed run together, by the table's identities; "
                                                   "ocr: recognised from a scan; reviewer: entered by a reviewer"},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1,
                       "description": "OCR's confidence in the cell (ocr only; left out when not recognised)"},
        "candidates": {"type": "array", "items": {"type": "number"}, "minItems": 1,
                       "description": "the values the cell could have when the digits run together split in "
                                      "several ways (value is then null; finding GK701)"},
        "doubt": {"enum": list(DOUBTS), "description": "why the value is uncertain: "
                  + "; ".join(f"{k}: {v}" for k, v in DOUBTS.items()) + " (left out when certain)"},
        "crop_png_base64": {"type": "string", "contentEncoding": "base64", "contentMediaType": "image/png",
                            "description": "the scanned cell as a PNG image, base64, for an uncertain recognised "
                                           "cell"},
    }


def ocr_source_schema() -> dict[str, Any]:
    """What was read by OCR, in the report's source."""
    pages = {"type": "array", "items": {"type": "integer", "minimum": 1}}
    return {
        "description": "what was read by OCR (docs/ocr.md): null when nothing was",
        "anyOf": [_strict({
            "pages": pages | {"description": "the PDF pages (or pictures, numbered in document order) read by OCR"},
            "engine": {"type": "string", "description": "the OCR engine and its models"},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1,
                           "description": "the lowest confidence of any cell or line of text read"},
            "mean_confidence": {"type": "number", "minimum": 0, "maximum": 1,
                                "description": "the mean confidence of the cells and lines read"},
            "unread_pages": pages | {"description": "pages OCR gave up on (its time limits)"},
        }), {"type": "null"}],
    }


def report_schema() -> dict[str, Any]:
    """report.schema.json: one report as ``gongkai parse --json`` prints it."""
    cell = {"title": "One table cell", "description": _CELL_DOC} | _strict(
        {"value": {"type": ["number", "null"]}, "raw": {"type": ["string", "null"]}, "at": _AT}
        | certainty_properties()) | {"required": ["value", "raw", "at", "how"]}
    contact = {"type": "object", "properties": {k: {"type": "string"} for k in ("phone", "address", "postcode", "email")},
               "additionalProperties": {"type": "string"}, "minProperties": 1}
    section = _strict({"number": {"type": "integer", "minimum": 1}, "title": {"type": "string"},
                       "text": {"type": "string"}})
    props = {
        "schema": {"const": SCHEMA},
        "source": _strict({
            "path": _text('the path given, "<stdin>" for standard input'),
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$", "description": "of the file's bytes"},
            "format": {"enum": list(SOURCE_FORMATS)},
            "ocr": ocr_source_schema(),
        }),
        "agency": _text("机关名称"),
        "year": {"type": ["integer", "null"], "description": "报告年度"},
        "edition": {"enum": [*EDITIONS, None], "description": "格式版本 the tables are printed in"},
        "title": _text("additional field: 标题 as printed"),
        "date": _text(format="date", pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                      description="additional field: 落款日期, ISO 8601"),
        "published": {"description": "additional field: the publication date the file itself gives (a web page's "
                                     "发布时间, else its 成文日期, else the creation time in a Word or PDF file's "
                                     "properties) and where it was found",
                      "anyOf": [_strict({"date": {"type": "string", "format": "date",
                                                  "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                                         "from": {"enum": list(PUBLISHED_FROM)}}), {"type": "null"}]},
        "contact": {"description": "additional field: 联系方式 found in the text", "anyOf": [contact, {"type": "null"}]},
        "preamble": _text("additional field: the text printed between the title and the first section"),
        "sections": {"type": "array", "items": section},
        "tables": _tables(data=False),
    }
    return {
        "$schema": DRAFT,
        "$id": f"urn:gongkai:schema:report:{_VERSION}",
        "title": f"{SCHEMA} — one annual report on government information disclosure (政府信息公开工作年度报告)",
        "description": "What `gongkai parse --json FILE` prints for one file (an array of these for several files). "
                       "See docs/json.md.",
    } | _strict(props) | {"$defs": {"cell": cell, "location": location_schema()} | _table_defs(data=False)}


def findings_schema() -> dict[str, Any]:
    """findings.schema.json: what ``gongkai check --format json`` prints."""
    finding = {"title": "One finding (审核意见)"} | _strict({
        "file": _text('the file as named on the command line or found in a directory; "<stdin>" for standard input'),
        "code": {"type": "string", "pattern": "^GK[0-9]{3}$",
                 "description": "the rule's stable code; `gongkai rules` lists them (docs/rules.md)"},
        "severity": {"enum": list(SEVERITIES),
                     "description": "error 错误 (makes `gongkai check` exit 1), warning 警告, info 提示"},
        "message": {"type": "string", "minLength": 1, "description": "in Chinese, one line"},
        "cells": {"type": "array", "items": {"$ref": "#/$defs/cellRef"},
                  "description": "the table parts the finding is about; empty when it is about the text or the report "
                                 "as a whole"},
        "expected": {"description": "what the rule expected (a number, a label, a date, a list…); null when it does not "
                                    "say"},
        "actual": {"description": "what the report printed or adds up to; null when it does not say"},
        "at": {"description": 'where in the file, as a cell\'s at: {"line": 123}, {"page": 2, "line": 5}, '
                              '{"paragraph": 7}…; null when the finding has no place'} | _AT,
    })
    tables = "|".join(t.key for t in TABLES)
    return {
        "$schema": DRAFT,
        "$id": f"urn:gongkai:schema:findings:{_VERSION}",
        "title": "gongkai findings — what `gongkai check --format json FILE…` prints",
        "description": "One array for the whole run: every finding of every file that could be read, in the order the "
                       "files were read. Files that could not be read are not in it (they are reported on standard "
                       "error and make the exit status 2). See docs/json.md.",
        "type": "array",
        "items": {"$ref": "#/$defs/finding"},
        "$defs": {
            "finding": finding,
            "location": location_schema(),
            "cellRef": {
                "title": "A reference into the report's tables",
                "description": '"TABLE.ROW.COLUMN" for one cell (applications.total_processed.total), "TABLE.ROW" for '
                               'a whole row (a missing or mislabelled row), "TABLE" for a whole table (a missing '
                               'table). The keys are those of report.schema.json.',
                "type": "string",
                "pattern": f"^({tables})(\\.[a-z][a-z0-9_]*){{0,2}}$",
            },
        },
    }


def data_schema(edition: str | None = None) -> dict[str, Any]:
    """data.schema.json: report data as people write it. With ``edition`` the tables must be that
    edition's (compose picks it: the data's edition, else the year's, else the current one)."""
    cell = {
        "title": "One table cell in data",
        "description": 'A number (12, 1.5), the text as printed ("12", "/", "20万元"; YAML\'s true/false are kept '
                       "as text), null (left blank), or a cell object of report.schema.json.",
        "type": ["number", "string", "boolean", "null", "object"],
        "properties": {"value": {"type": ["number", "null"]}, "raw": {"type": ["string", "null"]},
                       "at": {"anyOf": [{"$ref": "#/$defs/location"}, {"type": ["string", "null"]}],
                              "description": "a location object, or text kept as the location's note"}}
        | {k: v | {"description": "accepted and ignored: data is taken as given"}
           for k, v in certainty_properties().items()},
        "additionalProperties": False,
    }
    number = {"type": ["integer", "string"], "pattern": "^\\s*0*[1-9][0-9]*\\s*$", "minimum": 1,
              "description": "the part's number: 1 for 一、总体情况"}
    words = {"type": ["string", "number", "null"]}
    section = _strict({"number": number, "title": words, "text": words}, required=False) | {"required": ["number"]}
    text_only = {"type": ["string", "number", "null", "object"], "properties": {"title": words, "text": words},
                 "additionalProperties": False}
    props = {
        "schema": {"enum": [*SCHEMA_READ, None], "description": "may be left out"},
        "source": {"description": "ignored: the source is the file read"},
        "agency": _text("机关名称", maxLength=MAX_NAME_CHARS),
        "year": {"type": ["integer", "string", "null"], "description": "报告年度: 2023, \"2023\" or \"2023年度\""},
        "edition": {"enum": [*EDITIONS, *(int(e) for e in EDITIONS), None],
                    "description": "格式版本; when left out, the one the year requires"},
        "title": _text("标题; when left out, the standard title", maxLength=MAX_NAME_CHARS),
        "date": {"type": ["string", "null"], "description": "落款日期: 2024-01-15 or 2024年1月15日"},
        "published": {"description": "as `gongkai parse --json` prints it (report.schema.json); no part of a written report"},
        "preamble": {"description": "as `gongkai parse --json` prints it (report.schema.json); the writer prints no opening"},
        "contact": {"type": ["object", "null"], "propertyNames": {"type": "string"},
                    "additionalProperties": {"type": ["string", "number", "null"]},
                    "description": "联系方式: 电话: 0795-4500000 …"},
        "sections": {"type": ["array", "object", "null"], "items": {"$ref": "#/$defs/section"},
                     "propertyNames": number, "additionalProperties": {"$ref": "#/$defs/sectionText"},
                     "description": "a list of parts, or {number: text} (1: 2023年，本机关……)"},
        "tables": {"description": "统计表: {table: {row: {column: cell}}}, the rows and columns of the data's "
                                  "edition; a table, row or cell left out is blank"} | _tables(data=True, edition=edition),
    }
    return {
        "$schema": DRAFT,
        "$id": "urn:gongkai:schema:data:1",
        "title": "gongkai report data — what `gongkai new --data FILE.json|.yaml` and the web form read",
        "description": f"The structure of {SCHEMA} (report.schema.json) with every key optional: a cell may be a bare "
                       "number, the text as printed or null, and sections may be {number: text}. The tables' rows "
                       f"and columns are those of the data's edition (edition, else the one its year requires, else "
                       f"{CURRENT.key}). See docs/json.md.",
        "type": "object",
        "properties": props,
        "additionalProperties": False,
        "$defs": {"cell": cell, "location": location_schema(), "section": section, "sectionText": text_only}
        | _table_defs(data=True),
    }


SCHEMAS = {"report": report_schema, "findings": findings_schema, "data": data_schema}


def schema_text(name: str) -> str:
    """The schema file's content, as written to src/gongkai/schema/NAME.schema.json."""
    return json.dumps(SCHEMAS[name](), ensure_ascii=False, indent=2) + "\n"

