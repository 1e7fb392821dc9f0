"""Splitting table rows whose cells were run together with nothing between them.

Crawled pages often keep a table as "801000081": 80, 1, 0, 0, 0, 0, 81. A reviewer recovers
the numbers from the table's own identities (the row total is the sum of the applicant
columns; each 总计 of table 四 is the sum of its four results). Where no identity applies
(table 二), the most plausible split is taken: zeros stand alone, lengths are balanced.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import combinations, pairwise
from math import comb

_TOKEN = re.compile(r"\d+(?:\.\d+)?")
MAX_DIGITS = 40  # beyond this the enumeration is not worth it: the row is not a run-together row
# Ways of cutting n digits into k numbers: C(n-1, k-1), which explodes (30 digits into the 15 numbers
# of table 四: 77 million). A run of digits with more ways than this is left unsplit (the numbers are
# then taken as printed); real rows have far fewer (7 numbers in 19 digits: 18,564).
MAX_SPLITS = 20_000


def _splits(digits: str, parts: int) -> Iterator[tuple[str, ...]]:
    n = len(digits)
    if parts == 1:
        if digits and (digits[0] != "0" or len(digits) == 1):
            yield (digits,)
        return
    for cuts in combinations(range(1, n), parts - 1):
        pieces = []
        prev = 0
        ok = True
        for c in (*cuts, n):
            piece = digits[prev:c]
            if len(piece) > 1 and piece[0] == "0":
                ok = False
                break
            pieces.append(piece)
            prev = c
        if ok:
            yield tuple(pieces)


def split_run(
    text: str,
    parts: int,
    constraint: Callable[[list[int]], bool] | None = None,
) -> list[str] | None:
    """Split printed text into ``parts`` numbers, or None when it cannot be done.

    Spaces that were printed are kept as boundaries where that still gives a valid split;
    a trailing decimal amount (``575394432.52``) is kept whole as the last part.
    """
    tokens = text.split()
    if len(tokens) == parts and all(_TOKEN.fullmatch(t) for t in tokens):
        return tokens
    joined = "".join(tokens)
    m = re.fullmatch(r"(\d+?)(\d+\.\d+)", joined)
    if m and parts >= 2:  # a decimal can only be the last column (an amount)
        # try every way of splitting the integer part of the amount off the rest
        best_amount: tuple[tuple[int, int, int, float], list[str]] | None = None
        whole = m.group(0)
        dot = whole.index(".")
        if _ways(dot, parts) > MAX_SPLITS:  # the sum over the loop below of the ways for each head
            return None
        for start in range(1, dot):
            head, tail = whole[:start], whole[start:]
            if len(tail.split(".")[0]) > 1 and tail[0] == "0":
                continue
            sub = split_run(head, parts - 1, None)
            if sub is not None:
                cand = [*sub, tail]
                plausible = _plausibility(cand)
                if best_amount is None or plausible > best_amount[0]:
                    best_amount = (plausible, cand)
        return best_amount[1] if best_amount else None
    if not joined.isdigit() or len(joined) > MAX_DIGITS or len(joined) < parts:
        return None
    if _ways(len(joined), parts) > MAX_SPLITS:
        return None
    gaps = _gap_positions(tokens)
    best: tuple[tuple[int, int, int, int, float], list[str]] | None = None
    for pieces in _splits(joined, parts):
        nums = [int(p) for p in pieces]
        if constraint is not None and not constraint(nums):
            continue
        bounds = set()
        pos = 0
        for p in pieces[:-1]:
            pos += len(p)
            bounds.add(pos)
        score = (len(gaps & bounds), *_plausibility(list(pieces)))
        if best is None or score > best[0]:
            best = (score, list(pieces))
    return best[1] if best else None


def _ways(digits: int, parts: int) -> int:
    """How many ways ``digits`` digits can be cut into ``parts`` numbers."""
    return comb(digits - 1, parts - 1) if digits >= 1 and parts >= 1 else 0


def _gap_positions(tokens: list[str]) -> set[int]:
    out, pos = set(), 0
    for t in tokens[:-1]:
        pos += len(t)
        out.add(pos)
    return out


def _plausibility(pieces: list[str]) -> tuple[int, int, int, float]:
    """Higher is likelier: equal neighbours, zeros alone, few zeros inside numbers
    (counts end in 0 more often than they hold one), then balanced lengths."""
    equal = sum(1 for a, b in pairwise(pieces) if a == b)
    zeros = sum(1 for p in pieces if p == "0")
    inner = sum(p.rstrip("0").count("0") for p in pieces if p != "0")
    lengths = [len(p) for p in pieces if p != "0"] or [1]
    mean = sum(lengths) / len(lengths)
    spread = sum((x - mean) ** 2 for x in lengths) / len(lengths)
    return equal, zeros, -inner, -spread


def row_total_constraint(nums: list[int]) -> bool:
    """Table 三: the last column is the sum of the others."""
    return sum(nums[:-1]) == nums[-1]


def group_totals_constraint(size: int) -> Callable[[list[int]], bool]:
    """Table 四: groups of ``size`` numbers, each ending with the sum of the rest."""

    def check(nums: list[int]) -> bool:
        return all(sum(nums[i : i + size - 1]) == nums[i + size - 1] for i in range(0, len(nums), size))

    return check
