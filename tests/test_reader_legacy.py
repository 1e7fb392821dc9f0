"""The .doc/.wps/.rtf reader (through LibreOffice). Tests that convert need LibreOffice and are
skipped without it; the error without LibreOffice and the encryption checks run everywhere."""

from __future__ import annotations

import io
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx as pydocx
import pytest

from gongkai.document import Paragraph, Source
from gongkai.errors import LimitExceeded, ReadError
from gongkai.limits import DEFAULT_LIMITS, Limits
from gongkai.location import Location
from gongkai.readers import legacy, read_bytes, read_path, sniff

DATA = Path(__file__).parent / "data" / "legacy"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

SOFFICE = legacy.find_soffice()
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")


def source(fmt: str) -> Source:
    return Source(path=None, sha256="0" * 64, format=fmt)


def report_docx() -> bytes:
    d = pydocx.Document()
    d.add_paragraph("某某县人民政府办公室2021年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(0, 3)).text = "第二十条第（六）项"
    t.cell(1, 0).text = "行政处罚"
    t.cell(1, 1).merge(t.cell(1, 3)).text = "56"
    t.cell(2, 0).paragraphs[0].add_run("商业")
    t.cell(2, 0).add_paragraph("企业")
    t.cell(2, 1).merge(t.cell(2, 2)).text = "7"
    t.cell(2, 3).text = "８"
    d.add_paragraph("三、收到和处理政府信息公开申请情况")  # (tables side by side become one in a .doc)
    t2 = d.add_table(rows=2, cols=2)
    t2.cell(0, 0).merge(t2.cell(1, 0)).text = "（三）不予公开"
    t2.cell(0, 1).text = "1.属于国家秘密"
    t2.cell(1, 1).text = "2.其他法律行政法规禁止公开"
    d.add_paragraph("六、其他需要报告的事项")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


EXPECTED_ROWS = [
    (0, ["第二十条第（六）项"]),
    (0, ["行政处罚", "56"]),
    (0, ["商业\n企业", "7", "８"]),
    (1, ["（三）不予公开", "1.属于国家秘密"]),
    (1, ["", "2.其他法律行政法规禁止公开"]),
]
EXPECTED_PARAGRAPHS = ["某某县人民政府办公室2021年政府信息公开工作年度报告", "一、总体情况",
                       "三、收到和处理政府信息公开申请情况", "六、其他需要报告的事项"]


def convert(data: bytes, suffix: str, target: str) -> bytes:
    """Make a test input with LibreOffice itself (not through the code under test)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"in{suffix}"
        src.write_bytes(data)
        subprocess.run([SOFFICE, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless",
                        "--convert-to", target, "--outdir", tmp, str(src)],
                       check=True, timeout=180, capture_output=True)
        return (Path(tmp) / f"in.{target.split(':')[0]}").read_bytes()


@pytest.fixture(scope="module")
def doc_bytes() -> bytes:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    return convert(report_docx(), ".docx", "doc")


# ---------------------------------------------------------------------------------------------
# without LibreOffice


def test_missing_libreoffice_says_how_to_install(monkeypatch):
    monkeypatch.setattr(legacy, "find_soffice", lambda: None)
    with pytest.raises(ReadError) as err:
        read_bytes((DATA / "plain.doc").read_bytes(), "report.doc")
    assert err.value.reason == "needs-libreoffice"
    assert "未安装 LibreOffice" in err.value.zh
    assert "apt-get install libreoffice-writer" in err.value.zh
    assert "LibreOffice" in err.value.en


def test_soffice_override_that_does_not_exist(monkeypatch):
    monkeypatch.setenv("GONGKAI_SOFFICE", "/nonexistent/soffice")
    assert legacy.find_soffice() is None
    with pytest.raises(ReadError) as err:
        legacy.read(b"{\\rtf1 hello}", source("rtf"), DEFAULT_LIMITS)
    assert err.value.reason == "needs-libreoffice"


def test_password_protected_docx_detected_without_converting(monkeypatch):
    monkeypatch.setattr(legacy, "find_soffice", lambda: pytest.fail("must not convert"))
    data = (DATA / "encrypted.docx").read_bytes()
    assert sniff(data, "report.docx") == "doc"  # an OLE2 container, not a zip
    with pytest.raises(ReadError) as err:
        read_bytes(data, "report.docx")
    assert err.value.reason == "encrypted"
    assert "加密" in err.value.zh


def test_encrypted_doc_flag_detected(monkeypatch):
    monkeypatch.setattr(legacy, "find_soffice", lambda: pytest.fail("must not convert"))
    with pytest.raises(ReadError) as err:
        legacy.read((DATA / "encrypted-flag.doc").read_bytes(), source("doc"), DEFAULT_LIMITS)
    assert err.value.reason == "encrypted"


def test_encryption_checks_on_plain_and_damaged_files():
    assert legacy.is_encrypted((DATA / "encrypted.docx").read_bytes())
    assert legacy.is_encrypted((DATA / "encrypted-flag.doc").read_bytes())
    assert not legacy.is_encrypted((DATA / "plain.doc").read_bytes())
    assert not legacy.is_encrypted(OLE2 + b"\xff" * 600)  # nonsense header: no crash
    assert not legacy.is_encrypted((DATA / "plain.doc").read_bytes()[:1500])  # truncated


def test_neither_ole_nor_rtf():
    with pytest.raises(ReadError) as err:
        legacy.read(b"just some text", source("doc"), DEFAULT_LIMITS)
    assert err.value.reason == "corrupt"
    with pytest.raises(ReadError) as err:
        legacy.read(b"", source("doc"), DEFAULT_LIMITS)
    assert err.value.reason == "empty"


def test_doc_that_is_really_a_docx():
    blocks = legacy.read(report_docx(), source("doc"), DEFAULT_LIMITS).blocks
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == EXPECTED_PARAGRAPHS


# ---------------------------------------------------------------------------------------------
# through LibreOffice


def rows(doc):
    return [(r.table, [c.text for c in r.cells]) for r in doc.rows()]


@needs_soffice
@pytest.mark.slow
def test_doc_through_libreoffice(doc_bytes, tmp_path):
    assert doc_bytes.startswith(OLE2)
    path = tmp_path / "报告.doc"
    path.write_bytes(doc_bytes)
    doc = read_path(path)
    assert doc.source.format == "doc"
    assert doc.source.path == str(path)
    assert [p.text for p in doc.paragraphs()] == EXPECTED_PARAGRAPHS
    assert rows(doc) == EXPECTED_ROWS
    assert doc.rows()[1].cells[1].at == Location(table=1, row=2, cell=2)


@needs_soffice
@pytest.mark.slow
def test_wps_through_libreoffice(doc_bytes):
    doc = read_bytes(doc_bytes, "report.wps")
    assert doc.source.format == "wps"
    assert rows(doc) == EXPECTED_ROWS


@needs_soffice
@pytest.mark.slow
def test_rtf_through_libreoffice():
    data = convert(report_docx(), ".docx", "rtf")
    assert data.startswith(b"{\\rtf")
    doc = read_bytes(data, "report.rtf")
    assert doc.source.format == "rtf"
    assert [p.text for p in doc.paragraphs()] == EXPECTED_PARAGRAPHS
    assert rows(doc) == EXPECTED_ROWS


@needs_soffice
@pytest.mark.slow
@pytest.mark.parametrize(("target", "fmt", "name"), [
    ("odt", "odt", "报告.odt"),
    ("xml:MS Word 2003 XML", "wordml", "报告.doc"),  # Word 2003 XML saved under a .doc name
])
def test_opendocument_and_word_2003_xml_through_libreoffice(target, fmt, name):
    data = convert(report_docx(), ".docx", target)
    assert sniff(data, name) == fmt
    doc = read_bytes(data, name)
    assert doc.source.format == fmt
    assert [p.text for p in doc.paragraphs()] == EXPECTED_PARAGRAPHS
    if fmt == "odt":
        assert rows(doc) == EXPECTED_ROWS
    else:  # LibreOffice's Word 2003 XML import drops the place of a vertically merged cell
        assert rows(doc)[:4] == EXPECTED_ROWS[:4]
        assert "2.其他法律行政法规禁止公开" in rows(doc)[4][1]


def test_opendocument_and_word_2003_xml_with_a_dtd_are_refused_before_converting(monkeypatch):
    monkeypatch.setattr(legacy, "find_soffice", lambda: pytest.fail("must not convert"))
    dtd = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", dtd + b"<office:document-content>&x;</office:document-content>")
    odt = buf.getvalue()
    wordml = dtd.replace(b"?><!DOC", b'?><?mso-application progid="Word.Document"?><!DOC') + b"<w:wordDocument>&x;</w:wordDocument>"
    utf16 = wordml.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16")
    for data, fmt in ((odt, "odt"), (wordml, "wordml"), (utf16, None)):
        if fmt:
            assert sniff(data, "x.doc") == fmt
        with pytest.raises(ReadError, match="DTD"):
            legacy.read(data, source(fmt or "wordml"), DEFAULT_LIMITS)


@needs_soffice
@pytest.mark.slow
def test_hand_written_rtf():
    data = "{\\rtf1\\ansi\\ansicpg936 {\\fonttbl{\\f0 SimSun;}}\\f0 \\'d2\\'bb\\'a1\\'a2\\'d7\\'dc\\'cc\\'e5\\'c7\\'e9\\'bf\\'f6\\par}"
    doc = legacy.read(data.encode("ascii"), source("rtf"), DEFAULT_LIMITS)
    assert [p.text for p in doc.paragraphs()] == ["一、总体情况"]


@needs_soffice
@pytest.mark.slow
def test_corrupt_doc_through_libreoffice():
    data = OLE2 + b"\x00" * 24 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + b"\x00" * 2000
    with pytest.raises(ReadError) as err:
        legacy.read(data, source("doc"), DEFAULT_LIMITS)
    assert err.value.reason == "corrupt"
    assert "LibreOffice" in err.value.zh


@needs_soffice
@pytest.mark.slow
def test_conversion_timeout(doc_bytes):
    with pytest.raises(LimitExceeded) as err:
        legacy.read(doc_bytes, source("doc"), Limits(max_seconds=0.05))
    assert "超时" in err.value.zh
    # the profile of the killed instance is not reused: the next conversion works
    assert rows(legacy.read(doc_bytes, source("doc"), DEFAULT_LIMITS)) == EXPECTED_ROWS


@needs_soffice
@pytest.mark.slow
def test_parallel_conversions_do_not_collide(doc_bytes):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=3) as pool:
        docs = list(pool.map(lambda _: legacy.read(doc_bytes, source("doc"), DEFAULT_LIMITS), range(3)))
    assert all(rows(d) == EXPECTED_ROWS for d in docs)


@needs_soffice
def test_official_template_as_doc():
    template = Path(__file__).parents[1].parent / "shared/reference/official-2021-template.docx"
    if not template.exists():
        pytest.skip(f"official template not found at {template}")
    doc = legacy.read(convert(template.read_bytes(), ".docx", "doc"), source("doc"), DEFAULT_LIMITS)
    table3 = [[c.text for c in r.cells] for r in doc.rows() if r.table == 1]
    assert len(table3) == 28
    assert table3[7] == ["", "（三）不予公开", "1.属于国家秘密"] + [""] * 7


def test_no_stray_profiles_after_cleanup():
    kept = list(legacy._profiles.values())
    legacy._cleanup_profiles()
    assert not legacy._profiles
    assert all(not p.exists() for p in kept)

