"""YAML: the JSON contract's structure, written for people to fill in by hand.

Every row and column carries its official label as a comment, a cell is a bare number ("/" or
text in quotes, nothing when blank), and the totals say that they may be left empty. Read back
by ``gongkai new --data FILE.yaml`` (compose.load_data).
"""

from __future__ import annotations

import json
import re

from ..totals import format_number, total_cells
from . import Prepared, sections_of

_PLAIN_LINE = re.compile(r"^[^\s].*[^\s]$|^[^\s]$")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(line: str, comment: str, column: int = 44) -> str:
    comment = " ".join(comment.split())
    width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in line)
    return line + " " * max(1, column - width) + "# " + comment


def _scalar(cell) -> str:
    if cell is None:
        return ""
    if cell.value is not None:
        number = format_number(cell.value)
        if cell.raw is None or cell.raw.strip() == number:
            return number
        return _q(cell.raw.strip())
    raw = (cell.raw or "").strip()
    return _q(raw) if raw else ""


def _block(text: str, indent: str) -> str:
    if not text:
        return '""'
    lines = text.split("\n")
    if all(_PLAIN_LINE.match(x) for x in lines) and not any(ch in text for ch in "\t\r\x85\u2028\u2029"):
        return "|-\n" + "\n".join(indent + x for x in lines)
    return _q(text)


def _label(ed, ref: str) -> str:
    table, row, col = ref.split(".")
    return next(c.label for c in ed.table(table).row(row).columns if c.key == col)


def render(p: Prepared, formulas: dict | None = None) -> bytes:
    """``formulas``: stock cells prefilled from last year (compose.Composed.formulas) — written
    blank with last year's figure in the comment, so that they follow what is filled in later."""
    formulas = formulas or {}
    r = p.report
    ed = p.edition
    totals = total_cells(ed.key)
    title = " ".join(p.title.split())
    out = [
        f"# {title} —— 数据",
        f"# {ed.name}（{ed.document}）",
        "# 填写：每格填数字，没有发生的填 0；原样照录的“/”写成 \"/\"；什么都不写表示留空。",
        "# 标“合计”的格可以不填，gongkai 从明细算出；填了而与明细不符，检查时会指出。",
        "# 生成报告：gongkai new --data 本文件 -o 报告.docx",
        "",
        _comment(f"agency: {_q(r.agency) if r.agency else ''}".rstrip(), "机关名称"),
        _comment(f"year: {r.year or ''}".rstrip(), "报告年度"),
        _comment(f"edition: {_q(ed.key)}", "格式版本"),
        _comment(f"date: {r.date.isoformat() if r.date else ''}".rstrip(), "落款日期，如 2024-01-15"),
        "sections:",
    ]
    for s in sections_of(p.parts):
        out.append(f"  - number: {s.number}")
        out.append(f"    title: {_q(s.title)}")
        out.append(f"    text: {_block(s.text, '      ')}")
    out.append("tables:")
    for t in ed.tables:
        out.append(_comment(f"  {t.key}:", t.title))
        caption = None
        for row in t.rows:
            where = " ".join(x for x in (row.caption if row.caption != caption else None, row.group, row.label) if x)
            caption = row.caption
            out.append(_comment(f"    {row.key}:", where))
            for c in row.columns:
                ref = f"{t.key}.{row.key}.{c.key}"
                note = c.label + ("（合计，可不填）" if ref in totals else "")
                value = _scalar(r.cell(ref))
                if ref in formulas:
                    base, plus, minus = formulas[ref]
                    parts = "".join(f" + {_label(ed, x)}" for x in plus) + "".join(f" − {_label(ed, x)}" for x in minus)
                    note += f"：上年 {format_number(base)}{parts}；可不填，gongkai new --from 上年报告 时计算"
                    value = ""
                out.append(_comment(f"      {c.key}: {value}".rstrip(), note))
    out.append("")
    return "\n".join(out).encode("utf-8")
