"""docs/json.md, generated from the editions, the file formats and the schemas (json.md.j2 holds the
prose), and the list of every file this package generates for the repository."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from jinja2 import Environment, StrictUndefined, select_autoescape

from ..checks.base import SEVERITIES
from ..formats import CURRENT, EDITIONS, TABLES, Column, RowDef
from ..formats.common import SECTIONS
from ..formats.files import FROM_DATA, REPORT_FORMATS, SOURCE_FORMATS
from ..location import FIELD_DOCS
from ..model import DOUBTS, HOWS, NIL_MARKERS, PUBLISHED_FROM, SCHEMA
from . import NAMES, data_schema, schema_text

TEMPLATE = "json.md.j2"


@dataclass(frozen=True, slots=True)
class MergedRow:
    row: RowDef
    editions: tuple[str, ...]  # the editions that have it


def _value(c: Column) -> str:
    if c.kind == "signed":
        return "signed whole number (a decrease is negative)"
    if c.kind == "amount":
        return f"amount in {c.unit}" if c.unit else "amount, as printed (usually 万元)"
    return "count"


def _columns(rows) -> list[Column]:
    out: dict[str, Column] = {}
    for r in rows:
        for c in r.columns:
            out.setdefault(c.key, c)
    return list(out.values())


def _merged(table: str) -> list[MergedRow]:
    """The rows of ``table`` over every edition, in printed order: a row only some editions have sits
    after the row before it in those editions."""
    order: list[RowDef] = []
    has: dict[str, list[str]] = {}
    for ed in EDITIONS.values():
        keys = ed.table(table).row_keys
        at = 0
        for r in ed.table(table).rows:
            if r.key in has:
                at = next(i for i, o in enumerate(order) if o.key == r.key) + 1
            else:
                while at < len(order) and order[at].key not in keys:
                    at += 1  # past the rows of other editions that stand here
                order.insert(at, r)
                has[r.key] = []
                at += 1
            has[r.key].append(ed.key)
    return [MergedRow(r, tuple(has[r.key])) for r in order]


def json_markdown() -> str:
    env = Environment(undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                      autoescape=select_autoescape(default_for_string=False))  # markdown, not HTML
    env.filters["value"] = _value
    env.filters["columns"] = _columns
    env.filters["merged"] = _merged
    text = (resources.files(__package__) / TEMPLATE).read_text(encoding="utf-8")
    return env.from_string(text).render(
        schema=SCHEMA, editions=list(EDITIONS.values()), current=CURRENT, tables=TABLES, sections=SECTIONS,
        titles={s.number: s.title for s in SECTIONS}, report_formats=REPORT_FORMATS, source_formats=SOURCE_FORMATS,
        from_data=FROM_DATA, walk=[s for f in REPORT_FORMATS for s in f.suffixes], severities=SEVERITIES,
        nil_markers=sorted(NIL_MARKERS, key=lambda m: (len(m), m)), data_keys=data_schema()["properties"],
        location_fields=FIELD_DOCS, hows=list(HOWS), how_docs=HOWS, doubts=DOUBTS, published_from=PUBLISHED_FROM,
    )


def generated() -> dict[str, str]:
    """Every file generated from the model: its path in the repository → its content."""
    out = {f"src/gongkai/schema/{name}.schema.json": schema_text(name) for name in NAMES}
    out["docs/json.md"] = json_markdown()
    return out


def stale(root: Path) -> list[str]:
    """The generated files under ``root`` (a checkout of the repository) that differ from the model."""
    out = []
    for rel, text in generated().items():
        path = root / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            out.append(rel)
    return out


def write(root: Path) -> list[str]:
    """Write the generated files that differ under ``root``; the ones written."""
    changed = stale(root)
    for rel, text in generated().items():
        if rel in changed:
            (root / rel).write_text(text, encoding="utf-8")
    return changed
