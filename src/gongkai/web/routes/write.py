"""Writing a report: the tables as a form in the official layout, totals computed and rules run as the
user types (static/write.js calls /api/compose/check), prefilled from the agency's previous report,
narrative sections, and the .docx/HTML download — or straight into the store."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from ...access import WriteGuard
from ...extract.values import small_int
from ...formats import edition_for_year, get_edition
from ...formats.common import SECTIONS
from ...forms import DataError
from ...totals import total_definitions
from .. import auth
from ..access import Forbidden
from ..deps import Csrf, PageUser, client_ip, render, scope
from ..uploads import UploadError, UploadResult, check_quota, clean_name
from ..writing import form_layout, prefill, render_form, this_year
from .review import RENDER_TYPES, content_disposition

router = APIRouter(include_in_schema=False)


def writable_agencies(store, user) -> list[dict[str, Any]]:
    return scope(user).agencies(store)


def form_from_post(form) -> dict[str, Any]:
    """The form's fields (c.<table.row.column>, s.<n>, agency, year, date, edition) as the form data."""
    cells = {k[2:]: v for k, v in form.items() if k.startswith("c.") and isinstance(v, str)}
    sections = {k[2:]: v for k, v in form.items()
                if k.startswith("s.") and small_int(k[2:], 2) is not None and isinstance(v, str)}
    year = (form.get("year") or "").strip()
    number = small_int(year, 4)
    return {"agency": (form.get("agency") or "").strip(), "year": number if number is not None else year or None,
            "date": (form.get("date") or "").strip() or None, "edition": (form.get("edition") or "").strip() or None,
            "sections": sections, "cells": cells}


def chosen_agency(store, user, agency_id: int | None) -> dict[str, Any] | None:
    """The agency a report is written for: one the user may change (403 otherwise). A submitter always
    writes for its own agency; an admin may write without choosing one."""
    if user.role == "submitter":
        if agency_id not in (None, user.agency_id):
            raise Forbidden("agency")
        agency_id = user.agency_id
    if agency_id is None:
        if user.is_admin:
            return None
        raise HTTPException(422, "请先选择要撰写报告的机关")
    return scope(user).agency(store, agency_id)


@router.get("/write")
def write_page(request: Request, agency_id: int | None = None, year: int | None = None, user=PageUser):
    store = request.app.state.store
    agencies = writable_agencies(store, user)
    if user.role == "submitter":
        agency_id = user.agency_id
    if agency_id is None and len(agencies) == 1:
        agency_id = agencies[0]["id"]
    if year is None and agency_id is not None:
        last = max((r.year for r in scope(user).reports(store) if r.agency_id == agency_id and r.year), default=None)
        year = last + 1 if last else None
    year = year or this_year()
    ctx: dict[str, Any] = {"nav": "write", "agencies": agencies, "agency_id": agency_id, "year": year}
    if agency_id is not None:
        ag = scope(user).agency(store, agency_id)
        try:
            pre = prefill(store, ag["name"], agency_id, year)
        except DataError as exc:
            raise HTTPException(422, str(exc)) from exc
        data = pre["data"]
        ed = data["edition"] or (edition_for_year(year) or get_edition("2021")).key
        ctx.update({
            "agency": ag, "data": data, "notes": pre["notes"], "previous_id": pre["previous_id"],
            "previous_year": pre["previous_year"], "edition": get_edition(ed), "tables": form_layout(ed),
            "sections": SECTIONS, "definitions": {k: [list(t) for t in v] for k, v in total_definitions(ed).items()},
        })
    return render(request, "write.html", ctx)


async def _posted(request: Request, user) -> tuple[dict[str, Any], dict[str, Any] | None, str]:
    form = await request.form()
    data = form_from_post(form)
    agency_id, fmt = form.get("agency_id"), form.get("fmt")  # text fields (a file sent as one counts as blank)
    agency = chosen_agency(request.app.state.store, user,
                           small_int(agency_id.strip()) if isinstance(agency_id, str) else None)
    if agency is not None and not data["agency"]:
        data["agency"] = agency["name"]
    return data, agency, (fmt if isinstance(fmt, str) and fmt else "docx")


@router.post("/write/render", dependencies=[Csrf])
async def write_render(request: Request, user=PageUser):
    data, agency, fmt = await _posted(request, user)
    if fmt not in RENDER_TYPES:
        raise HTTPException(400, "输出格式应为 docx 或 html")
    try:
        body, name = await run_in_threadpool(render_form, data, fmt)
    except DataError as exc:
        raise HTTPException(422, str(exc)) from exc
    auth.audit(request.app.state.store.engine, user, "write.render", f"agency:{agency['id'] if agency else None}",
               {"agency": data["agency"], "year": data["year"], "format": fmt}, ip=client_ip(request))
    return Response(body, media_type=RENDER_TYPES[fmt],
                    headers={"Content-Disposition": content_disposition(f"{name}.{fmt}")})


@router.post("/write/store", dependencies=[Csrf])
async def write_store(request: Request, user=PageUser):
    """Render the form as .docx and store it like an upload, for the chosen agency only (it is then
    reviewed like any report)."""
    data, agency, _ = await _posted(request, user)
    try:
        body, name = await run_in_threadpool(render_form, data, "docx")
    except DataError as exc:
        raise HTTPException(422, str(exc)) from exc
    try:
        check_quota(request.app.state.store.engine, user.id, len(body), request.app.state.settings.quota_bytes,
                    auth.now())
    except UploadError as exc:
        raise HTTPException(429, str(exc)) from exc
    guard = WriteGuard(user.principal, agency["id"] if agency else None,
                       own_agency_name=agency["name"] if agency else user.agency)
    result: UploadResult = await run_in_threadpool(request.app.state.ingester.run, clean_name(f"{name}.docx"), body,
                                                   guard)
    auth.audit(request.app.state.store.engine, user, "write.store",
               f"report:{result.report_id}" if result.report_id else f"agency:{agency['id'] if agency else None}",
               {"agency": data["agency"], "year": data["year"], "status": result.status, "message": result.message,
                "size": result.size}, ip=client_ip(request))
    if result.report_id is None:
        raise HTTPException(403 if result.reason == "scope" else 422,
                            f"生成的报告未能入库：{result.message or result.status_zh}")
    return RedirectResponse(f"/reports/{result.report_id}", status_code=303)


def definitions_json(edition_key: str) -> str:
    return json.dumps({k: [list(t) for t in v] for k, v in total_definitions(edition_key).items()})
