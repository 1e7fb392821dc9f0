"""The report's own facts outside the tables: title, agency, year, printed date, contact, and the
signature (the agency and the date printed under the last section)."""

from __future__ import annotations

import datetime as dt
import re

from ..formats.labels import chinese_number, fold
from ..location import Location
from ..model import Report

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

    A title printed over two lines (agency, then year and report) is joined.
    """
    head = [(t, at) for t, at in paragraphs[:8] if t.strip()]
    for i, (text, at) in enumerate(head):
        t = "".join(text.split()) if "\n" in text.strip() else text.strip()  # a title broken over lines in one paragraph
        if len(t) > 80:
            continue
        if ("报告" in t or "总结" in t) and ("公开" in t):
            # a title printed over two lines: 繁峙县集义庄乡人民政府 / 2023年度…报告,
            # or 平潭综合实验区2019年 / 政府信息公开工作年度报告
            if i > 0 and _looks_like_agency(head[i - 1][0]) and (agency_from(t) is None or not _YEAR.search(t)):
                return head[i - 1][0].strip() + t, head[i - 1][1]
            return t, at
    return None, None


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
    """The printed date under the signature, else a publication date the page states."""
    for text, at in reversed(paragraphs[-12:]):
        d = parse_date(text)
        if d:
            return d, at
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
    return None, None


# Each pattern above starts with one of these words (the e-mail pattern needs an @): a match can only start
# where the first of them is found, so the pattern is searched from there (and not at all without one).
_CONTACT_WORDS = (("phone", _PHONE, ("联系电话", "咨询电话", "电话", "联系方式")),
                  ("address", _ADDRESS, ("通讯地址", "通信地址", "联系地址", "办公地址", "地址")),
                  ("postcode", _POSTCODE, ("邮政编码", "邮编")),
                  ("email", _EMAIL, ("@",)))


def find_contact(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, rx, words in _CONTACT_WORDS:
        found = [k for k in (text.find(w) for w in words) if k >= 0]
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
    to ``report.date`` when the report has none yet."""
    if not report.sections:
        return
    last = report.sections[-1]
    text, signer, signed = split_signature(last.text, report.agency)
    if signer is None and signed is None:
        return
    last.text = text
    last.spans = [span for span in last.spans if span[0] < len(text)]
    report.signer = signer
    if report.date is None and signed is not None:
        report.date = signed
