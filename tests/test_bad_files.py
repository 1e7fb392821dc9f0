"""Corrupt, encrypted, empty and oversized files of each format: a one-line reason, exit 2;
a directory run goes on past them and lists them at the end."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import DATA, SEEDS

GOOD = SEEDS[1]


def _docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("2023年某某镇人民政府政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _pdf_bytes(encrypt: str | None = None) -> bytes:
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=encrypt)
    c.drawString(72, 720, "Annual report 2023")
    c.showPage()
    c.save()
    return buf.getvalue()


def _zip_not_word() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a word document")
    return buf.getvalue()


def bad_files(tmp: Path) -> dict[str, bytes]:
    docx = _docx_bytes()
    files = {
        "empty.txt": b"",
        "binary.txt": os.urandom(4096),
        "empty.docx": b"",
        "truncated.docx": docx[: len(docx) // 2],
        "not-word.docx": _zip_not_word(),
        "encrypted.docx": (DATA / "legacy" / "encrypted.docx").read_bytes(),
        "empty.html": b"<html><head><title>x</title></head><body></body></html>",
        "garbage.html": b"<html>" + bytes(range(256)) * 40,
        "truncated.pdf": _pdf_bytes()[:300],
        "encrypted.pdf": _pdf_bytes(encrypt="secret"),
    }
    for name, data in files.items():
        (tmp / name).write_bytes(data)
    return files


def run(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("gongkai")
    cmd = [exe] if exe else [sys.executable, "-m", "gongkai.cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=300, check=False)


def test_each_bad_file_gets_one_line_and_exit_2(tmp_path):
    files = bad_files(tmp_path)
    for name in files:
        res = run("check", str(tmp_path / name))
        assert res.returncode == 2, (name, res.stdout, res.stderr)
        assert "Traceback" not in res.stderr + res.stdout
        lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and name in lines[0], (name, res.stderr)
        assert "无法读取" in lines[0]


def test_reasons_say_what_is_wrong(tmp_path):
    bad_files(tmp_path)
    expect = {
        "empty.txt": "空",
        "binary.txt": "不是文本",
        "truncated.docx": "损坏",
        "not-word.docx": "Word",
        "encrypted.docx": "密码",
        "encrypted.pdf": "加密",
        "truncated.pdf": "不完整",
    }
    for name, word in expect.items():
        res = run("parse", str(tmp_path / name))
        assert word in res.stderr, (name, res.stderr)


def test_oversized_files_of_each_format(tmp_path):
    big = {"big.txt": GOOD.read_bytes() * 30, "big.docx": _docx_bytes() + b"\0" * 300_000,
           "big.html": b"<html><body>" + "报告".encode() * 200_000 + b"</body></html>", "big.pdf": _pdf_bytes() + b"%" * 300_000}
    for name, data in big.items():
        (tmp_path / name).write_bytes(data)
        res = run("check", "--max-size", "0.1", str(tmp_path / name))
        assert res.returncode == 2 and "过大" in res.stderr, (name, res.stderr)


def test_directory_run_goes_on_and_lists_failures_at_the_end(tmp_path):
    files = bad_files(tmp_path)
    shutil.copy(GOOD, tmp_path / "good.txt")
    res = run("check", str(tmp_path))
    assert res.returncode == 2
    assert "good.txt" in res.stdout and "GK501" in res.stdout  # the good report was still checked
    tail = res.stderr.split("个文件无法读取", 1)
    assert len(tail) == 2, res.stderr
    for name in files:
        assert name in tail[1], name
    assert "Traceback" not in res.stderr
