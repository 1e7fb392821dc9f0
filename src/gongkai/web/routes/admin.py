"""Administration: users (add, disable, reset a password), the audit log, one's own password."""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from .. import auth
from ..access import Forbidden
from ..deps import Csrf, PageUser, client_ip, render
from ..schema import ROLE_ZH

router = APIRouter(include_in_schema=False)


ADMINS_ONLY = "只有管理员可以管理用户和查看操作日志。"


def _admin(user):
    if not user.is_admin:
        raise Forbidden("admin", ADMINS_ONLY)


def users_context(request: Request, **extra):
    store = request.app.state.store
    agencies = store.agencies()
    return {"nav": "admin", "users": auth.list_users(store.engine), "roles": ROLE_ZH, "agencies": agencies, **extra}


@router.get("/admin/users")
def users_page(request: Request, user=PageUser):
    _admin(user)
    return render(request, "users.html", users_context(request, error=None, created=None))


@router.post("/admin/users", dependencies=[Csrf])
def add_user(request: Request, username: str = Form(""), role: str = Form(""), region: str = Form(""),
             agency_id: str = Form(""), password: str = Form(""), display_name: str = Form(""), user=PageUser):
    _admin(user)
    engine = request.app.state.store.engine
    generated = not password
    password = password or auth.generate_password()
    try:
        aid = auth.resolve_agency(engine, agency_id.strip()) if role == "submitter" and agency_id.strip() else None
        new = auth.add_user(engine, username, password, role, region=region, agency_id=aid,
                            display_name=display_name.strip() or None)
    except auth.UserError as exc:
        return render(request, "users.html", users_context(request, error=str(exc), created=None,
                                                           form={"username": username, "role": role, "region": region,
                                                                 "agency_id": agency_id}), status_code=400)
    auth.audit(engine, user, "user.add", f"user:{new.username}", {"role": new.role, "region": new.region,
                                                                   "agency_id": new.agency_id}, ip=client_ip(request))
    return render(request, "users.html", users_context(
        request, error=None, created={"user": new, "password": password if generated else None}))


@router.post("/admin/users/{user_id}/active", dependencies=[Csrf])
def set_active(request: Request, user_id: int, active: str = Form("0"), user=PageUser):
    _admin(user)
    engine = request.app.state.store.engine
    target = auth.get_user(engine, user_id)
    if target is None:
        raise HTTPException(404, f"找不到编号为 {user_id} 的用户。")
    if target.id == user.id:
        raise HTTPException(400, "不能停用自己的账户")
    auth.set_active(engine, user_id, active == "1")
    auth.audit(engine, user, "user.active", f"user:{target.username}", {"active": active == "1"}, ip=client_ip(request))
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/password", dependencies=[Csrf])
def reset_password(request: Request, user_id: int, user=PageUser):
    _admin(user)
    engine = request.app.state.store.engine
    target = auth.get_user(engine, user_id)
    if target is None:
        raise HTTPException(404, f"找不到编号为 {user_id} 的用户。")
    password = auth.generate_password()
    auth.set_password(engine, user_id, password)
    auth.audit(engine, user, "user.password", f"user:{target.username}", {"reset": True}, ip=client_ip(request))
    return render(request, "users.html", users_context(request, error=None, created=None,
                                                       reset={"user": target, "password": password}))


@router.get("/admin/audit")
def audit_page(request: Request, page: int = 1, action: str | None = None, user=PageUser):
    _admin(user)
    page = max(1, page)
    rows = auth.audit_log(request.app.state.store.engine, limit=100, offset=(page - 1) * 100, action=action or None)
    return render(request, "audit.html", {"nav": "admin", "rows": rows, "page": page, "action": action,
                                          "actions": auth.ACTION_ZH})


@router.get("/account")
def account_page(request: Request, user=PageUser):
    return render(request, "account.html", {"nav": None, "error": None, "done": False})


@router.post("/account", dependencies=[Csrf])
def change_password(request: Request, current: str = Form(""), new: str = Form(""), repeat: str = Form(""),
                    user=PageUser):
    engine = request.app.state.store.engine
    error = None
    try:  # counted like a login: the current password must not be guessable here either
        right = auth.login(engine, user.username, current, client_ip(request)) is not None
    except (auth.LoginBlocked, auth.Busy) as exc:
        return render(request, "account.html", {"error": str(exc), "done": False},
                      status_code=429 if isinstance(exc, auth.LoginBlocked) else 503)
    if not right:
        error = "当前密码不正确"
    elif new != repeat:
        error = "两次输入的新密码不一致"
    else:
        try:
            auth.set_password(engine, user.id, new)
        except auth.UserError as exc:
            error = str(exc)
    if error:
        return render(request, "account.html", {"error": error, "done": False}, status_code=400)
    auth.audit(engine, user, "user.password", f"user:{user.username}", {"own": True}, ip=client_ip(request))
    return RedirectResponse("/login", status_code=303)  # every session of the user ended with the change
