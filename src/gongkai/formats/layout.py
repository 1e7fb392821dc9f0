"""The official layout of tables 二, 三 and 四 as a grid of merged cells, derived from the edition.

Every output format (Word, HTML, Markdown, the Excel form) draws the same :class:`Grid`, so the
merges are worked out once. The labels are the edition's own; the shape follows the official
2021 Word template (国办公开办函〔2021〕30号 附件):

* 表二: one table of four columns; per item of 第二十条 a caption row across the table, a
  header row (信息内容 and the columns) and the rows; a row with fewer values than the table
  has columns stretches its last value across the rest.
* 表三: a corner cell（本列数据的勾稽关系为……）over three label columns and three header
  rows; 申请人情况 over the seven columns, 自然人 and 总计 spanning two header rows,
  法人或其他组织 over the five columns between them; the row labels nest: 三、本年度办理结果
  spans its rows down the first column, （三）（四）（五）（六） span theirs down the second.
* 表四: three header rows (the groups, the sub-groups or the columns, the columns) over one
  row of values.

Groups nest by position: a group whose rows enclose another group's rows is its parent (in
the editions 三、本年度办理结果 runs from （一） to （七）, around （三）…（六）).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from . import Edition, RowDef, TableDef, get_edition

CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True, slots=True)
class GridCell:
    row: int
    col: int
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    kind: str = "value"  # corner | caption | head | group | label | value
    ref: str | None = None  # "table.row.column" for a value cell

    @property
    def header(self) -> bool:
        return self.kind in ("corner", "caption", "head")


@dataclass(frozen=True, slots=True)
class Grid:
    table: str
    ncols: int
    nrows: int
    cells: tuple[GridCell, ...]  # the cells that start a merge (or stand alone), row by row
    head_rows: int  # leading rows that head the whole table (repeated on each page, <thead>)
    widths: tuple[float, ...]  # relative column widths
    caption_rows: frozenset[int] = field(default_factory=frozenset)  # rows that start a block (表二)

    def rows(self) -> list[list[GridCell]]:
        out: list[list[GridCell]] = [[] for _ in range(self.nrows)]
        for c in self.cells:
            out[c.row].append(c)
        return out

    def covering(self) -> dict[tuple[int, int], GridCell]:
        """Every grid position → the cell that covers it."""
        out = {}
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    out[(r, k)] = c
        return out

    def values(self) -> list[GridCell]:
        return [c for c in self.cells if c.ref]


def _header(tdef: TableDef, text: str) -> str:
    """An official header label, checked against the edition's list of headers."""
    if text not in tdef.headers:
        raise ValueError(f"{text!r} is not a header of table {tdef.key}")
    return text


@cache
def grids(edition_key: str) -> dict[str, Grid]:
    ed = get_edition(edition_key)
    return {t.key: _BUILDERS[t.key](ed, t) for t in ed.tables}


def grid(edition_key: str, table: str) -> Grid:
    return grids(edition_key)[table]


# --------------------------------------------------------------------------------------- 表二


def _active(ed: Edition, t: TableDef) -> Grid:
    ncols = 1 + max(len(r.columns) for r in t.rows)
    cells: list[GridCell] = []
    captions: set[int] = set()
    row = 0
    blocks: list[tuple[str, list[RowDef]]] = []
    for r in t.rows:
        if blocks and blocks[-1][0] == r.caption:
            blocks[-1][1].append(r)
        else:
            blocks.append((r.caption or "", [r]))
    for caption, rows in blocks:
        captions.add(row)
        cells.append(GridCell(row, 0, _header(t, caption) if caption else "", colspan=ncols, kind="caption"))
        row += 1
        cells.append(GridCell(row, 0, _header(t, "信息内容"), kind="head"))
        columns = rows[0].columns
        for i, c in enumerate(columns):
            span = ncols - 1 - i if i == len(columns) - 1 else 1
            cells.append(GridCell(row, 1 + i, c.label, colspan=span, kind="head"))
        row += 1
        for r in rows:
            if [c.key for c in r.columns] != [c.key for c in columns]:
                raise ValueError(f"rows under {caption} have different columns")
            cells.append(GridCell(row, 0, r.label, kind="label"))
            for i, c in enumerate(r.columns):
                span = ncols - 1 - i if i == len(r.columns) - 1 else 1
                cells.append(GridCell(row, 1 + i, colspan=span, ref=f"{t.key}.{r.key}.{c.key}"))
            row += 1
    widths = (1.0,) * ncols
    return Grid(t.key, ncols, row, tuple(cells), head_rows=2, widths=widths, caption_rows=frozenset(captions))


# --------------------------------------------------------------------------------------- 表三


def _nesting(rows: tuple[RowDef, ...]) -> list[list[str]]:
    """For each row, the groups it sits in, outermost first."""
    spans: dict[str, tuple[int, int]] = {}
    for i, r in enumerate(rows):
        if r.group:
            first, _ = spans.get(r.group, (i, i))
            spans[r.group] = (first, i)
    chains = []
    for i in range(len(rows)):
        inside = [(g, a, b) for g, (a, b) in spans.items() if a <= i <= b]
        inside.sort(key=lambda x: (x[1] - x[2], x[1]))  # widest first
        chains.append([g for g, _, _ in inside])
    return chains


def _applications(ed: Edition, t: TableDef) -> Grid:
    columns = t.rows[0].columns
    chains = _nesting(t.rows)
    nlabel = 1 + max(len(c) for c in chains)
    ncols = nlabel + len(columns)
    head = 3
    cells: list[GridCell] = [
        GridCell(0, 0, _header(t, CORNER), rowspan=head, colspan=nlabel, kind="corner"),
        GridCell(0, nlabel, _header(t, "申请人情况"), colspan=len(columns), kind="head"),
        # 自然人 | 法人或其他组织 (the columns between the first and the total) | 总计
        GridCell(1, nlabel, columns[0].label, rowspan=2, kind="head"),
        GridCell(1, nlabel + 1, _header(t, "法人或其他组织"), colspan=len(columns) - 2, kind="head"),
        GridCell(1, ncols - 1, columns[-1].label, rowspan=2, kind="head"),
    ]
    for i, c in enumerate(columns[1:-1], start=1):
        cells.append(GridCell(2, nlabel + i, c.label, kind="head"))
    started: set[str] = set()
    for i, (r, chain) in enumerate(zip(t.rows, chains, strict=True)):
        row = head + i
        for depth, g in enumerate(chain):
            if g in started:
                continue
            started.add(g)
            length = sum(1 for c in chains[i:] if g in c)
            cells.append(GridCell(row, depth, _header(t, g), rowspan=length, kind="group"))
        cells.append(GridCell(row, len(chain), r.label, colspan=nlabel - len(chain), kind="label"))
        for k, c in enumerate(r.columns):
            cells.append(GridCell(row, nlabel + k, ref=f"{t.key}.{r.key}.{c.key}"))
    cells.sort(key=lambda c: (c.row, c.col))
    # The official template's columns (754 · 921 · 3271 · 685 × 7 twips) sit on a page wider than
    # A4's text block. Here, in twips of the 156 mm block: 三、本年度办理结果 three characters a line,
    # （三）不予公开 four, the row labels as wide as the rest allows; 自然人 and 总计 wide enough for
    # three characters or four digits, the five organisation columns for two characters a line
    # (商业/企业) — so that the table fits on one page at 小五.
    label_widths = (620, 790, 3454) if nlabel == 3 else (4864 / nlabel,) * nlabel
    widths = label_widths + tuple(640 if k in (0, len(columns) - 1) else 540 for k in range(len(columns)))
    return Grid(t.key, ncols, head + len(t.rows), tuple(cells), head_rows=head, widths=widths)


# --------------------------------------------------------------------------------------- 表四


def _review(ed: Edition, t: TableDef) -> Grid:
    cells: list[GridCell] = []
    col = 0
    top: list[list] = []  # [text, first column, width]
    for r in t.rows:
        width = len(r.columns)
        name = r.group or r.label
        if top and top[-1][0] == name and r.group:
            top[-1][2] += width
        else:
            top.append([name, col, width])
        if r.group:
            cells.append(GridCell(1, col, r.label, colspan=width, kind="head"))
            for k, c in enumerate(r.columns):
                cells.append(GridCell(2, col + k, c.label, kind="head"))
        else:
            for k, c in enumerate(r.columns):
                cells.append(GridCell(1, col + k, c.label, rowspan=2, kind="head"))
        for k, c in enumerate(r.columns):
            cells.append(GridCell(3, col + k, ref=f"{t.key}.{r.key}.{c.key}"))
        col += width
    for name, first, width in top:
        cells.append(GridCell(0, first, _header(t, name), colspan=width, kind="head"))
    cells.sort(key=lambda c: (c.row, c.col))
    return Grid(t.key, col, 4, tuple(cells), head_rows=3, widths=(1.0,) * col)


_BUILDERS = {"active": _active, "applications": _applications, "review_litigation": _review}
