"""Assembling the three tables from the rows found (scan.py): the printed cells placed in the columns
of the right edition, each cell saying how it was read and how sure the reading is.

* Cells printed one by one are taken as printed.
* Numbers run together ("801000081", "35-15") are read every way the columns and the table's own
  identities allow (digits.py): one way → those numbers (``how`` "split"); several → no value, the
  candidates kept and the run noted for finding GK701; none → the row is noted as not read (GK703).
  In table 三 the identities between rows (一+二 = （七）+四, （七） = the sum of the outcomes) narrow the
  readings of several run-together rows together.
* A row whose label was found but whose numbers could not be placed, and a table whose heading was
  found but none of whose rows could be read, are kept with cells marked not read (GK703) — never as
  blanks or missing rows the agency would be blamed for.
* An amount printed in another unit than its column's (3000元 where the format counts 万元) is
  converted, and the conversion noted (GK704).
* A cell recognised from a scan keeps OCR's confidence and doubt; recognised numbers that break an
  identity are marked in doubt (GK702) instead of being reported as the agency's error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from functools import cache, lru_cache
from itertools import product

from ..document import Cell as DocCell
from ..document import Document
from ..formats import EDITIONS, TABLE_NAMES
from ..formats.base import Column, Identity, RowDef
from ..formats.labels import body_key
from ..location import Location
from ..model import AmbiguousRun, Cell, LabelSeen, Report, UnitConversion, Unread
from .digits import Piece, Readings, Slot, Sum, read_run
from .scan import TableScan, UnitSeen, row_defs
from .units import Unit
from .values import MONEY_UNITS, cached_reading, is_value_text, known_reading, make_cell, numeric_text, parse_number

MAX_COMBINATIONS = 4096  # readings of several ambiguous rows of table 三 tried together
SHOWN_SPLITS = 6  # consistent splits a finding lists

_new = object.__new__
assert [f.name for f in fields(Cell)] == ["value", "raw", "at", "how", "confidence", "candidates", "doubt", "crop"]  # (_new)
# a row printed a cell per column, each a number (or blank, or a nil mark) taken as printed (most rows), before its
# cells are made: (table, row, columns, "table.row.column" of its cells, the units printed, the columns' keys, where
# the amount columns are) — a tuple, not a _Row
_Plain = tuple[str, str, tuple[Column, ...], tuple[str, ...], list[Unit], tuple[str, ...], tuple[int, ...]]
# one placed cell: (text as printed, where, how it was read, unit printed right after it)
_Placed = tuple[str, Location | None, str, str | None]


@dataclass(slots=True)
class _Row:
    """One row as read, before its cells are made (one for every row of every report: no lists made by
    default)."""

    table: str
    row: str
    columns: tuple[Column, ...]
    at: Location | None  # the label's place
    label: str = ""  # the label as printed
    placed: list[_Placed | None] | None = None  # a cell per column, None: not printed
    options: Sequence[tuple[Piece, ...]] = ()  # several consistent readings
    count: int = 0  # how many there are (options holds the first of them)
    printed: str = ""  # the numbers as printed, for a reading that is not one
    part_at: Sequence[Location | None] = ()  # where each printed part is
    unread: str | None = None  # why its numbers could not be read
    refs: tuple[str, ...] = ()  # "table.row.column" of its cells (_refs), when already known


def _align(values: list[tuple[str, Location | None]], columns: tuple[Column, ...],
           has_total: bool) -> list[tuple[str, Location | None] | None]:
    """Place printed cells in the columns: exact when counts agree, otherwise by rule."""
    n = len(columns)
    vals = list(values)
    while len(vals) > n and not vals[0][0].strip():
        vals.pop(0)
    while len(vals) > n and not vals[-1][0].strip():
        vals.pop()
    if len(vals) >= n:
        return list(vals[:n])
    if not vals:
        return [None] * n
    out: list[tuple[str, Location | None] | None] = [None] * n
    if (has_total and len(vals) >= 2) or (has_total and len(vals) == 1 and vals[0][0].strip()):
        out[-1] = vals[-1]  # merged cells drop columns in the middle; the total stays last
        for k, v in enumerate(vals[:-1]):
            out[k] = v
        return out
    for k, v in enumerate(vals):
        out[k] = v
    return out


def _slots(columns: Sequence[Column]) -> list[Slot]:
    return [Slot(signed=c.kind == "signed", decimal=c.kind == "amount") for c in columns]


@cache
def _row_sums(ed_key: str, refs: tuple[str, ...]) -> tuple[Sum, ...]:
    """The edition's identities among the cells ``refs`` (in printed order) as sums over their positions:
    a row's total in table 三, each group's 总计 in table 四."""
    pos = {r: k for k, r in enumerate(refs)}
    out = []
    for ident in EDITIONS[ed_key].identities:
        if len(ident.lhs) == 1 and all(r in pos for r in ident.lhs + ident.rhs):
            out.append(Sum(pos[ident.lhs[0]], tuple(pos[r] for r in ident.rhs)))
    return tuple(out)


def _printed_tokens(text: str, parts: int) -> list[str] | None:
    """The cells of a run as printed when spaces, 、 or ， already separate exactly ``parts`` values."""
    printed = text.replace("，", " ").replace("、", " ").split()
    if len(printed) == parts and all(is_value_text(t) for t in printed):
        return printed
    return None


def _read_run(r: _Row, texts: list[str], ats: list[Location | None], ed_key: str, refs: tuple[str, ...],
              joined: str) -> None:
    """Read the printed ``texts`` as the row's numbers, every way the columns and identities allow."""
    r.printed = " ".join(t.strip() for t in texts if t.strip())
    r.part_at = ats
    sums = _row_sums(ed_key, refs)
    slots = _slots(r.columns)
    res = read_run(texts, slots, sums, joined=joined)
    if res.count == 0 and res.complete and sums:
        # no reading keeps the identities: the agency's own numbers may not add up; take the one
        # reading there is without them (the identity rule then speaks), if there is only one
        loose = read_run(texts, slots, joined=joined)
        if loose.unique is not None:
            res = loose
        elif loose.count:
            r.unread = "数字连在一起，且任何一种拆分都不能使本行合计相符"
            return
    _take(r, res)


def _take(r: _Row, res: Readings) -> None:
    only = res.unique
    if only is not None:
        r.placed = [_placed(p, r.part_at) for p in only]
    elif not res.complete or res.count > len(res.splits):
        r.unread = f"数字连在一起，可能的拆分方式太多（{res.count}种以上），无法确定"
    elif res.count == 0:
        r.unread = "未能把印出的内容读成本行的各个数字"
    else:
        r.options, r.count = list(res.splits), res.count


def _placed(p: Piece, ats: Sequence[Location | None]) -> _Placed:
    at = ats[p.part] if p.part < len(ats) else (ats[-1] if ats else None)
    return (p.text, at, "printed" if p.whole else "split", p.unit)


def _inline_row(r: _Row, values: list[Unit], ed_key: str, refs: tuple[str, ...]) -> None:
    """A row whose numbers were printed on a line of text (or several), not in cells of their own."""
    texts = [v.text for v in values if v.text.strip()]
    at = values[0].at if values else r.at
    if not texts:
        r.placed = [None] * len(r.columns)
        return
    joined = " ".join(texts)
    printed = _printed_tokens(joined, len(r.columns))
    if printed is not None:  # cells joined by spaces: each as printed
        r.placed = [(t, at, "printed", None) for t in printed]
        return
    tokens = joined.replace("，", " ").replace("、", " ").split()
    if 2 <= len(tokens) < len(r.columns) and all(_one_number(t) for t in tokens) and not _row_sums(ed_key, refs):
        # cells joined by spaces with one gone (a blank that vanished): nothing says which column it was,
        # and no sum could confirm a number cut in two ("行政强制 13 6" is not 1, 3, 6)
        r.printed, r.part_at = " ".join(tokens), [at]
        r.unread = f"印出的数字只有 {len(tokens)} 个，本行有 {len(r.columns)} 栏（可能有空白格未印出），无法确定各数属于哪一栏"
        return
    _read_run(r, texts, [v.at for v in values if v.text.strip()], ed_key, refs, "soft")


def _one_number(token: str) -> bool:
    """A printed token that is one number as it stands (a run of digits with a leading 0, "00", is not)."""
    digits = token.lstrip("+-")
    if not digits or not digits[0].isdigit() or (len(digits) > 1 and digits[0] == "0" and digits[1] != "."):
        return False
    return parse_number(token)[0] is not None


def _cell_row(r: _Row, values: list[Unit], ed_key: str, refs: tuple[str, ...], has_total: bool) -> None:
    """A row printed in cells. A cell holding several numbers run together (35-15) is read with the others
    as one run, the cells' borders kept."""
    for v in values:
        # (a cell's unit knows whether its text is a value: units.py classified it with is_value_text)
        if not (v.value if v.kind == "cell" else is_value_text(v.text)) and numeric_text(v.text):
            _read_run(r, [v.text for v in values], [v.at for v in values], ed_key, refs, "hard")
            return
    if len(values) == len(r.columns):  # (most rows: a cell per column, as _align would place them)
        r.placed = [(v.text, v.at, "printed", None) for v in values]
        return
    placed = _align([(v.text, v.at) for v in values], r.columns, has_total)
    r.placed = [(p[0], p[1], "printed", None) if p else None for p in placed]


def fill(report: Report, res: TableScan, edition_key: str | None, doc: Document | None = None) -> None:
    """Write the found rows into ``report.tables`` with the columns of the right edition. ``doc``, when
    given, is the document the units were made from: its cells recognised from a scan bring OCR's
    confidence, doubt and crop."""
    drafts: list[_Row | _Plain] = []
    ocr = _ocr_cells(doc)
    for table_key in ("active", "applications"):
        t_ed = _table_edition(res, table_key) or edition_key or "2021"
        if table_key in res.votes or any(k[0] == table_key for k in res.rows):
            report.table_editions[table_key] = t_ed
        own_defs = _own_defs(t_ed, table_key)
        has_total = table_key == "applications"
        for (tk, rk), found in res.rows.items():
            if tk != table_key:
                continue
            rdef, own, ed_for_row, refs, row_key, official, keys, amounts = _row_layout(tk, rk, t_ed)
            if not own:
                report.extra_rows.append((tk, rk, found.label.at))
            row_at = found.label.at
            printed = _printed(found.label.text)
            values = found.values
            # most rows: a cell per column, each a number (or blank, or a nil mark) as printed
            plain = bool(values) and not found.inline and not ocr and len(values) == len(rdef.columns)
            if plain:
                for v in values:
                    if not v.value or v.kind != "cell":
                        plain = False
                        break
            if plain:
                drafts.append((tk, rk, rdef.columns, refs, values, keys, amounts))  # (made as _make_cells would)
            else:
                r = _Row(tk, rk, rdef.columns, row_at, printed, refs=refs)
                if not values:
                    if res.loose.get(tk):
                        # numbers printed in the table that no row took: this row's are among them, unplaced
                        r.unread = "找到了行标签，但标签后没有读到数字，而表中另有未能对应到行的数字"
                    else:
                        r.placed = [("", row_at, "printed", None)] * len(rdef.columns)  # printed blank
                elif found.inline or (values[0].kind != "cell" and all(v.kind != "cell" for v in values)):
                    _inline_row(r, values, ed_for_row, refs)
                else:
                    _cell_row(r, values, ed_for_row, refs, has_total)
                drafts.append(r)
            if found.fuzzy or body_key(printed) != official:
                report.labels.append(LabelSeen(tk, rk, printed, rdef.label, row_at, known_variant=not found.fuzzy))
            report.row_at[row_key] = row_at
        # labels recognised but given no numbers (they seemed to head a group of rows)
        for (tk, rk), label in res.seen.items():
            if tk == table_key and rk in own_defs and (tk, rk) not in res.rows:
                drafts.append(_Row(tk, rk, own_defs[rk].columns, label.at, " ".join(label.text.split()),
                                   unread="找到了行标签，但未能读到这一行的数字"))
                report.row_at[f"{tk}.{rk}"] = label.at
    if res.review_values is not None or "review_litigation" in res.votes:
        drafts.append(_review(res))
    _narrow(drafts, report, edition_key)
    for d in drafts:
        if isinstance(d, tuple):
            _make_plain(report, d, res)
        else:
            _make_cells(report, d, ocr, res)
    _unread_tables(report, res, edition_key)
    report.table_at.update(res.table_at)
    if ocr:
        _doubt_identities(report, edition_key)
        for rows in report.tables.values():
            for cells in rows.values():
                for cell in cells.values():
                    if cell.doubt is None:
                        cell.crop = None  # the scanned image is kept for the cells a reviewer must look at


@cache
def _review_layout() -> tuple[tuple[Column, ...], tuple[str, ...]]:
    """Table 四's cells in its one printed row: their columns and "table.row.column" references (made once: the
    same in every report, and the same tuple of columns keeps _refs and _keys from growing)."""
    tdef = EDITIONS["2021"].table("review_litigation")
    columns = tuple(c for r in tdef.rows for c in r.columns)
    refs = tuple(f"review_litigation.{r.key}.{c.key}" for r in tdef.rows for c in r.columns)
    return columns, refs


@cache
def _own_defs(ed_key: str, table_key: str) -> dict[str, RowDef]:
    """Row key -> definition in one edition's table (shared, not to be changed)."""
    return {r.key: r for r in EDITIONS[ed_key].table(table_key).rows}


@cache
def _row_layout(table: str, row: str, ed_key: str) -> tuple[RowDef, bool, str, tuple[str, ...], str, str,
                                                            tuple[str, ...], tuple[int, ...]]:
    """What a row found in a table of edition ``ed_key`` is, worked out once (the same rows are in every report):
    its definition, whether the edition has it, the edition that does, "table.row.column" of its cells,
    "table.row", its official label's key without numbering, its columns' keys and where its amount columns are."""
    own_defs = _own_defs(ed_key, table)
    rdef = own_defs.get(row) or row_defs(table)[row]
    own = row in own_defs
    ed_for_row = ed_key if own else next(e for e in EDITIONS if row in EDITIONS[e].table(table).row_keys)
    refs = tuple(f"{table}.{row}.{c.key}" for c in rdef.columns)
    return (rdef, own, ed_for_row, refs, f"{table}.{row}", body_key(rdef.label), _keys(rdef.columns),
            _amounts(rdef.columns))


@lru_cache(maxsize=4096)
def _printed(text: str) -> str:
    """A row label as printed, its whitespace made single spaces (labels recur in every report)."""
    return " ".join(text.split())


def _review(res: TableScan) -> _Row:
    """Table 四: its 15 numbers in one row, read as the three groups' cells."""
    columns, refs = _review_layout()
    values = res.review_values or []
    row_at = values[0].at if values else res.table_at.get("review_litigation")
    r = _Row("review_litigation", "", columns, row_at, refs=refs)
    if res.review_inline:
        _inline_row(r, values, "2021", refs)
    else:
        _cell_row(r, values, "2021", refs, False)
    return r


def _refs(r: _Row) -> tuple[str, ...]:
    key = (r.table, r.row, id(r.columns))
    known = _REFS.get(key)
    if known is None or known[0] is not r.columns:
        if r.table == "review_litigation":
            tdef = EDITIONS["2021"].table("review_litigation")
            refs = tuple(f"review_litigation.{d.key}.{c.key}" for d in tdef.rows for c in d.columns)
        else:
            refs = tuple(f"{r.table}.{r.row}.{c.key}" for c in r.columns)
        known = _REFS[key] = (r.columns, refs)  # (the columns kept: their id is not reused while here)
    return known[1]


def _amounts(columns: tuple[Column, ...]) -> tuple[int, ...]:
    """Where the amount columns are among ``columns`` (table 二's fees; most rows have none)."""
    known = _AMOUNTS.get(id(columns))
    if known is None or known[0] is not columns:
        known = _AMOUNTS[id(columns)] = (columns, tuple(k for k, c in enumerate(columns) if c.kind == "amount"))
    return known[1]


_AMOUNTS: dict[int, tuple[tuple[Column, ...], tuple[int, ...]]] = {}


def _keys(columns: tuple[Column, ...]) -> tuple[str, ...]:
    """The columns' keys (the editions' own tuples of columns: a few dozen, met in every report)."""
    known = _KEYS.get(id(columns))
    if known is None or known[0] is not columns:
        known = _KEYS[id(columns)] = (columns, tuple(c.key for c in columns))
    return known[1]


_KEYS: dict[int, tuple[tuple[Column, ...], tuple[str, ...]]] = {}

# "table.row.column" of each row's cells, by the row and its columns (the editions' own tuples): every
# report names the same few hundred cells
_REFS: dict[tuple[str, str, int], tuple[tuple[Column, ...], tuple[str, ...]]] = {}


def _narrow(drafts: list[_Row | _Plain], report: Report, edition_key: str | None) -> None:
    """Several run-together rows of table 三 read together: keep the readings that, with every other row
    as read, satisfy the identities between rows (一+二 = （七）+四, （七） = the sum of the outcomes). When
    no combination does, the agency's own numbers do not add up somewhere, and nothing is narrowed."""
    open_rows = [r for r in drafts if isinstance(r, _Row) and r.table == "applications" and r.options]
    if not open_rows:
        return
    combos = 1
    for r in open_rows:
        combos *= len(r.options)
    if combos > MAX_COMBINATIONS:
        return
    ed = EDITIONS[report.table_editions.get("applications") or edition_key or "2021"]
    known: dict[str, int | float | None] = {}
    unsure: set[str] = set()
    for d in drafts:
        if isinstance(d, tuple):  # (a plain row: its cells as printed)
            if d[0] == "applications":
                for ref, v in zip(d[3], d[4], strict=True):
                    known[ref] = parse_number(v.text)[0]
            continue
        if d.table != "applications" or d.options:
            continue
        for ref, cell in zip(_refs(d), d.placed or [None] * len(d.columns), strict=True):
            if d.unread is not None:
                unsure.add(ref)
            elif cell is not None:
                known[ref] = parse_number(cell[0])[0]
            else:
                known[ref] = None
    open_refs = {ref for r in open_rows for ref in _refs(r)}
    idents = [i for i in ed.identities
              if set(i.lhs + i.rhs) & open_refs and not set(i.lhs + i.rhs) & unsure
              and all(ref in known or ref in open_refs for ref in i.lhs + i.rhs)]
    if not idents:
        return
    good: list[tuple[int, ...]] = []
    for combo in product(*(range(len(r.options)) for r in open_rows)):
        values = dict(known)
        for r, k in zip(open_rows, combo, strict=True):
            for ref, piece in zip(_refs(r), r.options[k], strict=True):
                values[ref] = piece.value
        if all(_holds(i, values) for i in idents):
            good.append(combo)
    if not good:
        return
    for n, r in enumerate(open_rows):
        kept = sorted({combo[n] for combo in good})
        r.options = [r.options[k] for k in kept]
        r.count = len(r.options)
        if r.count == 1:
            r.placed = [_placed(p, r.part_at) for p in r.options[0]]
            r.options = []


def _holds(ident: Identity, values: dict[str, int | float | None]) -> bool:
    lhs = sum(values.get(ref) or 0 for ref in ident.lhs)
    rhs = sum(values.get(ref) or 0 for ref in ident.rhs)
    return abs(lhs - rhs) < 1e-6


def _ocr_cells(doc: Document | None) -> dict[Location, DocCell]:
    """The document's cells recognised from a scan, by their place."""
    if doc is None or doc.source.ocr is None:  # (a reader that recognised anything says so in source.ocr)
        return {}
    pages = set(doc.source.ocr.pages)
    out: dict[Location, DocCell] = {}
    for row in doc.rows():
        for cell in row.cells:
            if (cell.confidence is not None or cell.doubt is not None or cell.crop is not None
                    or (pages and cell.at.page in pages)):
                out[cell.at] = cell
    return out


def _make_plain(report: Report, row: _Plain, res: TableScan) -> None:
    """The cells of a row printed a cell per column, each as printed (most rows): as _make_cells makes them."""
    table, key, columns, refs, units, keys, amounts = row
    cells: list[Cell] = []
    for v in units:
        raw = v.text
        value, text = known_reading(raw) or cached_reading(raw)
        # Cell(value, text, v.at), made without its __init__ (a cell for every number of every report: calling
        # __init__ costs more than the rest of its making)
        cell = _new(Cell)
        cell.value = value
        cell.raw = text
        cell.at = v.at
        cell.how = "printed"
        cell.confidence = None
        cell.candidates = ()
        cell.doubt = None
        cell.crop = None
        if value is None and text and numeric_text(text) and not text.strip().isdigit():
            cell.doubt = "unread"  # (as in _make_cells)
            report.unread.append(Unread(table, key, text, "印出的内容无法读成一个数字", cell.at))
        cells.append(cell)
    for k in amounts:
        _convert(report, refs[k], columns[k], cells[k], None, res)
    _put(report, table, key, zip(keys, cells, strict=True))


def _cell(raw: str | None, at: Location | None, how: str, ocr: dict[Location, DocCell]) -> Cell:
    scanned = ocr.get(at) if at is not None and ocr else None
    if scanned is None:
        return make_cell(raw, at, how)
    return make_cell(raw, at, "ocr", scanned.confidence, scanned.doubt, scanned.crop)


def _make_cells(report: Report, r: _Row, ocr: dict[Location, DocCell], res: TableScan) -> None:
    refs = r.refs or _refs(r)
    cells: list[Cell] = []
    if r.placed is not None:
        for ref, col, p in zip(refs, r.columns, r.placed, strict=True):
            if p is None and r.table == "review_litigation":
                cell = _cell("", None, "printed", ocr)  # table 四 prints its row whole: a cell short is blank
            elif p is None:
                cell = _cell(None, r.at, "printed", ocr)
            else:
                raw, at, how, unit = p
                if ocr or how == "ocr":
                    cell = _cell(raw, at, how, ocr)
                else:  # make_cell of a printed cell, inline: this runs for every cell of every report
                    value, text = known_reading(raw) or cached_reading(raw)
                    cell = Cell(value, text, at, how)
                if (cell.value is None and cell.doubt is None and cell.raw and numeric_text(cell.raw)
                        and not cell.raw.strip().isdigit()):
                    # digits and marks that make no number (12-3-4): gongkai's reading, not the agency's words;
                    # a run of digits too long for any count stays the agency's (GK204)
                    cell.doubt = "unread"
                    report.unread.append(Unread(r.table, ref.split(".")[1], cell.raw, "印出的内容无法读成一个数字",
                                                cell.at))
                if col.kind == "amount":
                    _convert(report, ref, col, cell, unit, res)
            cells.append(cell)
    elif r.options:
        by_cell: list[list[int | float]] = [[] for _ in refs]
        for split in r.options:
            for k, piece in enumerate(split):
                if piece.value is not None and piece.value not in by_cell[k]:
                    by_cell[k].append(piece.value)
        at = r.part_at[0] if r.part_at else r.at
        for k, _ in enumerate(refs):
            cell = _cell(r.printed, at, "split", ocr)
            cell.value, cell.candidates, cell.doubt = None, tuple(by_cell[k]), "ambiguous"
            cells.append(cell)
        report.ambiguous.append(AmbiguousRun(
            r.table, tuple(refs), r.printed, tuple(tuple(p.value for p in s) for s in r.options[:SHOWN_SPLITS]),
            r.count, at))
    else:
        at = r.part_at[0] if r.part_at else r.at
        for _ in refs:
            cell = _cell(r.printed or None, at, "printed", ocr)
            cell.value, cell.doubt = None, "unread"
            cells.append(cell)
        report.unread.append(Unread(r.table, r.row or None, r.printed, r.unread or "", at))
    if r.table == "review_litigation":  # its one printed row holds the cells of three rows
        for row, start, keys in _review_rows(refs):
            _put(report, "review_litigation", row, zip(keys, cells[start:start + len(keys)], strict=True))
    else:
        _put(report, r.table, r.row, zip(_keys(r.columns), cells, strict=True))
    if ocr:
        for ref, cell in zip(refs, cells, strict=True):
            if cell.how == "ocr" and cell.doubt == "ocr":
                report.doubts[ref] = _ocr_reason(ocr.get(cell.at) if cell.at is not None else None, cell)
    if r.table == "review_litigation" and r.at is not None:
        for d in EDITIONS["2021"].table("review_litigation").rows:
            report.row_at[f"review_litigation.{d.key}"] = r.at


def _put(report: Report, table: str, row: str, cells: Iterable[tuple[str, Cell]]) -> None:
    """The cells of one row, by column key, into ``report.tables`` (after those already there)."""
    rows = report.tables.get(table)
    if rows is None:
        rows = report.tables[table] = {}
    found = rows.get(row)
    if found is None:
        rows[row] = dict(cells)
    else:
        found.update(cells)


def _review_rows(refs: tuple[str, ...]) -> list[tuple[str, int, tuple[str, ...]]]:
    """Table 四's references split into its rows: (row key, where its cells start, their column keys), in order."""
    known = _REVIEW_ROWS.get(refs)
    if known is None:
        rows: list[tuple[str, int, list[str]]] = []
        for k, ref in enumerate(refs):
            _, row, key = ref.split(".")
            if rows and rows[-1][0] == row:
                rows[-1][2].append(key)
            else:
                rows.append((row, k, [key]))
        known = _REVIEW_ROWS[refs] = [(row, start, tuple(keys)) for row, start, keys in rows]
    return known


_REVIEW_ROWS: dict[tuple[str, ...], list[tuple[str, int, tuple[str, ...]]]] = {}


_OCR_REASONS = {"faint": "字迹很淡", "smudged": "有污迹或印章遮挡", "unread": "有字迹但未能识别",
                "low-confidence": "识别置信度低"}


def _ocr_reason(scanned: DocCell | None, cell: Cell) -> str:
    why = _OCR_REASONS.get(scanned.doubt or "", "识别结果不是数字") if scanned is not None else "识别不清"
    if scanned is not None and scanned.doubt is None and cell.value is None:
        why = "识别结果不是数字"
    if cell.confidence is not None:
        why += f"（置信度 {cell.confidence:.2f}）"
    return why


def _convert(report: Report, ref: str, col: Column, cell: Cell, unit: str | None, res: TableScan) -> None:
    """An amount printed in another money unit than its column's (3000元 in 万元): converted, and noted."""
    if col.kind != "amount" or col.unit not in MONEY_UNITS or not isinstance(cell.value, (int, float)):
        return
    seen: UnitSeen | None = None
    printed_unit = unit or parse_number(cell.raw or "")[1]
    source = "cell"
    if printed_unit is None:
        table, _, column = ref.split(".")
        seen = res.units.get((table, column)) or res.units.get((table, "*"))
        if seen is None:
            return
        printed_unit, source = seen.unit, seen.printed
    if printed_unit not in MONEY_UNITS or printed_unit == col.unit:
        return
    assert col.unit is not None  # (checked above)
    exact = Decimal(str(cell.value)) * MONEY_UNITS[printed_unit] / MONEY_UNITS[col.unit]
    value: int | float = int(exact) if exact == exact.to_integral_value() else float(exact)
    report.conversions.append(UnitConversion(ref, cell.raw or "", cell.value, printed_unit, value, col.unit, source,
                                             cell.at))
    cell.value = value


def _unread_tables(report: Report, res: TableScan, edition_key: str | None) -> None:
    """A table whose heading (header labels) was found but none of whose rows were read: every cell of it
    marked not read, and noted once for the table."""
    for table_key, at in res.table_at.items():
        if table_key in report.tables:
            continue
        ed = EDITIONS[report.table_editions.get(table_key) or edition_key or "2021"]
        for rdef in ed.table(table_key).rows:
            report.tables.setdefault(table_key, {})[rdef.key] = {
                c.key: Cell(None, None, at, doubt="unread") for c in rdef.columns}
        report.unread.append(Unread(table_key, None, TABLE_NAMES[table_key], "找到了表头，但未能读到表中的数字", at))


def _doubt_identities(report: Report, edition_key: str | None) -> None:
    """Recognised numbers that break an identity: the recognition is doubted before the agency is. The cells
    doubted are the recognised terms of the broken identities that most of them share (a misread cell
    breaks its row and its column; the cell where they cross is the one to look at)."""
    ed = EDITIONS[edition_key or report.table_editions.get("applications") or "2021"]
    _weigh_doubtful(report, ed.identities)
    broken: list[tuple[Identity, list[str]]] = []
    for ident in ed.identities:
        terms = ident.lhs + ident.rhs
        cells = [report.cell(ref) for ref in terms]
        if any(c is not None and c.uncertain for c in cells):
            continue
        scanned = [ref for ref, c in zip(terms, cells, strict=True) if c is not None and c.how == "ocr"]
        if not scanned:
            continue
        lhs = [report.value(ref) for ref in ident.lhs]
        rhs = [report.value(ref) for ref in ident.rhs]
        if all(v is None for v in lhs) or all(v is None for v in rhs):
            continue
        if abs(sum(v or 0 for v in lhs) - sum(v or 0 for v in rhs)) > 1e-6:
            broken.append((ident, scanned))
    seen_in: dict[str, int] = {}
    for _, scanned in broken:
        for ref in scanned:
            seen_in[ref] = seen_in.get(ref, 0) + 1
    for ident, scanned in broken:
        most = max(seen_in[ref] for ref in scanned)
        for ref in scanned:
            if seen_in[ref] == most:
                cell = report.cell(ref)
                assert cell is not None  # (a term it read)
                cell.doubt = "identity"
                why = f"与勾稽关系“{ident.name}”不符"
                if why not in report.doubts.get(ref, ""):
                    report.doubts[ref] = "；".join(x for x in (report.doubts.get(ref), why) if x)


def _weigh_doubtful(report: Report, identities: Sequence[Identity]) -> None:
    """What the identities say of each recognised cell OCR doubted, for the reviewer (the cell stays in
    doubt): the value they imply when it could not be read, or whether the value read fits them."""
    by_ref: dict[str, list[Identity]] = {}
    for ident in identities:
        for ref in ident.lhs + ident.rhs:
            by_ref.setdefault(ref, []).append(ident)
    for t, rows in report.tables.items():
        for rk, cols in rows.items():
            for ck, cell in cols.items():
                if cell.how != "ocr" or cell.doubt != "ocr":
                    continue
                ref = f"{t}.{rk}.{ck}"
                implied: set[int | float] = set()
                fits: list[bool] = []
                for ident in by_ref.get(ref, ()):
                    others = [report.cell(x) for x in ident.lhs + ident.rhs if x != ref]
                    if any(c is None or c.uncertain for c in others):
                        continue
                    lhs = sum(report.value(x) or 0 for x in ident.lhs if x != ref)
                    rhs = sum(report.value(x) or 0 for x in ident.rhs if x != ref)
                    need = rhs - lhs if ref in ident.lhs else lhs - rhs
                    if cell.value is None:
                        implied.add(need)
                    else:
                        fits.append(abs(need - cell.value) < 1e-6)
                note = ""
                if len(implied) == 1 and min(implied) >= 0:
                    (v,) = implied
                    cell.candidates = (int(v) if float(v).is_integer() else v,)
                    note = f"按表格的勾稽关系推算应为 {cell.candidates[0]}"
                elif fits and all(fits):
                    note = "该数与本表的勾稽关系相符"
                elif fits:
                    note = "该数与本表的勾稽关系不符"
                if note:
                    report.doubts[ref] = "；".join(x for x in (report.doubts.get(ref), note) if x)


def _table_edition(res: TableScan, table_key: str) -> str | None:
    votes = res.votes.get(table_key) or {}
    if table_key == "applications":
        rows = res.rows  # (looked up by key: this runs five times a report)
        if (("applications", "other_no_correction") in rows or ("applications", "other_unpaid_fee") in rows
                or ("applications", "other_other") in rows):
            votes = dict(votes)
            votes["2021"] = votes.get("2021", 0) + 2
        elif ("applications", "other") in rows:
            votes = dict(votes)
            votes["2019"] = votes.get("2019", 0) + 1
    if not votes:
        return None
    best = max(votes.values())
    winners = [ed for ed, v in votes.items() if v == best]
    return winners[0] if len(winners) == 1 else None


def detect_edition(res: TableScan) -> str | None:
    """The edition the report's tables are in, from labels only one edition has."""
    total: dict[str, int] = {}
    for table_key in ("active", "applications", "review_litigation"):
        ed = _table_edition(res, table_key)
        if ed:
            total[ed] = total.get(ed, 0) + 1
    if not total:
        return None
    best = max(total.values())
    winners = [ed for ed, v in total.items() if v == best]
    if len(winners) == 1:
        return winners[0]
    # a tie between tables: count every marker seen
    flat: dict[str, int] = {}
    for v in res.votes.values():
        for ed, c in v.items():
            flat[ed] = flat.get(ed, 0) + c
    best = max(flat.values()) if flat else 0
    winners = [ed for ed, v in flat.items() if v == best]
    return winners[0] if len(winners) == 1 else None
