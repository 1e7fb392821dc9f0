"""Cells gongkai could not read with certainty, and the values reviewers read by eye for them.

A cell is uncertain when its ``doubt`` is set (model.Cell): run-together digits that several splits fit, or
a scan OCR was not sure of. A reviewer looks at the printed text or at the scanned cell and enters the value;
:func:`set_value` keeps it with who and when (``cell_reviews``), puts it into the report read again from its
original (the pipeline's reading), runs the same rules the pipeline runs on it, and rewrites the report's
cells, findings and JSON — with the cross-year rules of its agency — in one transaction. A later recheck
reads the original again and puts the reviewers' values in again.

The web page (gongkai.web) and the command line (``gongkai cells``) both go through this module.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Connection

from ..access import WriteGuard
from ..checks import check
from ..errors import GongkaiError
from ..formats import EDITIONS, edition_for_year
from ..formats.base import Column
from ..limits import DEFAULT_LIMITS, Limits
from ..model import DOUBTS, NIL_MARKERS, Report
from ..pipeline import NO_RULES, Sandbox, default_sandbox
from . import schema as S
from .ingest import replace_rows, stored_reviews
from .work import apply_reviews, from_report
from .writer import Writer, crossyear_agency

BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")
MAX_VALUE = 10**12  # more than any count or amount of a report; a database number holds it exactly

HOW_ZH = {"printed": "按原文读出", "split": "由连在一起的数字拆分得出", "ocr": "扫描识别", "reviewer": "审核人看原件录入"}
KIND_ZH = {"count": "件数", "signed": "增减数", "amount": "金额"}


class ReviewError(GongkaiError):
    """A value that cannot be entered, and why (``status``: 404 no such report, 403 outside the
    principal's scope, 422 the input, 409 the original cannot be read again)."""

    code = "review"

    def __init__(self, zh: str, en: str = "", *, status: int = 422) -> None:
        super().__init__(zh, en)
        self.status = status


# ---------------------------------------------------------------------------------------------- times


def beijing(at: dt.datetime | None) -> dt.datetime | None:
    """A stored time in Beijing time (SQLite gives naive UTC back)."""
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(BEIJING)


def beijing_text(at: dt.datetime | None) -> str:
    """2026-12-07 14:03（北京时间）."""
    b = beijing(at)
    return f"{b:%Y-%m-%d %H:%M}（北京时间）" if b is not None else ""


# ---------------------------------------------------------------------------------------------- the cells


@dataclass(slots=True)
class Review:
    """A value a reviewer read by eye."""

    value: int | float | None  # None: the reviewer saw a nil mark or a blank cell (``raw`` says which)
    raw: str  # the cell's text as the reviewer read it: "12", "/", "" (blank)
    entered: str  # as typed
    reviewer: str
    at: dt.datetime
    was: dict[str, Any] = field(default_factory=dict)  # what gongkai had read: raw, how, doubt, candidates …

    def to_json(self) -> dict[str, Any]:
        b = beijing(self.at)
        return {"value": self.value, "raw": self.raw, "entered": self.entered, "reviewer": self.reviewer,
                "reviewed_at": b.isoformat(timespec="seconds") if b else None, "was": self.was}

    @property
    def shown(self) -> str:
        """The value as the page shows it: 12, “/”, 空白."""
        if self.value is not None:
            return str(self.value)
        return "空白" if not self.raw else f"“{self.raw}”"

    @property
    def when(self) -> str:
        return beijing_text(self.at)


@dataclass(slots=True)
class CellState:
    """An uncertain or reviewed cell of a stored report, as the review page, the API and the CLI show it."""

    report_id: int
    ref: str  # table.row.column
    name: str  # 表四「行政复议」结果维持
    value: int | float | None
    raw: str | None
    how: str
    doubt: str | None
    candidates: tuple[int | float, ...]
    confidence: float | None
    has_crop: bool
    kind: str  # count | signed | amount
    unit: str | None
    review: Review | None = None
    edition: str | None = None  # the report's edition (for the cells' order)

    @property
    def uncertain(self) -> bool:
        return self.doubt is not None

    @property
    def row_ref(self) -> str:
        return self.ref.rsplit(".", 1)[0]

    @property
    def row_name(self) -> str:
        """表四「行政复议」"""
        head, sep, _ = self.name.partition("」")
        return head + sep if sep else self.row_ref

    @property
    def column_name(self) -> str:
        """结果维持"""
        _, sep, tail = self.name.partition("」")
        return tail if sep else self.ref.rsplit(".", 1)[1]

    @property
    def doubt_zh(self) -> str:
        return DOUBTS.get(self.doubt or "", self.doubt or "")

    @property
    def how_zh(self) -> str:
        return HOW_ZH.get(self.how, self.how)

    @property
    def crop_url(self) -> str | None:
        return f"/reports/{self.report_id}/cells/{self.ref}/crop.png" if self.has_crop else None

    def to_json(self, crop_prefix: str = "") -> dict[str, Any]:
        return {
            "cell": self.ref, "name": self.name, "value": self.value, "raw": self.raw, "how": self.how,
            "doubt": self.doubt, "doubt_zh": self.doubt_zh or None, "candidates": list(self.candidates),
            "confidence": self.confidence, "kind": self.kind, "unit": self.unit,
            "crop_url": (crop_prefix + self.crop_url) if self.crop_url else None,
            "review": self.review.to_json() if self.review else None,
        }


def _number(v: float | None) -> int | float | None:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def column_of(ref: str, edition: str | None) -> tuple[str, Column] | None:
    """The cell's name and column definition, in ``edition`` first, else in the other editions."""
    parts = ref.split(".")
    if len(parts) != 3:
        return None
    keys = [edition] if edition in EDITIONS else []
    keys += [k for k in sorted(EDITIONS, reverse=True) if k not in keys]
    for key in keys:
        ed = EDITIONS[key]
        try:
            row = ed.table(parts[0]).row(parts[1])
        except KeyError:
            continue
        col = next((c for c in row.columns if c.key == parts[2]), None)
        if col is not None:
            return ed.cell_label(ref), col
    return None


def _order(ref: str, edition: str | None) -> tuple[int, int, int, str]:
    """Where a cell is printed: table, row, column, in the edition's order."""
    t, r, c = ref.split(".")
    ed = EDITIONS.get(edition or "") or EDITIONS[max(EDITIONS)]
    try:
        tdef = ed.table(t)
        ti = ed.tables.index(tdef)
        rdef = tdef.row(r)
        ri = tdef.rows.index(rdef)
        ci = next(i for i, col in enumerate(rdef.columns) if col.key == c)
    except (KeyError, StopIteration):
        return (9, 0, 0, ref)
    return (ti, ri, ci, ref)


def _edition(conn: Connection, report_id: int) -> str | None:
    row = conn.execute(select(S.reports.c.edition, S.reports.c.year).where(S.reports.c.id == report_id)).first()
    if row is None:
        return None
    if row.edition:
        return row.edition
    ed = edition_for_year(row.year)
    return ed.key if ed else None


def _state(report_id: int, edition: str | None, m, crops: set[str], review: Review | None) -> CellState:
    ref = f"{m['table_key']}.{m['row_key']}.{m['column_key']}"
    col = column_of(ref, edition)
    name, kind, unit = (col[0], col[1].kind, col[1].unit) if col else (ref, "count", None)
    cands = tuple(v for v in map(_number, json.loads(m["candidates"]) if m["candidates"] else ()) if v is not None)
    return CellState(report_id, ref, name, _number(m["value"]), m["raw"], m["how"] or "printed", m["doubt"], cands,
                     m["confidence"], ref in crops, kind, unit, review, edition)


def _reviews(conn: Connection, report_ids: list[int]) -> dict[tuple[int, str], Review]:
    r = S.cell_reviews.c
    out = {}
    for m in conn.execute(select(S.cell_reviews).where(r.report_id.in_(report_ids))).mappings():
        out[(m["report_id"], f"{m['table_key']}.{m['row_key']}.{m['column_key']}")] = Review(
            _number(m["value"]), m["raw"], m["entered"], m["reviewer"], m["reviewed_at"],
            json.loads(m["was"]) if m["was"] else {})
    return out


def cell_states(store, report_ids: Iterable[int], *, reviewed: bool = True) -> dict[int, list[CellState]]:
    """Every uncertain cell of these reports — and, with ``reviewed``, every cell a reviewer read — in
    the order they are printed."""
    ids = list(dict.fromkeys(report_ids))
    out: dict[int, list[CellState]] = {rid: [] for rid in ids}
    c = S.cells.c
    with store.engine.connect() as conn:
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            wanted = or_(c.doubt.is_not(None), c.how == "reviewer") if reviewed else c.doubt.is_not(None)
            rows = conn.execute(select(S.cells).where(c.report_id.in_(chunk), wanted)).mappings().all()
            if not rows:
                continue
            reviews = _reviews(conn, chunk) if reviewed else {}
            k = S.cell_crops.c
            crops: dict[int, set[str]] = {}
            for rid, t, rk, col in conn.execute(select(k.report_id, k.table_key, k.row_key, k.column_key).where(
                    k.report_id.in_(chunk))):
                crops.setdefault(rid, set()).add(f"{t}.{rk}.{col}")
            editions = {rid: _edition(conn, rid) for rid in {m["report_id"] for m in rows}}
            for m in rows:
                rid = m["report_id"]
                ref = f"{m['table_key']}.{m['row_key']}.{m['column_key']}"
                out[rid].append(_state(rid, editions[rid], m, crops.get(rid, set()), reviews.get((rid, ref))))
    for states in out.values():
        states.sort(key=lambda s: _order(s.ref, s.edition))
    return out


def report_cells(store, report_id: int) -> list[CellState]:
    """The uncertain and the reviewed cells of one report."""
    return cell_states(store, [report_id])[report_id]


def crop(store, report_id: int, ref: str) -> bytes | None:
    """The scanned image (PNG) of a cell, when the store keeps one."""
    parts = ref.split(".")
    if len(parts) != 3:
        return None
    k = S.cell_crops.c
    with store.engine.connect() as conn:
        data = conn.execute(select(k.png).where(k.report_id == report_id, k.table_key == parts[0],
                                                k.row_key == parts[1], k.column_key == parts[2])).scalar()
    return bytes(data) if data is not None else None


# ---------------------------------------------------------------------------------------------- the input

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
BLANK_WORDS = frozenset({"空白", "（空白）", "(空白)"})


def parse_value(text: str | float | None, kind: str = "count", name: str = "该单元格") -> tuple[int | float | None, str]:
    """(value, text) of what a reviewer typed, for a column of ``kind`` (count: a whole number ≥ 0; signed:
    a whole number; amount: a number ≥ 0). A nil mark ("/", "—", "无" …) is kept as the nil mark it is
    (no value), "空白" as a blank cell: blank, "/" and 0 are different facts. Full-width digits and spaces
    are accepted; anything else is refused with the reason, in Chinese."""
    if isinstance(text, bool):
        text = str(text)
    if isinstance(text, int | float):
        if isinstance(text, float) and not math.isfinite(text):
            raise ReviewError(f"填写的“{text}”不是数字。请填写在原件上看到的数字，如 12。", f"not a number: {text!r}")
        typed = repr(text) if isinstance(text, float) else str(text)
    else:
        typed = (text or "").strip()
    shown = typed[:40]
    t = unicodedata.normalize("NFKC", typed).replace(" ", "").replace("\u3000", "")
    if not t:
        raise ReviewError("请填写数值：在原件上看到的数字，如 12（原件为“/”的填“/”，空白的填“空白”）。",
                          "no value given")
    if t in BLANK_WORDS:
        return None, ""
    if t in NIL_MARKERS or typed in NIL_MARKERS:
        return None, t
    if not _NUMBER.fullmatch(t):
        raise ReviewError(f"填写的“{shown}”不是数字。请只填阿拉伯数字，如 12（不要带单位或其他文字）。",
                          f"not a number: {shown!r}")
    value: int | float = float(t) if "." in t else int(t)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value < 0 and kind != "signed":
        raise ReviewError(f"{name}是{KIND_ZH.get(kind, '数量')}，不能是负数，填写的是“{shown}”。",
                          f"negative value {shown!r} for a {kind} cell")
    if isinstance(value, float) and kind != "amount":
        raise ReviewError(f"{name}是{KIND_ZH.get(kind, '数量')}，应为整数，填写的是“{shown}”。",
                          f"a whole number is expected, not {shown!r}")
    if abs(value) > MAX_VALUE:
        raise ReviewError(f"填写的“{shown}”过大，请核对原件。", f"value too large: {shown!r}")
    return value, str(value)


# ---------------------------------------------------------------------------------------------- entering a value


@dataclass(slots=True)
class Entered:
    """What :func:`set_value` stored."""

    report_id: int
    ref: str
    name: str
    value: int | float | None
    raw: str
    reviewer: str
    at: dt.datetime
    findings: list[dict[str, Any]]  # the report's findings now (single-report rules)
    gone: list[dict[str, Any]]  # findings the value made disappear
    new: list[dict[str, Any]]  # findings it brought

    def to_json(self) -> dict[str, Any]:
        b = beijing(self.at)
        return {"report_id": self.report_id, "cell": self.ref, "name": self.name, "value": self.value,
                "raw": self.raw, "reviewer": self.reviewer, "reviewed_at": b.isoformat(timespec="seconds") if b else None,
                "gone": self.gone, "new": self.new}


def read_again(store, report_id: int, limits: Limits = DEFAULT_LIMITS, sandbox: Sandbox | None = None) -> Report:
    """The report read again from its stored original by the pipeline (no rules run), in ``sandbox``'s
    workers (the process's default sandbox when None)."""
    row = store.report_row(report_id)
    if row is None:
        raise ReviewError(f"库中没有编号为 {report_id} 的报告", f"no report {report_id} in the store", status=404)
    name, data = store.original(report_id)
    done = (sandbox or default_sandbox()).run(data, row.path or name, limits, select=NO_RULES, report=True)
    if done.failure is not None or done.report is None:
        why = done.failure.zh if done.failure else "未知原因"
        raise ReviewError(f"无法重新读取这份报告的原件（{why}），数值未保存。",
                          f"the original could not be read again: {done.failure}", status=409)
    return done.report


Hook = Callable[[Connection, "Entered"], None]


def set_value(store, report_id: int, ref: str, text: str | float, reviewer: str, *,
              guard: WriteGuard | None = None, reading: Report | None = None, on_write: Hook | None = None,
              limits: Limits = DEFAULT_LIMITS, sandbox: Sandbox | None = None,
              at: dt.datetime | None = None) -> Entered:
    """Keep the value ``reviewer`` read by eye for the uncertain cell ``ref`` of a stored report, and
    recompute the report's findings with it.

    With a ``guard``, the report's agency must be one the guard's principal may change (the rule every
    write obeys). ``reading``: the report as the pipeline read it from its original (read again when
    None; it is not changed). ``on_write`` runs inside the transaction (an audit entry). Raises
    :class:`ReviewError` with the reason in Chinese, nothing stored."""
    reviewer = (reviewer or "").strip()
    if not reviewer:
        raise ReviewError("请写明录入人（谁看的原件）。", "the reviewer's name is required")
    row = store.report_row(report_id)
    if row is None:
        raise ReviewError(f"库中没有编号为 {report_id} 的报告", f"no report {report_id} in the store", status=404)
    if guard is not None:
        why = guard.refusal(row.agency_id, row.region, row.agency_printed, row.agency)
        if why:
            raise ReviewError(why, "outside the scope of the principal", status=403)
    state = _stored_cell(store, report_id, ref, row.edition or _year_edition(row.year))
    value, raw = parse_value(text, state.kind, state.name)
    if reading is None:
        reading = read_again(store, report_id, limits, sandbox)
    report = copy.deepcopy(reading)
    report.source = replace(report.source, path=row.path)  # as ingest and recheck name it
    when = at or dt.datetime.now(dt.UTC)
    typed = (str(text) if not isinstance(text, str) else text).strip()[:100]
    with store.engine.begin() as conn:
        # the report's row first: reviews of one report are written one after another
        locked = conn.execute(update(S.reports).where(S.reports.c.id == report_id).values(
            errors=S.reports.c.errors))
        if not locked.rowcount:
            raise ReviewError(f"库中没有编号为 {report_id} 的报告", f"no report {report_id} in the store", status=404)
        before = _single_findings(conn, report_id)
        _keep_review(conn, report_id, state, value, raw, typed, reviewer, when)
        reviews = _all_reviews(conn, report_id)
        apply_reviews(report, reviews)
        findings = check(report)
        parsed = from_report(report, b"", row.path, row.sha256, "", findings)
        replace_rows(conn, report_id, parsed)
        if row.agency_id is not None:
            crossyear_agency(Writer(store.engine, load=False), conn, row.agency_id)
        now_found = [{k: v for k, v in f.items() if k != "file"} for f in parsed.findings]
        out = Entered(report_id, state.ref, state.name, value, raw, reviewer, when, now_found,
                      _minus(before, now_found), _minus(now_found, before))
        if on_write is not None:
            on_write(conn, out)
    return out


def _year_edition(year: int | None) -> str | None:
    ed = edition_for_year(year)
    return ed.key if ed else None


def _stored_cell(store, report_id: int, ref: str, edition: str | None) -> CellState:
    """The stored cell ``ref`` names, if it is one a reviewer may enter a value for."""
    parts = (ref or "").split(".")
    shown = (ref or "")[:80]
    if len(parts) != 3 or not all(parts):
        raise ReviewError(f"“{shown}”不是本报告中的单元格。", f"{shown!r} is not a cell of this report")
    c = S.cells.c
    with store.engine.connect() as conn:
        m = conn.execute(select(S.cells).where(c.report_id == report_id, c.table_key == parts[0],
                                               c.row_key == parts[1], c.column_key == parts[2])).mappings().first()
        if m is None:
            raise ReviewError(f"“{shown}”不是本报告中的单元格。", f"{shown!r} is not a cell of this report")
        k = S.cell_crops.c
        has_crop = conn.execute(select(k.report_id).where(
            k.report_id == report_id, k.table_key == parts[0], k.row_key == parts[1],
            k.column_key == parts[2])).first() is not None
        review = _reviews(conn, [report_id]).get((report_id, ref))
    state = _state(report_id, edition, m, {ref} if has_crop else set(), review)
    if not (state.uncertain or state.how in ("ocr", "reviewer")):
        printed = (state.raw or "").strip() or "空白"
        raise ReviewError(
            f"{state.name}是按原文确定读出的（印的是“{printed[:40]}”），不是读取不确定的数值，不能在此改动。"
            "如认为机关填报有误，请在问题清单中给出审核意见。",
            f"{ref} was read with certainty ({state.how}); only uncertain or recognised cells take a reviewer's value")
    return state


def _keep_review(conn: Connection, report_id: int, state: CellState, value: int | float | None, raw: str,
                 typed: str, reviewer: str, when: dt.datetime) -> None:
    t, r, c = state.ref.split(".")
    k = S.cell_reviews.c
    key = and_(k.report_id == report_id, k.table_key == t, k.row_key == r, k.column_key == c)
    values = {"value": None if value is None else float(value), "raw": raw, "entered": typed or raw,
              "reviewer": reviewer[:200], "reviewed_at": when}
    # what gongkai had read is kept from the first review of the cell
    done = conn.execute(update(S.cell_reviews).where(key).values(**values))
    if not done.rowcount:
        was = {"value": state.value, "raw": state.raw, "how": state.how, "doubt": state.doubt,
               "candidates": list(state.candidates), "confidence": state.confidence}
        conn.execute(S.cell_reviews.insert().values(report_id=report_id, table_key=t, row_key=r, column_key=c,
                                                    was=json.dumps(was, ensure_ascii=False), **values))


def _all_reviews(conn: Connection, report_id: int) -> list[tuple[str, float | None, str]]:
    return list(stored_reviews(conn, report_id).get(report_id, ()))


def _single_findings(conn: Connection, report_id: int) -> list[dict[str, Any]]:
    f = S.findings.c
    rows = conn.execute(select(f.code, f.severity, f.message, f.cells).where(
        f.report_id == report_id, f.previous_id.is_(None))).all()
    return [{"code": code, "severity": sev, "message": msg, "cells": json.loads(cells) if cells else []}
            for code, sev, msg, cells in rows]


def _minus(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings of ``a`` that ``b`` does not have (by code, message and cells)."""
    def key(f):
        return (f["code"], f["message"], tuple(f.get("cells") or ()))

    have = {key(f) for f in b}
    return [{"code": f["code"], "severity": f["severity"], "message": f["message"], "cells": list(f.get("cells") or [])}
            for f in a if key(f) not in have]
