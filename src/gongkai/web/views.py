"""What the pages show, worked out from the core and the store: a report's tables in the official
layout with the cells its findings name, the passage of the source each value was read from, the
reviewers' decisions, an agency's figures over the years."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from itertools import pairwise
from threading import Lock
from typing import Any

from sqlalchemy import select

from ..checks import SEVERITY_ZH
from ..document import Document, Paragraph, Row
from ..formats import TABLE_NAMES, edition_for_year, get_edition
from ..formats.figures import FIGURES
from ..formats.files import FORMAT_NAMES
from ..formats.layout import grids
from ..limits import DEFAULT_LIMITS
from ..location import Location, table_of, zh
from ..model import DOUBTS, Report
from ..pipeline import NO_RULES, default_sandbox
from ..store import CellState, Store
from ..store import schema as S
from ..store.decisions import fingerprint
from ..store.peers import peer_findings
from ..store.reviews import beijing
from .auth import User, now
from .schema import DECISION_ZH, DECISIONS, web_decisions, web_users
from .zh import cell_place, value_zh

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
FORMAT_ZH = FORMAT_NAMES


def edition_key(report: Report) -> str:
    if report.edition:
        return report.edition
    ed = edition_for_year(report.year)
    return ed.key if ed else "2021"


# ---------------------------------------------------------------------------------------------- findings


def decisions(engine, report_id: int) -> dict[str, dict[str, Any]]:
    d, u = web_decisions, web_users
    with engine.connect() as conn:
        rows = conn.execute(select(d, u.c.username).select_from(d.outerjoin(u, d.c.user_id == u.c.id)).where(
            d.c.report_id == report_id)).mappings().all()
    return {m["fingerprint"]: {"decision": m["decision"], "decision_zh": DECISION_ZH.get(m["decision"]),
                               "comment": m["comment"], "by": m["username"],
                               "at": _bj(m["decided_at"])}
            for m in rows}


def _bj(at) -> str | None:
    """A stored time as the page shows it, in Beijing time."""
    b = beijing(at)
    return f"{b:%Y-%m-%d %H:%M}" if b is not None else None


def decide(engine, user: User, report_id: int, fp: str, code: str, decision: str, comment: str | None) -> None:
    if decision not in DECISIONS:
        raise ValueError(decision)
    d = web_decisions
    values = {"code": code, "decision": decision, "comment": (comment or "").strip()[:2000] or None,
              "user_id": user.id, "decided_at": now()}
    with engine.begin() as conn:
        done = conn.execute(d.update().where(d.c.report_id == report_id, d.c.fingerprint == fp).values(**values))
        if not done.rowcount:
            conn.execute(d.insert().values(report_id=report_id, fingerprint=fp, **values))


def cell_name(ed, ref: str) -> str:
    """表三「（七）总计」自然人 for a cell, 表三「（七）总计」 for a row, 表三（…） for a table; never the key."""
    if ref.count(".") == 0 and ref in TABLE_NAMES:
        return TABLE_NAMES[ref]
    return cell_place(ref, ed)


def _copies(f: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The other reports a copied-text finding (GK605, GK801) names, with the rate and the shared passages."""
    actual = f.get("actual")
    if f.get("code") not in ("GK605", "GK801") or not isinstance(actual, dict):
        return None
    if f["code"] == "GK801":  # other agencies' reports in the store
        return [c for c in actual.get("copies") or [] if isinstance(c, dict)]
    # GK605: last year's report, stored as the finding's previous report
    return [{"report_id": f.get("previous_id"), "agency": actual.get("agency"), "year": actual.get("year"),
             "rate": actual.get("rate"), "passages": actual.get("passages") or []}]


def findings_view(store: Store, report_id: int, report: Report, doc: Document | None) -> list[dict[str, Any]]:
    ed = get_edition(edition_key(report))
    decided = decisions(store.engine, report_id)
    out = []
    # the rules that read the store's other reports (copied text, the region's sum) are worked out now:
    # a report stored since changes them
    peers = [{**f.to_json(), "previous_id": None, "peer": True} for f in peer_findings(store, report_id, report)]
    for i, f in enumerate(store.findings(report_id) + peers):
        fp = fingerprint(f)
        cells = f.get("cells") or []
        at = Location.from_json(f.get("at")) or next(
            (c.at for c in (report.cell(ref) for ref in cells if ref.count(".") == 2) if c is not None and c.at), None)
        table = table_of(cells)
        out.append({
            **f, "index": i, "fingerprint": fp, "severity_zh": SEVERITY_ZH.get(f["severity"], f["severity"]),
            "cell_names": [cell_name(ed, c) for c in cells],
            "decision": decided.get(fp),
            "expected_zh": value_zh(f.get("expected"), ed), "actual_zh": value_zh(f.get("actual"), ed),
            "passage": passage(doc, at, table=table) if doc is not None and at is not None else None,
            "where": zh(at, table) or None,
            "copies": _copies(f),
        })
    out.sort(key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["code"], f["index"]))
    return out


# ---------------------------------------------------------------------------------------------- tables


def _expand(ref: str, ed) -> list[str]:
    parts = ref.split(".")
    try:
        if len(parts) == 2:
            return [f"{ref}.{c.key}" for c in ed.table(parts[0]).row(parts[1]).columns]
        if len(parts) == 1:
            return [f"{ref}.{r.key}.{c.key}" for r in ed.table(ref).rows for c in r.columns]
    except KeyError:
        return []
    return [ref]


def tables_view(report: Report, findings: list[dict[str, Any]] | None = None,
                edition: str | None = None) -> list[dict[str, Any]]:
    """The three tables as rows of cells (official merged layout), each value cell with what was printed,
    where, and the findings that name it."""
    key = edition or edition_key(report)
    ed = get_edition(key)
    flags: dict[str, list[int]] = {}
    worst: dict[str, int] = {}
    for f in findings or []:
        for ref in f.get("cells") or []:
            for r in _expand(ref, ed):
                flags.setdefault(r, []).append(f["index"])
                worst[r] = min(worst.get(r, 9), SEVERITY_ORDER.get(f["severity"], 9))
    out = []
    for tkey, g in grids(key).items():
        rows = []
        for grow in g.rows():
            row_ref = next((".".join(c.ref.split(".")[:2]) for c in grow if c.ref), None)
            cells = []
            for c in grow:
                item: dict[str, Any] = {"text": c.text, "rowspan": c.rowspan, "colspan": c.colspan, "kind": c.kind, "ref": c.ref,
                        "classes": [f"k-{c.kind}"], "title": None, "findings": []}
                if c.kind == "label" and row_ref:
                    item["row"] = row_ref
                if c.ref:
                    cell = report.cell(c.ref)
                    if cell is not None and cell.uncertain:
                        # gongkai's own doubt, not the agency's: the value read (if any) or a question mark
                        item["text"], state = (_shown(cell.value) if cell.value is not None else "？"), "uncertain"
                        item["uncertain"] = True
                    elif cell is not None and cell.how == "reviewer":
                        item["text"], state = _shown(cell.value), "reviewed"
                        item["uncertain"] = True
                    elif cell is None or cell.raw is None:
                        item["text"], state = "", "missing"
                    elif cell.blank:
                        item["text"], state = "", "blank"
                    elif cell.nil:
                        item["text"], state = cell.raw.strip(), "nil"
                    elif cell.unreadable:
                        item["text"], state = cell.raw.strip(), "unreadable"
                    else:
                        item["text"], state = cell.raw.strip(), "number"
                    item["classes"].append(f"s-{state}")
                    if cell is not None and cell.at is not None and cell.at.computed:
                        item["classes"].append("s-computed")
                    item["title"] = _cell_title(ed, c.ref, cell, state)
                    item["at"] = cell.at.to_json() if cell is not None and cell.at is not None else None
                    if c.ref in flags:
                        item["findings"] = flags[c.ref]
                        item["classes"].append("flag-" + ("error", "warning", "info")[worst[c.ref]])
                cells.append(item)
            rows.append(cells)
        out.append({"key": tkey, "name": TABLE_NAMES[tkey], "title": ed.table(tkey).title, "rows": rows,
                    "ncols": g.ncols, "head_rows": g.head_rows, "edition": key,
                    "present": bool(report.tables.get(tkey))})
    return out


_STATE_ZH = {"missing": "未填报（报告中没有这一格）", "blank": "空白", "nil": "填写为无（“/”等）",
             "unreadable": "无法识别为数字", "number": "", "uncertain": "读取不确定，待审核人看原件录入",
             "reviewed": "审核人看原件录入"}


def _shown(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def _cell_title(ed, ref: str, cell, state: str) -> str:
    parts = [cell_name(ed, ref)]
    if _STATE_ZH.get(state):
        parts.append(_STATE_ZH[state])
    if state == "uncertain":
        if cell.doubt in DOUBTS:
            parts.append(DOUBTS[cell.doubt])
        if cell.candidates:
            parts.append("可能是 " + " 或 ".join(_shown(v) for v in cell.candidates))
        if cell.raw and cell.raw.strip():
            parts.append(f"原文“{cell.raw.strip()[:40]}”")
    at = cell.at if cell is not None else None
    where = zh(at, ref.split(".", 1)[0])
    if at is not None and where:
        parts.append(where if at.computed else f"位置：{where}")
    return "；".join(parts)


# ---------------------------------------------------------------------------------------------- uncertain cells


def cell_groups(cells: list[CellState]) -> list[dict[str, Any]]:
    """The uncertain and reviewed cells of a report by table row, in printed order: the row's name, and
    the text and the reason its cells share (a run of digits printed together: shown once)."""
    groups: dict[str, dict[str, Any]] = {}
    for c in cells:
        g = groups.setdefault(c.row_ref, {"name": c.row_name, "cells": []})
        g["cells"].append(c)
    for g in groups.values():
        raws = {_printed(c) for c in g["cells"]}
        whys = {c.doubt_zh for c in g["cells"] if c.uncertain}
        g["raw"] = raws.pop() if len(raws) == 1 and len(g["cells"]) > 1 else None
        g["why"] = whys.pop() if len(whys) == 1 else None
        g["open"] = sum(1 for c in g["cells"] if c.uncertain)
    return list(groups.values())


def _printed(c: CellState) -> str | None:
    """What gongkai saw in the cell: the printed or recognised text (before a reviewer's reading)."""
    raw = c.review.was.get("raw") if c.review is not None else c.raw
    return raw.strip() if isinstance(raw, str) and raw.strip() else None


# ---------------------------------------------------------------------------------------------- the source


class _DocCache:
    """Stored originals read again, by sha256 (a few dozen kept), through the pipeline in the process's
    sandbox (the reading bounded like any upload's): the Document, for the passages shown beside the
    findings, and the Report as read (no rules run), for recomputing a report's findings when a reviewer
    enters a value (gongkai.store.reviews)."""

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self.items: OrderedDict[str, tuple[Document | None, Report | None]] = OrderedDict()
        self.lock = Lock()

    def get(self, store: Store, report_id: int, sha256: str) -> Document | None:
        return self._read(store, report_id, sha256)[0]

    def reading(self, store: Store, report_id: int, sha256: str) -> Report | None:
        """The report as the pipeline reads its original (shared: copy it before changing it)."""
        return self._read(store, report_id, sha256)[1]

    def _read(self, store: Store, report_id: int, sha256: str) -> tuple[Document | None, Report | None]:
        with self.lock:
            if sha256 in self.items:
                self.items.move_to_end(sha256)
                return self.items[sha256]
        try:
            name, data = store.original(report_id)
            done = default_sandbox().run(data, name, DEFAULT_LIMITS, select=NO_RULES, report=True, document=True)
            got = (done.document, done.report)
        except Exception:  # noqa: BLE001  the page still shows the stored report without its source
            got = (None, None)
        with self.lock:
            self.items[sha256] = got
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return got


DOCUMENTS = _DocCache()


def _same_row(row: Location, at: Location) -> bool:
    """``at`` is a cell of the table row at ``row`` (a web page's cell has a source line of its own)."""
    return row.table is not None and (row.page, row.box, row.table, row.row) == (at.page, at.box, at.table, at.row)


def passage(doc: Document | None, at: Location | None, around: int = 2, table: str | None = None
            ) -> dict[str, Any] | None:
    """The blocks printed around ``at`` (a paragraph or a table row, and its neighbours), the one at ``at``
    marked — what the reviewer compares the value with. ``table``: the official table the finding names,
    for saying where in Chinese. Locations are compared as objects; a location kept as text from an older
    store (a note) finds no passage."""
    if doc is None or at is None:
        return None
    target = replace(at, char=None) if at.char is not None else at  # a paragraph's character: the paragraph
    hit = next((i for i, b in enumerate(doc.blocks)
                if b.at == target or (isinstance(b, Row) and any(c.at == target for c in b.cells))), None)
    if hit is None:
        hit = next((i for i, b in enumerate(doc.blocks) if isinstance(b, Row) and _same_row(b.at, target)), None)
    if hit is None:
        return None
    blocks = []
    for i in range(max(0, hit - around), min(len(doc.blocks), hit + around + 1)):
        b = doc.blocks[i]
        if isinstance(b, Paragraph):
            blocks.append({"kind": "paragraph", "where": zh(b.at), "text": b.text[:600], "hit": i == hit})
        else:
            cells = [{"text": c.text, "hit": i == hit and c.at == target and c.at != b.at} for c in b.cells]
            blocks.append({"kind": "row", "where": zh(b.at), "cells": cells, "hit": i == hit})
    return {"at": at.to_json(), "where": zh(at, table), "blocks": blocks}


# ---------------------------------------------------------------------------------------------- an agency


@dataclass(slots=True)
class YearFigures:
    year: int
    report_id: int
    values: dict[str, Any]


def _figure(cells: dict[str, Any], refs: tuple[str, ...]):
    vals = [cells.get(r) for r in refs]
    if all(v is None for v in vals):
        return None
    total = sum(v for v in vals if v is not None)
    return int(total) if float(total).is_integer() else round(total, 4)


def figures_by_report(store: Store, report_ids: list[int]) -> dict[int, dict[str, Any]]:
    wanted = {r for f in FIGURES for r in f.cells}
    out: dict[int, dict[str, Any]] = {rid: {} for rid in report_ids}
    if not report_ids:
        return out
    c = S.cells.c
    with store.engine.connect() as conn:
        for rid, t, r, col, v in conn.execute(select(c.report_id, c.table_key, c.row_key, c.column_key, c.value).where(
                c.report_id.in_(report_ids))):
            ref = f"{t}.{r}.{col}"
            if ref in wanted:
                out[rid][ref] = v
    return {rid: {f.key: _figure(cells, f.cells) for f in FIGURES} for rid, cells in out.items()}


def year_over_year(store: Store, rows) -> dict[str, Any]:
    """Key figures of an agency's current reports, year by year, with the change from the year before."""
    current = sorted((r for r in rows if r.current and r.year is not None), key=lambda r: r.year)
    figs = figures_by_report(store, [r.id for r in current])
    years = [r.year for r in current]
    lines = []
    for fig in FIGURES:
        key, name = fig.key, fig.name
        values = [figs[r.id].get(key) for r in current]
        if all(v is None for v in values):
            continue
        changes: list[dict[str, Any] | None] = [None]
        for prev, cur in pairwise(values):
            if prev is None or cur is None:
                changes.append(None)
            else:
                changes.append({"delta": cur - prev, "pct": (cur - prev) / prev if prev else None})
        lines.append({"key": key, "name": name, "series": values, "changes": changes})
    return {"years": years, "report_ids": [r.id for r in current], "lines": lines}


def crossyear_findings(store: Store, rows) -> list[dict[str, Any]]:
    out = []
    by_id = {r.id: r for r in rows}
    for r in sorted(rows, key=lambda r: (r.year or 0)):
        if not r.current:
            continue
        for f in store.findings(r.id):
            if f.get("previous_id") is not None or f["code"].startswith("GK6"):
                prev = by_id.get(f.get("previous_id"))
                out.append({**f, "report_id": r.id, "year": r.year, "previous_year": prev.year if prev else None,
                            "severity_zh": SEVERITY_ZH.get(f["severity"], f["severity"])})
    return out
