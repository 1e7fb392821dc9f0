"""Reviewers' decisions on findings, as the rest of the store reads them: a finding dismissed with a reason no
longer counts as open — not in the "有错误" counts, the roll-up, the 审核意见书 nor the 考核 score. The
decisions are written by the web application (gongkai.web.views.decide) into its table."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from ..web.schema import web_decisions

DISMISSED = "dismissed"  # the decision (web/schema.py DECISIONS) that rejects a finding


def fingerprint(f: dict[str, Any]) -> str:
    """A finding's stable name within its report: what it says, not its row id (a recheck that finds the
    same thing keeps the decision)."""
    at = f.get("at")
    if isinstance(at, dict) and list(at) == ["note"]:
        at = at["note"]  # a store written before gongkai.report/2: the text it was fingerprinted with then
    key = json.dumps([f.get("code"), list(f.get("cells") or []), at, f.get("message")], ensure_ascii=False)
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def dismissed(engine, report_ids: Iterable[int]) -> dict[int, set[str]]:
    """The fingerprints of the findings dismissed with a reason, by report."""
    ids = list(set(report_ids))
    out: dict[int, set[str]] = {}
    d = web_decisions.c
    with engine.connect() as conn:
        for i in range(0, len(ids), 500):
            for rid, fp, comment in conn.execute(select(d.report_id, d.fingerprint, d.comment).where(
                    d.report_id.in_(ids[i:i + 500]), d.decision == DISMISSED)):
                if comment and comment.strip():
                    out.setdefault(rid, set()).add(fp)
    return out


def open_findings(store: Any, report_id: int, findings: list[dict[str, Any]] | None = None,
                  gone: set[str] | None = None) -> list[dict[str, Any]]:
    """A report's findings that are still open (the stored ones unless ``findings`` is given)."""
    if gone is None:
        gone = dismissed(store.engine, [report_id]).get(report_id, set())
    found = store.findings(report_id) if findings is None else findings
    return [f for f in found if (f.get("fingerprint") or fingerprint(f)) not in gone]


def open_errors(store: Any, errors: dict[int, int]) -> dict[int, int]:
    """Each report's error findings that no reviewer dismissed, given the stored counts (report → errors);
    only a report with a dismissal needs its findings read."""
    ids = [rid for rid, n in errors.items() if n]
    if not ids:
        return {}
    gone = dismissed(store.engine, ids)
    return {rid: (sum(1 for f in open_findings(store, rid, gone=gone[rid]) if f["severity"] == "error")
                  if rid in gone else errors[rid]) for rid in ids}
