"""Batch ingest: walk the paths, read and check each file in a sandbox's worker processes (one per core;
gongkai.pipeline), write with one writer in transactions of a few dozen reports. Stopped at any moment,
a run leaves whole reports only; run again, it skips what is stored and finishes the job."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from .. import similar as sim
from ..access import WriteGuard
from ..errors import GongkaiError
from ..inputs import REPORT_SUFFIXES
from ..limits import DEFAULT_LIMITS, Limits
from ..pipeline import Pending, Sandbox
from ..readers import read_file_bytes
from . import schema as S
from .db import StoreError, unwritable
from .work import Parsed, packaged, refused, reviewed, warm_up
from .writer import (
    CELL_COLUMNS,
    CROP_COLUMNS,
    FINDING_COLUMNS,
    Outcome,
    Writer,
    _finding_tuple,
    bulk_insert,
    crossyear_agency,
    crossyear_codes,
    recount,
    restore_bands,
)

CHUNK = 8  # results taken at a time
INFLIGHT = 32  # files handed to each worker ahead (they read on while the writer writes) …
INFLIGHT_BYTES = 256 * 2**20  # … as long as they are not more than this together
BATCH = 64  # reports per transaction …
BATCH_SECONDS = 1.0  # … or this long, whichever comes first


@dataclass(slots=True)
class IngestSummary:
    files: int = 0
    new: int = 0  # reports stored for the first time
    replaced: int = 0  # corrected re-submissions: stored, the agency's older report for that year kept as a version
    duplicates: int = 0  # same bytes as another file of this run (or stored by it)
    unchanged: int = 0  # already stored by an earlier run
    failed: int = 0  # could not be read (this run)
    failed_known: int = 0  # could not be read, already recorded by an earlier run
    seconds: float = 0.0
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (path, reason, message)

    @property
    def stored(self) -> int:
        return self.new + self.replaced

    @property
    def rate(self) -> float:
        return self.files / self.seconds if self.seconds else 0.0

    def add(self, o: Outcome) -> None:
        if o.status == "new":
            self.new += 1
        elif o.status == "replaced":
            self.replaced += 1
        elif o.status == "duplicate":
            self.duplicates += 1
        elif o.status == "unchanged":
            self.unchanged += 1
        elif o.status in ("failed", "failed-known"):
            if o.status == "failed":
                self.failed += 1
            else:
                self.failed_known += 1
            self.failures.append((o.path, o.reason or "", o.message or ""))

    def to_json(self) -> dict:
        return {
            "files": self.files, "new": self.new, "replaced": self.replaced, "duplicates": self.duplicates,
            "unchanged": self.unchanged, "failed": self.failed, "failed_known": self.failed_known,
            "seconds": round(self.seconds, 3), "rate": round(self.rate, 1),
            "failures": [{"path": p, "reason": r, "message": m} for p, r, m in self.failures],
        }


def iter_files(paths: Iterable[str]) -> Iterator[str]:
    """Files named, and report files under the directories named (recursively, hidden ones skipped)."""
    for arg in paths:
        p = Path(arg)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES and not any(
                    part.startswith(".") for part in f.relative_to(p).parts
                ):
                    yield str(f)
        else:
            yield str(p)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover
        return max(1, os.cpu_count() or 1)


Progress = Callable[[IngestSummary, int], None]


def ingest(store, paths: list[str], *, jobs: int | None = None, retry_failed: bool = False,
           progress: Progress | None = None, batch: int = BATCH, limits: Limits = DEFAULT_LIMITS) -> IngestSummary:
    """Read, check and store the files under ``paths`` in this machine's worker processes (on a Dask
    cluster: gongkai.store.cluster.ingest, which Store.ingest calls when given a scheduler)."""
    files = list(dict.fromkeys(iter_files(paths)))
    run = Run(store, len(files), retry_failed=retry_failed, progress=progress, batch=batch)
    known, take = run.known, run.take
    jobs = jobs or default_jobs()

    # Each file is opened here and skipped when its hash is stored (hashing is quick; a run over stored
    # files starts no worker); the others go to the sandbox's workers, one file a job, a few per worker
    # ahead, the results taken in order (the same order every run).
    with Sandbox(jobs, start="fork", initializer=warm_up) as sandbox:
        def submit(path: str) -> Pending | Parsed:
            try:
                data = read_file_bytes(path, limits)
            except GongkaiError as exc:
                return refused(path, exc)
            sha = hashlib.sha256(data).hexdigest()
            if sha in known:
                return Parsed(path, "known", sha, len(data))
            return sandbox.submit(data, path, limits, then=packaged)

        for done in _in_order(files, submit, jobs * INFLIGHT, CHUNK):
            take([parsed for _, parsed in done])
    return run.finish()


class Run:
    """The writing side of one ingest, the same on this machine and on a cluster: the files already stored
    (skipped), the results taken in order and written a batch at a time by the one writer, the counts and
    the progress reported."""

    def __init__(self, store, files: int, *, retry_failed: bool = False, progress: Progress | None = None,
                 batch: int = BATCH) -> None:
        self.started = time.monotonic()
        self.summary = IngestSummary(files=files)
        self.known_reports, known_failures = store.known_hashes()
        # a file whose hash is stored (or recorded as unreadable, unless retried) is not read again
        self.known = frozenset(self.known_reports if retry_failed else self.known_reports | known_failures)
        self.writer = Writer(store.engine)
        self.progress = progress
        self.batch = batch
        self.pending: list[Parsed] = []
        self.last_flush = time.monotonic()
        self._report()

    def _report(self) -> None:
        self.summary.seconds = time.monotonic() - self.started
        if self.progress:
            self.progress(self.summary, self.summary.files)

    def flush(self) -> None:
        if self.pending:
            for o in _write(self.writer, self.pending):
                self.summary.add(o)
            self.pending.clear()
        self.last_flush = time.monotonic()
        self._report()

    def take(self, results: list[Parsed]) -> None:
        for p in results:
            if p.status == "known":
                self.summary.add(Outcome("unchanged" if p.sha256 in self.known_reports else "failed-known", p.path,
                                         reason="known",
                                         message="此前已记录为无法读取（already recorded as unreadable）"))
            else:
                self.pending.append(p)
        if len(self.pending) >= self.batch or time.monotonic() - self.last_flush >= BATCH_SECONDS:
            self.flush()
        elif self.progress and results:
            self._report()

    def finish(self) -> IngestSummary:
        self.flush()
        self.summary.seconds = time.monotonic() - self.started
        return self.summary


def write_one(writer: Writer, p: Parsed, guard: WriteGuard | None = None) -> Outcome:
    """Store one read file (an upload), under ``guard`` when given; see :meth:`Writer.write`."""
    return _write(writer, [p], guard)[0]


T = TypeVar("T")


def _in_order(items: Iterable[T], submit: Callable[[T], Any], inflight: int, per: int
              ) -> Iterator[list[tuple[T, Any]]]:
    """(item, result of ``submit(item)``) for every item, in order, in lists of up to ``per``; at most
    ``inflight`` items in the workers' hands, and no more than INFLIGHT_BYTES of files (one at least)."""
    pending: deque[tuple[T, Any]] = deque()
    busy = held = 0  # files in the workers' hands, and their bytes
    it = iter(items)
    done: list[tuple[T, Any]] = []
    while True:
        for item in it:
            job = submit(item)
            pending.append((item, job))
            if isinstance(job, Pending):
                busy += 1
                held += len(job.job.data)
            if busy >= inflight or held >= INFLIGHT_BYTES or len(pending) >= 4 * inflight:
                break
        if not pending:
            break
        item, job = pending.popleft()
        if isinstance(job, Pending):
            busy -= 1
            held -= len(job.job.data)
            job = job.result()
        done.append((item, job))
        if len(done) >= per or not pending:
            yield done
            done = []
    if done:
        yield done


def _write(writer: Writer, items: list[Parsed], guard: WriteGuard | None = None) -> list[Outcome]:
    """Store a batch in one transaction; if the database refuses it, store its reports one by one,
    so that one report the database cannot take is recorded as failed and the others are kept.

    A report another ingest stored meanwhile (the same file, in a run beside this one) is refused for
    its hash; the writer has then read the stored hashes again, and a second try finds it stored: a
    duplicate, not a failure. A database that cannot be written at all (disk full, I/O error …) is no
    report's fault: StoreError, with nothing of the batch written."""
    done = _attempt(writer, items, guard)
    if not isinstance(done, Exception):
        return done
    out: list[Outcome] = []
    for p in items:
        done = _attempt(writer, [p], guard)
        if isinstance(done, Exception) and _known(writer, p):
            done = _attempt(writer, [p], guard)
        if isinstance(done, Exception):
            exc = done
            failed = Parsed(p.path, "failed", sha256=p.sha256, size=p.size, format=p.format, reason="store",
                            message=f"报告中有数据库无法保存的内容（{type(exc).__name__}）",
                            message_en=f"the database refused the report: {str(exc).splitlines()[0][:200]}")
            done = _attempt(writer, [failed])
            if isinstance(done, Exception) and _known(writer, failed):
                done = _attempt(writer, [failed])
            if isinstance(done, Exception):
                raise done
        out += done
    return out


_REFUSED = (SQLAlchemyError, ValueError, OverflowError)


def _attempt(writer: Writer, items: list[Parsed], guard: WriteGuard | None = None) -> list[Outcome] | Exception:
    """The outcomes, or the database's refusal (the transaction rolled back); raises StoreError when the
    database cannot be written at all."""
    try:
        return writer.write(items, guard)
    except _REFUSED as exc:
        err = unwritable(exc)
        if err is not None:
            raise err from exc
        return exc


def _known(writer: Writer, p: Parsed) -> bool:
    """The file's hash is stored or recorded as unreadable (by another ingest, since this one began)."""
    return p.sha256 is not None and (p.sha256 in writer.files or p.sha256 in writer.failed)


# ---------------------------------------------------------------------------------------------
# recheck: the stored files read and checked again (after the reader or the catalogue changed)


@dataclass(slots=True)
class RecheckSummary:
    reports: int = 0
    changed: int = 0  # reports whose findings changed
    failed: int = 0
    seconds: float = 0.0
    failures: list[tuple[int, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"reports": self.reports, "changed": self.changed, "failed": self.failed,
                "seconds": round(self.seconds, 3), "failures": [{"id": i, "message": m} for i, m in self.failures]}


def recheck(store, *, jobs: int | None = None, all_versions: bool = True, progress: Progress | None = None
            ) -> RecheckSummary:
    """Read every stored file again, replace its parsed report, cells, findings and text sketch, then run
    the cross-year rules over every agency. Agency and year are kept as stored."""
    started = time.monotonic()
    out = RecheckSummary()
    which = S.reports.c.current if not all_versions else None
    with store.engine.connect() as conn:
        q = select(func.count()).select_from(S.reports)
        out.reports = conn.execute(q if which is None else q.where(which)).scalar_one()
    writer = Writer(store.engine, load=False)  # only the cross-year rules: no hashes or agencies held
    jobs = jobs or default_jobs()
    tick = IngestSummary(files=out.reports)
    by_report: dict[int, tuple[tuple[str, float | None, str], ...]] = {}

    def load(chunk_ids):
        with store.engine.connect() as conn:
            rows = conn.execute(select(S.reports.c.id, S.reports.c.path, S.files.c.sha256).select_from(
                S.reports.join(S.files, S.reports.c.sha256 == S.files.c.sha256)).where(
                S.reports.c.id.in_(chunk_ids)).order_by(S.reports.c.id)).all()
            # the values reviewers read by eye, put in again after reading (kept for the files in hand)
            by_report.update(stored_reviews(conn, ids=chunk_ids))
        return [(r.id, r.path, _original(store, r.sha256), r.sha256) for r in rows]

    def write(results: list[tuple[int, Parsed]]) -> None:
        with store.engine.begin() as conn:
            for rid, p in results:
                if p.status != "ok":
                    out.failed += 1
                    out.failures.append((rid, p.message or ""))
                    continue
                if replace_rows(conn, rid, p):
                    out.changed += 1
        tick.new += len(results)
        tick.seconds = time.monotonic() - started
        if progress:
            progress(tick, out.reports)

    def rows() -> Iterator[tuple[int, str | None, bytes | StoreError, str]]:
        for chunk in id_chunks(store.engine, S.reports.c.id, CHUNK * 4, which):
            yield from load(chunk)

    with Sandbox(jobs, start="fork", initializer=warm_up) as sandbox:
        def submit(row: tuple[int, str | None, bytes | StoreError, str]) -> Pending | Parsed:
            reviews = by_report.pop(row[0], None)
            if isinstance(row[2], StoreError):  # the original is missing or damaged: this report is not read
                return Parsed(row[1] or "", "failed", row[3], reason="store", message=row[2].zh,
                              message_en=row[2].en)
            return sandbox.submit(row[2], row[1], then=partial(reviewed, reviews) if reviews else packaged)

        for done in _in_order(rows(), submit, jobs * INFLIGHT, CHUNK * 4):
            write([(row[0], parsed) for row, parsed in done])
    for chunk in id_chunks(store.engine, S.agencies.c.id, 200):
        with store.engine.begin() as conn:
            for aid in chunk:
                crossyear_agency(writer, conn, aid)
    with store.engine.begin() as conn:  # every sketch is now made with this version's parameters
        conn.execute(delete(S.store_meta).where(S.store_meta.c.key == "text_sketch"))
        conn.execute(S.store_meta.insert().values(key="text_sketch", value=json.dumps(sim.PARAMS)))
    out.seconds = time.monotonic() - started
    return out


def _original(store, sha256: str) -> bytes | StoreError:
    try:
        return store.objects.get(sha256)
    except StoreError as exc:
        return exc


def id_chunks(engine, column, size: int, where=None) -> Iterator[list[int]]:
    """The ids in ``column`` (an integer key), in order, ``size`` at a time: one short query per chunk, so
    that a pass over a large store holds one chunk, not every id."""
    last = None
    while True:
        q = select(column).order_by(column).limit(size)
        if where is not None:
            q = q.where(where)
        if last is not None:
            q = q.where(column > last)
        with engine.connect() as conn:
            chunk = list(conn.execute(q).scalars())
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def stored_reviews(conn, report_id: int | None = None, *, ids: list[int] | None = None
                   ) -> dict[int, tuple[tuple[str, float | None, str], ...]]:
    """The values reviewers read by eye, per report: (``table.row.column``, value, text as read); of one
    report, of the reports ``ids``, or of all."""
    r = S.cell_reviews.c
    q = select(r.report_id, r.table_key, r.row_key, r.column_key, r.value, r.raw).order_by(
        r.report_id, r.table_key, r.row_key, r.column_key)
    if report_id is not None:
        q = q.where(r.report_id == report_id)
    if ids is not None:
        q = q.where(r.report_id.in_(ids))
    out: dict[int, list[tuple[str, float | None, str]]] = {}
    for rid, t, rk, c, v, raw in conn.execute(q):
        out.setdefault(rid, []).append((f"{t}.{rk}.{c}", v, raw))
    return {rid: tuple(v) for rid, v in out.items()}


def replace_rows(conn, rid: int, p: Parsed) -> bool:
    """Replace a stored report's parsed data, cells, single-report findings and sketch. True when its
    findings changed."""
    cross = crossyear_codes()
    old = conn.execute(select(S.findings.c.code, S.findings.c.message).where(
        S.findings.c.report_id == rid, S.findings.c.code.not_in(cross))).all()
    new = [(f["code"], f["message"]) for f in p.findings]
    changed = sorted(map(tuple, old)) != sorted(new)
    conn.execute(delete(S.findings).where(S.findings.c.report_id == rid, S.findings.c.code.not_in(cross)))
    bulk_insert(conn, S.findings, FINDING_COLUMNS, [_finding_tuple(rid, f) for f in p.findings])
    conn.execute(delete(S.cells).where(S.cells.c.report_id == rid))
    bulk_insert(conn, S.cells, CELL_COLUMNS, [(rid, *c) for c in p.cells])
    conn.execute(delete(S.cell_crops).where(S.cell_crops.c.report_id == rid))
    bulk_insert(conn, S.cell_crops, CROP_COLUMNS, [(rid, *c) for c in p.crops])
    conn.execute(update(S.reports).where(S.reports.c.id == rid).values(
        data=p.report_json, edition=p.edition, title=p.title, format=p.format or "unknown",
        date=dt.date.fromisoformat(p.date) if p.date else None, agency_printed=p.agency,
    ))
    current = conn.execute(select(S.reports.c.current).where(S.reports.c.id == rid)).scalar()
    conn.execute(delete(S.text_bands).where(S.text_bands.c.report_id == rid))
    conn.execute(delete(S.text_signatures).where(S.text_signatures.c.report_id == rid))
    if p.sketch is not None:
        conn.execute(S.text_signatures.insert().values(report_id=rid, signature=p.sketch.signature,
                                                       shingles=p.sketch.shingles, chars=p.sketch.chars))
        if current:
            restore_bands(conn, [rid])
    recount(conn, rid)
    return changed
