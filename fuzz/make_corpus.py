"""Write the seed corpora the fuzzers start from into fuzz/corpus/<reader>/ (git-ignored).

    python fuzz/make_corpus.py [--out fuzz/corpus]

Every seed is made here from the plain-text seed reports of tests/data/seeds (and the small
fixtures of tests/data), so no binary file has to be committed.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import samplefiles  # noqa: E402

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

SMALL_BODY = (
    '<w:p><w:r><w:t>某某镇人民政府2023年政府信息公开工作年度报告</w:t></w:r></w:p>'
    '<w:p><w:r><w:t>一、总体情况</w:t></w:r><w:r><w:br/><w:t xml:space="preserve"> 共收到申请</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>12</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    '<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>'
    '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>信息内容</w:t></w:r></w:p></w:tc>'
    '<w:tc><w:p><w:r><w:t>本年新制作数量</w:t></w:r></w:p></w:tc></w:tr>'
    '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>规章</w:t></w:r></w:p></w:tc>'
    '<w:tc><w:p><w:r><w:t>0</w:t></w:r></w:p></w:tc><w:tc><w:p><w:ins><w:r><w:t>3</w:t></w:r></w:ins>'
    '<w:del><w:r><w:delText>4</w:delText></w:r></w:del></w:p>'
    '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>内表</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr>'
    '<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:sym w:char="0031"/></w:r></w:p></w:tc>'
    '<w:tc><w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r><w:r><w:t>5</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    '<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    '<mc:Choice Requires="wps"><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></mc:Choice>'
    '<mc:Fallback><w:t>旧</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>'
    '<w:sdt><w:sdtContent><w:p><w:r><w:t>二、主动公开政府信息情况</w:t></w:r></w:p></w:sdtContent></w:sdt>'
)


def small_docx(body: str = SMALL_BODY) -> bytes:
    """A hand-made .docx with only the parts the reader looks at (stored, so mutations hit the XML)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml",
                   f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}"><w:body>'
                   f"{body}</w:body></w:document>")
    return buf.getvalue()


def tiny_pdf() -> bytes:
    """One page by hand: a title, a ruled 2x3 table with numbers, a form drawn twice, a Flate stream."""
    import zlib

    from hostile import minimal_pdf

    content = (b"BT /F1 12 Tf 72 760 Td (2023 Annual Report) Tj ET\n"
               b"0.5 w 72 700 m 372 700 l S 72 680 m 372 680 l S 72 660 m 372 660 l S\n"
               b"72 660 m 72 700 l S 222 660 m 222 700 l S 372 660 m 372 700 l S\n"
               b"BT /F1 9 Tf 80 686 Td (Licensing) Tj 150 0 Td (12) Tj ET\n"
               b"BT /F1 9 Tf 80 666 Td [(Penal) 20 (ty)] TJ 150 0 Td (3) Tj ET\n"
               b"q 1 0 0 1 0 -100 cm /X Do Q q /X Do Q\n")
    form = b"BT /F1 8 Tf 80 600 Td (page 1) Tj ET"
    packed = zlib.compress(form)
    extra = [b"<< /Type /XObject /Subtype /Form /BBox [0 0 600 800] /Resources << /Font << /F1 5 0 R >> >> "
             b"/Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (len(packed), packed)]
    return minimal_pdf(content, extra_objects=extra,
                       resources=b"<< /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >>")


def _mime(page: bytes, transfer: str, charset: str = "utf-8") -> bytes:
    """A page saved as one file (.mht): MIME headers, the page, a picture."""
    import base64
    import quopri

    body = quopri.encodestring(page) if transfer == "quoted-printable" else base64.encodebytes(page)
    return (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="=_b"\r\n\r\n--=_b\r\n'
            b"Content-Transfer-Encoding: " + transfer.encode() + b'\r\nContent-Type: text/html; charset="'
            + charset.encode() + b'"\r\n\r\n' + body + b"\r\n--=_b\r\nContent-Type: image/png\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--=_b--\r\n")


def _odt() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
                   'opendocument:xmlns:office:1.0"><office:body><office:text/></office:body></office:document-content>')
    return buf.getvalue()


_WORDML = (b'<?xml version="1.0"?><?mso-application progid="Word.Document"?><w:wordDocument xmlns:w="http://schemas.'
           b'microsoft.com/office/word/2003/wordml"><w:body><w:p><w:r><w:t>report</w:t></w:r></w:p></w:body>'
           b"</w:wordDocument>")


def seeds() -> dict[str, list[bytes]]:
    texts = [p.read_text(encoding="utf-8") for p in samplefiles.SEEDS]
    data = ROOT / "tests" / "data"
    out: dict[str, list[bytes]] = {
        "text": [t.encode("utf-8") for t in texts] + [texts[1].encode("gb18030"), texts[2].encode("utf-16"),
                                                       b"\xef\xbb\xbf" + texts[3][:2000].encode("utf-8")],
        "html": [samplefiles.html_bytes(texts[1]), samplefiles.html_bytes(texts[3], charset="gb2312", encoding="gb18030")]
        + [p.read_bytes() for p in sorted((data / "html").glob("*.html"))],
        "docx": [small_docx(), samplefiles.docx_bytes(texts[1])],
        # small PDFs: pdfminer costs ~50 µs a character, and more so instrumented
        "pdf": [tiny_pdf(), samplefiles.pdf_bytes(texts[1], max_blocks=6)],
        "legacy": [(data / "legacy" / "plain.doc").read_bytes(), (data / "legacy" / "encrypted-flag.doc").read_bytes(),
                   (data / "legacy" / "encrypted.docx").read_bytes(), samplefiles.rtf_bytes(texts[1])],
    }
    out["mht"] = [_mime(out["html"][0], "quoted-printable"), _mime(out["html"][1], "base64", "gb2312")]
    out["any"] = [blobs[0] for blobs in out.values()] + [_odt(), _WORDML]
    out["legacy-lo"] = out["legacy"]
    return out


def write(root: Path, only: str | None = None) -> dict[str, int]:
    counts = {}
    for reader, blobs in seeds().items():
        if only and reader != only:
            continue
        d = root / reader
        d.mkdir(parents=True, exist_ok=True)
        for blob in blobs:
            (d / f"seed-{hashlib.sha1(blob, usedforsecurity=False).hexdigest()[:16]}").write_bytes(blob)
        counts[reader] = len(blobs)
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "corpus"))
    ap.add_argument("--reader", default=None)
    args = ap.parse_args()
    for reader, n in write(Path(args.out), args.reader).items():
        print(f"{reader}: {n} seeds in {Path(args.out) / reader}")


if __name__ == "__main__":
    main()
