"""Ingest on a Dask cluster: a distributed.LocalCluster of worker processes and the machine's PostgreSQL.
A mixed directory (every format, duplicates, broken files, a scan read by OCR) ingested on the cluster
gives the same store as the local pool, twice over; a run killed in the middle finishes on a rerun; a
file that overruns its time is stopped by the worker's sandbox and the Dask worker goes on."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from gongkai.limits import Limits
from gongkai.store import Store
from gongkai.store import schema as S

from conftest import SEEDS
from synth import write_corpus
from test_ingest import count_reports, integrity, mixed_directory
from test_store_support import fresh_pg_schema

distributed = pytest.importorskip("distributed")

CLI = [sys.executable, "-m", "gongkai.cli"]


@pytest.fixture(scope="module")
def cluster():
    """Two Dask worker processes (one thread each) under nannies, as `dask worker` starts them."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as c:
        yield c


def dump(store) -> dict[str, list]:
    """Everything the store keeps, in a form two stores can be compared by (times of day left out; findings
    without their row numbers, which depend on where a run's transactions ended)."""
    out: dict[str, list] = {}
    with store.engine.connect() as conn:
        for table, leave_out in ((S.files, {"added"}), (S.agencies, {"created"}), (S.agency_names, set()),
                                 (S.reports, {"ingested_at"}), (S.cells, set()), (S.cell_crops, set()),
                                 (S.findings, {"id"}), (S.failures, {"at"}), (S.text_signatures, set()),
                                 (S.text_bands, set())):
            cols = [c for c in table.c if c.name not in leave_out]
            out[table.name] = sorted((tuple(r) for r in conn.execute(select(*cols))), key=repr)
    return out


def objects_in(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def test_a_mixed_directory_on_the_cluster_gives_the_local_store(cluster, tmp_path):
    from scans import report_scan

    exp = mixed_directory(tmp_path)
    (tmp_path / "in" / "scan").mkdir()
    (tmp_path / "in" / "scan" / "scanned-2024.pdf").write_bytes(report_scan())  # read by OCR on a worker
    exp["new"] += 1
    exp["files"] += 1
    folder = str(tmp_path / "in")

    with Store.open(fresh_pg_schema(), objects=str(tmp_path / "local-objects")) as local:
        local.ingest([folder], jobs=2)
        expected = dump(local)
    with Store.open(fresh_pg_schema(), objects=str(tmp_path / "objects")) as store:
        first = store.ingest([folder], scheduler=cluster.scheduler_address)
        got = {k: getattr(first, k) for k in ("files", "new", "replaced", "duplicates", "failed")}
        assert got == {k: exp[k] for k in got}, first.failures
        assert {Path(p).name for p, _, _ in first.failures} == {
            "empty.txt", "not-a-word-file.docx", "truncated.pdf", "binary.txt"}
        scan = next(r for r in store.reports() if r.path and r.path.endswith("scanned-2024.pdf"))
        assert scan.format == "pdf" and scan.year == 2024
        with store.engine.connect() as conn:
            hows = set(conn.execute(select(S.cells.c.how).where(S.cells.c.report_id == scan.id)).scalars())
        assert "ocr" in hows  # the scan's cells were recognised, on a worker
        assert dump(store) == expected  # the store the local pool makes, row for row
        assert objects_in(tmp_path / "objects") == objects_in(tmp_path / "local-objects")
        assert len(objects_in(tmp_path / "objects")) == exp["new"] + exp["replaced"]  # each original once

        second = store.ingest([folder], scheduler=cluster.scheduler_address)
        assert (second.new, second.replaced, second.failed) == (0, 0, 0)
        assert second.unchanged == exp["files"] - exp["failed"] and second.failed_known == exp["failed"]
        assert dump(store) == expected


def test_a_run_killed_in_the_middle_finishes_on_rerun(cluster, tmp_path):
    n = 160
    write_corpus(tmp_path / "in", n, seed=43, docx_share=0.2)
    url = fresh_pg_schema()
    objects = str(tmp_path / "objects")
    Store.open(url, objects=objects).close()  # schema first, so the polling below can count
    proc = subprocess.Popen([*CLI, "ingest", "-q", "--scheduler", cluster.scheduler_address, "--db", url,
                             "--objects", objects, str(tmp_path / "in")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while count_reports(url) < 30:
            assert proc.poll() is None, f"ingest ended before it could be stopped: {proc.stderr.read()}"
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the client and its writer, mid-run
        proc.wait(timeout=30)
    stopped = integrity(url)
    assert 30 <= stopped["reports"] < n, "the run was not stopped mid-way"
    with Store.open(url, objects=objects) as store:
        again = store.ingest([str(tmp_path / "in")], scheduler=cluster.scheduler_address)
        assert again.new == n - stopped["reports"] and again.unchanged == stopped["reports"] and again.failed == 0
        for row in store.reports(all_versions=True)[::20]:  # every original is there
            assert hashlib.sha256(store.original(row.id)[1]).hexdigest() == row.sha256
    after = integrity(url)
    with Store.open(str(tmp_path / "clean.sqlite3")) as clean:
        clean.ingest([str(tmp_path / "in")], jobs=2)
        expected = clean.counts()
    for k in ("files", "reports", "current", "cells", "findings", "signatures", "bands", "agencies"):
        assert after[k] == expected[k], k


def test_a_file_over_its_time_is_stopped_on_the_worker_and_the_worker_goes_on(cluster, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-many.html").write_bytes(b"<html><body>" + b"<p>x" * 3_000_000 + b"</body></html>")
    (folder / "b-seed.txt").write_bytes(SEEDS[3].read_bytes())
    limits = replace(Limits(), max_elements=3_000_010, max_seconds=0.3)  # seconds of libxml2: killed
    with distributed.Client(cluster) as client:
        workers = set(client.scheduler_info()["workers"])
        with Store.open(str(tmp_path / "s.sqlite3")) as store:
            done = store.ingest([str(folder)], scheduler=cluster.scheduler_address, limits=limits)
        assert (done.new, done.failed) == (1, 1)
        ((path, reason, message),) = done.failures
        assert Path(path).name == "a-many.html" and reason == "limit"
        assert "超时" in message and "已停止" in message  # the sandbox's wall clock, on the Dask worker
        assert set(client.scheduler_info()["workers"]) == workers  # no Dask worker was lost


def test_a_cluster_that_cannot_be_reached_is_one_line(tmp_path):
    run = subprocess.run([*CLI, "ingest", "--scheduler", "tcp://127.0.0.1:9", "--db", str(tmp_path / "s.sqlite3"),
                          str(SEEDS[0])], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 2
    assert "无法连接 Dask 调度器 tcp://127.0.0.1:9" in run.stderr and "Traceback" not in run.stderr
