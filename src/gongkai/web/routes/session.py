"""Logging in and out, and the home page."""

from __future__ import annotations

import secrets
from collections import Counter
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from .. import auth, cycle
from ..deps import COOKIE, LOGIN_CSRF_COOKIE, Csrf, PageUser, client_ip, optional_user, render, scope
from . import register

router = APIRouter(include_in_schema=False)


def _safe_next(nxt: str | None) -> str:
    if not nxt:
        return "/"
    u = urlparse(nxt)
    if u.scheme or u.netloc or not nxt.startswith("/") or nxt.startswith("//"):
        return "/"
    return nxt


def set_session_cookie(request: Request, response, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax", path="/",
                        secure=request.app.state.settings.secure_cookies, max_age=int(auth.SESSION_TTL.total_seconds()))


@router.get("/login")
def login_page(request: Request, next: str | None = None):
    user, _ = optional_user(request)
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"next": _safe_next(next), "login_csrf": token, "error": None})
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login",
                        secure=request.app.state.settings.secure_cookies)
    return response


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/"),
          csrf_token: str = Form("")):
    engine = request.app.state.store.engine
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    user, status = None, 400
    error: str | None
    if not expected or not secrets.compare_digest(expected, csrf_token or ""):
        error = "登录页面已过期，请重新输入。"
    else:
        try:
            user = auth.login(engine, username, password, client_ip(request))
            error = None if user else "用户名或密码不正确，或账户已停用。"
        except auth.LoginBlocked:
            error, status = auth.LOGIN_BLOCKED_ZH, 429
        except auth.Busy:
            error, status = auth.BUSY_ZH, 503
    if user is None:
        if status == 400:
            auth.audit(engine, None, "login.failed", f"user:{username.strip()[:64]}", ip=client_ip(request))
        token = secrets.token_urlsafe(24)
        response = render(request, "login.html", {"next": _safe_next(next), "login_csrf": token, "error": error,
                                                  "username": username}, status_code=status)
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login",
                            secure=request.app.state.settings.secure_cookies)
        return response
    token, _ = auth.create_session(engine, user.id)
    auth.audit(engine, user, "login", f"user:{user.username}", ip=client_ip(request))
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, response, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, user=PageUser):
    engine = request.app.state.store.engine
    auth.end_session(engine, request.cookies.get(COOKIE))
    auth.audit(engine, user, "logout", f"user:{user.username}", ip=client_ip(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request, user=PageUser):
    store = request.app.state.store
    rows = cycle.open_rows(store, scope(user).reports(store))  # counts of findings still open
    years = Counter(r.year for r in rows if r.year)
    latest = sorted(rows, key=lambda r: r.id, reverse=True)[:8]
    stats = {
        "reports": len(rows), "with_errors": sum(1 for r in rows if r.errors),
        "agencies": len({r.agency_id for r in rows if r.agency_id}),
        "years": sorted(years.items(), reverse=True)[:6],
    }
    year = max(years) if years else None
    return render(request, "home.html", {"stats": stats, "latest": latest, "year": year,
                                         "region": scope(user).default_region(), "nav": "home",
                                         "todo": cycle.todo(store, user),
                                         "register": register.dashboard(store, user, register.today(request))})
