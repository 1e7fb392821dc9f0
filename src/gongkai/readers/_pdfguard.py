"""Bounds on what a PDF may make pdfminer do: decompressed stream bytes and objects per page.

pdfminer decompresses a stream in one call with no bound on the output: a few MB of Flate data
(or Flate applied twice) can hold gigabytes, and run-length and LZW data expand too. While
:func:`budget` is active (the PDF reader holds it for one file), every stream pdfminer decodes
draws on a budget of ``limits.max_decompressed_bytes`` for the whole file, decoded piece by piece
so that no more than the budget is ever held. Outside it, streams are decoded as before, bounded
by the default limit.

:class:`GuardedAggregator` counts the characters, paths and images a page's content draws and
stops the page at ``limits.max_page_objects`` (a literal string of ten million characters would
otherwise become ten million layout objects).

Object references are followed at most 64 deep: pdfminer follows them without end, so an object
that refers to itself would hang the reader. An array or dictionary may hold at most 100,000 items,
the ranges of character maps and CID width tables expand to at most a million entries per file,
and at most 1,000 graphics states are saved (``q``) at a time.
"""

from __future__ import annotations

import sys
import threading
import zlib
from contextlib import contextmanager
from io import BytesIO

import pdfminer.pdffont as _pdffont
import pdfminer.pdftypes as _pdftypes
from pdfminer.cmapdb import CMapParser
from pdfminer.converter import PDFPageAggregator
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import PDFObjRef
from pdfminer.psexceptions import PSSyntaxError
from pdfminer.psparser import PSStackParser
from pdfminer.utils import nunpack

from ..errors import LimitExceeded
from ..limits import DEFAULT_LIMITS, Limits

_state = threading.local()
_cmap_do_keyword = CMapParser.do_keyword
_original_q, _original_Q = PDFPageInterpreter.do_q, PDFPageInterpreter.do_Q
_PIECE = 1 << 16


def _remaining() -> int:
    left = getattr(_state, "left", None)
    return DEFAULT_LIMITS.max_decompressed_bytes if left is None else left


def _spend(n: int) -> None:
    if getattr(_state, "left", None) is not None:
        _state.left -= n


def _too_large() -> LimitExceeded:
    limit = getattr(_state, "limit", DEFAULT_LIMITS.max_decompressed_bytes)
    return LimitExceeded(
        f"PDF 中的压缩数据解压后过大（超过 {limit // (1024 * 1024)} MB 的上限），疑似“压缩炸弹”，为安全起见拒绝读取",
        f"the PDF's streams decompress to more than {limit} bytes",
    )


@contextmanager
def budget(limits: Limits):
    """Bound the bytes pdfminer decodes in this thread while the block runs."""
    outer = getattr(_state, "left", None), getattr(_state, "limit", None), getattr(_state, "cmap_left", None)
    _state.left, _state.limit = limits.max_decompressed_bytes, limits.max_decompressed_bytes
    _state.cmap_left = _MAX_CMAP_ENTRIES
    try:
        yield
    finally:
        _state.left, _state.limit, _state.cmap_left = outer


def _inflate(data: bytes, wbits: int = zlib.MAX_WBITS) -> bytes:
    """zlib.decompress (raising zlib.error on damaged or incomplete data), but fed and drained in
    pieces so that no more than the budget left is ever produced."""
    cap = _remaining()
    d = zlib.decompressobj(wbits)
    out: list[bytes] = []
    size = 0
    for pos in range(0, len(data), _PIECE):
        buf = data[pos:pos + _PIECE]
        while True:
            piece = d.decompress(buf, _PIECE)
            size += len(piece)
            if size > cap:
                raise _too_large()
            out.append(piece)
            if d.eof:
                break
            buf = d.unconsumed_tail
            if not buf and len(piece) < _PIECE:
                break  # this input is used up; more output needs more input
        if d.eof:
            break
    if not d.eof:
        raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
    _spend(size)
    return b"".join(out)


def _inflate_corrupted(data: bytes) -> bytes:
    """pdfminer's recovery for damaged Flate data (keep what decodes before the damage; an error
    before the last 3 bytes, the checksum, is raised), bounded and without its byte-at-a-time
    loop except where the damage is."""
    cap = _remaining()
    d = zlib.decompressobj()
    out: list[bytes] = []
    size = 0
    step = 4096  # at most ~4 MB of output per step (Deflate expands at most 1032 times)
    for pos in range(0, len(data), step):
        chunk = data[pos:pos + step]
        saved = d.copy()
        try:
            pieces = [d.decompress(chunk)]
        except zlib.error:
            d, pieces = saved, []
            for i in range(len(chunk)):
                try:
                    pieces.append(d.decompress(chunk[i:i + 1]))
                except zlib.error:
                    if pos + i < len(data) - 3:
                        raise
                    out.extend(pieces)
                    _spend(size + sum(map(len, pieces)))
                    return b"".join(out)
        size += sum(map(len, pieces))
        if size > cap:
            raise _too_large()
        out.extend(pieces)
        if d.eof:
            break
    _spend(size)
    return b"".join(out)


def _lzw(data: bytes) -> bytes:
    cap = _remaining()
    out: list[bytes] = []
    size = 0
    for piece in LZWDecoder(BytesIO(data)).run():
        size += len(piece)
        if size > cap:
            raise _too_large()
        out.append(piece)
    _spend(size)
    return b"".join(out)


def _run_length(data: bytes) -> bytes:
    """RunLengthDecode (PDF reference 3.3.4), bounded; damaged data ends the output."""
    cap = _remaining()
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        length = data[i]
        if length == 128:
            break
        if length < 128:
            out += data[i + 1:i + 2 + length]
            i += 2 + length
        else:
            if i + 1 >= n:
                break
            out += data[i + 1:i + 2] * (257 - length)
            i += 2
        if len(out) > cap:
            raise _too_large()
    _spend(len(out))
    return bytes(out)


class _BoundedZlib:
    """What pdfminer.pdftypes sees as ``zlib``."""

    error = zlib.error
    MAX_WBITS = zlib.MAX_WBITS

    @staticmethod
    def decompress(data: bytes, wbits: int = zlib.MAX_WBITS, bufsize: int = 0) -> bytes:
        return _inflate(data, wbits)

    @staticmethod
    def decompressobj(*args, **kwargs):
        return zlib.decompressobj(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(zlib, name)


_MAX_REFERENCES = 64  # a reference to a reference to ... (real files: one or two)


def _follow(x: object, default: object = None) -> object:
    """pdfminer's ``while isinstance(x, PDFObjRef): x = x.resolve()``, which never ends on an object
    that refers to itself (``5 0 obj 5 0 R endobj``) or on a loop of references."""
    for _ in range(_MAX_REFERENCES):
        if not isinstance(x, PDFObjRef):
            return x
        x = x.resolve(default=default)
    if isinstance(x, PDFObjRef):
        raise PSSyntaxError(f"a loop of object references (object {x.objid})")
    return x


def _resolve1(x: object, default: object = None) -> object:
    return _follow(x, default)


def _resolve_all(x: object, default: object = None) -> object:
    x = _follow(x, default)
    if isinstance(x, list):
        x = [_resolve_all(v, default=default) for v in x]
    elif isinstance(x, dict):
        for k, v in x.items():
            x[k] = _resolve_all(v, default=default)
    return x


_MAX_ITEMS = 100_000  # items of one array or dictionary being parsed (real files: a few thousand)


def _push(self, *objs) -> None:
    """PSStackParser.push, refusing an array or dictionary of more than ``_MAX_ITEMS`` items (a page
    tree whose /Kids holds millions of references took gigabytes while being parsed)."""
    stack = self.curstack
    stack.extend(objs)
    if len(stack) > _MAX_ITEMS:
        raise LimitExceeded(f"PDF 结构异常：一个数组或字典超过 {_MAX_ITEMS} 项，无法读取",
                            f"an array or dictionary of the PDF has more than {_MAX_ITEMS} items")


# Character maps (a font's ToUnicode, an embedded CMap) list ranges that pdfminer expands entry by
# entry into a dictionary: one range <00000000> <FFFFFFFF> is four billion entries (gigabytes within
# seconds). Real maps hold at most a few tens of thousands; each file may expand this many in all.
_MAX_CMAP_ENTRIES = 1_000_000


def _range_entries(objs: list, cid_range: bool) -> int:
    """The entries pdfminer will make of these ``start end destination`` triples, counted as it
    counts them: a bfrange spans its whole codes, a cidrange the last four bytes of codes whose
    beginnings agree (other cidranges it skips)."""
    n = 0
    for i in range(0, len(objs) - 2, 3):
        start, end, dest = objs[i:i + 3]
        if not (isinstance(start, bytes) and isinstance(end, bytes) and len(start) == len(end)):
            continue
        if cid_range:
            if start[:-4] != end[:-4]:
                continue
            start, end = start[-4:], end[-4:]
        span = max(0, nunpack(end) - nunpack(start) + 1)
        n += min(span, len(dest)) if isinstance(dest, list) else span
    return n


def _spend_entries(entries: int) -> None:
    left = getattr(_state, "cmap_left", None)
    if entries > (_MAX_CMAP_ENTRIES if left is None else left):  # (outside budget(): each map on its own)
        raise LimitExceeded(f"PDF 中的字符映射表过大（超过 {_MAX_CMAP_ENTRIES} 项），疑似恶意构造，为安全起见拒绝读取",
                            f"the PDF's character maps and width tables expand to more than "
                            f"{_MAX_CMAP_ENTRIES} entries")
    if left is not None:
        _state.cmap_left = left - entries


def _cmap_keyword(self, pos, token) -> None:
    if token is self.KEYWORD_ENDBFRANGE or token is self.KEYWORD_ENDCIDRANGE:
        _spend_entries(_range_entries([obj for _, obj in self.curstack], token is self.KEYWORD_ENDCIDRANGE))
    return _cmap_do_keyword(self, pos, token)


def _bounded_widths(original, group: int):
    """pdfminer's width tables of CID fonts (/W, /W2) expand ``first last width`` entry by entry:
    count the entries first, against the same budget as the character maps."""

    def widths(seq):
        seq = list(seq)
        entries, run = 0, []
        for v in seq:
            v = _resolve1(v)
            if isinstance(v, list):
                entries += len(v)
                run = []
            elif isinstance(v, (int, float)):
                run.append(v)
                if len(run) == group:
                    if isinstance(run[0], int) and isinstance(run[1], int):
                        entries += max(0, run[1] - run[0] + 1)
                    run = []
        _spend_entries(entries)
        return original(seq)

    return widths


# Graphics states saved with ``q`` and not yet restored: pdfminer copies the whole state for each, so
# a stream of millions of ``q`` (two bytes each, compressing to almost nothing) takes gigabytes.
# Deeper saves are counted, not copied, as viewers do (real pages nest a few dozen deep).
_MAX_SAVED_STATES = 1000


def _do_q(self) -> None:
    if len(self.gstack) >= _MAX_SAVED_STATES:
        self._gongkai_unsaved = getattr(self, "_gongkai_unsaved", 0) + 1
        return
    _original_q(self)


def _do_Q(self) -> None:  # noqa: N802  (pdfminer's name for the operator)
    if getattr(self, "_gongkai_unsaved", 0):
        self._gongkai_unsaved -= 1
        return
    _original_Q(self)


def install() -> None:
    """Route pdfminer's stream decoding through the bounded decoders above, and its reference
    resolution through :func:`_follow` (idempotent)."""
    if getattr(_pdftypes, "_gongkai_guarded", False):
        return
    _pdftypes.zlib = _BoundedZlib()
    _pdftypes.decompress_corrupted = _inflate_corrupted
    _pdftypes.lzwdecode = _lzw
    _pdftypes.rldecode = _run_length
    original = (_pdftypes.resolve1, _pdftypes.resolve_all)
    for module in list(sys.modules.values()):  # modules that imported the names themselves
        if getattr(module, "__name__", "").startswith(("pdfminer", "pdfplumber")):
            if getattr(module, "resolve1", None) is original[0]:
                module.resolve1 = _resolve1
            if getattr(module, "resolve_all", None) is original[1]:
                module.resolve_all = _resolve_all
    PSStackParser.push = _push
    CMapParser.do_keyword = _cmap_keyword
    PDFPageInterpreter.do_q, PDFPageInterpreter.do_Q = _do_q, _do_Q
    _pdffont.get_widths = _bounded_widths(_pdffont.get_widths, 3)
    _pdffont.get_widths2 = _bounded_widths(_pdffont.get_widths2, 5)
    _pdftypes._gongkai_guarded = True


_STREAM_WEIGHT = 20


class GuardedAggregator(PDFPageAggregator):
    """pdfminer's page aggregator that refuses a page drawing more than ``max_page_objects``, or
    running more than ``max_page_bytes`` of content streams (forms included, each time drawn)."""

    def __init__(self, *args, limit: int, content_limit: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.limit = limit
        self.objects = 0
        self.content_limit = content_limit
        self.content_bytes = 0

    def count_content(self, size: int) -> None:
        """Count content-stream bytes run for this page (a form drawn again is counted again); each
        stream run also counts as ``_STREAM_WEIGHT`` objects, as running one costs about as much (a
        few KB of forms drawing each other ten times over would otherwise run for hours)."""
        self._one_more(_STREAM_WEIGHT)
        self.content_bytes += size
        if self.content_bytes > self.content_limit:
            raise LimitExceeded(
                f"PDF 页面内容过多（一页的绘制指令超过 {self.content_limit // (1024 * 1024)} MB），无法读取",
                f"a page's content streams exceed {self.content_limit} bytes",
            )

    def _one_more(self, weight: int = 1) -> None:
        self.objects += weight
        if self.objects > self.limit:
            raise LimitExceeded(
                f"PDF 页面内容过多（一页超过 {self.limit} 个文字或图形对象），无法读取",
                f"a page draws more than {self.limit} characters, paths and images",
            )

    def render_char(self, *args, **kwargs):
        self._one_more()
        return super().render_char(*args, **kwargs)

    def paint_path(self, *args, **kwargs):
        self._one_more()
        return super().paint_path(*args, **kwargs)

    def render_image(self, *args, **kwargs):
        self._one_more()
        return super().render_image(*args, **kwargs)
