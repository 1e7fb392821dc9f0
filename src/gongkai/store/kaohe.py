"""考核 scores of stored reports (the pack and the arithmetic: gongkai.scoring), and the pack a store keeps.

The findings a stored report is scored on: the stored ones (the cross-year GK6xx included) and those of the
rules that read the store's other reports (GK8xx, worked out now, as on the report's page), less those an
office reviewer dismissed on the report's page (web decisions "dismissed": the office rejected the finding
as wrong, so it takes nothing off). The store's own pack is its YAML text in store_meta; without one, the
default pack applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select

from ..rollup import Rollup, rollup
from ..scoring import PER_ZH, Pack, PackError, Score, default_pack, load_pack, load_pack_file, points_text, score
from . import schema as S
from .decisions import dismissed, fingerprint
from .peers import peer_findings

# what ``gongkai score`` uses of the pack besides the store's side: loaded with it, when the command runs
__all__ = ["PER_ZH", "STORE_KEY", "PackError", "clear_pack", "load_pack_file", "points_text",
           "report_findings", "save_pack", "score_reports", "score_rollup", "scored_rollup", "store_pack", "stored_pack_text"]

STORE_KEY = "kaohe_pack"  # the store's own pack (its YAML text) in store_meta


def report_findings(store: Any, report_id: int, pack: Pack | None = None) -> list[dict[str, Any]]:
    """A stored report's findings as the score sees them: the stored ones and those of the rules that read
    the store's other reports, worked out now — with a ``pack``, only the ones it names (they are the slow
    part: each compares the report with the store's others)."""
    found = peer_findings(store, report_id, only=None if pack is None else pack.names)
    return store.findings(report_id) + [f.to_json() for f in found]


def score_reports(store: Any, report_ids: Sequence[int], pack: Pack) -> dict[int, Score]:
    """Each stored report's score under ``pack``, the findings a reviewer dismissed left out."""
    gone = dismissed(store.engine, report_ids)
    out: dict[int, Score] = {}
    for rid in report_ids:
        found = report_findings(store, rid, pack)
        fps = gone.get(rid)
        if not fps:
            out[rid] = score(pack, found)
            continue
        rejected = [fingerprint(f) in fps for f in found]
        out[rid] = score(pack, [f for f, r in zip(found, rejected, strict=True) if not r],
                         [f for f, r in zip(found, rejected, strict=True) if r])
    return out


def score_rollup(store: Any, ru: Rollup, pack: Pack) -> Rollup:
    """Each line of the roll-up ``ru`` scored under ``pack`` (in place)."""
    scores = score_reports(store, [ln.report_id for ln in ru.lines], pack)
    for ln in ru.lines:
        ln.score = scores[ln.report_id]
    ru.pack = pack
    return ru


def scored_rollup(store: Any, region: str, year: int, pack: Pack) -> Rollup:
    """The region's roll-up (gongkai.rollup) with each agency's score under ``pack``."""
    return score_rollup(store, rollup(store, region, year), pack)


def stored_pack_text(store: Any) -> str | None:
    m = S.store_meta.c
    with store.engine.connect() as conn:
        return conn.execute(select(m.value).where(m.key == STORE_KEY)).scalar()


def store_pack(store: Any) -> Pack:
    """The store's own pack when it has one (``save_pack``), else the default; PackError when the saved
    one no longer holds (a rule code gone from the catalogue)."""
    text = stored_pack_text(store)
    return default_pack() if text is None else load_pack(text, "本库保存的考核规则包")


def save_pack(store: Any, pack: Pack) -> None:
    """Keep ``pack`` (its text, checked when it was loaded) as the store's own."""
    assert pack.text is not None
    m = S.store_meta
    with store.engine.begin() as conn:
        conn.execute(delete(m).where(m.c.key == STORE_KEY))
        conn.execute(m.insert().values(key=STORE_KEY, value=pack.text))


def clear_pack(store: Any) -> bool:
    """Back to the default pack; False when the store had none of its own."""
    m = S.store_meta
    with store.engine.begin() as conn:
        return bool(conn.execute(delete(m).where(m.c.key == STORE_KEY)).rowcount)
