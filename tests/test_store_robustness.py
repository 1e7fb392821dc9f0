"""The store under stress, for real: a killed ingest takes its worker processes with it; two processes
create one new store at once; two ingests of one directory run side by side; the disk fills up mid-run.
No database is mocked: SQLite files, the machine's PostgreSQL, real processes, real signals and a real
file-size limit."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from gongkai.store import Store
from gongkai.store import schema as S
from gongkai.store.ingest import CHUNK

from conftest import SEEDS
from synth import write_corpus
from test_ingest import integrity
from test_store_support import PG_BASE, fresh_pg_schema, store_url

FIXTURES = (store_url,)  # pytest fixture: a new store on SQLite and on PostgreSQL
CLI = [sys.executable, "-m", "gongkai.cli"]
SPAWN = multiprocessing.get_context("spawn")


# ---------------------------------------------------------------------------------------------
# processes, read from /proc (psutil is not a dependency)


def descendants(pid: int) -> set[int]:
    """The processes ``pid`` started, and theirs."""
    parents = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            ppid = next(line for line in status.read_text().splitlines() if line.startswith("PPid:"))
        except (OSError, StopIteration):
            continue
        parents[int(status.parent.name)] = int(ppid.split()[1])
    out, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        kids = {p for p, pp in parents.items() if pp == parent} - out
        out |= kids
        todo.extend(kids)
    return out


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a parent that does not reap it is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_until(what, seconds: float, why: str):
    deadline = time.monotonic() + seconds
    while not (got := what()):
        assert time.monotonic() < deadline, why
        time.sleep(0.05)
    return got


def stored_reports(db: str) -> int:
    try:
        with sqlite3.connect(db, timeout=10) as conn:
            return conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    except sqlite3.Error:
        return 0


# ---------------------------------------------------------------------------------------------
# 1. a killed ingest leaves no worker behind


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_ingest_takes_its_workers_with_it(tmp_path):
    write_corpus(tmp_path / "in", 300, seed=43, docx_share=0.0)
    db = str(tmp_path / "s.sqlite3")
    Store.open(db).close()
    with open(tmp_path / "stderr", "wb") as err:
        proc = subprocess.Popen([*CLI, "ingest", "-q", "--jobs", "2", "--db", db, str(tmp_path / "in")],
                                stdout=subprocess.DEVNULL, stderr=err)
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, "the ingest ended before it was killed"
            workers = descendants(proc.pid)
            if len(workers) >= 2 and stored_reports(db) > 0:  # reports came back: the workers are set up
                break
            assert time.monotonic() < deadline, "no workers"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # the ingest alone, not its process group
        proc.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [w for w in workers if alive(w)], "workers outlived the ingest"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for w in workers:
            if alive(w):
                os.kill(w, signal.SIGKILL)


POOL = r"""
import multiprocessing, os, sys, threading, time
from concurrent.futures import ProcessPoolExecutor
from gongkai.workers import die_with_parent

if __name__ == "__main__":
    method, where = sys.argv[1:]
    pool = None

    def start():
        global pool
        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context(method), initializer=die_with_parent)
        print(pool.submit(os.getpid).result(), flush=True)

    if where == "thread":  # as a web server starts it: from a request's thread, which then ends
        t = threading.Thread(target=start)
        t.start()
        t.join()
        time.sleep(1)
    else:
        start()
    print(pool.submit(os.getpid).result(), flush=True)
    time.sleep(120)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(("method", "where"), [("fork", "thread"), ("spawn", "thread"), ("forkserver", "thread"),
                                               ("forkserver", "main")])
def test_a_worker_outlives_the_thread_that_started_it_but_not_the_process(tmp_path, method, where):
    """The kernel's parent-death signal follows the thread that forked: a worker started from another
    thread than the main one is watched instead, so it lives on when that thread ends. A fork server
    (Python 3.14's default) lives as long as its children: they watch the process that started them."""
    script = tmp_path / "pool.py"
    script.write_text(POOL, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), method, where], stdout=subprocess.PIPE, text=True)
    worker = None
    try:
        worker = int(proc.stdout.readline())
        assert int(proc.stdout.readline()) == worker and alive(worker)  # the same worker, still there
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        wait_until(lambda: not alive(worker), 5, "the worker outlived its parent")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if worker and alive(worker):
            os.kill(worker, signal.SIGKILL)


# ---------------------------------------------------------------------------------------------
# 2. two processes open one new store at the same moment


def _open_each(urls: list[str], barrier, results) -> None:
    errors = []
    for url in urls:
        barrier.wait(60)
        try:
            Store.open(url).close()
        except Exception as exc:  # noqa: BLE001  reported to the test
            errors.append(f"{type(exc).__name__}: {exc}"[:400])
    results.put(errors)


def open_side_by_side(urls: list[str]) -> list[str]:
    """Two processes open each store in ``urls`` at the same moment; the errors they met."""
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    procs = [SPAWN.Process(target=_open_each, args=(urls, barrier, results)) for _ in range(2)]
    for p in procs:
        p.start()
    try:
        errors = [e for _ in procs for e in results.get(timeout=120)]
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    return errors


def test_two_processes_create_one_sqlite_store(tmp_path):
    dbs = [str(tmp_path / f"s{i}.sqlite3") for i in range(12)]
    assert open_side_by_side(dbs) == []
    for db in dbs:
        with Store.open(db) as s:
            assert s.counts()["files"] == 0
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM store_meta").fetchone()[0] == 1


@pytest.fixture
def pg_scratch_database():
    """A new PostgreSQL database of its own, dropped afterwards."""
    name = "gk_test_" + uuid.uuid4().hex[:12]
    admin = create_engine(f"{PG_BASE}/postgres", isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_BASE}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_two_processes_create_one_postgresql_store(pg_scratch_database):
    base = pg_scratch_database
    eng = create_engine(base, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        for i in range(1, 8):
            conn.execute(text(f'CREATE SCHEMA "s{i}"'))
    eng.dispose()
    urls = [base] + [f"{base}?options=-csearch_path%3Ds{i}" for i in range(1, 8)]  # the new database, then schemas
    assert open_side_by_side(urls) == []
    for url in urls:
        with Store.open(url) as s, s.engine.connect() as conn:
            assert conn.execute(select(S.store_meta.c.key)).scalars().all() == ["text_sketch"]


# ---------------------------------------------------------------------------------------------
# 3. two ingests of one directory at once


def _ingest_each(url: str, rounds: list[list[str]], who: int, barrier, results) -> None:
    out: list = []
    try:
        with Store.open(url) as store:
            for files in rounds:
                barrier.wait(60)
                out.append(store.ingest(files, jobs=1, batch=CHUNK).to_json())
    except Exception as exc:  # noqa: BLE001  reported to the test
        barrier.abort()
        out.append(f"{type(exc).__name__}: {exc}")
    results.put((who, out))


ROUNDS = 10  # of 12 files: a task and a half


def test_two_ingests_of_one_directory_at_once(store_url, tmp_path):
    """Every file is stored once; the run that meets a file the other has stored (or is storing) calls
    it a duplicate, not a failure, and records nothing in the failures table.

    Both runs write a transaction per worker task (CHUNK files); the second takes the files half a task
    later, so each of its transactions holds files of two of the first's — one stored, one in the
    making — and both keep falling back to storing file by file while the other writes."""
    with Store.open(store_url) as store:  # an existing store
        assert store.ingest([str(p) for p in SEEDS], jobs=1).failed == 0
    paths = sorted(str(p) for p in write_corpus(tmp_path / "in", 120, seed=60, docx_share=0.0).paths)
    size = len(paths) // ROUNDS
    first = [paths[i:i + size] for i in range(0, len(paths), size)]
    second = [files[CHUNK // 2:] + files[:CHUNK // 2] for files in first]
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    procs = [SPAWN.Process(target=_ingest_each, args=(store_url, rounds, who, barrier, results))
             for who, rounds in enumerate((first, second))]
    for p in procs:
        p.start()
    try:
        got = dict(results.get(timeout=120) for _ in procs)
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert all(isinstance(r, dict) for r in got[0] + got[1]), got
    for files, a, b in zip(first, got[0], got[1], strict=True):
        assert a["failed"] == b["failed"] == 0, (a["failures"], b["failures"])
        assert a["new"] + a["replaced"] + b["new"] + b["replaced"] == len(files)
        assert a["duplicates"] + a["unchanged"] + b["duplicates"] + b["unchanged"] == len(files)
    shas = {hashlib.sha256(Path(p).read_bytes()).hexdigest() for files in first for p in files}
    assert len(shas) == 120
    with Store.open(store_url) as store:
        assert store.failures() == []
        with store.engine.connect() as conn:
            stored = conn.execute(select(S.files.c.sha256)).scalars().all()
            reports = conn.execute(select(S.reports.c.sha256)).scalars().all()
    assert len(stored) == len(set(stored)) == len(reports) == len(SEEDS) + 120
    assert shas <= set(stored) and set(reports) == set(stored)
    integrity(store_url)


# ---------------------------------------------------------------------------------------------
# 4. the disk fills up


def one_line_about_the_disk(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "磁盘" in lines[0] and "disk" in lines[0], lines[0]
    return lines[0]


def test_disk_full_is_one_line_and_leaves_whole_reports(tmp_path):
    write_corpus(tmp_path / "in", 210, seed=4, docx_share=0.0)  # 70 agencies × 2021–2023
    first, *more = (str(f) for f in sorted((tmp_path / "in").iterdir()))
    db = str(tmp_path / "s.sqlite3")
    with Store.open(db) as store:
        assert store.ingest([first], jobs=1).new == 70
    # no file may grow past the size of 80 reports: the write-ahead log takes a batch or two of the 140
    # (up to 64 reports each), then the disk is "full"; the database file itself cannot take a checkpoint
    limit = os.path.getsize(db) * 80 // 70

    def small_disk() -> None:  # in the child: writes past the limit fail (EFBIG) instead of killing it
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    run = subprocess.run([*CLI, "ingest", "-q", "--jobs", "2", "--db", db, *more],
                         capture_output=True, text=True, timeout=120, preexec_fn=small_disk, check=False)
    assert run.returncode == 2, run.stderr
    one_line_about_the_disk(run.stderr)
    counts = integrity(db)  # opens; every stored report whole, with its file, cells, findings, sketch
    assert 70 < counts["reports"] < 210 and counts["failures"] == 0  # no report blamed for the disk
    again = subprocess.run([*CLI, "ingest", "-q", "--db", db, *more], capture_output=True, text=True, timeout=120,
                           check=False)
    assert again.returncode == 0, again.stderr
    assert integrity(db)["reports"] == 210


def test_postgresql_disk_full_is_one_line(tmp_path):
    """PostgreSQL's own disk-full error (SQLSTATE 53100), raised by the server while cells are written."""
    url = fresh_pg_schema()
    with Store.open(url) as store:
        assert store.ingest([str(p) for p in SEEDS], jobs=1).new == len(SEEDS)
    eng = create_engine(url, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(text("""CREATE FUNCTION gk_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
            END $$"""))
        conn.execute(text("CREATE TRIGGER gk_disk_full BEFORE INSERT ON cells "
                          "FOR EACH STATEMENT EXECUTE FUNCTION gk_disk_full()"))
    eng.dispose()
    write_corpus(tmp_path / "more", 20, seed=5, docx_share=0.0)
    run = subprocess.run([*CLI, "ingest", "-q", "--jobs", "1", "--db", url, str(tmp_path / "more")],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 2, run.stderr
    line = one_line_about_the_disk(run.stderr)
    assert "磁盘已满" in line
    counts = integrity(url)
    assert counts["reports"] == len(SEEDS) and counts["failures"] == 0  # nothing half-written, no one blamed
