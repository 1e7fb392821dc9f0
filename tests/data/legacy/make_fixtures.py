"""Makes the binary fixtures of this folder (run by hand; the tests only read the results).

* ``encrypted.docx``: a .docx saved with the password "gongkai" (needs ``pip install
  msoffcrypto-tool``): an OLE2 container with an ``EncryptedPackage`` stream.
* ``plain.doc``: a small Word 97-2003 file made by LibreOffice from a python-docx document.
* ``encrypted-flag.doc``: ``plain.doc`` with the FIB's fEncrypted bit set, as Word sets it for
  a .doc with an opening password (the content is not really encrypted; only the flag is read).
"""

from __future__ import annotations

import io
import struct
import subprocess
import tempfile
from pathlib import Path

import docx

HERE = Path(__file__).parent


def small_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("某某局2021年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "行政许可"
    t.cell(0, 1).text = "12"
    t.cell(1, 0).text = "行政处罚"
    t.cell(1, 1).text = "3"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def encrypted_docx() -> None:
    import msoffcrypto.format.ooxml as ooxml  # type: ignore[import-not-found]

    out = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(small_docx())).encrypt("gongkai", out)
    (HERE / "encrypted.docx").write_bytes(out.getvalue())


def plain_doc() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "plain.docx"
        src.write_bytes(small_docx())
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--convert-to", "doc", "--outdir", tmp, str(src)], check=True, timeout=120)
        (HERE / "plain.doc").write_bytes((Path(tmp) / "plain.doc").read_bytes())


def encrypted_flag_doc() -> None:
    data = bytearray((HERE / "plain.doc").read_bytes())
    offset = word_document_offset(bytes(data))
    flags, = struct.unpack_from("<H", data, offset + 0x0A)
    struct.pack_into("<H", data, offset + 0x0A, flags | 0x0100)
    (HERE / "encrypted-flag.doc").write_bytes(bytes(data))


def word_document_offset(data: bytes) -> int:
    """File offset of the WordDocument stream's first sector."""
    size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    n_fat = struct.unpack_from("<I", data, 0x2C)[0]
    fat_sectors = struct.unpack_from("<109I", data, 0x4C)[:n_fat]
    fat = []
    for s in fat_sectors:
        fat += struct.unpack_from(f"<{size // 4}I", data, (s + 1) * size)
    found = {}
    sector = struct.unpack_from("<I", data, 0x30)[0]
    while sector < 0xFFFFFFF0:
        directory = data[(sector + 1) * size:(sector + 2) * size]
        for off in range(0, len(directory), 128):
            entry = directory[off:off + 128]
            n = struct.unpack_from("<H", entry, 0x40)[0]
            found[entry[:max(n - 2, 0)].decode("utf-16-le")] = struct.unpack_from("<II", entry, 0x74)
        sector = fat[sector]
    start, length = found["WordDocument"]
    if length >= 4096:
        return (start + 1) * size
    # a small stream: 64-byte sectors inside the root entry's sectors
    root = found["Root Entry"][0]
    for _ in range(start * 64 // size):
        root = fat[root]
    return (root + 1) * size + start * 64 % size


if __name__ == "__main__":
    encrypted_docx()
    plain_doc()
    encrypted_flag_doc()
