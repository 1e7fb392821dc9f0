"""Web pages: a report published as an HTML page, usually inside a whole portal page.

Steps:

1. Charset: valid UTF-8 is UTF-8 whatever the page says (most pages are handed to the parser as
   they are); otherwise the ``<meta charset>`` / ``http-equiv`` label (or an XML declaration) in
   the first bytes when the bytes decode under it, else charset-normalizer's choice; a UTF-8 page
   with a few broken characters stays UTF-8 (readers/encoding.py).
2. Parse with lxml's HTML parser: no network, comments and processing instructions removed,
   libxml2's own limits on (depth 256, no huge text nodes; a page nested deeper because of
   unclosed <font>/<span> tags is parsed again without them). Scripts, styles, frames, form
   controls and the like are stripped at once, and inline formatting tags are unwrapped.
3. Find the report inside the page (:meth:`_Tree.choose_content`). Page furniture — ``nav``,
   ``header``, ``footer``, ``aside`` elements and elements named like ``nav``, ``menu``,
   ``footer``, ``breadcrumb`` — and link text do not weigh. From ``<body>`` we walk down to the
   child holding (nearly) all the remaining text, as long as it also holds every table that
   looks like one of the report's (short cells such as 信息内容, 申请, 行政复议) and the text it
   would leave behind does not look like part of a report. Names are only a hint: if they would
   hide a table of the report or most of the text, they are ignored for that page.
4. Emit blocks in document order (:class:`_Emitter`): running text as :class:`Paragraph`
   (block elements and ``<br>`` end a paragraph), each ``<tr>`` of a data table as a
   :class:`Row`. Spans are resolved like a Word table: a ``colspan`` cell is one cell, and a grid
   position covered by a ``rowspan`` from above becomes one empty cell in the later row. Tables
   used for page layout (a cell holding long running text, a single cell, or a frame whose
   cells hold tables larger than itself) are read as running text; tables inside a data
   table's cells follow the row that holds them, as tables of their own.

Pictures: when the report's content has no data table, its pictures (``<img>`` with the picture in
the page, as a ``data:`` URL, or — in a web archive — in a part of the archive) are read by OCR:
their tables and text go where the picture is, each cell located at the ``<img>``'s line with its
``table``/``row``/``cell`` (tables numbered on after the page's own), and ``Source.ocr`` says which
pictures (numbered in page order) were read so. A picture elsewhere on the web is never fetched.

Facts found outside the report go to ``doc.meta``: ``title`` (the page's <title>), and, when the
page says them, ``标题``, ``发布时间``, ``原文链接``, ``来源`` (the keys a crawler's text header
uses) and ``附件`` (links to PDF/Word/... files inside the content, one per line).

For speed the tree is flattened once into lists in document order (element ``i``'s subtree is
``i .. end[i]-1``), so sums over a subtree are differences of prefix sums and no walk recurses.
Tables may nest ``limits.max_nesting`` deep.

``at`` (:class:`~gongkai.location.Location`): ``line``, the line of the source where the paragraph's
text, the ``<tr>`` or the ``<td>`` starts (CMS pages often hold the whole report on one line; for a
.mht file, a line of the page inside the archive), with ``paragraph`` N for running text and
``table`` T, ``row`` R, ``cell`` C for a table (1-based; T counts data tables, R the table's own
``<tr>``s, C the cells as emitted, covered positions included: such a cell has its row's line).
"""

from __future__ import annotations

import base64
import binascii
import email
import email.message
import email.policy
import itertools
import re
import urllib.parse
from bisect import bisect_left
from itertools import accumulate

from lxml import etree

from ..document import Cell, Document, Paragraph, Row, Source
from ..errors import LimitExceeded, ReadError
from ..limits import Limits
from ..location import Location
from ._scanned import Picture, read_pictures
from .encoding import decode_text, is_web_label

# Elements whose content is never part of a report (stripped right after parsing).
_STRIP = (
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "applet", "select", "option", "optgroup", "datalist", "button", "input", "textarea", "svg",
    "math", "canvas", "audio", "video", "map", "head", "title", "meta", "link", "base",
)
# Inline formatting without meaning for the text (Word's <span>s and <o:p>s above all).
_INLINE = (
    "span", "font", "b", "strong", "i", "em", "u", "o:p", "small", "big", "sup", "sub", "s", "strike",
    "ins", "del", "abbr", "acronym", "label", "nobr", "tt", "code", "var", "cite", "dfn", "kbd",
    "samp", "q", "mark", "bdi", "bdo", "wbr", "time", "data", "blink", "marquee",
    "st1:chsdate", "st1:chmetcnv", "st1:personname", "st1:place", "st1:placename", "st1:placetype",
)
# Page furniture: left out unless it is where the report is.
_FURNITURE_TAGS = frozenset({"nav", "header", "footer", "aside", "menu"})
_FURNITURE_NAMES = frozenset({
    "nav", "navbar", "navigation", "menu", "menubar", "submenu", "topmenu", "mainmenu", "footer",
    "foot", "header", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "copyright", "sidebar",
    "share", "topbar", "location", "weizhi", "dqwz", "bdsharebuttonbox",
})
_FURNITURE_HINT = re.compile(r"nav|menu|foot|head|crumb|copyright|sidebar|share|topbar|location|weizhi|dqwz",
                             re.IGNORECASE)
_NAME_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
_NAMED = frozenset({"div", "ul", "ol", "dl", "section", "table", "center", "article"})
_NAMED_OR_FURNITURE = _NAMED | _FURNITURE_TAGS
# Elements that may hold a whole report (inline wrappers such as <font> are stripped before).
_CONTAINERS = frozenset({
    "div", "section", "article", "main", "td", "th", "table", "tbody", "thead", "tfoot", "tr", "center",
    "form", "blockquote", "dl", "dd", "ul", "ol", "fieldset", "details", "figure",
})
_ARTICLE_CHARS = 200  # a child with less text than this is not taken for the report on a weak majority
# Elements that end a paragraph (and start a new line inside a cell).
_BLOCK = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "pre", "section", "article", "main", "aside", "header", "footer", "nav",
    "address", "figure", "figcaption", "center", "hr", "table", "tr", "td", "th", "caption",
    "thead", "tbody", "tfoot", "form", "fieldset", "legend", "details", "summary", "body", "html",
    "menu", "dir", "listing", "xmp", "plaintext", "noframes", "dialog", "hgroup", "search",
})
# Containers that are left out when they are mostly links (lists of links, link tables).
_LISTISH = frozenset({"ul", "ol", "dl", "div", "table", "tbody", "tr", "td", "section", "p"})
_BREAKS = _BLOCK | {"br", "table"}
_NOT_FIRST = frozenset({"br", "table"})
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
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
_DIGITS = re.compile(r"\d+")
_DATE_RE = re.compile(  # (发布/成文/印发…时间: the word before 时间 changes nothing, and starting at 时间 is faster)
    r"(?:时间|日期)\s*[:：]\s*"
    r"(\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)"
)
_FRAME_RE = re.compile(rb"<i?frame[\s>]", re.IGNORECASE)
# the word before 时间/日期 in a page's info bar: a date written (成文日期) or no publication date at all
_WRITTEN_WORDS = frozenset({"成文", "发文", "印发", "签发"})
_OTHER_DATES = frozenset({"更新", "修改", "修订", "统计", "办公", "受理", "办理", "咨询", "服务", "工作", "截止", "生效",
                          "施行", "有效", "开始", "结束", "失效", "废止", "出生", "答复", "开放", "会议", "活动", "报名",
                          "访问", "浏览", "采集", "登记", "录入", "审核", "打印"})
_INFO_BAR_SPAN = 600  # characters the info bar's dates stand within, from its first


def _info_bar(text: str, meta: dict[str, str]) -> None:
    """The page's own dates in its info bar (发布时间：2024-01-20 09:30, 成文日期：2024-01-15 …): the first date
    labelled as the publication date (or by a bare 时间/日期) to ``发布时间``, the first labelled as written to
    ``成文日期``; dates labelled otherwise (更新时间, 办公时间 …) are passed over. Found ones are kept."""
    first = None
    for m in _DATE_RE.finditer(text):
        if first is not None and m.start() > first + _INFO_BAR_SPAN:
            break
        word = text[max(0, m.start() - 2):m.start()]
        if word in _OTHER_DATES:
            continue
        key = "成文日期" if word in _WRITTEN_WORDS else "发布时间"
        meta.setdefault(key, " ".join(m.group(1).split()))
        first = m.start() if first is None else first
        if "发布时间" in meta and "成文日期" in meta:
            break
_ATTACHMENT_RE = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|et|ofd|zip|rar)(?:$|[?#])", re.IGNORECASE)
_SENTENCE_ENDS = ("。", "；", "，", "：", "！", ".", ";", ":", ",")
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|--|——|\s-\s)\s*")
_INLINE_TAGS = re.compile(
    rb"</?(?:font|span|b|i|u|s|strong|em|small|big|sup|sub|a|o:p|st1:[a-z]+|ins|del|strike|abbr|label)\b[^>]*>",
    re.IGNORECASE,
)

_MAX_COLSPAN = 1000
_MAX_ROWSPAN = 65534
_MAX_GRID_COLS = 4096
_LAYOUT_CELL_CHARS = 400  # no cell of a report's table holds this much running text


def read(data: bytes, source: Source, limits: Limits) -> Document:
    archive = None
    if source.format == "mht":
        data, archive = _from_mime(data)
    if not data.strip():
        raise ReadError("网页文件是空的，没有任何内容", "the page is empty", reason="empty")
    if data.count(b"<") > 2 * limits.max_elements:  # before the parser builds a node for each
        raise _too_many_elements(limits)
    root, encoding = _load(data)
    source.encoding = encoding
    doc = Document(source=source)
    _read_meta(root, doc)
    body = root.find("body")
    if body is None:
        body = root
    tree = _Tree(body, limits)
    content = tree.choose_content()
    emitter = _Emitter(doc, tree, limits)
    title = tree.title_element(content, doc.meta)
    if title is not None:
        emitter.add_title(title)
    emitter.walk(content)
    emitter.brk()
    if emitter.pictures and not any(isinstance(b, Row) for b in doc.blocks):
        pictures = _pictures(tree, emitter.pictures, archive)
        if pictures:
            read_pictures(pictures, doc, limits, emitter.tables,
                          lambda t, r, c, at: Location(line=at.line, table=t, row=r, cell=c))
    if "发布时间" not in doc.meta or "成文日期" not in doc.meta:
        _info_bar(_text_of(body)[:200_000], doc.meta)
    attachments = tree.attachments(content)
    if attachments:
        doc.meta["附件"] = "\n".join(attachments)
    if not doc.blocks:
        if doc.source.ocr is not None:
            raise ReadError(
                "网页正文只有图片，文字识别（OCR）也没有从图片中读出文字，无法读取数据",
                "the page's content holds only images, and OCR read no text from them",
                reason="scanned",
            )
        if tree.n and "img" in tree.tags[content:tree.end[content]]:
            raise ReadError(
                "网页正文只有图片，没有文字（报告可能是扫描图片，且图片不在网页文件中），无法读取数据",
                "the page's content holds only images, no text (and the images are not in the file)",
                reason="scanned",
            )
        if _FRAME_RE.search(data[:200_000]):
            raise ReadError(
                "网页中没有可读的文字内容：正文在内嵌框架（iframe/frame）里，请打开框架所指的网页",
                "the page holds no text; its content is in a frame",
                reason="empty",
            )
        raise ReadError("网页中没有可读的文字内容", "the page holds no readable text", reason="empty")
    return doc


_MAX_MIME_PARTS = 10_000  # a page saved by Word has one part per picture


def _from_mime(data: bytes) -> tuple[bytes, email.message.Message]:
    """The page inside a MIME archive (.mht, .mhtml; Word's "single file web page", often published
    as .doc), its transfer encoding undone; a charset given only in the part's header is put in
    front as a meta element, where the page reader looks for it. And the archive (for its pictures)."""
    if data.count(b"\n--") > _MAX_MIME_PARTS:  # boundary lines, counted before a Message is built for each part
        raise LimitExceeded(f"网页存档（MHT）中的部件过多（超过 {_MAX_MIME_PARTS} 个），无法读取",
                            f"more than {_MAX_MIME_PARTS} parts in the MIME archive")
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in itertools.islice(message.walk(), 1000):
        if part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset()
        if charset and is_web_label(charset) and _declared_charset(payload) is None:
            payload = f'<meta charset="{charset}">'.encode() + payload
        return payload, message
    raise ReadError("这是一个网页存档（MHT）文件，但其中没有网页内容",
                    "a MIME archive (MHT) without an HTML part", reason="corrupt")


def _pictures(tree: _Tree, found: list[tuple[int, int]], archive: email.message.Message | None) -> list[Picture]:
    """The pictures of the ``<img>`` elements ``found`` ((index in blocks, element)) whose image is in
    the file: a ``data:`` URL, or a part of the web archive."""
    out = []
    for where, j in found:
        el = tree.els[j]
        src = (el.get("src") or "").strip()
        image = _data_url(src) if src[:5].lower() == "data:" else _archived(archive, src) if archive else None
        if image:
            out.append(Picture(image, where, Location(line=el.sourceline)))
    return out


def _data_url(src: str) -> bytes | None:
    head, comma, payload = src.partition(",")
    if not comma or not head[5:].lower().startswith("image/"):
        return None
    if head.lower().endswith(";base64"):
        try:
            return base64.b64decode("".join(payload.split()))
        except (binascii.Error, ValueError):
            return None
    return urllib.parse.unquote_to_bytes(payload)


def _archived(archive: email.message.Message, src: str) -> bytes | None:
    """The image part of the web archive that ``src`` names: by Content-ID (``cid:``) or by
    Content-Location (the same, or ending in ``src``, a path relative to the page)."""
    if not src:
        return None
    want = urllib.parse.unquote(src).replace("\\", "/")
    cid = want[4:].strip("<>") if want[:4].lower() == "cid:" else None
    tail = "/" + want.lstrip("./")
    for part in itertools.islice(archive.walk(), _MAX_MIME_PARTS):
        if part.get_content_maintype() != "image":
            continue
        if cid is not None:
            if (part.get("Content-ID") or "").strip().strip("<>") != cid:
                continue
        else:
            where = urllib.parse.unquote(part.get("Content-Location") or "").replace("\\", "/")
            if not where or not (where == want or where.endswith(tail)):
                continue
        payload = part.get_payload(decode=True)
        return payload if isinstance(payload, bytes) and payload else None
    return None


def _too_many_elements(limits: Limits) -> LimitExceeded:
    return LimitExceeded(f"网页元素过多（超过 {limits.max_elements} 个的上限），无法读取",
                         f"more than {limits.max_elements} HTML elements")


# ----------------------------------------------------------------------------- charset


def _declared_charset(data: bytes) -> str | None:
    m = _CHARSET_RE.search(data[:8192])
    if not m:
        return None
    label = (m.group(1) or m.group(2)).decode("ascii", "ignore").strip().lower()
    return label or None


def _load(data: bytes) -> tuple[etree._Element, str]:
    """Parse the page: (root element, the encoding it was in)."""
    if _maybe_utf8(data):
        # Most pages are UTF-8: hand the bytes to the parser as they are, and decode them
        # ourselves only if the parser met bytes that are not UTF-8.
        _refuse_binary(data)
        root, bad_bytes = _parse(data)
        if not bad_bytes:
            return root, "utf-8"
    payload, encoding = _decode(data)
    _refuse_binary(payload)
    root, _ = _parse(payload)
    return root, encoding


def _maybe_utf8(data: bytes) -> bool:
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return False
    declared = _declared_charset(data)
    if declared and declared not in ("utf-8", "utf8"):
        return False
    mid = len(data) // 2
    sample = data[mid:mid + 4096].lstrip(_CONTINUATION_BYTES)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data"  # a character cut at the sample's end
    return True


def _decode(data: bytes) -> tuple[bytes, str]:
    """(the page as UTF-8 bytes for the parser, the encoding it was in; see readers/encoding.py)."""
    text, encoding = decode_text(data, _declared_charset(data))
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        text = text.replace("\x00", "")
    # A label inside the page must not override what we decoded: the parser gets UTF-8 and is told so.
    return text.encode("utf-8", "replace"), encoding


def _refuse_binary(payload: bytes) -> None:
    samples = [payload[:16384]]
    if len(payload) > 65536:
        mid = len(payload) // 2
        samples.append(payload[mid:mid + 16384])
    for sample in samples:
        bad = len(sample.translate(None, _NOT_CONTROL)) + sample.count("\ufffd".encode())
        if bad > 16 and bad * 100 > len(sample):
            raise ReadError(
                "文件不是网页，或网页已损坏（含有大量无法识别的二进制内容）",
                "binary data, not an HTML page",
                reason="binary",
            )


# ----------------------------------------------------------------------------- parsing


_ENCODING_ERRORS = frozenset({etree.ErrorTypes.ERR_INVALID_ENCODING, etree.ErrorTypes.ERR_INVALID_CHAR})


def _parse(payload: bytes) -> tuple[etree._Element, bool]:
    """(root, whether the parser met bytes that are not UTF-8)."""
    for attempt in (0, 1):
        parser = etree.HTMLParser(
            encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True, huge_tree=False,
            collect_ids=False, default_doctype=False,
        )
        try:
            root = etree.fromstring(payload, parser)
        except etree.XMLSyntaxError as exc:
            raise ReadError("网页中没有可读的内容", f"nothing to parse: {exc}", reason="empty") from exc
        if root is None:
            raise ReadError("网页中没有可读的内容", "nothing to parse", reason="empty")
        too_deep = bad_bytes = False
        for e in parser.error_log:
            if "depth" in e.message.lower():
                too_deep = True
            elif e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
                raise LimitExceeded("网页中有一段文字或一个标签过大，超过解析器的上限，无法读取",
                                    f"the HTML parser's limits were exceeded: {e.message.strip()}")
            elif e.type in _ENCODING_ERRORS or "UTF-8" in e.message:
                bad_bytes = True
        if not too_deep:
            return root, bad_bytes
        if attempt == 0:
            # Unclosed inline tags (<font>, <span>) nest without end in old pages; they carry no
            # structure, so read the page once more without them.
            payload = _INLINE_TAGS.sub(b"", payload)
    raise LimitExceeded("网页结构嵌套过深（超过 256 层），无法完整读取", "HTML elements nested deeper than 256 levels")


def _read_meta(root: etree._Element, doc: Document) -> None:
    title = root.find("head/title")
    if title is None:
        title = root.find(".//title")
    if title is not None:
        text = _clean(_text_of(title))
        if text:
            doc.meta["title"] = text
    head = root.find("head")
    for meta in (head if head is not None else root).iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = _clean(meta.get("content") or "")
        if not name or not content:
            continue
        if name in ("articletitle", "og:title"):
            doc.meta.setdefault("标题", content)
        elif name in ("pubdate", "publishdate", "firstpublishedtime", "article:published_time"):
            doc.meta.setdefault("发布时间", content)
        elif name in ("url", "og:url"):
            doc.meta.setdefault("原文链接", content)
        elif name == "contentsource":
            doc.meta.setdefault("来源", content)
    if "原文链接" not in doc.meta:
        for link in (head if head is not None else root).iter("link"):
            if (link.get("rel") or "").lower() == "canonical" and (href := link.get("href")):
                doc.meta["原文链接"] = href.strip()
                break


# ----------------------------------------------------------------------------- the page


def _clean(s: str) -> str:
    """One line of text: every run of whitespace (&nbsp;, ideographic spaces too) is one space."""
    if "\u200b" in s or "\ufeff" in s:
        s = s.replace("\u200b", "").replace("\ufeff", "")
    return " ".join(s.split())


def _text_of(el: etree._Element) -> str:
    """All the text inside an element, in order (much faster than itertext)."""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


def _blank(s: str | None) -> bool:
    return not s or s.isspace()


def _span(value: str | None, cap: int) -> int:
    """A colspan/rowspan attribute: 1 when missing or unreadable, 0 when 0."""
    if not value:
        return 1
    m = _DIGITS.search(value)
    if not m:
        return 1
    return min(int(m.group()[:6]), cap)


_NAME_CACHE: dict[str, bool] = {}


def _furniture_name(cls: str | None, ident: str | None) -> bool:
    names = f"{cls} {ident}" if cls and ident else (cls or ident or "")
    known = _NAME_CACHE.get(names)
    if known is not None:
        return known
    found = bool(_FURNITURE_HINT.search(names)) and \
        any(tok.lower() in _FURNITURE_NAMES for tok in _NAME_SPLIT.split(names) if tok)
    if len(_NAME_CACHE) > 20_000:  # pages of one CMS share their class names; keep the cache bounded
        _NAME_CACHE.clear()
    _NAME_CACHE[names] = found
    return found


def _prefix(values: list[int]) -> list[int]:
    return list(accumulate(values, initial=0))


class _Tree:
    """The body flattened in document order, with sums over subtrees and the content choice."""

    def __init__(self, body: etree._Element, limits: Limits) -> None:
        etree.strip_elements(body, *_STRIP, with_tail=False)
        etree.strip_tags(body, *_INLINE)  # their text joins the parent's: fewer elements to visit
        els = list(body.iter(etree.Element))
        n = len(els)
        if n > limits.max_elements:
            raise _too_many_elements(limits)
        self.els, self.n = els, n
        index: dict[etree._Element | None, int] = {e: i for i, e in enumerate(els)}  # (getparent() may be None)
        parent = [index.get(e.getparent(), -1) for e in els]
        tags = [e.tag for e in els]
        texts = [e.text for e in els]
        tails = [e.tail for e in els]
        if n:
            parent[0] = -1
            tails[0] = None
        end = list(range(1, n + 1))
        for i in range(n - 1, 0, -1):
            p = parent[i]
            if end[i] > end[p]:  # (faster than max() in this loop over every element)
                end[p] = end[i]
        self.parent, self.tags, self.texts, self.tails, self.end = parent, tags, texts, tails, end

        tables = [i for i, t in enumerate(tags) if t == "table"]
        open_ends: list[int] = []
        for t in tables:
            while open_ends and open_ends[-1] <= t:
                open_ends.pop()
            open_ends.append(end[t])
            if len(open_ends) > limits.max_nesting:
                raise LimitExceeded(
                    f"网页中的表格嵌套过深（超过 {limits.max_nesting} 层），无法读取",
                    f"tables nested more than {limits.max_nesting} deep",
                )

        # characters of text directly in each element (its text and its children's tails), so
        # that the subtree of i sums to p[end[i]] - p[i] for a prefix sum p
        own = [len(a.strip()) if a else 0 for a in texts]
        for i, b in enumerate(tails):
            if b and not b.isspace():
                own[parent[i]] += len(b.strip())
        indicator = [0] * n
        for t in tables:
            indicator[t] = 1
        self.p_tables = _prefix(indicator)
        self._p_cells: list[int] | None = None
        p_own = _prefix(own)
        self.flags = flags = bytearray(n)  # 1: dropped subtree root, 2: furniture root
        dropped = bytearray(n)
        total = own
        p_tables = self.p_tables
        for i in [i for i, t in enumerate(tags) if t == "form"]:
            e = end[i]
            # a search box or login form, not a page wrapped in a <form> (ASP.NET)
            if not dropped[i] and p_own[e] - p_own[i] <= 200 and p_tables[e] == p_tables[i]:
                flags[i] = 1
                dropped[i:e] = b"\x01" * (e - i)
                total[i:e] = [0] * (e - i)
        links = [0] * n
        mass_all = list(total)
        self.anchors = anchors = [i for i, t in enumerate(tags) if t == "a"]
        for k in anchors:
            e = end[k]
            links[k:e] = total[k:e]
            mass_all[k:e] = [0] * (e - k)
        furniture = bytearray(n)
        mass = list(mass_all)
        for i in [i for i, t in enumerate(tags) if t in _NAMED_OR_FURNITURE]:
            if dropped[i] or furniture[i]:
                continue
            if tags[i] not in _FURNITURE_TAGS:
                get = els[i].get
                cls, ident = get("class"), get("id")
                if not cls and not ident:
                    continue
                if not _furniture_name(cls, ident):
                    continue
            e = end[i]
            flags[i] = 2
            furniture[i:e] = b"\x01" * (e - i)
            mass[i:e] = [0] * (e - i)
        self.p_total = _prefix(total)
        self.p_links = _prefix(links)
        indicator = [0] * n
        for k in anchors:
            indicator[k] = 1
        self.p_anchors = _prefix(indicator)
        report_all = [t for t in tables if not dropped[t] and self._is_report_table(t)]
        report = [t for t in report_all if not furniture[t]]
        p_mass, p_mass_all = _prefix(mass), _prefix(mass_all)
        # Names are a hint only: if they would hide a table of the report or most of the text,
        # they are wrong for this page.
        self.use_furniture = n > 0 and len(report) == len(report_all) and \
            (p_mass[n] * 2 >= p_mass_all[n])
        if self.use_furniture:
            self.p_mass, self.report = p_mass, report
        else:
            self.p_mass, self.report = p_mass_all, report_all

    # -- sums over the subtree of element i

    @property
    def p_cells(self) -> list[int]:
        """Prefix sums of table cells (needed only for tables holding tables)."""
        if self._p_cells is None:
            self._p_cells = _prefix([1 if t in _CELLS else 0 for t in self.tags])
        return self._p_cells

    def total(self, i: int) -> int:
        return self.p_total[self.end[i]] - self.p_total[i]

    def mass(self, i: int) -> int:
        return self.p_mass[self.end[i]] - self.p_mass[i]

    def reports(self, i: int) -> int:
        return bisect_left(self.report, self.end[i]) - bisect_left(self.report, i)

    def skipped(self, i: int) -> bool:
        f = self.flags[i]
        if f == 1 or (f == 2 and self.use_furniture):
            return True
        if self.tags[i] in _LISTISH:  # a list of links
            e = self.end[i]
            if self.p_anchors[e] - self.p_anchors[i] >= 3:
                links = self.p_links[e] - self.p_links[i]
                if links * 10 >= self.total(i) * 7 and not self.reports(i):
                    return True
        return False

    def children(self, i: int) -> list[int]:
        out = []
        j, e, end = i + 1, self.end[i], self.end
        while j < e:
            out.append(j)
            j = end[j]
        return out

    def own_rows(self, t: int) -> tuple[list[int], list[int]]:
        """A table's own rows (not those of tables inside it) and its other children."""
        rows: list[int] = []
        others: list[int] = []
        tags = self.tags
        for c in self.children(t):
            tag = tags[c]
            if tag == "tr":
                rows.append(c)
            elif tag in _TABLE_SECTIONS:
                for r in self.children(c):
                    (rows if tags[r] == "tr" else others).append(r)
            elif tag not in ("colgroup", "col"):
                others.append(c)
        return rows, others

    def own_cells(self, r: int) -> list[int]:
        tags = self.tags
        return [c for c in self.children(r) if tags[c] in _CELLS]

    def _is_report_table(self, t: int) -> bool:
        rows, _ = self.own_rows(t)
        if len(rows) < 2:
            return False
        for r in rows:
            for c in self.own_cells(r):
                e = self.end[c]
                if self.p_tables[e] - self.p_tables[c + 1] or self.p_anchors[e] - self.p_anchors[c]:
                    continue
                if self.p_total[e] - self.p_total[c] > 80:
                    continue
                text = _text_of(self.els[c]).strip()
                if len(text) <= 60 and any(k in text for k in _TABLE_KEYWORDS):
                    return True
        return False

    # -- where the report is

    def choose_content(self) -> int:
        """The element holding the report: walk down from <body> while one child holds it."""
        if not self.n:
            return 0
        i = 0
        tags = self.tags
        while True:
            if tags[i] == "table" and self.data_table(i) is not None:
                break  # never inside a table of data
            kids = [k for k in self.children(i) if not self.skipped(k)]
            if not kids:
                break
            best = max(kids, key=self.mass)
            if tags[best] not in _CONTAINERS:
                break  # a paragraph is not a container of the report
            m_best, m_here = self.mass(best), self.mass(i)
            if m_best == 0 or self.reports(best) != self.reports(i):
                break
            if not (m_best * 10 >= m_here * 9 or (m_best * 2 >= m_here and m_best >= _ARTICLE_CHARS)):
                break
            if m_best < m_here and self._report_outside(i, best, kids):
                break
            i = best
        return i

    def data_table(self, t: int) -> tuple[list[int], list[int], list[list[int]]] | None:
        """(rows, other children, cells of each row) of a table of data; None for a layout table."""
        rows, others = self.own_rows(t)
        cells_by_row = [self.own_cells(r) for r in rows]
        count = nested_cells = 0
        end, p_tables, p_total = self.end, self.p_tables, self.p_total
        for cells in cells_by_row:
            for c in cells:
                e = end[c]
                if p_total[e] - p_total[c] > _LAYOUT_CELL_CHARS:
                    return None  # running text in a cell: the table lays out a page
                if p_tables[e] != p_tables[c + 1]:
                    p_cells = self.p_cells
                    nested_cells += p_cells[e] - p_cells[c + 1]
            count += len(cells)
        if count <= 1 or nested_cells >= count:
            return None  # a box around text, or a frame around other tables
        return rows, others, cells_by_row

    def _report_outside(self, i: int, best: int, kids: list[int]) -> bool:
        """Does element ``i`` hold report-like text outside its child ``best``?"""
        parts = [self.texts[i] or ""]
        for k in self.children(i):
            if tail := self.tails[k]:
                parts.append(tail)
        for k in kids:
            if k != best:
                parts.append(self.plain_text(k))
        text = "".join(parts)
        return any(s in text for s in _REPORT_SIGNALS)

    def plain_text(self, i: int) -> str:
        """Text of element i without links and skipped parts, to look for words in (the order of
        the pieces is not the document's)."""
        parts: list[str] = []
        tags, texts, tails, end = self.tags, self.texts, self.tails, self.end
        j, stop = i, end[i]
        while j < stop:
            if j != i and (tags[j] == "a" or self.skipped(j)):
                if tail := tails[j]:
                    parts.append(tail)
                j = end[j]
                continue
            if text := texts[j]:
                parts.append(text)
            if j != i and (tail := tails[j]):
                parts.append(tail)
            j += 1
        return "".join(parts)

    def attachments(self, content: int) -> list[str]:
        """Links to documents (PDF, Word, ...) inside the content: the report may be one of them."""
        out: list[str] = []
        if not self.n:
            return out
        lo = bisect_left(self.anchors, content)
        hi = bisect_left(self.anchors, self.end[content])
        for k in self.anchors[lo:hi]:
            href = (self.els[k].get("href") or "").strip()
            if href and _ATTACHMENT_RE.search(href) and href not in out:
                out.append(href)
        return out

    def title_element(self, content: int, meta: dict[str, str]) -> int | None:
        """The report's heading when the page prints it outside the element holding the text."""
        if content == 0 or not self.n:
            return None
        # a short line saying 报告 among the first lines of the content: the heading is there
        chunks = 0
        for j in range(content, self.end[content]):
            for t in (self.texts[j], self.tails[j] if j != content else None):
                if t and not t.isspace():
                    line = t.strip()
                    if len(line) <= 60 and ("报告" in line or "年报" in line) and not line.endswith(_SENTENCE_ENDS):
                        return None
                    chunks += 1
            if chunks >= 3:
                break
        titles = set()
        for key in ("标题", "title"):
            if key in meta:
                titles.add("".join(_TITLE_SPLIT.split(meta[key])[0].split()))
                titles.add("".join(meta[key].split()))
        titles.discard("")
        lengths = {len(t) for t in titles}
        anc = content
        for _ in range(4):  # look in the content's parent, then grandparent, ... before the content
            scanned, anc = anc, self.parent[anc]
            if anc < 0:
                break
            found = None
            for j in range(anc + 1, scanned):
                if self.end[j] > content or self.flags[j] == 1:
                    continue  # an ancestor of the content, or dropped
                total = self.total(j)
                if not 4 <= total <= 120 or (self.p_links[self.end[j]] - self.p_links[j]) * 2 >= total:
                    continue
                tag = self.tags[j]
                el = self.els[j]
                names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
                heading = tag in ("h1", "h2", "h3") or "tit" in names or "bt" in names.split()
                if not heading and not any(abs(total - n) <= 4 for n in lengths):
                    continue
                text = "".join(_text_of(el).split())
                if text in titles or (heading and ("报告" in text or "年报" in text)):
                    found = j
            if found is not None:
                return found
            if anc == 0:
                break
        return None


# ----------------------------------------------------------------------------- blocks


def _covered_at(row_at: Location, cell: int) -> Location:
    """A grid position covered by a rowspan from above: no element of its own, so its row's line."""
    return Location(line=row_at.line, table=row_at.table, row=row_at.row, cell=cell)


class _Emitter:
    """Walks the chosen element in document order and appends blocks to the document."""

    def __init__(self, doc: Document, tree: _Tree, limits: Limits) -> None:
        self.blocks = doc.blocks
        self.tree = tree
        self.limits = limits
        self.pieces: list[str] = []
        self.line_el = -1  # element where the open paragraph's text starts
        self.paragraphs = 0
        self.tables = 0
        self.chars = 0
        self.pre = 0
        self.pictures: list[tuple[int, int]] = []  # <img> elements met: (index in blocks where they are, element)

    # -- paragraphs

    def text(self, s: str, j: int) -> None:
        if self.pre and "\n" in s:  # preformatted text: every line is a paragraph
            for n, part in enumerate(s.split("\n")):
                if n:
                    self.brk()
                self._piece(part, j)
            return
        self._piece(s, j)

    def _piece(self, s: str, j: int) -> None:
        if self.line_el < 0 and s and not s.isspace():
            self.line_el = j
        self.pieces.append(s)

    def brk(self) -> None:
        if not self.pieces:
            return
        text = _clean("".join(self.pieces))
        self.pieces = []
        j, self.line_el = self.line_el, -1
        if not text:
            return
        self.paragraphs += 1
        line = self.tree.els[j].sourceline if j >= 0 else None
        self._append(Paragraph(text, Location(line=line, paragraph=self.paragraphs)), len(text))

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

    def add_title(self, j: int) -> None:
        self.brk()
        self.text(_text_of(self.tree.els[j]), j)
        self.brk()

    # -- the walk

    def walk(self, start: int) -> None:
        tree = self.tree
        if not tree.n:
            return
        tags, texts, tails, end = tree.tags, tree.texts, tree.tails, tree.end
        flags, p_anchors = tree.flags, tree.p_anchors
        stop = end[start]
        stack: list[int] = []
        j = start
        while True:
            while stack and end[stack[-1]] <= j:
                k = stack.pop()
                tag = tags[k]
                if tag in _BLOCK:
                    self.brk()
                    if tag == "pre":
                        self.pre -= 1
                if k != start and (tail := tails[k]):
                    self.text(tail, k)
            if j >= stop:
                break
            tag = tags[j]
            if (flags[j] or (tag in _LISTISH and p_anchors[end[j]] - p_anchors[j] >= 3)) and j != start and \
                    tree.skipped(j):
                if tail := tails[j]:
                    self.text(tail, j)
                j = end[j]
                continue
            if tag == "br":
                self.brk()
                if j != start and (tail := tails[j]):
                    self.text(tail, j)
                j = end[j]
                continue
            if tag == "table" and self.table(j):
                if j != start and (tail := tails[j]):
                    self.text(tail, j)
                j = end[j]
                continue
            if tag == "img":
                self.brk()
                self.pictures.append((len(self.blocks), j))
            elif tag in _BLOCK:
                self.brk()
                if tag == "pre":
                    self.pre += 1
            if text := texts[j]:
                self.text(text, j)
            stack.append(j)
            j += 1

    # -- tables

    def table(self, t: int) -> bool:
        """Emit a data table's rows and return True; return False for a layout table."""
        tree = self.tree
        parts = tree.data_table(t)
        if parts is None:
            return False
        rows, others, cells_by_row = parts
        self.brk()
        for other in others:  # a caption, or stray content that a browser shows above the table
            self.walk(other)
            self.brk()
        self.tables += 1
        number = self.tables
        els, end, tags, texts, tails, flags = tree.els, tree.end, tree.tags, tree.texts, tree.tails, tree.flags
        n_rows = len(rows)
        spans: dict[int, tuple[int, int]] = {}  # first column -> (width, last row it covers)
        cover: dict[int, int] = {}  # covered column -> first column of its span
        for r, (tr, cells) in enumerate(zip(rows, cells_by_row, strict=True), start=1):  # a list per row
            out: list[Cell] = []
            deferred: list[int] = []
            col = chars = 0
            row_at = Location(line=els[tr].sourceline, table=number, row=r)
            for c in cells:
                if col in cover:
                    col = self._covered(spans, cover, col, row_at, out)
                get = els[c].get
                colspan_attr = get("colspan")
                colspan = 1 if colspan_attr is None else (_span(colspan_attr, _MAX_COLSPAN) or 1)
                rowspan_attr = get("rowspan")
                if rowspan_attr is not None:
                    rowspan = _span(rowspan_attr, _MAX_ROWSPAN)
                    if rowspan == 0:  # HTML: to the end of the table
                        rowspan = n_rows - r + 1
                else:
                    rowspan = 1
                e = end[c]
                if e == c + 1:  # a cell with no elements inside
                    text = _clean(own) if (own := texts[c]) else ""
                elif e == c + 2 and tags[c + 1] not in _NOT_FIRST and not flags[c + 1] and \
                        _blank(texts[c]) and _blank(tails[c + 1]):  # <td><p>23</p></td>
                    text = _clean(inner) if (inner := texts[c + 1]) else ""
                else:
                    text = self.cell_text(c, deferred)
                chars += len(text)
                out.append(Cell(text, Location(line=els[c].sourceline, table=number, row=r, cell=len(out) + 1)))
                if rowspan > 1 and col < _MAX_GRID_COLS:
                    last_col = min(col + colspan, _MAX_GRID_COLS)
                    spans[col] = (last_col - col, r + rowspan - 1)
                    for k in range(col, last_col):
                        old = cover.get(k)
                        if old is not None and old != col and old in spans:
                            self._expire(spans, cover, old)
                        cover[k] = col
                col += colspan
            # positions covered from above after the row's last cell
            if spans:
                for start in sorted(s for s in spans if s >= col):
                    width, last = spans[start]
                    if last < r:
                        self._expire(spans, cover, start)
                    elif start >= col:
                        out.append(Cell("", _covered_at(row_at, len(out) + 1)))
                        col = start + width
            if chars:
                self._append(Row(out, row_at, number - 1, True), chars)
            for nested in deferred:
                if not self.table(nested):
                    self.walk(nested)
                    self.brk()
        return True

    @staticmethod
    def _expire(spans: dict[int, tuple[int, int]], cover: dict[int, int], start: int) -> None:
        width, _ = spans.pop(start)
        for k in range(start, start + width):
            if cover.get(k) == start:
                del cover[k]

    def _covered(self, spans: dict[int, tuple[int, int]], cover: dict[int, int], col: int, row_at: Location,
                 out: list[Cell]) -> int:
        """Skip grid positions taken by rowspans from above: one empty cell for each span."""
        r = row_at.row or 0
        while True:
            start = cover.get(col)
            if start is None:
                return col
            width, last = spans[start]
            if last < r:
                self._expire(spans, cover, start)
                continue
            if start == col:
                out.append(Cell("", _covered_at(row_at, len(out) + 1)))
            col = start + width

    def cell_text(self, c: int, deferred: list[int]) -> str:
        """A cell's text: inline parts joined, <br> and block elements as line breaks."""
        tree = self.tree
        tags, texts, tails, end = tree.tags, tree.texts, tree.tails, tree.end
        stop = end[c]
        if stop == c + 1:
            return _clean(own) if (own := texts[c]) else ""
        if stop == c + 2:  # one child without children: <td><p>23</p></td>
            tag = tags[c + 1]
            if tag != "br" and tag != "table" and tree.flags[c + 1] != 1 and _blank(texts[c]) and \
                    _blank(tails[c + 1]):
                t = texts[c + 1]
                return _clean(t) if t else ""
        elif stop - c <= 4 and _blank(texts[c]) and end[c + 1:stop] == [stop] * (stop - c - 1) \
                and "br" not in tags[c + 1:stop] and "table" not in tags[c + 1:stop] \
                and all(_blank(tails[k]) for k in range(c + 1, stop)):
            # a chain of single children (<td><p>23</p></td>): one line if no text sits beside it
            return _clean("".join([t for t in texts[c + 1:stop] if t]))
        first = tags[c + 1]
        if _BREAKS.isdisjoint(tags[c + 2:stop]) and first not in _NOT_FIRST and tree.flags[c + 1] != 1 and (
            first not in _BLOCK
            or (end[c + 1] == stop and _blank(texts[c]) and _blank(tails[c + 1]))
        ):  # the common case: text in a <p> or <span>s, no line breaks
            return _clean(_text_of(tree.els[c]))
        lines: list[str] = []
        cur: list[str] = [own] if (own := texts[c]) else []
        stack: list[int] = []
        j = c + 1
        while True:
            while stack and end[stack[-1]] <= j:
                k = stack.pop()
                if tags[k] in _BLOCK and cur:
                    lines.append("".join(cur))
                    cur = []
                if tail := tails[k]:
                    cur.append(tail)
            if j >= stop:
                break
            tag = tags[j]
            if tag == "table" or tag == "br" or tree.flags[j] == 1:
                if tag == "table":
                    deferred.append(j)  # its rows follow the row of this cell
                if cur:
                    lines.append("".join(cur))
                    cur = []
                if tail := tails[j]:
                    cur.append(tail)
                j = end[j]
                continue
            if tag in _BLOCK and cur:
                lines.append("".join(cur))
                cur = []
            if text := texts[j]:
                cur.append(text)
            stack.append(j)
            j += 1
        if cur:
            lines.append("".join(cur))
        return "\n".join(filter(None, map(_clean, lines)))
