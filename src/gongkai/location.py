"""Where a value or a finding was printed: a small typed object, and the one place that says it in words.

Each reader fills in what it knows (docs/json.md, "Locations"):

* plain text: ``line`` of the file (and ``cell``, the n-th cell of a tab-separated or Markdown row);
* web page: ``line`` of the HTML source where the element starts (for .mht, of the page inside the
  archive), with ``paragraph`` for running text and ``table``/``row``/``cell`` for a table cell;
* Word (and .doc, .wps, .rtf, .odt through their conversion to .docx): ``paragraph`` of the body
  (``box`` and the paragraph within it for a text box), ``table``/``row``/``cell``;
* PDF: ``page`` and ``line`` on the page for running text, ``page`` and ``table``/``row``/``cell``
  (tables counted per page) for a table cell;
* the Excel form: ``row`` and ``cell`` (the column) on the table's sheet.

``char`` points into a paragraph (numbers run together on one line); ``meta`` names a fact found
outside the body; ``note`` keeps a location given as text (data typed by people, stores written before
``gongkai.report/2``) as it is, never parsed; ``computed`` marks a total gongkai worked out.

Two ways of saying a location, both here: :func:`cli_place` for ``FILE:LINE`` (a line of the source
file; ``p3`` for a PDF page) and :func:`zh` for pages and messages (第3页第11行, 表三第5行第2列).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

from .formats import TABLE_SHORT


def _doc(text: str, default: Any = None) -> Any:
    return field(default=default, metadata={"doc": text})


@dataclass(frozen=True, slots=True, init=False, repr=False)
class Location:
    page: int | None = _doc("the page of a PDF")
    line: int | None = _doc("a line of the source file (plain text; a web page's HTML source); with page: the line "
                            "of text on that page, tables, running heads and page numbers not counted")
    paragraph: int | None = _doc("the n-th paragraph of the body (Word, web page), or of the text box with box")
    box: int | None = _doc("a text box of a Word document")
    table: int | None = _doc("the n-th table of the document (Word, web page), of the page with page (PDF)")
    row: int | None = _doc("the n-th row of that table; without table, of the Excel form's sheet")
    cell: int | None = _doc("the n-th cell of that row (on a line of plain text: of the line)")
    char: int | None = _doc("the n-th character of the paragraph (numbers run together in one line)")
    meta: str | None = _doc('a fact found outside the body: "title" (the title element of a web page) or a key of '
                            'a crawled file\'s header ("标题", "发布时间")')
    note: str | None = _doc("a location given as text (data typed by people, a store written before "
                            "gongkai.report/2), kept as it is and never parsed")
    computed: bool = _doc("a total gongkai computed from its parts: it was printed nowhere", False)

    # Readers make one Location per table cell. The generated __init__ of a frozen dataclass looks up
    # object.__setattr__ for every field; this one calls the slots' own setters (same result, twice as fast).
    def __init__(self, page: int | None = None, line: int | None = None, paragraph: int | None = None,
                 box: int | None = None, table: int | None = None, row: int | None = None, cell: int | None = None,
                 char: int | None = None, meta: str | None = None, note: str | None = None,
                 computed: bool = False) -> None:
        s = _SETTERS
        s[0](self, page)
        s[1](self, line)
        s[2](self, paragraph)
        s[3](self, box)
        s[4](self, table)
        s[5](self, row)
        s[6](self, cell)
        s[7](self, char)
        s[8](self, meta)
        s[9](self, note)
        s[10](self, computed)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # the fields as arguments: sent between processes several hundred times a report, this is much
        # quicker to pickle than a slotted dataclass's state
        return Location, (self.page, self.line, self.paragraph, self.box, self.table, self.row, self.cell,
                          self.char, self.meta, self.note, self.computed)

    def __repr__(self) -> str:
        return "Location(" + ", ".join(f"{k}={v!r}" for k, v in self.to_json().items()) + ")"

    def at_char(self, char: int) -> Location:
        """This place, ``char`` characters into its paragraph (1-based)."""
        return Location(self.page, self.line, self.paragraph, self.box, self.table, self.row, self.cell, char,
                        self.meta, self.note, self.computed)

    def to_json(self) -> dict[str, Any]:
        """The fields that are set, in field order: {"page": 3, "line": 11}."""
        out: dict[str, Any] = {}
        for name in _NAMES:
            v = getattr(self, name)
            if v is not None and v is not False:
                out[name] = v
        return out

    @classmethod
    def from_json(cls, value: Any) -> Location | None:
        """The inverse of :meth:`to_json`; a string (``gongkai.report/1``, data typed by people) is kept as
        ``note``, unparsed; null, an empty object and anything else are None."""
        if isinstance(value, str):
            return cls(note=value) if value.strip() else None
        if not isinstance(value, dict) or not value:
            return None
        known: dict[str, Any] = {k: v for k, v in value.items() if k in FIELD_KINDS and isinstance(v, FIELD_KINDS[k])
                                 and not (isinstance(v, bool) and FIELD_KINDS[k] is int)}
        return cls(**known) if known else None


_SETTERS = tuple(getattr(Location, f.name).__set__ for f in fields(Location))
_NAMES = tuple(f.name for f in fields(Location))
FIELD_KINDS: dict[str, type] = {n: (bool if n == "computed" else str if n in ("meta", "note") else int) for n in _NAMES}
FIELD_DOCS: dict[str, str] = {f.name: f.metadata["doc"] for f in fields(Location)}

COMPUTED = Location(computed=True)


# Readers make a Location for every paragraph, row and cell: several hundred per report. Where the same
# places recur from report to report (a text file's lines, a Word or PDF table's rows and cells), one
# object serves them all, which costs a lookup instead of building one each time.


@lru_cache(maxsize=8192)
def at_line(line: int, cell: int | None = None) -> Location:
    """Line ``line`` of a text file (``cell``: the n-th cell of the line)."""
    return Location(line=line, cell=cell)


@lru_cache(maxsize=4096)
def line_cells(line: int, count: int) -> tuple[Location, ...]:
    """``at_line(line, k)`` for k = 1 … ``count``: the cells of a tab-separated line, looked up once for the row."""
    return tuple(at_line(line, k) for k in range(1, count + 1))


_LINES: list[Location] = []
_MAX_LINES = 20_000


def line_locations(upto: int) -> list[Location]:
    """``at_line(n)`` for every n below ``upto`` (as far as ``_MAX_LINES``), as a list: a text reader
    takes one for every line."""
    if len(_LINES) < min(upto, _MAX_LINES):
        _LINES.extend(at_line(n) for n in range(len(_LINES), min(upto, _MAX_LINES)))
    return _LINES


@lru_cache(maxsize=16384)
def at_cell(table: int, row: int, cell: int | None = None, page: int | None = None) -> Location:
    """A row (``cell`` None) or a cell of a Word table, or of a PDF page's table with ``page``."""
    return Location(page=page, table=table, row=row, cell=cell)


@lru_cache(maxsize=4096)
def at_paragraph(paragraph: int, box: int | None = None) -> Location:
    """A paragraph of a Word document's body (or of text box ``box``)."""
    return Location(paragraph=paragraph, box=box)


@lru_cache(maxsize=8192)
def at_page_line(page: int, line: int) -> Location:
    """A line of text on a PDF page."""
    return Location(page=page, line=line)


# ---------------------------------------------------------------------------------------------- stored


def dumps(loc: Location | None) -> str | None:
    """The location as compact JSON text ({"line":76}), the way the store keeps it. Written by hand: the
    store writes one per cell, and json.dumps with these options costs several times more."""
    if loc is None:
        return None
    parts = []
    for name in _NAMES:
        v = getattr(loc, name)
        if v is None or v is False:
            continue
        if v is True:
            parts.append(f'"{name}":true')
        elif isinstance(v, str):
            parts.append(f'"{name}":{json.dumps(v, ensure_ascii=False)}')
        else:
            parts.append(f'"{name}":{int(v)}')
    return "{" + ",".join(parts) + "}"


def loads(text: str | None) -> Location | None:
    """What :func:`dumps` wrote; text a store written before ``gongkai.report/2`` holds ("line 7") is kept
    as ``note``, as it is."""
    if not text:
        return None
    if text.startswith("{"):
        try:
            return Location.from_json(json.loads(text))
        except ValueError:
            pass
    return Location(note=text)


# ---------------------------------------------------------------------------------------------- in words


def cli_place(loc: Location | None) -> tuple[str, bool]:
    """What follows ``FILE:`` in ``gongkai check``, and whether it says all there is to say.

    A line of the source file (text, web page) when one is known; ``p3`` for a PDF page; else ``1`` (a
    Word document has no lines, a finding about the whole report no place). When it is not a line of the
    file (second item False) the Chinese form (:func:`zh`) belongs after the message."""
    if loc is None:
        return "1", True
    if loc.page is not None:
        return f"p{loc.page}", False
    if loc.line is not None:
        return str(loc.line), True
    return "1", False


def zh(loc: Location | None, table: str | None = None) -> str:
    """The location in Chinese: 第3页第11行, 第349行, 第12段, 表三第5行第2列 ("" when there is none).

    ``table``: the key of the official table a cell belongs to (formats: applications → 表三), when the
    caller knows it; without it a printed table is named by its number (第2个表格)."""
    if loc is None:
        return ""
    if loc.computed:
        return "计算所得"
    if loc.meta is not None:
        return "网页标题" if loc.meta == "title" else f"文件头“{loc.meta}”"
    out = f"第{loc.page}页" if loc.page is not None else ""
    if loc.box is not None:
        out += f"文本框{loc.box}"
    if loc.row is not None or loc.table is not None:
        if table in TABLE_SHORT:
            out += TABLE_SHORT[table]
        elif loc.table is not None:
            out += f"第{loc.table}个表格"
        if loc.row is not None:
            out += f"第{loc.row}行"
        if loc.cell is not None:
            out += f"第{loc.cell}列"
        return out or (loc.note or "")
    if loc.paragraph is not None:
        out += f"第{loc.paragraph}段"
    elif loc.line is not None:
        out += f"第{loc.line}行"
        if loc.cell is not None:
            out += f"第{loc.cell}列"
    if loc.char is not None and out:
        # a PDF paragraph may run over several printed lines: its character counts from the first
        out += f"起第{loc.char}字" if loc.page is not None else f"第{loc.char}字"
    return out or (loc.note or "")


def table_of(cells: list[str] | tuple[str, ...]) -> str | None:
    """The official table the cell references of a finding share (``applications.granted.total`` →
    applications), or None."""
    keys = {ref.split(".", 1)[0] for ref in cells}
    return keys.pop() if len(keys) == 1 else None
