"""Batch ingest: a directory of every format with duplicates and broken files; a second run changes
nothing; kill -9 in the middle leaves whole reports only and a rerun finishes the job; recheck."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from gongkai.store import Store
from gongkai.store import schema as S

from conftest import CORPUS, SEEDS
from synth import Corpus, render_html, table_rows, write_corpus
from test_store_support import cells_in_json, store, store_url

FIXTURES = (store, store_url)  # pytest fixtures: the store on SQLite and on PostgreSQL


def pdf_of(spec) -> bytes:
    """A PDF of a generated report (reportlab, CJK font), tables ruled."""
    pytest.importorskip("reportlab")
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=10, leading=14)
    story = []
    for line in spec.text().split("五、存在的主要问题")[0].splitlines()[:6]:
        if line.strip() and not line.startswith("\t"):
            story.append(Paragraph(line, style))
    for heading, key in (("三、收到和处理政府信息公开申请情况", "applications"),):
        story.append(Paragraph(heading, style))
        rows = table_rows(spec)[key]
        width = max(len(r) for r in rows)
        data = [r + [""] * (width - len(r)) for r in rows]
        t = Table(data)
        t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 6),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story.append(t)
    story.append(Paragraph("五、存在的主要问题及改进情况", style))
    story.append(Paragraph("六、其他需要报告的事项", style))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()


def mixed_directory(root: Path) -> dict:
    """Every supported format, two duplicates, four broken files. Returns the expected counts."""
    exp = {"new": 0, "replaced": 0, "duplicates": 0, "failed": 0}
    d = root / "in"
    (d / "seeds").mkdir(parents=True)
    for p in SEEDS:  # plain text
        shutil.copy(p, d / "seeds" / p.name)
        exp["new"] += 1
    c = Corpus(31)
    specs = [c.report(a, 2023) for a in c.agencies(6)]
    (d / "word").mkdir()
    for s in specs[:3]:  # .docx
        (d / "word" / f"{s.stem}.docx").write_bytes(s.docx())
        exp["new"] += 1
    (d / "web").mkdir()
    for s in specs[3:5]:  # web pages
        (d / "web" / f"{s.stem}.html").write_text(render_html(s), encoding="utf-8")
        exp["new"] += 1
    (d / "pdf").mkdir()
    (d / "pdf" / f"{specs[5].stem}.pdf").write_bytes(pdf_of(specs[5]))  # PDF
    exp["new"] += 1
    if CORPUS.is_dir():  # real published reports, when the development corpus is beside the repository
        (d / "corpus").mkdir()
        for name in ("huaian-city-2024.pdf", "pingtan-2019.html", "pingtan-2019.txt"):
            shutil.copy(CORPUS / name, d / "corpus" / name)
        exp["new"] += 2
        exp["replaced"] += 1  # pingtan's .txt is the same agency and year as its .html: a re-submission
    (d / "zz-dup").mkdir()  # duplicates under other names (sorted after their originals)
    shutil.copy(SEEDS[3], d / "zz-dup" / "copy-of-seed.txt")
    shutil.copy(d / "word" / f"{specs[0].stem}.docx", d / "zz-dup" / "same.docx")
    exp["duplicates"] += 2
    (d / "broken").mkdir()
    (d / "broken" / "empty.txt").write_bytes(b"")
    (d / "broken" / "not-a-word-file.docx").write_bytes(b"PK\x03\x04" + os.urandom(300))
    (d / "broken" / "truncated.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(200))
    (d / "broken" / "binary.txt").write_bytes(bytes(range(256)) * 8)
    exp["failed"] += 4
    (d / ".hidden").mkdir()
    shutil.copy(SEEDS[0], d / ".hidden" / "skipped.txt")  # hidden folders are not walked
    exp["files"] = sum(exp[k] for k in ("new", "replaced", "duplicates", "failed"))
    return exp


def snapshot(store) -> dict:
    counts = store.counts()
    with store.engine.connect() as conn:
        counts["sum_values"] = conn.execute(select(func.sum(S.cells.c.value))).scalar()
        counts["current_ids"] = tuple(conn.execute(select(S.reports.c.id).where(S.reports.c.current).order_by(
            S.reports.c.id)).scalars())
    return counts


def test_mixed_directory_twice(store, tmp_path):
    exp = mixed_directory(tmp_path)
    first = store.ingest([str(tmp_path / "in")], jobs=2)
    got = {k: getattr(first, k) for k in ("files", "new", "replaced", "duplicates", "failed")}
    assert got == {k: exp[k] for k in got}, first.failures
    assert {Path(p).name for p, _, _ in first.failures} == {
        "empty.txt", "not-a-word-file.docx", "truncated.pdf", "binary.txt"}
    reasons = {Path(p).name: r for p, r, _ in first.failures}
    assert reasons["empty.txt"] == "empty"
    formats = {r.format for r in store.reports(all_versions=True)}
    assert {"text", "docx", "html", "pdf"} <= formats
    before = snapshot(store)
    assert before["reports"] == exp["new"] + exp["replaced"] and before["failures"] == 4
    assert before["files"] == before["reports"]  # each original once
    second = store.ingest([str(tmp_path / "in")], jobs=2)
    assert (second.new, second.replaced, second.failed) == (0, 0, 0)
    assert second.unchanged == exp["files"] - exp["failed"] and second.failed_known == exp["failed"]
    assert snapshot(store) == before


def test_cli_ingest_lists_failures_and_goes_on(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for p in SEEDS[:2]:
        shutil.copy(p, d / p.name)
    (d / "empty.txt").write_bytes(b"")
    db = str(tmp_path / "s.sqlite3")
    run = subprocess.run([sys.executable, "-m", "gongkai.cli", "ingest", str(d), "--db", db],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 2
    assert "新入库 2" in run.stdout and "无法读取 1" in run.stdout
    assert "empty.txt: [empty]" in run.stderr
    again = subprocess.run([sys.executable, "-m", "gongkai.cli", "ingest", str(d), "--db", db, "--json"],
                           capture_output=True, text=True, timeout=120, check=False)
    data = json.loads(again.stdout)
    assert (data["new"], data["unchanged"], data["failed_known"]) == (0, 2, 1)


def test_cli_ingest_takes_the_limits_of_parse_and_check(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    small, large = sorted(SEEDS[:3], key=lambda p: p.stat().st_size)[:2]  # sizes checked below
    shutil.copy(small, d / "small.txt")
    shutil.copy(large, d / "large.txt")
    cut = (small.stat().st_size + large.stat().st_size) / 2 / 2**20  # MB between the two sizes
    assert small.stat().st_size < cut * 2**20 < large.stat().st_size
    for jobs in ("1", "2"):  # in this process and in worker processes
        db = str(tmp_path / f"s{jobs}.sqlite3")
        run = subprocess.run([sys.executable, "-m", "gongkai.cli", "ingest", str(d), "--db", db, "--json",
                              "--jobs", jobs, "--max-size", f"{cut:.6f}"], capture_output=True, text=True, timeout=120, check=False)
        data = json.loads(run.stdout)
        assert run.returncode == 2 and (data["new"], data["failed"]) == (1, 1), run.stderr
        assert [Path(f["path"]).name for f in data["failures"]] == ["large.txt"]
        assert "文件过大" in data["failures"][0]["message"]
    bad = subprocess.run([sys.executable, "-m", "gongkai.cli", "ingest", str(d), "--db", db, "--limit", "nonsense"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode == 2 and "--limit" in bad.stderr and "Traceback" not in bad.stderr


# ---------------------------------------------------------------------------------------------
# kill -9


def integrity(url: str) -> dict:
    """Whole reports only: each with its file, all its cells, its findings; nothing dangling."""
    s = Store.open(url)
    try:
        with s.engine.connect() as conn:
            if s.dialect == "sqlite":
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
            reports = conn.execute(select(S.reports.c.id, S.reports.c.sha256, S.reports.c.data, S.reports.c.errors,
                                          S.reports.c.warnings, S.reports.c.infos)).all()
            cells = dict(conn.execute(select(S.cells.c.report_id, func.count()).group_by(S.cells.c.report_id)).all())
            findings = dict(conn.execute(select(S.findings.c.report_id, func.count()).group_by(
                S.findings.c.report_id)).all())
            files = set(conn.execute(select(S.files.c.sha256)).scalars())
            sigs = set(conn.execute(select(S.text_signatures.c.report_id)).scalars())
            bands = dict(conn.execute(select(S.text_bands.c.report_id, func.count()).group_by(
                S.text_bands.c.report_id)).all())
        ids = {r.id for r in reports}
        for r in reports:
            assert r.sha256 in files
            assert cells.get(r.id, 0) == cells_in_json(json.loads(r.data)) > 0
            assert findings.get(r.id, 0) == r.errors + r.warnings + r.infos
            assert r.id in sigs and bands.get(r.id) == 32
        assert set(cells) <= ids and set(findings) <= ids and sigs <= ids and set(bands) <= ids
        assert files == {r.sha256 for r in reports}
        return s.counts()
    finally:
        s.close()


def count_reports(url: str) -> int:
    from gongkai.store.db import resolve_url

    eng = create_engine(resolve_url(url))
    try:
        with eng.connect() as conn:
            return conn.execute(select(func.count()).select_from(S.reports)).scalar()
    except Exception:  # noqa: BLE001  not created yet
        return 0
    finally:
        eng.dispose()


def test_kill_9_mid_run_then_rerun(store_url, tmp_path):
    n = 160
    write_corpus(tmp_path / "in", n, seed=41, docx_share=0.2)
    Store.open(store_url).close()  # schema first, so the polling below can count
    proc = subprocess.Popen([sys.executable, "-m", "gongkai.cli", "ingest", "-q", "--jobs", "2", "--db", store_url,
                             str(tmp_path / "in")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while count_reports(store_url) < 30:
            assert proc.poll() is None, f"ingest ended before it could be stopped: {proc.stderr.read()}"
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the ingest and its workers, mid-run
        proc.wait(timeout=30)
    stopped = integrity(store_url)
    assert 30 <= stopped["reports"] < n, "the run was not stopped mid-way"
    with Store.open(store_url) as s:
        again = s.ingest([str(tmp_path / "in")], jobs=2)
    assert again.new == n - stopped["reports"] and again.unchanged == stopped["reports"] and again.failed == 0
    after = integrity(store_url)
    with Store.open(str(tmp_path / "clean.sqlite3")) as clean:
        clean.ingest([str(tmp_path / "in")], jobs=2)
        expected = clean.counts()
    for k in ("files", "reports", "current", "cells", "findings", "signatures", "bands", "agencies"):
        assert after[k] == expected[k], k


# ---------------------------------------------------------------------------------------------
# recheck


def test_recheck_after_the_catalogue_changes(store, tmp_path, monkeypatch):
    from gongkai.checks.base import REGISTRY, Rule

    for p in SEEDS[:3]:
        shutil.copy(p, tmp_path / p.name)
    store.ingest([str(tmp_path)], jobs=1)
    before = {r.id: r.infos for r in store.reports()}

    def long_title(report, ctx):
        if report.title and len(report.title) > 10:
            yield Rule("GK199", "x", "info", "", "", "", "", long_title).finding("标题较长")

    monkeypatch.setitem(REGISTRY, "GK199", Rule("GK199", "test-long-title", "info", "测试", "测试", "测试", "测试",
                                                 long_title))
    out = store.recheck(jobs=1)
    assert out.reports == 3 and out.failed == 0 and out.changed == 3
    for r in store.reports():
        assert "GK199" in {f["code"] for f in store.findings(r.id)}
        assert r.infos == before[r.id] + 1
    monkeypatch.delitem(REGISTRY, "GK199")
    out = store.recheck(jobs=2)
    assert out.changed == 3
    assert {r.id: r.infos for r in store.reports()} == before


def test_a_thirty_digit_number_is_reported_and_stored(store, tmp_path):
    # seed 001, table 三 「一、本年新收」 自然人 (printed 0) overwritten with thirty nines
    text = SEEDS[1].read_text(encoding="utf-8")
    at = text.index("\t0", text.index("一、本年新收政府信息公开申请数量"))
    (tmp_path / "big.txt").write_text(text[:at] + "\t" + "9" * 30 + text[at + 2:], encoding="utf-8")
    summary = store.ingest([str(tmp_path / "big.txt")], jobs=1)
    assert (summary.new, summary.failed) == (1, 0)
    with store.engine.connect() as conn:
        value, raw = conn.execute(select(S.cells.c.value, S.cells.c.raw).where(
            S.cells.c.table_key == "applications", S.cells.c.row_key == "new_received",
            S.cells.c.column_key == "natural_person")).one()
        codes = set(conn.execute(select(S.findings.c.code)).scalars())
    assert value is None and raw == "9" * 30
    assert "GK204" in codes


def test_a_report_the_database_refuses_is_a_failure_and_the_batch_is_kept(store):
    from gongkai.store.ingest import _write
    from gongkai.store.work import parse_bytes
    from gongkai.store.writer import Writer

    good, bad = (parse_bytes(p.read_bytes(), str(p)) for p in (SEEDS[0], SEEDS[2]))
    bad.cell_columns[3][0] = 10 ** 400  # beyond any database number column
    outcomes = _write(Writer(store.engine), [good, bad])
    assert [o.status for o in outcomes] == ["new", "failed"]
    assert outcomes[1].reason == "store" and "数据库" in outcomes[1].message
    counts = store.counts()
    assert (counts["reports"], counts["failures"]) == (1, 1)
