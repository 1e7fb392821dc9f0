"""The roll-up dashboard (汇总) of a region and year: coverage, summed tables, agencies ranked by findings,
charts (ECharts, served from /static/vendor), the Excel workbook."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from ...checks import SEVERITY_ZH
from ...formats import outcome_groups
from ...formats.common import APPLICANT_COLUMNS
from ...formats.figures import FIGURES, RATIOS
from ...rollup import Rollup, rollup
from ...store import region_clause
from ...store import schema as S
from ..access import Forbidden
from ..deps import PageUser, render, scope
from ..views import tables_view
from .review import content_disposition

router = APIRouter(include_in_schema=False)

TREND_FIGURES = ("new_received", "total_processed", "review", "litigation")


def regions_for(store, user) -> list[str]:
    """Regions to offer: the user's own, and the places under it that agencies are in."""
    sc = scope(user)
    a = S.agencies.c
    q = select(a.province, a.city, a.county).distinct()
    base = sc.default_region()
    if base:
        q = q.where(region_clause(base))
    elif not user.is_admin:
        return []
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    out: list[str] = [base] if base else []
    for province, city, county in rows:
        for path in (province, "/".join(p for p in (province, city) if p),
                     "/".join(p for p in (province, city, county) if p), county):
            if path and path not in out and sc.allows_region(path):
                out.append(path)
    return out


def years_for(store, region: str) -> list[int]:
    r = S.reports.c
    with store.engine.connect() as conn:
        return sorted(y for y in conn.execute(select(r.year).distinct().select_from(
            S.reports.join(S.agencies, S.reports.c.agency_id == S.agencies.c.id)).where(
            r.current, r.year.is_not(None), region_clause(region))).scalars())


def charts(store, ru: Rollup, region: str, years: list[int]) -> dict[str, Any]:
    apps = ru.totals.get("applications", {})
    groups = outcome_groups(ru.edition.table("applications").rows)
    outcome = [{"name": name, "value": sum(apps.get(r, {}).get("total") or 0 for r in rows)}
               for name, rows in groups.items()]
    applicants = [{"name": c.label, "value": (apps.get("new_received", {}).get(c.key) or 0)}
                  for c in APPLICANT_COLUMNS if c.key != "total"]
    trend: dict[str, Any] = {"years": [], "series": []}
    names = {f.key: f.name for f in FIGURES}
    recent = years[-6:]
    per_year = {}
    for y in recent:
        per_year[y] = ru if y == ru.year else rollup(store, region, y)
    trend["years"] = recent
    for key in TREND_FIGURES:
        trend["series"].append({"name": names[key], "data": [per_year[y].figures.get(key) for y in recent]})
    trend["coverage"] = [len(per_year[y].lines) for y in recent]
    ranked = sorted(ru.lines, key=lambda ln: (-ln.findings["error"], -ln.findings["warning"], -ln.findings["info"],
                                              ln.name))
    return {"outcome": outcome, "applicants": applicants, "trend": trend,
            "ranking": [{"name": ln.name, "error": ln.findings["error"], "warning": ln.findings["warning"],
                         "info": ln.findings["info"]} for ln in ranked[:15]]}


def open_rollup(request: Request, user, region: str | None, year: int | None):
    store = request.app.state.store
    sc = scope(user)
    region = (region or sc.default_region() or "").strip()
    if not region:
        return None, None, []
    if not sc.allows_region(region, store):
        raise Forbidden(region)
    years = years_for(store, region)
    if year is None:
        year = years[-1] if years else None
    if year is None:
        return region, None, years
    return region, rollup(store, region, year), years


@router.get("/rollup")
def rollup_page(request: Request, region: str | None = None, year: int | None = None, user=PageUser):
    store = request.app.state.store
    if user.role == "submitter":
        raise Forbidden("rollup")
    region, ru, years = open_rollup(request, user, region, year)
    ctx: dict[str, Any] = {"nav": "rollup", "region": region, "years": years, "regions": regions_for(store, user),
                           "ru": ru, "year": ru.year if ru else year}
    if ru is not None:
        findings = [{**f.to_json(), "index": i, "severity_zh": SEVERITY_ZH[f.severity]} for i, f in enumerate(ru.findings)]
        ctx.update({
            "tables": tables_view(ru.report, findings, ru.edition.key), "findings": findings,
            "figures": [(f.name, ru.figures.get(f.key)) for f in FIGURES],
            "ratios": [(r.short, ru.ratios.get(r.key), r.how) for r in RATIOS],
            "charts": charts(store, ru, region, years),
            "ranked": sorted(ru.lines, key=lambda ln: (-ln.findings["error"], -ln.findings["warning"],
                                                       -ln.findings["info"], ln.name)),
        })
        if ru.known == 0:
            ctx["empty"] = True
    return render(request, "rollup.html", ctx)


def workbook(ru: Rollup) -> bytes:
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        ru.to_xlsx(path)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/rollup.xlsx")
def rollup_xlsx(request: Request, region: str | None = None, year: int | None = None, user=PageUser):
    if user.role == "submitter":
        raise Forbidden("rollup")
    region, ru, _ = open_rollup(request, user, region, year)
    if ru is None:
        raise HTTPException(404, "该地区没有可汇总的报告")
    name = f"{region.replace('/', '')}{ru.year}年度政府信息公开工作年度报告汇总.xlsx"
    return Response(workbook(ru), media_type=XLSX, headers={"Content-Disposition": content_disposition(name)})
