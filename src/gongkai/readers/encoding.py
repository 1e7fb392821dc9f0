"""Decoding text whose encoding nobody declared: UTF-8 (with or without BOM), UTF-16, GB18030."""

from __future__ import annotations

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
            return data.decode(enc, "replace"), enc
    candidates = []
    if declared:
        candidates.append(_canonical(declared))
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    guess = _guess(data)
    if guess:
        return data.decode(guess, "replace"), guess
    return data.decode("utf-8", "replace"), "utf-8"


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
