"""The rule catalogue's building blocks: a rule has a stable code, a short name, a severity
and its documentation; running it on a report yields findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..formats import Edition, edition_for_year, get_edition
from ..location import Location
from ..model import Report

SEVERITIES = ("error", "warning", "info")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(slots=True)
class Finding:
    code: str
    severity: str
    message: str  # Chinese, names the cells, says what was expected and what was printed
    cells: list[str] = field(default_factory=list)  # "applications.total_processed.total"
    expected: Any = None
    actual: Any = None
    at: Location | None = None
    file: str | None = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # the fields as arguments: findings come back from a worker with every file, and this is quicker to
        # pickle and unpickle than a slotted dataclass's state
        return Finding, (self.code, self.severity, self.message, self.cells, self.expected, self.actual, self.at,
                         self.file)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "cells": list(self.cells),
            "expected": self.expected,
            "actual": self.actual,
            "at": self.at.to_json() if self.at is not None else None,
        }


@dataclass(slots=True)
class Context:
    """What a rule may look at besides the report."""

    edition: Edition | None  # the edition the report is printed in (falls back to the one its year requires)
    required: Edition | None  # the edition its year requires
    previous: Report | None = None  # the agency's report for the year before, when known
    cells: list | None = None  # every printed cell with its definitions, listed on first use
    doubtful: list | None = None  # (reference, cell) of every cell in doubt, listed on first use (doubtful())
    # the other reports of the store (its other agencies, the region's), for the rules that need them
    # (Rule.needs_store): gongkai.store.peers.StorePeers; None outside the store
    peers: Any = None
    # the publication deadlines (gongkai.formats.deadlines.Deadlines) an office gave; None: 第四十九条's
    deadlines: Any = None


RuleFunc = Callable[[Report, Context], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: str
    title: str  # one line in Chinese
    what: str  # what it checks
    why: str  # why a reviewer cares
    example: str  # a case that fires it
    func: RuleFunc
    needs_previous: bool = False
    needs_store: bool = False  # reads other reports of the store (ctx.peers): run by the store, not at ingest

    def finding(self, message: str, *, cells=(), expected=None, actual=None, at: Location | None = None,
                severity=None) -> Finding:
        return Finding(self.code, severity or self.severity, message, list(cells), expected, actual, at)


REGISTRY: dict[str, Rule] = {}


def rule(code: str, name: str, severity: str, *, title: str, what: str, why: str, example: str,
         needs_previous: bool = False, needs_store: bool = False) -> Callable[[RuleFunc], Rule]:
    assert severity in SEVERITIES, severity
    assert code not in REGISTRY, f"duplicate rule code {code}"

    def register(func: RuleFunc) -> Rule:
        r = Rule(code, name, severity, title, what.strip(), why.strip(), example.strip(), func, needs_previous,
                 needs_store)
        REGISTRY[code] = r
        return r

    return register


def doubtful(report: Report, ctx: Context) -> list[tuple[str, Any]]:
    """(reference, cell) of every cell gongkai is in doubt about (most reports have none), in table order;
    listed once per run: the rules of gongkai's own reading and the filter of the others all ask."""
    if ctx.doubtful is None:
        ctx.doubtful = [(f"{t}.{r}.{c}", cell) for t, rows in report.tables.items() for r, cols in rows.items()
                        for c, cell in cols.items() if cell.doubt is not None]
    return ctx.doubtful


def make_context(report: Report, previous: Report | None = None, peers: Any = None, deadlines: Any = None) -> Context:
    required = edition_for_year(report.year)
    edition = get_edition(report.edition) if report.edition else required
    return Context(edition=edition, required=required, previous=previous, peers=peers, deadlines=deadlines)
