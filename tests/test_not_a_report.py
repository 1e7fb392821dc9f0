"""Only reports are reports: a file read without a fault that has neither the format's tables nor its
sections — a meeting note, a budget report, a README, a work plan, a news item, an all but empty Word
file — is refused as 不是政府信息公开年度报告 by the pipeline, the API, the CLI, the store's ingest (a
failures row, no report, the counts unchanged) and the web upload (the message shown); every real report
is still taken: the seeds, the samples, the development corpus (text, web page, PDF, its scan read by
OCR), a 2019-edition report, a report with only its narrative, one with only its tables, a draft with
its title and one section."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gongkai.api import read_data
from gongkai.errors import ReadError
from gongkai.extract import extract
from gongkai.extract.kind import REASON, Evidence, evidence
from gongkai.pipeline import process
from gongkai.readers import read_bytes
from gongkai.store import Store

from web_support import SEEDS, api_login, form_login, make_store, page_csrf

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").rglob("*.txt"))
DEV = Path("/work/shared/corpus/dev")
SAID = "不是政府信息公开年度报告"

MEETING = """县政务公开工作领导小组会议纪要

2024年3月5日上午，县政府办公室在三楼会议室召开政务公开工作会议，县政府办公室主任张某主持会议。

一、会议内容
会议传达了省、市政务公开工作会议精神，通报了2023年度全县政务公开工作考核结果。

二、会议要求
各乡镇、各部门要按时报送政府信息公开工作年度报告，认真做好依申请公开工作，全年收到申请12件。

三、参会人员
县政府办公室、县司法局、县财政局有关负责同志。
"""

# a county's work plan for disclosure, its points named like the report's sections (二 主动公开, 三 依申请公开,
# 四 行政复议): three headings that look like the report's, no table, no report title
WORK_PLAN = """某某县2024年政务公开工作要点

为深入贯彻落实《中华人民共和国政府信息公开条例》，现就我县2024年政务公开工作提出如下要点。

一、总体要求
坚持以人民为中心，全面推进决策、执行、管理、服务、结果公开。

二、加强主动公开
及时公开行政规范性文件、行政许可、行政处罚、行政强制、行政事业性收费等信息。

三、规范依申请公开
严格执行政府信息公开申请办理流程，依法答复申请人。

四、做好行政复议、行政诉讼应诉工作
降低政府信息公开行政复议纠错率和行政诉讼败诉率。

五、强化监督保障
各单位要于2025年1月31日前发布本单位政府信息公开工作年度报告。
"""

NEWS = """<html><head><meta charset="utf-8"><title>我县发布2023年政府信息公开工作年度报告</title></head><body>
<h1>我县发布2023年政府信息公开工作年度报告</h1>
<p>发布时间：2024-01-30 来源：县政府办公室</p>
<p>近日，县政府办公室在门户网站发布了《某某县2023年政府信息公开工作年度报告》。报告显示，2023年全县主动公开政府信息
12345条，作出行政许可决定1234件、行政处罚56件，收到政府信息公开申请36件，全部按期办结。</p>
<p>报告还指出了存在的主要问题，并提出了改进措施。</p>
</body></html>"""

README = """# 报告助手

一个读取 Word 和 PDF 文件的小工具，可用于政府信息公开、政务公开等工作中的文档整理。

## 安装

    pip install baogao-helper

## 用法

1. 打开命令行
2. 运行 `baogao read 文件.docx`

## 许可

MIT
"""


def docx_of(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(t.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def budget_docx() -> bytes:
    """A department's final accounts (部门决算): headings of its own, one of them 总体情况, a table of money."""
    import docx

    d = docx.Document()
    for text in ("某某县财政局2023年度部门决算", "第一部分 部门概况", "一、主要职能", "负责全县财政收支管理。",
                 "第二部分 2023年度部门决算表", "收入支出决算总表（单位：万元）"):
        d.add_paragraph(text)
    rows = [["项目", "决算数"], ["一般公共预算财政拨款收入", "1234.56"], ["行政事业性收费收入", "12.30"],
            ["事业收入", "45.00"], ["本年收入合计", "1291.86"], ["一般公共服务支出", "1100.00"],
            ["本年支出合计", "1220.50"]]
    t = d.add_table(rows=len(rows), cols=2)
    for row, cells in zip(t.rows, rows, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    for text in ("第三部分 2023年度部门决算情况说明", "一、收入支出决算总体情况说明",
                 "2023年度收入总计1291.86万元，支出总计1220.50万元。", "二、收入决算情况说明",
                 "本年收入合计1291.86万元。", "三、“三公”经费支出决算情况说明", "公务接待费2.1万元。"):
        d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def meeting_pdf() -> bytes:
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 11)
    y = 780
    for line in MEETING.splitlines():
        if line.strip():
            c.drawString(60, y, line)
            y -= 20
    c.showPage()
    c.save()
    return buf.getvalue()


def not_reports() -> dict[str, bytes]:
    """name -> bytes of each kind of file that is no annual report."""
    return {
        "会议纪要.txt": MEETING.encode("utf-8"),
        "会议纪要.pdf": meeting_pdf(),
        "2024年政务公开工作要点.html": ("<html><body>" + "".join(f"<p>{ln}</p>" for ln in WORK_PLAN.splitlines())
                                        + "</body></html>").encode("utf-8"),
        "2023年部门决算.docx": budget_docx(),
        "README.md": README.encode("utf-8"),
        "新闻.html": NEWS.encode("utf-8"),
        "新建文档.docx": docx_of(["测试"]),
        "只有标题.docx": docx_of(["某某镇2023年政府信息公开工作年度报告"]),
    }


def evidence_of(data: bytes, name: str) -> Evidence:
    return evidence(extract(read_bytes(data, name)))


# ---------------------------------------------------------------------------------------------- what counts


def test_what_each_file_shows_of_the_format():
    files = not_reports()
    # (rows of the format's tables with numbers, official sections under their own numbers, report title)
    assert evidence_of(files["会议纪要.txt"], "a.txt") == Evidence(0, (), False)
    assert evidence_of(files["2024年政务公开工作要点.html"], "a.html") == Evidence(0, (2, 3, 4), False)
    assert evidence_of(files["2023年部门决算.docx"], "a.docx") == Evidence(0, (1,), False)
    assert evidence_of(files["新闻.html"], "a.html") == Evidence(0, (), False)  # a notice of the report, not it
    assert evidence_of(files["只有标题.docx"], "a.docx") == Evidence(0, (), True)
    seed = SEEDS[1].read_bytes()  # 繁峙县集义庄乡, 2023: 6 rows of 表二, 25 of 表三, 3 of 表四
    assert evidence_of(seed, "s.txt") == Evidence(34, (1, 2, 3, 4, 5, 6), True)
    assert evidence_of(SEEDS[0].read_bytes(), "s.txt") == Evidence(34, (1, 2, 3, 4, 5, 6), False)  # 政务公开工作总结
    narrative = "\n".join(ln for ln in seed.decode("utf-8").splitlines() if "\t" not in ln)
    assert evidence_of(narrative.encode(), "n.txt") == Evidence(0, (1, 2, 3, 4, 5, 6), True)
    tables = "\n".join(ln for ln in seed.decode("utf-8").splitlines() if "\t" in ln)
    assert evidence_of(tables.encode(), "t.txt").rows >= 30


@pytest.mark.parametrize("name", sorted(not_reports()))
def test_each_non_report_is_refused_by_the_pipeline_and_the_api(name):
    data = not_reports()[name]
    done = process(data, name)
    assert done.report is None and done.failure is not None, name
    assert done.failure.reason == REASON
    assert done.failure.zh.startswith(SAID + "：") and "未作为报告收录" in done.failure.zh
    assert done.failure.en.startswith("not an annual report on government information disclosure")
    with pytest.raises(ReadError) as refused:
        read_data(data, name)
    assert refused.value.reason == REASON and SAID in str(refused.value)


def test_the_reason_quotes_the_headings_that_looked_like_the_reports():
    done = process(WORK_PLAN.encode(), "要点.txt")
    assert done.failure is not None
    assert "像年度报告部分标题的只有 3 个（“二、加强主动公开”、“三、规范依申请公开”" in done.failure.zh
    assert "3 of its six section headings" in done.failure.en


# ---------------------------------------------------------------------------------------------- still taken


def _taken(data: bytes, name: str) -> None:
    done = process(data, name)
    assert done.failure is None, (name, done.failure)
    assert done.report is not None


@pytest.mark.parametrize("path", SEEDS + SAMPLES, ids=lambda p: p.name)
def test_seeds_and_samples_are_reports(path):
    _taken(path.read_bytes(), path.name)


def test_reports_in_other_shapes_are_still_taken():
    seed = SEEDS[1].read_text(encoding="utf-8")
    narrative = "\n".join(ln for ln in seed.splitlines() if "\t" not in ln)
    _taken(narrative.encode(), "narrative.txt")  # tables left out (printed as pictures, say)
    _taken("\n".join(ln for ln in seed.splitlines() if "\t" in ln).encode(), "tables.txt")  # tables alone
    _taken(SEEDS[2].read_bytes(), "2019.txt")  # a 2020 report in the 2019 edition
    # a draft: the title and its first section
    _taken(docx_of(["某某镇2023年政府信息公开工作年度报告", "一、总体情况", "2023年，本镇认真贯彻落实条例。"]),
           "draft.docx")
    # a 2021-edition report as Word, with its tables as Word tables
    import samplefiles

    _taken(samplefiles.docx_bytes(), "report.docx")
    _taken(samplefiles.html_bytes(), "report.html")


@pytest.mark.skipif(not DEV.is_dir(), reason="the development corpus is not on this machine")
@pytest.mark.parametrize("name", ["pingtan-2019.txt", "pingtan-2019.html", "huaian-city-2024.pdf",
                                  "huaian-city-2024-scan.pdf"])
def test_the_development_corpus_is_taken(name):
    if name.endswith("-scan.pdf"):
        pytest.importorskip("rapidocr")
    _taken((DEV / name).read_bytes(), name)


# ---------------------------------------------------------------------------------------------- the CLI


def gongkai(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("gongkai") or str(ROOT / ".venv" / "bin" / "gongkai")
    cmd = [exe] if Path(exe).exists() else [sys.executable, "-m", "gongkai.cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=300, check=False)


def test_check_says_it_is_no_report_and_exits_2(tmp_path):
    note = tmp_path / "会议纪要.txt"
    note.write_bytes(MEETING.encode())
    res = gongkai("check", str(note))
    assert res.returncode == 2
    lines = res.stderr.splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith(f"{note}: 未收录 (not taken): {SAID}："), lines[0]
    assert "(not an annual report on government information disclosure" in lines[0]
    assert "共检查 0 份报告" in res.stdout and "1 个文件不是政府信息公开年度报告" in res.stdout


def test_a_directory_run_checks_the_reports_and_lists_the_others(tmp_path):
    shutil.copy(SEEDS[3], tmp_path / "甘坊镇.txt")
    (tmp_path / "会议纪要.txt").write_bytes(MEETING.encode())
    (tmp_path / "README.md").write_bytes(README.encode())
    (tmp_path / "坏.pdf").write_bytes(b"%PDF-1.4 broken")
    res = gongkai("check", str(tmp_path))
    assert res.returncode == 2
    assert "GK111" in res.stdout  # 甘坊镇's report was checked (its known error)
    assert "共检查 1 份报告" in res.stdout
    assert "；1 个文件无法读取，2 个文件不是政府信息公开年度报告" in res.stdout, res.stdout
    head, _, tail = res.stderr.partition("\n\n")
    assert f"{tmp_path / '坏.pdf'}: 无法读取 (unreadable)" in head
    assert f"{tmp_path / 'README.md'}: 未收录 (not taken): {SAID}" in head
    assert tail.startswith("1 个文件无法读取，2 个文件不是政府信息公开年度报告，未收录 (1 unreadable, 2 not a report):")
    assert all(n in tail for n in ("坏.pdf", "会议纪要.txt", "README.md"))


# ---------------------------------------------------------------------------------------------- the store


def test_ingest_lists_them_as_failures_and_stores_no_report(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS[1], folder / "集义庄乡.txt")
    for name, data in not_reports().items():
        (folder / name).write_bytes(data)
    db = str(tmp_path / "s.sqlite3")
    with Store.open(db) as store:
        summary = store.ingest([str(folder)], jobs=1)
        assert (summary.files, summary.new, summary.failed) == (9, 1, 8)
        assert {r for _, r, _ in summary.failures} == {REASON}
        assert len(store.reports()) == 1
        counts = store.counts()
        assert (counts["reports"], counts["files"], counts["failures"]) == (1, 1, 8)
        rows = store.failures()
        assert sorted(Path(r["path"]).name for r in rows) == sorted(not_reports())
        assert all(r["reason"] == REASON and r["message"].startswith(SAID) for r in rows)
        # again: nothing read twice, nothing stored, the counts as they were
        again = store.ingest([str(folder)], jobs=1)
        assert (again.new, again.unchanged, again.failed, again.failed_known) == (0, 1, 0, 8)
        assert store.counts() == counts


def test_the_ingest_command_counts_them_apart(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS[1], folder / "集义庄乡.txt")
    (folder / "会议纪要.txt").write_bytes(MEETING.encode())
    (folder / "README.md").write_bytes(README.encode())
    res = gongkai("ingest", "--quiet", "--db", str(tmp_path / "s.sqlite3"), str(folder))
    assert res.returncode == 2
    assert "新入库 1" in res.stdout and "无法读取 0，不是年度报告 2" in res.stdout, res.stdout
    assert "2 个文件未收录 (not taken):" in res.stderr and f"[{REASON}] {SAID}" in res.stderr


# ---------------------------------------------------------------------------------------------- the web


def test_web_upload_shows_the_reason_and_stores_nothing(tmp_path):
    from fastapi.testclient import TestClient

    from gongkai.web import create_app

    db = str(tmp_path / "web.sqlite3")
    make_store(db, reports=SEEDS)
    app = create_app(db, workers=0)
    with TestClient(app) as client:
        form_login(client, "admin")
        token = page_csrf(client.get("/upload").text)
        files = not_reports()
        r = client.post("/upload", data={"csrf_token": token},
                        files=[("files", ("会议纪要.txt", files["会议纪要.txt"], "text/plain")),
                               ("files", ("2023年部门决算.docx", files["2023年部门决算.docx"],
                                          "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))])
        assert r.status_code == 400  # nothing was taken
        assert "上传未成功" in r.text and "入库 0 个" in r.text and "2 个未能入库" in r.text
        assert r.text.count(SAID + "：") == 2 and r.text.count("<td>未接收</td>") == 2
        assert "无法读取" not in r.text
        # through the API: refused, with the reason's key
        api_login(client, "admin")
        api = client.post("/api/uploads", files=[("files", ("README.md", files["README.md"], "text/markdown"))])
        result = api.json()["results"][0]
        assert (result["status"], result["reason"], result["report_id"]) == ("refused", REASON, None)
        assert result["message"].startswith(SAID)
    with Store.open(db) as store:
        assert len(store.reports()) == 5  # the five seeds, nothing more
        assert store.counts()["reports"] == 5
        assert sorted(f["reason"] for f in store.failures()) == [REASON] * 3
