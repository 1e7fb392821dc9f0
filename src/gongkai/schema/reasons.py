"""Report data checked against data.schema.json, each problem said in Chinese for the person who
wrote the data: which key, which table, row or cell, what it should be and what it is."""

from __future__ import annotations

import reprlib
from collections.abc import Iterator
from functools import cache
from typing import Any, cast

from jsonschema import Draft202012Validator, ValidationError

from ..formats import EDITIONS, TABLE_NAMES, Edition
from . import data_schema

TOP_KEYS = tuple(data_schema()["properties"])
CELL_KEYS = tuple(data_schema()["$defs"]["cell"]["properties"])
LOCATION_KEYS = tuple(data_schema()["$defs"]["location"]["properties"])
SECTION_KEYS = tuple(data_schema()["$defs"]["section"]["properties"])
# the order problems are listed in: the keys in the order people read them
_RANK = {k: i for i, k in enumerate(("agency", "title", "contact", "year", "date", "edition", "sections", "tables"),
                                    start=1)}


@cache
def data_validator(edition: str) -> Draft202012Validator:
    """The data schema with the tables of ``edition``."""
    return Draft202012Validator(data_schema(edition))


def shown(value: Any) -> str:
    """A value as it may appear in a message: short, whatever it holds."""
    return reprlib.repr(value) if not isinstance(value, str) else value if len(value) <= 60 else value[:60] + "…"


def _keys(values) -> str:
    return "、".join(map(str, values))


def rank(key: str) -> int:
    """Where problems with top-level ``key`` go among the others (unknown keys first)."""
    return _RANK.get(key, len(_RANK) + 1)


def data_problems(data: dict, ed: Edition) -> list[tuple[int, str]]:
    """(rank, reason) for every way ``data`` breaks the data schema, its tables read as edition ``ed``."""
    out: list[tuple[int, str]] = []
    seen: set[tuple] = set()
    for e in sorted(data_validator(ed.key).iter_errors(data), key=lambda e: _order(data, e)):
        path = tuple(e.absolute_path)
        where = path[:4] if path[:1] == ("tables",) else path[:2] if path[:1] == ("sections",) else path[:1]
        if where in seen:  # one reason per key, section or cell: the first
            continue
        seen.add(where)
        top = str(path[0]) if path else ""
        out += [(rank(top) if path else 0, reason) for reason in _reasons(e, path, data, ed)]
    return out


def _order(data: Any, e: ValidationError) -> tuple:
    """Errors in the order of the data itself (its keys as written), the top-level keys by rank."""
    path = list(e.absolute_path)
    key: list[int] = [rank(str(path[0])) if path else 0]
    node = data
    for p in path:
        keys = list(node) if isinstance(node, dict) else None
        key.append(keys.index(p) if keys is not None and p in keys else p if isinstance(p, int) else 0)
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            break
    if e.validator == "additionalProperties" and isinstance(e.instance, dict):  # where the first unknown key is
        known = e.schema.get("properties", {}) if isinstance(e.schema, dict) else {}
        key.append(next((i for i, k in enumerate(e.instance) if k not in known), 0))
    return tuple(key)


def _reasons(e: ValidationError, path: tuple, data: dict, ed: Edition) -> Iterator[str]:
    # an error from validating always has these set (Unset is for errors made by hand)
    kind, value, expected = e.validator, cast(Any, e.instance), cast(Any, e.validator_value)
    if not path:
        if kind == "additionalProperties":
            unknown = sorted(map(str, set(data) - set(TOP_KEYS)))
            yield f"不认识的键：{_keys(unknown)}（可用：{_keys(sorted(TOP_KEYS))}）"
        return
    top = path[0]
    if top in ("agency", "title"):
        if kind == "maxLength":
            yield f"{top} 过长（{len(value)} 字，最多 {expected} 字）"
        else:
            yield f"{top} 应是文字，而不是“{shown(value)}”"
    elif top == "contact":
        yield f"contact 应是“名称→文字”的对象（如 电话: 0795-4500000），而不是“{shown(data['contact'])}”"
    elif top == "year":
        yield f"年度“{shown(value)}”不是年份"
    elif top == "date":
        yield f"落款日期“{shown(value)}”无法识别（可写作 2024-01-15 或 2024年1月15日）"
    elif top == "edition":
        yield f"格式版本“{value}”不存在（可用：{_keys(EDITIONS)}）"
    elif top == "sections":
        yield _section_reason(e, path, data["sections"])
    elif top == "tables":
        yield from _table_reasons(e, path, ed)
    elif top == "schema":
        yield f"schema 应是“{expected[0]}”或不写，而不是“{shown(value)}”"
    else:  # a key the schema describes but no reason above covers
        yield f"{top}：{e.message}"


def _section_reason(e: ValidationError, path: tuple, sections: Any) -> str:
    if len(path) == 1:
        if "propertyNames" in e.relative_schema_path:  # {number: text} with a key that is no number
            return f"sections 中有一项缺少或写错了 number：{shown(e.instance)}"
        return "sections 应是列表（每项含 number、title、text）"
    item = sections[path[1]]
    if len(path) == 2:
        if e.validator == "required":
            return f"sections 中有一项缺少或写错了 number：{None}"
        if e.validator == "additionalProperties":
            unknown = sorted(map(str, set(item) - set(SECTION_KEYS)))
            return f"sections 中的“{shown(item)}”有不认识的键：{_keys(unknown)}（可用：{_keys(SECTION_KEYS)}）"
        return f"sections 中的“{shown(item)}”应是含 number、title、text 的对象"
    if path[2] == "number":
        return f"sections 中有一项缺少或写错了 number：{shown(e.instance)}"
    return f"sections 中“{shown(item)}”的 {path[2]} 应是文字，而不是“{shown(e.instance)}”"


def _table_reasons(e: ValidationError, path: tuple, ed: Edition) -> Iterator[str]:
    kind, value = e.validator, cast(Any, e.instance)  # always set on an error from validating
    if len(path) == 1:
        if kind == "additionalProperties":
            known = _keys(t.key for t in ed.tables)
            for key in value:
                if key not in TABLE_NAMES:
                    yield f"不认识的表“{shown(key)}”（可用：{known}）"
        else:
            yield "tables 应是对象：{active: …, applications: …, review_litigation: …}"
        return
    tdef = ed.table(path[1])
    name = TABLE_NAMES[tdef.key]
    if len(path) == 2:
        if kind == "additionalProperties":
            known = _keys(r.key for r in tdef.rows)
            for key in value:
                if key not in tdef.row_keys:
                    yield f"{name}没有“{shown(key)}”这一行（{ed.name}；可用：{known}）"
        else:
            yield f"{name}应是“行→列→数”的对象"
        return
    rdef = tdef.row(path[2])
    if len(path) == 3:
        if kind == "additionalProperties":
            columns = [c.key for c in rdef.columns]
            for key in value:
                if key not in columns:
                    yield f"{name}「{rdef.name}」没有“{shown(key)}”这一列（可用：{_keys(columns)}）"
        else:
            yield f"{name}「{rdef.name}」应是“列→数”的对象"
        return
    label = ed.cell_label(".".join(map(str, path[1:4])))
    if len(path) == 4:
        if kind == "additionalProperties":
            yield f"{label}：单元格对象只能有 {'、'.join(CELL_KEYS)}"
        elif isinstance(value, list | tuple | set):
            yield f"{label}：应是一个数或文字，而不是列表"
        else:
            yield f"{label}：应是一个数或文字，而不是“{shown(value)}”"
    elif path[4] == "value":
        yield f"{label}：value 应是数字，而不是“{shown(value)}”"
    elif path[4] == "at":
        yield (f"{label}：at 应是位置对象（如 {{\"line\": 12}}，可用的键：{_keys(LOCATION_KEYS)}，值为正整数）或文字，"
               f"而不是“{shown(value)}”")
    else:
        yield f"{label}：{path[4]} 应是文字，而不是“{shown(value)}”"
