"""The roll-up's memory of what a reviewer left out (汇总时不计入): one choice per agency and year, kept with the
version it was made on. Read by the roll-up (gongkai.rollup); made by a reviewer in the web application
(gongkai.web.rollup_choices), where the scope is checked and the choice audited.

The table (created by the migration ``web04``): ``web_rollup_choices``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text, select

from ..web import schema as _web_schema  # noqa: F401  (declares web_users, which the table refers to)
from .schema import metadata

web_rollup_choices = Table(
    "web_rollup_choices",
    metadata,
    Column("agency_id", Integer, ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("excluded", Boolean, nullable=False),  # True: left out of the sums
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="SET NULL"), nullable=True),  # the version seen
    Column("reason", Text, nullable=True),
    Column("user_id", Integer, ForeignKey("web_users.id", ondelete="SET NULL"), nullable=True),
    Column("username", String(64), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=False),
)

@dataclass(frozen=True, slots=True)
class Choice:
    agency_id: int
    year: int
    excluded: bool
    report_id: int | None  # the version the reviewer saw
    reason: str | None
    username: str | None
    decided_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {"excluded": self.excluded, "report_id": self.report_id, "reason": self.reason, "by": self.username,
                "at": self.decided_at.isoformat()}


def choices(conn, agency_ids: Iterable[int], year: int) -> dict[int, Choice]:
    """The choices made for these agencies' reports of ``year``, by agency."""
    ids = list(set(agency_ids))
    c = web_rollup_choices.c
    out: dict[int, Choice] = {}
    for i in range(0, len(ids), 500):
        for m in conn.execute(select(web_rollup_choices).where(c.agency_id.in_(ids[i:i + 500]), c.year == year)
                              ).mappings():
            at = m["decided_at"]
            out[m["agency_id"]] = Choice(m["agency_id"], m["year"], bool(m["excluded"]), m["report_id"], m["reason"],
                                         m["username"], at if at.tzinfo else at.replace(tzinfo=dt.UTC))
    return out
