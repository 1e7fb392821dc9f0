"""Readers: one module per input format, each turning bytes into a :class:`Document`.

Every reader has the same signature, ``read(data, source, limits) -> Document``, and raises
:class:`~gongkai.errors.ReadError` with a clear reason when the bytes cannot be read.
The reader is chosen by the content of the file, not by its name.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, BinaryIO, Literal

from ..document import Document, Source
from ..errors import GongkaiError, LimitExceeded, ReadError
from ..formats import files
from ..limits import DEFAULT_LIMITS, Limits
from .encoding import utf16_without_bom

# format name -> module under gongkai.readers that reads it (formats/files.py)
READER_MODULES = files.READER_MODULES
_FORMAT_NAMES = {f.key: f.noun for f in files.REPORT_FORMATS}

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_MARKERS = (b"<html", b"<!doctype html", b"<body", b"<table", b"<head", b"<meta", b"<div", b"<p>", b"<p ")
_HTML_RX = re.compile(b"|".join(re.escape(m) for m in _HTML_MARKERS), re.IGNORECASE)  # one pass, any case
_MIME_RX = re.compile(rb"\s*(?:[\w-]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*){0,30}?MIME-Version:", re.IGNORECASE)
_MULTIPART_RX = re.compile(rb"Content-Type:\s*multipart/", re.IGNORECASE)
_WORDML_RX = re.compile(rb'<\?mso-application\s+progid="Word\.Document"|<w:wordDocument\b')


def sniff(data: bytes, name: str | None = None) -> str:
    """The format of ``data``, from its content; the name only breaks ties."""
    head = data[:4096]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        if head[30:38] == b"mimetype" and head[38:80].startswith(b"application/vnd.oasis.opendocument.text"):
            return "odt"  # OpenDocument puts its type first, stored, right after the first member header
        return "docx"  # the docx reader tells an archive that is not a Word document
    if head.startswith(_OLE2):
        return "wps" if name and Path(name).suffix.lower() == ".wps" else "doc"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if _MIME_RX.match(head) and _MULTIPART_RX.search(head):
        return "mht"  # a web page saved as one file (Word's "single file web page", often named .doc)
    if _WORDML_RX.search(head[:1024]):
        return "wordml"
    markers = {m.lower() for m in _HTML_RX.findall(head)}
    if (markers == {b"<table"} and not head.lstrip().startswith(b"<")
            and not (name and Path(name).suffix.lower() in (".htm", ".html", ".xhtml"))):
        # text that has an HTML table in it and nothing else of a web page: what PDF-to-Markdown converters
        # write; the text reader reads such tables and keeps the text around them
        return "text"
    if markers:
        return "html"
    utf16 = _utf16_probe(head)
    if utf16 and _HTML_RX.search(utf16):
        return "html"
    return "text"


def _utf16_probe(head: bytes) -> bytes:
    encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else utf16_without_bom(head)
    if encoding is None:
        return b""
    try:
        return head.decode(encoding, "ignore").lower().encode("ascii", "ignore")
    except UnicodeError:
        return b""


def make_source(data: bytes, path: str | None, fmt: str) -> Source:
    return Source(path=path, sha256=hashlib.sha256(data).hexdigest(), format=fmt)


def read_bytes(data: bytes, path: str | None = None, limits: Limits = DEFAULT_LIMITS,
               fmt: str | None = None) -> Document:
    """Read ``data`` (the bytes of one file) into a Document, or raise ReadError."""
    if len(data) > limits.max_file_bytes:
        raise too_large(len(data), limits)
    if not data.strip():
        raise ReadError("文件是空的，没有任何内容", "the file is empty", reason="empty")
    fmt = fmt or sniff(data, path)
    module = importlib.import_module(f".{READER_MODULES[fmt]}", __name__)
    source = make_source(data, path, fmt)
    limit = time_limit(limits.max_seconds)
    try:
        with limit:
            doc = module.read(data, source, limits)
    except GongkaiError:
        raise
    except RecursionError as exc:
        raise LimitExceeded("文件结构嵌套过深，无法读取", "nesting too deep") from exc
    except MemoryError as exc:
        # let go of what the reader built (its frames, held by the traceback) before the reason is made: at
        # the address-space limit every allocation may otherwise crawl through malloc's failing fallbacks
        exc.__traceback__ = None
        raise LimitExceeded("文件过大，读取时内存不足", "out of memory while reading") from exc
    except Exception as exc:  # a reader library failed on bytes it does not accept
        raise ReadError(
            f"文件已损坏或格式无法识别（{_FORMAT_NAMES.get(fmt, fmt)}）",
            f"corrupt or unrecognised {fmt} file: {type(exc).__name__}: {exc}",
            reason="corrupt",
        ) from exc
    if limit.over():
        raise timed_out(limits.max_seconds, limit.extra)
    return doc


def too_large(size: int, limits: Limits) -> LimitExceeded:
    return LimitExceeded(
        f"文件过大（{_mb(size)}），超过 {_mb(limits.max_file_bytes)} 的上限",
        f"file too large ({size} bytes, limit {limits.max_file_bytes}; see --max-size or GONGKAI_MAX_SIZE)",
    )


def _mb(n: int) -> str:
    if n >= 10 * 2**20:
        return f"{n // 2**20} MB"
    if n >= 2**20:
        return f"{n / 2**20:.1f} MB"
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} 字节"


def timed_out(seconds: float, ocr: float = 0.0) -> LimitExceeded:
    """The file took longer than ``seconds`` (and ``ocr`` seconds of OCR, which its own limit bounds)."""
    if ocr >= 0.05:
        return LimitExceeded(
            f"处理超时（超过 {seconds:g} 秒，文字识别另用 {ocr:.0f} 秒）：文件过于复杂或已损坏",
            f"took longer than {seconds:g} s per file besides {ocr:.0f} s of OCR; see --timeout or GONGKAI_TIMEOUT",
        )
    return LimitExceeded(
        f"处理超时（超过 {seconds:g} 秒）：文件过于复杂或已损坏",
        f"took longer than {seconds:g} s per file; see --timeout or GONGKAI_TIMEOUT",
    )


# ---------------------------------------------------------------------------------------------
# the time limit

USE_ALARM = True
"""Interrupt work that overruns its time limit with SIGALRM (POSIX, main thread). A host that
uses SIGALRM itself (libFuzzer does) turns this off; the limit is then checked after each step."""


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so that readers' own ``except Exception`` let it pass."""


_deadlines: list[time_limit] = []  # the limits whose alarm is set, outermost first (main thread only)
_local = threading.local()  # .open: every limit entered in this thread, outermost first


def _open_limits() -> list[time_limit]:
    opened = getattr(_local, "open", None)
    if opened is None:
        opened = _local.open = []
    return opened


class time_limit:
    """``with time_limit(seconds):`` raises LimitExceeded when the block takes longer than ``seconds``.

    Time limits nest: an inner one never extends an outer one (reading a file, then extracting
    and checking it, share one per-file limit). Where no alarm can be used (another thread,
    Windows, ``USE_ALARM`` off) the block runs to its end and callers check the clock after it
    (:meth:`over`).

    Work with a time limit of its own — OCR of scanned pages, bounded by ``max_ocr_seconds`` — runs
    :func:`off_the_clock`: every limit open around it moves on by the time that work took
    (``extra``), so that a file's limit is ``seconds`` plus the OCR time it used.

    The alarm handler is installed when the outermost limit starts. If SIGALRM had its default
    action (ending the process) it stays installed afterwards, doing nothing while no limit runs
    (a stray alarm then cannot end the process, and the next file saves two system calls);
    another handler is put back."""

    __slots__ = ("armed", "entered", "extra", "previous", "seconds", "started")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False
        self.entered = False
        self.started = 0.0
        self.extra = 0.0  # seconds of work off the clock (OCR) inside the block
        self.previous: Callable[[int, FrameType | None], Any] | int | None = None

    @property
    def end(self) -> float:
        return self.started + self.seconds + self.extra

    def over(self) -> bool:
        """The block has taken longer than its limit (the clock, for where no alarm could be used)."""
        return time.monotonic() > self.end

    def __enter__(self) -> time_limit:
        seconds = self.seconds
        self.started = time.monotonic()
        self.extra = 0.0
        if not 0 < seconds < float("inf"):
            return self
        _open_limits().append(self)
        self.entered = True
        if not USE_ALARM or not _HAS_TIMER or threading.current_thread() is not threading.main_thread():
            return self
        if _deadlines:
            if _deadlines[-1].end <= self.end:
                return self  # the enclosing limit ends first and its alarm is already set
        else:
            current = signal.getsignal(signal.SIGALRM)
            if current is not _alarm:
                self.previous = current
                signal.signal(signal.SIGALRM, _alarm)
        _deadlines.append(self)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        self.armed = True
        return self

    def __exit__(self, kind, value, tb) -> Literal[False]:
        if self.entered:
            self.entered = False
            opened = _open_limits()
            if opened and opened[-1] is self:
                opened.pop()
        if not self.armed:
            return False
        signal.setitimer(signal.ITIMER_REAL, 0)
        self.armed = False
        _deadlines.pop()
        if _deadlines:  # the enclosing limit's alarm, for the time it has left
            signal.setitimer(signal.ITIMER_REAL, max(_deadlines[-1].end - time.monotonic(), 0.001))
        else:
            previous = self.previous
            if previous is not None and previous is not signal.SIG_DFL:
                signal.signal(signal.SIGALRM, previous)
        if kind is _Timeout:
            raise timed_out(self.seconds, self.extra) from value
        return False


_HAS_TIMER = hasattr(signal, "setitimer")
_EXIT_CODE = time_limit.__exit__.__code__


def _alarm(signum, frame):
    # Only while a limited block runs, and only once its time is really up (an alarm may arrive
    # late, after the block ended, or early, before work off the clock moved the limit on).
    if not _deadlines:
        return
    left = _deadlines[-1].end - time.monotonic()
    if left > 0.005:
        signal.setitimer(signal.ITIMER_REAL, left)  # early: wait for the rest
        return
    # Fire again soon: an exception raised while a garbage-collector callback or a __del__ method
    # runs is printed and dropped, and the block would then run on without a limit.
    signal.setitimer(signal.ITIMER_REAL, 0.05)
    if frame is not None and frame.f_code is _EXIT_CODE:
        return  # the limit is being left: it disarms the alarm itself
    raise _Timeout()


OCR_MARGIN = 5.0
"""Seconds OCR may overrun ``max_ocr_seconds``: its time is checked between steps (a cell, a line of
text: about a second each), and a page is rendered before the first check."""


@contextmanager
def off_the_clock(allowance: float) -> Iterator[None]:
    """Work that has a time limit of its own (OCR, within ``max_ocr_seconds``) and is not counted
    against the file's: every time limit open around it moves on by the time it takes. While it
    runs they are moved on by ``allowance`` (and :data:`OCR_MARGIN`), so that the alarm still ends
    it should it overrun its own limit; afterwards by the time it actually took."""
    opened = list(_open_limits())
    ahead = allowance + OCR_MARGIN
    for limit in opened:
        limit.extra += ahead
    _rearm()
    started = time.monotonic()
    try:
        yield
    finally:
        spent = time.monotonic() - started
        for limit in opened:
            limit.extra += spent - ahead
        _rearm()


def _rearm() -> None:
    """The alarm set for the innermost armed limit's end, as it is now."""
    if _deadlines and threading.current_thread() is threading.main_thread():
        signal.setitimer(signal.ITIMER_REAL, max(_deadlines[-1].end - time.monotonic(), 0.001))


def may_need_ocr(data: bytes, name: str | None = None) -> bool:
    """Whether a file may hold something to read by OCR, from a glance at its bytes (nothing is
    parsed): a PDF with an image (``/Subtype /Image``: an image's dictionary is never compressed), a
    .docx with pictures (``word/media/``), a web page with ``<img>``, a web archive with an image
    part, a .doc/.wps/.rtf/.odt (converted first, their pictures not seen beforehand). Plain text
    never does. (A PDF whose text is in fonts without a Unicode mapping is OCR'd too, but within the
    file's own time.)"""
    fmt = sniff(data, name)
    if fmt == "text":
        return False
    if fmt == "pdf":
        return _PDF_IMAGE_RX.search(data) is not None
    if fmt == "docx":
        return b"word/media/" in data
    if fmt == "html":
        return _IMG_RX.search(data) is not None
    if fmt == "mht":
        return _IMAGE_PART_RX.search(data) is not None
    return True


_PDF_IMAGE_RX = re.compile(rb"/Subtype\s*/Image\b")
_IMG_RX = re.compile(rb"<img\b", re.IGNORECASE)
_IMAGE_PART_RX = re.compile(rb"Content-Type:\s*image/", re.IGNORECASE)


def file_seconds(data: bytes, limits: Limits, name: str | None = None) -> float:
    """The most wall time a file may take, for whoever must stop a worker that overruns it:
    ``max_seconds``, and for a file that may need OCR (:func:`may_need_ocr`) ``max_ocr_seconds``
    and :data:`OCR_MARGIN` on top. Inside the worker the file's limit is ``max_seconds`` plus the OCR
    time actually used (:func:`off_the_clock`)."""
    if may_need_ocr(data, name):
        return limits.max_seconds + limits.max_ocr_seconds + OCR_MARGIN
    return limits.max_seconds


def cpu_seconds(data: bytes, limits: Limits, name: str | None = None) -> float:
    """The most CPU time a file may take (for ``RLIMIT_CPU``): as :func:`file_seconds`, OCR's share
    counted once for each of its threads (``ocr_threads``)."""
    if may_need_ocr(data, name):
        return limits.max_seconds + (limits.max_ocr_seconds + OCR_MARGIN) * max(1, limits.ocr_threads)
    return limits.max_seconds


# ---------------------------------------------------------------------------------------------
# files


def read_path(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read one file. Its size is looked at before a byte of it is read, and no more than the size
    limit is ever read (a file may grow, or be a device that never ends)."""
    return read_bytes(read_file_bytes(path, limits), str(path), limits)


def read_file_bytes(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        raise ReadError(f"找不到或无法打开文件：{p}", f"cannot open {p}: {exc.strerror}", reason="missing") from exc
    if stat.S_ISDIR(st.st_mode):
        raise ReadError(f"这是一个文件夹，不是文件：{p}", f"{p} is a directory", reason="directory")
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISFIFO(st.st_mode)):
        raise ReadError(f"这不是普通文件（是设备或套接字），无法读取：{p}", f"{p} is not a regular file",
                        reason="not-a-file")
    if st.st_size > limits.max_file_bytes:
        raise too_large(st.st_size, limits)
    try:
        with open(p, "rb") as fh:
            return read_limited(fh, limits)
    except OSError as exc:
        raise ReadError(f"无法读取文件：{p}", f"cannot read {p}: {exc.strerror}", reason="missing") from exc


def read_limited(stream: BinaryIO, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Everything ``stream`` holds, or LimitExceeded as soon as it holds more than the size limit."""
    data = stream.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:
        raise LimitExceeded(
            f"文件过大，超过 {_mb(limits.max_file_bytes)} 的上限",
            f"file too large (more than {limits.max_file_bytes} bytes; see --max-size or GONGKAI_MAX_SIZE)",
        )
    return data
