"""What every route needs: the store, the signed-in user, the CSRF check, a page renderer."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import Depends, HTTPException, Request

from ..store import Store
from . import auth
from .access import Scope
from .auth import User

COOKIE = "gongkai_session"
LOGIN_CSRF_COOKIE = "gongkai_login_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """A page asked for without a session: the application sends the browser to the login page."""


def store(request: Request) -> Store:
    return request.app.state.store


def optional_user(request: Request) -> tuple[User | None, str | None]:
    cached = getattr(request.state, "session", None)
    if cached is not None:
        return cached
    found = auth.session_user(request.app.state.store.engine, request.cookies.get(COOKIE))
    result = found if found else (None, None)
    request.state.session = result
    return result


def page_user(request: Request) -> User:
    """The signed-in user of a page; otherwise off to the login page."""
    user, _ = optional_user(request)
    if user is None:
        raise LoginRequired()
    return user


def api_user(request: Request) -> User:
    user, _ = optional_user(request)
    if user is None:
        raise HTTPException(401, "请先登录（接口用 POST /api/session 登录）。")
    return user


async def csrf(request: Request) -> None:
    """Every request that changes something carries the session's CSRF token: the X-CSRF-Token header
    (scripts, the API) or the csrf_token form field (forms)."""
    _, expected = optional_user(request)
    if expected is None:
        raise HTTPException(401, "请先登录。")
    given = request.headers.get(CSRF_HEADER)
    if not given and (request.headers.get("content-type") or "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        field = form.get(CSRF_FIELD)
        given = field if isinstance(field, str) else None  # a file sent in its place is no token
    if not isinstance(given, str) or not secrets.compare_digest(given, expected):
        if request.url.path.startswith("/api"):
            raise HTTPException(403, "安全校验未通过：写操作须在请求头 X-CSRF-Token 中带上登录时返回的令牌。")
        raise HTTPException(403, "页面已过期或来源不明（安全校验未通过），请刷新页面后重试。")


def scope(user: User) -> Scope:
    return Scope(user)


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200):
    user, token = optional_user(request)
    ctx = {"user": user, "csrf": token, "request": request, "nav": context.pop("nav", None), **context}
    return request.app.state.templates.TemplateResponse(request, template, ctx, status_code=status_code)


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


PageUser = Depends(page_user)
ApiUser = Depends(api_user)
Csrf = Depends(csrf)
