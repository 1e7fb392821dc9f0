"""The JSON API: the same operations as the pages, under the same access rules. Documented by FastAPI's
OpenAPI schema at /openapi.json (browsable at /api/docs, served locally)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from ...forms import DataError
from ...render import render
from ...store.reviews import beijing
from .. import auth
from ..access import Forbidden, NotFound
from ..deps import COOKIE, ApiUser, Csrf, client_ip, scope
from ..views import DOCUMENTS, findings_view
from ..writing import live_check, prefill, render_form
from ..zh import reason_zh
from .admin import ADMINS_ONLY
from .browse import Filters, agency_detail, filtered_reports, visible_failures
from .review import (
    RENDER_TYPES,
    apply_decision,
    can_enter,
    content_disposition,
    crop_response,
    enter_value,
    handle_uploads,
)
from .rollup import XLSX, open_rollup, workbook
from .session import set_session_cookie
from .write import chosen_agency


def _when(at: dt.datetime | None) -> str | None:
    """A stored time (UTC; SQLite gives it back without a zone) in Beijing time, ISO 8601 with its offset."""
    b = beijing(at)
    return b.isoformat() if b is not None else None

router = APIRouter(prefix="/api")

S_SESSION, S_REPORTS, S_AGENCIES, S_ROLLUP, S_WRITE, S_ADMIN = (
    "会话 session", "报告 reports", "机关 agencies", "汇总 roll-up", "撰写 writing", "管理 admin")


class LoginIn(BaseModel):
    username: str = Field(description="用户名 / user name", max_length=200)
    password: str = Field(description="密码 / password", max_length=1000)


class SessionOut(BaseModel):
    user: dict[str, Any] = Field(description="当前用户 / the signed-in user")
    csrf_token: str = Field(description="写操作请求头 X-CSRF-Token 的值 / send as X-CSRF-Token on writes")


class DecisionIn(BaseModel):
    decision: Literal["accepted", "dismissed"] = Field(description="accepted 确认 / dismissed 驳回")
    comment: str | None = Field(None, description="说明 / comment", max_length=2000)


class CellValueIn(BaseModel):
    value: str | int | float = Field(description="在原件上看到的数字，如 12 / the number read by eye")


class UserIn(BaseModel):
    username: str
    role: Literal["admin", "reviewer", "submitter"]
    password: str | None = Field(None, description="不填则自动生成 / generated when omitted")
    region: str | None = Field(None, description="审核人所辖地区，如 江西省/宜春市/奉新县 / a reviewer's region")
    agency: str | int | None = Field(None, description="填报人所属机关（名称或编号） / a submitter's agency")
    display_name: str | None = None


class FormIn(BaseModel):
    agency: str | None = Field(None, description="机关名称 / agency")
    agency_id: int | None = Field(None, description="机关编号（审核人、管理员选择的机关） / the agency written for")
    year: int | None = Field(None, description="报告年度 / report year")
    date: str | None = Field(None, description="落款日期 2025-01-15 / date signed")
    edition: str | None = Field(None, description="格式版本 2019 或 2021（默认按年度） / edition")
    sections: dict[str, str] = Field(default_factory=dict, description="各部分文字 {1: …, 6: …} / section texts")
    cells: dict[str, str | float | int | None] = Field(
        default_factory=dict, description="单元格 {\"applications.new_received.natural_person\": 3} / cells")
    previous_id: int | None = Field(None, description="上年报告编号（跨年度检查） / last year's report id")


def file_name(path: str | None) -> str | None:
    """Where a report came from, as its file's name: the server's folders are nobody's business."""
    return path.replace("\\", "/").rsplit("/", 1)[-1] if path else path


def public_row(row) -> dict[str, Any]:
    return {**row.to_json(), "path": file_name(row.path)}


# ---------------------------------------------------------------------------------------------- session


@router.post("/session", tags=[S_SESSION], response_model=SessionOut,
             summary="登录 / log in",
             description="用户名和密码正确时建立会话（Cookie），返回用户信息与 CSRF 令牌。\n\n"
                         "Starts a cookie session; returns the user and the CSRF token for write requests.")
def api_login(request: Request, body: LoginIn):
    engine = request.app.state.store.engine
    try:
        user = auth.login(engine, body.username, body.password, client_ip(request))
    except auth.LoginBlocked as exc:
        raise HTTPException(429, auth.LOGIN_BLOCKED_ZH) from exc
    except auth.Busy as exc:
        raise HTTPException(503, auth.BUSY_ZH, headers={"Retry-After": "5"}) from exc
    if user is None:
        auth.audit(engine, None, "login.failed", f"user:{body.username.strip()[:64]}", ip=client_ip(request))
        raise HTTPException(401, "用户名或密码不正确，或账户已停用。")
    token, csrf = auth.create_session(engine, user.id)
    auth.audit(engine, user, "login", f"user:{user.username}", {"api": True}, ip=client_ip(request))
    response = JSONResponse({"user": user.to_json(), "csrf_token": csrf})
    set_session_cookie(request, response, token)
    return response


@router.delete("/session", tags=[S_SESSION], summary="退出 / log out", dependencies=[Csrf],
               description="结束当前会话。 / Ends the session.")
def api_logout(request: Request, user=ApiUser):
    auth.end_session(request.app.state.store.engine, request.cookies.get(COOKIE))
    response = JSONResponse({"ok": True})
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/me", tags=[S_SESSION], summary="当前用户 / who am I",
            description="当前登录用户、角色与可见范围。 / The signed-in user, role and scope.")
def api_me(user=ApiUser):
    return {**user.to_json(), "scope": user.scope_zh}


# ---------------------------------------------------------------------------------------------- reports


@router.get("/reports", tags=[S_REPORTS], summary="报告列表 / list reports",
            description="当前用户可见的报告（各机关各年度的现行版本），可按年度、地区、级别、格式版本、是否有错误筛选，"
                        "q 按机关或地名搜索。\n\nReports the user may see (current versions), filtered; "
                        "q searches agency and place names.")
def api_reports(request: Request, year: int | None = None, region: str | None = None,
                q: str | None = Query(None, description="机关或地名 / agency or place"),
                level: str | None = None, edition: str | None = None,
                errors: bool = Query(False, description="只看有错误的 / only reports with errors"),
                user=ApiUser):
    f = Filters(year=year, region=region, q=q, level=level, edition=edition, errors=errors)
    rows = filtered_reports(request.app.state.store, user, f)
    return {"count": len(rows), "reports": [public_row(r) for r in rows]}


@router.post("/uploads", tags=[S_REPORTS], summary="上传报告 / upload reports", dependencies=[Csrf],
             description="上传一个或多个报告文件（.txt .docx .doc .wps .html .pdf …），读取、审核并入库；"
                         "每个文件返回结果（已入库、此前已入库、无法读取及原因、未接收及原因）。\n\n"
                         "Upload one or many report files; each is read, checked and stored. One result per file.")
async def api_upload(request: Request, files: list[UploadFile] = File(..., description="报告文件 / report files"),
                     user=ApiUser):
    results = await handle_uploads(request, user, files)
    body = {"results": [r.to_json() for r in results]}
    return JSONResponse(body, status_code=200 if any(r.ok for r in results) else 400)


@router.get("/failures", tags=[S_REPORTS], summary="无法读取的文件 / unreadable files",
            description="无法读取的文件及原因（管理员看全部，其他用户看自己上传的）。\n\n"
                        "Files that could not be read, with reasons (admins: all; others: their own uploads).")
def api_failures(request: Request, user=ApiUser):
    rows = visible_failures(request.app.state.store, user)
    # the reason in words besides its key; the message in Chinese only
    return {"count": len(rows), "failures": [
        {**{k: (_when(v) if isinstance(v, dt.datetime) else v.isoformat() if hasattr(v, "isoformat")
                else file_name(v) if k == "path" else v)
            for k, v in r.items() if k != "message_en"}, "reason_zh": reason_zh(r.get("reason"))}
        for r in rows]}


@router.get("/reports/{report_id}", tags=[S_REPORTS], summary="一份报告 / one report",
            description="报告的元数据与解析结果（JSON 数据契约 gongkai.report/2）。\n\n"
                        "A report's metadata and its parsed content (the JSON contract).")
def api_report(request: Request, report_id: int, user=ApiUser):
    store = request.app.state.store
    row = scope(user).report(store, report_id)
    data = store.report_json(report_id)
    if isinstance(data.get("source"), dict):
        data["source"]["path"] = file_name(data["source"].get("path"))
    return {"report": public_row(row), "data": data, "cells": _cells(store, report_id)}


def _cells(store, report_id: int) -> list[dict[str, Any]]:
    return [c.to_json("/api") for c in store.uncertain_cells([report_id])[report_id]]


@router.get("/reports/{report_id}/cells", tags=[S_REPORTS], summary="读取不确定的数值 / uncertain cells",
            description="gongkai 没有把握读对的单元格（连在一起的数字有几种拆分、扫描识别不清等），以及审核人已看原件录入的单元格："
                        "读法（how）、原因（doubt）、候选值（candidates）、识别把握（confidence）、扫描图地址（crop_url）、"
                        "录入人与时间（北京时间）。\n\nCells gongkai could not read with certainty and cells a reviewer "
                        "entered: how, doubt, candidates, confidence, the crop's address, who and when.")
def api_cells(request: Request, report_id: int, user=ApiUser):
    store = request.app.state.store
    row = scope(user).report(store, report_id)
    return {"report_id": report_id, "can_enter": can_enter(user, row), "cells": _cells(store, report_id)}


@router.post("/reports/{report_id}/cells/{cell}", tags=[S_REPORTS], dependencies=[Csrf],
             summary="录入看原件读到的数值 / enter a value read by eye",
             description="审核人或管理员为读取不确定的单元格录入在原件上看到的数值；记下录入人和时间，记入操作日志，"
                         "并重新审核这份报告（返回因此消失和新出现的问题）。\n\nA reviewer or admin enters the "
                         "value read by eye for an uncertain cell; kept with who and when, audited, and the "
                         "report's findings computed again (those gone and those new are returned).")
def api_enter_value(request: Request, report_id: int, cell: str, body: CellValueIn, user=ApiUser):
    done = enter_value(request, user, report_id, cell, body.value)
    return {**done.to_json(), "cells": _cells(request.app.state.store, report_id)}


@router.get("/reports/{report_id}/cells/{cell}/crop.png", tags=[S_REPORTS],
            summary="单元格扫描图 / a cell's scanned image",
            description="扫描件中该单元格的图片（PNG），有权查看这份报告的用户可取。 / The cell as scanned (PNG).",
            response_class=Response)
def api_crop(request: Request, report_id: int, cell: str, user=ApiUser):
    return crop_response(request, user, report_id, cell)


@router.get("/reports/{report_id}/findings", tags=[S_REPORTS], summary="审核发现的问题 / findings",
            description="按严重程度排列的问题，每条含规则代码、涉及单元格、原文位置与段落、审核意见。\n\n"
                        "Findings by severity, with cells, the source passage and the reviewers' decision.")
def api_findings(request: Request, report_id: int, user=ApiUser):
    store = request.app.state.store
    row = scope(user).report(store, report_id)
    report = store.load_report(report_id)
    doc = DOCUMENTS.get(store, report_id, row.sha256)
    return {"report_id": report_id, "findings": findings_view(store, report_id, report, doc)}


@router.post("/reports/{report_id}/findings/{fingerprint}/decision", tags=[S_REPORTS], dependencies=[Csrf],
             summary="确认或驳回问题 / accept or dismiss a finding",
             description="审核人或管理员对一条问题给出意见（确认 accepted / 驳回 dismissed）并可附说明；记入操作日志。\n\n"
                         "A reviewer or admin accepts or dismisses a finding, with a comment; audited.")
def api_decide(request: Request, report_id: int, fingerprint: str, body: DecisionIn, user=ApiUser):
    return apply_decision(request, user, report_id, fingerprint, body.decision, body.comment)


@router.get("/reports/{report_id}/render/{fmt}", tags=[S_REPORTS], summary="按官方版式重排 / re-typeset",
            description="把报告按官方版式重新排版为 Word（docx）或网页（html）。 / The report in the official layout.")
def api_render(request: Request, report_id: int, fmt: Literal["docx", "html"], user=ApiUser):
    store = request.app.state.store
    row = scope(user).report(store, report_id)
    return Response(render(store.load_report(report_id), fmt), media_type=RENDER_TYPES[fmt],
                    headers={"Content-Disposition": content_disposition(f"report-{row.id}.{fmt}")})


# ---------------------------------------------------------------------------------------------- agencies


@router.get("/agencies", tags=[S_AGENCIES], summary="机关列表 / agencies",
            description="当前用户可见的机关。 / Agencies the user may see.")
def api_agencies(request: Request, user=ApiUser):
    rows = scope(user).agencies(request.app.state.store)
    return {"count": len(rows), "agencies": [{k: v for k, v in a.items() if k != "created"} for a in rows]}


@router.get("/agencies/{agency_id}", tags=[S_AGENCIES], summary="一个机关 / one agency",
            description="机关的历年报告、跨年度问题、关键数据的逐年变化。\n\n"
                        "An agency's reports over the years, cross-year findings, year-over-year key figures.")
def api_agency(request: Request, agency_id: int, user=ApiUser):
    data = agency_detail(request.app.state.store, user, agency_id)
    return {"agency": data["agency"], "reports": [public_row(r) for r in data["rows"]], "year_over_year": data["yoy"],
            "crossyear_findings": data["cross"]}


# ---------------------------------------------------------------------------------------------- roll-up


@router.get("/rollup", tags=[S_ROLLUP], summary="地区年度汇总 / a region's roll-up",
            description="地区内各机关某年度报告的汇总（gongkai.rollup/1）：报送情况、合计表、比率、各机关数据。"
                        "审核人只能汇总本地区及下级地区。\n\nThe region's roll-up for a year; reviewers only "
                        "within their region.")
def api_rollup(request: Request, region: str | None = None, year: int | None = None, user=ApiUser):
    if user.role == "submitter":
        raise Forbidden("rollup")
    region, ru, _ = open_rollup(request, user, region, year)
    if ru is None:
        raise HTTPException(404, "该地区该年度没有可汇总的报告。")
    return ru.to_json()


@router.get("/rollup.xlsx", tags=[S_ROLLUP], summary="汇总 Excel 下载 / the roll-up workbook",
            description="汇总表、各机关、未报送、核对、说明五个工作表。 / The roll-up as an Excel workbook.")
def api_rollup_xlsx(request: Request, region: str | None = None, year: int | None = None, user=ApiUser):
    if user.role == "submitter":
        raise Forbidden("rollup")
    region, ru, _ = open_rollup(request, user, region, year)
    if ru is None:
        raise HTTPException(404, "该地区该年度没有可汇总的报告。")
    return Response(workbook(ru), media_type=XLSX,
                    headers={"Content-Disposition": content_disposition(f"rollup-{ru.year}.xlsx")})


# ---------------------------------------------------------------------------------------------- writing


def _previous(request: Request, user, previous_id: int | None):
    if previous_id is None:
        return None
    store = request.app.state.store
    scope(user).report(store, previous_id)
    return store.load_report(previous_id)


def _composing_for(request: Request, user, body: FormIn) -> None:
    """A report is composed only for an agency the user may change: the one chosen by ``agency_id``, else
    the one its name resolves to (403 otherwise). Without either nothing is attributed to anyone."""
    store = request.app.state.store
    if body.agency_id is not None:
        chosen_agency(store, user, body.agency_id)
        return
    name = (body.agency or "").strip()
    if user.is_admin or not name:
        return
    try:
        aid = auth.resolve_agency(store.engine, name[:200])
    except auth.UserError as exc:
        raise HTTPException(403, f"只能为您有权填报或审核的机关撰写报告：{exc}") from exc
    assert aid is not None  # a name was given
    try:
        scope(user).agency(store, aid)
    except NotFound as exc:  # a name, not an id: say which rule refuses it
        raise HTTPException(403, f"只能为您有权填报或审核的机关撰写报告：“{name[:100]}”不在您的范围内。") from exc


def _form(body: FormIn) -> dict[str, Any]:
    return {"agency": body.agency, "year": body.year, "date": body.date, "edition": body.edition,
            "sections": body.sections, "cells": {k: ("" if v is None else str(v)) for k, v in body.cells.items()}}


@router.get("/compose/prefill", tags=[S_WRITE], summary="预填 / prefill",
            description="按机关上一年度报告预填本年度数据（上年结转、现行有效件数等）。\n\n"
                        "This year's form prefilled from the agency's previous report.")
def api_prefill(request: Request, agency_id: int, year: int, user=ApiUser):
    store = request.app.state.store
    ag = scope(user).agency(store, agency_id)
    try:
        return prefill(store, ag["name"], agency_id, year)
    except DataError as exc:
        raise HTTPException(422, exc.zh) from exc


@router.post("/compose/check", tags=[S_WRITE], summary="实时检查 / live check", dependencies=[Csrf],
             description="计算合计并按审核规则检查正在填写的报告，返回合计值与问题。\n\n"
                         "Totals computed and rules run on the form's data.")
def api_compose_check(request: Request, body: FormIn, user=ApiUser):
    _composing_for(request, user, body)
    try:
        return live_check(_form(body), _previous(request, user, body.previous_id))
    except DataError as exc:
        return JSONResponse({"detail": exc.zh, "totals": {}, "findings": []}, status_code=422)


@router.post("/compose/render", tags=[S_WRITE], summary="生成报告文件 / write the report", dependencies=[Csrf],
             description="按官方版式生成 Word（docx）或网页（html）。 / The report as .docx or HTML.")
def api_compose_render(request: Request, body: FormIn, fmt: Literal["docx", "html"] = "docx", user=ApiUser):
    _composing_for(request, user, body)
    try:
        data, name = render_form(_form(body), fmt)
    except DataError as exc:
        raise HTTPException(422, exc.zh) from exc
    auth.audit(request.app.state.store.engine, user, "write.render", None,
               {"agency": body.agency, "year": body.year, "format": fmt, "api": True}, ip=client_ip(request))
    return Response(data, media_type=RENDER_TYPES[fmt],
                    headers={"Content-Disposition": content_disposition(f"{name}.{fmt}")})


# ---------------------------------------------------------------------------------------------- admin


def _admin(user):
    if not user.is_admin:
        raise Forbidden("admin", ADMINS_ONLY)


@router.get("/users", tags=[S_ADMIN], summary="用户列表 / users", description="仅管理员。 / Admins only.")
def api_users(request: Request, user=ApiUser):
    _admin(user)
    return {"users": [u.to_json() for u in auth.list_users(request.app.state.store.engine)]}


@router.post("/users", tags=[S_ADMIN], summary="新增用户 / add a user", dependencies=[Csrf],
             description="仅管理员。未给密码时生成一个并在结果中返回一次。 / Admins only; a generated password is "
                         "returned once.")
def api_add_user(request: Request, body: UserIn, user=ApiUser):
    _admin(user)
    engine = request.app.state.store.engine
    password = body.password or auth.generate_password()
    try:
        aid = auth.resolve_agency(engine, body.agency) if body.role == "submitter" else None
        new = auth.add_user(engine, body.username, password, body.role, region=body.region, agency_id=aid,
                            display_name=body.display_name)
    except auth.UserError as exc:
        raise HTTPException(422, str(exc)) from exc
    auth.audit(engine, user, "user.add", f"user:{new.username}", {"role": new.role, "api": True}, ip=client_ip(request))
    return JSONResponse({"user": new.to_json(), "password": None if body.password else password}, status_code=201)


@router.get("/audit", tags=[S_ADMIN], summary="操作日志 / audit log",
            description="上传、审核意见、撰写、用户变更等操作记录（仅管理员）。 / Uploads, decisions, edits (admins only).")
def api_audit(request: Request, limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=10**9),
              action: str | None = Query(None, max_length=32), user=ApiUser):
    _admin(user)
    rows = auth.audit_log(request.app.state.store.engine, limit=limit, offset=offset, action=action)
    # times with their offset, in Beijing time (a stored time is UTC; SQLite gives it back without a zone)
    return {"entries": [{**r, "at": _when(r["at"])} for r in rows]}


@router.get("/docs", include_in_schema=False)
def api_docs():
    """A plain page listing the API from /openapi.json (no CDN: Swagger UI is not served)."""
    return HTMLResponse("""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>gongkai API</title>
<link rel="stylesheet" href="/static/app.css"></head><body class="apidocs"><main class="page">
<h1>gongkai JSON 接口 / API</h1><p>机器可读的说明：<a href="/openapi.json">/openapi.json</a>（OpenAPI 3）。</p>
<div id="api"></div></main><script src="/static/apidocs.js"></script></body></html>""")
