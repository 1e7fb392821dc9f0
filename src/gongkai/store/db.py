"""Where the store lives and how it is opened: an embedded SQLite file by default, PostgreSQL by URL.

Opening runs the migrations shipped in this package (Alembic, programmatically), so a new or older
store is brought up to date without an alembic.ini.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url

from ..errors import GongkaiError

ENV_VAR = "GONGKAI_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class StoreError(GongkaiError):
    code = "store"


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
    cur.execute("PRAGMA journal_mode=WAL")  # readers go on while the writer writes; a crash loses no commit
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.close()


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
    """Bring the schema to the newest revision; returns the revision."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": "gongkai_schema_version"})
        if ctx.get_current_revision() == head:
            return head
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return head


def table_names(engine: Engine) -> list[str]:
    return inspect(engine).get_table_names()
