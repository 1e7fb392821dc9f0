"""Ingest on a Dask cluster (``gongkai ingest --scheduler tcp://HOST:8786``; docs/scale.md).

The run is the local one (ingest.py) with the workers elsewhere. This process walks the paths, opens each
file and skips those whose hash is stored; the others go to the cluster in lots of small files (their
bytes sent straight to a worker). On a Dask worker each file is read, extracted, checked and packaged
(work.packaged, the same as locally) in that worker's own gongkai Sandbox — reused processes under the
same address-space, CPU and wall-clock limits — so a hostile file costs its sandbox process, never the
Dask worker. The results come back in the order of the files and are written here by the one writer, in
the same transactions as locally: the store a cluster makes is the store the local pool makes.

Originals: with a local object store (a folder) this process writes them, as locally; with a shared one
(an ``s3://`` URL …) each worker writes the originals it read, before sending back the result, so that
this process never uploads them one by one.

A worker or the scheduler lost in the middle stops the run with one line; what was written stays, and a
run again finishes the job (stored files are skipped by their hash).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.util
import socket
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urlsplit

from ..errors import GongkaiError
from ..limits import DEFAULT_LIMITS, Limits
from ..pipeline import Processed, Sandbox
from ..readers import read_file_bytes
from .ingest import BATCH, INFLIGHT_BYTES, IngestSummary, Progress, Run, iter_files
from .objects import ObjectStore
from .work import Parsed, packaged, refused, warm_up

ENV_VAR = "GONGKAI_SCHEDULER"
LOT_FILES = 32  # files sent to a worker in one task (fewer when the run is short: every worker gets some) …
LOT_BYTES = 1 << 20  # … as long as they are not more than this together (a larger file goes alone)
LOTS_AHEAD = 4  # lots in the cluster's hands per worker thread (they read on while this process writes)
CONNECT_SECONDS = 30.0  # waiting for the scheduler, and for a first worker


class ClusterError(GongkaiError):
    """The cluster cannot be used (unreachable, no worker, gongkai missing there) or failed mid-run."""

    code = "cluster"


# ---------------------------------------------------------------------------------------------
# on a Dask worker

_SANDBOX: Sandbox | None = None
_SANDBOX_LOCK = threading.Lock()


def worker_sandbox() -> Sandbox:
    """This Dask worker's gongkai sandbox: one process per worker thread, started with the first lot."""
    global _SANDBOX  # noqa: PLW0603  (one sandbox per Dask worker process, made when first used)
    with _SANDBOX_LOCK:
        if _SANDBOX is None:
            me = multiprocessing.current_process()
            if me.daemon:
                # a Dask worker started by a nanny is a daemonic process, which multiprocessing does not let
                # start children; the sandbox's processes die with this one all the same (die_with_parent)
                me._config["daemon"] = False  # type: ignore[attr-defined]  # (the flag the check reads)
            _SANDBOX = Sandbox(_threads_here(), start="forkserver", initializer=warm_up)
            # stopped when the worker ends, before multiprocessing waits for its children (it would wait
            # for ever for the sandbox's idle processes)
            multiprocessing.util.Finalize(None, _SANDBOX.close, exitpriority=10)
        return _SANDBOX


def _threads_here() -> int:
    # lazy: only a Dask worker asks, and dask is an optional dependency
    from distributed import get_worker  # noqa: PLC0415

    try:
        return max(1, get_worker().state.nthreads)
    except ValueError:  # (not in a worker: a test calling read_lot directly)
        return 1


def bare(p: Processed) -> Parsed:
    """:func:`work.packaged` without the file's bytes (the caller has them): ``then`` in the sandbox."""
    out = packaged(p)
    out.data = None
    return out


def read_lot(lot: list[tuple[str, bytes]], limits: Limits, objects: ObjectStore | None) -> list[Parsed]:
    """The task a Dask worker runs: each file of the lot read in this worker's sandbox; with ``objects``
    (a store every machine reaches), the originals of the reports written there."""
    sandbox = worker_sandbox()
    jobs = [sandbox.submit(data, path, limits, then=bare) for path, data in lot]
    out = []
    for (_, data), job in zip(lot, jobs, strict=True):
        p = job.result()
        if objects is not None and p.status == "ok" and p.sha256:
            objects.put(p.sha256, data)
        out.append(p)
    return out


def worker_info() -> dict[str, Any]:
    """What the client checks on every worker before a run: gongkai's version there."""
    try:
        return {"gongkai": version("gongkai")}
    except PackageNotFoundError:  # (imported from a source tree)
        return {"gongkai": None}


# ---------------------------------------------------------------------------------------------
# in the client


@dataclass(slots=True)
class _Lot:
    """Files in the order they were listed: each a result already (stored, unreadable) or sent in the lot."""

    slots: list[Parsed | tuple[str, bytes]] = field(default_factory=list)
    sent: int = 0  # files of the lot sent to the cluster
    size: int = 0  # their bytes
    future: Any = None
    data_future: Any = None


def ingest(store, paths: list[str], *, scheduler: str, retry_failed: bool = False,
           progress: Progress | None = None, batch: int = BATCH, limits: Limits = DEFAULT_LIMITS) -> IngestSummary:
    """Like :func:`gongkai.store.ingest.ingest`, the files read by the Dask cluster at ``scheduler``."""
    try:
        # lazy: dask is an optional dependency (gongkai[cluster]), loaded only for a run on a cluster
        from distributed import Client  # noqa: PLC0415
    except ImportError as exc:
        raise ClusterError("在集群上入库需要安装 dask[distributed]（pip install 'gongkai[cluster]'）",
                           f"ingest on a cluster needs dask[distributed]: {exc}") from exc
    files = list(dict.fromkeys(iter_files(paths)))
    run = Run(store, len(files), retry_failed=retry_failed, progress=progress, batch=batch)
    known, take, flush = run.known, run.take, run.flush
    shared = None if store.objects.local else store.objects

    client = _connect(Client, scheduler)
    try:
        threads = _check_workers(client, scheduler)
        per_lot = max(1, min(LOT_FILES, len(files) // (2 * threads)))
        window: deque[_Lot] = deque()  # lots in the order of their files, sent or not
        busy = held = 0  # lots in the cluster's hands, and the bytes of their files

        def send(lot: _Lot) -> None:
            nonlocal busy, held
            if lot.sent:
                payload = [s for s in lot.slots if isinstance(s, tuple)]
                [lot.data_future] = client.scatter([payload], hash=False)
                lot.future = client.submit(read_lot, lot.data_future, limits, shared, pure=False,
                                           key=f"gongkai-lot-{uuid.uuid4().hex}")
                busy += 1
                held += lot.size
            window.append(lot)

        def receive() -> None:
            nonlocal busy, held
            lot = window.popleft()
            got: list[Parsed] = []
            if lot.future is not None:
                try:
                    got = lot.future.result()
                except Exception as exc:  # a worker or the scheduler lost: the run stops here
                    flush()
                    raise ClusterError(f"集群出错，入库已停止（已入库的报告保留，重新运行即可继续）：{type(exc).__name__}: {exc}",
                                       f"the cluster failed and the run stopped (what was stored is kept; run "
                                       f"again to finish): {type(exc).__name__}: {exc}") from exc
                busy -= 1
                held -= lot.size
                lot.future = lot.data_future = None
            results = iter(got)
            out = []
            for slot in lot.slots:
                if isinstance(slot, tuple):
                    p = next(results)
                    if shared is None and p.status == "ok":
                        p.data = slot[1]  # the writer stores the original (local object store)
                    out.append(p)
                else:
                    out.append(slot)
            take(out)

        lot = _Lot()
        for path in files:
            try:
                data = read_file_bytes(path, limits)
            except GongkaiError as exc:
                lot.slots.append(refused(path, exc))
            else:
                sha = hashlib.sha256(data).hexdigest()
                if sha in known:
                    lot.slots.append(Parsed(path, "known", sha, len(data)))
                else:
                    if lot.sent and (lot.sent >= per_lot or lot.size + len(data) > LOT_BYTES):
                        send(lot)
                        lot = _Lot()
                    lot.slots.append((path, data))
                    lot.sent += 1
                    lot.size += len(data)
            if len(lot.slots) >= 8 * LOT_FILES:  # (a long run of stored files: counted as it goes)
                send(lot)
                lot = _Lot()
            while window and (busy >= LOTS_AHEAD * threads or held >= INFLIGHT_BYTES
                              or len(window) >= 4 * LOTS_AHEAD * threads):
                receive()
        send(lot)
        while window:
            receive()
    finally:
        client.close()
    return run.finish()


def _connect(client_class, scheduler: str):
    where = urlsplit(scheduler if "://" in scheduler else f"tcp://{scheduler}")
    try:
        if where.scheme in ("tcp", "tls") and where.hostname and where.port:  # refused at once: said at once
            socket.create_connection((where.hostname, where.port), timeout=CONNECT_SECONDS).close()
        return client_class(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"无法连接 Dask 调度器 {scheduler}：{exc}", f"cannot reach the Dask scheduler at {scheduler}: {exc}"
                           ) from exc


def _check_workers(client, scheduler: str) -> int:
    """The cluster's worker threads, once a worker is there and every worker has this gongkai."""
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except TimeoutError as exc:
        raise ClusterError(f"Dask 调度器 {scheduler} 没有可用的工作进程（dask worker）",
                           f"the Dask scheduler at {scheduler} has no workers") from exc
    mine = worker_info()["gongkai"]
    try:
        theirs = client.run(worker_info)
    except Exception as exc:  # (gongkai missing on a worker: its import fails there)
        raise ClusterError(f"集群的工作进程上无法运行 gongkai（请在每台工作机上安装相同版本的 gongkai）：{exc}",
                           f"gongkai cannot run on the cluster's workers (install the same gongkai on each): {exc}"
                           ) from exc
    other = sorted({info["gongkai"] for info in theirs.values()} - {mine})
    if other:
        raise ClusterError(f"集群的工作进程上的 gongkai 版本（{'、'.join(map(str, other))}）与本机（{mine}）不同",
                           f"the workers run gongkai {', '.join(map(str, other))}, this machine {mine}")
    threads = client.nthreads()
    return max(1, sum(threads.values()))
