"""Near-duplicate narrative text (内容雷同): MinHash signatures of a report's narrative, LSH bands to
find candidates without comparing all pairs, and the passages two reports share.

The narrative is the text of the report's sections (tables excluded), folded: full-width to half-width,
whitespace and punctuation removed, every run of digits replaced by "0" — so last year's text with this
year's numbers still counts as the same text. A report's set is its character 5-grams; the MinHash
(datasketch, 128 permutations, affine32 scheme) estimates the Jaccard similarity of two sets. The 128
values are cut into 32 bands of 4: two reports sharing any band are candidates (a pair at similarity
0.5 is found with probability 1-(1-0.5⁴)³² ≈ 0.87, at 0.6 ≈ 0.99, at 0.3 ≈ 0.23), then the
signatures are compared and the texts aligned.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .formats import boilerplate as bp
from .formats.labels import fold as label_fold

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE = 5
SEED = 1
SCHEME = "affine32"
MIN_CHARS = 60  # below this a narrative says too little to compare
DEFAULT_THRESHOLD = 0.5
PARAMS = {"num_perm": NUM_PERM, "bands": BANDS, "rows": ROWS, "shingle": SHINGLE, "seed": SEED, "scheme": SCHEME,
          "version": 1}

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+")


def narrative_text(report: Any) -> str:
    """The sections' text of a Report or of its JSON, in order."""
    if isinstance(report, dict):
        return "\n".join((s.get("text") or "") for s in report.get("sections") or [])
    return "\n".join(s.text for s in report.sections)


def fold(text: str) -> str:
    t = unicodedata.normalize("NFKC", text)
    t = _DIGITS.sub("0", t)
    return _DROP.sub("", t)


def shingle_hashes(text: str, *, folded: bool = False) -> np.ndarray:
    """The distinct 32-bit hashes of the folded text's character 5-grams (deterministic across runs)."""
    t = text if folded else fold(text)
    if len(t) < SHINGLE:
        return np.zeros(0, dtype=np.uint32)
    cp = np.frombuffer(t.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(cp) - SHINGLE + 1
    h = np.zeros(n, dtype=np.uint64)
    mult = np.uint64(0x100000001B3)
    for j in range(SHINGLE):
        h = (h * mult) ^ cp[j : j + n]
    h ^= h >> np.uint64(29)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(32)
    return np.unique((h & np.uint64(0xFFFFFFFF)).astype(np.uint32))


def _identity(x):
    return x


@lru_cache(maxsize=1)
def _minhash():
    """datasketch's MinHash and this version's permutations, made once."""
    # lazy: datasketch brings scipy (half a second, 50 MB); only computing a signature needs it
    from datasketch import MinHash  # noqa: PLC0415  (lazy, see above)

    return MinHash, MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=_identity).permutations


def signature_of(hashes: np.ndarray) -> np.ndarray:
    minhash, permutations = _minhash()
    m = minhash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=_identity, permutations=permutations)
    m.update_batch(hashes.tolist() if isinstance(hashes, np.ndarray) else hashes)  # ints: datasketch's fast path
    return np.asarray(m.hashvalues, dtype=np.uint32)


@dataclass(slots=True)
class TextSketch:
    signature: bytes  # NUM_PERM little-endian uint32
    bands: list[tuple[int, int]]  # (band, signed 64-bit key)
    shingles: int
    chars: int


def sketch(text: str) -> TextSketch | None:
    """The signature and band keys of a narrative, or None when it is too short to compare."""
    folded = fold(text)
    if len(folded) < MIN_CHARS:
        return None
    hashes = shingle_hashes(folded, folded=True)
    sig = signature_of(hashes)
    return TextSketch(sig.astype("<u4").tobytes(), band_keys(sig), len(hashes), len(folded))


def band_keys(sig: np.ndarray) -> list[tuple[int, int]]:
    raw = np.asarray(sig, dtype="<u4").tobytes()
    out = []
    step = ROWS * 4
    for b in range(BANDS):
        d = hashlib.blake2b(raw[b * step : (b + 1) * step], digest_size=8).digest()
        out.append((b, int.from_bytes(d, "little", signed=True)))
    return out


def signature_array(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


def estimate(a: bytes | np.ndarray, b: bytes | np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of equal MinHash values."""
    x = signature_array(a) if isinstance(a, bytes | bytearray | memoryview) else a
    y = signature_array(b) if isinstance(b, bytes | bytearray | memoryview) else b
    return float(np.count_nonzero(x == y)) / len(x)


def jaccard(text_a: str, text_b: str) -> float:
    """Exact Jaccard similarity of the two narratives' 5-gram sets."""
    a, b = shingle_hashes(text_a), shingle_hashes(text_b)
    if not len(a) and not len(b):
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def shared_passages(text_a: str, text_b: str, *, min_chars: int = 20, limit: int = 5) -> list[str]:
    """The longest passages printed in both narratives (as printed in ``text_a``), longest first.

    Digits are compared as "0" so a passage with this year's numbers still matches last year's.
    """
    a, amap = _comparable(text_a)
    b, _ = _comparable(text_b)
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    blocks = [m for m in sm.get_matching_blocks() if m.size >= min_chars]
    blocks.sort(key=lambda m: -m.size)
    out = []
    for m in blocks[:limit]:
        start, end = amap[m.a], amap[m.a + m.size - 1] + 1
        out.append(text_a[start:end].strip())
    return out


def _comparable(text: str) -> tuple[str, list[int]]:
    """Text with whitespace dropped and digits as 0, and where each character came from."""
    chars, where = [], []
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        chars.append("0" if ch.isdigit() else ch)
        where.append(i)
    return "".join(chars), where


# ---------------------------------------------------------------------------------------------
# The copy rate (GK605, GK801): how much of a report's narrative is found in another report.
#
# Both narratives are folded like this: full-width to half-width, punctuation and spaces dropped, and
# every year (19xx, 20xx) read as "0" — a sentence carried over with only its year changed is the same
# sentence; other numbers are kept, so a sentence of statistics written again with this year's figures
# is not counted as copied. The boilerplate every report contains (gongkai.formats.boilerplate: the legal
# opening, the format's fixed sentences, headings, table labels, lines of nothing but numbers) is marked
# in this report's narrative and not counted. A character counts as copied when it lies inside a run of
# at least COPY_PASSAGE characters that is also printed in the other narrative, the run wholly outside
# the boilerplate. The rate is copied characters / counted characters.

COPY_PASSAGE = 20  # characters (folded) a shared run needs to count: a clause and more, not a stock phrase
COPY_MIN_CHARS = 200  # a narrative with fewer counted characters is not judged
COPY_LIMIT = 50  # percent: evaluators deduct above it

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_ENDS = re.compile(r"[。!?\n]+")  # a sentence's end, after labels.fold
_NOT_KEPT = re.compile(r"[^\w|]+|_")  # what fold_text drops, sentence ends ("|") aside
_BARS = re.compile(r"\|{2,}")
_NUMBERING = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]{1,3}|\d{1,2})")  # folded: 一、 （3） 1.
_NUMBERS = re.compile(r"\d+")


def fold_text(text: str) -> str:
    """The comparable characters of the copy rate (see above)."""
    return _DROP.sub("", _YEAR.sub("0", label_fold(text)))


@dataclass(slots=True)
class Narrative:
    """A narrative made ready for the copy rate."""

    printed: str  # as printed (sections joined by line breaks)
    text: str  # its comparable characters (fold_text)
    counted: np.ndarray  # bool per character of ``text``: False for boilerplate

    @property
    def chars(self) -> int:
        return int(np.count_nonzero(self.counted))


@dataclass(slots=True)
class CopyRate:
    rate: float  # copied characters / counted characters
    chars: int  # counted characters of the narrative
    shared: int  # of them, inside a passage the other narrative prints too
    runs: list[tuple[int, int]]  # the shared passages as [start, end) of Narrative.text, longest first

    @property
    def percent(self) -> int:
        return percent(self.rate)

    @property
    def over_limit(self) -> bool:
        return self.percent > COPY_LIMIT


def percent(rate: float) -> int:
    """A rate as the whole percent shown in messages (half up); the limit is judged on this number."""
    return int(rate * 100 + 0.5)


@dataclass(frozen=True, slots=True)
class _Boilerplate:
    """One boilerplate sentence (formats.boilerplate) as a regex on folded sentences joined by "|"."""

    rx: re.Pattern[str]
    literal: str  # the text must contain it for the regex to match (a quick test first)
    lead: bool  # the sentence before the match is left out too
    trail: bool  # … and after it


def _sentence_regex(pattern: str, gap: int) -> _Boilerplate:
    out, literal = [], ""
    for k, part in enumerate(pattern.strip("…").split("…")):
        if k:
            out.append(f"[^|]{{0,{gap}}}?")
        for token in re.split(r"(\{[^}]*\})", part):
            if token.startswith("{"):
                options = [fold_text(o) for o in token[1:-1].split("|")]
                out.append("(?:" + "|".join(re.escape(o) for o in options if o) + ")")
            elif fold_text(token):
                out.append(re.escape(fold_text(token)))
                literal = max(literal, fold_text(token), key=len)
    return _Boilerplate(re.compile("".join(out)), literal, pattern.startswith("…"), pattern.endswith("…"))


@lru_cache(maxsize=1)
def _boilerplate() -> tuple[list[_Boilerplate], tuple[int, int], re.Pattern[str]]:
    sentences = [_sentence_regex(p, bp.GAP) for p in bp.SENTENCES]
    heads = {_NUMBERING.sub("", _NUMBERS.sub("", fold_text(h))) for h in bp.heading_texts()} - {""}
    # a line of nothing but headings and table labels (a table's row or header printed as one line),
    # each maybe numbered, numbers anywhere (a row's values) taken out first
    labels = "|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True))
    return sentences, (bp.LEAD, bp.TRAIL), re.compile(f"(?:(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]{{1,3}})?(?:{labels}))+")


def prepare(printed: str) -> Narrative:
    """The narrative's comparable characters with its boilerplate marked."""
    sentences, (lead, trail), labels = _boilerplate()
    # the folded text with "|" where each sentence ends (one pass of each regex over the whole text)
    joined = _BARS.sub("|", "|" + _NOT_KEPT.sub("", _ENDS.sub("|", _YEAR.sub("0", label_fold(printed)))) + "|")
    mask = np.ones(len(joined), dtype=bool)
    pos = 1
    for f in joined[1:-1].split("|"):
        # headings, table labels, numbers: not counted
        if _NUMBERS.fullmatch(f) or labels.fullmatch(_NUMBERS.sub("", f)):
            mask[pos:pos + len(f)] = False
        pos += len(f) + 1
    for b in sentences:
        if b.literal not in joined:
            continue
        for m in b.rx.finditer(joined):
            start, end = m.start(), m.end()
            if b.lead:  # back to the sentence's start, within reach
                start = max(joined.rfind("|", 0, start) + 1, start - lead)
            if b.trail:
                end = min(joined.find("|", end), end + trail)
            mask[start:end] = False
    real = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32) != ord("|")
    return Narrative(printed, joined.replace("|", ""), mask[real])


def _windows(text: str, k: int = COPY_PASSAGE) -> np.ndarray:
    """A 64-bit hash of every run of ``k`` characters of ``text``, in order."""
    n = len(text) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    mult = np.uint64(0x100000001B3)
    for j in range(k):
        h = (h * mult) ^ cp[j:j + n]
    h ^= h >> np.uint64(31)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(29)
    return h


def passages_of(other: str) -> np.ndarray:
    """What copy_rate needs of the other narrative (as printed): its runs' hashes, sorted."""
    return np.sort(_windows(fold_text(other)))


def copy_rate(mine: Narrative, other: np.ndarray | str) -> CopyRate | None:
    """How much of ``mine`` is printed in ``other`` (a narrative as printed, or passages_of() of one);
    None when ``mine`` has too few counted characters to judge."""
    chars = mine.chars
    if chars < COPY_MIN_CHARS:
        return None
    theirs = passages_of(other) if isinstance(other, str) else other
    k = COPY_PASSAGE
    h = _windows(mine.text, k)
    if not len(h) or not len(theirs):
        return CopyRate(0.0, chars, 0, [])
    found = theirs[np.minimum(np.searchsorted(theirs, h), len(theirs) - 1)] == h
    # a run counts only when all of it is counted text: boilerplate next to it adds nothing
    outside = np.concatenate(([0], np.cumsum(~mine.counted)))
    starts = found & ((outside[k:] - outside[:-k]) == 0)
    if not starts.any():
        return CopyRate(0.0, chars, 0, [])
    # character i is covered when a counted run starts at one of i-k+1 … i
    n, m = len(mine.text), len(starts)
    upto = np.concatenate(([0], np.cumsum(starts)))
    i = np.arange(n)
    covered = (upto[np.minimum(i, m - 1) + 1] - upto[np.maximum(i - k + 1, 0)]) > 0
    edges = np.diff(np.concatenate(([0], covered.astype(np.int8), [0])))
    runs = list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))
    runs.sort(key=lambda r: (r[0] - r[1], r[0]))
    shared = int(np.count_nonzero(covered))
    return CopyRate(shared / chars, chars, shared, runs)


def printed_runs(mine: Narrative, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The runs of Narrative.text as [start, end) of the narrative as printed."""
    spans = _char_map(mine.printed)
    return [(spans[s][0], spans[e - 1][1]) for s, e in runs]


def _char_map(printed: str) -> list[tuple[int, int]]:
    """Where each character of fold_text(printed) was printed: [start, end), four digits for a year's "0"
    (label_fold keeps every position)."""
    t = label_fold(printed)
    years = {m.start(): m.end() for m in _YEAR.finditer(t)}
    spans, i = [], 0
    while i < len(t):
        if i in years:
            spans.append((i, years[i]))
            i = years[i]
            continue
        if not _DROP.match(t[i]):
            spans.append((i, i + 1))
        i += 1
    return spans


def shorten(passage: str, most: int = 40) -> str:
    """A passage for a message: whole when short, else its beginning and end."""
    p = re.sub(r"\s+", "", passage)
    if len(p) <= most:
        return p
    return p[: most * 2 // 3] + "……" + p[-(most // 3):]
