"""The format editions as data. Readers, checks, renderers, the store and the UI derive from here.

Adding an edition is adding a module with an ``EDITION`` like ``edition2021``, listing it in
``EDITIONS`` and saying in conversion.py how the editions' cells correspond (docs/formats.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from . import edition2019, edition2021
from .base import Column, Edition, Identity, RowDef, SectionDef, TableDef, TableName
from .common import TABLES, outcome_groups
from .labels import body_key, label_key

EDITIONS: dict[str, Edition] = {e.key: e for e in (edition2019.EDITION, edition2021.EDITION)}
# the edition of the newest reports: what applies when neither a report nor its year says
CURRENT: Edition = max(EDITIONS.values(), key=lambda e: e.first_year)
TABLE_KEYS = tuple(t.key for t in TABLES)
TABLE_NAMES = {t.key: t.name for t in TABLES}  # 表二（主动公开）
TABLE_SHORT = {t.key: t.short for t in TABLES}  # 表二
TABLE_SECTION = {t.key: t.section for t in TABLES}  # the section each table is printed in
SECTION_TABLE = {t.section: t.key for t in TABLES}


def get_edition(key: str) -> Edition:
    try:
        return EDITIONS[key]
    except KeyError:
        raise KeyError(f"unknown edition {key!r}; known: {', '.join(EDITIONS)}") from None


def edition_for_year(year: int | None) -> Edition | None:
    """The edition a report for ``year`` must use."""
    if year is None:
        return None
    best = None
    for e in EDITIONS.values():
        if year >= e.first_year and (e.last_year is None or year <= e.last_year):
            best = e
    return best


@dataclass(frozen=True, slots=True)
class LabelEntry:
    kind: str  # "row" or "header"
    table: str
    row: str | None
    label: str  # the official label this text stands for
    editions: frozenset[str]
    variant: bool  # True when the text is an accepted variant, not the official label


@cache
def label_index() -> tuple[dict[str, tuple[LabelEntry, ...]], dict[str, tuple[LabelEntry, ...]]]:
    """(by full key, by body key) -> entries, over every edition. Built once."""
    full: dict[str, dict[tuple, set[str]]] = {}
    body: dict[str, dict[tuple, set[str]]] = {}

    def add(index, key, entry_id, edition):
        index.setdefault(key, {}).setdefault(entry_id, set()).add(edition)

    for ed in EDITIONS.values():
        for t in ed.tables:
            row_labels = {label_key(r.label) for r in t.rows}
            for r in t.rows:
                for text, variant in [(r.label, False)] + [(v, True) for v in r.variants]:
                    eid = ("row", t.key, r.key, r.label, variant)
                    add(full, label_key(text), eid, ed.key)
                    add(body, body_key(text), eid, ed.key)
            for h in t.headers + t.header_variants:
                if label_key(h) in row_labels:
                    continue
                add(full, label_key(h), ("header", t.key, None, h, h in t.header_variants), ed.key)

    def freeze(index):
        return {
            k: tuple(LabelEntry(e[0], e[1], e[2], e[3], frozenset(eds), e[4]) for e, eds in v.items())
            for k, v in index.items()
        }

    return freeze(full), freeze(body)


@cache
def edition_markers() -> dict[str, frozenset[str]]:
    """Label keys found in one edition's tables and in no other: what tells editions apart."""
    keys: dict[str, set[str]] = {}
    accepted: dict[str, set[str]] = {}  # official labels and the variants an edition accepts
    for ed in EDITIONS.values():
        s: set[str] = set()
        for t in ed.tables:
            s |= {label_key(r.label) for r in t.rows}
            s |= {label_key(h) for h in t.headers}
            s |= {label_key(c.label) for r in t.rows for c in r.columns}
        keys[ed.key] = s
        accepted[ed.key] = s | {label_key(v) for t in ed.tables for r in t.rows for v in r.variants}
    return {
        k: frozenset(v - set().union(*(o for ok, o in accepted.items() if ok != k)))
        for k, v in keys.items()
    }


__all__ = [
    "CURRENT",
    "EDITIONS",
    "SECTION_TABLE",
    "TABLES",
    "TABLE_KEYS",
    "TABLE_NAMES",
    "TABLE_SECTION",
    "TABLE_SHORT",
    "Column",
    "Edition",
    "Identity",
    "LabelEntry",
    "RowDef",
    "SectionDef",
    "TableDef",
    "TableName",
    "edition_for_year",
    "edition_markers",
    "get_edition",
    "label_index",
    "outcome_groups",
]
