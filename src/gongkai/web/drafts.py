"""The writer's drafts: what a user has typed into the writer for an agency and a year, kept on the server as
they type (static/write.js saves a moment after the last change), so that a reload, a closed tab or another
computer loses nothing. One draft per user, agency and year; storing the report (保存入库) ends it.

A save names the revision it started from: a draft saved meanwhile from another window is not overwritten
(the later window is told to reload). Saves are not audited one by one — they change nothing anyone else
sees; reading an Excel form into a draft and throwing a draft away are.

The table (declared here, created by the migration ``web05``): ``web_writer_drafts``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Integer, Table, Text, and_, delete, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import GongkaiError
from ..formats import EDITIONS, get_edition
from ..store import Store
from ..store.reviews import beijing
from ..store.schema import metadata
from . import auth

web_writer_drafts = Table(
    "web_writer_drafts",
    metadata,
    Column("user_id", Integer, ForeignKey("web_users.id", ondelete="CASCADE"), primary_key=True),
    Column("agency_id", Integer, ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("data", Text, nullable=False),  # JSON: the form's fields and the cells the user typed
    Column("base_report_id", Integer, ForeignKey("reports.id", ondelete="SET NULL"), nullable=True),
    Column("revision", Integer, nullable=False),  # 1, 2, …: a save applies only to the revision it saw
    Column("saved_at", DateTime(timezone=True), nullable=False),
)

auth.ACTION_ZH.setdefault("write.draft.form", "导入 Excel 填报表到草稿")
auth.ACTION_ZH.setdefault("write.draft.discard", "放弃草稿")
auth.ACTION_ZH.setdefault("write.submit", "撰写、入库并提交审核")

MAX_JSON = 1_000_000  # a report's text is some 20,000 characters; a draft far larger is not a form's
MAX_CELL = 60
MAX_SECTION = 100_000
MAX_SECTIONS = 9


class DraftError(GongkaiError):
    """A draft that cannot be saved, and why (``status``: 409 saved meanwhile elsewhere, 413 too large, 422
    not a form's data)."""

    code = "draft"

    def __init__(self, zh: str, status: int = 422) -> None:
        super().__init__(zh)
        self.status = status


@dataclass(frozen=True, slots=True)
class Draft:
    user_id: int
    agency_id: int
    year: int
    data: dict[str, Any]  # agency, date, edition, sections {n: text}, cells {ref: text}, typed [ref]
    base_report_id: int | None
    revision: int
    saved_at: dt.datetime


def _text(value: Any, limit: int, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise DraftError(f"{what}应为文字")
    text = str(value)
    if len(text) > limit:
        raise DraftError(f"{what}过长（最多 {limit} 个字）")
    return text


def clean(data: Any) -> dict[str, Any]:
    """The draft's data as the form holds it, every cell a cell of the edition (DraftError otherwise).
    What the user typed is kept as typed, even when it is not (yet) a number: a draft is work in progress."""
    if not isinstance(data, dict):
        raise DraftError("草稿数据应是一个对象")
    edition = str(data.get("edition") or "2021")
    if edition not in EDITIONS:
        raise DraftError(f"格式版本“{edition[:10]}”无法识别")
    ed = get_edition(edition)
    refs = {f"{t.key}.{r.key}.{c.key}" for t in ed.tables for r in t.rows for c in r.columns}
    cells = data.get("cells") or {}
    sections = data.get("sections") or {}
    typed = data.get("typed") or []
    if not isinstance(cells, dict) or not isinstance(sections, dict) or not isinstance(typed, list):
        raise DraftError("草稿数据的格式有误")
    out_cells = {}
    for ref, value in cells.items():
        if ref not in refs:
            # (only a page older than the format sends one: the key means nothing to a clerk)
            raise DraftError(f"草稿中有一格不属于{ed.name}的表格，页面可能已过期，请刷新后重新填写")
        text = _text(value, MAX_CELL, "单元格内容").strip()
        if text:
            out_cells[ref] = text
    out_sections = {}
    for n, text in sections.items():
        number = int(n) if str(n).isdigit() and len(str(n)) < 3 else 0
        if not 1 <= number <= MAX_SECTIONS:
            raise DraftError(f"部分编号“{str(n)[:10]}”有误")
        out_sections[str(number)] = _text(text, MAX_SECTION, "正文")
    return {"agency": _text(data.get("agency"), 200, "机关名称").strip(), "date": _text(data.get("date"), 40, "落款日期").strip(),
            "edition": edition, "sections": out_sections, "cells": out_cells,
            "typed": sorted({r for r in typed if isinstance(r, str) and r in refs})}


def _row(m) -> Draft:
    return Draft(m["user_id"], m["agency_id"], m["year"], json.loads(m["data"]), m["base_report_id"], m["revision"],
                 m["saved_at"])


def load(store: Store, user_id: int, agency_id: int, year: int) -> Draft | None:
    d = web_writer_drafts.c
    with store.engine.connect() as conn:
        m = conn.execute(select(web_writer_drafts).where(
            d.user_id == user_id, d.agency_id == agency_id, d.year == year)).mappings().first()
    return _row(m) if m else None


def of_user(store: Store, user_id: int, agency_id: int | None = None) -> list[Draft]:
    """The user's drafts (of one agency when given), the latest saved first."""
    d = web_writer_drafts.c
    q = select(web_writer_drafts).where(d.user_id == user_id)
    if agency_id is not None:
        q = q.where(d.agency_id == agency_id)
    with store.engine.connect() as conn:
        rows = [_row(m) for m in conn.execute(q).mappings()]
    return sorted(rows, key=lambda x: (beijing(x.saved_at), x.year), reverse=True)


def save(store: Store, user_id: int, agency_id: int, year: int, data: Any, *, revision: int | None = None,
         base_report_id: int | None = None) -> Draft:
    """Keep the draft. ``revision``: the one the writer started from (0: none yet); None overwrites whatever
    is there (a form read in, a page posted whole)."""
    body = json.dumps(clean(data), ensure_ascii=False, separators=(",", ":"))
    if len(body) > MAX_JSON:
        raise DraftError("草稿内容过多，无法保存", status=413)
    now = auth.now()
    d = web_writer_drafts.c
    mine = and_(d.user_id == user_id, d.agency_id == agency_id, d.year == year)
    conflict = DraftError("这份草稿刚在另一个窗口（或另一台电脑）保存过，本窗口的修改没有保存。"
                          "请先复制需要保留的文字，再刷新页面。", status=409)
    try:
        with store.engine.begin() as conn:
            have = conn.execute(select(d.revision).where(mine)).scalar()
            if have is None:
                if revision not in (None, 0):
                    raise conflict  # it was thrown away (or stored) meanwhile
                conn.execute(web_writer_drafts.insert().values(
                    user_id=user_id, agency_id=agency_id, year=year, data=body, base_report_id=base_report_id,
                    revision=1, saved_at=now))
            else:
                if revision is not None and revision != have:
                    raise conflict
                values: dict[str, Any] = {"data": body, "revision": have + 1, "saved_at": now}
                if base_report_id is not None:
                    values["base_report_id"] = base_report_id
                if not conn.execute(update(web_writer_drafts).where(mine, d.revision == have).values(**values)).rowcount:
                    raise conflict
    except IntegrityError as exc:  # another window created it first
        raise conflict from exc
    found = load(store, user_id, agency_id, year)
    assert found is not None  # just written
    return found


def discard(store: Store, user_id: int, agency_id: int, year: int) -> bool:
    d = web_writer_drafts.c
    with store.engine.begin() as conn:
        gone = conn.execute(delete(web_writer_drafts).where(
            d.user_id == user_id, d.agency_id == agency_id, d.year == year)).rowcount
    return bool(gone)
