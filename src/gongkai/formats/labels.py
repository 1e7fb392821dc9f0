"""Label text as printed vs as defined: folding, keys, and the index readers look labels up in.

Real reports print the same label with full- or half-width punctuation, 、 or ，, spaces and
line breaks anywhere, 1. or 1、 or （1）. Two labels are the same when their keys are equal.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

# A length-preserving fold: full-width ASCII to ASCII, odd spaces to a space, quote and
# dash variants to one of each. Length-preserving so positions in folded text are positions
# in the original.
_FOLD_MAP: dict[int, int | str] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD_MAP.update({ord(c): " " for c in "\u3000\xa0\u2002\u2003\u2009\u200b\ufeff\u2007\u202f"})
_FOLD_MAP.update({ord(c): '"' for c in "“”„‟＂「」『』"})
_FOLD_MAP.update({ord(c): "'" for c in "‘’"})
_FOLD_MAP.update({ord(c): "-" for c in "—–－‐‑―−"})
_FOLD_MAP.update({ord("、"): ",", ord("．"): ".", ord("。"): "。", ord("﹒"): "."})
_FOLD_MAP.update({ord("〔"): "[", ord("〕"): "]", ord("【"): "[", ord("】"): "]"})
FOLD = str.maketrans(_FOLD_MAP)

_WS = re.compile(r"\s+")
_PUNCT = str.maketrans({",": ",", ".": ",", ":": ",", ";": ",", "·": ","})
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[,.]|\(?[一二三四五六七八九十0-9]+\)|[0-9]+[,.]?)")


# The same fold as str.translate(FOLD) for long texts: translate looks every character up in a dict
# (about 100 ns each for CJK text); finding the few characters to change with a regex and replacing
# each distinct one is several times faster. (Replacements are ASCII, never themselves folded.)
_FOLD_STR = {chr(k): (chr(v) if isinstance(v, int) else v) for k, v in _FOLD_MAP.items()}
_FOLD_STR = {k: v for k, v in _FOLD_STR.items() if k != v}
_FOLD_RX = re.compile("[" + "".join(re.escape(c) for c in _FOLD_STR) + "]")


def fold(text: str) -> str:
    if len(text) < 40:
        return text.translate(FOLD)
    for ch in set(_FOLD_RX.findall(text)):
        text = text.replace(ch, _FOLD_STR[ch])
    return text


@lru_cache(maxsize=32768)
def label_key(text: str) -> str:
    """The comparison key of a label: folded, no whitespace, one separator character."""
    return _WS.sub("", fold(text)).translate(_PUNCT)


@lru_cache(maxsize=32768)
def body_key(text: str) -> str:
    """The key without its numbering (一、 （一） 1. 5、): 属于国家秘密."""
    return _NUMBERING.sub("", label_key(text), count=1)


def numbering(text: str) -> str:
    m = _NUMBERING.match(label_key(text))
    return m.group(0) if m else ""


_CN = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def chinese_number(text: str) -> int | None:
    """一 → 1 … 十九 → 19; 5 → 5."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN for c in text):
        return None
    if len(text) == 1:
        return _CN[text]
    if text[0] == "十":
        return 10 + (_CN[text[1]] if len(text) > 1 else 0)
    if len(text) == 2 and text[1] == "十":
        return _CN[text[0]] * 10
    if len(text) == 3 and text[1] == "十":
        return _CN[text[0]] * 10 + _CN[text[2]]
    return None


def similarity(a: str, b: str) -> float:
    """Share of characters two keys have in common, in order (0..1)."""
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
