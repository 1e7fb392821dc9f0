"""Web pages: a report published as an HTML page, usually inside a whole portal page.

Steps:

1. Charset: the ``<meta charset>`` / ``http-equiv`` label (or an XML declaration) in the first
   bytes is tried first, but bytes that do not fit their label are decoded as what they are
   (UTF-8 or GB18030; GB2312/GBK labels are read as GB18030, their superset).
2. Parse with lxml's HTML parser (no network, comments and processing instructions removed,
   libxml2's own depth and size limits on).
3. Find the report inside the page. Scripts, styles, forms, buttons, frames and the like never
   count. Navigation, page headers, footers, breadcrumbs and sidebars (HTML5 tags, or class/id
   names such as ``nav``, ``footer``, ``breadcrumb``) are left out, and link text does not weigh.
   From ``<body>`` we walk down to the child holding (nearly) all the remaining text, as long as
   it also holds every table that looks like a table of the report (cells such as 信息内容,
   申请, 行政复议), and the text it would leave behind does not look like part of a report.
4. Emit blocks in document order: running text as :class:`Paragraph` (block elements and
   ``<br>`` end a paragraph), each ``<tr>`` of a data table as a :class:`Row`. Spans are resolved
   like a Word table: a ``colspan`` cell is one cell, and a grid position covered by a
   ``rowspan`` from above becomes one empty cell in the later row. Tables used for page layout
   (a cell holding another table or long running text) are read as running text; tables inside
   a data table's cells follow the row that holds them, as tables of their own.

Every walk over the tree is iterative; tables may nest ``limits.max_nesting`` deep.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from ..document import Cell, Document, Paragraph, Row, Source
from ..errors import LimitExceeded, ReadError
from ..limits import Limits
from .encoding import decode_text

# Elements whose content is never part of a report.
_DROP = frozenset({
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "applet", "select", "option", "optgroup", "datalist", "button", "input", "textarea", "svg",
    "math", "canvas", "audio", "video", "map", "head", "title", "meta", "link", "base",
})
# Page furniture: left out unless it is where the report is.
_FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside", "menu"})
_FURNITURE_NAMES = frozenset({
    "nav", "navbar", "navigation", "menu", "menubar", "submenu", "topmenu", "mainmenu", "footer",
    "foot", "header", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "copyright", "sidebar",
    "share", "topbar", "location", "weizhi", "dqwz", "bdsharebuttonbox",
})
_NAME_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
# Elements that end a paragraph (and start a new line inside a cell).
_BLOCK = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "pre", "section", "article", "main", "aside", "header", "footer", "nav",
    "address", "figure", "figcaption", "center", "hr", "table", "tr", "td", "th", "caption",
    "thead", "tbody", "tfoot", "form", "fieldset", "legend", "details", "summary", "body", "html",
    "menu", "dir", "listing", "xmp", "plaintext", "noframes", "dialog", "hgroup", "search",
})
_LISTISH = frozenset({"ul", "ol", "dl", "div", "table", "section", "aside", "menu", "tbody", "p"})
_TABLE_SECTIONS = frozenset({"thead", "tbody", "tfoot"})
_CELLS = frozenset({"td", "th"})

# Short cells like these mark a table of the report.
_TABLE_KEYWORDS = ("信息内容", "申请", "行政复议", "行政诉讼", "予以公开", "行政许可", "行政处罚", "第二十条")
# Text like this left beside a candidate container means the report goes on outside it.
_REPORT_SIGNALS = (
    "总体情况", "主动公开", "依申请", "行政复议", "行政诉讼", "存在的主要问题", "改进情况",
    "其他需要报告", "信息处理费", "政府信息公开申请", "本年新收",
)

_CHARSET_RE = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_:.\-]+)""",
    re.IGNORECASE,
)
_SINGLE_BYTE_LABELS = re.compile(r"^(iso[-_]?8859|latin|windows-125|cp125|us-ascii$|ascii$)", re.IGNORECASE)
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")
_DIGITS = re.compile(r"\d+")
_DATE_RE = re.compile(
    r"(?:发布|成文|公开|印发|更新)?(?:时间|日期)\s*[:：]\s*(\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)"
)
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|--|——|\s-\s)\s*")

_MAX_COLSPAN = 1000
_MAX_ROWSPAN = 65534
_MAX_GRID_COLS = 4096
_LAYOUT_CELL_CHARS = 400


def read(data: bytes, source: Source, limits: Limits) -> Document:
    if not data.strip():
        raise ReadError("网页文件是空的，没有任何内容", "the page is empty", reason="empty")
    payload, text, encoding = _decode(data)
    _refuse_binary(text)
    del text
    source.encoding = encoding
    root = _parse(payload)
    doc = Document(source=source)
    _read_meta(root, doc)
    body = root.find("body")
    if body is None:
        body = root
    page = _Page(body, limits)
    content = page.choose_content()
    emitter = _Emitter(doc, page, limits)
    title_el = page.title_element(content, doc.meta)
    if title_el is not None:
        emitter.add_title(title_el)
    emitter.walk(content)
    emitter.brk()
    if "发布时间" not in doc.meta:
        m = _DATE_RE.search(body.text_content()[:200_000])
        if m:
            doc.meta["发布时间"] = re.sub(r"\s+", " ", m.group(1)).strip()
    if not doc.blocks:
        if content.find(".//img") is not None:
            raise ReadError(
                "网页正文只有图片，没有文字（报告可能是扫描图片），无法读取数据",
                "the page's content holds only images, no text",
                reason="scanned",
            )
        raise ReadError("网页中没有可读的文字内容", "the page holds no readable text", reason="empty")
    return doc


# ----------------------------------------------------------------------------- charset


def _declared_charset(data: bytes) -> str | None:
    m = _CHARSET_RE.search(data[:8192])
    if not m:
        return None
    label = (m.group(1) or m.group(2)).decode("ascii", "ignore").strip().lower()
    return label or None


def _decode(data: bytes) -> tuple[bytes, str, str]:
    """(UTF-8 bytes for the parser, the decoded text, the encoding it was in)."""
    declared = _declared_charset(data)
    if declared and _SINGLE_BYTE_LABELS.match(declared) and max(data) >= 0x80:
        declared = None  # a Western label on a page with Chinese bytes is wrong: let the bytes speak
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        text, encoding = decode_text(data, declared)
    else:
        text, encoding = _decode_unmarked(data, declared)
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        text = text.replace("\x00", "")
    if encoding in ("utf-8", "utf8") and not data.startswith(b"\xef\xbb\xbf") and b"\x00" not in data \
            and "\ufffd" not in text:
        return data, text, "utf-8"  # the bytes are already what the parser is told they are
    # Labels inside the page must not override what we decoded: the parser gets UTF-8 and is told so.
    return text.encode("utf-8", "surrogatepass"), text, encoding


def _decode_unmarked(data: bytes, declared: str | None) -> tuple[str, str]:
    candidates: list[str] = []
    if declared:
        label = _canonical(declared)
        if label not in ("utf-8", "utf8", "gb18030"):
            candidates.append(label)
    candidates += ["utf-8", "gb18030"]
    if declared and _canonical(declared) == "gb18030":
        candidates = ["gb18030", "utf-8"]
    utf8_errors: int | None = None
    for enc in candidates:
        if enc == "gb18030" and utf8_errors is None and "utf-8" not in candidates[: candidates.index(enc)]:
            pass
        try:
            return data.decode(enc), enc
        except LookupError:
            continue
        except UnicodeDecodeError:
            if enc == "utf-8":
                # A UTF-8 page with a few broken characters (a CMS cutting a string in the middle of
                # a character) is still UTF-8: GB18030 would decode its Chinese as nonsense.
                text = data.decode("utf-8", "replace")
                utf8_errors = text.count("\ufffd")
                if utf8_errors <= max(8, _non_ascii(data) // 1000):
                    return text, "utf-8"
            continue
    # Nothing fits exactly: take the Chinese encoding with few errors, else let decode_text guess.
    best: tuple[int, str, str] | None = None
    for enc in ("utf-8", "gb18030"):
        text = data.decode(enc, "replace")
        errors = text.count("\ufffd")
        if best is None or errors < best[0]:
            best = (errors, text, enc)
    assert best is not None
    if best[0] <= max(8, _non_ascii(data) // 100):
        return best[1], best[2]
    return decode_text(data, declared)


def _canonical(label: str) -> str:
    n = label.strip().strip("\"'").lower()
    if n in {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "hz-gb-2312", "gb18030", "x-gb18030"}:
        return "gb18030"
    if n in {"utf8", "utf-8", "unicode-1-1-utf-8"}:
        return "utf-8"
    return n


def _non_ascii(data: bytes) -> int:
    return len(data) - len(data.decode("latin-1").encode("ascii", "ignore"))


def _refuse_binary(text: str) -> None:
    samples = [text[:65536]]
    if len(text) > 200_000:
        mid = len(text) // 2
        samples.append(text[mid:mid + 65536])
    for sample in samples:
        bad = len(_BAD_CHARS.findall(sample))
        if bad > 16 and bad > len(sample) // 100:
            raise ReadError(
                "文件不是网页，或网页已损坏（含有大量无法识别的二进制内容）",
                "binary data, not an HTML page",
                reason="binary",
            )


# ----------------------------------------------------------------------------- parsing


_INLINE_TAGS = re.compile(
    rb"</?(?:font|span|b|i|u|s|strong|em|small|big|sup|sub|a|o:p|st1:[a-z]+|ins|del|strike|abbr|label)\b[^>]*>",
    re.IGNORECASE,
)


def _parse(payload: bytes) -> etree._Element:
    for attempt in (0, 1):
        parser = lxml_html.HTMLParser(
            encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True, huge_tree=False,
            collect_ids=False, default_doctype=False,
        )
        try:
            root = etree.fromstring(payload, parser)
        except etree.XMLSyntaxError as exc:
            raise ReadError("网页中没有可读的内容", f"the page holds nothing to parse: {exc}", reason="empty") from exc
        too_deep = any(
            e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT or "Excessive depth" in e.message for e in parser.error_log
        )
        if root is None:
            raise ReadError("网页中没有可读的内容", "the page holds nothing to parse", reason="empty")
        if not too_deep:
            return root
        if attempt == 0:
            # Unclosed inline tags (<font>, <span>) nest without end in old pages; they carry no
            # structure, so read the page once more without them.
            payload = _INLINE_TAGS.sub(b"", payload)
    raise LimitExceeded("网页结构嵌套过深（超过 256 层），无法完整读取", "HTML elements nested deeper than 256 levels")


def _read_meta(root: etree._Element, doc: Document) -> None:
    title = root.find(".//title")
    if title is not None:
        text = _clean(title.text_content())
        if text:
            doc.meta["title"] = text
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = _clean(meta.get("content") or "")
        if not name or not content:
            continue
        if name in ("articletitle", "og:title") and "标题" not in doc.meta:
            doc.meta["标题"] = content
        elif name in ("pubdate", "publishdate", "firstpublishedtime", "article:published_time") \
                and "发布时间" not in doc.meta:
            doc.meta["发布时间"] = content
        elif name in ("url", "og:url") and "原文链接" not in doc.meta:
            doc.meta["原文链接"] = content
        elif name == "contentsource" and "来源" not in doc.meta:
            doc.meta["来源"] = content
    if "原文链接" not in doc.meta:
        for link in root.iter("link"):
            if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
                doc.meta["原文链接"] = link.get("href").strip()
                break


# ----------------------------------------------------------------------------- the page


def _clean(s: str) -> str:
    """One line of text: every run of whitespace (&nbsp;, ideographic spaces too) is one space."""
    if "\u200b" in s or "\ufeff" in s:
        s = s.replace("\u200b", "").replace("\ufeff", "")
    return " ".join(s.split())


def _span(value: str | None, default: int, cap: int) -> int:
    if not value:
        return default
    m = _DIGITS.search(value)
    if not m:
        return default
    n = int(m.group()[:6])
    return min(n, cap) if n >= 1 else 0


def _own_rows(table: etree._Element) -> tuple[list[etree._Element], list[etree._Element]]:
    """The table's own rows (not those of tables inside it) and its other children."""
    rows: list[etree._Element] = []
    others: list[etree._Element] = []
    for child in table:
        tag = child.tag
        if tag == "tr":
            rows.append(child)
        elif tag in _TABLE_SECTIONS:
            for sub in child:
                if sub.tag == "tr":
                    rows.append(sub)
                elif isinstance(sub.tag, str):
                    others.append(sub)
        elif isinstance(tag, str) and tag not in ("colgroup", "col"):
            others.append(child)
    return rows, others


def _own_cells(tr: etree._Element) -> list[etree._Element]:
    return [c for c in tr if c.tag in _CELLS]


class _Page:
    """Per-element sums over the page, and the choice of the report's container."""

    DROP, FURNITURE, LINKS = 1, 2, 4

    def __init__(self, body: etree._Element, limits: Limits) -> None:
        self.body = body
        els = list(body.iter(etree.Element))
        self.els = els
        n = len(els)
        index = {el: i for i, el in enumerate(els)}
        self.index = index
        parent = [-1] * n
        tdepth = [0] * n
        max_nesting = limits.max_nesting
        tags = [el.tag for el in els]
        self.tags = tags
        for i in range(1, n):
            p = index.get(els[i].getparent(), -1)
            parent[i] = p
            d = tdepth[p] if p >= 0 else 0
            if tags[i] == "table":
                d += 1
                if d > max_nesting:
                    raise LimitExceeded(
                        f"网页中的表格嵌套过深（超过 {max_nesting} 层），无法读取",
                        f"tables nested more than {max_nesting} deep",
                    )
            tdepth[i] = d
        self.parent = parent
        total = [0] * n  # characters of text in the subtree (dropped parts left out)
        mass = [0] * n  # characters not in links, furniture left out
        mass_all = [0] * n  # the same with furniture counted
        links = [0] * n  # characters inside <a>
        anchors = [0] * n
        tables = [0] * n
        report = [0] * n  # tables that look like the report's, furniture left out
        report_all = [0] * n
        flags = [0] * n
        for i in range(n - 1, -1, -1):
            el = els[i]
            tag = tags[i]
            t = el.text
            own = len(t.strip()) if t else 0
            total[i] += own
            if tag == "a":
                links[i] = total[i]
                anchors[i] += 1
                mass[i] = mass_all[i] = 0
            else:
                mass[i] += own
                mass_all[i] += own
            if tag == "table":
                tables[i] += 1
                if _is_report_table(el):
                    report[i] += 1
                    report_all[i] += 1
            if tag in _DROP or (tag == "form" and total[i] <= 200 and not tables[i]):
                flag = self.DROP
            elif tag in _FURNITURE_TAGS or _furniture_name(el):
                flag = self.FURNITURE
            elif tag in _LISTISH and anchors[i] >= 3 and links[i] * 10 >= total[i] * 7 and not report_all[i]:
                flag = self.LINKS
            else:
                flag = 0
            flags[i] = flag
            p = parent[i]
            if p < 0:
                continue
            tail = el.tail
            if tail:
                tl = len(tail.strip())
                total[p] += tl
                mass[p] += tl
                mass_all[p] += tl
            if flag == self.DROP:
                continue
            total[p] += total[i]
            links[p] += links[i]
            anchors[p] += anchors[i]
            tables[p] += tables[i]
            mass_all[p] += mass_all[i]
            report_all[p] += report_all[i]
            if flag != self.FURNITURE:
                mass[p] += mass[i]
                report[p] += report[i]
        self.total, self.links, self.anchors, self.flags = total, links, anchors, flags
        # Names are a hint only: if they would hide a table of the report or most of the text,
        # they are wrong for this site.
        self.use_furniture = n > 0 and report[0] >= report_all[0] and mass[0] * 2 >= mass_all[0]
        if self.use_furniture:
            self.mass, self.report = mass, report
        else:
            self.mass, self.report = mass_all, report_all

    def skipped(self, i: int) -> bool:
        f = self.flags[i]
        if f == self.DROP:
            return True
        if f == self.FURNITURE:
            return self.use_furniture
        return f == self.LINKS

    def choose_content(self) -> etree._Element:
        els, mass, report, index = self.els, self.mass, self.report, self.index
        if not els:
            return self.body
        i = 0
        while True:
            kids = [index[c] for c in els[i] if isinstance(c.tag, str) and c in index]
            kids = [k for k in kids if not self.skipped(k)]
            if not kids:
                break
            best = max(kids, key=mass.__getitem__)
            if mass[best] == 0 or report[best] != report[i]:
                break
            if mass[best] * 10 >= mass[i] * 9:
                i = best
                continue
            if mass[best] * 2 >= mass[i] and not self._report_outside(i, best, kids):
                i = best
                continue
            break
        return els[i]

    def _report_outside(self, i: int, best: int, kids: list[int]) -> bool:
        """Does the container ``i`` hold report-like text outside its child ``best``?"""
        el = self.els[i]
        parts = [el.text or ""]
        for c in el:
            if c.tail:
                parts.append(c.tail)
        for k in kids:
            if k != best:
                parts.append(self.plain_text(self.els[k]))
        text = "".join(parts)
        return any(s in text for s in _REPORT_SIGNALS)

    def plain_text(self, root: etree._Element) -> str:
        """Text of ``root`` without links and skipped parts (for tests on the text, not output)."""
        out: list[str] = []
        stack = [root]
        index = self.index
        while stack:
            el = stack.pop()
            if isinstance(el, str):
                out.append(el)
                continue
            i = index.get(el)
            if i is None or self.skipped(i) or self.tags[i] == "a":
                continue
            if el.text:
                out.append(el.text)
            for c in reversed(el):
                if c.tail:
                    stack.append(c.tail)
                if isinstance(c.tag, str):
                    stack.append(c)
        return "".join(out)

    def title_element(self, content: etree._Element, meta: dict[str, str]) -> etree._Element | None:
        """The report's heading when the page prints it outside the container of the text."""
        if content is self.body:
            return None
        head = "".join(content.text_content()[:400].split())[:150]
        if "报告" in head or "年报" in head:
            return None
        titles = set()
        for key in ("标题", "title"):
            if key in meta:
                first = _TITLE_SPLIT.split(meta[key])[0]
                titles.add("".join(first.split()))
                titles.add("".join(meta[key].split()))
        titles.discard("")
        ci = self.index[content]
        ancestors = set()
        p = self.parent[ci]
        while p >= 0:
            ancestors.add(p)
            p = self.parent[p]
        anc = content
        for _ in range(4):
            anc = anc.getparent()
            if anc is None:
                break
            found = None
            start = self.index.get(anc)
            if start is None:
                break
            for j in range(start + 1, ci):
                if j in ancestors or self.flags[j] == self.DROP or not 4 <= self.total[j] <= 120:
                    continue
                if self.links[j] * 2 >= self.total[j]:
                    continue
                el = self.els[j]
                text = "".join(el.text_content().split())
                tag = self.tags[j]
                names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
                if text in titles or (
                    ("报告" in text or "年报" in text)
                    and (tag in ("h1", "h2", "h3") or "tit" in names or "bt" in names.split())
                ):
                    found = el
            if found is not None:
                return found
            if anc is self.body:
                break
        return None


def _furniture_name(el: etree._Element) -> bool:
    cls = el.get("class")
    ident = el.get("id")
    if not cls and not ident:
        return False
    names = f"{cls or ''} {ident or ''}"
    return any(tok.lower() in _FURNITURE_NAMES for tok in _NAME_SPLIT.split(names) if tok)


def _is_report_table(table: etree._Element) -> bool:
    rows, _ = _own_rows(table)
    if len(rows) < 2:
        return False
    for tr in rows:
        for cell in _own_cells(tr):
            if cell.find(".//table") is not None or cell.find(".//a") is not None:
                continue
            text = cell.text_content()
            if len(text) > 200:
                continue
            text = text.strip()
            if len(text) <= 60 and any(k in text for k in _TABLE_KEYWORDS):
                return True
    return False


# ----------------------------------------------------------------------------- blocks


class _Emitter:
    """Walks the chosen container in document order and appends blocks to the document."""

    def __init__(self, doc: Document, page: _Page, limits: Limits) -> None:
        self.doc = doc
        self.blocks = doc.blocks
        self.page = page
        self.limits = limits
        self.pieces: list[str] = []
        self.line: int | None = None
        self.paragraphs = 0
        self.tables = 0
        self.chars = 0
        self.pre = 0

    # -- paragraphs

    def text(self, s: str, el: etree._Element) -> None:
        if self.pre and "\n" in s:
            first = True
            for part in s.split("\n"):
                if not first:
                    self.brk()
                first = False
                self.text_piece(part, el)
            return
        self.text_piece(s, el)

    def text_piece(self, s: str, el: etree._Element) -> None:
        if self.line is None and s.strip():
            self.line = el.sourceline
        self.pieces.append(s)

    def brk(self) -> None:
        if not self.pieces:
            return
        text = _clean("".join(self.pieces))
        self.pieces = []
        line = self.line
        self.line = None
        if not text:
            return
        self.paragraphs += 1
        at = f"paragraph {self.paragraphs} (line {line})" if line else f"paragraph {self.paragraphs}"
        self._append(Paragraph(text, at), len(text))

    def _append(self, block: Paragraph | Row, chars: int) -> None:
        self.blocks.append(block)
        self.chars += chars
        if len(self.blocks) > self.limits.max_blocks:
            raise LimitExceeded("网页内容过多，超过可处理的上限", f"more than {self.limits.max_blocks} blocks")
        if self.chars > self.limits.max_text_chars:
            raise LimitExceeded(
                f"网页文字过长，超过 {self.limits.max_text_chars} 字的上限",
                f"text too long (over {self.limits.max_text_chars} characters)",
            )

    def add_title(self, el: etree._Element) -> None:
        self.brk()
        self.text(el.text_content(), el)
        self.brk()

    # -- the walk

    def walk(self, root: etree._Element) -> None:
        page = self.page
        index = page.index
        stack: list[tuple[etree._Element, bool]] = [(root, False)]
        while stack:
            el, leaving = stack.pop()
            tag = el.tag
            if leaving:
                if tag in _BLOCK:
                    self.brk()
                if tag == "pre":
                    self.pre -= 1
                if el.tail and el is not root:
                    self.text(el.tail, el)
                continue
            if not isinstance(tag, str):
                if el.tail:
                    self.text(el.tail, el)
                continue
            i = index.get(el)
            if el is not root and (i is None or page.skipped(i)):
                if el.tail:
                    self.text(el.tail, el)
                continue
            if tag == "br":
                self.brk()
                if el.tail:
                    self.text(el.tail, el)
                continue
            if tag == "table" and self.table(el):
                if el.tail and el is not root:
                    self.text(el.tail, el)
                continue
            if tag in _BLOCK:
                self.brk()
            if tag == "pre":
                self.pre += 1
            if el.text:
                self.text(el.text, el)
            stack.append((el, True))
            stack.extend((c, False) for c in reversed(el))

    # -- tables

    def table(self, table: etree._Element) -> bool:
        """Emit a data table's rows and return True; return False for a layout table."""
        rows, others = _own_rows(table)
        cells_by_row = [_own_cells(tr) for tr in rows]
        count = 0
        for cells in cells_by_row:
            for cell in cells:
                count += 1
                if cell.find(".//table") is not None:
                    return False
                if len(cell.text_content()) > _LAYOUT_CELL_CHARS and \
                        len(_clean(cell.text_content())) > _LAYOUT_CELL_CHARS:
                    return False
        if count <= 1:
            return False  # a box around text, not a table
        self.brk()
        for other in others:  # a caption, or stray content a browser shows above the table
            self.walk_plain(other)
        self.tables += 1
        number = self.tables
        tindex = number - 1
        n_rows = len(rows)
        spans: dict[int, tuple[int, int]] = {}  # first column -> (width, last row it covers)
        cover: dict[int, int] = {}  # covered column -> first column of its span
        for r, (tr, cells) in enumerate(zip(rows, cells_by_row), start=1):
            out: list[Cell] = []
            deferred: list[etree._Element] = []
            col = 0
            prefix = f"table {number} row {r} cell "
            for cell in cells:
                col = self._covered(spans, cover, col, r, out, prefix)
                colspan = _span(cell.get("colspan"), 1, _MAX_COLSPAN) or 1
                rowspan = _span(cell.get("rowspan"), 1, _MAX_ROWSPAN)
                if rowspan == 0:  # HTML: to the end of the table
                    rowspan = n_rows - r + 1
                out.append(Cell(self.cell_text(cell, deferred), f"{prefix}{len(out) + 1}"))
                if rowspan > 1 and col < _MAX_GRID_COLS:
                    end = min(col + colspan, _MAX_GRID_COLS)
                    spans[col] = (end - col, r + rowspan - 1)
                    for c in range(col, end):
                        old = cover.get(c)
                        if old is not None and old != col:
                            spans.pop(old, None)
                        cover[c] = col
                col += colspan
            # positions covered from above after the row's last cell
            for start in sorted(s for s in spans if s >= col):
                width, last = spans[start]
                if last < r:
                    self._expire(spans, cover, start)
                elif start >= col:
                    out.append(Cell("", f"{prefix}{len(out) + 1}"))
                    col = start + width
            if any(c.text for c in out):
                self._append(Row(out, f"table {number} row {r}", tindex, True), sum(len(c.text) for c in out))
            for nested in deferred:
                if not self.table(nested):
                    self.walk(nested)
                    self.brk()
        return True

    @staticmethod
    def _expire(spans: dict[int, tuple[int, int]], cover: dict[int, int], start: int) -> None:
        width, _ = spans.pop(start)
        for c in range(start, start + width):
            if cover.get(c) == start:
                del cover[c]

    def _covered(self, spans: dict[int, tuple[int, int]], cover: dict[int, int], col: int, r: int,
                 out: list[Cell], prefix: str) -> int:
        """Skip grid positions taken by rowspans from above, one empty cell for each span."""
        while cover:
            start = cover.get(col)
            if start is None:
                return col
            width, last = spans[start]
            if last < r:
                self._expire(spans, cover, start)
                continue
            if start == col:
                out.append(Cell("", f"{prefix}{len(out) + 1}"))
            col = start + width
        return col

    def cell_text(self, cell: etree._Element, deferred: list[etree._Element]) -> str:
        """A cell's text: inline parts joined, <br> and block elements as line breaks."""
        lines: list[str] = []
        cur: list[str] = []
        stack: list[tuple[etree._Element, bool]] = [(cell, False)]
        while stack:
            el, leaving = stack.pop()
            tag = el.tag
            if leaving:
                if tag in _BLOCK and cur:
                    lines.append("".join(cur))
                    cur = []
                if el.tail and el is not cell:
                    cur.append(el.tail)
                continue
            if not isinstance(tag, str) or tag in _DROP:
                if el.tail:
                    cur.append(el.tail)
                continue
            if tag == "table" and el is not cell:
                deferred.append(el)
                if cur:
                    lines.append("".join(cur))
                    cur = []
                if el.tail:
                    cur.append(el.tail)
                continue
            if tag == "br" or (tag in _BLOCK and el is not cell):
                if cur:
                    lines.append("".join(cur))
                    cur = []
                if tag == "br":
                    if el.tail:
                        cur.append(el.tail)
                    continue
            if el.text:
                cur.append(el.text)
            stack.append((el, True))
            stack.extend((c, False) for c in reversed(el))
        if cur:
            lines.append("".join(cur))
        return "\n".join(filter(None, map(_clean, lines)))

    def walk_plain(self, el: etree._Element) -> None:
        self.walk(el)
        self.brk()
