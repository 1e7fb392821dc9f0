"""Uploads: limits, files kept by hash, and ingest in a worker process.

An uploaded file is saved as ``UPLOADS/ab/<sha256>/<name>`` (the name cleaned; the folder is the hash, so
two uploads of the same bytes are one file and no user-chosen name ever picks a path). It is then read,
checked and stored by the store's own ingest, in a worker process: the per-file time limit of the readers
works only in a process's main thread, and a reader that misbehaves cannot take the web server down.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any

from ..inputs import REPORT_SUFFIXES

MB = 1024 * 1024
DEFAULT_MAX_FILE = 20 * MB
DEFAULT_MAX_FILES = 50

REASON_ZH = {
    "empty": "文件是空的", "corrupt": "文件已损坏", "not-word": "不是 Word 文件", "encrypted": "文件有密码保护",
    "scanned": "扫描件（图片），没有可读取的文字", "limit": "超过大小或时间限制", "type": "文件类型不支持",
    "size": "文件过大", "agency": "报告机关与账户不符", "error": "读取时出错",
}


class UploadError(ValueError):
    """A file refused before it is read (type, size, agency), with a Chinese reason."""

    def __init__(self, message: str, reason: str = "type") -> None:
        super().__init__(message)
        self.reason = reason


def clean_name(name: str | None) -> str:
    """A file name safe to keep on disk: the last path part, no control or path characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "_", base).strip(" .")
    if len(base) > 120:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:100] + dot + ext[:12]) if dot else base[:120]
    return base or "upload"


def check_upload(name: str, size: int, max_bytes: int) -> str:
    """The cleaned name, or UploadError: an unsupported type, an empty or a too large file."""
    clean = clean_name(name)
    suffix = Path(clean).suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        allowed = "、".join(sorted(s.lstrip(".") for s in REPORT_SUFFIXES))
        raise UploadError(f"不支持的文件类型“{suffix or '（无扩展名）'}”。可上传：{allowed}", "type")
    if size == 0:
        raise UploadError("文件是空的", "empty")
    if size > max_bytes:
        raise UploadError(f"文件过大（{size / MB:.1f} MB），单个文件不能超过 {max_bytes / MB:g} MB", "size")
    return clean


def save(upload_dir: Path, name: str, data: bytes) -> tuple[Path, str]:
    sha = hashlib.sha256(data).hexdigest()
    folder = upload_dir / sha[:2] / sha
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        tmp = folder / (".part-" + sha[:8])
        tmp.write_bytes(data)
        tmp.replace(path)
    return path, sha


@dataclass(slots=True)
class UploadResult:
    name: str
    sha256: str | None
    status: str  # new | replaced | existing | failed | refused
    report_id: int | None = None
    reason: str | None = None
    message: str | None = None
    agency: str | None = None
    year: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.report_id is not None

    @property
    def reason_zh(self) -> str | None:
        return REASON_ZH.get(self.reason or "", self.reason)

    @property
    def status_zh(self) -> str:
        return {"new": "已入库", "replaced": "已入库（更正稿，替换同年度旧版）", "existing": "此前已入库",
                "failed": "无法读取", "refused": "未接收"}.get(self.status, self.status)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256, "status": self.status, "status_zh": self.status_zh,
                "report_id": self.report_id, "reason": self.reason, "message": self.message,
                "agency": self.agency, "year": self.year}


# ---------------------------------------------------------------------------------------------- the worker


def _agency_matches(store, agency_id: int, printed: str | None) -> bool:
    from sqlalchemy import select

    from ..agencies import parse_name
    from ..store import schema as S

    if not printed:
        return False
    an = parse_name(printed)
    with store.engine.connect() as conn:
        core = conn.execute(select(S.agencies.c.core).where(S.agencies.c.id == agency_id)).scalar()
        names = set(conn.execute(select(S.agency_names.c.name).where(S.agency_names.c.agency_id == agency_id)).scalars())
    return an.canonical in names or (core is not None and an.core == core)


def ingest_one(store_url: str, path: str, name: str, sha: str, expect_agency: int | None = None) -> dict[str, Any]:
    """Read, check and store one saved upload (run in a worker process). ``expect_agency``: a submitter's
    agency — a report of another agency is refused before it is stored."""
    from ..store import Store

    with Store.open(store_url) as store:
        existing = store.report_id_for_sha(sha)
        if existing is not None:
            row = store.report_row(existing)
            return UploadResult(name, sha, "existing", existing, agency=row.agency if row else None,
                                year=row.year if row else None).to_json()
        if expect_agency is not None:
            from ..api import read

            try:
                report = read(path)
            except Exception as exc:  # noqa: BLE001  the ingest below records the failure with its reason
                report = None
                _ = exc
            if report is not None and not _agency_matches(store, expect_agency, report.agency):
                return UploadResult(name, sha, "refused", reason="agency",
                                    message=f"报告中的机关“{report.agency or '（未识别）'}”不是您账户所属的机关，"
                                            "未接收。请上传本机关的报告，或请管理员处理。").to_json()
        summary = store.ingest([path], jobs=1)
        rid = store.report_id_for_sha(sha)
        if rid is not None:
            row = store.report_row(rid)
            status = "replaced" if summary.replaced else ("new" if summary.new else "existing")
            return UploadResult(name, sha, status, rid, agency=row.agency if row else None,
                                year=row.year if row else None).to_json()
        reason, message = "error", "无法读取该文件"
        if summary.failures:
            _, reason, message = summary.failures[0]
        else:
            for f in store.failures():
                if f.get("sha256") == sha:
                    reason, message = f["reason"], f["message"]
        return UploadResult(name, sha, "failed", reason=reason, message=message).to_json()


class Ingester:
    """Runs :func:`ingest_one` in a worker process (``workers=0``: in this thread, for tests and tools)."""

    def __init__(self, store_url: str, workers: int = 1) -> None:
        self.store_url = store_url
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = Lock()

    def run(self, path: Path, name: str, sha: str, expect_agency: int | None = None) -> UploadResult:
        if self.workers <= 0:
            data = ingest_one(self.store_url, str(path), name, sha, expect_agency)
        else:
            with self._lock:
                if self._pool is None:
                    self._pool = ProcessPoolExecutor(max_workers=self.workers,
                                                     mp_context=multiprocessing.get_context("spawn"))
                pool = self._pool
            try:
                data = pool.submit(ingest_one, self.store_url, str(path), name, sha, expect_agency).result(timeout=300)
            except Exception as exc:  # noqa: BLE001  a worker that died: the pool is made anew next time
                with self._lock:
                    if self._pool is pool:
                        self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
                return UploadResult(name, sha, "failed", reason="error", message=f"处理该文件时出错：{type(exc).__name__}")
        data.pop("status_zh", None)
        return UploadResult(**data)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
