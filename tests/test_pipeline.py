"""The one pipeline and its sandbox: the same results as in this process, workers reused, a worker that
overruns its time killed and replaced, memory bounded, and a file that hangs or bombs ending with a
one-line reason in every caller — the command line, the ingest and the web application's real upload path."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from gongkai.api import read, read_data
from gongkai.errors import LimitExceeded
from gongkai.limits import Limits
from gongkai.pipeline import NO_RULES, Sandbox, default_sandbox, process
from gongkai.readers import legacy
from gongkai.store import Store
from gongkai.web import auth
from gongkai.web.testing import free_port

import hostile

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "tests" / "data" / "seeds").glob("*.txt"))
GANFANG = ROOT / "tests" / "data" / "seeds" / "003_50aa6597b9c6048c.txt"  # 甘坊镇 2023: GK111 is an error
SLOW_TEXT = hostile.text_cases()["headings-60000.txt"].data  # 60,000 headings: seconds to read and check
# three million elements: parsing them is seconds of libxml2, which the alarm cannot interrupt (within the
# element limit raised for it, as the environment or --limit may)
MANY_ELEMENTS = b"<html><body>" + b"<p>x" * 3_000_000 + b"</body></html>"
ELEMENTS = "max_elements=3000010"
TIGHT = 0.3  # seconds: far more than a seed takes (a few ms), far less than either file above


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(1) as box:  # as the API's: workers started in a clean process
        yield box


# --- run in a worker by name (module-level, as the sandbox requires) ---------------------------------


def killed_by_the_kernel(done):
    """The worker ends as the kernel ends a process out of memory. (After that, the sandbox applies this
    to the failure in the calling process, where it only passes it on.)"""
    if done.worker == os.getpid():
        os.kill(os.getpid(), signal.SIGKILL)
    return done


def limits_in_force(done) -> tuple:
    """What the worker runs under while it works on a file."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with open("/proc/self/statm", encoding="ascii") as fh:
        size = int(fh.read().split()[0]) * resource.getpagesize()
    return (resource.getrlimit(resource.RLIMIT_AS), resource.getrlimit(resource.RLIMIT_CPU),
            usage.ru_utime + usage.ru_stime, size, done.ok)


# --- the same results -------------------------------------------------------------------------------


def test_seeds_give_the_same_report_and_findings_in_the_sandbox_as_in_this_process(sandbox):
    for seed in SEEDS:
        data = seed.read_bytes()
        here = process(data, seed.name)
        there = sandbox.run(data, seed.name)
        assert here.ok and there.ok, seed
        assert json.dumps(there.report.to_json(), ensure_ascii=False) == json.dumps(here.report.to_json(),
                                                                                    ensure_ascii=False)
        assert [f.to_json() for f in there.findings] == [f.to_json() for f in here.findings]
        assert (there.sha256, there.size, there.format) == (here.sha256, len(data), "text")
        assert there.worker not in (0, os.getpid()) and there.data is None and there.document is None
        assert read(seed).to_json() == process(data, str(seed)).report.to_json()  # the API, in its own sandbox
    ganfang = sandbox.run(GANFANG.read_bytes(), GANFANG.name)
    assert ganfang.report.agency == "甘坊镇" and ganfang.report.year == 2023
    assert any(f.code == "GK111" and f.severity == "error" for f in ganfang.findings)


def test_what_is_sent_back_is_what_was_asked_for(sandbox):
    data = GANFANG.read_bytes()
    doc_only = sandbox.run(data, "a.txt", select=NO_RULES, report=False, document=True)
    assert doc_only.report is None and doc_only.findings == []
    assert doc_only.document.source.sha256 == doc_only.sha256
    assert any("甘坊镇" in p.text for p in doc_only.document.paragraphs())
    some = sandbox.run(data, "a.txt", select=frozenset({"GK111"}))
    assert {f.code for f in some.findings} == {"GK111"}


# --- workers: reused, limited, replaced ---------------------------------------------------------------


def test_one_worker_reads_file_after_file():
    with Sandbox(1) as box:
        pids = {box.run(seed.read_bytes(), seed.name).worker for seed in SEEDS * 2}
    assert len(pids) == 1 and os.getpid() not in pids


def test_the_worker_works_under_address_space_and_cpu_limits(sandbox):
    limits = replace(Limits(), max_memory_bytes=300 * 2**20, max_seconds=7)
    (as_soft, _), (cpu_soft, _), cpu_used, size, ok = sandbox.run(SEEDS[0].read_bytes(), "a.txt", limits,
                                                                  then=limits_in_force)
    assert ok
    # on top of what the worker held when it started (interpreter, gongkai), never less than it holds now
    assert size < as_soft <= size + 300 * 2**20
    assert cpu_used + 7 < cpu_soft <= cpu_used + 7 + 3  # the file's seconds, a little grace, rounded up
    idle = sandbox.run(SEEDS[0].read_bytes(), "a.txt")  # and the limits are set back between files
    assert idle.ok


def test_a_worker_that_overruns_is_killed_and_replaced_and_the_next_file_is_read(sandbox):
    before = sandbox.run(SEEDS[0].read_bytes(), SEEDS[0].name).worker
    done = sandbox.run(MANY_ELEMENTS, "many.html", replace(Limits(), max_elements=3_000_010, max_seconds=TIGHT))
    assert done.failure is not None and done.report is None and done.worker == 0
    assert done.failure.reason == "limit"
    assert "超时" in done.failure.zh and "已停止" in done.failure.zh and "stopped" in done.failure.en
    assert "\n" not in str(done.failure) and f"{TIGHT:g}" in str(done.failure)
    assert done.sha256 is not None  # the store records it, and does not try it again
    with pytest.raises(ProcessLookupError):
        os.kill(before, 0)  # the old worker is gone …
    after = sandbox.run(SEEDS[1].read_bytes(), SEEDS[1].name)
    assert after.ok and after.worker not in (before, 0)  # … and a new one reads the next file
    with pytest.raises(LimitExceeded) as err:  # the API's way of saying it
        read_data(MANY_ELEMENTS, "many.html", replace(Limits(), max_elements=3_000_010, max_seconds=TIGHT))
    assert "已停止" in err.value.zh and "\n" not in str(err.value)


def test_the_alarm_ends_a_slow_file_before_the_worker_has_to_be_killed(sandbox):
    first = sandbox.run(SEEDS[0].read_bytes(), SEEDS[0].name).worker
    done = sandbox.run(SLOW_TEXT, "slow.txt", replace(Limits(), max_seconds=TIGHT))
    assert done.failure.reason == "limit" and "超时" in done.failure.zh and "已停止" not in done.failure.zh
    assert done.worker == first  # the same worker, still there
    assert sandbox.run(SEEDS[2].read_bytes(), SEEDS[2].name).worker == first


def test_a_file_that_takes_too_much_memory_is_refused_and_the_worker_goes_on():
    # a new worker: memory an earlier file took and freed may be used again without growing the address space
    with Sandbox(1) as box:
        first = box.run(SEEDS[0].read_bytes(), SEEDS[0].name).worker
        done = box.run(SLOW_TEXT, "big.txt", replace(Limits(), max_memory_bytes=32 * 2**20, max_seconds=30))
        assert done.failure is not None and done.failure.reason == "limit"
        assert done.failure.zh == "文件过大，读取时内存不足" and done.worker == first
        again = box.run(SEEDS[3].read_bytes(), SEEDS[3].name)
        assert again.ok and again.worker == first


def test_a_worker_that_dies_is_reported_as_such_and_replaced(sandbox):
    first = sandbox.run(SEEDS[0].read_bytes(), SEEDS[0].name).worker
    done = sandbox.run(SEEDS[1].read_bytes(), "dies.txt", then=killed_by_the_kernel)
    assert done.failure is not None and done.worker == 0 and done.failure.reason == "limit"
    assert "内存不足" in done.failure.zh and "SIGKILL" in done.failure.en and "\n" not in str(done.failure)
    after = sandbox.run(SEEDS[1].read_bytes(), SEEDS[1].name)
    assert after.ok and after.worker not in (first, 0)


def test_a_file_over_the_size_limit_is_refused_without_being_sent():
    done = default_sandbox().run(b"x" * 2000, "big.txt", replace(Limits(), max_file_bytes=1000))
    assert done.failure.reason == "limit" and "过大" in done.failure.zh and done.worker == 0


needs_soffice = pytest.mark.skipif(legacy.find_soffice() is None, reason="LibreOffice (soffice) is not installed")


@needs_soffice
def test_libreoffice_converts_under_the_worker_limits(sandbox):
    """The converter is a child of the worker: it sets its own address space (max_converter_bytes),
    above the worker's, and is not cut short by the worker's limits."""
    data = (ROOT / "tests" / "data" / "legacy" / "plain.doc").read_bytes()
    done = sandbox.run(data, "plain.doc", replace(Limits(), max_memory_bytes=256 * 2**20), select=NO_RULES,
                       document=True)
    assert done.ok, done.failure
    assert done.format == "doc" and done.document.paragraphs()


# --- every caller: a file that hangs or bombs ends with a one-line reason -----------------------------


def _gongkai(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gongkai.cli", *args], capture_output=True, text=True, check=False,
                          timeout=300, env={**os.environ, **(env or {})})


@pytest.fixture()
def hostile_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "slow.txt").write_bytes(SLOW_TEXT)
    (folder / "many.html").write_bytes(MANY_ELEMENTS)
    (folder / "bomb.docx").write_bytes(hostile.zip_bombs()["zipbomb-declared-3gb.docx"].data)
    for seed in SEEDS[:2]:
        shutil.copy(seed, folder / seed.name)
    return folder


def test_gongkai_check_gives_one_line_per_file_that_overruns(hostile_folder):
    proc = _gongkai("check", "--timeout", str(TIGHT), "--limit", ELEMENTS, str(hostile_folder))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.split("\n\n")[0].splitlines()
    assert len(lines) == 3 and "Traceback" not in proc.stderr
    said = {Path(ln.split(": ", 1)[0]).name: ln.split(": 无法读取 (unreadable): ", 1)[1] for ln in lines}
    assert said["slow.txt"].startswith("处理超时") and f"{TIGHT:g} 秒" in said["slow.txt"]  # the alarm
    assert said["many.html"].startswith("处理超时") and "已停止" in said["many.html"]  # the worker killed
    assert "压缩" in said["bomb.docx"]
    assert "共检查 2 份报告" in proc.stdout  # the seeds were read


def test_gongkai_ingest_records_the_file_that_overruns_and_stores_the_rest(hostile_folder, tmp_path):
    db = str(tmp_path / "s.sqlite3")
    first = _gongkai("ingest", str(hostile_folder), "--db", db, "--json",
                     env={"GONGKAI_LIMITS": f"max_seconds={TIGHT},{ELEMENTS}"})
    data = json.loads(first.stdout)
    assert first.returncode == 2, first.stderr
    assert (data["new"], data["failed"]) == (2, 3)
    said = {Path(f["path"]).name: f for f in data["failures"]}
    assert said["slow.txt"]["reason"] == "limit" and said["slow.txt"]["message"].startswith("处理超时")
    assert said["many.html"]["reason"] == "limit" and "已停止" in said["many.html"]["message"]
    assert "压缩" in said["bomb.docx"]["message"]
    assert not any("\n" in f["message"] for f in data["failures"])
    again = json.loads(_gongkai("ingest", str(hostile_folder), "--db", db, "--json").stdout)
    assert (again["unchanged"], again["failed_known"], again["new"]) == (2, 3, 0)  # not read again


@pytest.fixture()
def server(tmp_path):
    """`gongkai serve` in a process of its own, its files read within TIGHT seconds (and ELEMENTS);
    (base URL, db)."""
    db = str(tmp_path / "web.sqlite3")
    with Store.open(db) as store:
        auth.add_user(store.engine, "admin", "copper-Lantern-58-drift", "admin")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "gongkai.cli", "serve", "--db", db, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "GONGKAI_LIMITS": f"max_seconds={TIGHT},{ELEMENTS}"})
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
        yield base, db
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_an_upload_that_overruns_ends_with_a_reason_and_the_server_goes_on(server):
    base, db = server
    with httpx.Client(base_url=base, timeout=120) as client:
        login = client.post("/api/session", json={"username": "admin", "password": "copper-Lantern-58-drift"})
        assert login.status_code == 200, login.text
        client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
        files = [("files", ("slow.txt", SLOW_TEXT, "text/plain")),
                 ("files", ("many.html", MANY_ELEMENTS, "text/html")),
                 ("files", ("bomb.docx", hostile.zip_bombs()["zipbomb-declared-3gb.docx"].data, "application/octet-stream")),
                 ("files", (GANFANG.name, GANFANG.read_bytes(), "text/plain"))]
        r = client.post("/api/uploads", files=files)
        assert r.status_code == 200, r.text
        results = {u["name"]: u for u in r.json()["results"]}
        slow, many, bomb, good = (results[k] for k in ("slow.txt", "many.html", "bomb.docx", GANFANG.name))
        assert slow["status"] == "failed" and slow["reason"] == "limit" and "超时" in slow["message"]
        assert many["status"] == "failed" and many["reason"] == "limit" and "已停止" in many["message"]
        assert "\n" not in slow["message"] + many["message"] and slow["report_id"] is None
        assert bomb["status"] == "failed" and "压缩" in bomb["message"]
        assert good["status"] == "new" and good["report_id"] and good["year"] == 2023
        page = client.get(f"/reports/{good['report_id']}")  # its source passages, read through the pipeline too
        assert page.status_code == 200 and "甘坊镇" in page.text
    with Store.open(db) as store:
        assert store.counts()["reports"] == 1 and store.counts()["failures"] == 3
