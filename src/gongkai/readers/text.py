"""Plain text: what Word's "save as text", copy-paste from a web page or a crawler produce.

Layouts recognised line by line:

* one cell per line: every cell starts with a tab, a blank line ends the row, a line without
  a tab right after a cell continues that cell (a label broken over lines, or written
  vertically one character per line);
* tab-separated rows: one row per line, cells split at tabs;
* Markdown tables: ``| a | b |`` rows, ``|---|`` separator lines skipped; what PDF-to-Markdown
  converters add (``**bold**``, ``<br>`` inside a cell, ``#`` headings) taken off;
* everything else is a paragraph. Rows whose cells were joined by spaces or run together with
  nothing between them stay paragraphs; the extractor finds the labels inside them.
"""

from __future__ import annotations

import re
from dataclasses import fields

from lxml import etree
from lxml import html as lxml_html

from ..document import Cell, Document, Paragraph, Row, Source
from ..errors import LimitExceeded, ReadError
from ..extract.sections import looks_like_section_heading
from ..limits import Limits
from ..location import at_line, line_cells, line_locations
from .encoding import decode_text

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_RULE_LINE = re.compile(r"^(?:-{3,}|={3,}|\*{3,}|_{3,})$")  # Markdown underlines and rules
_ATX = re.compile(r"^#{1,6}\s+")
_CRAWLER_RULE = re.compile(r"^=+\s*正文\s*=+$")
_HEADER_FIELD = re.compile(r"^([^:：]{1,12})[:：]\s*(.*)$")
_BLANKS = " \u3000\xa0\u200b\ufeff\r\x0c"  # (a form feed: pdftotext's page break)
_BLANKS_TAB = _BLANKS + "\t"
_new = object.__new__
assert [f.name for f in fields(Cell)] == ["text", "at", "confidence", "doubt", "crop"]  # (made with _new below)


def read(data: bytes, source: Source, limits: Limits) -> Document:
    text, encoding = decode_text(data)
    if _looks_binary(text):
        raise ReadError("文件不是文本，也不是可识别的文档格式（Word、网页、PDF）", "binary data, not text", reason="binary")
    if len(text) > limits.max_text_chars:
        raise LimitExceeded(
            f"文本过长（{len(text)} 字），超过 {limits.max_text_chars} 字的上限",
            f"text too long ({len(text)} characters)",
        )
    source.encoding = encoding
    doc = Document(source=source)
    lines = text.split("\n")
    lines, first = _split_crawler_header(lines, doc)
    if "<" in text and _HTML_TABLE_START.search(text):
        _read_with_html_tables("\n".join(lines), first, doc, limits)
    else:
        _read_lines(lines, first, doc, limits, text)
    return doc


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def _looks_binary(text: str) -> bool:
    """Bytes that decode to many replacement or control characters are not a text file."""
    head = text[:65536]
    return bool(head) and len(_CONTROL.findall(head)) > max(8, len(head) // 20)


def text_to_blocks(text: str, doc: Document, first_line: int = 1, limits: Limits | None = None) -> None:
    """Append the blocks of ``text`` to ``doc`` (used by readers that end up with text)."""
    if "<" in text and _HTML_TABLE_START.search(text):
        _read_with_html_tables(text, first_line, doc, limits)
    else:
        _read_lines(text.split("\n"), first_line, doc, limits, text)


# PDF-to-Markdown converters write a table they could not lay out in Markdown as HTML: <table><tr><td>…
_HTML_TABLE_START = re.compile(r"<table\b", re.IGNORECASE)
_HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)


def _read_with_html_tables(text: str, first: int, doc: Document, limits: Limits | None) -> None:
    """Text with HTML tables in it: the text around them line by line, each table's rows as rows."""
    pos, line = 0, first
    for table, m in enumerate(_HTML_TABLE.finditer(text), start=1):
        before = text[pos:m.start()]
        _read_lines(before.split("\n"), line, doc, limits, before)
        line += before.count("\n")
        _html_table_rows(m.group(0), line, 1000 + table, doc, limits)  # (numbered apart from the text's tables)
        line += m.group(0).count("\n")
        pos = m.end()
    rest = text[pos:]
    _read_lines(rest.split("\n"), line, doc, limits, rest)


def _html_table_rows(fragment: str, line: int, table: int, doc: Document, limits: Limits | None) -> None:
    try:
        root = lxml_html.fragment_fromstring(fragment)
    except (etree.ParserError, ValueError):
        doc.blocks.append(Paragraph(fragment, at_line(line)))
        return
    max_blocks = limits.max_blocks if limits else 1 << 30
    for tr in root.iter("tr"):
        n = line + (tr.sourceline or 1) - 1
        cells = []
        for k, td in enumerate((c for c in tr if c.tag in ("td", "th")), start=1):
            for br in td.iter("br"):
                br.tail = "\n" + (br.tail or "")
            cells.append(Cell("".join(td.itertext()).strip(_BLANKS + "\n\t"), at_line(n, k)))
        if cells:
            doc.blocks.append(Row(cells, at_line(n), table))
            if len(doc.blocks) > max_blocks:
                raise _too_many(max_blocks)


def _split_crawler_header(lines: list[str], doc: Document) -> tuple[list[str], int]:
    """Archived pages start with ``key: value`` lines and a ``==== 正文 ====`` rule."""
    for i, line in enumerate(lines[:40]):
        if "正文" in line and _CRAWLER_RULE.match(line.strip()):  # (the rule names 正文: most lines let go at once)
            for head in lines[:i]:
                m = _HEADER_FIELD.match(head.strip())
                if m and m.group(2).strip():
                    doc.meta[m.group(1).strip()] = m.group(2).strip()
            return lines[i + 1:], i + 2
    return lines, 1


def _read_lines(lines: list[str], first: int, doc: Document, limits: Limits | None, marks: str | None = None) -> None:
    """The blocks of ``lines`` (line ``first`` of the file first); ``marks``: the text they were split from,
    when the caller has it (a carriage return or a bookmark looked for once in it)."""
    blocks = doc.blocks
    table = -1
    row: Row | None = None  # the open one-cell-per-line row
    in_table = False  # the previous line belonged to a table
    after_cell = False  # the previous line was a cell line (a continuation may follow)
    max_blocks = limits.max_blocks if limits else 1 << 30
    # what most files never hold is looked for once, not on every line
    crs = any("\r" in line for line in lines) if marks is None else "\r" in marks
    bookmarks = any("[bookmark" in line for line in lines) if marks is None else "[bookmark" in marks
    known = line_locations(first + len(lines))
    last_known = len(known) - 1
    row_cells: list[Cell] = []  # the open one-cell-per-line row's cells (the loop below runs for every line)
    for n, line in enumerate(lines, start=first):
        if crs:
            line = line.rstrip("\r")  # noqa: PLW2901  (the line cleaned in place: this loop runs over every line)
        if bookmarks and "[bookmark" in line:
            line = _BOOKMARK.sub("", line)  # noqa: PLW2901  (likewise)
        tab = line.rfind("\t")  # (the last tab: 0 when the line's only tab starts it)
        if tab >= 0:
            at = known[n] if n <= last_known else at_line(n)
            if tab == 0:  # one cell per line
                if row is None:
                    if not in_table:
                        table += 1
                    row = Row([], at, table)
                    row_cells = row.cells
                    blocks.append(row)
                    if len(blocks) > max_blocks:
                        raise _too_many(max_blocks)
                    in_table = after_cell = True  # (and they stay so while the row is open)
                # Cell(line.strip(_BLANKS_TAB), at) (the tab is the line's first character), made without its
                # __init__: a cell for every line, and calling __init__ costs more than the rest of the line's reading
                cell = _new(Cell)
                cell.text = line.strip(_BLANKS_TAB)
                cell.at = at
                cell.confidence = None
                cell.doubt = None
                cell.crop = None
                row_cells.append(cell)
            else:  # a tab-separated row
                if not in_table:
                    table += 1
                parts = line.split("\t")
                cells = []
                for c, a in zip(parts, line_cells(n, len(parts)), strict=True):
                    cell = _new(Cell)  # (Cell(c.strip(_BLANKS), a), made as above)
                    cell.text = c.strip(_BLANKS)
                    cell.at = a
                    cell.confidence = None
                    cell.doubt = None
                    cell.crop = None
                    cells.append(cell)
                blocks.append(Row(cells, at, table))
                in_table, row, after_cell = True, None, False
                if len(blocks) > max_blocks:
                    raise _too_many(max_blocks)
            continue
        stripped = line.strip(_BLANKS)
        if not stripped:
            row = None
            after_cell = False
            continue  # a blank line ends a row but not the table
        lead = stripped[0]
        if lead in "-=*_#|":
            if lead != "|" and _RULE_LINE.match(stripped):
                continue
            if lead == "#":
                stripped = _ATX.sub("", stripped) or stripped
            elif lead in "*_":
                stripped = _plain_markdown(stripped) or stripped  # **一、总体情况**: bold as converters print it
            if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
                if _MD_SEPARATOR.match(stripped):
                    continue
                if not in_table:
                    table += 1
                parts = stripped[1:-1].split("|")
                cell_places = line_cells(n, len(parts))
                blocks.append(Row([Cell(_md_cell(c), a) for c, a in zip(parts, cell_places, strict=True)], at_line(n), table))
                in_table, row, after_cell = True, None, False
                if len(blocks) > max_blocks:
                    raise _too_many(max_blocks)
                continue
        if after_cell and row is not None and not looks_like_section_heading(stripped):
            last = row.cells[-1]
            last.text = f"{last.text}\n{stripped}" if last.text else stripped
            continue
        blocks.append(Paragraph(stripped, known[n] if n <= last_known else at_line(n)))
        in_table, row, after_cell = False, None, False
        if len(blocks) > max_blocks:
            raise _too_many(max_blocks)


_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_INLINE_TAG = re.compile(r"</?(?:b|strong|i|em|span|sup|sub|p|div|font|u)(?:\s[^<>]*)?>", re.IGNORECASE)


def _plain_markdown(text: str) -> str:
    """Text without the bold marks and inline tags PDF-to-Markdown converters put in."""
    if "<" in text:
        text = _INLINE_TAG.sub("", _BREAK.sub("\n", text))
    if "**" in text or "__" in text:
        text = _EMPHASIS.sub(r"\2", text)
    return text.strip(_BLANKS)


def _md_cell(text: str) -> str:
    """A Markdown table cell's text: a converter's <br> is a line break inside the cell, bold marks go."""
    if "<" in text or "**" in text or "__" in text:
        return _plain_markdown(text)
    return text.strip(_BLANKS)


def _too_many(max_blocks: int) -> LimitExceeded:
    return LimitExceeded("文件内容过多，超过可处理的上限", f"more than {max_blocks} blocks")
