"""Units: the document flattened into cells and text pieces, each classified once.

A unit is one table cell, one paragraph, or a piece of a paragraph whose table rows were run
together (labels and numbers with nothing between them, or joined by spaces). The blocks are tidied
first (tidy.py: page furniture out, labels split from their numbers joined); a section heading with a
slip in it is found where the numbering leaves room for it (_fill_gaps).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import cache, lru_cache
from itertools import pairwise

from ..document import Document, Paragraph, Row
from ..formats import EDITIONS, LabelEntry, label_index
from ..formats.common import SECTIONS
from ..formats.labels import body_key, fold, label_key
from ..location import Location
from .sections import (
    LIKE_OFFICIAL,
    Heading,
    accept_headings,
    inline_heading_like,
    inline_headings,
    parse_heading,
    parse_numbered,
    title_likeness,
)
from .tidy import tidy, unglued
from .values import is_value_text

_CJK = re.compile(r"[\u4e00-\u9fff]")
_MULTI_NUMBERS = re.compile(r"^\s*(?:[-+]?\d+(?:\.\d+)?\s+)+[-+]?\d+(?:\.\d+)?\s*$")


@dataclass(slots=True)
class Unit:
    text: str
    at: Location
    block: int  # units of one table row share it; every paragraph or piece has its own
    kind: str  # "cell", "para" or "piece" (part of a run-together paragraph)
    key: str = ""
    entries: tuple[LabelEntry, ...] = ()
    value: bool = False  # a number, a nil marker or blank
    heading: Heading | None = None

    @property
    def blank(self) -> bool:
        text = self.text
        return not text or text.isspace()

    @property
    def labelish(self) -> bool:
        """Text that could be a misprinted label: a few CJK characters, not a sentence."""
        return (not self.value and not self.entries and 4 <= len(self.key) <= 60
                and len(_CJK.findall(self.text)) >= 4 and "。" not in self.text)


_new = object.__new__
assert [f.name for f in fields(Unit)] == ["text", "at", "block", "kind", "key", "entries", "value", "heading"]  # (_new)


@lru_cache(maxsize=16384)
def lookup(text: str) -> tuple[str, tuple[LabelEntry, ...]]:
    key = label_key(text)
    full, body = label_index()
    entries = full.get(key)
    if entries is None:
        b = body_key(text)
        if len(b) >= 4 and b != key:
            entries = tuple(e for e in body.get(b, ()) if e.kind == "row")
    return key, entries or ()


@cache
def _inline_label_regex() -> re.Pattern[str]:
    texts: set[str] = set()
    for ed in EDITIONS.values():
        for t in ed.tables:
            for r in t.rows:
                texts.add(r.label)
                texts.update(r.variants)
            texts.update(t.headers)
            texts.update(t.header_variants)
    parts = []
    for text in sorted(texts, key=lambda s: len(label_key(s)), reverse=True):
        chars = [c for c in fold(text) if not c.isspace()]
        pat = r"\s*".join("[,.:;]" if c in ",.:;" else re.escape(c) for c in chars)
        parts.append(pat)
    return re.compile("|".join(parts))


_SEPARATORS = " \t\u3000\xa0,，;；"


_COUNTED_LIST = re.compile(r"[件条个项次起][,;，；、]")  # "72件，64件，": a sentence listing counts


def _value_like_segment(seg: str) -> bool:
    s = seg.strip(_SEPARATORS)
    if not s:
        return True
    if _COUNTED_LIST.search(seg):
        return False
    return bool(re.fullmatch(r"[\d\s.,/\\\-+—–万元件条个项%（）()单位:：无空]*", fold(s)))


def _split_inline(text: str, at: Location) -> list[tuple[str, Location, str]] | None:
    """Split a paragraph holding table rows into (text, at, kind) pieces, kind being "label",
    "value" or "para" (a sentence of narrative between them), or None when it holds no table.

    A crawled page may hold narrative and run-together tables on one line: each sentence is
    judged on its own, and only what is made of labels and numbers becomes table pieces.
    """
    start = at.char - 1 if at.char is not None else 0
    out: list[tuple[str, Location, str]] = []
    found = False
    pos = 0
    for chunk in re.split(r"(?<=。)", text):
        if not chunk:
            continue
        pieces = _split_chunk(chunk, at, start + pos)
        if pieces is None:
            if chunk.strip():
                out.append((chunk, at.at_char(start + pos + 1), "para"))
        else:
            found = True
            out.extend(pieces)
        pos += len(chunk)
    return out if found else None


def _split_chunk(text: str, at: Location, start: int) -> list[tuple[str, Location, str]] | None:
    rx = _inline_label_regex()
    folded = fold(text)
    matches = list(rx.finditer(folded))
    if not matches:
        return None
    segments = [folded[a.end() : b.start()] for a, b in pairwise(matches)]
    segments.append(folded[matches[-1].end() :])
    head = folded[: matches[0].start()]
    if len(matches) == 1:
        # one row on one line, cells joined by spaces: "规章 0 0 0"
        tail = segments[0]
        if head.strip(_SEPARATORS) or not tail.strip(_SEPARATORS) or not _value_like_segment(tail):
            return None
    # a paragraph of narrative that happens to name 行政许可 twice is not a table
    elif sum(_value_like_segment(s) for s in segments) < max(2, (len(segments) * 2) // 3):
        return None
    covered = sum(m.end() - m.start() for m in matches) + sum(len(s) for s in segments if _value_like_segment(s))
    if covered < 0.6 * len(folded.strip()):  # mostly prose around a few labels
        return None
    out: list[tuple[str, Location, str]] = []
    pos = 0
    for m in matches:
        if m.start() > pos and text[pos : m.start()].strip():
            out.append((text[pos : m.start()], at.at_char(start + pos + 1), "value"))
        out.append((text[m.start() : m.end()], at.at_char(start + m.start() + 1), "label"))
        pos = m.end()
    if pos < len(text) and text[pos:].strip():
        out.append((text[pos:], at.at_char(start + pos + 1), "value"))
    return out


def build_units(doc: Document) -> list[Unit]:
    """Flatten the document: headings found, run-together paragraphs split, labels looked up."""
    return units_and_text(doc)[0]


def units_and_text(doc: Document) -> tuple[list[Unit], list[Unit]]:
    """:func:`build_units`, and the units of the running text among them in order (the headings and the
    "para" units: what the sections are made of), so that the sections need not look through every cell."""
    raw: list[Unit] = []
    paras: list[int] = []  # where the paragraphs are in ``raw``
    block_id = 0
    known = _FACTS.get  # (the loop below runs for every cell; raw.append is quickest called as it is)
    for block in tidy(doc.blocks, lookup):
        block_id += 1
        if type(block) is Row:
            for cell in block.cells:
                text = cell.text
                value, key, entries, parts = known(text) or _cell_facts(text)
                if parts is None:  # (Unit(text, cell.at, block_id, "cell", key, entries, value), made without its
                    # __init__: a unit for every cell of every report, and calling __init__ costs more than the rest)
                    u = _new(Unit)
                    u.text = text
                    u.at = cell.at
                    u.block = block_id
                    u.kind = "cell"
                    u.key = key
                    u.entries = entries
                    u.value = value
                    u.heading = None
                    raw.append(u)
                else:  # several units in one cell: a row run into it, or a label and the row's first numbers
                    for piece, value, key, entries in parts:
                        raw.append(Unit(piece, cell.at, block_id, "cell", key, entries, value))
        elif type(block) is Paragraph:
            text = block.text
            if len(text) > 120:
                inline = inline_headings(text)
                if len(inline) >= 2 or (inline and inline[0][0] > 0):
                    pos = 0
                    for off, h in inline:
                        if off > pos:
                            paras.append(len(raw))
                            raw.append(Unit(text[pos:off], block.at.at_char(pos + 1), block_id, "para"))
                            block_id += 1
                        end = off + len(h.printed)
                        paras.append(len(raw))
                        raw.append(Unit(text[off:end], block.at.at_char(off + 1), block_id, "para", heading=h))
                        block_id += 1
                        pos = end
                    if pos < len(text):
                        paras.append(len(raw))
                        raw.append(Unit(text[pos:], block.at.at_char(pos + 1), block_id, "para"))
                    continue
            paras.append(len(raw))
            raw.append(Unit(text, block.at, block_id, "para"))

    # Section headings: paragraphs only, in a forward-moving sequence.
    candidates = []
    for i in paras:
        u = raw[i]
        heading = u.heading or parse_heading(u.text)
        if heading:
            candidates.append((i, heading))
        u.heading = None
    accepted = accept_headings(candidates)
    if accepted and len(accepted) < len(SECTIONS):
        accepted, block_id = _fill_gaps(raw, paras, accepted, block_id)
    for i, h in accepted:
        raw[i].heading = h

    # Paragraphs (cells were classified as they were made): a paragraph holding table rows run
    # together becomes its pieces.
    any_heading = bool(accepted)
    section = 0  # the number of the section a paragraph sits in (0 before the first)
    next_block = block_id + 1
    split: list[tuple[int, list[Unit]]] = []
    for i in paras:
        u = raw[i]
        if u.heading:
            section = u.heading.number
            continue
        if (not any_heading or 2 <= section <= 4 or _looks_tabular(u.text)) and len(u.text) > 2:
            pieces = _split_inline(u.text, u.at)
            if pieces:
                made = []
                for text, at, kind in pieces:
                    p = Unit(text, at, next_block, "para" if kind == "para" else "piece")
                    next_block += 1
                    if kind == "label":
                        p.key, p.entries = lookup(text)
                    elif kind == "para":
                        _classify(p)
                    else:
                        p.key = label_key(text)
                        p.value = is_value_text(text) or _value_like_segment(text)
                    made.append(p)
                split.append((i, made))
                continue
        _classify(u)
    if not split:
        return raw, [raw[i] for i in paras]
    units: list[Unit] = []
    done = 0
    for i, made in split:
        units.extend(raw[done:i])
        units.extend(made)
        done = i + 1
    units.extend(raw[done:])
    split_at = dict(split)
    running = [x for i in paras for x in (split_at[i] if i in split_at else (raw[i],)) if x.heading or x.kind == "para"]
    return units, running


def _fill_gaps(raw: list[Unit], paras: list[int], accepted: list[tuple[int, Heading]],
               block_id: int) -> tuple[list[tuple[int, Heading]], int]:
    """Headings with a slip in them, where the numbering leaves room for them: a section missing between two
    found ones (or after the last, before the first) is looked for among the paragraphs there, as a numbered
    line (or, in run-together text, a numeral and 、) whose title is like that section's official one.
    ``raw`` and ``paras`` are changed in place (a run-together paragraph is split at the heading); the
    headings, in order, and the last block number used are returned."""
    for number in range(1, len(SECTIONS) + 1):
        if any(h.number == number for _, h in accepted):
            continue
        lo = max((i for i, h in accepted if h.number < number), default=-1)
        hi = min((i for i, h in accepted if h.number > number), default=len(raw))
        if lo < 0 and hi == len(raw):
            continue
        for k, i in enumerate(paras):
            if not lo < i < hi:
                continue
            u = raw[i]
            h = parse_numbered(u.text, commas=True)
            if h is not None and h.number == number and title_likeness(h.title, number) >= LIKE_OFFICIAL:
                accepted = sorted([*accepted, (i, h)], key=lambda a: a[0])
                break
            if len(u.text) > 120:
                found = inline_heading_like(u.text, number)
                if found is None:
                    continue
                off, h = found
                end = off + len(h.printed)
                made = []
                for a, b, heading in ((0, off, None), (off, end, h), (end, len(u.text), None)):
                    if b > a and (heading or u.text[a:b].strip()):
                        block_id += 1
                        made.append(Unit(u.text[a:b], u.at.at_char((u.at.char or 1) + a) if a else u.at,
                                         block_id, "para", heading=heading))
                raw[i:i + 1] = made
                grown = len(made) - 1
                head_at = i + next(n for n, m in enumerate(made) if m.heading)
                paras[k:k + 1] = list(range(i, i + len(made)))
                for n in range(k + len(made), len(paras)):
                    paras[n] += grown
                accepted = sorted([(j + grown if j > i else j, x) for j, x in accepted] + [(head_at, h)],
                                  key=lambda a: a[0])
                break
    return accepted, block_id


_Part = tuple[str, bool, str, tuple[LabelEntry, ...]]  # (text, value, key, entries) of a unit in a cell


def _facts(text: str) -> tuple[bool, str, tuple[LabelEntry, ...], tuple[_Part, ...] | None]:
    """(value, key, entries) of a cell's text as :func:`_classify` finds them, and None — or the units the
    cell holds when it holds several: numbers run together with spaces between them (a row run into one
    cell), or a row label and the row's first numbers (a column boundary a converter missed)."""
    if _MULTI_NUMBERS.match(text):
        return False, "", (), tuple(_part(piece) for piece in text.split())
    u = _classified(text)
    if not u.value and not u.entries and text[-1:].isdigit() and (glued := unglued(text, lookup)):
        label, numbers = glued
        key, entries = lookup(label)
        return u.value, u.key, u.entries, ((label, False, key, entries), *(_part(piece) for piece in numbers))
    return u.value, u.key, u.entries, None


def _classified(text: str) -> Unit:
    u = Unit(text, _NOWHERE, 0, "cell")
    _classify(u)
    return u


def _part(text: str) -> _Part:
    u = _classified(text)
    return text, u.value, u.key, u.entries


_NOWHERE = Location()
# What a cell holds depends on its text alone, and short cell texts recur in every report (labels, 0, blanks):
# kept by text (up to 200 characters), in a dict the loop over every cell looks in directly (quicker than an
# lru_cache; emptied when full).
_FACTS: dict[str, tuple[bool, str, tuple[LabelEntry, ...], tuple[_Part, ...] | None]] = {}
_MAX_FACTS = 16384


def _cell_facts(text: str) -> tuple[bool, str, tuple[LabelEntry, ...], tuple[_Part, ...] | None]:
    """:func:`_facts`, kept in _FACTS."""
    facts = _facts(text)
    if len(text) <= 200:
        if len(_FACTS) >= _MAX_FACTS:
            _FACTS.clear()
        _FACTS[text] = facts
    return facts


def _looks_tabular(text: str) -> bool:
    return "申请" in text and ("结转" in text or "予以公开" in text)


def _classify(u: Unit) -> None:
    text = u.text
    if not text.strip():
        u.value = True
        return
    if is_value_text(text):
        u.value = True
        u.key = label_key(text)
        return
    if len(text) <= 90:
        u.key, u.entries = lookup(text)
    else:
        u.key = label_key(text[:90])
