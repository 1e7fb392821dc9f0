"""A PDF page's layout made by pdfminer's interpreter, bounded and faster (:class:`BoundedPage`).

Bounded: pdfminer has no limit on the objects one page draws, the content bytes it runs or the
graphics states it saves; :class:`GuardedAggregator` and :class:`BoundedInterpreter` (subclasses,
used only by gongkai's own page objects) refuse a page that goes beyond ``limits``.

Faster: pdfminer.six reads content streams with a general PostScript tokenizer written byte by byte
in Python; on real reports (WPS and Word place every character with its own operators) that takes
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
from collections.abc import Callable, Sequence
from functools import lru_cache

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTCurve, LTItem, LTLine, LTPage, LTRect
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import PDFStream, stream_value
from pdfminer.psparser import KWD, LIT, PSKeyword, literal_name
from pdfplumber.page import Page, fix_fontname_bytes
from pdfplumber.utils.pdfinternals import resolve_all, resolve_and_decode

from ..errors import LimitExceeded
from ..limits import Limits

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
                parent.append({literal_name(k): v for k, v in zip(target[::2], target[1::2], strict=True) if v is not None})
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


class BoundedInterpreter(PDFPageInterpreter):
    """pdfminer's page interpreter, bounded where pdfminer has no bound of its own: the content bytes
    a page runs are counted by the device (:class:`GuardedAggregator`), and graphics states saved
    with ``q`` beyond :data:`MAX_SAVED_STATES` are counted instead of copied (pdfminer copies the
    whole state for each: a stream of millions of ``q``, a few KB compressed, took gigabytes).
    Form XObjects are run by the same class (pdfminer makes sub-interpreters with ``dup``)."""

    def init_state(self, ctm) -> None:
        super().init_state(ctm)
        self.unsaved = 0  # ``q`` beyond the bound, not yet matched by a ``Q``

    def execute(self, streams: Sequence[object]) -> None:
        try:
            size = sum(len(stream_value(obj).get_data()) for obj in streams)
        except AttributeError:  # not a stream: pdfminer's own execute copes (or fails as it does)
            size = 0
        self._count_content(size)
        super().execute(streams)

    def _count_content(self, size: int) -> None:
        if isinstance(self.device, GuardedAggregator):
            self.device.count_content(size)

    def do_q(self) -> None:
        if len(self.gstack) >= MAX_SAVED_STATES:
            self.unsaved += 1
            return
        super().do_q()

    def do_Q(self) -> None:
        if self.unsaved:
            self.unsaved -= 1
            return
        super().do_Q()


class FastInterpreter(BoundedInterpreter):
    """The bounded interpreter with the faster tokenizer above (Form XObjects included)."""

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
        self._count_content(len(data))
        if len(data) > FAST_MAX_BYTES:
            PDFPageInterpreter.execute(self, streams)  # pdfminer's parser reads token by token; a list would not
            return
        try:
            tokens = tokenize(data)
        except (_Unsure, ValueError):  # ValueError: a number of thousands of digits, which int() refuses
            PDFPageInterpreter.execute(self, streams)
            return
        self._run(tokens)

    def _run(self, tokens: list) -> None:
        methods: dict[PSKeyword, tuple[Callable[..., None] | None, int]] = {}
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


# Graphics states saved with ``q`` and not yet restored that are really saved (real pages nest a few
# dozen deep); deeper saves are counted, as viewers do.
MAX_SAVED_STATES = 1000
_STREAM_WEIGHT = 20


class GuardedAggregator(PDFPageAggregator):
    """pdfminer's page aggregator that refuses a page drawing more than ``limit`` characters, paths and
    images, or running more than ``content_limit`` bytes of content streams (forms included, each
    time drawn): a literal string of ten million characters would otherwise become ten million
    layout objects, and a few KB of forms drawing each other ten times over would run for hours."""

    def __init__(self, *args, limit: int, content_limit: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.limit = limit
        self.objects = 0
        self.content_limit = content_limit
        self.content_bytes = 0

    def count_content(self, size: int) -> None:
        """Count content-stream bytes run for this page; each stream run also counts as
        ``_STREAM_WEIGHT`` objects, as running one costs about as much."""
        self._one_more(_STREAM_WEIGHT)
        self.content_bytes += size
        if self.content_bytes > self.content_limit:
            raise LimitExceeded(
                f"PDF 页面内容过多（一页的绘制指令超过 {self.content_limit // (1024 * 1024)} MB），无法读取",
                f"a page's content streams exceed {self.content_limit} bytes",
            )

    def _one_more(self, weight: int = 1) -> None:
        self.objects += weight
        if self.objects > self.limit:
            raise LimitExceeded(
                f"PDF 页面内容过多（一页超过 {self.limit} 个文字或图形对象），无法读取",
                f"a page draws more than {self.limit} characters, paths and images",
            )

    def render_char(self, *args, **kwargs):
        self._one_more()
        return super().render_char(*args, **kwargs)

    def paint_path(self, *args, **kwargs):
        self._one_more()
        return super().paint_path(*args, **kwargs)

    def render_image(self, *args, **kwargs):
        self._one_more()
        return super().render_image(*args, **kwargs)


_DIRECT = {LTChar: "char", LTLine: "line", LTRect: "rect", LTCurve: "curve"}


@lru_cache(maxsize=64)
def _colour_space_name(name: object) -> object:
    return resolve_and_decode(name)


class BoundedPage(Page):
    """A pdfplumber page whose layout is made by the bounded interpreter and aggregator above
    (pdfplumber's own uses pdfminer's unbounded ones, and its slower tokenizer); everything else —
    ``chars``, ``rects``, ``edges``, ``find_tables`` — is pdfplumber's."""

    def __init__(self, pdf, page_obj, page_number: int, limits: Limits, fast: bool = True) -> None:
        super().__init__(pdf, page_obj, page_number=page_number)
        self.limits = limits
        self.fast = fast
        # pdfplumber's dictionaries are built directly where its coordinates are simple
        self.direct = pdf.unicode_norm is None and self.mediabox[0] == 0
        self.char_height, self.char_mb_top = self.height, self.mediabox[1]

    def process_object(self, obj: LTItem) -> dict:
        """pdfplumber's dictionary for a layout object, built directly for characters and drawn
        lines, rectangles and curves — nearly all of a page's objects: pdfplumber's generic walk over
        each object's attributes costs a third of the reading time. tests/test_reader_pdf.py checks
        that both give the same dictionaries."""
        kind = _DIRECT.get(type(obj)) if self.direct else None
        if kind is None:
            return super().process_object(obj)
        if isinstance(obj, LTChar):
            return self._char(obj)
        assert isinstance(obj, LTCurve)  # (and its subclasses LTLine, LTRect)
        return self._drawing(obj, kind)

    def _char(self, obj: LTChar) -> dict:
        top = (self.char_height - obj.y1) + self.char_mb_top  # (as pdfplumber computes them)
        gs = obj.graphicstate
        fontname = obj.fontname
        return {
            "matrix": obj.matrix, "adv": obj.adv, "upright": obj.upright, "size": obj.size,
            "fontname": fix_fontname_bytes(fontname) if isinstance(fontname, bytes) else fontname,
            "x0": obj.x0, "y0": obj.y0, "x1": obj.x1, "y1": obj.y1, "width": obj.width, "height": obj.height,
            "object_type": "char", "page_number": self.page_number, "ncs": _colour_space_name(obj.ncs.name),
            "text": obj.get_text(),
            "stroking_color": gs.scolor if isinstance(gs.scolor, tuple) else (gs.scolor,),
            "non_stroking_color": gs.ncolor if isinstance(gs.ncolor, tuple) else (gs.ncolor,),
            "top": top, "bottom": (self.char_height - obj.y0) + self.char_mb_top, "doctop": self.initial_doctop + top,
        }

    def _drawing(self, obj: LTCurve, kind: str) -> dict:
        top = (self.char_height - obj.y1) + self.char_mb_top
        point = self.point2coord
        return {
            "pts": [point(pt) for pt in obj.pts], "linewidth": obj.linewidth, "stroke": obj.stroke,
            "fill": obj.fill, "evenodd": obj.evenodd, "stroking_color": resolve_all(obj.stroking_color),
            "non_stroking_color": resolve_all(obj.non_stroking_color),
            "x0": obj.x0, "y0": obj.y0, "x1": obj.x1, "y1": obj.y1, "width": obj.width, "height": obj.height,
            "object_type": kind, "page_number": self.page_number,
            # (pdfminer annotates original_path's points wrongly, as pdfplumber notes)
            "path": [(cmd, *map(point, pts)) for cmd, *pts in obj.original_path or []],  # type: ignore[arg-type]
            "dash": obj.dashing_style,
            "top": top, "bottom": (self.char_height - obj.y0) + self.char_mb_top, "doctop": self.initial_doctop + top,
        }

    @property
    def layout(self) -> LTPage:
        if not hasattr(self, "_layout"):  # (pdfplumber's cache, emptied by ``close``)
            device = GuardedAggregator(self.pdf.rsrcmgr, pageno=self.page_number, laparams=None,
                                       limit=self.limits.max_page_objects,
                                       content_limit=self.limits.max_page_bytes)
            interpreter = (FastInterpreter if self.fast else BoundedInterpreter)(self.pdf.rsrcmgr, device)
            interpreter.process_page(self.page_obj)
            self._layout = device.get_result()
        return self._layout
