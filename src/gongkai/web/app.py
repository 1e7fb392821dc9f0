"""The application factory: ``create_app(store_url)`` → a FastAPI application over one store.

    from gongkai.web import create_app
    app = create_app("var/gongkai.sqlite3")          # a path, a URL, or None for the default store
    # uvicorn.run(app) — or: gongkai serve

Pages (Chinese, server-rendered with Jinja2, autoescaped) and a JSON API under /api (OpenAPI at
/openapi.json, browsable at /api/docs — served from this server, no CDN) share the core, the store and the
access rules. Nothing is loaded from outside the server: styles, scripts and ECharts are under /static.
"""

from __future__ import annotations

import json
import logging
import re
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..render import chinese_numeral
from ..store import Store
from ..store.reviews import beijing
from . import schema as _schema  # noqa: F401  the web's tables on the store's MetaData
from .access import Forbidden, NotFound
from .auth import MIN_PASSWORD
from .deps import LoginRequired, optional_user
from .routes import admin, api, browse, cycle, register, review, rollup, session, write
from .uploads import DEFAULT_MAX_FILE, DEFAULT_MAX_FILES, DEFAULT_QUOTA, MB, Ingester
from .zh import audit_detail, audit_target, format_name, num, reason_zh, value_zh

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
ECHARTS = STATIC / "vendor" / "echarts.min.js"


@dataclass(slots=True)
class Settings:
    store_url: str
    max_file_bytes: int = DEFAULT_MAX_FILE
    max_files: int = DEFAULT_MAX_FILES
    quota_bytes: int = DEFAULT_QUOTA  # a user's uploads in 24 hours (0: no limit)
    secure_cookies: bool = False
    workers: int = 1  # processes that read uploads (0: in the request's thread)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def max_request_bytes(self) -> int:
        return self.max_file_bytes * min(self.max_files, 10) + MB


STATUS_ZH = {
    400: ("请求有误", "提交的内容不完整或格式不对，请返回重试。"),
    401: ("请先登录", "登录后才能使用此功能。"),
    403: ("无权访问", "您的账户无权查看或操作此内容。如需访问，请联系管理员。"),
    404: ("找不到", "您要找的内容不存在，可能已被删除或地址有误。"),
    405: ("操作方式不对", "此地址不支持这种操作。"),
    413: ("文件太大", "上传的内容超过了大小限制。"),
    415: ("文件类型不支持", "请上传支持的报告格式。"),
    422: ("填写有误", "提交的数据不符合要求，请检查后重试。"),
    429: ("请稍后再试", "操作过于频繁，请稍后再试。"),
    500: ("服务器出错", "处理您的请求时出现了意外错误，请稍后重试或联系管理员。"),
}


class BodyLimit:
    """Refuses request bodies larger than the limit (Content-Length first, then as the bytes arrive), so a
    too large upload is stopped before it fills the disk."""

    def __init__(self, app, limit_for) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope["path"])
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return await _too_large(scope, send, limit)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _too_large(scope, send, limit)


class _TooLarge(Exception):
    pass


async def _too_large(scope, send, limit: int):
    text = f"上传内容过大：一次最多 {limit / MB:.0f} MB。请减少文件数量或分批上传。"
    if scope["path"].startswith("/api"):
        body = json.dumps({"detail": text, "title": "文件太大"}, ensure_ascii=False).encode()
        ctype = b"application/json"
    else:
        body = (f"<!doctype html><html lang=zh-CN><meta charset=utf-8><title>文件太大</title>"
                f"<body style='font-family:sans-serif;padding:2em'><h1>文件太大</h1><p>{text}</p>"
                f"<p><a href='/upload'>返回上传页面</a></p></body></html>").encode()
        ctype = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


HSTS = "max-age=31536000; includeSubDomains"

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
                                "frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def security_headers(path: str, *, hsts: bool) -> dict[str, str]:
    """The headers every answer carries (HSTS only when the app is served over HTTPS: --secure-cookies)."""
    out = dict(SECURITY_HEADERS)
    out["Cache-Control"] = "public, max-age=3600" if path.startswith("/static/") else "no-store"
    if hsts:
        out["Strict-Transport-Security"] = HSTS
    return out


class SecurityHeaders:
    """Adds :func:`security_headers` to every response that does not set them itself."""

    def __init__(self, app, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = security_headers(scope["path"], hsts=self.hsts)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers") or []}
                headers = list(message.get("headers") or [])
                headers += [(k.lower().encode(), v.encode()) for k, v in extra.items()
                            if k.lower().encode() not in have]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.autoescape = True  # every template is HTML: report text is always escaped
    env.globals["version"] = __version__
    env.globals["has_echarts"] = ECHARTS.is_file
    env.globals["min_password"] = MIN_PASSWORD
    # counts and sums with thousands separators (not years, ids or phone numbers)
    env.filters["num"] = num
    env.filters["pct"] = lambda v: "—" if v is None else f"{v:.1%}"
    env.filters["signed"] = lambda v: "—" if v is None else (f"+{num(v)}" if v > 0 else num(v))
    env.filters["cn"] = chinese_numeral
    env.filters["bj"] = beijing_time  # a stored time shown in Beijing time
    env.filters["value"] = value_zh  # a finding's expected or printed value in words
    env.filters["format_zh"] = format_name  # 纯文本, Word（.docx）, 网页, PDF
    env.filters["reason_zh"] = reason_zh  # why a file was not taken
    env.filters["audit_target"] = audit_target
    env.filters["audit_detail"] = audit_detail
    return templates


def beijing_time(at, seconds: bool = False) -> str:
    """2026-12-07 14:03 (Beijing time) for a stored time; empty for none."""
    b = beijing(at)
    return "" if b is None else b.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def create_app(store_url: str | None = None, *, max_file_mb: float = DEFAULT_MAX_FILE / MB,
               max_files: int = DEFAULT_MAX_FILES, quota_mb: float = DEFAULT_QUOTA / MB,
               secure_cookies: bool = False, workers: int = 1) -> FastAPI:
    """The web application over the store at ``store_url`` (a path, a URL, or None: $GONGKAI_DB or the
    default file). An uploaded file is kept only in the store, and only when it gave a report; each user
    may upload ``quota_mb`` in 24 hours (0: no limit)."""
    store = Store.open(store_url)
    settings = Settings(store.url, int(max_file_mb * MB), max_files, int(quota_mb * MB), secure_cookies, workers)
    ingester = Ingester(store.url, workers)

    @asynccontextmanager
    async def lifespan(app):
        try:
            yield
        finally:
            ingester.close()
            store.close()

    app = FastAPI(
        title="gongkai 政府信息公开工作年度报告 审核与汇总",
        version=__version__,
        description=("政府信息公开工作年度报告的上传审核、浏览、汇总与撰写。JSON 接口与网页使用同一套核心与权限；"
                     "先用 `POST /api/session` 登录（Cookie 会话），写操作需在请求头 `X-CSRF-Token` 中带上登录时返回的令牌。\n\n"
                     "Review, browse, sum up and write China's annual reports on government information disclosure. "
                     "Log in with `POST /api/session` (a cookie session); write requests carry the returned CSRF token "
                     "in the `X-CSRF-Token` header."),
        docs_url=None, redoc_url=None, openapi_url="/openapi.json", lifespan=lifespan,
        openapi_tags=[
            {"name": "会话 session", "description": "登录、退出、当前用户 / log in, log out, who am I"},
            {"name": "报告 reports", "description": "上传、浏览、审核意见 / upload, browse, decisions on findings"},
            {"name": "机关 agencies", "description": "机关及其历年报告 / agencies and their reports over the years"},
            {"name": "汇总 roll-up", "description": "地区年度汇总与 Excel 下载 / a region's roll-up and its workbook"},
            {"name": "撰写 writing", "description": "撰写报告：预填、实时检查、生成文件 / write a report"},
            {"name": "管理 admin", "description": "用户与操作日志 / users and the audit log"},
        ],
    )
    app.state.store = store
    app.state.settings = settings
    app.state.ingester = ingester
    app.state.templates = _templates()

    def limit_for(path: str) -> int:
        if path in ("/upload", "/api/uploads"):
            return settings.max_request_bytes
        return 2 * MB

    app.add_middleware(BodyLimit, limit_for=limit_for)
    # outermost: every answer carries the security headers, a refused body (413) included
    app.add_middleware(SecurityHeaders, hsts=secure_cookies)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for module in (session, review, browse, rollup, write, cycle, register, admin, api):
        app.include_router(module.router)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired):
        nxt = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(nxt, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden):
        return error_response(request, 403, exc.zh)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        # the same answer whether it does not exist or is outside the user's scope
        return error_response(request, 404, exc.zh, title=exc.title)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail not in _DEFAULT_DETAILS else None
        detail = in_chinese(detail, settings.max_files)
        return error_response(request, exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": "请求参数有误，请检查后重试。", "title": "填写有误",
                                 "errors": json.loads(json.dumps(exc.errors(), default=str))}, status_code=422)
        return error_response(request, 422)

    @app.exception_handler(OverflowError)
    async def out_of_range(request: Request, exc: OverflowError):
        # a number in the address (an id, a page, a year) larger than any the database holds: no such record
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": "编号或页码超出范围，找不到对应的记录。", "title": "找不到"},
                                status_code=404)
        return error_response(request, 404, "编号或页码超出范围，找不到对应的记录。")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        logging.getLogger("gongkai.web").error("unhandled error on %s", request.url.path, exc_info=exc)
        # (this handler answers outside the middleware: the security headers are set here)
        return error_response(request, 500, headers=security_headers(request.url.path, hsts=secure_cookies))

    return app


_DEFAULT_DETAILS = {"Not Found", "Method Not Allowed", "Unauthorized", "Forbidden", "Bad Request",
                    "Internal Server Error", "Unprocessable Entity", "Payload Too Large"}


# What the form parser says in English, in words a clerk understands (the numbers are kept).
_PARSER_ZH = (
    (re.compile(r"Too many files\. Maximum number of files is (\d+)"),
     "一次选择的文件太多：每次最多上传 {max_files} 个，请分批上传。"),
    (re.compile(r"Too many fields\. Maximum number of fields is (\d+)"), "提交的内容项目太多（最多 {0} 项）。"),
    (re.compile(r"(?:Part|Field) exceeded maximum size of (\d+)KB"), "提交的某一项内容过大（最多 {0} KB）。"),
    (re.compile(r"Missing boundary|Invalid multipart|Content-Disposition"), "上传的内容格式有误，请刷新页面后重新选择文件。"),
)


def in_chinese(detail: str | None, max_files: int = DEFAULT_MAX_FILES) -> str | None:
    """A detail from the web framework's form parser, in Chinese; other details as they are."""
    if detail:
        for rx, zh in _PARSER_ZH:
            m = rx.search(detail)
            if m:
                return zh.format(*m.groups(), max_files=max_files)
    return detail


def error_response(request: Request, status: int, detail: str | None = None, *, headers=None,
                   back: str | None = None, title: str | None = None):
    default_title, text = STATUS_ZH.get(status, (f"错误 {status}", "请求未能完成。"))
    title = title or default_title
    if request.url.path.startswith("/api"):
        return JSONResponse({"detail": detail or text, "title": title}, status_code=status, headers=headers)
    templates = request.app.state.templates
    user, csrf = optional_user(request)
    return templates.TemplateResponse(request, "error.html", {
        "title": title, "message": detail or text, "status": status, "user": user, "csrf": csrf,
        "back": back or _same_site(request, request.headers.get("referer")),
    }, status_code=status, headers=headers)


def _same_site(request: Request, url: str | None) -> str | None:
    """A referring page of this site, as a path (a link back never leads elsewhere)."""
    if not url:
        return None
    u = urlparse(url)
    if u.netloc and u.netloc != request.url.netloc:
        return None
    path = u.path or "/"
    if not path.startswith("/") or path.startswith("//") or path == request.url.path:
        return None
    return path + (f"?{u.query}" if u.query else "")
