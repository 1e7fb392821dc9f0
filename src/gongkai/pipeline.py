"""The one way a file is processed: read it, extract its report, check it — in a sandboxed worker.

:func:`process` is the whole of the work, in whatever process calls it. :class:`Sandbox` runs it in
worker processes that are reused from file to file and bounded by the operating system while they work
on one: address space (``RLIMIT_AS``, ``limits.max_memory_bytes`` on top of what the worker started
with), CPU time (``RLIMIT_CPU``) and wall time (a worker whose file takes longer than
``limits.max_seconds`` is killed and replaced). Inside the worker the time limit is also an alarm, so
that a slow file usually ends with the reader's own reason before the worker has to be killed.

Every caller goes through a sandbox: ``gongkai parse`` and ``check`` (workers forked for the command),
the Python API (:func:`default_sandbox`), the store's ingest and recheck (workers for the run), the web
application (its own for uploads; the default one for the sources shown beside a report). Whatever
happens to the worker, the caller gets a :class:`Processed` — the report, its findings and (when asked) the Document,
or a :class:`Failure` with a one-line reason, Chinese and English, and a short reason word.

A worker takes small files several at a time when every worker is busy (up to ``BATCH_FILES`` files,
``BATCH_BYTES`` together): each file still runs under its own limits, and if the worker is killed or dies
on one of them, each file of the lot is read again on its own, so that every file gets the result it
would have had alone. Handing a worker one file costs about as much as reading a short plain-text
report; taking a few at a time is what keeps the isolation from costing throughput.

The caller opens the file (so that its name, and any reason it cannot be opened, are as the caller gave
them; the size is looked at before a byte is read) and hands its bytes to the sandbox. A caller that needs
its own packaging of the result (the store's rows) passes ``then``, a module-level function the worker
applies to the Processed, so that the heavy work stays in the workers.
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import math
import multiprocessing
import os
import resource
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, Self

from pebble import ProcessExpired, ProcessFuture, ProcessPool

from .checks import Finding, check
from .document import Document
from .errors import GongkaiError, LimitExceeded, ReadError
from .extract import extract
from .extract.kind import a_report
from .limits import DEFAULT_LIMITS, Limits
from .model import Report
from .readers import cpu_seconds, file_seconds, read_bytes, time_limit, timed_out, too_large
from .workers import die_with_parent

NO_RULES: frozenset[str] = frozenset()
"""``select`` for callers that only read (no rule is run)."""

GRACE_SECONDS = 0.5
"""How much longer than ``max_seconds`` a worker may take before it is killed: the alarm inside it
fires first and gives the reader's own reason."""

WORKER_GC_THRESHOLDS = (50_000, 50, 100)  # the cyclic collector in a worker (see _init_worker)
MAX_DEFAULT_WORKERS = 4  # for a command's files: one worker per core, at most this many
BATCH_FILES = 32  # files a worker takes at a time while every worker is busy (fewer, larger lots cost the caller less) …
BATCH_BYTES = 1 << 20  # … as long as they are not more than this together (a bigger file goes alone)
AHEAD = 2 * BATCH_FILES  # files a caller that reads many may hand each worker ahead (see Sandbox.ahead)


# ---------------------------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a file gave no report: one line in Chinese, one in English, and a short word (``reason``
    of :class:`~gongkai.errors.ReadError`: empty, corrupt, encrypted, limit, error …; not-a-report for a
    file read without a fault that is no annual report, gongkai.extract.kind)."""

    zh: str
    en: str
    reason: str

    def __str__(self) -> str:  # as a GongkaiError prints: the CLI's one-line reason
        return f"{self.zh} ({self.en})" if self.en and self.en != self.zh else self.zh

    def error(self) -> ReadError:
        """The exception the API raises for it."""
        if self.reason == "limit":
            return LimitExceeded(self.zh, self.en)
        return ReadError(self.zh, self.en, reason=self.reason)

    @classmethod
    def of(cls, exc: BaseException) -> Failure:
        if isinstance(exc, GongkaiError):
            err: GongkaiError = exc
        elif isinstance(exc, RecursionError):
            err = LimitExceeded("文件结构嵌套过深，无法读取", "nesting too deep")
        elif isinstance(exc, MemoryError):
            return OUT_OF_MEMORY  # made beforehand: there may be no memory to make it now
        else:  # a bug met on this file: named, so that it can be reported, and the run goes on
            what = f"{type(exc).__name__}: {str(exc)[:200]}"
            err = ReadError(f"读取时出错：{what}", f"error while reading: {what}", reason="error")
        return cls(err.zh, err.en, getattr(err, "reason", err.code))


OUT_OF_MEMORY = Failure("文件过大，读取时内存不足", "out of memory while reading", "limit")
STOPPED = Failure("处理进程已停止，该文件未读完，请重试", "the worker pool was stopped before the file was read", "error")


@dataclass(slots=True)
class Processed:
    """One file processed: its report and findings, or why there is none."""

    name: str | None  # what the file is called (kept as the report's source path)
    sha256: str | None  # None only when the file could not even be opened
    size: int
    format: str | None = None
    report: Report | None = None
    findings: list[Finding] = field(default_factory=list)
    document: Document | None = None  # the intermediate the report came from, when the caller asks
    data: bytes | None = None  # the file's bytes: there for ``then`` in the worker, never sent back
    failure: Failure | None = None
    worker: int = 0  # the process that read it (0: none, its worker was killed or died)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # the fields as arguments: sent back from a worker for every file, this is quicker to pickle and
        # unpickle than a slotted dataclass's state
        return Processed, (self.name, self.sha256, self.size, self.format, self.report, self.findings,
                           self.document, self.data, self.failure, self.worker)

    @property
    def ok(self) -> bool:
        return self.failure is None


def process(data: bytes, name: str | None = None, limits: Limits = DEFAULT_LIMITS, *,
            select: frozenset[str] | None = None) -> Processed:
    """Read ``data`` (one file's bytes), extract its report and run the rules in ``select`` (None: all)
    on it, in this process, within ``limits.max_seconds`` (an alarm in a main thread; elsewhere the
    clock is looked at after each step). Never raises for a bad file: see ``Processed.failure``."""
    doc = None
    clock = time_limit(limits.max_seconds)  # OCR's time comes on top, within its own limits (readers.off_the_clock)
    try:
        with clock:  # reading, extracting and checking share the file's limit
            doc = read_bytes(data, name, limits)
            report = a_report(extract(doc))  # a file read without a fault may still be no annual report
            findings = check(report, select=None if select is None else set(select))
    except Exception as exc:  # noqa: BLE001  every failure becomes a one-line reason
        return failed(data, name, Failure.of(exc), doc.source.sha256 if doc is not None else None)
    if clock.over():  # (no alarm outside a main thread)
        return failed(data, name, Failure.of(timed_out(limits.max_seconds, clock.extra)), doc.source.sha256)
    return Processed(name, report.source.sha256, len(data), report.source.format, report, findings, doc, data,
                     worker=os.getpid())


def failed(data: bytes | None, name: str | None, failure: Failure, sha256: str | None = None, *,
           worker: int | None = None) -> Processed:
    """A Processed for a file that gave no report (``data`` None: the file could not be read)."""
    if data is not None and sha256 is None:
        sha256 = hashlib.sha256(data).hexdigest()
    return Processed(name, sha256, len(data or b""), failure=failure, data=data,
                     worker=os.getpid() if worker is None else worker)


# ---------------------------------------------------------------------------------------------- the worker


@dataclass(frozen=True, slots=True)
class Job:
    """One file for a worker, and what to send back."""

    data: bytes
    name: str | None
    limits: Limits
    select: frozenset[str] | None = None
    report: bool = True  # send the report back (``then`` always gets it)
    document: bool = False  # send the Document back
    then: Callable[[Processed], Any] | None = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # the fields as arguments: sent to a worker for every file, quicker to pickle and unpickle this way
        return Job, (self.data, self.name, self.limits, self.select, self.report, self.document, self.then)


def finish(job: Job, out: Processed) -> Any:
    """``then`` applied to the result, or the result as the caller asked for it."""
    if job.then is not None:
        return job.then(out)
    out.data = None
    if not job.report:
        out.report = None
    if not job.document:
        out.document = None
    return out


def _work(job: Job) -> Any:
    """A job in a worker, under the operating system's limits."""
    try:
        with _confined(job):
            return finish(job, process(job.data, job.name, job.limits, select=job.select))
    except MemoryError:  # even the reason could not be made within the limit (or ``then`` ran out)
        failure = OUT_OF_MEMORY
    except Exception as exc:  # noqa: BLE001  ``then`` failed on this file
        failure = Failure.of(exc)
    # here, the limits set back and the frames that held the memory gone
    return finish(job, failed(job.data, job.name, failure))


def _work_all(jobs: list[Job]) -> list[Any]:
    """A lot of small files, one after the other, each as :func:`_work` does it."""
    return [_work(job) for job in jobs]


_START_LIMITS: dict[int, tuple[int, int]] = {}
_BASELINE = 0  # address space of the worker when it was set up


def _init_worker(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    """Set a worker up: it dies with its parent, a kill ends it at once, a crash leaves no core file."""
    global _BASELINE  # noqa: PLW0603  (the worker's own address space, noted once when it starts)
    die_with_parent()
    # pebble's handler for SIGTERM is Python code, which never runs while a reader is stuck in C code:
    # the default action ends the worker at once when it is stopped for overrunning its time
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (0, hard))
    for which in (resource.RLIMIT_AS, resource.RLIMIT_CPU):
        _START_LIMITS[which] = resource.getrlimit(which)
    _BASELINE = _address_space()
    if initializer is not None:
        initializer(*initargs)
    # A report makes some ten thousand small objects, almost none in reference cycles: the collector's
    # default (a pass every 700 new objects) would run a dozen times a file. What is loaded by now stays
    # for the worker's life and is left out of every pass; the worker's memory is bounded by its limits.
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLDS)


def _address_space() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


@contextmanager
def _confined(job: Job) -> Iterator[None]:
    """The operating system's limits for one file: address space and CPU time (as soft limits, which a
    LibreOffice converter started meanwhile inherits and may lower for itself); set back afterwards so
    that the result can be sent and the idle worker is never killed. A file that may need OCR gets its
    OCR time on top (readers.cpu_seconds)."""
    limits = job.limits
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = _whole(usage.ru_utime + usage.ru_stime + cpu_seconds(job.data, limits, job.name) + GRACE_SECONDS + 1)
    memory = _whole(_BASELINE + limits.max_memory_bytes)
    before = {which: resource.getrlimit(which) for which in (resource.RLIMIT_AS, resource.RLIMIT_CPU)}
    for which, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, cpu)):
        soft, hard = _START_LIMITS.get(which, before[which])
        resource.setrlimit(which, (_lowest(value, soft, hard), before[which][1]))
    try:
        yield
    finally:
        for which, limit in before.items():
            resource.setrlimit(which, limit)


def _whole(value: float) -> int:
    """A limit for setrlimit: rounded up; none when it is beyond what a limit can say."""
    return math.ceil(value) if value < 2**62 else resource.RLIM_INFINITY


def _lowest(*limits: int) -> int:
    finite = [v for v in limits if v != resource.RLIM_INFINITY]
    return min(finite) if finite else resource.RLIM_INFINITY


# ---------------------------------------------------------------------------------------------- the sandbox


def default_workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


class Pending:
    """A file handed to a sandbox; :meth:`result` waits for what the worker (or its death) gave."""

    __slots__ = ("done", "future", "index", "job", "sandbox")

    def __init__(self, job: Job, future: ProcessFuture | None = None, done: Any = None,
                 sandbox: Sandbox | None = None) -> None:
        self.job = job
        self.future = future  # the task it went to a worker in (None: not sent yet, or never sent)
        self.index: int | None = None  # its place among the results of a task of several files
        self.done = done
        self.sandbox = sandbox  # (while it waits to be sent)

    def result(self) -> Any:
        if self.future is None and self.sandbox is not None:
            self.sandbox._send_now(self)
        if self.future is None:
            return self.done
        try:
            out = self.future.result()
            return out if self.index is None else out[self.index]
        except (TimeoutError, ProcessExpired) as exc:
            if self.index is not None and self.sandbox is not None:
                # the worker of a lot was killed or died: the file is read again on its own, so that the
                # one that caused it is told why and the others are read as if it had not been there
                self.index = self.future = None
                try:
                    with self.sandbox._queue:
                        self.sandbox._send([self])
                except RuntimeError:  # closed meanwhile: ``done`` says so
                    return self.done
                return self.result()
            failure = _died(exc.exitcode, self.job) if isinstance(exc, ProcessExpired) else _killed(self.job)
        except (CancelledError, BrokenProcessPool):
            failure = STOPPED
        return finish(self.job, failed(self.job.data, self.job.name, failure, worker=0))


def _timeout(jobs: list[Job]) -> float:
    """How long the worker may take over ``jobs`` before it is killed: each its own time (with OCR's
    for a file that may need it: readers.file_seconds), and a little."""
    return sum(file_seconds(job.data, job.limits, job.name) + GRACE_SECONDS for job in jobs)


def _killed(job: Job) -> Failure:
    seconds = f"{file_seconds(job.data, job.limits, job.name):g}"
    return Failure(f"处理超时（超过 {seconds} 秒），已停止读取：文件过于复杂或已损坏",
                   f"took longer than {seconds} s and was stopped; see --timeout or GONGKAI_TIMEOUT", "limit")


def _died(exitcode: int | None, job: Job) -> Failure:
    limits = job.limits
    if exitcode == -signal.SIGXCPU:
        seconds = f"{cpu_seconds(job.data, limits, job.name):g}"
        return Failure(f"处理超时（CPU 时间超过 {seconds} 秒），已停止读取：文件过于复杂或已损坏",
                       f"used more than {seconds} s of CPU time and was stopped; see --timeout or GONGKAI_TIMEOUT",
                       "limit")
    how = _signal_name(exitcode)
    return Failure("读取时处理进程异常终止（内存不足或文件已损坏），已停止读取该文件",
                   f"the worker reading the file died ({how}): out of memory (limit "
                   f"{limits.max_memory_bytes // 2**20} MB, see max_memory_bytes) or a corrupt file", "limit")


def _signal_name(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return signal.Signals(-exitcode).name
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit status {exitcode}"


class Sandbox:
    """Worker processes that read files under the operating system's limits (see the module's text).

    ``workers`` processes are started when the first file comes, then reused; a worker that overruns
    its file's time, or dies, is replaced. ``start`` is how they are started: ``forkserver`` (a clean
    process, nothing of this one's threads or state copied: the default) or ``fork`` (a copy of this
    process as it is now: cheap, and the workers see what this process set up). ``initializer`` runs
    in each worker once (with ``initargs``), after the sandbox's own set-up.
    """

    def __init__(self, workers: int | None = None, *, start: str = "forkserver",
                 initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> None:
        self.workers = workers or default_workers()
        methods = multiprocessing.get_all_start_methods()
        self.start = start if start in methods else "spawn"
        self.initializer = initializer
        self.initargs = initargs
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()
        self._closed = False
        # files waiting for a worker to be free (sent together), and the tasks the workers have
        self._queue = threading.RLock()  # (a task that is done at once calls back while it is held)
        self._waiting: list[Pending] = []
        self._waiting_bytes = 0
        self._busy = 0

    @property
    def ahead(self) -> int:
        """How many files a caller with many may hand this sandbox before it waits for the first result:
        enough for each worker to take a few at a time."""
        return self.workers * AHEAD

    def submit(self, data: bytes, name: str | None = None, limits: Limits = DEFAULT_LIMITS, *,
               select: frozenset[str] | None = None, report: bool = True, document: bool = False,
               then: Callable[[Processed], Any] | None = None) -> Pending:
        """Hand one file's bytes to a worker: :func:`process` runs there with the rules in ``select``
        (None: all), then ``then`` (a module-level function: it is sent to the worker by name) or what
        was asked for is sent back. When the worker is killed or dies, ``then`` is applied here, to the
        failure (so it must be quick on one). While every worker is busy a small file waits to be sent
        with others; :meth:`Pending.result` sends it at once."""
        job = Job(data, name, limits, select, report, document, then)
        if len(data) > limits.max_file_bytes:  # not worth sending
            refused = failed(data, name, Failure.of(too_large(len(data), limits)), worker=0)
            return Pending(job, None, finish(job, refused))
        if self._closed:
            raise RuntimeError("the sandbox is closed")
        pending = Pending(job, sandbox=self)
        with self._queue:
            if len(data) > BATCH_BYTES:
                self._send_waiting()
                self._send([pending])
            else:
                self._waiting.append(pending)
                self._waiting_bytes += len(data)
                if self._busy < self.workers or len(self._waiting) >= BATCH_FILES \
                        or self._waiting_bytes >= BATCH_BYTES:
                    self._send_waiting()
        return pending

    def _send_now(self, pending: Pending) -> None:
        """Send ``pending`` (and the files waiting with it) now: the caller waits for it."""
        with self._queue:
            if pending.future is None and pending.sandbox is not None:
                with suppress(RuntimeError):  # closed: it has its reason (``done``)
                    self._send_waiting()

    def _send_waiting(self) -> None:
        if self._waiting:
            lot, self._waiting, self._waiting_bytes = self._waiting, [], 0
            self._send(lot)

    def _send(self, lot: list[Pending]) -> None:
        jobs = [p.job for p in lot]
        try:
            if len(lot) == 1:
                future = self._schedule(_work, (jobs[0],), _timeout(jobs))
            else:
                future = self._schedule(_work_all, (jobs,), _timeout(jobs))
        except RuntimeError:  # closed before they were sent
            for p in lot:
                p.done, p.sandbox = finish(p.job, failed(p.job.data, p.job.name, STOPPED, worker=0)), None
            raise
        if len(lot) > 1:
            for k, p in enumerate(lot):
                p.index = k
        for p in lot:
            p.future = future
        self._busy += 1
        future.add_done_callback(self._task_done)

    def _task_done(self, _future: Future[Any]) -> None:
        with self._queue:
            self._busy -= 1
            if self._waiting and not self._closed:
                with suppress(RuntimeError):  # closed meanwhile: the files wait for their result() to say so
                    self._send_waiting()

    def _schedule(self, fn: Callable[..., Any], args: tuple, timeout: float) -> ProcessFuture:
        for attempt in (1, 2):
            pool = self._running()
            try:
                return pool.schedule(fn, args, timeout=timeout)
            except RuntimeError:  # the pool broke (every worker killed at once from outside): a new one
                with self._lock:
                    if self._pool is pool:
                        self._pool = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def run(self, data: bytes, name: str | None = None, limits: Limits = DEFAULT_LIMITS, **options: Any) -> Any:
        """:meth:`submit`, then wait for the result."""
        return self.submit(data, name, limits, **options).result()

    def _running(self) -> ProcessPool:
        with self._lock:
            if self._closed:
                raise RuntimeError("the sandbox is closed")
            if self._pool is None or not self._pool.active:
                if self._pool is not None:
                    self._pool.stop()
                self._pool = ProcessPool(max_workers=self.workers, initializer=_init_worker,
                                         initargs=(self.initializer, self.initargs),
                                         context=multiprocessing.get_context(self.start))
            return self._pool

    def close(self) -> None:
        """Stop the workers (files still queued are not read)."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            pool.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_default: Sandbox | None = None
_default_lock = threading.Lock()


def default_sandbox() -> Sandbox:
    """The sandbox of this process (for the API, and the store and the web pages when given none): one
    worker, started when first used, stopped when the process exits."""
    global _default  # noqa: PLW0603  (the one default sandbox of this process, made when first used)
    with _default_lock:
        if _default is None:
            _default = Sandbox(1)
            atexit.register(_default.close)
        return _default


def _forget_default() -> None:  # a forked copy of this process must not use this process's workers
    global _default, _default_lock  # noqa: PLW0603  (a forked child starts without the parent's sandbox)
    _default = None
    _default_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_default)


__all__ = ["NO_RULES", "Failure", "Pending", "Processed", "Sandbox", "default_sandbox", "failed", "process"]
