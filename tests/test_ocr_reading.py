"""Scanned reports read by the readers: a whole report typeset here with numbers chosen by hand
(tests/scans.py), printed and scanned (pages turned by -0.8 and 1.5 degrees, paper noise, JPEG in a
PDF with no text layer), read through the sandbox the API uses and through ``gongkai check``; tables
pasted as pictures into a Word document and web pages; OCR's time off the file's clock.

OCR costs a few seconds a page on one core, so each scan is read once per module."""

from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
import time
import unicodedata
from dataclasses import replace
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image

from gongkai import readers
from gongkai.document import Document, Row
from gongkai.errors import LimitExceeded, ReadError
from gongkai.limits import Limits
from gongkai.location import Location
from gongkai.pipeline import Processed, default_sandbox
from gongkai.readers import file_seconds, may_need_ocr, off_the_clock, read_bytes, time_limit

import scans
from reportgen import APPLICANT_KEYS, APPLICATION_ROWS

ROOT = Path(__file__).resolve().parents[1]
REVIEW_GROUPS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_KEYS = ("upheld", "corrected", "other", "pending", "total")
ACTIVE_COLUMNS = {"regulations": ["issued", "repealed", "in_force"],
                  "normative_documents": ["issued", "repealed", "in_force"],
                  "licensing": ["decisions"], "penalty": ["decisions"], "coercion": ["decisions"], "fees": ["amount"]}

# The report: the numbers of tests/scans.py, 行政处罚's number printed faint, and one sentence that
# disagrees with table 三 (78 new applications said, 75 in the table), for a narrative rule to find.
SPEC = scans.ScanSpec(faint=scans.FAINT_CELL,
                      body={**scans.BODY, 3: "本年度新收政府信息公开申请78件，办结75件。"})


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def is_number(text: str) -> bool:
    return norm(text).replace(".", "", 1).isdigit()


@pytest.fixture(scope="module")
def printed() -> bytes:
    return scans.printed(SPEC)


@pytest.fixture(scope="module")
def scan(printed: bytes) -> bytes:
    return scans.scanned(printed, SPEC.turns, SPEC.seed)


@pytest.fixture(scope="module")
def processed(scan: bytes) -> Processed:
    """The scan read, extracted and checked in a worker of the sandbox the API uses."""
    done = default_sandbox().run(scan, "scan.pdf", Limits(), document=True)
    assert done.failure is None, done.failure
    return done


@pytest.fixture(scope="module")
def text_doc(printed: bytes) -> Document:
    return read_bytes(printed, "printed.pdf")


def scan_doc(processed: Processed) -> Document:
    assert processed.document is not None
    return processed.document


# --- the scanned report ---------------------------------------------------------------------------


def test_scan_has_no_text_layer(scan: bytes) -> None:
    with pdfplumber.open(io.BytesIO(scan)) as pdf:
        assert len(pdf.pages) == 2
        assert all(not page.chars and page.images for page in pdf.pages)


def test_hand_chosen_values_are_read(processed: Processed) -> None:
    report = processed.report
    assert report is not None and report.source.format == "pdf"
    assert (report.agency, report.year, str(report.date)) == ("某某县人民政府办公室", 2024, "2025-01-20")
    # a few by hand, from the printed tables
    assert report.value("applications.new_received.total") == 75
    assert report.value("applications.carried_over.natural_person") == 6
    assert report.value("applications.unavailable_not_held.legal_service") == 1
    assert report.value("applications.declined_duplicate.other_org") == 1
    assert report.value("applications.carried_forward.total") == 7
    assert report.value("active.normative_documents.in_force") == 57
    assert report.value("active.licensing.decisions") == 386
    assert report.value("active.fees.amount") == 6.8
    assert report.value("review_litigation.review.other") == 2
    assert report.value("review_litigation.litigation_after_review.corrected") == 1
    # and every cell of the three tables
    wrong = []
    for row, _, _ in APPLICATION_ROWS["2021"]:
        for col, value in zip(APPLICANT_KEYS, SPEC.applications.get(row, [0] * 7), strict=True):
            if report.value(f"applications.{row}.{col}") != value:
                wrong.append((row, col, value, report.value(f"applications.{row}.{col}")))
    for row, cols in ACTIVE_COLUMNS.items():
        for col, value in zip(cols, SPEC.active[row], strict=True):
            if report.value(f"active.{row}.{col}") != value:
                wrong.append((row, col, value, report.value(f"active.{row}.{col}")))
    for k, value in enumerate(SPEC.review):
        ref = f"review_litigation.{REVIEW_GROUPS[k // 5]}.{REVIEW_KEYS[k % 5]}"
        if report.value(ref) != value:
            wrong.append((ref, value, report.value(ref)))
    assert wrong == []


def test_tables_laid_out_as_the_pdf_reader_lays_out_ruled_tables(processed: Processed, text_doc: Document) -> None:
    scanned, printed = scan_doc(processed).rows(), text_doc.rows()
    assert [(r.at, r.table, len(r.cells)) for r in scanned] == [(r.at, r.table, len(r.cells)) for r in printed]
    assert scanned[0].at == Location(page=1, table=1, row=1)
    assert scanned[-1].at == Location(page=2, table=2, row=4)  # table 四's numbers, on the turned page
    # table 三 goes on from page 1 to page 2 as one table
    assert {r.table for r in scanned if r.at.page == 2 and r.at.table == 1} == {r.table for r in scanned
                                                                                 if r.at.page == 1 and r.at.table == 2}
    for s, p in zip(scanned, printed, strict=True):
        for sc, pc in zip(s.cells, p.cells, strict=True):
            assert sc.at == pc.at
            if is_number(pc.text) or not pc.text:
                assert sc.text == pc.text, (pc.at, pc.text, sc.text)


def test_narrative_is_read_into_paragraphs(processed: Processed, text_doc: Document) -> None:
    scanned = [norm(p.text) for p in scan_doc(processed).paragraphs()]
    assert scanned[:3] == [norm("某某县人民政府办公室"), norm("2024年政府信息公开工作年度报告"), norm("一、总体情况")]
    # the overview, wrapped over two printed lines, is one paragraph again, its numbers as printed
    assert norm(scans.BODY[1]) in scanned
    assert norm(SPEC.body[3]) in scanned
    assert len(scanned) == len(text_doc.paragraphs())
    assert [p.at for p in scan_doc(processed).paragraphs()] == [p.at for p in text_doc.paragraphs()]


def test_source_says_what_was_read_by_ocr(processed: Processed, text_doc: Document) -> None:
    ocr = scan_doc(processed).source.ocr
    assert ocr is not None
    assert ocr.pages == [1, 2] and ocr.unread_pages == []
    assert ocr.engine.startswith("RapidOCR 3.") and "PP-OCRv6" in ocr.engine
    assert 0.0 < ocr.confidence <= 0.5 < ocr.mean_confidence <= 1.0  # the faint cell is the least sure
    assert processed.report is not None and processed.report.source.ocr == ocr
    assert ocr.to_json()["pages"] == [1, 2]
    assert text_doc.source.ocr is None


def test_faint_cell_carries_its_doubt_and_its_crop(processed: Processed) -> None:
    rows = scan_doc(processed).rows()
    (penalty,) = [r for r in rows if r.cells[0].text == "行政处罚"]
    cell = penalty.cells[1]
    assert cell.text == "1274"
    assert cell.doubt == "faint" and cell.confidence is not None and cell.confidence <= 0.5
    assert cell.crop is not None
    with Image.open(io.BytesIO(cell.crop)) as crop:
        assert crop.format == "PNG" and crop.mode == "L"
        assert 600 < crop.width < 720 and 20 < crop.height < 60  # the cell merged across three columns
    assert processed.report is not None and processed.report.value("active.penalty.decisions") == 1274
    # every other number was read with confidence, and keeps no crop
    others = [c for r in rows for c in r.cells if is_number(c.text) and c is not cell]
    assert len(others) > 150
    assert [(c.at, c.text, c.doubt) for c in others if c.doubt is not None or c.crop is not None] == []
    assert all(c.confidence is not None and c.confidence >= 0.9 for c in others)


def test_narrative_rules_run_on_the_scan(processed: Processed, printed: bytes) -> None:
    on_paper = default_sandbox().run(printed, "printed.pdf", Limits())
    found = {(f.code, f.message) for f in processed.findings if not f.code.startswith("GK7")}
    assert found == {(f.code, f.message) for f in on_paper.findings}
    assert any(code == "GK401" and "78" in message and "75" in message for code, message in found)


def test_gongkai_check_reads_the_scan(scan: bytes, tmp_path: Path) -> None:
    path = tmp_path / "扫描件.pdf"
    path.write_bytes(scan)
    env = dict(os.environ, PYTHONUTF8="1", PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "check", str(path)], capture_output=True,
                          cwd=ROOT, env=env, timeout=300, check=False)
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 1, (out, err)  # read, and the narrative's 78 is an error-severity finding
    assert "Traceback" not in out + err and "扫描版" not in out + err
    assert f"{path}:p" in out and "GK401 error" in out
    assert "共检查 1 份报告" in out


def test_a_text_layer_pdf_does_not_load_ocr(printed: bytes, tmp_path: Path) -> None:
    path = tmp_path / "printed.pdf"
    path.write_bytes(printed)
    code = ("import sys; from gongkai.readers import read_path; doc = read_path(sys.argv[1]); "
            "assert doc.source.ocr is None and doc.rows(); "
            "print(sorted(m for m in sys.modules if m.startswith(('gongkai.ocr.', 'rapidocr', 'cv2', 'onnxruntime'))))")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, cwd=ROOT, timeout=120,
                          check=True)
    assert proc.stdout.decode().strip() == "['gongkai.ocr.result', 'gongkai.ocr.settings', 'gongkai.ocr.textlayer']"


# --- mixed, unread, too many ----------------------------------------------------------------------


def mixed(printed: bytes, scan: bytes) -> bytes:
    """Page 1 with its text layer, page 2 scanned."""
    out = pdfium.PdfDocument.new()
    out.import_pages(pdfium.PdfDocument(printed), [0])
    out.import_pages(pdfium.PdfDocument(scan), [1])
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def test_only_pages_without_text_are_ocrd_and_a_table_goes_on_across_them(printed: bytes, scan: bytes,
                                                                         text_doc: Document) -> None:
    doc = read_bytes(mixed(printed, scan), "mixed.pdf")
    assert doc.source.ocr is not None and doc.source.ocr.pages == [2]
    assert doc.meta["scanned_pages"] == "2"
    page1 = [r for r in doc.rows() if r.at.page == 1]
    assert [c.confidence for r in page1 for c in r.cells] == [None] * sum(len(r.cells) for r in page1)
    t3 = {r.table for r in doc.rows() if r.at.page == 1 and r.at.table == 2}
    assert {r.table for r in doc.rows() if r.at.page == 2 and r.at.table == 1} == t3
    assert [[c.text for c in r.cells] for r in doc.rows() if r.at.page == 2][-1] == [str(v) for v in SPEC.review]


def test_a_page_ocr_gave_up_on_is_noted(printed: bytes, scan: bytes) -> None:
    hasty = replace(Limits(), max_ocr_seconds_per_page=0.001)
    doc = read_bytes(mixed(printed, scan), "mixed.pdf", hasty)
    assert doc.source.ocr is not None
    assert (doc.source.ocr.pages, doc.source.ocr.unread_pages) == ([2], [2])
    assert doc.rows() and all(r.at.page == 1 for r in doc.rows())  # page 1 is read all the same
    with pytest.raises(LimitExceeded, match="文字识别（OCR）超时"):
        read_bytes(scan, "scan.pdf", hasty)


def test_too_many_scanned_pages_or_too_large_a_scan_refuse_the_file(scan: bytes) -> None:
    with pytest.raises(LimitExceeded, match="扫描页过多"):
        read_bytes(scan, "scan.pdf", replace(Limits(), max_ocr_pages=1))
    # each page is an image of 1241 x 1754 pixels: refused from its dictionary, before PDFium decodes it
    with pytest.raises(LimitExceeded, match="第 1 页的扫描图片过大（1241×1754 像素）"):
        read_bytes(scan, "scan.pdf", replace(Limits(), max_ocr_pixels=2_000_000))


def test_a_scan_ocr_reads_nothing_from_is_refused() -> None:
    blank = io.BytesIO()
    Image.new("L", (1241, 1754), 250).save(blank, "PDF", resolution=150)
    with pytest.raises(ReadError) as err:
        read_bytes(blank.getvalue(), "blank.pdf")
    assert err.value.reason == "scanned"
    assert err.value.zh.startswith("这是扫描版 PDF（没有文字层），文字识别（OCR）没有从中读出文字")


# --- OCR's time, off the file's clock -------------------------------------------------------------


def busy(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_ocr_time_does_not_count_against_the_files_limit() -> None:
    with time_limit(0.3) as limit:
        with off_the_clock(5.0):
            busy(0.6)  # longer than the file's limit, within OCR's own
        busy(0.1)
    assert 0.55 < limit.extra < 1.5
    assert not limit.over()


def test_work_off_the_clock_still_ends_when_it_overruns_its_own_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "OCR_MARGIN", 0.1)
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match="处理超时"), time_limit(0.2), off_the_clock(0.2):
        busy(5)
    assert time.monotonic() - started < 4


def test_file_seconds_give_room_to_files_that_may_need_ocr(scan: bytes) -> None:
    limits = Limits()
    assert limits.max_seconds == 60 and limits.max_ocr_seconds == 240
    assert file_seconds(scan, limits) == 60 + 240 + readers.OCR_MARGIN
    assert file_seconds("一、总体情况\n本年度收到申请3件。".encode(), limits) == 60
    assert not may_need_ocr(b"<html><body><p>\xe6\x8a\xa5\xe5\x91\x8a</p></body></html>")
    assert may_need_ocr(b'<html><body><p>x</p><IMG src="a.png"></body></html>')


# --- pictures of tables in Word documents and web pages ---------------------------------------------


@pytest.fixture(scope="module")
def table_picture(printed: bytes) -> bytes:
    """Table 二 of the printed report as a PNG at 150 dpi, as pasted into a document."""
    with pdfplumber.open(io.BytesIO(printed)) as pdf:
        x0, top, x1, bottom = pdf.pages[0].find_tables()[0].bbox
    page = pdfium.PdfDocument(printed)[0]
    s = scans.DPI / 72
    img = page.render(scale=s, grayscale=True).to_pil().convert("L")
    out = io.BytesIO()
    img.crop((int((x0 - 4) * s), int((top - 4) * s), int((x1 + 4) * s), int((bottom + 4) * s))).save(out, "PNG")
    return out.getvalue()


def active_rows_read(doc: Document) -> dict[str, list[str]]:
    return {r.cells[0].text: [c.text for c in r.cells[1:]] for r in doc.rows()
            if r.cells[0].text in ("规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费")}


EXPECTED_ACTIVE = {"规章": ["2", "1", "9"], "行政规范性文件": ["13", "4", "57"], "行政许可": ["386"],
                   "行政处罚": ["1274"], "行政强制": ["45"], "行政事业性收费": ["6.8"]}


def test_picture_of_a_table_in_a_word_document(table_picture: bytes) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("二、主动公开政府信息情况")
    d.add_picture(io.BytesIO(table_picture))
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    buf = io.BytesIO()
    d.save(buf)
    doc = read_bytes(buf.getvalue(), "report.docx")
    assert active_rows_read(doc) == EXPECTED_ACTIVE
    assert doc.source.ocr is not None and doc.source.ocr.pages == [1]
    kinds = [("row" if isinstance(b, Row) else b.text) for b in doc.blocks]
    assert kinds[0] == "二、主动公开政府信息情况" and kinds[-1] == "三、收到和处理政府信息公开申请情况"
    assert set(kinds[1:-1]) == {"row"}  # the table where the picture was
    assert doc.rows()[0].at == Location(table=1, row=1)
    # with a table of text, pictures are not read
    d.add_table(rows=1, cols=2).rows[0].cells[0].text = "信息内容"
    buf = io.BytesIO()
    d.save(buf)
    assert read_bytes(buf.getvalue(), "report.docx").source.ocr is None


def test_picture_of_a_table_in_a_web_page_and_a_web_archive(table_picture: bytes) -> None:
    b64 = base64.b64encode(table_picture).decode()
    page = ('<html><head><meta charset="utf-8"></head><body><div id="content"><p>二、主动公开政府信息情况</p>\n'
            f'<p><img src="data:image/png;base64,{b64}"></p>\n<p>三、收到和处理政府信息公开申请情况</p></div></body></html>')
    doc = read_bytes(page.encode(), "report.html")
    assert active_rows_read(doc) == EXPECTED_ACTIVE
    assert doc.rows()[0].at == Location(line=2, table=1, row=1)
    # Word's "single file web page": the picture in a part of the archive, named by a relative path
    wrapped = "\n".join(b64[i:i + 76] for i in range(0, len(b64), 76))
    html = page.replace(f"data:image/png;base64,{b64}", "report_files/image001.png")
    mht = ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart_01\"\r\n\r\n"
           "------=_NextPart_01\r\nContent-Location: file:///C:/report.htm\r\nContent-Transfer-Encoding: 8bit\r\n"
           f"Content-Type: text/html; charset=\"utf-8\"\r\n\r\n{html}\r\n\r\n"
           "------=_NextPart_01\r\nContent-Location: file:///C:/report_files/image001.png\r\n"
           f"Content-Transfer-Encoding: base64\r\nContent-Type: image/png\r\n\r\n{wrapped}\r\n\r\n"
           "------=_NextPart_01--\r\n")
    doc = read_bytes(mht.encode(), "report.mht")
    assert doc.source.format == "mht"
    assert active_rows_read(doc) == EXPECTED_ACTIVE
    assert doc.source.ocr is not None and doc.source.ocr.unread_pages == []


def test_a_broken_picture_is_left_unread_and_the_page_is_read() -> None:
    icon = io.BytesIO()
    Image.new("L", (16, 16), 0).save(icon, "GIF")
    page = ('<html><body><div id="content"><p>一、总体情况</p><p>本年度收到申请3件。</p>'
            '<p><img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA"></p>'
            f'<p><img src="data:image/gif;base64,{base64.b64encode(icon.getvalue()).decode()}"></p></div></body></html>')
    doc = read_bytes(page.encode(), "page.html")
    assert [p.text for p in doc.paragraphs()] == ["一、总体情况", "本年度收到申请3件。"]
    assert doc.source.ocr is not None  # the broken picture; the icon is no picture of a table
    assert (doc.source.ocr.pages, doc.source.ocr.unread_pages) == ([1], [1])
    # pictures beyond max_ocr_pages are not read either
    paper = io.BytesIO()
    Image.new("L", (300, 200), 255).save(paper, "PNG")
    more = page.replace("</div>", f'<p><img src="data:image/png;base64,{base64.b64encode(paper.getvalue()).decode()}">'
                                  "</p></div>")
    doc = read_bytes(more.encode(), "page.html", replace(Limits(), max_ocr_pages=1))
    assert doc.source.ocr is not None
    assert (doc.source.ocr.pages, doc.source.ocr.unread_pages) == ([1, 2], [1, 2])
