"""The rule catalogue: every check a reviewer makes, each with a stable code (GK101 …).

Rule families: GK1xx format and structure, GK2xx cells, GK3xx table identities,
GK4xx narrative against tables, GK5xx law, content and timing, GK6xx across years, GK7xx gongkai's own
reading (values it could not read for certain: never the agency's mistake), GK8xx against other reports
of the store (copied text, a region's report against its agencies').
"""

from __future__ import annotations

from typing import Any

from ..model import Report
from . import (  # noqa: F401  (they register rules)
    cells,
    claims,
    content,
    copied,
    crossyear,
    identities,
    narrative,
    reading,
    region,
    register,
    structure,
    timing,
)
from .base import REGISTRY, SEVERITIES, SEVERITY_ZH, Context, Finding, Rule, doubtful, make_context

_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


_SORTED: list[Rule] = []  # the catalogue in code order, made again when a rule was registered since


def catalogue() -> list[Rule]:
    if len(_SORTED) != len(REGISTRY):  # (rules register once, at import: check() asks for every report)
        _SORTED[:] = [REGISTRY[k] for k in sorted(REGISTRY)]
    return list(_SORTED)


def check(report: Report, previous: Report | None = None, select: set[str] | None = None,
          peers: Any = None, deadlines: Any = None) -> list[Finding]:
    """Run every rule (or those in ``select``) on ``report``; findings sorted by severity then code.
    The rules that compare with the agency's previous report run when it is given, those that read other
    reports of the store (GK8xx) when ``peers`` is (gongkai.store.peers). ``deadlines``: an office's
    publication deadlines (gongkai.formats.deadlines.load_deadlines) instead of 第四十九条's."""
    ctx = make_context(report, previous, peers, deadlines)
    unsure = {ref for ref, _ in doubtful(report, ctx)}  # the cells whose value gongkai is not sure of
    out: list[Finding] = []
    if len(_SORTED) != len(REGISTRY):
        catalogue()
    for r in _SORTED:
        if select is not None and r.code not in select:
            continue
        if (r.needs_previous and previous is None) or (r.needs_store and peers is None):
            continue
        for f in r.func(report, ctx):
            if unsure and not f.code.startswith(READING) and any(ref in unsure for ref in f.cells):
                continue  # it would rest on a value gongkai is not sure of: its GK7xx finding speaks instead
            f.file = report.source.path
            out.append(f)
    out.sort(key=lambda f: (_ORDER[f.severity], f.code))
    return out


READING = "GK7"  # the family of findings about gongkai's own reading


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


__all__ = ["SEVERITY_ZH", "Context", "Finding", "Rule", "catalogue", "check", "has_errors"]
