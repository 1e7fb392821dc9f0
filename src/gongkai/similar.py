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
