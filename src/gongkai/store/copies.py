"""Copied text against the store: the share of a report's narrative printed in other agencies' reports
(GK801), with the passages.

Worked out when asked (the report's page), so it reads little: the candidates are the current reports
sharing an LSH band with this report's stored MinHash signature (gongkai.store.similar.band_hits: one
indexed query, no pass over the store) and the reports of this year and last of the agencies of the same
county (or of a city's own agencies), where one agency's text is most often another's. Their stored
signatures and 5-gram counts estimate the share of this report's 5-grams each holds; the likeliest
(at most ``CANDIDATES``, other agencies only) are read and measured exactly with
gongkai.similar.copy_rate. Elsewhere the band index alone finds a pair whose 5-gram sets are half the
same with probability 0.87, at 0.3 with 0.23: a report copied in part from a distant, much longer one may
be missed — what is named is measured, not everything is found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from .. import similar as sim
from ..agencies import canonical_name
from ..checks.copied import kept, shared_passages
from ..model import Report
from . import schema as S
from .similar import band_hits

CANDIDATES = 8  # other reports measured exactly, the likeliest first
POOL = 200  # reports looked at of each source (band hits, the same place's reports)
LIKELY = 0.3  # estimated share of this report's 5-grams in the other below which it is not read


@dataclass(slots=True)
class Copy:
    """Another agency's report that prints a share of this report's narrative."""

    report_id: int
    agency_id: int | None
    agency: str | None
    year: int | None
    rate: float  # share of this report's counted narrative printed in the other (gongkai.similar.copy_rate)
    chars: int  # this report's counted narrative characters
    shared: int  # of them, in passages the other report prints too
    passages: list[str] = field(default_factory=list)  # the longest shared, as printed in this report

    @property
    def percent(self) -> int:
        return sim.percent(self.rate)

    def to_json(self) -> dict[str, Any]:
        return {"report_id": self.report_id, "agency_id": self.agency_id, "agency": self.agency, "year": self.year,
                "rate": self.percent, "chars": self.chars, "shared": self.shared,
                "passages": kept(self.passages)}


def copies(store: Any, report_id: int, report: Report, *, at_least: int = sim.COPY_LIMIT + 1) -> list[Copy]:
    """Other agencies' stored reports printing at least ``at_least`` percent of this report's narrative,
    the highest share first, one per agency."""
    mine = sim.prepare(sim.narrative_text(report))
    if mine.chars < sim.COPY_MIN_CHARS or not store.text_params_current():
        return []
    r, a, t = S.reports, S.agencies, S.text_signatures
    with store.engine.connect() as conn:
        head = conn.execute(select(r.c.agency_id, r.c.agency_printed, r.c.year, t.c.signature, t.c.shingles,
                                   a.c.province, a.c.city, a.c.county).select_from(
            r.outerjoin(t, t.c.report_id == r.c.id).outerjoin(a, r.c.agency_id == a.c.id)).where(
            r.c.id == report_id)).first()
        if head is None or head.signature is None:
            return []
        signature = bytes(head.signature)
        pool = {rid for rid, _ in band_hits(conn, signature).most_common(POOL)}
        pool |= _same_place(conn, head)
        pool.discard(report_id)
        if not pool:
            return []
        own = canonical_name(head.agency_printed) if head.agency_printed else None
        others = {}
        for row in conn.execute(select(r.c.id, r.c.agency_id, r.c.agency_printed, r.c.year, a.c.name, t.c.signature,
                                       t.c.shingles).select_from(r.join(t, t.c.report_id == r.c.id).outerjoin(
                                           a, r.c.agency_id == a.c.id)).where(r.c.id.in_(sorted(pool)), r.c.current)):
            if head.agency_id is not None and row.agency_id == head.agency_id:
                continue  # the agency's own other years: GK605's business
            if own and row.agency_printed and canonical_name(row.agency_printed) == own:
                continue
            others[row.id] = row
        likely = sorted(((_contained(signature, head.shingles, bytes(o.signature), o.shingles), rid)
                         for rid, o in others.items()), key=lambda x: (-x[0], x[1]))
        nearest = [rid for c, rid in likely if c >= LIKELY][:CANDIDATES]
        data = dict(conn.execute(select(r.c.id, r.c.data).where(r.c.id.in_(nearest))).all()) if nearest else {}
    out = []
    for rid in nearest:
        rate = sim.copy_rate(mine, sim.narrative_text(json.loads(data[rid])))
        if rate is None or rate.percent < at_least:
            continue
        row = others[rid]
        out.append(Copy(rid, row.agency_id, row.name or row.agency_printed, row.year, rate.rate, rate.chars,
                        rate.shared, [p for p, _ in shared_passages(mine, rate)]))
    # one report per agency: the highest share; of equals, the nearest year (an agency copied in two years
    # is named once)
    out.sort(key=lambda c: (-c.rate, abs(c.year - head.year) if c.year and head.year else 99, -(c.year or 0),
                            c.report_id))
    seen: set[object] = set()
    kept = []
    for c in out:
        who = c.agency_id if c.agency_id is not None else canonical_name(c.agency or str(c.report_id))
        if who not in seen:
            seen.add(who)
            kept.append(c)
    return kept


def _same_place(conn, head) -> set[int]:
    """The current reports, this year's and last year's, of the agencies of this report's county (or of its
    city's own agencies): where one agency's text is most often another's."""
    if head.province is None and head.city is None and head.county is None:
        return set()
    r, a = S.reports, S.agencies
    q = select(r.c.id).select_from(r.join(a, r.c.agency_id == a.c.id)).where(
        r.c.current, *(col.is_(None) if v is None else col == v
                       for col, v in ((a.c.province, head.province), (a.c.city, head.city),
                                      (a.c.county, head.county))))
    if head.year is not None:
        q = q.where(r.c.year.in_((head.year - 1, head.year)))
    return set(conn.execute(q.order_by(r.c.id.desc()).limit(POOL)).scalars())


def _contained(mine: bytes, mine_size: int, other: bytes, other_size: int) -> float:
    """The estimated share of this report's 5-grams found in the other's, from the two MinHash signatures
    (estimated Jaccard J and the set sizes: |A∩B| = J(|A|+|B|)/(1+J))."""
    j = sim.estimate(mine, other)
    return j * (mine_size + other_size) / ((1 + j) * mine_size) if mine_size else 0.0
