"""The application register (依申请公开台账) in the browser: clerks enter and update applications and see
their deadlines; reviewers see their region's overdue and due-soon applications; tables 三 and 四 computed
from the register; import of an existing register (Excel/CSV, with the column mapping confirmed) and the
Excel export. Every write goes through gongkai.register.Register with the user's write guard (the same
access rules as reports) and leaves an entry in the audit log, in the same transaction."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from ...access import WriteGuard
from ...compose import blank_report
from ...extract.values import small_int
from ...formats import EDITIONS, edition_for_year, get_edition
from ...register import (
    APPLICANT_TYPES,
    CHANNELS,
    FOLLOW_UP_KINDS,
    PAUSE_KINDS,
    RESULTS,
    Application,
    FollowUp,
    Pause,
    Register,
    RegisterError,
    deadline,
    outcome_choices,
)
from ...register import importing as imp
from ...register.deadlines import DUE_SOON
from ...register.export import workbook
from ...register.model import MAX_EXTENSION
from ...store.reviews import beijing_text
from .. import auth
from ..access import NotFound
from ..deps import Csrf, PageUser, client_ip, render, scope
from ..uploads import clean_name
from ..views import tables_view
from .review import content_disposition

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT = 1024 * 1024  # bytes of a register file sent through the page (the page's body limit is 2 MB)
CONSULTATION_ROWS = 2
FOLLOW_UP_ROWS = 3

auth.ACTION_ZH.update({"register.add": "登记申请", "register.update": "修改申请", "register.delete": "删除申请",
                       "register.import": "导入台账"})


def today(request: Request) -> dt.date:
    """The day deadlines are counted to: today, or the day the application was set up with (a demonstration
    or a test sets ``settings.extra["today"]``)."""
    fixed = request.app.state.settings.extra.get("today")
    return fixed if isinstance(fixed, dt.date) else dt.date.today()


def report_year(day: dt.date) -> int:
    """The year whose annual report is in hand: last year's until the end of March, then this year's."""
    return day.year - 1 if day.month <= 3 else day.year


def _reg(request: Request) -> Register:
    return Register(request.app.state.store)


def _guard(user) -> WriteGuard:
    return WriteGuard(user.principal, own_agency_name=user.agency)


def _refused(exc: RegisterError) -> HTTPException:
    return HTTPException(exc.status if exc.status in (403, 404, 409) else 422, exc.zh)


def _audit(request: Request, user):
    ip = client_ip(request)

    def hook(conn, action: str, old: Application | None, new: Application | None) -> None:
        app = new or old
        assert app is not None
        auth.audit_in(conn, user, f"register.{action}", f"application:{app.id}",
                      {"agency_id": app.agency_id, "number": app.number, "received": app.received,
                       "replied": app.replied, "outcome": app.outcome}, ip)

    return hook


def _agency_for(request: Request, user, agency_id: int | None) -> dict[str, Any] | None:
    """The agency a page is about: the submitter's own; another only when the user sees it (404 else, the
    same as for an agency that does not exist)."""
    store = request.app.state.store
    if user.role == "submitter":
        if agency_id not in (None, user.agency_id):
            raise NotFound("机关", agency_id)
        agency_id = user.agency_id
    if agency_id is None:
        return None
    return scope(user).agency(store, agency_id)


def _visible_app(request: Request, user, app_id: int) -> Application:
    """An application of an agency the user sees; 404 alike when there is none and when it is another's."""
    try:
        app = _reg(request).get(app_id)
    except RegisterError as exc:
        if exc.status == 404:
            raise NotFound("申请登记", app_id) from exc
        raise _refused(exc) from exc
    assert app.agency_id is not None
    try:
        scope(user).agency(request.app.state.store, app.agency_id)
    except NotFound as exc:
        raise NotFound("申请登记", app_id) from exc
    return app


def _choices(year: int) -> dict[str, Any]:
    ed = edition_for_year(year) or max(EDITIONS.values(), key=lambda e: e.first_year)
    return {"channels": CHANNELS, "applicant_types": APPLICANT_TYPES, "outcomes": outcome_choices(ed),
            "outcome_edition": ed, "pause_kinds": PAUSE_KINDS, "follow_up_kinds": FOLLOW_UP_KINDS,
            "results": RESULTS, "max_extension": MAX_EXTENSION}


# ---------------------------------------------------------------------------------------------- lists


def dashboard(store, user, day: dt.date) -> dict[str, Any] | None:
    """The home page's block: the user's overdue and due-soon applications (None when no register is kept
    within the user's scope)."""
    agencies = [a["id"] for a in scope(user).agencies(store)]
    if not agencies:
        return None
    reg = Register(store)
    if not reg.agency_counts(agencies):
        return None
    rows = reg.due(day, agency_ids=agencies)
    return {"overdue": [x for x in rows if x.deadline.state == "overdue"],
            "due_soon": [x for x in rows if x.deadline.state == "due_soon"],
            "unknown": [x for x in rows if x.deadline.state == "unknown"],
            "open": len(rows), "today": day, "soon": DUE_SOON}


@router.get("/register")
def register_page(request: Request, agency_id: int | None = None, year: int | None = None, show: str = "",
                  user=PageUser):
    store = request.app.state.store
    day = today(request)
    ag = _agency_for(request, user, agency_id)
    agencies = scope(user).agencies(store)
    reg = _reg(request)
    ctx: dict[str, Any] = {"nav": "register", "agencies": agencies, "agency": ag, "today": day, "soon": DUE_SOON,
                           "year": year, "show": show}
    if ag is None:  # a reviewer's or admin's view of everything in scope
        ids = [a["id"] for a in agencies]
        rows = reg.due(day, agency_ids=ids) if ids else []
        counts = reg.agency_counts(ids) if ids else {}
        ctx.update({"due": [x for x in rows if x.deadline.state in ("overdue", "due_soon", "unknown")],
                    "open_count": len(rows), "kept": [a for a in agencies if counts.get(a["id"])],
                    "counts": counts})
        return render(request, "register.html", ctx)
    ctx.update({**_agency_lines(reg, ag, day, year, show),
                "new": Application(agency_id=ag["id"], number=reg.next_number(ag["id"], day.year)),
                "report_year": year or report_year(day), "added": small_int(request.query_params.get("added"), 18),
                **_choices(day.year)})
    return render(request, "register.html", ctx)


def _agency_lines(reg: Register, ag: dict[str, Any], day: dt.date, year: int | None, show: str) -> dict[str, Any]:
    """An agency's applications as its register page lists them (all, a year's, or this year's and the
    open ones) with their deadlines, and those that need attention."""
    if show == "all":
        apps = reg.applications(agency_ids=[ag["id"]])
    elif year:
        apps = reg.applications(agency_ids=[ag["id"]], year=year)
    else:  # open ones and this year's
        apps = reg.applications(agency_ids=[ag["id"]], year=day.year)
        seen = {a.id for a in apps}
        apps = [a for a in reg.applications(agency_ids=[ag["id"]], open_on=day) if a.id not in seen] + apps
    lines = [(a, deadline(a, day)) for a in apps]
    lines.sort(key=lambda x: (x[0].received or dt.date.max, x[0].id or 0), reverse=True)
    return {"lines": lines, "due": [x for x in reg.due(day, agency_ids=[ag["id"]])
                                    if x.deadline.state in ("overdue", "due_soon", "unknown")]}


# ---------------------------------------------------------------------------------------------- the form


def _date(form, name: str, errors: list[str], label: str) -> dt.date | None:
    v = form.get(name)
    if not isinstance(v, str) or not v.strip():
        return None
    try:
        return imp.parse_date(v.strip())
    except ValueError as exc:
        errors.append(f"{label}：{exc}")
        return None


def _text(form, name: str, limit: int = 2000) -> str:
    v = form.get(name)
    return v.strip()[:limit] if isinstance(v, str) else ""


def application_from_form(form, base: Application | None = None) -> tuple[Application, list[str]]:
    """An application from the page's form (the fields of the quick entry or of the whole entry); the
    second value lists what could not be read."""
    app = base.copy() if base is not None else Application()
    errors: list[str] = []
    app.number = _text(form, "number", 60) or None
    app.channel = _text(form, "channel", 20) or app.channel
    app.submitted = _date(form, "submitted", errors, "提交日期")
    app.confirmed = _date(form, "confirmed", errors, "签收或确认日期")
    app.applicant_type = _text(form, "applicant_type", 30) or app.applicant_type
    app.applicant = _text(form, "applicant", 200)
    app.content = _text(form, "content")
    if "full" not in form:  # the quick entry: only these
        return app, errors
    app.note = _text(form, "note")
    app.correction_requested = _date(form, "correction_requested", errors, "补正告知日期")
    app.correction_answered = _date(form, "correction_answered", errors, "收到补正日期")
    days = _text(form, "extension_days", 5)
    n = small_int(days, 3) if days else 0
    if n is None:
        errors.append(f"延长答复期限应填工作日数（0 至 {MAX_EXTENSION}），填的是“{days}”")
        n = 0
    app.extension_days = n
    app.extended_on = _date(form, "extended_on", errors, "延期告知日期")
    app.replied = _date(form, "replied", errors, "答复（办结）日期")
    app.outcome = _text(form, "outcome", 40) or None
    app.fee_notice = _date(form, "fee_notice", errors, "收费通知日期")
    app.fee_paid = _date(form, "fee_paid", errors, "缴费日期")
    fee = _text(form, "fee_amount", 20)
    try:
        app.fee_amount = imp.parse_number(fee) if fee else None
    except ValueError as exc:
        errors.append(f"收费金额：{exc}")
    app.consultations = []
    for i in range(CONSULTATION_ROWS):
        start = _date(form, f"p{i}_start", errors, "征求意见日期")
        end = _date(form, f"p{i}_end", errors, "收到意见日期")
        if start is None and end is None:
            continue
        if start is None:
            errors.append("填写了收到意见日期，请填写征求意见（发出）日期")
            continue
        app.consultations.append(Pause(_text(form, f"p{i}_kind", 20) or "third_party", start, end))
    app.follow_ups = []
    for i in range(FOLLOW_UP_ROWS):
        kind = _text(form, f"f{i}_kind", 30)
        filed = _date(form, f"f{i}_filed", errors, "申请复议或起诉日期")
        result = _text(form, f"f{i}_result", 20) or None
        decided = _date(form, f"f{i}_decided", errors, "决定或判决日期")
        if not kind and filed is None and result is None and decided is None:
            continue
        if not kind or filed is None:
            errors.append("行政复议、行政诉讼：请选择种类并填写申请复议或起诉的日期")
            continue
        app.follow_ups.append(FollowUp(kind, filed, result, decided))
    return app, errors


@router.post("/register/add", dependencies=[Csrf])
async def add_application(request: Request, user=PageUser):
    form = await request.form()
    agency_id = small_int(_text(form, "agency_id", 20), 18)
    if user.role == "submitter" and agency_id is None:
        agency_id = user.agency_id
    if agency_id is not None:  # an agency outside the scope is one the user does not know of
        _agency_for(request, user, agency_id)
    app, errors = application_from_form(form)
    app.agency_id = agency_id
    if not errors:
        try:
            stored = _reg(request).add(app, by=user.username, guard=_guard(user), on_write=_audit(request, user))
        except RegisterError as exc:
            if exc.status in (403, 404):
                raise _refused(exc) from exc
            errors = exc.problems
        else:
            return RedirectResponse(f"/register?{urlencode({'agency_id': stored.agency_id, 'added': stored.id})}",
                                    status_code=303)
    return _entry_again(request, user, app, errors)


def _entry_again(request: Request, user, app: Application, errors: list[str]):
    """The quick entry shown again with what was typed and why it was not stored."""
    store = request.app.state.store
    if app.agency_id is None:
        raise HTTPException(422, "请选择登记申请的机关")
    ag = scope(user).agency(store, app.agency_id)
    day = today(request)
    return render(request, "register.html", {
        "nav": "register", "agencies": scope(user).agencies(store), "agency": ag, "today": day, "soon": DUE_SOON,
        **_agency_lines(_reg(request), ag, day, None, ""), "new": app, "errors": errors, "year": None, "show": "",
        "report_year": report_year(day), **_choices(day.year)}, status_code=422)


@router.get("/register/tables")
def tables_page(request: Request, agency_id: int | None = None, year: int | None = None, user=PageUser):
    ag = _agency_for(request, user, agency_id)
    if ag is None:
        raise HTTPException(422, "请先选择机关")
    day = today(request)
    year = year or report_year(day)
    if not 2000 <= year <= 2100:
        raise HTTPException(404, "年度超出范围")
    try:
        t = _reg(request).year_tables(ag["id"], year)
    except RegisterError as exc:
        raise _refused(exc) from exc

    report = blank_report(get_edition(t.edition), year, ag["name"])
    for ref, v in t.values.items():
        tk, rk, ck = ref.split(".")
        cell = report.tables[tk][rk][ck]
        cell.value, cell.raw = v, str(v)
    shown = [g for g in tables_view(report) if g["key"] in ("applications", "review_litigation")]
    behind = []
    ed = get_edition(t.edition)
    for tkey in ("applications", "review_litigation"):
        for r in ed.table(tkey).rows:
            apps = t.members.get(f"{tkey}.{r.key}.total", [])
            if apps:
                behind.append({"name": f"{ed.table(tkey).short}「{r.name}」", "apps": apps})
    return render(request, "register_tables.html", {
        "nav": "register", "agency": ag, "year": year, "edition": ed, "tables": shown, "behind": behind,
        "kept": t.kept, "today": day})


@router.get("/register/export.xlsx")
def export_xlsx(request: Request, agency_id: int | None = None, year: int | None = None, user=PageUser):
    ag = _agency_for(request, user, agency_id)
    if ag is None:
        raise HTTPException(422, "请先选择机关")
    reg = _reg(request)
    if year is not None and not 2000 <= year <= 2100:
        raise HTTPException(404, "年度超出范围")
    try:
        apps = reg.applications(agency_ids=[ag["id"]], year=year)
        tables = reg.year_tables(ag["id"], year) if year else None
    except RegisterError as exc:
        raise _refused(exc) from exc
    body = workbook(apps, today(request), ag["name"], tables)
    name = f"{ag['name']}{year or ''}{'年' if year else ''}依申请公开台账.xlsx"
    return Response(body, media_type=XLSX, headers={"Content-Disposition": content_disposition(name)})


# ---------------------------------------------------------------------------------------------- import


@router.get("/register/import")
def import_page(request: Request, agency_id: int | None = None, user=PageUser):
    ag = _agency_for(request, user, agency_id)
    return render(request, "register_import.html", {
        "nav": "register", "agency": ag, "agencies": scope(user).agencies(request.app.state.store),
        "channels": CHANNELS, "max_kb": MAX_IMPORT // 1024})


def _import_agency(request: Request, user, form) -> dict[str, Any]:
    """The agency an import is for: one the user may see and change (404 otherwise, before anything is read)."""
    aid = small_int(_text(form, "agency_id", 20), 18)
    ag = _agency_for(request, user, aid)
    if ag is None:
        raise HTTPException(422, "请选择台账所属的机关")
    try:
        _reg(request).check_scope(_guard(user), ag["id"])
    except RegisterError as exc:
        raise _refused(exc) from exc
    return ag


def _preview(request: Request, user, ag, name: str, data: bytes, mapping: dict[int, str] | None,
             channel: str | None, status: int = 200, error: str | None = None):
    try:
        sheet = imp.read_sheet(data, name)
    except RegisterError as exc:
        raise HTTPException(422, exc.zh) from exc
    if mapping is None:
        mapping = imp.propose(sheet.headers)
    mapping = {i: k for i, k in mapping.items() if k and i < len(sheet.headers)}
    taken = set(_reg(request).numbers(ag["id"]))
    try:
        converted: imp.Converted | None = imp.convert(sheet, mapping, default_channel=channel, taken_numbers=taken)
        mapping_errors: list[str] = []
    except RegisterError as exc:
        converted, mapping_errors = None, exc.problems
    columns = [{"index": i, "header": h, "field": mapping.get(i, ""), "samples": sheet.samples(i)}
               for i, h in enumerate(sheet.headers)]
    return render(request, "register_import.html", {
        "nav": "register", "agency": ag, "sheet": sheet, "columns": columns, "targets": imp.TARGETS,
        "converted": converted, "mapping_errors": mapping_errors, "channel": channel or "", "channels": CHANNELS,
        "data_b64": base64.b64encode(data).decode(), "name": name, "error": error,
        "max_kb": MAX_IMPORT // 1024}, status_code=status)


@router.post("/register/import", dependencies=[Csrf])
async def import_upload(request: Request, user=PageUser):
    form = await request.form(max_files=1)
    ag = _import_agency(request, user, form)
    f = form.get("file")
    if not isinstance(f, UploadFile) or not f.filename:
        raise HTTPException(400, "没有选择文件。请选择 Excel（.xlsx）或 CSV 格式的台账。")
    data = await f.read(MAX_IMPORT + 1)
    if len(data) > MAX_IMPORT:
        raise HTTPException(413, f"台账文件超过 {MAX_IMPORT // 1024} KB，请分成几个文件导入，或请管理员在服务器上用命令行导入。")
    return _preview(request, user, ag, clean_name(f.filename), data, None, None)


@router.post("/register/import/confirm", dependencies=[Csrf])
async def import_confirm(request: Request, user=PageUser):
    form = await request.form()
    ag = _import_agency(request, user, form)
    try:
        data = base64.b64decode(_text(form, "data", 4 * MAX_IMPORT), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise HTTPException(400, "导入的内容已损坏，请重新选择文件。") from exc
    name = _text(form, "name", 200)
    mapping = {}
    for k, v in form.items():
        if k.startswith("col") and isinstance(v, str) and v and (i := small_int(k[3:], 4)) is not None:
            mapping[i] = v if v in imp.TARGET else ""
    channel = _text(form, "channel", 20) or None
    if channel and channel not in CHANNELS:
        channel = None
    if form.get("go") != "import":  # the mapping changed: show the result of the new one
        return _preview(request, user, ag, name, data, mapping, channel)
    sheet = imp.read_sheet(data, name)
    try:
        converted = imp.convert(sheet, {i: k for i, k in mapping.items() if k}, default_channel=channel,
                                taken_numbers=set(_reg(request).numbers(ag["id"])))
    except RegisterError as exc:
        return _preview(request, user, ag, name, data, mapping, channel, 422, error=exc.zh)
    if converted.problems or not converted.applications:
        return _preview(request, user, ag, name, data, mapping, channel, 422,
                        error="有无法导入的行，一件也没有导入" if converted.problems else "表格中没有可导入的申请")
    try:
        done = _reg(request).add_many(ag["id"], converted.applications, by=user.username, guard=_guard(user),
                                      on_write=_audit(request, user))
    except RegisterError as exc:
        if exc.status in (403, 404):
            raise _refused(exc) from exc
        return _preview(request, user, ag, name, data, mapping, channel, 422, error=exc.zh)
    return render(request, "register_import.html", {
        "nav": "register", "agency": ag, "done": done, "name": name, "channels": CHANNELS,
        "max_kb": MAX_IMPORT // 1024})


# ---------------------------------------------------------------------------------------------- one application


@router.get("/register/{app_id}")
def application_page(request: Request, app_id: int, saved: int = 0, user=PageUser):
    app = _visible_app(request, user, app_id)
    return _application(request, user, app, saved=bool(saved))


def _application(request: Request, user, app: Application, errors: list[str] | None = None, status: int = 200,
                 saved: bool = False):
    day = today(request)
    store = request.app.state.store
    assert app.agency_id is not None
    ag = scope(user).agency(store, app.agency_id)
    year = (app.replied or day).year
    history = _reg(request).history(app.id) if app.id is not None else []
    for h in history:
        h["when"] = beijing_text(h["at"])
    return render(request, "register_application.html", {
        "nav": "register", "app": app, "agency": ag, "d": deadline(app, day), "today": day, "errors": errors or [],
        "history": history, "saved": saved, "consultation_rows": CONSULTATION_ROWS, "follow_up_rows": FOLLOW_UP_ROWS,
        **_choices(year)}, status_code=status)


@router.post("/register/{app_id}", dependencies=[Csrf])
async def update_application(request: Request, app_id: int, user=PageUser):
    form = await request.form()
    old = _visible_app(request, user, app_id)
    app, errors = application_from_form(form, old)
    version = small_int(_text(form, "version", 12), 12)
    app.version = version if version is not None else -1
    if not errors:
        try:
            new = _reg(request).update(app, by=user.username, guard=_guard(user), on_write=_audit(request, user))
        except RegisterError as exc:
            if exc.status in (403, 404):
                raise _refused(exc) from exc
            errors = exc.problems
        else:
            return RedirectResponse(f"/register/{new.id}?saved=1", status_code=303)
    return _application(request, user, app, errors, status=409 if any("已被" in e for e in errors) else 422)


@router.post("/register/{app_id}/delete", dependencies=[Csrf])
async def delete_application(request: Request, app_id: int, user=PageUser):
    form = await request.form()
    old = _visible_app(request, user, app_id)
    version = small_int(_text(form, "version", 12), 12)
    try:
        _reg(request).delete(app_id, version=version if version is not None else -1, by=user.username,
                             guard=_guard(user), on_write=_audit(request, user))
    except RegisterError as exc:
        raise _refused(exc) from exc
    return RedirectResponse(f"/register?agency_id={old.agency_id}", status_code=303)
