"""Where the store lives and how it is opened: an embedded SQLite file by default, PostgreSQL by URL.

Opening runs the migrations shipped in this package (Alembic, programmatically), so a new or older
store is brought up to date without an alembic.ini.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, inspect, select, text
from sqlalchemy.engine import CursorResult, Engine, make_url

from ..errors import GongkaiError
from ..similar import PARAMS
from . import schema as S

ENV_VAR = "GONGKAI_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "gongkai_schema_version"
MIGRATION_LOCK = 0x676F6E676B6169  # pg_advisory_lock key while migrating ("gongkai")


class StoreError(GongkaiError):
    code = "store"


# why a database cannot be written at all — not the fault of one report — by SQLite result code
# (https://sqlite.org/rescode.html, primary code) and by PostgreSQL SQLSTATE (code or class)
DISK_FULL = ("磁盘已满，无法写入数据库", "the disk is full: the store cannot be written")
DISK_IO = ("磁盘读写出错，无法写入数据库", "disk I/O error: the store cannot be written")
READ_ONLY = ("数据库只读，无法写入", "the store is read-only")
CANNOT_OPEN = ("无法打开数据库文件", "cannot open the database file")
BUSY = ("数据库被其他程序占用，等待后仍无法写入", "the store is locked by another program")
CORRUPT = ("数据库文件已损坏", "the database file is corrupt")
RESOURCES = ("数据库服务器资源不足，无法写入", "the database server is out of resources")
CONNECTION = ("与数据库的连接中断", "the connection to the database was lost")
SQLITE_CODES = {13: DISK_FULL, 10: DISK_IO, 8: READ_ONLY, 14: CANNOT_OPEN, 5: BUSY, 6: BUSY, 11: CORRUPT,
                26: CORRUPT}
SQLITE_TEXTS = (("database or disk is full", DISK_FULL), ("disk i/o error", DISK_IO), ("readonly", READ_ONLY),
                ("unable to open database", CANNOT_OPEN), ("database is locked", BUSY), ("malformed", CORRUPT))
SQLSTATES = {"53100": DISK_FULL, "58030": DISK_IO, "25006": READ_ONLY, "57P01": CONNECTION, "57P02": CONNECTION,
             "57P03": CONNECTION, "53": RESOURCES, "58": DISK_IO, "08": CONNECTION}


def unwritable(exc: BaseException) -> StoreError | None:
    """A StoreError when ``exc`` says the database cannot be written at all (disk full, I/O error,
    read-only, locked, connection lost); None when it is about what was written (a report the database
    refuses), which the caller handles."""
    if isinstance(exc, StoreError):
        return exc
    orig = getattr(exc, "orig", None) or exc
    why = None
    module = type(orig).__module__
    if module.startswith("sqlite3"):
        code = getattr(orig, "sqlite_errorcode", None)
        why = SQLITE_CODES.get(code & 0xFF) if isinstance(code, int) else None
        if why is None:
            said = str(orig).lower()
            why = next((w for t, w in SQLITE_TEXTS if t in said), None)
    elif module.startswith("psycopg"):
        state = getattr(orig, "sqlstate", None) or ""
        why = SQLSTATES.get(state) or SQLSTATES.get(state[:2])
        if why is None and not state and type(orig).__name__ == "OperationalError":
            why = CONNECTION  # no SQLSTATE: the client lost the server
    if why is None:
        return None
    detail = (str(orig).strip().splitlines() or [type(orig).__name__])[0][:200]
    err = StoreError(why[0], why[1] if detail.lower() in why[1].lower() else f"{why[1]}; {detail}")
    err.__cause__ = exc
    return err


def default_path() -> Path:
    """$XDG_DATA_HOME/gongkai/gongkai.sqlite3, else ~/.local/share/gongkai/gongkai.sqlite3."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "gongkai" / "gongkai.sqlite3"


def resolve_url(db: str | os.PathLike | None = None) -> str:
    """A SQLAlchemy URL from --db (a path or a URL), else $GONGKAI_DB, else the default file."""
    target = db if db not in (None, "") else os.environ.get(ENV_VAR) or None
    if target is None:
        target = default_path()
    text = os.fspath(target)
    if "://" in text:
        url = make_url(text)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    path = Path(text).expanduser().resolve()
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    _wal(cur)  # readers go on while the writer writes; a crash loses no commit
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.close()


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key of the one row an INSERT wrote."""
    key = result.inserted_primary_key
    assert key is not None  # always set by a single-row insert
    return key[0]


def _wal(cur, seconds: float = 60.0) -> None:
    """WAL mode, which the file keeps once set. When two processes open a new file at once, both set it,
    and SQLite tells one "database is locked" at once instead of waiting (its lock would have to be
    raised while the other's is: it could deadlock); that one tries again."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
        else:
            return


def create(url: str) -> Engine:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            try:
                Path(u.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"无法创建数据库目录：{Path(u.database).parent}",
                                 f"cannot create the store's folder: {exc}") from exc
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def migrate(engine: Engine) -> str | None:
    """Bring the schema to the newest revision; returns the revision.

    Two processes may open a new store at once (two ingests): the migrations then run under a lock —
    a file lock beside an SQLite file, an advisory lock in PostgreSQL — and the revision is read again
    once it is held, so the second finds the work done instead of creating the tables twice.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()

    def current(conn) -> str | None:
        return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()

    with engine.connect() as conn:
        if current(conn) == head:
            return head  # the usual case: nothing to do, no lock taken
    with _file_lock(engine), engine.connect() as conn, _session_lock(conn):
        behind = current(conn) != head
        conn.commit()  # alembic begins and commits a transaction per revision (migrations/env.py)
        if behind:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        _note_text_params(conn)
        conn.commit()
    return head


@contextmanager
def _session_lock(conn) -> Iterator[None]:
    """PostgreSQL's advisory lock for the migrations, held by the session across the revisions' commits."""
    if conn.dialect.name != "postgresql":
        yield
        return
    conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
    conn.commit()
    try:
        yield
    finally:
        try:
            conn.rollback()
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
            conn.commit()
        except Exception:  # noqa: BLE001  the session is closed instead, which frees the lock as well
            conn.invalidate()


def _note_text_params(conn) -> None:
    """A new store's sketches are made with this version's MinHash/LSH parameters. Noted here, under
    the lock, so that two processes opening a new store do not both insert it."""
    have = conn.execute(select(S.store_meta.c.key).where(S.store_meta.c.key == "text_sketch")).first()
    if have is None:
        conn.execute(S.store_meta.insert().values(key="text_sketch", value=json.dumps(PARAMS)))


@contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    """An exclusive lock on ``<database>.lock`` beside an SQLite file (none for other databases, for an
    in-memory one)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    try:
        fh = open(f"{database}.lock", "a+b")  # noqa: SIM115  closed below, which releases the lock
    except OSError as exc:
        raise StoreError(f"无法创建数据库锁文件：{database}.lock", f"cannot create the store's lock file: {exc}") from exc
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        fh.close()


def table_names(engine: Engine) -> list[str]:
    return inspect(engine).get_table_names()
