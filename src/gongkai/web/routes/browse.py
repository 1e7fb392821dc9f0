"""Browsing: every report the user may see, with filters and a search by agency or place; the files that
could not be read; an agency's page with its reports over the years."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request

from ...agencies import LEVELS
from ...extract.values import small_int
from ...formats import EDITIONS
from .. import auth, cycle
from ..deps import PageUser, render, scope
from ..views import crossyear_findings, year_over_year
from .review import _agency_reports

router = APIRouter(include_in_schema=False)
PAGE = 100


@dataclass(slots=True)
class Filters:
    year: int | None = None
    region: str | None = None
    q: str | None = None
    level: str | None = None
    edition: str | None = None
    errors: bool = False
    unreadable: bool = False
    page: int = 1

    @classmethod
    def from_query(cls, params) -> Filters:
        def text(name):
            v = (params.get(name) or "").strip()
            return v[:100] or None

        year = text("year")
        page = text("page")
        return cls(year=small_int(year, 4), region=text("region"),
                   q=text("q") or text("agency"), level=text("level"), edition=text("edition"),
                   errors=params.get("errors") in ("1", "on", "true"),
                   unreadable=params.get("unreadable") in ("1", "on", "true"),
                   page=max(1, small_int(page, 6) or 1))

    def query(self, **change) -> str:
        values = {"year": self.year, "region": self.region, "q": self.q, "level": self.level,
                  "edition": self.edition, "errors": "1" if self.errors else None,
                  "unreadable": "1" if self.unreadable else None, "page": self.page if self.page > 1 else None}
        values.update(change)
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def filtered_reports(store, user, f: Filters):
    """The reports the user sees, filtered; their counts are of the findings still open (a finding
    dismissed with a reason no longer counts, nor makes a report one "有错误")."""
    rows = scope(user).reports(store, year=f.year, region=f.region)
    if f.q:
        q = f.q
        rows = [r for r in rows if q in (r.agency or "") or q in (r.agency_printed or "") or q in r.region.path
                or q in (r.title or "")]
    if f.level:
        rows = [r for r in rows if r.level == f.level]
    if f.edition:
        rows = [r for r in rows if r.edition == f.edition]
    rows = cycle.open_rows(store, rows)
    if f.errors:
        rows = [r for r in rows if r.errors]
    return rows


def visible_failures(store, user) -> list[dict[str, Any]]:
    """Files that could not be read: an admin sees all; others those they uploaded themselves."""
    failures = store.failures()
    if user.is_admin:
        return failures
    mine = {(e.get("detail") or {}).get("sha256") for e in auth.audit_log(store.engine, limit=5000, action="upload.failed")
            if e["user_id"] == user.id}
    mine.discard(None)
    return [f for f in failures if f.get("sha256") in mine]


@router.get("/reports")
def reports_page(request: Request, user=PageUser):
    store = request.app.state.store
    f = Filters.from_query(request.query_params)
    all_rows = scope(user).reports(store)
    years = sorted({r.year for r in all_rows if r.year}, reverse=True)
    failures = visible_failures(store, user) if f.unreadable else []
    rows = [] if f.unreadable else filtered_reports(store, user, f)
    total = len(rows)
    pages = max(1, (total + PAGE - 1) // PAGE)
    page_rows = rows[(f.page - 1) * PAGE: f.page * PAGE]
    return render(request, "reports.html", {
        "nav": "reports", "rows": page_rows, "total": total, "pages": pages, "f": f, "years": years,
        "levels": LEVELS, "editions": {k: e.name for k, e in EDITIONS.items()}, "failures": failures,
    })


@router.get("/agencies")
def agencies_page(request: Request, user=PageUser):
    store = request.app.state.store
    q = (request.query_params.get("q") or "").strip()[:100]
    rows = scope(user).agencies(store)
    if q:
        rows = [a for a in rows if q in a["name"] or q in (a["region"] or "") or any(q in n for n in a["names"])]
    return render(request, "agencies.html", {"nav": "agencies", "rows": rows, "q": q})


def agency_detail(store, user, agency_id: int) -> dict[str, Any]:
    sc = scope(user)
    ag = sc.agency(store, agency_id)
    rows = store.reports(ids=_agency_reports(store, agency_id), all_versions=True)
    rows = cycle.open_rows(store, [r for r in rows if sc.sees_row(r)])  # counts of open findings
    rows.sort(key=lambda r: (r.year or 0, r.id), reverse=True)
    return {"agency": ag, "rows": rows, "yoy": year_over_year(store, rows), "cross": crossyear_findings(store, rows)}


@router.get("/agencies/{agency_id}")
def agency_page(request: Request, agency_id: int, user=PageUser):
    store = request.app.state.store
    data = agency_detail(store, user, agency_id)
    return render(request, "agency.html", {"nav": "agencies", **data})
