"""Well-formed report files of every format, made from the plain-text seeds (for the hostile-input
tests, the structure-aware mutations and the fuzzing seed corpus).

A seed is read with the text reader; its paragraphs and table rows are then written out again as
a .docx (python-docx), an HTML page, a PDF (reportlab, uncompressed so that mutations hit the
content streams) or an RTF file. Nothing here is committed as a binary: every file is made on demand.
"""

from __future__ import annotations

import html as _html
import io
from pathlib import Path

from gongkai.document import Paragraph, Row
from gongkai.readers import read_bytes

SEEDS = sorted((Path(__file__).resolve().parent / "data" / "seeds").glob("*.txt"))


def seed_text(i: int = 1) -> str:
    return SEEDS[i % len(SEEDS)].read_text(encoding="utf-8")


def blocks_of(text: str) -> list[tuple[str, object]]:
    """[("p", text) | ("table", [[cell, ...], ...])] in order, from a report in plain text."""
    doc = read_bytes(text.encode("utf-8"), "seed.txt")
    out: list[tuple[str, object]] = []
    current = None
    for b in doc.blocks:
        if isinstance(b, Row):
            if current is None or current[0] != b.table:
                current = (b.table, [])
                out.append(("table", current[1]))
            current[1].append([c.text for c in b.cells])
        elif isinstance(b, Paragraph):
            current = None
            out.append(("p", b.text))
    return out


def _square(rows: list[list[str]]) -> list[list[str]]:
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


def docx_bytes(text: str | None = None) -> bytes:
    import docx

    d = docx.Document()
    for kind, value in blocks_of(text if text is not None else seed_text()):
        if kind == "p":
            d.add_paragraph(value)
        else:
            rows = _square(value)
            t = d.add_table(rows=len(rows), cols=len(rows[0]))
            for row, cells in zip(t.rows, rows, strict=True):
                for cell, text in zip(row.cells, cells, strict=True):
                    cell.text = text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def html_bytes(text: str | None = None, charset: str = "utf-8", encoding: str = "utf-8") -> bytes:
    parts = [(f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>年度报告</title></head><body>'
              '<div class="nav"><a href="/">首页</a> &gt; <a href="/gk">政府信息公开</a></div><div id="content">')]
    for kind, value in blocks_of(text if text is not None else seed_text()):
        if kind == "p":
            parts.append(f"<p>{_html.escape(value)}</p>")
        else:
            parts.append('<table border="1">')
            for cells in value:
                parts.append("<tr>" + "".join(f"<td>{_html.escape(c)}</td>" for c in cells) + "</tr>")
            parts.append("</table>")
    parts.append("</div></body></html>")
    return "\n".join(parts).encode(encoding, "replace")


def pdf_bytes(text: str | None = None, compress: bool = False, max_blocks: int | None = None) -> bytes:
    """A PDF of the report: paragraphs and ruled tables in a CJK font; ``max_blocks`` cuts it short."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=10, leading=14)
    story = []
    blocks = blocks_of(text if text is not None else seed_text())
    for kind, value in blocks[:max_blocks]:
        if kind == "p":
            story.append(RLParagraph(_html.escape(value), style))
        else:
            rows = [[c.replace("\n", " ")[:30] for c in r] for r in _square(value)]
            t = Table(rows)
            t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 6),
                                   ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            story.append(t)
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, pageCompression=1 if compress else 0).build(story)
    return buf.getvalue()


def rtf_bytes(text: str | None = None) -> bytes:
    body = []
    for kind, value in blocks_of(text if text is not None else seed_text())[:20]:
        lines = [value] if kind == "p" else ["\t".join(r) for r in value]
        for line in lines:
            body.append("".join(ch if ord(ch) < 128 else f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?"
                                for ch in line.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")) + "\\par")
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 SimSun;}}\n" + "\n".join(body) + "}").encode("ascii")
