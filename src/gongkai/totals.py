"""Totals are computed, not typed.

Which cells are totals, and what they add up, comes from the edition's identities: every
identity of rules GK302 (a row's 总计 = the six applicant columns), GK303 (（七）总计 = the
outcome rows) and GK304 (each 总计 of table 四) has one cell on its left-hand side, the total,
and the cells it sums on the right. Nothing here lists rows or columns.

A total the data already give is kept as it is, even when it disagrees with its parts: the
checks (GK302–GK304) then say so. A total is computed only where the data lack it (the cell is
missing, not printed or blank), and only from parts that hold numbers: parts left blank or
marked "/" add nothing, and a total whose parts are all empty stays empty rather than 0.
"""

from __future__ import annotations

from functools import cache

from .formats import Edition, edition_for_year, get_edition
from .location import COMPUTED
from .model import Cell, Report

TOTAL_RULES = ("GK302", "GK303", "GK304")
COMPUTED_AT = COMPUTED  # the ``at`` of a computed total: it was not printed anywhere


@cache
def total_definitions(edition_key: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """total cell → the alternative lists of cells it is the sum of (in the order of the identities).

    （七）总计 in the 总计 column has two: the row's six applicant columns (GK302) and the column's
    outcome rows (GK303); both give the same number when the parts agree.
    """
    out: dict[str, list[tuple[str, ...]]] = {}
    for ident in get_edition(edition_key).identities:
        if ident.rule in TOTAL_RULES and len(ident.lhs) == 1:
            out.setdefault(ident.lhs[0], []).append(tuple(ident.rhs))
    return {k: tuple(v) for k, v in out.items()}


def total_cells(edition_key: str) -> frozenset[str]:
    return frozenset(total_definitions(edition_key))


def formula_terms(edition_key: str) -> dict[str, tuple[str, ...]]:
    """One definition per total, for a spreadsheet formula: the first that uses no other total
    when there is one (so formulas do not chain needlessly), else the first."""
    defs = total_definitions(edition_key)
    out = {}
    for ref, alternatives in defs.items():
        plain = [a for a in alternatives if not any(t in defs for t in a)]
        out[ref] = (plain or list(alternatives))[0]
    return out


def is_missing(cell: Cell | None) -> bool:
    """No value given: the cell is absent, was not printed, or is blank (a nil marker is a value given)."""
    return cell is None or (cell.value is None and (cell.raw is None or not cell.raw.strip()))


def format_number(value: int | float) -> str:
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def compute_total(report: Report, terms: tuple[str, ...]) -> int | float | None:
    """The sum of the parts that hold numbers; None when none does."""
    numbers = [v for v in (report.value(t) for t in terms) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if not numbers:
        return None
    total = sum(numbers)
    if isinstance(total, float) and total.is_integer() and all(isinstance(v, int) or v.is_integer() for v in numbers):
        total = int(total)
    return total


def fill_totals(report: Report, edition: Edition | str | None = None) -> list[str]:
    """Compute the totals the report lacks, in place; returns the cells filled.

    A total is worked out once the totals among its parts are settled (given, computed, or
    impossible to compute), so （七）总计 of the 总计 column is the sum of finished totals.
    """
    ed = _edition(report, edition)
    if ed is None:
        return []
    defs = total_definitions(ed.key)
    filled: list[str] = []
    pending = {ref for ref in defs if is_missing(report.cell(ref))}
    while pending:
        progress = False
        for ref in sorted(pending, key=list(defs).index):
            usable = [a for a in defs[ref] if not any(t in pending for t in a)]
            if not usable:
                continue
            pending.discard(ref)
            progress = True
            for terms in usable:
                value = compute_total(report, terms)
                if value is not None:
                    table, row, col = ref.split(".")
                    report.tables.setdefault(table, {}).setdefault(row, {})[col] = Cell(
                        value, format_number(value), COMPUTED_AT
                    )
                    filled.append(ref)
                    break
        if not progress:  # only totals waiting on each other remain: nothing more can be said
            break
    return filled


def disagreements(report: Report, edition: Edition | str | None = None) -> list[tuple[str, int | float, int | float]]:
    """(total, given, sum of its parts) for every given total that differs from its parts."""
    ed = _edition(report, edition)
    if ed is None:
        return []
    out = []
    for ref, alternatives in total_definitions(ed.key).items():
        given = report.value(ref)
        if given is None:
            continue
        for terms in alternatives:
            value = compute_total(report, terms)
            if value is not None and abs(value - given) > 1e-9:
                out.append((ref, given, value))
                break
    return out


def _edition(report: Report, edition: Edition | str | None) -> Edition | None:
    if isinstance(edition, Edition):
        return edition
    key = edition or report.edition
    if key is None:
        return edition_for_year(report.year)
    return get_edition(key)
