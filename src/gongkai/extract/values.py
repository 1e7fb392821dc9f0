"""Cell text to value: "20万元" → 20, "/" → nil, "" → blank, "１２" → 12, "-3" → -3.

Blank, a nil marker and 0 stay three different facts: the value is None for the first two,
and ``raw`` keeps what was printed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..formats.labels import fold
from ..location import Location
from ..model import NIL_MARKERS, Cell

# the units a number may be printed with: money (converted where a column's unit is fixed) and counts
MONEY_UNITS = {"元": 1, "千元": 1000, "万元": 10000, "亿元": 100000000}  # in 元
UNITS = ("人次", "万元", "千元", "亿元", "元", "件", "条", "个", "项", "次", "起", "宗", "份", "%")
_NUMBER = re.compile(
    r"^(?P<sign>[-+]|减少?|增加?)?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*"
    r"(?P<unit>" + "|".join(UNITS) + r")?$"
)
_SPACES = re.compile(r"[\s]+")
# No count, sum of money or share in a report has more digits than this; a longer run of digits is a
# slip (numbers run together, a pasted ID) and is kept as text, so that it is reported, never summed.
MAX_DIGITS = 15


def _match(text: str) -> re.Match | None:
    t = fold(text).strip()
    if not t:
        return None
    return _NUMBER.match(_SPACES.sub("", t))  # "1 234" and digits broken over lines


@lru_cache(maxsize=16384)
def parse_number(text: str) -> tuple[int | float | None, str | None]:
    """(value, unit) for a printed number, (None, None) when the text is not one (or has more
    than ``MAX_DIGITS`` digits before the point)."""
    m = _match(text)
    if not m:
        return None, None
    num = m.group("num").replace(",", "")
    if len(num.split(".")[0]) > MAX_DIGITS:
        return None, None
    value: int | float = float(num) if "." in num else int(num)
    if isinstance(value, float) and value.is_integer() and not num.endswith(".0") and "." not in num:
        value = int(value)
    sign = m.group("sign")
    if sign and (sign == "-" or sign.startswith("减")):
        value = -value
    return value, m.group("unit")


@lru_cache(maxsize=16384)
def is_nil(text: str) -> bool:
    return fold(text).strip() in NIL_MARKERS or text.strip() in NIL_MARKERS


@lru_cache(maxsize=16384)
def is_value_text(text: str) -> bool:
    """True for what can fill a data cell: a number (however long), a nil marker or nothing."""
    t = text.strip()
    return not t or is_nil(t) or _match(t) is not None


def make_cell(raw: str | None, at: Location | None, how: str = "printed", confidence: float | None = None,
              doubt: str | None = None, crop: bytes | None = None) -> Cell:
    """The cell for ``raw`` as printed at ``at``. ``how`` says how it was read; a cell recognised from a
    scan (``how`` "ocr") brings OCR's ``confidence``, its ``doubt`` (faint, smudged, unread, low
    confidence: any of them makes the cell's doubt "ocr") and the scanned ``crop``. A recognised cell whose
    text is no number, no nil mark and not blank is put down to the recognition, not to the print."""
    if raw is None:
        return Cell(None, None, at, how, confidence, (), "ocr" if doubt else None, crop)
    value, text = known_reading(raw) or cached_reading(raw)
    if how == "ocr" and (doubt or (value is None and text and not is_nil(text))):
        return Cell(value, text, at, how, confidence, (), "ocr", crop)
    return Cell(value, text, at, how, confidence, (), None, crop)


def reading(raw: str) -> tuple[int | float | None, str]:
    """(value, text as kept) of a printed cell."""
    text = raw.strip(" \t\r\n\u3000\xa0")
    if not text or is_nil(text):
        return None, text
    value, _unit = parse_number(text)
    return value, text


# The same few cell texts fill every report: their readings are kept by text (up to 64 characters), in a dict
# that callers making a cell for every cell look in directly, ``known_reading(raw) or cached_reading(raw)``
# (quicker than an lru_cache; emptied when full).
_READINGS: dict[str, tuple[int | float | None, str]] = {}
_MAX_READINGS = 16384
known_reading = _READINGS.get


def cached_reading(raw: str) -> tuple[int | float | None, str]:
    """:func:`reading`, kept in _READINGS."""
    found = reading(raw)
    if len(raw) <= 64:
        if len(_READINGS) >= _MAX_READINGS:
            _READINGS.clear()
        _READINGS[raw] = found
    return found


_NUMERIC = re.compile(r"[\d\s.,，、;；+\-/\\]*\d[\d\s.,，、;；+\-/\\]*")


def numeric_text(text: str) -> bool:
    """Printed text made only of digits, signs, separators, nil marks and units, with a digit: numbers (run
    together, or with a stray mark), never words. ``35-15``, ``2648-18538``, ``1,2345``; not ``若干``."""
    t = fold(text)
    for unit in UNITS:
        t = t.replace(unit, " ")
    return bool(_NUMERIC.fullmatch(t))


def small_int(text: object, digits: int = 9) -> int | None:
    """A whole number typed into a form or a web address ("2023", " 12 "), or None: only ASCII
    digits, at most ``digits`` of them ("²".isdigit() is true but int("²") fails, and a number of
    thousands of digits is no year, page or id — and more than a database integer holds)."""
    t = str(text if text is not None else "").strip()
    if not t or len(t) > digits or not (t.isascii() and t.isdigit()):
        return None
    return int(t)
