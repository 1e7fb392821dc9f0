"""The store's other reports as the rules that need them see them (GK8xx, ``ctx.peers``): a report is
judged against the store as it is now, so these findings are worked out when asked for (the report's
page, the roll-up's scores), never kept: a report stored later changes them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..checks import Finding, catalogue, check
from ..model import Report
from ..register.store import tables_for_report
from . import copies, regionsum


def store_codes() -> frozenset[str]:
    return frozenset(r.code for r in catalogue() if r.needs_store)


class StorePeers:
    """What the GK8xx rules may ask of the store about one stored report."""

    def __init__(self, store: Any, report_id: int) -> None:
        self.store = store
        self.report_id = report_id

    def copies(self, report: Report) -> Any:
        return copies.copies(self.store, self.report_id, report)

    def region_sum(self, report: Report) -> Any:
        return regionsum.region_sum(self.store, self.report_id, report)

    def register_tables(self, report: Report) -> Any:
        """Tables 三 and 四 of the report's year from the agency's application register (None: none kept)."""
        return tables_for_report(self.store, self.report_id, report)


def peer_findings(store: Any, report_id: int, report: Report | None = None,
                  only: Callable[[str], bool] | None = None) -> list[Finding]:
    """The findings of the rules that read other reports of the store (those ``only`` keeps, when given),
    for one stored report."""
    codes = {c for c in store_codes() if only is None or only(c)}
    if not codes:
        return []
    if report is None:
        report = store.load_report(report_id)
    found = check(report, select=set(codes), peers=StorePeers(store, report_id))
    for f in found:
        f.file = None
    return found
