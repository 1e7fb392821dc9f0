"""The report's own facts outside the tables: title, agency, year, printed date, contact, and the
signature (the agency and the date printed under the last section)."""

from __future__ import annotations

import datetime as dt
import re

from ..formats.labels import chinese_number, fold
from ..location import Location
from ..model import Report
from .sections import looks_like_section_heading
from .tidy import page_chrome

_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年度?")
_TITLE_SUFFIX = re.compile(
    r"(?:政府)?(?:信息公开|政务公开|政府信息与政务公开)(?:工作)?(?:年度)?(?:工作)?(?:报告|总结)(?:[（(][^）)]*[）)])?$"
)
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "О": "0", "Ｏ": "0"}  # noqa: RUF001  (a Cyrillic capital O, on purpose: some reports print it for the Chinese zero)
_DATE = re.compile(
    r"^(?P<y>(?:19|20)\d{2}|[〇零○一二三四五六七八九ОＯ]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日$"
)
_ISO_DATE = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_PHONE = re.compile(r"(?:联系电话|咨询电话|电话|联系方式)\s*[:：]?\s*([0-9０-９（）()\-－—\s、/]{7,40}[0-9０-９])")
_ADDRESS = re.compile(r"(?:通讯地址|通信地址|联系地址|办公地址|地址)\s*[:：]\s*([^，。；;,（）()\n]{4,60})")
_POSTCODE = re.compile(r"(?:邮政编码|邮编)\s*[:：]?\s*(\d{6})")
_EMAIL = re.compile(r"(?:电子邮箱|电子信箱|邮箱|E-?mail)\s*[:：]?\s*([\w.\-]+@[\w\-]+(?:\.[\w\-]+)+)", re.IGNORECASE)


def find_title(paragraphs: list[tuple[str, Location]]) -> tuple[str | None, Location | None]:
    """The title: among the first paragraphs, the one naming a year and a report.

    A title printed over two lines (agency, then year and report) is joined. On a portal page the title
    comes after the site's menus and breadcrumbs: a line naming a year, disclosure and a report is looked
    for past them, before the line-by-line guess among the first paragraphs.
    """
    head = [(t, at) for t, at in paragraphs[:8] if t.strip()]
    found: tuple[str, Location] | None = None  # a title without a year: taken unless one with a year follows
    for i, (text, at) in enumerate(head):
        t = "".join(text.split()) if "\n" in text.strip() else text.strip()  # a title broken over lines in one paragraph
        if len(t) > 80:
            continue
        if ("报告" in t or "总结" in t) and ("公开" in t) and not page_chrome(t) and not _FIELD.match(t):
            # a title printed over two lines: 繁峙县集义庄乡人民政府 / 2023年度…报告,
            # or 平潭综合实验区2019年 / 政府信息公开工作年度报告 (not a menu's 政府信息公开年报 over it)
            before = head[i - 1][0] if i > 0 else ""
            if (before and _looks_like_agency(before) and (agency_from(t) is None or not _YEAR.search(t))
                    and not any(w in before for w in ("公开", "报告", "年报"))):
                return before.strip() + t, head[i - 1][1]
            if _YEAR.search(t):
                return t, at
            if found is None:
                found = (t, at)
    for text, at in paragraphs[8:_TITLE_SEARCH]:  # past a portal page's menus, before the first section
        t = text.strip()
        if looks_like_section_heading(t):
            break
        if (len(t) <= 80 and _YEAR.search(t) and "公开" in t and t.rstrip("）)》").endswith(("报告", "总结"))
                and not any(c in t for c in "，。；：:") and not page_chrome(t)):
            return t, at
    for text, at in paragraphs[:_TITLE_SEARCH]:  # a page run together on one line starts with its title
        m = _TITLE_HEAD.match(text)
        if m and _YEAR.search(m.group(1)) and not page_chrome(m.group(1)):
            return m.group(1).strip(), at
    return found if found is not None else (None, None)


_TITLE_HEAD = re.compile(r"^\s*([^。：:，,；;\n]{0,60}?(?:信息公开|政务公开)(?:工作)?(?:年度)?(?:工作)?报告)(?=\S)")
_TITLE_SEARCH = 60  # paragraphs a portal page's menus may take before the title
_FIELD = re.compile(r"^[^：:，。]{1,8}[:：]")  # 发布机构：… — a field of the page, not a title


def _looks_like_agency(text: str) -> bool:
    t = text.strip()
    return 2 <= len(t) <= 30 and not re.search(r"[，。；：:,]", t)


def year_from(title: str | None, body: str) -> int | None:
    if title:
        m = _YEAR.search(fold(title))
        if m:
            return int(m.group(1))
    m = re.search(r"统计期限?[^。]{0,6}?(20\d{2})\s*年\s*1\s*月\s*1\s*日", body[:3000])
    if m:
        return int(m.group(1))
    return None


def agency_from(title: str | None) -> str | None:
    if not title:
        return None
    t = _YEAR.sub("", "".join(fold(title).split()), count=1)
    t = t.replace("关于", "").strip("《》\"'")
    t = _TITLE_SUFFIX.sub("", t).rstrip("的")
    if t.endswith("人民"):
        t += "政府"  # 幸福乡人民政府信息公开…: the title shares 政府 with 政府信息公开
    return t or None


def _to_int(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if all(c in _CN_DIGITS for c in text):
        return int("".join(_CN_DIGITS[c] for c in text))
    return chinese_number(text)


def parse_date(text: str) -> dt.date | None:
    if "日" not in text or "月" not in text or "年" not in text:
        return None  # (most paragraphs: no date, and no need to fold them)
    t = fold(text).strip().replace(" ", "")
    m = _DATE.match(t)
    if not m:
        return None
    y, mo, d = _to_int(m.group("y")), _to_int(m.group("m")), _to_int(m.group("d"))
    try:
        return dt.date(y, mo, d) if y and mo and d else None
    except ValueError:
        return None


def find_date(paragraphs: list[tuple[str, Location]], meta: dict[str, str]) -> tuple[dt.date | None, Location | None]:
    """The printed date under the signature, else a publication date the page states.

    What a portal page prints after the report (its footer, print and share buttons) is passed over."""
    for text, at in reversed(paragraphs[-12:]):
        d = parse_date(text)
        if d:
            return d, at
    # a portal page's footer after the report: passed over; a page run together on one line ends with
    # its signature (…。某某镇人民政府2024年1月15日)
    footer = bool(paragraphs) and page_chrome(paragraphs[-1][0])
    seen = 0
    for text, at in reversed(paragraphs[-_TAIL_SEARCH:] if footer else paragraphs[-1:]):
        if page_chrome(text):
            continue
        d = parse_date(text)
        if d:
            return d, at
        if len(text) > 80:
            cut = max(0, len(text) - 80)
            m = _ENDING_DATE.search(text, cut)
            d = parse_date(m.group("date")) if m else None
            if m and d:
                return d, at.at_char((at.char or 1) + m.start("date"))
            break  # (the report's text: its signature is not before it)
        seen += 1
        if seen >= 12:
            break
    for text, at in paragraphs[:4]:
        d = parse_date(text)
        if d:
            return d, at
    for key in ("发布时间", "发布日期", "成文日期", "date"):
        if key in meta:
            m = _ISO_DATE.search(meta[key])
            if m:
                try:
                    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), Location(meta=key)
                except ValueError:
                    pass
    for text, at in paragraphs[:_TITLE_SEARCH]:  # a portal page's 发布日期：2024-01-18 over the report
        if "发布" not in text and "成文" not in text:
            continue
        m = _PUBLISHED.match(text.strip())
        if m:
            found = _ISO_DATE.search(m.group(1))
            if found:
                try:
                    return dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3))), at
                except ValueError:
                    pass
    return None, None


# The page's own dates: its publication date (a meta tag, the info bar, a crawler's header), its 成文日期.
_PAGE_KEYS = ("发布时间", "发布日期", "公开日期", "公开时间")
_WRITTEN_KEYS = ("成文日期", "发文日期", "成文时间", "印发日期")
FILE_CREATED = "文件创建时间"  # set by the Word and PDF readers: the creation time in the file's properties, as a date
_LABELLED_DATE = re.compile(r"(发布时间|发布日期|公开日期|公开时间|成文日期|发文日期|成文时间|印发日期)\s*[:：]\s*"
                            r"((?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})")


def _iso_date(text: str) -> dt.date | None:
    m = _ISO_DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def find_published(paragraphs: list[tuple[str, Location]], meta: dict[str, str], fmt: str,
                   year: int | None) -> tuple[dt.date | None, str | None, Location | None]:
    """The publication date the file itself gives, where it was found (a key of model.PUBLISHED_FROM) and
    where it was printed: the page's 发布时间 (its meta tags or info bar, a crawler's header), else a line over
    the report that labels it (发布日期：2024-01-18), else the page's 成文日期; else the creation time in a Word
    or PDF file's properties, when it is in the year after the report's (earlier: a file reused from before;
    later: a copy made since, such as a scan or an archive)."""
    lines = []
    for text, at in paragraphs[:_TITLE_SEARCH]:
        if len(text) <= 160 and ("日期" in text or "时间" in text):
            for m in _LABELLED_DATE.finditer(text):
                lines.append((m.group(1), m.group(2), at))
    for keys, kind in ((_PAGE_KEYS, "page"), (_WRITTEN_KEYS, "written")):
        for key in keys:
            d = _iso_date(meta[key]) if key in meta else None
            if d is not None:
                return d, kind, Location(meta=key)
        for label, text, at in lines:
            d = _iso_date(text) if label in keys else None
            if d is not None:
                return d, kind, at
    created = _iso_date(meta.get(FILE_CREATED, ""))
    if created is not None and fmt in ("docx", "pdf") and year is not None and created.year == year + 1:
        return created, fmt, Location(meta=FILE_CREATED)
    return None, None, None


# the signature at the end of a long line: 。某某镇人民政府2024年1月15日
_ENDING_DATE = re.compile(r"[。；;]\s*(?P<signer>[^。；;，,\s]{2,40}?)?\s*"
                          r"(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$")
_TAIL_SEARCH = 60  # paragraphs at the end looked through for the date (a portal's footer may come after it)
_PUBLISHED = re.compile(r"^(?:发布时间|发布日期|成文日期)\s*[:：]\s*(.{8,20})")


# Each pattern above starts with one of these words (the e-mail pattern needs an @): a match can only start
# where the first of them is found, so the pattern is searched from there (and not at all without one). A
# word ending in another of them (联系电话, 电话) is found through that one: the first 联系电话 ends in the
# first 电话 (text.find, the only search over the whole text, is made once for them).
_CONTACT_WORDS = (("phone", _PHONE, {"电话": ("联系", "咨询"), "联系方式": ()}),
                  ("address", _ADDRESS, {"地址": ("通讯", "通信", "联系", "办公")}),
                  ("postcode", _POSTCODE, {"邮政编码": (), "邮编": ()}),
                  ("email", _EMAIL, {"@": ()}))


def _first(text: str, word: str, heads: tuple[str, ...]) -> int:
    """Where ``word``, or one of ``heads`` followed by it, is first found (-1: nowhere)."""
    k = text.find(word)
    if k >= 0 and heads:
        for head in heads:
            if k >= len(head) and text.startswith(head, k - len(head)):
                return k - len(head)
    return k


def find_contact(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, rx, words in _CONTACT_WORDS:
        found = [k for k in (_first(text, w, heads) for w, heads in words.items()) if k >= 0]
        if not found:
            continue
        m = rx.search(text, 0 if key == "email" else min(found))
        if m:
            out[key] = m.group(1).strip(" 　")
    return out


_AGENCYISH = re.compile(
    r"^[^，。；：,.;:！？!?“”\"\s]{2,40}(?:政府|局|委员会|委|办公室|办|办事处|中心|院|所|队|站|厅|处|会|室|部|署|馆|社|街道|乡|镇)$"
)


def split_signature(text: str, agency: str | None) -> tuple[str, str | None, dt.date | None]:
    """(text without the signature, the signing agency, the signed date) for a section's text.

    What is printed after the last section — the agency and the date — comes as that section's
    last paragraphs; they belong to the signature, not to the section. The last paragraph is the
    date when it reads as one; the one before it (or the last, without a date) is the signing agency
    when it is the report's agency, part of it, or shaped like an agency's name.
    """
    lines = text.split("\n")
    signed_date = parse_date(lines[-1]) if lines else None
    if signed_date is not None:
        lines.pop()
    elif lines and len(lines[-1]) > 80:  # a page run together on one line: the signature ends its last line
        m = _ENDING_DATE.search(lines[-1])
        signed_date = parse_date(m.group("date")) if m else None
        if m and signed_date is not None:
            cut = m.start() + 1
            lines[-1:] = [lines[-1][:cut]] + ([m.group("signer")] if m.group("signer") else [])
    signer = None
    if lines:
        last = lines[-1].strip()
        same = agency is not None and len(agency) > 0 and len(last) >= 2 and \
            (last == agency or agency.endswith(last) or last.endswith(agency))
        if same or (signed_date is not None and _AGENCYISH.match(last)):
            signer = last
            lines.pop()
    if signed_date is None and signer is None:
        return text, None, None
    return "\n".join(lines).rstrip("\n"), signer, signed_date


def take_signature(report: Report) -> None:
    """Move the signature out of the last section's text: the agency to ``report.signer``, the date
    to ``report.date`` when the report has none yet. What a portal page printed after the report (its
    footer) goes first."""
    if not report.sections:
        return
    last = report.sections[-1]
    kept = _without_page_footer(last.text)
    if len(kept) < len(last.text):
        last.text = kept
        last.spans = [span for span in last.spans if span[0] < len(kept)]
    text, signer, signed = split_signature(last.text, report.agency)
    if signer is None and signed is None:
        return
    last.text = text
    last.spans = [span for span in last.spans if span[0] < len(text)]
    report.signer = signer
    if report.date is None and signed is not None:
        report.date = signed


def _without_page_footer(text: str) -> str:
    """``text`` without the lines a portal page prints after the report: the lines after the signed date
    when they are all short lines and one of them is the site's (网站地图, ICP备…); else the site's own
    lines at the end."""
    lines = text.split("\n")
    if not any(page_chrome(line) for line in lines[-40:]):
        return text
    end = len(lines)
    dated = next((k for k in range(len(lines) - 1, max(-1, len(lines) - 41), -1) if parse_date(lines[k])), None)
    if dated is not None and all(len(x.strip()) <= 100 and "。" not in x for x in lines[dated + 1:]):
        end = dated + 1
    else:
        while end > 0 and (page_chrome(lines[end - 1]) or not lines[end - 1].strip()):
            end -= 1
    return "\n".join(lines[:end]).rstrip("\n")
