"""Logins against a real server (``gongkai serve`` in its own process): concurrent guesses cannot overrun
the attempt limit, and concurrent logins do not take the server's memory with them (each password check
takes 64 MiB; only a few run at once)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from gongkai.store import Store
from gongkai.web import auth
from gongkai.web.testing import free_port

from test_store_support import store_url

FIXTURES = (store_url,)  # a pytest fixture: SQLite and PostgreSQL

ARGON2_MB = 64  # argon2-cffi's default memory cost per hash


@pytest.fixture()
def server(tmp_path):
    """A store with one user, served by `gongkai serve` in a child process; yields (base URL, pid)."""
    db = str(tmp_path / "s.sqlite3")
    with Store.open(db) as store:
        auth.add_user(store.engine, "clerk", "copper-Lantern-58-drift", "reviewer", region="江西省/宜春市/奉新县")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "gongkai.cli", "serve", "--db", db, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)
    try:
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def logins(base: str, bodies: list[dict]) -> list[int]:
    """POST every body to /api/session at once (one thread and connection each); the status codes."""
    def one(body):
        with httpx.Client(timeout=120) as c:
            return c.post(f"{base}/api/session", json=body).status_code

    with ThreadPoolExecutor(len(bodies)) as ex:
        return list(ex.map(one, bodies))


def test_concurrent_guesses_are_counted_before_any_password_is_checked(server):
    base, _ = server
    codes = logins(base, [{"username": "clerk", "password": f"wrong-guess-{i}"} for i in range(60)])
    assert codes.count(401) == auth.LOGIN_ATTEMPTS, codes  # exactly the limit was checked
    assert codes.count(429) == 60 - auth.LOGIN_ATTEMPTS
    # the right password is refused too, until the window has passed
    assert httpx.post(f"{base}/api/session", json={"username": "clerk", "password": "copper-Lantern-58-drift"}
                      ).status_code == 429


def test_concurrent_logins_do_not_exhaust_memory(server):
    base, pid = server
    # warm up: one login of each kind, so the server's own imports and pools are counted in the baseline
    assert logins(base, [{"username": "clerk", "password": "copper-Lantern-58-drift"}]) == [200]
    before = peak_mb(pid)
    # 19 at once (under the per-address limit of 20, so every one is checked): names known and unknown
    bodies = [{"username": "clerk" if i % 2 else f"nobody{i}", "password": f"guess-{i}"} for i in range(19)]
    codes = logins(base, bodies)
    assert set(codes) <= {401, 429} and codes.count(401) >= 10, codes
    grown = peak_mb(pid) - before
    # unbounded, 19 checks at once would take 19 × 64 MiB; bounded, two at a time (and some slack)
    assert auth.HASHING_AT_ONCE == 2
    assert grown < 3 * ARGON2_MB, f"peak memory grew by {grown:.0f} MB"


def test_attempts_are_counted_atomically_on_every_backend(store_url):
    """30 attempts at once against one user name, on SQLite and on PostgreSQL: exactly the limit gets through."""
    store = Store.open(store_url)
    try:
        from gongkai.web import schema  # noqa: F401  the web's tables

        with ThreadPoolExecutor(10) as ex:
            allowed = list(ex.map(lambda i: auth.count_attempt(store.engine, "target", f"10.0.0.{i}"), range(30)))
        assert allowed.count(True) == auth.LOGIN_ATTEMPTS
        # a success takes its attempt back and lets the user name start afresh
        auth.forgive_attempt(store.engine, "target", "10.0.0.1")
        assert auth.count_attempt(store.engine, "target", "10.0.0.1")
    finally:
        store.close()
