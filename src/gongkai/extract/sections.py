"""Finding the report's top-level sections (一、总体情况 … 六、其他需要报告的事项).

A numbered line is a section heading only when its title names a known section and its
number moves forward: sub-headings such as 一、加强组织领导 inside 五 look the same but go
back in number, and 三、本年度办理结果 inside table 三 names no section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
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


@dataclass(slots=True, frozen=True)
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


@lru_cache(maxsize=8192)  # the same headings recur in every report (a Heading is never changed once made)
def parse_numbered(text: str, commas: bool = False) -> Heading | None:
    """A numbered short line (五、…, 5、…) that is no sentence, whatever its title says (``commas``: a comma
    in it is taken for a slip, not for a sentence)."""
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
    if not commas and ("，" in title or "," in title or "；" in title):  # a sentence, not a heading
        return None
    style = "arabic" if m.group("num").isdigit() else "chinese"
    return Heading(num, title, text.strip(), style)


def parse_heading(text: str) -> Heading | None:
    """A candidate heading: a numbered short line whose title names a known section."""
    if len(text) > 70 or not _NUMBERED.match(text):
        return None  # (most paragraphs: let go before the cache is asked)
    return _named_heading(text)


@lru_cache(maxsize=8192)
def _named_heading(text: str) -> Heading | None:
    h = parse_numbered(text)
    if h is None or not any(k in h.title for k in _ALL_KEYWORDS):
        return None
    return h


def looks_like_section_heading(text: str) -> bool:
    return parse_heading(text) is not None


@lru_cache(maxsize=4096)
def section_role(title: str) -> int | None:
    """Which official section a printed title stands for (1..6), None for an extra one."""
    t = fold(title).replace("其它", "其他")  # (both in use)
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


# ------------------------------------------------------------------------------ headings with a slip

# A heading with a slip in it (四、政府信息公开行政法复议、行政讼诉情况) may name no section by its keywords;
# where the numbering leaves room for exactly that section, a title this like the official one is that section.
LIKE_OFFICIAL = 0.75
_PLAIN_DROP = re.compile(r"[\s、，,.．。：:；;“”\"'（）()《》]")
_SAME_CHARS = str.maketrans({"它": "他"})  # 其它/其他: both in use, no slip


def _plain(text: str) -> str:
    return _PLAIN_DROP.sub("", fold(text)).translate(_SAME_CHARS)


_WORDINGS = {s.number: tuple(dict.fromkeys(_plain(x) for x in (s.title, *s.variants))) for s in SECTIONS}
_FOLDED_WORDINGS = {s.number: tuple(fold(x) for x in (s.title, *s.variants)) for s in SECTIONS}
# the words a section title is made of, that a slip breaks: every section's keywords, and 政府信息(公开)
_TERMS = tuple(sorted({k for s in SECTIONS for k in s.keywords} | {"政府信息公开", "政府信息"}, key=lambda k: (-len(k), k)))


@lru_cache(maxsize=4096)
def title_likeness(title: str, number: int) -> float:
    """How like the official wordings of section ``number`` a printed title is (0..1)."""
    t = _plain(title)
    wordings = _WORDINGS.get(number, ())
    if not t or not wordings:
        return 0.0
    return max(SequenceMatcher(None, t, w, autojunk=False).ratio() for w in wordings)


def role_of(title: str, number: int) -> int | None:
    """The official section a heading stands for: named by its keywords, or — a title with a slip — by its
    number when the title is that section's official one but for a character or two."""
    role = section_role(title)
    if role is None and title_likeness(title, number) >= LIKE_OFFICIAL:
        return number
    return role


def _distance(a: str, b: str) -> int:
    """Edits from ``a`` to ``b``: a character put in, left out or changed, or two neighbours swapped."""
    d = [[i + j if i == 0 or j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@lru_cache(maxsize=1024)
def misspellings(title: str, number: int) -> tuple[tuple[str, str], ...]:
    """(as printed, as it should be) for each word of the official title of section ``number`` that the
    printed title has with one character put in, left out or changed (行政法复议 for 行政复议). Words put in
    or left out whole (的, 工作) and other wordings are not slips and give nothing."""
    printed = fold(title).translate(_SAME_CHARS)
    wordings = _FOLDED_WORDINGS.get(number, ())
    if not printed or not wordings:
        return ()
    best = max(wordings, key=lambda w: SequenceMatcher(None, printed, w.translate(_SAME_CHARS), autojunk=False).ratio())
    official = best.translate(_SAME_CHARS)
    where: list[int | None] = [None] * len(official)  # the printed position of each official character
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, printed, official, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(j2 - j1):
                where[j1 + k] = i1 + k
        elif tag == "replace":
            for k in range(j2 - j1):
                where[j1 + k] = i1 + min(k, i2 - i1 - 1)
    out: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []
    for term in _TERMS:
        start = official.find(term)
        if start < 0 or term in printed:
            continue
        if any(a <= start < b for a, b in taken):
            continue  # inside a longer word already looked at
        end = start + len(term)
        spots = [p for p in where[start:end] if p is not None]
        if not spots:
            continue
        # what was printed between the characters either side of the word (a character put in or swapped
        # at its edge belongs to it)
        before = where[start - 1] if start > 0 else -1
        after = where[end] if end < len(official) else len(printed)
        lo = before + 1 if before is not None else min(spots)
        hi = after if after is not None else max(spots) + 1
        piece = printed[lo:hi]
        if piece.replace("的", "") == term or piece in _TERMS:
            continue
        if _distance(piece, term) == 1:
            shown, should = _narrowed(title[lo:hi], piece, term)  # (fold keeps positions)
            out.append((lo, shown, should))
            taken.append((start, end))
    return tuple((shown, term) for _, shown, term in sorted(out))


def _narrowed(shown: str, piece: str, term: str, context: int = 1) -> tuple[str, str]:
    """A long word and its slip cut down to the slip and ``context`` characters either side (问提 for
    存在的主要问提); ``piece`` is ``shown`` as compared."""
    if len(term) <= 4:
        return shown, term
    head = 0
    while head < min(len(piece), len(term)) and piece[head] == term[head]:
        head += 1
    tail = 0
    while tail < min(len(piece), len(term)) - head and piece[-1 - tail] == term[-1 - tail]:
        tail += 1
    cut_head = max(0, head - context)
    cut_tail = max(0, tail - context)
    return shown[cut_head:len(shown) - cut_tail], term[cut_head:len(term) - cut_tail]


_NUMERAL_OF = dict(enumerate("一二三四五六七八九十", start=1))


def inline_heading_like(text: str, number: int) -> tuple[int, Heading] | None:
    """In run-together text, the heading of section ``number`` printed with a slip: its numeral and 、, then
    a title this like the official one (offset in ``text`` and the heading); None when there is none."""
    numeral = _NUMERAL_OF.get(number)
    wordings = _FOLDED_WORDINGS.get(number, ())
    if numeral is None or not wordings:
        return None
    folded = fold(text)
    pos = folded.find(numeral)
    while pos >= 0:
        sep = pos + 1
        while sep < len(folded) and folded[sep] == " ":
            sep += 1
        if sep < len(folded) and folded[sep] in ",.":
            start = sep + 1
            best: tuple[float, int] | None = None
            for w in wordings:
                for n in range(max(2, len(w) - 2), len(w) + 3):
                    r = SequenceMatcher(None, folded[start:start + n], w, autojunk=False).ratio()
                    if best is None or r > best[0]:
                        best = (r, n)
            if best is not None and best[0] >= 0.8:
                end = start + best[1]
                return pos, Heading(number, text[start:end], text[pos:end], "chinese")
        pos = folded.find(numeral, pos + 1)
    return None
