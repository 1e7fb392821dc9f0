"""Word 2007+ documents (.docx, .docm, .dotx): the body's paragraphs and table rows in order.

The main part (``word/document.xml``) is read with lxml directly; python-docx is not needed
for reading and would be several times slower.

What the reader does with Word's structures:

* a paragraph becomes a :class:`Paragraph` (empty ones are skipped but still counted, so its
  location's ``paragraph`` N is the N-th paragraph of the body; in a text box, ``box`` K and the
  N-th paragraph of the box);
* every table row becomes a :class:`Row` (located by ``table``, ``row`` and, for its cells,
  ``cell``, all 1-based; tables numbered in document order). A cell merged across grid columns (``gridSpan``,
  or the old ``hMerge``) is one cell; the lower part of a vertically merged cell (``vMerge``
  continuation) is an empty cell in its row, so columns keep their places (should a
  continuation cell hold text after all, that text is kept rather than lost). A cell's
  paragraphs and line breaks are joined with ``\\n``, blank lines and the blanks around
  each line dropped;
* a table inside a cell: the outer row keeps the cell's own paragraphs, and the inner
  table's rows follow the outer row as rows of their own (the inner table gets the next
  table number);
* text boxes (``w:txbxContent``, also inside ``mc:AlternateContent``, of which only the
  first choice is read) become paragraphs (and rows) right after the paragraph they are
  anchored in; in a table cell their text joins the cell;
* tracked changes are read as accepted: insertions kept, deletions and moved-away text
  dropped, deleted rows and cells dropped, a deleted paragraph mark joins two paragraphs;
* field instructions (``w:instrText``), ruby annotations and hidden runs (``w:vanish``) are
  not printed, so they are not read; a field's displayed result is;
* pictures (``a:blip``, ``v:imagedata``) in the body's paragraphs are read by OCR when the
  document has no table of text (tables pasted as pictures, or a scanned report pasted in): their
  tables and text go where the picture is, each cell located like a Word table's (tables numbered
  on after the document's own), each line of text at the picture's paragraph; ``Source.ocr`` says
  which pictures (numbered in document order) were read so (see ``_scanned.read_pictures``).

Safety: the archive's declared sizes and compression ratios are checked before anything is
decompressed, and the XML is parsed without entity expansion, network or huge-tree mode.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable
from functools import partial

from lxml import etree

from ..document import Cell, Document, Paragraph, Row, Source
from ..errors import LimitExceeded, ReadError
from ..limits import Limits
from ..location import Location, at_cell, at_paragraph
from ._scanned import Picture, read_pictures

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_M_STRICT_NS = "http://purl.oclc.org/ooxml/officeDocument/math"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
# pictures: DrawingML's blip (transitional and strict) and VML's imagedata, naming their image by relationship id
_PICTURE_TAGS = ("{http://schemas.openxmlformats.org/drawingml/2006/main}blip",
                 "{http://purl.oclc.org/ooxml/drawingml/main}blip", "{urn:schemas-microsoft-com:vml}imagedata")
_PICTURE_IDS = ("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed",
                "{http://purl.oclc.org/ooxml/officeDocument/relationships}embed",
                "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_BLANKS = " \t\n\r\u3000\xa0\u200b\ufeff"
# A member smaller than this cannot hurt whatever its ratio (tiny XML parts compress well).
_RATIO_FLOOR = 1 << 20
_FALSE = ("0", "false", "off")

_CORRUPT_ZH = "文件已损坏，无法作为 Word 文档打开"


class _Names:
    """Clark-notation tag names for one WordprocessingML namespace (transitional or strict)."""

    def __init__(self, w: str, m: str) -> None:
        def q(local: str) -> str:
            return f"{{{w}}}{local}"

        self.p, self.tbl, self.tr, self.tc = q("p"), q("tbl"), q("tr"), q("tc")
        self.r, self.t, self.tab, self.br, self.cr = q("r"), q("t"), q("tab"), q("br"), q("cr")
        self.ptab, self.sym, self.nbhyphen = q("ptab"), q("sym"), q("noBreakHyphen")
        self.fldChar, self.fldCharType = q("fldChar"), q("fldCharType")
        self.pPr, self.rPr, self.trPr, self.tcPr = q("pPr"), q("rPr"), q("trPr"), q("tcPr")
        self.tblPr, self.tblGrid, self.tblPrEx, self.sdtPr = q("tblPr"), q("tblGrid"), q("tblPrEx"), q("sdtPr")
        self.sdtEndPr, self.sectPr = q("sdtEndPr"), q("sectPr")
        self.hMerge, self.val = q("hMerge"), q("val")
        self.cellDel, self.char = q("cellDel"), q("char")
        self.delete, self.moveFrom = q("del"), q("moveFrom")
        self.instrText, self.delInstrText, self.delText, self.rt = (
            q("instrText"), q("delInstrText"), q("delText"), q("rt"))
        self.vanish, self.txbxContent = q("vanish"), q("txbxContent")
        self.mt = f"{{{m}}}t"
        self.text_tags = (self.t, self.mt, self.tab, self.br, self.cr, self.ptab, self.sym,
                          self.nbhyphen, self.fldChar)
        self.props = frozenset((self.pPr, self.rPr, self.trPr, self.tcPr, self.tblPr, self.tblGrid,
                                self.tblPrEx, self.sdtPr, self.sdtEndPr, self.sectPr))
        self.body = q("body")
        self.blocks = frozenset((self.tbl, self.tr, self.tc, self.p))


_TRANSITIONAL = _Names(_W_NS, _M_NS)
_STRICT = _Names(_W_STRICT_NS, _M_STRICT_NS)
_MC_AC = f"{{{_MC_NS}}}AlternateContent"
_MC_CHOICE = f"{{{_MC_NS}}}Choice"
_MC_FALLBACK = f"{{{_MC_NS}}}Fallback"

_local = threading.local()


def _parser() -> etree.XMLParser:
    """A safe parser, one per thread (lxml parsers must not be shared between threads)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                                 load_dtd=False, dtd_validation=False,
                                 remove_comments=True, remove_pis=True)
        _local.parser = parser
    return parser


_DTD_ERROR = ("文件结构异常（XML 中含有 DTD 声明），为安全起见拒绝读取",
              "the document's XML has a DTD (entity declarations), which Word never writes")
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def parse_xml(data: bytes, limits: Limits | None = None) -> etree._Element:
    """Parse one XML part safely, or raise ReadError (corrupt) / LimitExceeded.

    No DTD is read and no entity expanded (a document with a DTD is refused: Word never writes one,
    and it is how "billion laughs" and external-entity attacks come in); the part's size and its
    number of elements are bounded before parsing; libxml2 bounds the depth (256) and text nodes."""
    if limits is not None:
        if len(data) > limits.max_xml_bytes:
            raise LimitExceeded(
                f"Word 文档正文过大（{len(data) // (1024 * 1024)} MB），超过 {limits.max_xml_bytes // (1024 * 1024)} MB 的上限",
                f"the document part is {len(data)} bytes (limit {limits.max_xml_bytes})",
            )
        if data.count(b"<") > 2 * limits.max_elements:
            raise LimitExceeded(f"Word 文档的结构元素过多，超过 {limits.max_elements} 个的上限",
                                f"more than {limits.max_elements} XML elements")
    if _DOCTYPE.search(data, 0, _prolog_end(data)):
        raise ReadError(*_DTD_ERROR, reason="corrupt")
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        message = str(exc)
        if "depth" in message.lower():
            raise LimitExceeded("文件结构嵌套过深（超过 256 层），无法读取",
                                f"the document's XML is nested too deep: {message}") from exc
        if "amplification" in message or "entity reference loop" in message:
            raise ReadError(*_DTD_ERROR, reason="corrupt") from exc
        raise ReadError(_CORRUPT_ZH, f"the Word document's XML is malformed: {message}", reason="corrupt") from exc
    if root.getroottree().docinfo.internalDTD is not None:
        # Word never writes a DTD; its entities would be left unexpanded and their text lost
        raise ReadError(*_DTD_ERROR, reason="corrupt")
    return root


def _prolog_end(data: bytes) -> int:
    """Where the root element starts (a DTD can only come before it), roughly: the first ``<``
    that does not open a declaration, comment or processing instruction."""
    i = 0
    while True:
        i = data.find(b"<", i)
        if i < 0 or i + 1 >= len(data):
            return len(data)
        if data[i + 1] not in b"!?":
            return i
        if data.startswith(b"<!--", i):
            j = data.find(b"-->", i + 4)
            i = len(data) if j < 0 else j + 3
        elif data.startswith(b"<?", i):
            j = data.find(b"?>", i + 2)
            i = len(data) if j < 0 else j + 2
        else:
            return len(data)  # <!DOCTYPE ...: searched up to the end


# ---------------------------------------------------------------------------------------------
# the archive


def read(data: bytes, source: Source, limits: Limits) -> Document:
    zf, by_lower, main = _opened(data, limits)
    root = parse_xml(_member(zf, main), limits)
    tag = root.tag  # a str once parsed (lxml's type allows what a program may set)
    names = _STRICT if isinstance(tag, str) and tag.startswith("{" + _W_STRICT_NS) else _TRANSITIONAL
    doc = Document(source=source)
    walker = _Walker(names, doc, limits, pictures=any(n.startswith("word/media/") for n in by_lower))
    walker.run(root)
    if walker.anchors and not any(isinstance(b, Row) for b in doc.blocks):
        pictures = _pictures(zf, by_lower, main.filename, walker.anchors, limits)
        if pictures:
            read_pictures(pictures, doc, limits, walker.tables, lambda t, r, c, _at: at_cell(t, r, c))
    if source.format == "docx":  # (a file LibreOffice converted carries the conversion's time)
        created = _created(zf, by_lower)
        if created:
            doc.meta[FILE_CREATED] = created
    return doc


FILE_CREATED = "文件创建时间"  # the key extract.meta reads
_CORE = "docprops/core.xml"
_CREATED = "{http://purl.org/dc/terms/}created"
_CHINA = dt.timezone(dt.timedelta(hours=8))


def _created(zf: zipfile.ZipFile, by_lower: dict[str, zipfile.ZipInfo]) -> str | None:
    """The day the document properties say the file was created (YYYY-MM-DD, China time), or None."""
    info = by_lower.get(_CORE)
    if info is None or info.file_size > (1 << 16):
        return None
    try:
        blob = _member(zf, info)
        if _DOCTYPE.search(blob):
            return None
        root = etree.fromstring(blob, _parser())
    except (ReadError, etree.XMLSyntaxError, ValueError):
        return None
    node = root.find(_CREATED)
    text = (node.text or "").strip() if node is not None else ""
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(_CHINA)
    return when.date().isoformat()


def _pictures(zf: zipfile.ZipFile, by_lower: dict[str, zipfile.ZipInfo], main: str,
              anchors: list[tuple[int, Location, list[str]]], limits: Limits) -> list[Picture]:
    """The pictures the anchors name (by relationship id of the main part), in order; a picture
    named twice in a paragraph, or outside the archive, is left out."""
    folder, _, base = main.rpartition("/")
    rels = by_lower.get(f"{folder}/_rels/{base}.rels".lstrip("/").lower())
    if rels is None or rels.file_size > limits.max_xml_bytes:
        return []
    blob = _member(zf, rels)
    refuse_xml_doctype(blob)
    try:
        root = etree.fromstring(blob, _parser())
    except (etree.XMLSyntaxError, ValueError):
        return []
    targets = {}
    for rel in root.iter(f"{{{_REL_NS}}}Relationship", "{*}Relationship"):
        if rel.get("TargetMode") != "External" and rel.get("Id") and rel.get("Target"):
            path = posixpath.normpath(posixpath.join(folder, rel.get("Target") or "")).lstrip("/")
            if path.lower() in by_lower:
                targets[rel.get("Id")] = by_lower[path.lower()]
    out = []
    for where, at, ids in anchors:
        for rid in dict.fromkeys(ids):
            info = targets.get(rid)
            if info is not None:
                out.append(Picture(_member(zf, info), where, at))
    return out


def document_xml(data: bytes, limits: Limits) -> bytes:
    """The bytes of the main document part, after checking the archive is safe to open."""
    zf, _, main = _opened(data, limits)
    return _member(zf, main)


def _opened(data: bytes, limits: Limits) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo], zipfile.ZipInfo]:
    """The archive, its members by lower-case name, and the main document part (checked)."""
    zf, by_lower = open_archive(data, limits)
    name = _main_part(zf, by_lower)
    info = by_lower.get(name.lower()) if name else None
    if info is None:
        raise _not_word(by_lower)
    if info.file_size > limits.max_xml_bytes:
        raise LimitExceeded(
            f"Word 文档正文过大（{info.file_size // (1024 * 1024)} MB），超过 {limits.max_xml_bytes // (1024 * 1024)} MB 的上限",
            f"{info.filename!r} is {info.file_size} bytes (limit {limits.max_xml_bytes})",
        )
    return zf, by_lower, info


def open_archive(data: bytes, limits: Limits) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
    """An Office or OpenDocument archive, checked against the limits (members, sizes, compression
    ratio, encryption) before anything is inflated; with its members by lower-case name."""
    if not data or (not data[:4096].strip(b"\x00 \t\r\n") and not data.strip(b"\x00 \t\r\n")):
        raise ReadError("文件是空的，没有任何内容", "the file is empty", reason="empty")
    if data.startswith(_OLE2):
        if ENCRYPTED_PACKAGE in data:
            raise encrypted_error()
        raise ReadError("这是 Word 97-2003（.doc）或 WPS 格式的文件，不是 .docx 文档",
                        "an OLE2 (.doc/.wps) file, not a .docx archive", reason="not-word")
    _check_directory(data, limits)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, EOFError,
            IndexError, KeyError, UnicodeDecodeError) as exc:
        raise ReadError(_CORRUPT_ZH, f"not a readable zip archive: {exc}", reason="corrupt") from exc
    if not infos:
        raise ReadError(_CORRUPT_ZH, "the zip archive has no members", reason="corrupt")
    if len(infos) > limits.max_zip_members:
        raise _too_many_members(len(infos), limits)
    total = 0
    for info in infos:
        total += info.file_size
        if info.flag_bits & 0x1:
            raise encrypted_error()
        if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_compression_ratio * max(info.compress_size, 1):
            raise LimitExceeded(
                "文件压缩比异常（疑似“压缩炸弹”），为安全起见拒绝读取",
                f"member {info.filename!r} expands {info.file_size} bytes from {info.compress_size} "
                f"(ratio limit {limits.max_compression_ratio})",
            )
    if total > limits.max_decompressed_bytes:
        raise LimitExceeded(
            f"文件解压后过大（{total // (1024 * 1024)} MB），超过 {limits.max_decompressed_bytes // (1024 * 1024)} MB 的上限",
            f"archive expands to {total} bytes (limit {limits.max_decompressed_bytes})",
        )
    return zf, {info.filename.lower(): info for info in infos}


def refuse_doctype(zf: zipfile.ZipFile, by_lower: dict[str, zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse an archive any of whose XML members declares a DTD (how entity bombs and external
    entities come in), before the archive is handed to another program."""
    for name, info in by_lower.items():
        if name.endswith((".xml", ".rdf")) and not name.endswith("/"):
            if info.file_size > limits.max_xml_bytes:
                raise LimitExceeded(f"文档中的一个部件过大（{info.file_size // (1024 * 1024)} MB）",
                                    f"{info.filename!r} is {info.file_size} bytes (limit {limits.max_xml_bytes})")
            refuse_xml_doctype(_member(zf, info))


def refuse_xml_doctype(blob: bytes) -> None:
    """Refuse XML (UTF-8 or UTF-16) that declares a DTD."""
    if blob[:2] in (b"\xff\xfe", b"\xfe\xff") or blob[:4] in (b"<\0?\0", b"\0<\0?"):
        blob = blob.decode("utf-16-be" if blob[:1] in (b"\xfe", b"\0") else "utf-16-le", "replace").encode()
    if _DOCTYPE.search(blob, 0, _prolog_end(blob)):
        raise ReadError(*_DTD_ERROR, reason="corrupt")


_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_MIN_ENTRY = 46  # bytes of a central directory entry with an empty name


def _check_directory(data: bytes, limits: Limits) -> None:
    """Refuse an archive with too many members from its end record, before zipfile builds an
    object for each (a 50 MB file can hold a million empty members)."""
    at = data.rfind(_EOCD, max(0, len(data) - 65557))
    if at < 0 or at + 22 > len(data):
        return  # zipfile will say what is wrong
    entries, directory_size = struct.unpack_from("<HI", data, at + 10)
    if (entries == 0xFFFF or directory_size == 0xFFFFFFFF) and data[at - 20:at - 16] == _ZIP64_LOCATOR:
        z64 = data.rfind(_ZIP64_EOCD, 0, at - 20)
        if z64 >= 0 and z64 + 56 <= len(data):
            entries, directory_size = struct.unpack_from("<QQ", data, z64 + 32)
    # the count may lie (zipfile reads entries until the directory's size is used up): the size
    # bounds how many entries zipfile could find
    if entries > limits.max_zip_members or directory_size // _MIN_ENTRY > 4 * limits.max_zip_members:
        raise _too_many_members(max(entries, directory_size // _MIN_ENTRY), limits)


def _too_many_members(count: int, limits: Limits) -> LimitExceeded:
    return LimitExceeded(
        f"压缩包内文件数量异常（约 {count} 个，上限 {limits.max_zip_members} 个），不像 Word 文档，为安全起见拒绝读取",
        f"the archive has about {count} members (limit {limits.max_zip_members})",
    )


def encrypted_error() -> ReadError:
    return ReadError("文件已加密（设置了打开密码），无法读取。请去掉密码后重新保存再试",
                     "the document is password-protected (encrypted)", reason="encrypted")


def _member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, decompressed piece by piece: never more than its declared (checked) size
    is kept, whatever the compressed data really holds (zipfile asks zlib for everything at once
    when told to read a whole member, which a member that lies about its size turns into a bomb)."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        # Word writes deflate; bzip2 and lzma members are decompressed by zipfile without bound
        raise ReadError(_CORRUPT_ZH, f"{info.filename!r} uses compression method {info.compress_type}, "
                        "which Word does not write", reason="corrupt")
    parts: list[bytes] = []
    try:
        with zf.open(info) as fh:
            while True:
                piece = fh.read(_PIECE)  # zipfile stops at the declared size (and then checks the CRC)
                if not piece:
                    break
                parts.append(piece)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, ValueError, OSError, EOFError) as exc:
        raise ReadError(_CORRUPT_ZH, f"cannot decompress {info.filename!r}: {exc}", reason="corrupt") from exc
    return b"".join(parts)


_PIECE = 1 << 20


def _main_part(zf: zipfile.ZipFile, by_lower: dict[str, zipfile.ZipInfo]) -> str | None:
    """The target of the package's officeDocument relationship, else word/document.xml."""
    rels = by_lower.get("_rels/.rels")
    if rels is not None and rels.file_size < (1 << 20):
        try:
            root = etree.fromstring(_member(zf, rels), _parser())
        except (etree.XMLSyntaxError, ValueError, ReadError):
            root = None
        if root is not None:
            for rel in root.iter(f"{{{_REL_NS}}}Relationship", "{*}Relationship"):
                if (rel.get("Type") or "").endswith("/officeDocument"):
                    target = (rel.get("Target") or "").lstrip("/")
                    if target.startswith("./"):
                        target = target[2:]
                    if target.lower() in by_lower and not target.lower().startswith(("xl/", "ppt/")):
                        return target
    return "word/document.xml" if "word/document.xml" in by_lower else None


def _not_word(by_lower: dict[str, zipfile.ZipInfo]) -> ReadError:
    names = by_lower.keys()
    if "xl/workbook.xml" in names:
        what, en = "Excel 表格", "an Excel workbook"
    elif "ppt/presentation.xml" in names:
        what, en = "PowerPoint 演示文稿", "a PowerPoint presentation"
    elif "mimetype" in names or "content.xml" in names:
        what, en = "OpenDocument（ODF）文档", "an OpenDocument file"
    else:
        what, en = "压缩包", "a zip archive"
    return ReadError(f"这是一个{what}，不是 Word 文档（缺少 word/document.xml）",
                     f"{en}, not a Word document (no word/document.xml)", reason="not-word")


# ---------------------------------------------------------------------------------------------
# the body


class _Walker:
    def __init__(self, names: _Names, doc: Document, limits: Limits, pictures: bool = False) -> None:
        self.n = names
        self.blocks = doc.blocks
        self.limits = limits
        self.tables = 0
        self.text_boxes = 0
        self.chars = 0
        # Facts found in one pass over the tree before the walk, keyed by element (the
        # containers keep lxml's element proxies alive, so lookups by identity work):
        self.texts: dict[etree._Element, str] = {}  # paragraph -> its printed text
        self.boxes: dict[etree._Element | None, list[etree._Element]] = {}  # anchor paragraph -> text boxes
        self.mark_deleted: set[etree._Element] = set()  # paragraphs whose mark was deleted
        self.skipped: set[etree._Element] = set()  # deleted rows and cells, hMerge continuations
        self.want_pictures = pictures  # (the archive has pictures)
        self.pictures: dict[etree._Element, list[str]] = {}  # paragraph -> relationship ids of its pictures
        # pictures of the body's paragraphs: (index in blocks where they go, their paragraph, relationship ids)
        self.anchors: list[tuple[int, Location, list[str]]] = []

    def run(self, root: etree._Element) -> None:
        n = self.n
        self._prepare(root)
        body = next((c for c in root if c.tag == n.body), None)
        if body is None:
            raise ReadError(_CORRUPT_ZH, "word/document.xml has no w:body", reason="corrupt")
        counter = [0]
        self._blocks(body, 0, lambda: _next(counter, None))
        for box in self.boxes.pop(None, []):
            self._text_box(box, 0)

    # -- preparation: drop what is not printed, take text boxes out, read paragraphs' text

    def _prepare(self, root: etree._Element) -> None:
        n = self.n
        for ac in list(root.iter(_MC_AC)):
            branches = [c for c in ac if c.tag in (_MC_CHOICE, _MC_FALLBACK)]
            keep = next((c for c in branches if c.tag == _MC_CHOICE), branches[0] if branches else None)
            for c in branches:
                if c is not keep:
                    ac.remove(c)
        doomed = []
        for el in root.iter(n.delete, n.moveFrom, n.instrText, n.delInstrText, n.delText, n.rt, n.vanish,
                            n.cellDel, n.hMerge):
            tag = el.tag
            parent = el.getparent()
            if parent is None:
                continue
            if tag == n.delete or tag == n.moveFrom:
                ptag = parent.tag
                if ptag == n.rPr:  # a deleted paragraph mark (in the paragraph's properties)
                    ppr = parent.getparent()
                    para = ppr.getparent() if ppr is not None and ppr.tag == n.pPr else None
                    if para is not None:
                        self.mark_deleted.add(para)
                elif ptag == n.trPr:  # a deleted row
                    row = parent.getparent()
                    if row is not None:
                        self.skipped.add(row)
                else:  # deleted or moved-away content
                    doomed.append(el)
            elif tag == n.vanish:
                run = parent.getparent()
                if parent.tag == n.rPr and run is not None and run.tag == n.r and el.get(n.val) not in _FALSE:
                    doomed.append(run)
            elif tag == n.cellDel or tag == n.hMerge:
                cell = parent.getparent()
                if parent.tag == n.tcPr and cell is not None and (tag == n.cellDel or el.get(n.val) != "restart"):
                    self.skipped.add(cell)  # deleted, or covered by the cell on its left
            else:
                doomed.append(el)
        for el in doomed:
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
        detached = []
        for box in list(root.iter(n.txbxContent)):
            anchor = box.getparent()
            while anchor is not None and anchor.tag != n.p:
                anchor = anchor.getparent()
            holder = box.getparent()
            if holder is not None:  # always: a text box sits inside a drawing or shape
                holder.remove(box)
            self.boxes.setdefault(anchor, []).append(box)
            detached.append(box)
        self._read_texts(root)
        for box in detached:
            self._read_texts(box)
        if self.want_pictures:
            self._find_pictures(root, detached)

    def _find_pictures(self, root: etree._Element, boxes: list[etree._Element]) -> None:
        for tree in (root, *boxes):
            for el in tree.iter(*_PICTURE_TAGS):
                rid = next((v for k in _PICTURE_IDS if (v := el.get(k))), None)
                para = el.getparent()
                while para is not None and para.tag != self.n.p:
                    para = para.getparent()
                if rid and para is not None:
                    self.pictures.setdefault(para, []).append(rid)

    def _read_texts(self, tree: etree._Element) -> None:
        """The printed text of every paragraph of ``tree``, in one pass (text boxes were taken out,
        so paragraphs do not nest and each text element belongs to the last paragraph started)."""
        n = self.n
        texts = self.texts
        t, mt, p, fld = n.t, n.mt, n.p, n.fldChar
        current = None
        parts: list[str] = []
        fields: list[bool] = []  # per open field: still in its instruction part?
        hidden = 0  # open fields in their instruction part
        for el in tree.iter(p, *n.text_tags):
            tag = el.tag
            if tag in (t, mt):
                if not hidden:
                    text = el.text
                    if text:
                        parts.append(text)
            elif tag == p:
                if current is not None:
                    texts[current] = "".join(parts)
                current, parts, fields, hidden = el, [], [], 0
            elif tag == fld:
                kind = el.get(n.fldCharType)
                if kind == "begin":
                    fields.append(True)
                    hidden += 1
                elif kind == "separate":
                    if fields and fields[-1]:
                        fields[-1] = False
                        hidden -= 1
                elif kind == "end" and fields and fields.pop():  # it was still in its instruction part
                    hidden -= 1
            elif hidden:
                continue
            elif tag == n.tab or tag == n.ptab:
                run = el.getparent()
                if run is not None and run.tag == n.r:  # not a tab stop of the paragraph's properties
                    parts.append("\t")
            elif tag == n.br or tag == n.cr:
                parts.append("\n")
            elif tag == n.nbhyphen:
                parts.append("-")
            elif tag == n.sym:
                try:
                    value = int(el.get(n.char) or "", 16)
                except ValueError:
                    continue
                if 0 < value < 0xE000 or 0xF900 <= value < 0x110000:  # symbol fonts' private area skipped
                    parts.append(chr(value))
        if current is not None:
            texts[current] = "".join(parts)

    # -- emitting

    def _emit(self, block: Paragraph | Row, chars: int) -> None:
        self.blocks.append(block)
        self.chars += chars
        if len(self.blocks) > self.limits.max_blocks:
            raise LimitExceeded("文件内容过多，超过可处理的上限", f"more than {self.limits.max_blocks} blocks")
        if self.chars > self.limits.max_text_chars:
            raise LimitExceeded(f"文本过长，超过 {self.limits.max_text_chars} 字的上限",
                                f"text longer than {self.limits.max_text_chars} characters")

    def _blocks(self, container: etree._Element, depth: int, label: Callable[[], Location]) -> None:
        """Paragraphs and tables of a body or text box, in order."""
        if depth > self.limits.max_nesting:
            raise LimitExceeded("文件结构嵌套过深，无法读取", f"nesting deeper than {self.limits.max_nesting}")
        n = self.n
        pending = ""  # text of paragraphs whose mark was deleted: it runs on into the next one
        pending_at = Location()
        for child in container:
            tag = child.tag
            if tag == n.p:
                at = label()
                text = self.texts.get(child, "")
                if pending:
                    text, at = pending + text, pending_at
                    pending = ""
                if child in self.mark_deleted:
                    pending, pending_at = text, at
                else:
                    text = text.strip(_BLANKS)
                    if text:
                        self._emit(Paragraph(text, at), len(text))
                if self.pictures and child in self.pictures:
                    self.anchors.append((len(self.blocks), at, self.pictures[child]))
                if child in self.boxes:
                    for box in self.boxes.pop(child):
                        self._text_box(box, depth + 1)
            elif tag == n.tbl:
                if pending.strip(_BLANKS):
                    self._emit(Paragraph(pending.strip(_BLANKS), pending_at), len(pending))
                pending = ""
                self._table(child, depth + 1)
            elif isinstance(tag, str) and tag not in n.props and len(child):
                self._blocks(child, depth + 1, label)  # sdt, sdtContent, customXml, mc wrappers
        if pending.strip(_BLANKS):
            self._emit(Paragraph(pending.strip(_BLANKS), pending_at), len(pending))

    def _text_box(self, box: etree._Element, depth: int) -> None:
        self.text_boxes += 1
        counter = [0]
        self._blocks(box, depth, partial(_next, counter, self.text_boxes))

    # -- tables

    def _table(self, tbl: etree._Element, depth: int) -> None:
        if depth > self.limits.max_nesting:
            raise LimitExceeded("表格嵌套过深，无法读取", f"tables nested deeper than {self.limits.max_nesting}")
        n = self.n
        skipped = self.skipped
        index = self.tables
        self.tables += 1
        number = index + 1
        r = 0
        for tr in self._items(tbl, n.tr, 0):
            if tr in skipped:
                continue  # a deleted row
            r += 1
            row_at = at_cell(number, r)
            cells: list[Cell] = []
            inner: list[etree._Element] = []
            chars = 0
            for tc in self._items(tr, n.tc, 0):
                if tc in skipped:
                    continue
                lines: list[str] = []
                self._cell(tc, lines, inner, depth)
                text = "\n".join(lines)
                chars += len(text)
                cells.append(Cell(text, at_cell(number, r, len(cells) + 1)))
            self._emit(Row(cells, row_at, index, True), chars)
            for t in inner:
                self._table(t, depth + 1)

    def _cell(self, container: etree._Element, lines: list[str], inner: list[etree._Element], depth: int) -> None:
        """The lines of a cell's paragraphs (and of text boxes in them); its tables go to ``inner``."""
        if depth > self.limits.max_nesting:
            raise LimitExceeded("文件结构嵌套过深，无法读取", f"nesting deeper than {self.limits.max_nesting}")
        n = self.n
        for child in container:
            tag = child.tag
            if tag == n.p:
                text = self.texts.get(child)
                if text:
                    if "\n" in text:
                        lines.extend(s for s in (line.strip(_BLANKS) for line in text.split("\n")) if s)
                    else:
                        text = text.strip(_BLANKS)
                        if text:
                            lines.append(text)
                if child in self.boxes:
                    for box in self.boxes.pop(child):
                        self._cell(box, lines, inner, depth + 1)
            elif tag == n.tbl:
                inner.append(child)
            elif tag not in n.props and isinstance(tag, str) and len(child):
                self._cell(child, lines, inner, depth + 1)

    def _items(self, parent: etree._Element, want: str, depth: int) -> list[etree._Element]:
        """``want`` children of ``parent``, also those wrapped in sdt / customXml elements."""
        n = self.n
        found = []
        for child in parent:
            tag = child.tag
            if tag == want:
                found.append(child)
            elif (tag not in n.props and isinstance(tag, str) and tag not in n.blocks and len(child)
                  and depth < self.limits.max_nesting):
                found.extend(self._items(child, want, depth + 1))
        return found


def _next(counter: list[int], box: int | None) -> Location:
    counter[0] += 1
    return at_paragraph(counter[0], box)
