"""Printed lines put back together into paragraphs (shared by the PDF reader and pictures read by OCR).

A line that runs to the right margin without ending a sentence goes on in the next line, unless that
line is indented or starts a numbered item or heading: a sentence wrapped over two lines ("全年办结申请"
/ "99件。") is one paragraph, as the narrative checks need it."""

from __future__ import annotations

import re
from collections.abc import Sequence

# a printed line ending like this ends its paragraph; one starting like this starts a new one
SENTENCE_END = tuple("。！？；：…”’」』）)!?;:")
NEW_PARAGRAPH = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.．]|\d+[、.．]|"
                           r"[一二三四五六七八九十]是|第[一二三四五六七八九十]+|附件)")
FULL_LINE = 0.85  # a line this wide (share of the text's width) runs to the right margin


def wide(ch: str) -> bool:
    """CJK characters and full-width punctuation: no spaces are put next to them."""
    cp = ord(ch)
    return cp >= 0x2E80 or 0x2010 <= cp <= 0x206F or cp == 0xB7


def join(text: str, more: str) -> str:
    """Two printed lines of one paragraph: a space between two words of Latin text, else nothing."""
    if text and more and not wide(text[-1]) and not wide(more[0]) and not text[-1].isspace():
        return f"{text} {more}"
    return text + more


def paragraphs(lines: Sequence[tuple[float, float, float, str]]) -> list[tuple[int, str]]:
    """Lines (left, right, character size, text), top to bottom, of one block of text as paragraphs:
    (index of the paragraph's first line, its text). With fewer than five lines a full line cannot be
    told from a short one, and every line is a paragraph."""
    if len(lines) < 5:
        return [(i, text) for i, (*_, text) in enumerate(lines)]
    lefts = sorted(ln[0] for ln in lines)
    rights = sorted(ln[1] for ln in lines)
    left, right = lefts[len(lines) // 10], rights[max(0, len(lines) * 9 // 10 - 1)]
    out: list[tuple[int, str]] = []
    prev: tuple[float, float, float, str] | None = None
    for i, line in enumerate(lines):
        x0, _, size, text = line
        if prev is not None and out and prev[0] <= left + 3 * prev[2] and prev[1] - left >= FULL_LINE * (right - left) \
                and not prev[3].endswith(SENTENCE_END) and not x0 > left + size and not NEW_PARAGRAPH.match(text):
            out[-1] = (out[-1][0], join(out[-1][1], text))
        else:
            out.append((i, text))
        prev = line
    return out
