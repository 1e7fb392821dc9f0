"""Numbers printed run together: every way of reading a run of digits as a row's numbers.

Crawled pages often keep a table as "801000081": 80, 1, 0, 0, 0, 0, 81. A reviewer recovers the
numbers from the table's own identities (the row total is the sum of the applicant columns; each 总计
of table 四 is the sum of its four results) and from what each column may hold: only 本年增/减 has a
sign (``+17``, ``-15``), only an amount a decimal point, a number never starts with 0, ``1,234`` is
one number (a thousands separator), and a nil mark (``/``, ``—``, a lone ``-``) fills a column of its
own. :func:`read_run` finds every reading that fits, up to a budget; which one to take — the only one,
or none when several fit — is for the caller to decide, never a guess of the likeliest.

Printed spaces are taken as boundaries first (a crawler drops separators, it does not invent them);
only when no reading keeps them all are they ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from ..formats.labels import fold
from .values import UNITS

# Readings kept for the caller (all of them are counted); a row with more than a few consistent readings
# is in any case only worth its raw text and a finding.
KEEP = 64
# Search steps one run may cost. 30 digits for the 15 numbers of table 四 have 77 million ways to be cut;
# the identities prune most of them, and a run the budget does not cover is reported as not read.
BUDGET = 100_000
MAX_PIECE_DIGITS = 15  # no count or amount in a report is longer (values.MAX_DIGITS)

_NIL_CHARS = "/\\无空"  # (full-width ones fold to these)
_DASHES = "—"  # a long dash is a nil mark; the short ones fold to "-", a sign or a nil mark
_SOFT, _HARD = "soft", "hard"


@dataclass(frozen=True, slots=True)
class Slot:
    """What one column may hold."""

    signed: bool = False  # a sign (2019 本年增/减)
    decimal: bool = False  # a decimal point (an amount)


@dataclass(frozen=True, slots=True)
class Sum:
    """The column ``total`` is the sum of the columns ``parts`` (positions in the run)."""

    total: int
    parts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Piece:
    """One number (or nil mark) of a reading, as printed."""

    text: str  # folded: "1,234", "-15", "/"
    value: int | float | None  # None for a nil mark or a blank
    part: int  # the printed part (cell, line) it was read from
    whole: bool  # printed as a token of its own, not cut out of a longer run of digits
    unit: str | None = None  # printed right after it (元, 万元, 件)


@dataclass(slots=True)
class Readings:
    splits: list[tuple[Piece, ...]]  # the consistent readings (at most KEEP), likeliest-looking first
    count: int  # how many consistent readings there are (a lower bound when not complete)
    complete: bool  # False: the search stopped at its budget

    @property
    def unique(self) -> tuple[Piece, ...] | None:
        return self.splits[0] if self.complete and self.count == 1 else None


@dataclass(slots=True)
class _Item:
    kind: str  # "num", "nil" or "blank"
    chars: str  # folded digits, signs, "." and ","; the nil mark as printed
    part: int
    spans: tuple[tuple[int, int], ...]  # the printed tokens it is made of, as (start, end) in chars
    unit: str | None = None


class _OverBudget(Exception):
    pass


def _tokens(parts: Sequence[str], joined: str) -> tuple[list[_Item], list[str]]:
    """The items of the printed parts, and the boundary between each item and the next: soft (spaces
    only) or hard (anything else: a unit, 、 or ，, a word, a new cell when ``joined`` is hard)."""
    items: list[_Item] = []
    bounds: list[str] = []
    gap = _SOFT

    def add(item: _Item) -> None:
        nonlocal gap
        if items:
            bounds.append(gap)
        items.append(item)
        gap = _SOFT

    units = sorted(UNITS, key=len, reverse=True)
    for p, text in enumerate(parts):
        if p:
            gap = _HARD if _HARD in (gap, joined) else _SOFT
        if not text.strip():
            if joined == _HARD:  # a blank cell of a table row fills its column
                add(_Item("blank", "", p, ((0, 0),)))
            continue
        folded = fold(text)
        cur: list[str] = []

        def flush(cur: list[str], p: int, unit: str | None = None) -> None:
            if cur:
                chars = "".join(cur)
                add(_Item("num", chars, p, ((0, len(chars)),), unit))
                cur.clear()

        n = len(text)
        i = 0
        while i < n:
            ch, f = text[i], folded[i]
            nxt = folded[i + 1] if i + 1 < n else ""
            nxt_digit = nxt.isascii() and nxt.isdigit()
            if f.isascii() and f.isdigit():
                cur.append(f)
            elif f == "." and cur and cur[-1].isdigit() and nxt_digit:
                cur.append(".")
            elif ch == "," and cur and cur[-1].isdigit() and nxt_digit:
                cur.append(",")  # an ASCII comma between digits: a thousands separator (、 and ， separate)
            elif ch in _DASHES:
                flush(cur, p)
                j = i
                while j < n and text[j] in _DASHES:
                    j += 1
                add(_Item("nil", text[i:j], p, ((0, j - i),)))
                i = j
                continue
            elif f in "+-" and nxt_digit:
                cur.append(f)  # a sign, or a lone "-" between numbers: the reading decides
            elif f == "-" or f in _NIL_CHARS:
                flush(cur, p)
                add(_Item("nil", ch, p, ((0, 1),)))
            else:
                unit = next((u for u in units if text.startswith(u, i)), None)
                if unit is not None:
                    flush(cur, p, unit)
                    gap = _HARD
                    i += len(unit)
                    continue
                flush(cur, p)
                if not f.isspace() and gap != _HARD:
                    gap = _HARD
            i += 1
        flush(cur, p)
    return items, bounds


def _merge_soft(items: list[_Item], bounds: list[str]) -> list[_Item]:
    """Numbers separated only by spaces as one run of digits (spaces ignored)."""
    out: list[_Item] = []
    for k, it in enumerate(items):
        prev_soft = k > 0 and bounds[k - 1] == _SOFT
        if prev_soft and out and out[-1].kind == "num" and it.kind == "num" and out[-1].unit is None:
            last = out[-1]
            off = len(last.chars)
            out[-1] = _Item("num", last.chars + it.chars, last.part,
                            last.spans + tuple((a + off, b + off) for a, b in it.spans), it.unit)
        else:
            out.append(it)
    return out


_INT = r"(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)"
_PATTERNS = {
    (signed, decimal): re.compile(("[+-]?" if signed else "") + _INT + (r"(?:\.\d+)?" if decimal else ""))
    for signed in (False, True) for decimal in (False, True)
}
def _number(text: str, slot: Slot) -> tuple[bool, int | float | None]:
    """(True, value) when ``text`` can stand in a column of ``slot`` (value None for a lone "-", a nil
    mark), (False, None) when it cannot."""
    if text == "-":
        return True, None
    if not _PATTERNS[(slot.signed, slot.decimal)].fullmatch(text):
        return False, None
    t = text.replace(",", "")
    return True, (float(t) if "." in t else int(t))


def _dead(text: str) -> bool:
    """No longer text starting with ``text`` can be a number."""
    body = text.lstrip("+-")
    if len(body) >= 2 and body[0] == "0" and body[1].isdigit():
        return True
    return sum(ch.isdigit() for ch in body.split(".")[0]) > MAX_PIECE_DIGITS


def _enumerate(items: list[_Item], slots: Sequence[Slot], sums: Sequence[Sum], keep: int, budget: int,
               accept: Callable[[list[int | float | None]], bool] | None) -> Readings:
    n = len(slots)
    at_col: dict[int, list[Sum]] = {}
    for s in sums:
        if max(s.parts + (s.total,)) < n:
            at_col.setdefault(max(s.parts + (s.total,)), []).append(s)
    pieces: list[Piece | None] = [None] * n
    values: list[int | float | None] = [None] * n
    found: list[tuple[Piece, ...]] = []
    count = 0
    steps = 0
    m = len(items)

    # sums whose total comes after their parts (a row's 总计, a group's 总计): once a part is placed, the
    # parts so far must not already exceed the largest total the characters left could still print
    ahead: dict[int, list[Sum]] = {}
    for s in sums:
        if s.total < n and s.total > max(s.parts):
            for k in s.parts:
                ahead.setdefault(k, []).append(s)

    def sums_hold(col: int, left: int) -> bool:
        for s in at_col.get(col, ()):
            total = values[s.total] or 0
            if abs(sum(values[k] or 0 for k in s.parts) - total) > 1e-6:
                return False
        for s in ahead.get(col, ()):
            placed = [values[k] or 0 for k in s.parts if k <= col]
            if any(v < 0 for v in placed):
                continue
            # the total gets at most the characters left but one for each column still to come before it
            room = left - (n - col - 2)
            if room < 1 or sum(placed) >= 10 ** min(room, MAX_PIECE_DIGITS + 1):
                return False
        return True

    # characters left from item i on (a nil mark or a blank: one): no more numbers than that can follow
    after = [0] * (m + 1)
    for k in range(m - 1, -1, -1):
        after[k] = after[k + 1] + (len(items[k].chars) if items[k].kind == "num" else 1)

    def rec(i: int, pos: int, col: int) -> None:
        nonlocal count, steps
        steps += 1
        if steps > budget:
            raise _OverBudget
        if i == m:
            if col == n and (accept is None or accept(list(values))):
                count += 1
                if len(found) < keep:
                    found.append(tuple(p for p in pieces if p is not None))
            return
        if n - col < m - i or n - col > after[i] - pos:  # every item left needs a column; every column a character
            return
        it = items[i]
        if it.kind != "num":
            pieces[col] = Piece(it.chars, None, it.part, True)
            values[col] = None
            if sums_hold(col, after[i + 1]):
                rec(i + 1, 0, col + 1)
            return
        for piece, value, nxt, end in starts(i, pos, slots[col]):
            steps += 1
            pieces[col] = piece
            values[col] = value
            if sums_hold(col, after[i] - nxt if not end else after[i + 1]):
                rec(i + 1 if end else i, 0 if end else nxt, col + 1)

    memo: dict[tuple[int, int, Slot], list[tuple[Piece, int | float | None, int, bool]]] = {}

    def starts(i: int, pos: int, slot: Slot) -> list[tuple[Piece, int | float | None, int, bool]]:
        """The numbers a column of ``slot`` can take from item ``i`` at ``pos``: (piece, value, where the next
        starts, whether the item ends there); worked out once."""
        key = (i, pos, slot)
        found_here = memo.get(key)
        if found_here is not None:
            return found_here
        it = items[i]
        chars = it.chars
        out = []
        for q in range(pos + 1, len(chars) + 1):
            text = chars[pos:q]
            ok, value = _number(text, slot)
            if not ok:
                if _dead(text):
                    break
                continue
            nxt = q
            if q < len(chars):
                if chars[q] == ".":
                    continue  # a number does not end before its own decimal point
                if chars[q] == ",":
                    nxt = q + 1  # a comma after a number ending here separates it from the next
            end = nxt == len(chars)
            out.append((Piece(text, value, it.part, (pos, q) in it.spans, it.unit if end else None), value, nxt, end))
        memo[key] = out
        return out

    try:
        rec(0, 0, 0)
    except _OverBudget:
        return Readings(_likeliest_first(found), count, False)
    return Readings(_likeliest_first(found), count, True)


def read_run(parts: Sequence[str], slots: Sequence[Slot], sums: Sequence[Sum] = (), *, joined: str = _SOFT,
             keep: int = KEEP, budget: int = BUDGET,
             accept: Callable[[list[int | float | None]], bool] | None = None) -> Readings:
    """Every reading of the printed ``parts`` (cells, lines) as ``len(slots)`` numbers that fits the columns
    and the ``sums``. ``joined`` says what lies between two parts: "soft" (text lines: as a space) or "hard"
    (the cells of a table row: a blank part then fills a column). Spaces are boundaries first; when no
    reading keeps them, they are ignored."""
    items, bounds = _tokens(parts, joined)
    if not items or len(slots) == 0:
        return Readings([], 0, True)
    res = _enumerate(items, slots, sums, keep, budget, accept)
    if res.count or not res.complete:
        return res
    merged = _merge_soft(items, bounds)
    if len(merged) == len(items):
        return res
    return _enumerate(merged, slots, sums, keep, budget, accept)


def _likeliest_first(splits: list[tuple[Piece, ...]]) -> list[tuple[Piece, ...]]:
    """The readings in order of how they look to a reader (equal neighbours, zeros alone, balanced lengths):
    the order they are listed in for a reviewer, never a choice between them."""
    return sorted(splits, key=lambda s: _plausibility([p.text for p in s]), reverse=True)


def _plausibility(pieces: list[str]) -> tuple[int, int, int, float]:
    equal = sum(1 for a, b in pairwise(pieces) if a == b)
    zeros = sum(1 for p in pieces if p == "0")
    inner = sum(p.rstrip("0").count("0") for p in pieces if p != "0")
    lengths = [len(p) for p in pieces if p != "0"] or [1]
    mean = sum(lengths) / len(lengths)
    spread = sum((x - mean) ** 2 for x in lengths) / len(lengths)
    return equal, zeros, -inner, -spread


def split_run(text: str, parts: int, constraint: Callable[[list[int]], bool] | None = None) -> list[str] | None:
    """The one way of reading ``text`` as ``parts`` whole numbers that satisfies ``constraint``; None when
    there is none, more than one, or too many to search."""
    def accept(values: list[int | float | None]) -> bool:
        return constraint is None or constraint([int(v or 0) for v in values])

    res = read_run([text], [Slot()] * parts, accept=accept)
    only = res.unique
    return [p.text for p in only] if only is not None else None


def row_total_constraint(nums: list[int]) -> bool:
    """Table 三: the last column is the sum of the others."""
    return sum(nums[:-1]) == nums[-1]


def group_totals_constraint(size: int) -> Callable[[list[int]], bool]:
    """Table 四: groups of ``size`` numbers, each ending with the sum of the rest."""

    def check(nums: list[int]) -> bool:
        return all(sum(nums[i : i + size - 1]) == nums[i + size - 1] for i in range(0, len(nums), size))

    return check
