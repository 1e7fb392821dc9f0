"""The report model: what a report says, for both editions, every value traced to where it was printed."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from .document import Source
from .location import Location

SCHEMA = "gongkai.report/2"
SCHEMA_READ = (SCHEMA, "gongkai.report/1")  # what Report.from_json and data accept (/1: ``at`` was text)

# Printed markers that mean "nothing here", kept apart from blank and from 0.
NIL_MARKERS = frozenset({"/", "-", "--", "---", "无", "\\", "空", "——", "—", "／", "－", "一"})


@dataclass(slots=True)
class Cell:
    value: int | float | None
    raw: str | None  # the text as printed: "20万元", "/", "" (blank); None when not printed at all
    at: Location | None = None
    how: str = "printed"  # "printed" in its own cell; "split" from run-together digits; "ocr"; "reviewer"
    confidence: float | None = None  # OCR's confidence, 0..1 (None: not recognised from a scan)
    candidates: tuple[int | float, ...] = ()  # the values it could have when the reading is not unique
    doubt: str | None = None  # why the value is uncertain ("ambiguous", "ocr", "identity"); None: it is not
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
        return {"value": self.value, "raw": self.raw, "at": at.to_json() if at is not None else None}


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
    contact: dict[str, str] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    tables: dict[str, dict[str, dict[str, Cell]]] = field(default_factory=dict)
    labels: list[LabelSeen] = field(default_factory=list)
    table_editions: dict[str, str] = field(default_factory=dict)  # edition each table's labels point to
    table_at: dict[str, Location] = field(default_factory=dict)  # where each table starts
    row_at: dict[str, Location] = field(default_factory=dict)  # "table.row" -> where its label was printed
    extra_rows: list[tuple[str, str, Location | None]] = field(default_factory=list)  # (table, row, at)

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
            "source": {"path": self.source.path, "sha256": self.source.sha256, "format": self.source.format},
            "agency": self.agency,
            "year": self.year,
            "edition": self.edition,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "contact": dict(self.contact) or None,
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
        report = cls(
            source=Source(src.get("path"), src.get("sha256") or "", src.get("format") or "json"),
            agency=data.get("agency"),
            year=data.get("year"),
            edition=data.get("edition"),
            title=data.get("title"),
            contact=dict(data.get("contact") or {}),
        )
        if data.get("date"):
            report.date = dt.date.fromisoformat(data["date"])
        report.sections = [
            Section(int(s["number"]), s.get("title", ""), s.get("text", "")) for s in data.get("sections") or []
        ]
        for t, rows in (data.get("tables") or {}).items():
            for r, cols in rows.items():
                for c, given in cols.items():
                    # a bare number is accepted as the value
                    cell = given if isinstance(given, dict) else {"value": given, "raw": None if given is None else str(given)}
                    report.tables.setdefault(t, {}).setdefault(r, {})[c] = Cell(
                        cell.get("value"), cell.get("raw"), Location.from_json(cell.get("at"))
                    )
        return report
