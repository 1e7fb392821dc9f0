"""Users, passwords, sessions and the audit log — plain functions over the store's engine, used by the
web application and by ``gongkai users``.

Passwords are hashed with argon2id (argon2-cffi). A session is a random token in an HttpOnly cookie;
the database keeps only the token's SHA-256, with the session's CSRF token and its expiry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from zxcvbn import zxcvbn

from ..access import Principal
from ..agencies import canonical_name, region_names
from ..extract.values import small_int
from ..store import schema as S
from ..store.db import inserted_id
from .schema import ROLE_ZH, ROLES, web_audit, web_login_attempts, web_sessions, web_users

SESSION_TTL = dt.timedelta(hours=12)
MIN_PASSWORD = 10
MIN_STRENGTH = 3  # zxcvbn's score (0–4): 3 is about 10^8 guesses, beyond a rate-limited online attack
_hasher = PasswordHasher()
# verified against when the user does not exist, so a wrong name costs as long as a wrong password
_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))
# Each hash takes 64 MiB (argon2's memory cost): at most this many at once, the rest wait their turn.
HASHING_AT_ONCE = 2
HASHING_WAIT = 30.0  # seconds a login waits for its turn before "busy"
_hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)


class UserError(ValueError):
    """A user that cannot be created or changed (Chinese message)."""


class Busy(RuntimeError):
    """Too many passwords are being checked at once; try again shortly."""


BUSY_ZH = "服务器正忙，请稍后再试。"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)  # SQLite gives naive datetimes back


@contextmanager
def _hashing_turn():
    if not _hashing.acquire(timeout=HASHING_WAIT):
        raise Busy(BUSY_ZH)
    try:
        yield
    finally:
        _hashing.release()


def hash_password(password: str) -> str:
    with _hashing_turn():
        return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    with _hashing_turn():
        try:
            return _hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def check_password(password: str, username: str = "") -> None:
    """UserError unless the password is long enough and not easily guessed (common passwords, keyboard
    runs, the user name with digits…: judged by zxcvbn)."""
    password = password or ""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 个字符")
    if len(password) > 256:
        raise UserError("密码最长 256 个字符")
    if zxcvbn(password, user_inputs=[username, "gongkai"])["score"] < MIN_STRENGTH:
        raise UserError("密码太容易被猜到（如 12345678、password、admin123、woaini1314 这类常见密码，或用户名加数字），"
                        "请换一个更长、更不常见的密码，例如几个不相关的词加数字和符号")


def generate_password() -> str:
    return secrets.token_urlsafe(12)


@dataclass(slots=True)
class User:
    id: int
    username: str
    role: str
    region: str | None = None
    agency_id: int | None = None
    agency: str | None = None  # the agency's name, for a submitter
    display_name: str | None = None
    active: bool = True
    last_login: dt.datetime | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def principal(self) -> Principal:
        """The user as the access rules see it (gongkai.access)."""
        return Principal(self.role, self.region, self.agency_id, self.username)

    @property
    def can_decide(self) -> bool:
        """Reviewers and admins decide on findings; submitters see the decisions."""
        return self.role in ("admin", "reviewer")

    @property
    def role_zh(self) -> str:
        return ROLE_ZH.get(self.role, self.role)

    @property
    def scope_zh(self) -> str:
        if self.role == "admin":
            return "全部"
        if self.role == "reviewer":
            return self.region or "（未设地区）"
        return self.agency or f"机关 #{self.agency_id}"

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.username, "role": self.role, "region": self.region,
                "agency_id": self.agency_id, "agency": self.agency, "display_name": self.display_name,
                "active": self.active,
                "last_login": self.last_login.isoformat() if self.last_login else None}


def _user(m, agency: str | None = None) -> User:
    return User(m["id"], m["username"], m["role"], m["region"], m["agency_id"], agency, m["display_name"],
                bool(m["active"]), m["last_login"])


def _agency_name(conn, agency_id: int | None) -> str | None:
    if agency_id is None:
        return None
    return conn.execute(select(S.agencies.c.name).where(S.agencies.c.id == agency_id)).scalar()


def resolve_agency(engine: Engine, agency: str | int | None) -> int | None:
    """An agency id from an id or a name (exact name, else a unique match among its spellings)."""
    if agency in (None, ""):
        return None
    with engine.connect() as conn:
        number = agency if isinstance(agency, int) else small_int(agency, 18)
        if number is not None:
            found = 0 < number < 2**63  # (a Python int of any size given through the API)
            aid = conn.execute(select(S.agencies.c.id).where(S.agencies.c.id == number)).scalar() if found else None
            if aid is None:
                raise UserError(f"库中没有编号为 {agency} 的机关")
            return aid
        assert isinstance(agency, str)  # an int was taken as a number above
        ids = set(conn.execute(select(S.agencies.c.id).where(S.agencies.c.name == agency)).scalars())
        if not ids:
            ids = set(conn.execute(select(S.agency_names.c.agency_id).where(
                S.agency_names.c.name == canonical_name(agency))).scalars())
    if not ids:
        raise UserError(f"库中没有名为“{agency}”的机关（请先导入机关名单或上传该机关的报告）")
    if len(ids) > 1:
        raise UserError(f"名为“{agency}”的机关不止一个（编号 {', '.join(map(str, sorted(ids)))}），请用编号指定")
    return ids.pop()


def validate(role: str, region: str | None, agency_id: int | None) -> None:
    if role not in ROLES:
        raise UserError(f"角色应为 {'、'.join(ROLES)} 之一（admin 管理员、reviewer 审核人、submitter 填报人）")
    if role == "reviewer" and not (region and region_names(region)):
        raise UserError("审核人须指定所辖地区，如“江西省/宜春市/奉新县”")
    if role == "submitter" and agency_id is None:
        raise UserError("填报人须指定所属机关")


def add_user(engine: Engine, username: str, password: str, role: str, *, region: str | None = None,
             agency_id: int | None = None, display_name: str | None = None) -> User:
    username = (username or "").strip()
    if not username or len(username) > 64 or any(ch.isspace() for ch in username):
        raise UserError("用户名不能为空、不能含空格，最长 64 个字符")
    region = (region or "").strip() or None
    validate(role, region, agency_id)
    check_password(password, username)
    values = {"username": username, "password_hash": hash_password(password), "role": role,
              "region": region if role == "reviewer" else None,
              "agency_id": agency_id if role == "submitter" else None,
              "display_name": display_name, "active": True, "created": now()}
    try:
        with engine.begin() as conn:
            uid = inserted_id(conn.execute(insert(web_users).values(**values)))
    except IntegrityError as exc:
        raise UserError(f"用户名“{username}”已存在") from exc
    user = get_user(engine, uid)
    assert user is not None  # just written
    return user


def get_user(engine: Engine, user_id: int) -> User | None:
    with engine.connect() as conn:
        m = conn.execute(select(web_users).where(web_users.c.id == user_id)).mappings().first()
        return _user(m, _agency_name(conn, m["agency_id"])) if m else None


def find_user(engine: Engine, username: str) -> User | None:
    with engine.connect() as conn:
        m = conn.execute(select(web_users).where(web_users.c.username == username)).mappings().first()
        return _user(m, _agency_name(conn, m["agency_id"])) if m else None


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        names = dict(conn.execute(select(S.agencies.c.id, S.agencies.c.name)).all())
        return [_user(m, names.get(m["agency_id"])) for m in
                conn.execute(select(web_users).order_by(web_users.c.id)).mappings()]


def count_admins(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(web_users).where(
            web_users.c.role == "admin", web_users.c.active)).scalar_one()


def set_password(engine: Engine, user_id: int, password: str) -> None:
    user = get_user(engine, user_id)
    check_password(password, user.username if user else "")
    with engine.begin() as conn:
        conn.execute(update(web_users).where(web_users.c.id == user_id).values(password_hash=hash_password(password)))
        conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))


def set_active(engine: Engine, user_id: int, active: bool) -> None:
    with engine.begin() as conn:
        conn.execute(update(web_users).where(web_users.c.id == user_id).values(active=active))
        if not active:
            conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))


# Password guessing: after this many failed logins for one user name within the window (or four
# times as many from one address, for offices behind one gateway), logins are refused until the
# window has passed. An attempt is counted in the database before its password is checked — one
# atomic upsert per key — so every worker process sees the same count and concurrent guesses cannot
# slip past it; a successful login takes its attempt back.
LOGIN_ATTEMPTS = 5
LOGIN_WINDOW = dt.timedelta(minutes=15)
LOGIN_BLOCKED_ZH = f"登录失败次数过多，请 {LOGIN_WINDOW.seconds // 60} 分钟后再试。"


class LoginBlocked(RuntimeError):
    """Too many failed logins for this user name or address within the window."""


def _attempt_keys(username: str, ip: str | None) -> list[tuple[str, int]]:
    keys = [(f"user:{(username or '').strip()[:64]}", LOGIN_ATTEMPTS)]
    if ip:
        keys.append((f"ip:{ip[:64]}", 4 * LOGIN_ATTEMPTS))
    return keys


def count_attempt(engine: Engine, username: str, ip: str | None) -> bool:
    """Count a login attempt for the user name and the address; False when either is over its limit
    (then the password must not be checked)."""
    t = now()
    a = web_login_attempts
    allowed = True
    with engine.begin() as conn:
        insert_for = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
        for key, limit in _attempt_keys(username, ip):
            stale = a.c.started < t - LOGIN_WINDOW
            q = insert_for(a).values(key=key, started=t, count=1)
            upsert = q.on_conflict_do_update(index_elements=[a.c.key], set_={
                "count": case((stale, 1), else_=a.c.count + 1),
                "started": case((stale, t), else_=a.c.started),
            }).returning(a.c.count)
            if conn.execute(upsert).scalar_one() > limit:
                allowed = False
    return allowed


def forgive_attempt(engine: Engine, username: str, ip: str | None) -> None:
    """A login succeeded: its user name starts afresh, its address has one attempt fewer."""
    a = web_login_attempts
    keys = _attempt_keys(username, ip)
    with engine.begin() as conn:
        conn.execute(delete(a).where(a.c.key == keys[0][0]))
        for key, _ in keys[1:]:
            conn.execute(update(a).where(a.c.key == key, a.c.count > 0).values(count=a.c.count - 1))


def login(engine: Engine, username: str, password: str, ip: str | None) -> User | None:
    """The user these credentials name, or None; the attempt is counted first (LoginBlocked when over
    the limit, without checking the password; Busy when too many passwords are being checked)."""
    if not count_attempt(engine, username, ip):
        raise LoginBlocked(LOGIN_BLOCKED_ZH)
    if len(password or "") > 1024:  # no password is that long: not worth 64 MiB of hashing
        return None
    user = authenticate(engine, username, password)
    if user is not None:
        forgive_attempt(engine, username, ip)
    return user


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    with engine.connect() as conn:
        m = conn.execute(select(web_users).where(web_users.c.username == (username or "").strip())).mappings().first()
    if m is None:
        verify_password(_DUMMY_HASH, password or "")
        return None
    if not verify_password(m["password_hash"], password or "") or not m["active"]:
        return None
    with engine.begin() as conn:
        values: dict[str, Any] = {"last_login": now()}
        if _hasher.check_needs_rehash(m["password_hash"]):
            values["password_hash"] = hash_password(password)
        conn.execute(update(web_users).where(web_users.c.id == m["id"]).values(**values))
    return get_user(engine, m["id"])


# ---------------------------------------------------------------------------------------------- sessions


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(engine: Engine, user_id: int, ttl: dt.timedelta = SESSION_TTL) -> tuple[str, str]:
    """A new session: (cookie token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    t = now()
    with engine.begin() as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.expires < t))
        conn.execute(insert(web_sessions).values(token_hash=_token_hash(token), user_id=user_id, csrf=csrf,
                                                 created=t, expires=t + ttl))
    return token, csrf


def session_user(engine: Engine, token: str | None) -> tuple[User, str] | None:
    """The active user of a session token and the session's CSRF token, or None."""
    if not token or len(token) > 200:
        return None
    with engine.connect() as conn:
        m = conn.execute(select(web_sessions).where(web_sessions.c.token_hash == _token_hash(token))).mappings().first()
    if m is None or _aware(m["expires"]) < now():
        return None
    user = get_user(engine, m["user_id"])
    if user is None or not user.active:
        return None
    return user, m["csrf"]


def end_session(engine: Engine, token: str | None) -> None:
    if token:
        with engine.begin() as conn:
            conn.execute(delete(web_sessions).where(web_sessions.c.token_hash == _token_hash(token)))


# ---------------------------------------------------------------------------------------------- audit

ACTION_ZH = {
    "login": "登录", "login.failed": "登录失败", "logout": "退出", "upload": "上传报告", "upload.failed": "上传失败",
    "decision": "审核意见", "write.render": "生成报告", "write.store": "撰写并入库", "user.add": "新增用户",
    "user.password": "修改密码", "user.active": "启用/停用用户", "cell.review": "录入不确定的数值",
}


def audit(engine: Engine, user: User | None, action: str, target: str | None = None,
          detail: dict[str, Any] | None = None, ip: str | None = None) -> None:
    with engine.begin() as conn:
        audit_in(conn, user, action, target, detail, ip)


def audit_in(conn, user: User | None, action: str, target: str | None = None, detail: dict[str, Any] | None = None,
             ip: str | None = None, *, username: str | None = None) -> None:
    """An audit entry written in the caller's transaction (it stands or falls with what it records).
    ``username``: who acted, when no user of the web application did (a command run by hand)."""
    conn.execute(insert(web_audit).values(
        at=now(), user_id=user.id if user else None, username=user.username if user else (username or "")[:64] or None,
        action=action, target=target, detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
        ip=(ip or "")[:64] or None))


def audit_log(engine: Engine, *, limit: int = 200, offset: int = 0, action: str | None = None,
              target: str | None = None) -> list[dict[str, Any]]:
    limit, offset = max(1, min(int(limit), 5000)), max(0, int(offset))
    q = select(web_audit).order_by(web_audit.c.id.desc()).limit(limit).offset(offset)
    if action:
        q = q.where(web_audit.c.action == action)
    if target:
        q = q.where(web_audit.c.target == target)
    with engine.connect() as conn:
        rows = [dict(m) for m in conn.execute(q).mappings()]
    for r in rows:
        r["detail"] = json.loads(r["detail"]) if r["detail"] else None
        r["action_zh"] = action_zh(r["action"])
    return rows


_ACTION_FAMILY = {"write": "撰写报告", "register": "依申请公开台账", "rollup": "汇总", "cycle": "报送与审核",
                  "user": "用户管理", "upload": "上传报告", "cell": "录入数值"}


def action_zh(action: str) -> str:
    """An audit action in Chinese; one this list does not name by the family it belongs to, never the key."""
    if action in ACTION_ZH:
        return ACTION_ZH[action]
    family = _ACTION_FAMILY.get(action.split(".", 1)[0])
    return f"{family}（其他操作）" if family else "其他操作"
