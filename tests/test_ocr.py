"""OCR of scanned reports (gongkai.ocr): on scans made here from a report page drawn with reportlab
(numbers chosen by hand), one of them turned by 1.5 degrees, and on the development scan against its
truth file.

A scan is made the way an office makes one: the page is drawn (reportlab, CJK font drawn by PDFium
with the system's Noto CJK), rendered to greyscale at 150 dpi, turned, given paper noise, and
wrapped as a JPEG image in a PDF with no text layer. OCR costs about 3 s per page on one core, so
each scan is read once per module and one engine serves every test."""

from __future__ import annotations

import io
import json
import unicodedata
from dataclasses import dataclass, replace

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from gongkai.errors import LimitExceeded, ReadError
from gongkai.limits import Limits, with_settings
from gongkai.ocr import deskew
from gongkai.ocr.budget import Budget
from gongkai.ocr.engine import DETECTOR, Engine, OcrUnavailable
from gongkai.ocr.images import char_height, load_image, to_reading_scale
from gongkai.ocr.result import FAINT, FILE_TIMEOUT, PAGE_TIMEOUT, SMUDGED, Box, OcrCell, OcrPage, OcrTable
from gongkai.ocr.scan import pages_needing_ocr, read_image, read_pdf
from gongkai.ocr.settings import OcrSettings
from gongkai.ocr.textlayer import PageFacts, needs_ocr

from conftest import corpus_file

FONT = "STSong-Light"
DPI = 150

# --- drawing a report page --------------------------------------------------------------------


@dataclass(frozen=True)
class Drawn:
    """A cell to draw: grid rows r0..r1 and columns c0..c1 (ends exclusive), its lines of text."""

    r0: int
    c0: int
    r1: int
    c1: int
    text: str  # lines separated by "\n"
    grey: float = 0.0  # 0 black … 1 white
    smudge: bool = False


def cell(r: int, c: int, text: object, rows: int = 1, cols: int = 1, grey: float = 0.0, smudge: bool = False) -> Drawn:
    return Drawn(r, c, r + rows, c + cols, str(text), grey, smudge)


def draw_table(c: canvas.Canvas, top: float, widths: list[float], heights: list[float], cells: list[Drawn],
               size: float = 9) -> float:
    """Draw a ruled table whose top rule is at ``top`` (pt from the page's bottom); its bottom."""
    left = (A4[0] - sum(widths)) / 2
    xs = [left + sum(widths[:i]) for i in range(len(widths) + 1)]
    ys = [top - sum(heights[:i]) for i in range(len(heights) + 1)]
    c.setLineWidth(0.8)
    for d in cells:
        x0, x1, y0, y1 = xs[d.c0], xs[d.c1], ys[d.r1], ys[d.r0]
        c.rect(x0, y0, x1 - x0, y1 - y0)
        lines = d.text.split("\n")
        c.setFont(FONT, size)
        c.setFillGray(d.grey)
        first = (y0 + y1) / 2 + (len(lines) - 1) * size * 0.6 - size * 0.35
        for i, line in enumerate(lines):
            c.drawCentredString((x0 + x1) / 2, first - i * size * 1.2, line)
        c.setFillGray(0)
        if d.smudge:  # a thumb's smear of ink across the digits
            c.saveState()
            c.setFillColorRGB(0.2, 0.2, 0.2, alpha=0.75)
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            c.ellipse(cx - 2, cy - 6, cx + 14, cy + 7, stroke=0, fill=1)
            c.restoreState()
    return ys[-1]


def draw_lines(c: canvas.Canvas, top: float, lines: list[str], size: float = 12, left: float = 72) -> float:
    c.setFont(FONT, size)
    for i, line in enumerate(lines):
        c.drawString(left, top - i * size * 1.8, line)
    return top - len(lines) * size * 1.8


# Page 1: the title, the overview with numbers in its sentences, table 二 (with a merged cell, a faint
# cell, a smudged one and a blank one). Numbers are all different, so that a cell read in the wrong
# place shows.
PAGE1_TEXT = [
    "一、总体情况",
    "2024年，本机关主动公开政府信息1375条，",
    "全年共收到政府信息公开申请86件，办结79件。",
]
T2_ROWS = {"规章": [3, 1, 14], "行政规范性文件": [27, 6, 158]}
T2_LICENSING = 4902  # 行政许可, one cell merged across three columns
T2_FAINT = 2315  # 行政处罚, printed so pale it is barely there
T2_SMUDGED = 647  # 行政强制, smeared

# Page 2 (turned 1.5 degrees): table 三 (its header's merged cells, a label merged down three rows) and 四.
T3_ROWS = {
    "一、本年新收政府信息公开申请数量": [41, 7, 2, 3, 5, 6, 64],
    "二、上年结转政府信息公开申请数量": [12, 8, 4, 9, 10, 11, 54],
    "（一）予以公开": [25, 13, 15, 16, 17, 18, 104],
    "（二）部分公开": [19, 20, 21, 22, 23, 24, 129],
    "（七）总计": [301, 26, 28, 29, 31, 32, 447],
    "四、结转下年度继续办理": [33, 34, 35, 36, 37, 38, 213],
}
T4_VALUES = [72, 65, 43, 8, 188, 19, 5, 14, 2, 40, 9, 3, 6, 1, 57]


def page1(c: canvas.Canvas) -> None:
    c.setFont(FONT, 18)
    c.drawCentredString(A4[0] / 2, 780, "某某县人民政府办公室")
    c.drawCentredString(A4[0] / 2, 752, "2024年政府信息公开工作年度报告")
    y = draw_lines(c, 700, PAGE1_TEXT)
    c.setFont(FONT, 12)
    c.drawString(72, y - 6, "二、主动公开政府信息情况")  # right on the table's top rule
    w = [130, 110, 110, 110]
    cells = [cell(0, 0, "信息内容"), cell(0, 1, "本年制发件数"), cell(0, 2, "本年废止件数"), cell(0, 3, "现行有效件数")]
    for r, (label, values) in enumerate(T2_ROWS.items(), start=1):
        cells += [cell(r, 0, label)] + [cell(r, 1 + k, v) for k, v in enumerate(values)]
    cells += [cell(3, 0, "行政许可"), cell(3, 1, T2_LICENSING, cols=3),
              cell(4, 0, "行政处罚"), cell(4, 1, T2_FAINT, cols=3, grey=0.86),
              cell(5, 0, "行政强制"), cell(5, 1, T2_SMUDGED, cols=3, smudge=True),
              cell(6, 0, "行政事业性收费"), cell(6, 1, "", cols=3)]
    draw_table(c, y - 10, w, [26] * 7, cells, size=10)


def page2(c: canvas.Canvas) -> None:
    c.setFont(FONT, 12)
    c.drawString(72, 790, "三、收到和处理政府信息公开申请情况")
    w = [62, 92] + [46] * 7
    cells = [cell(0, 0, "（本列数据的勾稽关系为：\n第一项加第二项之和，\n等于第三项加第四项之和）", rows=3, cols=2),
             cell(0, 2, "申请人情况", cols=7),
             cell(1, 2, "自然人", rows=2), cell(1, 3, "法人或其他组织", cols=5), cell(1, 8, "总计", rows=2)]
    cells += [cell(2, 3 + k, t) for k, t in enumerate(["商业\n企业", "科研\n机构", "社会公\n益组织", "法律服\n务机构", "其他"])]
    for r, (label, values) in enumerate(T3_ROWS.items(), start=3):
        if label.startswith("（"):
            cells.append(cell(r, 1, label))
        else:
            cells.append(cell(r, 0, label.replace("政府信息公开", "政府信息公开\n"), cols=2))
        cells += [cell(r, 2 + k, v) for k, v in enumerate(values)]
    cells.append(cell(5, 0, "三、本年度\n办理结果", rows=3))
    bottom = draw_table(c, 780, w, [30, 22, 30] + [30] * 6, cells, size=8)
    c.setFont(FONT, 12)
    c.drawString(72, bottom - 34, "四、政府信息公开行政复议、行政诉讼情况")
    w4 = [33] * 15
    heads = ["结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计"]
    cells = [cell(0, 0, "行政复议", cols=5), cell(0, 5, "行政诉讼", cols=10)]
    cells += [cell(1, k, t, rows=2) for k, t in enumerate(heads)]
    cells += [cell(1, 5, "未经复议直接起诉", cols=5), cell(1, 10, "复议后起诉", cols=5)]
    cells += [cell(2, 5 + k, heads[k % 5]) for k in range(10)]
    cells += [cell(3, k, v) for k, v in enumerate(T4_VALUES)]
    draw_table(c, bottom - 44, w4, [24, 24, 30, 24], cells, size=8)


def drawn_pdf(*pages) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for draw in pages:
        draw(c)
        c.showPage()
    c.save()
    return buf.getvalue()


def scanned(pdf: bytes, turns: list[float], seed: int = 7) -> bytes:
    """The pages of ``pdf`` as a scan: rendered at 150 dpi, each turned by its angle (degrees,
    counter-clockwise), with paper noise, as JPEG images in a PDF with no text layer."""
    doc = pdfium.PdfDocument(pdf)
    rng = np.random.default_rng(seed)
    images = []
    for i, turn in enumerate(turns):
        page = doc[i]
        img = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
        page.close()
        img = img.rotate(turn, resample=Image.Resampling.BICUBIC, fillcolor=255)
        noisy = np.asarray(img, dtype=np.float64) * 0.96 + rng.normal(0, 4, (img.height, img.width))
        images.append(Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "L"))
    doc.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=DPI, save_all=True, append_images=images[1:], quality=80)
    return out.getvalue()


def text_page(c: canvas.Canvas) -> None:
    draw_lines(c, 760, ["五、存在的主要问题及改进情况"] + ["对照上级新要求和公众新期待，还有一些需要加强和改进的地方。"] * 14)


def norm(text: str) -> str:
    """As the extractor compares labels: NFKC (RapidOCR writes （一） and (一) as it pleases), no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def row_values(table: OcrTable, label: str, count: int) -> list[OcrCell]:
    """The last ``count`` cells of the row whose cells include ``label``."""
    rows = [row for row in table.rows() if any(c is not None and norm(c.text) == norm(label) for c in row)]
    assert len(rows) == 1, (label, [[c and c.text for c in r] for r in table.rows()])
    cells = [c for c in rows[0][-count:] if c is not None]
    assert len(cells) == count
    return cells


def cell_at(table: OcrTable, text: str) -> OcrCell:
    found = [c for c in table.cells if norm(c.text) == norm(text)]
    assert len(found) == 1, (text, [c.text for c in table.cells])
    return found[0]


# --- the generated scan ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine() -> Engine:
    ocr = Engine(threads=1)
    ocr.warm_up()
    return ocr


@pytest.fixture(scope="module")
def drawn() -> bytes:
    return drawn_pdf(page1, page2)


@pytest.fixture(scope="module")
def scan(drawn: bytes) -> bytes:
    return scanned(drawn, [0.0, 1.5])


@pytest.fixture(scope="module")
def pages(scan: bytes, engine: Engine) -> list[OcrPage]:
    result = read_pdf(scan, [1, 2], Limits(), ocr=engine)
    assert result.engine.startswith("RapidOCR 3.")
    return list(result.pages)


def test_only_pages_without_text_need_ocr(drawn: bytes, scan: bytes) -> None:
    assert pages_needing_ocr(scan) == [1, 2]
    assert pages_needing_ocr(drawn) == []  # the same pages with their text layer: nothing to OCR


def test_turned_page_is_set_upright(pages: list[OcrPage]) -> None:
    assert [p.page for p in pages] == [1, 2]
    assert abs(pages[0].angle) < 0.1
    assert pages[1].angle == pytest.approx(1.5, abs=0.1)
    assert all(p.unread is None for p in pages)


def test_turn_found_from_text_lines_on_a_page_without_tables() -> None:
    pdf = scanned(drawn_pdf(text_page), [-1.2])
    image = np.asarray(pdfium.PdfDocument(pdf)[0].render(scale=DPI / 72, grayscale=True).to_pil().convert("L"))
    assert deskew.skew_angle(image) == pytest.approx(-1.2, abs=0.1)


def test_grids_found_with_merged_cells(pages: list[OcrPage]) -> None:
    (t2,) = pages[0].tables
    assert (t2.n_rows, t2.n_cols, len(t2.cells)) == (7, 4, 20)
    licensing = cell_at(t2, str(T2_LICENSING))
    assert (licensing.row, licensing.col, licensing.row_end, licensing.col_end) == (3, 1, 4, 4)
    t3, t4 = pages[1].tables
    assert t3.box.y1 < t4.box.y0
    assert (t3.n_rows, t3.n_cols) == (9, 9)
    applicants = cell_at(t3, "申请人情况")
    assert (applicants.row, applicants.col, applicants.row_end, applicants.col_end) == (0, 2, 1, 9)
    outcome = cell_at(t3, "三、本年度\n办理结果")
    assert (outcome.row, outcome.col, outcome.row_end, outcome.col_end) == (5, 0, 8, 1)
    rows = t3.rows()
    assert len(rows) == 9
    # a position covered by a cell merged down from an earlier row is None, as the PDF reader has it
    partial = rows[6]
    assert partial[0] is None and norm(partial[1].text) == norm("（二）部分公开") and len(partial) == 9
    assert [c and norm(c.text) for c in rows[1]] == [None, "自然人", "法人或其他组织", "总计"]
    assert (t4.n_rows, t4.n_cols, len(t4.cells)) == (4, 15, 34)
    review = cell_at(t4, "行政复议")
    assert (review.col, review.col_end) == (0, 5)
    upheld = [c for c in t4.cells if norm(c.text) == "结果维持"]
    assert [(c.row, c.row_end) for c in upheld] == [(1, 3), (2, 3), (2, 3)]


def test_table2_numbers_read_with_their_confidence(pages: list[OcrPage]) -> None:
    (t2,) = pages[0].tables
    for label, values in T2_ROWS.items():
        cells = row_values(t2, label, 3)
        assert [c.text for c in cells] == [str(v) for v in values]
        assert all(c.confidence is not None and 0.9 <= c.confidence <= 1.0 and c.doubt is None for c in cells)
    (licensing,) = row_values(t2, "行政许可", 1)
    assert licensing.text == str(T2_LICENSING) and licensing.doubt is None


def test_faint_and_smudged_cells_get_low_confidence(pages: list[OcrPage]) -> None:
    (t2,) = pages[0].tables
    (faint,) = row_values(t2, "行政处罚", 1)
    assert faint.doubt == FAINT
    assert faint.confidence is not None and faint.confidence <= 0.5
    (smudged,) = row_values(t2, "行政强制", 1)
    # the smear hides "47": what the recogniser makes of it must not pass for a reading
    assert smudged.doubt == SMUDGED
    assert smudged.confidence is not None and smudged.confidence <= 0.5


def test_blank_cell_on_noisy_paper_is_blank(pages: list[OcrPage]) -> None:
    (t2,) = pages[0].tables
    (fees,) = row_values(t2, "行政事业性收费", 1)
    assert (fees.text, fees.confidence, fees.doubt) == ("", None, None)
    assert fees.crop_png.startswith(b"\x89PNG")  # a reviewer can still see that it is blank


def test_table3_numbers_on_the_turned_page(pages: list[OcrPage]) -> None:
    t3 = pages[1].tables[0]
    for label, values in T3_ROWS.items():
        cells = row_values(t3, label.replace("政府信息公开", "政府信息公开\n") if "、" in label[:2] else label, 7)
        assert [c.text for c in cells] == [str(v) for v in values], label
        assert all(c.confidence is not None and c.confidence >= 0.9 for c in cells), label


def test_table4_numbers(pages: list[OcrPage]) -> None:
    t4 = pages[1].tables[1]
    values = t4.rows()[-1]
    assert [c and c.text for c in values] == [str(v) for v in T4_VALUES]
    assert all(c is not None and c.confidence is not None and c.doubt is None for c in values)


def test_narrative_read_in_order_around_the_tables(pages: list[OcrPage]) -> None:
    first = [norm(b.text) if not isinstance(b, OcrTable) else "<table>" for b in pages[0].blocks()]
    assert first == [norm(t) for t in ["某某县人民政府办公室", "2024年政府信息公开工作年度报告", *PAGE1_TEXT,
                                       "二、主动公开政府信息情况"]] + ["<table>"]
    second = [norm(b.text) if not isinstance(b, OcrTable) else "<table>" for b in pages[1].blocks()]
    assert second == [norm("三、收到和处理政府信息公开申请情况"), "<table>",
                      norm("四、政府信息公开行政复议、行政诉讼情况"), "<table>"]
    assert all(0.0 < ln.confidence <= 1.0 for p in pages for ln in p.lines)
    heading = pages[0].lines[-1]
    assert heading.box.y1 <= pages[0].tables[0].box.y0 + 6  # the heading sat on the table's top rule


def test_cell_crop_is_the_cell_as_scanned(pages: list[OcrPage]) -> None:
    (t2,) = pages[0].tables
    (smudged,) = row_values(t2, "行政强制", 1)
    with Image.open(io.BytesIO(smudged.crop_png)) as crop:
        assert crop.format == "PNG" and crop.mode == "L"
        assert crop.size == (smudged.box.width - 4, smudged.box.height - 4)
        pixels = np.asarray(crop)
    assert pixels.min() < 100 < np.median(pixels)  # the blot is there, on paper


# --- embedded images --------------------------------------------------------------------------


def table_image(drawn: bytes, dpi: int) -> bytes:
    """Table 二 of page 1 as a PNG at ``dpi``, as a Word document would embed a pasted picture."""
    page = pdfium.PdfDocument(drawn)[0]
    img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    s = dpi / 72
    box = (int(60 * s), int(205 * s), int(535 * s), int(385 * s))  # the table, in pt from the page's top
    out = io.BytesIO()
    img.crop(box).save(out, "PNG")
    return out.getvalue()


def test_small_embedded_image_is_scaled_up_and_read(drawn: bytes, engine: Engine) -> None:
    data = table_image(drawn, 75)  # digits about 6 px high
    gray = load_image(data, 10_000_000)
    height = char_height(gray)
    assert height is not None and height <= 10  # at 150 dpi: 19
    scaled, factor = to_reading_scale(gray, OcrSettings(), 10_000_000)
    assert factor > 1.5 and scaled.shape[0] > 1.5 * gray.shape[0]
    budget = Budget(Limits())
    page = read_image(data, 1, budget, ocr=engine)
    (table,) = page.tables
    for label, values in T2_ROWS.items():
        assert [c.text for c in row_values(table, label, 3)] == [str(v) for v in values]
    assert read_image(data, 1, budget, ocr=engine) == page  # same image, same result
    assert budget.pages == 2


def test_embedded_image_transparency_is_paper() -> None:
    img = Image.new("RGBA", (120, 40), (0, 0, 0, 0))
    img.paste((0, 0, 0, 255), (10, 10, 30, 30))
    out = io.BytesIO()
    img.save(out, "PNG")
    gray = load_image(out.getvalue(), 10_000)
    assert gray.shape == (40, 120) and gray[0, 0] == 255 and gray[20, 20] == 0


def test_embedded_image_too_large_or_broken() -> None:
    out = io.BytesIO()
    Image.new("L", (3000, 2000), 255).save(out, "PNG")
    with pytest.raises(LimitExceeded, match="图片过大"):
        load_image(out.getvalue(), 5_000_000)
    with pytest.raises(ReadError, match="无法解码"):
        load_image(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, 5_000_000)


# --- which pages, limits, the engine ----------------------------------------------------------


def test_needs_ocr() -> None:
    text = tuple("本报告由某某县人民政府办公室根据条例规定编制。" * 3)
    assert not needs_ocr(PageFacts(text, 0.0))
    assert not needs_ocr(PageFacts(text, 0.95))  # a text layer over a picture: read the text
    assert needs_ocr(PageFacts((), 0.95))  # a scanned page
    assert needs_ocr(PageFacts(tuple("- 3 -"), 0.9))  # a scan with its page number typed on
    assert not needs_ocr(PageFacts((), 0.05))  # a blank page with a small logo
    assert needs_ocr(PageFacts(("(cid:12)",) * 40, 0.0))  # text in fonts without a Unicode mapping
    assert needs_ocr(PageFacts(("\ue012",) * 40 + tuple("表"), 0.0))


def blank_scan(pages: int) -> bytes:
    return scanned(drawn_pdf(*[lambda c: None] * pages), [0.0] * pages)


def ticking(step: float):
    """A clock that moves ``step`` seconds each time it is read."""
    now = [0.0]

    def clock() -> float:
        value = now[0]
        now[0] += step
        return value

    return clock


def test_page_over_its_time_is_left_unread(engine: Engine) -> None:
    limits = replace(Limits(), max_ocr_seconds_per_page=10, max_ocr_seconds=1000)
    result = read_pdf(blank_scan(1), [1], limits, ocr=engine, budget=Budget(limits, ticking(20)))
    assert [(p.page, p.unread, p.lines, p.tables) for p in result.pages] == [(1, PAGE_TIMEOUT, (), ())]


def test_pages_after_the_files_time_are_left_unread(engine: Engine) -> None:
    limits = replace(Limits(), max_ocr_seconds_per_page=100, max_ocr_seconds=45)
    result = read_pdf(blank_scan(2), [1, 2], limits, ocr=engine, budget=Budget(limits, ticking(20)))
    assert [(p.page, p.unread) for p in result.pages] == [(1, None), (2, FILE_TIMEOUT)]
    assert result.pages[0].width == 1241  # page 1 was read (blank: no lines, no tables)


def test_too_many_pages_refuse_the_file(engine: Engine) -> None:
    with pytest.raises(LimitExceeded, match="扫描页过多"):
        read_pdf(blank_scan(2), [1, 2], replace(Limits(), max_ocr_pages=1), ocr=engine)


def test_limits_have_ocr_settings() -> None:
    limits = with_settings(Limits(), {"max_ocr_pages": "8", "max_ocr_seconds_per_page": "12.5", "ocr_threads": "2"})
    assert (limits.max_ocr_pages, limits.max_ocr_seconds_per_page, limits.ocr_threads) == (8, 12.5, 2)


def test_missing_models_are_a_clear_error_and_nothing_is_fetched(tmp_path) -> None:
    with pytest.raises(OcrUnavailable, match="模型文件缺失") as err:
        Engine(model_dir=tmp_path)
    assert DETECTOR in err.value.zh
    assert list(tmp_path.iterdir()) == []


def test_rows_lay_out_merged_cells_like_the_pdf_reader() -> None:
    def c(r0: int, c0: int, r1: int, c1: int, text: str) -> OcrCell:
        return OcrCell(r0, c0, r1, c1, Box(0, 0, 1, 1), text, None, None, b"")

    table = OcrTable(Box(0, 0, 10, 10), 3, 3, (c(0, 0, 3, 1, "left"), c(0, 1, 1, 3, "top"), c(1, 1, 2, 2, "a"),
                                              c(1, 2, 3, 3, "right"), c(2, 1, 3, 2, "b")))
    assert [[x and x.text for x in row] for row in table.rows()] == [["left", "top"], [None, "a", "right"],
                                                                     [None, "b", None]]


# --- the development scan ---------------------------------------------------------------------

T3_TRUTH_LABELS = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "total_processed": "（七）总计",
    "carry_forward": "四、结转下年度继续办理",
}


def test_dev_scan_table3_read_right_or_flagged(engine: Engine) -> None:
    path = corpus_file("huaian-city-2024-scan.pdf")
    truth = json.loads(path.with_name("huaian-city-2024-scan.truth.json").read_text(encoding="utf-8"))["t3"]
    result = read_pdf(path.read_bytes(), [4, 5], Limits(), ocr=engine)  # table 三 runs over pages 4 and 5
    rows = [row for page in result.pages for table in page.tables for row in table.rows()]
    checked = right = 0
    for key, label in T3_TRUTH_LABELS.items():
        found = [r for r in rows if any(c is not None and norm(c.text) == norm(label) for c in r)]
        assert len(found) == 1, label
        cells = found[0][-7:]
        for cell, value in zip(cells, truth[key], strict=True):
            assert cell is not None and cell.confidence is not None, label
            checked += 1
            if cell.text == str(value):
                right += 1
            else:
                assert cell.doubt is not None and cell.confidence < OcrSettings().low_confidence, (label, cell, value)
    assert checked == 42
    assert right >= 40
