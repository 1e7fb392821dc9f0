"""Checks gongkai makes on a PDF's own objects before pdfminer does the heavy work on them.

pdfminer has no bound on what a file may make it do: it decompresses a stream in one call however
large the output (a few MB of Flate data can hold gigabytes), follows a reference to a reference
without end (``5 0 obj 5 0 R endobj`` hangs it), and expands the ranges of a character map and of a
CID font's width table entry by entry (one range of four billion codes: tens of gigabytes). Nothing
of pdfminer is changed here; instead :class:`FileChecks` looks at the objects first, through
pdfminer's public objects (``PDFDocument``, ``PDFPage``, ``PDFStream``), and refuses the file
before pdfminer touches what is too big:

* the page tree (before pdfminer builds a page object for each page): every reference followed at
  most :data:`MAX_REFERENCES` deep, at most ``limits.max_pdf_pages`` pages listed;
* every object stream, every page's content streams, and the forms, character maps and font
  files its resources name (before pdfminer decodes them): decoded piece by piece, counting,
  against ``limits.max_decompressed_bytes`` for the whole file;
* character-map ranges and CID width ranges: counted against :data:`MAX_CMAP_ENTRIES` per file;
* a damaged Flate stream that would decode to more than :data:`MAX_DAMAGED_BYTES` is refused (pdfminer
  recovers such data in time that grows with the square of its size).

Where a file can still make pdfminer use too much (a page tree of millions of references is parsed
before anything can look at it; a cross-reference stream is decoded while the file is opened), the
worker's operating-system limits end it.
"""

from __future__ import annotations

import re
import zlib
from io import BytesIO
from itertools import islice

from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import (
    LITERALS_ASCII85_DECODE,
    LITERALS_ASCIIHEX_DECODE,
    LITERALS_FLATE_DECODE,
    LITERALS_LZW_DECODE,
    LITERALS_RUNLENGTH_DECODE,
    PDFObjRef,
    PDFStream,
)
from pdfminer.psparser import LIT

from ..errors import LimitExceeded, ReadError
from ..limits import Limits

MAX_REFERENCES = 64  # a reference to a reference to ... (real files: one or two)
# Character maps (a font's ToUnicode) and CID width tables list ranges that pdfminer expands entry
# by entry; real ones hold at most a few tens of thousands. Each file may expand this many in all.
MAX_CMAP_ENTRIES = 1_000_000
MAX_OBJECTS = 2_000_000  # objects a cross-reference table may list (real reports: < 50,000)
# pdfminer recovers damaged Flate data by feeding it a byte at a time and copying its output each time:
# minutes for ten MB. Real content streams are under 1 MB.
MAX_DAMAGED_BYTES = 4 << 20
_MAX_VISITS = 200_000  # objects looked at while checking one file's resources
_PIECE = 1 << 16

_NESTED = frozenset({PDFObjRef, PDFStream, dict, list})
_FORM = LIT("Form")
_IMAGE = LIT("Image")


def follow(x: object) -> object:
    """``x`` with references followed, at most :data:`MAX_REFERENCES` deep (pdfminer's ``resolve1``
    never ends on an object that refers to itself)."""
    for _ in range(MAX_REFERENCES):
        if not isinstance(x, PDFObjRef):
            return x
        x = x.resolve()
    if isinstance(x, PDFObjRef):
        raise ReadError("PDF 文件已损坏（对象引用形成循环），无法读取",
                        f"corrupt PDF: a loop of object references (object {x.objid})", reason="corrupt")
    return x


class FileChecks:
    """The checks for one file; budgets are shared by all its pages."""

    def __init__(self, doc: PDFDocument, limits: Limits) -> None:
        self.doc = doc
        self.limits = limits
        self.decoded_left = limits.max_decompressed_bytes
        self.entries_left = MAX_CMAP_ENTRIES
        self.decoded: set[int] = set()  # streams already counted (by object number)
        self.walked: set[int] = set()  # objects already looked through
        self.visits = 0

    # --- the file ---------------------------------------------------------------------------

    def structure(self) -> None:
        """Object streams and the page tree, before pdfminer reads either."""
        for objid in self._object_stream_ids():
            self._stream(self.doc.getobj(objid))
        self._page_tree()

    def _object_stream_ids(self) -> set[int]:
        ids: set[int] = set()
        for xref in self.doc.xrefs:
            objids = list(islice(xref.get_objids(), MAX_OBJECTS + 1))
            if len(objids) > MAX_OBJECTS:
                raise LimitExceeded(f"PDF 对象过多（超过 {MAX_OBJECTS} 个），无法读取",
                                    f"the PDF lists more than {MAX_OBJECTS} objects")
            for objid in objids:
                try:
                    strmid, _, _ = xref.get_pos(objid)
                except KeyError:
                    continue
                if strmid is not None:
                    ids.add(strmid)
        return ids

    def _page_tree(self) -> None:
        """Every node's attributes followed (pdfminer resolves them as it builds the pages), and the
        pages the tree lists counted, each time it lists them."""
        root = follow(self.doc.catalog.get("Pages"))
        if not isinstance(root, dict):
            return  # no page tree: pdfminer looks for page objects itself
        pages = 0
        seen: set[int] = set()
        stack: list[object] = [root]
        while stack:
            node = stack.pop()
            kids = None
            if isinstance(node, PDFObjRef) and node.objid in seen:
                pages += 1  # a page listed again is shown again
            else:
                if isinstance(node, PDFObjRef):
                    seen.add(node.objid)
                node = follow(node)
                if not isinstance(node, dict):
                    continue
                for key, ref in node.items():
                    if key == "Parent":
                        continue
                    value = follow(ref)
                    if key == "Kids":
                        kids = value
                if isinstance(kids, list):
                    stack.extend(reversed(kids))
                else:
                    pages += 1
            if pages > self.limits.max_pdf_pages:
                raise LimitExceeded(
                    f"PDF 页数过多（超过 {self.limits.max_pdf_pages} 页的上限）",
                    f"too many pages (more than {self.limits.max_pdf_pages})",
                )

    # --- one page ---------------------------------------------------------------------------

    def page(self, page: PDFPage) -> None:
        """What pdfminer decodes and expands to lay out ``page``: its content streams and the
        resources they may use (fonts, forms drawn in it, colour spaces)."""
        for stream in page.contents:
            self._stream(follow(stream))
        self._resources(page.resources, 0)

    def _resources(self, resources: object, depth: int) -> None:
        resources = follow(resources)
        if not isinstance(resources, dict) or depth > self.limits.max_nesting:
            return
        for key, ref in resources.items():
            value = follow(ref)
            if not isinstance(value, dict):
                continue
            for entry in value.values():
                if isinstance(entry, PDFObjRef):
                    if entry.objid in self.walked:
                        continue
                    self.walked.add(entry.objid)
                item = follow(entry)
                if key == "Font":
                    self._font(item)
                elif key == "XObject" and isinstance(item, PDFStream) and follow(item.get("Subtype")) is _FORM:
                    self._stream(item)
                    self._walk(item.attrs)
                    self._resources(item.get("Resources"), depth + 1)
                elif key == "ColorSpace":
                    self._walk(item)

    def _font(self, font: object) -> None:
        if not isinstance(font, dict):
            return
        self._walk(font)  # pdfminer resolves most of a font's entries
        cmap = follow(font.get("ToUnicode"))
        if isinstance(cmap, PDFStream):
            self._stream(cmap)
            self._spend_entries(cmap_entries(cmap.get_data()))
        descendants = follow(font.get("DescendantFonts"))
        for ref in [font] + (list(descendants) if isinstance(descendants, list) else []):
            cid_font = follow(ref)
            if not isinstance(cid_font, dict):
                continue
            self._spend_entries(width_entries(follow(cid_font.get("W")), 3)
                                + width_entries(follow(cid_font.get("W2")), 5))
            descriptor = follow(cid_font.get("FontDescriptor"))
            if isinstance(descriptor, dict):
                for key in ("FontFile", "FontFile2", "FontFile3"):
                    program = follow(descriptor.get(key))
                    if isinstance(program, PDFStream):
                        self._stream(program)

    def _walk(self, value: object) -> None:
        """Every reference reachable from ``value`` followed once, boundedly (pdfminer would hang on
        a loop of references anywhere it resolves one). Stream data is not read."""
        stack = [value]
        while stack and self.visits < _MAX_VISITS:
            x = stack.pop()
            if isinstance(x, PDFObjRef):
                if x.objid in self.walked:
                    continue
                self.walked.add(x.objid)
                x = follow(x)
            self.visits += 1
            if isinstance(x, PDFStream):
                x = x.attrs
            if isinstance(x, dict):
                stack.extend(v for k, v in x.items() if k != "Parent" and type(v) in _NESTED)
            elif isinstance(x, list):
                stack.extend(v for v in x if type(v) in _NESTED)  # (width tables: thousands of numbers)

    # --- budgets ----------------------------------------------------------------------------

    def _stream(self, stream: object) -> None:
        """Count the bytes ``stream`` decodes to, against the file's budget, without holding more."""
        if not isinstance(stream, PDFStream) or (stream.objid is not None and stream.objid in self.decoded):
            return
        if stream.objid is not None:
            self.decoded.add(stream.objid)
        if follow(stream.get("Subtype")) is _IMAGE:
            return  # pdfminer never decodes an image to lay out a page
        self.decoded_left -= decoded_size(stream, self.decoded_left, self._too_large)
        if self.decoded_left < 0:
            raise self._too_large()

    def _too_large(self) -> LimitExceeded:
        limit = self.limits.max_decompressed_bytes
        return LimitExceeded(
            f"PDF 中的压缩数据解压后过大（超过 {limit // (1024 * 1024)} MB 的上限），疑似“压缩炸弹”，为安全起见拒绝读取",
            f"the PDF's streams decompress to more than {limit} bytes",
        )

    def _spend_entries(self, entries: int) -> None:
        self.entries_left -= entries
        if self.entries_left < 0:
            raise LimitExceeded(
                f"PDF 中的字符映射表过大（超过 {MAX_CMAP_ENTRIES} 项），疑似恶意构造，为安全起见拒绝读取",
                f"the PDF's character maps and width tables expand to more than {MAX_CMAP_ENTRIES} entries",
            )


# --- decoded sizes ---------------------------------------------------------------------------


def decoded_size(stream: PDFStream, cap: int, too_large) -> int:
    """The size of ``stream`` decoded as pdfminer decodes it, found by decoding piece by piece and
    stopping (``too_large()`` raised) as soon as it passes ``cap``."""
    data = stream.rawdata
    if data is None:  # pdfminer decoded it already (an object stream read while opening the file)
        return 0
    if stream.decipher and stream.objid is not None and stream.genno is not None:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    filters = follow(stream.get_any(("F", "Filter"), []))
    if not isinstance(filters, list):
        filters = [filters]
    filters = [follow(f) for f in filters]
    size = len(data)
    for i, f in enumerate(filters):
        keep = i < len(filters) - 1  # the output is only needed to decode it again
        if f in LITERALS_FLATE_DECODE:
            data, size = _inflate(data, cap, keep, too_large)
        elif f in LITERALS_LZW_DECODE:
            data, size = _lzw(data, cap, keep, too_large)
        elif f in LITERALS_RUNLENGTH_DECODE:
            data, size = _run_length(data, cap, keep, too_large)
        elif f in LITERALS_ASCII85_DECODE:  # (these shrink the data)
            data = ascii85decode(data)
            size = len(data)
        elif f in LITERALS_ASCIIHEX_DECODE:
            data = asciihexdecode(data)
            size = len(data)
        else:
            break  # images and filters pdfminer leaves as they are
    return size


def _inflate(data: bytes, cap: int, keep: bool, too_large) -> tuple[bytes, int]:
    """Flate output size (and the output when ``keep``); damaged data ends it, as pdfminer keeps
    what decodes before the damage."""
    d = zlib.decompressobj()
    out: list[bytes] = []
    size = 0
    try:
        for pos in range(0, len(data), _PIECE):
            buf = data[pos:pos + _PIECE]
            while buf:
                piece = d.decompress(buf, _PIECE)
                size += len(piece)
                if size > cap:
                    raise too_large()
                if keep:
                    out.append(piece)
                if d.eof:
                    break
                buf = d.unconsumed_tail
            if d.eof:
                break
    except zlib.error:
        pass
    if not d.eof and size > MAX_DAMAGED_BYTES:
        raise ReadError("PDF 文件已损坏（压缩数据有误），无法读取",
                        f"corrupt PDF: a damaged Flate stream of more than {MAX_DAMAGED_BYTES} bytes", reason="corrupt")
    return b"".join(out), size


def _lzw(data: bytes, cap: int, keep: bool, too_large) -> tuple[bytes, int]:
    out: list[bytes] = []
    size = 0
    for piece in LZWDecoder(BytesIO(data)).run():
        size += len(piece)
        if size > cap:
            raise too_large()
        if keep:
            out.append(piece)
    return b"".join(out), size


def _run_length(data: bytes, cap: int, keep: bool, too_large) -> tuple[bytes, int]:
    """RunLengthDecode (PDF reference 3.3.4); damaged data ends the output."""
    out = bytearray()
    size = 0
    i, n = 0, len(data)
    while i < n:
        length = data[i]
        if length == 128:
            break
        if length < 128:
            chunk = data[i + 1:i + 2 + length]
            i += 2 + length
        else:
            if i + 1 >= n:
                break
            chunk = data[i + 1:i + 2] * (257 - length)
            i += 2
        size += len(chunk)
        if size > cap:
            raise too_large()
        if keep:
            out += chunk
    return bytes(out), size


# --- character maps and width tables ---------------------------------------------------------

_RANGES = re.compile(rb"begin(bf|cid)range(.*?)end\1range", re.DOTALL)
_RANGE = re.compile(rb"<([0-9A-Fa-f\s]*)>\s*<([0-9A-Fa-f\s]*)>\s*(\[[^\]]*\])?")
_SPACE = re.compile(rb"\s+")


def cmap_entries(data: bytes) -> int:
    """The entries pdfminer makes of a character map's ranges, counted as it counts them: a bfrange
    spans its whole codes (or as many destinations as its array lists), a cidrange the last four
    bytes of codes whose beginnings agree (pdfminer skips other cidranges)."""
    n = 0
    for kind, body in _RANGES.findall(data):
        for raw_start, raw_end, array in _RANGE.findall(body):
            start_hex, end_hex = _SPACE.sub(b"", raw_start), _SPACE.sub(b"", raw_end)
            if len(start_hex) != len(end_hex) or not start_hex:
                continue
            start, end = bytes.fromhex(_even(start_hex).decode()), bytes.fromhex(_even(end_hex).decode())
            if kind == b"cid":
                if start[:-4] != end[:-4]:
                    continue
                start, end = start[-4:], end[-4:]
            span = max(0, int.from_bytes(end, "big") - int.from_bytes(start, "big") + 1)
            n += min(span, array.count(b"<")) if array else span
    return n


def _even(digits: bytes) -> bytes:
    return digits + b"0" if len(digits) % 2 else digits


def width_entries(widths: object, group: int) -> int:
    """The entries pdfminer makes of a CID font's /W (``group`` 3) or /W2 (5) array: ``first last
    width...`` spans every code from first to last; ``first [widths]`` one per width."""
    if not isinstance(widths, list):
        return 0
    n = 0
    run: list[int | float] = []
    for ref in widths:
        v = follow(ref)
        if isinstance(v, list):
            n += len(v)
            run = []
        elif isinstance(v, (int, float)):
            run.append(v)
            if len(run) == group:
                if isinstance(run[0], int) and isinstance(run[1], int):
                    n += max(0, run[1] - run[0] + 1)
                run = []
    return n
