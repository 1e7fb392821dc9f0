"""Decoding text whose encoding nobody declared: UTF-8 (with or without BOM), UTF-16, GB18030."""

from __future__ import annotations

import re

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding). ``declared`` (a page's meta charset) is tried first, but a
    label that does not fit the bytes loses to what the bytes are."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            if enc == "utf-8-sig":
                return _utf8_marked(data)
            return data.decode(enc, "replace"), enc
    unmarked = utf16_without_bom(data)
    if unmarked:
        try:
            return data.decode(unmarked), unmarked
        except UnicodeDecodeError:
            pass
    candidates = []
    if declared and is_web_label(declared):
        candidates.append(_canonical(declared))
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    # a UTF-8 or GBK file with a few damaged bytes (a cut, a bad copy) is still that file
    for enc in ("utf-8", "gb18030"):
        text = data.decode(enc, "replace")
        if text.count("\ufffd") <= max(8, len(data) // 1000):
            return text, enc
    guess = _guess(data)
    if guess:
        return data.decode(guess, "replace"), guess
    return data.decode("utf-8", "replace"), "utf-8"


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for UTF-16 without a byte-order mark, told by where the zero bytes
    of its ASCII characters fall (digits, spaces and line breaks are plenty in any report); else None."""
    sample = data[:8192]
    if b"\x00" not in sample or len(sample) < 16:
        return None
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 0.02 * half and even * 5 <= odd:
        return "utf-16-le"
    if even >= 0.02 * half and odd * 5 <= even:
        return "utf-16-be"
    return None


def _utf8_marked(data: bytes) -> tuple[str, str]:
    """Bytes that start with the UTF-8 mark. Editors add the mark to GBK files they were told were
    UTF-8 (or a GBK file is saved after a mark was pasted in): when the rest is not UTF-8 but is
    GB18030, it is GB18030."""
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8-sig", "replace")
    bad = text.count("\ufffd")
    if bad > 8:
        try:
            return data[3:].decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            other = data[3:].decode("gb18030", "replace")
            if other.count("\ufffd") * 4 < bad:
                return other, "gb18030"
    return text, "utf-8-sig"


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


def is_web_label(name: str) -> bool:
    return bool(_WEB_LABEL.match(name.strip().strip("\"'").lower()))


def _canonical(name: str) -> str:
    n = name.strip().strip("\"'").lower()
    # GB2312 and GBK pages routinely hold characters only GB18030 has; it is their superset.
    if n in {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}:
        return "gb18030"
    return n


def _guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return best.encoding if best else None
