"""Fixtures and helpers for the store's tests (no tests here): a store on SQLite and on the machine's
PostgreSQL server, and small report corpora written on the fly.

PostgreSQL: one database with a random name is created in the ``postgres`` database the first time a
test needs it and dropped when the test session ends; each test gets a fresh schema in it. The
PostgreSQL variants are skipped only when the server cannot be reached.
"""

from __future__ import annotations

import atexit
import os
import uuid
from pathlib import Path

import pytest

from gongkai.store import Store

PG_BASE = os.environ.get("GONGKAI_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
_PG: dict[str, str | None] = {}


def pg_database() -> str:
    """The URL of this session's PostgreSQL test database (created on first use), or skip."""
    if "url" in _PG:
        if _PG["url"] is None:
            pytest.skip(f"PostgreSQL not reachable at {PG_BASE}: {_PG.get('why')}")
        return _PG["url"]
    from sqlalchemy import create_engine, text

    name = "gongkai_test_" + uuid.uuid4().hex[:12]
    try:
        admin = create_engine(f"{PG_BASE}/postgres", isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as exc:  # noqa: BLE001  unreachable server: the PostgreSQL variants are skipped
        _PG["url"], _PG["why"] = None, f"{type(exc).__name__}: {exc}"
        pytest.skip(f"PostgreSQL not reachable at {PG_BASE}: {exc}")
    _PG["url"] = f"{PG_BASE}/{name}"
    atexit.register(_drop, name)
    return _PG["url"]


def _drop(name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{PG_BASE}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def fresh_pg_schema() -> str:
    """A URL whose connections work in a new, empty schema of the test database."""
    from sqlalchemy import create_engine, text

    base = pg_database()
    schema = "t_" + uuid.uuid4().hex[:10]
    eng = create_engine(base, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng.dispose()
    return f"{base}?options=-csearch_path%3D{schema}"


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.sqlite3")
    return fresh_pg_schema()


@pytest.fixture
def store(store_url):
    s = Store.open(store_url)
    yield s
    s.close()


def write_text(folder: Path, name: str, spec) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(spec.text(), encoding="utf-8")
    return p


def cells_in_json(data: dict) -> int:
    return sum(len(cols) for rows in (data.get("tables") or {}).values() for cols in rows.values())
