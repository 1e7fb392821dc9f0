"""Upload and review: dropping files, a report's page (metadata, the tables in the official layout, the
findings with their cells and source passages), decisions on findings, downloads."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.datastructures import UploadFile

from ...access import WriteGuard
from ...agencies import RegionPath
from ...inputs import REPORT_SUFFIXES
from ...render import render as render_report
from ...store import ReviewError
from ...store import schema as S
from ...store.reviews import Entered
from .. import auth, cycle
from ..access import Forbidden
from ..deps import Csrf, PageUser, client_ip, render, scope
from ..schema import DECISIONS
from ..uploads import MB, UploadError, UploadResult, check_quota, check_upload, clean_name
from ..views import DOCUMENTS, FORMAT_ZH, cell_groups, decide, findings_view, fingerprint, tables_view

router = APIRouter(include_in_schema=False)
log = logging.getLogger("gongkai.web")


def content_disposition(filename: str) -> str:
    ascii_name = "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "._-" else "_" for ch in filename) or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


async def handle_uploads(request: Request, user, files) -> list[UploadResult]:
    """Check and ingest every uploaded file under the user's write guard; one result and one audit entry
    per file, in order, whatever happens to the others."""
    settings = request.app.state.settings
    if len(files) > settings.max_files:
        raise HTTPException(413, f"一次最多上传 {settings.max_files} 个文件，您选择了 {len(files)} 个。请分批上传。")
    guard = WriteGuard(user.principal, own_agency_name=user.agency)
    results: list[UploadResult] = []
    for f in files:
        name = clean_name(getattr(f, "filename", None))
        try:
            result = await _upload_one(request, user, guard, name, f)
        except Exception:  # one file's trouble is its own: the others are still read and recorded
            log.exception("upload of %s failed", name)
            result = UploadResult(name, None, "failed", reason="error", message="处理该文件时出错，请稍后重试或联系管理员")
        _record(request, user, result)
        results.append(result)
    return results


async def _upload_one(request: Request, user, guard: WriteGuard, name: str, f) -> UploadResult:
    settings = request.app.state.settings
    data = await f.read(settings.max_file_bytes + 1)
    try:
        check_upload(name, len(data), settings.max_file_bytes)
        check_quota(request.app.state.store.engine, user.id, len(data), settings.quota_bytes, auth.now())
    except UploadError as exc:
        return UploadResult(name, None, "refused", reason=exc.reason, message=str(exc))
    return await run_in_threadpool(request.app.state.ingester.run, name, data, guard)


def _record(request: Request, user, r: UploadResult) -> None:
    try:
        auth.audit(request.app.state.store.engine, user, "upload" if r.report_id is not None else "upload.failed",
                   f"report:{r.report_id}" if r.report_id is not None else f"file:{r.name}",
                   {"name": r.name, "sha256": r.sha256, "size": r.size, "status": r.status, "reason": r.reason,
                    "message": r.message}, ip=client_ip(request))
    except Exception:  # the result is still shown; the log says the entry is missing
        log.exception("audit entry for the upload of %s could not be written", r.name)


@router.get("/upload")
def upload_page(request: Request, user=PageUser):
    s = request.app.state.settings
    return render(request, "upload.html", {
        "nav": "upload", "max_mb": s.max_file_bytes / MB, "max_files": s.max_files,
        "suffixes": sorted(REPORT_SUFFIXES), "accept": ",".join(sorted(REPORT_SUFFIXES))})


@router.post("/upload", dependencies=[Csrf])
async def upload(request: Request, user=PageUser):
    s = request.app.state.settings
    form = await request.form(max_files=s.max_files + 1)
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not files:
        raise HTTPException(400, "没有选择文件。请选择或拖入要上传的报告文件后再提交。")
    results = await handle_uploads(request, user, files)
    ok = sum(1 for r in results if r.ok)
    status = 200 if ok else 400
    return render(request, "upload_result.html", {"nav": "upload", "results": results, "ok": ok}, status_code=status)


@router.get("/reports/{report_id}")
def report_page(request: Request, report_id: int, user=PageUser):
    store = request.app.state.store
    row = cycle.open_rows(store, [scope(user).report(store, report_id)])[0]  # counts of open findings
    report = store.load_report(report_id)
    doc = DOCUMENTS.get(store, report_id, row.sha256)
    findings = findings_view(store, report_id, report, doc)
    tables = tables_view(report, findings)
    versions = []
    if row.agency_id is not None and row.year is not None:
        versions = [r for r in store.reports(year=row.year, all_versions=True, ids=_agency_reports(store, row.agency_id))
                    if r.id != row.id]
    counts = {s: sum(1 for f in findings if f["severity"] == s) for s in ("error", "warning", "info")}
    undecided = sum(1 for f in findings if not f["decision"])
    name = (row.path or "").replace("\\", "/").rsplit("/", 1)[-1] or None
    cells = store.uncertain_cells([report_id])[report_id]
    return render(request, "report.html", {
        "nav": "reports", "row": row, "report": report, "tables": tables, "findings": findings, "counts": counts,
        "undecided": undecided, "versions": versions, "format_zh": FORMAT_ZH.get(row.format, row.format),
        "sections": report.sections, "contact": report.contact, "has_source": doc is not None, "name": name,
        "decisions": DECISIONS, "cells": cells, "cell_groups": cell_groups(cells),
        "n_uncertain": sum(1 for c in cells if c.uncertain),
        "can_enter": can_enter(user, row),
        "cycle": cycle.report_bar(store, user, row),
    })


def can_enter(user, row) -> bool:
    """The user may enter values read by eye for this report: a reviewer or an admin, for an agency the
    write guard lets them change."""
    return bool(user.can_decide) and WriteGuard(user.principal, own_agency_name=user.agency).refusal(
        row.agency_id, row.region, row.agency_printed, row.agency) is None


def enter_value(request: Request, user, report_id: int, ref: str, value) -> Entered:
    """A value read by eye for an uncertain cell, entered by ``user``: the report must be one the user
    sees, the user one who reviews, and the report's agency one the write guard lets the user change;
    the value, its audit entry and the findings computed again are written in one transaction."""
    store = request.app.state.store
    row = scope(user).report(store, report_id)
    if not user.can_decide:
        raise Forbidden(report_id, "只有审核人和管理员可以录入看原件读到的数值。")
    guard = WriteGuard(user.principal, own_agency_name=user.agency)
    ip = client_ip(request)

    def audited(conn, done: Entered) -> None:
        auth.audit_in(conn, user, "cell.review", f"report:{report_id}", {
            "cell": done.ref, "name": done.name, "value": done.value, "entered": str(value)[:100],
            "gone": [f["code"] for f in done.gone], "new": [f["code"] for f in done.new]}, ip=ip)

    try:
        reading = DOCUMENTS.reading(store, report_id, row.sha256)
        return store.set_cell_value(report_id, ref, value, user.username, guard=guard, reading=reading,
                                    on_write=audited)
    except ReviewError as exc:
        if exc.status == 403:
            raise HTTPException(403, exc.zh) from exc
        raise HTTPException(exc.status, exc.zh) from exc


@router.post("/reports/{report_id}/cells/{cell}", dependencies=[Csrf])
def enter_value_page(request: Request, report_id: int, cell: str, value: str = Form(""), user=PageUser):
    enter_value(request, user, report_id, cell, value)
    return RedirectResponse(f"/reports/{report_id}#cell-{quote(cell)}", status_code=303)


@router.get("/reports/{report_id}/cells/{cell}/crop.png")
def cell_crop(request: Request, report_id: int, cell: str, user=PageUser):
    return crop_response(request, user, report_id, cell)


def crop_response(request: Request, user, report_id: int, ref: str) -> Response:
    """The scanned image of a cell, to whoever may read the report (never a path on the server)."""
    store = request.app.state.store
    scope(user).report(store, report_id)
    png = store.cell_crop(report_id, ref)
    if png is None:
        raise HTTPException(404, "该单元格没有扫描图。")
    return Response(png, media_type="image/png", headers={"Content-Disposition": "inline"})


def _agency_reports(store, agency_id: int) -> list[int]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(S.reports.c.id).where(S.reports.c.agency_id == agency_id)).scalars())


@router.post("/reports/{report_id}/findings/{fp}", dependencies=[Csrf])
def decide_page(request: Request, report_id: int, fp: str, decision: str = Form(...), comment: str = Form(""),
                user=PageUser):
    apply_decision(request, user, report_id, fp, decision, comment)
    return RedirectResponse(f"/reports/{report_id}#f-{fp}", status_code=303)


def apply_decision(request: Request, user, report_id: int, fp: str, decision: str, comment: str | None) -> dict:
    store = request.app.state.store
    scope(user).report(store, report_id)
    if not user.can_decide:
        raise Forbidden(report_id, "只有审核人和管理员可以确认或驳回问题。")
    if decision not in DECISIONS:
        raise HTTPException(422, "审核意见应为“确认”或“驳回”。")
    if decision == "dismissed" and not (comment or "").strip():
        raise HTTPException(422, "驳回问题时请在“说明”中写明理由（如“经电话核实，该镇本年无此类申请”）；驳回后该问题不再计入未处理的问题。")
    finding = next((f for f in store.findings(report_id) if fingerprint(f) == fp), None)
    if finding is None:
        raise HTTPException(404, "该问题不存在（报告可能已重新审核），请刷新页面。")
    decide(store.engine, user, report_id, fp, finding["code"], decision, comment)
    auth.audit(store.engine, user, "decision", f"report:{report_id}",
               {"finding": fp, "code": finding["code"], "decision": decision, "comment": comment or None},
               ip=client_ip(request))
    return {"report_id": report_id, "fingerprint": fp, "code": finding["code"], "decision": decision,
            "comment": (comment or "").strip() or None}


@router.get("/reports/{report_id}/original")
def original(request: Request, report_id: int, user=PageUser):
    store = request.app.state.store
    scope(user).report(store, report_id)
    name, data = store.original(report_id)
    return Response(data, media_type="application/octet-stream",
                    headers={"Content-Disposition": content_disposition(name or f"report-{report_id}")})


RENDER_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "html": "text/html; charset=utf-8"}


@router.get("/reports/{report_id}/render/{fmt}")
def rerender(request: Request, report_id: int, fmt: str, user=PageUser):
    if fmt not in RENDER_TYPES:
        raise HTTPException(404, "规范版只有 Word 和网页两种。")
    store = request.app.state.store
    row = scope(user).report(store, report_id)
    data = render_report(store.load_report(report_id), fmt)
    filename = f"{row.year or ''}年{row.agency or '报告'}政府信息公开工作年度报告（规范版）.{fmt}"
    return Response(data, media_type=RENDER_TYPES[fmt], headers={"Content-Disposition": content_disposition(filename)})


def region_text(region: RegionPath) -> str:
    return region.path or "（未知）"
