"""The document's blocks made ready to be read: what a page layout put between a table's rows taken out, and
what it pulled apart put back together.

Text converted from PDF (by PDF-to-Markdown tools and the like) keeps the traces of the printed pages, and
those traces fall inside the tables:

* page numbers ("- 3 -", "第 3 页", "第3页 共8页", "3/8", a bare "3" between two rows of a table) and a
  running head or foot (the same short line printed on every page) between two rows;
* header rows made up by the converter (``数据1 | 数据2 …``, ``Col1 | Col2 …``) above each row, when every
  row became its own little table;
* a row label on one row (or line) and its numbers on the next, and a label broken over two rows.

What is taken out is what no report prints as content; what is joined is joined only when the official label
it makes (formats/) says so. Everything else is left as the reader found it.
"""

from __future__ import annotations

import re
from functools import cache

from ..document import Block, Cell, Paragraph, Row
from ..formats import EDITIONS, LabelEntry
from .sections import looks_like_section_heading
from .values import is_value_text

# Page numbers as printed under or over a page (a paragraph, or a table row holding nothing else).
_PAGE_MARK = re.compile(
    r"^(?:[-—–－~\uff5e·•\s]+\d{1,4}[-—–－~\uff5e·•\s]+"  # - 3 -, —3—
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"  # 第 3 页, 第3页 共8页
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"  # 3/8
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",  # Page 3 of 8
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")
# Column headers a converter makes up when the table it found has none of its own.
_GENERIC_HEADER = re.compile(r"^(?:数据|列|字段|表头|栏目?|col(?:umn)?[\s_]*|unnamed:?\s*|field[\s_]*)\d{1,2}$",
                             re.IGNORECASE)
_FOLD_SPACES = re.compile(r"\s+")
_MAX_FRAGMENT = 40  # a piece of a broken label is short


# What a portal page prints around the report (menus, breadcrumbs, share and print buttons, the site's
# footer): words no report uses on a short line of its own.
_CHROME = re.compile(
    r"网站地图|联系我们|版权所有|ICP备|ICP证|公网安备|网站标识码|技术支持|主办单位|承办单位|主办[:：]|承办[:：]"
    r"|打印本页|关闭窗口|[【\[]\s*(?:打印|关闭|收藏|返回)\s*[】\]]|上一篇|下一篇|分享到|扫一扫|当前位置|您的位置|您现在的位置"
    r"|字号[:：]|浏览次数|访问量|阅读次数|点击数|收藏本站|设为首页|无障碍|适老化|长者模式|返回顶部|相关链接|相关文章"
    r"|责任编辑|信息来源[:：]|来源[:：]|访问次数",
    re.IGNORECASE,
)
_LINK_LIST = re.compile(r"^(?:[^|｜]{1,12}[|｜]){2,}[^|｜]{1,12}$")  # 网站地图 | 联系我们 | 隐私声明


def page_chrome(text: str) -> bool:
    """A short line a portal page prints around the report (a menu, a breadcrumb, its footer), not the
    report's own text."""
    if len(text) > 120 or "。" in text:
        return False
    t = text.strip()
    if not t or len(t) > 100:
        return False
    return _CHROME.search(t) is not None or _LINK_LIST.match(t) is not None


def page_mark(text: str) -> bool:
    """A page number as printed on a page ("- 3 -", "第 3 页", "3/8", "Page 3")."""
    t = text.strip()
    return 0 < len(t) <= 24 and _PAGE_MARK.match(t) is not None


def _texts(row: Row) -> list[str]:
    return [c.text.strip() for c in row.cells if c.text.strip()]


def _generic_header(row: Row) -> bool:
    texts = _texts(row)
    return bool(texts) and all(_GENERIC_HEADER.match(_FOLD_SPACES.sub("", t)) for t in texts)


def tidy(blocks: list[Block], lookup) -> list[Block]:
    """``blocks`` with page furniture taken out and split labels joined; ``lookup(text)`` gives a text's
    (key, label entries), as the units are classified. The list given is not changed.

    One pass; a table row that ends with a number and a paragraph that is a sentence (most blocks) are
    passed on as they are at once."""
    out: list[Block] = []
    n = len(blocks)
    i = 0
    while i < n:
        b = blocks[i]
        if type(b) is Row:
            cells = b.cells
            last = cells[-1].text if cells else ""
            if last and not last.isspace():
                if last.isdigit() or is_value_text(last):
                    out.append(b)  # a row ending with its numbers
                    i += 1
                    continue
                entries = lookup(last)[1]
                if entries and _row_entry(entries) is None:
                    out.append(b)  # a row of headers (信息内容 … 处理决定数量)
                    i += 1
                    continue
            if _row_furniture(b):
                i += 1
                continue
            facts = _split_row(b, lookup)
            if facts[0] >= 0 and facts[1] is None and lookup(b.cells[facts[0]].text)[1]:
                out.append(b)  # a row of headers (信息内容, 自然人 …): nothing to join
                i += 1
                continue
            if facts[0] >= 0 and facts[1] is None and facts[2] and out and type(out[-1]) is Row:
                merged = _tail_of_previous(out[-1], b, facts, lookup)
                if merged is not None:
                    out[-1] = merged
                    i += 1
                    continue
            if i + 1 < n and facts[0] >= 0 and not (facts[1] is not None and not facts[2]):
                joined = (_join_label_and_values(b, facts, blocks, i, lookup) if facts[1] is not None
                          else _join_broken_label(b, facts, blocks, i, lookup))
                if joined is not None:
                    made, used = joined
                    out.extend(made)
                    i += used
                    continue
        elif type(b) is Paragraph and len(b.text) <= _MAX_LINE and "。" not in b.text:
            t = b.text.strip()
            if t and _paragraph_furniture(blocks, i, t, lookup):
                i += 1
                continue
            if i + 1 < n and t:
                line = _join_lines(blocks, i, lookup)
                if line is not None:
                    out.append(line[0])
                    i += line[1]
                    continue
        out.append(b)
        i += 1
    return out


def _row_furniture(row: Row) -> bool:
    """A made-up header row (数据1 | 数据2 …), or a row holding only a page number."""
    first = _first_text(row)
    if first is None:
        return False
    return ((first[0] in _GENERIC_LEAD and _generic_header(row))
            or (first[0] in _MARK_LEAD and page_mark(first) and len(_texts(row)) == 1))


def _paragraph_furniture(blocks: list[Block], i: int, t: str, lookup) -> bool:
    """A page number anywhere; between two rows of a table, a bare page number or a short line printed
    again elsewhere in the document (a running head or foot); under a table's last row, a bare number."""
    if len(t) > 60:
        return False
    if t[0] in _MARK_LEAD:
        if page_mark(t):
            return True
        if t.isdigit() and _PAGE_NUMBER.match(t):
            return 0 < i and (_after_full_row(blocks, i) or (i < len(blocks) - 1 and _between_rows(blocks, i)))
    if not (0 < i < len(blocks) - 1 and _between_rows(blocks, i)) or _NUMBERED_LINE.match(t):
        return False  # (a numbered line — a heading, a label — is never furniture)
    if is_value_text(t) or lookup(t)[1]:
        return False
    me = blocks[i]  # printed again elsewhere: a running head or foot
    return any(p is not me and type(p) is Paragraph and p.text == me.text for p in blocks)  # type: ignore[union-attr]


_NUMBERED_LINE = re.compile(r"[（(]?[一二三四五六七八九十\d]{1,3}[）)]?\s*[、.．，,）)]")


_GENERIC_LEAD = frozenset("数列字表栏CcUuFf")
_MARK_LEAD = frozenset("-—–－~\uff5e·•第共Pp0123456789")


def _first_text(row: Row) -> str | None:
    for c in row.cells:
        t = c.text
        if t and not t.isspace():
            return t.strip()
    return None


def _between_rows(blocks: list[Block], i: int) -> bool:
    """Block ``i`` has a table row on each side (page furniture between them may come several at once)."""
    j, k = i - 1, 0
    while j >= 0 and k < 3 and type(blocks[j]) is Paragraph and _furniture_like(blocks[j]):
        j -= 1
        k += 1
    if j < 0 or type(blocks[j]) is not Row:
        return False
    j, k, n = i + 1, 0, len(blocks)
    while j < n and k < 3 and type(blocks[j]) is Paragraph and _furniture_like(blocks[j]):
        j += 1
        k += 1
    return j < n and type(blocks[j]) is Row


def _after_full_row(blocks: list[Block], i: int) -> bool:
    """Block ``i`` comes right after a table row that ends with its numbers (not after a label waiting for
    them on the next line), and no table row follows it."""
    before = blocks[i - 1]
    if type(before) is not Row:
        return False
    texts = _texts(before)
    if not texts or not is_value_text(texts[-1]):
        return False
    after = blocks[i + 1] if i + 1 < len(blocks) else None
    return type(after) is not Row and not (type(after) is Paragraph and is_value_text(after.text))


def _furniture_like(b: Block) -> bool:
    return type(b) is Paragraph and len(b.text) <= 80 and "。" not in b.text


# ------------------------------------------------------------------------------------- split rows


def _row_entry(entries: tuple[LabelEntry, ...]) -> LabelEntry | None:
    """The row label an entry list names in a table of rows (表二, 表三), if any."""
    for e in entries:
        if e.kind == "row" and e.table != "review_litigation":
            return e
    return None


@cache
def _columns_of(table: str, row: str | None) -> int:
    for ed in EDITIONS.values():
        for r in ed.table(table).rows:
            if r.key == row:
                return len(r.columns)
    return 0


def _columns(entry: LabelEntry) -> int:
    """How many value columns the row a label names has."""
    return _columns_of(entry.table, entry.row)


def _split_row(row: Row, lookup) -> tuple[int, LabelEntry | None, bool]:
    """(index of the last text cell, the row label it names, whether the cells after it are all blank) —
    index -1 when the row holds no text."""
    cells = row.cells
    k = len(cells) - 1
    rest_blank = True
    while k >= 0:
        t = cells[k].text
        if t and not t.isspace():
            if not (t.isdigit() or is_value_text(t)):
                break
            rest_blank = False
        k -= 1
    if k < 0:
        return -1, None, False
    return k, _row_entry(lookup(cells[k].text)[1]), rest_blank


def _values_only(row: Row) -> bool:
    texts = _texts(row)
    return bool(texts) and all(is_value_text(t) for t in texts)


def _header_only(row: Row, lookup) -> bool:
    texts = _texts(row)
    return bool(texts) and all(any(e.kind == "header" for e in lookup(t)[1]) for t in texts)


def _stray_line(block: Block, lookup) -> bool:
    """A short line of text that is no sentence, no number and no label: what a page prints over or under
    a table (a running head or foot)."""
    if type(block) is not Paragraph:
        return False
    t = block.text.strip()
    return (0 < len(t) <= 60 and "。" not in t and not is_value_text(t) and not lookup(t)[1]
            and not looks_like_section_heading(t))


_GLUED = re.compile(r"^(?P<label>.*?\D)\s*(?P<numbers>[-+]?\d[\d.,]*(?:\s+[-+]?\d[\d.,]*)*)\s*$", re.DOTALL)


def unglued(text: str, lookup) -> tuple[str, list[str]] | None:
    """(label, numbers) of a table cell that holds a row label and the row's first numbers ("一、本年新收政府信息
    公开申请数量 31": a column boundary a converter missed); None unless what comes before the numbers is an
    official row label."""
    t = text.strip()
    if not t or not t[-1].isdigit():
        return None
    m = _GLUED.match(t)
    if m is None or _row_entry(lookup(m.group("label"))[1]) is None:
        return None
    return m.group("label").strip(), m.group("numbers").split()


def _join_label_and_values(row: Row, facts: tuple[int, LabelEntry | None, bool], blocks: list[Block], i: int,
                           lookup) -> tuple[list[Block], int] | None:
    """A row holding only a row label (its other cells blank) and, on the next row (header rows a converter
    repeated, or a running head, may come between), that row's numbers and nothing else: one row. Only when
    the numbers fit the row's columns."""
    last, entry, rest_blank = facts
    if entry is None or not rest_blank:
        return None
    passed: list[Block] = []  # header rows a converter repeated, a running head: kept, before the row
    j = i + 1
    while j < len(blocks) and j <= i + 4:
        x = blocks[j]
        if type(x) is Row and _row_furniture(x):
            pass  # a page number, a made-up header: dropped
        elif type(x) is Paragraph and (page_mark(x.text) or _PAGE_NUMBER.match(x.text.strip())):
            pass
        elif (type(x) is Row and _header_only(x, lookup)) or _stray_line(x, lookup):
            passed.append(x)
        else:
            break
        j += 1
    if j >= len(blocks) or type(blocks[j]) is not Row:
        return None
    nxt = blocks[j]
    assert type(nxt) is Row
    if not _values_only(nxt):
        return None
    values = _fit(list(nxt.cells), _columns(entry))
    if values is None:
        return None
    merged = Row(row.cells[:last + 1] + values, row.at, row.table, nxt.complete)
    return passed + [merged], j - i + 1


def _join_broken_label(row: Row, facts: tuple[int, LabelEntry | None, bool], blocks: list[Block], i: int,
                       lookup) -> tuple[list[Block], int] | None:
    """A row label broken over two rows ("（二）部分公开（区分处理的，只计这一情形，" / "不计其他情形） 5 …"), the
    numbers on either of them or on a row between: one row, when the two pieces make an official label."""
    last, entry, _ = facts
    if last < 0 or entry is not None or lookup(row.cells[last].text)[1]:
        return None
    head = row.cells[last]
    if len(head.text.strip()) > _MAX_FRAGMENT:
        return None
    between: Row | None = None
    j = i + 1
    if type(blocks[j]) is Row and _values_only(blocks[j]) and j + 1 < len(blocks):  # type: ignore[arg-type]
        between = blocks[j]  # type: ignore[assignment]
        j += 1
    tail_row = blocks[j]
    if type(tail_row) is not Row:
        return None
    t_last, t_entry, _ = _split_row(tail_row, lookup)
    if t_last < 0 or t_entry is not None:
        return None
    first = next(k for k, c in enumerate(tail_row.cells) if c.text.strip())
    if first != t_last:
        return None  # the second piece is the row's only text
    tail = tail_row.cells[t_last]
    if len(tail.text.strip()) > _MAX_FRAGMENT:
        return None
    label = head.text.strip() + tail.text.strip()
    joined_entry = _row_entry(lookup(label)[1])
    if joined_entry is None:
        return None
    pieces = [(row, row.cells[last + 1:]), (tail_row, tail_row.cells[t_last + 1:])]
    if between is not None:
        pieces.insert(1, (between, between.cells))
    filled = [(r, cells) for r, cells in pieces if any(c.text.strip() for c in cells)]
    if len(filled) > 1:
        return None  # numbers on two of the rows: not one row's
    source, values = filled[0] if filled else pieces[-1]
    fitted = _fit(list(values), _columns(joined_entry))
    if fitted is None:
        return None
    merged = Row(row.cells[:last] + [Cell(label, head.at)] + fitted, row.at, row.table, source.complete)
    return [merged], j - i + 1


def _tail_of_previous(prev: Row, row: Row, facts: tuple[int, LabelEntry | None, bool], lookup) -> Row | None:
    """``prev`` with its label completed by ``row``'s only text, when ``prev`` holds a piece of a label and its
    numbers and ``row`` the rest of the label ("（二）部分公开（区分处理的， 5 2 …" / "只计这一情形，不计其他情形）")."""
    k = facts[0]
    piece = row.cells[k].text
    if len(piece) > _MAX_FRAGMENT or lookup(piece)[1] or _first_text(row) != piece.strip():
        return None
    p_last, p_entry, p_blank = _split_row(prev, lookup)
    if p_last < 0 or p_entry is not None or p_blank or lookup(prev.cells[p_last].text)[1]:
        return None
    head = prev.cells[p_last]
    if len(head.text.strip()) > _MAX_FRAGMENT:
        return None
    label = head.text.strip() + row.cells[k].text.strip()
    entry = _row_entry(lookup(label)[1])
    if entry is None:
        return None
    fitted = _fit(list(prev.cells[p_last + 1:]), _columns(entry))
    if fitted is None:
        return None
    return Row(prev.cells[:p_last] + [Cell(label, head.at)] + fitted, prev.at, prev.table, prev.complete)


def _fit(values: list[Cell], ncols: int) -> list[Cell] | None:
    """The value cells of a row with ``ncols`` columns: blank cells standing where the labels were printed
    taken off; None when there are more numbers than columns."""
    while len(values) > ncols and not values[0].text.strip():
        values.pop(0)
    while len(values) > ncols and not values[-1].text.strip():
        values.pop()
    return values if ncols and len(values) <= ncols else None


# --------------------------------------------------------------------------------- split text lines

# a line of a table as text (pdftotext's layout, a crawler's): a label, then its numbers
_LABEL_AND_NUMBERS = re.compile(r"^(?P<label>.*?)(?P<numbers>(?:[\s\u3000]+[-+]?\d+(?:\.\d+)?|(?<=\D)[-+]?\d+(?:\.\d+)?)"
                                r"(?:[\s\u3000]+(?:[-+]?\d+(?:\.\d+)?|/))*)[\s\u3000]*$")
_MAX_LINE = 100


def _label_numbers(text: str) -> tuple[str, str]:
    """(label part, numbers part) of a short line of a table printed as text; the numbers part is "" when the
    line ends in no number."""
    m = _LABEL_AND_NUMBERS.match(text)
    if m is None:
        return text.strip(), ""
    return m.group("label").strip(), m.group("numbers").strip()


def _numbers_only(text: str) -> bool:
    t = text.strip()
    return bool(t) and t[0] in "0123456789+-/" and all(is_value_text(x) for x in t.split())


def _ends_in_number(text: str) -> bool:
    t = text.rstrip()
    return bool(t) and (t[-1].isdigit() or t[-1] == "/")


def _join_lines(blocks: list[Block], i: int, lookup) -> tuple[Paragraph, int] | None:
    """A row label broken over two lines of text, its numbers on either line or on a line between
    ("（二）部分公开（区分处理的，只计这一情形，不计其  5 2 1 0 2 0 10" / "他情形）"): one line, when the two
    pieces make an official label."""
    first = blocks[i]
    assert type(first) is Paragraph
    j = i + 1
    nxt = blocks[j]
    if type(nxt) is not Paragraph or len(nxt.text) > _MAX_LINE or "。" in nxt.text:
        return None  # (most lines: a heading before its text)
    if not (_ends_in_number(first.text) or _ends_in_number(nxt.text)):
        return None  # no numbers on either line (nor a line of numbers next): no table row
    head, head_numbers = _label_numbers(first.text)
    if not head or len(head) > _MAX_FRAGMENT or head[-1].isdigit() or _row_entry(lookup(head)[1]) is not None:
        return None
    middle = ""
    if type(nxt) is Paragraph and not head_numbers and _numbers_only(nxt.text) and j + 1 < len(blocks):
        middle = nxt.text.strip()
        j += 1
        nxt = blocks[j]
    if type(nxt) is not Paragraph or len(nxt.text) > _MAX_LINE or "。" in nxt.text:
        return None
    tail, tail_numbers = _label_numbers(nxt.text)
    if not tail or len(tail) > _MAX_FRAGMENT:
        return None
    if _row_entry(lookup(head + tail)[1]) is None:
        return None
    numbers = [x for x in (head_numbers, middle, tail_numbers) if x]
    if len(numbers) > 1:
        return None  # numbers on two lines: not one row's
    text = head + tail + (" " + numbers[0] if numbers else "")
    return Paragraph(text, first.at), j - i + 1
