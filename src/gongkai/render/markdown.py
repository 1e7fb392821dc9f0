"""Markdown: headings, paragraphs and the tables as pipe tables.

Headings are written in the underlined (setext) style — the title over ``===``, each section
over ``---`` — which reads as well in a plain-text editor as in a Markdown viewer. A pipe table
has a single header row, so the official merged headers are flattened: a merged cell's text
stands in its first (top-left) position and the positions it covers stay empty; the table's
first row is the Markdown header row.
"""

from __future__ import annotations

import unicodedata

from ..formats.layout import Grid, grid
from . import Prepared


def _underline(text: str, mark: str) -> str:
    width = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
    return mark * max(3, width)


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render(p: Prepared) -> bytes:
    out: list[str] = [p.title, _underline(p.title, "="), ""]
    for part in p.parts:
        out += [part.heading, _underline(part.heading, "-"), ""]
        if part.table:
            out += _table(p, grid(p.edition.key, part.table))
            out.append("")
        for text in part.paragraphs:
            out += [text, ""]
    if p.signer:
        out += [p.signer, ""]
    if p.date_text:
        out += [p.date_text, ""]
    return "\n".join(out).encode("utf-8")


def _table(p: Prepared, g: Grid) -> list[str]:
    rows: list[list[str]] = [[""] * g.ncols for _ in range(g.nrows)]
    for c in g.cells:
        rows[c.row][c.col] = p.text(c.ref) if c.ref else c.text
    lines = ["| " + " | ".join(_cell(t) for t in rows[0]) + " |", "|" + "|".join([" --- "] * g.ncols) + "|"]
    lines += ["| " + " | ".join(_cell(t) for t in row) + " |" for row in rows[1:]]
    return lines
