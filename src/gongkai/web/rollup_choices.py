"""A reviewer's choice to leave an agency's report out of the roll-up (汇总) for a year, or to take it back in.

Every report of the region is summed unless a reviewer left it out — typically one whose errors are still open,
so that the totals do not rest on numbers the office knows are wrong. The choice is about the agency's year
(not one roll-up's region), so the county's and the city's roll-ups agree; it keeps the version it was made on,
so the page can say when a corrected version came in since. A choice is a write like any other: reviewers
and admins only, within their region (:mod:`gongkai.access`), in one transaction with its audit entry.

The table and its reading: gongkai.store.rollup_choices.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from .. import access
from ..errors import GongkaiError
from ..store import schema as S
from ..store.rollup_choices import Choice, web_rollup_choices
from . import auth
from .access import NotFound

EXCLUDE, INCLUDE = "rollup.exclude", "rollup.include"
# the audit page names actions in Chinese (web/auth.py ACTION_ZH)
auth.ACTION_ZH.setdefault(EXCLUDE, "汇总时不计入报告")
auth.ACTION_ZH.setdefault(INCLUDE, "汇总时重新计入报告")


CHOOSERS_ONLY = "只有审核人和管理员可以决定报告是否计入汇总。"


class ChoiceError(GongkaiError):
    """A choice that cannot be made, and why (``status``: 403 a role that may not choose; 404 nothing to
    choose about — no such agency, one outside the user's region (the same answer: an id tells nothing), or
    no report of that year)."""

    code = "rollup-choice"

    def __init__(self, zh: str, status: int = 422) -> None:
        super().__init__(zh)
        self.status = status


def set_choice(store: Any, user: auth.User, agency_id: int, year: int, exclude: bool, reason: str | None = None,
               ip: str | None = None) -> Choice:
    """Leave the agency's report of ``year`` out of the roll-ups (``exclude``) or take it back in."""
    if not user.can_decide:
        raise ChoiceError(CHOOSERS_ONLY, 403)
    a, r = S.agencies, S.reports
    reason = (reason or "").strip()[:500] or None
    with store.engine.begin() as conn:
        ag = conn.execute(select(a).where(a.c.id == agency_id)).mappings().first()
        if ag is None or not access.sees_agency(user.principal, agency_id, access.places(ag)):
            raise ChoiceError(NotFound("机关", agency_id).zh, 404)
        report_id = conn.execute(select(r.c.id).where(r.c.agency_id == agency_id, r.c.year == year, r.c.current)
                                 ).scalar()
        if report_id is None:
            raise ChoiceError(f"{ag['name']}没有{year}年度的报告，无需选择是否计入汇总。", 404)
        now = auth.now()
        values = {"excluded": exclude, "report_id": report_id, "reason": reason, "user_id": user.id,
                  "username": user.username, "decided_at": now}
        c = web_rollup_choices.c
        done = conn.execute(update(web_rollup_choices).where(c.agency_id == agency_id, c.year == year).values(**values))
        if not done.rowcount:
            conn.execute(web_rollup_choices.insert().values(agency_id=agency_id, year=year, **values))
        auth.audit_in(conn, user, EXCLUDE if exclude else INCLUDE, f"agency:{agency_id}",
                      {"agency": ag["name"], "year": year, "report_id": report_id, "reason": reason}, ip)
    return Choice(agency_id, year, exclude, report_id, reason, user.username, now)
