"""Decoding text whose encoding nobody declared, or declared wrongly.

What the bytes say for certain comes first; what they only suggest is left to charset-normalizer:

1. a byte-order mark says UTF-8 or UTF-16 (editors also put the UTF-8 mark in front of GBK text: a
   marked file that is not UTF-8 is detected like an unmarked one);
2. bytes that are valid UTF-8 (and hold no NUL, which UTF-16 text does) are UTF-8: Chinese in
   GB18030 is practically never valid UTF-8;
3. a web page's own label, when the bytes decode under it (labels of single-byte Western encodings
   are not used: they decode any bytes, and no Chinese report is written in them);
4. otherwise charset-normalizer chooses among the encodings Chinese reports are written in: GB18030
   (the superset of GB2312 and GBK), Big5, UTF-8, UTF-16 without a mark;
5. nothing decodes cleanly (a cut or a bad copy): the text is what has the fewest damaged
   characters, UTF-8 or GB18030.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16_le", "utf_16_be"]
_UTF16 = ["utf_16_le", "utf_16_be"]
_SAMPLE = 1 << 20  # bytes of a file charset-normalizer looks at
_GB = {"gb2312", "gbk", "gb18030", "hz", "hz_gb_2312", "cp936", "euc_cn", "x_gbk", "x_gb18030", "gb_2312_80",
       "csgb2312", "chinese"}


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding); ``declared`` is a page's meta charset."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            return _detect(data[3:], "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace"), "utf-16"
    if b"\x00" not in data:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    label = usable_label(declared)
    if label:
        try:
            return data.decode(label), label
        except (UnicodeDecodeError, LookupError):
            pass
    return _detect(data, "utf-8")


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when ``data`` (the start of a file is enough) is UTF-16 without a
    byte-order mark, as charset-normalizer tells; else None. Text without NUL bytes is never UTF-16
    (its ASCII characters, line breaks and digits hold one each), which keeps the common case fast."""
    sample = data[:8192]
    sample = sample[:len(sample) & ~1]
    if b"\x00" not in sample or len(sample) < 16:
        return None
    best = from_bytes(sample, cp_isolation=_UTF16, preemptive_behaviour=False).best()
    return _name(best.encoding) if best is not None else None


def _detect(data: bytes, damaged_default: str) -> tuple[str, str]:
    best = from_bytes(_sample(data), cp_isolation=_CANDIDATES, preemptive_behaviour=False).best()
    if best is not None:
        encoding = _name(best.encoding)
        return data.decode(encoding, "replace"), encoding
    # nothing decodes without errors: the reading with the fewest damaged characters (UTF-8 first)
    readings = [(data.decode(enc, "replace"), enc) for enc in ("utf-8", "gb18030")]
    text, encoding = min(readings, key=lambda r: r[0].count("\ufffd"))
    return text, damaged_default if encoding == "utf-8" else encoding


def _sample(data: bytes) -> bytes:
    """The first MB of ``data``, ended after a line break (no multi-byte character is cut)."""
    if len(data) <= _SAMPLE:
        return data
    cut = data.rfind(b"\n", 0, _SAMPLE) + 1
    if cut <= 0:
        return data[:_SAMPLE]
    return data[:cut + 1] if cut % 2 and b"\x00" in data[:64] else data[:cut]  # (UTF-16: the whole code unit)


def _name(codec: str) -> str:
    """The name a file's encoding is reported by: GB2312 and GBK as GB18030, their superset."""
    name = codec.lower().replace("-", "_")
    return "gb18030" if name in _GB else name.replace("_", "-")


# Labels a page may declare that browsers honour (the WHATWG Encoding Standard's, roughly). Python
# knows many more codec names — unicode_escape, cp037 (EBCDIC), rot13, "undefined" — which a page
# must not be able to choose; UTF-16 labels are ignored as browsers ignore them (a byte-order mark
# says UTF-16).
_WEB_LABEL = re.compile(
    r"^(?:utf-?8|unicode-1-1-utf-8|gb[_\-]?2312(?:-80)?|gbk|x-gbk|gb18030|x-gb18030|cp936|euc-cn|csgb2312|chinese"
    r"|hz-gb-2312|big5(?:-hkscs)?|cn-big5|csbig5|euc-jp|shift[_-]jis|sjis|x-sjis|ms932|windows-31j|iso-2022-jp"
    r"|euc-kr|ks_c_5601-1987|windows-949|cp949|iso[-_]?8859-\d{1,2}|latin-?\d|l\d|windows-125\d|cp125\d"
    r"|us-ascii|ascii|koi8-[ru]|macintosh|ibm866|windows-874|tis-620)$"
)
_SINGLE_BYTE = re.compile(r"^(?:iso[-_]?8859|latin|l\d|windows-125|cp125|us-ascii$|ascii$|koi8|macintosh|ibm866"
                          r"|windows-874|tis-620)")


def is_web_label(name: str) -> bool:
    return bool(_WEB_LABEL.match(name.strip().strip("\"'").lower()))


def usable_label(declared: str | None) -> str | None:
    """The codec a declared label names, if it may decide: a web label of a multi-byte encoding
    (GB2312 and GBK pages routinely hold characters only GB18030 has: they are read as GB18030)."""
    if not declared or not is_web_label(declared):
        return None
    name = declared.strip().strip("\"'").lower()
    if _SINGLE_BYTE.match(name):
        return None
    return "gb18030" if name.replace("-", "_") in _GB or name == "hz-gb-2312" else name
