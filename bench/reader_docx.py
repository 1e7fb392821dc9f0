"""Speed of the .docx reader on a generated, realistic report (run by hand, not by pytest):

    python bench/reader_docx.py [runs]

The report has about six pages: a title, the six sections with 40 paragraphs of narrative in
runs formatted the way Word writes them (fonts and sizes on every run), and the three tables
of the 2021 format with their merged cells, filled with numbers.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

from gongkai.document import Source
from gongkai.limits import DEFAULT_LIMITS
from gongkai.readers import docx as reader

TEMPLATE = Path(__file__).parents[1].parent / "shared/reference/official-2021-template.docx"

SENTENCE = ("本机关坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
            "全年共主动公开政府信息1,234条，其中规范性文件12件，")


def styled_run(paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(16)
    run.font.name = "仿宋_GB2312"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")


def realistic_report() -> bytes:
    d = docx.Document()
    styled_run(d.add_paragraph(), "某某市某某局2021年政府信息公开工作年度报告")
    sections = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    for i, heading in enumerate(sections):
        styled_run(d.add_paragraph(), heading)
        for k in range(7 if i in (0, 4, 5) else 2):
            para = d.add_paragraph()
            for piece in (SENTENCE, f"第{k + 1}项工作", SENTENCE[:40], "。"):
                styled_run(para, piece)
        if i == 1:
            table_two(d)
        elif i == 2:
            table_three(d)
        elif i == 3:
            table_four(d)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def fill(cell, text: str) -> None:
    cell.text = ""
    styled_run(cell.paragraphs[0], text)


def table_two(d) -> None:
    t = d.add_table(rows=14, cols=4)
    for r, (label, values) in enumerate([
        ("第二十条第（一）项", None), ("信息内容", ["本年制发件数", "本年废止件数", "现行有效件数"]),
        ("规章", ["0", "0", "3"]), ("行政规范性文件", ["5", "1", "40"]),
        ("第二十条第（五）项", None), ("信息内容", ["本年处理决定数量"]), ("行政许可", ["1,024"]),
        ("第二十条第（六）项", None), ("信息内容", ["本年处理决定数量"]), ("行政处罚", ["56"]), ("行政强制", ["7"]),
        ("第二十条第（八）项", None), ("信息内容", ["本年收费金额（单位：万元）"]), ("行政事业性收费", ["12.5"]),
    ]):
        if values is None:
            fill(t.cell(r, 0).merge(t.cell(r, 3)), label)
            continue
        fill(t.cell(r, 0), label)
        if len(values) == 1:
            fill(t.cell(r, 1).merge(t.cell(r, 3)), values[0])
        else:
            for c, v in enumerate(values, start=1):
                fill(t.cell(r, c), v)


def table_three(d) -> None:
    labels = ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
              "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
              "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
              "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
              "5.要求行政机关确认或重新出具已获取信息", "1.申请人无正当理由逾期不补正", "2.申请人逾期未缴纳费用", "3.其他"]
    t = d.add_table(rows=28, cols=10)
    fill(t.cell(0, 0).merge(t.cell(2, 2)), "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    fill(t.cell(0, 3).merge(t.cell(0, 9)), "申请人情况")
    fill(t.cell(1, 3).merge(t.cell(2, 3)), "自然人")
    fill(t.cell(1, 4).merge(t.cell(1, 8)), "法人或其他组织")
    fill(t.cell(1, 9).merge(t.cell(2, 9)), "总计")
    for c, name in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"], start=4):
        fill(t.cell(2, c), name)
    fill(t.cell(3, 0).merge(t.cell(3, 2)), "一、本年新收政府信息公开申请数量")
    fill(t.cell(4, 0).merge(t.cell(4, 2)), "二、上年结转政府信息公开申请数量")
    fill(t.cell(5, 0).merge(t.cell(26, 0)), "三、本年度办理结果")
    fill(t.cell(5, 1).merge(t.cell(5, 2)), "（一）予以公开")
    fill(t.cell(6, 1).merge(t.cell(6, 2)), "（二）部分公开")
    for first, last, label in ((7, 14, "（三）不予公开"), (15, 17, "（四）无法提供"), (18, 22, "（五）不予处理"),
                               (23, 25, "（六）其他处理")):
        fill(t.cell(first, 1).merge(t.cell(last, 1)), label)
    for r, label in zip(range(7, 26), labels, strict=True):
        fill(t.cell(r, 2), label)
    fill(t.cell(26, 1).merge(t.cell(26, 2)), "（七）总计")
    fill(t.cell(27, 0).merge(t.cell(27, 2)), "四、结转下年度继续办理")
    for r in range(3, 28):
        for c in range(3, 10):
            fill(t.cell(r, c), str((r * 7 + c) % 13))


def table_four(d) -> None:
    t = d.add_table(rows=4, cols=15)
    fill(t.cell(0, 0).merge(t.cell(0, 4)), "行政复议")
    fill(t.cell(0, 5).merge(t.cell(0, 14)), "行政诉讼")
    for c, name in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]):
        fill(t.cell(1, c).merge(t.cell(2, c)), name)
        fill(t.cell(2, 5 + c), name)
        fill(t.cell(2, 10 + c), name)
    fill(t.cell(1, 5).merge(t.cell(1, 9)), "未经复议直接起诉")
    fill(t.cell(1, 10).merge(t.cell(1, 14)), "复议后起诉")
    for c in range(15):
        fill(t.cell(3, c), str(c % 3))


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    data = realistic_report()
    source = Source(path=None, sha256="0" * 64, format="docx")
    doc = reader.read(data, source, DEFAULT_LIMITS)
    print(f"report: {len(data)} bytes, {len(doc.paragraphs())} paragraphs, {len(doc.rows())} rows")
    samples = [("generated report", data)]
    if TEMPLATE.exists():
        samples.append(("official 2021 template", TEMPLATE.read_bytes()))
    for name, blob in samples:
        wall, cpu = [], []
        for _ in range(runs):
            n = 100
            started, started_cpu = time.perf_counter(), time.process_time()
            for _ in range(n):
                reader.read(blob, source, DEFAULT_LIMITS)
            wall.append(n / (time.perf_counter() - started))
            cpu.append(n / (time.process_time() - started_cpu))
        print(f"{name}: reports/s over {runs} runs, median {statistics.median(wall):.0f} by the clock, "
              f"{statistics.median(cpu):.0f} per CPU-second (one core)")

if __name__ == "__main__":
    main()
