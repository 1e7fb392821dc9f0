"""Writing a report: the tables as a form in the official layout, totals computed and rules run as the
user types (static/write.js calls /api/compose/check), the draft kept on the server as they type, prefilled
from the agency's previous report and its application register — or the year's stored report continued, or
an Excel form read in — narrative sections, and the .docx/HTML download, straight into the store, or into the
store and on to the office for review (the yearly cycle's submit move, web/cycle.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select

from ...access import WriteGuard
from ...compose import excel_form
from ...extract.values import small_int
from ...formats import EDITIONS, edition_for_year, get_edition
from ...formats.common import SECTIONS
from ...forms import DataError, FormError
from ...store import schema as S
from ...store.reviews import beijing
from ...totals import total_definitions
from .. import auth, cycle, drafts
from ..access import NotFound
from ..deps import Csrf, PageUser, client_ip, render, scope
from ..uploads import UploadError, UploadResult, check_quota, clean_name
from ..writing import (
    excel_form_data,
    form_layout,
    live_check,
    prefill,
    previous_report,
    render_form,
    stored_form,
    this_year,
    typed_cells,
)
from .review import RENDER_TYPES, content_disposition

router = APIRouter(include_in_schema=False)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUBMITTERS = cycle.MOVES["submit"].roles  # who may send a year to the office


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
    """The agency a report is written for: one the user may change — any other is not found, as one that
    does not exist (404 "找不到该机关"), for a clerk as for a reviewer. A submitter always writes for its own
    agency; an admin may write without choosing one."""
    if user.role == "submitter":
        if agency_id not in (None, user.agency_id):
            raise NotFound("机关", agency_id)
        agency_id = user.agency_id
    if agency_id is None:
        if user.is_admin:
            return None
        raise HTTPException(422, "请先选择要撰写报告的机关")
    return scope(user).agency(store, agency_id)


def _year_of(value: Any) -> int:
    year = small_int(str(value).strip(), 4) if value is not None else None
    if year is None or not 1990 < year < 2200:
        raise HTTPException(422, "年度应为四位数字，如 2024")
    return year


def _text_field(form, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None  # a file sent in its place counts as blank


# ---------------------------------------------------------------------------------------------- the page


def default_year(store, user, agency_id: int) -> int:
    """The year the writer opens on: a year the office returned, else the latest draft of this user, else
    the year after the agency's latest stored report, else last year."""
    st = cycle.web_cycle_states.c
    with store.engine.connect() as conn:
        returned = list(conn.execute(select(st.year).where(
            st.agency_id == agency_id, st.state == "returned").order_by(st.year.desc())).scalars())
    for y in returned:
        if cycle.status_of(store, agency_id, y).state == "returned":
            return y
    mine = drafts.of_user(store, user.id, agency_id)
    if mine:
        return mine[0].year
    last = max((r.year for r in scope(user).reports(store) if r.agency_id == agency_id and r.year), default=None)
    return last + 1 if last else this_year()


def other_years(store, user, ag: dict[str, Any], year: int) -> list[dict[str, Any]]:
    """The agency's other years to go on with: this user's drafts and the stored years, with their state."""
    saved = {d.year: d for d in drafts.of_user(store, user.id, ag["id"])}
    with store.engine.connect() as conn:
        stored = set(conn.execute(select(S.reports.c.year).where(
            S.reports.c.agency_id == ag["id"], S.reports.c.current, S.reports.c.year.is_not(None))).scalars())
    out = []
    for y in sorted((set(saved) | stored) - {year}, reverse=True)[:6]:
        st = cycle.statuses(store, [ag], y)[0] if y in stored else None
        out.append({"year": y, "state": st.state if st else None, "state_zh": st.state_zh if st else None,
                    "draft": cycle.when(saved[y].saved_at) if y in saved else None})
    return out


def _sections(data: dict[str, Any]) -> dict[int, str]:
    out = {}
    for n, text in (data.get("sections") or {}).items():
        number = small_int(str(n), 2)
        if number is not None:
            out[number] = text or ""
    return out


def writer_context(request: Request, user, agency_id: int | None, year: int | None, *, fresh: bool = False,
                   posted: dict[str, Any] | None = None, error: str | None = None) -> dict[str, Any]:
    """What the writer shows: the agency's form for the year — this user's draft, else the year's stored
    report (to go on with it), else prefilled from last year and the register; or what was just posted."""
    store = request.app.state.store
    agencies = writable_agencies(store, user)
    if user.role == "submitter":
        agency_id = user.agency_id
    if agency_id is None and len(agencies) == 1:
        agency_id = agencies[0]["id"]
    if year is None and agency_id is not None:
        year = default_year(store, user, agency_id)
    year = year or this_year()
    ctx: dict[str, Any] = {"nav": "write", "agencies": agencies, "agency_id": agency_id, "year": year,
                           "error": error}
    if agency_id is None:
        return ctx
    ag = scope(user).agency(store, agency_id)
    try:
        pre = prefill(store, ag["name"], agency_id, year)
    except DataError as exc:
        raise HTTPException(422, exc.zh) from exc
    st = cycle.status_of(store, agency_id, year)
    draft = drafts.load(store, user.id, agency_id, year) if posted is None else None
    notes: list[str] = []
    formulas = pre["formulas"]
    revision = draft.revision if draft else 0
    if posted is not None:
        data, typed, source = posted["data"], posted["typed"], "posted"
        revision = posted.get("revision", 0)
    elif draft is not None:
        data, typed, source = dict(draft.data), list(draft.data.get("typed") or []), "draft"
        if st.report_id is not None and draft.base_report_id != st.report_id:
            notes.append(f"草稿开始填写之后，库中又有了本年度报告的新版本 #{st.report_id}。草稿没有包含该版本的内容；"
                         "如要以库中版本为准，请点“放弃草稿”。")
    elif st.report_id is not None and not fresh:
        data, source = stored_form(store, st.report_id), "stored"
        typed = typed_cells(data["edition"], data["cells"], formulas)
    else:
        data, typed, source = pre["data"], [], "prefill"
        notes += pre["notes"]
    data = {**data, "year": year, "agency": data.get("agency") or ag["name"], "sections": _sections(data)}
    key = data.get("edition") if data.get("edition") in EDITIONS else None
    ed = get_edition(key) if key else (edition_for_year(year) or get_edition("2021"))
    data["edition"] = ed.key
    q = request.query_params
    loaded, form_agency, form_year = (small_int(q.get("loaded") or ""), q.get("form_agency") or "",
                                      small_int(q.get("form_year") or "", 4))
    if loaded is not None:
        notes.insert(0, f"已从 Excel 填报表读入 {loaded} 个单元格的数值和各部分文字，并已保存为草稿。请逐项核对。")
        if form_agency:
            notes.insert(1, f"注意：填报表中的机关名称是“{form_agency[:100]}”，本页仍按“{ag['name']}”填写。")
        if form_year:
            notes.insert(1, f"注意：填报表中的年度是 {form_year} 年，本页仍是 {year} 年度。")
    ctx.update({
        "agency": ag, "data": data, "notes": notes, "previous_id": pre["previous_id"],
        "previous_year": pre["previous_year"], "edition": ed, "tables": form_layout(ed.key),
        "sections": SECTIONS, "definitions": {k: [list(t) for t in v] for k, v in total_definitions(ed.key).items()},
        "source": source, "draft": draft, "draft_saved": cycle.when(draft.saved_at) if draft else "",
        "status": st, "can_submit": user.role in SUBMITTERS, "others": other_years(store, user, ag, year),
        "fresh": fresh, "when": cycle.when, "note": posted.get("note", "") if posted else "", "writer": {
            # a draft keeps the version it began from, so that a newer stored version is still pointed out
            "agency_id": agency_id, "year": year, "revision": revision,
            "base_report_id": draft.base_report_id if draft is not None else st.report_id,
            "typed": sorted(set(typed)), "formulas": formulas if ed.key == pre["data"]["edition"] else {},
        },
    })
    return ctx


@router.get("/write")
def write_page(request: Request, agency_id: int | None = None, year: int | None = None, fresh: int = 0,
               user=PageUser):
    return render(request, "write.html", writer_context(request, user, agency_id, year, fresh=bool(fresh)))


@router.get("/write/form.xlsx")
def write_excel_form(request: Request, agency_id: int, year: int, user=PageUser):
    """The Excel form to fill in offline (as ``gongkai template --xlsx``), prefilled from last year's report."""
    store = request.app.state.store
    ag = scope(user).agency(store, agency_id)
    year = _year_of(year)
    _, previous = previous_report(store, agency_id, year)
    ed = edition_for_year(year) or get_edition("2021")
    body = excel_form(ed, year, ag["name"], previous)
    return Response(body, media_type=XLSX,
                    headers={"Content-Disposition": content_disposition(f"{year}年度{ag['name']}年报填报表.xlsx")})


# ---------------------------------------------------------------------------------------------- drafts


def _where(agency_id: int, year: int, **extra: Any) -> str:
    return "/write?" + urlencode({"agency_id": agency_id, "year": year, **extra})


@router.post("/write/draft", dependencies=[Csrf])
async def save_draft(request: Request, user=PageUser):
    """Keep what the user typed (static/write.js, a moment after the last change): JSON {agency_id, year,
    revision, base_report_id, data}. Answers the new revision and when it was saved (Beijing time)."""
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        return JSONResponse({"detail": "草稿数据格式有误"}, status_code=422)
    if not isinstance(body, dict):
        return JSONResponse({"detail": "草稿数据格式有误"}, status_code=422)
    store = request.app.state.store
    agency_id = body.get("agency_id")
    ag = chosen_agency(store, user, agency_id if isinstance(agency_id, int) and not isinstance(agency_id, bool)
                       else -1)
    if ag is None:
        return JSONResponse({"detail": "请先选择要撰写报告的机关"}, status_code=422)
    year = _year_of(body.get("year"))
    revision = body.get("revision")
    base = body.get("base_report_id")
    try:
        d = await run_in_threadpool(
            drafts.save, store, user.id, ag["id"], year, body.get("data"),
            revision=revision if isinstance(revision, int) and not isinstance(revision, bool) else 0,
            base_report_id=base if isinstance(base, int) and not isinstance(base, bool) and base > 0 else None)
    except drafts.DraftError as exc:
        return JSONResponse({"detail": exc.zh}, status_code=exc.status)
    saved = beijing(d.saved_at)
    return {"revision": d.revision, "saved_at": f"{saved:%H:%M:%S}" if saved else "", "saved": cycle.when(d.saved_at)}


@router.post("/write/draft/discard", dependencies=[Csrf])
async def discard_draft(request: Request, user=PageUser):
    form = await request.form()
    store = request.app.state.store
    agency_id = small_int((_text_field(form, "agency_id") or "").strip())
    ag = chosen_agency(store, user, agency_id if agency_id is not None else -1)
    if ag is None:
        raise HTTPException(422, "请先选择要撰写报告的机关")
    year = _year_of(_text_field(form, "year"))
    if drafts.discard(store, user.id, ag["id"], year):
        auth.audit(store.engine, user, "write.draft.discard", f"agency:{ag['id']}", {"agency": ag["name"], "year": year},
                   ip=client_ip(request))
    return RedirectResponse(_where(ag["id"], year), status_code=303)


@router.post("/write/form", dependencies=[Csrf])
async def read_excel_form(request: Request, user=PageUser):
    """An Excel form filled offline read into the writer: its values become this user's draft."""
    form = await request.form()
    store = request.app.state.store
    agency_id = small_int((_text_field(form, "agency_id") or "").strip())
    ag = chosen_agency(store, user, agency_id if agency_id is not None else -1)
    if ag is None:
        raise HTTPException(422, "请先选择要撰写报告的机关")
    year = _year_of(_text_field(form, "year"))
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _page_error(request, user, ag["id"], year, "请选择要导入的 Excel 填报表（.xlsx 文件）。")
    limit = request.app.state.settings.max_file_bytes
    raw = await upload.read(limit + 1)
    if len(raw) > limit:
        return _page_error(request, user, ag["id"], year, f"文件过大（最多 {limit // 2**20} MB）。", 413)
    name = clean_name(upload.filename)
    try:
        data = await run_in_threadpool(excel_form_data, raw, name)
    except (FormError, DataError) as exc:
        return _page_error(request, user, ag["id"], year, f"无法导入“{name}”：{exc.zh}")
    extra: dict[str, Any] = {"loaded": len(data["cells"])}
    if data.get("agency") and "".join(data["agency"].split()) != ag["name"]:
        extra["form_agency"] = data["agency"]
    if data.get("year") and data["year"] != year:
        extra["form_year"] = data["year"]
    try:  # the stock cells the form worked out from last year's keep following 制发 and 废止 in the page
        formulas = prefill(store, ag["name"], ag["id"], year)["formulas"]
    except DataError:
        formulas = {}
    draft = {"agency": ag["name"], "date": data.get("date") or "", "edition": data["edition"],
             "sections": {str(n): t for n, t in data["sections"].items()}, "cells": data["cells"],
             "typed": typed_cells(data["edition"], data["cells"], formulas)}
    st = cycle.status_of(store, ag["id"], year)
    try:
        drafts.save(store, user.id, ag["id"], year, draft, revision=None, base_report_id=st.report_id)
    except drafts.DraftError as exc:
        return _page_error(request, user, ag["id"], year, f"无法导入“{name}”：{exc.zh}", exc.status)
    auth.audit(store.engine, user, "write.draft.form", f"agency:{ag['id']}",
               {"agency": ag["name"], "year": year, "file": name, "cells": len(data["cells"])}, ip=client_ip(request))
    return RedirectResponse(_where(ag["id"], year, **extra), status_code=303)


def _page_error(request: Request, user, agency_id: int, year: int, message: str, status: int = 422,
                posted: dict[str, Any] | None = None):
    ctx = writer_context(request, user, agency_id, year, posted=posted, error=message)
    return render(request, "write.html", ctx, status_code=status)


# ---------------------------------------------------------------------------------------------- out of the writer


async def _posted(request: Request, user) -> tuple[dict[str, Any], dict[str, Any] | None, str, Any]:
    form = await request.form()
    data = form_from_post(form)
    agency_id, fmt = _text_field(form, "agency_id"), _text_field(form, "fmt")
    agency = chosen_agency(request.app.state.store, user, small_int(agency_id.strip()) if agency_id else None)
    if agency is not None and not data["agency"]:
        data["agency"] = agency["name"]
    return data, agency, (fmt or "docx"), form


@router.post("/write/render", dependencies=[Csrf])
async def write_render(request: Request, user=PageUser):
    data, agency, fmt, _ = await _posted(request, user)
    if fmt not in RENDER_TYPES:
        raise HTTPException(400, "下载格式应为 Word 或网页")
    try:
        body, name = await run_in_threadpool(render_form, data, fmt)
    except DataError as exc:
        raise HTTPException(422, exc.zh) from exc
    auth.audit(request.app.state.store.engine, user, "write.render", f"agency:{agency['id'] if agency else None}",
               {"agency": data["agency"], "year": data["year"], "format": fmt}, ip=client_ip(request))
    return Response(body, media_type=RENDER_TYPES[fmt],
                    headers={"Content-Disposition": content_disposition(f"{name}.{fmt}")})


async def _store(request: Request, user, data: dict[str, Any], agency: dict[str, Any] | None, action: str,
                 extra: dict[str, Any] | None = None) -> UploadResult:
    """Render the form as .docx and store it like an upload, for the chosen agency only (it is then
    reviewed like any report); the user's draft of that year ends with it."""
    store = request.app.state.store
    try:
        body, name = await run_in_threadpool(render_form, data, "docx")
    except DataError as exc:
        raise HTTPException(422, exc.zh) from exc
    try:
        check_quota(store.engine, user.id, len(body), request.app.state.settings.quota_bytes, auth.now())
    except UploadError as exc:
        raise HTTPException(429, str(exc)) from exc
    guard = WriteGuard(user.principal, agency["id"] if agency else None,
                       own_agency_name=agency["name"] if agency else user.agency)
    result: UploadResult = await run_in_threadpool(request.app.state.ingester.run, clean_name(f"{name}.docx"), body,
                                                   guard)
    auth.audit(store.engine, user, action,
               f"report:{result.report_id}" if result.report_id else f"agency:{agency['id'] if agency else None}",
               {"agency": data["agency"], "year": data["year"], "status": result.status, "message": result.message,
                "size": result.size, **(extra or {})}, ip=client_ip(request))
    if result.report_id is None:
        raise HTTPException(403 if result.reason == "scope" else 422,
                            f"生成的报告未能入库：{result.message or result.status_zh}")
    row = store.report_row(result.report_id)
    if row is not None and row.agency_id is not None and row.year is not None:
        drafts.discard(store, user.id, row.agency_id, row.year)
    return result


@router.post("/write/store", dependencies=[Csrf])
async def write_store(request: Request, user=PageUser):
    data, agency, _, _ = await _posted(request, user)
    result = await _store(request, user, data, agency, "write.store")
    return RedirectResponse(f"/reports/{result.report_id}", status_code=303)


def _typed(form) -> list[str]:
    return [r for r in (_text_field(form, "typed") or "").split(",") if r.count(".") == 2][:2000]


@router.post("/write/submit", dependencies=[Csrf])
async def write_submit(request: Request, user=PageUser):
    """保存并提交审核: store the form as this year's report and submit it to the office (the cycle's submit,
    or resubmit when the office returned it). With error findings and no reason given, nothing is stored:
    the page comes back with the form as it was and asks for the reason, which the reviewer will see."""
    data, agency, _, form = await _posted(request, user)
    if user.role not in SUBMITTERS:
        raise HTTPException(403, "提交审核只能由填报人（或管理员）操作；审核人请用“保存入库”。")
    if agency is None:
        raise HTTPException(422, "请先选择要撰写报告的机关")
    store = request.app.state.store
    year = _year_of(data["year"])
    note = (_text_field(form, "note") or "").strip()[:4000]
    revision = small_int((_text_field(form, "revision") or "").strip()) or 0
    typed = _typed(form)
    posted: dict[str, Any] = {"data": data, "typed": typed, "revision": revision, "note": note}
    st = cycle.status_of(store, agency["id"], year)
    try:
        _, previous = previous_report(store, agency["id"], year)
        found = await run_in_threadpool(live_check, data, previous)
    except DataError as exc:
        return _page_error(request, user, agency["id"], year, f"报告数据有误，未提交：{exc.zh}", 422, posted)
    errors = found["counts"]["error"]
    if errors and not note:
        saved = _keep(store, user, agency["id"], year, data, typed, st.report_id)
        posted["revision"] = saved
        return _page_error(request, user, agency["id"], year,
                           f"报告还有 {errors} 个错误没有改正，未提交。请改正后再提交；确需按现在的内容提交的，"
                           "请在“提交说明”中写明理由，审核人会看到。", 422, posted)
    result = await _store(request, user, data, agency, "write.submit", {"note": note or None})
    row = store.report_row(result.report_id)
    assert row is not None and row.agency_id is not None  # just stored, for this agency
    now = cycle.status_of(store, row.agency_id, row.year or year)
    action = "resubmit" if now.state == "returned" else "submit"
    try:
        cycle.move(store, user, row.agency_id, row.year or year, action, note or None, ip=client_ip(request))
    except cycle.CycleError as exc:
        posted["revision"] = 0
        return _page_error(request, user, agency["id"], year,
                           f"报告已保存入库（#{result.report_id}），但未能提交审核：{exc.zh}", exc.status, posted)
    return RedirectResponse(f"/reports/{result.report_id}", status_code=303)


def _keep(store, user, agency_id: int, year: int, data: dict[str, Any], typed: list[str],
          base: int | None) -> int:
    """What was posted, kept as the draft (a refused submission loses nothing); its revision."""
    body = {"agency": data.get("agency") or "", "date": data.get("date") or "", "edition": data.get("edition"),
            "sections": data.get("sections") or {}, "cells": data.get("cells") or {}, "typed": typed}
    try:
        return drafts.save(store, user.id, agency_id, year, body, revision=None, base_report_id=base).revision
    except drafts.DraftError:
        return 0

