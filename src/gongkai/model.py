"""The report model: what a report says, for both editions, every value traced to where it was printed."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from .document import OcrSource, Source
from .location import Location

SCHEMA = "gongkai.report/2"
SCHEMA_READ = (SCHEMA, "gongkai.report/1")  # what Report.from_json and data accept (/1: ``at`` was text)

# Printed markers that mean "nothing here", kept apart from blank and from 0.
NIL_MARKERS = frozenset({"/", "-", "--", "---", "无", "\\", "空", "——", "—", "／", "－", "一"})

# How a cell was read (Cell.how) and why gongkai doubts a value (Cell.doubt).
HOWS = {
    "printed": "read as printed, in its own cell or token",
    "split": "split from digits printed run together, the one way the table's identities allow",
    "ocr": "recognised from a scan",
    "reviewer": "entered by a reviewer who read the original by eye",
}
DOUBTS = {
    "ambiguous": "数字连在一起，按表格的勾稽关系仍有几种拆分方式",
    "ocr": "扫描件识别不清（字迹模糊、有污迹或识别置信度低）",
    "identity": "扫描识别的数字与表格的勾稽关系不符，可能识别有误",
    "unread": "找到了这一行（或这张表），但未能读出其中的数字",
}
# Where a report's publication date (Report.published) was found, most telling first. A file's own
# creation time is no publication date, but the file cannot have been published before it.
PUBLISHED_FROM = {
    "page": "网页标明的发布时间",  # 发布时间/发布日期/公开日期: a meta tag, the page's info bar, a crawler's header
    "written": "网页标明的成文日期",  # 成文日期/发文日期 printed on the page
    "docx": "Word 文件属性中的创建时间",
    "pdf": "PDF 文件属性中的创建时间",
}


@dataclass(slots=True)
class Cell:
    value: int | float | None
    raw: str | None  # the text as printed: "20万元", "/", "" (blank); None when not printed at all
    at: Location | None = None
    how: str = "printed"  # "printed" in its own cell; "split" from run-together digits; "ocr"; "reviewer"
    confidence: float | None = None  # OCR's confidence, 0..1 (None: not recognised from a scan)
    candidates: tuple[int | float, ...] = ()  # the values it could have when the reading is not unique
    doubt: str | None = None  # why the value is uncertain (a key of DOUBTS); None: it is not
    crop: bytes | None = None  # PNG of the scanned cell, kept for uncertain recognised cells

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # as arguments: a report's cells are pickled by the hundred on their way back from a worker
        return Cell, (self.value, self.raw, self.at, self.how, self.confidence, self.candidates, self.doubt,
                      self.crop)

    @property
    def uncertain(self) -> bool:
        """gongkai is not sure of the value: a reviewer should look (``doubt`` says why)."""
        return self.doubt is not None

    @property
    def blank(self) -> bool:
        return self.raw is not None and not self.raw.strip()

    @property
    def nil(self) -> bool:
        return self.raw is not None and self.raw.strip() in NIL_MARKERS

    @property
    def unreadable(self) -> bool:
        """Printed, not blank, not a nil marker, and still no number."""
        return self.value is None and self.raw is not None and not self.blank and not self.nil

    def to_json(self) -> dict[str, Any]:
        at = self.at
        out: dict[str, Any] = {"value": self.value, "raw": self.raw, "at": at.to_json() if at is not None else None,
                               "how": self.how}
        if self.confidence is not None:
            out["confidence"] = round(self.confidence, 4)
        if self.candidates:
            out["candidates"] = list(self.candidates)
        if self.doubt is not None:
            out["doubt"] = self.doubt
        if self.crop is not None:
            out["crop_png_base64"] = base64.b64encode(self.crop).decode("ascii")
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cell:
        """The inverse of :meth:`to_json`; what it leaves out takes its default (read as printed, certain)."""
        how = data.get("how")
        confidence = data.get("confidence")
        candidates = data.get("candidates")
        doubt = data.get("doubt")
        crop = data.get("crop_png_base64")
        try:
            png = base64.b64decode(crop, validate=True) if isinstance(crop, str) and crop else None
        except (binascii.Error, ValueError):
            png = None
        return cls(
            data.get("value"), data.get("raw"), Location.from_json(data.get("at")),
            how if how in HOWS else "printed",
            float(confidence) if isinstance(confidence, (int, float)) and not isinstance(confidence, bool) else None,
            tuple(v for v in candidates if isinstance(v, (int, float)) and not isinstance(v, bool))
            if isinstance(candidates, list) else (),
            doubt if isinstance(doubt, str) and doubt in DOUBTS else None,
            png,
        )


def _span_start(span: tuple[int, Location]) -> int:
    return span[0]


@dataclass(slots=True)
class Section:
    number: int
    title: str
    text: str
    at: Location | None = None
    heading: str = ""  # the heading line as printed, numbering included
    # where each paragraph of ``text`` starts: (offset in text, where it was printed)
    spans: list[tuple[int, Location]] = field(default_factory=list)

    def at_offset(self, offset: int) -> Location | None:
        """Where the character at ``offset`` of ``text`` was printed."""
        found, base = self.at, 0
        k = bisect_right(self.spans, offset, key=_span_start)  # the spans are in order of their start
        if k:
            base, found = self.spans[k - 1]
        if found is not None and found.char is not None:  # a piece of run-together text: point at the character
            return found.at_char(found.char + offset - base)
        return found

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "title": self.title, "text": self.text}


@dataclass(slots=True)
class LabelSeen:
    """A row label printed differently from the official one."""

    table: str
    row: str
    printed: str
    official: str
    at: Location | None
    known_variant: bool  # a wording the edition accepts (规范性文件), not a slip


@dataclass(slots=True)
class AmbiguousRun:
    """Digits printed run together that the table's identities leave more than one way to split."""

    table: str
    cells: tuple[str, ...]  # "table.row.column" of the cells the run fills, in printed order
    printed: str  # the run as printed
    splits: tuple[tuple[int | float | None, ...], ...]  # each consistent split, a value per cell (None: a nil mark)
    count: int  # how many consistent splits there are (splits lists the first of them)
    at: Location | None = None


@dataclass(slots=True)
class Unread:
    """A row (or a whole table) gongkai found the label or heading of but could not read numbers from."""

    table: str
    row: str | None  # None: the whole table
    printed: str  # what it found: the label as printed, or the text it could not read
    reason: str  # why, in Chinese: 标签后没有数字 …
    at: Location | None = None


@dataclass(slots=True)
class UnitConversion:
    """An amount printed in another unit than its column's, converted to the column's unit."""

    cell: str  # "table.row.column"
    printed: str  # the cell as printed ("3000元")
    printed_value: int | float
    printed_unit: str  # 元
    value: int | float  # in the column's unit
    unit: str  # 万元
    source: str  # where the printed unit was read: "cell" (next to the number) or the header as printed
    at: Location | None = None


@dataclass(slots=True)
class Report:
    source: Source
    agency: str | None = None
    year: int | None = None
    edition: str | None = None
    title: str | None = None
    title_at: Location | None = None
    date: dt.date | None = None
    date_at: Location | None = None
    signer: str | None = None  # the agency as signed under the report (taken out of the last section's text)
    published: dt.date | None = None  # the publication date the file itself gives (``date`` is the one signed)
    published_from: str | None = None  # where it was found: a key of PUBLISHED_FROM
    published_at: Location | None = None
    contact: dict[str, str] = field(default_factory=dict)
    # the text printed between the title and the first section: the legal opening, the statistics period,
    # "现将…报告如下" (rules read it; no section of the format)
    preamble: str = ""
    sections: list[Section] = field(default_factory=list)
    tables: dict[str, dict[str, dict[str, Cell]]] = field(default_factory=dict)
    labels: list[LabelSeen] = field(default_factory=list)
    table_editions: dict[str, str] = field(default_factory=dict)  # edition each table's labels point to
    table_at: dict[str, Location] = field(default_factory=dict)  # where each table starts
    row_at: dict[str, Location] = field(default_factory=dict)  # "table.row" -> where its label was printed
    extra_rows: list[tuple[str, str, Location | None]] = field(default_factory=list)  # (table, row, at)
    # what gongkai noticed about its own reading of the tables (findings GK701–GK704)
    ambiguous: list[AmbiguousRun] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    conversions: list[UnitConversion] = field(default_factory=list)
    doubts: dict[str, str] = field(default_factory=dict)  # "table.row.column" -> why its reading is in doubt

    def cell(self, ref: str) -> Cell | None:
        table, row, col = ref.split(".")
        return self.tables.get(table, {}).get(row, {}).get(col)

    def value(self, ref: str) -> int | float | None:
        c = self.cell(ref)
        return c.value if c else None

    def section(self, number: int) -> Section | None:
        for s in self.sections:
            if s.number == number:
                return s
        return None

    @property
    def narrative(self) -> str:
        return "\n".join(s.text for s in self.sections)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "source": {"path": self.source.path, "sha256": self.source.sha256, "format": self.source.format,
                       "ocr": _ocr_json(self.source)},
            "agency": self.agency,
            "year": self.year,
            "edition": self.edition,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "published": {"date": self.published.isoformat(), "from": self.published_from}
            if self.published and self.published_from else None,
            "contact": dict(self.contact) or None,
            "preamble": self.preamble or None,
            "sections": [s.to_json() for s in self.sections],
            "tables": {
                t: {r: {c: cell.to_json() for c, cell in cols.items()} for r, cols in rows.items()}
                for t, rows in self.tables.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        """The inverse of :meth:`to_json` (for data written by hand or by another tool). ``gongkai.report/1``
        data, whose ``at`` is text, is read too: the text is kept as the location's note, unparsed."""
        src = data.get("source") or {}
        source = Source(src.get("path"), src.get("sha256") or "", src.get("format") or "json")
        ocr = _ocr_from_json(src.get("ocr"))
        if ocr is not None:
            source.ocr = ocr
        report = cls(
            source=source,
            agency=data.get("agency"),
            year=data.get("year"),
            edition=data.get("edition"),
            title=data.get("title"),
            contact=dict(data.get("contact") or {}),
            preamble=str(data.get("preamble") or ""),
        )
        if data.get("date"):
            report.date = dt.date.fromisoformat(data["date"])
        published = data.get("published")
        if isinstance(published, dict) and published.get("from") in PUBLISHED_FROM:
            try:
                report.published = dt.date.fromisoformat(str(published.get("date")))
                report.published_from = published["from"]
            except ValueError:
                pass
        report.sections = [
            Section(int(s["number"]), s.get("title", ""), s.get("text", "")) for s in data.get("sections") or []
        ]
        for t, rows in (data.get("tables") or {}).items():
            for r, cols in rows.items():
                for c, given in cols.items():
                    # a bare number is accepted as the value
                    cell = given if isinstance(given, dict) else {"value": given, "raw": None if given is None else str(given)}
                    report.tables.setdefault(t, {}).setdefault(r, {})[c] = Cell.from_json(cell)
        return report


def _ocr_json(source: Source) -> dict[str, Any] | None:
    """The source's note of what was read by OCR, or None."""
    return source.ocr.to_json() if source.ocr is not None else None


def _ocr_from_json(data: Any) -> OcrSource | None:
    """The inverse of :func:`_ocr_json`: None when there is no note, or it is not one."""
    if not isinstance(data, dict):
        return None
    try:
        return OcrSource(pages=[int(p) for p in data.get("pages") or []], engine=str(data.get("engine") or ""),
                    confidence=float(data.get("confidence") or 0.0),
                    mean_confidence=float(data.get("mean_confidence") or 0.0),
                    unread_pages=[int(p) for p in data.get("unread_pages") or []])
    except (TypeError, ValueError):
        return None
