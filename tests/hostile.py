"""Hostile and broken inputs, made on demand (nothing here is committed as a file).

:func:`build_all` writes every case into a folder and returns ``{file name: Case}``; each case says
what must come out of it: an error whose one-line reason holds a given word, or a report (with
given findings, or read by a given reader). Bombs are built directly at the byte level (repeated
Deflate blocks, hand-written zip directories), so making them takes milliseconds and little memory.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import samplefiles

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SECRET = "root:x:0:0"  # noqa: S105  no password: the first line of /etc/passwd, must never come out of gongkai


@dataclass
class Case:
    data: bytes | None  # None: the file is made by ``make`` (sparse files)
    error: str | None = None  # a word the one-line reason must hold (None: must be read)
    bomb: bool = False  # measure memory in a process of its own
    fmt: str | None = None  # the reader that must be chosen
    findings: tuple[str, ...] = ()  # rule codes that must be among the findings
    make: object = None
    may_fail: bool = False  # either a report or a clear error is right
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# zip and deflate at the byte level


def deflate_repeated(head: bytes, unit: bytes, count: int, tail: bytes, zlib_header: bool = False) -> bytes:
    """Raw Deflate data for ``head + unit * count + tail`` without compressing all of it: each part
    is compressed once and ended with a full flush (byte-aligned, no back-references into earlier
    parts), so the middle part can simply be repeated."""
    parts = []
    c = zlib.compressobj(9, zlib.DEFLATED, 15 if zlib_header else -15)
    parts.append(c.compress(head) + c.flush(zlib.Z_FULL_FLUSH))
    m = zlib.compressobj(9, zlib.DEFLATED, -15)
    middle = m.compress(unit) + m.flush(zlib.Z_FULL_FLUSH)
    parts.append(middle * count)
    t = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts.append(t.compress(tail) + t.flush(zlib.Z_FINISH))
    if zlib_header:  # Adler-32 of the whole output is not computed: readers that check it fail late
        parts.append(b"\0\0\0\0")
    return b"".join(parts)


def raw_zip(members: list[tuple[str, bytes, int, int, int]], entries_field: int | None = None) -> bytes:
    """A zip archive written by hand: (name, stored bytes, method, declared size, crc) per member,
    so that sizes and counts can lie."""
    out = io.BytesIO()
    central = []
    for name, comp, method, size, crc in members:
        offset = out.tell()
        n = name.encode()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(comp), size, len(n), 0))
        out.write(n + comp)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc, len(comp), size,
                                   len(n), 0, 0, 0, 0, 0, offset) + n)
    directory = b"".join(central)
    start = out.tell()
    out.write(directory)
    count = min(len(members), 0xFFFF) if entries_field is None else entries_field
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def document_xml(body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body>'
            f"{body}</w:body></w:document>").encode()


def docx_with(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    return buf.getvalue()


CONTENT_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 b'wordprocessingml.document.main+xml"/></Types>')


# the least a file must hold to be taken as a report: its title and one section heading (gongkai.extract.kind)
REPORT_HEAD = "<w:p><w:r><w:t>某某镇2023年政府信息公开工作年度报告</w:t></w:r></w:p><w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>"
HTML_HEAD = "<p>某某镇2023年政府信息公开工作年度报告</p><p>一、总体情况</p>"
NOT_A_REPORT = "不是政府信息公开年度报告"  # the reason for a file read without a fault that is no report


def small_docx(body: str = REPORT_HEAD,
               **more: bytes) -> bytes:
    return docx_with({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": document_xml(body), **more})


def flip(data: bytes, start: float, count: int = 16) -> bytes:
    """``count`` bytes inverted from ``start`` (a share of the length) on."""
    b = bytearray(data)
    i = int(len(b) * start)
    for k in range(i, min(i + count, len(b))):
        b[k] ^= 0xFF
    return bytes(b)


# ---------------------------------------------------------------------------------------------
# the cases


def _laughs(prefix: str = "lolz") -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return f"<!DOCTYPE {prefix} [{''.join(entities)}]>"


def zip_bombs() -> dict[str, Case]:
    head = f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode()
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    three_gb = deflate_repeated(head, b"A" * (1 << 20), 3 * 1024, tail)  # ~3 MB that inflate to 3 GB
    honest = raw_zip([("[Content_Types].xml", CONTENT_TYPES, 0, len(CONTENT_TYPES), zlib.crc32(CONTENT_TYPES)),
                      ("word/document.xml", three_gb, 8, 3 * 1024 * (1 << 20) + len(head) + len(tail), 0)])
    lying = raw_zip([("[Content_Types].xml", CONTENT_TYPES, 0, len(CONTENT_TYPES), zlib.crc32(CONTENT_TYPES)),
                     ("word/document.xml", three_gb, 8, 4000, 0)])
    # 300 members of 1 MB each, each within the ratio limit, 300 MB in all
    block = bytes(range(256)) * 16
    unit = block * 256
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = c.compress(unit) + c.flush()
    crc = zlib.crc32(unit)
    total = raw_zip([("[Content_Types].xml", CONTENT_TYPES, 0, len(CONTENT_TYPES), zlib.crc32(CONTENT_TYPES))]
                    + [(f"word/media/image{i}.bin", packed, 8, len(unit), crc) for i in range(300)])
    doc = document_xml("<w:p><w:r><w:t>报告</w:t></w:r></w:p>")
    many = raw_zip([("word/document.xml", doc, 0, len(doc), zlib.crc32(doc))]
                   + [(f"customXml/item{i}.xml", b"", 0, 0, 0) for i in range(20_000)])
    many_lying_count = raw_zip([("word/document.xml", doc, 0, len(doc), zlib.crc32(doc))]
                               + [(f"x{i}", b"", 0, 0, 0) for i in range(200_000)], entries_field=1)
    # nested archives: a report carrying a zip bomb inside a zip inside a zip (never opened)
    inner = raw_zip([("bomb.txt", deflate_repeated(b"", b"\0" * (1 << 20), 2048, b""), 8, 2 << 30, 0)])
    middle = docx_with({"inner.zip": inner, "inner2.zip": inner}, zipfile.ZIP_STORED)
    nested = small_docx(**{"word/embeddings/oleObject1.bin": middle, "word/embeddings/pack.zip": middle})
    nested_stored = docx_with({"[Content_Types].xml": CONTENT_TYPES,
                               "word/document.xml": document_xml(REPORT_HEAD),
                               "word/embeddings/oleObject1.bin": middle, "word/embeddings/pack.zip": middle},
                              zipfile.ZIP_STORED)
    zip_as_document = docx_with({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": inner}, zipfile.ZIP_STORED)
    bzip2 = io.BytesIO()
    with zipfile.ZipFile(bzip2, "w", zipfile.ZIP_BZIP2) as z:
        z.writestr("word/document.xml", document_xml("<w:p><w:r><w:t>报告</w:t></w:r></w:p>"))
    return {
        "zipbomb-declared-3gb.docx": Case(honest, error="压缩", bomb=True),
        "zipbomb-lying-size.docx": Case(lying, error="损坏", bomb=True),
        "zipbomb-300-members-300mb.docx": Case(total, error="解压后过大", bomb=True),
        "zip-20000-members.docx": Case(many, error="文件数量", bomb=True),
        "zip-200000-members-count-lies.docx": Case(many_lying_count, error="文件数量", bomb=True),
        "zip-nested-bombs.docx": Case(nested, error="压缩", bomb=True),  # the outer deflate of them is a bomb too
        "zip-nested-bombs-stored.docx": Case(nested_stored, bomb=True),  # never opened: the report is read
        "zip-document-is-a-zip.docx": Case(zip_as_document, error="损坏", bomb=True),
        "zip-bzip2-member.docx": Case(bzip2.getvalue(), error="损坏"),
    }


def xml_attacks() -> dict[str, Case]:
    laughs_doc = ('<?xml version="1.0"?>' + _laughs("w:document") +
                  f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    xxe_doc = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>报告&x;</w:t></w:r></w:p></w:body></w:document>')
    xxe_param = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'
                 f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>报告</w:t></w:r></w:p></w:body></w:document>')
    xxe_rels = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'officeDocument" Target="word/&x;"/></Relationships>')
    utf16_laughs = laughs_doc.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    html_laughs = ("<!DOCTYPE html " + _laughs("html")[len("<!DOCTYPE html "):] +
                   f"<html><body>{HTML_HEAD}<p>&lol9;&lol9;</p></body></html>")
    html_xxe = ('<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><html><body>'
                f'{HTML_HEAD}<p>某某镇2023年政府信息公开工作年度报告 &x;</p>'
                '<iframe src="file:///etc/passwd"></iframe><object data="file:///etc/passwd"></object>'
                '<img src="file:///etc/passwd"><link rel="stylesheet" href="file:///etc/passwd">'
                '<svg><image href="file:///etc/passwd"/></svg>'
                '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>'
                '</body></html>')
    xinclude_doc = (f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}" xmlns:xi="http://www.w3.org/2001/XInclude">'
                    f'<w:body>{REPORT_HEAD}<w:p><w:r><w:t>报告</w:t><xi:include href="file:///etc/passwd" parse="text"/>'
                    '</w:r></w:p></w:body></w:document>')
    return {
        "billion-laughs.docx": Case(docx_with({"word/document.xml": laughs_doc.encode()}),
                                    error="DTD", bomb=True),
        "billion-laughs-utf16.docx": Case(docx_with({"word/document.xml": utf16_laughs.encode("utf-16")}),
                                          error="DTD", bomb=True),
        "billion-laughs.html": Case(html_laughs.encode(), bomb=True, extra={"max_lol": 50}),
        "xxe-document.docx": Case(docx_with({"word/document.xml": xxe_doc.encode()}), error="DTD"),
        "xxe-parameter-entity.docx": Case(docx_with({"word/document.xml": xxe_param.encode()}), error="DTD"),
        "xxe-rels.docx": Case(small_docx(**{"_rels/.rels": xxe_rels.encode()})),
        "xinclude.docx": Case(docx_with({"word/document.xml": xinclude_doc.encode()})),
        "xxe.html": Case(html_xxe.encode()),
    }


def pdf_cases() -> dict[str, Case]:
    from reportlab.pdfgen import canvas

    good = samplefiles.pdf_bytes(max_blocks=25)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt="secret")
    c.drawString(72, 720, "Annual report 2023")
    c.showPage()
    c.save()
    cases = {
        "truncated.pdf": Case(good[: len(good) * 2 // 3], error="不完整"),
        "corrupted-middle.pdf": Case(flip(good, 0.5, 400), may_fail=True),
        "corrupted-xref.pdf": Case(flip(good, 0.97, 60), may_fail=True),
        "encrypted.pdf": Case(buf.getvalue(), error="加密"),
        "pdf-flate-bomb.pdf": Case(minimal_pdf(deflate_repeated(b"", b" " * (1 << 20), 1024, b"", zlib_header=True),
                                               "/Filter /FlateDecode"), error="压缩炸弹", bomb=True),
        "pdf-double-flate-bomb.pdf": Case(minimal_pdf(_double_flate(), "/Filter [/FlateDecode /FlateDecode]"),
                                          error="压缩炸弹", bomb=True),
        # (its Adler-32 is left zero: a damaged stream of 10 MB, refused before pdfminer's slow recovery)
        "pdf-ten-million-chars.pdf": Case(minimal_pdf(deflate_repeated(b"BT /F1 1 Tf 0 0 Td (", b"a" * (1 << 20), 10,
                                                                       b") Tj ET", zlib_header=True),
                                                      "/Filter /FlateDecode"), error="损坏", bomb=True),
        "pdf-form-fanout.pdf": Case(form_fanout_pdf(), error="内容过多", bomb=True),
        "pdf-120000-kids.pdf": Case(many_kids_pdf(), error="页数", bomb=True),
        # document information that contains itself: pdfplumber logs a warning (which must not reach stderr)
        "pdf-cyclic-info.pdf": Case(minimal_pdf(b"BT /F1 12 Tf 72 700 Td (Annual report) Tj ET",
                                                extra_objects=[b"<< /Title (x) /Parent 6 0 R >>"])
                                    .replace(b"/Root 1 0 R >>", b"/Root 1 0 R /Info 6 0 R >>"),
                                    error=NOT_A_REPORT),  # (read to its end: its two English words are no report)
        "pdf-self-reference.pdf": Case(minimal_pdf(b"BT /F1 12 Tf 72 700 Td (report) Tj ET", extra_objects=[b"6 0 R"],
                                                   resources=b"6 0 R"), error="损坏"),
        "pdf-tounicode-four-billion.pdf": Case(font_pdf(tounicode=True), error="字符映射表过大", bomb=True),
        "pdf-widths-four-billion.pdf": Case(font_pdf(tounicode=False), error="字符映射表过大", bomb=True),
        "pdf-tounicode-eight-byte-codes.pdf": Case(font_pdf(tounicode=True, code_bytes=8), error="字符映射表过大",
                                                   bomb=True),
        # eight million graphics-state saves (16 MB, 16 KB compressed): each copied the whole state
        "pdf-eight-million-saves.pdf": Case(minimal_pdf(zlib.compress(b"q " * 8_000_000, 9), "/Filter /FlateDecode"),
                                            may_fail=True, bomb=True),
    }
    return cases


def font_pdf(tounicode: bool, code_bytes: int = 4) -> bytes:
    """A font whose character map (ToUnicode) maps one range of four billion codes, or a CID font
    whose width table (/W) gives one width to four billion characters: a few hundred bytes that
    pdfminer would expand entry by entry into a dictionary of tens of gigabytes."""
    low, high = b"00" * code_bytes, b"FF" * code_bytes  # (eight-byte codes: a range of 2**64)
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def\n"
            b"1 begincodespacerange <%s> <%s> endcodespacerange\n"
            b"1 beginbfrange <%s> <%s> <0041> endbfrange\n"
            b"endcmap CMapName currentdict /CMap defineresource pop end end") % (low, high, low, high)
    if tounicode:
        font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>"
        extra = [b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"]
    else:
        font = b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [6 0 R] >>"
        extra = [(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) "
                  b"/Ordering (Identity) /Supplement 0 >> /W [0 4294967295 500] >>")]
    return minimal_pdf(b"BT /F1 12 Tf 72 700 Td <00410042> Tj ET", extra_objects=extra,
                       resources=b"<< /Font << /F1 7 0 R >> >>", more_objects=[font])


def pdf_of(objs: list[bytes]) -> bytes:
    """A PDF file of these objects (numbered from 1, the first the catalogue), with its xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def many_kids_pdf(n: int = 120_000) -> bytes:
    """A page tree whose /Kids lists one page 120,000 times (a 50 MB file could list it
    nine million times: gigabytes of references while pdfminer parses the array)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b"3 0 R " * n + b"] /Count %d >>" % n,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length 0 >>\nstream\n\nendstream"]
    return pdf_of(objs)


def _double_flate() -> bytes:
    inner = deflate_repeated(b"", b" " * (1 << 20), 1024, b"", zlib_header=True)  # 1 MB -> 1 GB
    return zlib.compress(inner, 9)  # and that once more


def minimal_pdf(content: bytes, filters: str = "", extra_objects: list[bytes] | None = None,
                resources: bytes = b"<< /Font << /F1 5 0 R >> >>", more_objects: list[bytes] | None = None) -> bytes:
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources " + resources + b" >>",
            b"<< /Length %d %s >>\nstream\n" % (len(content), filters.encode()) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"] + (extra_objects or []) + (more_objects or [])
    return pdf_of(objs)


def form_fanout_pdf(depth: int = 8, fan: int = 10) -> bytes:
    """Form XObjects drawing each other ``fan`` times, ``depth`` levels deep: fan**depth draws
    from a file of a few KB (the PDF form of "billion laughs")."""
    forms = []
    first = 6
    for level in range(depth):
        number = first + level
        if level < depth - 1:
            body = b"".join(b"q /X Do Q " for _ in range(fan))
            res = b"<< /XObject << /X %d 0 R >> >>" % (number + 1)
        else:
            body = b"0 0 m 1 1 l S"
            res = b"<< >>"
        forms.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources %s /Length %d >>\nstream\n%s\n"
                     b"endstream" % (res, len(body), body))
    return minimal_pdf(b"q /X Do Q", extra_objects=forms,
                       resources=b"<< /Font << /F1 5 0 R >> /XObject << /X %d 0 R >> >>" % first)


def html_cases() -> dict[str, Case]:
    good = samplefiles.html_bytes()
    seed = samplefiles.seed_text()
    gbk = seed.encode("gb18030")
    deep_html = b"<html><body>" + b"<table><tr><td>" * 5000 + b"x" + b"</td></tr></table>" * 5000 + b"</body></html>"
    deep_40 = b"<html><body>" + b"<table><tr><td>" * 40 + b"12" + b"</td></tr></table>" * 40 + b"</body></html>"
    return {
        "truncated.html": Case(good[: len(good) // 2 - 7], may_fail=True),
        "corrupted.html": Case(flip(good, 0.4, 200), may_fail=True),
        "gbk-labelled-utf8.html": Case(b'<html><head><meta charset="utf-8"><title>t</title></head><body><pre>' + gbk +
                                       b"</pre></body></html>", extra={"title": "集义庄乡"}),
        "gbk-with-utf8-bom.html": Case(b'\xef\xbb\xbf<html><head><meta http-equiv="Content-Type" '
                                       b'content="text/html; charset=utf-8"></head><body><pre>' + gbk +
                                       b"</pre></body></html>", extra={"title": "集义庄乡"}),
        "deep-tables-5000.html": Case(deep_html, error="嵌套", bomb=True),
        "deep-tables-40.html": Case(deep_40, error="嵌套"),
        "deep-divs-100000.html": Case(b"<html><body>" + b"<div>" * 100_000 + b"x</body></html>", error="嵌套",
                                      bomb=True),
        "million-elements.html": Case(b"<html><body>" + b"<p>x" * 1_000_000 + b"</body></html>", error="元素过多",
                                      bomb=True),
        "huge-text-node.html": Case(b"<html><body><p>" + "报告".encode() * 3_000_000 + b"</p></body></html>",
                                    may_fail=True, bomb=True),
    }


def docx_cases() -> dict[str, Case]:
    good = samplefiles.docx_bytes()
    deep = "<w:tbl><w:tr><w:tc>" * 3000 + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * 3000
    deep_40 = "<w:tbl><w:tr><w:tc>" * 40 + "<w:p><w:r><w:t>1</w:t></w:r></w:p>" + "</w:tc></w:tr></w:tbl>" * 40
    # the compressed document.xml sits near the end of python-docx's archive (before the directory)
    info = zipfile.ZipFile(io.BytesIO(good)).getinfo("word/document.xml")
    start = (info.header_offset + 30 + len(info.filename) + info.compress_size // 2) / len(good)
    return {
        "truncated.docx": Case(good[: len(good) // 2], error="损坏"),
        "truncated-directory.docx": Case(good[:-10], error="损坏"),
        "corrupted-document-xml.docx": Case(flip(good, start, 64), error="损坏"),
        "deep-tables-3000.docx": Case(small_docx(deep), error="嵌套", bomb=True),
        "deep-tables-40.docx": Case(small_docx(deep_40), error="嵌套"),
    }


def text_cases() -> dict[str, Case]:
    import re

    seed = samplefiles.seed_text()
    no_numbers = re.sub(r"\d+(?:\.\d+)?", "若干", seed)
    return {
        "gbk-with-utf8-bom.txt": Case(b"\xef\xbb\xbf" + seed.encode("gb18030"), extra={"title": "集义庄乡"}),
        "gbk-labelled-utf8.txt": Case("编码：UTF-8\n".encode() + seed.encode("gb18030"),
                                      extra={"title": "集义庄乡"}),
        "numbers-replaced-by-text.txt": Case(no_numbers.encode(), findings=("GK204",)),
        "utf16-without-bom.txt": Case(seed.encode("utf-16-le"), extra={"title": "集义庄乡"}),
        "utf16be-without-bom.html": Case(("<html><body><p>" + seed.replace("\n", "</p><p>") + "</p></body></html>")
                                         .encode("utf-16-be"), fmt="html", extra={"title": "集义庄乡"}),
        "binary-noise.txt": Case(bytes(range(256)) * 64, error="不是文本"),
        # every number 30 digits long: no count, kept as printed and reported (a database integer holds 19)
        "numbers-of-30-digits.txt": Case(re.sub(r"\d+", "9" * 30, seed).encode(), findings=("GK204",)),
        # counts in the text thousands of digits long (Python's int() refuses more than 4,300)
        "counts-of-5000-digits.txt": Case(seed.replace("二、", f"本年共收到申请{'9' * 5000}件，行政复议{'8' * 5000}起，"
                                                              f"其中：{'7' * 4400}件、{'6' * 20}件。\n二、", 1).encode(),
                                          extra={"title": "集义庄乡"}),
        # 30 run-together digits for the 15 numbers of table 四: 77 million ways to split them
        "run-together-digits.txt": Case(("某县2023年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n"
                                         "行政复议\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
                                         "行政复议结果维持结果纠正其他结果尚未审结总计" + "1203" * 7 + "12\n").encode()),
        "nul-bytes.txt": Case(b"\0" * 100_000, error="不是文本"),
        # 60,000 section headings, each with a sum the checks read: choosing the headings and placing
        # each finding were quadratic (over a minute)
        "headings-60000.txt": Case(("某县2023年政府信息公开工作年度报告\n" + "\n".join(
            f"{'一二三四五六'[k % 6]}、总体情况\n共收到申请5件，其中：1件、2件。" for k in range(60_000))).encode(),
            may_fail=True, bomb=True),
    }


def ole2_fat_loop() -> bytes:
    """An OLE2 (.doc) container whose sector table loops, with the WordDocument stream said to start
    half a gigabyte into the mini stream: following the chain would spin for minutes."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<H", header, 0x1E, 9)
    struct.pack_into("<I", header, 0x2C, 1)
    struct.pack_into("<I", header, 0x30, 1)
    struct.pack_into("<109I", header, 0x4C, *([0] + [0xFFFFFFFF] * 108))
    fat = struct.pack("<128I", *([0xFFFFFFFD, 0xFFFFFFFE, 2] + [0xFFFFFFFF] * 125))  # sector 2 -> 2

    def entry(name: str, kind: int, start: int, length: int) -> bytes:
        e = bytearray(128)
        n = name.encode("utf-16-le") + b"\0\0"
        e[:len(n)] = n
        struct.pack_into("<H", e, 0x40, len(n))
        e[0x42] = kind
        struct.pack_into("<II", e, 0x74, start, length)
        return bytes(e)

    directory = entry("Root Entry", 5, 2, 64) + entry("WordDocument", 2, 0xFFFFFF00, 100) + bytes(256)
    return bytes(header) + fat + directory + bytes(512)


def legacy_cases() -> dict[str, Case]:
    return {"ole2-fat-loop.doc": Case(ole2_fat_loop(), error="无法")}


def mislabelled() -> dict[str, Case]:
    return {
        "really-a-pdf.docx": Case(samplefiles.pdf_bytes(max_blocks=12), fmt="pdf"),
        "really-a-docx.pdf": Case(samplefiles.docx_bytes(), fmt="docx"),
        "really-html.txt": Case(samplefiles.html_bytes(), fmt="html"),
        "really-text.html": Case(samplefiles.seed_text().encode(), fmt="text"),
        "really-a-docx.doc": Case(samplefiles.docx_bytes(), fmt="docx"),
    }


def mime_archive(html: bytes, charset: str = "utf-8") -> bytes:
    """A page saved as one file (.mht), as Word writes it: the page quoted-printable in a multipart."""
    import quopri

    return (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----=_NextPart_01"\r\n\r\n'
            b"------=_NextPart_01\r\nContent-Transfer-Encoding: quoted-printable\r\n"
            b'Content-Type: text/html; charset="' + charset.encode() + b'"\r\n\r\n' + quopri.encodestring(html) +
            b"\r\n------=_NextPart_01--\r\n")


def nested_mime(depth: int) -> bytes:
    out = [b"MIME-Version: 1.0\r\n"]
    out += [b'Content-Type: multipart/related; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(depth)]
    out.append(b"Content-Type: text/html\r\n\r\n<p>x</p>\r\n")
    out += [b"--b%d--\r\n" % i for i in reversed(range(depth))]
    return b"".join(out)


def odt_with(content: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                   'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry '
                   'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    return buf.getvalue()


def other_formats() -> dict[str, Case]:
    """Formats that are neither of the four, named as one of them, and the attacks they carry."""
    import openpyxl

    wb = io.BytesIO()
    openpyxl.Workbook().save(wb)
    xxe = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    return {
        "web-archive-report.doc": Case(mime_archive(samplefiles.html_bytes()), fmt="mht", extra={"title": "集义庄乡"}),
        "web-archive-300000-parts.mht": Case(b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n'
                                             + b"--b\r\nContent-Type: image/png\r\n\r\nx\r\n" * 300_000 + b"--b--\r\n",
                                             error="部件过多", bomb=True),
        "web-archive-nested-20000.mht": Case(nested_mime(20_000), error="部件过多"),
        "web-archive-without-page.mht": Case(b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
                                             b"--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n", error="MHT"),
        "odt-external-entity.odt": Case(odt_with(xxe + b"<office:document-content>&x;</office:document-content>"),
                                        error="DTD"),
        "wordml-external-entity.doc": Case(xxe.replace(b"?><!DOC", b'?><?mso-application progid="Word.Document"?><!DOC')
                                           + b"<w:wordDocument>&x;</w:wordDocument>", error="DTD"),
        # a section linked to a file and a linked picture: LibreOffice must not fetch either while converting
        "odt-linked-file.odt": Case(odt_with(
            b'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
            b'xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:xlink="http://www.w3.org/'
            b'1999/xlink" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" office:version="1.2"><office:body>'
            b"<office:text><text:p>\xe4\xb8\x80\xe3\x80\x81\xe6\x80\xbb\xe4\xbd\x93\xe6\x83\x85\xe5\x86\xb5</text:p>"
            b'<text:section text:name="S1"><text:section-source xlink:href="file:///etc/passwd" xlink:type="simple" '
            b'text:filter-name="Text"/><text:p>placeholder</text:p></text:section><text:p><draw:frame><draw:image '
            b'xlink:href="http://127.0.0.1:9/x.png" xlink:type="simple"/></draw:frame></text:p></office:text>'
            b"</office:body></office:document-content>"), may_fail=True),
        "really-an-excel-workbook.docx": Case(wb.getvalue(), error="Excel"),
        "really-a-png.pdf": Case(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, error="不是文本"),
    }


def more_structure() -> dict[str, Case]:
    """Spans and nestings far beyond any real table."""
    def cell(text: str, props: str = "") -> str:
        return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    wide = '<w:gridSpan w:val="999999999"/>'
    form = (b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X1 6 0 R >> >> "
            b"/Length 6 >>\nstream\n/X1 Do\nendstream")
    return {
        "gridspan-999999999.docx": Case(small_docx("<w:tbl>" + "".join(
            "<w:tr>" + cell("某某镇2023年政府信息公开工作年度报告", wide) + cell("1") + "</w:tr>" for _ in range(200))
            + "</w:tbl>"), may_fail=True),
        "span-99999999.html": Case(("<html><body><table>" + "<tr><td rowspan=99999999 colspan=99999999>1</td>"
                                    "<td colspan=65534>2</td></tr>" * 300 + "</table></body></html>").encode(),
                                   may_fail=True),
        "pdf-form-draws-itself.pdf": Case(minimal_pdf(b"/X1 Do", extra_objects=[form],
                                                      resources=b"<< /XObject << /X1 6 0 R >> >>"), may_fail=True),
        "pdf-arrays-200000-deep.pdf": Case(minimal_pdf(b"[" * 200_000 + b"(x)" + b"]" * 200_000 + b" TJ"),
                                           may_fail=True),
        "rtf-groups-500000-deep.rtf": Case(b"{\\rtf1 " + b"{" * 500_000 + b"x" + b"}" * 500_000 + b"}",
                                           may_fail=True, bomb=True),
    }


def build_all(folder: Path) -> dict[str, Case]:
    cases: dict[str, Case] = {}
    for group in (zip_bombs, xml_attacks, pdf_cases, html_cases, docx_cases, text_cases, legacy_cases, mislabelled,
                  other_formats, more_structure):
        cases.update(group())
    folder.mkdir(parents=True, exist_ok=True)
    for name, case in cases.items():
        (folder / name).write_bytes(case.data)
    return cases


def sparse_zeros(path: Path, size: int = 1 << 30) -> Path:
    """A file of ``size`` zero bytes that takes no disk space (never committed, never read)."""
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path
