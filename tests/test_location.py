"""Where a value or a finding was printed (gongkai.location): each reader's Location for a small report
made here, the same place as `gongkai check` prints it (FILE:LINE, FILE:p2) and as the web review page
says it in Chinese, the JSON and store forms, and data and stores from before gongkai.report/2.

The report: 一、总体情况 says 15 applications came in while 表三's 一、本年新收 row prints 7 + 1 and a
total of 9 — finding GK401 on the sentence and GK302 on the total cell. Every expected place below is
counted by hand from the document as written in this file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import docx as pydocx
import pytest
from fastapi.testclient import TestClient
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from gongkai.checks import check
from gongkai.extract import extract
from gongkai.forms import from_mapping
from gongkai.location import COMPUTED, Location, at_line, cli_place, dumps, loads, zh
from gongkai.model import Report, Section
from gongkai.readers import legacy, read_bytes
from gongkai.store import Store
from gongkai.store import schema as S
from gongkai.store.export import rows as export_rows
from gongkai.web import auth, create_app
from gongkai.web.views import fingerprint

from web_support import api_login

ROOT = Path(__file__).resolve().parents[1]
CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
HEAD = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
NEW = ["一、本年新收政府信息公开申请数量", "7", "1", "0", "0", "0", "0", "9"]
CARRIED = ["二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0"]
SENTENCE = "本年度共收到政府信息公开申请15件。"
TOTAL = "applications.new_received.total"


def title(agency: str) -> str:
    return f"{agency}2023年政府信息公开工作年度报告"


def text_report(agency: str = "甲镇") -> bytes:
    lines = [
        title(agency),                          # line 1
        "",                                     # 2
        "一、总体情况",                          # 3
        SENTENCE,                               # 4: GK401
        "三、收到和处理政府信息公开申请情况",      # 5
        "\t" + CORNER + "\t申请人情况",           # 6
        "\t\t" + "\t".join(HEAD),               # 7
        "\t".join(NEW),                         # 8: the total 9 is the 8th cell
        "\t".join(CARRIED),                     # 9
    ]
    return ("\n".join(lines) + "\n").encode()


def html_report(agency: str = "乙镇") -> bytes:
    cells = "".join(f"<td>{v}</td>" for v in NEW[1:-1])
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>年度报告</title></head>
<body>
<p>{title(agency)}</p>
<p>一、总体情况</p>
<p>{SENTENCE}</p>
<p>三、收到和处理政府信息公开申请情况</p>
<table border="1">
<tr><td>{CORNER}</td><td colspan="7">申请人情况</td></tr>
<tr><td></td>{"".join(f"<td>{h}</td>" for h in HEAD)}</tr>
<tr><td>{NEW[0]}</td>{cells}
<td>{NEW[-1]}</td></tr>
<tr>{"".join(f"<td>{v}</td>" for v in CARRIED)}</tr>
</table>
</body></html>
""".encode()  # the sentence is on line 6 (paragraph 3), the total's <td> on line 12 (table 1, row 3, cell 8)


def docx_report(agency: str = "丙镇") -> bytes:
    d = pydocx.Document()
    for text in (title(agency), "一、总体情况", SENTENCE, "三、收到和处理政府信息公开申请情况"):
        d.add_paragraph(text)  # the sentence is paragraph 3
    t = d.add_table(rows=4, cols=8)
    t.cell(0, 0).text = CORNER
    t.cell(0, 1).merge(t.cell(0, 7)).text = "申请人情况"
    for k, h in enumerate(HEAD, start=1):
        t.cell(1, k).text = h
    for row, values in ((2, NEW), (3, CARRIED)):  # 一、本年新收 is row 3, its total cell 8
        for k, v in enumerate(values):
            t.cell(row, k).text = v
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")  # (LibreOffice's .doc export drops a table that ends the body)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def pdf_report(agency: str = "丁镇") -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=12, leading=18)
    # page 1: the title, 一、 and the sentence on its 3rd line; page 2: 三、 and the table
    story = [Paragraph(title(agency), style), Paragraph("一、总体情况", style), Paragraph(SENTENCE, style),
             PageBreak(), Paragraph("三、收到和处理政府信息公开申请情况", style)]
    table = Table([["信息内容", "申请人情况"] + [""] * 6, [""] + HEAD, NEW, CARRIED])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 7),
                               ("SPAN", (1, 0), (7, 0)), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story.append(table)
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()


# format: (file name, bytes, the total cell's location, GK401's location, check's places, Chinese places)
CASES = {
    "text": ("report.txt", text_report, Location(line=8, cell=8), Location(line=4),
             ("8", "4"), ("第8行第8列", "第4行")),
    "html": ("report.html", html_report, Location(line=12, table=1, row=3, cell=8), Location(line=6, paragraph=3),
             ("12", "6"), ("表三第3行第8列", "第3段")),
    "docx": ("report.docx", docx_report, Location(table=1, row=3, cell=8), Location(paragraph=3),
             ("1", "1"), ("表三第3行第8列", "第3段")),
    "pdf": ("report.pdf", pdf_report, Location(page=2, table=1, row=3, cell=8), Location(page=1, line=3),
            ("p2", "p1"), ("第2页表三第3行第8列", "第1页第3行")),
}


def vars_of(loc: Location) -> dict:
    """The fields a location may have, by name (None: not known)."""
    return {k: getattr(loc, k) for k in ("page", "line", "paragraph", "box", "table", "row", "cell", "char")}


def findings_of(data: bytes, name: str) -> tuple[Report, dict]:
    report = extract(read_bytes(data, name))
    by_code = {f.code: f for f in check(report) if f.code in ("GK302", "GK401")}
    return report, by_code


@pytest.mark.parametrize("fmt", list(CASES))
def test_each_reader_locates_the_cell_and_the_findings(fmt):
    name, make, cell_at, sentence_at, _, (cell_zh, sentence_zh) = CASES[fmt]
    report, found = findings_of(make(), name)
    total = report.cell(TOTAL)
    assert (total.value, total.raw, total.at) == (9, "9", cell_at)
    assert found["GK302"].at == cell_at and TOTAL in found["GK302"].cells
    assert found["GK401"].at == sentence_at
    assert zh(found["GK302"].at, "applications") == cell_zh
    assert zh(found["GK401"].at) == sentence_zh
    # the JSON contract: the object, only the known fields
    assert found["GK302"].to_json()["at"] == {k: v for k, v in vars_of(cell_at).items() if v is not None}
    assert report.to_json()["tables"]["applications"]["new_received"]["total"]["at"] == cell_at.to_json()


def test_the_text_readers_lines_are_the_files():
    data = text_report()
    lines = data.decode().split("\n")
    assert lines[7].split("\t")[7] == "9" and lines[3] == SENTENCE  # line 8, cell 8; line 4
    doc = read_bytes(data, "report.txt")
    assert doc.paragraphs()[0].at == Location(line=1)
    assert [c.at for c in doc.rows()[2].cells][:2] == [Location(line=8, cell=1), Location(line=8, cell=2)]


def test_html_lines_are_the_sources():
    lines = html_report().decode().split("\n")
    assert lines[5] == f"<p>{SENTENCE}</p>" and lines[11] == "<td>9</td></tr>"  # lines 6 and 12
    doc = read_bytes(html_report(), "report.html")
    row = doc.rows()[2]
    assert row.at == Location(line=11, table=1, row=3)  # the <tr> starts on line 11, its last <td> on 12
    assert row.cells[0].at == Location(line=11, table=1, row=3, cell=1)


@pytest.fixture(scope="module")
def doc_file() -> bytes:
    """The Word report saved as Word 97-2003 by LibreOffice itself (not by the code under test)."""
    soffice = legacy.find_soffice()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.docx"
        src.write_bytes(docx_report("戊镇"))
        subprocess.run([soffice, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless",
                        "--convert-to", "doc", "--outdir", tmp, str(src)], check=True, timeout=180,
                       capture_output=True)
        return (Path(tmp) / "in.doc").read_bytes()


def test_a_doc_file_is_located_as_its_conversion(doc_file):
    report, found = findings_of(doc_file, "report.doc")
    assert report.source.format == "doc"
    assert report.cell(TOTAL).at == Location(table=1, row=3, cell=8)
    assert found["GK302"].at == Location(table=1, row=3, cell=8)
    assert found["GK401"].at == Location(paragraph=3)


# ---------------------------------------------------------------------------------------------- gongkai check


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("located")
    out = {}
    for fmt, (name, make, *_) in CASES.items():
        out[fmt] = folder / name
        out[fmt].write_bytes(make())
    return out


def test_check_prints_file_line_or_page(files):
    env = dict(os.environ, PYTHONUTF8="1", PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "check", "--select", "GK302,GK401",
                           *(str(p) for p in files.values())], check=False, capture_output=True, cwd=ROOT, env=env,
                          timeout=120)
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 1, proc.stderr.decode("utf-8")
    lines = {(line.split(": ")[0], line.split(" ")[1]): line for line in out.splitlines() if " GK" in line}
    for fmt, path in files.items():
        _, _, _, _, (cell_place, sentence_place), (cell_zh, sentence_zh) = CASES[fmt]
        gk302 = lines[(f"{path}:{cell_place}", "GK302")]
        gk401 = lines[(f"{path}:{sentence_place}", "GK401")]
        if fmt in ("text", "html"):  # a line of the file: nothing to add
            assert "位置" not in gk302 and "位置" not in gk401
        else:  # a Word document has no lines, a PDF page is not one: the place in Chinese follows
            assert gk302.endswith(f"（位置：{cell_zh}）") and gk401.endswith(f"（位置：{sentence_zh}）")
    assert lines[(f"{files['pdf']}:p2", "GK302")].startswith(f"{files['pdf']}:p2: GK302 error ")
    # the JSON output: the location objects
    proc = subprocess.run([sys.executable, "-m", "gongkai.cli", "check", "--format", "json", "--select", "GK302",
                           str(files["pdf"])], check=False, capture_output=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 1
    assert [f["at"] for f in json.loads(proc.stdout)] == [{"page": 2, "table": 1, "row": 3, "cell": 8}]


# ---------------------------------------------------------------------------------------------- the web page


@pytest.fixture(scope="module")
def site(files, tmp_path_factory):
    db = str(tmp_path_factory.mktemp("web") / "located.sqlite3")
    with Store.open(db) as store:
        store.ingest([str(p) for p in files.values()], jobs=1)
        auth.add_user(store.engine, "admin", "admin-pass-1", "admin")
        ids = {fmt: store.report_id_for_sha(hashlib.sha256(p.read_bytes()).hexdigest()) for fmt, p in files.items()}
    with TestClient(create_app(db, workers=0, max_file_mb=1)) as client:
        api_login(client, "admin")
        yield {"db": db, "client": client, "ids": ids}


@pytest.mark.parametrize("fmt", list(CASES))
def test_review_page_says_where_in_chinese(site, fmt):
    client, rid = site["client"], site["ids"][fmt]
    _, _, cell_at, sentence_at, _, (cell_zh, sentence_zh) = CASES[fmt]
    findings = {f["code"]: f for f in client.get(f"/api/reports/{rid}/findings").json()["findings"]}
    assert findings["GK302"]["at"] == cell_at.to_json() and findings["GK302"]["where"] == cell_zh
    assert findings["GK401"]["at"] == sentence_at.to_json() and findings["GK401"]["where"] == sentence_zh
    # the passage of the source: the block the finding points to, found by comparing locations
    passage = findings["GK302"]["passage"]
    assert passage["where"] == cell_zh
    hit = next(b for b in passage["blocks"] if b["hit"])
    assert [c["text"] for c in hit["cells"]][:2] == NEW[:2]
    assert [c["text"] for c in hit["cells"] if c["hit"]] == ["9"]
    assert next(b for b in findings["GK401"]["passage"]["blocks"] if b["hit"])["text"] == SENTENCE
    html = client.get(f"/reports/{rid}").text
    assert f"原文（{cell_zh}）" in html and f"原文（{sentence_zh}）" in html
    assert f"位置：{cell_zh}" in html  # the table cell's title


def test_the_store_keeps_json_text_and_exports_it(site):
    with Store.open(site["db"]) as store:
        rows = [r for r in export_rows(store) if r["report_id"] == site["ids"]["pdf"]
                and (r["table"], r["row"], r["column"]) == ("applications", "new_received", "total")]
        kept = store.findings(site["ids"]["pdf"])
    assert [r["at"] for r in rows] == ['{"page":2,"table":1,"row":3,"cell":8}']
    assert next(f for f in kept if f["code"] == "GK401")["at"] == {"page": 1, "line": 3}


def test_a_store_written_before_keeps_its_text_and_decisions(site):
    """Rows a store kept as text ("line 8") are shown as they are, unparsed; a finding keeps the
    fingerprint it had, so reviewers' decisions stay with it."""
    rid = site["ids"]["text"]
    finding = (S.findings.c.report_id == rid) & (S.findings.c.code == "GK302")
    cell = (S.cells.c.report_id == rid) & (S.cells.c.row_key == "new_received") & (S.cells.c.column_key == "total")
    with Store.open(site["db"]) as store:
        with store.engine.begin() as conn:
            conn.execute(S.findings.update().where(finding).values(at="line 8"))
            conn.execute(S.cells.update().where(cell).values(at="line 8"))
        try:
            old = next(f for f in store.findings(rid) if f["code"] == "GK302")
            assert old["at"] == {"note": "line 8"}
            legacy_key = json.dumps([old["code"], old["cells"], "line 8", old["message"]], ensure_ascii=False)
            assert fingerprint(old) == hashlib.sha256(legacy_key.encode()).hexdigest()[:24]
            f = next(x for x in site["client"].get(f"/api/reports/{rid}/findings").json()["findings"]
                     if x["code"] == "GK302")
            assert f["where"] == "line 8" and f["passage"] is None  # a note is not parsed to find the passage
            assert "位置：line 8" in site["client"].get(f"/reports/{rid}").text
        finally:  # the other tests see the store as ingested
            with store.engine.begin() as conn:
                conn.execute(S.findings.update().where(finding).values(at='{"line":8,"cell":8}'))
                conn.execute(S.cells.update().where(cell).values(at='{"line":8,"cell":8}'))


# ---------------------------------------------------------------------------------------------- the forms


def test_json_and_store_text():
    loc = Location(page=3, line=11)
    assert loc.to_json() == {"page": 3, "line": 11}
    assert dumps(loc) == '{"page":3,"line":11}' and loads(dumps(loc)) == loc
    assert dumps(None) is None and loads(None) is None and loads("") is None
    assert loads("page 6 line 11") == Location(note="page 6 line 11")  # an older store's text, as it is
    assert Location.from_json("paragraph 7 (line 349)") == Location(note="paragraph 7 (line 349)")
    assert Location.from_json({}) is None and Location.from_json(None) is None
    assert Location.from_json({"line": True, "cell": 2}) == Location(cell=2)  # a boolean is no line number
    assert dumps(COMPUTED) == '{"computed":true}' and loads('{"computed":true}') == COMPUTED
    assert dumps(Location(meta="标题")) == '{"meta":"标题"}'
    assert at_line(76) is at_line(76) and at_line(76) == Location(line=76)
    with pytest.raises(AttributeError):
        loc.line = 12  # frozen


@pytest.mark.parametrize("loc, table, expected", [
    (Location(page=3, line=11), None, "第3页第11行"),
    (Location(line=349), None, "第349行"),
    (Location(line=349, paragraph=12), None, "第12段"),
    (Location(table=3, row=5, cell=2), "applications", "表三第5行第2列"),
    (Location(table=3, row=5, cell=2), None, "第3个表格第5行第2列"),
    (Location(table=1, row=4), "active", "表二第4行"),
    (Location(page=2, table=1, row=3, cell=4), "review_litigation", "第2页表四第3行第4列"),
    (Location(row=12, cell=3), "applications", "表三第12行第3列"),  # the Excel form's sheet
    (Location(line=49, cell=3), "applications", "第49行第3列"),  # a text line: no table row
    (Location(line=12, char=5), None, "第12行第5字"),
    (Location(paragraph=7, char=30), None, "第7段第30字"),
    (Location(page=2, line=14, char=40), None, "第2页第14行起第40字"),
    (Location(box=1, paragraph=2), None, "文本框1第2段"),
    (Location(meta="title"), None, "网页标题"),
    (Location(meta="发布时间"), None, "文件头“发布时间”"),
    (COMPUTED, None, "计算所得"),
    (Location(note="line 7"), None, "line 7"),
    (None, None, ""),
])
def test_chinese_form(loc, table, expected):
    assert zh(loc, table) == expected


@pytest.mark.parametrize("loc, expected", [
    (Location(line=76), ("76", True)),
    (Location(line=349, paragraph=12), ("349", True)),
    (Location(line=12, char=5), ("12", True)),
    (Location(page=3, line=11), ("p3", False)),
    (Location(table=2, row=5, cell=3), ("1", False)),
    (Location(paragraph=7), ("1", False)),
    (Location(note="line 7"), ("1", False)),
    (None, ("1", True)),
])
def test_cli_place(loc, expected):
    assert cli_place(loc) == expected


def test_a_section_points_at_the_character_of_run_together_text():
    s = Section(1, "总体情况", "ab\ncdef", Location(line=3),
                spans=[(0, Location(line=4)), (3, Location(line=5, char=10))])
    assert s.at_offset(1) == Location(line=4)  # a whole line: no character
    assert s.at_offset(5) == Location(line=5, char=12)


def test_data_from_before_loads_with_its_text_kept():
    """Data and reports written with gongkai.report/1 (``at`` as text) still load; the text is kept as the
    location's note, not parsed."""
    old = {"schema": "gongkai.report/1", "agency": "甲镇", "year": 2023,
           "tables": {"applications": {"new_received": {"total": {"value": 9, "raw": "9", "at": "line 8"}}}}}
    assert Report.from_json(old).cell(TOTAL).at == Location(note="line 8")
    report = from_mapping(old)
    assert report.cell(TOTAL).at == Location(note="line 8")
    assert report.to_json()["tables"]["applications"]["new_received"]["total"]["at"] == {"note": "line 8"}
    new = json.loads(json.dumps(old).replace('"line 8"', '{"page": 2, "line": 3}'))
    assert from_mapping(new).cell(TOTAL).at == Location(page=2, line=3)
