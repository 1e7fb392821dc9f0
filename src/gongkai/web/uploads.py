"""Uploads: names, limits, the daily quota, and ingest through the sandbox.

An uploaded file is never kept on the server's disk: its bytes go to a sandbox's worker process, which
reads and checks it (gongkai.pipeline), and the store's own ingest stores it (the store keeps the original
once, by its SHA-256, only when it gave a report). A file that is refused or cannot be read leaves only
the failure record. The worker bounds each file's time and memory, so that a reader that misbehaves
cannot take the web server down.

Every upload is stored under a :class:`~gongkai.access.WriteGuard`: the report must resolve to an agency
the user may change — the same rule that decides what the user may see.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from threading import BoundedSemaphore
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from ..access import WriteGuard
from ..extract.kind import REASON as NOT_A_REPORT
from ..inputs import REPORT_SUFFIXES
from ..pipeline import Sandbox, default_sandbox
from ..store import Store, StoreError
from ..store.work import warm_up
from .schema import web_audit

MB = 1024 * 1024
DEFAULT_MAX_FILE = 20 * MB
DEFAULT_MAX_FILES = 50
DEFAULT_QUOTA = 500 * MB  # bytes a user may upload in a day (QUOTA_WINDOW)
QUOTA_WINDOW = dt.timedelta(hours=24)
NAME_BYTES = 200  # a file name is kept to this many UTF-8 bytes (file systems allow 255)

log = logging.getLogger("gongkai.web")

REASON_ZH = {
    "empty": "文件是空的", "corrupt": "文件已损坏", "not-word": "不是 Word 文件", "encrypted": "文件有密码保护",
    "scanned": "扫描件（图片），没有可读取的文字", "limit": "超过大小或时间限制", "type": "文件类型不支持",
    "size": "文件过大", "scope": "报告机关不在您的权限范围内", "quota": "超过今日上传限额", "error": "读取时出错",
    "store": "数据库无法保存", NOT_A_REPORT: "不是政府信息公开年度报告",
}


class UploadError(ValueError):
    """A file refused before it is read (type, size, quota), with a Chinese reason."""

    def __init__(self, message: str, reason: str = "type") -> None:
        super().__init__(message)
        self.reason = reason


def cut_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")


def clean_name(name: str | None) -> str:
    """A file name fit to show and keep: the last path part, no control or path characters, at most
    NAME_BYTES bytes in UTF-8 with its extension kept (a Chinese name is three bytes a character)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = re.sub(r"[\x00-\x1f\x7f<>:\"|?*]", "_", base).strip(" .")
    if len(base.encode("utf-8")) > NAME_BYTES:
        stem, dot, ext = base.rpartition(".")
        if dot and 0 < len(ext.encode("utf-8")) <= 16:
            base = cut_bytes(stem, NAME_BYTES - len(ext.encode("utf-8")) - 1) + "." + ext
        else:
            base = cut_bytes(base, NAME_BYTES)
    return base or "upload"


def check_upload(name: str, size: int, max_bytes: int) -> None:
    """UploadError for an unsupported type, an empty or a too large file."""
    suffix = Path(name).suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        allowed = "、".join(sorted(REPORT_SUFFIXES))
        raise UploadError(f"不支持的文件类型“{suffix[:20] or '（无扩展名）'}”。可上传：{allowed}", "type")
    if size == 0:
        raise UploadError("文件是空的", "empty")
    if size > max_bytes:
        raise UploadError(f"文件过大（超过 {max_bytes / MB:g} MB），单个文件不能超过 {max_bytes / MB:g} MB", "size")


# ---------------------------------------------------------------------------------------------- the quota


QUOTA_ACTIONS = ("upload", "upload.failed", "write.store")  # what counts against the quota


def uploaded_bytes(engine: Engine, user_id: int, since: dt.datetime) -> int:
    """Bytes the user sent to be read and stored since ``since`` — uploads and reports written in the
    browser and stored (from the audit log: each of these entries records its size)."""
    a = web_audit.c
    total = 0
    with engine.connect() as conn:
        for detail in conn.execute(select(a.detail).where(
                a.user_id == user_id, a.action.in_(QUOTA_ACTIONS), a.at >= since)).scalars():
            try:
                size = json.loads(detail or "{}").get("size")
            except ValueError:
                continue
            total += size if isinstance(size, int) else 0
    return total


def check_quota(engine: Engine, user_id: int, size: int, quota: int, now: dt.datetime) -> None:
    """UploadError when this file would take the user past the day's quota (``quota`` 0: none)."""
    if quota <= 0:
        return
    used = uploaded_bytes(engine, user_id, now - QUOTA_WINDOW)
    if used + size > quota:
        raise UploadError(f"超过今日上传限额：24 小时内最多上传 {quota / MB:g} MB，已上传 {used / MB:.1f} MB。"
                          "请明天再传，或请管理员处理。", "quota")


# ---------------------------------------------------------------------------------------------- results


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
    size: int = 0
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
                "agency": self.agency, "year": self.year, "size": self.size}


# ---------------------------------------------------------------------------------------------- storing


def store_upload(store_url: str, name: str, data: bytes, guard: WriteGuard,
                 sandbox: Sandbox | None = None) -> dict[str, Any]:
    """Read, check and store one uploaded file under ``guard`` (read in ``sandbox``'s workers; the
    process's default sandbox when None)."""
    sha = hashlib.sha256(data).hexdigest()
    try:
        with Store.open(store_url) as store:
            return _stored(store, name, data, sha, guard, sandbox).to_json()
    except StoreError as exc:  # the database cannot be written (disk full…): nothing was stored
        return UploadResult(name, sha, "failed", reason="store", message=exc.zh, size=len(data)).to_json()


def _stored(store, name: str, data: bytes, sha: str, guard: WriteGuard, sandbox: Sandbox | None) -> UploadResult:
    o = store.ingest_bytes(name, data, guard=guard, sandbox=sandbox)
    if o.status in ("new", "replaced", "unchanged", "duplicate"):
        # (ingest_bytes names a report only when the guard's principal may see it)
        row = store.report_row(o.report_id) if o.report_id is not None else None
        status = o.status if o.status in ("new", "replaced") else "existing"
        if row is None:  # already stored, for an agency the user may not see: nothing about it is told
            return UploadResult(name, sha, status, message=o.message or "此文件的内容已在库中，未重复入库。",
                                size=len(data))
        return UploadResult(name, sha, status, row.id, agency=row.agency, year=row.year, size=len(data))
    # a file read without a fault that is no annual report was not taken (未接收), not one that failed to read
    status = "refused" if o.status == "refused" or o.reason == NOT_A_REPORT else "failed"
    return UploadResult(name, sha, status, reason=o.reason or "error", message=o.message or "无法读取该文件",
                        size=len(data))


class Ingester:
    """Stores uploads with :func:`store_upload`, at most ``workers`` at a time, each file read in the
    sandbox's worker processes (gongkai.pipeline): ``workers`` of its own, started in a clean process
    (nothing of the server's threads or connections copied), or with ``workers=0`` the process's shared
    sandbox (for tests and tools). A file that overruns its time limit or exhausts its worker's memory
    ends as an upload that could not be read; the server goes on."""

    def __init__(self, store_url: str, workers: int = 1) -> None:
        self.store_url = store_url
        self.workers = workers
        self.sandbox = Sandbox(workers, start="forkserver", initializer=warm_up) if workers > 0 else None
        self._slots = BoundedSemaphore(max(workers, 1))

    def run(self, name: str, data: bytes, guard: WriteGuard) -> UploadResult:
        try:
            with self._slots:
                result = store_upload(self.store_url, name, data, guard, self.sandbox or default_sandbox())
        except Exception as exc:  # noqa: BLE001  a failure of ours must not become a server error
            log.warning("upload failed on %s: %s", name, exc)
            return UploadResult(name, None, "failed", reason="error",
                                message=f"处理该文件时出错（{type(exc).__name__}），请稍后重试", size=len(data))
        result.pop("status_zh", None)
        return UploadResult(**result)

    def close(self) -> None:
        if self.sandbox is not None:
            self.sandbox.close()
