"""A faster way through PDF page content streams for pdfminer's interpreter.

pdfminer.six reads content streams with a general PostScript tokenizer written byte by byte in
Python; on real reports (WPS and Word place every character with its own operators) that takes
most of the reading time. :class:`FastInterpreter` cuts each content stream into tokens with one
regular expression and runs the operators through pdfminer's own ``do_*`` methods, so the
graphics state, fonts and text rendering are pdfminer's.

The tokens are the ones pdfminer's tokenizer would give (same numbers, names, strings, arrays
and dictionaries). Whatever this tokenizer is not sure of — inline images, ``#`` escapes in
names, strings with unescaped nested parentheses, unbalanced brackets, anything unusual — makes it
hand the whole stream back to pdfminer's own ``execute``, before any operator of the stream has
run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import PDFStream, stream_value
from pdfminer.psparser import KWD, LIT, PSKeyword, literal_name

# One match per token: white space and comments before it (atomic: never re-read as tokens),
# then the token; ``bad`` catches any other character and ``\Z`` the end of the stream, so every
# match starts where the previous one ended and nothing is skipped unseen.
_LEX = re.compile(
    rb"(?>(?:[\s\x00]+|%[^\r\n]*)*)"
    rb"(?:(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))"
    rb"|(?P<kw>[A-Za-z][^#/%\[\]()<>{}\s]*+(?!#)|['\"])"
    rb"|(?P<name>/[^#/%\[\]()<>{}\s]*+(?!#))"
    rb"|(?P<hex><[0-9A-Fa-f\s]*>)"
    rb"|(?P<str>\([^()\\]*\))"
    rb"|(?P<esc>\((?:[^()\\]|\\.)*\))"
    rb"|(?P<open><<|\[)"
    rb"|(?P<close>>>|\])"
    rb"|(?P<bad>.)"
    rb"|\Z)",
    re.DOTALL,
)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|.)", re.DOTALL)
_SPACES = re.compile(rb"\s")
_ESC = {b"b": b"\b", b"t": b"\t", b"n": b"\n", b"f": b"\f", b"r": b"\r", b"(": b"(", b")": b")", b"\\": b"\\"}
_TRUE, _FALSE, _BI, _DICT = b"true", b"false", b"BI", b"<<"


# The tokens of a stream are held in a list (about 100 bytes a token): a page's streams larger than
# this go through pdfminer's own parser, which holds one token at a time. Real pages: < 1 MB.
FAST_MAX_BYTES = 4 << 20


class _Unsure(Exception):
    """The stream holds something this tokenizer leaves to pdfminer."""


def tokenize(data: bytes) -> list:
    """The objects of a content stream in order: operands and operator keywords."""
    out: list = []
    stack: list[tuple[bool, list]] = []  # (is a dictionary, the enclosing list)
    target = out
    append = out.append
    for num, kw, name, hexs, plain, escaped, opening, closing, bad in _LEX.findall(data):
        if num:
            append(float(num) if b"." in num else int(num))
        elif kw:
            if kw == _TRUE:
                append(True)
            elif kw == _FALSE:
                append(False)
            elif kw == _BI:
                raise _Unsure("inline image")  # binary data follows
            else:
                append(KWD(kw))
        elif hexs:
            digits = _SPACES.sub(b"", hexs[1:-1])
            if len(digits) % 2:  # as pdfminer: the last lone digit is a byte of its own
                append(bytes.fromhex(digits[:-1].decode()) + bytes((int(digits[-1:], 16),)))
            else:
                append(bytes.fromhex(digits.decode()))
        elif name:
            raw = name[1:]
            try:
                append(LIT(raw.decode("utf-8")))
            except UnicodeDecodeError:
                append(LIT(raw))
        elif plain:
            append(plain[1:-1])
        elif escaped:
            append(_ESCAPE.sub(_unescape, escaped[1:-1]))
        elif opening:
            stack.append((opening == _DICT, target))
            target = []
            append = target.append
        elif closing:
            if not stack:
                raise _Unsure("unbalanced")
            is_dict, parent = stack.pop()
            if is_dict != (closing == b">>"):
                raise _Unsure("unbalanced")
            if not is_dict:
                parent.append(target)
            elif len(target) % 2:
                raise _Unsure("odd dictionary")
            else:
                parent.append({literal_name(k): v for k, v in zip(target[::2], target[1::2]) if v is not None})
            target = parent
            append = target.append
        elif bad:
            raise _Unsure(bad)
    if stack:
        raise _Unsure("unbalanced")
    return out


def _unescape(m: re.Match) -> bytes:
    """A backslash escape in a string, read as pdfminer reads it."""
    code = m.group(1)
    if code[0] in b"01234567":
        value = int(code, 8)
        if value > 255:
            raise _Unsure("octal escape")
        return bytes((value,))
    if code in _ESC:
        return _ESC[code]
    return b""  # a line continuation; pdfminer also drops an unknown escaped character


class FastInterpreter(PDFPageInterpreter):
    """pdfminer's page interpreter with the faster tokenizer above (Form XObjects included)."""

    def execute(self, streams: Sequence[object]) -> None:
        try:
            valid: list[PDFStream] = []
            self.stream_ids.clear()
            for obj in streams:
                stream = stream_value(obj)
                if stream.objid is None or stream.objid in self.parent_stream_ids:
                    continue  # pdfminer skips these too (inline streams, circular references)
                valid.append(stream)
                self.stream_ids.add(stream.objid)
            data = b"\n".join(s.get_data() for s in valid)
        except AttributeError:
            super().execute(streams)
            return
        count = getattr(self.device, "count_content", None)
        if count is not None:
            count(len(data))  # the page's content limit (see _pdfguard.GuardedAggregator)
        if len(data) > FAST_MAX_BYTES:
            super().execute(streams)  # pdfminer's parser reads token by token; the list would not
            return
        try:
            tokens = tokenize(data)
        except (_Unsure, ValueError):  # ValueError: a number of thousands of digits, which int() refuses
            super().execute(streams)
            return
        self._run(tokens)

    def _run(self, tokens: list) -> None:
        methods: dict[PSKeyword, tuple[object, int]] = {}
        push = self.push
        for obj in tokens:
            if obj.__class__ is not PSKeyword:
                push(obj)
                continue
            entry = methods.get(obj)
            if entry is None:
                name = obj.name.decode("latin-1").replace("*", "_a").replace('"', "_w").replace("'", "_q")
                func = getattr(self, f"do_{name}", None)
                entry = (func, func.__code__.co_argcount - 1 if func is not None else 0)
                methods[obj] = entry
            func, nargs = entry
            if func is None:
                continue  # unknown operator: pdfminer ignores it too
            if nargs:
                args = self.pop(nargs)
                if len(args) == nargs:
                    func(*args)
            else:
                func()
