"""Round trip through the readers: random reports in both editions, written as .docx (official
merged headers), as HTML, and as PDF (LibreOffice converting that .docx), read back give the
same values. A test of the readers, not a replacement for real documents."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from gongkai.api import read_data
from gongkai.render import render

from test_render_roundtrip import cells, reports

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
FAST = settings(max_examples=10, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(max_examples=3, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _same_values(original, back, fmt):
    assert back.edition == original.edition, fmt
    a, b = cells(original, original.edition), cells(back, original.edition)
    diff = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
    assert not diff, f"{fmt}: {diff}"


@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_docx_and_html(edition):
    @FAST
    @given(reports(edition))
    def run(report):
        for fmt in ("docx", "html"):
            back = read_data(render(report, fmt), f"report.{fmt}")
            assert back.source.format == fmt
            _same_values(report, back, fmt)

    run()


def _to_pdf(docx: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(docx)
        profile = Path(tmp) / "profile"
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", tmp, str(src)],
            check=True, capture_output=True, timeout=180,
        )
        return (Path(tmp) / "report.pdf").read_bytes()


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; scripts/setup installs it")
@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_pdf_through_libreoffice(edition):
    @SLOW
    @given(reports(edition))
    def run(report):
        back = read_data(_to_pdf(render(report, "docx")), "report.pdf")
        assert back.source.format == "pdf"
        _same_values(report, back, "pdf")

    run()
