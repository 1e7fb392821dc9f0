"""Near-duplicate narratives among stored reports, through the LSH bands persisted in the store
(no pass over all pairs): candidates share a band, the MinHash signatures give the estimate, the texts
give the exact figure and the shared passages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, tuple_

from .. import similar as sim
from . import schema as S
from .db import StoreError


@dataclass(slots=True)
class Match:
    report_id: int
    agency_id: int | None
    agency: str | None
    year: int | None
    estimate: float  # MinHash estimate of the Jaccard similarity
    similarity: float  # exact Jaccard similarity of the two narratives' 5-gram sets
    relation: str  # same-agency (text reused from another year) | other-agency (copied)
    passages: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"report_id": self.report_id, "agency_id": self.agency_id, "agency": self.agency, "year": self.year,
                "similarity": round(self.similarity, 3), "estimate": round(self.estimate, 3),
                "relation": self.relation, "passages": list(self.passages)}


@dataclass(slots=True)
class Query:
    report_id: int | None
    agency_id: int | None
    agency: str | None
    year: int | None
    text: str
    signature: bytes | None


def query_for_report(store, report_id: int) -> Query:
    with store.engine.connect() as conn:
        row = conn.execute(select(S.reports.c.agency_id, S.reports.c.agency_printed, S.reports.c.year,
                                  S.agencies.c.name).select_from(S.reports.outerjoin(
                                      S.agencies, S.reports.c.agency_id == S.agencies.c.id)).where(
            S.reports.c.id == report_id)).first()
        sig = conn.execute(select(S.text_signatures.c.signature).where(
            S.text_signatures.c.report_id == report_id)).scalar()
    if row is None:
        raise StoreError(f"库中没有编号为 {report_id} 的报告", f"no report {report_id} in the store")
    text = sim.narrative_text(store.report_json(report_id))
    return Query(report_id, row.agency_id, row.name or row.agency_printed, row.year, text,
                 bytes(sig) if sig is not None else None)


def query_for_text(text: str, agency: str | None = None, year: int | None = None) -> Query:
    sk = sim.sketch(text)
    return Query(None, None, agency, year, text, sk.signature if sk else None)


def similar(store, q: Query, *, threshold: float = sim.DEFAULT_THRESHOLD, limit: int = 10,
            passages: int = 3) -> list[Match]:
    """Stored current reports whose narrative is nearly the same as the query's, most similar first."""
    if q.signature is None:
        return []
    if not store.text_params_current():
        raise StoreError("库中的文本签名是用其他参数生成的，请先运行 gongkai recheck",
                         "the stored text sketches were made with other parameters: run gongkai recheck")
    with store.engine.connect() as conn:
        hits = band_hits(conn, q.signature)
        if q.report_id is not None:
            hits.pop(q.report_id, None)
        if not hits:
            return []
        sigs = signatures(conn, list(hits))
    scored = sorted(((sim.estimate(q.signature, s), rid) for rid, s in sigs.items()), reverse=True)
    # the estimate has an error of about ±0.09 at 128 permutations: keep those near the threshold for the exact check
    candidates = [(e, rid) for e, rid in scored if e >= threshold - 0.1][: max(limit * 3, limit + 10)]
    if not candidates:
        return []
    rows = {r.id: r for r in store.reports(ids=[rid for _, rid in candidates], all_versions=True)}
    out = []
    for est, rid in candidates:
        row = rows.get(rid)
        if row is None:
            continue
        other = sim.narrative_text(store.report_json(rid))
        exact = sim.jaccard(q.text, other)
        if exact < threshold:
            continue
        same = q.agency_id is not None and row.agency_id == q.agency_id
        out.append(Match(rid, row.agency_id, row.agency, row.year, est, exact,
                         "same-agency" if same else "other-agency",
                         sim.shared_passages(q.text, other, limit=passages) if passages else []))
    out.sort(key=lambda m: (-m.similarity, m.report_id))
    return out[:limit]


def band_hits(conn, signature: bytes) -> Counter[int]:
    """The current reports sharing an LSH band with ``signature``: report id → bands shared."""
    keys = sim.band_keys(sim.signature_array(signature))
    hits: Counter[int] = Counter()
    b = S.text_bands
    for i in range(0, len(keys), 16):  # a few statements rather than one with 64 parameters
        part = keys[i:i + 16]
        for rid, n in conn.execute(select(b.c.report_id, func.count()).where(
                tuple_(b.c.band, b.c.key).in_(part)).group_by(b.c.report_id)):
            hits[rid] += n
    return hits


def signatures(conn, ids: list[int]) -> dict[int, bytes]:
    out = {}
    for i in range(0, len(ids), 500):
        for rid, sig in conn.execute(select(S.text_signatures.c.report_id, S.text_signatures.c.signature).where(
                S.text_signatures.c.report_id.in_(ids[i:i + 500]))):
            out[rid] = bytes(sig)
    return out


def similar_pairs(store, *, threshold: float = sim.DEFAULT_THRESHOLD, max_bucket: int = 1000
                  ) -> list[tuple[int, int, float]]:
    """Every pair of current reports whose narratives are nearly the same: (id, id, estimate), most similar
    first, from the band buckets with more than one report (buckets larger than ``max_bucket`` are skipped:
    a text that many reports share is a template, listed by `similar` per report instead)."""
    out = list(iter_similar_pairs(store, threshold=threshold, max_bucket=max_bucket))
    out.sort(key=lambda t: (-t[2], t[0], t[1]))
    return out


PAIRS_AT_ONCE = 20_000  # candidate pairs estimated at a time (with their signatures)


def iter_similar_pairs(store, *, threshold: float = sim.DEFAULT_THRESHOLD, max_bucket: int = 1000
                       ) -> Iterator[tuple[int, int, float]]:
    """The pairs of :func:`similar_pairs`, in the order of their ids, in bounded memory: the database pairs
    up the buckets' members (each pair once, streamed in order) and the signatures are read for a few
    thousand pairs at a time, so that memory holds neither every bucket nor every candidate pair."""
    b = S.text_bands
    one, two = b.alias("one"), b.alias("two")
    buckets = select(b.c.band, b.c.key).group_by(b.c.band, b.c.key).having(
        func.count() > 1, func.count() <= max_bucket).subquery()
    q = select(one.c.report_id, two.c.report_id).select_from(
        buckets.join(one, (one.c.band == buckets.c.band) & (one.c.key == buckets.c.key)).join(
            two, (two.c.band == buckets.c.band) & (two.c.key == buckets.c.key)
            & (one.c.report_id < two.c.report_id))).distinct().order_by(one.c.report_id, two.c.report_id)
    with store.engine.connect() as conn, store.engine.connect() as other:
        result = conn.execution_options(stream_results=True, yield_per=PAIRS_AT_ONCE).execute(q)
        for part in result.partitions(PAIRS_AT_ONCE):
            sigs = signatures(other, sorted({i for pair in part for i in pair}))
            for x, y in part:
                e = sim.estimate(sigs[x], sigs[y])
                if e >= threshold:
                    yield x, y, e
