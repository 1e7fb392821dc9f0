"""``gongkai serve`` (the web application) and ``gongkai users add|list|passwd`` (its accounts)."""

from __future__ import annotations

import json
import sys

import click

from .store import db_option, open_store, store_errors


def register(main: click.Group) -> None:
    main.add_command(serve)
    main.add_command(users)


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 / address to listen on")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口 / port")
@click.option("--max-upload", type=click.FloatRange(0.001, 1024), default=20, show_default=True,
              help="单个上传文件上限（MB） / largest upload, MB")
@click.option("--upload-quota", type=click.FloatRange(0, 10**6), default=500, show_default=True,
              help="每个用户 24 小时内可上传的总量（MB，0 为不限） / what one user may upload in 24 hours, MB (0: no limit)")
@click.option("--secure-cookies", is_flag=True, help="仅通过 HTTPS 发送会话 Cookie（部署在 HTTPS 之后时使用） / "
                                                     "HTTPS-only session cookies")
@click.option("--reload", is_flag=True, hidden=True)
def serve(db, host, port, max_upload, upload_quota, secure_cookies, reload):
    """启动网页应用：上传审核、浏览、汇总、撰写（中文界面，不依赖外网资源）。

    Start the web application over the store (embedded SQLite by default). Create the first administrator
    with `gongkai users add NAME --role admin`.
    """
    # lazy: start-up time — the web application (FastAPI, uvicorn) loads only for these commands
    import uvicorn

    from ..web import schema  # noqa: F401  the web's tables on the store's MetaData
    from ..web.app import create_app
    from ..web.auth import count_admins

    store = open_store(db)
    url = store.url
    admins = count_admins(store.engine)
    store.close()
    if not admins:
        click.echo("提示：还没有管理员账户，请先运行 gongkai users add admin --role admin "
                   "(no administrator yet: create one with `gongkai users add NAME --role admin`)", err=True)
    app = create_app(url, max_file_mb=max_upload, quota_mb=upload_quota, secure_cookies=secure_cookies)
    click.echo(f"gongkai 网页应用：http://{host}:{port}/  (Ctrl-C 停止 / to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


@click.group()
def users():
    """网页应用的用户：新增、列出、重置密码 / the web application's users."""


@users.command(name="add")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "reviewer", "submitter"]), required=True,
              help="admin 管理员 · reviewer 审核人（看本地区及下级） · submitter 填报人（本机关）")
@click.option("--region", default=None, help="审核人所辖地区，如 江西省/宜春市/奉新县 / a reviewer's region")
@click.option("--agency", default=None, help="填报人所属机关（名称或编号） / a submitter's agency (name or id)")
@click.option("--password", default=None, help="密码（不给则自动生成并显示） / password (generated when omitted)")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码 / read the password from standard input")
@click.option("--if-no-admin", is_flag=True, help="已有管理员时什么也不做（用于初始化脚本） / do nothing when an "
                                                  "administrator exists")
@click.option("--name", "display_name", default=None, help="姓名 / display name")
@db_option
@store_errors
def users_add(username, role, region, agency, password, password_stdin, if_no_admin, display_name, db):
    """新增用户 / add a user. 第一个管理员：gongkai users add admin --role admin"""
    # lazy: start-up time — the web application (FastAPI, uvicorn) loads only for these commands
    from ..web import (
        auth,
        schema,  # noqa: F401
    )

    store = open_store(db)
    try:
        if if_no_admin and auth.count_admins(store.engine):
            click.echo("已有管理员账户，未新增；忘记密码可运行 gongkai users passwd 用户名 "
                       "(an administrator exists; nothing done — reset a password with `gongkai users passwd NAME`)", err=True)
            return
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        generated = not password
        password = password or auth.generate_password()
        try:
            agency_id = auth.resolve_agency(store.engine, agency) if agency else None
            user = auth.add_user(store.engine, username, password, role, region=region, agency_id=agency_id,
                                 display_name=display_name)
        except auth.UserError as exc:
            click.echo(f"无法新增用户 (cannot add the user): {exc}", err=True)
            sys.exit(2)
        auth.audit(store.engine, None, "user.add", f"user:{user.username}", {"role": role, "cli": True})
    finally:
        store.close()
    click.echo(f"已新增用户 {user.username}（{user.role_zh}，范围：{user.scope_zh}）")
    if generated:
        click.echo(f"登录名 login: {user.username}")
        click.echo(f"初始密码 password: {password}")
        click.echo("（密码只显示这一次；登录后请在“修改密码”中更改 / shown once: change it after logging in）")


@users.command(name="list")
@click.option("--json", "as_json", is_flag=True)
@db_option
@store_errors
def users_list(as_json, db):
    """列出用户 / list users."""
    # lazy: start-up time — the web application (FastAPI, uvicorn) loads only for these commands
    from ..web import (
        auth,
        schema,  # noqa: F401
    )

    store = open_store(db)
    try:
        rows = auth.list_users(store.engine)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([u.to_json() for u in rows], ensure_ascii=False, indent=2))
        return
    for u in rows:
        click.echo(f"#{u.id:<4} {u.username:<16} {u.role_zh:<4} {u.scope_zh}  {'启用' if u.active else '停用'}")
    click.echo(f"\n共 {len(rows)} 个用户 ({len(rows)} users)")


@users.command(name="passwd")
@click.argument("username")
@click.option("--password", default=None, help="新密码（不给则自动生成） / new password (generated when omitted)")
@db_option
@store_errors
def users_passwd(username, password, db):
    """重置用户密码 / reset a user's password."""
    # lazy: start-up time — the web application (FastAPI, uvicorn) loads only for these commands
    from ..web import (
        auth,
        schema,  # noqa: F401
    )

    store = open_store(db)
    try:
        user = auth.find_user(store.engine, username)
        if user is None:
            click.echo(f"没有用户 {username} (no such user)", err=True)
            sys.exit(2)
        generated = not password
        password = password or auth.generate_password()
        try:
            auth.set_password(store.engine, user.id, password)
        except auth.UserError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
        auth.audit(store.engine, None, "user.password", f"user:{username}", {"cli": True})
    finally:
        store.close()
    click.echo(f"已重置 {username} 的密码" + (f"：{password}" if generated else ""))
