"""The office's year in pages: the 报送 dashboard (who has submitted, who is returned, days left or overdue,
the 催报 list in Excel), an agency-year's page (its state, moves, history and versions with what changed),
the 审核意见书 (page and Word), and the office's deadlines."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from ...extract.values import small_int
from .. import cycle, opinion
from ..access import Forbidden
from ..deps import Csrf, PageUser, client_ip, render, scope
from .review import content_disposition
from .session import _safe_next

router = APIRouter(include_in_schema=False)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGION_REFUSED = "您无权查看该地区：审核人只能查看本地区及下级地区，填报人只能查看本机关。"
SHOW = {"all": "全部", "urge": "催报（未报送、草稿、退回）", "submitted": "待审核", "returned": "退回修改", "approved": "已通过"}


def _year(value: str | None) -> int:
    year = small_int((value or "").strip(), 4)
    return year if year and 1990 < year < 2200 else cycle.cycle_year()


def _region(request: Request, user, region: str | None) -> str | None:
    """The region asked for, if the user may open it (a reviewer's own by default; an admin: everywhere)."""
    region = (region or "").strip()[:100] or None
    if region is None:
        return user.region if user.role == "reviewer" else None
    if user.role == "submitter" or not scope(user).allows_region(region, request.app.state.store):
        raise Forbidden(region, REGION_REFUSED)
    return region


def _failed(exc: cycle.CycleError) -> HTTPException:
    return HTTPException(exc.status, exc.zh)


def _agency(request: Request, user, agency_id: int) -> dict[str, Any]:
    """An agency the user may see: 404 alike when there is none and when it is another's."""
    return scope(user).agency(request.app.state.store, agency_id)


@router.get("/cycle")
def board_page(request: Request, user=PageUser):
    store = request.app.state.store
    q = request.query_params
    year, region = _year(q.get("year")), _region(request, user, q.get("region"))
    show = q.get("show") or "all"
    show = show if show in SHOW else "all"
    b = cycle.board(store, user, year, region)
    rows = {"all": b["rows"], "urge": b["urge"]}.get(show) or [s for s in b["rows"] if s.state == show]
    office = cycle.office_settings(store, region) if region else None
    return render(request, "cycle.html", {
        "nav": "cycle", "b": b, "rows": rows, "show": show, "shows": SHOW, "year": year, "region": region,
        "when": cycle.when, "date_zh": cycle.date_zh, "office": office, "group_zh": cycle.GROUP_ZH,
        "years": list(range(cycle.cycle_year() + 1, cycle.cycle_year() - 6, -1)),
        "can_set": bool(region) and cycle.may_set_office(store, user, region or ""),
        "query": f"year={year}" + (f"&region={quote(region)}" if region else ""),
    })


@router.get("/cycle/urge.xlsx")
def urge_xlsx(request: Request, user=PageUser):
    store = request.app.state.store
    q = request.query_params
    year, region = _year(q.get("year")), _region(request, user, q.get("region"))
    b = cycle.board(store, user, year, region)
    title = f"{region or ''}{year}年度政府信息公开工作年度报告催报名单"
    data = cycle.urge_xlsx(b, title)
    return Response(data, media_type=XLSX, headers={"Content-Disposition": content_disposition(f"{title}.xlsx")})


@router.get("/cycle/settings")
def settings_page(request: Request, region: str = "", user=PageUser):
    store = request.app.state.store
    region = region.strip()[:100] or (user.region if user.role == "reviewer" else "")
    if user.role == "submitter":
        raise Forbidden("settings", "报送截止日期由审核人或管理员设置。")
    if region and not cycle.may_set_office(store, user, region):
        raise Forbidden(region, REGION_REFUSED)
    return render(request, "cycle_settings.html", _settings_context(store, region, error=None, saved=False))


def _settings_context(store, region: str, **extra) -> dict[str, Any]:
    s = cycle.office_settings(store, region) if region else None
    return {"nav": "cycle", "region": region, "s": s, "groups": cycle.GROUPS, "group_zh": cycle.GROUP_ZH,
            "defaults": {g: f"{m}月{d}日" for g, (m, d) in cycle.DEFAULT_DUE.items()}, **extra}


@router.post("/cycle/settings", dependencies=[Csrf])
def save_settings(request: Request, region: str = Form(""), office: str = Form(""), department_due: str = Form(""),
                  government_due: str = Form(""), township_due: str = Form(""), user=PageUser):
    store = request.app.state.store
    dues: dict[str, str | None] = {"department": department_due, "government": government_due,
                                   "township": township_due}
    try:
        cycle.set_office(store, user, region, office, dues, client_ip(request))
    except cycle.CycleError as exc:
        if exc.status == 403:
            raise _failed(exc) from exc
        ctx = _settings_context(store, region.strip(), error=exc.zh, saved=False, form={"office": office, **dues})
        return render(request, "cycle_settings.html", ctx, status_code=exc.status)
    return RedirectResponse(f"/cycle/settings?region={quote(region.strip())}&saved=1", status_code=303)


@router.get("/cycle/{agency_id}/{year}")
def year_page(request: Request, agency_id: int, year: int, user=PageUser):
    store = request.app.state.store
    ag = _agency(request, user, agency_id)
    st = cycle.status_of(store, agency_id, year)
    return render(request, "cycle_year.html", {
        "nav": "cycle", "agency": ag, "year": year, "st": st, "history": cycle.history(store, agency_id, year),
        "chain": cycle.version_chain(store, agency_id, year), "moves": cycle.allowed_moves(user, st),
        "targets": cycle.set_targets(user, st), "state_zh": cycle.STATE_ZH, "when": cycle.when,
        "date_zh": cycle.date_zh, "next": f"/cycle/{agency_id}/{year}",
    })


@router.post("/cycle/{agency_id}/{year}/move", dependencies=[Csrf])
def move_page(request: Request, agency_id: int, year: int, action: str = Form(""), to: str = Form(""),
              comment: str = Form(""), next: str = Form(""), user=PageUser):
    store = request.app.state.store
    try:
        cycle.move(store, user, agency_id, year, action, comment, to=to or None, ip=client_ip(request))
    except cycle.CycleError as exc:
        raise _failed(exc) from exc
    return RedirectResponse(_safe_next(next) if next else f"/cycle/{agency_id}/{year}", status_code=303)


@router.get("/cycle/{agency_id}/{year}/opinion")
def opinion_page(request: Request, agency_id: int, year: int, user=PageUser):
    store = request.app.state.store
    _agency(request, user, agency_id)
    try:
        op = opinion.build(store, agency_id, year)
    except cycle.CycleError as exc:
        raise _failed(exc) from exc
    return render(request, "opinion.html", {"nav": "cycle", "op": op, "many": [op], "year": year})


@router.get("/cycle/{agency_id}/{year}/opinion.docx")
def opinion_docx(request: Request, agency_id: int, year: int, user=PageUser):
    store = request.app.state.store
    _agency(request, user, agency_id)
    try:
        op = opinion.build(store, agency_id, year)
    except cycle.CycleError as exc:
        raise _failed(exc) from exc
    return Response(opinion.to_docx([op]), media_type=DOCX,
                    headers={"Content-Disposition": content_disposition(op.filename)})


@router.get("/cycle/opinions.docx")
def opinions_docx(request: Request, user=PageUser):
    store = request.app.state.store
    q = request.query_params
    year, region = _year(q.get("year")), _region(request, user, q.get("region"))
    ops = opinion.returned(store, user, year, region)
    if not ops:
        raise HTTPException(404, f"{region or ''}{year}年度没有退回修改的报告。")
    name = f"{region.replace('/', '') if region else ''}{year}年度年报审核意见书（{len(ops)}份）.docx"
    return Response(opinion.to_docx(ops), media_type=DOCX, headers={"Content-Disposition": content_disposition(name)})
