"""The Word document in LibreOffice: it opens, converts to PDF, and the PDF holds the report.

Skipped when LibreOffice (soffice) is not installed. ``python tests/test_render_libreoffice.py``
writes the sample pages shown in docs/writing.md (docs/images/sample-report-page1.png, -page2.png;
needs pdftoppm from poppler-utils). Machines without the official fonts (方正小标宋简体, 仿宋_GB2312,
黑体) render with whatever fontconfig picks; for the sample pages a fontconfig file maps them to
Noto Serif/Sans CJK, the nearest stand-ins commonly installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from gongkai.api import check, read  # noqa: E402
from gongkai.compose import compose, excel_form  # noqa: E402
from gongkai.formats.form import META  # noqa: E402
from gongkai.forms import data_from_bytes, read_workbook  # noqa: E402
from gongkai.render import render  # noqa: E402

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
_PROGRAM = Path(SOFFICE).resolve().parent if SOFFICE else None
needs_calc = pytest.mark.skipif(_PROGRAM is None or not (_PROGRAM / "libsclo.so").exists(),
                                reason="LibreOffice Calc is not installed (only Writer)")

SAMPLE = """
agency: 青云镇人民政府
year: 2023
date: 2024-01-18
sections:
  1: |-
    2023年，青云镇人民政府认真贯彻落实《中华人民共和国政府信息公开条例》，围绕全镇中心工作扎实推进政府信息公开。全年共主动公开政府信息326条，其中政策文件18条、工作动态205条、通知公告103条。
    严格执行依申请公开受理、审查、答复流程，全年共收到政府信息公开申请7件，上年结转1件，办结7件，均在法定期限内答复。落实公开前保密审查，拓宽公开渠道。
    优化政府网站信息公开专栏，做好政务新媒体管理。将政府信息公开工作纳入年度工作考核，开展社会评议，本年度未发生责任追究情况。
  5: |-
    存在的主要问题：一是部分栏目更新不够及时；二是政策解读形式较为单一；三是工作人员业务能力有待提升。
    改进措施：一是加强栏目日常维护，明确更新时限；二是丰富图解、音视频等解读形式；三是加强业务培训，提高工作质量。
  6: |-
    依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本年度未收取信息处理费。
tables:
  active:
    regulations: {issued: 0, repealed: 0, in_force: 0}
    normative_documents: {issued: 2, repealed: 1, in_force: 9}
    licensing: {decisions: 46}
    penalty: {decisions: 12}
    coercion: {decisions: 0}
    fees: {amount: 0}
  applications:
    new_received: {natural_person: 6, commercial: 1, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    carried_over: {natural_person: 1, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    granted: {natural_person: 3, commercial: 1, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    partially_granted: {natural_person: 1, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    withheld_state_secret: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    withheld_prohibited: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    withheld_security: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    withheld_third_party: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    withheld_internal: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    withheld_process: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    withheld_enforcement_file: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    withheld_inquiry: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    unavailable_not_held: {natural_person: 2, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    unavailable_needs_creation: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    unavailable_unclear: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    declined_petition: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    declined_duplicate: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    declined_publication: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    declined_excessive: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    declined_confirmation: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    other_no_correction: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    other_unpaid_fee: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    other_other: {natural_person: 0, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
    carried_forward: {natural_person: 1, commercial: 0, research: 0, social_welfare: 0, legal_service: 0, other_org: 0}
  review_litigation:
    review: {upheld: 0, corrected: 0, other: 0, pending: 0}
    litigation_direct: {upheld: 0, corrected: 0, other: 0, pending: 0}
    litigation_after_review: {upheld: 0, corrected: 0, other: 0, pending: 0}
"""

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="same"><family>方正小标宋简体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>仿宋_GB2312</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>仿宋</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="same"><family>Times New Roman</family><prefer><family>DejaVu Serif</family></prefer></alias>
  <match target="pattern">
    <test name="family"><string>方正小标宋简体</string></test>
    <edit name="weight" mode="assign"><const>bold</const></edit>
  </match>
</fontconfig>
"""


def sample_report():
    return compose(data=data_from_bytes(SAMPLE.encode("utf-8"), "sample.yaml", "yaml")).report


def soffice_convert(src: Path, fmt: str, outdir: Path, fonts: bool = False) -> Path:
    """Convert with a private LibreOffice profile (other soffice processes may be running)."""
    env = dict(os.environ)
    if fonts:
        conf = outdir / "fonts.conf"
        conf.write_text(FONTS_CONF, encoding="utf-8")
        env["FONTCONFIG_FILE"] = str(conf)
    profile = outdir / "lo-profile"
    proc = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nolockcheck",
         "--convert-to", fmt, "--outdir", str(outdir), str(src)],
        capture_output=True, timeout=180, env=env, check=False)
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    assert out.exists(), proc.stderr.decode("utf-8", "replace")
    return out


@pytest.mark.slow
@needs_soffice
def test_word_document_opens_in_libreoffice_and_prints_the_report(tmp_path):
    report = sample_report()
    assert [f for f in check(report) if f.severity in ("error", "warning")] == []
    src = tmp_path / "report.docx"
    src.write_bytes(render(report, "docx"))
    pdf = soffice_convert(src, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, timeout=60, check=False).stdout
        text = text.decode("utf-8")
        for words in ("年度报告", "一、总体情况", "第二十条第（一）项", "申请人情况", "法人或其他组织",
                      "（七）总计", "结转下年度继续办理", "复议后起诉", "青云镇人民政府", "2024年1月18日"):
            assert words in "".join(text.split()), words
        assert "—1—" in "".join(text.split())
        pages = text.count("\f")
        assert 3 <= pages <= 6
    # the PDF LibreOffice printed, read by gongkai's own PDF reader
    back = read(pdf)
    assert back.value("applications.total_processed.total") == 7
    assert back.value("applications.new_received.total") == 7
    assert back.value("active.licensing.decisions") == 46


@pytest.mark.slow
@needs_soffice
@needs_calc
def test_libreoffice_computes_the_form_totals(tmp_path):
    """The form's SUM formulas, calculated by LibreOffice, give gongkai's totals."""
    import openpyxl

    report = sample_report()
    src = tmp_path / "form.xlsx"
    src.write_bytes(render(report, "xlsx"))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    recalculated = soffice_convert(src, "xlsx:Calc MS Excel 2007 XML", out_dir)
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    positions = {row[0].value: (row[1].value, row[2].value) for row in wb[META].iter_rows(min_row=4)}
    from gongkai.totals import total_cells

    for ref in total_cells("2021"):
        sheet, coord = positions[ref]
        assert wb[sheet][coord].value == report.value(ref), ref
    # and read back by gongkai, the saved (calculated) totals are the ones kept
    back = read_workbook(recalculated.read_bytes(), "form.xlsx")
    assert back.value("applications.total_processed.total") == 7


def write_sample_pages(dest: Path = ROOT / "docs" / "images", dpi: int = 80) -> list[Path]:
    if SOFFICE is None or shutil.which("pdftoppm") is None:
        raise SystemExit("needs soffice and pdftoppm (poppler-utils)")
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        src = tmp / "sample-report.docx"
        src.write_bytes(render(sample_report(), "docx"))
        pdf = soffice_convert(src, "pdf", tmp, fonts=True)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "2", str(pdf), str(tmp / "page")],
                       check=True, timeout=120)
        out = []
        for n in (1, 2):
            page = next(tmp.glob(f"page-*{n}.png"))
            target = dest / f"sample-report-page{n}.png"
            shutil.copyfile(page, target)
            out.append(target)
    return out


if __name__ == "__main__":
    for p in write_sample_pages():
        print(p)


@pytest.mark.slow
@needs_soffice
@needs_calc
def test_a_blank_form_saved_by_libreoffice_has_no_invented_zeros(tmp_path):
    src = tmp_path / "blank.xlsx"
    src.write_bytes(excel_form("2021", 2023, "青云镇人民政府"))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    saved = soffice_convert(src, "xlsx:Calc MS Excel 2007 XML", out_dir)
    report = compose(data=read_workbook(saved.read_bytes(), "blank.xlsx")).report
    assert report.value("applications.total_processed.total") is None
    assert report.cell("applications.total_processed.total").raw == ""
    assert report.value("review_litigation.review.total") is None
