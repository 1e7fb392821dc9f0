"""Readers: one module per input format, each turning bytes into a :class:`Document`.

Every reader has the same signature, ``read(data, source, limits) -> Document``, and raises
:class:`~gongkai.errors.ReadError` with a clear reason when the bytes cannot be read.
The reader is chosen by the content of the file, not by its name.
"""

from __future__ import annotations

import hashlib
import importlib
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from ..document import Document, Source
from ..errors import GongkaiError, LimitExceeded, ReadError
from ..limits import DEFAULT_LIMITS, Limits

# format name -> module under gongkai.readers that reads it
READER_MODULES = {
    "text": "text",
    "html": "html",
    "docx": "docx",
    "pdf": "pdf",
    "doc": "legacy",
    "wps": "legacy",
    "rtf": "legacy",
}

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_MARKERS = (b"<html", b"<!doctype html", b"<body", b"<table", b"<head", b"<meta", b"<div", b"<p>", b"<p ")


def sniff(data: bytes, name: str | None = None) -> str:
    """The format of ``data``, from its content; the name only breaks ties."""
    head = data[:4096]
    suffix = Path(name).suffix.lower() if name else ""
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "docx"  # the docx reader tells an archive that is not a Word document
    if head.startswith(_OLE2):
        return "wps" if suffix == ".wps" else "doc"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    probe = head.lower()
    for enc_probe in (probe, _utf16_probe(head)):
        if enc_probe and any(m in enc_probe for m in _HTML_MARKERS):
            return "html"
    return "text"


def _utf16_probe(head: bytes) -> bytes:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return head.decode("utf-16", "ignore").lower().encode("ascii", "ignore")
        except UnicodeError:
            return b""
    return b""


def make_source(data: bytes, path: str | None, fmt: str) -> Source:
    return Source(path=path, sha256=hashlib.sha256(data).hexdigest(), format=fmt)


def read_bytes(data: bytes, path: str | None = None, limits: Limits = DEFAULT_LIMITS,
               fmt: str | None = None) -> Document:
    """Read ``data`` (the bytes of one file) into a Document, or raise ReadError."""
    if len(data) > limits.max_file_bytes:
        raise LimitExceeded(
            f"文件过大（{len(data) // (1024 * 1024)} MB），超过 {limits.max_file_bytes // (1024 * 1024)} MB 的上限",
            f"file too large ({len(data)} bytes, limit {limits.max_file_bytes})",
        )
    if not data.strip():
        raise ReadError("文件是空的，没有任何内容", "the file is empty", reason="empty")
    fmt = fmt or sniff(data, path)
    module = importlib.import_module(f".{READER_MODULES[fmt]}", __name__)
    source = make_source(data, path, fmt)
    started = time.monotonic()
    try:
        with _deadline(limits.max_seconds):
            doc = module.read(data, source, limits)
    except _Timeout as exc:
        raise LimitExceeded(
            f"读取超时（超过 {limits.max_seconds:g} 秒）：文件过于复杂或已损坏", f"reading took longer than {limits.max_seconds:g} s"
        ) from exc
    except GongkaiError:
        raise
    except RecursionError as exc:
        raise LimitExceeded("文件结构嵌套过深，无法读取", "nesting too deep") from exc
    except MemoryError as exc:
        raise LimitExceeded("文件过大，读取时内存不足", "out of memory while reading") from exc
    except Exception as exc:  # a reader library failed on bytes it does not accept
        raise ReadError(
            f"文件已损坏或格式无法识别（{_FORMAT_NAMES.get(fmt, fmt)}）",
            f"corrupt or unrecognised {fmt} file: {type(exc).__name__}: {exc}",
            reason="corrupt",
        ) from exc
    if time.monotonic() - started > limits.max_seconds:
        raise LimitExceeded("读取超时：文件过于复杂", f"reading took longer than {limits.max_seconds:g} s")
    return doc


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so that readers' own ``except Exception`` let it pass."""


@contextmanager
def _deadline(seconds: float):
    """Interrupt the block after ``seconds`` (main thread on POSIX; elsewhere checked afterwards)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds <= 0:
        yield
        return

    def _alarm(signum, frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read_path(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise ReadError(f"找不到或无法打开文件：{p}", f"cannot open {p}: {exc.strerror}", reason="missing") from exc
    if p.is_dir():
        raise ReadError(f"这是一个文件夹，不是文件：{p}", f"{p} is a directory", reason="directory")
    if size > limits.max_file_bytes:
        raise LimitExceeded(
            f"文件过大（{size // (1024 * 1024)} MB），超过 {limits.max_file_bytes // (1024 * 1024)} MB 的上限",
            f"file too large ({size} bytes, limit {limits.max_file_bytes})",
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ReadError(f"无法读取文件：{p}", f"cannot read {p}: {exc.strerror}", reason="missing") from exc
    return read_bytes(data, str(p), limits)


_FORMAT_NAMES = {
    "text": "纯文本",
    "html": "网页",
    "docx": "Word 文档",
    "doc": "Word 97-2003 文档",
    "wps": "WPS 文档",
    "rtf": "RTF 文档",
    "pdf": "PDF",
}
