"""Finding the report's top-level sections (一、总体情况 … 六、其他需要报告的事项).

A numbered line is a section heading only when its title names a known section and its
number moves forward: sub-headings such as 一、加强组织领导 inside 五 look the same but go
back in number, and 三、本年度办理结果 inside table 三 names no section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..formats.common import EXTRA_SECTION_KEYWORDS, SECTIONS
from ..formats.labels import chinese_number, fold

_HEADING = re.compile(
    r"^\s*(?P<num>[一二三四五六七八九十]{1,2}|[0-9]{1,2})\s*(?P<sep>[、,.．，:：]|\s)\s*(?P<title>\S.{0,59}?)\s*[。.：:]?\s*$"
)
_ALL_KEYWORDS = tuple(k for s in SECTIONS for k in s.keywords) + EXTRA_SECTION_KEYWORDS
# An inline heading inside run-together text: a numeral, 、 and a known section title.
_INLINE = re.compile(
    r"(?P<num>[一二三四五六七八九十]{1,2})\s*[、,，.．]\s*(?P<title>"
    + "|".join(
        sorted(
            {re.escape(fold(t)) for s in SECTIONS for t in (s.title, *s.variants)}
            | {
                "因政府信息公开申请行政复议,提起行政诉讼的情况",
                "政府信息公开收费及减免情况",
                "存在的主要问题",
                "下一步工作打算",
                "其他事项",
            },
            key=len,
            reverse=True,
        )
    )
    + ")"
)


@dataclass(slots=True)
class Heading:
    number: int
    title: str
    printed: str
    numeral_style: str  # "chinese" (五、) or "arabic" (5、)


# What a heading starts with, looked for before the text is folded (fold makes these spaces and digits
# ASCII): most paragraphs are not numbered and are let go at once.
_NUMBERED = re.compile(r"[\s\u200b\ufeff]*[一二三四五六七八九十0-9\uff10-\uff19]")
# An inline heading's numeral and separator, looked for the same way.
_INLINE_NUMERAL = re.compile(r"[一二三四五六七八九十][\s\u200b\ufeff]*[、,，.．\ufe52]")


def parse_heading(text: str) -> Heading | None:
    """A candidate heading: a numbered short line whose title names a known section."""
    if len(text) > 70 or not _NUMBERED.match(text):
        return None
    m = _HEADING.match(fold(text))
    if not m:
        return None
    num = chinese_number(m.group("num"))
    if num is None or num == 0:
        return None
    start = m.start("title")
    title = text[start : start + len(m.group("title"))].strip()
    if not any(k in title for k in _ALL_KEYWORDS):
        return None
    if "，" in title or "," in title or "；" in title:  # a sentence, not a heading
        return None
    style = "arabic" if m.group("num").isdigit() else "chinese"
    return Heading(num, title, text.strip(), style)


def looks_like_section_heading(text: str) -> bool:
    return parse_heading(text) is not None


@lru_cache(maxsize=4096)
def section_role(title: str) -> int | None:
    """Which official section a printed title stands for (1..6), None for an extra one."""
    t = fold(title)
    best = None
    for s in SECTIONS:
        if any(fold(k) in t for k in s.keywords):
            best = s.number
            if s.number in (3, 6):  # 申请情况 and 其他事项 are unambiguous
                return best
    if best == 5 and any(k in t for k in ("下一步", "打算", "工作计划")) and "问题" not in t:
        return None
    if any(k in t for k in ("下一步", "工作打算")) and "问题" not in t:
        return None
    return best


_OFFICIAL_TITLES = frozenset(fold(x) for sd in SECTIONS for x in (sd.title, *sd.variants))


def _weight(h: Heading) -> int:
    """How sure we are that a candidate is a real section heading."""
    return _title_weight(h.title, h.number, h.numeral_style)


@lru_cache(maxsize=4096)
def _title_weight(title: str, number: int, numeral_style: str) -> int:
    w = 1
    if section_role(title) == number:
        w += 2
    if numeral_style == "chinese":
        w += 1
    if fold(title).rstrip("。.:") in _OFFICIAL_TITLES:
        w += 2
    return w


def accept_headings(candidates: list[tuple[int, Heading]]) -> list[tuple[int, Heading]]:
    """The forward-moving sequence of candidates with the most weight.

    Sub-headings inside a section (2、依申请公开情况 inside 一) compete with the real
    heading of the same number; the one that fits the official sections better wins.
    """
    n = len(candidates)
    if n == 0:
        return []
    weights = [_weight(h) for _, h in candidates]
    best = list(weights)
    prev = [-1] * n
    # A candidate follows the best chain ending in one of the three numbers before its own (the
    # earliest such chain on a tie). Kept per number, so that each candidate looks at three chains,
    # not at every candidate before it (a text of 60,000 headings would take hours).
    top: dict[int, tuple[int, int]] = {}  # number -> (weight of the best chain ending there, its last candidate)
    for i, (_, h) in enumerate(candidates):
        pick = None
        for v in range(h.number - 3, h.number):
            t = top.get(v)
            if t is not None and (pick is None or t[0] > pick[0] or (t[0] == pick[0] and t[1] < pick[1])):
                pick = t
        if pick is not None:  # (weights are at least 1: following a chain always adds)
            best[i] = pick[0] + weights[i]
            prev[i] = pick[1]
        t = top.get(h.number)
        if t is None or best[i] > t[0]:
            top[h.number] = (best[i], i)
    i = max(range(n), key=lambda k: (best[k], -k))
    chain = []
    while i != -1:
        chain.append(candidates[i])
        i = prev[i]
    chain.reverse()
    if chain and chain[0][1].number > 3:  # a report starts near 一
        return []
    return chain


def inline_headings(text: str) -> list[tuple[int, Heading]]:
    """Headings inside run-together text, with their character offsets."""
    if not _INLINE_NUMERAL.search(text):
        return []
    folded = fold(text)
    found = []
    for m in _INLINE.finditer(folded):
        num = chinese_number(m.group("num"))
        if num is None:
            continue
        title = text[m.start("title") : m.end("title")]
        found.append((m.start(), Heading(num, title, text[m.start() : m.end()], "chinese")))
    return found
